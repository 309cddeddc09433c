//! What a request from another origin to `/api/transfer` did, in words, from the server's log:
//! its outcome, credentials and answer headers as data, never its sentences.

use shared::wire::{Defense, DefenseSaw, LogEntry, RouteOutcome};

use crate::server_words;

/// Whether `entry` is a write to the bank from a page other than the playground.
pub fn is_attack(entry: &LogEntry, page_origin: &str) -> bool {
    !entry.preflight && entry.path == "/api/transfer" && entry.origin.as_deref() != Some(page_origin)
}

/// The story of one attack request.
pub fn explain(entry: &LogEntry) -> String {
    let from = entry.origin.as_deref().unwrap_or("(no Origin)");
    let readable = entry.response_headers.contains_key("access-control-allow-origin");
    let read = if readable {
        "The lab policy even let the attacker's page read the answer."
    } else {
        "CORS only kept the attacker's page from reading the answer; it did not stop the request."
    };
    match &entry.outcome {
        RouteOutcome::Transferred { .. } => format!(
            "The transfer RAN: the browser attached the victim's session cookie to this simple (text/plain, no preflight) POST from {from}. {read}"
        ),
        RouteOutcome::DefenseRefused { defense, saw } => {
            let how = match (defense, saw) {
                (Defense::OriginCheck, _) => format!("the Origin check refused {from} before the route ran."),
                (Defense::FetchMetadata, DefenseSaw::CrossSite { old_browser: true }) => {
                    format!("Fetch Metadata refused it: no Sec-Fetch-Site came, and {from} is not trusted.")
                }
                (Defense::FetchMetadata, _) => {
                    "Fetch Metadata refused it: the browser's Sec-Fetch-Site said another site sent it.".to_owned()
                }
                (Defense::JsonOnly, _) => {
                    "\"JSON only\" refused the text/plain body; a JSON body would have needed a preflight.".to_owned()
                }
            };
            format!("Nothing happened: {how}")
        }
        RouteOutcome::Refused { .. } if !entry.credentials.has_session() => format!(
            "Nothing happened: no session cookie came with the request from {from} (SameSite kept it home, or nobody was logged in)."
        ),
        RouteOutcome::Refused { .. } => "Nothing happened: the cookie named no live session.".to_owned(),
        other => format!("The server answered {}: {}.", entry.status, server_words::outcome(other, entry.preflight)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use shared::wire::{AuthKind, Authenticated, Credentials, ErrorCode, SeenCookie};

    use super::*;

    fn entry(status: u16, session: bool, origin: &str, outcome: RouteOutcome) -> LogEntry {
        let cookies = if session { vec![SeenCookie { name: "sessionId".into(), value: "abc…".into() }] } else { vec![] };
        LogEntry {
            seq: 1,
            at: String::new(),
            rid: None,
            method: "POST".into(),
            path: "/api/transfer".into(),
            origin: Some(origin.into()),
            preflight: false,
            request_headers: BTreeMap::new(),
            credentials: Credentials { cookies, authorization: None },
            status,
            response_headers: BTreeMap::new(),
            cors: None,
            outcome,
        }
    }

    fn refused(defense: Defense, saw: DefenseSaw) -> RouteOutcome {
        RouteOutcome::DefenseRefused { defense, saw }
    }

    #[test]
    fn each_outcome_is_told() {
        let by = Authenticated { user: 1, email: "a@b.com".into(), by: AuthKind::Session, session: Some("abc".into()) };
        let ran = entry(200, true, "http://localhost:3001", RouteOutcome::Transferred { by, to: "bob@example.com".into(), amount: 100 });
        assert!(is_attack(&ran, "http://localhost:8080"));
        assert!(!is_attack(&ran, "http://localhost:3001"));
        assert!(explain(&ran).starts_with("The transfer RAN"));
        assert!(explain(&ran).contains("did not stop the request"));
        let no_cookie = entry(401, false, "http://127.0.0.1:3001", RouteOutcome::Refused { code: ErrorCode::NoCredentials });
        assert!(explain(&no_cookie).contains("SameSite kept it home"));
    }

    /// A 403 is not always the Origin check: the story names the defense the log names.
    #[test]
    fn the_defense_that_refused_is_the_one_named() {
        let origin = entry(403, true, "x", refused(Defense::OriginCheck, DefenseSaw::ForeignOrigin { origin: "x".into() }));
        assert!(explain(&origin).contains("the Origin check refused"), "{}", explain(&origin));
        let metadata = entry(403, true, "x", refused(Defense::FetchMetadata, DefenseSaw::CrossSite { old_browser: false }));
        assert!(explain(&metadata).contains("Fetch Metadata refused") && !explain(&metadata).contains("Origin check"), "{}", explain(&metadata));
        let json_only = entry(415, true, "x", refused(Defense::JsonOnly, DefenseSaw::PlainTextBody));
        assert!(explain(&json_only).contains("JSON only"));
    }
}
