//! The lab CORS policy: the model the user edits, its validation and its presets.

use serde::{Deserialize, Serialize};

use super::engine::Engine;

/// The live CORS policy of the lab API (`/api/*`), exactly as `PUT /control/cors` takes it.
///
/// Settings that browsers refuse (such as `*` with credentials) are valid on purpose:
/// the point of the lab is to watch the browser refuse them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorsPolicy {
    /// `false` behaves as if there were no CORS middleware at all.
    pub enabled: bool,
    pub allow_origin: AllowOrigin,
    pub allow_credentials: bool,
    /// Method names, compared case-sensitively as browsers do, or `["*"]`.
    pub allow_methods: Vec<String>,
    /// Header names, compared case-insensitively, or `["*"]`.
    pub allow_headers: Vec<String>,
    /// Response headers the page may read besides the safelisted ones, or `["*"]`.
    pub expose_headers: Vec<String>,
    /// Seconds for `Access-Control-Max-Age`; `None` omits the header.
    #[serde(default)]
    pub max_age: Option<u32>,
    /// How a preflight that the policy refuses is answered (absent: `forbidden`).
    #[serde(default)]
    pub refused_preflight: RefusedPreflight,
    /// A server mistake the lab makes on purpose around its CORS (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mistake: Option<Mistake>,
}

/// The mistakes servers really make around CORS, which the lab makes on purpose when asked,
/// each with the browser's own words for it. With CORS off there is no CORS to get wrong, so
/// a mistake only acts while the policy is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mistake {
    /// Authentication runs before CORS and answers the preflight, which never carries
    /// credentials, 401.
    AuthBeforeCors,
    /// The router answers the preflight before CORS runs: no route takes `OPTIONS`, 404.
    OptionsNotFound,
    /// The router answers the preflight before CORS runs: the route has no `OPTIONS`, 405.
    OptionsNotAllowed,
    /// CORS adds its headers to the preflight but passes it on (express `cors()` with
    /// `preflightContinue`), and the router answers it 405: headers, but no ok status.
    PreflightPassedOn,
    /// The preflight is redirected (a framework's trailing-slash redirect, 308).
    RedirectedPreflight,
    /// The handler fails, and its error answer (500) skips the CORS headers.
    ErrorWithoutCors,
    /// A proxy and the app both add `Access-Control-Allow-Origin`.
    DoubledAllowOrigin,
    /// `Access-Control-Allow-Origin` names the origin with a trailing slash, as a
    /// `FRONTEND_URL=http://localhost:8080/` setting sends it: to the browser another origin.
    AllowOriginWithSlash,
}

impl Mistake {
    pub const ALL: [Mistake; 8] = [
        Mistake::AuthBeforeCors,
        Mistake::OptionsNotFound,
        Mistake::OptionsNotAllowed,
        Mistake::PreflightPassedOn,
        Mistake::RedirectedPreflight,
        Mistake::ErrorWithoutCors,
        Mistake::DoubledAllowOrigin,
        Mistake::AllowOriginWithSlash,
    ];

    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Mistake::AuthBeforeCors => "auth_before_cors",
            Mistake::OptionsNotFound => "options_not_found",
            Mistake::OptionsNotAllowed => "options_not_allowed",
            Mistake::PreflightPassedOn => "preflight_passed_on",
            Mistake::RedirectedPreflight => "redirected_preflight",
            Mistake::ErrorWithoutCors => "error_without_cors",
            Mistake::DoubledAllowOrigin => "doubled_allow_origin",
            Mistake::AllowOriginWithSlash => "allow_origin_with_slash",
        }
    }

    /// Whether the mistake answers before CORS runs, so that no CORS header is sent.
    pub fn before_cors(self) -> bool {
        !matches!(self, Mistake::PreflightPassedOn | Mistake::DoubledAllowOrigin | Mistake::AllowOriginWithSlash)
    }

    /// What answered instead of the lab, for a mistake that does (`preempts`).
    pub fn what_answered(self) -> &'static str {
        match self {
            Mistake::AuthBeforeCors => "authentication answered the preflight 401 first (a preflight never carries credentials)",
            Mistake::OptionsNotFound => "the router answered the preflight 404 first (no route takes OPTIONS)",
            Mistake::OptionsNotAllowed => "the router answered the preflight 405 first (the route has no OPTIONS method)",
            Mistake::PreflightPassedOn => "CORS added its headers and passed the preflight on to the router, which answered 405",
            Mistake::RedirectedPreflight => "the preflight was redirected (308 to the path with a trailing slash)",
            Mistake::ErrorWithoutCors => "the handler failed, and its error answer (500) skipped the CORS headers",
            Mistake::DoubledAllowOrigin => "a proxy added a second Access-Control-Allow-Origin",
            Mistake::AllowOriginWithSlash => "Access-Control-Allow-Origin names the origin with a trailing slash",
        }
    }

    /// The answer a mistake gives instead of the lab's own, if it is one that does: on a
    /// preflight, or (`ErrorWithoutCors`) on the request itself.
    pub fn preempts(self, preflight: bool) -> Option<Preemption> {
        match (self, preflight) {
            (Mistake::AuthBeforeCors, true) => Some(Preemption::Unauthenticated),
            (Mistake::OptionsNotFound, true) => Some(Preemption::NoOptionsRoute),
            (Mistake::OptionsNotAllowed | Mistake::PreflightPassedOn, true) => Some(Preemption::NoOptionsMethod),
            (Mistake::RedirectedPreflight, true) => Some(Preemption::Redirected),
            (Mistake::ErrorWithoutCors, false) => Some(Preemption::HandlerFailed),
            _ => None,
        }
    }
}

/// An answer a server mistake gives instead of the lab's own (`Mistake::preempts`). A type
/// of its own, apart from `Mistake`, because the mistakes that only change the CORS headers
/// of the lab's answer (a doubled or slashed `Access-Control-Allow-Origin`) have none: what
/// sends an answer cannot be handed one of those.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preemption {
    /// Authentication ran before CORS: 401, a preflight never carries credentials.
    Unauthenticated,
    /// The router ran before CORS and no route takes `OPTIONS`: 404.
    NoOptionsRoute,
    /// The router answered the preflight, the route having no `OPTIONS` method: 405.
    NoOptionsMethod,
    /// A framework's trailing-slash redirect: 308.
    Redirected,
    /// The handler failed, and its error answer skipped the CORS headers: 500.
    HandlerFailed,
}

impl Preemption {
    pub fn status(self) -> u16 {
        match self {
            Preemption::Unauthenticated => 401,
            Preemption::NoOptionsRoute => 404,
            Preemption::NoOptionsMethod => 405,
            Preemption::Redirected => 308,
            Preemption::HandlerFailed => 500,
        }
    }
}

/// How a server answers a preflight its policy refuses. Both styles are common, and the
/// browser's console says different things for each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusedPreflight {
    /// 403 with no `Access-Control-*` header, as rs/cors and jub0bs/cors answer.
    #[default]
    Forbidden,
    /// 204 with the policy's headers, as express `cors()` and tower-http's `CorsLayer` answer
    /// every preflight: the browser compares them with its request and refuses.
    Headers,
}

impl RefusedPreflight {
    pub const ALL: [RefusedPreflight; 2] = [RefusedPreflight::Forbidden, RefusedPreflight::Headers];

    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusedPreflight::Forbidden => "forbidden",
            RefusedPreflight::Headers => "headers",
        }
    }
}

/// Which origins get an `Access-Control-Allow-Origin`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "lowercase", deny_unknown_fields)]
pub enum AllowOrigin {
    /// Never send the header.
    None,
    /// Send `*`.
    Any,
    /// Send the request's origin back when it is in the list (exact match, no case folding).
    List { origins: Vec<String> },
    /// Send back whatever origin came, `null` included: the classic vulnerable setting.
    Reflect,
}

impl CorsPolicy {
    /// The policy at start and after a reset: the playground's own frontend may use
    /// cookies and bearer tokens, nobody else may read the answers.
    pub fn secure_default(frontend_origin: &str) -> Self {
        Self {
            enabled: true,
            allow_origin: AllowOrigin::List { origins: vec![frontend_origin.to_owned()] },
            allow_credentials: true,
            allow_methods: vec!["GET".into(), "POST".into()],
            allow_headers: vec!["Content-Type".into(), "Authorization".into()],
            expose_headers: vec![],
            max_age: None,
            refused_preflight: RefusedPreflight::Forbidden,
            mistake: None,
        }
    }

    /// No CORS middleware at all: the browser blocks every cross-origin read.
    pub fn off(frontend_origin: &str) -> Self {
        Self { enabled: false, ..Self::secure_default(frontend_origin) }
    }

    /// Checks what JSON parsing cannot: that each name could really appear on the wire.
    /// Returns the first problem in words a person can act on.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if let AllowOrigin::List { origins } = &self.allow_origin {
            for origin in origins {
                check_origin(origin).map_err(|PolicyError(why)| PolicyError(format!("allow_origin.origins: {why}")))?;
            }
        }
        check_names("allow_methods", &self.allow_methods)?;
        check_names("allow_headers", &self.allow_headers)?;
        check_names("expose_headers", &self.expose_headers)?;
        Ok(())
    }
}

/// A policy that passed `CorsPolicy::validate`: the only kind the server keeps and a shared
/// link applies, so no code path can forget the check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ValidPolicy(CorsPolicy);

impl TryFrom<CorsPolicy> for ValidPolicy {
    type Error = PolicyError;

    fn try_from(policy: CorsPolicy) -> Result<ValidPolicy, PolicyError> {
        policy.validate().map(|()| ValidPolicy(policy))
    }
}

impl std::ops::Deref for ValidPolicy {
    type Target = CorsPolicy;

    fn deref(&self) -> &CorsPolicy {
        &self.0
    }
}

impl ValidPolicy {
    pub fn into_inner(self) -> CorsPolicy {
        self.0
    }
}

/// Why a policy that parsed cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PolicyError {}

/// An origin as browsers serialise it: `scheme://host[:port]`, or `null`.
/// A trailing slash or a path never matches what a browser sends, so it is refused here
/// with a hint instead of silently never matching.
pub fn check_origin(origin: &str) -> Result<(), PolicyError> {
    if origin == "null" {
        return Ok(());
    }
    let bad = |why: &str| Err(PolicyError(format!("\"{origin}\" {why}")));
    let Some((scheme, rest)) = origin.split_once("://") else {
        return bad("is not an origin: write scheme://host[:port], e.g. http://localhost:8080");
    };
    let scheme_ok = scheme.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && scheme.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c));
    if !scheme_ok {
        return bad("has an invalid scheme: browsers send it in lower case, e.g. http");
    }
    if rest.is_empty() {
        return bad("has no host");
    }
    if rest.contains('/') {
        return bad("has a path or a trailing slash; an Origin header never has one");
    }
    if rest.chars().any(|c| c.is_whitespace() || c.is_control() || c.is_ascii_uppercase()) {
        return bad("contains spaces or capitals; browsers send the host in lower case");
    }
    // A browser sends an international host as its ASCII form (xn--…), and a header value
    // holds no other: a policy naming the Unicode form would match nothing, and exported
    // code would not start.
    if !rest.is_ascii() {
        return bad("is not ASCII; browsers send an international host in its xn-- form");
    }
    Ok(())
}

/// A list of HTTP tokens (RFC 9110 §5.6.2), or exactly `["*"]`.
fn check_names(field: &str, names: &[String]) -> Result<(), PolicyError> {
    if names.len() > 1 && names.iter().any(|n| n == "*") {
        return Err(PolicyError(format!("{field}: \"*\" must stand alone, as [\"*\"]")));
    }
    for name in names {
        if name == "*" {
            continue;
        }
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(PolicyError(format!("{field}: \"{name}\" is not a valid HTTP token")));
        }
    }
    Ok(())
}

/// `tchar` of RFC 9110 §5.6.2.
pub fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_with_a_unicode_host_is_refused_with_its_ascii_form_named() {
        let refused = check_origin("http://bücher.example").unwrap_err().0;
        assert!(refused.contains("xn--"), "{refused}");
        assert!(check_origin("http://xn--bcher-kva.example").is_ok());
    }

    fn parse(json: &str) -> Result<CorsPolicy, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn api_md_default_policy_round_trips() {
        let json = r#"{"enabled":true,"allow_origin":{"mode":"list","origins":["http://localhost:8080"]},
            "allow_credentials":true,"allow_methods":["GET","POST"],
            "allow_headers":["Content-Type","Authorization"],"expose_headers":[],"max_age":null}"#;
        let policy = parse(json).unwrap();
        assert_eq!(policy, CorsPolicy::secure_default("http://localhost:8080"));
        assert_eq!(parse(&serde_json::to_string(&policy).unwrap()).unwrap(), policy);
    }

    #[test]
    fn each_mistake_s_name_is_its_name_on_the_wire() {
        for mistake in Mistake::ALL {
            assert_eq!(serde_json::to_value(mistake).unwrap(), mistake.as_str());
        }
    }

    #[test]
    fn modes_without_origins_parse() {
        for mode in ["none", "any", "reflect"] {
            let json = format!(
                r#"{{"enabled":true,"allow_origin":{{"mode":"{mode}"}},"allow_credentials":false,
                "allow_methods":[],"allow_headers":[],"expose_headers":[],"max_age":5}}"#
            );
            assert!(parse(&json).is_ok(), "{mode}");
        }
    }

    #[test]
    fn unknown_fields_missing_fields_and_wrong_types_do_not_parse() {
        let base = serde_json::to_value(CorsPolicy::secure_default("http://localhost:8080")).unwrap();
        let mut unknown = base.clone();
        unknown["allow_everything"] = true.into();
        let mut missing = base.clone();
        missing.as_object_mut().unwrap().remove("allow_methods");
        let mut wrong_type = base.clone();
        wrong_type["enabled"] = "yes".into();
        let mut bad_mode = base.clone();
        bad_mode["allow_origin"]["mode"] = "some".into();
        let mut negative_age = base;
        negative_age["max_age"] = (-1).into();
        for (name, value) in [
            ("unknown", unknown),
            ("missing", missing),
            ("wrong type", wrong_type),
            ("bad mode", bad_mode),
            ("negative max_age", negative_age),
        ] {
            assert!(serde_json::from_value::<CorsPolicy>(value).is_err(), "{name}");
        }
    }

    #[test]
    fn validation_refuses_what_could_never_match_or_be_sent() {
        let with = |f: &dyn Fn(&mut CorsPolicy)| {
            let mut p = CorsPolicy::secure_default("http://localhost:8080");
            f(&mut p);
            p.validate()
        };
        let list = |o: &str| AllowOrigin::List { origins: vec![o.to_owned()] };
        for origin in ["http://localhost:8080/", "localhost:8080", "http://", "HTTP://x", "http://A", "http://a b"] {
            let refused = with(&|p| p.allow_origin = list(origin)).expect_err(origin).to_string();
            // The policy's field is named; the command line names its flag instead.
            assert!(refused.starts_with(&format!("allow_origin.origins: \"{origin}\" ")), "{refused}");
            assert!(check_origin(origin).expect_err(origin).to_string().starts_with(&format!("\"{origin}\" ")));
        }
        for origin in ["null", "http://127.0.0.1:8080", "https://example.com", "chrome-extension://abc"] {
            assert_eq!(with(&|p| p.allow_origin = list(origin)), Ok(()), "{origin}");
        }
        assert!(with(&|p| p.allow_methods = vec!["GET POST".into()]).is_err());
        assert!(with(&|p| p.allow_headers = vec!["*".into(), "X-A".into()]).is_err());
        assert!(with(&|p| p.expose_headers = vec![String::new()]).is_err());
        assert_eq!(with(&|p| p.allow_headers = vec!["*".into()]), Ok(()));
        assert_eq!(with(&|p| p.allow_methods = vec!["patch".into()]), Ok(()));
    }
}

/// How serious a warning about a policy is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Browsers will refuse what this setting sends: requests fail.
    Refused,
    /// Browsers accept it, and that is the problem: any site can read the answers.
    Vulnerable,
    /// Worth knowing.
    Note,
}

/// What a browser (or an attacker) will make of this policy, in words; the notes that depend
/// on the engine (Max-Age's cap, `*` and Authorization) are worded for `engine`.
pub fn warnings_in(policy: &CorsPolicy, engine: Engine) -> Vec<(Severity, String)> {
    use Severity::*;
    let mut out = Vec::new();
    if !policy.enabled {
        out.push((Note, "CORS is off: every cross-origin read is blocked, but requests still reach the server.".to_owned()));
        return out;
    }
    let creds = policy.allow_credentials;
    match &policy.allow_origin {
        AllowOrigin::None => out.push((Refused, "No origin is allowed: every cross-origin read is blocked.".to_owned())),
        AllowOrigin::Any if creds => out.push((
            Refused,
            "Access-Control-Allow-Origin: * with credentials: browsers refuse every credentialed request (cookies or fetch's credentials: \"include\").".to_owned(),
        )),
        AllowOrigin::Reflect if creds => out.push((
            Vulnerable,
            "Any origin is reflected with credentials: every website can read your users' answers with their cookies. Never do this outside the lab.".to_owned(),
        )),
        AllowOrigin::Reflect => out.push((Vulnerable, "Any origin is reflected: any website can read the answers (without cookies).".to_owned())),
        AllowOrigin::List { origins } if origins.iter().any(|o| o == "null") => out.push((
            Vulnerable,
            "\"null\" is allowed: sandboxed iframes and local files of any site send Origin: null.".to_owned(),
        )),
        _ => {}
    }
    if creds && policy.allow_methods.iter().any(|m| m == "*") {
        out.push((Refused, "Allow-Methods * with credentials is taken literally (a method named \"*\"): only GET, HEAD and POST will work.".to_owned()));
    }
    if creds && policy.allow_headers.iter().any(|h| h == "*") {
        out.push((Refused, "Allow-Headers * with credentials is taken literally: no custom header will pass the preflight.".to_owned()));
    }
    if policy.allow_headers.iter().any(|h| h == "*") {
        out.push((Note, match engine {
            engine if engine.wildcard_covers_authorization() => format!(
                "The Fetch standard says Allow-Headers * never covers Authorization; {} lets it through anyway (so do the other engines the lab tests), a browser that follows the standard would not: list it by name for bearer tokens.",
                engine.label()
            ),
            engine => format!("Allow-Headers * never covers Authorization, in {} as in the Fetch standard: list it by name for bearer tokens.", engine.label()),
        }));
    } else if !policy.allow_headers.iter().any(|h| h.eq_ignore_ascii_case("authorization")) {
        out.push((Refused, "Authorization is not in Allow-Headers: requests with a bearer token fail at the preflight.".to_owned()));
    }
    let cap = engine.max_age_cap();
    if policy.max_age.is_some_and(|s| u64::from(s) > cap) {
        let note = format!("{} caps Access-Control-Max-Age at {cap} s ({}): it keeps the preflight's answer no longer.", engine.label(), engine.max_age_cap_words());
        out.push((Note, note));
    }
    out
}

#[cfg(test)]
mod warning_tests {
    use super::*;

    fn kinds(p: &CorsPolicy) -> Vec<Severity> {
        warnings_in(p, Engine::Chromium).into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn the_secure_default_has_no_warning() {
        assert!(warnings_in(&CorsPolicy::secure_default("http://localhost:8080"), Engine::Chromium).is_empty());
    }

    #[test]
    fn refused_and_vulnerable_settings_are_named() {
        let mut p = CorsPolicy::secure_default("http://localhost:8080");
        p.allow_origin = AllowOrigin::Any;
        assert_eq!(kinds(&p), vec![Severity::Refused]);
        p.allow_origin = AllowOrigin::Reflect;
        assert_eq!(kinds(&p), vec![Severity::Vulnerable]);
        p.allow_headers = vec!["Content-Type".into()];
        assert!(warnings_in(&p, Engine::Chromium).iter().any(|(_, w)| w.contains("Authorization is not in Allow-Headers")));
        p.allow_headers = vec!["*".into()];
        assert!(warnings_in(&p, Engine::Chromium).iter().any(|(_, w)| w.contains("taken literally")));
        p.max_age = Some(86400);
        assert!(warnings_in(&p, Engine::Chromium).iter().any(|(_, w)| w.contains("7200")));
    }

    /// Max-Age's cap is the engine's: 86400 s is over Chromium's and WebKit's, not Firefox's.
    #[test]
    fn engine_notes_speak_of_the_engine() {
        let mut p = CorsPolicy::secure_default("http://localhost:8080");
        p.max_age = Some(86_400);
        let notes = |p: &CorsPolicy, engine| warnings_in(p, engine).into_iter().map(|(_, w)| w).collect::<Vec<_>>().join(" ");
        assert!(notes(&p, Engine::WebKit).contains("WebKit (Safari) caps Access-Control-Max-Age at 600 s (10 minutes)"), "{}", notes(&p, Engine::WebKit));
        assert!(notes(&p, Engine::Chromium).contains("at 7200 s (2 hours)"));
        assert!(!notes(&p, Engine::Firefox).contains("caps"), "{}", notes(&p, Engine::Firefox));
        p.allow_headers = vec!["*".into()];
        assert!(notes(&p, Engine::Firefox).contains("Firefox lets it through anyway"), "{}", notes(&p, Engine::Firefox));
        assert_eq!(warnings_in(&p, Engine::Firefox).len(), warnings_in(&p, Engine::Chromium).len() - 1, "the same warnings but the cap");
    }
}
