//! The admin's screens, server half: accounts (list, change, disable, new password) and the org tree (new units,
//! renamed, moved, closed ones, merges), each within the admin's subtree, against the real router.

mod common;

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate, Utc};
use common::world::{DEPARTMENT, LAP_THACH, MERGED_INTO_LAP_THACH, PASSWORD, TAM_DUONG, VIET_TRI};
use common::{server, TestServer};
use domain::api::{AccountSummary, OrgUnit, ReferenceData, Role};
use domain::calendar::vietnam_date;
use domain::org::UnitMerge;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const NEW_PASSWORD: &str = "mat-khau-moi-2026";

/// The tests' world, plus a second department, so the roles that stop at Vĩnh Phúc have an outside.
async fn world() -> TestServer {
    let s = server().await;
    common::world::seed_outside(&s.db).await;
    s
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn login_answer(s: &TestServer, login: &str, password: &str) -> (StatusCode, Value) {
    let body = json!({"login": login, "password": password, "device_id": Uuid::new_v4()});
    s.call(Method::POST, "/api/auth/login", None, Some(body)).await
}

/// A new unit under `parent`, made by `admin`, started on `from`.
async fn new_unit(s: &TestServer, admin: &str, name: &str, parent: &str, from: NaiveDate) -> OrgUnit {
    let body = json!({"name": name, "kind": "Trung tâm", "parent_id": parent, "valid_from": from});
    s.expect(Method::POST, "/api/admin/units", Some(admin), Some(body), StatusCode::CREATED).await
}

async fn put_unit(s: &TestServer, admin: &str, unit: &str, body: Value) -> (StatusCode, Value) {
    s.call(Method::PUT, &format!("/api/admin/units/{unit}"), Some(admin), Some(body)).await
}

async fn merge(s: &TestServer, admin: &str, from: &[&str], into: &str, on: NaiveDate) -> (StatusCode, Value) {
    s.call(Method::POST, "/api/admin/merges", Some(admin), Some(json!({"from": from, "into": into, "on": on}))).await
}

async fn reference(s: &TestServer, token: &str) -> ReferenceData {
    s.expect(Method::GET, "/api/reference", Some(token), None, StatusCode::OK).await
}

fn account_update(full_name: &str, role: &str, unit: &str, disabled: bool) -> Value {
    json!({"full_name": full_name, "position": "Chuyên viên", "role": role, "unit_id": unit, "disabled": disabled})
}

async fn scalar(s: &TestServer, sql: &str) -> i64 {
    let pool = s.pool().await;
    let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

fn assert_refused(answer: &(StatusCode, Value), status: StatusCode, message: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    let got = answer.1["message"].as_str().unwrap_or_default();
    assert!(got.contains(message), "{got:?} does not say {message:?}");
}

#[tokio::test]
async fn the_list_holds_the_subtree_by_unit_then_name() {
    let s = world().await;
    let admin = s.login("quantri").await;
    let list: Vec<AccountSummary> = s.expect(Method::GET, "/api/admin/users", Some(&admin), None, StatusCode::OK).await;
    let ids: Vec<&str> = list.iter().map(|a| a.id.as_str()).collect();
    // The department (Sở…), then Lập Thạch, then Tam Dương; in each, by name with diacritics folded ("Đỗ" is a D).
    assert_eq!(
        ids,
        [
            "quantri",
            "hoidong.thu",
            "vanphong",
            "lapthach.hoa",
            "lapthach.giamdoc",
            "tamduong.minh",
            "tamduong.giamdoc",
            "tamduong.lan"
        ]
    );
    let lan = list.iter().find(|a| a.id == "tamduong.lan").unwrap();
    assert_eq!(
        lan,
        &AccountSummary {
            id: "tamduong.lan".into(),
            login: "tamduong.lan".into(),
            full_name: "Trần Thị Lan".into(),
            position: String::new(),
            role: Role::Staff,
            unit_id: TAM_DUONG.into(),
            unit_name: "Trung tâm VH-TT-TT huyện Tam Dương".into(),
            disabled: false,
        }
    );
}

#[tokio::test]
async fn a_new_unit_reaches_the_reference_of_its_subtree() {
    let s = world().await;
    let admin = s.login("quantri").await;
    let body = json!({"name": "  Trung tâm Văn hóa xã Hợp Hòa ", "kind": "Trung tâm", "parent_id": TAM_DUONG});
    let unit: OrgUnit = s.expect(Method::POST, "/api/admin/units", Some(&admin), Some(body), StatusCode::CREATED).await;
    assert!(unit.id.starts_with("trung-tam-van-hoa-xa-hop-hoa-"), "{}", unit.id);
    assert_eq!(unit.name, "Trung tâm Văn hóa xã Hợp Hòa");
    assert_eq!((unit.parent_id.as_deref(), unit.valid_to), (Some(TAM_DUONG), None));
    assert_eq!(unit.valid_from, vietnam_date(Utc::now()), "today in Vietnam unless said otherwise");

    let office = s.login("vanphong").await;
    assert!(reference(&s, &office).await.units.contains(&unit), "the department's office sees it at once");
    let body = json!({"login": "hophoa.mai", "full_name": "Ngô Thị Mai", "role": "staff", "unit_id": unit.id,
        "password": NEW_PASSWORD});
    let _: Value = s.expect(Method::POST, "/api/admin/users", Some(&admin), Some(body), StatusCode::CREATED).await;
    let mai = s.login_with("hophoa.mai", NEW_PASSWORD).await;
    assert!(reference(&s, &mai).await.units.contains(&unit));
    let outside = s.login("viettri.nam").await;
    assert!(!reference(&s, &outside).await.units.iter().any(|u| u.id == unit.id));
    assert_eq!(scalar(&s, "select count(*) from office_audit where object_kind = 'org_unit'").await, 1);
    let created = "select count(*) from office_audit where object_kind = 'account' and action = 'create' \
                   and user_id = 'quantri' and object_id = 'hophoa.mai'";
    assert_eq!(scalar(&s, created).await, 1);

    let refused = |name: &str, kind: &str, parent: &str, from: Option<NaiveDate>| json!({"name": name, "kind": kind, "parent_id": parent, "valid_from": from});
    let cases = [
        (refused(" ", "Trung tâm", TAM_DUONG, None), StatusCode::UNPROCESSABLE_ENTITY, "Cần nhập tên đơn vị."),
        (refused(&"x".repeat(201), "Trung tâm", TAM_DUONG, None), StatusCode::UNPROCESSABLE_ENTITY, "dài quá 200"),
        (refused("Đội", "", TAM_DUONG, None), StatusCode::UNPROCESSABLE_ENTITY, "Cần nhập loại đơn vị."),
        (refused("Đội", "Đội", VIET_TRI, None), StatusCode::FORBIDDEN, "ngoài phạm vi"),
        (refused("Đội", "Đội", "khong-co", None), StatusCode::FORBIDDEN, "ngoài phạm vi"),
        (refused("Đội", "Đội", MERGED_INTO_LAP_THACH[0], None), StatusCode::UNPROCESSABLE_ENTITY, "ngừng hoạt động"),
        (refused("Đội", "Đội", TAM_DUONG, Some(date(2000, 1, 1))), StatusCode::UNPROCESSABLE_ENTITY, "thành lập ngày"),
    ];
    for (body, status, message) in cases {
        let answer = s.call(Method::POST, "/api/admin/units", Some(&admin), Some(body.clone())).await;
        assert_refused(&answer, status, message);
    }
    let named = "x".repeat(200);
    let unit = new_unit(&s, &admin, &named, TAM_DUONG, date(2010, 3, 1)).await;
    assert_eq!((unit.name.chars().count(), unit.valid_from), (200, date(2010, 3, 1)));
}

#[tokio::test]
async fn units_are_renamed_moved_and_closed_by_the_rules() {
    let s = world().await;
    let admin = s.login("quantri").await;
    let a = new_unit(&s, &admin, "Phòng A", DEPARTMENT, date(2024, 1, 1)).await;
    let b = new_unit(&s, &admin, "Tổ B", &a.id, date(2024, 1, 1)).await;
    let update = |name: &str, parent: Option<&str>, valid_to: Option<NaiveDate>| json!({"name": name, "kind": "Phòng", "parent_id": parent, "valid_to": valid_to});

    // Renamed, the parent left out (kept).
    let (status, renamed) = put_unit(&s, &admin, &a.id, update(" Phòng A mới ", None, None)).await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    let renamed: OrgUnit = serde_json::from_value(renamed).unwrap();
    assert_eq!(renamed, OrgUnit { name: "Phòng A mới".into(), kind: "Phòng".into(), ..a.clone() });

    // Never under itself or below itself.
    for parent in [&a.id, &b.id] {
        let answer = put_unit(&s, &admin, &a.id, update("Phòng A", Some(parent), None)).await;
        assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "chính nó hoặc vào đơn vị cấp dưới");
    }
    // Moved within the subtree, and back.
    let (status, moved) = put_unit(&s, &admin, &b.id, update("Tổ B", Some(TAM_DUONG), None)).await;
    assert_eq!((status, moved["parent_id"].as_str()), (StatusCode::OK, Some(TAM_DUONG)));
    let office = s.login("vanphong").await;
    let seen = reference(&s, &office).await.units.into_iter().find(|u| u.id == b.id).unwrap();
    assert_eq!(seen.parent_id.as_deref(), Some(TAM_DUONG), "tablets read the tree as it is now");
    let (status, _) = put_unit(&s, &admin, &b.id, update("Tổ B", Some(&a.id), None)).await;
    assert_eq!(status, StatusCode::OK);
    // Not out of the subtree, not under a closed unit.
    let answer = put_unit(&s, &admin, &a.id, update("Phòng A", Some(VIET_TRI), None)).await;
    assert_refused(&answer, StatusCode::FORBIDDEN, "ngoài phạm vi");
    let answer = put_unit(&s, &admin, &a.id, update("Phòng A", Some(MERGED_INTO_LAP_THACH[0]), None)).await;
    assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "đã ngừng hoạt động");
    // The admin's own root unit is for the admin above: renamed yes, moved or closed no.
    let root = json!({"name": "Sở Thông tin và Truyền thông", "kind": "Sở", "parent_id": null, "valid_to": null});
    assert_eq!(put_unit(&s, &admin, DEPARTMENT, root).await.0, StatusCode::OK);
    let answer = put_unit(&s, &admin, DEPARTMENT, update("Sở", Some(TAM_DUONG), None)).await;
    assert_refused(&answer, StatusCode::FORBIDDEN, "Đơn vị gốc của bạn");
    let answer = put_unit(&s, &admin, DEPARTMENT, update("Sở", None, Some(date(2026, 1, 1)))).await;
    assert_refused(&answer, StatusCode::FORBIDDEN, "Đơn vị gốc của bạn");

    // An account in B stays when B closes; the admin moves it later, but not into a closed unit.
    let body = json!({"login": "tob.hai", "full_name": "Vũ Văn Hải", "role": "staff", "unit_id": b.id,
        "password": NEW_PASSWORD});
    let _: Value = s.expect(Method::POST, "/api/admin/users", Some(&admin), Some(body), StatusCode::CREATED).await;

    // A closes only once nothing below it is open after its last day.
    let answer = put_unit(&s, &admin, &a.id, update("Phòng A", None, Some(date(2024, 12, 31)))).await;
    assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "Còn đơn vị trực thuộc đang hoạt động: “Tổ B”");
    let answer = put_unit(&s, &admin, &b.id, update("Tổ B", None, Some(date(2023, 12, 31)))).await;
    assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "trước ngày thành lập");
    let (status, closed) = put_unit(&s, &admin, &b.id, update("Tổ B", None, Some(date(2024, 6, 30)))).await;
    assert_eq!((status, closed["valid_to"].as_str()), (StatusCode::OK, Some("2024-06-30")));
    let (status, _) = put_unit(&s, &admin, &a.id, update("Phòng A", None, Some(date(2024, 12, 31)))).await;
    assert_eq!(status, StatusCode::OK);
    let list: Vec<AccountSummary> = s.expect(Method::GET, "/api/admin/users", Some(&admin), None, StatusCode::OK).await;
    assert!(list.iter().any(|u| u.id == "tob.hai" && u.unit_id == b.id), "a closed unit's accounts stay");
    let answer = s
        .call(
            Method::PUT,
            "/api/admin/users/tamduong.minh",
            Some(&admin),
            Some(account_update("Lê Văn Minh", "staff", &a.id, false)),
        )
        .await;
    assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "đã ngừng hoạt động");
    // Opened again only under an open parent.
    let answer = put_unit(&s, &admin, &b.id, update("Tổ B", None, None)).await;
    assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "Đơn vị cấp trên “Phòng A” đã ngừng hoạt động");
    assert_eq!(put_unit(&s, &admin, &a.id, update("Phòng A", None, None)).await.0, StatusCode::OK);
    assert_eq!(put_unit(&s, &admin, &b.id, update("Tổ B", None, None)).await.0, StatusCode::OK);

    // A unit a merge ended keeps the merge's date.
    let answer =
        put_unit(&s, &admin, MERGED_INTO_LAP_THACH[0], update("TT Văn hóa", None, Some(date(2021, 1, 1)))).await;
    assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "đã sáp nhập vào “Trung tâm VH-TT-TT huyện Lập Thạch”");
    // Unknown, and out of the subtree, answer alike.
    for unit in ["khong-co", VIET_TRI] {
        let answer = put_unit(&s, &admin, unit, update("X", None, None)).await;
        assert_refused(&answer, StatusCode::NOT_FOUND, "Không có đơn vị này");
    }
    assert_eq!(scalar(&s, "select count(*) from office_audit where object_kind = 'org_unit'").await, 2 + 8);
}

#[tokio::test]
async fn a_merge_closes_its_units_and_reaches_the_reference() {
    let s = world().await;
    let admin = s.login("quantri").await;
    let x = new_unit(&s, &admin, "Đài Truyền thanh X", DEPARTMENT, date(2015, 1, 1)).await;
    let y = new_unit(&s, &admin, "Nhà Văn hóa Y", DEPARTMENT, date(2015, 1, 1)).await;
    let z = new_unit(&s, &admin, "Thư viện Z", DEPARTMENT, date(2015, 1, 1)).await;
    let on = date(2025, 7, 1);
    // Z had closed before the merge: it keeps its own last day.
    let body = json!({"name": z.name, "kind": z.kind, "valid_to": date(2024, 12, 31)});
    assert_eq!(put_unit(&s, &admin, &z.id, body).await.0, StatusCode::OK);

    let (status, body) = merge(&s, &admin, &[&x.id, &y.id, &z.id], TAM_DUONG, on).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let made: UnitMerge = serde_json::from_value(body).unwrap();
    assert_eq!(made, UnitMerge { from: vec![x.id.clone(), y.id.clone(), z.id.clone()], into: TAM_DUONG.into(), on });
    let office = s.login("vanphong").await;
    let seen = reference(&s, &office).await;
    let mut merged = seen.merges.iter().find(|m| m.into == TAM_DUONG).unwrap().clone();
    merged.from.sort();
    let mut expected = made.from.clone();
    expected.sort();
    assert_eq!((merged.from, merged.on), (expected, on));
    let last_day = |id: &str| seen.units.iter().find(|u| u.id == id).unwrap().valid_to;
    assert_eq!(
        [last_day(&x.id), last_day(&y.id), last_day(&z.id)],
        [Some(date(2025, 6, 30)), Some(date(2025, 6, 30)), Some(date(2024, 12, 31))]
    );
    assert_eq!(scalar(&s, "select count(*) from office_audit where object_kind = 'unit_merge'").await, 1);

    // Refused: a unit merged before, into among from, nothing to merge, out of the subtree, the admin's root.
    let w = new_unit(&s, &admin, "Đội W", DEPARTMENT, date(2015, 1, 1)).await;
    assert_refused(
        &merge(&s, &admin, &[&x.id], LAP_THACH, on).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "“Đài Truyền thanh X” đã sáp nhập vào “Trung tâm VH-TT-TT huyện Tam Dương” ngày 01/07/2025",
    );
    assert_refused(
        &merge(&s, &admin, &[&w.id, TAM_DUONG], TAM_DUONG, on).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "đồng thời",
    );
    assert_refused(&merge(&s, &admin, &[], TAM_DUONG, on).await, StatusCode::UNPROCESSABLE_ENTITY, "ít nhất một");
    assert_refused(
        &merge(&s, &admin, &[&w.id, &w.id], TAM_DUONG, on).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "hai lần",
    );
    assert_refused(&merge(&s, &admin, &[VIET_TRI], TAM_DUONG, on).await, StatusCode::FORBIDDEN, "ngoài phạm vi");
    assert_refused(&merge(&s, &admin, &[&w.id], VIET_TRI, on).await, StatusCode::FORBIDDEN, "ngoài phạm vi");
    assert_refused(&merge(&s, &admin, &[&w.id], "khong-co", on).await, StatusCode::FORBIDDEN, "ngoài phạm vi");
    assert_refused(&merge(&s, &admin, &[DEPARTMENT], TAM_DUONG, on).await, StatusCode::FORBIDDEN, "gốc");
    // Into must be in operation on the day; from must exist before it.
    assert_refused(
        &merge(&s, &admin, &[&w.id], MERGED_INTO_LAP_THACH[0], on).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "không hoạt động vào ngày 01/07/2025",
    );
    assert_refused(
        &merge(&s, &admin, &[&w.id], TAM_DUONG, date(2015, 1, 1)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "thành lập ngày 01/01/2015",
    );
    // A unit with open units below it merges once they are moved, or along with them.
    let child = new_unit(&s, &admin, "Tổ thuộc W", &w.id, date(2016, 1, 1)).await;
    assert_refused(
        &merge(&s, &admin, &[&w.id], LAP_THACH, on).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "“Đội W” còn đơn vị trực thuộc đang hoạt động: “Tổ thuộc W”",
    );
    assert_eq!(merge(&s, &admin, &[&w.id, &child.id], LAP_THACH, on).await.0, StatusCode::CREATED);
    assert_eq!(scalar(&s, "select count(*) from unit_merges").await, 2 + 3 + 2);
}

#[tokio::test]
async fn two_merges_of_one_unit_sent_at_once_make_one() {
    let s = world().await;
    let admin = s.login("quantri").await;
    let x = new_unit(&s, &admin, "Đài Truyền thanh X", DEPARTMENT, date(2015, 1, 1)).await;
    let on = date(2025, 7, 1);
    let from = [x.id.as_str()];
    let (first, second) =
        tokio::join!(merge(&s, &admin, &from, TAM_DUONG, on), merge(&s, &admin, &from, LAP_THACH, on));
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY], "{} {}", first.1, second.1);
    let sql = format!("select count(*) from unit_merges where from_unit = '{}'", x.id);
    assert_eq!(scalar(&s, &sql).await, 1);
}

#[tokio::test]
async fn an_account_is_changed_disabled_and_enabled_again() {
    let s = world().await;
    let admin = s.login("quantri").await;
    let lan = s.login("tamduong.lan").await;
    let uri = "/api/admin/users/tamduong.lan";

    // A new role and unit hold for the sessions already open.
    let changed: AccountSummary = s
        .expect(
            Method::PUT,
            uri,
            Some(&admin),
            Some(account_update(" Trần Thị Lan ", "unit_head", LAP_THACH, false)),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (changed.role, changed.unit_name.as_str(), changed.position.as_str(), changed.full_name.as_str()),
        (Role::UnitHead, "Trung tâm VH-TT-TT huyện Lập Thạch", "Chuyên viên", "Trần Thị Lan")
    );
    let me: Value = s.expect(Method::GET, "/api/me", Some(&lan), None, StatusCode::OK).await;
    assert_eq!((me["role"].as_str(), me["unit_id"].as_str()), (Some("unit_head"), Some(LAP_THACH)));

    // Disabled: the open session ends, sign-in refuses it once the password is right, and only then.
    let disabled: AccountSummary = s
        .expect(
            Method::PUT,
            uri,
            Some(&admin),
            Some(account_update("Trần Thị Lan", "staff", TAM_DUONG, true)),
            StatusCode::OK,
        )
        .await;
    assert!(disabled.disabled);
    let (status, body) = s.call(Method::GET, "/api/me", Some(&lan), None).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    assert_eq!(scalar(&s, "select count(*) from sessions where user_id = 'tamduong.lan'").await, 0);
    let (status, body) = login_answer(&s, "tamduong.lan", PASSWORD).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["code"], "account_disabled");
    assert_eq!(body["message"], "Tài khoản đã bị khoá. Hãy liên hệ quản trị viên.");
    let (status, body) = login_answer(&s, "tamduong.lan", "doan-sai-2026").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_credentials")));
    // A session left over somehow is refused all the same.
    let token = "phien-con-sot";
    let hash: String = Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let now = Utc::now();
    s.db.insert_session(&hash, "tamduong.lan", Uuid::new_v4(), now, now + Duration::days(1)).await.unwrap();
    assert_eq!(s.call(Method::GET, "/api/me", Some(token), None).await.0, StatusCode::UNAUTHORIZED);
    let list: Vec<AccountSummary> = s.expect(Method::GET, "/api/admin/users", Some(&admin), None, StatusCode::OK).await;
    assert!(list.iter().any(|a| a.id == "tamduong.lan" && a.disabled));

    // Enabled again: sign-in works.
    let _: AccountSummary = s
        .expect(
            Method::PUT,
            uri,
            Some(&admin),
            Some(account_update("Trần Thị Lan", "staff", TAM_DUONG, false)),
            StatusCode::OK,
        )
        .await;
    let lan = s.login("tamduong.lan").await;
    assert_eq!(s.call(Method::GET, "/api/me", Some(&lan), None).await.0, StatusCode::OK);

    // A disabled account's sign-ins still count against the limits: past them, even the right password waits.
    let minh = "/api/admin/users/tamduong.minh";
    let _: AccountSummary = s
        .expect(
            Method::PUT,
            minh,
            Some(&admin),
            Some(account_update("Lê Văn Minh", "staff", TAM_DUONG, true)),
            StatusCode::OK,
        )
        .await;
    for _ in 0..5 {
        assert_eq!(login_answer(&s, "tamduong.minh", "doan-sai-2026").await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = login_answer(&s, "tamduong.minh", PASSWORD).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_sign_ins")));

    // Refused: no name, a unit outside, unknown or outside accounts.
    let answer = s.call(Method::PUT, uri, Some(&admin), Some(account_update(" ", "staff", TAM_DUONG, false))).await;
    assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "Cần nhập họ và tên.");
    let answer = s.call(Method::PUT, uri, Some(&admin), Some(account_update("Lan", "staff", VIET_TRI, false))).await;
    assert_refused(&answer, StatusCode::FORBIDDEN, "ngoài phạm vi");
    for other in ["khong.co", "viettri.nam"] {
        let uri = format!("/api/admin/users/{other}");
        let answer =
            s.call(Method::PUT, &uri, Some(&admin), Some(account_update("X", "staff", TAM_DUONG, false))).await;
        assert_refused(&answer, StatusCode::NOT_FOUND, "Không có tài khoản này");
    }

    // An admin keeps their own role, unit and access; their name they may change.
    let me = "/api/admin/users/quantri";
    for (body, message) in [
        (account_update("Bùi Đức Anh", "admin", DEPARTMENT, true), "tự khoá"),
        (account_update("Bùi Đức Anh", "office", DEPARTMENT, false), "tự đổi vai trò"),
        (account_update("Bùi Đức Anh", "admin", TAM_DUONG, false), "tự chuyển đơn vị"),
    ] {
        assert_refused(
            &s.call(Method::PUT, me, Some(&admin), Some(body)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            message,
        );
    }
    let renamed: AccountSummary = s
        .expect(
            Method::PUT,
            me,
            Some(&admin),
            Some(account_update("Bùi Đức Anh (QT)", "admin", DEPARTMENT, false)),
            StatusCode::OK,
        )
        .await;
    assert_eq!(renamed.full_name, "Bùi Đức Anh (QT)");
    let audited =
        scalar(&s, "select count(*) from office_audit where object_kind = 'account' and action = 'update'").await;
    assert_eq!(audited, 5);
}

#[tokio::test]
async fn a_new_password_ends_the_sessions_and_the_lockout() {
    let s = world().await;
    let admin = s.login("quantri").await;
    let lan = s.login("tamduong.lan").await;
    // Locked out by wrong guesses: the owner calls the admin.
    for _ in 0..5 {
        login_answer(&s, "tamduong.lan", "doan-sai-2026").await;
    }
    assert_eq!(login_answer(&s, "tamduong.lan", PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);

    let uri = "/api/admin/users/tamduong.lan/password";
    let answer = s.call(Method::POST, uri, Some(&admin), Some(json!({"new_password": "ngan"}))).await;
    assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "ít nhất 8 ký tự");
    let answer = s.call(Method::POST, uri, Some(&admin), Some(json!({"new_password": "tamduong.lan"}))).await;
    assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "trùng tên đăng nhập");
    let (status, body) = s.call(Method::POST, uri, Some(&admin), Some(json!({"new_password": NEW_PASSWORD}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    assert_eq!(s.call(Method::GET, "/api/me", Some(&lan), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(login_answer(&s, "tamduong.lan", PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    let lan = s.login_with("tamduong.lan", NEW_PASSWORD).await;
    assert_eq!(s.call(Method::GET, "/api/me", Some(&lan), None).await.0, StatusCode::OK);
    let audited = "select count(*) from office_audit where action = 'reset_password' and changes not like '%argon%'";
    assert_eq!(scalar(&s, audited).await, 1);

    // Not one's own (that is the password change, which asks for the current one), not unknown or outside ones.
    let answer = s
        .call(
            Method::POST,
            "/api/admin/users/quantri/password",
            Some(&admin),
            Some(json!({"new_password": NEW_PASSWORD})),
        )
        .await;
    assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, "Đổi mật khẩu");
    for other in ["khong.co", "viettri.nam"] {
        let uri = format!("/api/admin/users/{other}/password");
        let answer = s.call(Method::POST, &uri, Some(&admin), Some(json!({"new_password": NEW_PASSWORD}))).await;
        assert_refused(&answer, StatusCode::NOT_FOUND, "Không có tài khoản này");
    }
}

#[tokio::test]
async fn only_admins_manage_accounts_and_units() {
    let s = world().await;
    let on = date(2025, 7, 1);
    let calls: [(Method, &str, Option<Value>); 7] = [
        (Method::GET, "/api/admin/users", None),
        (
            Method::POST,
            "/api/admin/users",
            Some(json!({"login": "moi.nguoi", "full_name": "Người mới", "role": "staff", "unit_id": TAM_DUONG,
                "password": NEW_PASSWORD})),
        ),
        (Method::PUT, "/api/admin/users/tamduong.minh", Some(account_update("Lê Văn Minh", "admin", TAM_DUONG, false))),
        (Method::POST, "/api/admin/users/tamduong.minh/password", Some(json!({"new_password": NEW_PASSWORD}))),
        (Method::POST, "/api/admin/units", Some(json!({"name": "Đội", "kind": "Đội", "parent_id": TAM_DUONG}))),
        (Method::PUT, &format!("/api/admin/units/{TAM_DUONG}"), Some(json!({"name": "Đội", "kind": "Đội"}))),
        (
            Method::POST,
            "/api/admin/merges",
            Some(json!({"from": [MERGED_INTO_LAP_THACH[0]], "into": TAM_DUONG, "on": on})),
        ),
    ];
    for login in ["vanphong", "tamduong.lan", "tamduong.giamdoc", "hoidong.thu"] {
        let token = s.login(login).await;
        for (method, uri, body) in &calls {
            let (status, answer) = s.call(method.clone(), uri, Some(&token), body.clone()).await;
            assert_eq!(
                (status, answer["code"].as_str()),
                (StatusCode::FORBIDDEN, Some("forbidden")),
                "{login}: {method} {uri}"
            );
        }
    }
    for (method, uri, body) in &calls {
        assert_eq!(s.call(method.clone(), uri, None, body.clone()).await.0, StatusCode::UNAUTHORIZED, "{method} {uri}");
    }
    assert_eq!(scalar(&s, "select count(*) from office_audit").await, 0, "nothing changed");
}

#[tokio::test]
async fn malformed_bodies_are_refused_in_the_common_shape() {
    let s = world().await;
    let admin = s.login("quantri").await;
    for uri in ["/api/admin/units", "/api/admin/merges", "/api/admin/users/tamduong.lan/password"] {
        let (status, body) =
            s.raw(Method::POST, uri, Some(&admin), Some(b"{not json".to_vec()), "application/json").await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_json")), "{uri}");
        let (status, body) = s.call(Method::POST, uri, Some(&admin), Some(json!({"unexpected": 1}))).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_json_data")),
            "{uri}"
        );
    }
    let (status, body) = s
        .call(
            Method::PUT,
            "/api/admin/users/tamduong.lan",
            Some(&admin),
            Some(json!({"full_name": "Lan", "role": "root"})),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_json_data")));
    let bad_date = json!({"from": [TAM_DUONG], "into": LAP_THACH, "on": "01/07/2025"});
    let (status, _) = s.call(Method::POST, "/api/admin/merges", Some(&admin), Some(bad_date)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(scalar(&s, "select count(*) from office_audit").await, 0);
}

#[tokio::test]
async fn a_unit_merged_in_from_another_tree_is_read_but_not_managed() {
    let s = world().await;
    // A higher level merged the other department's centre into Tam Dương: its records and history count there,
    // but it and its accounts are no part of the Vĩnh Phúc admin's tree to change.
    let merged = UnitMerge { from: vec![VIET_TRI.into()], into: TAM_DUONG.into(), on: date(2025, 8, 1) };
    s.db.insert_merge(&merged).await.unwrap();
    let admin = s.login("quantri").await;
    assert!(reference(&s, &admin).await.units.iter().any(|u| u.id == VIET_TRI), "read, in the lineage");

    let renamed = json!({"name": "Tên khác", "kind": "đơn vị"});
    assert_eq!(put_unit(&s, &admin, VIET_TRI, renamed).await.0, StatusCode::NOT_FOUND);
    let update = account_update("Đinh Văn Nam", "admin", VIET_TRI, false);
    let (status, _) = s.call(Method::PUT, "/api/admin/users/viettri.nam", Some(&admin), Some(update)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no promotion of an account outside the tree");
    let reset = json!({"new_password": NEW_PASSWORD});
    let (status, _) = s.call(Method::POST, "/api/admin/users/viettri.nam/password", Some(&admin), Some(reset)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let moved = account_update("Nguyễn Văn A", "staff", VIET_TRI, false);
    let (status, _) = s.call(Method::PUT, "/api/admin/users/tamduong.lan", Some(&admin), Some(moved)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nor moving one of its own accounts there");
    let body = json!({"login": "viettri.moi", "full_name": "Người Mới", "role": "staff", "unit_id": VIET_TRI, "password": NEW_PASSWORD});
    let (status, _) = s.call(Method::POST, "/api/admin/users", Some(&admin), Some(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nor making one there");
}
