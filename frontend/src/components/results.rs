//! Each request's three views side by side (the browser's, the server's, why) and its
//! sequence diagram. The newest request is `#latest`.

use leptos::prelude::*;
use shared::wire::LogEntry;

use crate::{
    app::page_origin,
    diagram::{Diagram, diagram},
    lab::{Lab, Probe},
    outcome::{BrowserView, explain},
};

#[component]
pub fn Results() -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <section class="panel" id="results" aria-labelledby="results-title" aria-live="polite">
            <h2 id="results-title">"4. What happened"</h2>
            {move || {
                let probes = lab.probes.get();
                if probes.is_empty() {
                    return view! { <p>"Send a request (above, or from the auth lab) to see both sides of it here."</p> }.into_any();
                }
                probes
                    .into_iter()
                    .enumerate()
                    .map(|(i, probe)| {
                        let id = if i == 0 { "latest" } else { "" };
                        let entries = lab.entries_for(&probe);
                        let cached = lab.cached_for(&probe.rid, probe.sent_at_ms);
                        let title = format!("#{} {}: {} {}", probe.id, probe.label, probe.request.method, probe.request.path);
                        let probe_id = probe.id.to_string();
                        view! {
                            <details id=id class="probe" data-probe=probe_id open=i == 0>
                                <summary>{title}</summary>
                                <ProbeResult probe=probe entries=entries cached_for=cached/>
                            </details>
                        }
                        .into_any()
                    })
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
}

/// The three views of one request: browser, server, explanation, and the diagram.
#[component]
pub fn ProbeResult(
    probe: Probe,
    /// The server's log entries for this request.
    entries: Vec<LogEntry>,
    /// Seconds left of a preflight the browser cached for this URL, if any.
    cached_for: Option<u64>,
) -> impl IntoView {
    let Some(browser) = probe.browser.clone() else {
        return view! { <p class="pending" data-rid=probe.rid.clone()>"Sending…"</p> }.into_any();
    };
    let request = probe.request.browser_request(&page_origin(), probe.token.as_deref());
    let explanation = explain(&request, &browser, &entries, cached_for);
    let needs_preflight = !shared::cors::browser::preflight_reasons(&request).is_empty();
    let picture = diagram(&browser, &entries, needs_preflight);
    let (state, body, headers) = match &browser {
        BrowserView::Response { body, headers, .. } => ("read", body.clone(), headers.clone()),
        BrowserView::NetworkError(_) => (
            "blocked",
            "The page got no status, no headers, no body: only this error. Open DevTools' network tab to see the request and the reason.".to_owned(),
            vec![],
        ),
    };
    let readable = headers.iter().map(|(n, v)| header_item(n, v)).collect_view();
    view! {
        <div class="views" data-rid=probe.rid.clone()>
            <div class="view browser-view" data-state=state>
                <h3>"What the page could read"</h3>
                <p class="headline">{browser.headline()}</p>
                <pre>{body}</pre>
                <p class="small">"Response headers JavaScript can see:"</p>
                <ul class="small">{readable}</ul>
            </div>
            <div class="view server-view">
                <h3>"What the server received and sent"</h3>
                <ServerView entries=entries/>
            </div>
            <div class="view explanation">
                <h3>"Why"</h3>
                <p class="preflight-note">{explanation.preflight}</p>
                <p class="summary">{explanation.summary}</p>
                {explanation.fix.map(|fix| view! { <p class="fix">{format!("Fix on the server: {fix}")}</p> }.into_any())}
            </div>
        </div>
        <SequenceDiagram picture/>
    }
    .into_any()
}

/// One header as `name: value`, in the browser's list and in the server's.
fn header_item(name: &str, value: &str) -> AnyView {
    view! { <li><code>{format!("{name}: {value}")}</code></li> }.into_any()
}

/// The entries of one request (preflight and/or actual), oldest first.
#[component]
pub fn ServerView(entries: Vec<LogEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p>"No entry (yet) in the server's log for this request."</p> }.into_any();
    }
    entries
        .into_iter()
        .map(|e| {
            let kind = if e.preflight { "preflight" } else { "request" };
            let headers = e
                .response_headers
                .iter()
                .map(|(name, value)| header_item(name, value))
                .collect_view();
            view! {
                <article class="log-entry" data-preflight=e.preflight.to_string()>
                    <h4>{format!("#{} {kind}: {} {} → {}", e.seq, e.method, e.path, e.status)}</h4>
                    <p>"Origin: " <code>{e.origin.unwrap_or_else(|| "(none)".to_owned())}</code></p>
                    <p>{format!("Cookie: {}; Authorization: {}", e.credentials.cookie, e.credentials.authorization)}</p>
                    <p class="cors-reason">{format!("CORS: {}", e.cors)}</p>
                    <p class="auth-outcome">{format!("Auth: {}", e.auth)}</p>
                    <p>"Headers sent back:"</p>
                    <ul>{headers}</ul>
                </article>
            }
            .into_any()
        })
        .collect_view()
        .into_any()
}

const BROWSER_X: i32 = 70;
const SERVER_X: i32 = 330;
const ROW: i32 = 34;

/// Browser and server as two lanes, one arrow per message, a cross where the browser stopped.
#[component]
fn SequenceDiagram(picture: Diagram) -> impl IntoView {
    let height = 40 + ROW * picture.arrows.len() as i32 + 30;
    let arrows = picture
        .arrows
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let y = 50 + ROW * i as i32;
            let (x1, x2) = if a.to_server { (BROWSER_X, SERVER_X) } else { (SERVER_X, BROWSER_X) };
            view! {
                <line x1=x1 y1=y x2=x2 y2=y class="arrow" class:cached=a.cached marker-end="url(#head)"/>
                <text x=(BROWSER_X + SERVER_X) / 2 y=y - 6 text-anchor="middle">{a.label.clone()}</text>
            }
            .into_any()
        })
        .collect_view();
    let stop = picture.stop.map(|(i, text)| {
        let y = 50 + ROW * i as i32 + 16;
        view! {
            <text x=BROWSER_X - 8 y=y + 4 class="stop" text-anchor="end">"✕"</text>
            <text x=BROWSER_X + 6 y=y + 4 class="stop">{text}</text>
        }
        .into_any()
    });
    let label = if picture.arrows.is_empty() { "No message reached the server." } else { "Sequence of messages" };
    view! {
        <svg class="sequence" viewBox=format!("0 0 400 {height}") role="img" aria-label=label>
            <defs>
                <marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z"/>
                </marker>
            </defs>
            <text x=BROWSER_X y=18 text-anchor="middle" class="lane">"Browser"</text>
            <text x=SERVER_X y=18 text-anchor="middle" class="lane">"Server"</text>
            <line x1=BROWSER_X y1=26 x2=BROWSER_X y2=height - 8 class="lifeline"/>
            <line x1=SERVER_X y1=26 x2=SERVER_X y2=height - 8 class="lifeline"/>
            {arrows}
            {stop}
        </svg>
    }
}
