//! The built app is served with cache rules: hashed assets immutable, entry points revalidated, compressed
//! files chosen when the browser accepts them.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use server::db::Db;
use server::{app, AppState};
use tower::ServiceExt;

#[tokio::test]
async fn serves_dist_with_cache_rules_and_precompressed_files() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>thidua</title>").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef.js"), "console.log(1)").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef.js.gz"), b"gzipped bytes").unwrap();
    std::fs::create_dir(dist.join("office")).unwrap();
    std::fs::write(dist.join("office/index.html"), "<!doctype html><title>office</title>").unwrap();
    std::fs::write(dist.join("office/office-0123456789abcdef.js"), "console.log(2)").unwrap();
    std::fs::write(dist.join("sw.js"), "self.addEventListener('install', () => {})").unwrap();
    let db = Db::open(&dir.path().join("db.sqlite")).await.unwrap();
    let router = app(AppState::new(db), Some(&dist));

    let get = |path: &str, encoding: Option<&str>| {
        let mut request = Request::builder().uri(path);
        if let Some(encoding) = encoding {
            request = request.header(header::ACCEPT_ENCODING, encoding);
        }
        router.clone().oneshot(request.body(Body::empty()).unwrap())
    };

    let index = get("/", None).await.unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(index.headers()[header::CACHE_CONTROL], "no-cache");
    assert_eq!(index.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(index.headers()[header::X_FRAME_OPTIONS], "DENY");
    let csp = index.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';") && !csp.contains("unsafe-inline"), "{csp}");

    let sw = get("/sw.js", None).await.unwrap();
    assert_eq!(sw.headers()[header::CACHE_CONTROL], "no-cache");

    let asset = get("/app-0123456789abcdef.js", Some("gzip")).await.unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(asset.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(asset.headers()[header::CONTENT_ENCODING], "gzip");

    // Any in-app address opens the app.
    let deep = get("/tu-danh-gia", None).await.unwrap();
    assert_eq!(deep.status(), StatusCode::OK);
    assert_eq!(deep.headers()[header::CACHE_CONTROL], "no-cache");
    assert_eq!(body_text(deep).await, "<!doctype html><title>thidua</title>");

    // The office's bundle is served apart, and its own addresses open it.
    for path in ["/office/", "/office/hoi-dong"] {
        let office = get(path, None).await.unwrap();
        assert_eq!(office.status(), StatusCode::OK, "{path}");
        assert_eq!(office.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(body_text(office).await, "<!doctype html><title>office</title>", "{path}");
    }
    let office_asset = get("/office/office-0123456789abcdef.js", None).await.unwrap();
    assert_eq!(office_asset.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(body_text(office_asset).await, "console.log(2)");
}

async fn body_text(response: axum::response::Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}
