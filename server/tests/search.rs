//! Search over the real router: found without diacritics, within scope only, decisions for the office.

mod common;

use axum::http::{Method, StatusCode};
use common::office::*;
use common::server;
use serde_json::{json, Value};

async fn titles(server: &common::TestServer, token: &str, query: &str) -> Vec<String> {
    let uri = format!("/api/search?q={}", query.replace(' ', "%20"));
    let hits: Vec<Value> = server.expect(Method::GET, &uri, Some(token), None, StatusCode::OK).await;
    hits.iter().map(|h| format!("{}: {}", h["kind"].as_str().unwrap(), h["title"].as_str().unwrap())).collect()
}

#[tokio::test]
async fn search_ignores_marks_and_case_and_finds_only_what_the_user_may_read() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let [for_lan, for_minh] = two_accepted_nominations(&server).await;
    let session = locked_session(&server, &office, "phien-tk", [for_lan, for_minh]).await;
    let draft = json!({"id": "qd-tk", "session_id": session.id, "header": header("2026-12-15")});
    let drafted: Value =
        server.expect(Method::POST, "/api/decisions", Some(&office), Some(draft), StatusCode::OK).await;
    let issue = json!({"version": drafted["version"]});
    let _: Value =
        server.expect(Method::POST, "/api/decisions/qd-tk/issue", Some(&office), Some(issue), StatusCode::OK).await;

    let head = server.login("tamduong.giamdoc").await;
    let found = titles(&server, &head, "tran thi lan").await;
    assert!(found.contains(&"person: Trần Thị Lan".to_string()), "{found:?}");
    assert!(found.iter().any(|t| t.starts_with("nomination: Trần Thị Lan — Chiến sĩ thi đua")), "{found:?}");
    assert_eq!(titles(&server, &head, "TRẦN THỊ LAN").await, found, "case and marks do not matter");
    assert!(titles(&server, &head, "1/qd-ubnd").await.is_empty(), "a unit does not search the office's decisions");

    let other_unit = server.login("lapthach.giamdoc").await;
    assert!(titles(&server, &other_unit, "tran thi lan").await.is_empty(), "another unit's people stay out of reach");

    let by_number = titles(&server, &office, "1/qd-ubnd").await;
    assert_eq!(by_number, ["decision: 1/QĐ-UBND"]);
    assert_eq!(titles(&server, &office, "lan tran").await.len(), found.len() + 1, "and the decision naming her");
    assert!(titles(&server, &office, "  ").await.is_empty());
    let (status, _) =
        server.call(Method::GET, &format!("/api/search?q={}", "a".repeat(201)), Some(&office), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server.call(Method::GET, "/api/search?q=lan", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
