//! The council over the real router and a real SQLite file: a roster of 19, a session prepared from accepted
//! nominations, attendance and the quorum, tallies that must add up, results under each title's vote rule, the
//! minutes, the lock, a correction, and who may do what. Attempts that arrive at once are sent at once.

mod common;

use axum::http::{Method, StatusCode};
use chrono::Utc;
use common::office::*;
use common::{server, TestServer, TAM_DUONG};
use domain::council::{CouncilSession, Presence};
use domain::sync::Outcome;
use domain::RecordKind;
use serde_json::{json, Value};
use uuid::Uuid;

#[tokio::test]
async fn a_session_of_19_passes_18_yes_for_cstd_bo_tinh_and_not_16() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let chair = server.login("hoidong.thu").await;
    let [for_lan, for_minh] = two_accepted_nominations(&server).await;
    let members = roster_of_19(&server, &office).await;

    let ready: Vec<Value> =
        server.expect(Method::GET, "/api/council/candidates", Some(&office), None, StatusCode::OK).await;
    assert_eq!(ready.len(), 2);
    let session = prepare(&server, &office, "phien-2026-12", &[for_lan, for_minh]).await;
    assert_eq!((session.roster.len(), session.version, session.roster[0].id.as_str()), (19, 1, "tv-00"));
    let names: Vec<&str> = session.candidates.iter().map(|c| c.nominee_name.as_str()).collect();
    assert!(names.contains(&"Trần Thị Lan") && names.contains(&"Lê Văn Minh"), "{names:?}");
    assert_eq!(session.candidates[0].regime, "luat-2022-nd152");
    // Prepared twice (a retry): the same session, nothing new; the candidates are no longer waiting.
    assert_eq!(prepare(&server, &office, "phien-2026-12", &[for_lan, for_minh]).await, session);
    let ready: Vec<Value> =
        server.expect(Method::GET, "/api/council/candidates", Some(&office), None, StatusCode::OK).await;
    assert!(ready.is_empty());

    // 12 of 19 present is short of 2/3: no count is taken.
    let uri = format!("/api/council/sessions/{}/attendance", session.id);
    let twelve = everyone(&members[..12], Presence::Present);
    let session: CouncilSession = server
        .expect(Method::PUT, &uri, Some(&office), Some(json!({"version": 1, "presence": twelve})), StatusCode::OK)
        .await;
    let (status, body) = put_tally(&server, &office, &session, for_lan, tally(12, 12)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().starts_with("Chưa đủ số thành viên để biểu quyết: 12/19"), "{body}");

    let all = everyone(&members, Presence::Present);
    let session: CouncilSession = server
        .expect(Method::PUT, &uri, Some(&office), Some(json!({"version": 2, "presence": all})), StatusCode::OK)
        .await;
    // A count that does not add up is refused with its reason, and nothing changes.
    let broken = json!({"issued": 19, "returned": 19, "valid": 19, "invalid": 0, "yes": 18, "no": 2});
    let (status, body) = put_tally(&server, &office, &session, for_lan, broken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["message"],
        "Trần Thị Lan (Chiến sĩ thi đua Bộ, ban, ngành, tỉnh): Số phiếu đồng ý (18) và không đồng ý (2) phải cộng lại \
         bằng số phiếu hợp lệ (19)"
    );
    let (status, body) = put_tally(&server, &office, &session, for_lan, tally(18, 19)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let after_first: CouncilSession = serde_json::from_value(body).unwrap();
    // A second count made on the version the first one replaced is stale, not a silent overwrite.
    let (status, body) = put_tally(&server, &office, &session, for_minh, tally(16, 19)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = put_tally(&server, &office, &after_first, for_minh, tally(16, 19)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let counted: CouncilSession = serde_json::from_value(body).unwrap();
    let result = |id: Uuid| {
        counted.candidates.iter().find(|c| c.nomination_id == id.to_string()).unwrap().result.clone().unwrap()
    };
    assert!(result(for_lan).passed && !result(for_minh).passed);
    assert_eq!(result(for_lan).describe(), "18/19 đồng ý (94,7%), cần 18: Đạt");
    assert!(result(for_minh).rule.secret);

    // The minutes show each tally with the rule applied; the secretary confirms, then the chair, and it locks.
    let minutes_uri = format!("/api/council/sessions/{}/minutes", session.id);
    let minutes: Value = server.expect(Method::GET, &minutes_uri, Some(&chair), None, StatusCode::OK).await;
    let text = minutes["text"].as_str().unwrap();
    for line in [
        "Họp Hội đồng Thi đua - Khen thưởng Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc",
        "Thời gian: ngày 10/12/2026",
        "Chủ trì: Thành viên 00",
        "Thư ký: Thành viên 18",
        "Thành viên: tổng số 19, có mặt 19, vắng biểu quyết bằng văn bản 0, vắng 0",
        "Kết quả: 16/19 đồng ý (84,2%), cần 18: Không đạt (Bỏ phiếu kín, từ 90% trở lên tổng số thành viên Hội đồng;",
        "Kết luận: đề nghị cấp có thẩm quyền khen thưởng: Trần Thị Lan (Chiến sĩ thi đua Bộ, ban, ngành, tỉnh).",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    assert_eq!(minutes["locked"], false);
    let confirm_uri = format!("/api/council/sessions/{}/confirm", session.id);
    let staff = server.login("tamduong.lan").await;
    let (status, _) = server.call(Method::POST, &confirm_uri, Some(&staff), Some(json!({"version": 5}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let half: CouncilSession =
        server.expect(Method::POST, &confirm_uri, Some(&office), Some(json!({"version": 5})), StatusCode::OK).await;
    assert!(half.secretary_confirmed.is_some() && !half.locked());
    let locked: CouncilSession =
        server.expect(Method::POST, &confirm_uri, Some(&chair), Some(json!({"version": 6})), StatusCode::OK).await;
    assert!(locked.locked());

    // Locked: no count changes; a correction is a new session that names it.
    let (status, body) = put_tally(&server, &office, &locked, for_minh, tally(19, 19)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let stored: CouncilSession = server
        .expect(Method::GET, &format!("/api/council/sessions/{}", session.id), Some(&chair), None, StatusCode::OK)
        .await;
    assert_eq!(stored, locked);
    let correction = json!({"id": "phien-2026-12-dinh-chinh", "held_on": "2026-12-12", "place": "Phòng họp tầng 3",
                            "mode": "written", "nomination_ids": [for_minh], "corrects": session.id});
    let corrected: CouncilSession =
        server.expect(Method::POST, "/api/council/sessions", Some(&office), Some(correction), StatusCode::OK).await;
    assert_eq!(corrected.corrects.as_deref(), Some("phien-2026-12"));
    // Everything the office did is in its audit log, with before and after.
    assert_eq!(server.count("office_audit where object_kind = 'council_member'").await, 19);
    assert_eq!(server.count("office_audit where object_kind = 'council_session'").await, 8);
}

#[tokio::test]
async fn two_sessions_prepared_at_once_cannot_both_take_a_nomination() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let nominations = two_accepted_nominations(&server).await;
    roster_of_19(&server, &office).await;
    let body = |id: &str| json!({"id": id, "held_on": "2026-12-10", "place": "Phòng họp", "mode": "meeting", "nomination_ids": nominations});
    let (a, b) = tokio::join!(
        server.call(Method::POST, "/api/council/sessions", Some(&office), Some(body("phien-a"))),
        server.call(Method::POST, "/api/council/sessions", Some(&office), Some(body("phien-b"))),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert!(
        statuses == [StatusCode::OK, StatusCode::CONFLICT]
            || statuses == [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY],
        "{a:?} {b:?}"
    );
    assert_eq!(server.count("council_sessions").await, 1);
    assert_eq!(server.count("session_candidates").await, 2);
}

#[tokio::test]
async fn a_session_keeps_the_roster_of_its_day_and_absentees_vote_in_writing() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let [for_lan, _] = two_accepted_nominations(&server).await;
    let members = roster_of_19(&server, &office).await;
    let session = prepare(&server, &office, "phien-1", &[for_lan]).await;
    // A member leaves after the session was prepared: its roster does not change.
    let left = json!({"id": "tv-05", "name": "Thành viên 05", "position": "", "role": "uy_vien",
                      "valid_from": "2026-01-01", "valid_to": "2026-06-30"});
    let _: Value =
        server.expect(Method::PUT, "/api/council/members/tv-05", Some(&office), Some(left), StatusCode::OK).await;
    let stored: CouncilSession =
        server.expect(Method::GET, "/api/council/sessions/phien-1", Some(&office), None, StatusCode::OK).await;
    assert_eq!(stored.roster, session.roster);

    // 16 present and 3 voting in writing: 16 + 2 written yes = 18 of 19 passes.
    let mut presence = everyone(&members[..16], Presence::Present);
    for m in &members[16..] {
        presence[m] = json!("written");
    }
    let uri = "/api/council/sessions/phien-1/attendance";
    let session: CouncilSession = server
        .expect(Method::PUT, uri, Some(&office), Some(json!({"version": 1, "presence": presence})), StatusCode::OK)
        .await;
    let written = json!({"issued": 16, "returned": 16, "valid": 16, "invalid": 0, "yes": 16, "no": 0, "written_yes": 2, "written_no": 1});
    let (status, body) = put_tally(&server, &office, &session, for_lan, written).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["candidates"][0]["result"]["passed"], true);
    // Someone not on the roster cannot attend.
    let stranger = json!({"version": 3, "presence": {"nguoi-la": "present"}});
    let (status, body) = server.call(Method::PUT, uri, Some(&office), Some(stranger)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Marking a written voter absent would leave more written votes than voters: refused, the count stands.
    presence[&members[18]] = json!("absent");
    let (status, body) =
        server.call(Method::PUT, uri, Some(&office), Some(json!({"version": 3, "presence": presence}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["message"].as_str().unwrap().contains("biểu quyết bằng văn bản (3) vượt"), "{body}");
}

#[tokio::test]
async fn only_the_office_acts_council_members_read_and_units_see_nothing() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let [for_lan, _] = two_accepted_nominations(&server).await;
    roster_of_19(&server, &office).await;
    prepare(&server, &office, "phien-1", &[for_lan]).await;
    let member = json!({"id": "tv-99", "name": "Ai đó", "position": "", "role": "uy_vien", "valid_from": "2026-01-01"});
    let attendance = json!({"version": 1, "presence": {}});
    let new =
        json!({"id": "phien-2", "held_on": "2026-12-10", "place": "P", "mode": "meeting", "nomination_ids": [for_lan]});
    // (action, method, uri, body): who may is in the table below.
    let actions: [(&str, Method, &str, Option<Value>); 6] = [
        ("read roster", Method::GET, "/api/council/members", None),
        ("appoint", Method::PUT, "/api/council/members/tv-99", Some(member)),
        ("candidates", Method::GET, "/api/council/candidates", None),
        ("read session", Method::GET, "/api/council/sessions/phien-1", None),
        ("attendance", Method::PUT, "/api/council/sessions/phien-1/attendance", Some(attendance)),
        ("prepare", Method::POST, "/api/council/sessions", Some(new)),
    ];
    // Login → allowed actions.
    let matrix: [(&str, [bool; 6]); 5] = [
        ("vanphong", [true, true, true, true, true, true]),
        ("hoidong.thu", [true, false, false, true, false, false]),
        ("quantri", [false; 6]),
        ("tamduong.giamdoc", [false; 6]),
        ("tamduong.lan", [false; 6]),
    ];
    for (login, allowed) in matrix {
        let token = server.login(login).await;
        for ((name, method, uri, body), allowed) in actions.iter().zip(allowed) {
            let (status, answer) = server.call(method.clone(), uri, Some(&token), body.clone()).await;
            let ok = status.is_success() || (status == StatusCode::UNPROCESSABLE_ENTITY && *name == "prepare");
            assert_eq!(ok, allowed, "{login} {name}: {status} {answer}");
            if !allowed {
                assert_eq!(status, StatusCode::FORBIDDEN, "{login} {name}: {answer}");
            }
        }
    }
    // Malformed and unknown input gets a clear refusal.
    let (status, _) = server.call(Method::GET, "/api/council/sessions/khong-co", Some(&office), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = server
        .call(Method::PUT, "/api/council/sessions/phien-1/tallies/x", Some(&office), Some(json!({"version": "một"})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let bad = json!({"id": "tv-1", "name": "", "position": "", "role": "uy_vien", "valid_from": "2026-01-01"});
    let (status, body) = server.call(Method::PUT, "/api/council/members/tv-1", Some(&office), Some(bad)).await;
    assert_eq!((status, body["message"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Cần ghi họ tên")));
    let foreign = json!({"id": "tv-2", "name": "A", "position": "", "role": "uy_vien", "valid_from": "2026-01-01",
                         "user_id": "tamduong.lan"});
    let (status, _) = server.call(Method::PUT, "/api/council/members/tv-2", Some(&office), Some(foreign)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_issued_decision_awards_pays_and_closes_every_nomination_on_the_tablets() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let [waiting, _] = two_accepted_nominations(&server).await;
    roster_of_19(&server, &office).await;
    let before_lock = prepare(&server, &office, "chua-khoa", &[waiting]).await;
    let draft_body =
        |id: &str, session: &str, date: &str| json!({"id": id, "session_id": session, "header": header(date)});
    // An unlocked session has no decision yet.
    let (status, body) = server
        .call(Method::POST, "/api/decisions", Some(&office), Some(draft_body("qd-0", &before_lock.id, "2026-12-15")))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let [for_lan, for_minh] = two_accepted_nominations(&server).await;
    let session = locked_session(&server, &office, "phien-qd", [for_lan, for_minh]).await;

    // Drafted on 30/6/2026 the base salary is 2,340,000: 3 × = 7,020,000; moved to 15/12/2026, 2,530,000.
    let drafted: Value = server
        .expect(
            Method::POST,
            "/api/decisions",
            Some(&office),
            Some(draft_body("qd-1", &session.id, "2026-06-30")),
            StatusCode::OK,
        )
        .await;
    assert_eq!(drafted["recipients"][0]["amount"]["amount"], 7_020_000);
    assert_eq!(drafted["number"], Value::Null, "no number at drafting");
    let change = json!({"version": 1, "header": header("2026-12-15")});
    let edited: Value =
        server.expect(Method::PUT, "/api/decisions/qd-1", Some(&office), Some(change), StatusCode::OK).await;
    let recipient = &edited["recipients"][0];
    assert_eq!(
        (recipient["name"].as_str(), recipient["amount"]["amount"].as_u64()),
        (Some("Trần Thị Lan"), Some(7_590_000))
    );
    assert_eq!(recipient["amount"]["base_salary_article"], "Nghị định 161/2026/NĐ-CP");
    assert_eq!(edited["not_awarded"][0]["name"], "Lê Văn Minh");
    assert!(edited["not_awarded"][0]["reason"].as_str().unwrap().contains("16/19 đồng ý (84,2%), cần 18: Không đạt"));
    // A second decision of the same session is refused; an amendment must name an issued decision.
    let (status, _) = server
        .call(Method::POST, "/api/decisions", Some(&office), Some(draft_body("qd-2", &session.id, "2026-12-15")))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Issued twice at once: one number, one write-back.
    let issue = json!({"version": 2});
    let (a, b) = tokio::join!(
        server.call(Method::POST, "/api/decisions/qd-1/issue", Some(&office), Some(issue.clone())),
        server.call(Method::POST, "/api/decisions/qd-1/issue", Some(&office), Some(issue.clone())),
    );
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK), "{a:?} {b:?}");
    assert_eq!(a.1["number"], "1/QĐ-UBND");
    assert_eq!(a.1, b.1);
    let (status, _) = server
        .call(
            Method::PUT,
            "/api/decisions/qd-1",
            Some(&office),
            Some(json!({"version": 3, "header": header("2026-12-16")})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "an issued decision is never edited");
    assert_eq!(server.count("audit_log where action = 'award'").await, 1);
    assert_eq!(server.count("audit_log where action = 'decide'").await, 2);

    // The unit's tablet pulls the award into Lan's history and both nominations closed, Minh's with the reason.
    let tablet = server.login("tamduong.lan").await;
    let records = server.pull(&tablet, 0, 1000).await.records;
    let record = |id: Uuid| records.iter().find(|r| r.id == id).unwrap();
    assert_eq!(record(for_lan).state, domain::WorkflowState::Awarded);
    assert_eq!(record(for_minh).state, domain::WorkflowState::NotAwarded);
    assert!(record(for_minh).fields["outcome"]["reason"].as_str().unwrap().contains("Không đạt"));
    let lan_id: Uuid = record(for_lan).fields["nominee_id"].as_str().unwrap().parse().unwrap();
    let award = &record(lan_id).fields["decided_awards"][0];
    assert_eq!(
        (award["title"].as_str(), award["decision_number"].as_str()),
        (Some("Chiến sĩ thi đua Bộ, ban, ngành, tỉnh"), Some("1/QĐ-UBND"))
    );
    // The unit cannot edit what the decision wrote.
    let forged = set(RecordKind::Person, lan_id, record(lan_id).rev, json!({"decided_awards": []}));
    let answer = server.push(&tablet, &[forged]).await;
    assert!(matches!(answer.results[0].outcome, Outcome::Rejected { .. }), "{:?}", answer.results[0]);
    // Next year's rules count the award: the person holds CSTĐ Bộ/tỉnh in 2026.
    let views: Vec<domain::dossier::RecordView> = records
        .iter()
        .map(|r| domain::dossier::RecordView {
            id: r.id,
            deleted: r.deleted,
            kind: r.kind,
            unit_id: &r.unit_id,
            fields: &r.fields,
        })
        .collect();
    let facts = domain::dossier::Facts::gather(views.iter().copied(), &[TAM_DUONG.to_string()], &[]);
    let lan = facts.person(&lan_id.to_string()).unwrap();
    assert!(lan.awards.iter().any(|a| a.year == 2026 && a.decision_number == "1/QĐ-UBND"));

    // The public register lists it without sign-in; the next decision of the register takes number 2.
    let public: Vec<Value> = server.expect(Method::GET, "/api/public/decisions", None, None, StatusCode::OK).await;
    assert_eq!(public.len(), 1);
    assert_eq!(public[0]["recipients"][0]["title_name"], "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh");
    assert!(public[0].get("recipients").unwrap()[0].get("amount").is_none());
    let amend = json!({"id": "qd-1a", "session_id": session.id, "header": header("2026-12-20"), "amends": "qd-1"});
    let amended: Value =
        server.expect(Method::POST, "/api/decisions", Some(&office), Some(amend), StatusCode::OK).await;
    let issued: Value = server
        .expect(
            Method::POST,
            "/api/decisions/qd-1a/issue",
            Some(&office),
            Some(json!({"version": amended["version"]})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(issued["number"], "2/QĐ-UBND");
    // The amendment replaces the amended decision's award in the history instead of adding a second one.
    let records = server.pull(&server.login("tamduong.lan").await, 0, 1000).await.records;
    let awards = &records.iter().find(|r| r.id == lan_id).unwrap().fields["decided_awards"];
    assert_eq!(awards.as_array().map(Vec::len), Some(1), "{awards}");
    assert_eq!(awards[0]["decision_number"], "2/QĐ-UBND");
    let staff = server.login("tamduong.giamdoc").await;
    let (status, _) = server.call(Method::GET, "/api/decisions", Some(&staff), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Today in Vietnam, as the server counts a window's days.
fn vietnam_today() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(7)).date_naive()
}

#[tokio::test]
async fn the_public_comments_without_sign_in_and_the_decision_waits_for_every_answer() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let [for_lan, for_minh] = two_accepted_nominations(&server).await;
    let session = locked_session(&server, &office, "phien-ck", [for_lan, for_minh]).await;
    let publish = |id: &str, opens: chrono::NaiveDate| json!({"id": id, "session_id": session.id, "opens": opens});
    let published: Value = server
        .expect(
            Method::POST,
            "/api/publications",
            Some(&office),
            Some(publish("ck-1", vietnam_today())),
            StatusCode::OK,
        )
        .await;
    // Only the candidate who passed is published; the window is 10 working days.
    assert_eq!(published["candidates"].as_array().map(Vec::len), Some(1));
    assert_eq!(published["candidates"][0]["name"], "Trần Thị Lan");
    assert_eq!(published["working_days"], 10);
    let open: Vec<Value> = server.expect(Method::GET, "/api/public/publications", None, None, StatusCode::OK).await;
    assert_eq!(open.len(), 1, "listed without sign-in");

    let uri = "/api/public/publications/ck-1/comments";
    let markup = json!({"nomination_id": for_lan, "name": "Nguyễn Văn A", "contact": "0912 345 678",
                        "text": "<script>alert(1)</script> Chị Lan chưa hoàn thành sáng kiến"});
    let _: Value = server.expect(Method::POST, uri, None, Some(markup), StatusCode::OK).await;
    let stored: Vec<(String,)> = {
        let pool = server.pool().await;
        let rows = sqlx::query_as("select text from comments").fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    };
    assert_eq!(stored[0].0, "<script>alert(1)</script> Chị Lan chưa hoàn thành sáng kiến", "kept as the text it is");
    for (body, status) in [
        (json!({"nomination_id": for_lan, "name": "B", "text": "x".repeat(2001)}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"nomination_id": for_lan, "name": "", "text": "ý kiến"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"nomination_id": for_minh, "name": "B", "text": "ý kiến"}), StatusCode::NOT_FOUND),
        (json!({"nomination_id": for_lan, "name": "B"}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let (got, answer) = server.call(Method::POST, uri, None, Some(body)).await;
        assert_eq!(got, status, "{answer}");
    }
    // A flood sent at once from one address: 4 more are taken (5 in 10 minutes), the rest refused.
    let from: std::net::SocketAddr = "203.0.113.7:5000".parse().unwrap();
    let mut running = tokio::task::JoinSet::new();
    for i in 0..12 {
        let router = server.router.clone();
        let body = json!({"nomination_id": for_lan, "name": format!("Người {i}"), "text": "Ý kiến giống nhau"});
        let request = common::request(Method::POST, uri, None, Some(body), Some(from));
        running.spawn(async move { common::send(&router, request).await.0 });
    }
    let statuses = running.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count(), 7);
    // A window that has closed takes nothing.
    let _: Value = server
        .expect(
            Method::POST,
            "/api/publications",
            Some(&office),
            Some(publish("ck-cu", chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap())),
            StatusCode::OK,
        )
        .await;
    let late = json!({"nomination_id": for_lan, "name": "C", "text": "muộn"});
    let (status, _) = server.call(Method::POST, "/api/public/publications/ck-cu/comments", None, Some(late)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The decision waits while a comment is unanswered.
    let draft = json!({"id": "qd-ck", "session_id": session.id, "header": header("2026-12-15")});
    let drafted: Value =
        server.expect(Method::POST, "/api/decisions", Some(&office), Some(draft), StatusCode::OK).await;
    let issue = json!({"version": drafted["version"]});
    let (status, body) =
        server.call(Method::POST, "/api/decisions/qd-ck/issue", Some(&office), Some(issue.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"].as_str().unwrap().starts_with("Còn ý kiến nhân dân chưa được trả lời về: Trần Thị Lan"),
        "{body}"
    );
    let listed: Vec<Value> = server.expect(Method::GET, "/api/publications", Some(&office), None, StatusCode::OK).await;
    let comments: Vec<i64> = listed.iter().find(|p| p["publication"]["id"] == "ck-1").unwrap()["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(comments.len(), 6);
    let (status, _) = server
        .call(
            Method::PUT,
            &format!("/api/publications/ck-1/comments/{}", comments[0]),
            Some(&office),
            Some(json!({"triage": "refuted", "answer": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an answer needs a text");
    for id in &comments {
        let answer = json!({"triage": "refuted", "answer": "Sáng kiến đã được Hội đồng sáng kiến tỉnh công nhận ngày 15/10/2026."});
        let _: Value = server
            .expect(
                Method::PUT,
                &format!("/api/publications/ck-1/comments/{id}"),
                Some(&office),
                Some(answer),
                StatusCode::OK,
            )
            .await;
    }
    let issued: Value =
        server.expect(Method::POST, "/api/decisions/qd-ck/issue", Some(&office), Some(issue), StatusCode::OK).await;
    assert_eq!(issued["number"], "1/QĐ-UBND");
    // Units and the public cannot triage.
    let head = server.login("tamduong.giamdoc").await;
    let (status, _) = server
        .call(
            Method::PUT,
            &format!("/api/publications/ck-1/comments/{}", comments[0]),
            Some(&head),
            Some(json!({"triage": "verified", "answer": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.call(Method::GET, "/api/publications", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(server.count("office_audit where action = 'answer'").await, 6);
}

/// Every row of every table, each as one line of its quoted values: what someone reading the database sees.
async fn every_row(server: &TestServer) -> std::collections::BTreeSet<String> {
    let pool = server.pool().await;
    let postgres = common::postgres().is_some();
    let (tables, columns, quote) = if postgres {
        (
            "select table_name::text from information_schema.tables where table_schema = 'public'",
            "select column_name::text from information_schema.columns where table_name = $1 order by ordinal_position",
            "quote_nullable(\"{}\"::text)",
        )
    } else {
        (
            "select name from sqlite_master where type = 'table'",
            "select name from pragma_table_info($1)",
            "quote(\"{}\")",
        )
    };
    let tables: Vec<String> = sqlx::query_scalar(tables).fetch_all(&pool).await.unwrap();
    let mut rows = std::collections::BTreeSet::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar(columns).bind(&table).fetch_all(&pool).await.unwrap();
        let line = columns.iter().map(|c| quote.replace("{}", c)).collect::<Vec<_>>().join(" || '|' || ");
        let found: Vec<String> = sqlx::query_scalar(&format!("select '{table}|' || {line} from \"{table}\""))
            .fetch_all(&pool)
            .await
            .unwrap();
        rows.extend(found);
    }
    pool.close().await;
    rows
}

/// A log that keeps every line the server writes while a test runs.
#[derive(Clone, Default)]
struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn members_vote_on_their_devices_in_secret_each_counted_once_and_the_box_becomes_the_tally() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let [for_lan, for_minh] = two_accepted_nominations(&server).await;
    let members = roster_of_19(&server, &office).await;
    // Three more members get accounts: tv-02 and tv-03 attend, tv-04 votes in writing.
    let hash = server::accounts::hash_password(common::world::PASSWORD).unwrap();
    for (i, id) in members.iter().enumerate().take(5).skip(2) {
        let login = format!("hoidong.{i:02}");
        let user = server::db::NewUser {
            id: &login,
            login: &login,
            full_name: "Thành viên",
            position: "",
            role: domain::api::Role::CouncilMember,
            unit_id: common::world::DEPARTMENT,
            password_hash: &hash,
        };
        server.db.insert_user(&user).await.unwrap();
        let member = json!({"id": id, "name": format!("Thành viên {i:02}"), "position": "Giám đốc Sở",
                            "role": "uy_vien", "valid_from": "2026-01-01", "user_id": login});
        let uri = format!("/api/council/members/{id}");
        let _: Value = server.expect(Method::PUT, &uri, Some(&office), Some(member), StatusCode::OK).await;
    }
    let session = prepare(&server, &office, "phien-phieu", &[for_lan, for_minh]).await;
    let mut presence: std::collections::BTreeMap<String, Presence> =
        members.iter().map(|m| (m.clone(), Presence::Present)).collect();
    presence.insert(members[4].clone(), Presence::Written);
    presence.insert(members[5].clone(), Presence::Absent);
    let uri = format!("/api/council/sessions/{}/attendance", session.id);
    let body = json!({"version": session.version, "presence": presence});
    let session: CouncilSession = server.expect(Method::PUT, &uri, Some(&office), Some(body), StatusCode::OK).await;

    let chair = server.login("hoidong.thu").await;
    let [tv02, tv03, tv04] =
        [server.login("hoidong.02").await, server.login("hoidong.03").await, server.login("hoidong.04").await];
    let ballot_uri = "/api/council/sessions/phien-phieu/ballot";
    let ballot = |lan: &str, minh: &str| json!({"choices": {for_lan.to_string(): lan, for_minh.to_string(): minh}});
    let before = every_row(&server).await;
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);

    for (token, choices) in
        [(&chair, ballot("yes", "yes")), (&office, ballot("yes", "no")), (&tv02, ballot("no", "blank"))]
    {
        let receipt: Value = server.expect(Method::POST, ballot_uri, Some(token), Some(choices), StatusCode::OK).await;
        assert_eq!(receipt, json!({"counted": true, "message": "Phiếu của bạn đã được tính."}));
    }
    // tv-03's tablet sends its queued ballot five times at once: it counts once.
    let mut running = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let router = server.router.clone();
        let request = common::request(Method::POST, ballot_uri, Some(&tv03), Some(ballot("yes", "yes")), None);
        running.spawn(async move { common::send(&router, request).await });
    }
    let answers = running.join_all().await;
    assert!(answers.iter().all(|(status, _, _)| *status == StatusCode::OK), "{answers:?}");
    assert_eq!(answers.iter().filter(|(_, _, body)| body["counted"] == true).count(), 1);
    // The member voting in writing; then the chair's tablet replays an older ballot, with other choices.
    let _: Value =
        server.expect(Method::POST, ballot_uri, Some(&tv04), Some(ballot("yes", "no")), StatusCode::OK).await;
    let replay: Value =
        server.expect(Method::POST, ballot_uri, Some(&chair), Some(ballot("no", "no")), StatusCode::OK).await;
    assert_eq!(replay["counted"], false);
    drop(guard);

    // Nothing stored, logged or answered links a voter to a choice.
    let voters = ["hoidong.thu", "vanphong", "hoidong.02", "hoidong.03", "hoidong.04"]
        .into_iter()
        .map(String::from)
        .chain(members[..5].iter().cloned())
        .collect::<Vec<_>>();
    let nominations = [for_lan.to_string(), for_minh.to_string()];
    let after = every_row(&server).await;
    let new_rows: Vec<&String> = after.difference(&before).collect();
    assert!(
        new_rows.iter().any(|r| r.starts_with("ballot_voters|"))
            && new_rows.iter().any(|r| r.starts_with("ballot_totals|"))
    );
    for row in &new_rows {
        let names_voter = voters.iter().any(|v| row.contains(&format!("'{v}'")));
        let names_candidate = nominations.iter().any(|n| row.contains(n.as_str()));
        assert!(!(names_voter && names_candidate), "a stored row links a member to a choice: {row}");
    }
    assert_eq!(new_rows.iter().filter(|r| r.starts_with("ballot_voters|")).count(), 5, "{new_rows:?}");
    let log = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("ballot received"), "the log was captured: {log}");
    for line in log.lines() {
        assert!(!nominations.iter().any(|n| line.contains(n.as_str())), "a log line names a candidate: {line}");
        assert!(!line.contains("choices"), "{line}");
    }

    // Until the box is closed, nobody sees a running count, only who voted.
    let open: Value = server
        .expect(Method::GET, "/api/council/sessions/phien-phieu/ballots", Some(&chair), None, StatusCode::OK)
        .await;
    assert_eq!(open["voted"], json!([members[0], members[2], members[3], members[4], members[18]]));
    assert_eq!((open["closed"].clone(), open["totals"].clone()), (json!(false), json!([])));
    // Bad ballots: a candidate missing, from a unit's staff, and for another session.
    let (status, body) = server
        .call(Method::POST, ballot_uri, Some(&chair), Some(json!({"choices": {for_lan.to_string(): "yes"}})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let staff = server.login("tamduong.lan").await;
    let (status, _) = server.call(Method::POST, ballot_uri, Some(&staff), Some(ballot("yes", "yes"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .call(Method::POST, "/api/council/sessions/khong-co/ballot", Some(&chair), Some(ballot("yes", "yes")))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Only the office closes the box; the totals become the tallies, counted under the title's rule.
    let close = "/api/council/sessions/phien-phieu/ballots/close";
    let (status, _) = server.call(Method::POST, close, Some(&chair), Some(json!({"version": session.version}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let counted: CouncilSession = server
        .expect(Method::POST, close, Some(&office), Some(json!({"version": session.version})), StatusCode::OK)
        .await;
    let tally_of =
        |id: Uuid| counted.candidates.iter().find(|c| c.nomination_id == id.to_string()).unwrap().tally.unwrap();
    let lan = tally_of(for_lan);
    assert_eq!(
        (lan.issued, lan.returned, lan.valid, lan.invalid, lan.yes, lan.no, lan.written_yes, lan.written_no),
        (17, 4, 4, 0, 3, 1, 1, 0)
    );
    let minh = tally_of(for_minh);
    assert_eq!(
        (minh.issued, minh.returned, minh.valid, minh.invalid, minh.yes, minh.no, minh.written_yes, minh.written_no),
        (17, 4, 3, 1, 2, 1, 0, 1)
    );
    let result =
        counted.candidates.iter().find(|c| c.nomination_id == for_lan.to_string()).unwrap().result.clone().unwrap();
    assert_eq!((result.yes, result.of, result.needed, result.passed), (4, 19, 18, false));
    // A closed box takes no more ballots; its totals are now shown.
    let (status, _) = server.call(Method::POST, ballot_uri, Some(&tv02), Some(ballot("yes", "yes"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let closed: Value = server
        .expect(Method::GET, "/api/council/sessions/phien-phieu/ballots", Some(&office), None, StatusCode::OK)
        .await;
    assert_eq!(closed["closed"], true);
    assert_eq!(closed["totals"].as_array().map(Vec::len), Some(2));
    assert_eq!(server.count("office_audit where object_kind = 'ballot_box' and action = 'close'").await, 1);
}
