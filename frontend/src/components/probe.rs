//! One lab request and its three views: the browser's, the server's, and why.

use leptos::{prelude::*, task::spawn_local};
use shared::wire::LogEntry;

use crate::{
    api::Api,
    components::server_view::ServerView,
    outcome::{BrowserView, explain},
};

/// One request as both sides saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub rid: String,
    pub browser: BrowserView,
    /// The log entries with this `rid`, or why they could not be fetched.
    pub server: Result<Vec<LogEntry>, String>,
}

/// A fresh request id: unique enough for one person's log, and free of characters that
/// would need escaping in a query string.
fn new_rid() -> String {
    format!("r{:x}{:04x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 65536.0) as u32)
}

#[component]
pub fn ProfileProbe() -> impl IntoView {
    let api = expect_context::<Api>();
    let (probe, set_probe) = signal(None::<Probe>);
    let (busy, set_busy) = signal(false);

    let send = move |_| {
        let api = api.clone();
        set_busy.set(true);
        spawn_local(async move {
            let rid = new_rid();
            let browser = api.lab_get("/api/profile", &rid).await;
            let server = api.log_for(&rid).await.map_err(|e| e.to_string());
            set_probe.set(Some(Probe { rid, browser, server }));
            set_busy.set(false);
        });
    };

    view! {
        <section class="panel" aria-labelledby="probe-title">
            <h2 id="probe-title">"Send a request"</h2>
            <p>
                <code>"fetch(api + \"/api/profile\", { credentials: \"include\" })"</code>
                " — a simple GET that sends cookies, so no preflight."
            </p>
            <button id="send-profile" on:click=send disabled=move || busy.get()>
                {move || if busy.get() { "Sending…" } else { "GET /api/profile" }}
            </button>
            {move || probe.get().map(|p| view! { <ProbeResult probe=p/> })}
        </section>
    }
}

/// The three views of one request side by side: browser, server, explanation.
#[component]
pub fn ProbeResult(probe: Probe) -> impl IntoView {
    let explanation = match &probe.server {
        Ok(entries) => explain(&probe.browser, entries),
        Err(e) => format!("The server's view could not be fetched: {e}"),
    };
    let (state, body) = match &probe.browser {
        BrowserView::Response { body, .. } => ("read", body.clone()),
        BrowserView::NetworkError(_) => (
            "blocked",
            "The page got no status, no headers, no body: only this error. Open DevTools' network tab to see the request and the reason.".to_owned(),
        ),
    };
    view! {
        <div class="views" data-rid=probe.rid.clone()>
            <div id="browser-view" class="view" data-state=state>
                <h3>"What the page could read"</h3>
                <p class="headline">{probe.browser.headline()}</p>
                <pre>{body}</pre>
            </div>
            <div id="server-view" class="view">
                <h3>"What the server received and sent"</h3>
                {match probe.server {
                    Ok(entries) => view! { <ServerView entries/> }.into_any(),
                    Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                }}
            </div>
            <div id="explanation" class="view">
                <h3>"Why"</h3>
                <p>{explanation}</p>
            </div>
        </div>
    }
}
