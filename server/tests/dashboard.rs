//! The dashboard over the real router: a late report shows as late, every bar counts its list, and the awards
//! agree with the statistical returns of the same year.

mod common;

use axum::http::{Method, StatusCode};
use common::office::*;
use common::server;
use serde_json::{json, Value};

fn bar<'a>(board: &'a Value, chart: &str, key: &str) -> &'a Value {
    let chart = board["charts"].as_array().unwrap().iter().find(|c| c["id"] == chart).unwrap();
    chart["bars"].as_array().unwrap().iter().find(|b| b["key"] == key).unwrap()
}

#[tokio::test]
async fn late_reports_show_late_and_awards_agree_with_the_returns() {
    let server = server().await;
    let office = server.login("vanphong").await;

    // Lập Thạch's Q3 report, sent on 27/9: twelve days after its deadline.
    late_q3_report(&server).await;

    let board: Value = server.expect(Method::GET, "/api/dashboard/2026/3", Some(&office), None, StatusCode::OK).await;
    let late = bar(&board, "reports", "late");
    assert_eq!(late["count"], 1);
    assert_eq!(late["items"][0], "Trung tâm VH-TT-TT huyện Lập Thạch: Gửi ngày 27/09/2026, muộn 12 ngày");
    let rows = board["reports"].as_array().unwrap();
    let tam_duong = rows.iter().find(|r| r["unit_id"] == "ttvh-tam-duong").unwrap();
    assert_eq!(tam_duong["timing"], "missing", "its Q3 report was never sent");

    // Two nominations accepted, passed by a locked session and awarded by an issued decision.
    let [for_lan, for_minh] = two_accepted_nominations(&server).await;
    let session = locked_session(&server, &office, "phien-db", [for_lan, for_minh]).await;
    let draft = json!({"id": "qd-db", "session_id": session.id, "header": header("2026-12-15")});
    let drafted: Value =
        server.expect(Method::POST, "/api/decisions", Some(&office), Some(draft), StatusCode::OK).await;
    let issue = json!({"version": drafted["version"]});
    let _: Value =
        server.expect(Method::POST, "/api/decisions/qd-db/issue", Some(&office), Some(issue), StatusCode::OK).await;

    let board: Value = server.expect(Method::GET, "/api/dashboard/2026/4", Some(&office), None, StatusCode::OK).await;
    for chart in board["charts"].as_array().unwrap() {
        for b in chart["bars"].as_array().unwrap() {
            assert_eq!(b["count"].as_u64().unwrap() as usize, b["items"].as_array().unwrap().len(), "{b}");
        }
    }
    let awards: u64 = board["charts"].as_array().unwrap().iter().find(|c| c["id"] == "awards-title").unwrap()["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    let returns: Vec<Value> =
        server.expect(Method::GET, "/api/statistics/2026", Some(&office), None, StatusCode::OK).await;
    let total = |code: &str, row: usize| {
        let r = returns.iter().find(|r| r["code"].as_str().unwrap().starts_with(code)).unwrap();
        r["rows"][row]["values"][0].as_u64().unwrap()
    };
    assert_eq!(awards, total("0602", 0) + total("0603", 0), "the dashboard counts what the returns count");
    assert!(awards >= 1);
    let share = &board["direct_workers"];
    assert_eq!(share["recipients_direct"].as_u64().unwrap(), total("0602", 3) + total("0603", 3));
    assert_eq!(share["target_percent"], 30);
    assert_eq!(bar(&board, "decisions", "issued")["count"], 1);
    assert!(bar(&board, "nominations-status", "awarded")["count"].as_u64().unwrap() >= 1);

    // Who may not, and what is not a quarter.
    let staff = server.login("tamduong.lan").await;
    let (status, _) = server.call(Method::GET, "/api/dashboard/2026/4", Some(&staff), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.call(Method::GET, "/api/dashboard/2026/5", Some(&office), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server.call(Method::GET, "/api/dashboard/nam/4", Some(&office), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a year that is not a number");
}
