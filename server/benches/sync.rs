//! Sync throughput on loopback: a tablet pushes 10,000 pending edits, and an empty tablet pulls those 10,000
//! records. The tablets run the app's own sync code (`domain::replica::sync_once`) against the release server
//! binary over real HTTP with gzip. Prints `key=value` lines for scripts/bench.sh.

mod common;

use std::cell::Cell;
use std::time::Instant;

use chrono::Utc;
use domain::replica::{sync_once, MemoryStore, Progress, PUSH_BATCH};
use domain::{RecordKind, RecordRef};
use serde_json::json;
use uuid::Uuid;

use common::{login, Http, ServerProcess};

const EDITS: usize = 10_000;
const UNIT: &str = "ttvh-tam-duong";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = ServerProcess::start();
    let writer = MemoryStore::new("tamduong.lan");
    for n in 0..EDITS {
        let text = format!("Báo cáo số {n}: tổ chức tuyên truyền lưu động về chuyển đổi số tại xã, có số liệu cụ thể.");
        let edit = [("summary".to_owned(), json!(text))].into_iter().collect();
        writer
            .edit(&RecordRef::new(Uuid::new_v4(), RecordKind::SelfAssessment, UNIT), edit, Utc::now(), Uuid::new_v4())
            .expect("valid");
    }

    let http = Http::new(server.port, login(server.port, "tamduong.lan").await);
    let started = Instant::now();
    let pushed_at = Cell::new(started);
    let report = sync_once(&writer, &http, Uuid::new_v4(), |p| {
        if let Progress::Pushed { .. } = p {
            pushed_at.set(Instant::now());
        }
    })
    .await
    .expect("push");
    let push_seconds = (pushed_at.get() - started).as_secs_f64();
    assert_eq!(report.pushed, EDITS);
    assert!(writer.outbox().is_empty());
    let bound = EDITS.div_ceil(PUSH_BATCH) + 1;
    println!("push_edits={EDITS}");
    println!("push_seconds={push_seconds:.2}");
    println!("push_per_s={:.0}", EDITS as f64 / push_seconds);
    println!("push_bytes_per_record={:.0}", http.wire_bytes.get() as f64 / EDITS as f64);
    println!("push_requests={} bound={bound}", report.requests);

    let reader = MemoryStore::new("tamduong.minh");
    let http = Http::new(server.port, login(server.port, "tamduong.minh").await);
    let started = Instant::now();
    let report = sync_once(&reader, &http, Uuid::new_v4(), |_| {}).await.expect("pull");
    let pull_seconds = started.elapsed().as_secs_f64();
    // The demo's own records of the unit (people, its profile) come down too.
    let reports = reader.records().values().filter(|r| r.kind == RecordKind::SelfAssessment).count();
    assert_eq!(reports, EDITS);
    println!("pull_records={}", report.pulled);
    println!("pull_seconds={pull_seconds:.2}");
    println!("pull_bytes_per_record={:.0}", http.wire_bytes.get() as f64 / EDITS as f64);
    println!("pull_requests={}", report.requests);
}
