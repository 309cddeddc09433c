//! The current policy and request as code a person can paste elsewhere: tower-http, express,
//! raw response headers, the `fetch()` call, and tower-http's `CsrfLayer` for the page's origin.
//!
//! The two libraries' code is what that library really answers, which `tests/export/` checks by
//! running it beside the lab: where the library answers otherwise than the lab, the code says
//! so (`Gap`), and a policy the library refuses outright is said in words instead of exported
//! (`refusal`).

use shared::cors::{AllowOrigin, CorsPolicy, CorsRequest, Engine, Mistake, RefusedPreflight, decide};

use crate::lab_request::LabRequest;

/// `text` as a string literal: a JSON string, which JavaScript reads as it is (and Rust too,
/// for the names and origins a policy holds).
fn lit(text: &str) -> String {
    crate::json::to_string(&text)
}

fn quoted(items: &[String]) -> String {
    items.iter().map(|i| lit(i)).collect::<Vec<_>>().join(", ")
}

/// `text` as `//` comment lines of at most about 110 columns, so that the code block stays
/// readable where it is shown.
fn comment(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::from("//");
    for word in text.split(' ') {
        if line.len() > 2 && line.len() + 1 + word.len() > 110 {
            lines.push(std::mem::replace(&mut line, String::from("//")));
        }
        line.push(' ');
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

fn is_wildcard(list: &[String]) -> bool {
    matches!(list, [only] if only == "*")
}

/// The CORS middleware a policy is exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Library {
    /// `tower_http::cors::CorsLayer` (tower-http 0.7, for axum 0.8).
    TowerHttp,
    /// express's `cors` middleware (2.8).
    Express,
}

impl Library {
    pub const ALL: [Library; 2] = [Library::TowerHttp, Library::Express];

    /// Its name in a sentence.
    pub fn middleware(self) -> &'static str {
        match self {
            Library::TowerHttp => "CorsLayer",
            Library::Express => "cors()",
        }
    }

    /// The status it answers every preflight with, allowed or not.
    pub fn preflight_status(self) -> u16 {
        match self {
            Library::TowerHttp => 200,
            Library::Express => 204,
        }
    }
}

/// Where the exported code answers otherwise than the lab under the same policy. Each is said
/// in the code, worded from the policy (`Gap::words`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// The lab answers a preflight its policy refuses 403 without CORS headers
    /// (`refused_preflight: forbidden`); the library answers every preflight itself.
    RefusedPreflight,
    /// The library sends `Access-Control-Allow-Credentials` to origins the policy does not
    /// allow too; the lab only beside `Access-Control-Allow-Origin`.
    CredentialsToRefusedOrigins,
    /// The same for `Access-Control-Expose-Headers` on the actual answer.
    ExposeToRefusedOrigins,
    /// express sends `Access-Control-Expose-Headers` on preflights too.
    ExposeOnPreflights,
    /// express without `allowedHeaders` sends back `Access-Control-Request-Headers` where the
    /// lab sends `*`.
    ReflectsRequestHeaders,
    /// The lab makes a server mistake on purpose, which the code does not.
    Mistake(Mistake),
}

impl Gap {
    /// The gap in words, from `policy`'s own settings.
    pub fn words(self, library: Library, policy: &CorsPolicy) -> String {
        let mw = library.middleware();
        let status = library.preflight_status();
        match self {
            Gap::RefusedPreflight => format!(
                "refused_preflight \"forbidden\": the lab answers a preflight its policy refuses 403 without any CORS header, as \
                 strict CORS libraries such as Go's rs/cors answer; {mw} answers every preflight itself, {status} with these headers, and the \
                 browser refuses from them instead (the same refusal, other words in the console). For the 403, refuse such a \
                 preflight in a middleware of your own, before this one."
            ),
            Gap::CredentialsToRefusedOrigins => format!(
                "{mw} sends Access-Control-Allow-Credentials: true on every answer, also to an origin the policy does not allow; the \
                 lab sends it only beside Access-Control-Allow-Origin. Without that header the browser ignores it."
            ),
            Gap::ExposeToRefusedOrigins => format!(
                "{mw} sends Access-Control-Expose-Headers: {} on every answer, also to an origin the policy does not allow; the lab \
                 sends it only beside Access-Control-Allow-Origin. Without that header the browser ignores it.",
                policy.expose_headers.join(", ")
            ),
            Gap::ExposeOnPreflights => format!(
                "{mw} sends Access-Control-Expose-Headers: {} on preflights too, where the lab does not: the browser reads it only on \
                 the answer to the request itself.",
                policy.expose_headers.join(", ")
            ),
            Gap::ReflectsRequestHeaders => format!(
                "allowedHeaders is not set, so {mw} sends the preflight's Access-Control-Request-Headers back as \
                 Access-Control-Allow-Headers (none when it names none) where the lab sends Access-Control-Allow-Headers: *. Any \
                 header passes either way, Authorization too, which * never covers in a browser that follows the Fetch standard."
            ),
            Gap::Mistake(mistake) => format!(
                "The lab's mistake {} is on: {}. {mw} does not make it: this code answers as the lab does with no mistake.",
                crate::json::to_string(&mistake),
                mistake.what_answered()
            ),
        }
    }
}

/// Where `library`'s code for `policy` answers otherwise than the lab, in the order the code
/// says them; none for a policy the library refuses (`refusal`), which gets no code.
pub fn gaps(library: Library, policy: &CorsPolicy) -> Vec<Gap> {
    if !policy.enabled || (library == Library::TowerHttp && refusal(policy).is_some()) {
        return vec![];
    }
    let named_origins = matches!(policy.allow_origin, AllowOrigin::List { .. } | AllowOrigin::None);
    let express = library == Library::Express;
    let mut gaps = Vec::new();
    // A policy that allows every origin, method and header refuses no preflight.
    let refuses_some = named_origins || !is_wildcard(&policy.allow_methods) || !is_wildcard(&policy.allow_headers);
    if policy.refused_preflight == RefusedPreflight::Forbidden && refuses_some {
        gaps.push(Gap::RefusedPreflight);
    }
    if policy.allow_credentials && named_origins {
        gaps.push(Gap::CredentialsToRefusedOrigins);
    }
    if !policy.expose_headers.is_empty() && named_origins {
        gaps.push(Gap::ExposeToRefusedOrigins);
    }
    if express && !policy.expose_headers.is_empty() {
        gaps.push(Gap::ExposeOnPreflights);
    }
    if express && reflects_request_headers(policy) {
        gaps.push(Gap::ReflectsRequestHeaders);
    }
    gaps.extend(policy.mistake.map(Gap::Mistake));
    gaps
}

/// A wildcard the policy sends with credentials: tower-http refuses to build such a layer,
/// and browsers take it literally (or refuse it, for the origin).
struct CredentialedWildcard {
    /// The `CorsLayer` call.
    call: &'static str,
    header: &'static str,
    /// What browsers do with it beside `Access-Control-Allow-Credentials: true`.
    browsers: &'static str,
    /// What a working layer does instead.
    instead: &'static str,
}

/// The wildcards `policy` sends with credentials, in the order tower-http checks them
/// (`ensure_usable_cors_rules`), so that the first is the one its panic names.
fn credentialed_wildcards(policy: &CorsPolicy) -> Vec<CredentialedWildcard> {
    if !policy.allow_credentials {
        return vec![];
    }
    let mut out = Vec::new();
    if is_wildcard(&policy.allow_headers) {
        out.push(CredentialedWildcard {
            call: "allow_headers(Any)",
            header: "Access-Control-Allow-Headers",
            browsers: "with credentials browsers take it literally, a header named *, so no request header beyond the safelisted ones passes the preflight",
            instead: "name the headers",
        });
    }
    if is_wildcard(&policy.allow_methods) {
        out.push(CredentialedWildcard {
            call: "allow_methods(Any)",
            header: "Access-Control-Allow-Methods",
            browsers: "with credentials browsers take it literally, a method named *, so only GET, HEAD and POST pass",
            instead: "name the methods",
        });
    }
    if policy.allow_origin == AllowOrigin::Any {
        out.push(CredentialedWildcard {
            call: "allow_origin(Any)",
            header: "Access-Control-Allow-Origin",
            browsers: "browsers refuse every request made with credentials: \"include\" (cookies)",
            instead: "name the origins (AllowOrigin::list)",
        });
    }
    if is_wildcard(&policy.expose_headers) {
        out.push(CredentialedWildcard {
            call: "expose_headers(Any)",
            header: "Access-Control-Expose-Headers",
            browsers: "with credentials browsers take it literally, so the page reads only the safelisted response headers",
            instead: "name the headers",
        });
    }
    out
}

/// Why tower-http refuses `policy`, in words, or `None` when it builds a `CorsLayer` for it:
/// `CorsLayer` panics when it is built with credentials and a wildcard.
pub fn refusal(policy: &CorsPolicy) -> Option<String> {
    let wildcards = credentialed_wildcards(policy);
    let first = wildcards.first()?;
    let calls = wildcards.iter().map(|w| w.call).collect::<Vec<_>>().join(", ");
    let sent = wildcards.iter().map(|w| format!("{}: * ({})", w.header, w.browsers)).collect::<Vec<_>>().join("; ");
    let instead = wildcards.iter().map(|w| w.instead).collect::<Vec<_>>().join(", ");
    Some(format!(
        "tower-http refuses this policy, so no CorsLayer is exported: allow_credentials(true) with {calls} makes CorsLayer panic \
         when it is built (\"{}\"). The lab sends it anyway, to show what browsers make of it: Access-Control-Allow-Credentials: \
         true with {sent}. For a CorsLayer that works: {instead}, or drop allow_credentials(true).",
        tower_http_panic(first.header)
    ))
}

/// tower-http's panic message for credentials with a wildcard `header`.
pub fn tower_http_panic(header: &str) -> String {
    format!("Invalid CORS configuration: Cannot combine `Access-Control-Allow-Credentials: true` with `{header}: *`")
}

/// What everyone can read through `policy`, as a DANGER note, if anyone can.
fn danger(policy: &CorsPolicy) -> Option<String> {
    let with_cookies = if policy.allow_credentials { " with the user's cookies" } else { "" };
    match &policy.allow_origin {
        AllowOrigin::Reflect => Some(format!(
            "DANGER: every request's Origin is sent back in Access-Control-Allow-Origin{}: any website can read these answers{with_cookies}. A lab setting only.",
            if policy.allow_credentials { " with Access-Control-Allow-Credentials: true" } else { "" }
        )),
        AllowOrigin::List { origins } if origins.iter().any(|o| o == "null") => Some(format!(
            "DANGER: \"null\" is in the allowed origins: sandboxed iframes and local files of any site send Origin: null, so any website can read these answers{with_cookies}."
        )),
        _ => None,
    }
}

/// How a refused preflight is answered when the lab answers as the libraries do
/// (`refused_preflight: headers`).
fn own_way_note(library: Library, policy: &CorsPolicy) -> Option<String> {
    (policy.refused_preflight == RefusedPreflight::Headers).then(|| {
        format!(
            "refused_preflight \"headers\", {}'s own way: every preflight gets {} and these headers; the browser refuses what they do not allow.",
            library.middleware(),
            library.preflight_status()
        )
    })
}

/// The notes after the code: how the library's answers differ from the lab's.
fn gap_notes(library: Library, policy: &CorsPolicy) -> Vec<String> {
    own_way_note(library, policy).into_iter().chain(gaps(library, policy).into_iter().map(|gap| gap.words(library, policy))).map(|t| comment(&t)).collect()
}

/// A method as an `http::Method` expression: the constant when there is one.
fn method(name: &str) -> String {
    const KNOWN: [&str; 9] = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "CONNECT", "PATCH", "TRACE"];
    if KNOWN.contains(&name) { format!("Method::{name}") } else { format!("Method::from_bytes(b{}).expect(\"a method name\")", lit(name)) }
}

/// The policy as a function returning a `tower_http::cors::CorsLayer`, with its `use` lines:
/// a piece of Rust that compiles as it is. A policy tower-http refuses is said in words.
pub fn tower_http(policy: &CorsPolicy) -> String {
    const CARGO: &str = "// Cargo.toml: axum = \"0.8\", tower-http = { version = \"0.7\", features = [\"cors\"] }";
    if !policy.enabled {
        return "// CORS off: no CorsLayer at all, so no answer carries a CORS header.\n// let app = Router::new().route(\"/api/profile\", get(profile)) /* … */;".to_owned();
    }
    if let Some(refusal) = refusal(policy) {
        return comment(&refusal);
    }
    let mut http = Vec::new();
    let mut cors = vec!["CorsLayer"];
    let mut calls = Vec::new();
    match &policy.allow_origin {
        AllowOrigin::None => calls.push("// no .allow_origin(...): no origin is allowed".to_owned()),
        AllowOrigin::Any => {
            cors.push("Any");
            calls.push(".allow_origin(Any)".to_owned());
        }
        AllowOrigin::Reflect => {
            cors.push("AllowOrigin");
            calls.push(".allow_origin(AllowOrigin::mirror_request())".to_owned());
        }
        AllowOrigin::List { origins } => {
            http.push("HeaderValue");
            calls.push(format!(".allow_origin([{}].map(HeaderValue::from_static))", quoted(origins)));
        }
    }
    if policy.allow_credentials {
        calls.push(".allow_credentials(true)".to_owned());
    }
    let names = |items: &[String]| items.iter().map(|n| lit(&n.to_ascii_lowercase())).collect::<Vec<_>>().join(", ");
    for (call, items) in [("allow_methods", &policy.allow_methods), ("allow_headers", &policy.allow_headers), ("expose_headers", &policy.expose_headers)] {
        if items.is_empty() {
            continue;
        }
        if is_wildcard(items) {
            if !cors.contains(&"Any") {
                cors.push("Any");
            }
            calls.push(format!(".{call}(Any)"));
        } else if call == "allow_methods" {
            http.push("Method");
            calls.push(format!(".allow_methods([{}])", items.iter().map(|m| method(m)).collect::<Vec<_>>().join(", ")));
        } else {
            if !http.contains(&"HeaderName") {
                http.push("HeaderName");
            }
            // HeaderName::from_static takes lower case only; header names are case-insensitive.
            calls.push(format!(".{call}([{}].map(HeaderName::from_static))", names(items)));
        }
    }
    let mut uses = Vec::new();
    if let Some(seconds) = policy.max_age {
        uses.push("use std::time::Duration;".to_owned());
        calls.push(format!(".max_age(Duration::from_secs({seconds}))"));
    }
    // `use a::{B, C};`, or `use a::B;` for one name, as rustfmt would write them.
    let names_of = |path: &str, mut names: Vec<&str>| {
        names.sort_unstable();
        match names.as_slice() {
            [] => None,
            [one] => Some(format!("use {path}::{one};")),
            _ => Some(format!("use {path}::{{{}}};", names.join(", "))),
        }
    };
    uses.extend(names_of("axum::http", http));
    uses.extend(names_of("tower_http::cors", cors));
    let mut lines = vec![CARGO.to_owned()];
    lines.extend(uses);
    lines.push(String::new());
    lines.extend(danger(policy).map(|d| comment(&d)));
    lines.push("pub fn cors() -> CorsLayer {".to_owned());
    lines.push("    CorsLayer::new()".to_owned());
    lines.extend(calls.into_iter().map(|c| format!("        {c}")));
    lines.push("}".to_owned());
    lines.push(String::new());
    lines.extend(gap_notes(Library::TowerHttp, policy));
    lines.push("// let app = Router::new().route(\"/api/profile\", get(profile)) /* … */ .layer(cors());".to_owned());
    lines.join("\n")
}

/// Whether the express code leaves `allowedHeaders` out, so that `cors()` reflects the
/// requested headers: for `["*"]` without credentials, which lets every header through as `*`
/// does (with credentials browsers take `*` literally, and so must the code).
fn reflects_request_headers(policy: &CorsPolicy) -> bool {
    is_wildcard(&policy.allow_headers) && !policy.allow_credentials
}

/// `cors()`'s own methods, when `methods` is not set.
const EXPRESS_DEFAULT_METHODS: [&str; 6] = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"];

/// The policy as express's `cors` middleware, called as it answers what the lab answers:
/// options at their default are left out, and `cors()` with none is `cors()`'s defaults.
pub fn express(policy: &CorsPolicy) -> String {
    if !policy.enabled {
        return "// CORS off: no app.use(cors(...)) at all, so no answer carries a CORS header.".to_owned();
    }
    let origin = match &policy.allow_origin {
        // An empty list allows no origin but still answers preflights, as the lab does;
        // `origin: false` would skip cors() altogether.
        AllowOrigin::None => "[] /* no origin is allowed */".to_owned(),
        AllowOrigin::Any => "\"*\"".to_owned(),
        AllowOrigin::Reflect => "true /* reflects any origin */".to_owned(),
        // A list even for one origin: a string is sent to every origin, allowed or not.
        AllowOrigin::List { origins } => format!("[{}]", quoted(origins)),
    };
    let mut opts = Vec::new();
    if policy.allow_credentials {
        opts.push("  credentials: true".to_owned());
    }
    if policy.allow_methods.iter().map(String::as_str).ne(EXPRESS_DEFAULT_METHODS) {
        // `[]` sends no Access-Control-Allow-Methods; leaving it out would send cors()'s own.
        opts.push(format!("  methods: [{}]", quoted(&policy.allow_methods)));
    }
    if !reflects_request_headers(policy) {
        // `[]` sends no Access-Control-Allow-Headers; leaving it out would reflect the request's.
        opts.push(format!("  allowedHeaders: [{}]", quoted(&policy.allow_headers)));
    }
    if !policy.expose_headers.is_empty() {
        opts.push(format!("  exposedHeaders: [{}]", quoted(&policy.expose_headers)));
    }
    if let Some(s) = policy.max_age {
        opts.push(format!("  maxAge: {s}"));
    }
    let call = if opts.is_empty() && policy.allow_origin == AllowOrigin::Any {
        "app.use(cors()); // its defaults: origin *, methods GET,HEAD,PUT,PATCH,POST,DELETE, the requested headers, no credentials".to_owned()
    } else {
        opts.insert(0, format!("  origin: {origin}"));
        format!("app.use(cors({{\n{},\n}}));", opts.join(",\n"))
    };
    let mut lines = vec!["const cors = require(\"cors\"); // cors 2.8".to_owned(), String::new()];
    lines.extend(danger(policy).map(|d| comment(&d)));
    lines.extend(credentialed_wildcards(policy).iter().map(|w| {
        comment(&format!("{}: * with Access-Control-Allow-Credentials: true, as the lab sends it: {}.", w.header, w.browsers))
    }));
    lines.push(call);
    lines.extend(gap_notes(Library::Express, policy));
    lines.join("\n")
}

/// The raw `Access-Control-*` headers the policy sends to `origin`: on the preflight of
/// `request`, and on the actual answer.
pub fn raw_headers(policy: &CorsPolicy, origin: &str, request: &LabRequest, token: Option<&str>) -> String {
    let headers = request.headers(token);
    let names = headers.iter().map(|(n, _)| n.to_ascii_lowercase()).collect::<Vec<_>>().join(",");
    let render = |title: &str, req: CorsRequest<'_>| {
        let decision = decide(policy, &req);
        let mut out = vec![title.to_owned()];
        out.extend(decision.headers.iter().map(|(n, v)| format!("{n}: {v}")));
        if decision.vary_origin {
            out.push("vary: Origin".to_owned());
        }
        if out.len() == 1 {
            out.push("(no CORS header)".to_owned());
        }
        out.push(format!("# {}", decision.reason));
        out.join("\n")
    };
    let preflight = render(
        &format!("# preflight: OPTIONS {}", request.path),
        CorsRequest {
            method: "OPTIONS",
            origin: Some(origin),
            request_method: Some(&request.method),
            request_headers: (!names.is_empty()).then_some(names.as_str()),
        },
    );
    let actual = render(
        &format!("# actual request: {} {}", request.method, request.path),
        CorsRequest { method: &request.method, origin: Some(origin), ..Default::default() },
    );
    format!("{preflight}\n\n{actual}")
}

/// tower-http's `CsrfLayer` (0.7, feature `csrf`) trusting the page's `origin`, around the
/// routes that change state: the Fetch Metadata defense, as an API would set it up.
pub fn csrf_layer(origin: &str) -> String {
    let origin = lit(origin);
    format!(
        "// Cargo.toml: tower-http = {{ version = \"0.7\", features = [\"csrf\"] }}
use axum::{{Router, routing::{{get, post}}}};
use tower_http::csrf::CsrfLayer;

// Refuses a write (POST, PUT, PATCH, DELETE) that a page of another origin sends, by its
// Sec-Fetch-Site and Origin headers, with no token: 403. GET, HEAD and OPTIONS always pass,
// so keep every change of state behind a write. `?`: in a fn returning a Result, as an
// origin that cannot be one (a path, another scheme) is a configuration error.
let csrf = CsrfLayer::new().add_trusted_origin({origin})?;
let writes = Router::new()
    .route(\"/api/login\", post(login))
    .route(\"/api/transfer\", post(transfer))
    .route(\"/api/logout\", post(logout))
    .layer(csrf); // .with_rejection_response(...) for a body of your own instead of the empty 403
let app = Router::new()
    .route(\"/api/profile\", get(profile))
    .merge(writes)
    .layer(cors); // CORS outside it: preflights are answered before any route"
    )
}

/// The request as the `fetch()` call the page makes, with what `engine` rejects it with.
pub fn fetch(request: &LabRequest, api: &str, engine: Engine) -> String {
    let mut init = vec![format!("  method: {}", lit(&request.method)), format!("  credentials: {}", lit(request.credentials.as_str()))];
    let headers: Vec<String> = request
        .headers(Some("<token>"))
        .into_iter()
        .map(|(n, v)| format!("    {}: {}", lit(&n), lit(&v)))
        .collect();
    if !headers.is_empty() {
        init.push(format!("  headers: {{\n{},\n  }}", headers.join(",\n")));
    }
    if request.sends_body() {
        init.push(format!("  body: {}", lit(request.body.as_deref().unwrap_or_default())));
    }
    format!(
        "const response = await fetch({}, {{\n{},\n}});\n// Blocked by CORS? Then this line throws {} (in {}).\nconsole.log(response.status, await response.text());",
        lit(&format!("{api}{}", request.path)),
        init.join(",\n"),
        engine.type_error(),
        engine.label()
    )
}

#[cfg(test)]
mod tests {
    use shared::cors::browser::CredentialsMode;

    use super::*;
    use crate::labs::cors::presets::Preset;

    const PAGE: &str = "http://localhost:8080";

    /// The code with its comments unwrapped, so that a sentence is found whatever its line breaks.
    fn flat(code: &str) -> String {
        code.replace("\n// ", " ")
    }

    #[test]
    fn tower_http_code_is_a_whole_piece_naming_every_setting() {
        let code = tower_http(&Preset::Secure.policy(PAGE));
        for part in [
            "use axum::http::{HeaderName, HeaderValue, Method};\nuse tower_http::cors::CorsLayer;",
            "pub fn cors() -> CorsLayer {\n    CorsLayer::new()",
            ".allow_origin([\"http://localhost:8080\"].map(HeaderValue::from_static))",
            ".allow_credentials(true)",
            ".allow_methods([Method::GET, Method::POST])",
            ".allow_headers([\"content-type\", \"authorization\"].map(HeaderName::from_static))",
            ".layer(cors())",
        ] {
            assert!(code.contains(part), "{part}\n{code}");
        }
        assert!(tower_http(&Preset::ReflectCredentials.policy(PAGE)).contains("use tower_http::cors::{AllowOrigin, CorsLayer};"));
        assert!(tower_http(&Preset::Off.policy(PAGE)).contains("no CorsLayer"));
        let mut policy = Preset::MiniCors.policy(PAGE);
        policy.max_age = Some(600);
        policy.allow_methods = vec!["GET".into(), "PURGE".into()];
        let code = tower_http(&policy);
        assert!(code.contains("use std::time::Duration;"), "{code}");
        assert!(code.contains(".max_age(Duration::from_secs(600))"), "{code}");
        assert!(code.contains("[Method::GET, Method::from_bytes(b\"PURGE\").expect(\"a method name\")]"), "{code}");
        assert!(code.contains("use tower_http::cors::{Any, CorsLayer};"), "{code}");
    }

    /// tower-http panics on a wildcard with credentials: the code says so instead of panicking.
    #[test]
    fn a_policy_tower_http_refuses_is_said_not_exported() {
        let code = flat(&tower_http(&Preset::StarWithCredentials.policy(PAGE)));
        assert!(!code.contains("CorsLayer::new()"), "{code}");
        assert!(code.contains("tower-http refuses this policy, so no CorsLayer is exported: allow_credentials(true) with allow_origin(Any)"), "{code}");
        assert!(code.contains(&tower_http_panic("Access-Control-Allow-Origin")), "{code}");
        assert!(code.contains("The lab sends it anyway"), "{code}");
        assert!(code.contains("browsers refuse every request made with credentials: \"include\""), "{code}");
        let mut policy = Preset::Secure.policy(PAGE);
        policy.allow_headers = vec!["*".into()];
        policy.allow_methods = vec!["*".into()];
        let code = flat(&tower_http(&policy));
        assert!(code.contains("with allow_headers(Any), allow_methods(Any) makes"), "{code}");
        assert!(code.contains(&tower_http_panic("Access-Control-Allow-Headers")), "the first check tower-http makes:\n{code}");
        assert!(gaps(Library::TowerHttp, &policy).is_empty());
        // express sends it as asked, and says what browsers make of it.
        let code = flat(&express(&Preset::StarWithCredentials.policy(PAGE)));
        assert!(code.contains("origin: \"*\",\n  credentials: true"), "{code}");
        assert!(code.contains("Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true, as the lab sends it"), "{code}");
    }

    #[test]
    fn origins_anyone_can_send_are_a_danger_in_both_exports() {
        for preset in [Preset::TrustNull, Preset::ReflectCredentials] {
            let policy = preset.policy(PAGE);
            for code in [tower_http(&policy), express(&policy)] {
                let code = flat(&code);
                assert!(code.contains("DANGER: "), "{preset:?}\n{code}");
                assert!(code.contains("any website can read these answers with the user's cookies"), "{preset:?}\n{code}");
            }
        }
        assert!(flat(&express(&Preset::TrustNull.policy(PAGE))).contains("\"null\" is in the allowed origins"));
        assert!(!tower_http(&Preset::Secure.policy(PAGE)).contains("DANGER"));
    }

    #[test]
    fn how_a_refused_preflight_is_answered_is_said() {
        let mut policy = Preset::Secure.policy(PAGE);
        assert!(tower_http(&policy).contains("// refused_preflight \"forbidden\": the lab answers"));
        assert!(flat(&express(&policy)).contains("as strict CORS libraries such as Go's rs/cors answer; cors() answers every preflight itself, 204 with these headers"));
        policy.refused_preflight = RefusedPreflight::Headers;
        assert!(flat(&tower_http(&policy)).contains("refused_preflight \"headers\", CorsLayer's own way: every preflight gets 200"));
        assert!(express(&policy).contains("refused_preflight \"headers\", cors()'s own way: every preflight gets 204"));
        assert!(!gaps(Library::Express, &policy).contains(&Gap::RefusedPreflight));
    }

    /// `cors()` with no options reflects the requested headers: the preset that stands for it
    /// exports exactly that call, and says where it differs from the lab's `*`.
    #[test]
    fn express_defaults_export_cors_with_no_options() {
        let policy = Preset::ExpressDefaults.policy(PAGE);
        let code = express(&policy);
        assert!(code.contains("app.use(cors());"), "{code}");
        assert!(!code.contains("allowedHeaders:"), "{code}");
        assert!(code.contains("refused_preflight \"headers\", cors()'s own way"), "{code}");
        assert_eq!(gaps(Library::Express, &policy), vec![Gap::ReflectsRequestHeaders]);
        assert!(flat(&code).contains(&Gap::ReflectsRequestHeaders.words(Library::Express, &policy)), "{code}");
        assert!(tower_http(&policy).contains(".allow_headers(Any)"));
    }

    #[test]
    fn express_options_are_what_cors_answers() {
        let code = express(&Preset::MiniCors.policy(PAGE));
        assert!(code.contains("origin: \"*\""), "{code}");
        assert!(!code.contains("credentials"), "false is cors()'s default:\n{code}");
        assert!(code.contains("methods: [\"GET\", \"POST\", \"PUT\", \"DELETE\"]"), "{code}");
        // An empty list must be said: left out, cors() would send its own methods and reflect headers.
        let mut policy = Preset::Secure.policy(PAGE);
        policy.allow_methods = vec![];
        policy.allow_headers = vec![];
        policy.allow_origin = AllowOrigin::None;
        let code = express(&policy);
        for part in ["origin: [] /* no origin is allowed */", "methods: []", "allowedHeaders: []"] {
            assert!(code.contains(part), "{part}\n{code}");
        }
        // With credentials `*` is taken literally, and so is it sent.
        policy.allow_headers = vec!["*".into()];
        assert!(express(&policy).contains("allowedHeaders: [\"*\"]"));
        assert!(tower_http(&policy).contains("// no .allow_origin(...)") || refusal(&policy).is_some());
    }

    #[test]
    fn gaps_follow_the_policy_and_are_said() {
        let mut policy = Preset::Secure.policy(PAGE);
        policy.expose_headers = vec!["X-Request-Id".into()];
        assert_eq!(gaps(Library::TowerHttp, &policy), vec![Gap::RefusedPreflight, Gap::CredentialsToRefusedOrigins, Gap::ExposeToRefusedOrigins]);
        assert_eq!(
            gaps(Library::Express, &policy),
            vec![Gap::RefusedPreflight, Gap::CredentialsToRefusedOrigins, Gap::ExposeToRefusedOrigins, Gap::ExposeOnPreflights]
        );
        for library in Library::ALL {
            let code = flat(&if library == Library::TowerHttp { tower_http(&policy) } else { express(&policy) });
            for gap in gaps(library, &policy) {
                assert!(code.contains(&gap.words(library, &policy)), "{library:?} {gap:?}\n{code}");
            }
        }
        assert!(gaps(Library::TowerHttp, &Preset::ReflectCredentials.policy(PAGE)) == vec![Gap::RefusedPreflight]);
        assert!(gaps(Library::TowerHttp, &Preset::Off.policy(PAGE)).is_empty());
    }

    /// A mistake the lab makes on purpose is no library setting: the code says what the lab does.
    #[test]
    fn the_lab_s_mistake_is_said_in_both_exports() {
        for mistake in Mistake::ALL {
            let mut policy = Preset::Secure.policy(PAGE);
            policy.mistake = Some(mistake);
            for code in [tower_http(&policy), express(&policy)] {
                let code = flat(&code);
                assert!(code.contains(&format!("The lab's mistake {} is on: {}.", crate::json::to_string(&mistake), mistake.what_answered())), "{code}");
            }
        }
    }

    #[test]
    fn comments_wrap_at_word_boundaries() {
        let text = "word ".repeat(60);
        let wrapped = comment(text.trim());
        assert!(wrapped.lines().all(|l| l.starts_with("// ") && l.len() <= 110), "{wrapped}");
        assert_eq!(flat(&wrapped), format!("// {}", text.trim()));
    }

    #[test]
    fn the_csrf_layer_trusts_the_page_s_origin_around_the_writes() {
        let code = csrf_layer(PAGE);
        assert!(code.contains("CsrfLayer::new().add_trusted_origin(\"http://localhost:8080\")?"), "{code}");
        assert!(code.contains("features = [\"csrf\"]"), "{code}");
        let writes = code.find("let writes").unwrap();
        assert!(code[writes..].find(".layer(csrf)") < code[writes..].find("get(profile)"), "only the writes are wrapped:\n{code}");
    }

    #[test]
    fn raw_headers_come_from_the_same_engine_as_the_server() {
        let req = LabRequest { bearer: true, ..Default::default() };
        let text = raw_headers(&Preset::ForgotAuthorization.policy(PAGE), PAGE, &req, Some("t"));
        assert!(text.contains("preflight refused: request header authorization"), "{text}");
        assert!(text.contains("access-control-allow-origin: http://localhost:8080"), "{text}");
    }

    #[test]
    fn fetch_code_is_the_request() {
        let req = LabRequest {
            method: "POST".into(),
            path: "/api/login".into(),
            content_type: Some("application/json".into()),
            body: Some("{\"email\":\"a@b.com\"}".into()),
            credentials: CredentialsMode::Include,
            ..Default::default()
        };
        let code = fetch(&req, "http://localhost:3000", Engine::WebKit);
        assert!(code.contains("fetch(\"http://localhost:3000/api/login\""), "{code}");
        assert!(code.contains("credentials: \"include\""), "{code}");
        assert!(code.contains("\"Content-Type\": \"application/json\""), "{code}");
        assert!(code.contains("body: "), "{code}");
        assert!(code.contains("throws TypeError: Load failed (in WebKit (Safari))"), "{code}");
    }
}
