//! The thidua server: authentication, the sync endpoints, reference data, and the built app, over one
//! database. It holds no state outside the database, so several instances can share one.
//!
//! `app(state, dist)` builds the whole router; `main` only reads configuration and binds a port, so tests drive
//! the real router with `tower::ServiceExt::oneshot`.

/// Sign-in, sign-out, password change, and accounts made by an admin.
pub mod accounts;
/// The built app's files, with the caching a service worker needs.
pub mod assets;
/// Storage: the only code that knows sqlx.
pub mod db;
/// The demo world the run command starts with.
pub mod demo;
/// Limits every request meets before a handler: body size and pace, handler time, the error shape.
pub mod edge;
/// The one error type of the HTTP boundary.
pub mod error;
/// The office's emulation movements.
mod movements;
/// Password hashing on threads of its own.
mod passwords;
/// A record's audited history.
mod records;
/// What a tablet caches: reference data and the user's profile.
mod reference;
/// The admin's rulebook.
mod rulebook;
/// Who is asking: the bearer token and the client's address.
mod session;
/// The two halves of the sync protocol.
mod sync;

use std::path::Path;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{HeaderName, CONTENT_SECURITY_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use axum::http::HeaderValue;
use axum::middleware;
use axum::routing::get;
use axum::Router;
use domain::api::Health;
use domain::PROTOCOL_VERSION;
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::db::Db;
use crate::edge::Timeouts;
use crate::error::{ApiError, Json};

/// Only the app's own files run: no inline script (the build moves Trunk's boot script into a file), no eval
/// beyond compiling the app's WebAssembly, no framing, and requests only to this origin.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Where passwords are hashed and checked: one thread per core, so a burst of sign-ins queues instead of
    /// taking memory and the async workers.
    passwords: passwords::Passwords,
    pub timeouts: Timeouts,
}

impl AppState {
    pub fn new(db: Db) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        AppState { db, passwords: passwords::Passwords::new(cores), timeouts: Timeouts::default() }
    }

    pub fn with_timeouts(self, timeouts: Timeouts) -> Self {
        AppState { timeouts, ..self }
    }
}

/// The whole HTTP surface. With `dist`, the built app is served from that folder too.
pub fn app(state: AppState, dist: Option<&Path>) -> Router {
    let timeouts = state.timeouts;
    let api = Router::new()
        .merge(accounts::router())
        .merge(movements::router())
        .merge(records::router())
        .merge(reference::router())
        .merge(rulebook::router())
        .merge(sync::router())
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError::NoSuchEndpoint })
        // `edge::deadlines` has already received the body within its limit, and shapes the router's 405s.
        .layer(DefaultBodyLimit::disable())
        // Below one TCP segment compression saves no packet on the wire, and under load gzip was a tenth of the
        // server's CPU (most answers to a small push are a few hundred bytes).
        .layer(CompressionLayer::new().compress_when(SizeAbove::new(1400)))
        .layer(middleware::from_fn(edge::no_store))
        .with_state(state);
    let mut router = Router::new().nest("/api", api);
    if let Some(dist) = dist {
        router = router.merge(assets::router(dist));
    }
    // Outermost last: every answer, the edge's own refusals included, carries the security headers.
    router
        .layer(middleware::from_fn_with_state(timeouts, edge::deadlines))
        .layer(SetResponseHeaderLayer::overriding(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(TraceLayer::new_for_http())
}

/// The API described in OpenAPI 3.0 (written by hand next to the routes it describes; `server/tests/api.rs`
/// checks that every route is in it).
async fn openapi() -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], include_str!("openapi.json"))
}

/// Reachability for the app (which trusts this, not `navigator.onLine`) and liveness for operators.
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.is_empty().await?;
    Ok(Json(Health { status: "ok".into(), protocol: PROTOCOL_VERSION }))
}
