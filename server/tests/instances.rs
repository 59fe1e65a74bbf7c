//! Several server instances on one database (PostgreSQL in production, where writes take turns by a lock every
//! instance shares; SQLite's own write lock here by default): a tablet's session works on either, a pull never
//! steps over a change that commits after a later one was read, and an upload's turn holds across instances.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use axum::Router;
use common::{push_body, request, send, server, set, TAM_DUONG};
use domain::sync::PullResponse;
use server::files::Files;
use uuid::Uuid;

async fn push_one(router: &Router, token: &str, record: Uuid, text: &str) {
    let mutations = [set(record, TAM_DUONG, 0, &[("summary", text)])];
    let (status, _, body) =
        send(router, request(Method::POST, "/api/sync/push", Some(token), Some(push_body(&mutations)), None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["results"][0]["status"], "applied", "{body}");
}

async fn pull(router: &Router, token: &str, cursor: i64) -> PullResponse {
    let uri = format!("/api/sync/pull?cursor={cursor}&limit=7");
    let (status, _, body) = send(router, request(Method::GET, &uri, Some(token), None, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

/// Eight tablets push at once through two instances while a third pulls, in small pages, through both: every
/// acknowledged record reaches the reader through its cursor alone. A cursor moved past a change that committed
/// after a later one (or a page read across two snapshots) would lose it for good.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pulls_during_pushes_through_two_instances_miss_no_commit() {
    let s = server().await;
    let instances = [s.router.clone(), s.another_instance().await];
    let writers = [s.login("tamduong.lan").await, s.login("tamduong.minh").await];
    let reader = s.login("tamduong.giamdoc").await;

    let mut pushers = tokio::task::JoinSet::new();
    for tablet in 0..8 {
        let router = instances[tablet % 2].clone();
        let token = writers[tablet / 4].clone();
        pushers.spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0..15 {
                let record = Uuid::new_v4();
                push_one(&router, &token, record, &format!("máy {tablet}, lần {i}")).await;
                acknowledged.push(record);
            }
            acknowledged
        });
    }

    let (mut cursor, mut seen, mut pulls, mut acknowledged) = (0, HashSet::new(), 0, Vec::new());
    loop {
        while let Some(pushed) = pushers.try_join_next() {
            acknowledged.extend(pushed.expect("a tablet's pushes"));
        }
        let done = pushers.is_empty();
        // Drain to the end of what is there now; once the pushers are done, that is everything.
        loop {
            let page = pull(&instances[pulls % 2], &reader, cursor).await;
            pulls += 1;
            seen.extend(page.records.iter().map(|r| r.id));
            cursor = page.next_cursor;
            if !page.has_more {
                break;
            }
        }
        if done {
            break;
        }
    }
    let missed: Vec<&Uuid> = acknowledged.iter().filter(|id| !seen.contains(id)).collect();
    assert_eq!(acknowledged.len(), 120);
    assert!(missed.is_empty(), "{} of 120 records never reached the reader over {pulls} pulls", missed.len());
}

/// A write transaction held open by another instance: the others' writes wait their turn, a pull meanwhile
/// sees none of them, and once it ends they commit and reach the reader from the cursor it had.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_held_open_elsewhere_holds_the_others_back_and_the_cursor_with_them() {
    let s = server().await;
    let second = s.another_instance().await;
    let lan = s.login("tamduong.lan").await;
    let reader = s.login("tamduong.giamdoc").await;
    push_one(&s.router, &lan, Uuid::new_v4(), "trước").await;
    let cursor = pull(&s.router, &reader, 0).await.next_cursor;

    let pool = s.pool().await;
    let mut held = pool.acquire().await.unwrap();
    if common::postgres().is_some() {
        sqlx::query("begin").execute(&mut *held).await.unwrap();
        let lock = sqlx::query("select pg_advisory_xact_lock($1)").bind(server::db::WRITE_LOCK);
        lock.execute(&mut *held).await.unwrap();
    } else {
        sqlx::query("begin immediate").execute(&mut *held).await.unwrap();
    }
    let record = Uuid::new_v4();
    let waiting = tokio::spawn(async move { push_one(&second, &lan, record, "trong lúc chờ").await });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!waiting.is_finished(), "a write went past another instance's open write transaction");
    let meanwhile = pull(&s.router, &reader, cursor).await;
    assert!(meanwhile.records.is_empty() && meanwhile.next_cursor == cursor);

    sqlx::query("rollback").execute(&mut *held).await.unwrap();
    waiting.await.unwrap();
    let after = pull(&s.router, &reader, cursor).await;
    assert_eq!(after.records.iter().map(|r| r.id).collect::<Vec<_>>(), [record]);
}

/// Three instances sharing the files folder take turns on one upload, so the offset each checks is the one it
/// writes at: the second waits until the first lets go. The first's lock file is removed as its turn ends, under
/// the second waiting on it, and the third, coming then, still waits for the second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_sharing_the_files_take_turns_on_an_upload() {
    let s = server().await;
    let (one, two, three) = (Files::at(s.db.files()), Files::at(s.db.files()), Files::at(s.db.files()));
    let file = "ab".repeat(32);
    let first = one.lock(&file).await.unwrap();
    let waiting = tokio::spawn({
        let file = file.clone();
        async move { two.lock(&file).await.unwrap() }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "another instance took the upload's turn while it was held");
    drop(first);
    let second = tokio::time::timeout(Duration::from_secs(5), waiting).await.unwrap().unwrap();
    let third = tokio::spawn(async move { three.lock(&file).await.unwrap() });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!third.is_finished(), "the third instance had the turn while the second held it");
    drop(second);
    let third = tokio::time::timeout(Duration::from_secs(5), third).await.expect("the turn is free again");
    drop(third.unwrap());
    let locks = std::fs::read_dir(s.db.files().join("locks")).unwrap().count();
    assert_eq!(locks, 0, "no lock file outlives its turn");
}
