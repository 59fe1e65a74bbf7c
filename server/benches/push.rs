//! Push throughput of the storage layer: mutations applied per second, each pushed alone (its own durable commit),
//! with `synchronous = FULL` (the product) and `NORMAL` (what durability costs). Run by scripts/bench.sh.

use std::time::Instant;

use chrono::Utc;
use domain::{Mutation, Op, RecordKind};
use serde_json::json;
use server::db::{Db, Durability, Session};
use server::demo;
use uuid::Uuid;

const MUTATIONS: usize = 4_000;
/// Rounds per setting, alternating the two so that drift in the machine's disk hits both alike.
const ROUNDS: usize = 3;

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
        managed: vec!["ttvh-tam-duong".into()],
        device_id: Uuid::new_v4(),
        token_hash: String::new(),
    };
    let started = Instant::now();
    for n in 0..MUTATIONS {
        let mutation = Mutation {
            id: Uuid::new_v4(),
            record_id: Uuid::new_v4(),
            kind: RecordKind::SelfAssessment,
            unit_id: "ttvh-tam-duong".into(),
            base_rev: 0,
            op: Op::Set {
                fields: [("summary".to_owned(), json!(format!("Kết quả quý, bản {n}")))].into_iter().collect(),
            },
            made_at: Utc::now(),
        };
        db.apply_mutations(&session, vec![mutation], Utc::now()).await.expect("apply");
    }
    let per_second = MUTATIONS as f64 / started.elapsed().as_secs_f64();
    db.close().await;
    per_second
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (mut full, mut normal) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            full.push(rate(Durability::Full).await);
            normal.push(rate(Durability::Normal).await);
        } else {
            normal.push(rate(Durability::Normal).await);
            full.push(rate(Durability::Full).await);
        }
    }
    println!("push_durable_full_per_s={:.0}", median(full));
    println!("push_durable_normal_per_s={:.0}", median(normal));
}
