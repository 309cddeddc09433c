//! The request log: one record per lab request, what arrived and what went back. A leaf: the
//! lab layer writes it, the control plane reads it, and it depends on neither.
//!
//! The hot path keeps a compact `Record`: the path and query and the few header values the
//! log shows, copied into one buffer, the CORS reason and the route's `RouteReport` as data. A
//! record keeps a bounded amount whatever arrives: long values are cut and say so (`…[cut: N
//! bytes]`), so the whole log stays within `MAX_RECORD_BYTES` × its capacity. The JSON
//! `LogEntry` of API.md (data, every secret cut to 8 characters; the page words it) is built
//! only when someone reads the log. So the ring holds credentials (their first 256 bytes) in
//! memory, as the session store does; none of them ever leaves the process uncut (`Record` has
//! no `Debug` for that reason). Records are shared (`Arc`) between the ring and the live stream.

use std::{
    borrow::Cow,
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex, OnceLock},
    time::SystemTime,
};

use axum::http::{HeaderMap, HeaderName, Method, Uri, header};
use shared::{
    cors::{Reason, server::Refusal},
    wire::{Credentials, LogEntry, RouteOutcome, SeenAuthorization, SeenCookie},
};
use tokio::sync::broadcast;

mod report;

pub use report::RouteReport;

/// One lab request as the server saw it.
pub struct Record {
    pub seq: u64,
    pub at: SystemTime,
    pub method: Method,
    pub preflight: bool,
    pub status: u16,
    pub cors: Option<Reason>,
    /// What the route (or a defense before it) reported doing; `None` when nothing looked.
    pub report: Option<RouteReport>,
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
    name.starts_with("access-control-") || matches!(name, "vary" | "www-authenticate" | "set-cookie" | "cache-control" | shared::wire::INSTANCE_HEADER)
}

/// Longest `rid` kept; a client id, not a payload.
const MAX_RID: usize = 128;
/// Longest request target (path and query) a record keeps; the rest is cut.
pub const MAX_KEPT_TARGET: usize = 1024;
/// Longest header value a record keeps (a person reads the log; 60 KB of
/// `Access-Control-Request-Headers` would only fill memory); the rest is cut.
pub const MAX_KEPT_VALUE: usize = 256;
/// Most headers a record keeps of a request, and of its answer.
pub const MAX_KEPT_HEADERS: usize = 16;
/// What one record holds at most, its rendered copy included (`Record::retained_bytes`): the
/// log's worst case is this times its capacity, held by a test with hostile input.
pub const MAX_RECORD_BYTES: usize = 32 * 1024;

/// Appends `value`, cut at `max` bytes (on a character boundary) with a note of its length.
fn push_cut(text: &mut Vec<u8>, value: &[u8], max: usize) {
    if value.len() <= max {
        text.extend_from_slice(value);
        return;
    }
    let mut end = max;
    while end > 0 && value[end] & 0xC0 == 0x80 {
        end -= 1;
    }
    text.extend_from_slice(&value[..end]);
    text.extend_from_slice(format!("…[cut: {} bytes]", value.len()).as_bytes());
}

/// `text` cut like a header value, for the few strings a CORS reason or an outcome carries
/// from the request (an origin, a header name).
fn cut_string(text: &mut String) {
    if text.len() > MAX_KEPT_VALUE {
        let mut kept = Vec::with_capacity(MAX_KEPT_VALUE + 24);
        push_cut(&mut kept, text.as_bytes(), MAX_KEPT_VALUE);
        *text = String::from_utf8_lossy(&kept).into_owned();
    }
}

fn cut_reason(reason: &mut Reason) {
    if let Reason::Refused { why, .. } = reason {
        match why {
            Refusal::ModeNone => {}
            Refusal::NotInList { origin } => cut_string(origin),
            Refusal::Method { method, allowed } => {
                cut_string(method);
                cut_string(allowed);
            }
            Refusal::Header { name, allowed } => {
                cut_string(name);
                cut_string(allowed);
            }
        }
    }
}

impl Record {
    /// What arrived: cheap on purpose (every lab request), no text is built here.
    pub fn arrived(method: &Method, target: &Uri, headers: &HeaderMap) -> Record {
        let target = target.path_and_query().map_or_else(|| target.path(), |pq| pq.as_str());
        let mut text = Vec::new();
        push_cut(&mut text, target.as_bytes(), MAX_KEPT_TARGET);
        let target_end = text.len();
        let mut kept = Vec::new();
        for (name, value) in headers.iter().filter(|(name, _)| is_kept_request_header(name)).take(MAX_KEPT_HEADERS) {
            push_cut(&mut text, value.as_bytes(), MAX_KEPT_VALUE);
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
            report: None,
            target_end,
            response_from: kept.len(),
            headers: kept,
            text,
            json: OnceLock::new(),
        }
    }

    /// What went back: the status, the CORS and auth headers, what the route reported.
    pub fn answered(&mut self, status: u16, headers: &HeaderMap, mut cors: Option<Reason>, mut report: Option<RouteReport>) {
        self.status = status;
        self.headers.truncate(self.response_from);
        self.text.truncate(self.response_from.checked_sub(1).map_or(self.target_end, |last| self.headers[last].1));
        for (name, value) in headers.iter().filter(|(name, _)| kept_response_header(name)).take(MAX_KEPT_HEADERS) {
            push_cut(&mut self.text, value.as_bytes(), MAX_KEPT_VALUE);
            self.headers.push((name.clone(), self.text.len()));
        }
        if let Some(reason) = &mut cors {
            cut_reason(reason);
        }
        if let Some(RouteReport::OriginRefused { origin }) = &mut report {
            cut_string(origin);
        }
        self.cors = cors;
        self.report = report;
    }

    /// The heap and inline bytes this record holds, its rendered copy included: what the
    /// log's memory bound (`MAX_RECORD_BYTES`) is about.
    pub fn retained_bytes(&self) -> usize {
        let reason = match &self.cors {
            Some(Reason::Refused { why: Refusal::NotInList { origin }, .. }) => origin.capacity(),
            Some(Reason::Refused { why: Refusal::Method { method: a, allowed: b } | Refusal::Header { name: a, allowed: b }, .. }) => {
                a.capacity() + b.capacity()
            }
            _ => 0,
        };
        let report = match &self.report {
            Some(RouteReport::OriginRefused { origin }) => origin.capacity(),
            Some(RouteReport::Transferred { to, .. }) => to.as_str().len(),
            _ => 0,
        };
        std::mem::size_of::<Record>()
            + self.text.capacity()
            + self.headers.capacity() * std::mem::size_of::<(HeaderName, usize)>()
            + self.headers.iter().map(|(name, _)| name.as_str().len()).sum::<usize>()
            + self.json.get().map_or(0, String::capacity)
            + reason
            + report
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
        LogEntry {
            seq: self.seq,
            at: humantime::format_rfc3339_millis(self.at).to_string(),
            rid: query.and_then(rid),
            method: self.method.to_string(),
            path: path.to_owned(),
            origin: self.request_values(header::ORIGIN).next().map(lossy),
            preflight: self.preflight,
            request_headers: joined(
                self.request_headers()
                    .filter(|(name, _)| shown_by_name(name))
                    .map(|(name, value)| (name, String::from_utf8_lossy(value))),
            ),
            credentials: Credentials {
                cookies: seen_cookies(self.request_values(header::COOKIE)),
                authorization: self.request_values(header::AUTHORIZATION).next().map(seen_authorization),
            },
            status: self.status,
            // Each `Set-Cookie` is masked on its own, before values of one name are joined.
            response_headers: joined(self.response_headers().map(|(name, value)| match *name {
                header::SET_COOKIE => (name, Cow::Owned(mask_set_cookie(&String::from_utf8_lossy(value)))),
                _ => (name, String::from_utf8_lossy(value)),
            })),
            cors: self.cors.clone(),
            outcome: self.report.as_ref().map_or(RouteOutcome::NotChecked, RouteReport::to_wire),
        }
    }
}

fn lossy(value: &[u8]) -> String {
    String::from_utf8_lossy(value).into_owned()
}

/// Several values of one name joined by ", ", names in lower case.
fn joined<'a>(pairs: impl Iterator<Item = (&'a HeaderName, Cow<'a, str>)>) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in pairs {
        let value = value.into_owned();
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
        // The evicted record is freed after the lock is let go, not while others wait for it.
        let evicted = (ring.records.len() == self.capacity).then(|| ring.records.pop_front());
        ring.records.push_back(record.clone());
        drop(ring);
        drop(evicted);
        let seq = record.seq;
        // No listener is fine: the record stays in the ring (and `send` would take a lock).
        if self.live.receiver_count() > 0 {
            let _ = self.live.send(record);
        }
        seq
    }

    /// Up to `limit` entries with `seq > after` (and, given `rid`, that id), oldest first.
    pub fn page(&self, after: u64, limit: usize, rid: Option<&str>) -> Vec<LogEntry> {
        // Rendering happens outside the lock.
        let records = self.records_after(after);
        records.iter().map(|r| r.to_entry()).filter(|e| rid.is_none_or(|rid| e.rid.as_deref() == Some(rid))).take(limit).collect()
    }

    /// Every entry with `seq > after`, oldest first.
    pub fn after(&self, after: u64) -> Vec<LogEntry> {
        self.page(after, usize::MAX, None)
    }

    /// What the kept records hold (`Record::retained_bytes`).
    pub fn retained_bytes(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).records.iter().map(|r| r.retained_bytes()).sum()
    }

    /// Records with `seq > after`, oldest first.
    pub fn records_after(&self, after: u64) -> Vec<Arc<Record>> {
        let ring = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        ring.records.iter().filter(|r| r.seq > after).cloned().collect()
    }

    /// The `seq` of the last record pushed (0 before the first), whether or not it is still kept.
    pub fn last_seq(&self) -> u64 {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).next_seq - 1
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

/// Every cookie that came, each value cut to 8 characters. In a `Cookie` header every
/// `;`-separated part is a cookie, whatever its name (`path=…` too); a part without `=` is a
/// cookie with an empty name, all value.
fn seen_cookies<'a>(values: impl Iterator<Item = &'a [u8]>) -> Vec<SeenCookie> {
    let values: Vec<Cow<'_, str>> = values.map(String::from_utf8_lossy).collect();
    let parts = values.iter().flat_map(|v| v.split(';')).map(str::trim).filter(|part| !part.is_empty());
    parts
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or(("", part));
            SeenCookie { name: name.trim().to_owned(), value: mask(value.trim()) }
        })
        .collect()
}

/// `name=value` with the value cut to 8 characters; a part without `=`, all value, cut too.
fn push_masked_cookie(out: &mut String, part: &str) {
    match part.split_once('=') {
        Some((name, value)) => {
            out.push_str(name.trim());
            out.push('=');
            push_masked(out, value.trim());
        }
        None => push_masked(out, part),
    }
}

/// HTTP authentication schemes in IANA's registry: only these are shown by name; anything
/// else in the first word of `Authorization` may be the secret itself.
const REGISTERED_SCHEMES: [&str; 14] = [
    "Basic",
    "Bearer",
    "Concealed",
    "Digest",
    "DPoP",
    "GNAP",
    "HOBA",
    "Mutual",
    "Negotiate",
    "OAuth",
    "PrivateToken",
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
    "vapid",
];

/// An `Authorization` header as the log keeps it: a bearer token cut to 8 characters, another
/// scheme by name when IANA registered it.
fn seen_authorization(value: &[u8]) -> SeenAuthorization {
    let value = String::from_utf8_lossy(value);
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => SeenAuthorization::Bearer { token: mask(token.trim()) },
        Some((scheme, _)) => match REGISTERED_SCHEMES.iter().find(|known| known.eq_ignore_ascii_case(scheme)) {
            Some(known) => SeenAuthorization::Registered { name: (*known).to_owned() },
            None => SeenAuthorization::Unregistered,
        },
        None => SeenAuthorization::NoScheme,
    }
}

/// One `Set-Cookie` value: its cookie (the first part) masked, its attributes as they are.
fn mask_set_cookie(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(256));
    let mut parts = value.split(';');
    push_masked_cookie(&mut out, parts.next().unwrap_or_default().trim());
    for attribute in parts {
        out.push_str("; ");
        out.push_str(attribute.trim());
    }
    out
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
            mask_set_cookie(
                "sessionId=AAAABBBBCCCCDDDD; HttpOnly; Path=/; SameSite=Lax; Max-Age=1800"
            ),
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
        assert_eq!(entry.credentials.authorization, Some(SeenAuthorization::Bearer { token: "eyJhbGci…".into() }));
        let cookie = |name: &str, value: &str| SeenCookie { name: name.into(), value: value.into() };
        assert_eq!(entry.credentials.cookies, [cookie("theme", "dark"), cookie("sessionId", "01234567…")]);
        assert!(entry.credentials.has_session());
        assert_eq!(entry.origin.as_deref(), Some("http://localhost:8080"));
        // Credentials and Origin have their own fields; the response keeps only the headers it shows.
        assert_eq!(
            entry.request_headers.keys().collect::<Vec<_>>(),
            ["content-type"]
        );
        assert_eq!(
            entry.response_headers.keys().collect::<Vec<_>>(),
            ["set-cookie"]
        );
        assert_eq!(
            entry.response_headers["set-cookie"],
            "sessionId=AAAABBBB…; HttpOnly"
        );
        assert_eq!(
            (
                entry.path.as_str(),
                entry.rid.as_deref(),
                &entry.outcome
            ),
            ("/api/transfer", Some("r1"), &RouteOutcome::NotChecked)
        );
        assert_eq!(seen_authorization(b"basic eDp5"), SeenAuthorization::Registered { name: "Basic".into() });
        assert_eq!(seen_authorization(b"s3cr3t-api-key x"), SeenAuthorization::Unregistered);
        assert_eq!(seen_authorization(b"s3cr3t"), SeenAuthorization::NoScheme);
        assert!(seen_cookies(std::iter::empty()).is_empty());
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
        assert_eq!(
            log.page(0, 10, None)
                .iter()
                .map(|e| e.seq)
                .collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert_eq!(
            log.page(0, 1, None)
                .iter()
                .map(|e| e.seq)
                .collect::<Vec<_>>(),
            vec![2],
            "a page is the oldest first"
        );
        log.clear();
        assert_eq!(log.push(record()), 4);
        let entry = &log.page(3, 10, Some("x"))[0];
        assert_eq!(
            (
                entry.rid.as_deref(),
                entry.path.as_str(),
                entry.credentials.cookies.len()
            ),
            (Some("x"), "/api/profile", 0)
        );
    }

    /// Hostile input: every kept header at once, each far over the limit, a huge target, a
    /// refusal naming a huge header, and the rendered copy cached. The log holds at most
    /// `MAX_RECORD_BYTES` a record however the request was made.
    #[test]
    fn a_record_keeps_a_bounded_amount_whatever_arrives() {
        let huge = "x".repeat(60 * 1024);
        let mut headers = HeaderMap::new();
        for name in [
            header::ORIGIN,
            header::ACCESS_CONTROL_REQUEST_METHOD,
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
        ] {
            headers.insert(name, huge.parse().unwrap());
        }
        for _ in 0..40 {
            headers.append(header::COOKIE, format!("a{huge}=b; c").parse().unwrap());
            headers.append(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                huge.parse().unwrap(),
            );
        }
        headers.insert("sec-fetch-site", huge.parse().unwrap());
        let target: Uri = format!("/api/profile?rid=r&pad={}", "y".repeat(8000))
            .parse()
            .unwrap();
        let log = RequestLog::new(3);
        for _ in 0..3 {
            let mut record = Record::arrived(&Method::OPTIONS, &target, &headers);
            let mut answer = HeaderMap::new();
            for _ in 0..40 {
                answer.append(header::ACCESS_CONTROL_ALLOW_HEADERS, huge.parse().unwrap());
                answer.append(header::SET_COOKIE, huge.parse().unwrap());
            }
            let why = Refusal::Header {
                name: huge.clone(),
                allowed: huge.clone(),
            };
            record.answered(
                204,
                &answer,
                Some(Reason::Refused {
                    preflight: true,
                    why,
                }),
                Some(RouteReport::OriginRefused {
                    origin: huge.clone(),
                }),
            );
            let _ = record.json();
            assert!(
                record.retained_bytes() <= MAX_RECORD_BYTES,
                "{} bytes",
                record.retained_bytes()
            );
            log.push(record);
        }
        assert!(log.retained_bytes() <= 3 * MAX_RECORD_BYTES);

        // What was cut says so, and how long it was.
        let entry = &log.page(0, 1, None)[0];
        assert_eq!(entry.rid.as_deref(), Some("r"));
        let origin = entry.origin.as_deref().unwrap();
        assert!(
            origin.starts_with("xxxx") && origin.ends_with("…[cut: 61440 bytes]"),
            "{origin}"
        );
        let cors = entry.cors.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(cors.contains("…[cut: 61440 bytes]"), "{cors}");
    }

    #[test]
    fn a_value_is_cut_on_a_character_boundary() {
        let mut text = Vec::new();
        push_cut(&mut text, "aé".repeat(200).as_bytes(), 256);
        let text = String::from_utf8(text).expect("still UTF-8");
        assert!(text.ends_with("…[cut: 600 bytes]"), "{text}");
    }

    /// In a `Cookie` header every part is a cookie: one without `=`, or named like a
    /// `Set-Cookie` attribute, is masked like any other. Each `Set-Cookie` is masked on its own.
    #[test]
    fn every_cookie_is_masked_whatever_its_name() {
        let cookie = [
            b"path=SECRETSECRET1; SECRETSECRET2; Domain=SECRETSECRET3; expires=SECRETSECRET4"
                .as_slice(),
        ];
        let seen = seen_cookies(cookie.into_iter());
        let shown: Vec<(&str, &str)> = seen.iter().map(|c| (c.name.as_str(), c.value.as_str())).collect();
        assert_eq!(shown, [("path", "SECRETSE…"), ("", "SECRETSE…"), ("Domain", "SECRETSE…"), ("expires", "SECRETSE…")]);

        let mut response = HeaderMap::new();
        response.append(
            header::SET_COOKIE,
            "a=SECRETSECRET1; Path=/".parse().unwrap(),
        );
        response.append(
            header::SET_COOKIE,
            "path=SECRETSECRET2; Path=/".parse().unwrap(),
        );
        response.append(
            header::SET_COOKIE,
            "SECRETSECRET3; HttpOnly".parse().unwrap(),
        );
        let mut record = Record::arrived(
            &Method::GET,
            &"/api/login".parse().unwrap(),
            &HeaderMap::new(),
        );
        record.answered(200, &response, None, None);
        let shown = &record.to_entry().response_headers["set-cookie"];
        assert!(!shown.contains("SECRETSECRET"), "{shown}");
        assert_eq!(
            shown,
            "a=SECRETSE…; Path=/, path=SECRETSE…; Path=/, SECRETSE…; HttpOnly"
        );
    }
}
