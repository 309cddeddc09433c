//! Each request's three views side by side (the browser's, the server's, why) and its
//! sequence diagram. The newest request is `#latest`.

use leptos::prelude::*;
use shared::wire::LogEntry;

use crate::{
    page,
        diagram::{Diagram, diagram},
    html::Html,
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

/// The three views of one request: browser, server, explanation, and the diagram. Shown
/// once and never updated, so written as markup (`html`): far less wasm than view nodes.
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
    let request = probe.request.browser_request(&page::origin(), probe.token.as_deref());
    let explanation = explain(&request, &browser, &entries, cached_for);
    let needs_preflight = !shared::cors::browser::preflight_reasons(&request).is_empty();
    let picture = diagram(&browser, &entries, needs_preflight);
    let (state, body, headers) = match &browser {
        BrowserView::Response { body, headers, .. } => ("read", body.as_str(), headers.as_slice()),
        BrowserView::NetworkError(_) => (
            "blocked",
            "The page got no status, no headers, no body: only this error. Open DevTools' network tab to see the request and the reason.",
            [].as_slice(),
        ),
    };
    let mut html = Html::default();
    html.open("div", &[("class", "views"), ("data-rid", &probe.rid)])
        .open("div", &[("class", "view browser-view"), ("data-state", state)])
        .markup("<h3>What the page could read</h3>")
        .element("p", &[("class", "headline")], &browser.headline())
        .element("pre", &[], body)
        .markup(r#"<p class="small">Response headers JavaScript can see:</p><ul class="small">"#);
    for (name, value) in headers {
        header_item(&mut html, name, value);
    }
    html.markup(r#"</ul></div><div class="view server-view"><h3>What the server received and sent</h3>"#);
    server_view(&mut html, &entries);
    html.markup(r#"</div><div class="view explanation"><h3>Why</h3>"#)
        .element("p", &[("class", "preflight-note")], &explanation.preflight)
        .element("p", &[("class", "summary")], &explanation.summary);
    if let Some(fix) = &explanation.fix {
        html.element("p", &[("class", "fix")], &format!("Fix on the server: {fix}"));
    }
    html.markup("</div></div>");
    sequence_diagram(&mut html, &picture);
    view! { <div inner_html=html.finish()></div> }.into_any()
}

/// One header as `name: value`, in the browser's list and in the server's.
fn header_item(html: &mut Html, name: &str, value: &str) {
    html.markup("<li><code>").text(name).markup(": ").text(value).markup("</code></li>");
}

/// The entries of one request (preflight and/or actual), oldest first.
fn server_view(html: &mut Html, entries: &[LogEntry]) {
    if entries.is_empty() {
        html.markup("<p>No entry (yet) in the server's log for this request.</p>");
    }
    for e in entries {
        let kind = if e.preflight { "preflight" } else { "request" };
        html.open("article", &[("class", "log-entry"), ("data-preflight", if e.preflight { "true" } else { "false" })])
            .element("h4", &[], &format!("#{} {kind}: {} {} → {}", e.seq, e.method, e.path, e.status))
            .markup("<p>Origin: ")
            .element("code", &[], e.origin.as_deref().unwrap_or("(none)"))
            .markup("</p>")
            .element("p", &[], &format!("Cookie: {}; Authorization: {}", e.credentials.cookie, e.credentials.authorization))
            .element("p", &[("class", "cors-reason")], &format!("CORS: {}", e.cors))
            .element("p", &[("class", "auth-outcome")], &format!("Auth: {}", e.auth))
            .markup("<p>Headers sent back:</p><ul>");
        for (name, value) in &e.response_headers {
            header_item(html, name, value);
        }
        html.markup("</ul></article>");
    }
}

const BROWSER_X: i32 = 70;
const SERVER_X: i32 = 330;
const ROW: i32 = 34;

/// Browser and server as two lanes, one arrow per message, a cross where the browser stopped.
fn sequence_diagram(html: &mut Html, picture: &Diagram) {
    let height = 40 + ROW * picture.arrows.len() as i32 + 30;
    let label = if picture.arrows.is_empty() { "No message reached the server." } else { "Sequence of messages" };
    html.open("svg", &[("class", "sequence"), ("viewBox", &format!("0 0 400 {height}")), ("role", "img"), ("aria-label", label)]).markup(
        r#"<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>"#,
    );
    for (x, lane) in [(BROWSER_X, "Browser"), (SERVER_X, "Server")] {
        svg_text(html, x, 18, &[("text-anchor", "middle"), ("class", "lane")], lane);
        line(html, (x, 26), (x, height - 8), "lifeline");
    }
    for (i, arrow) in picture.arrows.iter().enumerate() {
        let y = 50 + ROW * i as i32;
        let (x1, x2) = if arrow.to_server { (BROWSER_X, SERVER_X) } else { (SERVER_X, BROWSER_X) };
        line(html, (x1, y), (x2, y), if arrow.cached { "arrow cached" } else { "arrow" });
        svg_text(html, (BROWSER_X + SERVER_X) / 2, y - 6, &[("text-anchor", "middle")], &arrow.label);
    }
    if let Some((i, text)) = &picture.stop {
        let y = 50 + ROW * *i as i32 + 20;
        svg_text(html, BROWSER_X - 8, y, &[("class", "stop"), ("text-anchor", "end")], "✕");
        svg_text(html, BROWSER_X + 6, y, &[("class", "stop")], text);
    }
    html.close("svg");
}

fn line(html: &mut Html, (x1, y1): (i32, i32), (x2, y2): (i32, i32), class: &str) {
    let [x1, y1, x2, y2] = [x1, y1, x2, y2].map(|n| n.to_string());
    let mut attributes = vec![("x1", x1.as_str()), ("y1", &y1), ("x2", &x2), ("y2", &y2), ("class", class)];
    if class != "lifeline" {
        attributes.push(("marker-end", "url(#head)"));
    }
    html.open("line", &attributes).close("line");
}

fn svg_text(html: &mut Html, x: i32, y: i32, attributes: &[(&str, &str)], text: &str) {
    let (x, y) = (x.to_string(), y.to_string());
    let mut all = vec![("x", x.as_str()), ("y", &y)];
    all.extend_from_slice(attributes);
    html.element("text", &all, text);
}
