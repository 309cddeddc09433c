//! The results keep what the person did with them: a new request, and the log entries it
//! brings, add its result without drawing the older ones again, so a result the person opened
//! stays open.

use e2e::{Browser, Lab};

/// Clicks `css` (which sends a lab request) and waits until result `n` shows the server's
/// entry for the request itself.
async fn send(b: &Browser, css: &str, n: u32) {
    b.click(css).await;
    b.wait_attr("#latest", "data-probe", |p| p == n.to_string()).await;
    b.wait_text("#latest .server-view", |t| t.contains("request: ")).await;
}

/// Whether the result `data-probe=n` is open.
async fn is_open(b: &Browser, n: u32) -> bool {
    let open = b.client.execute("return document.querySelector(`details[data-probe=\"${arguments[0]}\"]`).open", vec![n.into()]).await.unwrap();
    open.as_bool().expect("a result with that number")
}

#[tokio::test]
async fn a_result_the_person_opened_stays_open_and_is_not_drawn_again() {
    // Arrange: two results; the app opens the newest and folds the one before
    let lab = Lab::opened().await;
    let b = &lab.browser;
    send(b, "#profile-cookie", 1).await;
    send(b, "#profile-cookie", 2).await;
    assert!(!is_open(b, 1).await, "the older result folds when a newer one comes");
    // The person opens the older one; the page remembers its nodes.
    b.click("details[data-probe='1'] > summary").await;
    assert!(is_open(b, 1).await);
    b.client
        .execute(
            "const probe = document.querySelector('details[data-probe=\"1\"]');
             window.kept = { probe, views: probe.querySelector('.views'), entry: probe.querySelector('.log-entry'), diagram: probe.querySelector('svg') };",
            vec![],
        )
        .await
        .unwrap();

    // Act: a new request, whose preflight and request come in over the live log
    send(b, "#login-cookie", 3).await;
    b.wait_text("#latest .server-view", |t| t.contains("preflight: OPTIONS /api/login")).await;

    // Assert: the opened result is still open, and every node of it is the one it was
    let kept = b
        .client
        .execute(
            "const now = document.querySelector('details[data-probe=\"1\"]');
             const k = window.kept;
             return { same: k.probe === now, connected: k.probe.isConnected, open: now.open,
                      views: k.views === now.querySelector('.views'), entry: k.entry === now.querySelector('.log-entry'),
                      diagram: k.diagram === now.querySelector('svg') };",
            vec![],
        )
        .await
        .unwrap();
    for part in ["same", "connected", "open", "views", "entry", "diagram"] {
        assert_eq!(kept[part], true, "{part}: {kept}");
    }
    assert!(!is_open(b, 2).await, "the result the app opened, and the person left alone, folds");
    assert!(b.text("details[data-probe='1'] .server-view").await.contains("GET /api/profile → 401"));
    lab.browser.close().await;
}
