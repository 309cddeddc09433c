//! The lab routes through `app(state)` with `tower::ServiceExt::oneshot`: no socket, the same
//! router the binary serves, the lab layer around every `/api/*` route.

use std::sync::Arc;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use backend::{AppState, Config, app, clock::Clock, sessions::memory::MemoryStore};
use clap::Parser;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use shared::{
    cors::server::OriginRule,
    wire::{AuthKind, Authenticated, Defense, DefenseSaw, Defenses, ErrorCode, Reason, RouteOutcome},
};

use crate::helpers::FRONT;

fn state() -> AppState {
    let config = Config::parse_from(["backend", "--frontend-origin", FRONT]);
    AppState::new(config, Arc::new(MemoryStore::new(100)), "a-test-secret-that-is-long-enough-0123".into(), "127.0.0.1:3001".parse().unwrap())
        .expect("state")
}

fn request(method: &str, uri: &str) -> axum::http::request::Builder {
    Request::builder().method(method).uri(uri).header(header::HOST, "localhost:3000")
}

async fn send(state: &AppState, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = app(state.clone()).oneshot(req).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (parts.status, parts.headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_request_without_credentials_is_refused_and_logged_as_such() {
    let state = state();
    let (status, headers, body) = send(&state, request("GET", "/api/profile?rid=r1").header(header::ORIGIN, FRONT).body(Body::empty()).unwrap()).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "no_credentials");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], FRONT);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let log = state.lab().log().after(0);
    assert_eq!((log.len(), log[0].rid.as_deref()), (1, Some("r1")));
    assert_eq!(log[0].outcome, RouteOutcome::Refused { code: ErrorCode::NoCredentials });
    assert_eq!((log[0].method.as_str(), log[0].path.as_str()), ("GET", "/api/profile"));
    assert_eq!(log[0].cors, Some(Reason::Allowed { origin: OriginRule::InList }));
}

#[tokio::test]
async fn an_allowed_preflight_is_answered_without_the_route() {
    let state = state();
    let preflight = request("OPTIONS", "/api/transfer")
        .header(header::ORIGIN, FRONT)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send(&state, preflight).await;
    assert_eq!(status, 204);
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_METHODS], "GET, POST");
    assert_eq!(state.lab().log().after(0)[0].outcome, RouteOutcome::NotChecked);
}

#[tokio::test]
async fn a_login_sets_the_cookie_and_the_profile_follows_it() {
    let state = state();
    let login = request("POST", "/api/login")
        .header(header::CONTENT_TYPE, "text/plain;charset=UTF-8")
        .body(Body::from(json!({"email": "a@b.com", "password": "123"}).to_string()))
        .unwrap();
    let (status, headers, body) = send(&state, login).await;
    assert_eq!((status, &body["user"]), (StatusCode::OK, &json!({"id": 1, "email": "a@b.com"})));
    let cookie = headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();

    let (status, _, body) = send(&state, request("GET", "/api/profile").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"user": {"id": 1, "email": "a@b.com"}, "auth": "session"})));
    let log = state.lab().log().after(0);
    let session = cookie.trim_start_matches("sessionId=")[..8].to_owned();
    assert_eq!(log[0].outcome, RouteOutcome::LoggedIn { user: 1, session: session.clone() });
    let who = Authenticated { user: 1, email: "a@b.com".into(), by: AuthKind::Session, session: Some(session) };
    assert_eq!(log[1].outcome, RouteOutcome::Authenticated { who });
}

#[tokio::test]
async fn a_refused_transfer_is_logged_with_who_sent_it() {
    let state = state();
    let token = {
        let req = request("POST", "/api/token").header(header::CONTENT_TYPE, "application/json").body(Body::from(r#"{"email":"a@b.com","password":"123"}"#)).unwrap();
        send(&state, req).await.2["token"].as_str().unwrap().to_owned()
    };
    let transfer = |body: &'static str| {
        request("POST", "/api/transfer")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let (status, _, body) = send(&state, transfer(r#"{"to":"bob@example.com","amount":0}"#)).await;
    assert_eq!((status, &body["error"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("invalid_amount")));
    let (status, _, body) = send(&state, transfer(r#"{"to":"bob@example.com","amount":"10"}"#)).await;
    assert_eq!((status, &body["error"]), (StatusCode::BAD_REQUEST, &json!("invalid_field")));
    let (status, _, body) = send(&state, transfer(r#"{"to":"bob@example.com","amount":10}"#)).await;
    assert_eq!((status, &body["balance"]), (StatusCode::OK, &json!(990)));
    let outcomes: Vec<RouteOutcome> = state.lab().log().after(0).into_iter().map(|e| e.outcome).collect();
    let by = Authenticated { user: 1, email: "a@b.com".into(), by: AuthKind::Jwt, session: None };
    assert_eq!(outcomes[1], RouteOutcome::TransferRefused { by: by.clone(), code: ErrorCode::InvalidAmount });
    assert_eq!(outcomes[2], RouteOutcome::TransferRefused { by: by.clone(), code: ErrorCode::InvalidField });
    assert_eq!(outcomes[3], RouteOutcome::Transferred { by, to: "bob@example.com".into(), amount: 10 });
}

#[tokio::test]
async fn the_origin_check_stops_a_foreign_write_before_its_route() {
    let state = state();
    state.lab().set_defenses(Defenses { origin_check: true, ..Default::default() });
    let req = request("POST", "/api/logout").header(header::ORIGIN, "http://127.0.0.1:3001").body(Body::empty()).unwrap();
    let (status, _, body) = send(&state, req).await;
    assert_eq!((status, &body["error"]), (StatusCode::FORBIDDEN, &json!("origin_refused")));
    let outcome = &state.lab().log().after(0)[0].outcome;
    assert_eq!(outcome.refused_by(), Some(Defense::OriginCheck));
    assert_eq!(outcome, &RouteOutcome::DefenseRefused { defense: Defense::OriginCheck, saw: DefenseSaw::ForeignOrigin { origin: "http://127.0.0.1:3001".into() } });
}

/// Each defense, alone on, is named as the one that refused a cross-site write.
#[tokio::test]
async fn each_defense_alone_is_named_as_the_one_that_refused() {
    let cases = [
        (Defenses { origin_check: true, ..Default::default() }, Defense::OriginCheck),
        (Defenses { fetch_metadata: true, ..Default::default() }, Defense::FetchMetadata),
        (Defenses { json_only: true, ..Default::default() }, Defense::JsonOnly),
    ];
    for (defenses, defense) in cases {
        let state = state();
        let login = request("POST", "/api/login").header(header::CONTENT_TYPE, "application/json").body(Body::from(r#"{"email":"a@b.com","password":"123"}"#)).unwrap();
        let cookie = send(&state, login).await.1[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
        state.lab().set_defenses(defenses);
        let attack = request("POST", "/api/transfer?rid=attack")
            .header(header::ORIGIN, "http://127.0.0.1:3001")
            .header("sec-fetch-site", "cross-site")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "text/plain;charset=UTF-8")
            .body(Body::from(r#"{"to":"bob@example.com","amount":100}"#))
            .unwrap();
        let (status, _, body) = send(&state, attack).await;
        assert_eq!((status.as_u16(), body["error"].as_str()), (defense.code().status(), Some(defense.code().as_str())), "{defense:?}");
        let entry = state.lab().log().after(0).pop().unwrap();
        assert_eq!(entry.outcome.refused_by(), Some(defense), "{:?}", entry.outcome);
        assert!(entry.credentials.has_session());
    }
}

#[tokio::test]
async fn unknown_lab_paths_and_methods_are_json_errors_in_the_log() {
    let state = state();
    let (status, _, body) = send(&state, request("GET", "/api/nowhere").body(Body::empty()).unwrap()).await;
    assert_eq!((status, &body["error"]), (StatusCode::NOT_FOUND, &json!("not_found")));
    let (status, headers, body) = send(&state, request("GET", "/api/login").body(Body::empty()).unwrap()).await;
    assert_eq!((status, &body["error"]), (StatusCode::METHOD_NOT_ALLOWED, &json!("method_not_allowed")));
    assert_eq!(headers[header::ALLOW], "POST");
    assert_eq!(state.lab().log().after(0).len(), 2);
}

/// Sessions expire by the state's clock: a test moves it instead of sleeping.
#[tokio::test]
async fn an_idle_session_expires_and_says_so() {
    let clock = Clock::manual(1_800_000_000_000);
    let config = Config::parse_from(["backend", "--frontend-origin", FRONT, "--session-ttl", "1"]);
    let state = AppState::with_clock(config, Arc::new(MemoryStore::new(100)), "a-test-secret-that-is-long-enough-0123".into(), "127.0.0.1:3001".parse().unwrap(), clock.clone())
        .expect("state");
    let login = request("POST", "/api/login").header(header::CONTENT_TYPE, "application/json").body(Body::from(r#"{"email":"a@b.com","password":"123"}"#)).unwrap();
    let cookie = send(&state, login).await.1[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let profile = || request("GET", "/api/profile").header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
    assert_eq!(send(&state, profile()).await.0, StatusCode::OK);

    // The browser drops the cookie at Max-Age; a client that keeps it learns why it failed.
    clock.advance(std::time::Duration::from_millis(1001));
    let (status, _, body) = send(&state, profile()).await;
    assert_eq!((status, &body["error"]), (StatusCode::UNAUTHORIZED, &json!("expired_session")));
    let (status, _, body) = send(&state, profile()).await;
    assert_eq!((status, &body["error"]), (StatusCode::UNAUTHORIZED, &json!("unknown_session")));
}
