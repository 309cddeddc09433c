//! The current policy and request as code a person can paste elsewhere: tower-http, express,
//! raw response headers, the `fetch()` call, and tower-http's `CsrfLayer` for the page's origin.

use shared::cors::{AllowOrigin, CorsPolicy, CorsRequest, Engine, RefusedPreflight, decide};

use crate::lab_request::LabRequest;

/// `text` as a string literal: a JSON string, which JavaScript reads as it is (and Rust too,
/// for the names and origins a policy holds).
fn lit(text: &str) -> String {
    crate::json::to_string(&text)
}

/// How a refused preflight is answered, as a comment beside `middleware`, which answers every
/// preflight itself with the policy's headers (tower-http's `CorsLayer` and express `cors()`
/// both do: their own style is `headers`).
fn refused_preflight_note(policy: &CorsPolicy, middleware: &str) -> String {
    match policy.refused_preflight {
        RefusedPreflight::Headers => format!(
            "// refused_preflight \"headers\", {middleware}'s own way: every preflight gets 204 and these headers; the browser refuses what they do not allow."
        ),
        RefusedPreflight::Forbidden => format!(
            "// refused_preflight \"forbidden\" (403, no CORS headers, as rs/cors-like strict servers answer): {middleware} answers every\n// preflight 204 with these headers instead; refuse a preflight it would not allow in a middleware of your own, before this one."
        ),
    }
}

fn quoted(items: &[String]) -> String {
    items.iter().map(|i| lit(i)).collect::<Vec<_>>().join(", ")
}

/// The policy as a `tower_http::cors::CorsLayer`.
pub fn tower_http(policy: &CorsPolicy) -> String {
    if !policy.enabled {
        return "// CORS off: add no CorsLayer at all.\nlet app = Router::new() /* … */;".to_owned();
    }
    let mut lines = vec!["use tower_http::cors::{AllowOrigin, Any, CorsLayer};".to_owned(), String::new(), "let cors = CorsLayer::new()".to_owned()];
    lines.push(match &policy.allow_origin {
        AllowOrigin::None => "    // no .allow_origin(...): no origin is allowed".to_owned(),
        AllowOrigin::Any => "    .allow_origin(Any)".to_owned(),
        AllowOrigin::Reflect => "    .allow_origin(AllowOrigin::mirror_request()) // DANGER: any site".to_owned(),
        AllowOrigin::List { origins } => format!(
            "    .allow_origin([{}].map(|o| o.parse::<HeaderValue>().unwrap()))",
            quoted(origins)
        ),
    });
    if policy.allow_credentials {
        lines.push("    .allow_credentials(true)".to_owned());
    }
    let list = |items: &[String], method: &str, typed: &str| -> Option<String> {
        match items {
            [] => None,
            [only] if only == "*" => Some(format!("    .{method}(Any)")),
            _ => Some(format!("    .{method}([{}].map(|s| s.parse::<{typed}>().unwrap()))", quoted(items))),
        }
    };
    lines.extend(list(&policy.allow_methods, "allow_methods", "Method"));
    lines.extend(list(&policy.allow_headers, "allow_headers", "HeaderName"));
    lines.extend(list(&policy.expose_headers, "expose_headers", "HeaderName"));
    if let Some(s) = policy.max_age {
        lines.push(format!("    .max_age(Duration::from_secs({s}))"));
    }
    if let Some(last) = lines.last_mut() {
        last.push(';');
    }
    lines.push(String::new());
    lines.push(refused_preflight_note(policy, "CorsLayer"));
    lines.push("let app = Router::new() /* … */ .layer(cors);".to_owned());
    lines.join("\n")
}

/// The policy as options of express's `cors` middleware.
pub fn express(policy: &CorsPolicy) -> String {
    if !policy.enabled {
        return "// CORS off: do not app.use(cors(...)) at all.".to_owned();
    }
    let origin = match &policy.allow_origin {
        AllowOrigin::None => "false".to_owned(),
        AllowOrigin::Any => "\"*\"".to_owned(),
        AllowOrigin::Reflect => "true /* DANGER: reflects any origin */".to_owned(),
        AllowOrigin::List { origins } => format!("[{}]", quoted(origins)),
    };
    let mut opts = vec![format!("  origin: {origin}")];
    opts.push(format!("  credentials: {}", policy.allow_credentials));
    if !policy.allow_methods.is_empty() {
        opts.push(format!("  methods: [{}]", quoted(&policy.allow_methods)));
    }
    if !policy.allow_headers.is_empty() {
        opts.push(format!("  allowedHeaders: [{}]", quoted(&policy.allow_headers)));
    }
    if !policy.expose_headers.is_empty() {
        opts.push(format!("  exposedHeaders: [{}]", quoted(&policy.expose_headers)));
    }
    if let Some(s) = policy.max_age {
        opts.push(format!("  maxAge: {s}"));
    }
    format!("const cors = require(\"cors\");\n\n{}\napp.use(cors({{\n{},\n}}));", refused_preflight_note(policy, "cors()"), opts.join(",\n"))
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

    #[test]
    fn tower_http_code_names_every_setting() {
        let code = tower_http(&Preset::Secure.policy(PAGE));
        for part in ["CorsLayer::new()", "\"http://localhost:8080\"", ".allow_credentials(true)", "\"Authorization\"", "\"POST\""] {
            assert!(code.contains(part), "{part}\n{code}");
        }
        assert!(tower_http(&Preset::ReflectCredentials.policy(PAGE)).contains("mirror_request"));
        assert!(tower_http(&Preset::Off.policy(PAGE)).contains("no CorsLayer"));
    }

    #[test]
    fn how_a_refused_preflight_is_answered_is_said() {
        let mut policy = Preset::Secure.policy(PAGE);
        assert!(tower_http(&policy).contains("refused_preflight \"forbidden\""));
        assert!(express(&policy).contains("refused_preflight \"forbidden\""));
        policy.refused_preflight = RefusedPreflight::Headers;
        assert!(tower_http(&policy).contains("refused_preflight \"headers\", CorsLayer's own way: every preflight gets 204"));
        assert!(express(&policy).contains("refused_preflight \"headers\", cors()'s own way"));
    }

    /// A preset that stands for a library answers refused preflights as that library does,
    /// and its code says so.
    #[test]
    fn express_s_preset_exports_express_s_own_style() {
        let code = express(&Preset::ExpressDefaults.policy(PAGE));
        assert!(code.contains("refused_preflight \"headers\", cors()'s own way"), "{code}");
        assert!(tower_http(&Preset::Secure.policy(PAGE)).contains("as rs/cors-like strict servers answer"));
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
    fn express_options_match_the_policy() {
        let code = express(&Preset::MiniCors.policy(PAGE));
        assert!(code.contains("origin: \"*\""), "{code}");
        assert!(code.contains("credentials: false"), "{code}");
        assert!(code.contains("methods: [\"GET\", \"POST\", \"PUT\", \"DELETE\"]"), "{code}");
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
