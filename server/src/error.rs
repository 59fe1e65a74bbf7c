//! The server's one error type at the HTTP boundary: each variant maps to a status and a safe Vietnamese
//! message. Internal details are logged here and never sent.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::api::{ErrorBody, Problem};

use crate::db::DbError;
use crate::passwords::PasswordError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing, unknown or expired session")]
    Unauthorized,
    #[error("wrong login or password")]
    BadCredentials,
    /// The password was right, but an admin has disabled the account.
    #[error("account disabled")]
    AccountDisabled,
    #[error("too many failed sign-ins, retry in {minutes} min")]
    TooManySignIns { minutes: i64 },
    #[error("too many password checks running at once")]
    SignInsBusy,
    #[error("too many comments from one address")]
    TooManyComments,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("login taken")]
    LoginTaken,
    #[error("client speaks protocol {client}, server {server}")]
    OutdatedClient { client: u32, server: u32 },
    #[error("{count} mutations in one push, limit {limit}")]
    TooManyMutations { count: usize, limit: usize },
    #[error("invalid request: {0}")]
    Invalid(String),
    /// A form refused for the listed reasons, each keyed by the field it is in.
    #[error("invalid form: {0:?}")]
    Problems(Vec<Problem>),
    #[error("stale: {0}")]
    Stale(String),
    #[error(transparent)]
    Json(#[from] JsonRejection),
    #[error(transparent)]
    Query(#[from] QueryRejection),
    #[error(transparent)]
    Path(#[from] PathRejection),
    #[error("no such API endpoint")]
    NoSuchEndpoint,
    #[error("body over the limit")]
    PayloadTooLarge,
    #[error("body not received in time")]
    SlowBody,
    #[error("body broken off")]
    BrokenBody,
    #[error("body not valid for its content encoding")]
    BadEncoding,
    #[error("content encoding not supported")]
    UnsupportedEncoding,
    #[error("handler timed out")]
    HandlerTimeout,
    /// A refusal made outside the handlers (the router's 405, a layer's answer), given the error shape.
    #[error("status {0}")]
    Status(StatusCode),
    /// A file or a chunk of one refused for what it is.
    #[error("file refused: {0}")]
    File(domain::attachment::FileRefusal),
    /// A chunk sent for an offset the server does not hold; the answer carries the one it does.
    #[error("upload chunk at the wrong offset; the server holds {0} bytes")]
    UploadOffset(u64),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    fn status_code_message(&self) -> (StatusCode, &'static str, String) {
        match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.".into(),
            ),
            ApiError::BadCredentials => {
                (StatusCode::UNAUTHORIZED, "bad_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.".into())
            }
            ApiError::AccountDisabled => {
                (StatusCode::FORBIDDEN, "account_disabled", "Tài khoản đã bị khoá. Hãy liên hệ quản trị viên.".into())
            }
            ApiError::TooManySignIns { minutes } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_sign_ins",
                format!("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."),
            ),
            ApiError::SignInsBusy => (
                StatusCode::TOO_MANY_REQUESTS,
                "sign_ins_busy",
                "Đang có nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau ít giây.".into(),
            ),
            ApiError::TooManyComments => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_comments",
                "Bạn đã gửi nhiều ý kiến trong thời gian ngắn. Vui lòng thử lại sau ít phút.".into(),
            ),
            ApiError::Forbidden(message) => (StatusCode::FORBIDDEN, "forbidden", (*message).into()),
            ApiError::NotFound(message) => (StatusCode::NOT_FOUND, "not_found", (*message).into()),
            ApiError::LoginTaken => (StatusCode::CONFLICT, "login_taken", "Tên đăng nhập này đã có người dùng.".into()),
            ApiError::OutdatedClient { .. } => (
                StatusCode::CONFLICT,
                "outdated_client",
                "Ứng dụng đã có phiên bản mới. Vui lòng tải lại trang; các thay đổi chưa gửi vẫn được giữ.".into(),
            ),
            ApiError::TooManyMutations { count, limit } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_many_mutations",
                format!("Một lần gửi có {count} thay đổi, vượt giới hạn {limit}."),
            ),
            ApiError::Invalid(message) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", message.clone()),
            ApiError::Problems(problems) => {
                let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid", messages.join("; "))
            }
            ApiError::Stale(message) => (StatusCode::CONFLICT, "stale", message.clone()),
            ApiError::Json(rejection) => json_rejection(rejection),
            ApiError::Query(_) => (StatusCode::BAD_REQUEST, "bad_query", "Tham số truy vấn không hợp lệ.".into()),
            ApiError::Path(_) => (StatusCode::BAD_REQUEST, "bad_path", "Mã trong địa chỉ không hợp lệ.".into()),
            ApiError::NoSuchEndpoint => (StatusCode::NOT_FOUND, "not_found", "Không có địa chỉ API này.".into()),
            ApiError::PayloadTooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "Nội dung gửi lên quá lớn.".into())
            }
            ApiError::SlowBody => (
                StatusCode::REQUEST_TIMEOUT,
                "slow_body",
                "Nội dung gửi lên đến quá chậm. Ứng dụng sẽ tự gửi lại; dữ liệu vẫn được giữ trên máy.".into(),
            ),
            ApiError::BrokenBody => {
                (StatusCode::BAD_REQUEST, "broken_body", "Nội dung gửi lên bị ngắt giữa chừng.".into())
            }
            ApiError::BadEncoding => {
                (StatusCode::BAD_REQUEST, "bad_encoding", "Nội dung nén gửi lên bị hỏng, không giải nén được.".into())
            }
            ApiError::UnsupportedEncoding => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_encoding",
                "Máy chủ chỉ nhận nội dung nén gzip hoặc không nén.".into(),
            ),
            ApiError::HandlerTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "Máy chủ xử lý quá lâu. Ứng dụng sẽ tự gửi lại; dữ liệu vẫn được giữ trên máy.".into(),
            ),
            ApiError::Status(status) => status_refusal(*status),
            ApiError::File(refusal) => {
                use domain::attachment::FileRefusal;
                let (status, code) = match refusal {
                    FileRefusal::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"),
                    FileRefusal::TypeNotAllowed(_) | FileRefusal::ContentMismatch(_) => {
                        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "file_type")
                    }
                    FileRefusal::ChunkChecksum => (CHECKSUM_MISMATCH, "checksum_mismatch"),
                    FileRefusal::Hash | FileRefusal::TooManyFiles(_) | FileRefusal::RecordTooLarge(_) => {
                        (StatusCode::UNPROCESSABLE_ENTITY, "file_refused")
                    }
                };
                (status, code, format!("{refusal}."))
            }
            ApiError::UploadOffset(offset) => (
                StatusCode::CONFLICT,
                "upload_offset",
                format!("Máy chủ đang có {offset} byte của tệp; ứng dụng sẽ gửi tiếp từ đó."),
            ),
            ApiError::Db(_) | ApiError::Password(_) | ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Máy chủ gặp lỗi. Dữ liệu của bạn vẫn được giữ trên máy và sẽ được gửi lại.".into(),
            ),
        }
    }
}

/// tus's status for a chunk that does not match its checksum.
const CHECKSUM_MISMATCH: StatusCode = match StatusCode::from_u16(domain::attachment::tus::CHECKSUM_MISMATCH) {
    Ok(status) => status,
    Err(_) => StatusCode::BAD_REQUEST,
};

fn status_refusal(status: StatusCode) -> (StatusCode, &'static str, String) {
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "Địa chỉ này không nhận phương thức đó."),
        StatusCode::NOT_FOUND => ("not_found", "Không có địa chỉ này."),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "Nội dung gửi lên quá lớn."),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "Yêu cầu quá thời gian. Ứng dụng sẽ tự gửi lại."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "Kiểu nội dung gửi lên không được hỗ trợ."),
        s if s.is_server_error() => {
            ("internal", "Máy chủ gặp lỗi. Dữ liệu của bạn vẫn được giữ trên máy và sẽ được gửi lại.")
        }
        _ => ("bad_request", "Yêu cầu không hợp lệ."),
    };
    (status, code, message.into())
}

fn json_rejection(rejection: &JsonRejection) -> (StatusCode, &'static str, String) {
    match rejection {
        JsonRejection::JsonDataError(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json_data",
            // serde's text names the field and the expected type, never server internals.
            format!("Dữ liệu không đúng cấu trúc: {}", e.body_text()),
        ),
        JsonRejection::JsonSyntaxError(_) => {
            (StatusCode::BAD_REQUEST, "invalid_json", "Nội dung gửi lên không phải JSON hợp lệ.".into())
        }
        JsonRejection::MissingJsonContentType(_) => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "json_content_type_required",
            "Cần gửi nội dung dạng application/json.".into(),
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "Nội dung gửi lên quá lớn.".into())
        }
        other => (other.status(), "bad_request", "Yêu cầu không hợp lệ.".into()),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.status_code_message();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::info!(error = %self, status = status.as_u16(), "request refused");
        }
        let offset = match self {
            ApiError::UploadOffset(offset) => Some(offset),
            _ => None,
        };
        let problems = match self {
            ApiError::Problems(problems) => problems,
            _ => Vec::new(),
        };
        let mut response = (status, axum::Json(ErrorBody { code: code.into(), message, problems })).into_response();
        if let Some(offset) = offset {
            let headers = response.headers_mut();
            headers.insert(domain::attachment::tus::UPLOAD_OFFSET, axum::http::HeaderValue::from(offset));
            headers.insert(
                domain::attachment::tus::RESUMABLE,
                axum::http::HeaderValue::from_static(domain::attachment::tus::VERSION),
            );
        }
        response
    }
}

/// `axum::Json` whose rejection is an [`ApiError`], so malformed bodies get the same error shape as the rest.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` with an [`ApiError`] rejection.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// `axum::extract::Path` with an [`ApiError`] rejection.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);
