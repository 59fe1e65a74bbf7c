//! The real router over a real database (a SQLite file in a temporary folder, or with `THIDUA_TEST_POSTGRES` a
//! PostgreSQL database of its own), seeded with the tests' own world and driven with `oneshot`: shared by the
//! integration tests, one file per resource.

#![allow(dead_code)]

pub mod office;
pub mod tus_wire;
pub mod world;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use chrono::Utc;
use domain::sync::{PullResponse, PushResponse};
use domain::{Mutation, Op, RecordKind, RecordRef, PROTOCOL_VERSION};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use server::db::Db;
use server::{app, AppState};
use tower::ServiceExt;
use uuid::Uuid;

pub struct TestServer {
    pub router: Router,
    /// The database's URL, for a test that reads or tampers with the stored rows itself.
    pub url: String,
    pub db: Db,
    _dir: tempfile::TempDir,
}

pub async fn server() -> TestServer {
    server_with(server::edge::Timeouts::default()).await
}

pub async fn server_with(timeouts: server::edge::Timeouts) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = open_db(dir.path()).await;
    world::seed(&db).await;
    let state = AppState::new(db.clone()).with_timeouts(timeouts);
    TestServer { router: app(state, None), url, db, _dir: dir }
}

/// The PostgreSQL server the tests run against, when `THIDUA_TEST_POSTGRES` names one (`scripts/test.sh` runs
/// the suites once on SQLite, once on PostgreSQL); SQLite otherwise.
pub fn postgres() -> Option<String> {
    std::env::var("THIDUA_TEST_POSTGRES").ok().filter(|url| !url.is_empty())
}

/// A new, empty database for one test, and its URL: a SQLite file in `dir`, or a PostgreSQL database of its own
/// (made from `template` when given), its attached files in `dir`.
pub async fn new_db(dir: &std::path::Path, template: Option<&str>) -> (Db, String) {
    let Some(server_url) = postgres() else {
        let path = dir.join("thidua.sqlite");
        if let Some(template) = template {
            // A consistent copy whether or not the template's WAL was folded into its file yet.
            let template = std::path::Path::new(template.trim_start_matches("sqlite://"));
            Db::backup_into(template, &path).await.unwrap();
        }
        return (Db::open(&path).await.unwrap(), format!("sqlite://{}", path.display()));
    };
    let url = new_postgres_db(&server_url, template).await;
    (Db::connect(&url, &dir.join("thidua.files")).await.unwrap(), url)
}

/// A new database on the PostgreSQL server at `server_url` (a copy of `template` when given): its URL.
pub async fn new_postgres_db(server_url: &str, template: Option<&str>) -> String {
    let name = format!("t_{}", Uuid::new_v4().simple());
    let admin = any_pool(server_url).await;
    let from = template.map(|t| format!(" template {}", t.rsplit('/').next().unwrap_or(t))).unwrap_or_default();
    sqlx::query(&format!("create database {name}{from}")).execute(&admin).await.unwrap();
    admin.close().await;
    format!("{}/{name}", server_url.rsplit_once('/').unwrap().0)
}

/// Drops a test's PostgreSQL database once nothing is connected to it (a SQLite file goes with its folder).
pub async fn drop_db(url: &str) {
    if let (Some(server_url), Some((_, name))) = (postgres(), url.rsplit_once('/')) {
        if url.starts_with("postgres") {
            let admin = any_pool(&server_url).await;
            sqlx::query(&format!("drop database if exists {name}")).execute(&admin).await.unwrap();
            admin.close().await;
        }
    }
}

pub async fn open_db(dir: &std::path::Path) -> (Db, String) {
    new_db(dir, None).await
}

/// The database at `url` opened again, as a restarted server (or another instance) opens it; on PostgreSQL its
/// attached files are in `files` (SQLite's are beside its file).
pub async fn reopen(url: &str, files: &std::path::Path) -> Db {
    match url.strip_prefix("sqlite://") {
        Some(path) => Db::open(std::path::Path::new(path)).await.unwrap(),
        None => Db::connect(url, files).await.unwrap(),
    }
}

pub async fn any_pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(url).await.unwrap()
}

/// A JSON request, as a tablet sends it; `from` is the client's address as a real listener would record it.
pub fn request(
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
    from: Option<std::net::SocketAddr>,
) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let mut request = request.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).unwrap();
    if let Some(from) = from {
        request.extensions_mut().insert(axum::extract::ConnectInfo(from));
    }
    request
}

/// Sends `request` through `router` and reads the whole answer.
pub async fn send(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

impl TestServer {
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let body = body.map(|b| b.to_string());
        self.raw(method, uri, token, body.map(String::into_bytes), "application/json").await
    }

    pub async fn raw(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
        content_type: &str,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(uri).header(header::CONTENT_TYPE, content_type);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = request.body(body.map_or_else(Body::empty, Body::from)).unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// A GET of a file: its status, headers and bytes.
    pub async fn download(&self, uri: &str, token: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let request = Request::builder()
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
    }

    /// A request that must answer `expected`, its body read as `T`.
    pub async fn expect<T: DeserializeOwned>(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
        expected: StatusCode,
    ) -> T {
        let (status, answer) = self.call(method.clone(), uri, token, body).await;
        assert_eq!(status, expected, "{method} {uri}: {answer}");
        serde_json::from_value(answer.clone()).unwrap_or_else(|e| panic!("{method} {uri}: {e} in {answer}"))
    }

    pub async fn login(&self, login: &str) -> String {
        self.login_with(login, world::PASSWORD).await
    }

    pub async fn login_with(&self, login: &str, password: &str) -> String {
        let body = json!({"login": login, "password": password, "device_id": Uuid::new_v4()});
        let (status, body) = self.call(Method::POST, "/api/auth/login", None, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn push(&self, token: &str, mutations: &[Mutation]) -> PushResponse {
        let (status, body) = self.call(Method::POST, "/api/sync/push", Some(token), Some(push_body(mutations))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    pub async fn pull(&self, token: &str, cursor: i64, limit: u32) -> PullResponse {
        let uri = format!("/api/sync/pull?cursor={cursor}&limit={limit}");
        let (status, body) = self.call(Method::GET, &uri, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// A record's audited changes, oldest first, as a reader in its scope sees them.
    pub async fn history(&self, token: &str, record_id: Uuid) -> Vec<Value> {
        let uri = format!("/api/records/{record_id}/history");
        let (status, body) = self.call(Method::GET, &uri, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array().cloned().unwrap_or_default()
    }

    /// Another server on the same database and files, as a second instance behind a load balancer.
    pub async fn another_instance(&self) -> Router {
        app(AppState::new(reopen(&self.url, self.db.files()).await), None)
    }

    /// A pool of its own on the test's database.
    pub async fn pool(&self) -> sqlx::AnyPool {
        any_pool(&self.url).await
    }

    pub async fn count(&self, table: &str) -> i64 {
        let pool = self.pool().await;
        let n = sqlx::query_scalar(&format!("select count(*) from {table}")).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    }
}

pub fn push_body(mutations: &[Mutation]) -> Value {
    json!({"protocol": PROTOCOL_VERSION, "device_id": Uuid::new_v4(), "mutations": mutations})
}

#[allow(unused_imports)]
pub use world::TAM_DUONG;

pub fn set(record_id: Uuid, unit: &str, base_rev: i64, pairs: &[(&str, &str)]) -> Mutation {
    let fields = pairs.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    Mutation::new(
        Uuid::new_v4(),
        &RecordRef::new(record_id, RecordKind::SelfAssessment, unit),
        base_rev,
        Op::Set { fields },
        Utc::now(),
    )
}
