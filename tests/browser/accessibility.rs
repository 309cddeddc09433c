//! Accessibility: axe-core (from npm; `cargo xtask test` names its minified script in
//! `PLAYGROUND_AXE`), injected into the page, finds no violation: once results, the server's
//! log and the diagrams are shown, and in a shared lab's draft.

use e2e::{Browser, Lab};
use serde_json::Value;

/// axe-core's script, as `cargo xtask setup --tests` installed it.
fn axe_script() -> String {
    let path = std::env::var_os("PLAYGROUND_AXE")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| panic!("PLAYGROUND_AXE is not set: it names axe-core's axe.min.js, which `cargo xtask test` installs and sets"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("PLAYGROUND_AXE={}: {e}", path.to_string_lossy()))
}

/// Runs axe on the whole page and returns its violations, each as id, impact, help and nodes.
async fn axe_violations(b: &Browser, axe: &str) -> Vec<Value> {
    b.client.execute(axe, vec![]).await.expect("axe-core loads into the page");
    let found = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document)
               .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }))))
               .catch(e => done([{ id: 'axe-failed', help: String(e), nodes: [] }]));",
            vec![],
        )
        .await
        .expect("axe runs");
    found.as_array().cloned().unwrap_or_default()
}

/// Fails with each violation's id, impact, help and the nodes it was found on.
fn assert_none(violations: &[Value]) {
    let described: Vec<String> = violations
        .iter()
        .map(|v| format!("{} ({}): {}\n      on {}", v["id"].as_str().unwrap_or("?"), v["impact"].as_str().unwrap_or("?"), v["help"].as_str().unwrap_or("?"), v["nodes"]))
        .collect();
    assert!(described.is_empty(), "axe found {} violation(s):\n  {}", described.len(), described.join("\n  "));
}

#[tokio::test]
async fn axe_finds_no_violation_on_a_page_in_use() {
    // Arrange: a page showing results (read and blocked), the server's entries and diagrams,
    // a token, and the policy editor open
    let axe = axe_script();
    let lab = Lab::opened().await;
    let b = &lab.browser;
    for (n, button) in ["#login-cookie", "#get-token", "#profile-token"].into_iter().enumerate() {
        b.click(button).await;
        b.wait_attr("#latest", "data-probe", |p| p == (n + 1).to_string()).await;
        b.wait_text("#latest .server-view", |t| t.contains("request: ")).await;
    }
    b.click("#preset-off").await;
    b.wait_text("#policy-summary", |t| t.starts_with("CORS off")).await;
    b.click("#profile-cookie").await;
    b.wait_attr("#latest .browser-view", "data-state", |s| s == "blocked").await;
    b.wait_text("#latest .server-view", |t| t.contains("request: ")).await;
    b.click("#policy details.editor summary").await;
    // The folded sections open too, so that axe reads what they hold.
    b.client.execute("document.querySelectorAll('details.fold').forEach(d => d.open = true)", vec![]).await.unwrap();

    // Act
    let violations = axe_violations(b, &axe).await;

    // Assert
    assert_none(&violations);
    lab.browser.close().await;
}

#[tokio::test]
async fn axe_finds_no_violation_in_a_shared_labs_draft() {
    // Arrange: the page opened from a link whose lab differs from the live one
    let axe = axe_script();
    let lab = Lab::opened().await;
    let b = &lab.browser;
    lab.open_a_shared_draft().await;

    // Act
    let violations = axe_violations(b, &axe).await;

    // Assert
    assert_none(&violations);
    lab.browser.close().await;
}

#[tokio::test]
async fn axe_finds_no_violation_with_a_challenge_running_and_solved() {
    // Arrange: a challenge with its notes and a hint shown, then solved with its proof
    let axe = axe_script();
    let lab = Lab::opened().await;
    let b = &lab.browser;
    b.click("#challenge-start-read_the_header").await;
    b.wait_attr("#challenge-running", "data-challenge", |k| k == "read_the_header").await;
    b.click("#challenge-hint").await;
    b.wait_text("#challenge-hints", |t| !t.is_empty()).await;
    let running = axe_violations(b, &axe).await;
    b.click("#policy details.editor summary").await;
    b.fill("#policy-expose", "X-Instance").await;
    b.click("#policy-apply").await;
    lab.control_wait("/control/cors", |p| p["expose_headers"] == serde_json::json!(["X-Instance"])).await;
    b.click("#send").await;
    b.wait_text("#challenge-solved", |t| !t.is_empty()).await;

    // Act
    let solved = axe_violations(b, &axe).await;

    // Assert
    assert_none(&running);
    assert_none(&solved);
    lab.browser.close().await;
}
