//! The real router over a real SQLite file in a temporary folder, driven with `oneshot`.

mod common;

use domain::api::ReferenceData;

use axum::http::{Method, StatusCode};
use common::{push_body, server, set, TAM_DUONG};
use domain::sync::{RejectCode, MAX_PUSH_MUTATIONS};
use domain::{Mutation, Op, Outcome, PROTOCOL_VERSION};
use serde_json::{json, Value};
use uuid::Uuid;

#[tokio::test]
async fn health_and_readiness_say_the_protocol_backend_and_migration() {
    let s = server().await;
    let backend = if common::postgres().is_some() { "postgres" } else { "sqlite" };
    let folder = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
    let migrations = std::fs::read_dir(folder).unwrap().count();
    let (status, body) = s.call(Method::GET, "/api/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"status": "ok", "protocol": PROTOCOL_VERSION, "backend": backend, "migration": migrations})
    );
    let (status, body) = s.call(Method::GET, "/api/ready", None, None).await;
    assert_eq!((status, &body["status"], &body["migration"]), (StatusCode::OK, &json!("ready"), &json!(migrations)));
    if backend == "postgres" {
        // Other instances' writes are no reason to be unready (SQLite's lock held by another process is).
        let pool = s.pool().await;
        let mut holder = pool.acquire().await.unwrap();
        sqlx::query("begin").execute(&mut *holder).await.unwrap();
        let lock = sqlx::query("select pg_advisory_xact_lock($1)").bind(server::db::WRITE_LOCK);
        lock.execute(&mut *holder).await.unwrap();
        assert_eq!(s.call(Method::GET, "/api/ready", None, None).await.0, StatusCode::OK);
        sqlx::query("rollback").execute(&mut *holder).await.unwrap();
        return;
    }

    // Another process holding SQLite's write lock: not ready, at once, and ready again once it lets go.
    let pool = s.pool().await;
    let mut holder = pool.acquire().await.unwrap();
    sqlx::query("begin immediate").execute(&mut *holder).await.unwrap();
    // Asked again and again: the server's writer, just given back by the call before, is not taken as busy with
    // pushes (its return to the pool is asynchronous).
    for _ in 0..20 {
        let (status, body) = s.call(Method::GET, "/api/ready", None, None).await;
        assert_eq!((status, &body["status"]), (StatusCode::SERVICE_UNAVAILABLE, &json!("busy")));
    }
    sqlx::query("rollback").execute(&mut *holder).await.unwrap();
    drop(holder);
    pool.close().await;
    assert_eq!(s.call(Method::GET, "/api/ready", None, None).await.0, StatusCode::OK);
}

#[tokio::test]
async fn login_returns_profile_and_refuses_wrong_password() {
    let s = server().await;
    let body = json!({"login": "tamduong.lan", "password": common::world::PASSWORD, "device_id": Uuid::new_v4()});
    let (status, ok) = s.call(Method::POST, "/api/auth/login", None, Some(body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ok["user"]["full_name"], "Trần Thị Lan");
    assert_eq!(ok["user"]["unit_id"], TAM_DUONG);
    assert_eq!(ok["user"]["role"], "staff");

    let wrong = json!({"login": "tamduong.lan", "password": "sai", "device_id": Uuid::new_v4()});
    let (status, err) = s.call(Method::POST, "/api/auth/login", None, Some(wrong)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(err["code"], "bad_credentials");
    assert_eq!(err["message"], "Tên đăng nhập hoặc mật khẩu không đúng.");

    let unknown = json!({"login": "khong.co", "password": "x", "device_id": Uuid::new_v4()});
    assert_eq!(s.call(Method::POST, "/api/auth/login", None, Some(unknown)).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unauthenticated_requests_are_refused() {
    let s = server().await;
    let record = Uuid::new_v4();
    let body = push_body(&[set(record, TAM_DUONG, 0, &[("summary", "x")])]);
    for token in [None, Some("not-a-real-token")] {
        let (status, err) = s.call(Method::POST, "/api/sync/push", token, Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(err["code"], "unauthorized");
        assert_eq!(s.call(Method::GET, "/api/sync/pull", token, None).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(s.call(Method::GET, "/api/reference", token, None).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(s.count("records").await, 0);
}

#[tokio::test]
async fn push_stores_and_another_device_of_the_unit_pulls_it() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let minh = s.login("tamduong.minh").await;
    let hoa = s.login("lapthach.hoa").await;
    let record = domain::model::self_assessment_id(TAM_DUONG, "2026-Q4");

    let answer = s.push(&lan, &[set(record, TAM_DUONG, 0, &[("summary", "Tổ chức 12 buổi tuyên truyền")])]).await;
    assert_eq!(answer.results[0].outcome, Outcome::Applied { rev: 1 });

    let pulled = s.pull(&minh, 0, 100).await;
    assert_eq!(pulled.records.len(), 1);
    assert_eq!(pulled.records[0].id, record);
    assert_eq!(pulled.records[0].rev, 1);
    assert_eq!(pulled.records[0].fields["summary"], "Tổ chức 12 buổi tuyên truyền");
    assert_eq!(pulled.records[0].updated_by, "tamduong.lan");

    assert!(s.pull(&hoa, 0, 100).await.records.is_empty(), "another unit sees nothing");
    assert_eq!(s.count("audit_log").await, 1);
}

#[tokio::test]
async fn replaying_a_batch_gives_the_same_answers_and_no_duplicates() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let a = Uuid::new_v4();
    let batch = vec![
        set(a, TAM_DUONG, 0, &[("summary", "lần 1")]),
        set(Uuid::new_v4(), TAM_DUONG, 0, &[("summary", "hồ sơ khác")]),
        set(a, TAM_DUONG, 1, &[("achievements", "mô hình mới")]),
    ];
    let first = s.push(&lan, &batch).await;
    let counts = (s.count("records").await, s.count("record_fields").await, s.count("audit_log").await);
    assert_eq!(counts, (2, 3, 3));

    for _ in 0..3 {
        let again = s.push(&lan, &batch).await;
        assert_eq!(again, first);
    }
    let counts_after = (s.count("records").await, s.count("record_fields").await, s.count("audit_log").await);
    assert_eq!(counts_after, counts);
    assert_eq!(s.count("mutations").await, 3);
    let other_tablet = s.login("tamduong.lan").await;
    let record_rev = s.pull(&other_tablet, 0, 10).await.records.into_iter().find(|r| r.id == a).unwrap().rev;
    assert_eq!(record_rev, 2);
}

#[tokio::test]
async fn a_mutation_sent_twice_in_one_batch_is_applied_once() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let record = Uuid::new_v4();
    let m = set(record, TAM_DUONG, 0, &[("summary", "một lần"), ("achievements", "mô hình")]);
    let other = set(Uuid::new_v4(), TAM_DUONG, 0, &[("summary", "hồ sơ khác")]);
    let answer = s.push(&lan, &[m.clone(), other, m.clone()]).await;
    assert_eq!(answer.results[0].outcome, Outcome::Applied { rev: 1 });
    assert_eq!(answer.results[2], answer.results[0], "the second copy is a replay of the first");
    let counts = (
        s.count("records").await,
        s.count("record_fields").await,
        s.count("audit_log").await,
        s.count("mutations").await,
    );
    assert_eq!(counts, (2, 3, 2, 2));
    // The record keeps its fields and its place in the change sequence, once.
    let pulled = s.pull(&s.login("tamduong.minh").await, 0, 10).await;
    let stored = pulled.records.iter().find(|r| r.id == record).unwrap();
    assert_eq!((stored.rev, stored.fields["summary"].as_str()), (1, Some("một lần")));
    assert_eq!(stored.fields["achievements"], "mô hình");
}

#[tokio::test]
async fn a_mutation_id_replayed_by_another_user_gets_no_answer_of_theirs() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let minh = s.login("tamduong.minh").await;
    let m = set(Uuid::new_v4(), TAM_DUONG, 0, &[("summary", "x")]);
    s.push(&lan, std::slice::from_ref(&m)).await;
    let stolen = s.push(&minh, &[m]).await;
    assert!(matches!(stolen.results[0].outcome, Outcome::Rejected { .. }));
}

#[tokio::test]
async fn pull_paginates_with_its_cursor() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let minh = s.login("tamduong.minh").await;
    let ids: Vec<Uuid> = (0..5).map(|_| Uuid::new_v4()).collect();
    let batch: Vec<Mutation> = ids.iter().map(|id| set(*id, TAM_DUONG, 0, &[("summary", "x")])).collect();
    s.push(&lan, &batch).await;

    let mut cursor = 0;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = s.pull(&minh, cursor, 2).await;
        pages += 1;
        assert!(page.records.len() <= 2);
        assert!(page.next_cursor > cursor || page.records.is_empty());
        seen.extend(page.records.iter().map(|r| r.id));
        cursor = page.next_cursor;
        if !page.has_more {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids, "every record once, in change order");

    // A record changed again moves to the end of the sequence and is pulled again from the old cursor.
    s.push(&lan, &[set(ids[0], TAM_DUONG, 1, &[("summary", "y")])]).await;
    let page = s.pull(&minh, cursor, 10).await;
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].id, ids[0]);
    assert_eq!(page.records[0].fields["summary"], "y");
    assert!(s.pull(&minh, page.next_cursor, 10).await.records.is_empty());
}

#[tokio::test]
async fn a_tablet_does_not_pull_back_its_own_clean_edits() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let minh = s.login("tamduong.minh").await;
    let (mine, shared) = (Uuid::new_v4(), Uuid::new_v4());
    s.push(&lan, &[set(mine, TAM_DUONG, 0, &[("summary", "chỉ Lan sửa")])]).await;
    s.push(&lan, &[set(shared, TAM_DUONG, 0, &[("summary", "Lan viết")])]).await;
    s.push(&minh, &[set(shared, TAM_DUONG, 1, &[("achievements", "Minh thêm")])]).await;

    let page = s.pull(&lan, 0, 100).await;
    let ids: Vec<Uuid> = page.records.iter().map(|r| r.id).collect();
    assert_eq!(ids, [shared], "Lan already holds her own record as stored; Minh's change comes down");
    assert!(page.next_cursor >= 3, "the cursor moves past the skipped record");
    let minh_pulls: Vec<Uuid> = s.pull(&minh, 0, 100).await.records.iter().map(|r| r.id).collect();
    assert_eq!(minh_pulls, [mine], "and Minh, whose edit of the shared record was clean, gets only Lan's");
}

#[tokio::test]
async fn a_tablet_never_conflicts_with_its_own_earlier_write() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let record = Uuid::new_v4();
    s.push(&lan, &[set(record, TAM_DUONG, 0, &[("summary", "bản 1")])]).await;
    // Typed on while the first push was in flight, so based on rev 0 as well.
    let answer = s.push(&lan, &[set(record, TAM_DUONG, 0, &[("summary", "bản 1, viết tiếp")])]).await;
    assert_eq!(answer.results[0].outcome, Outcome::Merged { rev: 2 });
    assert_eq!(s.count("conflicts").await, 0);
}

#[tokio::test]
async fn different_fields_merge_and_the_same_field_conflicts() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let minh = s.login("tamduong.minh").await;
    let record = Uuid::new_v4();
    s.push(&lan, &[set(record, TAM_DUONG, 0, &[("summary", "gốc")])]).await;

    // Both tablets are at rev 1.
    let r1 = s.push(&lan, &[set(record, TAM_DUONG, 1, &[("summary", "bản của Lan")])]).await;
    assert_eq!(r1.results[0].outcome, Outcome::Applied { rev: 2 });
    let r2 = s.push(&minh, &[set(record, TAM_DUONG, 1, &[("achievements", "bản của Minh")])]).await;
    assert_eq!(r2.results[0].outcome, Outcome::Merged { rev: 3 });
    let r3 = s.push(&minh, &[set(record, TAM_DUONG, 1, &[("summary", "Minh sửa tóm tắt")])]).await;
    let Outcome::Conflict { conflicts, .. } = &r3.results[0].outcome else { panic!("{r3:?}") };
    assert_eq!(conflicts[0].server_value, json!("bản của Lan"));
    assert_eq!(conflicts[0].client_value, json!("Minh sửa tóm tắt"));

    let record = &s.pull(&lan, 0, 10).await.records[0];
    assert_eq!(record.fields["summary"], "bản của Lan");
    assert_eq!(record.fields["achievements"], "bản của Minh");
    assert_eq!(s.count("conflicts").await, 1, "the losing value is kept on the server");
}

#[tokio::test]
async fn one_bad_item_does_not_block_the_batch() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let batch = vec![
        set(Uuid::new_v4(), TAM_DUONG, 0, &[("summary", "tốt")]),
        set(Uuid::new_v4(), "ttvh-lap-thach", 0, &[("summary", "đơn vị khác")]),
        set(Uuid::new_v4(), TAM_DUONG, 0, &[("unknown_field", "x")]),
        set(Uuid::new_v4(), TAM_DUONG, 0, &[("summary", "cũng tốt")]),
    ];
    let answer = s.push(&lan, &batch).await;
    let statuses: Vec<Value> =
        answer.results.iter().map(|r| serde_json::to_value(&r.outcome).unwrap()["status"].clone()).collect();
    assert_eq!(statuses, [json!("applied"), json!("rejected"), json!("rejected"), json!("applied")]);
    let Outcome::Rejected { message, .. } = &answer.results[1].outcome else { unreachable!() };
    assert_eq!(message, "Bạn không có quyền sửa hồ sơ của đơn vị này");
    assert_eq!(s.count("records").await, 2);
}

#[tokio::test]
async fn bad_input_gets_clear_errors_and_changes_nothing() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let push = "/api/sync/push";

    let (status, err) = s.raw(Method::POST, push, Some(&lan), Some(b"{not json".to_vec()), "application/json").await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_json")));

    let wrong_type = json!({"protocol": "một", "device_id": Uuid::new_v4(), "mutations": []});
    let (status, err) = s.call(Method::POST, push, Some(&lan), Some(wrong_type)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["message"].as_str().unwrap().starts_with("Dữ liệu không đúng cấu trúc"), "{err}");

    let bad_uuid = json!({"protocol": PROTOCOL_VERSION, "device_id": "abc", "mutations": []});
    assert_eq!(s.call(Method::POST, push, Some(&lan), Some(bad_uuid)).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, _) = s.raw(Method::POST, push, Some(&lan), Some(b"{}".to_vec()), "text/plain").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let huge = vec![b' '; domain::sync::MAX_PUSH_BYTES + 1];
    let (status, err) = s.raw(Method::POST, push, Some(&lan), Some(huge), "application/json").await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));

    let many: Vec<Mutation> =
        (0..=MAX_PUSH_MUTATIONS).map(|_| set(Uuid::new_v4(), TAM_DUONG, 0, &[("summary", "x")])).collect();
    let (status, err) = s.call(Method::POST, push, Some(&lan), Some(push_body(&many))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("too_many_mutations")));

    let outdated = json!({"protocol": PROTOCOL_VERSION + 1, "device_id": Uuid::new_v4(), "mutations": []});
    let (status, err) = s.call(Method::POST, push, Some(&lan), Some(outdated)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("outdated_client")));

    let (status, _) = s.call(Method::GET, "/api/sync/pull?cursor=-1", Some(&lan), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = s.call(Method::GET, "/api/sync/pull?cursor=abc", Some(&lan), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, err) = s.call(Method::GET, "/api/no-such-thing", Some(&lan), None).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    assert_eq!(s.count("records").await, 0);
    assert_eq!(s.count("mutations").await, 0);
}

#[tokio::test]
async fn reference_data_carries_the_2022_movement_and_the_unit_chain() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let body: ReferenceData = s.expect(Method::GET, "/api/reference", Some(&lan), None, StatusCode::OK).await;
    let movement = &body.movements[0];
    assert_eq!(movement.document_number, "103/CT-BTTTT");
    assert_eq!(movement.document_date.to_string(), "2021-12-13");
    assert_eq!(movement.fields.len(), 7);
    let units: Vec<&str> = body.units.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(units, [common::world::DEPARTMENT, TAM_DUONG]);
}

#[tokio::test]
async fn a_unit_cannot_take_another_units_report_id() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let hoa = s.login("lapthach.hoa").await;
    let theirs = domain::model::self_assessment_id("ttvh-lap-thach", "2026-Q4");
    let squat = s.push(&lan, &[set(theirs, TAM_DUONG, 0, &[("summary", "chiếm chỗ")])]).await;
    assert!(matches!(squat.results[0].outcome, Outcome::Rejected { .. }), "{squat:?}");
    let own = s.push(&hoa, &[set(theirs, "ttvh-lap-thach", 0, &[("summary", "báo cáo của Lập Thạch")])]).await;
    assert_eq!(own.results[0].outcome, Outcome::Applied { rev: 1 });
}

/// Whether another unit has started its quarterly report is not anyone else's to learn: the answer to a push at
/// its derived id is the same before and after that unit wrote it, at every base revision.
#[tokio::test]
async fn another_units_report_id_answers_the_same_whether_it_exists_or_not() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let hoa = s.login("lapthach.hoa").await;
    let theirs = domain::model::self_assessment_id("ttvh-lap-thach", "2026-Q3");
    let probe = |base_rev| set(theirs, TAM_DUONG, base_rev, &[("summary", "dò thử")]);
    let before: Vec<Outcome> =
        s.push(&lan, &[probe(0), probe(1)]).await.results.into_iter().map(|r| r.outcome).collect();
    s.push(&hoa, &[set(theirs, "ttvh-lap-thach", 0, &[("summary", "báo cáo của Lập Thạch")])]).await;
    let after: Vec<Outcome> =
        s.push(&lan, &[probe(0), probe(1)]).await.results.into_iter().map(|r| r.outcome).collect();
    assert!(matches!(before[0], Outcome::Rejected { code: RejectCode::Forbidden, .. }), "{before:?}");
    assert_eq!(before, after);
    assert_eq!(before[0], before[1]);
}

/// A's delete and B's edit cross; B keeps their edit when settling the conflict. The record comes back, with
/// B's value, for everyone (and the audit log says so).
#[tokio::test]
async fn settling_an_edit_made_against_a_delete_brings_the_record_back() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let minh = s.login("tamduong.minh").await;
    let record = Uuid::new_v4();
    s.push(&lan, &[set(record, TAM_DUONG, 0, &[("summary", "gốc"), ("achievements", "thành tích")])]).await;
    let delete = Mutation { op: Op::Delete, ..set(record, TAM_DUONG, 1, &[]) };
    assert_eq!(s.push(&lan, &[delete]).await.results[0].outcome, Outcome::Applied { rev: 2 });

    let late = s.push(&minh, &[set(record, TAM_DUONG, 1, &[("summary", "Minh sửa")])]).await;
    let Outcome::Conflict { rev, .. } = late.results[0].outcome else { panic!("{late:?}") };
    let tomb = &s.pull(&minh, 0, 10).await.records[0];
    assert!(tomb.deleted && tomb.fields.is_empty());
    let conflict = tomb.conflicts[0].id;
    let resolve = Mutation {
        op: Op::Resolve { field: "summary".into(), value: json!("Minh giữ bản này"), conflicts: vec![conflict] },
        ..set(record, TAM_DUONG, rev, &[])
    };
    let settled = s.push(&minh, &[resolve]).await;
    assert!(matches!(settled.results[0].outcome, Outcome::Merged { .. }), "{settled:?}");

    for token in [&lan, &minh] {
        let back = &s.pull(token, 0, 10).await.records[0];
        assert!(!back.deleted, "the settled record is still deleted: {back:?}");
        assert_eq!(back.fields["summary"], "Minh giữ bản này");
        assert_eq!(back.fields["achievements"], "thành tích", "the record comes back whole");
        assert!(back.conflicts.is_empty());
    }
    let history = s.history(&s.login("vanphong").await, record).await;
    let actions: Vec<&str> = history.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["set", "delete", "set", "resolve"]);
    assert_eq!(history[1]["changes"]["deleted"], true);
    assert_eq!(history[3]["changes"]["restored"], true);
}

/// Pushes that arrive at once are written together (group commit): each gets its own answers, all are stored
/// and audited once, and a batch that fails in storage fails alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_at_once_are_each_answered_and_one_failing_in_storage_fails_alone() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    // A record whose stored field cannot be read: any push touching it fails in storage.
    let broken = Uuid::new_v4();
    s.push(&lan, &[set(broken, TAM_DUONG, 0, &[("summary", "sẽ hỏng")])]).await;
    let pool = s.pool().await;
    sqlx::query("update record_fields set value = 'not json' where record_id = $1")
        .bind(broken.to_string())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let mut running = tokio::task::JoinSet::new();
    let records: Vec<Uuid> = (0..30).map(|_| Uuid::new_v4()).collect();
    for (i, record) in records.iter().enumerate() {
        let mutations = vec![set(*record, TAM_DUONG, 0, &[("summary", &format!("bản {i}"))])];
        let request = common::request(Method::POST, "/api/sync/push", Some(&lan), Some(push_body(&mutations)), None);
        let router = s.router.clone();
        running.spawn(async move { (Some(i), common::send(&router, request).await) });
    }
    let bad = vec![set(broken, TAM_DUONG, 1, &[("achievements", "x")])];
    let request = common::request(Method::POST, "/api/sync/push", Some(&lan), Some(push_body(&bad)), None);
    let router = s.router.clone();
    running.spawn(async move { (None, common::send(&router, request).await) });

    for (i, (status, _, body)) in running.join_all().await {
        match i {
            Some(_) => {
                assert_eq!(status, StatusCode::OK, "{body}");
                assert_eq!(body["results"][0]["status"], "applied", "{body}");
            }
            None => assert_eq!((status, body["code"].as_str()), (StatusCode::INTERNAL_SERVER_ERROR, Some("internal"))),
        }
    }
    let pool = s.pool().await;
    for (i, record) in records.iter().enumerate() {
        let stored: String =
            sqlx::query_scalar("select value from record_fields where record_id = $1 and name = 'summary'")
                .bind(record.to_string())
                .fetch_one(&pool)
                .await
                .expect("every batch is stored");
        assert_eq!(stored, json!(format!("bản {i}")).to_string());
    }
    pool.close().await;
    assert_eq!(s.count("audit_log").await, 31, "one audit row per applied mutation");
}

/// Tablets gzip their pushes. The server inflates them up to the body limit and no further; a body that does not
/// inflate, or an encoding it does not speak, is refused with a clear error and stores nothing.
#[tokio::test]
async fn a_gzipped_push_is_taken_and_a_bad_one_refused() {
    use std::io::Write;

    use axum::body::Body;
    use axum::http::{header, Request};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    };
    let send = |body: Vec<u8>, encoding: &'static str| {
        let request = Request::post("/api/sync/push")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_ENCODING, encoding)
            .header(header::AUTHORIZATION, format!("Bearer {lan}"))
            .body(Body::from(body))
            .unwrap();
        let router = s.router.clone();
        async move {
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
        }
    };

    let record = Uuid::new_v4();
    let text = "Tổ chức 12 buổi chiếu phim lưu động tại xã Hợp Hòa. ".repeat(40);
    let body = push_body(&[set(record, TAM_DUONG, 0, &[("summary", &text)])]).to_string();
    let compressed = gzip(body.as_bytes());
    assert!(compressed.len() * 5 < body.len(), "{} → {} bytes", body.len(), compressed.len());
    let (status, answer) = send(compressed, "gzip").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["status"], "applied");
    // A colleague's pull: the writer's own clean edits are not sent back to it.
    let minh = s.login("tamduong.minh").await;
    let pulled = s.pull(&minh, 0, 500).await;
    let stored = pulled.records.iter().find(|r| r.id == record).expect("the record is stored");
    assert_eq!(stored.fields["summary"], json!(text));

    let before = s.count("records").await;
    // A body that inflates past the limit: 1.5 MB of spaces gzip into about 1.5 KB.
    let bomb = gzip(&vec![b' '; domain::sync::MAX_PUSH_BYTES + 1]);
    assert!(bomb.len() < 10_000);
    let (status, err) = send(bomb, "gzip").await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));
    let (status, err) = send(b"not gzip at all".to_vec(), "gzip").await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_encoding")));
    let (status, err) = send(body.into_bytes(), "br").await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_encoding")));
    assert_eq!(s.count("records").await, before, "nothing refused is stored");
}
