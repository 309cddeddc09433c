//! The settings the backend added for the lab, edited where the policy and the defences are:
//! how a refused preflight is answered, and the Fetch Metadata defence.

use std::time::{Duration, Instant};

use e2e::{Lab, UI_TIMEOUT};
use serde_json::Value;

async fn get(lab: &Lab, path: &str) -> Value {
    lab.http.get(format!("{}{path}", lab.backend.api)).send().await.unwrap().json().await.unwrap()
}

/// Polls `path` on the control plane until `done` holds for it.
async fn wait_for(lab: &Lab, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        let value = get(lab, path).await;
        if done(&value) {
            return value;
        }
        assert!(Instant::now() < deadline, "{path} never got there: {value}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_refused_preflight_answered_with_the_policys_headers_is_refused_by_the_browser() {
    // Arrange
    let lab = Lab::start().await;
    let b = &lab.browser;
    b.client.goto(&lab.page_url()).await.expect("page loads");
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    assert!(b.text("#code-tower").await.contains("refused_preflight \"forbidden\""));

    // Act: "headers" in the policy editor, then a PUT the policy does not allow
    b.click("#policy details.editor summary").await;
    b.select("#policy-refused-preflight", "headers").await;
    b.click("#policy-apply").await;
    let policy = wait_for(&lab, "/control/cors", |p| p["refused_preflight"] == "headers").await;
    b.wait_text("#policy-summary", |t| t.contains("Refused preflights get 204")).await;
    b.select("#req-method", "PUT").await;
    b.click("#send").await;
    b.wait_text("#latest .server-view", |t| t.contains("preflight: OPTIONS")).await;

    // Assert: the server answered 204 with its headers, and the browser still refused
    assert_eq!(policy["allow_methods"], serde_json::json!(["GET", "POST"]));
    let server = b.text("#latest .server-view").await;
    assert!(server.contains("preflight: OPTIONS /api/profile → 204"), "{server}");
    assert!(server.contains("access-control-allow-methods: GET, POST"), "{server}");
    assert!(!server.contains("request: PUT"), "{server}");
    assert_eq!(b.attr("#latest .browser-view", "data-state").await.as_deref(), Some("blocked"));
    assert!(b.text("#code-tower").await.contains("refused_preflight \"headers\""));
    assert!(b.text("#code-express").await.contains("refused_preflight \"headers\""));
    lab.browser.close().await;
}

#[tokio::test]
async fn the_fetch_metadata_defence_is_switched_on_the_server() {
    let lab = Lab::start().await;
    let b = &lab.browser;
    b.client.goto(&lab.page_url()).await.expect("page loads");
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;

    b.click("#defense-fetch-metadata").await;

    let defenses = wait_for(&lab, "/control/defenses", |d| d["fetch_metadata"] == true).await;
    assert_eq!((defenses["origin_check"].as_bool(), defenses["json_only"].as_bool()), (Some(false), Some(false)));
    lab.browser.close().await;
}
