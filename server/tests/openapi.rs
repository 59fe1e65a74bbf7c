//! The API contract: the OpenAPI document is generated from the handlers and the wire types, and
//! `server/openapi.json` is its reviewed copy. A change to either shows up here as a failure until the copy is
//! regenerated (`THIDUA_UPDATE_OPENAPI=1 cargo test -p thidua-server --test openapi`) and the diff reviewed.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::Value;

const REVIEWED: &str = include_str!("../openapi.json");

fn generated() -> String {
    server::openapi().to_pretty_json().expect("the document serializes") + "\n"
}

#[test]
fn the_document_is_the_reviewed_one() {
    let generated = generated();
    if std::env::var_os("THIDUA_UPDATE_OPENAPI").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"), &generated).expect("write");
        return;
    }
    assert!(
        generated == REVIEWED,
        "the API changed: run THIDUA_UPDATE_OPENAPI=1 cargo test -p thidua-server --test openapi, review the diff \
         of server/openapi.json, and commit it"
    );
}

#[tokio::test]
async fn the_served_document_is_the_generated_one() {
    let s = common::server().await;
    let (status, doc) = s.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc, serde_json::from_str::<Value>(&generated()).unwrap());
    assert_eq!(doc["openapi"], "3.1.0");
}

/// Every route the router answers is in the document: the routers register routes only through the annotated
/// handlers (`routes!`), and each documented route answers something other than "no such endpoint".
#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_exists() {
    let sources = [
        include_str!("../src/lib.rs"),
        include_str!("../src/accounts.rs"),
        include_str!("../src/ballots.rs"),
        include_str!("../src/clusters.rs"),
        include_str!("../src/council.rs"),
        include_str!("../src/dashboard.rs"),
        include_str!("../src/decisions.rs"),
        include_str!("../src/documents.rs"),
        include_str!("../src/publications.rs"),
        include_str!("../src/models.rs"),
        include_str!("../src/movements.rs"),
        include_str!("../src/records.rs"),
        include_str!("../src/reference.rs"),
        include_str!("../src/search.rs"),
        include_str!("../src/rulebook.rs"),
        include_str!("../src/sync.rs"),
        include_str!("../src/units.rs"),
        include_str!("../src/uploads.rs"),
    ];
    for source in sources {
        assert!(!source.contains(".route(\""), "a route added around the document");
    }
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    documented.sort_unstable();
    assert_eq!(
        documented,
        [
            "/api/admin/merges",
            "/api/admin/rules",
            "/api/admin/units",
            "/api/admin/units/{id}",
            "/api/admin/users",
            "/api/admin/users/{id}",
            "/api/admin/users/{id}/password",
            "/api/attachments/{sha256}",
            "/api/auth/login",
            "/api/auth/logout",
            "/api/auth/password",
            "/api/clusters",
            "/api/clusters/{id}",
            "/api/clusters/{id}/years/{year}",
            "/api/clusters/{id}/years/{year}/ranking",
            "/api/clusters/{id}/years/{year}/reviews/{unit_id}",
            "/api/clusters/{id}/years/{year}/standing/{unit_id}",
            "/api/council/candidates",
            "/api/council/members",
            "/api/council/members/{id}",
            "/api/council/sessions",
            "/api/council/sessions/{id}",
            "/api/council/sessions/{id}/attendance",
            "/api/council/sessions/{id}/ballot",
            "/api/council/sessions/{id}/ballots",
            "/api/council/sessions/{id}/ballots/close",
            "/api/council/sessions/{id}/confirm",
            "/api/council/sessions/{id}/minutes",
            "/api/council/sessions/{id}/tallies/{nomination_id}",
            "/api/dashboard/{year}/{quarter}",
            "/api/decisions",
            "/api/decisions/{id}",
            "/api/decisions/{id}/issue",
            "/api/documents/council/sessions/{id}/{document}",
            "/api/documents/decisions/{id}",
            "/api/documents/nominations/{id}/report",
            "/api/exports/{list}",
            "/api/health",
            "/api/me",
            "/api/models/{id}/status",
            "/api/movements/{id}",
            "/api/openapi.json",
            "/api/public/decisions",
            "/api/public/models",
            "/api/public/publications",
            "/api/public/publications/{id}/comments",
            "/api/publications",
            "/api/publications/{id}/comments/{comment_id}",
            "/api/ready",
            "/api/records/{id}/history",
            "/api/reference",
            "/api/search",
            "/api/statistics/{year}",
            "/api/statistics/{year}/xlsx",
            "/api/sync/pull",
            "/api/sync/push",
            "/api/uploads",
            "/api/uploads/{sha256}",
        ]
    );
    let s = common::server().await;
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let uri = path.replace("{id}", "00000000-0000-4000-8000-000000000000");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let (status, body) = s.call(method.clone(), &uri, None, None).await;
            assert!(
                !(status == StatusCode::NOT_FOUND
                    && body["code"] == "not_found"
                    && body["message"] == "Không có địa chỉ API này."),
                "{method} {path} is documented but not routed"
            );
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
}

/// Every answer is a named schema: no operation answers an anonymous object.
#[test]
fn every_body_is_a_named_type() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                let Some(schema) = response.pointer("/content/application~1json/schema") else { continue };
                let named = schema.get("$ref").is_some()
                    || schema.pointer("/items/$ref").is_some()
                    || (path == "/api/openapi.json" && status == "200");
                assert!(named, "{method} {path} {status} answers an unnamed body: {schema}");
            }
        }
    }
}
