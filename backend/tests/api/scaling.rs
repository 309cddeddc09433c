//! Two instances: sessions shared through Redis or not at all, JWTs everywhere, and Redis faults
//! handled as users expect. An instance is a state of its own (`test_app_with`), as a second
//! process would have; its sessions are in its own store or in the one Redis, a real
//! `redis-server` over its socket since sharing it is the point. Each answer names its instance
//! (`X-Instance`), and `/control/instance` says where the load balancer is.

use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::{Answer, Client, FRONT, RedisServer, TestApp, assert_error, eventually, header, test_app, test_app_with};

const SECRET: &str = "a-shared-secret-for-both-instances-0123456789";

/// An instance as the scaling lab starts it, its sessions in `store`.
fn instance(store: &str) -> TestApp {
    // Short, so that a test with Redis down gets its 503 at once.
    test_app_with(&["--session-store", store, "--jwt-secret", SECRET, "--store-timeout", "300ms"])
}

async fn login(instance: &TestApp) -> Answer {
    instance.post("/api/login").json(&json!({"email": "a@b.com", "password": "123"})).send().await
}

fn cookie_of(response: &Answer) -> String {
    response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
}

async fn profile(instance: &TestApp, cookie: &str) -> Answer {
    instance.get("/api/profile").header("cookie", cookie).send().await
}

async fn token(instance: &TestApp) -> String {
    let r = instance.post("/api/token").json(&json!({"email": "a@b.com", "password": "123"})).send().await;
    r.json::<Value>()["token"].as_str().unwrap().to_owned()
}

async fn bearer(instance: &TestApp, token: &str) -> u16 {
    instance.get("/api/profile").bearer_auth(token).send().await.status().as_u16()
}

#[tokio::test]
async fn with_redis_a_session_made_on_a_is_known_to_b() {
    let redis = RedisServer::start();
    let (a, b) = (instance(&redis.url()), instance(&redis.url()));
    let cookie = cookie_of(&login(&a).await);
    let on_b = profile(&b, &cookie).await;
    assert_eq!(on_b.status(), 200);
    assert_eq!(on_b.json::<Value>()["auth"], "session");
    let t = token(&a).await;
    assert_eq!((bearer(&a, &t).await, bearer(&b, &t).await), (200, 200));
}

#[tokio::test]
async fn with_memory_stores_b_does_not_know_a_session_of_a_but_a_jwt_works_on_both() {
    let (a, b) = (instance("memory"), instance("memory"));
    let cookie = cookie_of(&login(&a).await);
    assert_eq!(profile(&a, &cookie).await.status(), 200);
    assert_error(profile(&b, &cookie).await, 401, "unknown_session");
    let t = token(&a).await;
    assert_eq!((bearer(&a, &t).await, bearer(&b, &t).await), (200, 200));
}

#[tokio::test]
async fn redis_down_is_a_quick_503_and_recovers_by_itself() {
    let redis = RedisServer::start();
    let a = instance(&redis.url());
    let cookie = cookie_of(&login(&a).await);
    let port = redis.stop();

    // Within `--store-timeout` (300 ms here), not a hang.
    let down = profile(&a, &cookie).await;
    let body = assert_error(down, 503, "store_unavailable");
    assert!(!body["message"].as_str().unwrap().contains("127.0.0.1"), "no internals in the message: {body}");
    assert_error(login(&a).await, 503, "store_unavailable");
    // JWTs need no store.
    let t = token(&a).await;
    assert_eq!(bearer(&a, &t).await, 200);

    let _redis = RedisServer::start_on(port);
    // The store answers again (the new Redis is empty: the old session is unknown), and then a
    // login works from start to end.
    eventually("the store reconnects", || async { profile(&a, &cookie).await.status() != 503 }).await;
    let r = login(&a).await;
    assert_eq!(r.status(), 200, "recovered");
    assert_eq!(profile(&a, &cookie_of(&r)).await.status(), 200);
}

/// A restart leaves nothing of the instance but what Redis holds: a new state on the same Redis.
#[tokio::test]
async fn a_redis_held_session_survives_a_backend_restart() {
    let redis = RedisServer::start();
    let cookie = {
        let a = instance(&redis.url());
        cookie_of(&login(&a).await)
    };
    let restarted = instance(&redis.url());
    assert_eq!(profile(&restarted, &cookie).await.status(), 200);
}

#[tokio::test]
async fn every_answer_of_the_api_listener_names_its_instance_and_the_log_shows_it() {
    let app = test_app_with(&["--instance-name", "B"]);
    let answers = [
        ("a lab 401", app.request(Method::GET, "/api/profile", &[("Origin", FRONT)]).await),
        ("a preflight", app.preflight("/api/profile", FRONT, "GET", Some("authorization")).await),
        ("a refused preflight", app.preflight("/api/profile", "http://evil.example", "GET", None).await),
        ("a lab 404", app.request(Method::GET, "/api/nowhere", &[]).await),
        ("a control answer", app.request(Method::GET, "/control/cors", &[]).await),
        ("a control 405", app.request(Method::DELETE, "/control/cors", &[]).await),
        ("a 404 outside both", app.request(Method::GET, "/nowhere", &[]).await),
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
    let app = test_app();
    let before = app.request(Method::GET, "/api/profile", &[("Origin", FRONT)]).await;
    assert_eq!(header(before.headers(), "access-control-expose-headers"), None);
    let mut policy = crate::helpers::default_policy();
    policy["expose_headers"] = json!(["X-Instance"]);
    assert_eq!(app.put_policy(&policy).await.status(), 200);
    let after = app.request(Method::GET, "/api/profile", &[("Origin", FRONT)]).await;
    assert_eq!(header(after.headers(), "access-control-expose-headers"), Some("X-Instance"));
    assert_eq!(header(after.headers(), "x-instance"), Some("A"));
}

#[tokio::test]
async fn the_instance_says_where_the_load_balancer_is_when_there_is_one() {
    let alone = test_app();
    let info: Value = alone.request(Method::GET, "/control/instance", &[]).await.json();
    assert_eq!(info, json!({"name": "A", "store": "memory", "peers": [], "balancer": null}));

    let behind = test_app_with(&[
        "--peer", "http://localhost:3102",
        "--balancer-round-robin", "http://localhost:3000",
        "--balancer-sticky", "http://localhost:3004",
        "--balancer-admin", "/tmp/playground-lb-none/admin.sock",
    ]);
    let info: Value = behind.request(Method::GET, "/control/instance", &[]).await.json();
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
