//! The office's half set up through the real API: accepted nominations, a roster of 19, a session prepared,
//! counted and locked, and a decision's header, shared by the council's and the documents' tests.

use axum::http::{Method, StatusCode};
use chrono::{TimeZone, Utc};
use domain::council::{CouncilSession, Presence};
use domain::sync::Outcome;
use domain::workflow::Action;
use domain::{Fields, Mutation, Op, RecordKind, RecordRef};
use serde_json::{json, Value};
use uuid::Uuid;

use domain::model::self_assessment_id;

use super::world::LAP_THACH;
use super::{TestServer, TAM_DUONG};

pub fn mutation(kind: RecordKind, id: Uuid, base_rev: i64, op: Op) -> Mutation {
    Mutation::new(Uuid::new_v4(), &RecordRef::new(id, kind, TAM_DUONG), base_rev, op, Utc::now())
}

pub fn set(kind: RecordKind, id: Uuid, base_rev: i64, fields: Value) -> Mutation {
    let fields: Fields = serde_json::from_value(fields).unwrap();
    mutation(kind, id, base_rev, Op::Set { fields })
}

pub async fn applied(server: &TestServer, token: &str, mutations: &[Mutation]) {
    for result in server.push(token, mutations).await.results {
        assert!(matches!(result.outcome, Outcome::Applied { .. }), "{result:?}");
    }
}

/// Two people of Tam Dương nominated for CSTĐ Bộ/tỉnh, submitted and accepted by the office: their ids.
pub async fn two_accepted_nominations(server: &TestServer) -> [Uuid; 2] {
    accepted_nominations(server, ["Trần Thị Lan", "Lê Văn Minh"]).await
}

/// Two people of Tam Dương of these names nominated for CSTĐ Bộ/tỉnh, submitted and accepted: their ids.
pub async fn accepted_nominations(server: &TestServer, [first, second]: [&str; 2]) -> [Uuid; 2] {
    let staff = server.login("tamduong.lan").await;
    let head = server.login("tamduong.giamdoc").await;
    let office = server.login("vanphong").await;
    let (lan, minh, for_lan, for_minh) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let nomination = |person: Uuid| {
        json!({"year": "2026", "nominee_kind": "person", "nominee_id": person.to_string(), "title": "cstd-bo-tinh",
               "summary": "Ba năm liền Chiến sĩ thi đua cơ sở", "justification": "Thành tích xuất sắc"})
    };
    applied(
        server,
        &staff,
        &[
            set(RecordKind::Person, lan, 0, json!({"full_name": first})),
            set(RecordKind::Person, minh, 0, json!({"full_name": second})),
            set(RecordKind::Nomination, for_lan, 0, nomination(lan)),
            set(RecordKind::Nomination, for_minh, 0, nomination(minh)),
        ],
    )
    .await;
    let step = |id, rev, action| mutation(RecordKind::Nomination, id, rev, Op::Transition { action });
    applied(server, &head, &[step(for_lan, 1, Action::Submit), step(for_minh, 1, Action::Submit)]).await;
    applied(server, &office, &[step(for_lan, 2, Action::Approve), step(for_minh, 2, Action::Approve)]).await;
    [for_lan, for_minh]
}

/// 19 members from 1/1/2026: the chair signs in as `hoidong.thu`, the secretary as `vanphong`.
pub async fn roster_of_19(server: &TestServer, office: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..19 {
        let (role, user) = match i {
            0 => ("chu_tich", Some("hoidong.thu")),
            1 => ("pho_chu_tich_thuong_truc", None),
            18 => ("thu_ky", Some("vanphong")),
            _ => ("uy_vien", None),
        };
        let id = format!("tv-{i:02}");
        let member = json!({"id": id, "name": format!("Thành viên {i:02}"), "position": "Giám đốc Sở", "role": role,
                            "valid_from": "2026-01-01", "user_id": user});
        let uri = format!("/api/council/members/{id}");
        let _: Value = server.expect(Method::PUT, &uri, Some(office), Some(member), StatusCode::OK).await;
        ids.push(id);
    }
    ids
}

pub async fn prepare(server: &TestServer, office: &str, id: &str, nominations: &[Uuid]) -> CouncilSession {
    let body = json!({"id": id, "held_on": "2026-12-10", "place": "Phòng họp tầng 3, Sở VHTTDL", "mode": "meeting",
                      "nomination_ids": nominations});
    server.expect(Method::POST, "/api/council/sessions", Some(office), Some(body), StatusCode::OK).await
}

pub fn everyone(members: &[String], presence: Presence) -> Value {
    json!(members.iter().map(|m| (m.clone(), presence)).collect::<std::collections::BTreeMap<_, _>>())
}

pub fn tally(yes: u32, of: u32) -> Value {
    json!({"issued": of, "returned": of, "valid": of, "invalid": 0, "yes": yes, "no": of - yes})
}

pub async fn put_tally(
    server: &TestServer,
    office: &str,
    session: &CouncilSession,
    nomination: Uuid,
    tally: Value,
) -> (StatusCode, Value) {
    let uri = format!("/api/council/sessions/{}/tallies/{nomination}", session.id);
    server.call(Method::PUT, &uri, Some(office), Some(json!({"version": session.version, "tally": tally}))).await
}

/// A locked session that passed `for_lan` (18/19) and not `for_minh` (16/19).
pub async fn locked_session(server: &TestServer, office: &str, id: &str, nominations: [Uuid; 2]) -> CouncilSession {
    let members = roster_of_19(server, office).await;
    let mut session = prepare(server, office, id, &nominations).await;
    let uri = format!("/api/council/sessions/{id}/attendance");
    let body = json!({"version": session.version, "presence": everyone(&members, Presence::Present)});
    session = server.expect(Method::PUT, &uri, Some(office), Some(body), StatusCode::OK).await;
    for (nomination, yes) in [(nominations[0], 18), (nominations[1], 16)] {
        let (status, body) = put_tally(server, office, &session, nomination, tally(yes, 19)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        session = serde_json::from_value(body).unwrap();
    }
    let chair = server.login("hoidong.thu").await;
    let confirm = format!("/api/council/sessions/{id}/confirm");
    for token in [office, chair.as_str()] {
        let body = json!({"version": session.version});
        session = server.expect(Method::POST, &confirm, Some(token), Some(body), StatusCode::OK).await;
    }
    assert!(session.locked());
    session
}

pub fn header(decided_on: &str) -> Value {
    json!({"issuer": "Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Phúc", "signer": "Nguyễn Văn Khước",
           "signer_position": "Chủ tịch", "summary": "Về việc tặng danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2026",
           "decided_on": decided_on, "register": "QĐ-UBND"})
}

/// Lập Thạch's head sends its Q3 2026 report on 27/9, twelve days after the deadline: written straight through
/// the storage, so the audit log dates the sending on that day.
pub async fn late_q3_report(server: &TestServer) {
    let head = server::db::Session {
        user_id: "lapthach.giamdoc".into(),
        role: domain::api::Role::UnitHead,
        unit_id: LAP_THACH.into(),
        scope: vec![LAP_THACH.into()],
        managed: vec![LAP_THACH.into()],
        device_id: Uuid::nil(),
        token_hash: String::new(),
    };
    let at = Utc.with_ymd_and_hms(2026, 9, 27, 9, 0, 0).unwrap();
    let target = RecordRef::new(self_assessment_id(LAP_THACH, "2026-Q3"), RecordKind::SelfAssessment, LAP_THACH);
    let fields: Fields = serde_json::from_value(json!({"period": "2026-Q3", "summary": "Quý III"})).unwrap();
    let write = Mutation::new(Uuid::new_v4(), &target, 0, Op::Set { fields }, at);
    let submit = Mutation::new(Uuid::new_v4(), &target, 1, Op::Transition { action: Action::Submit }, at);
    server.db.apply_mutations(&head, vec![write, submit], at).await.unwrap();
}
