//! The request log: one record per lab request, what arrived and what went back.
//!
//! The hot path keeps a compact `Record` (header values are reference-counted, the CORS reason
//! an enum, secrets already cut); the JSON `LogEntry` of API.md is built only when someone
//! reads the log. Records are shared (`Arc`) between the ring and the live stream.

use std::{
    borrow::Cow,
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex},
    time::SystemTime,
};

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use shared::{
    cors::Reason,
    wire::{Credentials, LogEntry},
};
use tokio::sync::broadcast;

/// The auth outcome in words, left on a response by the route for the log.
#[derive(Clone, Debug)]
pub struct AuthNote(pub String);

/// One lab request as the server saw it.
#[derive(Debug)]
pub struct Record {
    pub seq: u64,
    pub at: SystemTime,
    pub rid: Option<Box<str>>,
    pub method: Method,
    pub path: Box<str>,
    pub origin: Option<HeaderValue>,
    pub preflight: bool,
    pub request_headers: Vec<(HeaderName, HeaderValue)>,
    pub cookie: Cow<'static, str>,
    pub authorization: Cow<'static, str>,
    pub status: u16,
    pub response_headers: Vec<(HeaderName, HeaderValue)>,
    pub cors: Option<Reason>,
    pub auth: Cow<'static, str>,
}

/// Request headers worth showing: the CORS ones, and the Fetch metadata that tells who sent it.
const SHOWN_REQUEST_HEADERS: [HeaderName; 5] = [
    header::ACCESS_CONTROL_REQUEST_METHOD,
    header::ACCESS_CONTROL_REQUEST_HEADERS,
    header::CONTENT_TYPE,
    HeaderName::from_static("sec-fetch-site"),
    HeaderName::from_static("sec-fetch-mode"),
];

/// Longest `rid` kept; a client id, not a payload.
const MAX_RID: usize = 128;

impl Record {
    /// What arrived. `path` is the full path (nested routers see less of it).
    pub fn arrived(method: &Method, path: &str, query: Option<&str>, headers: &HeaderMap) -> Record {
        let origin = headers.get(header::ORIGIN).cloned();
        let preflight = method == Method::OPTIONS && origin.is_some() && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let (cookie, authorization) = credentials(headers);
        Record {
            seq: 0,
            at: SystemTime::now(),
            rid: query.and_then(rid),
            method: method.clone(),
            path: path.into(),
            origin,
            preflight,
            // One pass over the few headers that came, rather than a lookup per shown name.
            request_headers: headers
                .iter()
                .filter(|(name, _)| SHOWN_REQUEST_HEADERS.contains(name))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
            cookie,
            authorization,
            status: 0,
            response_headers: Vec::new(),
            cors: None,
            auth: Cow::Borrowed(""),
        }
    }

    /// What went back: the status and the CORS and auth headers.
    pub fn answered(&mut self, status: u16, headers: &HeaderMap, cors: Option<Reason>, auth: Option<String>) {
        self.status = status;
        self.response_headers = headers
            .iter()
            .filter(|(name, _)| {
                let name = name.as_str();
                name.starts_with("access-control-") || matches!(name, "vary" | "www-authenticate" | "set-cookie" | "cache-control")
            })
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
        self.cors = cors;
        self.auth = match auth {
            Some(note) => Cow::Owned(note),
            None if self.preflight && status != 405 => Cow::Borrowed("not checked on a preflight"),
            None => Cow::Borrowed("not checked"),
        };
    }

    /// The JSON entry of API.md, with every secret cut to 8 characters.
    pub fn to_entry(&self) -> LogEntry {
        LogEntry {
            seq: self.seq,
            at: humantime::format_rfc3339_millis(self.at).to_string(),
            rid: self.rid.as_deref().map(str::to_owned),
            method: self.method.to_string(),
            path: self.path.to_string(),
            origin: self.origin.as_ref().map(lossy),
            preflight: self.preflight,
            request_headers: joined(&self.request_headers),
            credentials: Credentials { cookie: self.cookie.to_string(), authorization: self.authorization.to_string() },
            status: self.status,
            response_headers: {
                let mut map = joined(&self.response_headers);
                if let Some(cookie) = map.get_mut("set-cookie") {
                    *cookie = mask_cookie_pairs(cookie);
                }
                map
            },
            cors: self.cors.as_ref().map_or_else(|| "no CORS decision".to_owned(), ToString::to_string),
            auth: self.auth.to_string(),
        }
    }
}

fn lossy(value: &HeaderValue) -> String {
    String::from_utf8_lossy(value.as_bytes()).into_owned()
}

/// Several values of one name joined by ", ", names in lower case.
fn joined(pairs: &[(HeaderName, HeaderValue)]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in pairs {
        let value = lossy(value);
        out.entry(name.as_str().to_owned())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

/// A bounded ring of records; `seq` keeps growing across resets so pollers never go back.
pub struct RequestLog {
    capacity: usize,
    inner: Mutex<Ring>,
    live: broadcast::Sender<Arc<Record>>,
}

struct Ring {
    next_seq: u64,
    records: VecDeque<Arc<Record>>,
}

impl RequestLog {
    pub fn new(capacity: usize) -> Self {
        let (live, _) = broadcast::channel(256);
        Self { capacity, inner: Mutex::new(Ring { next_seq: 1, records: VecDeque::with_capacity(capacity) }), live }
    }

    /// Stores `record` under the next `seq` and tells live listeners.
    pub fn push(&self, mut record: Record) -> u64 {
        let mut ring = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        record.seq = ring.next_seq;
        ring.next_seq += 1;
        let record = Arc::new(record);
        if ring.records.len() == self.capacity {
            ring.records.pop_front();
        }
        ring.records.push_back(record.clone());
        drop(ring);
        let seq = record.seq;
        // No listener is fine: the record stays in the ring (and `send` would take a lock).
        if self.live.receiver_count() > 0 {
            let _ = self.live.send(record);
        }
        seq
    }

    /// Entries with `seq > after`, oldest first.
    pub fn after(&self, after: u64) -> Vec<LogEntry> {
        let newer: Vec<Arc<Record>> = {
            let ring = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            ring.records.iter().filter(|r| r.seq > after).cloned().collect()
        };
        // Rendering happens outside the lock.
        newer.iter().map(|r| r.to_entry()).collect()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Record>> {
        self.live.subscribe()
    }

    pub fn clear(&self) {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).records.clear();
    }
}

fn rid(query: &str) -> Option<Box<str>> {
    query.split('&').find_map(|pair| {
        let value = pair.strip_prefix("rid=")?;
        let decoded = percent_decode(value);
        Some(decoded.chars().take(MAX_RID).collect::<String>().into_boxed_str())
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

/// Whether credentials came, without keeping one whole. On every lab request, so each side
/// is written into one string (no intermediate pieces).
fn credentials(headers: &HeaderMap) -> (Cow<'static, str>, Cow<'static, str>) {
    let mut cookies = headers.get_all(header::COOKIE).iter().peekable();
    let cookie = if cookies.peek().is_none() {
        Cow::Borrowed("none")
    } else {
        let values: Vec<Cow<'_, str>> = cookies.map(|v| String::from_utf8_lossy(v.as_bytes())).collect();
        let pairs = || values.iter().flat_map(|v| v.split(';'));
        let session = pairs().any(|c| c.trim().starts_with("sessionId="));
        let mut out = String::with_capacity(64);
        out.push_str(if session { "session present (" } else { "no session cookie (" });
        push_masked_pairs(&mut out, pairs());
        out.push(')');
        Cow::Owned(out)
    };
    let authorization = match headers.get(header::AUTHORIZATION).map(|v| String::from_utf8_lossy(v.as_bytes())) {
        None => Cow::Borrowed("none"),
        Some(value) => Cow::Owned(match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                let mut out = String::from("bearer present (");
                push_masked(&mut out, token.trim());
                out.push(')');
                out
            }
            Some((scheme, _)) => format!("{scheme} present (not a bearer token)"),
            None => "present, without a scheme".to_owned(),
        }),
    };
    (cookie, authorization)
}

/// `a=secretvalue; b=x` → `a=secretva…; b=x`: every cookie value cut to 8 characters.
fn mask_cookie_pairs(cookies: &str) -> String {
    let mut out = String::with_capacity(cookies.len().min(256));
    push_masked_pairs(&mut out, cookies.split(';'));
    out
}

/// The `;`-separated parts of one or more cookie headers, each value masked, joined by `; `.
fn push_masked_pairs<'a>(out: &mut String, parts: impl Iterator<Item = &'a str>) {
    for (i, part) in parts.enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        match part.split_once('=') {
            Some((name, value)) if !is_attribute(name) => {
                out.push_str(name.trim());
                out.push('=');
                push_masked(out, value.trim());
            }
            _ => out.push_str(part.trim()),
        }
    }
}

fn is_attribute(name: &str) -> bool {
    ["path", "max-age", "samesite", "domain", "expires"].iter().any(|a| name.trim().eq_ignore_ascii_case(a))
}

/// The first 8 characters and an ellipsis when anything was cut.
pub fn mask(secret: &str) -> String {
    let mut out = String::with_capacity(12);
    push_masked(&mut out, secret);
    out
}

fn push_masked(out: &mut String, secret: &str) {
    match secret.char_indices().nth(8) {
        Some((cut, _)) => {
            out.push_str(&secret[..cut]);
            out.push('…');
        }
        None => out.push_str(secret),
    }
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
        let (cookie, authorization) = credentials(&headers);
        assert_eq!(authorization, "bearer present (eyJhbGci…)");
        assert_eq!(cookie, "session present (theme=dark; sessionId=01234567…)");
    }

    #[test]
    fn rid_is_decoded_and_bounded() {
        assert_eq!(rid("a=1&rid=req%201+x").as_deref(), Some("req 1 x"));
        assert_eq!(rid("a=1"), None);
        assert_eq!(rid("rid=%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(rid(&format!("rid={}", "x".repeat(1000))).map(|r| r.len()), Some(MAX_RID));
    }

    #[test]
    fn ring_is_bounded_and_seq_keeps_growing() {
        let log = RequestLog::new(2);
        let record = || Record::arrived(&Method::GET, "/api/profile", Some("rid=x"), &HeaderMap::new());
        for _ in 0..3 {
            log.push(record());
        }
        assert_eq!(log.after(0).iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3]);
        log.clear();
        assert_eq!(log.push(record()), 4);
        let entry = &log.after(3)[0];
        assert_eq!((entry.rid.as_deref(), entry.path.as_str(), entry.credentials.cookie.as_str()), (Some("x"), "/api/profile", "none"));
    }
}
