//! The server's edge: every answer has the error shape and the security headers whatever produced it, no signed-in
//! answer may be cached, and a client cannot hold a connection by sending slowly. The slow-client tests run the
//! real listener loop (`edge::serve`) on a loopback port.

mod common;

use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, Method, StatusCode};
use common::{push_body, request, send, server, server_with, set, TAM_DUONG};
use serde_json::{json, Value};
use server::edge::{self, Timeouts};
use server::{app, AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use uuid::Uuid;

fn assert_error_shape(status: StatusCode, headers: &HeaderMap, body: &Value, code: &str) {
    assert_eq!(body["code"], code, "{status}: {body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{status}: {body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    for name in ["content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"] {
        assert!(headers.contains_key(name), "{status} lacks {name}");
    }
}

#[tokio::test]
async fn a_wrong_method_gets_the_error_shape_and_the_headers() {
    let s = server().await;
    for (method, uri) in
        [(Method::GET, "/api/sync/push"), (Method::PUT, "/api/auth/login"), (Method::DELETE, "/api/me")]
    {
        let (status, headers, body) = send(&s.router, request(method.clone(), uri, None, None, None)).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert_error_shape(status, &headers, &body, "method_not_allowed");
        assert!(headers.contains_key(header::ALLOW), "{method} {uri} should say which methods it takes");
    }
}

#[tokio::test]
async fn a_handler_past_its_time_gets_the_error_shape_and_the_headers() {
    let s = server_with(Timeouts { handler: Duration::from_millis(300), ..Timeouts::default() }).await;
    // Another process holds the write lock (SQLite's, or PostgreSQL's on the table), so a sign-in (which counts
    // its check in a write) cannot finish.
    let pool = s.pool().await;
    let mut lock = pool.acquire().await.unwrap();
    let locking: &[&str] = match common::postgres() {
        None => &["begin exclusive"],
        Some(_) => &["begin", "lock table sign_in_attempts in access exclusive mode"],
    };
    for statement in locking {
        sqlx::query(statement).execute(&mut *lock).await.unwrap();
    }
    let login = json!({"login": "tamduong.lan", "password": common::world::PASSWORD, "device_id": Uuid::new_v4()});
    let (status, headers, body) =
        send(&s.router, request(Method::POST, "/api/auth/login", None, Some(login), None)).await;
    sqlx::query("rollback").execute(&mut *lock).await.unwrap();
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert_error_shape(status, &headers, &body, "timeout");
}

#[tokio::test]
async fn every_signed_in_answer_says_no_store() {
    let s = server().await;
    let lan = s.login("tamduong.lan").await;
    let record = Uuid::new_v4();
    let push = push_body(&[set(record, TAM_DUONG, 0, &[("summary", "x")])]);
    let asked = [
        (Method::POST, "/api/sync/push".to_owned(), Some(push)),
        (Method::GET, "/api/sync/pull?cursor=0".to_owned(), None),
        (Method::GET, "/api/reference".to_owned(), None),
        (Method::GET, "/api/me".to_owned(), None),
        (Method::GET, format!("/api/records/{record}/history"), None),
        (Method::POST, "/api/auth/password".to_owned(), Some(json!({"current_password": "sai", "new_password": "x"}))),
    ];
    for (method, uri, body) in asked {
        let (status, headers, _) = send(&s.router, request(method.clone(), &uri, Some(&lan), body, None)).await;
        assert_eq!(
            headers.get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{method} {uri} ({status})"
        );
    }
    let login = json!({"login": "tamduong.lan", "password": common::world::PASSWORD, "device_id": Uuid::new_v4()});
    let (status, headers, _) = send(&s.router, request(Method::POST, "/api/auth/login", None, Some(login), None)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store", "the answer to a sign-in carries the token");
}

/// The real listener loop on a loopback port, with short clocks.
async fn listening(timeouts: Timeouts) -> (std::net::SocketAddr, common::TestServer) {
    let s = server_with(timeouts).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app(AppState::new(s.db.clone()).with_timeouts(timeouts), None);
    tokio::spawn(edge::serve(listener, router, timeouts, std::future::pending()));
    (address, s)
}

/// Reads until the server closes the connection (or 10 s pass); returns what it sent and how long it took.
async fn read_to_close(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server held the connection for 10 s");
    (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
}

fn short_clocks() -> Timeouts {
    Timeouts {
        headers: Duration::from_millis(500),
        body_idle: Duration::from_millis(500),
        body_total: Duration::from_secs(2),
        handler: Duration::from_secs(30),
    }
}

#[tokio::test]
async fn a_body_announced_over_the_limit_is_refused_before_it_is_read() {
    let (address, _s) = listening(Timeouts::default()).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = "POST /api/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                content-length: 52428800\r\nconnection: close\r\n\r\n{}";
    stream.write_all(head.as_bytes()).await.unwrap();
    let (answer, took) = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"code\":\"payload_too_large\""), "{answer}");
    assert!(took < Duration::from_secs(2), "took {took:?}: the default body clocks are 10 s and 60 s");
}

#[tokio::test]
async fn a_body_that_stops_coming_is_refused_on_the_body_clock() {
    let (address, _s) = listening(short_clocks()).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = "POST /api/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                content-length: 100\r\nconnection: close\r\n\r\n{\"";
    stream.write_all(head.as_bytes()).await.unwrap();
    let (answer, took) = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"slow_body\""), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("content-security-policy"), "{answer}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[tokio::test]
async fn a_body_trickled_under_the_idle_clock_is_refused_on_the_total() {
    let (address, _s) = listening(short_clocks()).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = "POST /api/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                content-length: 100\r\nconnection: close\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    // One byte every 0.3 s: never idle for 0.5 s, but the body's 2 s run out long before 100 bytes.
    let trickle = async {
        for _ in 0..100 {
            if stream.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(4), trickle).await;
    let (answer, _) = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn headers_that_never_end_lose_the_connection() {
    let (address, _s) = listening(short_clocks()).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(b"POST /api/auth/login HTTP/1.1\r\nhost: x\r\n").await.unwrap();
    let (_, took) = read_to_close(&mut stream).await;
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

/// Over the real listener, requests carry the client's address: the 31st failed sign-in from one address is
/// refused whatever account it names.
#[tokio::test]
async fn the_listener_counts_sign_ins_by_the_clients_address() {
    let (address, _s) = listening(Timeouts::default()).await;
    let mut answers = Vec::new();
    for i in 0..31 {
        let body =
            json!({"login": format!("khong.co.{i}"), "password": "sai", "device_id": Uuid::new_v4()}).to_string();
        let head = format!(
            "POST /api/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n{body}",
            body.len()
        );
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        answers.push(read_to_close(&mut stream).await.0);
    }
    assert!(answers[..30].iter().all(|a| a.starts_with("HTTP/1.1 401")), "{:?}", &answers[..30]);
    assert!(answers[30].starts_with("HTTP/1.1 429"), "{}", answers[30]);
}
