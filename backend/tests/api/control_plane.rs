//! `/control/cors`, `/control/reset`, `/control/log`, and the control plane's own CORS.

use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::{Client, FRONT, assert_error, cors_headers, default_policy, header, test_app};

#[tokio::test]
async fn default_policy_is_the_one_in_api_md() {
    let app = test_app();
    assert_eq!(app.policy().await, default_policy());
}

#[tokio::test]
async fn put_replaces_the_policy_whole_and_returns_it() {
    let app = test_app();
    let mut policy = default_policy();
    policy["allow_origin"] = json!({"mode": "reflect"});
    policy["max_age"] = json!(600);
    let response = app.put_policy(&policy).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>(), policy);
    assert_eq!(app.policy().await, policy);
}

#[tokio::test]
async fn browser_refused_settings_are_accepted_on_purpose() {
    let app = test_app();
    let mut policy = default_policy();
    policy["allow_origin"] = json!({"mode": "any"});
    policy["allow_headers"] = json!(["*"]);
    assert_eq!(app.put_policy(&policy).await.status(), 200);
}

#[tokio::test]
async fn a_malformed_policy_gets_400_or_422_and_the_old_policy_stays() {
    let app = test_app();
    let mut kept = default_policy();
    kept["max_age"] = json!(5);
    assert_eq!(app.put_policy(&kept).await.status(), 200);

    let raw = |body: String, content_type: &'static str| app.put("/control/cors").header("content-type", content_type).body(body).send();
    assert_error(raw("{\"enabled\": tru".into(), "application/json").await, 400, "malformed_json");
    assert_error(raw("{}".into(), "text/plain").await, 415, "unsupported_media_type");

    let mut cases = Vec::new();
    let mut unknown = default_policy();
    unknown["allow_everything"] = json!(true);
    cases.push((unknown, 400, "invalid_field"));
    let mut wrong_type = default_policy();
    wrong_type["allow_credentials"] = json!("yes");
    cases.push((wrong_type, 400, "invalid_field"));
    let mut missing = default_policy();
    missing.as_object_mut().unwrap().remove("allow_origin");
    cases.push((missing, 400, "invalid_field"));
    let mut bad_mode = default_policy();
    bad_mode["allow_origin"] = json!({"mode": "everyone"});
    cases.push((bad_mode, 400, "invalid_field"));
    let mut trailing_slash = default_policy();
    trailing_slash["allow_origin"]["origins"] = json!(["http://localhost:8080/"]);
    cases.push((trailing_slash, 422, "invalid_policy"));
    let mut bad_method = default_policy();
    bad_method["allow_methods"] = json!(["GET POST"]);
    cases.push((bad_method, 422, "invalid_policy"));
    let mut mixed_star = default_policy();
    mixed_star["allow_headers"] = json!(["*", "X-Custom"]);
    cases.push((mixed_star, 422, "invalid_policy"));
    for (body, status, code) in cases {
        assert_error(app.put_policy(&body).await, status, code);
    }
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(70 * 1024));
    assert_error(raw(huge, "application/json").await, 413, "body_too_large");

    assert_eq!(app.policy().await, kept, "no bad request changed the policy");
}

#[tokio::test]
async fn reset_restores_the_default_policy_and_empties_the_log() {
    let app = test_app();
    let mut policy = default_policy();
    policy["enabled"] = json!(false);
    app.put_policy(&policy).await;
    app.request(Method::GET, "/api/profile", &[]).await;
    assert_eq!(app.log().await.len(), 1);

    let response = app.reset().await;
    assert_eq!(response.status(), 204);
    assert_eq!(app.policy().await, default_policy());
    assert!(app.log().await.is_empty());
}

#[tokio::test]
async fn log_after_returns_only_newer_entries_and_refuses_a_bad_seq() {
    let app = test_app();
    for _ in 0..3 {
        app.request(Method::GET, "/api/profile?rid=abc", &[]).await;
    }
    let all = app.log().await;
    let seqs: Vec<u64> = all.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs.len(), 3);
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first: {seqs:?}");
    let newer: Vec<Value> = app.get(&format!("/control/log?after={}", seqs[0])).send().await.json();
    assert_eq!(newer.len(), 2);
    assert_eq!(newer[0]["rid"], "abc");
    let bad = app.get("/control/log?after=-1").send().await;
    assert_error(bad, 400, "invalid_query");
}

#[tokio::test]
async fn the_log_is_read_in_pages_and_by_request_id() {
    let app = test_app();
    for rid in ["a", "b", "a", "c"] {
        app.request(Method::GET, &format!("/api/profile?rid={rid}"), &[]).await;
    }
    let get = |query: String| app.get(&format!("/control/log?{query}")).send();
    let page: Vec<Value> = get("limit=2".into()).await.json();
    assert_eq!(page.iter().map(|e| e["rid"].as_str().unwrap()).collect::<Vec<_>>(), ["a", "b"], "the oldest first");
    let next: Vec<Value> = get(format!("limit=2&after={}", page[1]["seq"])).await.json();
    assert_eq!(next.iter().map(|e| e["rid"].as_str().unwrap()).collect::<Vec<_>>(), ["a", "c"]);
    let of_a: Vec<Value> = get("rid=a".into()).await.json();
    assert_eq!(of_a.len(), 2);
    for bad in ["limit=0", "limit=201", "limit=x"] {
        assert_error(get(bad.into()).await, 400, "invalid_query");
    }
}

#[tokio::test]
async fn control_plane_answers_cors_for_the_frontend_origins_only_whatever_the_lab_policy() {
    let app = test_app();
    let mut policy = default_policy();
    policy["enabled"] = json!(false);
    app.put_policy(&policy).await;

    for origin in [FRONT, "http://127.0.0.1:8080"] {
        let pre = app.preflight("/control/cors", origin, "PUT", Some("content-type")).await;
        assert!(pre.status().is_success(), "{origin}: {}", pre.status());
        assert_eq!(header(pre.headers(), "access-control-allow-origin"), Some(origin));
        let get = app.request(Method::GET, "/control/cors", &[("Origin", origin)]).await;
        assert_eq!(header(get.headers(), "access-control-allow-origin"), Some(origin));
    }
    let evil = app.request(Method::GET, "/control/cors", &[("Origin", "http://evil.example")]).await;
    assert!(cors_headers(evil.headers()).is_empty(), "{:?}", evil.headers());
}
