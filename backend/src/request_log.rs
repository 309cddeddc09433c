//! The request log: one entry per lab request, what arrived and what went back, with secrets cut.

use std::{
    collections::{BTreeMap, VecDeque},
    sync::Mutex,
    time::SystemTime,
};

use axum::{
    extract::{OriginalUri, Request, State},
    http::{HeaderMap, Method, header},
    middleware::Next,
    response::Response,
};
use shared::wire::{Credentials, LogEntry};
use tokio::sync::broadcast;

use crate::{lab_cors::CorsNote, state::AppState};

/// The auth outcome in words, left on a response by the route for the log.
#[derive(Clone, Debug)]
pub struct AuthNote(pub String);

/// A bounded ring of entries; `seq` keeps growing across resets so pollers never go back.
pub struct RequestLog {
    capacity: usize,
    inner: Mutex<Ring>,
    live: broadcast::Sender<LogEntry>,
}

struct Ring {
    next_seq: u64,
    entries: VecDeque<LogEntry>,
}

impl RequestLog {
    pub fn new(capacity: usize) -> Self {
        let (live, _) = broadcast::channel(256);
        Self { capacity, inner: Mutex::new(Ring { next_seq: 1, entries: VecDeque::new() }), live }
    }

    /// Stores `entry` under the next `seq` and tells live listeners.
    pub fn push(&self, mut entry: LogEntry) -> u64 {
        let mut ring = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        entry.seq = ring.next_seq;
        ring.next_seq += 1;
        if ring.entries.len() == self.capacity {
            ring.entries.pop_front();
        }
        ring.entries.push_back(entry.clone());
        drop(ring);
        // No listener is fine: the entry stays in the ring.
        let _ = self.live.send(entry.clone());
        entry.seq
    }

    /// Entries with `seq > after`, oldest first.
    pub fn after(&self, after: u64) -> Vec<LogEntry> {
        let ring = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        ring.entries.iter().filter(|e| e.seq > after).cloned().collect()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LogEntry> {
        self.live.subscribe()
    }

    pub fn clear(&self) {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).entries.clear();
    }
}

/// Request headers worth showing: the CORS ones, and the Fetch metadata that tells who sent it.
const SHOWN_REQUEST_HEADERS: &[&str] = &[
    "access-control-request-method",
    "access-control-request-headers",
    "content-type",
    "sec-fetch-site",
    "sec-fetch-mode",
];

/// Longest `rid` kept; a client id, not a payload.
const MAX_RID: usize = 128;

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let origin = headers.get(header::ORIGIN).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let preflight = req.method() == Method::OPTIONS && origin.is_some() && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut entry = LogEntry {
        seq: 0,
        at: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
        rid: req.uri().query().and_then(rid),
        method: req.method().to_string(),
        // Nested routers see the path without their prefix; the log shows what was asked for.
        path: req.extensions().get::<OriginalUri>().map_or_else(|| req.uri().path(), |u| u.0.path()).to_owned(),
        origin,
        preflight,
        request_headers: pick(headers, |name| SHOWN_REQUEST_HEADERS.contains(&name)),
        credentials: credentials(headers),
        status: 0,
        response_headers: BTreeMap::new(),
        cors: String::new(),
        auth: String::new(),
    };

    let response = next.run(req).await;

    entry.status = response.status().as_u16();
    entry.response_headers = pick(response.headers(), |name| {
        name.starts_with("access-control-") || matches!(name, "vary" | "www-authenticate" | "set-cookie" | "cache-control")
    });
    if let Some(cookie) = entry.response_headers.get_mut("set-cookie") {
        *cookie = mask_cookie_pairs(cookie);
    }
    entry.cors = response.extensions().get::<CorsNote>().map_or_else(|| "no CORS decision".to_owned(), |n| n.0.clone());
    entry.auth = match response.extensions().get::<AuthNote>() {
        Some(note) => note.0.clone(),
        None if preflight && entry.status != 405 => "not checked on a preflight".to_owned(),
        None => "not checked".to_owned(),
    };
    state.log().push(entry);
    response
}

fn rid(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let value = pair.strip_prefix("rid=")?;
        let decoded = percent_decode(value);
        Some(decoded.chars().take(MAX_RID).collect())
    })
}

/// `application/x-www-form-urlencoded` decoding, lossy on bad UTF-8 (a log, not a parser).
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Selected headers, several values of one name joined by ", ".
fn pick(headers: &HeaderMap, keep: impl Fn(&str) -> bool) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        if keep(name.as_str()) {
            let value = String::from_utf8_lossy(value.as_bytes());
            out.entry(name.as_str().to_owned())
                .and_modify(|v| {
                    v.push_str(", ");
                    v.push_str(&value);
                })
                .or_insert_with(|| value.into_owned());
        }
    }
    out
}

/// Whether credentials came, without ever logging one whole.
fn credentials(headers: &HeaderMap) -> Credentials {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let cookie = if cookie.is_empty() {
        "none".to_owned()
    } else if cookie.split(';').any(|c| c.trim().starts_with("sessionId=")) {
        format!("session present ({})", mask_cookie_pairs(&cookie))
    } else {
        format!("no session cookie ({})", mask_cookie_pairs(&cookie))
    };
    let authorization = match headers.get(header::AUTHORIZATION).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()) {
        None => "none".to_owned(),
        Some(value) => match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => format!("bearer present ({})", mask(token.trim())),
            Some((scheme, _)) => format!("{scheme} present (not a bearer token)"),
            None => "present, without a scheme".to_owned(),
        },
    };
    Credentials { cookie, authorization }
}

/// `a=secretvalue; b=x` → `a=secretva…; b=x`: every cookie value cut to 8 characters.
fn mask_cookie_pairs(cookies: &str) -> String {
    cookies
        .split(';')
        .map(|part| match part.split_once('=') {
            Some((name, value)) if !is_attribute(name) => format!("{}={}", name.trim(), mask(value.trim())),
            _ => part.trim().to_owned(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn is_attribute(name: &str) -> bool {
    ["path", "max-age", "samesite", "domain", "expires"].iter().any(|a| name.trim().eq_ignore_ascii_case(a))
}

/// The first 8 characters and an ellipsis when anything was cut.
pub fn mask(secret: &str) -> String {
    let mut chars = secret.chars();
    let head: String = chars.by_ref().take(8).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_cut_to_eight_characters() {
        assert_eq!(mask("abcdefghijkl"), "abcdefgh…");
        assert_eq!(mask("short"), "short");
        assert_eq!(
            mask_cookie_pairs("sessionId=AAAABBBBCCCCDDDD; HttpOnly; Path=/; SameSite=Lax; Max-Age=1800"),
            "sessionId=AAAABBBB…; HttpOnly; Path=/; SameSite=Lax; Max-Age=1800"
        );
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig".parse().unwrap());
        headers.insert(header::COOKIE, "theme=dark; sessionId=0123456789abcdef".parse().unwrap());
        let c = credentials(&headers);
        assert_eq!(c.authorization, "bearer present (eyJhbGci…)");
        assert_eq!(c.cookie, "session present (theme=dark; sessionId=01234567…)");
    }

    #[test]
    fn rid_is_decoded_and_bounded() {
        assert_eq!(rid("a=1&rid=req%201+x"), Some("req 1 x".to_owned()));
        assert_eq!(rid("a=1"), None);
        assert_eq!(rid("rid=%zz%4"), Some("%zz%4".to_owned()));
        assert_eq!(rid(&format!("rid={}", "x".repeat(1000))).map(|r| r.len()), Some(MAX_RID));
    }

    #[test]
    fn ring_is_bounded_and_seq_keeps_growing() {
        let log = RequestLog::new(2);
        let entry = LogEntry {
            seq: 0,
            at: String::new(),
            rid: None,
            method: "GET".into(),
            path: "/".into(),
            origin: None,
            preflight: false,
            request_headers: BTreeMap::new(),
            credentials: Credentials::default(),
            status: 200,
            response_headers: BTreeMap::new(),
            cors: String::new(),
            auth: String::new(),
        };
        for _ in 0..3 {
            log.push(entry.clone());
        }
        assert_eq!(log.after(0).iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3]);
        log.clear();
        assert_eq!(log.push(entry), 4);
        assert_eq!(log.after(3).len(), 1);
    }
}
