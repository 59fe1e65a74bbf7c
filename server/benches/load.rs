//! Server capacity, against the release server binary in its own process, with the load in this process on
//! loopback for a bounded time. Two scenarios:
//! - many devices, each syncing once a period with a few small changes: `THIDUA_BENCH_DEVICES` (1000) and
//!   `THIDUA_BENCH_SECONDS` (60, also the period);
//! - saturation: `THIDUA_BENCH_CLIENTS` (200) clients, each pushing 1–3 edits to its own records and pulling its
//!   colleagues' as fast as the server answers, for `THIDUA_BENCH_SATURATE_SECONDS` (30).
//!
//! Both report request latency percentiles; saturation also the server's CPU time. Prints `key=value` lines for
//! scripts/bench.sh. `THIDUA_BENCH_SCENARIO=devices` or `saturate` runs one alone.
//!
//! `THIDUA_BENCH_POSTGRES` runs the server on PostgreSQL; `THIDUA_BENCH_INSTANCES=2` starts a second instance on
//! the same database, the devices taking the two in turn as a round-robin balancer would send them;
//! `THIDUA_BENCH_SESSIONS` signs in fewer sessions than devices, several devices sharing one (the server checks
//! each request's token all the same: only the argon2 sign-ins are saved); `THIDUA_BENCH_LABEL` prefixes the keys.

mod common;

use std::rc::Rc;
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::model::self_assessment_id;
use domain::replica::{sync_once, MemoryStore};
use domain::RecordKind;
use domain::RecordRef;
use serde_json::json;
use uuid::Uuid;

use common::{login, percentile, Http, ServerProcess};

/// (login, unit) of the demo's staff accounts; devices take them in turn.
const STAFF: [(&str, &str); 7] = [
    ("tamduong.lan", "ttvh-tam-duong"),
    ("tamduong.minh", "ttvh-tam-duong"),
    ("tamduong.giamdoc", "ttvh-tam-duong"),
    ("lapthach.hoa", "ttvh-lap-thach"),
    ("lapthach.giamdoc", "ttvh-lap-thach"),
    ("vinhtuong.son", "ttvh-vinh-tuong"),
    ("phucyen.thu", "ttvh-phuc-yen"),
];
const FIELDS: [&str; 4] = ["summary", "achievements", "limitations", "next_steps"];

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The server's instances, as `THIDUA_BENCH_INSTANCES` asks.
fn instances() -> Vec<ServerProcess> {
    let first = ServerProcess::start();
    let mut all: Vec<ServerProcess> = (1..env_number("THIDUA_BENCH_INSTANCES", 1)).map(|_| first.another()).collect();
    all.insert(0, first);
    all
}

/// Prints one figure, its key prefixed by `THIDUA_BENCH_LABEL`.
fn report(key: &str, value: impl std::fmt::Display) {
    println!("{}{key}={value}", std::env::var("THIDUA_BENCH_LABEL").unwrap_or_default());
}

/// Each instance's memory, in MiB, joined by "+".
fn each_mib(servers: &[ServerProcess], kib: impl Fn(&ServerProcess) -> u64) -> String {
    mib_joined(servers.iter().map(kib))
}

fn mib_joined(kibs: impl IntoIterator<Item = u64>) -> String {
    kibs.into_iter().map(|kib| format!("{:.1}", kib as f64 / 1024.0)).collect::<Vec<_>>().join("+")
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

fn main() {
    let scenario = std::env::var("THIDUA_BENCH_SCENARIO").unwrap_or_default();
    if scenario != "saturate" {
        devices();
    }
    if scenario != "devices" {
        saturate();
    }
}

/// Clients that push and pull back to back, as many at once as `THIDUA_BENCH_CLIENTS`.
fn saturate() {
    let clients = env_number("THIDUA_BENCH_CLIENTS", 200) as usize;
    let seconds = Duration::from_secs(env_number("THIDUA_BENCH_SATURATE_SECONDS", 30));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let servers = instances();
        let ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
        let rss_fresh = each_mib(&servers, ServerProcess::rss_kib);
        // All at once, as a burst would come; then what the server keeps once idle.
        let sessions =
            futures_join((0..clients).map(|d| login(ports[d % ports.len()], STAFF[d % STAFF.len()].0))).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss_after_burst = each_mib(&servers, ServerProcess::rss_kib);
        let cpu = || servers.iter().map(ServerProcess::cpu_seconds).sum::<f64>();
        let cpu_before = cpu();
        let started = Instant::now();
        let deadline = started + seconds;
        // Each client writes records of its own (a person's nomination, say) and pulls its colleagues': a shared
        // record edited by 200 clients at once would measure conflicts piling up, not the server.
        let (mut latencies, requests) = drive(
            &ports,
            sessions,
            deadline,
            |_, _| [Uuid::new_v4(), Uuid::new_v4()],
            |_| Duration::ZERO,
            Duration::ZERO,
        )
        .await;
        let elapsed = started.elapsed().as_secs_f64();
        let cpu = cpu() - cpu_before;
        latencies.sort();
        report("sign_in_rss_fresh_mib", rss_fresh);
        report("sign_in_burst", clients);
        report("sign_in_rss_after_burst_idle_mib", rss_after_burst);
        report("saturate_clients", clients);
        report("saturate_seconds", format!("{elapsed:.0}"));
        report("saturate_requests_per_s", format!("{:.0}", requests as f64 / elapsed));
        report("saturate_p50_ms", ms(percentile(&latencies, 0.50)));
        report("saturate_p99_ms", ms(percentile(&latencies, 0.99)));
        report("saturate_server_cpu_cores", format!("{:.2}", cpu / elapsed));
        report("saturate_server_peak_rss_mib", each_mib(&servers, ServerProcess::peak_rss_kib));
    });
}

/// Many devices, each syncing once a period.
fn devices() {
    let devices = env_number("THIDUA_BENCH_DEVICES", 1000) as usize;
    let period = Duration::from_secs(env_number("THIDUA_BENCH_SECONDS", 60));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let servers = instances();
        let ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
        // Sign every device in first (argon2 makes that the slow part); the measured window starts after.
        let signed_in = (env_number("THIDUA_BENCH_SESSIONS", devices as u64) as usize).clamp(1, devices);
        let mut sessions = Vec::with_capacity(devices);
        for chunk in (0..signed_in).collect::<Vec<_>>().chunks(16) {
            let logins = chunk.iter().map(|d| login(ports[d % ports.len()], STAFF[d % STAFF.len()].0));
            sessions.extend(futures_join(logins).await);
        }
        // Devices beyond the sessions share them, each with the user its session is of.
        let sessions: Vec<String> = (0..devices).map(|d| sessions[d % signed_in].clone()).collect();
        let rss_after_sign_in = each_mib(&servers, ServerProcess::rss_kib);
        let started = Instant::now();
        let deadline = started + period;
        // Sample each instance's memory through the window.
        let peaks = Rc::new(std::cell::RefCell::new(servers.iter().map(ServerProcess::rss_kib).collect::<Vec<_>>()));
        let sampler = {
            let (peaks, pids) = (peaks.clone(), servers.iter().map(ServerProcess::pid).collect::<Vec<_>>());
            tokio::task::spawn_local(async move {
                while Instant::now() < deadline {
                    for (peak, pid) in peaks.borrow_mut().iter_mut().zip(&pids) {
                        *peak = (*peak).max(common::rss_kib_of(*pid));
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            })
        };
        // The unit's two quarterly reports, shared by its staff; the devices spread over the period, as a minute
        // of real traffic would.
        let reports = |_, unit: &str| [self_assessment_id(unit, "2026-Q3"), self_assessment_id(unit, "2026-Q4")];
        let (mut latencies, requests) =
            drive(&ports, sessions, deadline, reports, |d| period.mul_f64(d as f64 / devices as f64), period).await;
        let elapsed = started.elapsed().as_secs_f64();
        sampler.await.expect("sampler");
        latencies.sort();
        let during = mib_joined(peaks.borrow().iter().copied());
        report("load_devices", devices);
        report("load_sessions", signed_in);
        report("load_seconds", format!("{elapsed:.0}"));
        report("load_requests", requests);
        report("load_requests_per_s", format!("{:.1}", requests as f64 / elapsed));
        report("load_p50_ms", ms(percentile(&latencies, 0.50)));
        report("load_p99_ms", ms(percentile(&latencies, 0.99)));
        report("load_max_ms", ms(latencies.last().copied().unwrap_or_default()));
        report("load_server_rss_after_sign_in_mib", rss_after_sign_in);
        report("load_server_peak_rss_during_sync_mib", during);
        report("load_server_peak_rss_overall_mib", each_mib(&servers, ServerProcess::peak_rss_kib));
    });
}

/// Runs one simulated tablet per session until `deadline`: it starts after `start_after(d)`, then edits 1–3 fields
/// of `records(d, unit)` and syncs, every `pause`. Returns every request's latency and the request count.
async fn drive(
    ports: &[u16],
    sessions: Vec<String>,
    deadline: Instant,
    records: impl Fn(usize, &str) -> [Uuid; 2],
    start_after: impl Fn(usize) -> Duration,
    pause: Duration,
) -> (Vec<Duration>, usize) {
    let mut tasks = Vec::new();
    for (d, token) in sessions.into_iter().enumerate() {
        let (user, unit) = STAFF[d % STAFF.len()];
        let http = Rc::new(Http::new(ports[d % ports.len()], token));
        let (task_http, records, start_after) = (http.clone(), records(d, unit), start_after(d));
        tasks.push((
            http,
            tokio::task::spawn_local(async move {
                let tablet = MemoryStore::new(user);
                let device = Uuid::new_v4();
                tokio::time::sleep(start_after).await;
                let mut round = 0;
                while Instant::now() < deadline {
                    for e in 0..1 + d % 3 {
                        let field = FIELDS[(d + e + round) % FIELDS.len()];
                        let edit = [(field.to_owned(), json!(format!("{user}: lần {round}, máy {d}")))].into();
                        let record = records[(d + e) % 2];
                        let _ = tablet.edit(
                            &RecordRef::new(record, RecordKind::SelfAssessment, unit),
                            edit,
                            Utc::now(),
                            Uuid::new_v4(),
                        );
                    }
                    let _ = sync_once(&tablet, task_http.as_ref(), device, |_| {}).await;
                    round += 1;
                    tokio::time::sleep_until((Instant::now() + pause).min(deadline).into()).await;
                }
            }),
        ));
    }
    let mut latencies = Vec::new();
    let mut requests = 0;
    for (http, task) in tasks {
        task.await.expect("client task");
        latencies.extend(http.latencies.borrow().iter().copied());
        requests += http.requests.get();
    }
    (latencies, requests)
}

/// Awaits a batch of futures concurrently on this thread.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + 'static,
    F::Output: 'static,
{
    let handles: Vec<_> = futures.map(tokio::task::spawn_local).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
}
