//! The emulation cycle over real HTTP and a real SQLite file: the verdict the server stores with a submitted
//! nomination is the one the tablet's panel reached; merged units stay in reach; movements and the rulebook
//! are edited by the right people only and reach tablets as reference data.

mod common;

use axum::http::{Method, StatusCode};
use chrono::Utc;
use common::{server, TestServer, TAM_DUONG};
use domain::api::ReferenceData;
use domain::dossier::{Facts, NominationFacts, RecordView};
use domain::org::lineage;
use domain::rules::{evaluate, Check, Verdict};
use domain::sync::{Op, Outcome, RejectCode};
use domain::workflow::Action;
use domain::WorkflowState;
use domain::{Fields, Mutation, Record, RecordKind};
use serde_json::{json, Value};
use uuid::Uuid;

fn mutation(kind: RecordKind, record_id: Uuid, unit: &str, base_rev: i64, op: Op) -> Mutation {
    Mutation { id: Uuid::new_v4(), record_id, kind, unit_id: unit.into(), base_rev, op, made_at: Utc::now() }
}

fn set(kind: RecordKind, record_id: Uuid, unit: &str, base_rev: i64, fields: Value) -> Mutation {
    let fields: Fields = serde_json::from_value(fields).unwrap();
    mutation(kind, record_id, unit, base_rev, Op::Set { fields })
}

fn submit(record_id: Uuid, unit: &str, base_rev: i64) -> Mutation {
    mutation(RecordKind::Nomination, record_id, unit, base_rev, Op::Transition { action: Action::Submit })
}

/// Every record in the user's scope, as a new tablet of theirs pulls it. (The device that wrote a record
/// already holds it, and its pulls skip it.)
async fn everything(server: &TestServer, login: &str) -> Vec<Record> {
    let fresh_device = server.login(login).await;
    server.pull(&fresh_device, 0, 1000).await.records
}

async fn reference(server: &TestServer, token: &str) -> ReferenceData {
    let (status, body) = server.call(Method::GET, "/api/reference", Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

/// What the tablet's panel shows for `nomination`: the domain's evaluation over the records the tablet pulled
/// and the reference data it cached.
fn panel(records: &[Record], reference: &ReferenceData, nomination: Uuid) -> Verdict {
    let views: Vec<RecordView> = records
        .iter()
        .map(|r| RecordView { id: r.id, deleted: r.deleted, kind: r.kind, unit_id: &r.unit_id, fields: &r.fields })
        .collect();
    let draft = views.iter().find(|v| v.id == nomination).unwrap();
    let facts_of = NominationFacts::from_record(draft).unwrap();
    let units: Vec<String> = lineage(draft.unit_id, &reference.merges).into_iter().collect();
    evaluate(&reference.rulebook, &facts_of, &Facts::gather(views.iter().copied(), &units, &[]))
}

fn stored_verdict(records: &[Record], id: Uuid) -> Verdict {
    let record = records.iter().find(|r| r.id == id).unwrap();
    serde_json::from_value(record.fields["verdict"].clone()).expect("a submitted nomination carries its verdict")
}

fn rejection(outcome: &Outcome) -> (RejectCode, String) {
    match outcome {
        Outcome::Rejected { code, message } => (*code, message.clone()),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn a_submitted_nomination_gets_the_verdict_the_tablet_showed() {
    let server = server().await;
    let staff = server.login("tamduong.lan").await;
    let head = server.login("tamduong.giamdoc").await;
    let (lan, minh) = (Uuid::new_v4(), Uuid::new_v4());
    let (for_lan, for_minh) = (Uuid::new_v4(), Uuid::new_v4());
    let people = [
        set(
            RecordKind::Person,
            lan,
            TAM_DUONG,
            0,
            json!({
                "full_name": "Trần Thị Lan",
                "years": [{"year": 2024, "rating": "xuat_sac"}, {"year": 2025, "rating": "xuat_sac"}],
                "initiatives": [{"number": "05/QĐ", "name": "Bản tin số", "year": 2025, "scope": "co_so"}],
                "awards": [{"year": 2024, "title": "Chiến sĩ thi đua cơ sở"}, {"year": 2025, "title": "CSTĐCS"}]
            }),
        ),
        set(
            RecordKind::Person,
            minh,
            TAM_DUONG,
            0,
            json!({"full_name": "Lê Văn Minh", "years": [{"year": 2025, "rating": "tot"}]}),
        ),
        set(
            RecordKind::Nomination,
            for_lan,
            TAM_DUONG,
            0,
            json!({"year": "2025", "track": "thuong_xuyen", "nominee_kind": "person", "nominee_id": lan.to_string(),
                   "title": "bang-khen-bo-tinh", "summary": "Hai năm liền Chiến sĩ thi đua cơ sở"}),
        ),
        set(
            RecordKind::Nomination,
            for_minh,
            TAM_DUONG,
            0,
            json!({"year": "2025", "nominee_kind": "person", "nominee_id": minh.to_string(), "title": "cstdcs"}),
        ),
    ];
    assert!(server.push(&staff, &people).await.results.iter().all(|r| matches!(r.outcome, Outcome::Applied { .. })));

    // Minh is neither "xuất sắc" nor holds LĐTT: the submission is refused with the reasons, nothing changes.
    let answer = server.push(&head, &[submit(for_minh, TAM_DUONG, 1)]).await;
    let (code, message) = rejection(&answer.results[0].outcome);
    assert_eq!(code, RejectCode::NotAllowed);
    assert!(message.contains("Chưa đạt (hoặc chưa được đề nghị) \"Lao động tiên tiến\" năm 2025"), "{message}");
    assert!(message.contains("cần ghi giải trình"), "{message}");

    // With a justification it goes, and the office sees the failing verdict next to it.
    let justify = set(
        RecordKind::Nomination,
        for_minh,
        TAM_DUONG,
        1,
        json!({"justification": "Anh Minh có thành tích đột xuất trong đợt phòng chống bão số 3"}),
    );
    let answer = server.push(&head, &[justify, submit(for_minh, TAM_DUONG, 2), submit(for_lan, TAM_DUONG, 1)]).await;
    for result in &answer.results {
        assert!(matches!(result.outcome, Outcome::Applied { .. }), "{result:?}");
    }

    let records = everything(&server, "tamduong.lan").await;
    let reference = reference(&server, &staff).await;
    for id in [for_lan, for_minh] {
        let record = records.iter().find(|r| r.id == id).unwrap();
        assert_eq!(record.state, WorkflowState::Submitted);
        assert_eq!(stored_verdict(&records, id), panel(&records, &reference, id), "server and tablet agree");
    }
    assert!(stored_verdict(&records, for_lan).eligible);
    let minh_verdict = stored_verdict(&records, for_minh);
    assert!(!minh_verdict.eligible);
    assert_eq!(minh_verdict.regime, "luat-2022-nd152");
    assert!(minh_verdict.unmet().all(|item| item.article.contains("Điều 23") || item.article.contains("152/2025")));

    // The office reads the same verdict.
    let seen = everything(&server, "vanphong").await;
    assert_eq!(stored_verdict(&seen, for_minh), minh_verdict);
}

#[tokio::test]
async fn tablets_cannot_write_the_verdict_or_malformed_tables() {
    let server = server().await;
    let staff = server.login("tamduong.lan").await;
    let nomination = Uuid::new_v4();
    let forged = set(
        RecordKind::Nomination,
        nomination,
        TAM_DUONG,
        0,
        json!({"verdict": {"eligible": true}, "title": "cstdcs"}),
    );
    let malformed = set(RecordKind::Person, Uuid::new_v4(), TAM_DUONG, 0, json!({"years": [{"year": "ngoái"}]}));
    let incomplete = set(RecordKind::Nomination, Uuid::new_v4(), TAM_DUONG, 0, json!({"title": "cstdcs"}));
    let answer = server.push(&staff, &[forged, malformed, incomplete.clone()]).await;
    assert_eq!(rejection(&answer.results[0].outcome).1, "Trường \"verdict\" do máy chủ ghi, không sửa được");
    assert_eq!(rejection(&answer.results[1].outcome).1, "Trường \"years\" sai định dạng");
    assert!(matches!(answer.results[2].outcome, Outcome::Applied { .. }), "the rest of the batch goes through");

    let head = server.login("tamduong.giamdoc").await;
    let answer = server.push(&head, &[submit(incomplete.record_id, TAM_DUONG, 1)]).await;
    let (code, message) = rejection(&answer.results[0].outcome);
    assert_eq!(code, RejectCode::NotAllowed);
    assert!(message.starts_with("Đề nghị chưa đủ thông tin"), "{message}");

    // A person record has no review step.
    let person = set(RecordKind::Person, Uuid::new_v4(), TAM_DUONG, 0, json!({"full_name": "A"}));
    server.push(&staff, std::slice::from_ref(&person)).await;
    let answer = server
        .push(
            &head,
            &[mutation(RecordKind::Person, person.record_id, TAM_DUONG, 1, Op::Transition { action: Action::Submit })],
        )
        .await;
    assert_eq!(rejection(&answer.results[0].outcome).1, "Hồ sơ cá nhân không có bước gửi, duyệt");
}

/// Lập Thạch's centre was formed in 2020 from two units. Its head reads their records, and a collective
/// nomination counts the Bằng khen and TTLĐXS one of them earned.
#[tokio::test]
async fn a_merged_units_history_stays_in_reach_and_counts() {
    let server = server().await;
    let head = server.login("lapthach.giamdoc").await;
    let reference = reference(&server, &head).await;
    assert_eq!(reference.merges.len(), 1);
    assert_eq!(reference.merges[0].into, "ttvh-lap-thach");

    let old_unit = "tt-van-hoa-lap-thach";
    let profile = domain::model::unit_profile_id(old_unit);
    let history = set(
        RecordKind::UnitProfile,
        profile,
        old_unit,
        0,
        json!({"awards": [{"year": 2018, "title": "Tập thể lao động xuất sắc"},
                          {"year": 2019, "title": "Tập thể lao động xuất sắc"}]}),
    );
    let answer = server.push(&head, &[history]).await;
    assert!(
        matches!(answer.results[0].outcome, Outcome::Applied { .. }),
        "the successor edits its predecessor's history"
    );

    let nomination = Uuid::new_v4();
    let draft = set(
        RecordKind::Nomination,
        nomination,
        "ttvh-lap-thach",
        0,
        json!({"year": "2019", "nominee_kind": "collective", "nominee_id": "ttvh-lap-thach", "title": "bang-khen-bo-tinh"}),
    );
    server.push(&head, &[draft]).await;
    let records = everything(&server, "lapthach.giamdoc").await;
    assert!(records.iter().any(|r| r.id == profile), "the predecessor's record is pulled");
    let verdict = panel(&records, &reference, nomination);
    assert!(verdict.eligible, "{:#?}", verdict.unmet().collect::<Vec<_>>());
    assert_eq!(verdict.regime, "luat-2003");

    // Another centre sees none of it.
    assert!(everything(&server, "tamduong.giamdoc").await.iter().all(|r| r.id != profile));
}

#[tokio::test]
async fn the_office_launches_movements_that_every_tablet_receives() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let staff = server.login("tamduong.lan").await;
    let movement = json!({
        "id": "chuyen-doi-so-2026", "name": "Thi đua chuyển đổi số cơ sở năm 2026", "theme": "Chuyển đổi số",
        "kind": "chuyên đề", "document_number": "12/KH-STTTT", "document_date": "2026-01-15",
        "issuer": "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc", "period_from": "2026-01-01",
        "period_to": "2026-12-31", "fields": ["Ứng dụng công nghệ thông tin"], "goals": "100% xã có trang tin"
    });
    let uri = "/api/movements/chuyen-doi-so-2026";
    let (status, body) = server.call(Method::PUT, uri, Some(&staff), Some(movement.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = server.call(Method::PUT, uri, Some(&office), Some(movement.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let listed = reference(&server, &staff).await.movements;
    let saved = listed.iter().find(|m| m.id == "chuyen-doi-so-2026").expect("tablets receive it");
    assert_eq!((saved.kind.as_str(), saved.goals.as_str()), ("chuyên đề", "100% xã có trang tin"));

    let mut edited = movement.clone();
    edited["goals"] = json!("100% xã có trang tin và bản tin số");
    let (status, _) = server.call(Method::PUT, uri, Some(&office), Some(edited)).await;
    assert_eq!(status, StatusCode::OK);
    let listed = reference(&server, &staff).await.movements;
    assert_eq!(listed.iter().filter(|m| m.id == "chuyen-doi-so-2026").count(), 1, "an edit replaces");

    let mut bad = movement.clone();
    bad["name"] = json!(" ");
    bad["period_to"] = json!("2025-12-31");
    let (status, body) = server.call(Method::PUT, uri, Some(&office), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("Tên phong trào không được để trống") && message.contains("kết thúc trước"), "{message}");
    // Each problem also comes keyed by its field, for the form to point at.
    let at: Vec<&str> = body["problems"].as_array().unwrap().iter().map(|p| p["at"].as_str().unwrap()).collect();
    assert_eq!(at, ["name", "period_to"]);
    let (status, _) = server.call(Method::PUT, "/api/movements/khac", Some(&office), Some(movement)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_admin_edits_the_rulebook_and_verdicts_follow() {
    let server = server().await;
    let admin = server.login("quantri").await;
    let staff = server.login("tamduong.lan").await;
    let head = server.login("tamduong.giamdoc").await;
    let mut book = reference(&server, &staff).await.rulebook;
    assert_eq!(book.version, 1);

    // Four members, two of them LĐTT: 50% is not "more than half" for TTLĐTT.
    let mut batch = Vec::new();
    for (i, ldtt) in [true, true, false, false].into_iter().enumerate() {
        let awards = if ldtt { json!([{"year": 2025, "title": "Lao động tiên tiến"}]) } else { json!([]) };
        let fields =
            json!({"full_name": format!("Người {i}"), "years": [{"year": 2025, "rating": "tot"}], "awards": awards});
        batch.push(set(RecordKind::Person, Uuid::new_v4(), TAM_DUONG, 0, fields));
    }
    let nomination = Uuid::new_v4();
    let fields = json!({"year": "2025", "nominee_kind": "collective", "nominee_id": TAM_DUONG, "title": "ttldtt"});
    batch.push(set(RecordKind::Nomination, nomination, TAM_DUONG, 0, fields));
    server.push(&staff, &batch).await;
    let answer = server.push(&head, &[submit(nomination, TAM_DUONG, 1)]).await;
    assert!(rejection(&answer.results[0].outcome).1.contains("2/4 thành viên (50%)"));

    for rule in book.rules.iter_mut().filter(|r| r.title == "ttldtt") {
        for condition in &mut rule.conditions {
            if let Check::MemberShare { strictly_more, .. } = &mut condition.check {
                *strictly_more = false;
            }
        }
    }
    let body = serde_json::to_value(&book).unwrap();
    let (status, _) = server.call(Method::PUT, "/api/admin/rules", Some(&head), Some(body.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answer) = server.call(Method::PUT, "/api/admin/rules", Some(&admin), Some(body.clone())).await;
    assert_eq!((status, answer["version"].as_i64()), (StatusCode::OK, Some(2)));
    let (status, answer) = server.call(Method::PUT, "/api/admin/rules", Some(&admin), Some(body)).await;
    assert_eq!(status, StatusCode::CONFLICT, "an edit of an older edition does not overwrite: {answer}");

    let mut without_statutory = reference(&server, &staff).await.rulebook;
    assert_eq!(without_statutory.version, 2, "tablets receive the new edition");
    without_statutory.titles.retain(|t| t.code != "giay-khen");
    let body = serde_json::to_value(&without_statutory).unwrap();
    let (status, answer) = server.call(Method::PUT, "/api/admin/rules", Some(&admin), Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["message"].as_str().unwrap().contains("\"Giấy khen\" thuộc danh mục theo luật, không được xóa"));
    assert!(answer["problems"].as_array().unwrap().iter().any(|p| p["at"] == "titles"), "{answer}");

    let answer = server.push(&head, &[submit(nomination, TAM_DUONG, 1)]).await;
    assert!(matches!(answer.results[0].outcome, Outcome::Applied { .. }), "{:?}", answer.results[0]);
    let verdict = stored_verdict(&everything(&server, "tamduong.lan").await, nomination);
    assert!(verdict.eligible);
    assert_eq!(verdict.rulebook_version, 2);
}

/// A database whose rulebook was saved before the office's rules were data gets the shipped ones on start, as one
/// new edition; a list an admin emptied on purpose stays empty, and a restart adds nothing more.
#[tokio::test]
async fn a_rulebook_older_than_the_office_rules_gets_them_once() {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = common::open_db(dir.path()).await;
    db.close().await;
    let latest = || async {
        let pool = common::any_pool(&url).await;
        let (version, body): (i64, String) =
            sqlx::query_as("select version, body from rulebooks order by version desc limit 1")
                .fetch_one(&pool)
                .await
                .unwrap();
        pool.close().await;
        (version, serde_json::from_str::<Value>(&body).unwrap())
    };
    let (version, mut old) = latest().await;
    for key in [
        "base_salaries",
        "cash_awards",
        "cash_rounding",
        "publication",
        "holidays",
        "dossier_documents",
        "report_windows",
        "forms",
    ] {
        old.as_object_mut().unwrap().remove(key);
    }
    old["version"] = json!(version + 1);
    let pool = common::any_pool(&url).await;
    sqlx::query("insert into rulebooks (version, body, updated_at) values ($1, $2, '2025-01-01T00:00:00.000Z')")
        .bind(version + 1)
        .bind(old.to_string())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    common::reopen(&url, &dir.path().join("thidua.files")).await.close().await;
    let (given, book) = latest().await;
    assert_eq!(given, version + 2, "one new edition");
    assert_eq!(book["dossier_documents"].as_array().map(Vec::len), Some(4));
    assert_eq!(book["report_windows"].as_array().map(Vec::len), Some(4));
    assert!(book["forms"].as_array().is_some_and(|f| f.len() >= 7));
    assert_eq!(book["publication"]["working_days"], 10);
    assert!(book["base_salaries"].as_array().is_some_and(|b| !b.is_empty()));

    // An admin empties the checklist on purpose: a restart keeps it empty and adds no edition.
    let mut emptied = book.clone();
    emptied["dossier_documents"] = json!([]);
    emptied["version"] = json!(given + 1);
    let pool = common::any_pool(&url).await;
    sqlx::query("insert into rulebooks (version, body, updated_at) values ($1, $2, '2026-12-01T00:00:00.000Z')")
        .bind(given + 1)
        .bind(emptied.to_string())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    common::reopen(&url, &dir.path().join("thidua.files")).await.close().await;
    let (after, book) = latest().await;
    assert_eq!((after, book["dossier_documents"].clone()), (given + 1, json!([])));
}
