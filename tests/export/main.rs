//! The code export answers like the lab: every preset's Axum export (`export::tower_http`)
//! built against tower-http, every Express export (`export::express`) run under node with
//! express's own `cors`, and the lab's backend under the same policy get the lab's requests,
//! and their `Access-Control-*` headers, and what each browser engine makes of them, are
//! compared (`servers` starts the three). Every difference must be one the export says
//! (`export::gaps`), and every one it says must show; a policy tower-http refuses must be said
//! in words, and tower-http must really refuse it.
//!
//! The Axum exports build once into `target/export-check` (offline, at the workspace's locked
//! versions); a later run rebuilds only the generated program, when an export changed.

mod servers;

use std::{collections::BTreeMap, time::Instant};

use frontend::labs::cors::{
    export::{self, Gap, Library},
    presets::Preset,
};
use shared::cors::{
    AllowOrigin, CorsPolicy, Engine, RefusedPreflight,
    browser::{self, BrowserRequest, CredentialsMode, Verdict},
};
use tower_http::cors::{Any, CorsLayer};

const PAGE: &str = "http://localhost:8080";
/// The page's own origin, another site's, and a sandboxed frame's.
const ORIGINS: [&str; 3] = [PAGE, "http://other.localhost:9000", "null"];

/// A policy, served under `/<id>` by each export's server.
pub struct Case {
    pub id: String,
    pub policy: CorsPolicy,
}

/// Every preset, and settings no preset has: exposed headers and Max-Age, wildcards without
/// credentials, a wildcard with them, and no origin at all.
fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = Preset::ALL.into_iter().map(|p| Case { id: p.id().to_owned(), policy: p.policy(PAGE) }).collect();
    let secure = CorsPolicy::secure_default(PAGE);
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let extras = [
        (
            "exposed-headers",
            CorsPolicy {
                expose_headers: strings(&["X-Request-Id", "Date"]),
                max_age: Some(600),
                refused_preflight: RefusedPreflight::Headers,
                ..secure.clone()
            },
        ),
        (
            "wildcards",
            CorsPolicy {
                allow_origin: AllowOrigin::Any,
                allow_credentials: false,
                allow_methods: strings(&["*"]),
                allow_headers: strings(&["*"]),
                expose_headers: strings(&["*"]),
                max_age: Some(5),
                ..secure.clone()
            },
        ),
        ("headers-star-credentials", CorsPolicy { allow_headers: strings(&["*"]), ..secure.clone() }),
        ("no-origin", CorsPolicy { allow_origin: AllowOrigin::None, refused_preflight: RefusedPreflight::Headers, ..secure }),
    ];
    cases.extend(extras.into_iter().map(|(id, policy)| Case { id: id.to_owned(), policy }));
    cases
}

/// One of the lab's requests, as the page's code makes it.
struct Call {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    credentials: CredentialsMode,
    body: Option<&'static str>,
}

const CALLS: [Call; 6] = [
    Call { name: "JSON POST", method: "POST", path: "/api/login", headers: &[("Content-Type", "application/json")], credentials: CredentialsMode::Include, body: Some("{}") },
    Call { name: "bearer GET", method: "GET", path: "/api/profile", headers: &[("Authorization", "Bearer not-a-token")], credentials: CredentialsMode::Omit, body: None },
    Call { name: "PUT", method: "PUT", path: "/api/profile", headers: &[], credentials: CredentialsMode::Include, body: None },
    Call { name: "custom header", method: "GET", path: "/api/profile", headers: &[("X-Requested-With", "fetch")], credentials: CredentialsMode::Include, body: None },
    Call { name: "GET with cookies", method: "GET", path: "/api/profile", headers: &[], credentials: CredentialsMode::Include, body: None },
    Call { name: "GET without cookies", method: "GET", path: "/api/profile", headers: &[], credentials: CredentialsMode::Omit, body: None },
];

impl Call {
    fn browser_request(&self, origin: &str) -> BrowserRequest {
        BrowserRequest {
            origin: origin.to_owned(),
            method: self.method.to_owned(),
            headers: self.headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            credentials: self.credentials,
        }
    }

    /// `Access-Control-Request-Headers` of its preflight, as a browser writes it.
    fn request_headers(&self) -> Option<String> {
        let names = browser::unsafe_header_names(&self.browser_request(PAGE).headers);
        (!names.is_empty()).then(|| names.join(","))
    }
}

/// An answer's status and `Access-Control-*` headers (names in lower case).
#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
}

/// What one request came to: its preflight's answer, when it needs one, and its own.
#[derive(Clone, Debug)]
struct Exchange {
    preflight: Option<Answer>,
    actual: Answer,
}

async fn send(client: &reqwest::Client, url: &str, method: &str, headers: &[(&str, &str)], body: Option<&str>) -> Answer {
    let mut req = client.request(method.parse().expect("a method"), url);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    if let Some(body) = body {
        req = req.body(body.to_owned());
    }
    let response = req.send().await.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let headers = response
        .headers()
        .iter()
        .filter(|(n, _)| n.as_str().starts_with("access-control-"))
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("<not text>").to_owned()))
        .collect();
    Answer { status: response.status().as_u16(), headers }
}

/// Sends `call` from `origin` to the server at `base`: its preflight when the browser would
/// send one, and the request itself.
async fn exchange(client: &reqwest::Client, base: &str, origin: &str, call: &Call) -> Exchange {
    let url = format!("{base}{}", call.path);
    let needs_preflight = !browser::preflight_reasons(&call.browser_request(origin)).is_empty();
    let preflight = if needs_preflight {
        let mut headers = vec![("Origin", origin), ("Access-Control-Request-Method", call.method)];
        let names = call.request_headers();
        headers.extend(names.as_deref().map(|n| ("Access-Control-Request-Headers", n)));
        Some(send(client, &url, "OPTIONS", &headers, None).await)
    } else {
        None
    };
    let mut headers = vec![("Origin", origin)];
    headers.extend(call.headers.iter().copied());
    Exchange { preflight, actual: send(client, &url, call.method, &headers, call.body).await }
}

/// Every (origin, call) of a case, in `ORIGINS` × `CALLS` order.
async fn exchanges(client: &reqwest::Client, base: &str) -> Vec<Exchange> {
    let mut out = Vec::new();
    for origin in ORIGINS {
        for call in &CALLS {
            out.push(exchange(client, base, origin, call).await);
        }
    }
    out
}

/// The headers as a browser compares them: one value per name, lists as sorted sets, header
/// names case-folded (methods are not: browsers compare them case-sensitively).
fn normal(answer: &Answer) -> BTreeMap<String, String> {
    let mut joined: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in &answer.headers {
        joined.entry(name.clone()).or_default().push(value.clone());
    }
    joined
        .into_iter()
        .map(|(name, values)| {
            let value = values.join(", ");
            let value = match name.as_str() {
                "access-control-allow-methods" | "access-control-allow-headers" | "access-control-expose-headers" => {
                    let fold = name != "access-control-allow-methods";
                    let mut items: Vec<String> = value.split(',').map(str::trim).filter(|i| !i.is_empty()).map(|i| if fold { i.to_ascii_lowercase() } else { i.to_owned() }).collect();
                    items.sort();
                    items.join(", ")
                }
                _ => value.trim().to_owned(),
            };
            (name, value)
        })
        .collect()
}

fn ok(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The gaps that explain how `got` differs from the lab's `lab` answer (`lab_own_way`: the lab's
/// answer under `refused_preflight: headers`), or what no gap explains.
fn explain(policy: &CorsPolicy, call: &Call, preflight: bool, lab: &Answer, lab_own_way: &Answer, got: &Answer) -> (Vec<Gap>, Vec<String>) {
    let mut gaps = Vec::new();
    let mut unexplained = Vec::new();
    let mut base = lab;
    if preflight && policy.enabled && lab.status == 403 && policy.refused_preflight == RefusedPreflight::Forbidden {
        gaps.push(Gap::RefusedPreflight);
        base = lab_own_way;
    }
    if preflight && policy.enabled && ok(base.status) != ok(got.status) {
        unexplained.push(format!("the lab answers the preflight {}, the export {}", base.status, got.status));
    }
    let (lab_h, got_h) = (normal(base), normal(got));
    let requested = call.request_headers().map(|names| normal(&Answer { status: 0, headers: vec![("access-control-allow-headers".to_owned(), names)] }));
    let requested = requested.as_ref().and_then(|r| r.get("access-control-allow-headers"));
    let mut names: Vec<&String> = lab_h.keys().chain(got_h.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let (want, have) = (lab_h.get(name), got_h.get(name));
        if want == have {
            continue;
        }
        let lab_allows_origin = lab_h.contains_key("access-control-allow-origin");
        let gap = match name.as_str() {
            "access-control-allow-credentials" if want.is_none() && !lab_allows_origin => Some(Gap::CredentialsToRefusedOrigins),
            "access-control-expose-headers" if want.is_none() && preflight => Some(Gap::ExposeOnPreflights),
            "access-control-expose-headers" if want.is_none() && !lab_allows_origin => Some(Gap::ExposeToRefusedOrigins),
            "access-control-allow-headers" if want.is_some_and(|w| w == "*") && have == requested => Some(Gap::ReflectsRequestHeaders),
            _ => None,
        };
        match gap {
            Some(gap) if !gaps.contains(&gap) => gaps.push(gap),
            Some(_) => {}
            None => unexplained.push(format!("{name}: the lab sends {want:?}, the export {have:?}")),
        }
    }
    (gaps, unexplained)
}

/// Readable, blocked at the preflight, or blocked: what a browser makes of an exchange.
fn verdict(engine: Engine, request: &BrowserRequest, exchange: &Exchange) -> &'static str {
    let preflight = exchange.preflight.as_ref().map(|a| (a.status, a.headers.as_slice()));
    match browser::evaluate_in(engine, request, preflight, &exchange.actual.headers) {
        Verdict::Readable { .. } => "readable",
        Verdict::BlockedAtPreflight { .. } => "blocked at the preflight",
        Verdict::Blocked { .. } => "blocked",
    }
}

/// The code with its comments unwrapped, so that a sentence is found whatever its line breaks.
fn flat(code: &str) -> String {
    code.replace("\n// ", " ")
}

fn code(library: Library, policy: &CorsPolicy) -> String {
    match library {
        Library::TowerHttp => export::tower_http(policy),
        Library::Express => export::express(policy),
    }
}

/// The `CorsLayer` a policy tower-http refuses would be, written as its settings read.
fn literal_layer(policy: &CorsPolicy) -> CorsLayer {
    let header_names = |items: &[String]| items.iter().map(|n| n.parse::<axum::http::HeaderName>().expect("a header name")).collect::<Vec<_>>();
    let star = |items: &[String]| matches!(items, [only] if only == "*");
    let mut layer = CorsLayer::new().allow_credentials(policy.allow_credentials);
    layer = match &policy.allow_origin {
        AllowOrigin::Any => layer.allow_origin(Any),
        AllowOrigin::List { origins } => layer.allow_origin(origins.iter().map(|o| o.parse::<axum::http::HeaderValue>().expect("an origin")).collect::<Vec<_>>()),
        AllowOrigin::Reflect => layer.allow_origin(tower_http::cors::AllowOrigin::mirror_request()),
        AllowOrigin::None => layer,
    };
    layer = if star(&policy.allow_methods) {
        layer.allow_methods(Any)
    } else {
        layer.allow_methods(policy.allow_methods.iter().map(|m| m.parse::<axum::http::Method>().expect("a method")).collect::<Vec<_>>())
    };
    layer = if star(&policy.allow_headers) { layer.allow_headers(Any) } else { layer.allow_headers(header_names(&policy.allow_headers)) };
    if star(&policy.expose_headers) { layer.expose_headers(Any) } else { layer.expose_headers(header_names(&policy.expose_headers)) }
}

/// tower-http's panic when `layer` is put around a service, if it panics.
fn panic_of(layer: &CorsLayer) -> Option<String> {
    // The expected panic, not printed as if the test had failed (the only test of this binary).
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tower::Layer::layer(layer, ())));
    std::panic::set_hook(hook);
    result.err().map(|payload| payload.downcast_ref::<String>().cloned().or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned())).unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn each_export_answers_like_the_lab() {
    let started = Instant::now();
    let cases = cases();
    let (axum_server, build) = servers::axum_exports(&servers::rust_program(&cases, export::tower_http));
    let express_server = servers::express_exports(&servers::node_program(&cases, export::express));
    let lab = servers::Lab::start().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");

    let mut failures = Vec::new();
    let mut found = Vec::new();
    for case in &cases {
        let policy = &case.policy;
        lab.set_policy(policy);
        let lab_answers = exchanges(&client, &lab.base).await;
        lab.set_policy(&CorsPolicy { refused_preflight: RefusedPreflight::Headers, ..policy.clone() });
        let lab_own_way = exchanges(&client, &lab.base).await;
        for library in Library::ALL {
            let failed_before = failures.len();
            let code = code(library, policy);
            let said = flat(&code);
            let declared = export::gaps(library, policy);
            for gap in &declared {
                if !said.contains(&gap.words(library, policy)) {
                    failures.push(format!("{} {library:?}: the code does not say {gap:?}", case.id));
                }
            }
            if library == Library::TowerHttp
                && let Some(refusal) = export::refusal(policy)
            {
                // Refused in words, and for the reason tower-http gives when it panics.
                let panic = panic_of(&literal_layer(policy)).unwrap_or_else(|| panic!("{}: tower-http builds the layer the export refuses", case.id));
                if !said.contains(&refusal) || said.contains("CorsLayer::new()") || !refusal.contains(&panic) {
                    failures.push(format!("{}: tower-http panics with {panic:?}; the export says:\n{code}", case.id));
                }
                found.push(format!("{:<26} {:<10} refused: {panic}", case.id, "tower-http"));
                continue;
            }
            let base = match library {
                Library::TowerHttp => &axum_server.base,
                Library::Express => &express_server.base,
            };
            let answers = exchanges(&client, &format!("{base}/{}", case.id)).await;
            let mut observed: Vec<Gap> = Vec::new();
            let pairs = ORIGINS.iter().flat_map(|origin| CALLS.iter().map(move |call| (*origin, call)));
            for (i, (origin, call)) in pairs.enumerate() {
                let (lab, own_way, got) = (&lab_answers[i], &lab_own_way[i], &answers[i]);
                let what = format!("{} {library:?}, {} from {origin}", case.id, call.name);
                let mut compare = |preflight: bool, lab: &Answer, own_way: &Answer, got: &Answer| {
                    let (gaps, unexplained) = explain(policy, call, preflight, lab, own_way, got);
                    observed.extend(gaps.into_iter().filter(|g| !observed.contains(g)).collect::<Vec<_>>());
                    let step = if preflight { "preflight" } else { "request" };
                    failures.extend(unexplained.into_iter().map(|u| format!("{what}, {step}: {u}")));
                };
                match (&lab.preflight, &own_way.preflight, &got.preflight) {
                    (Some(l), Some(o), Some(g)) => compare(true, l, o, g),
                    (None, None, None) => {}
                    _ => unreachable!("the same request needs a preflight or not whoever answers"),
                }
                compare(false, &lab.actual, &own_way.actual, &got.actual);
                let request = call.browser_request(origin);
                for engine in Engine::ALL {
                    let (want, have) = (verdict(engine, &request, lab), verdict(engine, &request, got));
                    if want != have {
                        failures.push(format!("{what}: in {} the lab's answers are {want}, the export's {have}", engine.label()));
                    }
                }
            }
            for gap in &observed {
                if !declared.contains(gap) {
                    failures.push(format!("{} {library:?}: {gap:?} shows, and the code does not say it", case.id));
                }
            }
            for gap in &declared {
                if !observed.contains(gap) {
                    failures.push(format!("{} {library:?}: the code says {gap:?}, which never showed", case.id));
                }
            }
            if failures.len() > failed_before {
                failures.push(format!("The code of {} for {library:?}:\n{code}", case.id));
            }
            let names = if observed.is_empty() { "the lab's headers".to_owned() } else { format!("{observed:?}") };
            found.push(format!("{:<26} {:<10} {names}", case.id, if library == Library::TowerHttp { "tower-http" } else { "express" }));
        }
    }
    println!("Each export beside the lab ({} cases; Axum exports built in {:.1} s, all in {:.1} s):", cases.len(), build.as_secs_f64(), started.elapsed().as_secs_f64());
    for line in &found {
        println!("    {line}");
    }
    assert!(failures.is_empty(), "{} difference(s):\n\n{}", failures.len(), failures.join("\n\n"));
}
