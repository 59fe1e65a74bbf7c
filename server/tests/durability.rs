//! An acknowledged mutation survives `kill -9` of the server: the real binary, a real SQLite file on disk (or a
//! real PostgreSQL database, with `THIDUA_TEST_POSTGRES`), real HTTP. A client pushes one mutation at a time
//! while the server is killed at a random moment; after a restart every acknowledged mutation is there, and
//! replaying them all answers exactly as before. The same holds for an attached file's upload: killed mid-chunk,
//! it resumes from the offset the server acknowledged, and the file it ends with is byte-identical. With two
//! instances on one database, one killed during a push loop, the tablet carries on through the other and loses
//! nothing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::sync::{PullResponse, PushResponse};
use domain::{Mutation, Op, RecordKind, PROTOCOL_VERSION};
use serde_json::{json, Value};
use uuid::Uuid;

mod common;

use common::tus_wire;

/// A minimal HTTP/1.1 client: one request per connection, enough for this test and nothing else.
fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text.split_once("\r\n\r\n").ok_or(std::io::ErrorKind::UnexpectedEof)?;
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or(std::io::ErrorKind::InvalidData)?;
    Ok((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// Where the server under test keeps its data, as its environment says it: a SQLite file in `dir`, or, with
/// `THIDUA_TEST_POSTGRES` set, a new PostgreSQL database of its own (its attached files in `dir`).
fn storage(dir: &Path) -> Vec<(&'static str, String)> {
    let Some(server_url) = common::postgres() else {
        return vec![("THIDUA_DB", dir.join("thidua.sqlite").display().to_string())];
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let url = runtime.block_on(common::new_postgres_db(&server_url, None));
    vec![("THIDUA_DATABASE_URL", url), ("THIDUA_FILES", dir.join("thidua.files").display().to_string())]
}

fn start(storage: &[(&str, String)], port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_thidua-server"))
        .arg("--demo")
        .env("THIDUA_ADDR", format!("127.0.0.1:{port}"))
        .envs(storage.iter().map(|(k, v)| (k, v)))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start server");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !matches!(http(port, "GET", "/api/health", None, None), Ok((200, _))) {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn login(port: u16) -> String {
    let body = json!({"login": "tamduong.lan", "password": server::demo::DEMO_PASSWORD, "device_id": Uuid::new_v4()});
    let (status, answer) = http(port, "POST", "/api/auth/login", None, Some(&body)).expect("login");
    assert_eq!(status, 200);
    answer["token"].as_str().expect("token").to_owned()
}

fn mutation(n: usize) -> Mutation {
    Mutation {
        id: Uuid::new_v4(),
        record_id: Uuid::new_v4(),
        kind: RecordKind::SelfAssessment,
        unit_id: "ttvh-tam-duong".into(),
        base_rev: 0,
        op: Op::Set { fields: [("summary".to_owned(), json!(format!("thay đổi số {n}")))].into_iter().collect() },
        made_at: Utc::now(),
    }
}

fn push(port: u16, token: &str, m: &Mutation) -> std::io::Result<(u16, Value)> {
    let body = json!({"protocol": PROTOCOL_VERSION, "device_id": Uuid::nil(), "mutations": [m]});
    http(port, "POST", "/api/sync/push", Some(token), Some(&body))
}

#[test]
fn acknowledged_mutations_survive_kill_9() {
    // On the real disk (not tmpfs), where fsync means something.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let db = storage(dir.path());
    let port = free_port();
    let mut server = start(&db, port);
    let token = login(port);

    // Push one mutation at a time until the server dies; keep every acknowledged one with its answer.
    let acked: Arc<Mutex<Vec<(Mutation, Value)>>> = Arc::default();
    let pusher = {
        let (acked, token) = (acked.clone(), token.clone());
        std::thread::spawn(move || {
            for n in 0.. {
                let m = mutation(n);
                match push(port, &token, &m) {
                    Ok((200, answer)) => acked.lock().expect("lock").push((m, answer)),
                    _ => return n,
                }
            }
            unreachable!()
        })
    };
    // Let a few hundred commits happen, then kill in the middle of the stream.
    let kill_after = Duration::from_millis(300 + (Uuid::new_v4().as_u128() % 400) as u64);
    std::thread::sleep(kill_after);
    server.kill().expect("kill -9");
    server.wait().expect("reap");
    let attempted = pusher.join().expect("pusher");
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() > 10, "too few commits before the kill to mean anything ({})", acked.len());
    println!("kill -9 after {} acknowledged mutations ({attempted} attempted)", acked.len());

    let mut server = start(&db, port);
    let token = login(port);
    let (status, pulled) = http(port, "GET", "/api/sync/pull?cursor=0&limit=1000", Some(&token), None).expect("pull");
    assert_eq!(status, 200);
    let pulled: PullResponse = serde_json::from_value(pulled).expect("decode");
    for (m, _) in &acked {
        let Op::Set { fields } = &m.op else { unreachable!() };
        let record = pulled.records.iter().find(|r| r.id == m.record_id);
        assert_eq!(record.map(|r| &r.fields["summary"]), Some(&fields["summary"]), "acknowledged {} was lost", m.id);
    }
    // The mutation in flight at the kill may or may not have committed; nothing else is there (besides the
    // demo's own records of other kinds).
    let reports = pulled.records.iter().filter(|r| r.kind == RecordKind::SelfAssessment).count();
    assert!(reports <= acked.len() + 1);

    for (m, answer) in &acked {
        let (status, again) = push(port, &token, m).expect("replay");
        assert_eq!(status, 200);
        let before: PushResponse = serde_json::from_value(answer.clone()).expect("decode");
        let after: PushResponse = serde_json::from_value(again).expect("decode");
        assert_eq!(after, before, "a replay after the crash answered differently");
    }
    server.kill().expect("stop");
    server.wait().expect("reap");
}

/// Two instances on one database, and one of them killed with -9 during a push loop: the tablet carries on
/// through the other (what a load balancer does for it: a request the dead one did not answer goes to the live
/// one), every acknowledged mutation is there, and replaying them through the survivor answers as before.
#[test]
fn killing_one_of_two_instances_loses_no_acknowledged_mutation() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let db = storage(dir.path());
    let ports = [free_port(), free_port()];
    let mut killed = start(&db, ports[0]);
    let mut survivor = start(&db, ports[1]);
    let token = login(ports[0]);

    let pushes = PushLoop::start({
        let token = token.clone();
        // Round-robin, and on to the other instance when one does not answer.
        move |n, m| {
            let answered =
                [ports[n % 2], ports[(n + 1) % 2]].into_iter().find_map(|port| acknowledged(port, &token, m));
            Some(answered.expect("the surviving instance answers"))
        }
    });
    std::thread::sleep(Duration::from_millis(300 + (Uuid::new_v4().as_u128() % 400) as u64));
    killed.kill().expect("kill -9");
    let killed_at = Instant::now();
    killed.wait().expect("reap");
    std::thread::sleep(Duration::from_millis(500));
    let acked = pushes.stop();
    let after = acked.iter().filter(|(_, _, at)| *at > killed_at).count();
    assert!(
        acked.len() - after > 10 && after > 10,
        "pushes before ({}) and after ({after}) the kill",
        acked.len() - after
    );

    // Read by a session of its own: a session's pull leaves out its own clean edits, which it already holds.
    let (reader, mut cursor, mut records) = (login(ports[1]), 0, Vec::new());
    loop {
        let uri = format!("/api/sync/pull?cursor={cursor}&limit=1000");
        let (status, page) = http(ports[1], "GET", &uri, Some(&reader), None).expect("pull");
        assert_eq!(status, 200);
        let page: PullResponse = serde_json::from_value(page).expect("decode");
        records.extend(page.records);
        cursor = page.next_cursor;
        if !page.has_more {
            break;
        }
    }
    for (m, answer, _) in &acked {
        let Op::Set { fields } = &m.op else { unreachable!() };
        let record = records.iter().find(|r| r.id == m.record_id);
        assert_eq!(record.map(|r| &r.fields["summary"]), Some(&fields["summary"]), "acknowledged {} was lost", m.id);
        let (status, again) = push(ports[1], &token, m).expect("replay");
        assert_eq!((status, &again), (200, answer), "a replay through the survivor answered differently");
    }
    println!("one of two instances killed: {} acknowledged, {after} of them through the survivor", acked.len());
    survivor.kill().expect("stop");
    survivor.wait().expect("reap");
}

/// One request with raw headers and bytes: (status, headers in lower case, body).
fn http_bytes(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<(u16, String, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head += &format!("{name}: {value}\r\n");
    }
    stream.write_all(format!("{head}\r\n").as_bytes())?;
    stream.write_all(body)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").ok_or(std::io::ErrorKind::UnexpectedEof)?;
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or(std::io::ErrorKind::InvalidData)?;
    Ok((status, head, response[split + 4..].to_vec()))
}

fn upload_offset(head: &str) -> Option<u64> {
    head.lines().find_map(|l| l.strip_prefix("upload-offset: ")).and_then(|v| v.trim().parse().ok())
}

#[test]
fn an_upload_killed_mid_chunk_resumes_and_ends_byte_identical() {
    use domain::attachment::{tus, CHUNK_BYTES};

    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let db = storage(dir.path());
    let port = free_port();
    let mut server = start(&db, port);
    let token = login(port);
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..6_000_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
    let sha = tus_wire::sha256_hex(&bytes);
    let auth = ("Authorization", format!("Bearer {token}"));
    let create = |port: u16, auth: &(&str, String)| {
        let metadata = tus::file_metadata(&sha, "anh.jpg", "image/jpeg");
        let headers = [auth.clone(), (tus::UPLOAD_LENGTH, bytes.len().to_string()), (tus::UPLOAD_METADATA, metadata)];
        let (status, head, _) = http_bytes(port, "POST", "/api/uploads", &headers, &[]).expect("create");
        assert_eq!(status, 201, "{head}");
        upload_offset(&head).expect("offset")
    };
    let send_from = |port: u16, auth: &(&str, String), mut at: u64, acked: &Mutex<u64>| {
        while at < bytes.len() as u64 {
            let chunk = &bytes[at as usize..(at + CHUNK_BYTES).min(bytes.len() as u64) as usize];
            let headers = [
                auth.clone(),
                ("Content-Type", tus::CHUNK_TYPE.to_owned()),
                (tus::UPLOAD_OFFSET, at.to_string()),
                (tus::UPLOAD_CHECKSUM, tus_wire::checksum(chunk)),
            ];
            match http_bytes(port, "PATCH", &format!("/api/uploads/{sha}"), &headers, chunk) {
                Ok((204, head, _)) => {
                    at = upload_offset(&head).expect("offset");
                    *acked.lock().expect("lock") = at;
                }
                _ => return,
            }
        }
    };

    assert_eq!(create(port, &auth), 0);
    let acked = Mutex::new(0u64);
    std::thread::scope(|scope| {
        scope.spawn(|| send_from(port, &auth, 0, &acked));
        // Kill once some chunks are in, with one most likely on the wire.
        let deadline = Instant::now() + Duration::from_secs(30);
        while *acked.lock().expect("lock") < 4 * CHUNK_BYTES && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis((Uuid::new_v4().as_u128() % 20) as u64));
        server.kill().expect("kill -9");
        server.wait().expect("reap");
    });
    let acknowledged = *acked.lock().expect("lock");
    assert!(acknowledged > 0 && acknowledged < bytes.len() as u64, "killed mid-upload ({acknowledged})");

    let mut server = start(&db, port);
    let token = login(port);
    let auth = ("Authorization", format!("Bearer {token}"));
    let resumed = create(port, &auth);
    assert!(resumed >= acknowledged, "an acknowledged chunk was lost: {resumed} < {acknowledged}");
    println!("kill -9 at {acknowledged} acknowledged bytes; resumed at {resumed} of {}", bytes.len());
    send_from(port, &auth, resumed, &Mutex::new(0));
    let stored = dir.path().join("thidua.files").join("files").join(&sha[..2]).join(&sha);
    assert!(std::fs::read(stored).expect("finished file") == bytes, "not byte-identical");
    server.kill().expect("stop");
    server.wait().expect("reap");
}

/// The answer to a push of `m`, if the server acknowledged it.
fn acknowledged(port: u16, token: &str, m: &Mutation) -> Option<Value> {
    match push(port, token, m) {
        Ok((200, answer)) => Some(answer),
        _ => None,
    }
}

/// A tablet pushing one mutation after another on a thread of its own until stopped: `send` pushes the n-th and
/// gives the server's answer if it acknowledged it. Each acknowledged mutation is kept with its answer and when.
struct PushLoop {
    acked: Arc<Mutex<Vec<(Mutation, Value, Instant)>>>,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl PushLoop {
    fn start(send: impl Fn(usize, &Mutation) -> Option<Value> + Send + 'static) -> PushLoop {
        let (acked, stop) = (Arc::<Mutex<Vec<_>>>::default(), Arc::new(AtomicBool::new(false)));
        let thread = std::thread::spawn({
            let (acked, stop) = (acked.clone(), stop.clone());
            move || {
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let m = mutation(n);
                    if let Some(answer) = send(n, &m) {
                        acked.lock().expect("lock").push((m, answer, Instant::now()));
                    }
                }
            }
        });
        PushLoop { acked, stop, thread }
    }

    /// Stops the loop once its push in flight is answered; every acknowledged mutation, in order.
    fn stop(self) -> Vec<(Mutation, Value, Instant)> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("pusher");
        Arc::try_unwrap(self.acked).expect("the pusher is done").into_inner().expect("lock")
    }
}

/// Runs `thidua-server backup <destination>` against `db`, as an operator would while the server runs.
fn run_backup(db: &[(&str, String)], destination: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_thidua-server"))
        .arg("backup")
        .arg(destination)
        .envs(db.iter().map(|(k, v)| (k, v)))
        .env("RUST_LOG", "warn")
        .status()
        .expect("run the backup");
    assert!(status.success(), "the backup failed");
}

#[test]
fn a_backup_taken_during_a_push_loop_restores_every_mutation_acknowledged_before_it() {
    use domain::attachment::tus;

    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let db = storage(dir.path());
    let port = free_port();
    let mut server = start(&db, port);
    let token = login(port);

    // An attached file, whole on the server before the backup.
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
    photo.extend((0..300_000u32).map(|i| (i.wrapping_mul(2654435761) >> 11) as u8));
    let sha = tus_wire::sha256_hex(&photo);
    let auth = ("Authorization", format!("Bearer {token}"));
    let metadata = tus::file_metadata(&sha, "anh.jpg", "image/jpeg");
    let create = [auth.clone(), (tus::UPLOAD_LENGTH, photo.len().to_string()), (tus::UPLOAD_METADATA, metadata)];
    assert_eq!(http_bytes(port, "POST", "/api/uploads", &create, &[]).expect("create").0, 201);
    let chunk = [
        auth.clone(),
        ("Content-Type", tus::CHUNK_TYPE.to_owned()),
        (tus::UPLOAD_OFFSET, "0".to_owned()),
        (tus::UPLOAD_CHECKSUM, tus_wire::checksum(&photo)),
    ];
    assert_eq!(http_bytes(port, "PATCH", &format!("/api/uploads/{sha}"), &chunk, &photo).expect("upload").0, 204);

    // Pushes go on while the backup runs.
    let pushes = PushLoop::start({
        let token = token.clone();
        move |_, m| acknowledged(port, &token, m)
    });
    std::thread::sleep(Duration::from_millis(400));
    let began = Instant::now();
    let backup = dir.path().join("backup").join("thidua.backup");
    std::fs::create_dir_all(backup.parent().expect("folder")).expect("backup folder");
    run_backup(&db, &backup);
    std::thread::sleep(Duration::from_millis(200));
    let acked = pushes.stop();
    server.kill().expect("stop");
    server.wait().expect("reap");
    let before: Vec<&Mutation> = acked.iter().filter(|(_, _, at)| *at < began).map(|(m, _, _)| m).collect();
    assert!(before.len() > 10 && before.len() < acked.len(), "pushes before ({}) and during the backup", before.len());

    // Restore, as the README says: the backup's database and folder, alone in a fresh place, under a server of
    // their own. SQLite's file is copied; PostgreSQL's dump goes into a new database by pg_restore.
    let restored = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let restored_db = storage(restored.path());
    match restored_db.iter().find(|(k, _)| *k == "THIDUA_DATABASE_URL") {
        Some((_, url)) => {
            let status = Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname", url])
                .arg(&backup)
                .status()
                .expect("run pg_restore");
            assert!(status.success(), "pg_restore failed");
        }
        None => drop(std::fs::copy(&backup, restored.path().join("thidua.sqlite")).expect("restore the database")),
    }
    let files = |dir: &Path| dir.join("thidua.files").join("files").join(&sha[..2]).join(&sha);
    let backup_folder = backup.parent().expect("folder");
    std::fs::create_dir_all(files(restored.path()).parent().expect("folder")).expect("files folder");
    std::fs::copy(files(backup_folder), files(restored.path())).expect("restore the file");
    let port = free_port();
    let mut server = start(&restored_db, port);
    let token = login(port);
    let (status, pulled) = http(port, "GET", "/api/sync/pull?cursor=0&limit=1000", Some(&token), None).expect("pull");
    assert_eq!(status, 200);
    let pulled: PullResponse = serde_json::from_value(pulled).expect("decode");
    for m in &before {
        let Op::Set { fields } = &m.op else { unreachable!() };
        let record = pulled.records.iter().find(|r| r.id == m.record_id);
        assert_eq!(
            record.map(|r| &r.fields["summary"]),
            Some(&fields["summary"]),
            "{} acknowledged before the backup is missing",
            m.id
        );
    }
    let (status, _) = http(port, "GET", "/api/health", None, None).expect("health");
    assert_eq!(status, 200);
    assert_eq!(std::fs::read(files(restored.path())).expect("the file"), photo, "the attached file, byte-identical");
    println!("backup during {} pushes: {} acknowledged before it began, all restored", acked.len(), before.len());
    server.kill().expect("stop");
    server.wait().expect("reap");
}
