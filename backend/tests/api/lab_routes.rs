//! The lab routes through `app(state)` with `tower::ServiceExt::oneshot`: no socket, the same
//! router the binary serves, the lab layer around every `/api/*` route.

use std::sync::Arc;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use backend::{AppState, Config, app, sessions::memory::MemoryStore};
use clap::Parser;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

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
    let log = state.log().after(0);
    assert_eq!((log.len(), log[0].rid.as_deref(), log[0].auth.as_str()), (1, Some("r1"), "refused: no_credentials"));
    assert_eq!((log[0].method.as_str(), log[0].path.as_str()), ("GET", "/api/profile"));
    assert_eq!(log[0].cors, "allowed: origin is in the list");
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
    assert_eq!(state.log().after(0)[0].auth, "not checked on a preflight");
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
    let log = state.log().after(0);
    assert!(log[0].auth.starts_with("login ok: user 1 got new session"), "{}", log[0].auth);
    assert!(log[1].auth.starts_with("ok: user 1 (a@b.com) by session"), "{}", log[1].auth);
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
    let words: Vec<String> = state.log().after(0).into_iter().map(|e| e.auth).collect();
    assert_eq!(words[1], "ok: user 1 (a@b.com) by valid JWT; transfer refused: invalid_amount");
    assert_eq!(words[2], "ok: user 1 (a@b.com) by valid JWT; transfer refused: invalid_field");
    assert_eq!(words[3], "ok: user 1 (a@b.com) by valid JWT; transferred 10 to bob@example.com");
}

#[tokio::test]
async fn the_origin_check_stops_a_foreign_write_before_its_route() {
    let state = state();
    state.set_defenses(shared::wire::Defenses { origin_check: true, ..Default::default() });
    let req = request("POST", "/api/logout").header(header::ORIGIN, "http://127.0.0.1:3001").body(Body::empty()).unwrap();
    let (status, _, body) = send(&state, req).await;
    assert_eq!((status, &body["error"]), (StatusCode::FORBIDDEN, &json!("origin_refused")));
    assert_eq!(state.log().after(0)[0].auth, "refused by the Origin check (http://127.0.0.1:3001); the route did not run");
}

#[tokio::test]
async fn unknown_lab_paths_and_methods_are_json_errors_in_the_log() {
    let state = state();
    let (status, _, body) = send(&state, request("GET", "/api/nowhere").body(Body::empty()).unwrap()).await;
    assert_eq!((status, &body["error"]), (StatusCode::NOT_FOUND, &json!("not_found")));
    let (status, headers, body) = send(&state, request("GET", "/api/login").body(Body::empty()).unwrap()).await;
    assert_eq!((status, &body["error"]), (StatusCode::METHOD_NOT_ALLOWED, &json!("method_not_allowed")));
    assert_eq!(headers[header::ALLOW], "POST");
    assert_eq!(state.log().after(0).len(), 2);
}
