//! The request log: one record per lab request, what arrived and what went back.
//!
//! The hot path keeps a compact `Record`: the path and query and the few header values the
//! log shows, copied into one buffer, the CORS reason and the auth outcome as data. Everything
//! in words (the JSON `LogEntry` of API.md, with every secret cut to 8 characters) is built
//! only when someone reads the log. So the ring holds whole credentials in memory, as the
//! session store does; none of them ever leaves the process uncut (`Record` has no `Debug`
//! for that reason). Records are shared (`Arc`) between the ring and the live stream.

use std::{
    borrow::Cow,
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex, OnceLock},
    time::SystemTime,
};

use axum::http::{HeaderMap, HeaderName, Method, Uri, header};
use shared::{
    cors::Reason,
    wire::{Credentials, LogEntry},
};
use tokio::sync::broadcast;

use crate::lab::Outcome;

/// One lab request as the server saw it.
pub struct Record {
    pub seq: u64,
    pub at: SystemTime,
    pub method: Method,
    pub preflight: bool,
    pub status: u16,
    pub cors: Option<Reason>,
    /// What the route did with the credentials; `None` when none looked.
    pub auth: Option<Outcome>,
    /// The request target, then the value of every kept header, back to back. Copied, not
    /// shared with the request: a record holding slices of hyper's read buffers would keep
    /// those buffers alive as long as the ring keeps the record.
    text: Vec<u8>,
    target_end: usize,
    /// Each kept header's name and where its value ends in `text`: the request's
    /// (`is_kept_request_header`) first, from `response_from` on the response's.
    headers: Vec<(HeaderName, usize)>,
    response_from: usize,
    /// The entry as JSON, rendered the first time an event stream needs it and shared by
    /// every stream after that.
    json: OnceLock<String>,
}

/// Request headers the log keeps: the CORS ones, the Fetch metadata that tells who sent it,
/// and the credentials (shown only as whether they came, cut to 8 characters).
fn is_kept_request_header(name: &HeaderName) -> bool {
    matches!(
        *name,
        header::ORIGIN
            | header::ACCESS_CONTROL_REQUEST_METHOD
            | header::ACCESS_CONTROL_REQUEST_HEADERS
            | header::CONTENT_TYPE
            | header::COOKIE
            | header::AUTHORIZATION
    ) || matches!(name.as_str(), "sec-fetch-site" | "sec-fetch-mode")
}

/// Of those, the ones `request_headers` of a log entry lists by name.
fn shown_by_name(name: &HeaderName) -> bool {
    !matches!(*name, header::ORIGIN | header::COOKIE | header::AUTHORIZATION)
}

/// Response headers the log keeps.
fn kept_response_header(name: &HeaderName) -> bool {
    let name = name.as_str();
    name.starts_with("access-control-") || matches!(name, "vary" | "www-authenticate" | "set-cookie" | "cache-control" | "x-instance")
}

/// Longest `rid` kept; a client id, not a payload.
const MAX_RID: usize = 128;

impl Record {
    /// What arrived: cheap on purpose (every lab request), no text is built here.
    pub fn arrived(method: &Method, target: &Uri, headers: &HeaderMap) -> Record {
        let target = target.path_and_query().map_or_else(|| target.path(), |pq| pq.as_str());
        let kept_values = || headers.iter().filter(|(name, _)| is_kept_request_header(name));
        // One allocation each, with room for the response's few short values (a preflight's
        // answer keeps the most: up to five CORS headers, `Vary`, `Cache-Control`, `X-Instance`): a
        // thousand records stay small in cache.
        let (count, bytes) = kept_values().fold((0, 0), |(count, bytes), (_, value)| (count + 1, bytes + value.len()));
        let mut text = Vec::with_capacity(target.len() + bytes + 128);
        text.extend_from_slice(target.as_bytes());
        let mut kept = Vec::with_capacity(count + 8);
        for (name, value) in kept_values() {
            text.extend_from_slice(value.as_bytes());
            kept.push((name.clone(), text.len()));
        }
        let came = |name: HeaderName| kept.iter().any(|(kept, _)| *kept == name);
        let preflight = method == Method::OPTIONS && came(header::ORIGIN) && came(header::ACCESS_CONTROL_REQUEST_METHOD);
        Record {
            seq: 0,
            at: SystemTime::now(),
            method: method.clone(),
            preflight,
            status: 0,
            cors: None,
            auth: None,
            target_end: target.len(),
            response_from: kept.len(),
            headers: kept,
            text,
            json: OnceLock::new(),
        }
    }

    /// What went back: the status, the CORS and auth headers, the auth outcome.
    pub fn answered(&mut self, status: u16, headers: &HeaderMap, cors: Option<Reason>, auth: Option<Outcome>) {
        self.status = status;
        self.headers.truncate(self.response_from);
        self.text.truncate(self.response_from.checked_sub(1).map_or(self.target_end, |last| self.headers[last].1));
        for (name, value) in headers.iter().filter(|(name, _)| kept_response_header(name)) {
            self.text.extend_from_slice(value.as_bytes());
            self.headers.push((name.clone(), self.text.len()));
        }
        self.cors = cors;
        self.auth = auth;
    }

    /// The `i`th kept header: its name and value.
    fn header(&self, i: usize) -> (&HeaderName, &[u8]) {
        let start = i.checked_sub(1).map_or(self.target_end, |previous| self.headers[previous].1);
        let (name, end) = &self.headers[i];
        (name, &self.text[start..*end])
    }

    fn request_headers(&self) -> impl Iterator<Item = (&HeaderName, &[u8])> {
        (0..self.response_from).map(|i| self.header(i))
    }

    fn response_headers(&self) -> impl Iterator<Item = (&HeaderName, &[u8])> {
        (self.response_from..self.headers.len()).map(|i| self.header(i))
    }

    /// Every value of a request header the record keeps (`is_kept_request_header`), in order.
    fn request_values(&self, name: HeaderName) -> impl Iterator<Item = &[u8]> {
        self.request_headers().filter(move |(n, _)| **n == name).map(|(_, v)| v)
    }

    /// `to_entry` as JSON, rendered once.
    pub fn json(&self) -> &str {
        self.json.get_or_init(|| serde_json::to_string(&self.to_entry()).unwrap_or_default())
    }

    /// The JSON entry of API.md, with every secret cut to 8 characters.
    pub fn to_entry(&self) -> LogEntry {
        let target = String::from_utf8_lossy(&self.text[..self.target_end]);
        let (path, query) = target.split_once('?').map_or((&*target, None), |(path, query)| (path, Some(query)));
        let auth = match &self.auth {
            Some(note) => note.to_string(),
            None if self.preflight && self.status != 405 => "not checked on a preflight".to_owned(),
            None => "not checked".to_owned(),
        };
        LogEntry {
            seq: self.seq,
            at: humantime::format_rfc3339_millis(self.at).to_string(),
            rid: query.and_then(rid),
            method: self.method.to_string(),
            path: path.to_owned(),
            origin: self.request_values(header::ORIGIN).next().map(lossy),
            preflight: self.preflight,
            request_headers: joined(self.request_headers().filter(|(name, _)| shown_by_name(name))),
            credentials: Credentials {
                cookie: cookie_words(self.request_values(header::COOKIE)),
                authorization: authorization_words(self.request_values(header::AUTHORIZATION).next()),
            },
            status: self.status,
            response_headers: {
                let mut map = joined(self.response_headers());
                if let Some(cookie) = map.get_mut("set-cookie") {
                    *cookie = mask_cookie_pairs(cookie);
                }
                map
            },
            cors: self.cors.as_ref().map_or_else(|| "no CORS decision".to_owned(), ToString::to_string),
            auth,
        }
    }
}

fn lossy(value: &[u8]) -> String {
    String::from_utf8_lossy(value).into_owned()
}

/// Several values of one name joined by ", ", names in lower case.
fn joined<'a>(pairs: impl Iterator<Item = (&'a HeaderName, &'a [u8])>) -> BTreeMap<String, String> {
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
        // Rendering happens outside the lock.
        self.records_after(after).iter().map(|r| r.to_entry()).collect()
    }

    /// Records with `seq > after`, oldest first.
    pub fn records_after(&self, after: u64) -> Vec<Arc<Record>> {
        let ring = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        ring.records.iter().filter(|r| r.seq > after).cloned().collect()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Record>> {
        self.live.subscribe()
    }

    pub fn clear(&self) {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).records.clear();
    }
}

fn rid(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let value = pair.strip_prefix("rid=")?;
        Some(percent_decode(value).chars().take(MAX_RID).collect())
    })
}

/// `application/x-www-form-urlencoded` decoding, lossy on bad UTF-8 (a log, not a parser).
fn percent_decode(value: &str) -> String {
    percent_encoding::percent_decode_str(&value.replace('+', " ")).decode_utf8_lossy().into_owned()
}

/// Whether cookies came, and which, each value cut to 8 characters.
fn cookie_words<'a>(values: impl Iterator<Item = &'a [u8]>) -> String {
    let values: Vec<Cow<'_, str>> = values.map(String::from_utf8_lossy).collect();
    if values.is_empty() {
        return "none".to_owned();
    }
    let pairs = || values.iter().flat_map(|v| v.split(';'));
    let session = pairs().any(|c| c.trim().starts_with("sessionId="));
    let mut out = String::from(if session { "session present (" } else { "no session cookie (" });
    push_masked_pairs(&mut out, pairs());
    out.push(')');
    out
}

/// Whether an `Authorization` header came, and its token cut to 8 characters.
fn authorization_words(value: Option<&[u8]>) -> String {
    let Some(value) = value.map(String::from_utf8_lossy) else {
        return "none".to_owned();
    };
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            let mut out = String::from("bearer present (");
            push_masked(&mut out, token.trim());
            out.push(')');
            out
        }
        Some((scheme, _)) => format!("{scheme} present (not a bearer token)"),
        None => "present, without a scheme".to_owned(),
    }
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
        headers.insert(header::ORIGIN, "http://localhost:8080".parse().unwrap());
        headers.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        let mut record = Record::arrived(&Method::POST, &"/api/transfer?rid=r1".parse().unwrap(), &headers);
        let mut response = HeaderMap::new();
        response.insert(header::SET_COOKIE, "sessionId=AAAABBBBCCCCDDDD; HttpOnly".parse().unwrap());
        response.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        record.answered(200, &response, None, None);
        let entry = record.to_entry();
        assert_eq!(entry.credentials.authorization, "bearer present (eyJhbGci…)");
        assert_eq!(entry.credentials.cookie, "session present (theme=dark; sessionId=01234567…)");
        assert_eq!(entry.origin.as_deref(), Some("http://localhost:8080"));
        // Credentials and Origin have their own fields; the response keeps only the headers it shows.
        assert_eq!(entry.request_headers.keys().collect::<Vec<_>>(), ["content-type"]);
        assert_eq!(entry.response_headers.keys().collect::<Vec<_>>(), ["set-cookie"]);
        assert_eq!(entry.response_headers["set-cookie"], "sessionId=AAAABBBB…; HttpOnly");
        assert_eq!((entry.path.as_str(), entry.rid.as_deref(), entry.auth.as_str()), ("/api/transfer", Some("r1"), "not checked"));
        assert_eq!(authorization_words(Some(b"Basic eDp5")), "Basic present (not a bearer token)");
        assert_eq!(cookie_words(std::iter::empty()), "none");
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
        let target: Uri = "/api/profile?rid=x".parse().unwrap();
        let record = || Record::arrived(&Method::GET, &target, &HeaderMap::new());
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
