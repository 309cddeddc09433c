//! `/control/events`: the request log as Server-Sent Events, read over a socket because a stream
//! and its connection's timeouts are what is tested; the requests that make entries need none.

use std::time::Duration;

use axum::http::Method;
use futures_util::StreamExt;
use serde_json::Value;

use crate::helpers::{spawn_app, spawn_app_with};

/// Reads SSE `data:` lines until `n` events arrived.
async fn read_events(response: reqwest::Response, n: usize) -> Vec<(String, Value)> {
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let mut events = Vec::new();
    while events.len() < n {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.next()).await.expect("an event in time").unwrap().unwrap();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let id = block.lines().find_map(|l| l.strip_prefix("id:")).map(|s| s.trim().to_owned());
            let data = block.lines().find_map(|l| l.strip_prefix("data:")).map(|s| s.trim().to_owned());
            if let (Some(id), Some(data)) = (id, data) {
                events.push((id, serde_json::from_str(&data).unwrap()));
            }
        }
    }
    events
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
