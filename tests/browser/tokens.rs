//! The token panel's attacker tools in the browser: a weak HMAC secret found from the token by
//! the word list, a token signed for another user with it, and an unsigned token, which the
//! server takes only while its deliberately vulnerable setting is on.

use e2e::Lab;
use serde_json::json;

/// Gets a JWT as a@b.com through the page and waits until the panel holds it.
async fn get_a_token(lab: &Lab) {
    let b = &lab.browser;
    b.send_lab_request("#get-token").await;
    b.wait_text("#jwt-compact", |t| t.split('.').count() == 3).await;
}

#[tokio::test]
async fn a_list_word_secret_is_found_and_signs_a_token_that_reads_bobs_profile() {
    // Arrange: the lab's secret is a word of the list (as the crack-the-secret challenge sets it)
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let word = shared::challenge::SECRET_WORDS[3];
    lab.control_put("/control/jwt", &json!({"secret": word, "ttl_seconds": 900})).await;
    get_a_token(&lab).await;

    // Act: try the word list, then sign for sub 2 with the word found
    b.click("#jwt-crack").await;
    let found = b.wait_attr("#jwt-crack-result", "data-found", |f| !f.is_empty()).await;
    let tried = b.attr("#jwt-crack-result", "data-tried").await;
    b.fill("#jwt-sub", "2").await;
    b.click("#jwt-sign-as").await;
    b.send_lab_request("#jwt-send").await;

    // Assert: the word, after the words before it; bob's profile, read with the forged token
    assert_eq!(found, word);
    assert_eq!(tried.as_deref(), Some("4"));
    assert_eq!(b.value("#jwt-secret").await, word, "the word found is the secret the panel signs with");
    let answer = b.wait_text("#latest .browser-view pre", |t| !t.is_empty()).await;
    assert_eq!(b.text("#latest .browser-view .headline").await, "200 OK", "{answer}");
    assert!(answer.contains("bob@example.com") && answer.contains("\"auth\":\"jwt\""), "{answer}");
    lab.browser.close().await;
}

#[tokio::test]
async fn a_strong_secret_is_not_in_the_list_and_the_page_says_how_many_words_it_tried() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    get_a_token(&lab).await;

    b.fill("#jwt-words", "hunter2 123").await;
    b.click("#jwt-crack").await;

    let said = b.wait_text("#jwt-crack-result", |t| !t.is_empty()).await;
    let tried = shared::challenge::SECRET_WORDS.len() + 2;
    assert_eq!(said, format!("None of the {tried} words tried is the secret."));
    lab.browser.close().await;
}

#[tokio::test]
async fn an_unsigned_token_reads_the_profile_only_while_the_vulnerable_setting_is_on() {
    // Arrange: the setting switched on in the page, an unsigned token for sub 2 written
    let lab = Lab::opened().await;
    let b = &lab.browser;
    b.set_checked("#vulnerable-jwt-alg-none", true).await;
    lab.control_wait("/control/vulnerable", |v| v["jwt_alg_none"] == true).await;
    b.wait_attr("#jwt-alg-none-state", "data-on", |on| on == "true").await;
    b.fill("#jwt-unsigned-sub", "2").await;
    b.click("#jwt-write-unsigned").await;
    let token = b.wait_text("#jwt-compact", |t| t.ends_with('.')).await;
    assert!(b.text("#jwt-header").await.contains("\"none\""), "{token}");

    // Act + Assert: on, the server takes it as bob
    b.send_lab_request("#jwt-send").await;
    let answer = b.wait_text("#latest .browser-view pre", |t| !t.is_empty()).await;
    assert_eq!(b.text("#latest .browser-view .headline").await, "200 OK", "{answer}");
    assert!(answer.contains("bob@example.com") && answer.contains("unsigned_jwt"), "{answer}");

    // Act + Assert: off again, the same token is refused
    b.set_checked("#vulnerable-jwt-alg-none", false).await;
    lab.control_wait("/control/vulnerable", |v| v["jwt_alg_none"] == false).await;
    b.send_lab_request("#jwt-send").await;
    let answer = b.wait_text("#latest .browser-view pre", |t| !t.is_empty()).await;
    assert!(b.text("#latest .browser-view .headline").await.starts_with("401"), "{answer}");
    assert!(answer.contains("unsupported_alg"), "{answer}");
    lab.browser.close().await;
}
