//! Two real backend processes: sessions shared through Redis or not at all, JWTs everywhere,
//! and Redis faults handled as users expect. Each answer names its instance (`X-Instance`),
//! and `/control/instance` says where the load balancer is.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::Client;
use serde_json::{Value, json};

use crate::helpers::{FRONT, RedisServer, assert_error, header, spawn_app, spawn_app_with};

const SECRET: &str = "a-shared-secret-for-both-instances-0123456789";

/// The backend binary on free ports, stopped on drop.
struct Instance {
    child: Child,
    base: String,
}

impl Instance {
    fn start(store: &str) -> Instance {
        let mut child = Command::new(env!("CARGO_BIN_EXE_backend"))
            .args(["--api-addr", "127.0.0.1:0", "--site-addr", "127.0.0.1:0", "--session-store", store, "--jwt-secret", SECRET])
            // Short, so that a test with Redis down gets its 503 at once.
            .args(["--store-timeout", "300ms"])
            .env("RUST_LOG", "off")
            .stdout(Stdio::piped())
            .spawn()
            .expect("backend starts");
        let line = BufReader::new(child.stdout.take().unwrap()).lines().next().unwrap().unwrap();
        let base = line.strip_prefix("api listening on ").expect("api line").to_owned();
        Instance { child, base }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Logs in on `instance` and returns the session cookie header value.
async fn login(instance: &Instance) -> reqwest::Response {
    Client::new()
        .post(format!("{}/api/login", instance.base))
        .json(&json!({"email": "a@b.com", "password": "123"}))
        .send()
        .await
        .unwrap()
}

fn cookie_of(response: &reqwest::Response) -> String {
    response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
}

async fn profile(instance: &Instance, cookie: &str) -> reqwest::Response {
    Client::new().get(format!("{}/api/profile", instance.base)).header("cookie", cookie).send().await.unwrap()
}

async fn token(instance: &Instance) -> String {
    let r = Client::new().post(format!("{}/api/token", instance.base)).json(&json!({"email": "a@b.com", "password": "123"})).send().await.unwrap();
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn bearer(instance: &Instance, token: &str) -> u16 {
    Client::new().get(format!("{}/api/profile", instance.base)).bearer_auth(token).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn with_redis_a_session_made_on_a_is_known_to_b() {
    let redis = RedisServer::start();
    let (a, b) = (Instance::start(&redis.url()), Instance::start(&redis.url()));
    let cookie = cookie_of(&login(&a).await);
    let on_b = profile(&b, &cookie).await;
    assert_eq!(on_b.status(), 200);
    assert_eq!(on_b.json::<Value>().await.unwrap()["auth"], "session");
    let t = token(&a).await;
    assert_eq!((bearer(&a, &t).await, bearer(&b, &t).await), (200, 200));
}

#[tokio::test]
async fn with_memory_stores_b_does_not_know_a_session_of_a_but_a_jwt_works_on_both() {
    let (a, b) = (Instance::start("memory"), Instance::start("memory"));
    let cookie = cookie_of(&login(&a).await);
    assert_eq!(profile(&a, &cookie).await.status(), 200);
    assert_error(profile(&b, &cookie).await, 401, "unknown_session").await;
    let t = token(&a).await;
    assert_eq!((bearer(&a, &t).await, bearer(&b, &t).await), (200, 200));
}

#[tokio::test]
async fn redis_down_is_a_quick_503_and_recovers_by_itself() {
    let redis = RedisServer::start();
    let a = Instance::start(&redis.url());
    let cookie = cookie_of(&login(&a).await);
    let port = redis.stop();

    // Within `--store-timeout` (300 ms here), not a hang.
    let down = profile(&a, &cookie).await;
    let body = assert_error(down, 503, "store_unavailable").await;
    assert!(!body["message"].as_str().unwrap().contains("127.0.0.1"), "no internals in the message: {body}");
    assert_error(login(&a).await, 503, "store_unavailable").await;
    // JWTs need no store.
    let t = token(&a).await;
    assert_eq!(bearer(&a, &t).await, 200);

    let _redis = RedisServer::start_on(port);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = login(&a).await;
        if r.status() == 200 {
            assert_eq!(profile(&a, &cookie_of(&r)).await.status(), 200);
            break;
        }
        assert!(Instant::now() < deadline, "never recovered: {}", r.status());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_redis_held_session_survives_a_backend_restart() {
    let redis = RedisServer::start();
    let cookie = {
        let a = Instance::start(&redis.url());
        cookie_of(&login(&a).await)
    };
    let restarted = Instance::start(&redis.url());
    assert_eq!(profile(&restarted, &cookie).await.status(), 200);
}

#[tokio::test]
async fn every_answer_of_the_api_listener_names_its_instance_and_the_log_shows_it() {
    let app = spawn_app_with(&["--instance-name", "B"]).await;
    let answers = [
        ("a lab 401", app.request(reqwest::Method::GET, "/api/profile", &[("Origin", FRONT)]).await),
        ("a preflight", app.preflight("/api/profile", FRONT, "GET", Some("authorization")).await),
        ("a refused preflight", app.preflight("/api/profile", "http://evil.example", "GET", None).await),
        ("a lab 404", app.request(reqwest::Method::GET, "/api/nowhere", &[]).await),
        ("a control answer", app.request(reqwest::Method::GET, "/control/cors", &[]).await),
        ("a control 405", app.request(reqwest::Method::DELETE, "/control/cors", &[]).await),
        ("a 404 outside both", app.request(reqwest::Method::GET, "/nowhere", &[]).await),
    ];
    for (what, answer) in &answers {
        assert_eq!(header(answer.headers(), "x-instance"), Some("B"), "{what}");
    }
    let log = app.log().await;
    assert_eq!(log.len(), 4, "the four lab requests: {log:?}");
    assert!(log.iter().all(|e| e["response_headers"]["x-instance"] == "B"), "{log:?}");
}

#[tokio::test]
async fn the_page_can_read_the_instance_once_the_policy_exposes_it() {
    let app = spawn_app().await;
    let before = app.request(reqwest::Method::GET, "/api/profile", &[("Origin", FRONT)]).await;
    assert_eq!(header(before.headers(), "access-control-expose-headers"), None);
    let mut policy = crate::helpers::default_policy();
    policy["expose_headers"] = json!(["X-Instance"]);
    assert_eq!(app.put_policy(&policy).await.status(), 200);
    let after = app.request(reqwest::Method::GET, "/api/profile", &[("Origin", FRONT)]).await;
    assert_eq!(header(after.headers(), "access-control-expose-headers"), Some("X-Instance"));
    assert_eq!(header(after.headers(), "x-instance"), Some("A"));
}

#[tokio::test]
async fn the_instance_says_where_the_load_balancer_is_when_there_is_one() {
    let alone = spawn_app().await;
    let info: Value = alone.request(reqwest::Method::GET, "/control/instance", &[]).await.json().await.unwrap();
    assert_eq!(info, json!({"name": "A", "store": "memory", "peers": [], "balancer": null}));

    let behind = spawn_app_with(&[
        "--peer", "http://localhost:3102",
        "--balancer-round-robin", "http://localhost:3000",
        "--balancer-sticky", "http://localhost:3004",
        "--balancer-admin", "/tmp/playground-lb-none/admin.sock",
    ])
    .await;
    let info: Value = behind.request(reqwest::Method::GET, "/control/instance", &[]).await.json().await.unwrap();
    assert_eq!(
        info,
        json!({"name": "A", "store": "memory", "peers": ["http://localhost:3102"],
            "balancer": {"round_robin": "http://localhost:3000", "sticky": "http://localhost:3004", "admin": true}})
    );
}

#[test]
fn a_bad_instance_name_or_balanced_origin_refuses_to_start() {
    use backend::Config;
    use clap::Parser;
    for (flags, names) in [
        (&["--instance-name", ""][..], "--instance-name"),
        (&["--instance-name", "Ä"], "--instance-name"),
        (&["--balancer-sticky", "localhost:3004"], "--balancer-sticky"),
        (&["--balancer-round-robin", "null"], "--balancer-round-robin"),
        (&["--balancer-round-robin", "http://localhost:3000/"], "--balancer-round-robin"),
    ] {
        let args = [&["backend", "--api-addr", "127.0.0.1:0", "--site-addr", "127.0.0.1:0"][..], flags].concat();
        let refused = Config::try_parse_from(args).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains(names), "{flags:?}: {refused:?}");
    }
}
