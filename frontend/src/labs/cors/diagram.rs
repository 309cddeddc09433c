//! The sequence of one request (browser → server, preflight and actual) as data for the
//! SVG diagram, with the point where the browser stopped.

use shared::wire::LogEntry;

use super::outcome::split;
use crate::api::BrowserView;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// `true` for browser → server.
    pub to_server: bool,
    pub label: String,
    /// Drawn dashed: not on the wire (a cached preflight).
    pub cached: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    pub arrows: Vec<Arrow>,
    /// After which arrow the browser stopped, and what it did.
    pub stop: Option<(usize, String)>,
}

pub fn diagram(browser: &BrowserView, entries: &[LogEntry], needs_preflight: bool) -> Diagram {
    let (preflight, actual) = split(entries);
    let mut arrows = Vec::new();
    let arrow = |to_server, label: String, cached| Arrow { to_server, label, cached };
    if let Some(p) = preflight {
        arrows.push(arrow(true, format!("OPTIONS {} (preflight)", p.path), false));
        let acao = if p.response_headers.contains_key("access-control-allow-origin") { " + CORS headers" } else { ", no CORS headers" };
        arrows.push(arrow(false, format!("{}{acao}", p.status), false));
    } else if needs_preflight && actual.is_some() {
        arrows.push(arrow(true, "preflight answered from the browser's cache".to_owned(), true));
    }
    if let Some(a) = actual {
        arrows.push(arrow(true, format!("{} {}", a.method, a.path), false));
        let acao = if a.response_headers.contains_key("access-control-allow-origin") { " + CORS headers" } else { ", no CORS headers" };
        arrows.push(arrow(false, format!("{}{acao}", a.status), false));
    }
    let stop = match (browser, actual) {
        (BrowserView::Response { .. }, _) => None,
        (BrowserView::NetworkError(_), Some(_)) => Some((arrows.len().saturating_sub(1), "browser hides the answer".to_owned())),
        (BrowserView::NetworkError(_), None) if preflight.is_some() => {
            Some((arrows.len().saturating_sub(1), "browser stops: the request is never sent".to_owned()))
        }
        (BrowserView::NetworkError(_), None) => None,
    };
    Diagram { arrows, stop }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use shared::wire::Credentials;

    use super::*;

    fn entry(preflight: bool, status: u16) -> LogEntry {
        LogEntry {
            seq: 1,
            at: String::new(),
            rid: None,
            method: if preflight { "OPTIONS".into() } else { "POST".into() },
            path: "/api/login".into(),
            origin: None,
            preflight,
            request_headers: BTreeMap::new(),
            credentials: Credentials::default(),
            status,
            response_headers: BTreeMap::new(),
            cors: None,
            outcome: shared::wire::RouteOutcome::NotChecked,
        }
    }

    #[test]
    fn stopped_at_the_preflight() {
        let d = diagram(&BrowserView::NetworkError("x".into()), &[entry(true, 403)], true);
        assert_eq!(d.arrows.len(), 2);
        assert_eq!(d.arrows[1].label, "403, no CORS headers");
        assert_eq!(d.stop, Some((1, "browser stops: the request is never sent".into())));
    }

    #[test]
    fn blocked_after_the_answer_and_cached_preflights() {
        let d = diagram(&BrowserView::NetworkError("x".into()), &[entry(false, 200)], true);
        assert!(d.arrows[0].cached);
        assert_eq!(d.stop.map(|s| s.0), Some(2));
        let ok = BrowserView::Response { status: 200, status_text: String::new(), headers: vec![], body: String::new() };
        assert_eq!(diagram(&ok, &[entry(true, 204), entry(false, 200)], true).stop, None);
    }
}
