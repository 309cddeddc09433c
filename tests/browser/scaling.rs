//! The scaling lab in the browser: two backends, log in on A, ask B. (Through a load balancer:
//! `tests/browser/scaling_ui.rs`.)

use e2e::{Backend, Browser, Frontend, Redis, free_port};

/// Starts A and B (peers of each other) with `store`, logs in on A through the UI, and
/// returns what B said to the same cookie and to A's JWT.
async fn log_in_on_a_ask_b(store: &str) -> (String, String) {
    let frontend = Frontend::serve().await;
    let (pa, pb) = (free_port(), free_port());
    let secret = "one-secret-for-both-instances-0123456789abcdef";
    let start = |name: &str, port: u16, peer: u16| {
        Backend::start_with(&frontend.origin, &[
            "--api-addr", &format!("127.0.0.1:{port}"),
            "--instance-name", name,
            "--peer", &format!("http://localhost:{peer}"),
            "--session-store", store,
            "--jwt-secret", secret,
        ])
    };
    let (a, _b) = (start("A", pa, pb), start("B", pb, pa));
    let browser = Browser::start().await;
    browser.client.goto(&format!("{}/?api={}", frontend.origin, a.api)).await.unwrap();
    browser.wait_text("#scaling", |t| t.contains("GET /api/profile on B")).await;
    browser.click("#login-cookie").await;
    browser.wait_attr("#latest[data-probe='1'] .views", "data-rid", |r| !r.is_empty()).await;
    browser.click("#scaling .peer-cookie").await;
    browser.wait_attr("#latest[data-probe='2'] .views", "data-rid", |r| !r.is_empty()).await;
    let cookie_on_b = browser.text("#latest").await;
    browser.click("#get-token").await;
    browser.wait_attr("#latest[data-probe='3'] .views", "data-rid", |r| !r.is_empty()).await;
    browser.click("#scaling .peer-jwt").await;
    browser.wait_attr("#latest[data-probe='4'] .views", "data-rid", |r| !r.is_empty()).await;
    let jwt_on_b = browser.text("#latest").await;
    browser.close().await;
    (cookie_on_b, jwt_on_b)
}

#[tokio::test]
async fn with_memory_stores_b_does_not_know_the_session_but_takes_the_jwt() {
    let (cookie, jwt) = log_in_on_a_ask_b("memory").await;
    assert!(cookie.contains("Profile on B with the cookie") && cookie.contains("unknown_session"), "{cookie}");
    assert!(cookie.contains("session present"), "the cookie went to B too: {cookie}");
    assert!(jwt.contains("\"auth\":\"jwt\""), "{jwt}");
}

#[tokio::test]
async fn with_redis_b_knows_the_session_made_on_a() {
    let redis = Redis::start();
    let (cookie, jwt) = log_in_on_a_ask_b(&redis.url).await;
    assert!(cookie.contains("\"auth\":\"session\""), "{cookie}");
    assert!(jwt.contains("\"auth\":\"jwt\""), "{jwt}");
}
