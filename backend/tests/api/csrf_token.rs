//! The CSRF token defense: `GET /api/csrf-token` gives a session its token, and while the
//! defense is on a session's transfer without that token is refused before any money moves.

use serde_json::{Value, json};
use shared::wire::{Defense, DefenseSaw, Defenses, RouteOutcome, Vulnerable};

use crate::helpers::{Answer, Browser, Client, FRONT, TestApp, assert_error, header, test_app};

async fn logged_in<'a>(app: &'a TestApp, email: &str, password: &str) -> Browser<'a> {
    let browser = app.browser();
    let r = browser.post("/api/login").json(&json!({"email": email, "password": password})).send().await;
    assert_eq!(r.status(), 200);
    browser
}

async fn token_of(browser: &Browser<'_>) -> String {
    let r = browser.get("/api/csrf-token").send().await;
    assert_eq!(r.status(), 200, "{}", r.text());
    r.json::<Value>()["token"].as_str().expect("a token").to_owned()
}

async fn transfer(browser: &Browser<'_>, token: Option<&str>) -> Answer {
    let mut r = browser.post("/api/transfer").header("origin", FRONT).json(&json!({"to": "bob@example.com", "amount": 100}));
    if let Some(t) = token {
        r = r.header("x-csrf-token", t);
    }
    r.send().await
}

async fn balance(app: &TestApp) -> u64 {
    let accounts: Vec<Value> = app.get("/control/accounts").send().await.json();
    accounts[0]["balance"].as_u64().unwrap()
}

fn last_outcome(app: &TestApp) -> RouteOutcome {
    app.state.lab().log().after(0).pop().expect("a log entry").outcome
}

fn refused(saw: DefenseSaw) -> RouteOutcome {
    RouteOutcome::DefenseRefused { defense: Defense::CsrfToken, saw }
}

fn defense_on(app: &TestApp) {
    app.state.lab().set_defenses(Defenses { csrf_token: true, ..Default::default() });
}

#[tokio::test]
async fn a_session_gets_its_own_token_and_only_a_session_does() {
    let app = test_app();
    assert_error(app.get("/api/csrf-token").send().await, 401, "no_credentials");
    let issued: Value = app.post("/api/token").json(&json!({"email": "a@b.com", "password": "123"})).send().await.json();
    assert_error(app.get("/api/csrf-token").bearer_auth(issued["token"].as_str().unwrap()).send().await, 401, "no_credentials");
    assert_error(app.get("/api/csrf-token").header("cookie", "sessionId=AAECAwQFBgcICQoLDA0ODw").send().await, 401, "unknown_session");

    let alice = logged_in(&app, "a@b.com", "123").await;
    let token = token_of(&alice).await;
    assert_eq!(token.len(), 43, "{token}");
    assert_eq!(token_of(&alice).await, token, "the same for the whole session");
    assert_ne!(token_of(&logged_in(&app, "a@b.com", "123").await).await, token, "another session, another token");

    // The playground may read it; the default policy keeps it from any other origin.
    let own = alice.get("/api/csrf-token").header("origin", FRONT).send().await;
    assert_eq!(header(own.headers(), "access-control-allow-origin"), Some(FRONT));
    let other = alice.get("/api/csrf-token").header("origin", "http://localhost:3001").send().await;
    assert_eq!(other.status(), 200);
    assert_eq!(header(other.headers(), "access-control-allow-origin"), None, "another origin cannot read the token");
}

#[tokio::test]
async fn with_the_defense_on_a_session_transfer_needs_its_sessions_token() {
    let app = test_app();
    let victim = logged_in(&app, "a@b.com", "123").await;
    let attacker = logged_in(&app, "bob@example.com", "hunter2").await;
    let (victims, attackers) = (token_of(&victim).await, token_of(&attacker).await);
    defense_on(&app);

    let missing = transfer(&victim, None).await;
    assert_eq!(header(missing.headers(), "access-control-allow-origin"), Some(FRONT), "the refusal keeps the policy's CORS headers");
    assert_error(missing, 403, "csrf_token_refused");
    assert_eq!(last_outcome(&app), refused(DefenseSaw::MissingCsrfToken));
    assert_error(transfer(&victim, Some(&attackers)).await, 403, "csrf_token_refused");
    assert_eq!(last_outcome(&app), refused(DefenseSaw::WrongCsrfToken));
    // Refused before the body is read, whatever the body.
    let junk = victim.post("/api/transfer").header("content-type", "text/plain").body("{").send().await;
    assert_error(junk, 403, "csrf_token_refused");
    assert_eq!(balance(&app).await, 1000, "no money moved");

    let right = transfer(&victim, Some(&victims)).await;
    assert_eq!(right.status(), 200, "{}", right.text());
    assert!(matches!(last_outcome(&app), RouteOutcome::Transferred { amount: 100, .. }));
    assert_eq!(balance(&app).await, 900);
}

#[tokio::test]
async fn bearer_transfers_and_transfers_with_the_defense_off_need_no_token() {
    let app = test_app();
    let victim = logged_in(&app, "a@b.com", "123").await;
    assert_eq!(transfer(&victim, None).await.status(), 200, "off: no token needed");

    defense_on(&app);
    let issued: Value = app.post("/api/token").json(&json!({"email": "a@b.com", "password": "123"})).send().await.json();
    let bearer = app.post("/api/transfer").bearer_auth(issued["token"].as_str().unwrap()).json(&json!({"to": "bob@example.com", "amount": 100})).send().await;
    assert_eq!(bearer.status(), 200, "a bearer token never goes by itself: {}", bearer.text());
    assert_eq!(balance(&app).await, 800);

    app.reset().await;
    assert_eq!(app.get("/control/defenses").send().await.json::<Value>()["csrf_token"], false, "a reset turns it off");
    let victim = logged_in(&app, "a@b.com", "123").await;
    assert_eq!(transfer(&victim, None).await.status(), 200);
}

#[tokio::test]
async fn the_defense_checks_get_transfers_too() {
    let app = test_app();
    app.state.lab().set_vulnerable(Vulnerable { transfer_via_get: true, ..Default::default() });
    defense_on(&app);
    let victim = logged_in(&app, "a@b.com", "123").await;
    let navigation = victim.get("/api/transfer?to=bob@example.com&amount=100").header("sec-fetch-site", "cross-site").send().await;
    assert_error(navigation, 403, "csrf_token_refused");
    assert_eq!(balance(&app).await, 1000);
    let token = token_of(&victim).await;
    let own = victim.get("/api/transfer?to=bob@example.com&amount=100").header("x-csrf-token", token).send().await;
    assert_eq!(own.status(), 200, "{}", own.text());
    assert_eq!(balance(&app).await, 900);
}
