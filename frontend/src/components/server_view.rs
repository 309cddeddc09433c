//! The server's view of a request: its log entries, as the backend recorded them.

use leptos::prelude::*;
use shared::wire::LogEntry;

/// The entries of one request (preflight and/or actual), oldest first.
#[component]
pub fn ServerView(entries: Vec<LogEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p>"The server has no record of this request."</p> }.into_any();
    }
    entries
        .into_iter()
        .map(|e| {
            let kind = if e.preflight { "preflight" } else { "request" };
            let headers = e
                .response_headers
                .iter()
                .map(|(name, value)| view! { <li><code>{format!("{name}: {value}")}</code></li> })
                .collect_view();
            view! {
                <article class="log-entry" data-preflight=e.preflight.to_string()>
                    <h4>{format!("#{} {kind}: {} {} → {}", e.seq, e.method, e.path, e.status)}</h4>
                    <p>"Origin: " <code>{e.origin.unwrap_or_else(|| "(none)".to_owned())}</code></p>
                    <p>"Cookie: " {e.credentials.cookie} "; Authorization: " {e.credentials.authorization}</p>
                    <p class="cors-reason">"CORS: " {e.cors}</p>
                    <p>"Auth: " {e.auth}</p>
                    <p>"Headers sent back:"</p>
                    <ul>{headers}</ul>
                </article>
            }
        })
        .collect_view()
        .into_any()
}
