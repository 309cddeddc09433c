//! The settings the backend added for the lab, edited where the policy and the defenses are:
//! how a refused preflight is answered, and the Fetch Metadata defense; and the policy as code,
//! whose copy buttons say whether the clipboard took it; and a session cookie the engine drops.

use e2e::Lab;

#[tokio::test]
async fn a_refused_preflight_answered_with_the_policys_headers_is_refused_by_the_browser() {
    // Arrange
    let lab = Lab::opened().await;
    let b = &lab.browser;
    b.click("#code-fold > summary").await;
    assert!(b.text("#code-tower").await.contains("refused_preflight \"forbidden\""));

    // Act: "headers" in the policy editor, then a PUT the policy does not allow
    b.click("#policy details.editor summary").await;
    b.select("#policy-refused-preflight", "headers").await;
    b.click("#policy-apply").await;
    let policy = lab.control_wait("/control/cors", |p| p["refused_preflight"] == "headers").await;
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
async fn the_fetch_metadata_defense_is_switched_on_the_server() {
    let lab = Lab::opened().await;
    let b = &lab.browser;

    b.click("#defense-fetch-metadata").await;

    let defenses = lab.control_wait("/control/defenses", |d| d["fetch_metadata"] == true).await;
    assert_eq!((defenses["origin_check"].as_bool(), defenses["json_only"].as_bool()), (Some(false), Some(false)));
    lab.browser.close().await;
}

/// The browser may refuse the clipboard (no permission, the page not focused): the button says
/// which happened, in the browser's own words when it refused.
#[tokio::test]
async fn a_copy_button_says_whether_the_copy_worked() {
    let lab = Lab::opened().await;
    let b = &lab.browser;

    b.click("#code .code-grid .code:first-child button.copy").await;

    let said = b.wait_text("#code .code-grid .code:first-child .copy-state", |t| !t.is_empty()).await;
    assert!(said == "Copied" || said.starts_with("Copy failed: "), "{said}");
    lab.browser.close().await;
}

/// SameSite=None without Secure: Chromium and Firefox drop the cookie a login sets, so the
/// next profile read is refused with no word from the server; the page says why. (WebKit
/// keeps such a cookie: there the read works and nothing is said.)
#[tokio::test]
async fn a_login_cookie_the_engine_dropped_is_explained_on_the_next_refusal() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    b.select("#cookie-same-site", "None").await;
    b.set_checked("#cookie-secure", false).await;
    let cookie = lab.control_wait("/control/cookie", |c| c["same_site"] == "None" && c["secure"] == false).await;
    assert_eq!(cookie["same_site"], "None");
    b.send_lab_request("#login-cookie").await;
    b.send_lab_request("#profile-cookie").await;
    if b.engine.cookie_facts().keeps_none_without_secure {
        assert_eq!(b.attr("#latest .browser-view", "data-state").await.as_deref(), Some("read"), "{:?} keeps the cookie", b.engine);
        assert!(b.attr("#latest .dropped-cookie", "class").await.is_none());
    } else {
        let said = b.wait_text("#latest .dropped-cookie", |t| !t.is_empty()).await;
        assert!(said.contains("without Secure") && said.contains(b.engine.label()), "{said}");
    }
    lab.browser.close().await;
}
