//! Component tests in real headless Chromium (wasm-bindgen-test): each mounts one view with
//! known data and reads the DOM the way a person would see it.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use frontend::{components::results::ProbeResult, lab::Probe, lab_request::LabRequest, outcome::BrowserView};
use leptos::prelude::*;
use shared::wire::{Credentials, LogEntry};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn entry(status: u16, cors: &str, acao: Option<&str>) -> LogEntry {
    let mut response_headers = BTreeMap::new();
    if let Some(value) = acao {
        response_headers.insert("access-control-allow-origin".to_owned(), value.to_owned());
    }
    LogEntry {
        seq: 7,
        at: "2026-11-24T18:00:00.123Z".into(),
        rid: Some("r1".into()),
        method: "GET".into(),
        path: "/api/profile".into(),
        origin: Some("http://localhost:8080".into()),
        preflight: false,
        request_headers: BTreeMap::new(),
        credentials: Credentials { cookie: "none".into(), authorization: "none".into() },
        status,
        response_headers,
        cors: cors.into(),
        auth: "refused: no_credentials".into(),
    }
}

fn probe(browser: BrowserView) -> Probe {
    Probe {
        id: 1,
        label: "test".into(),
        rid: "r1".into(),
        request: LabRequest::default(),
        token: None,
        after_seq: 0,
        sent_at_ms: 0.0,
        browser: Some(browser),
        remote_entries: None,
    }
}

/// Mounts one request's views into a fresh element and returns that element.
fn mount(browser: BrowserView, entries: Vec<LogEntry>) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let parent: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&parent).unwrap();
    let probe = probe(browser);
    let handle = leptos::mount::mount_to(parent.clone(), move || {
        view! { <ProbeResult probe=probe.clone() entries=entries.clone() cached_for=None/> }
    });
    handle.forget();
    parent
}

fn text(parent: &web_sys::HtmlElement, css: &str) -> String {
    parent.query_selector(css).unwrap().and_then(|e| e.text_content()).unwrap_or_default()
}

#[wasm_bindgen_test]
fn a_blocked_request_shows_the_opaque_error_beside_what_the_server_sent() {
    let parent = mount(
        BrowserView::NetworkError("TypeError: Failed to fetch".into()),
        vec![entry(401, "CORS is off: no CORS headers are sent, whatever the request", None)],
    );
    let browser = parent.query_selector(".browser-view").unwrap().unwrap();
    assert_eq!(browser.get_attribute("data-state").as_deref(), Some("blocked"));
    assert_eq!(text(&parent, ".browser-view .headline"), "TypeError: Failed to fetch");
    assert!(text(&parent, ".server-view").contains("#7 request: GET /api/profile → 401"));
    assert!(text(&parent, ".explanation").contains("no Access-Control-Allow-Origin"));
    assert!(text(&parent, "svg.sequence").contains("browser hides the answer"));
}

#[wasm_bindgen_test]
fn a_readable_answer_shows_status_body_and_the_headers_that_allowed_it() {
    let parent = mount(
        BrowserView::Response {
            status: 401,
            status_text: "Unauthorized".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: r#"{"error":"no_credentials"}"#.into(),
        },
        vec![entry(401, "allowed: origin is in the list", Some("http://localhost:8080"))],
    );
    assert_eq!(text(&parent, ".browser-view .headline"), "401 Unauthorized");
    assert!(text(&parent, ".browser-view pre").contains("no_credentials"));
    assert!(text(&parent, ".browser-view").contains("content-type: application/json"));
    assert!(text(&parent, ".server-view").contains("access-control-allow-origin: http://localhost:8080"));
    assert!(text(&parent, ".explanation").contains("let the page read the answer"));
}

#[wasm_bindgen_test]
fn nothing_in_the_log_is_said_in_words() {
    let parent = mount(BrowserView::NetworkError("TypeError: Failed to fetch".into()), vec![]);
    assert!(text(&parent, ".server-view").contains("No entry (yet)"));
    assert!(text(&parent, ".explanation").contains("Nothing reached the server"));
}
