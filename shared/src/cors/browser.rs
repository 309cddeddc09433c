//! The browser side of CORS, after the Fetch standard (<https://fetch.spec.whatwg.org/>):
//! given what the page's code asked for and the headers the server sent, would the browser
//! let the page read the answer, did it need a preflight, and why. JavaScript only ever sees
//! `TypeError: Failed to fetch`; this is what lets the UI say which rule stopped it.

use serde::{Deserialize, Serialize};

use super::engine::Engine;

/// `RequestInit.credentials`, spelled as in JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialsMode {
    Omit,
    /// The default: for a cross-origin request the same as `Omit`.
    #[default]
    SameOrigin,
    Include,
}

impl CredentialsMode {
    pub const ALL: [CredentialsMode; 3] = [CredentialsMode::Omit, CredentialsMode::SameOrigin, CredentialsMode::Include];

    /// The JavaScript string: `"omit"`, `"same-origin"`, `"include"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Omit => "omit",
            Self::SameOrigin => "same-origin",
            Self::Include => "include",
        }
    }
}

/// A cross-origin request as the page's code made it.
#[derive(Clone, Debug, Default)]
pub struct BrowserRequest {
    /// The page's origin, as the browser sends it in `Origin`.
    pub origin: String,
    pub method: String,
    /// The headers the page's code set (names in any case).
    pub headers: Vec<(String, String)>,
    pub credentials: CredentialsMode,
}

/// Why the browser refused. What on the server would change that is the policy's to say
/// (`super::fix`), not the check's: the check alone names the wrong fix as often as not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Which check failed, as data (each engine words it its own way: `engine`).
    pub error: CorsError,
    /// The check failed on the preflight's answer: the request itself was never sent.
    pub preflight: bool,
    pub reason: String,
}

/// Which CORS check failed. The names are Chromium's (`Network.CorsError` in the DevTools
/// protocol) without their `Preflight` prefix, which `Block::preflight` carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsError {
    MissingAllowOriginHeader,
    /// `*` with credentials included.
    WildcardOriginNotAllowed,
    MultipleAllowOriginValues { values: String },
    AllowOriginMismatch { value: String },
    /// With credentials included, `Access-Control-Allow-Credentials` is missing or not `true`.
    InvalidAllowCredentials { value: String },
    /// The preflight's answer was no 2xx.
    InvalidStatus { status: u16 },
    /// The preflight's answer was a redirect, which a preflight may not follow.
    DisallowedRedirect,
    MethodDisallowedByPreflightResponse { method: String },
    HeaderDisallowedByPreflightResponse { header: String },
}

impl Block {
    /// Chromium's name for it (`Network.loadingFailed`'s `corsErrorStatus.corsError`).
    pub fn chromium_name(&self) -> String {
        self.error.chromium_name(self.preflight)
    }
}

impl CorsError {
    /// Chromium's name for this check failing on the preflight's answer (`at_preflight`) or
    /// on the request's.
    pub fn chromium_name(&self, at_preflight: bool) -> String {
        let name = match self {
            CorsError::MissingAllowOriginHeader => "MissingAllowOriginHeader",
            CorsError::WildcardOriginNotAllowed => "WildcardOriginNotAllowed",
            CorsError::MultipleAllowOriginValues { .. } => "MultipleAllowOriginValues",
            CorsError::AllowOriginMismatch { .. } => "AllowOriginMismatch",
            CorsError::InvalidAllowCredentials { .. } => "InvalidAllowCredentials",
            CorsError::InvalidStatus { .. } => "InvalidStatus",
            CorsError::DisallowedRedirect => "DisallowedRedirect",
            // Named for the preflight already.
            CorsError::MethodDisallowedByPreflightResponse { .. } => return "MethodDisallowedByPreflightResponse".to_owned(),
            CorsError::HeaderDisallowedByPreflightResponse { .. } => return "HeaderDisallowedByPreflightResponse".to_owned(),
        };
        if at_preflight { format!("Preflight{name}") } else { name.to_owned() }
    }
}

fn block(error: CorsError, reason: impl Into<String>) -> Block {
    Block { error, preflight: false, reason: reason.into() }
}

/// Response headers as `(lower-case name, value)` pairs; a name may repeat.
pub type Headers<'a> = &'a [(String, String)];

fn values<'h>(headers: Headers<'h>, name: &str) -> Vec<&'h str> {
    headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
}

/// One header's value the way `Headers.get()` combines repeats: joined by ", ".
fn combined(headers: Headers<'_>, name: &str) -> Option<String> {
    let all = values(headers, name);
    (!all.is_empty()).then(|| all.join(", "))
}

/// Fetch §2.2.1: GET, HEAD and POST never need a preflight on their own.
pub fn is_safelisted_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

/// Fetch §2.2.2 "CORS-unsafe request-header byte".
fn has_unsafe_byte(value: &str) -> bool {
    value.bytes().any(|b| (b < 0x20 && b != 0x09) || b == 0x7f || b"\"():<>?@[\\]{}".contains(&b))
}

/// Fetch §2.2.2 "CORS-safelisted request-header".
pub fn is_safelisted_request_header(name: &str, value: &str) -> bool {
    if value.len() > 128 {
        return false;
    }
    match name.to_ascii_lowercase().as_str() {
        "accept" => !has_unsafe_byte(value),
        "accept-language" | "content-language" => {
            value.bytes().all(|b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b))
        }
        "content-type" => !has_unsafe_byte(value) && is_safelisted_content_type(value),
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// The three types a form could always send: anything else needs a preflight.
fn is_safelisted_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    matches!(essence.as_str(), "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain")
}

fn is_simple_range(value: &str) -> bool {
    let Some(range) = value.strip_prefix("bytes=") else { return false };
    let Some((start, end)) = range.split_once('-') else { return false };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(start) && (end.is_empty() || (digits(end) && start.parse::<u64>().ok() <= end.parse::<u64>().ok()))
}

/// Fetch §2.2.2 "CORS-unsafe request-header names": lower case, sorted, without duplicates.
pub fn unsafe_header_names(headers: &[(String, String)]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut safelisted_size = 0;
    for (name, value) in headers {
        if is_safelisted_request_header(name, value) {
            safelisted_size += value.len();
        } else {
            names.push(name.to_ascii_lowercase());
        }
    }
    // Over 1024 bytes of safelisted values, they all count as unsafe.
    if safelisted_size > 1024 {
        names.extend(headers.iter().map(|(n, _)| n.to_ascii_lowercase()));
    }
    sorted_set(names)
}

/// `names` sorted, without duplicates. Built by insertion rather than `sort` + `dedup`: the
/// lists are a few headers long, and in the UI's wasm a sort costs kilobytes.
fn sorted_set(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut set: Vec<String> = Vec::new();
    for name in names {
        if let Err(at) = set.binary_search(&name) {
            set.insert(at, name);
        }
    }
    set
}

/// Why the request needs a preflight (Fetch §4.1 step 12: "use-CORS-preflight"); empty when
/// it is a "simple" request that the browser sends straight away.
pub fn preflight_reasons(req: &BrowserRequest) -> Vec<String> {
    let mut reasons = Vec::new();
    if !is_safelisted_method(&req.method) {
        reasons.push(format!("{} is not a CORS-safelisted method (GET, HEAD, POST)", req.method));
    }
    for name in unsafe_header_names(&req.headers) {
        let value = req.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(&name)).map_or("", |(_, v)| v.as_str());
        reasons.push(if name == "content-type" {
            format!(
                "Content-Type {value} is not one of the safelisted types (text/plain, \
                 application/x-www-form-urlencoded, multipart/form-data)"
            )
        } else {
            format!("the {name} header is not CORS-safelisted")
        });
    }
    reasons
}

/// Fetch §4.9 "CORS check": may the page read a response with these headers?
pub fn cors_check(req: &BrowserRequest, headers: Headers<'_>) -> Result<(), Block> {
    let Some(allow_origin) = combined(headers, "access-control-allow-origin") else {
        return Err(block(
            CorsError::MissingAllowOriginHeader,
            "the response has no Access-Control-Allow-Origin header",
        ));
    };
    let include = req.credentials == CredentialsMode::Include;
    if !include && allow_origin == "*" {
        return Ok(());
    }
    if allow_origin != req.origin {
        return Err(if allow_origin == "*" {
            block(
                CorsError::WildcardOriginNotAllowed,
                "Access-Control-Allow-Origin is * but the request was made with credentials: \"include\"; \
                 with credentials the wildcard is refused",
            )
        } else if allow_origin.contains(',') {
            block(
                CorsError::MultipleAllowOriginValues { values: allow_origin.clone() },
                format!("Access-Control-Allow-Origin has several values ({allow_origin}); exactly one is allowed"),
            )
        } else {
            block(
                CorsError::AllowOriginMismatch { value: allow_origin.clone() },
                format!("Access-Control-Allow-Origin is {allow_origin}, which is not this page's origin {}", req.origin),
            )
        });
    }
    if !include {
        return Ok(());
    }
    match combined(headers, "access-control-allow-credentials").as_deref() {
        Some("true") => Ok(()),
        Some(other) => Err(block(
            CorsError::InvalidAllowCredentials { value: other.to_owned() },
            format!("Access-Control-Allow-Credentials is \"{other}\"; with credentials it must be exactly \"true\""),
        )),
        None => Err(block(
            CorsError::InvalidAllowCredentials { value: String::new() },
            "the request included credentials but the response has no Access-Control-Allow-Credentials: true",
        )),
    }
}

/// What a passed preflight allows the browser to remember.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightPass {
    /// Seconds the browser caches this result (Fetch default 5; capped by the engine,
    /// `Engine::max_age_cap`).
    pub cache_seconds: u64,
    /// Passed, but only because of a browser's leniency the standard does not share.
    pub warnings: Vec<String>,
}

/// Fetch's default when Access-Control-Max-Age is absent.
pub const DEFAULT_MAX_AGE: u64 = 5;

/// Fetch §4.8 "CORS-preflight fetch" steps 7.x: does the preflight answer let the request go
/// in `engine`?
pub fn preflight_check_in(engine: Engine, req: &BrowserRequest, status: u16, headers: Headers<'_>) -> Result<PreflightPass, Block> {
    let at_preflight = |b: Block| Block { preflight: true, ..b };
    let redirect = (300..=399).contains(&status);
    // Firefox runs the CORS check on the redirect that answered a preflight before it refuses
    // to follow it: a redirect without Access-Control-Allow-Origin (the usual trailing-slash
    // redirect, made before CORS runs) is refused for the missing header, as its console says.
    if redirect && engine == Engine::Firefox {
        cors_check(req, headers).map_err(|b| {
            at_preflight(Block {
                reason: format!("preflight: the redirect ({status}) that answered it: {}", b.reason),
                ..b
            })
        })?;
    }
    // Chromium refuses a redirect on the preflight before it looks at a header
    // (`PreflightDisallowedRedirect`), WebKit as it is about to follow it, Firefox after the
    // CORS check above (`CORSExternalRedirectNotAllowed`).
    if redirect {
        return Err(at_preflight(block(
            CorsError::DisallowedRedirect,
            format!("the preflight was answered with a redirect ({status}), and a preflight may not follow one"),
        )));
    }
    cors_check(req, headers).map_err(|b| at_preflight(Block { reason: format!("preflight: {}", b.reason), ..b }))?;
    if !(200..=299).contains(&status) {
        return Err(at_preflight(block(
            CorsError::InvalidStatus { status },
            format!("the preflight was answered {status}, not an ok status (200-299)"),
        )));
    }
    let include = req.credentials == CredentialsMode::Include;
    let methods = list(headers, "access-control-allow-methods");
    let method_listed = methods.iter().any(|m| *m == req.method);
    let wildcard_methods = !include && methods.contains(&"*");
    if !method_listed && !is_safelisted_method(&req.method) && !wildcard_methods {
        let why = if methods.contains(&"*") { " (* is taken literally when credentials are included)" } else { "" };
        return Err(at_preflight(block(
            CorsError::MethodDisallowedByPreflightResponse { method: req.method.clone() },
            format!("method {} is not in Access-Control-Allow-Methods [{}]{why}", req.method, methods.join(", ")),
        )));
    }
    let allowed = list(headers, "access-control-allow-headers");
    let listed = |name: &str| allowed.iter().any(|h| h.eq_ignore_ascii_case(name));
    let wildcard_headers = !include && allowed.contains(&"*");
    // Authorization is a "CORS non-wildcard request-header name": the Fetch standard says `*`
    // never covers it. Some engines still let it through a non-credentialed `*`
    // (`Engine::wildcard_covers_authorization`): there it passes with a warning.
    let mut warnings = Vec::new();
    let covered = |name: &str| {
        listed(name) || (wildcard_headers && (name != "authorization" || engine.wildcard_covers_authorization()))
    };
    if wildcard_headers && engine.wildcard_covers_authorization() && req.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("authorization")) && !listed("authorization") {
        warnings.push(format!(
            "Access-Control-Allow-Headers is * and Authorization is not listed by name: the Fetch standard says * never \
             covers Authorization, yet {} lets it through (so do the other engines the lab tests); a browser that follows \
             the standard would refuse. List Authorization by name.",
            engine.label()
        ));
    }
    let refused: Vec<String> = unsafe_header_names(&req.headers).into_iter().filter(|name| !covered(name)).collect();
    if let Some(name) = engine.first_refused_header(&refused) {
        let why = if allowed.contains(&"*") { " (* is taken literally when credentials are included)" } else { "" };
        let reason = if name == "authorization" {
            let why = if wildcard_headers { " (* never covers Authorization)" } else { why };
            format!("the Authorization header is not in Access-Control-Allow-Headers [{}]{why}", allowed.join(", "))
        } else {
            format!("request header {name} is not in Access-Control-Allow-Headers [{}]{why}", allowed.join(", "))
        };
        return Err(at_preflight(block(CorsError::HeaderDisallowedByPreflightResponse { header: name.to_owned() }, reason)));
    }
    let cache_seconds = combined(headers, "access-control-max-age")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_MAX_AGE)
        .min(engine.max_age_cap());
    Ok(PreflightPass { cache_seconds, warnings })
}

/// Comma-separated header values, trimmed, empty elements dropped.
fn list<'h>(headers: Headers<'h>, name: &str) -> Vec<&'h str> {
    values(headers, name).into_iter().flat_map(|v| v.split(',')).map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// Fetch §2.2.5 "CORS-safelisted response-header names" plus what the server exposed.
pub fn readable_response_headers(req: &BrowserRequest, headers: Headers<'_>) -> Vec<String> {
    const SAFELISTED: [&str; 7] =
        ["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"];
    let exposed = list(headers, "access-control-expose-headers");
    let all = req.credentials != CredentialsMode::Include && exposed.contains(&"*");
    let names = headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| {
            all || SAFELISTED.contains(&n.as_str()) || exposed.iter().any(|e| e.eq_ignore_ascii_case(n))
        })
        // Set-Cookie is never readable by the page, whatever is exposed.
        .filter(|n| n != "set-cookie" && n != "set-cookie2");
    sorted_set(names)
}

/// The whole story of one request, from what the page asked and what the server sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The page can read the response (and these of its headers); `warnings` name what works
    /// only in some browsers.
    Readable { preflight: Vec<String>, readable_headers: Vec<String>, warnings: Vec<String> },
    /// The preflight failed: the request itself was never sent.
    BlockedAtPreflight { preflight: Vec<String>, block: Block },
    /// The request was sent and answered, but the page may not read the answer.
    Blocked { preflight: Vec<String>, block: Block },
}

/// Evaluates a request in `engine` against the preflight answer (when one was needed) and
/// the actual answer: `(status, headers)` each, as the server sent them.
pub fn evaluate_in(engine: Engine, req: &BrowserRequest, preflight: Option<(u16, Headers<'_>)>, actual: Headers<'_>) -> Verdict {
    let reasons = preflight_reasons(req);
    let mut warnings = Vec::new();
    if !reasons.is_empty()
        && let Some((status, headers)) = preflight
    {
        match preflight_check_in(engine, req, status, headers) {
            Ok(pass) => warnings = pass.warnings,
            Err(block) => return Verdict::BlockedAtPreflight { preflight: reasons, block },
        }
    }
    match cors_check(req, actual) {
        Ok(()) => Verdict::Readable { readable_headers: readable_response_headers(req, actual), preflight: reasons, warnings },
        Err(block) => Verdict::Blocked { preflight: reasons, block },
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows read best inline
mod tests {
    use super::*;

    fn preflight_check(req: &BrowserRequest, status: u16, headers: Headers<'_>) -> Result<PreflightPass, Block> {
        preflight_check_in(Engine::Chromium, req, status, headers)
    }

    fn evaluate(req: &BrowserRequest, preflight: Option<(u16, Headers<'_>)>, actual: Headers<'_>) -> Verdict {
        evaluate_in(Engine::Chromium, req, preflight, actual)
    }

    const PAGE: &str = "http://localhost:8080";

    fn req(method: &str, headers: &[(&str, &str)], credentials: CredentialsMode) -> BrowserRequest {
        BrowserRequest {
            origin: PAGE.to_owned(),
            method: method.to_owned(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            credentials,
        }
    }

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
    }

    use CredentialsMode::*;

    /// Fetch §4.1 step 12 / §2.2.2: which requests are "simple".
    #[test]
    fn preflight_needed_table() {
        let rows: &[(&str, &[(&str, &str)], bool, &str)] = &[
            ("GET", &[], false, "safelisted method, no headers"),
            ("POST", &[("Content-Type", "text/plain;charset=UTF-8")], false, "text/plain is safelisted"),
            ("POST", &[("Content-Type", "application/x-www-form-urlencoded")], false, "form type"),
            ("POST", &[("Content-Type", "application/json")], true, "JSON is not safelisted"),
            ("GET", &[("Authorization", "Bearer x")], true, "Authorization is never safelisted"),
            ("GET", &[("X-Custom", "1")], true, "custom header"),
            ("PUT", &[], true, "PUT is not a safelisted method"),
            ("DELETE", &[], true, "DELETE"),
            ("GET", &[("Accept", "application/json")], false, "Accept is safelisted"),
            ("GET", &[("Accept", "a(b)")], true, "Accept with an unsafe byte"),
            ("GET", &[("Accept-Language", "en-GB,en;q=0.9")], false, "Accept-Language"),
            ("GET", &[("Range", "bytes=0-99")], false, "simple range"),
            ("GET", &[("Range", "bytes=0-99,200-300")], true, "multi range"),
            ("POST", &[("Content-Type", "text/plain; x=\"y\"")], true, "quote is an unsafe byte"),
        ];
        for (method, headers, needed, why) in rows {
            let reasons = preflight_reasons(&req(method, headers, Omit));
            assert_eq!(!reasons.is_empty(), *needed, "{why}: {reasons:?}");
        }
        let long = "a".repeat(129);
        assert!(!preflight_reasons(&req("GET", &[("Accept", &long)], Omit)).is_empty(), "over 128 bytes");
    }

    /// Fetch §4.9 CORS check.
    #[test]
    fn cors_check_table() {
        let rows: &[(&[(&str, &str)], CredentialsMode, Option<&str>)] = &[
            (&[], Omit, Some("no Access-Control-Allow-Origin")),
            (&[("access-control-allow-origin", "*")], Omit, None),
            (&[("access-control-allow-origin", "*")], SameOrigin, None),
            (&[("access-control-allow-origin", "*"), ("access-control-allow-credentials", "true")], Include, Some("wildcard is refused")),
            (&[("access-control-allow-origin", PAGE)], Omit, None),
            (&[("access-control-allow-origin", PAGE)], Include, Some("no Access-Control-Allow-Credentials")),
            (&[("access-control-allow-origin", PAGE), ("access-control-allow-credentials", "true")], Include, None),
            (&[("access-control-allow-origin", PAGE), ("access-control-allow-credentials", "True")], Include, Some("exactly \"true\"")),
            (&[("access-control-allow-origin", "http://127.0.0.1:8080")], Omit, Some("not this page's origin")),
            (&[("access-control-allow-origin", "http://localhost:8080/")], Omit, Some("not this page's origin")),
            (&[("access-control-allow-origin", PAGE), ("access-control-allow-origin", PAGE)], Omit, Some("several values")),
            (&[("access-control-allow-origin", "null")], Omit, Some("not this page's origin")),
        ];
        for (headers, credentials, expected) in rows {
            let result = cors_check(&req("GET", &[], *credentials), &h(headers));
            match expected {
                None => assert_eq!(result, Ok(()), "{headers:?} {credentials:?}"),
                Some(part) => {
                    let reason = result.expect_err("blocked").reason;
                    assert!(reason.contains(part), "{headers:?}: {reason}");
                }
            }
        }
    }

    /// Fetch §4.8 CORS-preflight fetch, steps on methods and headers.
    #[test]
    fn preflight_check_table() {
        let base = [("access-control-allow-origin", PAGE), ("access-control-allow-credentials", "true")];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut v = base.to_vec();
            v.extend_from_slice(extra);
            h(&v)
        };
        let auth = [("Authorization", "Bearer x")];
        let json = [("Content-Type", "application/json")];
        let rows: Vec<(BrowserRequest, u16, Vec<(String, String)>, Option<&str>)> = vec![
            (req("GET", &auth, Include), 204, with(&[("access-control-allow-headers", "Content-Type, Authorization")]), None),
            (req("GET", &auth, Include), 204, with(&[("access-control-allow-headers", "Content-Type")]), Some("Authorization header is not in")),
            (req("GET", &auth, Omit), 204, with(&[("access-control-allow-headers", "*")]), None),
            (req("GET", &auth, Include), 204, with(&[("access-control-allow-headers", "*")]), Some("taken literally")),
            (req("POST", &json, Omit), 204, with(&[("access-control-allow-headers", "*")]), None),
            (req("POST", &json, Include), 204, with(&[("access-control-allow-headers", "*")]), Some("taken literally")),
            (req("PUT", &[], Include), 204, with(&[("access-control-allow-methods", "GET, POST")]), Some("method PUT is not in")),
            (req("PUT", &[], Omit), 204, with(&[("access-control-allow-methods", "*")]), None),
            (req("PUT", &[], Include), 204, with(&[("access-control-allow-methods", "*")]), Some("taken literally")),
            (req("PUT", &[], Include), 204, with(&[("access-control-allow-methods", "GET,PUT")]), None),
            (req("GET", &[("X-A", "1")], Omit), 204, with(&[("access-control-allow-headers", "x-a")]), None),
            (req("GET", &[("X-A", "1")], Omit), 403, with(&[("access-control-allow-headers", "x-a")]), Some("not an ok status")),
            (req("GET", &[("X-A", "1")], Omit), 403, h(&[]), Some("preflight: the response has no Access-Control-Allow-Origin")),
            (req("patch", &[], Omit), 204, with(&[("access-control-allow-methods", "PATCH")]), Some("method patch")),
        ];
        for (request, status, headers, expected) in rows {
            let result = preflight_check(&request, status, &headers);
            match expected {
                None => assert!(result.is_ok(), "{} {:?}: {result:?}", request.method, request.headers),
                Some(part) => {
                    let reason = result.expect_err("blocked").reason;
                    assert!(reason.contains(part), "{} {:?}: {reason}", request.method, request.headers);
                }
            }
        }
    }

    /// Chromium lets a non-credentialed `*` cover Authorization (Fetch says it must not):
    /// passed, with a warning that names the standard's rule.
    #[test]
    fn authorization_under_a_wildcard_passes_with_a_warning() {
        let r = req("GET", &[("Authorization", "Bearer x")], Omit);
        let headers = h(&[("access-control-allow-origin", "*"), ("access-control-allow-headers", "*")]);
        let pass = preflight_check(&r, 204, &headers).unwrap();
        assert!(pass.warnings[0].contains("never covers Authorization"), "{:?}", pass.warnings);
        match evaluate(&r, Some((204, &headers)), &h(&[("access-control-allow-origin", "*")])) {
            Verdict::Readable { warnings, .. } => assert_eq!(warnings.len(), 1),
            other => panic!("{other:?}"),
        }
    }

    /// A preflight answered by a redirect without CORS headers: Chromium and WebKit refuse the
    /// redirect, Firefox the missing Allow-Origin first (as their consoles say); with the
    /// headers, every engine refuses the redirect.
    #[test]
    fn a_redirected_preflight_is_refused_for_the_redirect_or_in_firefox_for_its_headers_first() {
        let r = req("POST", &[("Content-Type", "application/json")], Include);
        let bare = h(&[("location", "/api/login/")]);
        let error = |engine, headers: &[(String, String)]| preflight_check_in(engine, &r, 308, headers).map(|_| ()).map_err(|b| (b.chromium_name(), b.reason));
        for engine in [Engine::Chromium, Engine::WebKit] {
            assert_eq!(error(engine, &bare).unwrap_err().0, "PreflightDisallowedRedirect", "{engine:?}");
        }
        let (name, reason) = error(Engine::Firefox, &bare).unwrap_err();
        assert_eq!(name, "PreflightMissingAllowOriginHeader");
        assert!(reason.contains("the redirect (308)"), "{reason}");
        let with_cors = h(&[("access-control-allow-origin", PAGE), ("access-control-allow-credentials", "true"), ("location", "/api/login/")]);
        for engine in Engine::ALL {
            assert_eq!(error(engine, &with_cors).unwrap_err().0, "PreflightDisallowedRedirect", "{engine:?}");
        }
    }

    #[test]
    fn max_age_defaults_to_5_and_chromium_caps_it_at_two_hours() {
        let r = req("PUT", &[], Omit);
        let mut headers = h(&[("access-control-allow-origin", "*"), ("access-control-allow-methods", "PUT")]);
        assert_eq!(preflight_check(&r, 204, &headers).unwrap().cache_seconds, 5);
        headers.push(("access-control-max-age".into(), "86400".into()));
        assert_eq!(preflight_check(&r, 204, &headers).unwrap().cache_seconds, 7200);
        let in_engine = |engine| preflight_check_in(engine, &r, 204, &headers).unwrap().cache_seconds;
        assert_eq!((in_engine(Engine::Firefox), in_engine(Engine::WebKit)), (86_400, 600));
    }

    #[test]
    fn readable_headers_are_safelisted_or_exposed_never_set_cookie() {
        let headers = h(&[
            ("content-type", "application/json"),
            ("x-request-id", "1"),
            ("x-other", "2"),
            ("set-cookie", "a=b"),
            ("access-control-expose-headers", "X-Request-Id"),
        ]);
        assert_eq!(readable_response_headers(&req("GET", &[], Include), &headers), vec!["content-type", "x-request-id"]);
        let star = h(&[("x-other", "2"), ("set-cookie", "a=b"), ("access-control-expose-headers", "*")]);
        assert_eq!(readable_response_headers(&req("GET", &[], Omit), &star), vec!["access-control-expose-headers", "x-other"]);
        assert_eq!(readable_response_headers(&req("GET", &[], Include), &star), Vec::<String>::new());
    }

    #[test]
    fn evaluate_tells_the_stage() {
        let json_post = req("POST", &[("Content-Type", "application/json")], Include);
        let refused = h(&[]);
        match evaluate(&json_post, Some((403, &refused)), &[]) {
            Verdict::BlockedAtPreflight { preflight, .. } => assert!(preflight[0].contains("application/json")),
            other => panic!("{other:?}"),
        }
        let simple = req("GET", &[], Include);
        assert!(matches!(evaluate(&simple, None, &[]), Verdict::Blocked { .. }));
        let ok = h(&[("access-control-allow-origin", PAGE), ("access-control-allow-credentials", "true")]);
        assert!(matches!(evaluate(&simple, None, &ok), Verdict::Readable { .. }));
    }
}
