//! Shared by the benchmarks: the real server binary in a process of its own, and an HTTP/1.1 client over
//! loopback that asks for gzip, as browsers do, and counts the bytes on the wire.

#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use domain::api::ErrorBody;
use domain::replica::{Transport, TransportError};
use domain::sync::{PullResponse, PushRequest, PushResponse};
use serde::de::DeserializeOwned;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const PASSWORD: &str = "thidua2026";

/// Where a benchmark's server keeps its data, on the real disk: a new SQLite file, or, with
/// `THIDUA_BENCH_POSTGRES` naming a PostgreSQL server, a new database there (its files in the folder here).
pub struct Storage {
    env: Vec<(&'static str, String)>,
    _dir: tempfile::TempDir,
}

impl Storage {
    pub fn fresh() -> std::sync::Arc<Storage> {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
        let env = match std::env::var("THIDUA_BENCH_POSTGRES").ok().filter(|url| !url.is_empty()) {
            None => vec![("THIDUA_DB", dir.path().join("bench.sqlite").display().to_string())],
            Some(server_url) => {
                let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
                let created = Command::new("psql")
                    .args([server_url.as_str(), "-qc", &format!("create database {name}")])
                    .status()
                    .expect("run psql");
                assert!(created.success(), "create the bench's database");
                let url = format!("{}/{name}", server_url.rsplit_once('/').expect("a database URL").0);
                vec![("THIDUA_DATABASE_URL", url), ("THIDUA_FILES", dir.path().join("files").display().to_string())]
            }
        };
        std::sync::Arc::new(Storage { env, _dir: dir })
    }
}

pub struct ServerProcess {
    child: Child,
    pub port: u16,
    storage: std::sync::Arc<Storage>,
}

impl ServerProcess {
    /// Starts the release server binary (`THIDUA_SERVER_BIN`) with demo data on a new database on the real disk.
    pub fn start() -> Self {
        Self::start_on(Storage::fresh())
    }

    /// Another instance on this one's database, as a second instance behind a load balancer.
    pub fn another(&self) -> Self {
        Self::start_on(self.storage.clone())
    }

    fn start_on(storage: std::sync::Arc<Storage>) -> Self {
        let bin = std::env::var("THIDUA_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/thidua-server"));
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
        let child = Command::new(&bin)
            .arg("--demo")
            .env("THIDUA_ADDR", format!("127.0.0.1:{port}"))
            .envs(storage.env.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start {}: {e} (build it with cargo build --release -p thidua-server)", bin.display())
            });
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        ServerProcess { child, port, storage }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's peak resident memory so far, in KiB (VmHWM).
    pub fn peak_rss_kib(&self) -> u64 {
        status_kib(self.child.id(), "VmHWM:")
    }

    /// CPU time the server has used so far (user and system), in seconds.
    pub fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // The fields after the command name (which may hold spaces) start after its closing parenthesis.
        let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s.
        (ticks(11) + ticks(12)) / 100.0
    }

    /// The server's resident memory now, in KiB.
    pub fn rss_kib(&self) -> u64 {
        rss_kib_of(self.child.id())
    }
}

pub fn rss_kib_of(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:")
}

fn status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    /// Bytes sent and received on the socket, headers included.
    pub wire: usize,
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap_or("0").trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

/// One request on a fresh connection.
pub async fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let body = body.unwrap_or_default();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept-Encoding: gzip\r\n{auth}\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or(std::io::ErrorKind::UnexpectedEof)?;
    let headers = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = headers.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or(std::io::ErrorKind::InvalidData)?;
    let mut payload = raw[split + 4..].to_vec();
    if headers.contains("transfer-encoding: chunked") {
        payload = dechunk(&payload);
    }
    if headers.contains("content-encoding: gzip") {
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(payload.as_slice()).read_to_end(&mut plain)?;
        payload = plain;
    }
    Ok(Reply { status, body: payload, wire: head.len() + body.len() + raw.len() })
}

/// Signs in, waiting and trying again while the server says too many checks are running at once from this
/// address (as a person would after "thử lại sau ít giây").
pub async fn login(port: u16, login: &str) -> String {
    let body = serde_json::json!({"login": login, "password": PASSWORD, "device_id": uuid::Uuid::new_v4()});
    let mut reply =
        request(port, "POST", "/api/auth/login", None, Some(body.to_string().as_bytes())).await.expect("login");
    while reply.status == 429 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        reply = request(port, "POST", "/api/auth/login", None, Some(body.to_string().as_bytes())).await.expect("login");
    }
    assert_eq!(reply.status, 200, "login {login}");
    let answer: serde_json::Value = serde_json::from_slice(&reply.body).expect("login answer");
    answer["token"].as_str().expect("token").to_owned()
}

/// The sync procedure's way to the server, counting requests, bytes and each request's latency.
pub struct Http {
    pub port: u16,
    pub token: String,
    pub requests: Cell<usize>,
    pub wire_bytes: Cell<usize>,
    pub latencies: RefCell<Vec<Duration>>,
}

impl Http {
    pub fn new(port: u16, token: String) -> Self {
        Http { port, token, requests: Cell::new(0), wire_bytes: Cell::new(0), latencies: RefCell::new(Vec::new()) }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<T, TransportError> {
        let started = Instant::now();
        let reply = request(self.port, method, path, Some(&self.token), body.as_deref())
            .await
            .map_err(|_| TransportError::Network)?;
        self.latencies.borrow_mut().push(started.elapsed());
        self.requests.set(self.requests.get() + 1);
        self.wire_bytes.set(self.wire_bytes.get() + reply.wire);
        match reply.status {
            200..=299 => serde_json::from_slice(&reply.body).map_err(|_| TransportError::Network),
            400..=499 => {
                Err(TransportError::Refused(serde_json::from_slice::<ErrorBody>(&reply.body).unwrap_or(ErrorBody {
                    code: reply.status.to_string(),
                    message: String::new(),
                    problems: Vec::new(),
                })))
            }
            status => Err(TransportError::Server(status)),
        }
    }
}

impl Transport for Http {
    async fn push(&self, request: &PushRequest) -> Result<PushResponse, TransportError> {
        self.call("POST", "/api/sync/push", serde_json::to_vec(request).ok()).await
    }

    async fn pull(&self, cursor: i64, limit: u32) -> Result<PullResponse, TransportError> {
        self.call("GET", &format!("/api/sync/pull?cursor={cursor}&limit={limit}"), None).await
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
