//! Every open page stays live: a change of the lab's settings, made in one window or on the
//! control plane, reaches every other open page over the event stream, without a reload.

use e2e::Lab;

/// The page shows the policy the server has (not "Loading…" or an error).
fn shows_a_policy(summary: &str) -> bool {
    summary.starts_with("Allows") || summary.starts_with("CORS off")
}

#[tokio::test]
async fn a_policy_change_and_a_reset_in_one_window_reach_the_other() {
    // Arrange: two windows of one browser on the playground
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let first = b.open_window(&lab.page_url()).await;
    b.wait_text("#policy-summary", shows_a_policy).await;
    b.wait_attr("#preset-secure", "aria-pressed", |p| p == "true").await;
    let second = b.switch_to(first).await;

    // Act: CORS off in the first window
    b.click("#preset-off").await;
    b.wait_attr("#preset-off", "aria-pressed", |p| p == "true").await;

    // Assert: the second window says so too
    let first = b.switch_to(second).await;
    b.wait_text("#policy-summary", |t| t.starts_with("CORS off")).await;
    assert_eq!(b.attr("#preset-secure", "aria-pressed").await.as_deref(), Some("false"));

    // Act: a reset in the second window
    b.click("#reset").await;
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;

    // Assert: the first window shows the reset lab
    b.switch_to(first).await;
    b.wait_attr("#preset-secure", "aria-pressed", |p| p == "true").await;
    let summary = b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    assert!(summary.contains(&lab.frontend.origin), "{summary}");
    lab.browser.close().await;
}

/// Whoever changes the cookie attributes, the defenses or the JWT secret (here the control
/// plane), the open page shows it; a secret the page took from the server follows it, and a
/// policy field the person is typing in stays as typed.
#[tokio::test]
async fn cookie_defense_and_jwt_changes_reach_an_open_page() {
    // Arrange: the page holds the server's secret, and a policy edit not yet applied
    let lab = Lab::opened().await;
    let b = &lab.browser;
    b.click("#jwt-use-server-secret").await;
    let before = b.wait_value("#jwt-secret", |v| !v.is_empty()).await;
    b.click("#policy details.editor summary").await;
    b.fill("#policy-max-age", "123").await;

    // Act
    lab.control_put("/control/cookie", &serde_json::json!({"same_site": "Strict", "secure": false, "http_only": true})).await;
    lab.control_put("/control/defenses", &serde_json::json!({"origin_check": true, "json_only": false, "fetch_metadata": false})).await;
    let secret = "another secret, long enough to be a strong one";
    assert_ne!(before, secret);
    lab.control_put("/control/jwt", &serde_json::json!({"secret": secret, "ttl_seconds": 900})).await;

    // Assert
    b.wait_text("#cookie-preview", |t| t.contains("SameSite=Strict")).await;
    let checked = e2e::settle(async || b.client.find(fantoccini::Locator::Css("#defense-origin")).await.ok()?.prop("checked").await.ok()?, |c| c.as_deref() == Some("true")).await;
    assert_eq!(checked.as_deref(), Some("true"), "the Origin check shows as on");
    b.wait_value("#jwt-secret", |v| v == secret).await;
    assert_eq!(b.value("#policy-max-age").await, "123", "the policy did not change: the edit stays");
    lab.browser.close().await;
}
