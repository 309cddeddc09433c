//! The walking skeleton's proof: the page reads the backend's answer under the default policy,
//! and after "CORS off" (switched through the UI) the browser blocks it while the server log
//! shows the request arrived anyway.

use e2e::Lab;

#[tokio::test]
async fn default_policy_reads_the_answer_and_cors_off_blocks_it_but_the_request_arrives() {
    // Arrange
    let lab = Lab::start().await;
    let b = &lab.browser;
    b.client.goto(&lab.page_url()).await.expect("page loads");
    b.wait_text("#policy-summary", |t| t.contains(&lab.frontend.origin)).await;
    assert_eq!(b.attr("#preset-secure", "aria-pressed").await.as_deref(), Some("true"));

    // Act: the default policy
    b.click("#profile-cookie").await;
    let first_rid = b.wait_attr("#latest .views", "data-rid", |r| !r.is_empty()).await;

    // Assert: the page read the 401 and its JSON body; the server saw our origin and allowed it
    assert_eq!(b.attr("#latest .browser-view", "data-state").await.as_deref(), Some("read"));
    assert_eq!(b.text("#latest .browser-view .headline").await, "401 Unauthorized");
    assert!(b.text("#latest .browser-view pre").await.contains("\"error\":\"no_credentials\""));
    let server_view = b.text("#latest .server-view").await;
    assert!(server_view.contains("GET /api/profile → 401"), "{server_view}");
    assert!(server_view.contains("allowed: origin is in the list"), "{server_view}");
    assert!(server_view.contains(&format!("access-control-allow-origin: {}", lab.frontend.origin)), "{server_view}");

    // Act: switch to "CORS off" through the UI, send again
    b.click("#preset-off").await;
    b.wait_text("#policy-summary", |t| t.starts_with("CORS off")).await;
    b.click("#profile-cookie").await;
    let second_rid = b.wait_attr("#latest .views", "data-rid", |r| !r.is_empty() && r != first_rid).await;

    // Assert: the browser blocked it, the page got only the opaque error...
    assert_eq!(b.attr("#latest .browser-view", "data-state").await.as_deref(), Some("blocked"));
    assert_eq!(b.text("#latest .browser-view .headline").await, b.engine.type_error());
    // ...while the server received and answered it, without a CORS header
    let server_view = b.text("#latest .server-view").await;
    assert!(server_view.contains("GET /api/profile → 401"), "{server_view}");
    assert!(server_view.contains("CORS is off"), "{server_view}");
    assert!(!server_view.contains("access-control-allow-origin"), "{server_view}");
    assert!(b.text("#latest .explanation").await.contains("reached the server"));
    let log = lab.server_log().await;
    let arrived = log.iter().find(|e| e.rid.as_deref() == Some(second_rid.as_str())).expect("the server logged the blocked request");
    assert_eq!((arrived.method.as_str(), arrived.status, arrived.preflight), ("GET", 401, false));
    assert_eq!(arrived.origin.as_deref(), Some(lab.frontend.origin.as_str()));
    assert!(!arrived.response_headers.contains_key("access-control-allow-origin"));

    lab.browser.close().await;
}
