//! The seed's bank-transfer attack in real Chromium: the victim logs in on the playground,
//! then opens the other site, whose script POSTs a transfer with the victim's cookies.

use e2e::Lab;
use serde_json::{Value, json};

/// Where the attack page runs from.
enum From {
    SameSite,
    CrossSite,
}


async fn put(lab: &Lab, path: &str, body: Value) {
    let r = lab.http.put(format!("{}{path}", lab.backend.api)).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "PUT {path}: {}", r.status());
}

async fn balance(lab: &Lab) -> u64 {
    let accounts: Vec<Value> = lab.http.get(format!("{}/control/accounts", lab.backend.api)).send().await.unwrap().json().await.unwrap();
    accounts[0]["balance"].as_u64().unwrap()
}

/// Logs in as a@b.com through the playground (secure policy), then switches CORS off there.
async fn victim_logs_in(lab: &Lab) {
    let b = &lab.browser;
    b.client.goto(&lab.page_url()).await.unwrap();
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    b.click("#login-cookie").await;
    b.wait_text("#latest .browser-view .headline", |t| !t.is_empty()).await;
    b.click("#preset-off").await;
    b.wait_text("#policy-summary", |t| t.starts_with("CORS off")).await;
}

/// Opens the attacker page and returns (what it could read, the server's log entry).
async fn attack(lab: &Lab, from: From) -> (String, String, Value) {
    let b = &lab.browser;
    let host = match from {
        From::SameSite => "localhost",
        From::CrossSite => "127.0.0.1",
    };
    b.client.goto(&format!("http://{host}:{}/", lab.backend.site_addr.port())).await.unwrap();
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
    assert!(outcome.contains("Failed to fetch"), "{outcome}");
    assert_eq!(entry["method"], "POST");
    assert_eq!(entry["status"], 200);
    assert!(entry["credentials"]["cookie"].as_str().unwrap().starts_with("session present"), "{entry}");
    assert_eq!(entry["request_headers"]["content-type"], "text/plain;charset=UTF-8");
    assert_eq!(balance(&lab).await, 900);
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
        let d: Value = lab.http.get(format!("{}/control/defenses", lab.backend.api)).send().await.unwrap().json().await.unwrap();
        if d["origin_check"] == true {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the UI never switched the Origin check on");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let (state, _, entry) = attack(&lab, From::SameSite).await;

    assert_eq!(state, "blocked");
    assert_eq!(entry["status"], 403);
    assert!(entry["auth"].as_str().unwrap().contains("Origin check"), "{entry}");
    assert_eq!(balance(&lab).await, 1000);
    b.client.goto(&lab.page_url()).await.unwrap();
    b.wait_text("#attacks", |t| t.contains("Origin check refused")).await;
    lab.browser.close().await;
}

#[tokio::test]
async fn json_only_stops_the_text_plain_transfer() {
    let lab = Lab::start().await;
    victim_logs_in(&lab).await;
    put(&lab, "/control/defenses", json!({"origin_check": false, "json_only": true})).await;

    let (state, _, entry) = attack(&lab, From::SameSite).await;

    assert_eq!(state, "blocked");
    assert_eq!(entry["status"], 415);
    assert_eq!(balance(&lab).await, 1000);
    lab.browser.close().await;
}

#[tokio::test]
async fn a_cross_site_attacker_gets_no_lax_cookie() {
    let lab = Lab::start().await;
    victim_logs_in(&lab).await;

    let (state, _, entry) = attack(&lab, From::CrossSite).await;

    assert_eq!(state, "blocked");
    assert_eq!(entry["credentials"]["cookie"], "none");
    assert_eq!(entry["status"], 401);
    assert_eq!(entry["origin"], format!("http://127.0.0.1:{}", lab.backend.site_addr.port()));
    assert_eq!(balance(&lab).await, 1000);
    lab.browser.close().await;
}

/// SameSite=None on http://localhost, as Chromium 156 really treats it: without Secure the
/// cookie is refused at login; with Secure it is kept (localhost counts as a secure context),
/// goes along with a same-site attack, and still stays home on a cross-site one: Chromium
/// treats it as a third-party cookie there and does not send it.
#[tokio::test]
async fn samesite_none_on_http_localhost_as_chromium_behaves() {
    let lab = Lab::start().await;
    let b = &lab.browser;

    // Without Secure: the login answers 200 with Set-Cookie, but the browser drops the cookie.
    put(&lab, "/control/cookie", json!({"same_site": "None", "secure": false, "http_only": true})).await;
    b.client.goto(&lab.page_url()).await.unwrap();
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    b.click("#login-cookie").await;
    b.wait_attr("#latest[data-probe='1'] .views", "data-rid", |r| !r.is_empty()).await;
    assert_eq!(b.text("#latest .browser-view .headline").await, "200 OK");
    b.click("#profile-cookie").await;
    b.wait_attr("#latest[data-probe='2'] .views", "data-rid", |r| !r.is_empty()).await;
    assert!(b.text("#latest .server-view").await.contains("Cookie: none"), "the cookie was not kept");
    let (_, _, entry) = attack(&lab, From::CrossSite).await;
    assert_eq!(entry["credentials"]["cookie"], "none");
    assert_eq!(balance(&lab).await, 1000);

    // With Secure: kept on http://localhost; not sent cross-site (third-party), sent same-site.
    put(&lab, "/control/cookie", json!({"same_site": "None", "secure": true, "http_only": true})).await;
    b.client.goto(&lab.page_url()).await.unwrap();
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    b.click("#login-cookie").await;
    b.wait_attr("#latest[data-probe='1'] .views", "data-rid", |r| !r.is_empty()).await;
    b.click("#profile-cookie").await;
    b.wait_attr("#latest[data-probe='2'] .views", "data-rid", |r| !r.is_empty()).await;
    assert!(b.text("#latest .server-view").await.contains("session present"), "the Secure cookie was kept");
    let (_, _, entry) = attack(&lab, From::CrossSite).await;
    assert_eq!(entry["credentials"]["cookie"], "none", "{entry}");
    assert_eq!(balance(&lab).await, 1000);
    let (_, _, entry) = attack(&lab, From::SameSite).await;
    assert!(entry["credentials"]["cookie"].as_str().unwrap().starts_with("session present"), "{entry}");
    assert_eq!(entry["status"], 200);
    assert_eq!(balance(&lab).await, 900);
    lab.browser.close().await;
}
