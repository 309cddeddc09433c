//! Hostile clients: stalled connections, odd header bytes. Nothing hangs, nothing panics. Over
//! sockets where the connection is the subject (stalls, timeouts, the cap, what hyper parses).

use std::time::Duration;

use axum::{
    body::Body,
    http::{Method, Request},
};
use http_body_util::BodyExt;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tower::ServiceExt;

use crate::helpers::{Client, HOST, raw, spawn_app, spawn_app_with, test_app};

#[tokio::test]
async fn stalled_clients_do_not_delay_a_normal_request() {
    let app = spawn_app().await;
    let addr = app.addr();
    // 200 connections that send half a request head and then nothing.
    let mut stalled = Vec::new();
    for _ in 0..200 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /api/profile HTTP/1.1\r\nHost: localhost\r\n").await.unwrap();
        stalled.push(s);
    }
    // Each holds a connection slot and a task, not the server: a normal request is answered
    // while all of them still wait (their head timeout is 10 s).
    let response = app.request(Method::GET, "/control/cors", &[]).await;
    assert_eq!(response.status(), 200);
    let mut probe = [0u8; 1];
    assert!(stalled[0].try_read(&mut probe).is_err(), "still open, still waiting");
}

#[tokio::test]
async fn a_stalled_request_head_is_cut_off_by_the_header_timeout() {
    let app = spawn_app_with(&["--header-timeout", "200ms"]).await;
    let mut s = TcpStream::connect(app.addr()).await.unwrap();
    s.write_all(b"GET /api/profile HTTP/1.1\r\n").await.unwrap();
    let mut buf = Vec::new();
    // Generous: the point is that it ends at all (without the timeout it would not).
    let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was still open after 10 s");
}

#[tokio::test]
async fn a_connection_with_a_request_under_way_is_not_cut_off() {
    let app = spawn_app_with(&["--header-timeout", "200ms"]).await;
    let mut s = TcpStream::connect(app.addr()).await.unwrap();
    let body = br#"{"email":"a@b.com","password":"123"}"#;
    let head = format!("POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    s.write_all(head.as_bytes()).await.unwrap();
    // Half the body, then a pause past the head timeout: the head arrived, so the request is
    // under way and may take its time (within the body timeout, 30 s).
    s.write_all(&body[..10]).await.unwrap();
    app.head_timeout_passed().await;
    s.write_all(&body[10..]).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

/// Bytes that are no UTF-8 are valid in a header value (obs-text): the server takes them,
/// so the app gets them, here without the parser in between.
#[tokio::test]
async fn non_utf8_header_values_are_handled_without_a_panic() {
    let app = test_app();
    let answer = app
        .get("/api/profile")
        .header("origin", &b"http://\xff\xfe"[..])
        .header("cookie", &b"sessionId=\xc3\x28"[..])
        .header("authorization", &b"Bearer \xff"[..])
        .send()
        .await;
    assert_eq!(answer.status(), 401);
    assert!(answer.text().contains("\"error\""), "{}", answer.text());
    assert_eq!(app.log().await.len(), 1, "still logged");
}

#[tokio::test]
async fn too_many_headers_get_431() {
    let app = spawn_app().await;
    let mut request = String::from("GET /api/profile HTTP/1.1\r\nHost: localhost\r\n");
    for i in 0..150 {
        request.push_str(&format!("X-H{i}: v\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    let answer = raw(app.addr(), request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
}

#[tokio::test]
async fn malformed_request_lines_get_400() {
    let app = spawn_app().await;
    for junk in [&b"GARBAGE\r\n\r\n"[..], b"GET /api/profile HTTP/9.9\r\n\r\n", b"GET  HTTP/1.1\r\nHost: localhost\r\n\r\n", b"\x00\x01\x02\r\n\r\n"] {
        let answer = raw(app.addr(), junk).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{junk:?}: {answer}");
    }
    assert_eq!(app.request(Method::GET, "/control/cors", &[]).await.status(), 200, "still serving");
}

#[tokio::test]
async fn a_long_uri_gets_414_and_a_huge_head_431() {
    let app = spawn_app().await;
    let long = format!("/api/profile?rid={}", "x".repeat(9 * 1024));
    let r = app.request(Method::GET, &long, &[]).await;
    assert_eq!(r.status(), 414);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"], "uri_too_long");
    let huge = format!("GET /api/profile HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\nConnection: close\r\n\r\n", "a".repeat(70 * 1024));
    let answer = raw(app.addr(), huge.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{}", &answer[..answer.len().min(200)]);
}

#[tokio::test]
async fn a_comma_flood_in_request_headers_is_answered_fast() {
    let app = spawn_app().await;
    // Under the head limit: parsed lazily, answered at once.
    let flood = ",".repeat(60 * 1024);
    let preflight = [("Origin", "http://localhost:8080"), ("Access-Control-Request-Method", "GET"), ("Access-Control-Request-Headers", &flood)];
    let r = app.request(Method::OPTIONS, "/api/profile", &preflight).await;
    assert_eq!(r.status(), 204, "only empty elements: nothing to refuse");
    // Over it: refused before any parsing.
    let over = format!(
        "OPTIONS /api/profile HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:8080\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: {}\r\nConnection: close\r\n\r\n",
        ",".repeat(100 * 1024)
    );
    assert!(raw(app.addr(), over.as_bytes()).await.starts_with("HTTP/1.1 431"));
}

async fn boom() -> &'static str {
    let items: Vec<&str> = Vec::new();
    // An out-of-bounds index: the kind of bug a handler can have.
    items.get(3).copied().unwrap_or_else(|| panic!("a bug in a handler"))
}

#[tokio::test]
async fn a_panic_in_a_handler_is_a_500_json_error_and_the_server_keeps_serving() {
    // Any router behind `for_listener` gets the same hardening.
    let router = axum::Router::new()
        .route("/boom", axum::routing::get(boom))
        .route("/fine", axum::routing::get(|| async { "fine" }));
    let config = backend::Config::from_args(["backend"]).unwrap();
    let served = backend::app::for_listener(router, backend::host::AllowedHosts::new(&config));
    let get = |path: &str| {
        let answer = served.clone().oneshot(Request::get(path).header("host", HOST).body(Body::empty()).unwrap());
        async move {
            let (parts, body) = answer.await.unwrap_or_else(|never| match never {}).into_parts();
            (parts.status, String::from_utf8_lossy(&body.collect().await.unwrap().to_bytes()).into_owned())
        }
    };
    let (status, text) = get("/boom").await;
    assert_eq!(status, 500);
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error"], "internal_error");
    assert!(!body.to_string().contains("a bug in a handler"), "no internals to the client: {body}");
    assert_eq!(get("/fine").await.1, "fine");
}

/// One request on a kept-alive connection, and its whole answer (framed by `Content-Length`).
async fn round_trip(s: &mut TcpStream) -> String {
    s.write_all(b"GET /control/cors HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let read = async {
        let mut buf = Vec::new();
        loop {
            let mut chunk = [0u8; 4096];
            let n = s.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed: {}", String::from_utf8_lossy(&buf));
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf).into_owned();
            let Some(end) = text.find("\r\n\r\n") else { continue };
            let length = text[..end].lines().find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()));
            if buf.len() >= end + 4 + length.unwrap_or(0) {
                return text;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read).await.expect("answered")
}

#[tokio::test]
async fn at_the_connection_cap_new_clients_wait_until_a_slot_frees() {
    let app = spawn_app_with(&["--max-connections", "2"]).await;
    // Answered once each and kept alive: the server has taken both, and both hold a slot.
    let mut held_a = TcpStream::connect(app.addr()).await.unwrap();
    let mut held_b = TcpStream::connect(app.addr()).await.unwrap();
    for held in [&mut held_a, &mut held_b] {
        assert!(round_trip(held).await.starts_with("HTTP/1.1 200"));
    }
    // The kernel takes the third connection into the backlog, and its whole request.
    let mut third = std::net::TcpStream::connect(app.addr()).unwrap();
    std::io::Write::write_all(&mut third, b"GET /control/cors HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    third.set_nonblocking(true).unwrap();
    // A request sent after it on a held connection is answered; the third still is not.
    assert!(round_trip(&mut held_b).await.starts_with("HTTP/1.1 200"));
    let unanswered = std::io::Read::read(&mut third, &mut [0u8; 1]);
    assert!(unanswered.is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock), "the third client was served while two connections held both slots");
    drop(held_a);
    let mut answer = String::new();
    let mut third = TcpStream::from_std(third).unwrap();
    tokio::time::timeout(Duration::from_secs(10), third.read_to_string(&mut answer)).await.expect("served once a slot freed").unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn logins_whose_clients_hung_up_are_not_hashed() {
    // Room for all of them in the queue: only hanging up decides.
    let app = spawn_app_with(&["--hashing-threads", "1", "--hash-queue-per-thread", "64"]).await;
    let login = |email: &str| {
        reqwest::Client::new().post(format!("{}/api/login", app.base)).json(&serde_json::json!({"email": email, "password": "123"}))
    };
    // 40 logins (to 40 accounts, so no throttle) whose clients give up after 20 ms, far less
    // than one hash and its rest: hashed anyway, they would hold up the next login by 40 hashes.
    let emails: Vec<String> = (0..40).map(|i| format!("gone{i}@example.com")).collect();
    let abandoned: Vec<_> = emails.iter().map(|email| login(email).timeout(Duration::from_millis(20)).send()).collect();
    for outcome in futures_util::future::join_all(abandoned).await {
        assert!(outcome.is_err_and(|e| e.is_timeout()), "a login answered within 20 ms");
    }
    let response = login("a@b.com").send().await.unwrap();
    assert_eq!(response.status(), 200);
    // The one hashing when the clients left, perhaps one more that was taken just then, and ours.
    let verified = app.app.state.hashers().verified();
    assert!(verified <= 3, "{verified} passwords verified for 41 logins, 40 of them abandoned");
}
