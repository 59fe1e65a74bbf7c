//! Push throughput of the storage layer: mutations applied per second, each in its own durable transaction,
//! with `synchronous = FULL` (the product) and `NORMAL` (what durability costs). Run by scripts/bench.sh.

use std::time::Instant;

use chrono::Utc;
use domain::{Mutation, Op, RecordKind};
use serde_json::json;
use server::db::{Db, Durability, Session};
use server::demo;
use uuid::Uuid;

const MUTATIONS: usize = 2_000;

async fn rate(durability: Durability) -> f64 {
    // On the real disk: fsync is what is measured.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let db = Db::open_with(&dir.path().join("bench.sqlite"), durability).await.expect("open");
    demo::seed(&db).await.expect("seed");
    let session = Session {
        user_id: "tamduong.lan".into(),
        role: domain::api::Role::Staff,
        unit_id: "ttvh-tam-duong".into(),
        scope: vec!["ttvh-tam-duong".into()],
        device_id: Uuid::new_v4(),
    };
    let started = Instant::now();
    for n in 0..MUTATIONS {
        let mutation = Mutation {
            id: Uuid::new_v4(),
            record_id: Uuid::new_v4(),
            kind: RecordKind::SelfAssessment,
            unit_id: "ttvh-tam-duong".into(),
            base_rev: 0,
            op: Op::Set { fields: [("summary".to_owned(), json!(format!("Kết quả quý, bản {n}")))].into_iter().collect() },
            made_at: Utc::now(),
        };
        db.apply_mutation(&session, &mutation, Utc::now()).await.expect("apply");
    }
    let per_second = MUTATIONS as f64 / started.elapsed().as_secs_f64();
    db.close().await;
    per_second
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let full = rate(Durability::Full).await;
    let normal = rate(Durability::Normal).await;
    println!("push_durable_full_per_s={full:.0}");
    println!("push_durable_normal_per_s={normal:.0}");
}
