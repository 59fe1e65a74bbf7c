//! Clusters over the real router: members score themselves as records, the leader reviews, the office adds its
//! part and publishes; lateness comes from the audit log; the Cờ thi đua rule reads the published ranking.

mod common;

use axum::http::{Method, StatusCode};
use chrono::{NaiveDate, Utc};
use common::office::{applied, late_q3_report, mutation};
use common::server;
use common::world::{LAP_THACH, TAM_DUONG};
use domain::cluster::Membership;
use domain::model::cluster_score_id;
use domain::workflow::Action;
use domain::{Fields, Mutation, Op, RecordKind, RecordRef};
use serde_json::{json, Value};
use uuid::Uuid;

const CLUSTER: &str = "/api/clusters/cum-ttvh-cap-huyen/years/2026";

/// The demo's cluster, with the two centres of the tests' world as its members.
async fn cluster_of_two(server: &common::TestServer) {
    let mut cluster = server::demo::cluster_of_centres();
    cluster.members = [TAM_DUONG, LAP_THACH]
        .map(|unit| Membership {
            unit_id: unit.into(),
            valid_from: NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
            valid_to: None,
            unit_name: String::new(),
        })
        .to_vec();
    assert!(server.db.insert_cluster(&cluster, "vanphong", Utc::now()).await.unwrap());
}

fn score(unit: &str, entries: Value) -> Mutation {
    let fields: Fields =
        serde_json::from_value(json!({"cluster_id": "cum-ttvh-cap-huyen", "year": "2026", "entries": entries}))
            .unwrap();
    let id = cluster_score_id(unit, 2026);
    Mutation::new(
        Uuid::new_v4(),
        &RecordRef::new(id, RecordKind::ClusterScore, unit),
        0,
        Op::Set { fields },
        Utc::now(),
    )
}

fn submit(unit: &str, id: Uuid, kind: RecordKind) -> Mutation {
    let op = Op::Transition { action: Action::Submit };
    Mutation::new(Uuid::new_v4(), &RecordRef::new(id, kind, unit), 1, op, Utc::now())
}

/// Full marks on every criterion but the films, where the unit reached `films` of a plan of 100.
fn entries(films: f64) -> Value {
    json!([
        {"criterion": "tuyen-truyen", "plan": 40, "actual": 40, "evidence": "Sổ theo dõi tuyên truyền lưu động"},
        {"criterion": "van-nghe", "plan": 100, "actual": films, "evidence": "Biên bản nghiệm thu buổi chiếu"},
        {"criterion": "the-thao", "plan": 3, "actual": 3},
        {"criterion": "vi-pham", "plan": 5, "actual": 5},
        {"criterion": "phong-trao", "grade": "A"},
        {"criterion": "bao-cao", "grade": "A"},
    ])
}

async fn version(server: &common::TestServer, token: &str) -> i64 {
    let board: Value = server.expect(Method::GET, CLUSTER, Some(token), None, StatusCode::OK).await;
    board["cluster"]["version"].as_i64().unwrap()
}

#[tokio::test]
async fn members_score_the_leader_reviews_the_office_publishes_and_the_flag_reads_the_ranking() {
    let server = server().await;
    cluster_of_two(&server).await;
    let (tam_duong, lap_thach) = (server.login("tamduong.giamdoc").await, server.login("lapthach.giamdoc").await);
    let office = server.login("vanphong").await;

    // Lập Thạch sent its Q3 report twelve days after 15/9; the audit log dates it.
    late_q3_report(&server).await;

    // Both score themselves; a draft is not on the board until the head sends it.
    applied(&server, &tam_duong, &[score(TAM_DUONG, entries(100.0))]).await;
    applied(&server, &lap_thach, &[score(LAP_THACH, entries(120.0))]).await;
    let board: Value = server.expect(Method::GET, CLUSTER, Some(&office), None, StatusCode::OK).await;
    assert!(board["ranking"]["standings"].as_array().unwrap().is_empty(), "drafts are not ranked");
    applied(&server, &tam_duong, &[submit(TAM_DUONG, cluster_score_id(TAM_DUONG, 2026), RecordKind::ClusterScore)])
        .await;
    applied(&server, &lap_thach, &[submit(LAP_THACH, cluster_score_id(LAP_THACH, 2026), RecordKind::ClusterScore)])
        .await;

    // Lập Thạch's own figures: 100 + 2 over plan − 10 late = 92; Tam Dương 100.
    let board: Value = server.expect(Method::GET, CLUSTER, Some(&office), None, StatusCode::OK).await;
    let row = |board: &Value, unit: &str| {
        board["rows"].as_array().unwrap().iter().find(|r| r["sheet"]["unit_id"] == unit).unwrap().clone()
    };
    let lt = row(&board, LAP_THACH);
    assert_eq!(lt["sheet"]["total"], 92.0, "{lt:#}");
    assert_eq!(lt["sheet"]["adjustments"][0]["text"], "Báo cáo Quý III/2026 gửi muộn 12 ngày");
    assert_eq!(row(&board, TAM_DUONG)["sheet"]["total"], 100.0);

    // Only the leader's head reviews; a deputy-less member, staff and unknown criteria are refused.
    let v = version(&server, &office).await;
    let review = |films: f64| json!({"version": v, "entries": entries(films)});
    let uri = format!("{CLUSTER}/reviews/{LAP_THACH}");
    let staff = server.login("tamduong.lan").await;
    let (status, _) = server.call(Method::PUT, &uri, Some(&staff), Some(review(110.0))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.call(Method::PUT, &uri, Some(&lap_thach), Some(review(110.0))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the deputy does not review its own unit");
    let bad = json!({"version": v, "entries": [{"criterion": "khong-co", "plan": 1, "actual": 1}]});
    let (status, body) = server.call(Method::PUT, &uri, Some(&tam_duong), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let negative = json!({"version": v, "entries": [{"criterion": "van-nghe", "plan": 100, "actual": -1}]});
    let (status, _) = server.call(Method::PUT, &uri, Some(&tam_duong), Some(negative)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Two reviews made on one version arrive at once: one is stored, the other is told to reload.
    let (first, second) = tokio::join!(
        server.call(Method::PUT, &uri, Some(&tam_duong), Some(review(80.0))),
        server.call(Method::PUT, &uri, Some(&tam_duong), Some(review(110.0))),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);

    // The office gives its part III on a fresh version, then publishes.
    let v = version(&server, &office).await;
    let unknown = json!({"version": v, "codes": ["khong-co"]});
    let (status, _) =
        server.call(Method::PUT, &format!("{CLUSTER}/standing/{TAM_DUONG}"), Some(&office), Some(unknown)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .call(
            Method::PUT,
            &format!("{CLUSTER}/standing/{TAM_DUONG}"),
            Some(&tam_duong),
            Some(json!({"version": v, "codes": []})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the standing body's part is the office's");
    let twice = json!({"version": v, "codes": ["sang-tao", "sang-tao"]});
    let (status, _) =
        server.call(Method::PUT, &format!("{CLUSTER}/standing/{TAM_DUONG}"), Some(&office), Some(twice)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a bonus is given once");
    let give = json!({"version": v, "codes": ["vang-hop"]});
    let _: Value = server
        .expect(Method::PUT, &format!("{CLUSTER}/standing/{TAM_DUONG}"), Some(&office), Some(give), StatusCode::OK)
        .await;
    let board: Value = server.expect(Method::GET, CLUSTER, Some(&office), None, StatusCode::OK).await;
    assert_eq!(row(&board, TAM_DUONG)["sheet"]["total"], 95.0);
    let reviewed = row(&board, LAP_THACH)["sheet"].clone();
    assert_eq!(reviewed["reviewed"], true);
    assert!(reviewed["total"] == 86.0 || reviewed["total"] == 92.0, "one of the two reviews counts: {reviewed:#}");

    let v = version(&server, &office).await;
    let (status, _) =
        server.call(Method::POST, &format!("{CLUSTER}/ranking"), Some(&tam_duong), Some(json!({"version": v}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let published: Value = server
        .expect(Method::POST, &format!("{CLUSTER}/ranking"), Some(&office), Some(json!({"version": v})), StatusCode::OK)
        .await;
    let standings = &published["years"][0]["ranking"]["standings"];
    assert_eq!(standings[0]["unit_id"], TAM_DUONG);
    assert_eq!((standings[0]["rank"].as_u64(), standings[0]["proposed"].as_str()), (Some(1), Some("co-bo-tinh")));
    let again = json!({"version": published["version"]});
    let (status, _) = server.call(Method::POST, &format!("{CLUSTER}/ranking"), Some(&office), Some(again)).await;
    assert_eq!(status, StatusCode::CONFLICT, "a published year is closed");
    let late = json!({"version": published["version"], "entries": entries(100.0)});
    let (status, _) = server.call(Method::PUT, &uri, Some(&tam_duong), Some(late)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Tablets get the ranking with their reference data; a member sees its own review, not the others'.
    let reference: Value = server.expect(Method::GET, "/api/reference", Some(&tam_duong), None, StatusCode::OK).await;
    let year = &reference["clusters"][0]["years"][0];
    assert_eq!(year["ranking"]["standings"][0]["unit_id"], TAM_DUONG);
    assert!(year["reviews"].as_object().unwrap().is_empty(), "Lập Thạch's review stays with the leader and office");
    let theirs: Value = server.expect(Method::GET, "/api/reference", Some(&lap_thach), None, StatusCode::OK).await;
    assert!(theirs["clusters"][0]["years"][0]["reviews"].get(LAP_THACH).is_some());
    let (status, _) = server.call(Method::GET, CLUSTER, Some(&server.login("tamduong.lan").await), None).await;
    assert_eq!(status, StatusCode::OK, "the leading unit's people read the board");

    // Tam Dương nominates itself for Cờ thi đua: the stored verdict reads the ranking.
    let flag = Uuid::new_v4();
    let nomination = json!({"year": "2026", "nominee_kind": "collective", "nominee_id": TAM_DUONG,
                            "title": "co-bo-tinh", "summary": "Dẫn đầu cụm", "justification": "Dẫn đầu cụm năm 2026"});
    applied(&server, &tam_duong, &[common::office::set(RecordKind::Nomination, flag, 0, nomination)]).await;
    applied(
        &server,
        &tam_duong,
        &[mutation(RecordKind::Nomination, flag, 1, Op::Transition { action: Action::Submit })],
    )
    .await;
    let stored = server.db.stored_record(&flag.to_string()).await.unwrap().unwrap();
    let items = stored.fields["verdict"]["items"].as_array().unwrap().clone();
    let leads = items.iter().find(|i| i["text"].as_str().unwrap().starts_with("Xếp thứ")).expect("{items:#?}");
    assert_eq!(leads["met"], true);
    assert_eq!(
        leads["text"],
        "Xếp thứ 1/2 Cụm thi đua các Trung tâm Văn hóa - Thông tin cấp huyện năm 2026, trong chỉ tiêu đề nghị \"Cờ thi đua của Bộ, ban, ngành, tỉnh\""
    );
}

#[tokio::test]
async fn bad_requests_get_clear_answers_and_change_nothing() {
    let server = server().await;
    cluster_of_two(&server).await;
    let office = server.login("vanphong").await;
    let (status, _) = server.call(Method::GET, "/api/clusters/khong-co/years/2026", Some(&office), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        server.call(Method::GET, "/api/clusters/cum-ttvh-cap-huyen/years/2019", Some(&office), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server.call(Method::GET, CLUSTER, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) =
        server.call(Method::POST, &format!("{CLUSTER}/ranking"), Some(&office), Some(json!({"version": 1}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nobody has scored yet");
    let (status, _) =
        server.call(Method::POST, &format!("{CLUSTER}/ranking"), Some(&office), Some(json!({"version": "một"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let head = server.login("tamduong.giamdoc").await;
    let review = json!({"version": 1, "entries": entries(100.0)});
    let (status, body) =
        server.call(Method::PUT, &format!("{CLUSTER}/reviews/{LAP_THACH}"), Some(&head), Some(review)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "Lập Thạch has sent nothing: {body}");
    // A self-score with a malformed figure never reaches storage.
    let bad = score(TAM_DUONG, json!([{"criterion": "van-nghe", "plan": "nhiều"}]));
    let answer = server.push(&head, &[bad]).await;
    assert!(matches!(answer.results[0].outcome, domain::sync::Outcome::Rejected { .. }), "{answer:?}");
    let stored = server.db.cluster("cum-ttvh-cap-huyen").await.unwrap().unwrap();
    assert_eq!(stored.version, 1, "nothing refused was stored");
}

#[tokio::test]
async fn the_office_defines_clusters_and_a_published_year_stays_as_it_was() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let mut definition =
        serde_json::to_value(domain::cluster::ClusterDefinition::of(&server::demo::cluster_of_centres())).unwrap();
    definition["members"] = json!([
        {"unit_id": TAM_DUONG, "valid_from": "2021-01-01"},
        {"unit_id": LAP_THACH, "valid_from": "2021-01-01"},
    ]);
    let uri = "/api/clusters/khoi-hai-trung-tam";
    let made: Value = server
        .expect(Method::PUT, uri, Some(&office), Some(json!({"version": 0, "definition": definition})), StatusCode::OK)
        .await;
    assert_eq!(made["version"], 1);
    let (status, _) =
        server.call(Method::PUT, uri, Some(&office), Some(json!({"version": 0, "definition": definition}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "the id is taken");

    // Two changes made on version 1 arrive at once: one is stored, the other is told to reload.
    let mut renamed = definition.clone();
    renamed["name"] = json!("Khối hai Trung tâm");
    let change = json!({"version": 1, "definition": renamed});
    let (first, second) = tokio::join!(
        server.call(Method::PUT, uri, Some(&office), Some(change.clone())),
        server.call(Method::PUT, uri, Some(&office), Some(change.clone())),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let listed: Vec<Value> = server.expect(Method::GET, "/api/clusters", Some(&office), None, StatusCode::OK).await;
    assert_eq!(listed.iter().find(|c| c["id"] == "khoi-hai-trung-tam").unwrap()["name"], "Khối hai Trung tâm");

    // Refused: a unit outside the office's scope, a leader who is not a member, a bad id, a field role.
    let mut outside = renamed.clone();
    outside["members"][1]["unit_id"] = json!("ttvh-tinh-khac");
    let (status, body) =
        server.call(Method::PUT, uri, Some(&office), Some(json!({"version": 2, "definition": outside}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("ttvh-tinh-khac"), "{body}");
    let (status, _) = server
        .call(
            Method::PUT,
            "/api/clusters/Kh%E1%BB%91i%20A",
            Some(&office),
            Some(json!({"version": 0, "definition": renamed})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an id with marks and spaces");
    let head = server.login("tamduong.giamdoc").await;
    let (status, _) =
        server.call(Method::PUT, uri, Some(&head), Some(json!({"version": 2, "definition": renamed}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.call(Method::GET, "/api/clusters", Some(&head), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Once its year is published, its covenant stays as it was.
    let stored = server.db.cluster("khoi-hai-trung-tam").await.unwrap().unwrap();
    let mut published = stored.clone();
    published.years[0].ranking = Some(domain::cluster::Ranking {
        published_on: NaiveDate::from_ymd_opt(2027, 1, 8).unwrap(),
        standings: Vec::new(),
    });
    let _ = server
        .db
        .update_document::<domain::cluster::Cluster, ()>(
            "khoi-hai-trung-tam",
            stored.version,
            ("vanphong", "publish"),
            Utc::now(),
            |c| {
                *c = published;
                Ok(())
            },
        )
        .await
        .unwrap();
    let mut changed = renamed;
    changed["years"][0]["covenant"]["returned_dossier_points"] = json!(-10.0);
    let (status, body) = server
        .call(Method::PUT, uri, Some(&office), Some(json!({"version": stored.version + 1, "definition": changed})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}
