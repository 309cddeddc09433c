//! "Start here": each step is ticked off by what the page and the server saw, in the order a
//! newcomer takes them.

use e2e::Lab;

async fn wait_done(lab: &Lab, step: &str) {
    lab.browser.wait_attr(&format!("#step-{step}"), "data-state", |s| s == "done").await;
}

async fn send_and_wait(lab: &Lab, results: &mut u32) {
    *results += 1;
    let n = results.to_string();
    lab.browser.click("#send").await;
    lab.browser.wait_attr("#latest", "data-probe", |p| p == n).await;
}

#[tokio::test]
async fn the_first_five_minutes_are_ticked_off_as_they_happen() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    for step in ["send", "break-it", "fix-it", "log-in", "attack-the-bank"] {
        assert_eq!(b.attr(&format!("#step-{step}"), "data-state").await.as_deref(), Some("todo"), "{step}");
    }
    assert_eq!(b.attr("#step-read-why", "data-state").await.as_deref(), Some("read"));
    let mut results = 0;

    send_and_wait(&lab, &mut results).await;
    wait_done(&lab, "send").await;
    assert_eq!(b.attr("#step-break-it", "data-state").await.as_deref(), Some("todo"), "a readable answer breaks nothing");

    b.click("#preset-off").await;
    b.wait_text("#policy-summary", |t| t.starts_with("CORS off")).await;
    send_and_wait(&lab, &mut results).await;
    wait_done(&lab, "break-it").await;
    assert_eq!(b.attr("#step-fix-it", "data-state").await.as_deref(), Some("todo"));

    b.click("#preset-secure").await;
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    send_and_wait(&lab, &mut results).await;
    wait_done(&lab, "fix-it").await;

    b.click("#login-cookie").await;
    wait_done(&lab, "log-in").await;

    // The attack page opens in a tab of its own, as the CSRF lab's link opens it.
    let playground = b.client.window().await.unwrap();
    let attack = b.client.new_window(true).await.unwrap();
    b.client.switch_to_window(attack.handle).await.unwrap();
    b.client.goto(&format!("http://127.0.0.1:{}/", lab.backend.site_addr.port())).await.unwrap();
    b.wait_attr("#outcome", "data-state", |s| s == "read" || s == "blocked").await;
    b.client.switch_to_window(playground).await.unwrap();
    wait_done(&lab, "attack-the-bank").await;
    lab.browser.close().await;
}
