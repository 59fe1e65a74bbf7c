//! Who may do what, where: every role × action × a record (quarterly report, registration, nomination) inside or
//! outside the role's scope, against the real router; and the account endpoints (sign-out, password change, rate limits, accounts made by an admin).

mod common;

use axum::http::{Method, StatusCode};
use chrono::Utc;
use common::world::{PASSWORD, VIET_TRI};
use common::{server, set, TestServer};
use domain::workflow::Action;
use domain::{Mutation, Op, Outcome, RecordKind};
use serde_json::json;
use uuid::Uuid;

const TAM_DUONG: &str = "ttvh-tam-duong";
const LAP_THACH: &str = "ttvh-lap-thach";

/// The tests' world, plus a second department, so the roles that stop at Vĩnh Phúc have an outside.
async fn world() -> TestServer {
    let s = server().await;
    common::world::seed_outside(&s.db).await;
    s
}

/// The staff account that writes drafts in each unit.
fn author_of(unit: &str) -> &'static str {
    match unit {
        TAM_DUONG => "tamduong.lan",
        LAP_THACH => "lapthach.hoa",
        _ => "viettri.nam",
    }
}

/// A unit head of each unit, to submit.
fn head_of(unit: &str) -> &'static str {
    match unit {
        TAM_DUONG => "tamduong.giamdoc",
        LAP_THACH => "lapthach.giamdoc",
        _ => "viettri.giamdoc",
    }
}

/// A record kind, the content its unit's people write, and a field to edit later.
type Reviewed = (RecordKind, &'static [(&'static str, &'static str)], &'static str);

/// The kinds that go through review, each with content its unit's people write and a field to edit later. The
/// nomination fails the rules (its nominee has no record) but carries a justification, so it may be submitted.
const REVIEWED: [Reviewed; 3] = [
    (RecordKind::SelfAssessment, &[("summary", "Báo cáo quý")], "achievements"),
    (RecordKind::Registration, &[("year", "2026"), ("unit_title", "ttldxs")], "movement_id"),
    (
        RecordKind::Nomination,
        &[("year", "2025"), ("nominee_id", "ai-do"), ("title", "giay-khen"), ("justification", "Đột xuất")],
        "summary",
    ),
];

fn of_kind(kind: RecordKind, mut mutation: Mutation) -> Mutation {
    mutation.kind = kind;
    mutation
}

/// A fresh record of `kind` in `unit`, written by its staff, and submitted by its head if asked.
async fn record_in(s: &TestServer, kind: RecordKind, unit: &str, submitted: bool) -> Uuid {
    let id = Uuid::new_v4();
    let author = s.login(author_of(unit)).await;
    let content = REVIEWED.iter().find(|(k, _, _)| *k == kind).map_or(&[][..], |(_, content, _)| *content);
    let answer = s.push(&author, &[of_kind(kind, set(id, unit, 0, content))]).await;
    assert_eq!(answer.results[0].outcome, Outcome::Applied { rev: 1 });
    if submitted {
        let head = s.login(head_of(unit)).await;
        let answer = s.push(&head, &[transition(kind, id, unit, 1, Action::Submit)]).await;
        assert_eq!(answer.results[0].outcome, Outcome::Applied { rev: 2 }, "{unit}");
    }
    id
}

fn transition(kind: RecordKind, record_id: Uuid, unit: &str, base_rev: i64, action: Action) -> Mutation {
    Mutation {
        id: Uuid::new_v4(),
        record_id,
        kind,
        unit_id: unit.into(),
        base_rev,
        op: Op::Transition { action },
        made_at: Utc::now(),
    }
}

#[derive(Clone, Copy, Debug)]
enum Act {
    Edit,
    See,
    Submit,
    Return,
    Approve,
    History,
    CreateUser,
}

/// Tries `act` as `login` on a record of `kind` in `unit`; true if it was allowed.
async fn attempt(s: &TestServer, login: &str, act: Act, kind: RecordKind, unit: &str) -> bool {
    let token = s.login(login).await;
    let applied = |outcome: &Outcome| matches!(outcome, Outcome::Applied { .. } | Outcome::Merged { .. });
    match act {
        Act::Edit => {
            let id = record_in(s, kind, unit, false).await;
            let field = REVIEWED.iter().find(|(k, _, _)| *k == kind).map_or("summary", |(_, _, field)| *field);
            let answer = s.push(&token, &[of_kind(kind, set(id, unit, 1, &[(field, "sửa thử")]))]).await;
            applied(&answer.results[0].outcome)
        }
        Act::See => {
            let id = record_in(s, kind, unit, false).await;
            let mut cursor = 0;
            loop {
                let page = s.pull(&token, cursor, 1000).await;
                if page.records.iter().any(|r| r.id == id) {
                    return true;
                }
                if !page.has_more {
                    return false;
                }
                cursor = page.next_cursor;
            }
        }
        Act::Submit => {
            let id = record_in(s, kind, unit, false).await;
            let answer = s.push(&token, &[transition(kind, id, unit, 1, Action::Submit)]).await;
            applied(&answer.results[0].outcome)
        }
        Act::Return | Act::Approve => {
            let id = record_in(s, kind, unit, true).await;
            let action = match act {
                Act::Return => Action::Return { reason: "Thiếu số liệu".into() },
                _ => Action::Approve,
            };
            let answer = s.push(&token, &[transition(kind, id, unit, 2, action)]).await;
            applied(&answer.results[0].outcome)
        }
        Act::History => {
            let id = record_in(s, kind, unit, false).await;
            let (status, _) = s.call(Method::GET, &format!("/api/records/{id}/history"), Some(&token), None).await;
            status == StatusCode::OK
        }
        Act::CreateUser => {
            let login = format!("moi.{}", &Uuid::new_v4().simple().to_string()[..8]);
            let body = json!({"login": login, "full_name": "Người mới", "role": "staff", "unit_id": unit,
                "password": "matkhau-moi-2026"});
            let (status, _) = s.call(Method::POST, "/api/admin/users", Some(&token), Some(body)).await;
            status == StatusCode::CREATED
        }
    }
}

#[tokio::test]
async fn every_role_action_and_scope() {
    let s = world().await;
    // (role's account, a unit in its scope, a unit outside it)
    let roles = [
        ("tamduong.lan", TAM_DUONG, LAP_THACH),
        ("tamduong.giamdoc", TAM_DUONG, LAP_THACH),
        ("vanphong", TAM_DUONG, VIET_TRI),
        ("hoidong.thu", TAM_DUONG, VIET_TRI),
        ("quantri", TAM_DUONG, VIET_TRI),
    ];
    // What each role may do inside its scope; outside it, nothing is allowed.
    let allowed_inside: [(&str, &[Act]); 5] = [
        ("tamduong.lan", &[Act::Edit, Act::See]),
        ("tamduong.giamdoc", &[Act::Edit, Act::See, Act::Submit, Act::History]),
        ("vanphong", &[Act::See, Act::Return, Act::Approve, Act::History]),
        ("hoidong.thu", &[Act::See]),
        ("quantri", &[Act::See, Act::History, Act::CreateUser]),
    ];
    let acts = [Act::Edit, Act::See, Act::Submit, Act::Return, Act::Approve, Act::History, Act::CreateUser];
    let mut cases = 0;
    let mut wrong = Vec::new();
    for (kind, _, _) in REVIEWED {
        for (login, inside, outside) in roles {
            let allowed = allowed_inside.iter().find(|(l, _)| *l == login).map(|(_, a)| *a).unwrap();
            for act in acts {
                // Accounts are not records: one round of them is enough.
                if matches!(act, Act::CreateUser) && kind != RecordKind::SelfAssessment {
                    continue;
                }
                for (unit, in_scope) in [(inside, true), (outside, false)] {
                    let expected =
                        in_scope && allowed.iter().any(|a| std::mem::discriminant(a) == std::mem::discriminant(&act));
                    let got = attempt(&s, login, act, kind, unit).await;
                    cases += 1;
                    if got != expected {
                        wrong.push(format!("{kind:?}: {login} {act:?} in {unit}: expected {expected}, got {got}"));
                    }
                }
            }
        }
    }
    assert_eq!(cases, 70 + 2 * 60);
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let s = server().await;
    let token = s.login("tamduong.lan").await;
    assert_eq!(s.call(Method::POST, "/api/auth/logout", Some(&token), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(s.call(Method::GET, "/api/me", Some(&token), None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let s = server().await;
    let here = s.login("tamduong.lan").await;
    let stolen_tablet = s.login("tamduong.lan").await;
    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});

    let (status, body) =
        s.call(Method::POST, "/api/auth/password", Some(&here), Some(change("sai", "mot-mat-khau-moi"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_credentials")));
    let (status, body) =
        s.call(Method::POST, "/api/auth/password", Some(&here), Some(change(common::world::PASSWORD, "ngan"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["message"], "Mật khẩu cần ít nhất 8 ký tự.");

    let good = change(common::world::PASSWORD, "Tam-Duong-quy-IV");
    assert_eq!(s.call(Method::POST, "/api/auth/password", Some(&here), Some(good)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(s.call(Method::GET, "/api/me", Some(&here), None).await.0, StatusCode::OK, "this session stays");
    assert_eq!(s.call(Method::GET, "/api/me", Some(&stolen_tablet), None).await.0, StatusCode::UNAUTHORIZED);
    let old = json!({"login": "tamduong.lan", "password": common::world::PASSWORD, "device_id": Uuid::new_v4()});
    assert_eq!(s.call(Method::POST, "/api/auth/login", None, Some(old)).await.0, StatusCode::UNAUTHORIZED);
    let new = json!({"login": "tamduong.lan", "password": "Tam-Duong-quy-IV", "device_id": Uuid::new_v4()});
    assert_eq!(s.call(Method::POST, "/api/auth/login", None, Some(new)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_a_while() {
    let s = server().await;
    let attempt =
        |login: &str, password: &str| json!({"login": login, "password": password, "device_id": Uuid::new_v4()});
    for _ in 0..5 {
        let (status, _) = s.call(Method::POST, "/api/auth/login", None, Some(attempt("tamduong.lan", "sai"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let right = attempt("tamduong.lan", common::world::PASSWORD);
    let (status, body) = s.call(Method::POST, "/api/auth/login", None, Some(right)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["message"], "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.");
    // Another account is not affected, and an unknown login fails like a wrong password.
    let other = attempt("tamduong.minh", common::world::PASSWORD);
    assert_eq!(s.call(Method::POST, "/api/auth/login", None, Some(other)).await.0, StatusCode::OK);
    let unknown = attempt("khong.co.ai", "x");
    let (status, body) = s.call(Method::POST, "/api/auth/login", None, Some(unknown)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_credentials")));
}

fn sign_in(login: &str, password: &str) -> serde_json::Value {
    json!({"login": login, "password": password, "device_id": Uuid::new_v4()})
}

/// Sends all `bodies` to `uri` at once, from `from`, and returns each answer's status.
async fn all_at_once(
    s: &TestServer,
    uri: &str,
    token: Option<&str>,
    bodies: Vec<serde_json::Value>,
    from: std::net::SocketAddr,
) -> Vec<StatusCode> {
    let mut running = tokio::task::JoinSet::new();
    for body in bodies {
        let router = s.router.clone();
        let request = common::request(Method::POST, uri, token, Some(body), Some(from));
        running.spawn(async move { common::send(&router, request).await.0 });
    }
    running.join_all().await
}

fn count(statuses: &[StatusCode], wanted: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == wanted).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_wrong_passwords_at_once_are_checked_at_most_five_times() {
    let s = server().await;
    let from = "10.0.0.7:5000".parse().unwrap();
    let bodies = (0..40).map(|i| sign_in("tamduong.lan", &format!("sai-{i}"))).collect();
    let statuses = all_at_once(&s, "/api/auth/login", None, bodies, from).await;
    assert!(count(&statuses, StatusCode::UNAUTHORIZED) <= 5, "{statuses:?}");
    assert_eq!(count(&statuses, StatusCode::UNAUTHORIZED) + count(&statuses, StatusCode::TOO_MANY_REQUESTS), 40);
    // The right password, now, is refused like the rest: the account is locked for the window.
    let (status, _) = s.call(Method::POST, "/api/auth/login", None, Some(sign_in("tamduong.lan", PASSWORD))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_password_among_wrong_ones_at_once_gets_no_more_checks() {
    let s = server().await;
    let from = "10.0.0.8:5000".parse().unwrap();
    let mut bodies: Vec<_> = (0..39).map(|i| sign_in("tamduong.minh", &format!("sai-{i}"))).collect();
    bodies.insert(20, sign_in("tamduong.minh", PASSWORD));
    let statuses = all_at_once(&s, "/api/auth/login", None, bodies, from).await;
    let checked = count(&statuses, StatusCode::UNAUTHORIZED) + count(&statuses, StatusCode::OK);
    assert!(checked <= 5, "{checked} passwords were checked: {statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_failures_at_once_from_one_address_are_checked_at_most_thirty_times() {
    let s = server().await;
    let from = "10.0.0.9:5000".parse().unwrap();
    // Sixty different accounts, so only the address limit applies.
    let bodies = (0..60).map(|i| sign_in(&format!("khong.co.{i}"), "sai")).collect();
    let statuses = all_at_once(&s, "/api/auth/login", None, bodies, from).await;
    assert!(count(&statuses, StatusCode::UNAUTHORIZED) <= 30, "{statuses:?}");
    // Another address is not affected.
    let other = common::request(
        Method::POST,
        "/api/auth/login",
        None,
        Some(sign_in("tamduong.lan", PASSWORD)),
        Some("10.0.0.10:5000".parse().unwrap()),
    );
    assert_eq!(common::send(&s.router, other).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_change_is_no_password_oracle() {
    let s = server().await;
    let token = s.login("tamduong.lan").await;
    let from = "10.0.0.11:5000".parse().unwrap();
    let change = |current: &str| json!({"current_password": current, "new_password": "mot-mat-khau-moi"});
    let statuses = all_at_once(
        &s,
        "/api/auth/password",
        Some(&token),
        (0..20).map(|i| change(&format!("sai-{i}"))).collect(),
        from,
    )
    .await;
    assert!(count(&statuses, StatusCode::UNAUTHORIZED) <= 5, "{statuses:?}");
    assert!(count(&statuses, StatusCode::TOO_MANY_REQUESTS) >= 15, "{statuses:?}");
    // Locked for the window: the right current password too, and signing in to the account (one count).
    let (status, body) = s.call(Method::POST, "/api/auth/password", Some(&token), Some(change(PASSWORD))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_sign_ins")));
    let (status, _) = s.call(Method::POST, "/api/auth/login", None, Some(sign_in("tamduong.lan", PASSWORD))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_long_login_is_stored_as_a_fixed_size_key_and_old_windows_go() {
    let s = server().await;
    let pool = s.pool().await;
    sqlx::query("insert into sign_in_attempts (key_hash, window_start, failures, checking) values ('old', '2020-01-01T00:00:00.000Z', 3, 0)")
        .execute(&pool)
        .await
        .unwrap();
    let long = "x".repeat(1 << 20);
    let (status, _) = s.call(Method::POST, "/api/auth/login", None, Some(sign_in(&long, "sai"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let keys: Vec<String> = sqlx::query_scalar("select key_hash from sign_in_attempts").fetch_all(&pool).await.unwrap();
    pool.close().await;
    assert_eq!(keys.len(), 1, "the window of 2020 is gone: {keys:?}");
    assert_eq!(keys[0].len(), 64);
    assert!(!keys[0].contains("xxxx"));
}

#[tokio::test]
async fn an_admin_creates_accounts_that_can_sign_in() {
    let s = server().await;
    let admin = s.login("quantri").await;
    let new_user = |login: &str, password: &str| {
        json!({"login": login, "full_name": "Ngô Thị Mai", "position": "Viên chức", "role": "staff",
            "unit_id": TAM_DUONG, "password": password})
    };
    let (status, body) =
        s.call(Method::POST, "/api/admin/users", Some(&admin), Some(new_user("tamduong.mai", "bat-dau-2026"))).await;
    assert_eq!((status, body["id"].as_str()), (StatusCode::CREATED, Some("tamduong.mai")));
    let mai = s.login_with("tamduong.mai", "bat-dau-2026").await;
    let (_, me) = s.call(Method::GET, "/api/me", Some(&mai), None).await;
    assert_eq!((me["role"].as_str(), me["unit_id"].as_str()), (Some("staff"), Some(TAM_DUONG)));

    let (status, body) =
        s.call(Method::POST, "/api/admin/users", Some(&admin), Some(new_user("tamduong.mai", "bat-dau-2026"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("login_taken")));
    let (status, _) =
        s.call(Method::POST, "/api/admin/users", Some(&admin), Some(new_user("Mai Ngô", "bat-dau-2026"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let staff = s.login("tamduong.lan").await;
    let (status, _) =
        s.call(Method::POST, "/api/admin/users", Some(&staff), Some(new_user("tamduong.x", "bat-dau-2026"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_history_shows_who_changed_what() {
    let s = server().await;
    let id = Uuid::new_v4();
    let lan = s.login("tamduong.lan").await;
    s.push(&lan, &[set(id, TAM_DUONG, 0, &[("summary", "bản đầu")])]).await;
    s.push(&lan, &[set(id, TAM_DUONG, 1, &[("summary", "bản sửa")])]).await;
    let office = s.login("vanphong").await;
    let (status, history) = s.call(Method::GET, &format!("/api/records/{id}/history"), Some(&office), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[1]["user_name"], "Trần Thị Lan");
    assert_eq!(history[1]["action"], "set");
    assert_eq!(history[1]["changes"]["summary"], json!({"old": "bản đầu", "new": "bản sửa"}));
    let (status, _) =
        s.call(Method::GET, &format!("/api/records/{}/history", Uuid::new_v4()), Some(&office), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s.call(Method::GET, "/api/records/not-a-uuid/history", Some(&office), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
