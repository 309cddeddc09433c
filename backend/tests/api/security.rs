//! Who may talk to the backend (API.md): no other web page drives or reads the control plane,
//! and floods of logins, streams or slow bodies hold nothing for ever. Sockets only where the
//! listeners are the subject: both of them checking `Host`, event streams, a trickled body, h2c.

use std::time::Duration;

use axum::http::{HeaderValue, Method, header::HOST};
use backend::{Config, startup};
use futures_util::future::join_all;
use serde_json::{Value, json};
use shared::jwt;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{Answer, Client, FRONT, TestApp, assert_error, eventually, header, raw, spawn_app, spawn_app_with, test_app, test_app_with};

const EVIL: &str = "http://evil.example";

async fn defenses(app: &TestApp) -> Value {
    app.get("/control/defenses").send().await.json()
}

#[tokio::test]
async fn a_cross_site_reset_is_refused_and_the_defenses_stay_on() {
    // Arrange: the person switched every defense on
    let app = test_app();
    let on = json!({"origin_check": true, "json_only": true, "fetch_metadata": true, "csrf_token": true});
    app.put("/control/defenses").json(&on).send().await;

    // Act: another page resets the lab, as a fetch with its Origin …
    let fetched = app.post("/control/reset").header("origin", EVIL).json(&json!({})).send().await;
    // … and as a form post, which carries no JSON content type
    let form = app.post("/control/reset").header("content-type", "application/x-www-form-urlencoded").body("").send().await;
    let bare = app.post("/control/reset").send().await;

    // Assert
    assert_error(fetched, 403, "origin_refused");
    assert_error(form, 415, "unsupported_media_type");
    assert_error(bare, 415, "unsupported_media_type");
    assert_eq!(defenses(&app).await, on);
}

#[tokio::test]
async fn control_writes_from_another_origin_change_nothing() {
    let app = test_app();
    let before = app.policy().await;
    let mut reflect = before.clone();
    reflect["allow_origin"] = json!({"mode": "reflect"});
    let cases = [
        (Method::PUT, "/control/cors", reflect.clone()),
        (Method::PUT, "/control/cookie", json!({"same_site": "None", "secure": false, "http_only": false})),
        (Method::PUT, "/control/defenses", json!({"origin_check": false, "json_only": false})),
        (Method::PUT, "/control/jwt", json!({"secret": "guessable", "ttl_seconds": 60})),
        (Method::POST, "/control/reset", json!({})),
    ];
    for (method, path, body) in cases {
        let r = app.req(method, path).header("origin", "http://localhost:3001").json(&body).send().await;
        assert_error(r, 403, "origin_refused");
    }
    assert_eq!(app.policy().await, before);
    let jwt: Value = app.get("/control/jwt").send().await.json();
    assert_ne!(jwt["secret"], "guessable");
    // Nor a page that says so only in Sec-Fetch-Site (tower-http's CsrfLayer reads both).
    let cross = app.put("/control/cors").header("sec-fetch-site", "cross-site").json(&reflect).send().await;
    assert_error(cross, 403, "origin_refused");
    assert_eq!(app.policy().await, before);
    // The playground's own page may.
    let mine = app.put("/control/cors").header("origin", FRONT).header("sec-fetch-site", "same-site").json(&reflect).send().await;
    assert_eq!(mine.status(), 200);
}

#[tokio::test]
async fn a_foreign_host_gets_421_on_both_listeners_and_no_secret() {
    // Arrange: a backend whose other site we know the address of
    let bound = startup::bind(Config::from_args(["backend", "--api-addr", "127.0.0.1:0", "--site-addr", "127.0.0.1:0"]).unwrap()).await.unwrap();
    let (api, site) = (bound.api_addr.to_string(), bound.site_addr.to_string());
    let secret = bound.state().lab().jwt().secret.clone();
    tokio::spawn(bound.serve(std::future::pending()));

    for (listener, path) in [(&api, "/control/jwt"), (&api, "/control/sessions"), (&api, "/api/profile"), (&site, "/")] {
        // Act: what a page on a rebound name sends
        let port = listener.rsplit(':').next().unwrap();
        let answer = raw(listener, format!("GET {path} HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n").as_bytes()).await;
        // Assert
        assert!(answer.starts_with("HTTP/1.1 421"), "{path}: {answer}");
        assert!(answer.contains("misdirected_request"), "{answer}");
        assert!(!answer.contains(&secret), "{answer}");
    }
    let ours = raw(&api, b"GET /control/jwt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await;
    assert!(ours.starts_with("HTTP/1.1 200") && ours.contains(&secret), "{ours}");
}

/// Through what the API listener serves, `Host` check included (hyper passes both lines on).
#[tokio::test]
async fn two_host_lines_or_a_host_that_is_not_host_and_port_are_refused() {
    let app = test_app();
    let secret = app.state.lab().jwt().secret.clone();
    let twice = app.get("/control/jwt").header(HOST, "evil.example").send().await;
    assert!(twice.status() == 400 && twice.text().contains("invalid_host"), "{} {}", twice.status(), twice.text());
    assert!(!twice.text().contains(&secret));
    for host in ["localhost:3000:1", "localhost:x", "[::1]evil", "::1"] {
        let answer = app.get("/control/jwt").host(HeaderValue::from_static(host)).send().await;
        assert!(!answer.text().contains(&secret), "{host}: {}", answer.text());
        assert!(answer.status().is_client_error(), "{host}: {}", answer.status());
    }
}

#[tokio::test]
async fn the_sessions_list_never_shows_a_whole_id_and_revokes_by_handle() {
    let app = test_app();
    let browser = app.browser();
    let login = browser.post("/api/login").json(&json!({"email": "a@b.com", "password": "123"})).send().await;
    let id = header(login.headers(), "set-cookie").unwrap().trim_start_matches("sessionId=").split(';').next().unwrap().to_owned();

    let listed = app.get("/control/sessions").send().await;
    assert_eq!(header(listed.headers(), "cache-control"), Some("no-store"));
    let text = listed.text();
    assert!(!text.contains(&id), "the whole id leaked: {text}");
    let rows: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(rows[0]["id_prefix"], id[..8]);
    let jwt = app.get("/control/jwt").send().await;
    assert_eq!(header(jwt.headers(), "cache-control"), Some("no-store"));

    let handle = rows[0]["handle"].as_str().unwrap();
    let revoked = app.delete(&format!("/control/sessions/{handle}")).send().await;
    assert_eq!(revoked.status(), 204);
    let profile = browser.get("/api/profile").send().await;
    assert_error(profile, 401, "unknown_session");
}

async fn wrong_login(app: &TestApp, email: &str) -> Answer {
    app.post("/api/login").json(&json!({"email": email, "password": "wrong"})).send().await
}

#[tokio::test]
async fn parallel_wrong_logins_get_at_most_ten_password_checks() {
    // Room in the hashing queue for all 40, so only the throttle decides.
    let app = test_app_with(&["--hash-queue-per-thread", "64"]);
    let guesses = join_all((0..40).map(|_| wrong_login(&app, "a@b.com"))).await;
    let statuses: Vec<u16> = guesses.iter().map(|r| r.status().as_u16()).collect();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(checked <= 10, "{checked} guesses got a password verdict: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 40 - checked, "{statuses:?}");
    // And the account stays locked for the right password.
    assert_error(app.post("/api/login").json(&json!({"email": "a@b.com", "password": "123"})).send().await, 429, "too_many_attempts");
}

#[tokio::test]
async fn a_full_hashing_queue_answers_503_busy_with_retry_after() {
    // One thread, one waiting place: of eight logins at once, most find no room.
    let app = test_app_with(&["--hashing-threads", "1", "--hash-queue-per-thread", "1"]);
    let emails: Vec<String> = (0..8).map(|i| format!("user{i}@example.com")).collect();
    let answers = join_all(emails.iter().map(|email| wrong_login(&app, email))).await;
    let busy: Vec<&Answer> = answers.iter().filter(|r| r.status() == 503).collect();
    assert!(busy.len() >= 5, "{:?}", answers.iter().map(|r| r.status()).collect::<Vec<_>>());
    assert!(busy.iter().all(|r| header(r.headers(), "retry-after") == Some("1")));
    let body: Value = busy[0].json();
    assert_eq!(body["error"], "busy");
}

#[tokio::test]
async fn out_of_range_expiry_dates_are_a_401_not_a_crash() {
    let app = test_app();
    let settings: Value = app.get("/control/jwt").send().await.json();
    let secret = settings["secret"].as_str().unwrap().as_bytes();
    for exp in ["-9223372036854775000", "9223372036854775807", "1e13", "-1e300"] {
        let token = jwt::sign_parts(br#"{"alg":"HS256","typ":"JWT"}"#, format!(r#"{{"sub":"1","exp":{exp}}}"#).as_bytes(), secret);
        let r = app.request(Method::GET, "/api/profile", &[("Authorization", &format!("Bearer {token}"))]).await;
        assert_error(r, 401, "malformed_token");
    }
}

/// Over a socket: a stream's place is given back when its connection closes.
#[tokio::test]
async fn the_33rd_event_stream_gets_429_until_one_closes() {
    let served = spawn_app().await;
    let url = format!("{}/control/events", served.base);
    let mut open = Vec::new();
    for _ in 0..32 {
        let stream = served.client.get(&url).send().await.unwrap();
        assert_eq!(stream.status(), 200);
        open.push(stream);
    }
    let refused = served.client.get(&url).send().await.unwrap();
    assert_eq!(header(refused.headers(), "retry-after"), Some("5"));
    assert_error(Answer::of(refused).await, 429, "too_many_streams");

    drop(open.pop());
    // The server learns of the close when it next writes to that stream.
    served.app.request(Method::GET, "/api/profile", &[]).await;
    eventually("a closed stream gives its place back", || async { served.client.get(&url).send().await.unwrap().status() == 200 }).await;
}

#[tokio::test]
async fn a_trickled_body_gets_408() {
    let app = spawn_app_with(&["--body-timeout", "300ms"]).await;
    let mut s = TcpStream::connect(app.addr()).await.unwrap();
    let head = "POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(b"{").await.unwrap();
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut answer)).await.expect("answered").unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
}

#[tokio::test]
async fn with_a_control_token_every_control_request_needs_it() {
    let app = test_app_with(&["--control-token", "let-me-in"]);
    assert_error(app.get("/control/cors").send().await, 401, "control_token_required");
    assert_error(app.get("/control/cors").header("x-playground-token", "wrong").send().await, 401, "control_token_required");
    assert_eq!(app.get("/control/cors").header("x-playground-token", "let-me-in").send().await.status(), 200);
    // The stream never ends: its status is the answer.
    let events = app.get("/control/events?token=let-me-in").call().await;
    assert_eq!(events.status(), 200);
    // The lab API is the lab's: no token there.
    assert_error(app.request(Method::GET, "/api/profile", &[]).await, 401, "no_credentials");
}

#[tokio::test]
async fn a_non_loopback_address_needs_a_control_token_to_start() {
    let config = Config::from_args(["backend", "--api-addr", "0.0.0.0:0", "--site-addr", "127.0.0.1:0"]).unwrap();
    let refused = startup::bind(config).await.err().expect("refused to start");
    assert!(refused.to_string().contains("--control-token"), "{refused}");
}

#[tokio::test]
async fn http2_is_not_spoken() {
    // h2c with prior knowledge: the preface, then a SETTINGS frame. Over HTTP/2 one connection
    // could carry hundreds of concurrent logins; over HTTP/1.1 it carries one at a time.
    let app = spawn_app().await;
    let mut s = TcpStream::connect(app.addr()).await.unwrap();
    s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00").await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut answer)).await.expect("closed").unwrap();
    // An HTTP/2 server would answer with a SETTINGS frame; this one closes the connection.
    assert!(answer.is_empty(), "{:?}", String::from_utf8_lossy(&answer));
}
