//! What one lab request came to: the browser's view, and the words that explain it next to
//! the server's view. Plain data and functions, so they are tested without a browser.

use shared::wire::LogEntry;

/// What the page's own code got back from `fetch()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrowserView {
    /// The browser let the page read the response.
    Response { status: u16, status_text: String, body: String },
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

/// Why the two views differ (or agree), in words, from what both sides saw.
pub fn explain(browser: &BrowserView, server: &[LogEntry]) -> String {
    let actual = server.iter().rev().find(|e| !e.preflight);
    let preflight = server.iter().rev().find(|e| e.preflight);
    match (browser, actual, preflight) {
        (BrowserView::NetworkError(_), Some(entry), _) => {
            let acao = entry.response_headers.get("access-control-allow-origin");
            let why = match acao {
                None => "it carried no Access-Control-Allow-Origin header".to_owned(),
                Some(value) => format!("its Access-Control-Allow-Origin ({value}) did not satisfy the browser"),
            };
            format!(
                "The request reached the server, which answered {}; the browser then hid the answer from the page because {why}. \
                 The server's CORS engine said: {}. In DevTools' network tab the request shows as a CORS error.",
                entry.status, entry.cors
            )
        }
        (BrowserView::NetworkError(_), None, Some(pre)) => format!(
            "Only the preflight reached the server (answered {}), so the browser never sent the request itself. \
             The server's CORS engine said: {}.",
            pre.status, pre.cors
        ),
        (BrowserView::NetworkError(_), None, None) => {
            "Nothing reached the server: the backend is not running, or its log has no entry for this request yet.".to_owned()
        }
        (BrowserView::Response { status, .. }, Some(entry), _) => format!(
            "The browser let the page read the answer ({status}): the server's CORS engine said: {}.",
            entry.cors
        ),
        (BrowserView::Response { status, .. }, None, _) => {
            format!("The browser let the page read the answer ({status}); the server's log has no entry for it yet.")
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use shared::wire::Credentials;

    use super::*;

    fn entry(preflight: bool, status: u16, acao: Option<&str>, cors: &str) -> LogEntry {
        let mut response_headers = BTreeMap::new();
        if let Some(v) = acao {
            response_headers.insert("access-control-allow-origin".to_owned(), v.to_owned());
        }
        LogEntry {
            seq: 1,
            at: String::new(),
            rid: Some("r1".into()),
            method: if preflight { "OPTIONS".into() } else { "GET".into() },
            path: "/api/profile".into(),
            origin: Some("http://localhost:8080".into()),
            preflight,
            request_headers: BTreeMap::new(),
            credentials: Credentials::default(),
            status,
            response_headers,
            cors: cors.into(),
            auth: String::new(),
        }
    }

    #[test]
    fn blocked_but_arrived_names_the_missing_header() {
        let text = explain(&BrowserView::NetworkError("TypeError: Failed to fetch".into()), &[entry(false, 401, None, "CORS is off")]);
        assert!(text.contains("reached the server"), "{text}");
        assert!(text.contains("no Access-Control-Allow-Origin"), "{text}");
        assert!(text.contains("CORS is off"), "{text}");
    }

    #[test]
    fn stopped_at_the_preflight() {
        let text = explain(&BrowserView::NetworkError("x".into()), &[entry(true, 403, None, "preflight refused: method PUT")]);
        assert!(text.contains("Only the preflight"), "{text}");
    }

    #[test]
    fn readable_answer() {
        let view = BrowserView::Response { status: 401, status_text: "Unauthorized".into(), body: "{}".into() };
        assert_eq!(view.headline(), "401 Unauthorized");
        let text = explain(&view, &[entry(false, 401, Some("http://localhost:8080"), "allowed: origin is in the list")]);
        assert!(text.contains("let the page read"), "{text}");
    }
}
