//! Load with policy churn: mixed requests at concurrency 64 while the policy flips between two
//! versions, through `test_app()` (the lab layer reads the policy, not the socket). No 5xx, and
//! no response mixes the two policies.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use axum::http::Method;
use serde_json::json;

use crate::helpers::{Client, FRONT, default_policy, test_app};

const CONCURRENCY: usize = 64;

/// Test-sized by default; `cargo xtask bench` runs it with 100,000 requests and 1,000 changes.
fn sizes() -> (usize, usize) {
    let var = |name, default| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    (var("PLAYGROUND_CHURN_REQUESTS", 5_000), var("PLAYGROUND_CHURN_POLICY_CHANGES", 100))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_load_with_policy_changes_never_mixes_two_policies() {
    let (requests, changes) = sizes();
    let app = test_app();
    // P1: the exact origin, credentials, GET/POST, exposes X-One.
    let mut p1 = default_policy();
    p1["expose_headers"] = json!(["X-One"]);
    // P2: reflected origins, no credentials, GET/PUT, exposes X-Two.
    let mut p2 = default_policy();
    p2["allow_origin"] = json!({"mode": "reflect"});
    p2["allow_credentials"] = json!(false);
    p2["allow_methods"] = json!(["GET", "PUT"]);
    p2["expose_headers"] = json!(["X-Two"]);
    let policies = Arc::new([p2, p1]);
    // Changes are spread over the requests by how far the load has got, not by the clock: every
    // `stride`-th request is preceded by one, while the other workers keep sending.
    let stride = (requests / changes.max(1)).max(1);

    let next = Arc::new(AtomicUsize::new(0));
    let (server_errors, mixed, changed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (app, policies) = (app.clone(), policies.clone());
            let (next, server_errors, mixed, changed) = (next.clone(), server_errors.clone(), mixed.clone(), changed.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= requests {
                        break;
                    }
                    if i % stride == 0 && i / stride < changes {
                        assert_eq!(app.put_policy(&policies[(i / stride) % 2]).await.status(), 200);
                        changed.fetch_add(1, Ordering::Relaxed);
                    }
                    let request = match i % 3 {
                        0 => app.get("/api/profile").header("origin", FRONT),
                        1 => app.req(Method::OPTIONS, "/api/profile").header("origin", FRONT).header("access-control-request-method", "GET"),
                        _ => app.post("/api/transfer").header("origin", FRONT).header("content-type", "text/plain").body("{}"),
                    };
                    let response = request.send().await;
                    if response.status().is_server_error() {
                        server_errors.fetch_add(1, Ordering::Relaxed);
                    }
                    let h = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
                    let credentials = h("access-control-allow-credentials").is_some();
                    let consistent = match (h("access-control-expose-headers"), h("access-control-allow-methods")) {
                        (Some(expose), _) => (expose == "X-One") == credentials,
                        (None, Some(methods)) => (methods == "GET, POST") == credentials,
                        (None, None) => true,
                    };
                    if !consistent {
                        mixed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    assert_eq!(changed.load(Ordering::Relaxed), changes.min(requests), "policy changes made");
    assert_eq!(server_errors.load(Ordering::Relaxed), 0, "5xx answers");
    assert_eq!(mixed.load(Ordering::Relaxed), 0, "responses mixing two policies");
    assert_eq!(app.log().await.len(), 1000, "the log ring stays at its bound");
    println!("churn: {requests} requests at concurrency {CONCURRENCY}, {changes} policy changes: 0 5xx, 0 mixed");
}
