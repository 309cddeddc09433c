//! Sessions and JWTs through `test_app()`, with a cookie-keeping `Browser` where a browser would keep cookies.

use axum::http::{Method, StatusCode};
use backend::{Config, startup};
use serde_json::{Value, json};
use shared::jwt::{self, Claims};

use crate::helpers::{Answer, Browser, Client, TestApp, assert_error, header, test_app, test_app_with};

const SECRET: &str = "a-test-secret-that-is-long-enough-0123456789";

async fn login(client: &impl Client, email: &str, password: &str) -> Answer {
    client.post("/api/login").json(&json!({"email": email, "password": password})).send().await
}

async fn profile(browser: &Browser<'_>) -> Answer {
    browser.get("/api/profile").send().await
}

fn session_id(set_cookie: &str) -> String {
    set_cookie.strip_prefix("sessionId=").unwrap().split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn login_sets_an_httponly_session_cookie_and_the_profile_follows_it() {
    let app = test_app();
    let browser = app.browser();
    let response = login(&browser, "a@b.com", "123").await;
    assert_eq!(response.status(), 200);
    let set_cookie = header(response.headers(), "set-cookie").unwrap().to_owned();
    assert!(set_cookie.ends_with("; HttpOnly; Path=/; SameSite=Lax; Max-Age=1800"), "{set_cookie}");
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");
    assert_eq!(session_id(&set_cookie).len(), 22, "128 bits, base64url");
    assert_eq!(header(response.headers(), "cache-control"), Some("no-store"));
    let body: Value = response.json();
    assert_eq!(body["user"], json!({"id": 1, "email": "a@b.com"}));
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z'));

    let me = profile(&browser).await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<Value>(), json!({"user": {"id": 1, "email": "a@b.com"}, "auth": "session"}));

    let log = app.log().await;
    assert_eq!(log[0]["outcome"]["logged_in"]["user"], 1, "{}", log[0]["outcome"]);
    assert!(log[1]["credentials"]["cookies"].as_array().unwrap().iter().any(|c| c["name"] == "sessionId"), "{}", log[1]["credentials"]);
}

#[tokio::test]
async fn every_login_gets_a_new_id_and_ends_the_browsers_previous_session() {
    let app = test_app();
    let browser = app.browser();
    let first = session_id(header(login(&browser, "a@b.com", "123").await.headers(), "set-cookie").unwrap());
    let second = session_id(header(login(&browser, "a@b.com", "123").await.headers(), "set-cookie").unwrap());
    assert_ne!(first, second);
    let stale = app.request(Method::GET, "/api/profile", &[("Cookie", &format!("sessionId={first}"))]).await;
    assert_error(stale, 401, "unknown_session");
    let sessions: Vec<Value> = app.get("/control/sessions").send().await.json();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["id_prefix"], second[..8]);
    assert_eq!(sessions[0]["user_id"], 1);
    // A client-supplied id is never adopted.
    let chosen = "AAAAAAAAAAAAAAAAAAAAAA";
    let r = app
        .post("/api/login")
        .header("Cookie", format!("sessionId={chosen}"))
        .json(&json!({"email": "bob@example.com", "password": "hunter2"}))
        .send()
        .await;
    assert_ne!(session_id(header(r.headers(), "set-cookie").unwrap()), chosen);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = test_app();
    let browser = app.browser();
    let wrong = login(&browser, "a@b.com", "nope").await;
    assert!(header(wrong.headers(), "set-cookie").is_none());
    let a = assert_error(wrong, 401, "invalid_credentials");
    let b = assert_error(login(&browser, "nobody@example.com", "123").await, 401, "invalid_credentials");
    assert_eq!(a, b);
    assert_error(profile(&browser).await, 401, "no_credentials");
}

#[tokio::test]
async fn login_accepts_text_plain_holding_json_but_not_other_types() {
    let app = test_app();
    let post = |content_type: &str, body: String| app.post("/api/login").header("content-type", content_type).body(body).send();
    let body = r#"{"email":"a@b.com","password":"123"}"#;
    let plain = post("text/plain;charset=UTF-8", body.to_owned()).await;
    assert_eq!(plain.status(), 200);
    let form = post("application/x-www-form-urlencoded", "email=a".to_owned()).await;
    assert_error(form, 415, "unsupported_media_type");
    let broken = post("application/json", "{\"email\":".to_owned()).await;
    assert_error(broken, 400, "malformed_json");
    let missing = app.post("/api/login").json(&json!({"email": "a@b.com"})).send().await;
    assert_error(missing, 400, "invalid_field");
    let huge = app.post("/api/login").json(&json!({"email": "x".repeat(70_000), "password": "1"})).send().await;
    assert_error(huge, 413, "body_too_large");
}

#[tokio::test]
async fn logout_deletes_the_session_server_side_and_clears_the_cookie() {
    let app = test_app();
    let browser = app.browser();
    let id = session_id(header(login(&browser, "a@b.com", "123").await.headers(), "set-cookie").unwrap());
    let out = browser.post("/api/logout").send().await;
    assert_eq!(out.status(), 204);
    assert!(header(out.headers(), "set-cookie").unwrap().contains("Max-Age=0"));
    // Replaying the old cookie by hand: the server no longer knows it.
    let replay = app.request(Method::GET, "/api/profile", &[("Cookie", &format!("sessionId={id}"))]).await;
    assert_error(replay, 401, "unknown_session");
    assert_error(browser.post("/api/logout").send().await, 401, "no_credentials");
}

#[tokio::test]
async fn revoking_from_the_control_plane_ends_the_session() {
    let app = test_app();
    let browser = app.browser();
    let id = session_id(header(login(&browser, "a@b.com", "123").await.headers(), "set-cookie").unwrap());
    let revoke = app.delete(&format!("/control/sessions/{id}")).send().await;
    assert_eq!(revoke.status(), 204);
    assert_error(profile(&browser).await, 401, "unknown_session");
    let again = app.delete(&format!("/control/sessions/{id}")).send().await;
    assert_error(again, 404, "unknown_session");
    let junk = app.delete("/control/sessions/not-an-id").send().await;
    assert_error(junk, 404, "unknown_session");
}

#[tokio::test]
async fn junk_and_oversized_cookies_are_unknown_sessions() {
    let app = test_app();
    let long = format!("sessionId={}", "A".repeat(4000));
    for cookie in ["sessionId=", "sessionId=%%%", "sessionId=AAAAAAAAAAAAAAAAAAAAAA", long.as_str()] {
        assert_error(app.request(Method::GET, "/api/profile", &[("Cookie", cookie)]).await, 401, "unknown_session");
    }
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account_only() {
    let app = test_app();
    let browser = app.browser();
    for _ in 0..10 {
        assert_eq!(login(&browser, "a@b.com", "wrong").await.status(), 401);
    }
    let locked = login(&browser, "a@b.com", "123").await;
    let retry: u64 = header(locked.headers(), "retry-after").unwrap().parse().unwrap();
    assert!((1..=300).contains(&retry), "{retry}");
    assert_error(locked, 429, "too_many_attempts");
    assert_eq!(login(&browser, "bob@example.com", "hunter2").await.status(), 200, "other accounts are not affected");
    app.reset().await;
    assert_eq!(login(&browser, "a@b.com", "123").await.status(), 200, "reset forgets the throttle");
}

async fn token(app: &TestApp) -> String {
    let r = app.post("/api/token").json(&json!({"email": "a@b.com", "password": "123"})).send().await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    body["token"].as_str().unwrap().to_owned()
}

async fn bearer(app: &TestApp, token: &str) -> Answer {
    app.request(Method::GET, "/api/profile", &[("Authorization", &format!("Bearer {token}"))]).await
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

#[tokio::test]
async fn our_tokens_verify_with_jsonwebtoken_and_its_tokens_with_ours() {
    let app = test_app_with(&["--jwt-secret", SECRET]);
    let ours = token(&app).await;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.leeway = 0;
    let decoded = jsonwebtoken::decode::<Value>(&ours, &jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes()), &validation)
        .expect("jsonwebtoken accepts our token");
    assert_eq!(decoded.claims["sub"], "1");
    assert_eq!(decoded.claims["email"], "a@b.com");
    assert_eq!(decoded.header.typ.as_deref(), Some("JWT"));

    let claims = json!({"sub": "2", "email": "bob@example.com", "iat": now(), "exp": now() + 60});
    let theirs = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes())).unwrap();
    let me = bearer(&app, &theirs).await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<Value>(), json!({"user": {"id": 2, "email": "bob@example.com"}, "auth": "jwt"}));
    let lower = app.request(Method::GET, "/api/profile", &[("Authorization", &format!("bearer {theirs}"))]).await;
    assert_eq!(lower.status(), 200, "the scheme is case-insensitive");
}

#[tokio::test]
async fn bad_tokens_get_their_code_and_www_authenticate() {
    let app = test_app_with(&["--jwt-secret", SECRET]);
    let good = token(&app).await;
    let claims = |exp: i64, sub: &str| Claims { sub: sub.into(), email: None, iat: None, exp, nbf: None };
    let cases = [
        ("garbage".to_owned(), "malformed_token"),
        (format!("{good}="), "malformed_token"),
        (jwt::encode(&claims(now() + 60, "1"), b"mySecretKey"), "bad_signature"),
        (jwt::encode(&claims(now() - 1, "1"), SECRET.as_bytes()), "expired_token"),
        (jwt::sign_parts(br#"{"alg":"none"}"#, br#"{"sub":"1","exp":9999999999}"#, SECRET.as_bytes()), "unsupported_alg"),
        (jwt::encode(&claims(now() + 60, "99"), SECRET.as_bytes()), "unknown_user"),
        ("x".repeat(9000), "malformed_token"),
    ];
    for (token, code) in cases {
        let response = bearer(&app, &token).await;
        let challenge = header(response.headers(), "www-authenticate").unwrap_or_default().to_owned();
        assert!(challenge.starts_with("Bearer error=\"invalid_token\", error_description=\""), "{code}: {challenge}");
        assert_error(response, 401, code);
    }
    let entry = app.log().await.pop().unwrap();
    assert_eq!(entry["outcome"], json!({"refused": {"code": "malformed_token"}}));
    // A scheme without a token carries no credential (RFC 6750 §2.1 needs one).
    assert_error(bearer(&app, "").await, 401, "no_credentials");
}

#[tokio::test]
async fn bearer_beats_cookie_and_a_new_secret_invalidates_old_tokens() {
    let app = test_app_with(&["--jwt-secret", SECRET]);
    let browser = app.browser();
    login(&browser, "bob@example.com", "hunter2").await;
    let t = token(&app).await;
    let both = browser.get("/api/profile").bearer_auth(&t).send().await;
    assert_eq!(both.json::<Value>()["auth"], "jwt");

    let weak = app.put("/control/jwt").json(&json!({"secret": "mySecretKey", "ttl_seconds": 60})).send().await;
    assert_eq!(weak.status(), 200);
    let view: Value = weak.json();
    assert_eq!(view["weak"], true);
    assert!(view["warning"].as_str().unwrap().contains("11 bytes"));
    assert_error(bearer(&app, &t).await, 401, "bad_signature");

    let bad = app.put("/control/jwt").json(&json!({"secret": "", "ttl_seconds": 60})).send().await;
    assert_error(bad, 422, "invalid_jwt_settings");
    let unknown = app.put("/control/jwt").json(&json!({"secret": "x", "ttl_seconds": 60, "alg": "none"})).send().await;
    assert_error(unknown, 400, "invalid_field");
    let kept: Value = app.get("/control/jwt").send().await.json();
    assert_eq!(kept["secret"], "mySecretKey");
}

/// The default secret is the binary's to make (`startup::state`, which `startup::bind` uses).
#[tokio::test]
async fn the_default_jwt_secret_is_random_and_strong() {
    let started = || async {
        TestApp::of(startup::state(Config::from_args(["backend"]).unwrap(), "127.0.0.1:3001".parse().unwrap()).expect("state"))
    };
    let (a, b) = (started().await, started().await);
    let (a, b): (Value, Value) = (a.get("/control/jwt").send().await.json(), b.get("/control/jwt").send().await.json());
    assert_ne!(a["secret"], b["secret"]);
    assert_eq!(a["weak"], false);
    assert_eq!(a["ttl_seconds"], 3600);
}

#[tokio::test]
async fn cookie_policy_shapes_the_next_set_cookie() {
    let app = test_app();
    let default: Value = app.get("/control/cookie").send().await.json();
    assert_eq!(default, json!({"same_site": "Lax", "secure": false, "http_only": true}));
    let lab = json!({"same_site": "None", "secure": true, "http_only": false});
    assert_eq!(app.put("/control/cookie").json(&lab).send().await.status(), 200);
    let r = login(&app.browser(), "a@b.com", "123").await;
    let set_cookie = header(r.headers(), "set-cookie").unwrap();
    assert!(set_cookie.ends_with("; Path=/; SameSite=None; Max-Age=1800; Secure"), "{set_cookie}");
    let bad = app.put("/control/cookie").json(&json!({"same_site": "Sometimes", "secure": true, "http_only": true})).send().await;
    assert_error(bad, 400, "invalid_field");
    let kept: Value = app.get("/control/cookie").send().await.json();
    assert_eq!(kept, lab);
}

#[tokio::test]
async fn transfers_move_money_for_the_authenticated_user_only() {
    let app = test_app();
    let browser = app.browser();
    assert_error(browser.post("/api/transfer").json(&json!({"to": "bob@example.com", "amount": 5})).send().await, 401, "no_credentials");
    login(&browser, "a@b.com", "123").await;
    let ok = browser.post("/api/transfer").header("content-type", "text/plain").body(r#"{"to":"bob@example.com","amount":100}"#).send().await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.json::<Value>(), json!({"balance": 900, "transfer": {"to": "bob@example.com", "amount": 100}}));
    for (body, status, code) in [
        (json!({"to": "bob@example.com", "amount": 0}), 422, "invalid_amount"),
        (json!({"to": "bob@example.com", "amount": -5}), 422, "invalid_amount"),
        (json!({"to": "bob@example.com", "amount": 1.5}), 422, "invalid_amount"),
        (json!({"to": "bob@example.com", "amount": "10"}), 400, "invalid_field"),
        (json!({"to": "bob@example.com", "amount": 901}), 422, "insufficient_funds"),
        (json!({"to": "eve@evil.example", "amount": 1}), 422, "unknown_recipient"),
        (json!({"amount": 1}), 400, "invalid_field"),
    ] {
        assert_error(browser.post("/api/transfer").json(&body).send().await, status, code);
    }
    let accounts: Vec<Value> = app.get("/control/accounts").send().await.json();
    assert_eq!((accounts[0]["balance"].as_u64(), accounts[1]["balance"].as_u64()), (Some(900), Some(1100)));
    assert_eq!(accounts[0]["transfers"].as_array().unwrap().len(), 1, "refused transfers changed nothing");
    app.reset().await;
    let accounts: Vec<Value> = app.get("/control/accounts").send().await.json();
    assert_eq!(accounts[0]["balance"], 1000);
    assert_error(profile(&browser).await, 401, "unknown_session");
}
