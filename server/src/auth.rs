//! Sign-in and the `Session` extractor that authenticates every other request.
//!
//! Passwords are hashed with argon2id. A session is a random bearer token; the server stores only its SHA-256,
//! with an expiry long enough for a tablet that works offline for weeks.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use chrono::{Duration, Utc};
use domain::api::{password_problem, ChangePasswordRequest, LoginRequest, LoginResponse};
use password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::db::Session;
use crate::error::{ApiError, Json};
use crate::AppState;

/// How long a session lasts. Field staff may stay offline for weeks; the outbox waits for them either way.
const SESSION_DAYS: i64 = 30;

/// Failed sign-ins allowed per account, and per address, within one window.
const ACCOUNT_FAILURES: i64 = 5;
const ADDRESS_FAILURES: i64 = 30;
const FAILURE_WINDOW_MINUTES: i64 = 15;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/password", post(change_password))
}

/// The client's IP address, when the server runs behind a real listener (tests that call the router directly
/// have none).
pub struct ClientAddress(Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Json(request): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let now = Utc::now();
    let window_start = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let login = request.login.trim().to_owned();
    let account_key = format!("account:{login}");
    let address_key = address.map(|a| format!("address:{a}"));
    let over_account = state.db.login_failures(&account_key, window_start).await? >= ACCOUNT_FAILURES;
    let over_address = match &address_key {
        Some(key) => state.db.login_failures(key, window_start).await? >= ADDRESS_FAILURES,
        None => false,
    };
    if over_account || over_address {
        tracing::warn!(%login, ?address, "sign-in refused: too many failures");
        return Err(ApiError::TooManySignIns { minutes: FAILURE_WINDOW_MINUTES });
    }

    let credentials = state.db.credentials(&login).await?;
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let verified = check_password(&state, request.password, stored).await?;
    let Some(credentials) = credentials.filter(|_| verified) else {
        state.db.record_login_failure(&account_key, now, window_start).await?;
        if let Some(key) = &address_key {
            state.db.record_login_failure(key, now, window_start).await?;
        }
        return Err(ApiError::BadCredentials);
    };
    state.db.clear_login_failures(&account_key).await?;
    let token = new_token();
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

/// Checks a password on a blocking thread, at most as many at once as there are cores. An unknown account is
/// checked against a dummy hash, so the answer takes as long as for a real one and does not tell which exist.
async fn check_password(state: &AppState, password: String, stored: Option<String>) -> Result<bool, ApiError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let known = stored.is_some();
    let stored = match stored {
        Some(hash) => hash,
        None => match DUMMY.get() {
            Some(hash) => hash.clone(),
            None => {
                let hash = hash_password("not a real password")?;
                DUMMY.get_or_init(|| hash).clone()
            }
        },
    };
    let _slot =
        state.password_checks.acquire().await.map_err(|e| ApiError::Internal(format!("password check slots: {e}")))?;
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(|e| ApiError::Internal(format!("password check task: {e}")))?;
    Ok(known && verified)
}

/// Ends this session on the server. The tablet keeps its database and outbox.
async fn logout(State(state): State<AppState>, session: Session) -> Result<StatusCode, ApiError> {
    state.db.delete_session(&session.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the user's password and ends their other sessions (a stolen tablet's included).
async fn change_password(
    State(state): State<AppState>,
    session: Session,
    Json(request): Json<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let stored = state.db.password_hash(&session.user_id).await?;
    if !check_password(&state, request.current_password, stored).await? {
        return Err(ApiError::BadCredentials);
    }
    if let Some(problem) = password_problem(&session.user_id, &request.new_password) {
        return Err(ApiError::Invalid(problem.into()));
    }
    let hash = hash_password(&request.new_password)?;
    state.db.change_password(&session.user_id, &hash, &session.token_hash).await?;
    tracing::info!(user = %session.user_id, "password changed; other sessions ended");
    Ok(StatusCode::NO_CONTENT)
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
