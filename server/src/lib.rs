//! The thidua server: authentication, the sync endpoints, reference data, and the built app, over one
//! database. It holds no state outside the database, so several instances can share one.
//!
//! `app(state, dist)` builds the whole router; `main` only reads configuration and binds a port, so tests drive
//! the real router with `tower::ServiceExt::oneshot`.

mod admin;
pub mod assets;
pub mod auth;
mod cycle;
pub mod db;
pub mod demo;
pub mod error;
mod reference;
mod sync;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{HeaderName, CONTENT_SECURITY_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::routing::get;
use axum::Router;
use domain::sync::MAX_PUSH_BYTES;
use domain::PROTOCOL_VERSION;
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::db::Db;
use crate::error::{ApiError, Json};

/// Only the app's own files run: no inline script (the build moves Trunk's boot script into a file), no eval
/// beyond compiling the app's WebAssembly, no framing, and requests only to this origin.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Password checks allowed at once. Each argon2 check takes 19 MiB and a core for tens of milliseconds; a
    /// burst of sign-ins queues here instead of exhausting memory.
    pub password_checks: Arc<Semaphore>,
}

impl AppState {
    pub fn new(db: Db) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        AppState { db, password_checks: Arc::new(Semaphore::new(cores)) }
    }
}

/// The whole HTTP surface. With `dist`, the built app is served from that folder too.
pub fn app(state: AppState, dist: Option<&Path>) -> Router {
    let api = Router::new()
        .merge(admin::router())
        .merge(cycle::router())
        .merge(auth::router())
        .merge(sync::router())
        .merge(reference::router())
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError::NoSuchEndpoint })
        .layer(DefaultBodyLimit::max(MAX_PUSH_BYTES))
        .layer(CompressionLayer::new())
        .with_state(state);
    let mut router = Router::new().nest("/api", api);
    if let Some(dist) = dist {
        router = router.merge(assets::router(dist));
    }
    router
        .layer(SetResponseHeaderLayer::overriding(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(TraceLayer::new_for_http())
}

/// The API described in OpenAPI 3.0 (written by hand next to the routes it describes; `server/tests/api.rs`
/// checks that every route is in it).
async fn openapi() -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], include_str!("openapi.json"))
}

/// Reachability for the app (which trusts this, not `navigator.onLine`) and liveness for operators.
async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.db.is_empty().await?;
    Ok(Json(json!({"status": "ok", "protocol": PROTOCOL_VERSION})))
}
