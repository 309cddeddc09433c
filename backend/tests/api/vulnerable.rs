//! The deliberately vulnerable settings (`/control/vulnerable`): each attack works while its
//! setting is on, and is refused as before while it is off (at start and after a reset).

use axum::http::Method;
use serde_json::{Value, json};
use shared::{
    jwt,
    wire::{AuthKind, Defenses, RouteOutcome, Vulnerable},
};

use crate::helpers::{Browser, Client, TestApp, assert_error, header, test_app};

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A token anyone can write: `alg: none`, the payload, an empty signature.
fn unsigned(payload: &Value) -> String {
    format!("{}.{}.", jwt::b64url(br#"{"alg":"none","typ":"JWT"}"#), jwt::b64url(payload.to_string().as_bytes()))
}

async fn profile(app: &TestApp, token: &str) -> crate::helpers::Answer {
    app.get("/api/profile").bearer_auth(token).send().await
}

fn set(app: &TestApp, vulnerable: Vulnerable) {
    app.state.lab().set_vulnerable(vulnerable);
}

fn last_outcome(app: &TestApp) -> RouteOutcome {
    app.state.lab().log().after(0).pop().expect("a log entry").outcome
}

#[tokio::test]
async fn an_alg_none_token_names_any_user_only_while_jwt_alg_none_is_on() {
    let app = test_app();
    let forged = unsigned(&json!({"sub": "2", "exp": now() + 600}));

    // Off, as at start: today's refusal.
    assert_error(profile(&app, &forged).await, 401, "unsupported_alg");

    set(&app, Vulnerable { jwt_alg_none: true, ..Default::default() });
    let me = profile(&app, &forged).await;
    assert_eq!(me.status(), 200, "{}", me.text());
    assert_eq!(me.json::<Value>(), json!({"user": {"id": 2, "email": "bob@example.com"}, "auth": "unsigned_jwt"}));
    match last_outcome(&app) {
        RouteOutcome::Authenticated { who } => assert_eq!((who.user, who.by), (2, AuthKind::UnsignedJwt)),
        other => panic!("{other:?}"),
    }

    // The claims are still checked, and other tokens are read as before.
    assert_error(profile(&app, &unsigned(&json!({"sub": "2", "exp": now() - 1}))).await, 401, "expired_token");
    assert_error(profile(&app, &unsigned(&json!({"sub": "99", "exp": now() + 600}))).await, 401, "unknown_user");
    let with_a_signature = format!("{forged}c2lnbmF0dXJl");
    assert_error(profile(&app, &with_a_signature).await, 401, "malformed_token");
    let hs256_unsigned = forged.replacen(&jwt::b64url(br#"{"alg":"none","typ":"JWT"}"#), &jwt::b64url(br#"{"alg":"HS256"}"#), 1);
    assert_error(profile(&app, &hs256_unsigned).await, 401, "bad_signature");
    let issued: Value = app.post("/api/token").json(&json!({"email": "a@b.com", "password": "123"})).send().await.json();
    assert_eq!(profile(&app, issued["token"].as_str().unwrap()).await.json::<Value>()["auth"], "jwt");

    // A reset turns the setting off.
    app.reset().await;
    assert_eq!(app.get("/control/vulnerable").send().await.json::<Value>(), json!({"jwt_alg_none": false, "transfer_via_get": false}));
    assert_error(profile(&app, &forged).await, 401, "unsupported_alg");
}

async fn logged_in(app: &TestApp) -> Browser<'_> {
    let browser = app.browser();
    let r = browser.post("/api/login").json(&json!({"email": "a@b.com", "password": "123"})).send().await;
    assert_eq!(r.status(), 200);
    browser
}

async fn balance(app: &TestApp) -> u64 {
    let accounts: Vec<Value> = app.get("/control/accounts").send().await.json();
    accounts[0]["balance"].as_u64().unwrap()
}

const GET_TRANSFER: &str = "/api/transfer?to=bob@example.com&amount=100";

#[tokio::test]
async fn a_get_transfer_moves_money_only_while_transfer_via_get_is_on() {
    let app = test_app();
    let victim = logged_in(&app).await;

    // Off: the route answers GET with its 405, looks at no credentials, moves nothing.
    let off = victim.get(GET_TRANSFER).send().await;
    assert_eq!(header(off.headers(), "allow"), Some("POST"));
    assert_error(off, 405, "method_not_allowed");
    assert_eq!(last_outcome(&app), RouteOutcome::NotChecked);
    assert_eq!(header(app.request(Method::PUT, "/api/transfer", &[]).await.headers(), "allow"), Some("POST"));
    assert_eq!(victim.req(Method::HEAD, GET_TRANSFER).send().await.status(), 405);
    assert_eq!(balance(&app).await, 1000);

    set(&app, Vulnerable { transfer_via_get: true, ..Default::default() });
    let on = victim.get(GET_TRANSFER).send().await;
    assert_eq!(on.status(), 200, "{}", on.text());
    assert_eq!(on.json::<Value>(), json!({"balance": 900, "transfer": {"to": "bob@example.com", "amount": 100}}));
    assert!(matches!(last_outcome(&app), RouteOutcome::Transferred { by, amount: 100, .. } if by.by == AuthKind::Session));
    assert_eq!(header(app.request(Method::PUT, "/api/transfer", &[]).await.headers(), "allow"), Some("GET,HEAD,POST"));
    // HEAD runs a GET route in axum (as in Express): it moves money too.
    assert_eq!(victim.req(Method::HEAD, GET_TRANSFER).send().await.status(), 200);
    assert_eq!(balance(&app).await, 800);

    // The Origin check and Fetch Metadata look at unsafe methods only: a top-level navigation
    // from another site gets through them (the lesson).
    app.state.lab().set_defenses(Defenses { origin_check: true, fetch_metadata: true, ..Default::default() });
    let navigation = victim.get(GET_TRANSFER).header("sec-fetch-site", "cross-site").header("sec-fetch-mode", "navigate").send().await;
    assert_eq!(navigation.status(), 200, "{}", navigation.text());
    assert_eq!(balance(&app).await, 700);

    app.reset().await;
    let victim = logged_in(&app).await;
    assert_error(victim.get(GET_TRANSFER).send().await, 405, "method_not_allowed");
    assert_eq!(balance(&app).await, 1000);
}

#[tokio::test]
async fn a_get_transfer_refuses_a_bad_query_as_the_post_refuses_a_bad_body() {
    let app = test_app();
    set(&app, Vulnerable { transfer_via_get: true, ..Default::default() });
    assert_error(app.get(GET_TRANSFER).send().await, 401, "no_credentials");
    let victim = logged_in(&app).await;
    let cases = [
        ("/api/transfer", 400, "invalid_query"),
        ("/api/transfer?to=bob@example.com", 400, "invalid_query"),
        ("/api/transfer?to=bob&amount=100", 400, "invalid_query"),
        ("/api/transfer?to=bob@example.com&amount=ten", 400, "invalid_query"),
        ("/api/transfer?to=bob@example.com&amount=%2210%22", 400, "invalid_query"),
        ("/api/transfer?to=bob@example.com&amount=0", 422, "invalid_amount"),
        ("/api/transfer?to=bob@example.com&amount=1.5", 422, "invalid_amount"),
        ("/api/transfer?to=bob@example.com&amount=-5", 422, "invalid_amount"),
        ("/api/transfer?to=bob@example.com&amount=5000", 422, "insufficient_funds"),
        ("/api/transfer?to=nobody@example.com&amount=100", 422, "unknown_recipient"),
    ];
    for (path, status, code) in cases {
        assert_error(victim.get(path).send().await, status, code);
        let refused_for = match last_outcome(&app) {
            RouteOutcome::TransferRefused { by, code } => (by.user, code),
            other => panic!("{path}: {other:?}"),
        };
        assert_eq!((refused_for.0, refused_for.1.as_str()), (1, code), "{path}");
    }
    assert_eq!(balance(&app).await, 1000);
    let rid = victim.get("/api/transfer?rid=r1&amount=7&to=bob@example.com").send().await;
    assert_eq!(rid.status(), 200, "rid and the order of the parameters do not matter: {}", rid.text());
    assert_eq!(app.state.lab().log().after(0).pop().unwrap().rid.as_deref(), Some("r1"));
}
