//! The JSON error shape on unknown routes and methods.

use axum::http::Method;

use crate::helpers::{assert_error, test_app};

#[tokio::test]
async fn unknown_routes_and_methods_answer_json_errors() {
    let app = test_app();
    assert_error(app.request(Method::GET, "/nowhere", &[]).await, 404, "not_found");
    assert_error(app.request(Method::GET, "/api/nowhere", &[]).await, 404, "not_found");
    assert_error(app.request(Method::GET, "/control/nowhere", &[]).await, 404, "not_found");
    assert_error(app.request(Method::DELETE, "/api/profile", &[]).await, 405, "method_not_allowed");
    assert_error(app.request(Method::DELETE, "/control/cors", &[]).await, 405, "method_not_allowed");
    // The lab's 405 says which methods the route answers (RFC 9110 §15.5.6).
    let wrong = app.request(Method::GET, "/api/login", &[]).await;
    assert_eq!(wrong.headers().get("allow").map(|v| v.to_str().unwrap().to_owned()).as_deref(), Some("POST"));
    assert_error(wrong, 405, "method_not_allowed");
    let head = app.request(Method::HEAD, "/api/profile", &[]).await;
    assert_eq!(head.status(), 401, "HEAD is answered like GET");
}

#[tokio::test]
async fn profile_without_credentials_is_401_no_credentials() {
    let app = test_app();
    assert_error(app.request(Method::GET, "/api/profile", &[]).await, 401, "no_credentials");
}
