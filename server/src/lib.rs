//! The thidua server: authentication, the sync endpoints, reference data, and the built app, over one
//! database. It holds no state outside the database, so several instances can share one.
//!
//! `app(state, dist)` builds the whole router; `main` only reads configuration and binds a port, so tests drive
//! the real router with `tower::ServiceExt::oneshot`. Each resource has one router, annotated with what it takes
//! and answers; `openapi()` is the document they make together, served at `/api/openapi.json`.

/// Sign-in, sign-out, password change, and accounts made by an admin.
pub mod accounts;
/// The built app's files, with the caching a service worker needs.
pub mod assets;
/// Members' ballots on their own devices, kept secret, and the box the office closes.
mod ballots;
/// Clusters and blocks: the leader's review, the standing body's part, the published ranking.
mod clusters;
/// The council's roster and sessions: attendance, tallies, results, minutes.
mod council;
/// The office's dashboard: each figure with the list behind it.
mod dashboard;
/// Storage: the only code that knows sqlx.
pub mod db;
/// Award decisions: drafts, issue, the public register.
mod decisions;
/// The demo world the run command starts with.
pub mod demo;
/// The cycle's documents (DOCX), lists (XLSX) and statistical returns.
mod documents;
/// Limits every request meets before a handler: body size and pace, handler time, the error shape.
pub mod edge;
/// The one error type of the HTTP boundary.
pub mod error;
/// Attached files on disk.
pub mod files;
/// The registry of advanced models, and the public list of recognised ones.
mod models;
/// The office's emulation movements.
mod movements;
/// Password hashing on threads of its own.
mod passwords;
/// Publication of the council's list, and the public's comments.
mod publications;
/// A record's audited history.
mod records;
/// What a tablet caches: reference data and the user's profile.
mod reference;
/// DOCX and XLSX rendering of the domain's documents and sheets.
pub mod render;
/// The admin's rulebook.
mod rulebook;
/// Search that ignores diacritics, within the user's scope.
mod search;
/// Who is asking: the bearer token and the client's address.
mod session;
/// The two halves of the sync protocol.
mod sync;
/// The admin's org tree: new units, renamed, moved or closed ones, and merges.
mod units;
/// Attached files: resumable uploads (tus), downloads in scope, the cleanup of unreferenced files.
pub mod uploads;

use std::path::Path;
use std::sync::OnceLock;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{HeaderName, CONTENT_SECURITY_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use axum::http::HeaderValue;
use axum::middleware;
use axum::Router;
use domain::api::{ErrorBody, Health};
use domain::PROTOCOL_VERSION;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi, RefOr, Response, ResponseBuilder};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Db;
use crate::edge::Timeouts;
use crate::error::{ApiError, Json};

/// Only the app's own files run: no inline script (the build moves Trunk's boot script into a file), no eval
/// beyond compiling the app's WebAssembly, no framing, and requests only to this origin.
const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
                   connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Where passwords are hashed and checked: one thread per core, so a burst of sign-ins queues instead of
    /// taking memory and the async workers.
    passwords: passwords::Passwords,
    pub timeouts: Timeouts,
    /// Attached files, beside the SQLite database or in the folder the PostgreSQL instances share.
    pub files: files::Files,
}

impl AppState {
    pub fn new(db: Db) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let files = files::Files::at(db.files());
        AppState { db, passwords: passwords::Passwords::new(cores), timeouts: Timeouts::default(), files }
    }

    pub fn with_timeouts(self, timeouts: Timeouts) -> Self {
        AppState { timeouts, ..self }
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "thidua API",
        version = "1",
        description = "Offline-first emulation and commendation work: sign-in, sync, reference data, history, \
                       accounts, units and merges, attached files (tus uploads), movements, the rulebook, clusters and blocks, advanced models, the council, publication, decisions and the dashboard. Errors are \
                       `ErrorBody`: a code for programs and a Vietnamese message to show."
    ),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, doc: &mut OpenApi) {
        let scheme = SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build());
        doc.components.get_or_insert_with(Default::default).add_security_scheme("bearer", scheme);
    }
}

/// Every API route, each resource's router merged; paths are relative to `/api`.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ready))
        .routes(routes!(openapi_document))
        .merge(accounts::router())
        .merge(ballots::router())
        .merge(clusters::router())
        .merge(council::router())
        .merge(dashboard::router())
        .merge(decisions::router())
        .merge(documents::router())
        .merge(publications::router())
        .merge(models::router())
        .merge(movements::router())
        .merge(records::router())
        .merge(reference::router())
        .merge(search::router())
        .merge(rulebook::router())
        .merge(sync::router())
        .merge(units::router())
        .merge(uploads::router())
}

/// The API's OpenAPI document, made from the handlers' annotations and the wire types. `server/openapi.json` is
/// its reviewed copy (`server/tests/openapi.rs` fails when the two differ).
pub fn openapi() -> OpenApi {
    let (_, mut doc) = OpenApiRouter::with_openapi(<ApiDoc as utoipa::OpenApi>::openapi())
        .nest("/api", api_routes())
        .split_for_parts();
    add_edge_refusals(&mut doc);
    doc
}

/// The refusals any call may meet before or around its handler (`edge`, the extractors, storage), added to
/// every operation so that each one lists all it can answer.
fn add_edge_refusals(doc: &mut OpenApi) {
    let refusal = |description: &str| -> RefOr<Response> {
        let schema = utoipa::openapi::Ref::from_schema_name("ErrorBody");
        ResponseBuilder::new()
            .description(description)
            .content("application/json", utoipa::openapi::ContentBuilder::new().schema(Some(schema)).build())
            .into()
    };
    for item in doc.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let mut common = vec![
                ("400", "Yêu cầu không hợp lệ (tham số, JSON sai cú pháp)."),
                ("408", "Nội dung đến quá chậm, hoặc xử lý quá lâu; gửi lại được."),
                ("413", "Nội dung gửi lên quá lớn."),
                ("500", "Máy chủ gặp lỗi; không có gì đã lưu bị mất."),
            ];
            if operation.security.is_some() {
                common.push(("401", "Phiên đăng nhập không hợp lệ hoặc đã hết hạn."));
            }
            if operation.request_body.is_some() {
                common.push(("415", "Cần gửi nội dung dạng application/json."));
                common.push(("422", "Nội dung không đúng cấu trúc."));
            }
            for (status, description) in common {
                operation.responses.responses.entry(status.to_owned()).or_insert_with(|| refusal(description));
            }
        }
    }
}

/// The whole HTTP surface. With `dist`, the built app is served from that folder too.
pub fn app(state: AppState, dist: Option<&Path>) -> Router {
    let timeouts = state.timeouts;
    let (api, _) = api_routes()
        .fallback(|| async { ApiError::NoSuchEndpoint })
        // `edge::deadlines` has already received the body within its limit, and shapes the router's 405s.
        .layer(DefaultBodyLimit::disable())
        // Below one TCP segment compression saves no packet on the wire, and under load gzip was a tenth of the
        // server's CPU (most answers to a small push are a few hundred bytes).
        .layer(
            CompressionLayer::new().compress_when(
                SizeAbove::new(1400)
                    .and(NotForContentType::IMAGES)
                    .and(NotForContentType::const_new("application/pdf"))
                    .and(NotForContentType::const_new("application/vnd.openxmlformats")),
            ),
        )
        .layer(middleware::from_fn(edge::no_store))
        .split_for_parts();
    let mut router = Router::new().nest("/api", api.with_state(state));
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

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", responses(
    (status = 200, description = "Tài liệu OpenAPI của API.", body = Object),
))]
async fn openapi_document() -> impl axum::response::IntoResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let json = DOCUMENT.get_or_init(|| openapi().to_pretty_json().unwrap_or_default());
    ([(axum::http::header::CONTENT_TYPE, "application/json")], json.as_str())
}

/// Reachability for the app (which trusts this, not `navigator.onLine`) and liveness for operators: the database
/// can be read, and which backend and migration this instance runs.
#[utoipa::path(get, path = "/health", tag = "meta", responses(
    (status = 200, description = "Máy chủ trả lời.", body = Health),
    (status = 500, description = "Máy chủ không đọc được cơ sở dữ liệu.", body = ErrorBody),
))]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let migration = state.db.migration().await?;
    Ok(Json(Health {
        status: "ok".into(),
        protocol: PROTOCOL_VERSION,
        backend: state.db.backend().name().into(),
        migration,
    }))
}

/// Readiness for a load balancer: the database can be read and takes writes (another process holding SQLite's
/// write lock, or a disk gone read-only, answers 503 and the balancer sends the traffic elsewhere).
#[utoipa::path(get, path = "/ready", tag = "meta", responses(
    (status = 200, description = "Máy chủ sẵn sàng nhận yêu cầu.", body = Health),
    (status = 503, description = "Cơ sở dữ liệu chưa ghi được; thử lại sau.", body = Health),
))]
async fn ready(State(state): State<AppState>) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let migration = state.db.migration().await?;
    let writable = state.db.writable().await;
    let health = Health {
        status: if writable { "ready" } else { "busy" }.into(),
        protocol: PROTOCOL_VERSION,
        backend: state.db.backend().name().into(),
        migration,
    };
    let status = if writable { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE };
    Ok((status, Json(health)).into_response())
}
