//! A page the backend gives no answer it may read says why, found out rather than guessed.

use e2e::Lab;

/// `trunk serve` prints `http://127.0.0.1:8080` first, and people open it: the backend trusts
/// `http://localhost:8080`, so every request is refused. The page says so and links the origin
/// it trusts.
#[tokio::test]
async fn opened_at_an_origin_the_backend_does_not_trust_the_page_says_so_and_where_to_go() {
    let lab = Lab::start().await;
    let b = &lab.browser;
    let untrusted = lab.page_url().replacen("localhost", "127.0.0.1", 1);
    b.client.goto(&untrusted).await.unwrap();
    let said = b.wait_text("#backend-untrusted", |t| !t.is_empty()).await;
    let origin = lab.frontend.origin.replacen("localhost", "127.0.0.1", 1);
    assert!(said.contains(&format!("this page is at {origin}")), "{said}");
    assert!(said.contains("--frontend-origin"), "{said}");
    let link = b.attr("#backend-trusted-link", "href").await.unwrap_or_default();
    assert!(link.starts_with(&format!("{}/", lab.frontend.origin)), "{link}");
    assert!(b.attr("#backend-down", "id").await.is_none(), "the backend runs: it is not called down");

    // The link it gives works.
    b.client.goto(&link).await.unwrap();
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    assert!(b.attr("#backend-untrusted", "id").await.is_none());
    lab.browser.close().await;
}
