//! `/control/events`: the request log as Server-Sent Events, read over a socket because a stream
//! and its connection's timeouts are what is tested; the requests that make entries need none.

use std::time::Duration;

use axum::http::Method;
use futures_util::StreamExt;
use serde_json::Value;

use crate::helpers::{default_policy, spawn_app, spawn_app_with};

/// One event of the stream: its `event:` name (`message` when none), `id` and `data`.
struct Sent {
    name: String,
    id: Option<String>,
    data: Value,
}

/// Reads the stream until `n` events arrived.
async fn read_sent(response: reqwest::Response, n: usize) -> Vec<Sent> {
    read_until(response, |sent| sent.len() >= n).await
}

/// Reads events until `done` holds for those read so far.
async fn read_until(response: reqwest::Response, done: impl Fn(&[Sent]) -> bool) -> Vec<Sent> {
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let mut events = Vec::new();
    while !done(&events) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.next()).await.expect("an event in time").unwrap().unwrap();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name)).map(|s| s.trim().to_owned());
            if let Some(data) = field("data:") {
                let name = field("event:").unwrap_or_else(|| "message".to_owned());
                events.push(Sent { name, id: field("id:"), data: serde_json::from_str(&data).unwrap() });
            }
        }
    }
    events
}

/// Reads log entries (`id`, entry) until `n` arrived.
async fn read_events(response: reqwest::Response, n: usize) -> Vec<(String, Value)> {
    read_sent(response, n).await.into_iter().map(|sent| (sent.id.expect("a log entry has an id"), sent.data)).collect()
}

#[tokio::test]
async fn new_log_entries_arrive_as_events_and_a_reconnect_gets_what_it_missed() {
    let served = spawn_app().await;
    let url = format!("{}/control/events", served.base);
    let live = served.client.get(&url).send().await.unwrap();
    assert_eq!(live.headers()["content-type"], "text/event-stream");
    served.app.request(Method::GET, "/api/profile?rid=first", &[]).await;
    served.app.request(Method::GET, "/api/profile?rid=second", &[]).await;
    let events = read_events(live, 2).await;
    assert_eq!(events[0].1["rid"], "first");
    assert_eq!(events[1].1["rid"], "second");
    assert_eq!(events[0].0, events[0].1["seq"].to_string());

    let resumed = served.client.get(&url).header("Last-Event-ID", &events[0].0).send().await.unwrap();
    let missed = read_events(resumed, 1).await;
    assert_eq!(missed[0].1["rid"], "second");
}

/// A stream is a response being sent, not a connection waiting for a head: the head timeout
/// leaves it alone.
#[tokio::test]
async fn an_event_stream_outlives_the_request_head_timeout() {
    let served = spawn_app_with(&["--header-timeout", "200ms"]).await;
    let live = served.client.get(format!("{}/control/events", served.base)).send().await.unwrap();
    served.head_timeout_passed().await;
    served.app.request(Method::GET, "/api/profile?rid=late", &[]).await;
    let events = read_events(live, 1).await;
    assert_eq!(events[0].1["rid"], "late");
}

/// A settings change reaches every open page: the stream sends all the settings, live.
#[tokio::test]
async fn a_settings_change_is_sent_to_every_open_stream() {
    let served = spawn_app().await;
    let url = format!("{}/control/events", served.base);
    let (first, second) = (served.client.get(&url).send().await.unwrap(), served.client.get(&url).send().await.unwrap());
    let mut policy = default_policy();
    policy["allow_methods"] = serde_json::json!(["GET", "POST", "PUT"]);
    assert_eq!(served.app.put_policy(&policy).await.status(), 200);
    for stream in [first, second] {
        let sent = read_sent(stream, 1).await.pop().unwrap();
        assert_eq!((sent.name.as_str(), sent.id), ("settings", None));
        assert_eq!(sent.data["policy"], policy);
        assert_eq!(sent.data["cookie"]["same_site"], "Lax");
        assert_eq!(sent.data["defenses"]["origin_check"], false);
        assert!(sent.data["jwt"]["ttl_seconds"].is_u64(), "{}", sent.data);
    }
}

#[tokio::test]
async fn a_challenge_start_is_announced_as_a_reset_and_a_challenge_to_every_open_page() {
    // Arrange: a page's stream is open
    let served = spawn_app().await;
    let live = served.client.get(format!("{}/control/events", served.base)).send().await.unwrap();

    // Act: another tab starts a challenge
    let start = served.client.post(format!("{}/control/challenge", served.base)).json(&serde_json::json!({"id": "trusted_null"})).send().await.unwrap();
    assert_eq!(start.status(), 200);

    // Assert: the stream tells of the reset and of the run (the settings changes come too, one
    // or two events: quick changes may come as one)
    let has = |sent: &[Sent], name: &str| sent.iter().any(|s| s.name == name);
    let sent = read_until(live, |sent| has(sent, "reset") && has(sent, "challenge")).await;
    let named = |name: &str| sent.iter().find(|s| s.name == name).map(|s| s.data.clone());
    assert_eq!(named("reset"), Some(serde_json::json!({})));
    assert_eq!(named("challenge").map(|d| d["run"]["id"].clone()), Some(Value::from("trusted_null")));
}
