//! Who may use the control plane, route by route through `app(state)` with `oneshot` (the
//! startup checks through `startup::bind`): another site's page may not read it, the token's
//! query form opens the event stream alone, wrong tokens cost a peer its tries, and a token
//! beyond loopback is long and comes from the environment or a file.

use std::{net::SocketAddr, sync::Arc};

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{HeaderMap, Request, StatusCode, header},
};
use backend::{AppState, Config, app, sessions::memory::MemoryStore, startup};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::helpers::FRONT;

const TOKEN: &str = "a-control-token-of-128-random-bits";

fn state_with(args: &[&str]) -> AppState {
    let config = Config::from_args([&["backend", "--frontend-origin", FRONT][..], args].concat())
        .expect("flags");
    AppState::new(
        config,
        Arc::new(MemoryStore::new(100)),
        "a-test-secret-that-is-long-enough-0123".into(),
        "127.0.0.1:3001".parse().unwrap(),
    )
    .expect("state")
}

/// A request to the control plane from `peer`, with `headers`.
fn request(path: &str, peer: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut req = Request::builder()
        .uri(path)
        .header(header::HOST, "localhost:3000");
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let mut req = req.body(Body::empty()).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    req
}

async fn send(state: &AppState, req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = app(state.clone()).oneshot(req).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

const PEER: &str = "192.0.2.1:50000";

#[tokio::test]
async fn another_sites_page_cannot_read_the_control_plane() {
    let state = state_with(&[]);
    for (site, origin) in [
        ("cross-site", None),
        ("same-site", None),
        ("cross-site", Some("http://evil.example")),
        ("same-site", Some("http://localhost:3001")),
    ] {
        let mut headers = vec![("sec-fetch-site", site)];
        headers.extend(origin.map(|o| ("origin", o)));
        // (The event stream is refused before it starts, so its answer ends.)
        for path in ["/control/log", "/control/jwt", "/control/events"] {
            let (status, _, body) = send(&state, request(path, PEER, &headers)).await;
            assert_eq!(
                (status.as_u16(), body["error"].as_str()),
                (403, Some("origin_refused")),
                "{path} {headers:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_playgrounds_own_page_and_tools_still_read_it() {
    let state = state_with(&[]);
    for headers in [
        vec![("sec-fetch-site", "same-site"), ("origin", FRONT)],
        vec![("sec-fetch-site", "same-origin")],
        vec![("sec-fetch-site", "none")],
        vec![],
    ] {
        let (status, _, _) = send(&state, request("/control/log", PEER, &headers)).await;
        assert_eq!(status, 200, "{headers:?}");
    }
}

#[tokio::test]
async fn control_answers_are_never_sniffed() {
    let state = state_with(&[]);
    for headers in [vec![], vec![("sec-fetch-site", "cross-site")]] {
        let (_, answer, _) = send(&state, request("/control/cors", PEER, &headers)).await;
        assert_eq!(
            answer
                .get(header::X_CONTENT_TYPE_OPTIONS)
                .map(|v| v.as_bytes()),
            Some(&b"nosniff"[..]),
            "{headers:?}"
        );
    }
}

#[tokio::test]
async fn the_token_in_the_query_opens_the_event_stream_only() {
    let state = state_with(&["--control-token", TOKEN]);
    let query = format!("?token={TOKEN}");
    for path in ["/control/jwt", "/control/log", "/control/sessions"] {
        let (status, _, body) = send(&state, request(&format!("{path}{query}"), PEER, &[])).await;
        assert_eq!(
            (status.as_u16(), body["error"].as_str()),
            (401, Some("control_token_required")),
            "{path}"
        );
        let (status, _, _) = send(
            &state,
            request(path, PEER, &[("x-playground-token", TOKEN)]),
        )
        .await;
        assert_eq!(status, 200, "{path} with the header");
    }
    // The stream never ends: its status is the answer.
    let stream = app(state.clone())
        .oneshot(request(&format!("/control/events{query}"), PEER, &[]))
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
}

#[tokio::test]
async fn wrong_tokens_cost_that_peer_its_tries() {
    let state = state_with(&["--control-token", TOKEN]);
    let wrong = [("x-playground-token", "a-guess")];
    for _ in 0..backend::auth::throttle::MAX_FAILURES {
        let (status, _, _) = send(&state, request("/control/jwt", PEER, &wrong)).await;
        assert_eq!(status, 401);
    }
    // Now even the right token is not compared for this peer; another peer is not affected.
    let (status, headers, body) = send(
        &state,
        request("/control/jwt", PEER, &[("x-playground-token", TOKEN)]),
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (429, Some("too_many_attempts"))
    );
    assert!(headers.contains_key(header::RETRY_AFTER));
    let (status, _, _) = send(
        &state,
        request(
            "/control/jwt",
            "192.0.2.2:50000",
            &[("x-playground-token", TOKEN)],
        ),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn no_token_at_all_is_not_counted_as_a_guess() {
    let state = state_with(&["--control-token", TOKEN]);
    for _ in 0..3 * backend::auth::throttle::MAX_FAILURES {
        assert_eq!(
            send(&state, request("/control/jwt", PEER, &[])).await.0,
            401
        );
    }
    assert_eq!(
        send(
            &state,
            request("/control/jwt", PEER, &[("x-playground-token", TOKEN)])
        )
        .await
        .0,
        200
    );
}

fn beyond_loopback(extra: &[&str]) -> Config {
    Config::from_args(
        [
            &[
                "backend",
                "--api-addr",
                "0.0.0.0:0",
                "--site-addr",
                "127.0.0.1:0",
            ][..],
            extra,
        ]
        .concat(),
    )
    .expect("flags")
}

#[tokio::test]
async fn a_short_control_token_is_refused_beyond_loopback() {
    let refused = startup::bind(beyond_loopback(&["--control-token", "x"]))
        .await
        .err()
        .expect("refused to start");
    assert!(refused.to_string().contains("at least 22"), "{refused}");
    // On loopback a short token is the person's own business.
    let config = Config::from_args([
        "backend",
        "--api-addr",
        "127.0.0.1:0",
        "--site-addr",
        "127.0.0.1:0",
        "--control-token",
        "x",
    ])
    .unwrap();
    assert!(startup::bind(config).await.is_ok());
}

#[tokio::test]
async fn the_control_token_can_come_from_a_file() {
    let dir = xtask::haproxy::AdminSocket::create().unwrap();
    let file = dir.dir().join("token");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    let bound = startup::bind(beyond_loopback(&[
        "--control-token-file",
        file.to_str().unwrap(),
    ]))
    .await
    .expect("starts");
    assert_eq!(
        bound.state().config().control_token.as_deref(),
        Some(TOKEN),
        "read without the newline"
    );

    std::fs::write(&file, "\n").unwrap();
    let refused = startup::bind(beyond_loopback(&[
        "--control-token-file",
        file.to_str().unwrap(),
    ]))
    .await
    .err()
    .expect("refused");
    assert!(refused.to_string().contains("is empty"), "{refused}");
    let missing = dir.dir().join("nothing");
    let refused = startup::bind(beyond_loopback(&[
        "--control-token-file",
        missing.to_str().unwrap(),
    ]))
    .await
    .err()
    .expect("refused");
    assert!(
        refused.to_string().contains("--control-token-file"),
        "{refused}"
    );
}

#[test]
fn secrets_on_the_command_line_are_warned_about_beyond_loopback() {
    let argv = beyond_loopback(&[
        "--control-token",
        TOKEN,
        "--jwt-secret",
        "s",
        "--session-store",
        "redis://:pw@127.0.0.1:6379/0",
    ]);
    let warnings = startup::warnings(&argv);
    for flag in ["--control-token", "--jwt-secret", "--session-store"] {
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(flag) && w.contains("process list")),
            "{flag}: {warnings:?}"
        );
    }
    // A Redis URL without a password: nothing to say.
    let quiet = beyond_loopback(&["--session-store", "redis://127.0.0.1:6379/0"]);
    assert!(
        startup::warnings(&quiet).is_empty(),
        "{:?}",
        startup::warnings(&quiet)
    );
    let on_loopback = Config::from_args(["backend", "--control-token", TOKEN]).unwrap();
    assert!(startup::warnings(&on_loopback).is_empty());
}
