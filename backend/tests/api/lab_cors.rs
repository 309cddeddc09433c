//! API.md's CORS rules through `test_app()`: what the live policy sends, and what it does not.

use axum::http::Method;
use serde_json::json;

use crate::helpers::{FRONT, assert_error, cors_headers, default_policy, header, test_app};

#[tokio::test]
async fn allowed_preflight_is_204_empty_without_reaching_the_route() {
    let app = test_app();
    let response = app.preflight("/api/profile?rid=p1", FRONT, "GET", Some("authorization")).await;
    assert_eq!(response.status(), 204);
    let h = response.headers().clone();
    assert_eq!(header(&h, "access-control-allow-origin"), Some(FRONT));
    assert_eq!(header(&h, "access-control-allow-credentials"), Some("true"));
    assert_eq!(header(&h, "access-control-allow-methods"), Some("GET, POST"));
    assert_eq!(header(&h, "access-control-allow-headers"), Some("Content-Type, Authorization"));
    assert_eq!(header(&h, "vary"), Some("Origin"));
    assert!(response.bytes().is_empty());
    let log = app.log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["preflight"], true);
    assert_eq!(log[0]["rid"], "p1");
    assert_eq!(log[0]["outcome"], json!("not_checked"));
    assert_eq!(log[0]["cors"], json!({"allowed": {"origin": "in_list"}}));
    assert_eq!(log[0]["request_headers"]["access-control-request-headers"], "authorization");
}

#[tokio::test]
async fn refused_preflights_are_403_without_any_cors_header_and_the_log_says_which_rule() {
    let app = test_app();
    let cases = [
        ("http://evil.example", "GET", None, json!({"not_in_list": {"origin": "http://evil.example"}})),
        (FRONT, "DELETE", None, json!({"method": {"method": "DELETE", "allowed": "GET, POST"}})),
        (FRONT, "GET", Some("x-custom"), json!({"header": {"name": "x-custom", "allowed": "Content-Type, Authorization"}})),
    ];
    for (origin, method, headers, rule) in cases {
        let response = app.preflight("/api/profile", origin, method, headers).await;
        assert!(cors_headers(response.headers()).is_empty(), "{rule}: {:?}", response.headers());
        assert_error(response, 403, "cors_preflight_refused");
        let last = app.log().await.pop().unwrap();
        assert_eq!(last["cors"], json!({"refused": {"preflight": true, "why": rule}}));
    }
}

#[tokio::test]
async fn refused_origin_gets_no_cors_header_but_the_route_still_runs() {
    let app = test_app();
    let response = app.request(Method::GET, "/api/profile", &[("Origin", "http://evil.example")]).await;
    assert!(cors_headers(response.headers()).is_empty());
    assert_eq!(header(response.headers(), "vary"), Some("Origin"));
    assert_error(response, 401, "no_credentials");
    let entry = app.log().await.pop().unwrap();
    assert_eq!(entry["status"], 401);
    assert_eq!(entry["outcome"], json!({"refused": {"code": "no_credentials"}}));
}

#[tokio::test]
async fn allowed_actual_request_gets_exactly_one_allow_origin_and_expose_headers() {
    let app = test_app();
    let mut policy = default_policy();
    policy["expose_headers"] = json!(["X-Request-Id"]);
    app.put_policy(&policy).await;
    let response = app.request(Method::GET, "/api/profile", &[("Origin", FRONT)]).await;
    let h = response.headers();
    assert_eq!(h.get_all("access-control-allow-origin").iter().count(), 1);
    assert_eq!(header(h, "access-control-allow-origin"), Some(FRONT));
    assert_eq!(header(h, "access-control-allow-credentials"), Some("true"));
    assert_eq!(header(h, "access-control-expose-headers"), Some("X-Request-Id"));
    assert_eq!(header(h, "access-control-allow-methods"), None, "methods belong to preflights");
}

#[tokio::test]
async fn cors_off_sends_nothing_and_a_preflight_reaches_the_router() {
    let app = test_app();
    let mut policy = default_policy();
    policy["enabled"] = json!(false);
    app.put_policy(&policy).await;
    let pre = app.preflight("/api/profile", FRONT, "GET", None).await;
    assert!(cors_headers(pre.headers()).is_empty());
    assert_eq!(header(pre.headers(), "vary"), None);
    assert_error(pre, 405, "method_not_allowed");
    let get = app.request(Method::GET, "/api/profile", &[("Origin", FRONT)]).await;
    assert!(cors_headers(get.headers()).is_empty());
    assert_eq!(get.status(), 401);
}

#[tokio::test]
async fn plain_options_is_an_ordinary_request() {
    let app = test_app();
    let response = app.request(Method::OPTIONS, "/api/profile", &[("Origin", FRONT)]).await;
    assert_eq!(header(response.headers(), "access-control-allow-origin"), Some(FRONT));
    assert_error(response, 405, "method_not_allowed");
    assert_eq!(app.log().await.pop().unwrap()["preflight"], false);
}

#[tokio::test]
async fn modes_any_reflect_and_none() {
    let app = test_app();
    let evil = "http://evil.example";
    let set_mode = |mode: &'static str| {
        let mut p = default_policy();
        p["allow_origin"] = json!({"mode": mode});
        p
    };
    app.put_policy(&set_mode("any")).await;
    let r = app.request(Method::GET, "/api/profile", &[("Origin", evil)]).await;
    assert_eq!(header(r.headers(), "access-control-allow-origin"), Some("*"));
    assert_eq!(header(r.headers(), "access-control-allow-credentials"), Some("true"), "sent anyway: the browser refuses it");
    assert_eq!(header(r.headers(), "vary"), None, "* does not depend on the origin");

    app.put_policy(&set_mode("reflect")).await;
    for origin in [evil, "null"] {
        let r = app.request(Method::GET, "/api/profile", &[("Origin", origin)]).await;
        assert_eq!(header(r.headers(), "access-control-allow-origin"), Some(origin));
        assert_eq!(header(r.headers(), "vary"), Some("Origin"));
    }

    app.put_policy(&set_mode("none")).await;
    let r = app.request(Method::GET, "/api/profile", &[("Origin", FRONT)]).await;
    assert!(cors_headers(r.headers()).is_empty());
}

#[tokio::test]
async fn max_age_and_wildcards_on_preflight() {
    let app = test_app();
    let mut policy = default_policy();
    policy["allow_methods"] = json!(["*"]);
    policy["allow_headers"] = json!(["*"]);
    policy["max_age"] = json!(600);
    app.put_policy(&policy).await;
    let r = app.preflight("/api/profile", FRONT, "PATCH", Some("x-anything, , x-other")).await;
    assert_eq!(r.status(), 204);
    assert_eq!(header(r.headers(), "access-control-allow-methods"), Some("*"));
    assert_eq!(header(r.headers(), "access-control-allow-headers"), Some("*"));
    assert_eq!(header(r.headers(), "access-control-max-age"), Some("600"));
}

#[tokio::test]
async fn secrets_never_appear_whole_in_the_log() {
    let app = test_app();
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
    let session = "AAAABBBBCCCCDDDDEEEEFFFF";
    app.request(
        Method::GET,
        "/api/profile",
        &[("Authorization", &format!("Bearer {token}")), ("Cookie", &format!("sessionId={session}"))],
    )
    .await;
    let entry = serde_json::to_string(&app.log().await).unwrap();
    assert!(!entry.contains(token) && !entry.contains(session), "{entry}");
    assert!(entry.contains("eyJhbGci…") && entry.contains("AAAABBBB…"), "{entry}");
}

#[tokio::test]
async fn a_refused_preflight_in_the_headers_style_is_204_with_the_policy_s_headers() {
    // Arrange: the style of express cors() and tower-http's CorsLayer
    let app = test_app();
    let mut policy = default_policy();
    policy["refused_preflight"] = serde_json::json!("headers");
    assert_eq!(app.put_policy(&policy).await.status(), 200);

    // Act: a preflight asking for a header the policy does not allow
    let r = app.preflight("/api/profile", FRONT, "GET", Some("x-custom")).await;

    // Assert: answered, the browser will refuse; the log says which rule
    assert_eq!(r.status(), 204);
    assert_eq!(header(r.headers(), "access-control-allow-origin"), Some(FRONT));
    assert_eq!(header(r.headers(), "access-control-allow-headers"), Some("Content-Type, Authorization"));
    let entry = app.log().await.pop().unwrap();
    assert_eq!(entry["cors"]["refused"]["why"]["header"]["name"], "x-custom", "{}", entry["cors"]);
}
