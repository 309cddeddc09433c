//! The lab defends itself (issues 14 and 26), in a real browser: no other site may frame the
//! playground, and no page can reach HAProxy's runtime API; a shared link is only a draft until
//! the person applies it; `?api=` names only
//! a backend on this machine; the control token is asked for once and kept in memory; the
//! session store never shows a whole id; the token panel survives dates it cannot show.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use e2e::{Backend, Browser, Frontend, Lab, ScaleLab, Store, settle};
use fantoccini::Locator;
use serde_json::{Value, json};
use shared::{
    cors::{AllowOrigin, CorsPolicy},
    jwt,
};

/// The lab's policy and cookie settings as the server has them now.
async fn server_settings(lab: &Lab) -> (Value, Value) {
    (lab.control_get("/control/cors").await, lab.control_get("/control/cookie").await)
}

/// A link to the playground whose lab opens everything up: any origin reflected with
/// credentials, and a session cookie that goes to every site and that scripts can read.
fn wide_open_link(lab: &Lab) -> String {
    let policy = CorsPolicy { allow_origin: AllowOrigin::Reflect, allow_credentials: true, ..CorsPolicy::secure_default(&lab.frontend.origin) };
    let shared = json!({
        "policy": policy,
        "cookie": {"same_site": "None", "secure": false, "http_only": false},
        "request": {
            "method": "GET", "path": "/api/profile", "content_type": null, "bearer": false,
            "custom_header": null, "credentials": "include", "body": null,
        },
    });
    format!("{}#lab={}", lab.page_url(), jwt::b64url(shared.to_string().as_bytes()))
}

/// Serves `html` at `/` of `http://127.0.0.1:PORT`: another origin and another site than the
/// playground on `http://localhost:…`. Returns the page's URL; the server stops with the test.
async fn serve_other_site(html: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().route("/", axum::routing::get(move || async move { axum::response::Html(html) }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://127.0.0.1:{port}/")
}

/// A loopback port that only counts the connections made to it.
async fn connection_counter() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((connection, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(connection);
        }
    });
    (port, count)
}

/// Polls the server until `done` holds for its settings.
async fn wait_for_settings(lab: &Lab, done: impl Fn(&Value, &Value) -> bool) -> (Value, Value) {
    let (policy, cookie) = settle(async || server_settings(lab).await, |(policy, cookie)| done(policy, cookie)).await;
    assert!(done(&policy, &cookie), "the server never got there: {policy} {cookie}");
    (policy, cookie)
}

#[tokio::test]
async fn another_site_cannot_frame_the_playground() {
    // Arrange: another site whose page frames the playground (with a wide-open lab link), as
    // a clickjacking page would, under a transparent layer
    let lab = Lab::start().await;
    let before = server_settings(&lab).await;
    let link = wide_open_link(&lab);
    let other_site = serve_other_site(format!(
        "<!doctype html><title>Another site</title><p>Win a prize!</p>\
         <iframe src=\"{link}\" width=\"1200\" height=\"900\" style=\"opacity:0.01\" \
         onload=\"document.body.dataset.framed = 'loaded'\"></iframe>"
    ))
    .await;
    let b = &lab.browser;

    // Act: open the other site and wait until its frame has finished loading
    b.client.goto(&other_site).await.unwrap();
    b.wait_attr("body", "data-framed", |v| v == "loaded").await;

    // Assert: the browser refused to show the playground there (`frame-ancestors 'none'` from
    // Trunk.toml): none of its scripts was even fetched, and the server has what it had
    assert_eq!(lab.frontend.scripts_served(), 0, "the playground ran inside another site's frame");
    assert_eq!(server_settings(&lab).await, before);
    lab.browser.close().await;
}

#[tokio::test]
async fn no_web_page_can_reach_the_load_balancers_runtime_api() {
    use std::os::unix::fs::PermissionsExt;
    // Arrange: the scaling lab behind HAProxy, as `cargo xtask run --scale lb` starts it
    let lab = ScaleLab::start(Store::Memory).await;
    let port = |origin: &str| origin.rsplit(':').next().and_then(|p| p.parse::<u16>().ok()).unwrap();
    let ways = {
        let mut ways = vec![port(&lab.round_robin), port(&lab.sticky)];
        ways.sort_unstable();
        ways
    };
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;

    // Act: a page of another site sends HAProxy's admin commands as the body of a no-cors
    // POST to every TCP port HAProxy listens on (a page finds them by trying ports)
    let ports = lab.haproxy.tcp_ports();
    let browser = Browser::start().await;
    let commands = "disable server round_robin/A\\ndisable server sticky/A\\nset server round_robin/B addr 127.0.0.2\\n";
    let attack = serve_other_site(format!(
        "<!doctype html><title>Another site</title><script>\
         Promise.allSettled({ports:?}.map(p => fetch('http://127.0.0.1:' + p + '/', {{method: 'POST', mode: 'no-cors', body: '{commands}'}})))\
           .then(() => document.title = 'sent');</script>"
    ))
    .await;
    browser.client.goto(&attack).await.unwrap();
    settle(async || browser.client.title().await.unwrap_or_default(), |t| t == "sent").await;
    browser.close().await;

    // Assert: HAProxy's only TCP ports are the two ways through; its runtime API is a Unix
    // socket only its owner may open, and both instances still take lab requests
    assert_eq!(ports, ways, "HAProxy listens on a TCP port other than its two ways through");
    assert_eq!((mode(lab.admin.dir()), mode(&lab.admin.path())), (0o700, 0o600));
    let state: Value = lab.http.get(format!("{}/control/balancer", lab.a.api)).send().await.unwrap().json().await.unwrap();
    assert_eq!(state, json!({"servers": [{"name": "A", "enabled": true, "up": true}, {"name": "B", "enabled": true, "up": true}]}));
}

#[tokio::test]
async fn a_shared_link_at_top_level_is_a_draft_until_applied() {
    // Arrange
    let lab = Lab::start().await;
    let before = server_settings(&lab).await;
    let b = &lab.browser;

    // Act 1: open the link
    b.client.goto(&wide_open_link(&lab)).await.unwrap();

    // Assert 1: the draft says what would change, and the server is untouched
    let changes = b.wait_text("#shared-changes", |t| t.contains("reflect")).await;
    for setting in ["allow_origin", "cookie SameSite", "cookie HttpOnly"] {
        assert!(changes.contains(setting), "{setting} missing from the draft: {changes}");
    }
    assert!(b.text("#shared-draft").await.contains("Vulnerable"), "the draft warns about the policy");
    let button = b.client.find(Locator::Css("#apply-shared-lab")).await.expect("the draft offers the button");
    assert!(button.is_enabled().await.unwrap(), "the button waits for what is live, which the changes table shows");
    b.wait_text("#policy-summary", |t| t.starts_with("Allows http://localhost")).await;
    assert_eq!(server_settings(&lab).await, before);

    // Act 2: press the button
    b.click("#apply-shared-lab").await;

    // Assert 2: the server has the link's policy and cookie settings
    let (policy, cookie) = wait_for_settings(&lab, |p, c| p["allow_origin"]["mode"] == "reflect" && c["same_site"] == "None").await;
    assert_eq!(policy["allow_credentials"], true);
    assert_eq!(cookie, json!({"same_site": "None", "secure": false, "http_only": false}));
    b.wait_text("#policy-summary", |t| t.contains("reflected")).await;
    b.wait_attr("#shared-draft", "data-state", |s| s == "applied").await;
    lab.browser.close().await;
}

#[tokio::test]
async fn a_shared_request_must_stay_on_the_api_host() {
    let lab = Lab::start().await;
    let shared = json!({
        "policy": CorsPolicy::secure_default(&lab.frontend.origin),
        "cookie": {"same_site": "Lax", "secure": false, "http_only": true},
        "request": {
            "method": "GET", "path": "@127.0.0.1:9/steal", "content_type": null, "bearer": false,
            "custom_header": null, "credentials": "include", "body": null,
        },
    });
    let b = &lab.browser;

    b.client.goto(&format!("{}#lab={}", lab.page_url(), jwt::b64url(shared.to_string().as_bytes()))).await.unwrap();

    let refused = b.wait_text("#shared-refused", |t| !t.is_empty()).await;
    assert!(refused.contains("does not start with /"), "{refused}");
    assert!(b.client.find(Locator::Css("#apply-shared-lab")).await.is_err());
    // The page itself works as usual, on what is live.
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    assert_eq!(b.value("#req-path").await, "/api/profile");
    lab.browser.close().await;
}

#[tokio::test]
async fn a_foreign_api_parameter_is_refused_and_nothing_is_sent_to_it() {
    // Arrange: example.com and a second name for 127.0.0.1 both lead to a port that counts
    // connections (example.com through Chromium's resolver rules; 127.1 is 127.0.0.1 itself)
    let (trap_port, connections) = connection_counter().await;
    let frontend = Frontend::serve().await;
    let backend = Backend::start(&frontend.origin);
    let browser = Browser::start_with_args(&[format!("--host-resolver-rules=MAP example.com 127.0.0.1:{trap_port}")]).await;
    let lab = Lab { frontend, backend, browser, http: reqwest::Client::new() };
    let b = &lab.browser;

    for api in ["https://example.com".to_owned(), format!("http://127.1:{trap_port}")] {
        // Act
        b.client.goto(&format!("{}/?api={api}", lab.frontend.origin)).await.unwrap();

        // Assert: the refusal names the URL; the page contacted no backend at all
        let refusal = b.wait_text("#api-refused", |t| !t.is_empty()).await;
        assert!(refusal.contains(&api), "{refusal}");
        assert!(b.client.find(Locator::Css("#policy")).await.is_err(), "the lab was shown with a refused backend");
        let fetched = b.client.execute("return performance.getEntriesByType('resource').map(e => e.name)", vec![]).await.unwrap();
        let fetched: Vec<String> = serde_json::from_value(fetched).unwrap();
        assert!(fetched.iter().all(|url| url.starts_with(&lab.frontend.origin)), "{fetched:?}");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0, "something was sent to the refused backend");
    lab.browser.close().await;
}

#[tokio::test]
async fn the_token_panel_shows_a_date_it_cannot_show_and_keeps_working() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    b.click("#get-token").await;
    b.wait_text("#jwt-times", |t| t.contains("s left")).await;
    b.click("#jwt-use-server-secret").await;
    b.wait_value("#jwt-secret", |secret| !secret.is_empty()).await;

    for exp in ["1e13", "-9223372036854775000"] {
        b.fill("#jwt-payload", &format!(r#"{{"sub":"1","email":"a@b.com","iat":1000,"exp":{exp}}}"#)).await;
        b.click("#jwt-resign").await;
        b.wait_text("#jwt-times", |t| t.contains("Expires out of range")).await;
    }

    // The panel still works: a token with an ordinary exp is shown with its countdown, and
    // the server accepts it.
    let exp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 600;
    b.fill("#jwt-payload", &format!(r#"{{"sub":"1","email":"a@b.com","iat":1000,"exp":{exp}}}"#)).await;
    b.click("#jwt-resign").await;
    b.wait_text("#jwt-times", |t| t.contains("s left")).await;
    b.click("#jwt-send").await;
    b.wait_text("#latest .browser-view .headline", |t| t == "200 OK").await;
    // Where the driver shows the console (Chromium), nothing was thrown on the way either.
    let thrown: Vec<_> = b.console().await.unwrap_or_default().into_iter().filter(|(_, m)| m.contains("RangeError") || m.contains("panicked")).collect();
    assert!(thrown.is_empty(), "{thrown:?}");
    lab.browser.close().await;
}

// Needs the backend half of issue 14 (`--control-token`).
#[tokio::test]
async fn the_control_token_is_asked_once_and_kept_in_memory() {
    const TOKEN: &str = "a-control-token-for-the-test";
    let frontend = Frontend::serve().await;
    let backend = Backend::start_with(&frontend.origin, &["--api-addr", "127.0.0.1:0", "--control-token", TOKEN]);
    let browser = Browser::start().await;
    let lab = Lab { frontend, backend, browser, http: reqwest::Client::new() };
    let b = &lab.browser;

    b.client.goto(&lab.page_url()).await.unwrap();
    b.fill("#control-token-input", "not-the-token").await;
    b.click("#control-token-submit").await;
    b.wait_text("#control-token", |t| t.contains("refused")).await;
    b.fill("#control-token-input", TOKEN).await;
    b.click("#control-token-submit").await;

    // What failed is loaded again, and control writes carry the token.
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    assert!(b.client.find(Locator::Css("#control-token")).await.is_err());
    b.click("#preset-trust-null").await;
    b.wait_text("#policy-summary", |t| t.contains("null")).await;
    let policy: Value = lab.http.get(format!("{}/control/cors", lab.backend.api)).header("X-Playground-Token", TOKEN).send().await.unwrap().json().await.unwrap();
    assert_eq!(policy["allow_origin"]["origins"][1], "null");
    // The live log streams with the token: a request the page did not make shows up.
    let transfer = lab
        .http
        .post(format!("{}/api/transfer", lab.backend.api))
        .header("Origin", "http://evil.example")
        .header("Content-Type", "text/plain")
        .body(r#"{"to":"bob@example.com","amount":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(transfer.status(), 401);
    b.wait_text("#attacks", |t| t.contains("http://evil.example")).await;
    let stored = b.client.execute("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie", vec![]).await.unwrap();
    assert!(!stored.to_string().contains(TOKEN), "{stored}");
    lab.browser.close().await;
}

// Needs the backend half of issue 14 (`/control/sessions` rows with `handle` and `id_prefix`).
#[tokio::test]
async fn the_session_store_shows_an_id_prefix_and_revokes_by_handle() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    b.click("#login-cookie").await;
    let row = b.wait_text(".session-row", |t| t.contains("userId: 1")).await;
    let id = b.client.get_named_cookie("sessionId").await.expect("the browser holds the session cookie").value().to_owned();
    assert!(row.contains(&format!("sessionStore[\"{}…\"]", &id[..8])), "{row}");
    assert!(!row.contains(&id), "{row}");

    b.click(".session-row .revoke").await;

    b.wait_text("#session-store", |t| t.contains("no session")).await;
    let sessions = lab.control_get("/control/sessions").await;
    assert_eq!(sessions, json!([]));
    lab.browser.close().await;
}
