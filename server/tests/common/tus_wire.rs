//! tus as the tablet speaks it, for the tests of attached files (`attachments.rs`, `faults.rs`, `durability.rs`):
//! a request through the router, and the metadata and checksum headers.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use domain::attachment::{base64, tus};
use http_body_util::BodyExt;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

/// A tus request through `router` with the session's token: its status, headers and JSON body (or null).
pub async fn call(
    router: &Router,
    method: Method,
    uri: &str,
    token: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(tus::RESUMABLE, tus::VERSION);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = router.clone().oneshot(request.body(Body::from(body)).expect("request builds")).await;
    let response = response.expect("the router is infallible");
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The offset an answer carries, if any.
pub fn offset(headers: &HeaderMap) -> Option<u64> {
    headers.get(tus::UPLOAD_OFFSET).and_then(|v| v.to_str().ok()?.parse().ok())
}

/// `Upload-Checksum` for a chunk.
pub fn checksum(chunk: &[u8]) -> String {
    format!("{} {}", tus::CHECKSUM_ALGORITHM, base64::encode(&Sha256::digest(chunk)))
}

/// A SHA-256 in lowercase hex, as files are named.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
