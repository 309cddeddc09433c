//! The seed's bank-transfer attack in real Chromium: the victim logs in on the playground,
//! then opens the other site, whose script POSTs a transfer with the victim's cookies.

use e2e::{Lab, session_came};
use serde_json::{Value, json};

/// Where the attack page runs from.
enum From {
    SameSite,
    CrossSite,
}

/// Logs in as a@b.com through the playground (secure policy), then switches CORS off there.
async fn victim_logs_in(lab: &Lab) {
    let b = &lab.browser;
    lab.open_page().await;
    b.click("#login-cookie").await;
    b.wait_text("#latest .browser-view .headline", |t| !t.is_empty()).await;
    b.click("#preset-off").await;
    b.wait_text("#policy-summary", |t| t.starts_with("CORS off")).await;
}

/// Opens the attacker page (its JSON variant with `?as=json`) and returns (what it could
/// read, the server's log entry).
async fn attack(lab: &Lab, from: From) -> (String, String, Value) {
    attack_at(lab, from, "").await
}

async fn attack_at(lab: &Lab, from: From, query: &str) -> (String, String, Value) {
    let b = &lab.browser;
    let host = match from {
        From::SameSite => "localhost",
        From::CrossSite => "127.0.0.1",
    };
    b.client.goto(&format!("http://{host}:{}/{query}", lab.backend.site_addr.port())).await.unwrap();
    let state = b.wait_attr("#outcome", "data-state", |s| s == "read" || s == "blocked").await;
    let outcome = b.text("#outcome").await;
    let rid = b.attr("#outcome", "data-rid").await.unwrap();
    let entry = lab
        .server_log()
        .await
        .into_iter()
        .find(|e| e.rid.as_deref() == Some(rid.as_str()))
        .map(|e| serde_json::to_value(e).unwrap())
        .unwrap_or_else(|| panic!("the server never saw the attack {rid}"));
    (state, outcome, entry)
}

#[tokio::test]
async fn cors_off_same_site_lax_the_attacker_cannot_read_but_the_transfer_runs() {
    let lab = Lab::start().await;
    victim_logs_in(&lab).await;

    let (state, outcome, entry) = attack(&lab, From::SameSite).await;

    assert_eq!(state, "blocked", "{outcome}");
    assert!(outcome.contains(lab.browser.engine.type_error()), "{outcome}");
    assert_eq!(entry["method"], "POST");
    assert_eq!(entry["status"], 200);
    assert!(session_came(&entry), "{entry}");
    assert_eq!(entry["request_headers"]["content-type"], "text/plain;charset=UTF-8");
    assert_eq!(lab.balance().await, 900);
    // The playground tells the story.
    let b = &lab.browser;
    b.client.goto(&lab.page_url()).await.unwrap();
    b.wait_text("#attacks", |t| t.contains("The transfer RAN")).await;
    b.wait_text("#accounts .account[data-email='a@b.com'] .balance", |t| t == "900").await;
    lab.browser.close().await;
}

#[tokio::test]
async fn the_origin_check_switched_on_in_the_ui_refuses_the_attack() {
    let lab = Lab::start().await;
    victim_logs_in(&lab).await;
    let b = &lab.browser;
    b.click("#defense-origin").await;
    let deadline = std::time::Instant::now() + e2e::UI_TIMEOUT;
    loop {
        let d = lab.control_get("/control/defenses").await;
        if d["origin_check"] == true {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the UI never switched the Origin check on");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let (state, _, entry) = attack(&lab, From::SameSite).await;

    assert_eq!(state, "blocked");
    assert_eq!(entry["status"], 403);
    assert_eq!(entry["outcome"]["defense_refused"]["defense"], "origin_check", "{entry}");
    assert_eq!(lab.balance().await, 1000);
    b.client.goto(&lab.page_url()).await.unwrap();
    b.wait_text("#attacks", |t| t.contains("Origin check refused")).await;
    lab.browser.close().await;
}

#[tokio::test]
async fn json_only_stops_the_text_plain_transfer() {
    let lab = Lab::start().await;
    victim_logs_in(&lab).await;
    lab.control_put("/control/defenses", &json!({"origin_check": false, "json_only": true})).await;

    let (state, _, entry) = attack(&lab, From::SameSite).await;

    assert_eq!(state, "blocked");
    assert_eq!(entry["status"], 415);
    assert_eq!(lab.balance().await, 1000);
    lab.browser.close().await;
}

#[tokio::test]
async fn a_cross_site_attacker_gets_no_lax_cookie() {
    let lab = Lab::start().await;
    victim_logs_in(&lab).await;

    let (state, _, entry) = attack(&lab, From::CrossSite).await;

    assert_eq!(state, "blocked");
    assert!(entry["credentials"]["cookies"].as_array().is_some_and(Vec::is_empty), "{entry}");
    assert_eq!(entry["status"], 401);
    assert_eq!(entry["origin"], format!("http://127.0.0.1:{}", lab.backend.site_addr.port()));
    assert_eq!(lab.balance().await, 1000);
    lab.browser.close().await;
}

/// `SameSite=None` on `http://localhost`, as each engine really treats it
/// (`Engine::cookie_facts`): whether the cookie is kept at login without and with `Secure`,
/// and, when kept, whether it goes with the other site's transfer from another site and from
/// the same site. The balance is the proof.
#[tokio::test]
async fn samesite_none_on_http_localhost_as_each_engine_treats_it() {
    let lab = Lab::start().await;
    let b = &lab.browser;
    let facts = b.engine.cookie_facts();
    let mut balance_now = 1000;
    for secure in [false, true] {
        // Arrange: a login with SameSite=None, with or without Secure
        lab.control_put("/control/cookie", &json!({"same_site": "None", "secure": secure, "http_only": true})).await;
        b.client.goto(&lab.page_url()).await.unwrap();
        // No cookie of the round before (localhost's cookies, whatever the port).
        b.client.delete_all_cookies().await.unwrap();
        b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
        b.click("#login-cookie").await;
        b.wait_attr("#latest[data-probe='1'] .views", "data-rid", |r| !r.is_empty()).await;
        assert_eq!(b.text("#latest .browser-view .headline").await, "200 OK", "the server set the cookie either way");
        b.click("#profile-cookie").await;
        b.wait_attr("#latest[data-probe='2'] .views", "data-rid", |r| !r.is_empty()).await;
        let kept = b.text("#latest .browser-view .headline").await == "200 OK";
        let expected = if secure { facts.keeps_secure_on_http_localhost } else { facts.keeps_none_without_secure };
        assert_eq!(kept, expected, "{:?}: SameSite=None, Secure {secure}: kept", b.engine);

        // Act + Assert: the attack from another site, then from the same site
        let (_, _, entry) = attack(&lab, From::CrossSite).await;
        let sent = session_came(&entry);
        assert_eq!(sent, kept && facts.sends_none_cross_site, "{:?}, Secure {secure}: sent cross-site: {entry}", b.engine);
        balance_now -= if sent { 100 } else { 0 };
        assert_eq!(lab.balance().await, balance_now);
        let (_, _, entry) = attack(&lab, From::SameSite).await;
        let sent = session_came(&entry);
        assert_eq!(sent, kept, "{:?}, Secure {secure}: sent same-site: {entry}", b.engine);
        balance_now -= if sent { 100 } else { 0 };
        assert_eq!(lab.balance().await, balance_now);
    }
    lab.browser.close().await;
}

/// With each CSRF defense alone on, the same-site attack (the victim's `Lax` cookie goes with
/// it) is refused, and the CSRF panel's story names that defense, from the log's data: a 403
/// is not always the Origin check.
#[tokio::test]
async fn with_each_defense_alone_on_the_csrf_panel_names_that_defense() {
    let cases = [
        ("#defense-origin", "origin_check", "the Origin check refused"),
        ("#defense-fetch-metadata", "fetch_metadata", "Fetch Metadata refused"),
        ("#defense-json", "json_only", "\"JSON only\" refused"),
    ];
    for (checkbox, defense, story) in cases {
        // Arrange: the victim is logged in; only this defense is on, switched in the page
        let lab = Lab::start().await;
        victim_logs_in(&lab).await;
        let b = &lab.browser;
        b.set_checked(checkbox, true).await;
        lab.control_wait("/control/defenses", |d| d[defense] == true).await;
        let others = lab.control_get("/control/defenses").await;
        assert_eq!(others.as_object().unwrap().values().filter(|on| **on == true).count(), 1, "{others}");

        // Act: the other site's page from the same site
        let (state, _, entry) = attack(&lab, From::SameSite).await;

        // Assert: refused by that defense, with the victim's cookie; the panel says which
        assert_eq!(state, "blocked", "{defense}");
        assert!(session_came(&entry), "{defense}: {entry}");
        assert_eq!(entry["outcome"]["defense_refused"]["defense"], defense, "{entry}");
        assert_eq!(lab.balance().await, 1000, "{defense}");
        b.client.goto(&lab.page_url()).await.unwrap();
        let told = b.wait_text("#attacks", |t| t.contains(story)).await;
        for (_, other, other_story) in cases.iter().filter(|(_, d, _)| *d != defense) {
            assert!(!told.contains(other_story), "{defense}: the panel names {other}: {told}");
        }
        lab.browser.close().await;
    }
}

/// A JSON attack needs a preflight; refused there, its POST is never sent, and the playground
/// lists it as such rather than leaving it out.
#[tokio::test]
async fn a_json_attack_stopped_at_its_preflight_is_listed_as_never_sent() {
    let lab = Lab::start().await;
    victim_logs_in(&lab).await;

    let (state, outcome, entry) = attack_at(&lab, From::CrossSite, "?as=json").await;

    assert_eq!(state, "blocked", "{outcome}");
    assert_eq!((entry["method"].as_str(), entry["preflight"].as_bool()), (Some("OPTIONS"), Some(true)), "only the preflight came: {entry}");
    assert_eq!(lab.balance().await, 1000);
    let b = &lab.browser;
    b.client.goto(&lab.page_url()).await.unwrap();
    let told = b.wait_text("#attacks", |t| t.contains("never sent the POST")).await;
    assert!(told.contains("OPTIONS /api/transfer") && told.contains("content-type"), "{told}");
    lab.browser.close().await;
}
