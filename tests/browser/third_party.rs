//! The third-party cookie probe (`#third-party-probe`) reports what the engine does, in the
//! browsers' default settings: after a login with `SameSite=None`, whether the cookie goes
//! with a request from the other site (`Engine::cookie_facts`). The probe is a frame of the
//! other site inside the playground's page, which WebKit judges by the top page alone
//! (`Engine::judges_frames_by_the_top_page`): there even a `SameSite=Lax` cookie goes with it,
//! while Chromium and Firefox send none.

use e2e::Lab;
use serde_json::json;

/// Logs in with a session cookie of these attributes (the previous one deleted), checks that
/// the browser kept it, and runs the probe; returns `data-sent` and the probe's words.
async fn login_and_probe(lab: &Lab, same_site: &str, secure: bool) -> (String, String) {
    let b = &lab.browser;
    let cookie = json!({"same_site": same_site, "secure": secure, "http_only": true});
    lab.control_put("/control/cookie", &cookie).await;
    b.client.goto(&lab.page_url()).await.unwrap();
    b.client.delete_all_cookies().await.unwrap();
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    b.click("#login-cookie").await;
    b.wait_attr("#latest[data-probe='1'] .views", "data-rid", |r| !r.is_empty()).await;
    b.click("#profile-cookie").await;
    b.wait_attr("#latest[data-probe='2'] .views", "data-rid", |r| !r.is_empty()).await;
    assert_eq!(b.text("#latest .browser-view .headline").await, "200 OK", "{:?} kept the SameSite={same_site} cookie (Secure {secure})", b.engine);

    b.click("#third-party-probe").await;
    let sent = b.wait_attr("#third-party-probe-result", "data-sent", |s| !s.is_empty()).await;
    (sent, b.text("#third-party-probe-result").await)
}

#[tokio::test]
async fn the_third_party_probe_reports_what_the_engine_does() {
    // Arrange: a SameSite=None cookie the engine keeps (Secure, except where only the cookie
    // without it is kept)
    let lab = Lab::start().await;
    let facts = lab.browser.engine.cookie_facts();

    // Act
    let (none, words) = login_and_probe(&lab, "None", !facts.keeps_none_without_secure).await;
    let (lax, _) = login_and_probe(&lab, "Lax", false).await;

    // Assert
    assert_eq!(none == "true", facts.sends_none_cross_site, "{:?}, SameSite=None: {words}", lab.browser.engine);
    assert_eq!(lax == "true", lab.browser.engine.judges_frames_by_the_top_page(), "{:?}, SameSite=Lax", lab.browser.engine);
    lab.browser.close().await;
}
