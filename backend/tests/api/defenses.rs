//! CSRF defenses (`/control/defenses`) through `test_app()`, and the other site's page, which
//! is fetched from its own listener over a socket because that listener is what serves it.

use serde_json::{Value, json};

use crate::helpers::{Answer, Browser, Client, FRONT, TestApp, assert_error, spawn_app, test_app};

async fn logged_in(app: &TestApp) -> Browser<'_> {
    let browser = app.browser();
    let r = browser.post("/api/login").json(&json!({"email": "a@b.com", "password": "123"})).send().await;
    assert_eq!(r.status(), 200);
    browser
}

async fn transfer(browser: &Browser<'_>, origin: Option<&str>, content_type: &str) -> Answer {
    let mut r = browser.post("/api/transfer").header("content-type", content_type).body(r#"{"to":"bob@example.com","amount":100}"#);
    if let Some(o) = origin {
        r = r.header("origin", o);
    }
    r.send().await
}

async fn balance(app: &TestApp) -> u64 {
    let accounts: Vec<Value> = app.get("/control/accounts").send().await.json();
    accounts[0]["balance"].as_u64().unwrap()
}

async fn set_defenses(app: &TestApp, body: Value) -> Answer {
    app.put("/control/defenses").json(&body).send().await
}

#[tokio::test]
async fn without_defenses_a_cross_origin_text_plain_transfer_runs() {
    let app = test_app();
    let victim = logged_in(&app).await;
    let r = transfer(&victim, Some("http://localhost:3001"), "text/plain;charset=UTF-8").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("access-control-allow-origin").is_none(), "the attacker may not read it");
    assert_eq!(balance(&app).await, 900);
}

#[tokio::test]
async fn the_origin_check_refuses_foreign_origins_before_the_route_runs() {
    let app = test_app();
    let victim = logged_in(&app).await;
    let body = set_defenses(&app, json!({"origin_check": true, "json_only": false})).await;
    assert_eq!(body.json::<Value>(), json!({"origin_check": true, "json_only": false, "fetch_metadata": false, "csrf_token": false}));
    assert_error(transfer(&victim, Some("http://localhost:3001"), "text/plain").await, 403, "origin_refused");
    assert_error(transfer(&victim, Some("null"), "text/plain").await, 403, "origin_refused");
    assert_eq!(balance(&app).await, 1000);
    let entry = app.log().await.pop().unwrap();
    assert_eq!(entry["outcome"]["defense_refused"]["defense"], "origin_check", "{}", entry["outcome"]);
    assert_eq!(transfer(&victim, Some(FRONT), "application/json").await.status(), 200);
    assert_eq!(transfer(&victim, None, "application/json").await.status(), 200, "no Origin: not a browser");
    assert_eq!(balance(&app).await, 800);
}

#[tokio::test]
async fn json_only_refuses_text_plain_everywhere_a_body_is_read() {
    let app = test_app();
    let victim = logged_in(&app).await;
    set_defenses(&app, json!({"origin_check": false, "json_only": true})).await;
    assert_error(transfer(&victim, Some("http://localhost:3001"), "text/plain").await, 415, "unsupported_media_type");
    let login = app.post("/api/login").header("content-type", "text/plain").body(r#"{"email":"a@b.com","password":"123"}"#).send().await;
    assert_error(login, 415, "unsupported_media_type");
    assert_eq!(balance(&app).await, 1000);
    assert_eq!(transfer(&victim, Some(FRONT), "application/json").await.status(), 200);
}

#[tokio::test]
async fn defenses_are_strict_json_and_reset_turns_them_off() {
    let app = test_app();
    assert_error(set_defenses(&app, json!({"origin_check": true})).await, 400, "invalid_field");
    assert_error(set_defenses(&app, json!({"origin_check": true, "json_only": false, "x": 1})).await, 400, "invalid_field");
    set_defenses(&app, json!({"origin_check": true, "json_only": true})).await;
    app.reset().await;
    let now: Value = app.get("/control/defenses").send().await.json();
    assert_eq!(now, json!({"origin_check": false, "json_only": false, "fetch_metadata": false, "csrf_token": false}));
}

#[tokio::test]
async fn the_other_site_serves_the_attack_aimed_at_the_api() {
    let served = spawn_app().await;
    let links: Value = served.app.get("/control/site").send().await.json();
    let same = links["same_site"].as_str().unwrap().to_owned();
    assert!(same.starts_with("http://localhost:"), "{same}");
    assert_eq!(links["cross_site"].as_str().unwrap(), same.replace("localhost", "127.0.0.1"));
    let page = reqwest::get(links["cross_site"].as_str().unwrap()).await.unwrap().text().await.unwrap();
    let api_port = served.base.rsplit(':').next().unwrap();
    assert!(page.contains(&format!("const api = \"http://localhost:{api_port}\"")), "{page}");
    assert!(page.contains("credentials: \"include\""));
}

/// A transfer as a browser sends it from `origin`, saying where it comes from in `Sec-Fetch-Site`.
async fn fetched_transfer(browser: &Browser<'_>, origin: Option<&str>, site: Option<&str>) -> Answer {
    let mut r = browser.post("/api/transfer").header("content-type", "text/plain").body(r#"{"to":"bob@example.com","amount":100}"#);
    if let Some(o) = origin {
        r = r.header("origin", o);
    }
    if let Some(s) = site {
        r = r.header("sec-fetch-site", s);
    }
    r.send().await
}

#[tokio::test]
async fn fetch_metadata_refuses_cross_site_and_same_site_writes_from_other_origins() {
    // Arrange: a logged-in victim, the defense on
    let app = test_app();
    let victim = logged_in(&app).await;
    set_defenses(&app, json!({"origin_check": false, "json_only": false, "fetch_metadata": true})).await;

    // Act + Assert: the attacker on another site, then on the same site (another port)
    let cross = fetched_transfer(&victim, Some("http://127.0.0.1:3001"), Some("cross-site")).await;
    assert_error(cross, 403, "fetch_metadata_refused");
    let same_site = fetched_transfer(&victim, Some("http://localhost:3001"), Some("same-site")).await;
    assert_error(same_site, 403, "fetch_metadata_refused");
    assert_eq!(balance(&app).await, 1000, "no transfer ran");
    let entry = app.log().await.pop().unwrap();
    assert_eq!(entry["outcome"]["defense_refused"]["defense"], "fetch_metadata", "{}", entry["outcome"]);
}

#[tokio::test]
async fn fetch_metadata_lets_the_playground_and_non_browsers_through() {
    let app = test_app();
    let victim = logged_in(&app).await;
    set_defenses(&app, json!({"origin_check": false, "json_only": false, "fetch_metadata": true})).await;
    // The playground's own page (localhost:8080 → localhost:3000 is same-site).
    assert_eq!(fetched_transfer(&victim, Some(FRONT), Some("same-site")).await.status(), 200);
    // curl: neither Origin nor Sec-Fetch-Site (the layer's documented rule).
    assert_eq!(fetched_transfer(&victim, None, None).await.status(), 200);
    assert_eq!(balance(&app).await, 800);
    // Off again: the cross-site write runs (the lesson).
    set_defenses(&app, json!({"origin_check": false, "json_only": false})).await;
    assert_eq!(fetched_transfer(&victim, Some("http://127.0.0.1:3001"), Some("cross-site")).await.status(), 200);
}
