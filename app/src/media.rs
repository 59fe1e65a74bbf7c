//! Files as the tablet prepares them before storing: a photo made smaller (longest side and quality settable), a
//! thumbnail, the type checked by the first bytes as the server checks it, and the SHA-256 that names the file.
//! Only browser APIs here: the canvas, `createImageBitmap`, SubtleCrypto.

use domain::attachment::{FileRefusal, MediaType, MAX_FILE_BYTES};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// How photos are made smaller: about 1,600 px on the longest side and JPEG at 82% keep a document photo
/// readable at a few hundred KB, where the camera's original is several MB.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhotoSettings {
    pub longest_side: u32,
    pub quality: f64,
    /// Keep the camera's original instead (within the size limit).
    pub keep_original: bool,
}

impl Default for PhotoSettings {
    fn default() -> Self {
        PhotoSettings { longest_side: 1600, quality: 0.82, keep_original: false }
    }
}

const THUMB_SIDE: u32 = 320;
const THUMB_QUALITY: f64 = 0.7;

/// A file ready to store: its bytes, their hash, and a thumbnail for an image.
pub struct Prepared {
    pub sha256: String,
    pub name: String,
    pub media_type: MediaType,
    pub blob: web_sys::Blob,
    pub size: u64,
    pub thumb: Option<(String, web_sys::Blob, u64)>,
}

/// Why a picked file cannot be attached, in Vietnamese.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("{0}")]
    Refused(#[from] FileRefusal),
    #[error("Trình duyệt này không đọc được ảnh này ({0}); hãy chụp hoặc chọn ảnh JPEG hay PNG")]
    Undecodable(&'static str),
    #[error("Không đọc được tệp: {0}")]
    Browser(String),
}

fn browser(error: JsValue) -> MediaError {
    MediaError::Browser(error.as_string().unwrap_or_else(|| format!("{error:?}")))
}

/// The SHA-256 of `bytes`, in lowercase hex.
pub async fn sha256_hex(bytes: &[u8]) -> Result<String, MediaError> {
    Ok(sha256(bytes).await?.iter().map(|b| format!("{b:02x}")).collect())
}

/// The SHA-256 of `bytes`.
pub async fn sha256(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    let crypto = web_sys::window().and_then(|w| w.crypto().ok()).ok_or_else(|| MediaError::Browser("crypto".into()))?;
    let data = js_sys::Uint8Array::from(bytes);
    let digest = JsFuture::from(crypto.subtle().digest_with_str_and_buffer_source("SHA-256", &data).map_err(browser)?)
        .await
        .map_err(browser)?;
    Ok(js_sys::Uint8Array::new(&digest).to_vec())
}

async fn bytes_of(blob: &web_sys::Blob) -> Result<Vec<u8>, MediaError> {
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(browser)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Prepares a picked or photographed file: a photo is made smaller (unless its original is to be kept) and gets
/// a thumbnail; any other file is taken as it is, once its first bytes show it is what its name says.
pub async fn prepare(file: &web_sys::File, settings: PhotoSettings) -> Result<Prepared, MediaError> {
    let name = file.name();
    let media_type = MediaType::from_mime(&file.type_()).or_else(|| MediaType::from_name(&name)).ok_or_else(|| {
        FileRefusal::TypeNotAllowed(if file.type_().is_empty() { name.clone() } else { file.type_() })
    })?;
    let original: &web_sys::Blob = file.as_ref();
    if !media_type.is_image() {
        let size = file.size() as u64;
        if size > MAX_FILE_BYTES {
            return Err(FileRefusal::TooLarge(size).into());
        }
        let bytes = bytes_of(original).await?;
        if !media_type.confirms(&bytes) {
            return Err(FileRefusal::ContentMismatch(media_type).into());
        }
        let sha256 = sha256_hex(&bytes).await?;
        return Ok(Prepared { sha256, name, media_type, blob: original.clone(), size, thumb: None });
    }
    let bitmap = decode(original).await.map_err(|_| MediaError::Undecodable(media_type.label()))?;
    let thumb = encode(&bitmap, THUMB_SIDE, THUMB_QUALITY).await?;
    let thumb_bytes = bytes_of(&thumb).await?;
    let thumb = (sha256_hex(&thumb_bytes).await?, thumb, thumb_bytes.len() as u64);
    let (blob, media_type, name) = if settings.keep_original {
        let head = bytes_of(&original.slice_with_i32_and_i32(0, 16).map_err(browser)?).await?;
        if !media_type.begins(&head) {
            return Err(FileRefusal::ContentMismatch(media_type).into());
        }
        (original.clone(), media_type, name)
    } else {
        let smaller = encode(&bitmap, settings.longest_side, settings.quality).await?;
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem);
        (smaller, MediaType::Jpeg, format!("{stem}.jpg"))
    };
    bitmap.close();
    let bytes = bytes_of(&blob).await?;
    let size = bytes.len() as u64;
    if size > MAX_FILE_BYTES {
        return Err(FileRefusal::TooLarge(size).into());
    }
    let sha256 = sha256_hex(&bytes).await?;
    Ok(Prepared { sha256, name, media_type, blob, size, thumb: Some(thumb) })
}

/// The image, decoded by the browser with its camera orientation applied.
async fn decode(blob: &web_sys::Blob) -> Result<web_sys::ImageBitmap, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("window"))?;
    JsFuture::from(window.create_image_bitmap_with_blob(blob)?).await?.dyn_into()
}

/// The image drawn at most `side` px on its longest side, as a JPEG.
async fn encode(bitmap: &web_sys::ImageBitmap, side: u32, quality: f64) -> Result<web_sys::Blob, MediaError> {
    let (width, height) = (bitmap.width().max(1), bitmap.height().max(1));
    let scale = (f64::from(side) / f64::from(width.max(height))).min(1.0);
    let (w, h) = ((f64::from(width) * scale).round().max(1.0), (f64::from(height) * scale).round().max(1.0));
    let document =
        web_sys::window().and_then(|w| w.document()).ok_or_else(|| MediaError::Browser("document".into()))?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(browser)?
        .dyn_into()
        .map_err(|_| MediaError::Browser("canvas".into()))?;
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(browser)?
        .ok_or_else(|| MediaError::Browser("2d".into()))?
        .dyn_into()
        .map_err(|_| MediaError::Browser("2d".into()))?;
    context.draw_image_with_image_bitmap_and_dw_and_dh(bitmap, 0.0, 0.0, w, h).map_err(browser)?;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let refuse = reject.clone();
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_null() {
                refuse.call1(&JsValue::NULL, &"toBlob".into())
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
        });
        if let Err(e) =
            canvas.to_blob_with_type_and_encoder_options(done.unchecked_ref(), "image/jpeg", &quality.into())
        {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    JsFuture::from(promise).await.map_err(browser)?.dyn_into().map_err(|_| MediaError::Browser("blob".into()))
}

/// Why a file of `size` bytes should not be stored with `used` of `quota` bytes taken: it needs twice its size
/// free (a transaction holds the old and new pages while it commits) and must not pass 95% of the quota.
pub fn no_room_for(size: u64, used: f64, quota: f64) -> Option<String> {
    let free = quota - used;
    let size = size as f64;
    (size * 2.0 > free || used + size > quota * 0.95).then(|| {
        format!(
            "bộ nhớ của máy không đủ chỗ (tệp {}, còn trống {}). Hãy đồng bộ rồi bỏ giữ các tệp đã tải lên.",
            crate::format::format_megabytes(size),
            crate::format::format_megabytes(free.max(0.0))
        )
    })
}

/// Whether the browser has `navigator.storage` (old ones and insecure pages do not).
pub fn has_storage_manager(navigator: &web_sys::Navigator) -> bool {
    js_sys::Reflect::get(navigator, &"storage".into()).is_ok_and(|s| !s.is_undefined())
}

/// The browser's estimate of this site's storage: (used, quota) in bytes.
pub async fn storage_estimate() -> Option<(f64, f64)> {
    let navigator = web_sys::window()?.navigator();
    if !has_storage_manager(&navigator) {
        return None;
    }
    let storage = navigator.storage();
    let estimate: web_sys::StorageEstimate = JsFuture::from(storage.estimate().ok()?).await.ok()?.dyn_into().ok()?;
    Some((estimate.get_usage()?, estimate.get_quota()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A photo as a camera makes it: a JPEG of `width` × `height` with detail in it.
    pub async fn camera_photo(width: u32, height: u32) -> web_sys::File {
        let document = web_sys::window().unwrap().document().unwrap();
        let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
        canvas.set_width(width);
        canvas.set_height(height);
        let context: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
        for i in 0..200 {
            context.set_fill_style_str(&format!("hsl({}, 70%, {}%)", i * 37 % 360, 20 + i % 60));
            let f = f64::from(i);
            context.fill_rect(f * 13.0 % f64::from(width), f * 29.0 % f64::from(height), 400.0, 300.0);
        }
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let done = Closure::once_into_js(move |blob: JsValue| {
                let _ = resolve.call1(&JsValue::NULL, &blob);
            });
            canvas.to_blob_with_type_and_encoder_options(done.unchecked_ref(), "image/jpeg", &0.95.into()).unwrap();
        });
        let blob: web_sys::Blob = JsFuture::from(promise).await.unwrap().dyn_into().unwrap();
        let parts = js_sys::Array::of1(&blob);
        let options = web_sys::FilePropertyBag::new();
        options.set_type("image/jpeg");
        web_sys::File::new_with_blob_sequence_and_options(&parts, "IMG_2041.jpg", &options).unwrap()
    }

    #[wasm_bindgen_test]
    async fn a_camera_photo_is_made_smaller_with_a_thumbnail_and_named_by_its_hash() {
        let photo = camera_photo(4000, 3000).await;
        let prepared = prepare(&photo, PhotoSettings::default()).await.unwrap();
        assert_eq!(prepared.media_type, MediaType::Jpeg);
        assert_eq!(prepared.name, "IMG_2041.jpg");
        assert!(prepared.size < photo.size() as u64, "{} → {}", photo.size(), prepared.size);
        let bitmap = decode(&prepared.blob).await.unwrap();
        assert_eq!((bitmap.width(), bitmap.height()), (1600, 1200));
        let (thumb_sha, _, thumb_size) = prepared.thumb.as_ref().unwrap();
        assert!(*thumb_size < 60_000 && thumb_sha.len() == 64);
        assert_eq!(prepared.sha256, sha256_hex(&bytes_of(&prepared.blob).await.unwrap()).await.unwrap());
        let kept = prepare(&photo, PhotoSettings { keep_original: true, ..PhotoSettings::default() }).await.unwrap();
        assert_eq!(kept.size, photo.size() as u64, "the original, when asked for");
    }

    #[wasm_bindgen_test]
    fn a_file_the_tablet_has_no_room_for_is_refused_before_it_is_stored() {
        const MB: f64 = 1_048_576.0;
        assert_eq!(no_room_for(2 * 1_048_576, 100.0 * MB, 1000.0 * MB), None);
        let refusal = no_room_for(2 * 1_048_576, 997.0 * MB, 1000.0 * MB).unwrap();
        assert!(refusal.contains("không đủ chỗ") && refusal.contains("3,0 MB"), "{refusal}");
        assert!(no_room_for(1_048_576, 949.5 * MB, 1000.0 * MB).is_some(), "past 95% of the quota");
    }

    #[wasm_bindgen_test]
    async fn a_file_is_refused_by_its_content_and_type_before_it_is_stored() {
        let file = |bytes: &[u8], name: &str, mime: &str| {
            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
            let options = web_sys::FilePropertyBag::new();
            options.set_type(mime);
            web_sys::File::new_with_u8_array_sequence_and_options(&parts, name, &options).unwrap()
        };
        let renamed = file(b"MZ\x90\x00 a program", "bien-ban.pdf", "application/pdf");
        let refused = prepare(&renamed, PhotoSettings::default()).await.err().unwrap();
        assert!(refused.to_string().contains("không phải tài liệu PDF"), "{refused}");
        let svg = file(b"<svg/>", "logo.svg", "image/svg+xml");
        assert!(prepare(&svg, PhotoSettings::default())
            .await
            .err()
            .unwrap()
            .to_string()
            .contains("Không nhận loại tệp"));
        let pdf = prepare(&file(b"%PDF-1.7\n...", "bien-ban.pdf", "application/pdf"), PhotoSettings::default())
            .await
            .unwrap();
        assert_eq!((pdf.media_type, pdf.thumb.is_none()), (MediaType::Pdf, true));
    }
}
