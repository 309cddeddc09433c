//! What a request from another origin to `/api/transfer` did, in words, from the server's log.

use shared::wire::LogEntry;

/// Whether `entry` is a write to the bank from a page other than the playground.
pub fn is_attack(entry: &LogEntry, page_origin: &str) -> bool {
    !entry.preflight && entry.path == "/api/transfer" && entry.origin.as_deref() != Some(page_origin)
}

/// The story of one attack request.
pub fn explain(entry: &LogEntry) -> String {
    let from = entry.origin.as_deref().unwrap_or("(no Origin)");
    let cookie = entry.credentials.cookie.starts_with("session present");
    let readable = entry.response_headers.contains_key("access-control-allow-origin");
    let read = if readable {
        "The lab policy even let the attacker's page read the answer."
    } else {
        "CORS only kept the attacker's page from reading the answer; it did not stop the request."
    };
    match entry.status {
        200 => format!(
            "The transfer RAN: the browser attached the victim's session cookie to this simple (text/plain, no preflight) POST from {from}. {read}"
        ),
        401 if !cookie => format!(
            "Nothing happened: no session cookie came with the request from {from} (SameSite kept it home, or nobody was logged in)."
        ),
        401 => "Nothing happened: the cookie named no live session.".to_owned(),
        403 => format!("Nothing happened: the Origin check refused {from} before the route ran."),
        415 => "Nothing happened: \"JSON only\" refused the text/plain body; a JSON body would have needed a preflight.".to_owned(),
        status => format!("The server answered {status}: {}.", entry.auth),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use shared::wire::Credentials;

    use super::*;

    fn entry(status: u16, cookie: &str, origin: &str) -> LogEntry {
        LogEntry {
            seq: 1,
            at: String::new(),
            rid: None,
            method: "POST".into(),
            path: "/api/transfer".into(),
            origin: Some(origin.into()),
            preflight: false,
            request_headers: BTreeMap::new(),
            credentials: Credentials { cookie: cookie.into(), authorization: "none".into() },
            status,
            response_headers: BTreeMap::new(),
            cors: String::new(),
            auth: String::new(),
        }
    }

    #[test]
    fn each_outcome_is_told() {
        let ran = entry(200, "session present (sessionId=abc…)", "http://localhost:3001");
        assert!(is_attack(&ran, "http://localhost:8080"));
        assert!(!is_attack(&ran, "http://localhost:3001"));
        assert!(explain(&ran).starts_with("The transfer RAN"));
        assert!(explain(&ran).contains("did not stop the request"));
        assert!(explain(&entry(401, "none", "http://127.0.0.1:3001")).contains("SameSite kept it home"));
        assert!(explain(&entry(403, "session present", "x")).contains("Origin check"));
        assert!(explain(&entry(415, "session present", "x")).contains("JSON only"));
    }
}
