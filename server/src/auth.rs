//! Sign-in and the `Session` extractor that authenticates every other request.
//!
//! Passwords are hashed with argon2id. A session is a random bearer token; the server stores only its SHA-256,
//! with an expiry long enough for a tablet that works offline for weeks.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::routing::post;
use axum::Router;
use chrono::{Duration, Utc};
use domain::api::{LoginRequest, LoginResponse};
use password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::db::Session;
use crate::error::{ApiError, Json};
use crate::AppState;

/// How long a session lasts. Field staff may stay offline for weeks; the outbox waits for them either way.
const SESSION_DAYS: i64 = 30;

pub fn router() -> Router<AppState> {
    Router::new().route("/auth/login", post(login))
}

async fn login(
    State(state): State<AppState>,
    Json(request): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let credentials = state.db.credentials(request.login.trim()).await?;
    let Some(credentials) = credentials else {
        return Err(ApiError::BadCredentials);
    };
    let stored = credentials.password_hash.clone();
    let password = request.password;
    let _slot =
        state.password_checks.acquire().await.map_err(|e| ApiError::Internal(format!("password check slots: {e}")))?;
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(|e| ApiError::Internal(format!("password check task: {e}")))?;
    if !verified {
        return Err(ApiError::BadCredentials);
    }
    let token = new_token();
    let now = Utc::now();
    let expires_at = now + Duration::days(SESSION_DAYS);
    state.db.insert_session(&token_hash(&token), &credentials.user_id, request.device_id, now, expires_at).await?;
    let user = state
        .db
        .user_profile(&credentials.user_id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("user {} vanished during sign-in", credentials.user_id)))?;
    tracing::info!(user = %user.id, device = %request.device_id, "signed in");
    Ok(Json(LoginResponse { token, expires_at, user }))
}

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| ApiError::Internal(format!("hash password: {e}")))
}

fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => Argon2::default().verify_password(password.as_bytes(), &hash).is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "stored password hash is unreadable");
            false
        }
    }
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized)?;
        state.db.session(&token_hash(token.trim()), Utc::now()).await?.ok_or(ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("thidua2026").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("thidua2026", &hash));
        assert!(!verify_password("thidua2025", &hash));
        assert!(!verify_password("thidua2026", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }
}
