//! The scaling lab's real HAProxy without a browser: what it passes through, what it adds, and
//! the control plane's relay to its runtime API. (The browser's side: `tests/browser/scaling_ui.rs`.)

use e2e::{ScaleLab, Store};
use reqwest::{Client, Method, Response, header::HeaderMap};
use serde_json::{Value, json};

/// A client that keeps no cookies: each test says which ones it sends.
fn client() -> Client {
    Client::new()
}

async fn send(method: Method, url: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = client().request(method, url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap_or_else(|e| panic!("{url}: {e}"))
}

fn instance(response: &Response) -> String {
    response.headers().get("x-instance").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The answer's headers that HAProxy could have added or changed: all but the ones that
/// differ between any two answers (`date`) or name the instance.
fn comparable(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut kept: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-instance"))
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or("(not text)").to_owned()))
        .collect();
    kept.sort();
    kept
}

async fn balancer_state(lab: &ScaleLab) -> Value {
    let response = client().get(format!("{}/control/balancer", lab.a.api)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn switch(lab: &ScaleLab, name: &str, enabled: bool) -> Response {
    client().put(format!("{}/control/balancer/servers/{name}", lab.a.api)).json(&json!({"enabled": enabled})).send().await.unwrap()
}

#[tokio::test]
async fn haproxy_passes_the_instances_headers_through_and_adds_no_cors_of_its_own() {
    let lab = ScaleLab::start(Store::Memory).await;
    let origin = lab.frontend.origin.clone();
    let none = json!({"enabled": true, "allow_origin": {"mode": "none"}, "allow_credentials": false,
        "allow_methods": ["GET"], "allow_headers": [], "expose_headers": [], "max_age": null});
    let preflight = [("Origin", origin.as_str()), ("Access-Control-Request-Method", "GET"), ("Access-Control-Request-Headers", "authorization")];
    let get = [("Origin", origin.as_str())];
    for (name, policy) in [("the lab's policy", lab.policy_exposing_the_instance()), ("a policy that allows no origin", none)] {
        lab.set_policy_everywhere(&policy).await;
        for (what, method, headers) in [("preflight", Method::OPTIONS, &preflight[..]), ("GET", Method::GET, &get[..])] {
            let direct = send(method.clone(), &format!("{}/api/profile", lab.a.api), headers).await;
            for way in [&lab.round_robin, &lab.sticky] {
                let through = send(method.clone(), &format!("{way}/api/profile"), headers).await;
                assert_eq!(through.status(), direct.status(), "{what} through {way} with {name}");
                let mut added = comparable(through.headers());
                // The sticky way's one header of its own: the cookie that pins the client.
                added.retain(|(n, v)| !(way == &lab.sticky && n == "set-cookie" && v.starts_with("SERVERID=")));
                assert_eq!(added, comparable(direct.headers()), "{what} through {way} with {name}");
            }
        }
    }
}

#[tokio::test]
async fn the_sticky_way_pins_a_client_by_its_serverid_cookie_and_keeps_the_cookie_from_the_instances() {
    let lab = ScaleLab::start(Store::Memory).await;
    let first = send(Method::GET, &format!("{}/api/profile", lab.sticky), &[]).await;
    let pinned = instance(&first);
    let cookie = first.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cookie.starts_with(&format!("SERVERID={pinned};")), "{cookie}");
    let serverid = cookie.split(';').next().unwrap_or_default().to_owned();
    for _ in 0..4 {
        let again = send(Method::GET, &format!("{}/api/profile", lab.sticky), &[("Cookie", &serverid)]).await;
        assert_eq!(instance(&again), pinned);
        assert!(again.headers().get("set-cookie").is_none(), "a pinned client gets no new cookie");
    }
    // `indirect`: HAProxy takes its cookie off the request; the instance never sees it.
    let server = if pinned == "A" { &lab.a } else { &lab.b };
    let log: Vec<Value> = client().get(format!("{}/control/log", server.api)).send().await.unwrap().json().await.unwrap();
    assert!(log.len() >= 5, "{log:?}");
    assert!(log.iter().all(|e| e["credentials"]["cookies"].as_array().is_some_and(Vec::is_empty)), "{log:?}");
}

#[tokio::test]
async fn the_control_plane_on_the_balanced_address_is_the_first_instance_even_while_it_is_disabled() {
    let lab = ScaleLab::start(Store::Memory).await;
    let info: Value = client().get(format!("{}/control/instance", lab.round_robin)).send().await.unwrap().json().await.unwrap();
    assert_eq!(info["name"], "A");
    assert_eq!(info["peers"], json!([lab.b.api]));
    assert_eq!(info["balancer"], json!({"round_robin": lab.round_robin, "sticky": lab.sticky, "admin": true}));

    assert_eq!(switch(&lab, "A", false).await.status(), 200);
    for _ in 0..4 {
        let lab_request = send(Method::GET, &format!("{}/api/profile", lab.round_robin), &[]).await;
        assert_eq!(instance(&lab_request), "B");
        let control = send(Method::GET, &format!("{}/control/instance", lab.round_robin), &[]).await;
        assert_eq!(instance(&control), "A");
    }
}

#[tokio::test]
async fn a_switch_takes_an_instance_out_of_both_ways_and_back() {
    let lab = ScaleLab::start(Store::Memory).await;
    let both = json!({"servers": [{"name": "A", "enabled": true, "up": true}, {"name": "B", "enabled": true, "up": true}]});
    assert_eq!(balancer_state(&lab).await, both);

    let stopped: Value = switch(&lab, "B", false).await.json().await.unwrap();
    assert_eq!(stopped, json!({"servers": [{"name": "A", "enabled": true, "up": true}, {"name": "B", "enabled": false, "up": false}]}));
    for way in [&lab.round_robin, &lab.sticky, &lab.round_robin] {
        assert_eq!(instance(&send(Method::GET, &format!("{way}/api/profile"), &[]).await), "A", "through {way}");
    }
    // A client pinned to B goes to A while B is stopped.
    let pinned = send(Method::GET, &format!("{}/api/profile", lab.sticky), &[("Cookie", "SERVERID=B")]).await;
    assert_eq!(instance(&pinned), "A");

    let started: Value = switch(&lab, "B", true).await.json().await.unwrap();
    assert_eq!(started, both);
    let answered: Vec<String> = {
        let mut names = Vec::new();
        for _ in 0..2 {
            names.push(instance(&send(Method::GET, &format!("{}/api/profile", lab.round_robin), &[]).await));
        }
        names.sort();
        names
    };
    assert_eq!(answered, ["A", "B"]);
}

#[tokio::test]
async fn an_unknown_instance_is_404_and_changes_nothing() {
    let lab = ScaleLab::start(Store::Memory).await;
    let response = switch(&lab, "C", false).await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "unknown_server");
    let state = balancer_state(&lab).await;
    assert!(state["servers"].as_array().unwrap().iter().all(|s| s["enabled"] == true), "{state}");
}

#[tokio::test]
async fn with_haproxy_gone_the_relay_is_503_and_the_instances_still_answer() {
    let mut lab = ScaleLab::start(Store::Memory).await;
    lab.haproxy.stop();
    for response in [client().get(format!("{}/control/balancer", lab.b.api)).send().await.unwrap(), switch(&lab, "A", false).await] {
        assert_eq!(response.status(), 503);
        assert_eq!(response.json::<Value>().await.unwrap()["error"], "balancer_unavailable");
    }
    assert_eq!(instance(&send(Method::GET, &format!("{}/api/profile", lab.b.api), &[]).await), "B");
}
