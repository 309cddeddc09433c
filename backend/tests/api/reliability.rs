//! Hostile clients: stalled connections, odd header bytes. Nothing hangs, nothing panics.

use std::time::{Duration, Instant};

use reqwest::Method;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::spawn_app;

#[tokio::test]
async fn stalled_clients_do_not_delay_a_normal_request() {
    let app = spawn_app().await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    // 200 connections that send half a request head and then nothing.
    let mut stalled = Vec::new();
    for _ in 0..200 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /api/profile HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        stalled.push(s);
    }
    let started = Instant::now();
    let response = app.request(Method::GET, "/control/cors", &[]).await;
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_stalled_request_head_is_cut_off_by_the_header_read_timeout() {
    let app = spawn_app().await;
    let mut s = TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    s.write_all(b"GET /api/profile HTTP/1.1\r\n").await.unwrap();
    let mut buf = Vec::new();
    // The server closes (with or without a 408) once HEADER_READ_TIMEOUT (10 s) has passed.
    let read = tokio::time::timeout(Duration::from_secs(15), s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was still open after 15 s");
}

#[tokio::test]
async fn non_utf8_header_values_are_handled_without_a_panic() {
    let app = spawn_app().await;
    let mut s = TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    s.write_all(b"GET /api/profile HTTP/1.1\r\nHost: x\r\nOrigin: http://\xff\xfe\r\nCookie: sessionId=\xc3\x28\r\nAuthorization: Bearer \xff\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 401"), "{text}");
    assert!(text.contains("\"error\""), "{text}");
    assert_eq!(app.log().await.len(), 1, "still logged");
}

#[tokio::test]
async fn too_many_headers_get_431() {
    let app = spawn_app().await;
    let mut request = String::from("GET /api/profile HTTP/1.1\r\nHost: x\r\n");
    for i in 0..150 {
        request.push_str(&format!("X-H{i}: v\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    let mut s = TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 431"), "{}", String::from_utf8_lossy(&buf));
}
