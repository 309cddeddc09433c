//! `tower_http::cors::CorsLayer` as an oracle: where its model and ours agree, the same
//! requests must get the same `Access-Control-*` headers.

use axum::{Router, body::Body, http::{HeaderValue, Method, Request}, routing::get};
use serde_json::json;
use tower::ServiceExt;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::helpers::{FRONT, HOST, default_policy, test_app};

async fn oracle_headers(layer: CorsLayer, req: Request<Body>) -> Vec<(String, String)> {
    let app = Router::new().route("/api/profile", get(|| async { "x" })).layer(layer);
    let response = app.oneshot(req).await.unwrap();
    cors_pairs(response.headers())
}

/// `Access-Control-*` pairs, sorted, with list values normalised: header names in
/// Allow/Expose-Headers are case-insensitive, and list spacing is free.
fn cors_pairs(headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| n.as_str().starts_with("access-control-"))
        .map(|(n, v)| {
            let items: Vec<String> = v.to_str().unwrap().split(',').map(|i| i.trim().to_owned()).collect();
            let value = items.join(", ");
            let value = if n.as_str().ends_with("-headers") { value.to_ascii_lowercase() } else { value };
            (n.as_str().to_owned(), value)
        })
        .collect();
    pairs.sort();
    pairs
}

fn request(method: &str, origin: &str, acrm: Option<&str>, acrh: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().method(method).uri("/api/profile").header("host", HOST).header("origin", origin);
    if let Some(m) = acrm {
        b = b.header("access-control-request-method", m);
    }
    if let Some(h) = acrh {
        b = b.header("access-control-request-headers", h);
    }
    b.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn our_engine_sends_what_tower_http_sends_where_the_models_agree() {
    let app = test_app();
    let list = CorsLayer::new()
        .allow_origin(AllowOrigin::list([HeaderValue::from_static(FRONT)]))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([axum::http::header::CONTENT_TYPE, axum::http::header::AUTHORIZATION]);
    let any = CorsLayer::new().allow_origin(tower_http::cors::Any).allow_methods([Method::GET, Method::POST]).max_age(std::time::Duration::from_secs(600));

    let mut any_policy = default_policy();
    any_policy["allow_origin"] = json!({"mode": "any"});
    any_policy["allow_credentials"] = json!(false);
    any_policy["allow_headers"] = json!([]);
    any_policy["max_age"] = json!(600);

    let cases = [
        (default_policy(), list.clone(), ("GET", FRONT, None, None)),
        (default_policy(), list.clone(), ("OPTIONS", FRONT, Some("POST"), Some("content-type"))),
        // Not compared: a refused origin. tower-http still sends Allow-Credentials then;
        // API.md sends no CORS header at all to an origin it refuses.
        (default_policy(), list, ("POST", FRONT, None, None)),
        (any_policy.clone(), any.clone(), ("GET", "http://evil.example", None, None)),
        (any_policy, any, ("OPTIONS", "http://evil.example", Some("GET"), None)),
    ];
    for (policy, layer, (method, origin, acrm, acrh)) in cases {
        assert_eq!(app.put_policy(&policy).await.status(), 200);
        let expected = oracle_headers(layer, request(method, origin, acrm, acrh)).await;
        let response = app.call(request(method, origin, acrm, acrh)).await;
        let got = cors_pairs(response.headers());
        assert_eq!(got, expected, "{method} from {origin} under {policy}");
    }
}
