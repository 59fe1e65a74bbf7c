//! Serves the built app from `dist/`: precompressed files, and cache rules that let a tablet keep hashed assets
//! for good while always revalidating the entry points (index.html, the service worker, the manifest).

use std::path::Path;

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(dist: &Path) -> Router {
    // The office's bundle lives in its own folder, so its in-app addresses open it and not the field's.
    Router::new()
        .nest_service("/office", single_page(&dist.join("office")))
        .fallback_service(single_page(dist))
        .layer(middleware::from_fn(cache_headers))
}

/// The files of one bundle; unknown paths get its index.html, so a reload on any in-app address opens the app.
fn single_page(dir: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(dir.join("index.html")).precompressed_br().precompressed_gzip())
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let immutable = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static(if immutable { "public, max-age=31536000, immutable" } else { "no-cache" }),
    );
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Trunk names built assets `<name>-<hash>[_bg].<ext>`, the hash a u64 in hex (leading zeros dropped); such a
/// name never changes content.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default().trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn recognises_trunk_hashes() {
        assert!(is_hashed_asset("/app-3f2a1b4c5d6e7f80_bg.wasm"));
        assert!(is_hashed_asset("/app-3f2a1b4c5d6e7f80.js"));
        assert!(is_hashed_asset("/app-cef612e678f19fe_bg.wasm"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(is_hashed_asset("/boot-0123456789abcdef.js"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/manifest.webmanifest"));
        assert!(!is_hashed_asset("/icon-192.png"));
    }
}
