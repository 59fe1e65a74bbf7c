//! Attached files: their resumable uploads (tus 1.0: core, creation and checksum), their download by readers
//! whose scope holds a record that refers to them, and the cleanup of files no record keeps.
//!
//! An upload is named by its file's SHA-256: a tablet that lost its answers (or everything but the file) finds
//! its upload again, and the same file sent twice is stored once. Each chunk is checked against its own SHA-256
//! and flushed to disk before its acknowledgement; the finished file is checked against its hash and its type
//! by content (never by its name) before any record may refer to it.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, ETAG, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use domain::api::ErrorBody;
use domain::attachment::{base64, is_sha256, tus, FileRefusal, MediaType, MAX_FILE_BYTES};
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::{Db, Session, StoredFile};
use crate::error::{ApiError, Path};
use crate::files::{Checked, Files};
use crate::AppState;

/// How long a file no record refers to any more is kept: a tablet offline for a week may still send a change
/// that refers to it again.
pub const RELEASED_GRACE: Duration = Duration::days(7);
/// How long an upload may wait for its next chunk before it is forgotten.
pub const ABANDONED_AFTER: Duration = Duration::days(7);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(capabilities, create)).routes(routes!(offset, append)).routes(routes!(download))
}

/// What this server's tus speaks.
#[utoipa::path(options, path = "/uploads", tag = "attachments", responses(
    (status = 204, description = "Tus-Version, Tus-Extension (creation, checksum), Tus-Max-Size, \
        Tus-Checksum-Algorithm (sha256)."),
))]
async fn capabilities() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert("tus-version", HeaderValue::from_static(tus::VERSION));
    headers.insert("tus-extension", HeaderValue::from_static("creation,checksum"));
    headers.insert("tus-max-size", HeaderValue::from(MAX_FILE_BYTES));
    headers.insert("tus-checksum-algorithm", HeaderValue::from_static(tus::CHECKSUM_ALGORITHM));
    with_tus(response)
}

/// Begins the upload of a file, or finds the one begun or finished for it.
#[utoipa::path(post, path = "/uploads", tag = "attachments", security(("bearer" = [])), params(
    ("Upload-Length" = u64, Header, description = "Kích thước tệp, byte"),
    ("Upload-Metadata" = String, Header, description = "tus: sha256, filename, filetype, mỗi giá trị base64"),
), responses(
    (status = 201, description = "Location là địa chỉ tải lên; Upload-Offset là số byte máy chủ đã có \
        (bằng kích thước nếu tệp đã có đủ)."),
    (status = 400, description = "Thiếu hoặc sai Upload-Length, Upload-Metadata.", body = ErrorBody),
    (status = 413, description = "Tệp vượt giới hạn kích thước.", body = ErrorBody),
    (status = 415, description = "Loại tệp không được nhận.", body = ErrorBody),
))]
async fn create(State(state): State<AppState>, session: Session, headers: HeaderMap) -> Result<Response, ApiError> {
    let size: u64 = header(&headers, tus::UPLOAD_LENGTH)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::Invalid("Thiếu độ dài tệp (Upload-Length).".into()))?;
    let metadata = header(&headers, tus::UPLOAD_METADATA).map(tus::parse_metadata).unwrap_or_default();
    let value = |key: &str| metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let sha256 = value("sha256")
        .filter(|sha| is_sha256(sha))
        .ok_or_else(|| ApiError::Invalid("Thiếu mã SHA-256 của tệp (Upload-Metadata: sha256).".into()))?
        .to_owned();
    let declared = value("filetype").unwrap_or_default();
    let media_type = MediaType::from_mime(declared)
        .ok_or_else(|| ApiError::File(FileRefusal::TypeNotAllowed(declared.to_owned())))?;
    if size > MAX_FILE_BYTES {
        return Err(ApiError::File(FileRefusal::TooLarge(size)));
    }
    let _turn = state.files.lock(&sha256).await.map_err(io)?;
    let mut stored = state.db.begin_upload(&sha256, size, media_type, &session.user_id, Utc::now()).await?;
    if !stored.complete && (stored.size != size || stored.media_type != media_type) {
        // An unfinished upload is anyone's: its bytes are checked against the hash at the end, so the last claim
        // of what the file is begins again rather than lock the file's owner out.
        state.files.discard(&sha256).await.map_err(io)?;
        state.db.drop_upload(&sha256).await?;
        stored = state.db.begin_upload(&sha256, size, media_type, &session.user_id, Utc::now()).await?;
    }
    let offset = offset_of(&state, &sha256, &stored).await?;
    tracing::info!(user = %session.user_id, file = %sha256, size, offset, "upload begun or found");
    let mut response = StatusCode::CREATED.into_response();
    let location =
        HeaderValue::from_str(&format!("/api/uploads/{sha256}")).map_err(|e| ApiError::Internal(e.to_string()))?;
    response.headers_mut().insert(LOCATION, location);
    response.headers_mut().insert(tus::UPLOAD_OFFSET, HeaderValue::from(offset));
    Ok(with_tus(response))
}

/// How much of the file the server holds.
#[utoipa::path(head, path = "/uploads/{sha256}", tag = "attachments", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "SHA-256 của tệp")), responses(
    (status = 200, description = "Upload-Offset: số byte đã có; Upload-Length: kích thước tệp."),
    (status = 404, description = "Chưa có lượt tải lên nào của tệp này."),
))]
async fn offset(State(state): State<AppState>, _: Session, Path(sha256): Path<String>) -> Result<Response, ApiError> {
    let stored = known(&state.db, &sha256).await?;
    let offset = offset_of(&state, &sha256, &stored).await?;
    let mut response = StatusCode::OK.into_response();
    response.headers_mut().insert(tus::UPLOAD_OFFSET, HeaderValue::from(offset));
    response.headers_mut().insert(tus::UPLOAD_LENGTH, HeaderValue::from(stored.size));
    Ok(with_tus(response))
}

/// Appends a chunk at the offset the server holds.
#[utoipa::path(patch, path = "/uploads/{sha256}", tag = "attachments", security(("bearer" = [])),
    params(
        ("sha256" = String, Path, description = "SHA-256 của tệp"),
        ("Upload-Offset" = u64, Header, description = "Vị trí của phần này trong tệp"),
        ("Upload-Checksum" = String, Header, description = "sha256 và mã SHA-256 của phần này, base64"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
    (status = 204, description = "Đã ghi bền vững; Upload-Offset là vị trí mới."),
    (status = 404, description = "Chưa có lượt tải lên nào của tệp này.", body = ErrorBody),
    (status = 409, description = "Máy chủ đang có số byte khác: Upload-Offset cho biết vị trí để gửi tiếp.",
        body = ErrorBody),
    (status = 415, description = "Nội dung không đúng loại tệp đã khai (kiểm tra theo nội dung).", body = ErrorBody),
    (status = 422, description = "Tệp đã nhận đủ nhưng mã SHA-256 không khớp; lượt tải lên bị huỷ.",
        body = ErrorBody),
    (status = 460, description = "Phần này không khớp mã kiểm tra; gửi lại phần này.", body = ErrorBody),
))]
async fn append(
    State(state): State<AppState>,
    session: Session,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    chunk: Bytes,
) -> Result<Response, ApiError> {
    if header(&headers, CONTENT_TYPE.as_str()) != Some(tus::CHUNK_TYPE) {
        return Err(ApiError::Status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
    }
    let at: u64 = header(&headers, tus::UPLOAD_OFFSET)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::Invalid("Thiếu vị trí của phần tệp (Upload-Offset).".into()))?;
    let checksum = header(&headers, tus::UPLOAD_CHECKSUM)
        .and_then(|v| v.strip_prefix("sha256 "))
        .and_then(base64::decode)
        .ok_or_else(|| ApiError::Invalid("Thiếu mã kiểm tra của phần tệp (Upload-Checksum: sha256 …).".into()))?;
    if Sha256::digest(&chunk).as_slice() != checksum.as_slice() {
        return Err(ApiError::File(FileRefusal::ChunkChecksum));
    }
    if !is_sha256(&sha256) {
        return Err(NO_UPLOAD);
    }
    let _turn = state.files.lock(&sha256).await.map_err(io)?;
    let stored = known(&state.db, &sha256).await?;
    let held = offset_of(&state, &sha256, &stored).await?;
    if at != held {
        return Err(ApiError::UploadOffset(held));
    }
    if stored.complete {
        return Ok(acknowledged(held));
    }
    if at + chunk.len() as u64 > stored.size {
        return Err(ApiError::Invalid("Phần tệp vượt quá kích thước đã khai của tệp.".into()));
    }
    if at == 0 && !stored.media_type.begins(&chunk[..chunk.len().min(16)]) {
        state.db.drop_upload(&sha256).await?;
        tracing::info!(user = %session.user_id, file = %sha256, "upload refused: content is not its declared type");
        return Err(ApiError::File(FileRefusal::ContentMismatch(stored.media_type)));
    }
    let received = state.files.append(&sha256, at, chunk).await.map_err(io)?;
    if received == stored.size {
        match state.files.check(&sha256, stored.media_type).await.map_err(io)? {
            Checked::Good => {
                state.files.finish(&sha256).await.map_err(io)?;
                state.db.complete_upload(&sha256, Utc::now()).await?;
                tracing::info!(user = %session.user_id, file = %sha256, size = stored.size, "upload complete");
            }
            refused => {
                state.files.discard(&sha256).await.map_err(io)?;
                state.db.drop_upload(&sha256).await?;
                return Err(ApiError::File(match refused {
                    Checked::WrongType => FileRefusal::ContentMismatch(stored.media_type),
                    _ => FileRefusal::Hash,
                }));
            }
        }
    }
    Ok(acknowledged(received))
}

/// A file, for a reader whose scope holds a record that refers to it. Only raster images show in the page;
/// anything else comes as a download, and nothing is ever sniffed.
#[utoipa::path(get, path = "/attachments/{sha256}", tag = "attachments", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "SHA-256 của tệp")), responses(
    (status = 200, description = "Nội dung tệp.", content_type = "application/octet-stream"),
    (status = 404, description = "Không có tệp này trong phạm vi của bạn.", body = ErrorBody),
))]
async fn download(
    State(state): State<AppState>,
    session: Session,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    const ABSENT: ApiError = ApiError::NotFound("Không có tệp này trong phạm vi của bạn.");
    if !is_sha256(&sha256) {
        return Err(ABSENT);
    }
    // Out of scope answers like a missing file: no one learns what exists elsewhere.
    let stored = state.db.file(&sha256).await?.filter(|f| f.complete).ok_or(ABSENT)?;
    if !state.db.may_read_file(&sha256, &session.scope).await? {
        return Err(ABSENT);
    }
    let file = state.files.open(&sha256).await.map_err(io)?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let disposition = if stored.media_type.shows_inline() { "inline" } else { "attachment" };
    let name = format!("tep-{}.{}", &sha256[..12], stored.media_type.extension());
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(stored.media_type.mime()));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(stored.size));
    let disposition = HeaderValue::from_str(&format!("{disposition}; filename=\"{name}\""))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    headers.insert(CONTENT_DISPOSITION, disposition);
    headers
        .insert(ETAG, HeaderValue::from_str(&format!("\"{sha256}\"")).map_err(|e| ApiError::Internal(e.to_string()))?);
    Ok(response)
}

/// Removes files no record has referred to for the grace period, and uploads abandoned halfway: the number of
/// files removed. Runs every hour in the server; the rows go first, so a file is never served without its row.
pub async fn clean(db: &Db, files: &Files, now: DateTime<Utc>) -> Result<usize, ApiError> {
    let (released, unfinished) = db.take_unreferenced(now - RELEASED_GRACE, now - ABANDONED_AFTER).await?;
    for sha256 in &released {
        files.remove(sha256).await.map_err(io)?;
    }
    for sha256 in &unfinished {
        files.discard(sha256).await.map_err(io)?;
    }
    if !released.is_empty() || !unfinished.is_empty() {
        tracing::info!(released = released.len(), unfinished = unfinished.len(), "unreferenced files removed");
    }
    Ok(released.len() + unfinished.len())
}

const NO_UPLOAD: ApiError = ApiError::NotFound("Chưa có lượt tải lên nào của tệp này.");

async fn known(db: &Db, sha256: &str) -> Result<StoredFile, ApiError> {
    let stored = if is_sha256(sha256) { db.file(sha256).await? } else { None };
    stored.ok_or(NO_UPLOAD)
}

/// The bytes the server holds of a file. A finished file whose row was not yet marked (the server stopped
/// between the two) is marked here.
async fn offset_of(state: &AppState, sha256: &str, stored: &StoredFile) -> Result<u64, ApiError> {
    if stored.complete {
        return Ok(stored.size);
    }
    if state.files.is_finished(sha256).await {
        state.db.complete_upload(sha256, Utc::now()).await?;
        return Ok(stored.size);
    }
    Ok(state.files.received(sha256).await.map_err(io)?.min(stored.size))
}

fn acknowledged(offset: u64) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(tus::UPLOAD_OFFSET, HeaderValue::from(offset));
    with_tus(response)
}

fn with_tus(mut response: Response) -> Response {
    response.headers_mut().insert(tus::RESUMABLE, HeaderValue::from_static(tus::VERSION));
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

fn io(error: std::io::Error) -> ApiError {
    ApiError::Internal(format!("files: {error}"))
}
