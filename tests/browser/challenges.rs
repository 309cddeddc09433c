//! The guided challenges through the page, as a person plays them: start one in the panel
//! (which resets the lab into its setup), change the policy in the policy panel, send with
//! the auth lab's buttons or the composer, and see the server's judge say solved. Also the
//! nearest wrong answer (not solved), the progress kept across a reload, and a reset in
//! another window dropping this window's token and results.

use std::time::Duration;

use e2e::{Browser, Lab};
use shared::challenge::ChallengeId;

/// Clicks `css`, which sends one lab request, and waits for its answer in the results:
/// whether the page could read it (`read`) or not (`blocked`).
async fn send(b: &Browser, css: &str) -> String {
    let before = b.attr("#latest", "data-probe").await.unwrap_or_default();
    b.click(css).await;
    b.wait_attr("#latest", "data-probe", |p| !p.is_empty() && p != before).await;
    b.wait_attr("#latest .browser-view", "data-state", |s| !s.is_empty()).await
}

/// Starts the challenge `id` from its Start button and waits until the panel shows it running.
async fn start(lab: &Lab, id: ChallengeId) {
    let key = id.as_str();
    lab.browser.click(&format!("#challenge-start-{key}")).await;
    lab.browser.wait_attr(&format!("li[data-challenge='{key}']"), "data-state", |s| s == "running").await;
    lab.browser.wait_attr("#challenge-running", "data-challenge", |k| k == key).await;
    lab.control_wait("/control/challenge", |state| state["run"]["id"] == key).await;
}

/// Waits for the solved banner with `id`'s lesson, and hands back the log entries it names.
async fn solved(lab: &Lab, id: ChallengeId) -> Vec<u64> {
    let b = &lab.browser;
    b.wait_text("#challenge-solved", |t| t.contains(id.challenge().lesson)).await;
    b.wait_attr(&format!("li[data-challenge='{}']", id.as_str()), "data-state", |s| s == "solved").await;
    let run = lab.control_get("/control/challenge").await;
    let entries: Vec<u64> = serde_json::from_value(run["run"]["solved"]["entries"].clone()).expect("a solved run names its entries");
    for seq in &entries {
        b.wait_text(&format!("#challenge-proof li[data-seq='{seq}']"), |t| t.starts_with(&format!("#{seq} "))).await;
    }
    entries
}

/// Opens the policy editor's fields (and the advanced ones).
async fn open_policy_editor(b: &Browser) {
    b.click("#policy details.editor summary").await;
    b.click("#policy-advanced summary").await;
}

#[tokio::test]
async fn credentials_and_the_wildcard_are_fixed_by_the_exact_origin_not_by_reflecting_it() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let id = ChallengeId::CredentialsAndWildcard;
    start(&lab, id).await;
    assert_eq!(b.text("#challenge-goal").await, id.challenge().goal);
    b.click("#challenge-hint").await;
    b.wait_text("#challenge-hints", |t| t == id.challenge().hints[0]).await;
    assert_eq!(b.text("#challenge-hint").await, format!("Show a hint (2 of {})", id.challenge().hints.len()));

    // The nearest wrong answer: reflecting every origin lets the playground read too.
    b.click("#preset-reflect-credentials").await;
    lab.control_wait("/control/cors", |p| p["allow_origin"]["mode"] == "reflect").await;
    assert_eq!(send(b, "#login-cookie").await, "read");
    assert_eq!(send(b, "#profile-cookie").await, "read");
    let read = lab.server_log().await.into_iter().rev().find(|e| e.path == "/api/profile").expect("the profile read is logged");
    let run = lab.judged_run().await;
    assert!(run["run"]["solved"].is_null(), "a reflecting policy solves nothing (entry #{}): {run}", read.seq);
    assert_eq!(b.attr("li[data-challenge='credentials_and_wildcard']", "data-state").await.as_deref(), Some("running"));
    assert_eq!(b.text("#challenge-solved").await, "");

    // The fix: the exact origin, with credentials.
    b.click("#preset-secure").await;
    lab.control_wait("/control/cors", |p| p["allow_origin"]["mode"] == "list").await;
    assert_eq!(send(b, "#profile-cookie").await, "read");
    let proof = solved(&lab, id).await;
    assert!(proof.iter().all(|seq| *seq > read.seq), "only entries under the fixed policy prove it: {proof:?}");

    // The progress outlives the run and a reload: another challenge runs, this one stays solved.
    start(&lab, ChallengeId::BearerPreflight).await;
    lab.open_page().await;
    b.wait_attr("li[data-challenge='credentials_and_wildcard']", "data-state", |s| s == "solved").await;
    b.wait_attr("li[data-challenge='bearer_preflight']", "data-state", |s| s == "running").await;
    assert_eq!(b.attr("li[data-challenge='read_the_header']", "data-state").await.as_deref(), Some("open"));
    lab.browser.close().await;
}

#[tokio::test]
async fn the_bearers_preflight_is_fixed_by_allowing_authorization() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let id = ChallengeId::BearerPreflight;
    start(&lab, id).await;
    assert_eq!(send(b, "#get-token").await, "read");
    assert_eq!(send(b, "#profile-token").await, "blocked", "Authorization is not allowed yet");

    open_policy_editor(b).await;
    b.fill("#policy-headers", "Content-Type, Authorization").await;
    b.click("#policy-apply").await;
    lab.control_wait("/control/cors", |p| p["allow_headers"].as_array().is_some_and(|h| h.iter().any(|n| n == "Authorization"))).await;
    assert_eq!(send(b, "#profile-token").await, "read");
    solved(&lab, id).await;
    lab.browser.close().await;
}

/// Two bearer reads of one URL more than 6 s apart share one preflight only because of the
/// policy's max age: the browser's own cache (5 s without it) cannot explain it. The wait
/// is the scenario.
#[tokio::test]
async fn one_preflight_serves_two_reads_apart_once_a_max_age_says_so() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let id = ChallengeId::OnePreflight;
    start(&lab, id).await;
    b.wait_text("[data-note='preflight-cache']", |t| t.contains(e2e::engine().max_age_cap_words())).await;

    open_policy_editor(b).await;
    b.fill("#policy-max-age", "60").await;
    b.click("#policy-apply").await;
    lab.control_wait("/control/cors", |p| p["max_age"] == 60).await;
    assert_eq!(send(b, "#get-token").await, "read");
    b.set_checked("#req-bearer", true).await;
    assert_eq!(send(b, "#send").await, "read");
    tokio::time::sleep(Duration::from_millis(6_500)).await;
    assert_eq!(send(b, "#send-again").await, "read");

    let proof = solved(&lab, id).await;
    let log = lab.server_log().await;
    let preflights = log.iter().filter(|e| e.preflight && e.path == "/api/profile").count();
    assert_eq!(preflights, 1, "one preflight for both reads: {proof:?}");
    lab.browser.close().await;
}

#[tokio::test]
async fn the_header_is_read_once_the_policy_exposes_it() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let id = ChallengeId::ReadTheHeader;
    start(&lab, id).await;
    assert_eq!(send(b, "#send").await, "read");
    assert!(lab.judged_run().await["run"]["solved"].is_null(), "X-Instance is not exposed yet");

    open_policy_editor(b).await;
    b.fill("#policy-expose", "X-Instance").await;
    b.click("#policy-apply").await;
    lab.control_wait("/control/cors", |p| p["expose_headers"] == serde_json::json!(["X-Instance"])).await;
    assert_eq!(send(b, "#send").await, "read");
    solved(&lab, id).await;
    lab.browser.close().await;
}

/// A reset made in another window reaches this one over the event stream: its token and
/// results belonged to the old lab and go, as after its own reset button.
#[tokio::test]
async fn a_reset_in_another_window_drops_this_windows_token_and_results() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    assert_eq!(send(b, "#get-token").await, "read");
    assert_eq!(b.attr("#profile-token", "disabled").await, None, "a token is in memory");

    let first = b.open_window(&lab.page_url()).await;
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    b.click("#reset").await;
    lab.control_wait("/control/log", |log| log.as_array().is_some_and(Vec::is_empty)).await;

    b.switch_to(first).await;
    b.wait_attr("#profile-token", "disabled", |d| !d.is_empty()).await;
    b.wait_text("#results", |t| t.contains("Send a request")).await;
    assert_eq!(b.attr("#latest", "data-probe").await, None, "no result of the old lab is left");
    lab.browser.close().await;
}
