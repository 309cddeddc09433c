//! The server side of CORS: policy + request → response headers + a reason in words.
//!
//! The backend's middleware only moves bytes between HTTP and these types; every rule of
//! API.md ("The lab CORS policy") lives here so that it can be tested without a socket.

use serde::{Deserialize, Serialize};

use super::policy::{AllowOrigin, CorsPolicy, Mistake, Preemption, RefusedPreflight};

/// The CORS-relevant parts of an incoming request.
#[derive(Clone, Copy, Debug, Default)]
pub struct CorsRequest<'a> {
    pub method: &'a str,
    pub origin: Option<&'a str>,
    /// `Access-Control-Request-Method`
    pub request_method: Option<&'a str>,
    /// `Access-Control-Request-Headers`, as received (comma-separated).
    pub request_headers: Option<&'a str>,
}

impl CorsRequest<'_> {
    /// A preflight is an `OPTIONS` with both `Origin` and `Access-Control-Request-Method`;
    /// any other `OPTIONS` is an ordinary request.
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && self.origin.is_some() && self.request_method.is_some()
    }
}

/// What the server does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Answer the preflight now, without running the route, with the decision's headers:
    /// 204 when the policy allows it; when it refuses, as `refused_preflight` says: 403 with
    /// no CORS header, or 204 with the policy's headers for the browser to refuse.
    AnswerPreflight { allowed: bool },
    /// Run the route and add `headers` to its response.
    Continue,
    /// The lab's mistake answers instead (`Mistake::preempts`), with the decision's headers:
    /// none for a mistake made before CORS runs. `Reason::Preempted` names the mistake.
    Preempted(Preemption),
}

/// The verdict for one request, computed from one policy snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision<'a> {
    pub action: Action,
    /// `Access-Control-*` headers to send, names in lower case, each value named as data
    /// (`Value`): the backend sends the header values it wrote when the policy was set, the
    /// page writes them out as text.
    pub headers: Vec<(&'static str, Value<'a>)>,
    /// Whether the answer depends on `Origin`, so `Vary: Origin` must be appended.
    pub vary_origin: bool,
    /// Which rule decided; rendered in words (`Display`) only when someone reads the log.
    pub reason: Reason,
}

/// A header value as a decision names it, borrowed from the request or the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// The request's own `Origin`, sent back.
    Origin(&'a str),
    /// The origin with a trailing slash (`Mistake::AllowOriginWithSlash`).
    OriginWithSlash(&'a str),
    /// `*`
    Any,
    /// `true`
    True,
    /// One of the policy's lists, written comma-separated.
    List(&'a [String]),
    /// `Access-Control-Max-Age`, in seconds.
    Seconds(u32),
}

impl std::fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Origin(origin) => f.write_str(origin),
            Self::OriginWithSlash(origin) => write!(f, "{origin}/"),
            Self::Any => f.write_str("*"),
            Self::True => f.write_str("true"),
            Self::List(items) => f.write_str(&items.join(", ")),
            Self::Seconds(seconds) => write!(f, "{seconds}"),
        }
    }
}

/// Which rule of the policy decided: data on the wire (`LogEntry::cors`), worded by `Display`
/// where it is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Off,
    NoOrigin,
    Allowed { origin: OriginRule },
    Refused { preflight: bool, why: Refusal },
    /// CORS never ran: the lab's mistake answered first (`Mistake::before_cors`).
    Preempted { by: Mistake },
}

/// How an origin was allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginRule {
    InList,
    Any,
    Reflected,
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    ModeNone,
    NotInList { origin: String },
    Method { method: String, allowed: String },
    Header { name: String, allowed: String },
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Off => f.write_str("CORS is off: no CORS headers are sent, whatever the request"),
            Self::NoOrigin => f.write_str("no Origin header: not a CORS request, no CORS headers"),
            Self::Allowed { origin: OriginRule::InList } => f.write_str("allowed: origin is in the list"),
            Self::Allowed { origin: OriginRule::Any } => f.write_str("allowed: any origin (*)"),
            Self::Allowed { origin: OriginRule::Reflected } => f.write_str("allowed: origin reflected (any origin is accepted)"),
            Self::Refused { preflight: true, why } => write!(f, "preflight refused: {why}"),
            // Whether the route ran is the entry's outcome to say (a defense may have refused it).
            Self::Refused { preflight: false, why } => {
                write!(f, "refused: {why}; without Access-Control-Allow-Origin the browser keeps the answer from the page")
            }
            Self::Preempted { by } => write!(f, "CORS never ran: {}", by.what_answered()),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ModeNone => f.write_str("allow_origin is \"none\": no origin is ever allowed"),
            Self::NotInList { origin } => write!(f, "origin {origin} is not in the list (exact match)"),
            Self::Method { method, allowed } => {
                write!(f, "method {method} is not in allow_methods [{allowed}] (methods match case-sensitively)")
            }
            Self::Header { name, allowed } => write!(f, "request header {name} is not in allow_headers [{allowed}]"),
        }
    }
}

pub const ALLOW_ORIGIN: &str = "access-control-allow-origin";
pub const ALLOW_CREDENTIALS: &str = "access-control-allow-credentials";
pub const ALLOW_METHODS: &str = "access-control-allow-methods";
pub const ALLOW_HEADERS: &str = "access-control-allow-headers";
pub const EXPOSE_HEADERS: &str = "access-control-expose-headers";
pub const MAX_AGE: &str = "access-control-max-age";

/// Applies `policy` to `req`.
pub fn decide<'a>(policy: &'a CorsPolicy, req: &CorsRequest<'a>) -> Decision<'a> {
    if !policy.enabled {
        return Decision { action: Action::Continue, headers: vec![], vary_origin: false, reason: Reason::Off };
    }
    let vary_origin = matches!(policy.allow_origin, AllowOrigin::List { .. } | AllowOrigin::Reflect);
    if let Some(mistake) = policy.mistake
        && mistake.before_cors()
        && let Some(answer) = mistake.preempts(req.is_preflight())
    {
        return Decision { action: Action::Preempted(answer), headers: vec![], vary_origin, reason: Reason::Preempted { by: mistake } };
    }
    let Some(origin) = req.origin else {
        return Decision { action: Action::Continue, headers: vec![], vary_origin, reason: Reason::NoOrigin };
    };
    let preflight = req.is_preflight();
    let allowed_origin: Result<(Value<'a>, OriginRule), Refusal> = match &policy.allow_origin {
        AllowOrigin::None => Err(Refusal::ModeNone),
        AllowOrigin::Any => Ok((Value::Any, OriginRule::Any)),
        AllowOrigin::Reflect => Ok((sent_back(policy, origin), OriginRule::Reflected)),
        AllowOrigin::List { origins } if origins.iter().any(|o| o == origin) => Ok((sent_back(policy, origin), OriginRule::InList)),
        AllowOrigin::List { .. } => Err(Refusal::NotInList { origin: origin.to_owned() }),
    };

    if !preflight {
        let Ok((allow_origin, rule)) = allowed_origin else {
            let why = allowed_origin.err().unwrap_or(Refusal::ModeNone);
            return Decision { action: Action::Continue, headers: vec![], vary_origin, reason: Reason::Refused { preflight, why } };
        };
        let mut headers = allow_origin_headers(policy, allow_origin);
        if policy.allow_credentials {
            headers.push((ALLOW_CREDENTIALS, Value::True));
        }
        if !policy.expose_headers.is_empty() {
            headers.push((EXPOSE_HEADERS, Value::List(&policy.expose_headers)));
        }
        return Decision { action: Action::Continue, headers, vary_origin, reason: Reason::Allowed { origin: rule } };
    }

    // A preflight: the origin, then the method, then each requested header.
    let verdict = allowed_origin.as_ref().map_err(Clone::clone).and_then(|(_, rule)| {
        let method = req.request_method.unwrap_or_default();
        if !is_wildcard(&policy.allow_methods) && !policy.allow_methods.iter().any(|m| m == method) {
            return Err(Refusal::Method { method: method.to_owned(), allowed: policy.allow_methods.join(", ") });
        }
        if !is_wildcard(&policy.allow_headers)
            && let Some(name) = parse_header_list(req.request_headers.unwrap_or_default())
                .find(|name| !policy.allow_headers.iter().any(|h| h.eq_ignore_ascii_case(name)))
        {
            return Err(Refusal::Header { name: name.to_owned(), allowed: policy.allow_headers.join(", ") });
        }
        Ok(*rule)
    });
    let allowed = verdict.is_ok();
    let reason = match verdict {
        Ok(rule) => Reason::Allowed { origin: rule },
        Err(why) => Reason::Refused { preflight, why },
    };
    let headers = if allowed || policy.refused_preflight == RefusedPreflight::Headers {
        preflight_headers(policy, allowed_origin.ok().map(|(value, _)| value))
    } else {
        vec![]
    };
    let action = match policy.mistake {
        // CORS added its headers and passed the preflight on to the router, which has no OPTIONS.
        Some(Mistake::PreflightPassedOn) => Action::Preempted(Preemption::NoOptionsMethod),
        _ => Action::AnswerPreflight { allowed },
    };
    Decision { action, headers, vary_origin, reason }
}

/// The policy's preflight headers; `Access-Control-Allow-Origin` only for an allowed origin.
fn preflight_headers<'a>(policy: &'a CorsPolicy, allow_origin: Option<Value<'a>>) -> Vec<(&'static str, Value<'a>)> {
    let mut headers = Vec::with_capacity(5);
    if let Some(value) = allow_origin {
        headers.extend(allow_origin_headers(policy, value));
    }
    if policy.allow_credentials {
        headers.push((ALLOW_CREDENTIALS, Value::True));
    }
    if !policy.allow_methods.is_empty() {
        headers.push((ALLOW_METHODS, Value::List(&policy.allow_methods)));
    }
    if !policy.allow_headers.is_empty() {
        headers.push((ALLOW_HEADERS, Value::List(&policy.allow_headers)));
    }
    if let Some(seconds) = policy.max_age {
        headers.push((MAX_AGE, Value::Seconds(seconds)));
    }
    headers
}

/// The origin as the policy sends it back: as it came, or with the mistake's trailing slash.
fn sent_back<'a>(policy: &CorsPolicy, origin: &'a str) -> Value<'a> {
    match policy.mistake {
        Some(Mistake::AllowOriginWithSlash) => Value::OriginWithSlash(origin),
        _ => Value::Origin(origin),
    }
}

/// `Access-Control-Allow-Origin`: once, or twice when a proxy adds it too (the mistake).
fn allow_origin_headers<'a>(policy: &CorsPolicy, value: Value<'a>) -> Vec<(&'static str, Value<'a>)> {
    let mut headers = Vec::with_capacity(5);
    headers.push((ALLOW_ORIGIN, value));
    if policy.mistake == Some(Mistake::DoubledAllowOrigin) {
        headers.push((ALLOW_ORIGIN, value));
    }
    headers
}

fn is_wildcard(list: &[String]) -> bool {
    matches!(list, [only] if only == "*")
}

/// The names of `Access-Control-Request-Headers`: comma-separated, spaces and empty
/// elements tolerated. Lazy, so a flood of commas costs no allocation.
pub fn parse_header_list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRONT: &str = "http://localhost:8080";

    /// What the secure default answers an allowed preflight from `FRONT`.
    const SECURE_PREFLIGHT_ANSWER: &[(&str, &str)] = &[
        (ALLOW_ORIGIN, FRONT),
        (ALLOW_CREDENTIALS, "true"),
        (ALLOW_METHODS, "GET, POST"),
        (ALLOW_HEADERS, "Content-Type, Authorization"),
    ];

    fn secure() -> CorsPolicy {
        CorsPolicy::secure_default(FRONT)
    }

    fn actual<'a>(method: &'a str, origin: Option<&'a str>) -> CorsRequest<'a> {
        CorsRequest { method, origin, ..Default::default() }
    }

    fn preflight<'a>(origin: &'a str, method: &'a str, headers: Option<&'a str>) -> CorsRequest<'a> {
        CorsRequest { method: "OPTIONS", origin: Some(origin), request_method: Some(method), request_headers: headers }
    }

    fn header(d: &Decision<'_>, name: &str) -> Option<String> {
        d.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
    }

    struct Row {
        name: &'static str,
        policy: CorsPolicy,
        request: CorsRequest<'static>,
        action: Action,
        headers: &'static [(&'static str, &'static str)],
        vary: bool,
        reason_has: &'static str,
    }

    fn with(f: impl FnOnce(&mut CorsPolicy)) -> CorsPolicy {
        let mut p = secure();
        f(&mut p);
        p
    }

    fn rows() -> Vec<Row> {
        use Action::*;
        vec![
            Row {
                name: "allowed actual request: origin echoed once, credentials, Vary",
                policy: secure(),
                request: actual("GET", Some(FRONT)),
                action: Continue,
                headers: &[(ALLOW_ORIGIN, FRONT), (ALLOW_CREDENTIALS, "true")],
                vary: true,
                reason_has: "origin is in the list",
            },
            Row {
                name: "refused origin: no CORS header, the route still runs",
                policy: secure(),
                request: actual("GET", Some("http://evil.example")),
                action: Continue,
                headers: &[],
                vary: true,
                reason_has: "not in the list",
            },
            Row {
                name: "exact match: 127.0.0.1 is another origin than localhost",
                policy: secure(),
                request: actual("GET", Some("http://127.0.0.1:8080")),
                action: Continue,
                headers: &[],
                vary: true,
                reason_has: "not in the list",
            },
            Row {
                name: "exact match: no case folding",
                policy: secure(),
                request: actual("GET", Some("http://LOCALHOST:8080")),
                action: Continue,
                headers: &[],
                vary: true,
                reason_has: "not in the list",
            },
            Row {
                name: "no Origin: nothing to decide, but the answer still varies by Origin",
                policy: secure(),
                request: actual("GET", None),
                action: Continue,
                headers: &[],
                vary: true,
                reason_has: "no Origin",
            },
            Row {
                name: "CORS off: no header even for an allowed origin, preflight goes to the router",
                policy: CorsPolicy::off(FRONT),
                request: preflight(FRONT, "GET", None),
                action: Continue,
                headers: &[],
                vary: false,
                reason_has: "CORS is off",
            },
            Row {
                name: "allowed preflight: methods, headers, no expose",
                policy: secure(),
                request: preflight(FRONT, "POST", Some("content-type")),
                action: AnswerPreflight { allowed: true },
                headers: SECURE_PREFLIGHT_ANSWER,
                vary: true,
                reason_has: "origin is in the list",
            },
            Row {
                name: "preflight header names: case-insensitive, spaces and empty elements tolerated",
                policy: secure(),
                request: preflight(FRONT, "GET", Some(" ,AUTHORIZATION,, content-TYPE ,")),
                action: AnswerPreflight { allowed: true },
                headers: SECURE_PREFLIGHT_ANSWER,
                vary: true,
                reason_has: "allowed",
            },
            Row {
                name: "preflight with a header not allowed: 403, no CORS header",
                policy: secure(),
                request: preflight(FRONT, "GET", Some("x-custom")),
                action: AnswerPreflight { allowed: false },
                headers: &[],
                vary: true,
                reason_has: "request header x-custom is not in allow_headers",
            },
            Row {
                name: "preflight with a method not allowed",
                policy: secure(),
                request: preflight(FRONT, "DELETE", None),
                action: AnswerPreflight { allowed: false },
                headers: &[],
                vary: true,
                reason_has: "method DELETE is not in allow_methods",
            },
            Row {
                name: "methods compare case-sensitively",
                policy: secure(),
                request: preflight(FRONT, "post", None),
                action: AnswerPreflight { allowed: false },
                headers: &[],
                vary: true,
                reason_has: "method post",
            },
            Row {
                name: "preflight from an origin not in the list",
                policy: secure(),
                request: preflight("http://evil.example", "GET", None),
                action: AnswerPreflight { allowed: false },
                headers: &[],
                vary: true,
                reason_has: "origin http://evil.example is not in the list",
            },
            Row {
                name: "mode none refuses every preflight",
                policy: with(|p| p.allow_origin = AllowOrigin::None),
                request: preflight(FRONT, "GET", None),
                action: AnswerPreflight { allowed: false },
                headers: &[],
                vary: false,
                reason_has: "\"none\"",
            },
            Row {
                name: "any + credentials: * and true are sent anyway (the browser refuses)",
                policy: with(|p| p.allow_origin = AllowOrigin::Any),
                request: actual("GET", Some("http://evil.example")),
                action: Continue,
                headers: &[(ALLOW_ORIGIN, "*"), (ALLOW_CREDENTIALS, "true")],
                vary: false,
                reason_has: "any origin",
            },
            Row {
                name: "reflect sends back any origin, null included",
                policy: with(|p| p.allow_origin = AllowOrigin::Reflect),
                request: actual("POST", Some("null")),
                action: Continue,
                headers: &[(ALLOW_ORIGIN, "null"), (ALLOW_CREDENTIALS, "true")],
                vary: true,
                reason_has: "reflected",
            },
            Row {
                name: "null is allowed only when listed",
                policy: secure(),
                request: actual("GET", Some("null")),
                action: Continue,
                headers: &[],
                vary: true,
                reason_has: "not in the list",
            },
            Row {
                name: "wildcards: * for methods and headers, max-age, expose on actual only",
                policy: with(|p| {
                    p.allow_methods = vec!["*".into()];
                    p.allow_headers = vec!["*".into()];
                    p.allow_credentials = false;
                    p.max_age = Some(600);
                }),
                request: preflight(FRONT, "PATCH", Some("x-anything")),
                action: AnswerPreflight { allowed: true },
                headers: &[
                    (ALLOW_ORIGIN, FRONT),
                    (ALLOW_METHODS, "*"),
                    (ALLOW_HEADERS, "*"),
                    (MAX_AGE, "600"),
                ],
                vary: true,
                reason_has: "allowed",
            },
            Row {
                name: "expose headers on an actual request",
                policy: with(|p| p.expose_headers = vec!["X-Request-Id".into(), "Date".into()]),
                request: actual("GET", Some(FRONT)),
                action: Continue,
                headers: &[(ALLOW_ORIGIN, FRONT), (ALLOW_CREDENTIALS, "true"), (EXPOSE_HEADERS, "X-Request-Id, Date")],
                vary: true,
                reason_has: "allowed",
            },
            Row {
                name: "OPTIONS without Access-Control-Request-Method is an ordinary request",
                policy: secure(),
                request: actual("OPTIONS", Some(FRONT)),
                action: Continue,
                headers: &[(ALLOW_ORIGIN, FRONT), (ALLOW_CREDENTIALS, "true")],
                vary: true,
                reason_has: "allowed",
            },
        ]
    }

    #[test]
    fn table_of_api_md_rules() {
        for row in rows() {
            let d = decide(&row.policy, &row.request);
            assert_eq!(d.action, row.action, "{}", row.name);
            let written: Vec<(&str, String)> = d.headers.iter().map(|(n, v)| (*n, v.to_string())).collect();
            let expected: Vec<(&str, String)> = row.headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect();
            assert_eq!(written, expected, "{}", row.name);
            assert_eq!(d.vary_origin, row.vary, "{}", row.name);
            let reason = d.reason.to_string();
            assert!(reason.contains(row.reason_has), "{}: reason {reason:?}", row.name);
            assert!(
                d.headers.iter().filter(|(n, _)| *n == ALLOW_ORIGIN).count() <= 1,
                "{}: at most one Access-Control-Allow-Origin",
                row.name
            );
        }
    }

    #[test]
    fn a_refused_preflight_carries_no_cors_header_by_default() {
        let policy = secure();
        let d = decide(&policy, &preflight(FRONT, "PUT", Some("x-a")));
        assert_eq!(d.action, Action::AnswerPreflight { allowed: false });
        assert_eq!(header(&d, ALLOW_ORIGIN), None);
        assert!(d.headers.is_empty());
    }

    #[test]
    fn in_the_headers_style_a_refused_preflight_gets_the_policy_s_headers() {
        let policy = with(|p| p.refused_preflight = RefusedPreflight::Headers);
        // A header the policy does not allow: the origin is allowed, so it is echoed.
        let d = decide(&policy, &preflight(FRONT, "GET", Some("x-custom")));
        assert_eq!(d.action, Action::AnswerPreflight { allowed: false });
        assert!(d.reason.to_string().contains("x-custom"), "{}", d.reason);
        assert_eq!(header(&d, ALLOW_ORIGIN).as_deref(), Some(FRONT));
        assert_eq!(header(&d, ALLOW_HEADERS).as_deref(), Some("Content-Type, Authorization"));
        assert_eq!(header(&d, ALLOW_METHODS).as_deref(), Some("GET, POST"));
        // A foreign origin: everything but Access-Control-Allow-Origin.
        let d = decide(&policy, &preflight("http://evil.example", "GET", None));
        assert_eq!(header(&d, ALLOW_ORIGIN), None);
        assert_eq!(header(&d, ALLOW_CREDENTIALS).as_deref(), Some("true"));
    }

    #[test]
    fn comma_flood_is_handled_lazily() {
        let flood = ",".repeat(100_000);
        let policy = secure();
        let d = decide(&policy, &preflight(FRONT, "GET", Some(&flood)));
        assert_eq!(d.action, Action::AnswerPreflight { allowed: true });
    }
}
