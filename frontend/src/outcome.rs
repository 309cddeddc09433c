//! What one lab request came to: the browser's view, and the words that explain it next to
//! the server's view. Plain data and functions, so they are tested without a browser.

use shared::{
    cors::browser::{BrowserRequest, CHROMIUM_MAX_AGE_CAP, DEFAULT_MAX_AGE, Verdict, evaluate, preflight_reasons},
    wire::LogEntry,
};

/// What the page's own code got back from `fetch()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrowserView {
    /// The browser let the page read the response: status, the headers JavaScript can see,
    /// and the body.
    Response { status: u16, status_text: String, headers: Vec<(String, String)>, body: String },
    /// The browser gave the page nothing but an error (CORS block or network failure:
    /// JavaScript cannot tell them apart, on purpose).
    NetworkError(String),
}

impl BrowserView {
    pub fn headline(&self) -> String {
        match self {
            Self::Response { status, status_text, .. } => format!("{status} {status_text}").trim_end().to_owned(),
            Self::NetworkError(message) => message.clone(),
        }
    }

    pub fn is_blocked(&self) -> bool {
        matches!(self, Self::NetworkError(_))
    }
}

/// The explanation of one request, from what both sides saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// Whether a preflight was needed, and why (or that it came from the cache).
    pub preflight: String,
    /// What happened, in one or two sentences.
    pub summary: String,
    /// The change on the server that would let the page read the answer.
    pub fix: Option<String>,
}

/// The entries of one request: the preflight (if any) and the actual request (if it came).
pub fn split(entries: &[LogEntry]) -> (Option<&LogEntry>, Option<&LogEntry>) {
    (entries.iter().rev().find(|e| e.preflight), entries.iter().rev().find(|e| !e.preflight))
}

fn pairs(entry: &LogEntry) -> Vec<(String, String)> {
    entry.response_headers.iter().map(|(n, v)| (n.clone(), v.clone())).collect()
}

/// Seconds left, at `at_ms`, of a preflight the browser may have cached for a URL, from the
/// server's `earlier` entries for that URL: a preflight that passed is kept for its Max-Age
/// (5 s without one, 2 hours at most in Chromium). `time_ms` reads an entry's `at`.
pub fn cached_preflight(earlier: &[LogEntry], at_ms: f64, time_ms: impl Fn(&str) -> f64) -> Option<u64> {
    earlier
        .iter()
        .filter(|e| e.preflight && (200..300).contains(&e.status))
        .map(|e| {
            let max_age = e.response_headers.get("access-control-max-age").and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_MAX_AGE);
            time_ms(&e.at) + max_age.min(CHROMIUM_MAX_AGE_CAP) as f64 * 1000.0
        })
        .filter(|until| *until > at_ms)
        .map(|until| ((until - at_ms) / 1000.0).ceil() as u64)
        .max()
}

/// Explains a request. `cached_for` is the seconds left of a preflight the browser cached
/// for this URL, when the page knows of one.
pub fn explain(request: &BrowserRequest, browser: &BrowserView, entries: &[LogEntry], cached_for: Option<u64>) -> Explanation {
    let reasons = preflight_reasons(request);
    let (preflight, actual) = split(entries);
    let preflight_text = match (reasons.is_empty(), preflight, actual) {
        (true, _, _) => "No preflight: a \"simple\" request (safelisted method and headers), sent straight away.".to_owned(),
        (false, Some(p), _) => format!("Needed a preflight because {}; it was answered {}.", reasons.join("; "), p.status),
        (false, None, Some(_)) => match cached_for {
            Some(left) => format!("No preflight (cached, {left} s left): the browser reused an earlier answer for this URL."),
            None => "No preflight on the wire: the browser reused a cached preflight for this URL.".to_owned(),
        },
        (false, None, None) => format!("Needs a preflight because {}.", reasons.join("; ")),
    };
    let devtools = " In DevTools' network tab the request is marked as a CORS error; the console names the header.";

    let (summary, fix) = match (browser, actual, preflight) {
        (BrowserView::Response { status, .. }, actual, pre) => {
            let verdict = actual.map(|a| {
                let pre_pairs = pre.map(pairs);
                evaluate(request, pre.zip(pre_pairs.as_ref()).map(|(p, h)| (p.status, h.as_slice())), &pairs(a))
            });
            match verdict {
                Some(Verdict::Readable { warnings, .. }) if !warnings.is_empty() => (
                    format!("The browser let the page read the answer ({status}). But: {}", warnings.join(" ")),
                    Some("list Authorization in Access-Control-Allow-Headers by name".to_owned()),
                ),
                _ => (format!("The browser let the page read the answer ({status})."), None),
            }
        }
        (BrowserView::NetworkError(_), None, None) => (
            "Nothing reached the server (yet): the backend is not running, or its log has not reported this request yet.".to_owned(),
            None,
        ),
        (BrowserView::NetworkError(_), None, Some(pre)) => {
            let verdict = evaluate(request, Some((pre.status, &pairs(pre))), &[]);
            let (why, fix) = match verdict {
                Verdict::BlockedAtPreflight { block, .. } => (block.reason, Some(block.fix)),
                _ => ("the preflight did not allow it".to_owned(), None),
            };
            (
                format!(
                    "Blocked at the preflight: {why}. The server's CORS engine said: {}. The browser never sent the request itself, so the route did not run.{devtools}",
                    pre.cors
                ),
                fix,
            )
        }
        (BrowserView::NetworkError(_), Some(entry), pre) => {
            let pre_pairs = pre.map(pairs);
            let verdict = evaluate(request, pre.zip(pre_pairs.as_ref()).map(|(p, h)| (p.status, h.as_slice())), &pairs(entry));
            let (why, fix) = match verdict {
                Verdict::Blocked { block, .. } | Verdict::BlockedAtPreflight { block, .. } => (block.reason, Some(block.fix)),
                Verdict::Readable { .. } => ("of a reason the server's log does not show".to_owned(), None),
            };
            (
                format!(
                    "The request reached the server, which answered {} (the route ran); the browser then hid the answer from the page because {why}. The server's CORS engine said: {}.{devtools}",
                    entry.status, entry.cors
                ),
                fix,
            )
        }
    };
    Explanation { preflight: preflight_text, summary, fix }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use shared::{cors::browser::CredentialsMode, wire::Credentials};

    use super::*;

    const PAGE: &str = "http://localhost:8080";

    fn entry(preflight: bool, status: u16, headers: &[(&str, &str)]) -> LogEntry {
        LogEntry {
            seq: 1,
            at: String::new(),
            rid: Some("r1".into()),
            method: if preflight { "OPTIONS".into() } else { "GET".into() },
            path: "/api/profile".into(),
            origin: Some(PAGE.into()),
            preflight,
            request_headers: BTreeMap::new(),
            credentials: Credentials::default(),
            status,
            response_headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            cors: String::new(),
            auth: String::new(),
        }
    }

    fn req(method: &str, headers: &[(&str, &str)]) -> BrowserRequest {
        BrowserRequest {
            origin: PAGE.into(),
            method: method.into(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            credentials: CredentialsMode::Include,
        }
    }

    const BLOCKED: fn() -> BrowserView = || BrowserView::NetworkError("TypeError: Failed to fetch".into());

    #[test]
    fn blocked_but_arrived_names_the_missing_header_and_the_fix() {
        let e = explain(&req("GET", &[]), &BLOCKED(), &[entry(false, 401, &[])], None);
        assert!(e.preflight.starts_with("No preflight"), "{e:?}");
        assert!(e.summary.contains("reached the server, which answered 401"), "{e:?}");
        assert!(e.summary.contains("no Access-Control-Allow-Origin"), "{e:?}");
        assert_eq!(e.fix.as_deref(), Some("send Access-Control-Allow-Origin: http://localhost:8080"));
    }

    #[test]
    fn stopped_at_the_preflight_says_the_route_never_ran() {
        let json = [("Content-Type", "application/json")];
        let e = explain(&req("POST", &json), &BLOCKED(), &[entry(true, 403, &[])], None);
        assert!(e.preflight.contains("application/json"), "{e:?}");
        assert!(e.summary.starts_with("Blocked at the preflight"), "{e:?}");
        assert!(e.summary.contains("never sent the request itself"), "{e:?}");
    }

    #[test]
    fn star_with_credentials_is_explained() {
        let headers = [("access-control-allow-origin", "*"), ("access-control-allow-credentials", "true")];
        let e = explain(&req("GET", &[]), &BLOCKED(), &[entry(false, 200, &headers)], None);
        assert!(e.summary.contains("wildcard is refused"), "{e:?}");
    }

    #[test]
    fn a_preflight_that_passed_is_cached_for_its_max_age() {
        let at = |text: &str| text.parse::<f64>().unwrap();
        let mut passed = entry(true, 204, &[("access-control-max-age", "600")]);
        passed.at = "1000".into();
        assert_eq!(cached_preflight(&[passed.clone()], 101_000.0, at), Some(500));
        assert_eq!(cached_preflight(&[passed.clone()], 601_000.0, at), None);
        let mut default_age = entry(true, 204, &[]);
        default_age.at = "1000".into();
        assert_eq!(cached_preflight(&[default_age], 2_500.0, at), Some(4));
        let mut capped = entry(true, 204, &[("access-control-max-age", "86400")]);
        capped.at = "0".into();
        assert_eq!(cached_preflight(&[capped], 0.0, at), Some(7200));
        let mut refused = entry(true, 403, &[("access-control-max-age", "600")]);
        refused.at = "1000".into();
        assert_eq!(cached_preflight(&[refused, entry(false, 200, &[])], 2_000.0, at), None);
    }

    #[test]
    fn a_cached_preflight_is_named() {
        let auth = [("Authorization", "Bearer x")];
        let ok = BrowserView::Response { status: 200, status_text: "OK".into(), headers: vec![], body: String::new() };
        let e = explain(&req("GET", &auth), &ok, &[entry(false, 200, &[])], Some(42));
        assert_eq!(e.preflight, "No preflight (cached, 42 s left): the browser reused an earlier answer for this URL.");
        assert_eq!(ok.headline(), "200 OK");
    }
}
