//! Calls to the server's HTTP API. `HttpTransport` is the sync procedure's way to the server.

use domain::api::{
    AccountSummary, AccountUpdate, ChangePasswordRequest, ErrorBody, HistoryEntry, LoginRequest, LoginResponse,
    Movement, NewUnit, NewUserRequest, OrgUnit, PasswordReset, ReferenceData, RulebookSaved, UnitUpdate, UserCreated,
};
use domain::attachment::{base64, tus};
use domain::org::UnitMerge;
use domain::replica::{Transport, TransportError, UploadFile, UploadTransport};
use domain::rules::RuleBook;
use domain::sync::{PullResponse, PushRequest, PushResponse};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

fn authorized(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

async fn read<T: DeserializeOwned>(response: Result<Response, gloo_net::Error>) -> Result<T, TransportError> {
    let response = response.map_err(|_| TransportError::Network)?;
    let status = response.status();
    if (200..300).contains(&status) {
        // A cut connection can also surface while the body is read.
        return response.json::<T>().await.map_err(|_| TransportError::Network);
    }
    Err(refusal(status, response.json::<ErrorBody>().await.ok()))
}

/// What an answer that is not a success means for the caller. A timeout (the request or its body took too long,
/// as on a weak link) is no verdict on the request: it goes again later, like a server error, instead of
/// marking a pushed change as refused.
fn refusal(status: u16, body: Option<ErrorBody>) -> TransportError {
    let message = |fallback: &str| body.as_ref().map_or_else(|| fallback.to_owned(), |b| b.message.clone());
    match status {
        401 => TransportError::Unauthorized(message("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.")),
        409 if body.as_ref().is_some_and(|b| b.code == "outdated_client") => {
            TransportError::Outdated(message("Ứng dụng đã có phiên bản mới. Vui lòng tải lại trang."))
        }
        408 => TransportError::Server(status),
        400..=499 => TransportError::Refused(body.unwrap_or(ErrorBody {
            code: status.to_string(),
            message: format!("Máy chủ từ chối yêu cầu ({status})"),
            problems: Vec::new(),
        })),
        _ => TransportError::Server(status),
    }
}

pub async fn login(request: &LoginRequest) -> Result<LoginResponse, TransportError> {
    let builder = Request::post("/api/auth/login").json(request).map_err(|_| TransportError::Network)?;
    read(builder.send().await).await
}

pub async fn reference(token: &str) -> Result<ReferenceData, TransportError> {
    read(authorized(Request::get("/api/reference"), token).send().await).await
}

/// Ends the session on the server (best effort: offline, the token simply expires).
pub async fn logout(token: &str) -> Result<(), TransportError> {
    let response =
        authorized(Request::post("/api/auth/logout"), token).send().await.map_err(|_| TransportError::Network)?;
    match response.status() {
        200..=299 | 401 => Ok(()),
        status => Err(TransportError::Server(status)),
    }
}

pub async fn change_password(token: &str, request: &ChangePasswordRequest) -> Result<(), TransportError> {
    let builder =
        authorized(Request::post("/api/auth/password"), token).json(request).map_err(|_| TransportError::Network)?;
    let response = builder.send().await.map_err(|_| TransportError::Network)?;
    if (200..300).contains(&response.status()) {
        return Ok(());
    }
    read::<serde_json::Value>(Ok(response)).await.map(|_| ())
}

/// The office launches or edits a movement (online only: movements are the office's, not the field's).
pub async fn save_movement(token: &str, movement: &Movement) -> Result<(), TransportError> {
    let url = format!("/api/movements/{}", js_sys::encode_uri_component(&movement.id));
    let builder = authorized(Request::put(&url), token).json(movement).map_err(|_| TransportError::Network)?;
    read::<Movement>(builder.send().await).await.map(|_| ())
}

/// An admin saves the next edition of the rulebook; the answer is its version.
pub async fn save_rules(token: &str, book: &RuleBook) -> Result<i64, TransportError> {
    let builder =
        authorized(Request::put("/api/admin/rules"), token).json(book).map_err(|_| TransportError::Network)?;
    let saved: RulebookSaved = read(builder.send().await).await?;
    Ok(saved.version)
}

/// The accounts of the admin's subtree, by unit and then by name.
pub async fn admin_users(token: &str) -> Result<Vec<AccountSummary>, TransportError> {
    get(token, "/api/admin/users").await
}

/// An admin creates an account in their subtree.
pub async fn create_user(token: &str, request: &NewUserRequest) -> Result<UserCreated, TransportError> {
    send(token, false, "/api/admin/users", request).await
}

/// An admin changes an account (name, position, role, unit), or disables or enables it.
pub async fn update_user(token: &str, id: &str, update: &AccountUpdate) -> Result<AccountSummary, TransportError> {
    let url = format!("/api/admin/users/{}", js_sys::encode_uri_component(id));
    send(token, true, &url, update).await
}

/// An admin sets a new password for an account; its sessions end.
pub async fn reset_password(token: &str, id: &str, request: &PasswordReset) -> Result<(), TransportError> {
    let url = format!("/api/admin/users/{}/password", js_sys::encode_uri_component(id));
    let builder = authorized(Request::post(&url), token).json(request).map_err(|_| TransportError::Network)?;
    let response = builder.send().await.map_err(|_| TransportError::Network)?;
    if (200..300).contains(&response.status()) {
        return Ok(());
    }
    read::<serde_json::Value>(Ok(response)).await.map(|_| ())
}

/// An admin creates a unit; the answer carries the id the server gave it.
pub async fn create_unit(token: &str, unit: &NewUnit) -> Result<OrgUnit, TransportError> {
    send(token, false, "/api/admin/units", unit).await
}

/// An admin renames, moves, closes or reopens a unit.
pub async fn update_unit(token: &str, id: &str, update: &UnitUpdate) -> Result<OrgUnit, TransportError> {
    let url = format!("/api/admin/units/{}", js_sys::encode_uri_component(id));
    send(token, true, &url, update).await
}

/// An admin records a merge of units; the merged units close the day before it.
pub async fn create_merge(token: &str, merge: &UnitMerge) -> Result<UnitMerge, TransportError> {
    send(token, false, "/api/admin/merges", merge).await
}

/// What to tell a person whose online-only action failed.
pub fn offline_message(error: TransportError, what: &str) -> String {
    match error {
        TransportError::Network => format!("Cần kết nối mạng để {what}; nội dung đang nhập vẫn còn trên màn hình."),
        TransportError::Refused(body) => body.message,
        other => other.to_string(),
    }
}

/// A GET of the office's online-only resources (the council's roster and sessions).
pub async fn get<T: DeserializeOwned>(token: &str, url: &str) -> Result<T, TransportError> {
    read(authorized(Request::get(url), token).send().await).await
}

/// A PUT or POST of a JSON body to the office's online-only resources; the answer is the stored resource.
pub async fn send<B: serde::Serialize, T: DeserializeOwned>(
    token: &str,
    put: bool,
    url: &str,
    body: &B,
) -> Result<T, TransportError> {
    let builder = if put { Request::put(url) } else { Request::post(url) };
    let request = authorized(builder, token).json(body).map_err(|_| TransportError::Network)?;
    read(request.send().await).await
}

/// Fetches a file the server makes (a document, a list) and hands it to the browser as a download, under the
/// name the server gives it.
pub async fn download(token: &str, url: &str) -> Result<(), TransportError> {
    let response = authorized(Request::get(url), token).send().await.map_err(|_| TransportError::Network)?;
    if !(200..300).contains(&response.status()) {
        let status = response.status();
        return Err(refusal(status, response.json::<ErrorBody>().await.ok()));
    }
    let name = response
        .headers()
        .get("content-disposition")
        .and_then(|d| d.split("filename=\"").nth(1).map(|n| n.trim_end_matches('"').to_owned()))
        .unwrap_or_else(|| "tai-lieu".to_owned());
    let bytes = response.binary().await.map_err(|_| TransportError::Network)?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|_| TransportError::Network)?;
    save_as(&blob, &name).ok_or(TransportError::Network)
}

/// Hands `blob` to the browser as a download named `name`.
pub fn save_as(blob: &web_sys::Blob, name: &str) -> Option<()> {
    use wasm_bindgen::JsCast;
    let href = web_sys::Url::create_object_url_with_blob(blob).ok()?;
    let anchor: web_sys::HtmlAnchorElement =
        web_sys::window()?.document()?.create_element("a").ok()?.dyn_into().ok()?;
    anchor.set_href(&href);
    anchor.set_download(name);
    anchor.click();
    // The browser reads the blob after the click returns: let it go a while later.
    gloo_timers::callback::Timeout::new(30_000, move || {
        let _ = web_sys::Url::revoke_object_url(&href);
    })
    .forget();
    Some(())
}

pub async fn history(token: &str, record_id: uuid::Uuid) -> Result<Vec<HistoryEntry>, TransportError> {
    read(authorized(Request::get(&format!("/api/records/{record_id}/history")), token).send().await).await
}

// web-sys has CompressionStream only behind its unstable flag, which would rebuild every crate: the two getters
// this needs are declared here.
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, wasm_bindgen::JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;
}

/// A push body gzipped by the browser's own CompressionStream: a batch of reports shrinks several times over,
/// which on a weak link is most of a push's time. None where the browser lacks it; the body then goes plain,
/// which the server takes as well.
async fn gzip(json: &str) -> Option<js_sys::Uint8Array> {
    let gzip = CompressionStream::new("gzip").ok()?;
    let blob = web_sys::Blob::new_with_str_sequence(&js_sys::Array::of1(&json.into())).ok()?;
    let compressed =
        blob.stream().pipe_through(&web_sys::ReadableWritablePair::new(&gzip.readable(), &gzip.writable()));
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&compressed)).ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer))
}

/// The server, reached over HTTP with the user's bearer token.
pub struct HttpTransport<'a> {
    pub token: &'a str,
}

impl Transport for HttpTransport<'_> {
    async fn push(&self, request: &PushRequest) -> Result<PushResponse, TransportError> {
        let json = serde_json::to_string(request).map_err(|_| TransportError::Network)?;
        let builder =
            authorized(Request::post("/api/sync/push"), self.token).header("Content-Type", "application/json");
        let request = match gzip(&json).await {
            Some(body) => builder.header("Content-Encoding", "gzip").body(body),
            None => builder.body(json),
        };
        read(request.map_err(|_| TransportError::Network)?.send().await).await
    }

    async fn pull(&self, cursor: i64, limit: u32) -> Result<PullResponse, TransportError> {
        let url = format!("/api/sync/pull?cursor={cursor}&limit={limit}");
        read(authorized(Request::get(&url), self.token).send().await).await
    }
}

impl UploadTransport for HttpTransport<'_> {
    async fn create(&self, file: &UploadFile) -> Result<u64, TransportError> {
        let metadata = tus::file_metadata(&file.sha256, &file.name, file.media_type.mime());
        let request = authorized(Request::post("/api/uploads"), self.token)
            .header(tus::RESUMABLE, tus::VERSION)
            .header(tus::UPLOAD_LENGTH, &file.size.to_string())
            .header(tus::UPLOAD_METADATA, &metadata);
        offset_answered(request.send().await).await
    }

    async fn append(&self, sha256: &str, offset: u64, chunk: &[u8]) -> Result<u64, TransportError> {
        let digest = crate::media::sha256(chunk).await.map_err(|_| TransportError::Network)?;
        let request = authorized(Request::patch(&format!("/api/uploads/{sha256}")), self.token)
            .header(tus::RESUMABLE, tus::VERSION)
            .header("Content-Type", tus::CHUNK_TYPE)
            .header(tus::UPLOAD_OFFSET, &offset.to_string())
            .header(tus::UPLOAD_CHECKSUM, &format!("{} {}", tus::CHECKSUM_ALGORITHM, base64::encode(&digest)))
            .body(js_sys::Uint8Array::from(chunk))
            .map_err(|_| TransportError::Network)?;
        offset_answered(request.send().await).await
    }
}

/// The offset a tus answer carries: after a creation or a chunk, and with a 409, the offset the server holds.
async fn offset_answered(response: Result<Response, gloo_net::Error>) -> Result<u64, TransportError> {
    let response = response.map_err(|_| TransportError::Network)?;
    let offset = response.headers().get(tus::UPLOAD_OFFSET).and_then(|v| v.trim().parse().ok());
    match (response.status(), offset) {
        // The answer's body is read to its end, so the request ends as answered, not cut off.
        (200..=299 | 409, Some(offset)) => {
            let _ = response.text().await;
            Ok(offset)
        }
        (status, _) => Err(refusal(status, response.json::<ErrorBody>().await.ok())),
    }
}

/// A file from the server, for a record in the user's scope.
pub async fn fetch_file(token: &str, sha256: &str) -> Result<web_sys::Blob, TransportError> {
    use wasm_bindgen::JsCast;
    let response = authorized(Request::get(&format!("/api/attachments/{sha256}")), token)
        .send()
        .await
        .map_err(|_| TransportError::Network)?;
    if !(200..300).contains(&response.status()) {
        let status = response.status();
        return Err(refusal(status, response.json::<ErrorBody>().await.ok()));
    }
    let raw: web_sys::Response = response.into();
    let blob = raw.blob().map_err(|_| TransportError::Network)?;
    wasm_bindgen_futures::JsFuture::from(blob).await.ok().and_then(|b| b.dyn_into().ok()).ok_or(TransportError::Network)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    async fn a_push_body_is_gzipped_by_the_browser() {
        let json = "{\"summary\":\"Tổ chức 12 buổi chiếu phim lưu động tại xã Hợp Hòa.\"}".repeat(50);
        let body = gzip(&json).await.expect("Chromium has CompressionStream").to_vec();
        assert_eq!(body[..2], [0x1f, 0x8b], "a gzip member");
        assert!(body.len() * 10 < json.len(), "{} → {} bytes", json.len(), body.len());
    }

    #[wasm_bindgen_test]
    fn a_timeout_is_tried_again_and_a_refusal_is_final() {
        let body = |code: &str| Some(ErrorBody { code: code.into(), message: "…".into(), problems: Vec::new() });
        assert_eq!(refusal(408, body("slow_body")), TransportError::Server(408));
        assert_eq!(refusal(408, None), TransportError::Server(408));
        assert!(matches!(refusal(422, body("invalid")), TransportError::Refused(b) if b.code == "invalid"));
        assert!(matches!(refusal(429, body("too_many_sign_ins")), TransportError::Refused(_)));
        assert!(matches!(refusal(401, None), TransportError::Unauthorized(_)));
        assert!(matches!(refusal(409, body("outdated_client")), TransportError::Outdated(_)));
        assert_eq!(refusal(503, None), TransportError::Server(503));
    }
}
