//! The registry of advanced models over the real router: a unit proposes, the office moves a model one stage at a
//! time (two moves at once: one wins, the other is told), a recognised model with consent is public, and the
//! unit's tablet pulls the new stage.

mod common;

use axum::http::{Method, StatusCode};
use common::office::{applied, mutation, set};
use common::server;
use domain::sync::Outcome;
use domain::workflow::Action;
use domain::{Op, RecordKind};
use serde_json::{json, Value};
use uuid::Uuid;

async fn proposed(server: &common::TestServer, consent: bool) -> Uuid {
    let staff = server.login("tamduong.lan").await;
    let head = server.login("tamduong.giamdoc").await;
    let id = Uuid::new_v4();
    let fields = json!({"name": "Bản tin phát thanh cơ sở trên Zalo", "subject_kind": "collective",
                        "subject_id": "ttvh-tam-duong", "field": "Thông tin cơ sở", "story": "52 số bản tin",
                        "consent": consent});
    applied(server, &staff, &[set(RecordKind::AdvancedModel, id, 0, fields)]).await;
    applied(server, &head, &[mutation(RecordKind::AdvancedModel, id, 1, Op::Transition { action: Action::Submit })])
        .await;
    id
}

fn step(from: &str, to: &str, decisions: &[&str]) -> Value {
    json!({"from": from, "to": to, "decisions": decisions})
}

#[tokio::test]
async fn the_office_moves_a_model_stage_by_stage_and_the_public_sees_it_once_recognised() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let model = proposed(&server, true).await;
    let uri = format!("/api/models/{model}/status");

    // Two people move it on at once: one is stored, the other is told it has moved.
    let (first, second) = tokio::join!(
        server.call(Method::PUT, &uri, Some(&office), Some(step("registered", "nurtured", &[]))),
        server.call(Method::PUT, &uri, Some(&office), Some(step("registered", "nurtured", &[]))),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let public: Vec<Value> = server.expect(Method::GET, "/api/public/models", None, None, StatusCode::OK).await;
    assert!(public.is_empty(), "a model being nurtured is not public yet");

    let (status, body) = server.call(Method::PUT, &uri, Some(&office), Some(step("nurtured", "recognised", &[]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "recognition names its decision: {body}");
    let (status, _) =
        server.call(Method::PUT, &uri, Some(&office), Some(step("nurtured", "replicated", &["1/QĐ"]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no stage is skipped");
    let recognised: Value = server
        .expect(
            Method::PUT,
            &uri,
            Some(&office),
            Some(step("nurtured", "recognised", &["27/QĐ-STTTT"])),
            StatusCode::OK,
        )
        .await;
    assert_eq!(recognised, "recognised");

    let public: Vec<Value> = server.expect(Method::GET, "/api/public/models", None, None, StatusCode::OK).await;
    assert_eq!(public.len(), 1);
    assert_eq!(public[0]["subject_name"], "Trung tâm VH-TT-TT huyện Tam Dương");
    assert_eq!(public[0]["status_label"], "Được công nhận");
    assert_eq!(public[0]["decisions"], json!(["27/QĐ-STTTT"]));

    // The unit's tablet pulls the stage the office set, and cannot write it itself.
    let staff = server.login("tamduong.lan").await;
    let pulled = server.pull(&staff, 0, 500).await;
    let record = pulled.records.iter().find(|r| r.id == model).expect("the model is pulled");
    assert_eq!(record.fields["model_status"], "recognised");
    let forged = set(RecordKind::AdvancedModel, model, record.rev, json!({"model_status": "replicated"}));
    let answer = server.push(&staff, &[forged]).await;
    assert!(matches!(answer.results[0].outcome, Outcome::Rejected { .. }), "{answer:?}");
}

#[tokio::test]
async fn only_the_office_moves_models_and_only_proposed_ones_with_consent_go_public() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let hidden = proposed(&server, false).await;
    let uri = format!("/api/models/{hidden}/status");
    let head = server.login("tamduong.giamdoc").await;
    let (status, _) = server.call(Method::PUT, &uri, Some(&head), Some(step("registered", "nurtured", &[]))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (from, to, decisions) in [("registered", "nurtured", vec![]), ("nurtured", "recognised", vec!["3/QĐ"])] {
        let _: Value =
            server.expect(Method::PUT, &uri, Some(&office), Some(step(from, to, &decisions)), StatusCode::OK).await;
    }
    let public: Vec<Value> = server.expect(Method::GET, "/api/public/models", None, None, StatusCode::OK).await;
    assert!(public.is_empty(), "no consent, not public");

    // A draft is the unit's: the office cannot move it; an unknown id or a record of another kind is not a model.
    let staff = server.login("tamduong.lan").await;
    let draft = Uuid::new_v4();
    applied(&server, &staff, &[set(RecordKind::AdvancedModel, draft, 0, json!({"name": "Nháp"}))]).await;
    let (status, _) = server
        .call(
            Method::PUT,
            &format!("/api/models/{draft}/status"),
            Some(&office),
            Some(step("registered", "nurtured", &[])),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .call(
            Method::PUT,
            &format!("/api/models/{}/status", Uuid::new_v4()),
            Some(&office),
            Some(step("registered", "nurtured", &[])),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .call(
            Method::PUT,
            "/api/models/khong-phai-uuid/status",
            Some(&office),
            Some(step("registered", "nurtured", &[])),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) =
        server.call(Method::PUT, &uri, Some(&office), Some(json!({"from": "registered", "to": "bay"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
