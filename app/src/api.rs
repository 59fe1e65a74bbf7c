//! Calls to the server's HTTP API, with errors sorted by what the sync loop must do about them.

use domain::api::{ErrorBody, LoginRequest, LoginResponse, ReferenceData};
use domain::sync::{PullResponse, PushRequest, PushResponse};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The server could not be reached: offline, or the network dropped the request or the answer.
    #[error("Không kết nối được máy chủ")]
    Network,
    /// The session is missing or expired: sign in again (the outbox is kept).
    #[error("{0}")]
    Unauthorized(String),
    /// The server speaks a newer protocol: reload the app (the outbox is kept).
    #[error("{0}")]
    Outdated(String),
    /// The server refused this request for good (4xx).
    #[error("{}", .0.message)]
    Refused(ErrorBody),
    /// The server failed (5xx) or answered nonsense: try again later.
    #[error("Máy chủ tạm thời gặp lỗi ({0})")]
    Server(u16),
}

impl ApiError {
    pub fn is_transient(&self) -> bool {
        matches!(self, ApiError::Network | ApiError::Server(_))
    }
}

fn authorized(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

async fn read<T: DeserializeOwned>(response: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let response = response.map_err(|_| ApiError::Network)?;
    let status = response.status();
    if (200..300).contains(&status) {
        // A cut connection can also surface while the body is read.
        return response.json::<T>().await.map_err(|_| ApiError::Network);
    }
    let body = response.json::<ErrorBody>().await.ok();
    let message = |fallback: &str| body.as_ref().map_or_else(|| fallback.to_owned(), |b| b.message.clone());
    Err(match status {
        401 => ApiError::Unauthorized(message("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.")),
        409 if body.as_ref().is_some_and(|b| b.code == "outdated_client") => {
            ApiError::Outdated(message("Ứng dụng đã có phiên bản mới. Vui lòng tải lại trang."))
        }
        400..=499 => ApiError::Refused(body.unwrap_or(ErrorBody {
            code: status.to_string(),
            message: format!("Máy chủ từ chối yêu cầu ({status})"),
        })),
        _ => ApiError::Server(status),
    })
}

pub async fn login(request: &LoginRequest) -> Result<LoginResponse, ApiError> {
    let builder = Request::post("/api/auth/login").json(request).map_err(|_| ApiError::Network)?;
    read(builder.send().await).await
}

pub async fn push(token: &str, request: &PushRequest) -> Result<PushResponse, ApiError> {
    let builder = authorized(Request::post("/api/sync/push"), token).json(request).map_err(|_| ApiError::Network)?;
    read(builder.send().await).await
}

pub async fn pull(token: &str, cursor: i64, limit: u32) -> Result<PullResponse, ApiError> {
    let url = format!("/api/sync/pull?cursor={cursor}&limit={limit}");
    read(authorized(Request::get(&url), token).send().await).await
}

pub async fn reference(token: &str) -> Result<ReferenceData, ApiError> {
    read(authorized(Request::get("/api/reference"), token).send().await).await
}
