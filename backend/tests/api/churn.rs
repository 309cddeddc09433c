//! Load with policy churn: mixed requests at concurrency 64 while the policy flips between two
//! versions. No 5xx, and no response mixes the two policies.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use reqwest::{Client, Method};
use serde_json::json;

use crate::helpers::{FRONT, default_policy, spawn_app};

const CONCURRENCY: usize = 64;

/// Test-sized by default; `cargo xtask bench` runs it with 100,000 requests and 1,000 changes.
fn sizes() -> (usize, usize) {
    let var = |name, default| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    (var("PLAYGROUND_CHURN_REQUESTS", 5_000), var("PLAYGROUND_CHURN_POLICY_CHANGES", 100))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_load_with_policy_changes_never_mixes_two_policies() {
    let (requests, changes) = sizes();
    let app = spawn_app().await;
    // P1: the exact origin, credentials, GET/POST, exposes X-One.
    let mut p1 = default_policy();
    p1["expose_headers"] = json!(["X-One"]);
    // P2: reflected origins, no credentials, GET/PUT, exposes X-Two.
    let mut p2 = default_policy();
    p2["allow_origin"] = json!({"mode": "reflect"});
    p2["allow_credentials"] = json!(false);
    p2["allow_methods"] = json!(["GET", "PUT"]);
    p2["expose_headers"] = json!(["X-Two"]);

    let flipper = {
        let (client, url) = (app.client.clone(), format!("{}/control/cors", app.base));
        tokio::spawn(async move {
            for i in 0..changes {
                let body = if i % 2 == 0 { &p2 } else { &p1 };
                assert_eq!(client.put(&url).json(body).send().await.unwrap().status(), 200);
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        })
    };

    let next = Arc::new(AtomicUsize::new(0));
    let (server_errors, mixed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (client, base) = (Client::new(), app.base.clone());
            let (next, server_errors, mixed) = (next.clone(), server_errors.clone(), mixed.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= requests {
                        break;
                    }
                    let request = match i % 3 {
                        0 => client.get(format!("{base}/api/profile")).header("origin", FRONT),
                        1 => client
                            .request(Method::OPTIONS, format!("{base}/api/profile"))
                            .header("origin", FRONT)
                            .header("access-control-request-method", "GET"),
                        _ => client.post(format!("{base}/api/transfer")).header("origin", FRONT).header("content-type", "text/plain").body("{}"),
                    };
                    let response = request.send().await.unwrap();
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
    flipper.await.unwrap();
    assert_eq!(server_errors.load(Ordering::Relaxed), 0, "5xx answers");
    assert_eq!(mixed.load(Ordering::Relaxed), 0, "responses mixing two policies");
    assert_eq!(app.log().await.len(), 1000, "the log ring stays at its bound");
    println!("churn: {requests} requests at concurrency {CONCURRENCY}, {changes} policy changes: 0 5xx, 0 mixed");
}
