//! The edge of the server: how long a client may take to send a request, how large it may be, and the shape of
//! every refusal, whatever produced it.
//!
//! Three clocks, each bounding what it measures and nothing else: the headers (the listener, [`serve`]), the
//! body (idle gaps and a total, [`deadlines`]) and the handler. A request that announces more than the body
//! limit is refused before its body is read, so a client cannot hold a connection by promising 50 MB and
//! sending two bytes.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use std::io::Read;

use axum::http::header::{CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use domain::sync::MAX_PUSH_BYTES;
use flate2::read::GzDecoder;
use http_body_util::BodyExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::time::Instant;
use tower::ServiceExt;

use crate::error::ApiError;

/// The largest request body any endpoint takes.
pub const MAX_BODY_BYTES: usize = MAX_PUSH_BYTES;

#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// From the connection's first byte to the end of the request's headers.
    pub headers: Duration,
    /// The longest pause between two pieces of a body.
    pub body_idle: Duration,
    /// The whole body. A full push (1.5 MB) takes about 30 s at 400 kbit/s, a weak 3G link.
    pub body_total: Duration,
    /// The handler, once the request is in.
    pub handler: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            headers: Duration::from_secs(10),
            body_idle: Duration::from_secs(10),
            body_total: Duration::from_secs(60),
            handler: Duration::from_secs(30),
        }
    }
}

/// Receives the body under its own clocks, then runs the handler under its clock, and gives every refusal the
/// error shape. Sits inside the security headers, so its own answers carry them too.
pub async fn deadlines(State(timeouts): State<Timeouts>, request: Request, next: Next) -> Response {
    let declared = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return ApiError::PayloadTooLarge.into_response();
    }
    let (mut parts, body) = request.into_parts();
    let body = match receive(body, &timeouts).await.and_then(|bytes| decoded(&mut parts.headers, bytes)) {
        Ok(bytes) => bytes,
        Err(refusal) => return refusal.into_response(),
    };
    let response =
        match tokio::time::timeout(timeouts.handler, next.run(Request::from_parts(parts, Body::from(body)))).await {
            Ok(response) => response,
            Err(_) => ApiError::HandlerTimeout.into_response(),
        };
    with_error_shape(response)
}

async fn receive(mut body: Body, timeouts: &Timeouts) -> Result<Bytes, ApiError> {
    let deadline = Instant::now() + timeouts.body_total;
    let mut received = Vec::new();
    loop {
        let wait = timeouts.body_idle.min(deadline.saturating_duration_since(Instant::now()));
        let frame = match tokio::time::timeout(wait, body.frame()).await {
            Err(_) => return Err(ApiError::SlowBody),
            Ok(None) => return Ok(Bytes::from(received)),
            Ok(Some(Err(_))) => return Err(ApiError::BrokenBody),
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if received.len() + data.len() > MAX_BODY_BYTES {
                return Err(ApiError::PayloadTooLarge);
            }
            received.extend_from_slice(&data);
        }
    }
}

/// A body the client gzipped (tablets do, for pushes) is inflated here, to at most the body limit, so a few
/// compressed kilobytes cannot expand into gigabytes; the handler then reads it as if it had come plain. A body
/// without the header is taken as it is, as older apps send it.
fn decoded(headers: &mut HeaderMap, body: Bytes) -> Result<Bytes, ApiError> {
    let encoding = headers.get(CONTENT_ENCODING).map(|v| v.as_bytes().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some(b"identity") => Ok(body),
        Some(b"gzip") => {
            let mut inflated = Vec::new();
            let limit = MAX_BODY_BYTES as u64 + 1;
            if GzDecoder::new(&body[..]).take(limit).read_to_end(&mut inflated).is_err() {
                return Err(ApiError::BadEncoding);
            }
            if inflated.len() > MAX_BODY_BYTES {
                return Err(ApiError::PayloadTooLarge);
            }
            headers.remove(CONTENT_ENCODING);
            headers.insert(CONTENT_LENGTH, HeaderValue::from(inflated.len()));
            Ok(Bytes::from(inflated))
        }
        Some(_) => Err(ApiError::UnsupportedEncoding),
    }
}

/// A refusal that did not come from [`ApiError`] (the router's own 405, a layer's answer) gets its shape: every
/// answer a client reads is either what it asked for or an `ErrorBody`.
fn with_error_shape(response: Response) -> Response {
    let status = response.status();
    let is_json = response.headers().get(CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let mut shaped = ApiError::Status(status).into_response();
    // Keep what the original said about the request (Allow on a 405, for one), in the shaped body's type.
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    std::mem::swap(shaped.headers_mut(), &mut parts.headers);
    shaped
}

/// Marks an API answer as never to be stored by a browser or a proxy: on a shared tablet, the HTTP cache must
/// not keep one person's records for the next.
pub async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Serves `app` on `listener` until `shutdown` completes, with the client's address on each request. A client
/// that has not sent its headers within `timeouts.headers` is disconnected.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(timeouts.headers);
    let connections = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: the listener itself is fine, so wait and go on.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(remote));
            app.clone().oneshot(request)
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = connections.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    // Requests in flight finish (a push's answer is on its way); idle connections close now.
    if tokio::time::timeout(timeouts.handler, connections.shutdown()).await.is_err() {
        tracing::warn!("connections still open at shutdown");
    }
    Ok(())
}
