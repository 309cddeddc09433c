//! The lab in a link: opening it shows the policy, the cookie settings and the request as a
//! draft, and "Apply this shared lab" restores them and applies them on the server.

use e2e::Lab;

#[tokio::test]
async fn a_shared_link_restores_and_applies_the_lab() {
    // Arrange: a lab worth sharing
    let lab = Lab::opened().await;
    let b = &lab.browser;
    b.click("#preset-trust-null").await;
    b.wait_text("#policy-summary", |t| t.contains("null")).await;
    b.select("#req-method", "PUT").await;
    b.select("#cookie-same-site", "Strict").await;
    b.wait_text("#cookie-preview", |t| t.contains("SameSite=Strict")).await;
    let link = b.value("#share-link").await;
    assert!(link.starts_with(&lab.page_url()) && link.contains("#lab="), "{link}");

    // Act: reset everything, then open the link afresh
    b.click("#reset").await;
    b.wait_text("#policy-summary", |t| t.starts_with("Allows") && !t.contains("null")).await;
    b.client.goto("about:blank").await.unwrap();
    b.client.goto(&link).await.unwrap();
    b.wait_text("#shared-changes", |t| t.contains("null")).await;
    b.click("#apply-shared-lab").await;

    // Assert: the page and the server have the shared lab again
    b.wait_text("#policy-summary", |t| t.contains("null")).await;
    assert_eq!(b.value("#req-method").await, "PUT");
    b.wait_text("#cookie-preview", |t| t.contains("SameSite=Strict")).await;
    let policy = lab.control_get("/control/cors").await;
    assert_eq!(policy["allow_origin"]["origins"], serde_json::json!([lab.frontend.origin, "null"]));
    let cookie = lab.control_get("/control/cookie").await;
    assert_eq!(cookie["same_site"], "Strict");
    lab.browser.close().await;
}
