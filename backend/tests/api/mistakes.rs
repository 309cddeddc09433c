//! The server mistakes the lab makes on purpose (`mistake` in the policy, API.md): each
//! answers as the real mistake does, and a reset ends it.

use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::{FRONT, TestApp, assert_error, cors_headers, default_policy, header, test_app};

async fn with_mistake(mistake: &str) -> TestApp {
    let app = test_app();
    let mut policy = default_policy();
    policy["mistake"] = json!(mistake);
    assert_eq!(app.put_policy(&policy).await.status(), 200, "{mistake}");
    app
}

async fn last_reason(app: &TestApp) -> Value {
    app.log().await.pop().expect("logged")["cors"].clone()
}

#[tokio::test]
async fn authentication_before_cors_answers_the_preflight_401_without_cors_headers() {
    let app = with_mistake("auth_before_cors").await;
    let response = app.preflight("/api/profile", FRONT, "GET", Some("authorization")).await;
    assert!(cors_headers(response.headers()).is_empty(), "{:?}", response.headers());
    assert_error(response, 401, "no_credentials");
    assert_eq!(last_reason(&app).await, json!({"preempted": {"by": "auth_before_cors"}}));
    // The request itself still gets CORS as usual.
    let actual = app.request(Method::GET, "/api/profile", &[("Origin", FRONT)]).await;
    assert_eq!(header(actual.headers(), "access-control-allow-origin"), Some(FRONT));
}

#[tokio::test]
async fn a_router_before_cors_answers_the_preflight_404() {
    let app = with_mistake("options_not_found").await;
    let response = app.preflight("/api/profile", FRONT, "GET", Some("authorization")).await;
    assert!(cors_headers(response.headers()).is_empty());
    assert_error(response, 404, "not_found");
}

#[tokio::test]
async fn a_router_before_cors_answers_the_preflight_405() {
    let app = with_mistake("options_not_allowed").await;
    let response = app.preflight("/api/profile", FRONT, "GET", Some("authorization")).await;
    assert!(cors_headers(response.headers()).is_empty());
    assert_eq!(header(response.headers(), "allow"), Some("GET, POST"));
    assert_error(response, 405, "method_not_allowed");
}

#[tokio::test]
async fn a_preflight_passed_on_gets_the_cors_headers_and_the_router_s_405() {
    let app = with_mistake("preflight_passed_on").await;
    let response = app.preflight("/api/profile", FRONT, "GET", Some("authorization")).await;
    assert_eq!(header(response.headers(), "access-control-allow-origin"), Some(FRONT));
    assert_eq!(header(response.headers(), "access-control-allow-headers"), Some("Content-Type, Authorization"));
    assert_error(response, 405, "method_not_allowed");
    assert_eq!(last_reason(&app).await, json!({"allowed": {"origin": "in_list"}}), "CORS ran and allowed it");
}

#[tokio::test]
async fn a_redirected_preflight_is_a_308_to_the_path_with_a_slash() {
    let app = with_mistake("redirected_preflight").await;
    let response = app.preflight("/api/profile?rid=r9", FRONT, "GET", Some("authorization")).await;
    assert_eq!(response.status(), 308);
    assert_eq!(header(response.headers(), "location"), Some("/api/profile/?rid=r9"));
    assert!(cors_headers(response.headers()).is_empty());
}

#[tokio::test]
async fn an_error_answer_skips_the_cors_headers_but_the_preflight_passes() {
    let app = with_mistake("error_without_cors").await;
    let preflight = app.preflight("/api/profile", FRONT, "GET", Some("authorization")).await;
    assert_eq!((preflight.status().as_u16(), header(preflight.headers(), "access-control-allow-origin")), (204, Some(FRONT)));
    let response = app.request(Method::GET, "/api/profile", &[("Origin", FRONT)]).await;
    assert!(cors_headers(response.headers()).is_empty(), "{:?}", response.headers());
    assert_error(response, 500, "internal_error");
    assert_eq!(last_reason(&app).await, json!({"preempted": {"by": "error_without_cors"}}));
}

#[tokio::test]
async fn a_proxy_doubles_access_control_allow_origin() {
    let app = with_mistake("doubled_allow_origin").await;
    for response in [
        app.request(Method::GET, "/api/profile", &[("Origin", FRONT)]).await,
        app.preflight("/api/profile", FRONT, "GET", Some("authorization")).await,
    ] {
        let values: Vec<&str> = response.headers().get_all("access-control-allow-origin").iter().map(|v| v.to_str().unwrap()).collect();
        assert_eq!(values, [FRONT, FRONT]);
    }
    let logged = app.log().await.pop().unwrap();
    assert_eq!(logged["response_headers"]["access-control-allow-origin"], format!("{FRONT}, {FRONT}"), "the log shows both");
}

#[tokio::test]
async fn access_control_allow_origin_with_a_trailing_slash() {
    let app = with_mistake("allow_origin_with_slash").await;
    let response = app.request(Method::GET, "/api/profile", &[("Origin", FRONT)]).await;
    assert_eq!(header(response.headers(), "access-control-allow-origin"), Some(format!("{FRONT}/").as_str()));
}

#[tokio::test]
async fn the_policy_shows_its_mistake_and_a_reset_ends_it() {
    let app = with_mistake("auth_before_cors").await;
    assert_eq!(app.policy().await["mistake"], "auth_before_cors");
    app.reset().await;
    assert_eq!(app.policy().await, default_policy(), "no mistake field once there is none");
    let response = app.preflight("/api/profile", FRONT, "GET", Some("authorization")).await;
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn an_unknown_mistake_is_refused_and_changes_nothing() {
    let app = test_app();
    let mut policy = default_policy();
    policy["mistake"] = json!("forgot_everything");
    assert_error(app.put_policy(&policy).await, 400, "invalid_field");
    assert_eq!(app.policy().await, default_policy());
}
