//! The proof that the page's explanations are the browser's: seeded random scenarios (policy ×
//! method × headers × content type × credentials × origin), each sent by `fetch` from a page of
//! the UI's origin to the real backend. For each, the lab's prediction (`shared::cors::predict`)
//! must equal what happened: readable or blocked, preflight or not, which requests reached the
//! server, in Chromium the `corsError` the DevTools protocol reports, and in Chromium and
//! Firefox the console's sentence (WebKit's driver shows no console). A disagreement prints its
//! seed and scenario.
//!
//! `PLAYGROUND_DIFF_SEED` replays a run; `PLAYGROUND_DIFF_SCENARIOS` sets how many (by default
//! 300 in Chromium, 100 in the other engines).

use e2e::{Engine, Lab, cors_error_of, cors_line_of};
use serde_json::json;
use shared::cors::{
    AllowOrigin, CorsPolicy, RefusedPreflight, console,
    browser::{BrowserRequest, CredentialsMode, Verdict},
    predict::{Prediction, predict},
};

/// Seeded, so a seed replays a run exactly.
struct Rng(fastrand::Rng);

impl Rng {
    fn pick<T: Clone>(&mut self, from: &[T]) -> T {
        from[self.0.usize(..from.len())].clone()
    }

    fn chance(&mut self, percent: u8) -> bool {
        self.0.u8(..100) < percent
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn random_policy(rng: &mut Rng, page: &str) -> CorsPolicy {
    let allow_origin = match rng.0.u8(..5) {
        0 => AllowOrigin::None,
        1 => AllowOrigin::Any,
        2 => AllowOrigin::List { origins: vec![page.to_owned()] },
        3 => AllowOrigin::List { origins: vec!["http://127.0.0.1:1".to_owned()] },
        _ => AllowOrigin::Reflect,
    };
    CorsPolicy {
        enabled: rng.chance(90),
        allow_origin,
        allow_credentials: rng.chance(50),
        allow_methods: rng.pick(&[strings(&["GET", "POST"]), strings(&["GET", "POST", "PUT", "DELETE"]), strings(&["*"]), strings(&["GET"])]),
        allow_headers: rng.pick(&[strings(&["Content-Type", "Authorization"]), strings(&["Content-Type"]), strings(&["*"]), strings(&["X-Custom", "Authorization"]), vec![]]),
        expose_headers: rng.pick(&[vec![], strings(&["*"])]),
        max_age: None,
        refused_preflight: rng.pick(&[RefusedPreflight::Forbidden, RefusedPreflight::Headers]),
        // Each server mistake has its own test in every engine (`mistakes.rs`).
        mistake: None,
    }
}

fn random_request(rng: &mut Rng, page: &str) -> BrowserRequest {
    let method = rng.pick(&["GET", "POST", "PUT", "DELETE"]).to_owned();
    let mut headers = Vec::new();
    if method != "GET" {
        let content_type = rng.pick(&[None, Some("text/plain;charset=UTF-8"), Some("application/json"), Some("application/x-www-form-urlencoded")]);
        if let Some(content_type) = content_type {
            headers.push(("Content-Type".to_owned(), content_type.to_owned()));
        }
    }
    if rng.chance(30) {
        headers.push(("Authorization".to_owned(), "Bearer not-a-token".to_owned()));
    }
    if rng.chance(25) {
        headers.push(("X-Custom".to_owned(), "1".to_owned()));
    }
    BrowserRequest { origin: page.to_owned(), method, headers, credentials: rng.pick(&CredentialsMode::ALL) }
}

/// Sends `fetch(url, init)` from the page and answers whether it could read the answer.
const FETCH: &str = r#"
const [url, init, done] = arguments;
fetch(url, init).then(r => done({ read: true, status: r.status }), e => done({ read: false, error: String(e) }));
"#;

/// What happened, in the terms of a `Prediction`.
#[derive(Debug, PartialEq)]
struct Observed {
    readable: bool,
    preflight: bool,
    reached: Vec<String>,
    cors_error: Option<String>,
    console: Option<String>,
}

/// The prediction in the terms of what can be observed in `engine`. `statuses` are those of
/// the answers the server logged, preflight first: the console names the failed one's.
fn expected(p: &Prediction, engine: Engine, url: &str, origin: &str, statuses: &[(String, u16)]) -> Observed {
    let block = match &p.verdict {
        Verdict::Readable { .. } => None,
        Verdict::Blocked { block, .. } | Verdict::BlockedAtPreflight { block, .. } => Some(block),
    };
    let status_of = |preflight: bool| statuses.iter().find(|(method, _)| (method == "OPTIONS") == preflight).map_or(0, |(_, s)| *s);
    let shows_console = engine != Engine::WebKit;
    Observed {
        readable: p.readable(),
        preflight: p.preflight,
        reached: p.reached.clone(),
        cors_error: block.filter(|_| engine == Engine::Chromium).map(|b| b.chromium_name()),
        console: block.filter(|_| shows_console).map(|b| engine.console_message(b, url, origin, status_of(b.preflight))),
    }
}

#[tokio::test]
async fn the_lab_predicts_what_the_browser_does() {
    let lab = Lab::start().await;
    let b = &lab.browser;
    let engine = b.engine;
    let seed: u64 = std::env::var("PLAYGROUND_DIFF_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_c0de);
    let default_count = if engine == Engine::Chromium { 300 } else { 100 };
    let count: usize = std::env::var("PLAYGROUND_DIFF_SCENARIOS").ok().and_then(|s| s.parse().ok()).unwrap_or(default_count);
    b.client.goto(&lab.frontend.blank_url()).await.unwrap();
    let page = lab.frontend.origin.clone();
    // Start from empty logs: only the scenarios' own events are read.
    let _ = b.devtools_events().await;
    let _ = b.console().await;

    let mut rng = Rng(fastrand::Rng::with_seed(seed));
    let mut disagreements = Vec::new();
    for n in 0..count {
        let (policy, request) = (random_policy(&mut rng, &page), random_request(&mut rng, &page));
        let put = lab.http.put(format!("{}/control/cors", lab.backend.api)).json(&policy).send().await.unwrap();
        assert_eq!(put.status(), 200, "scenario {n}: the policy was refused");

        let rid = format!("diff-{seed:x}-{n}");
        let url = format!("{}/api/profile?rid={rid}", lab.backend.api);
        let mut init = json!({ "method": request.method, "credentials": request.credentials.as_str(), "headers": {} });
        for (name, value) in &request.headers {
            init["headers"][name] = json!(value);
        }
        if request.method != "GET" {
            init["body"] = json!("{}");
        }
        let result = b.client.execute_async(FETCH, vec![json!(url), init]).await.expect("the fetch settled");
        let entries: Vec<(String, bool, u16)> = lab
            .server_log()
            .await
            .into_iter()
            .filter(|e| e.rid.as_deref() == Some(rid.as_str()))
            .map(|e| (e.method, e.preflight, e.status))
            .collect();
        let cors_error = b.devtools_events().await.and_then(|events| cors_error_of(&events, &rid));
        let console = b.console().await.and_then(|lines| cors_line_of(lines, &rid));

        let observed = Observed {
            readable: result["read"] == true,
            preflight: entries.iter().any(|(_, preflight, _)| *preflight),
            reached: entries.iter().map(|(method, _, _)| method.clone()).collect(),
            cors_error,
            console,
        };
        let prediction = predict(&policy, &request, engine);
        let statuses: Vec<(String, u16)> = entries.iter().map(|(method, _, status)| (method.clone(), *status)).collect();
        let want = expected(&prediction, engine, &url, &page, &statuses);
        // What the engine logged, pasted into the page, names the same check.
        if let (Some(text), Verdict::Blocked { block, .. } | Verdict::BlockedAtPreflight { block, .. }) = (&observed.console, &prediction.verdict) {
            let pasted = console::parse(text);
            let same = pasted.as_ref().is_some_and(|p| p.engine == engine && std::mem::discriminant(&p.error) == std::mem::discriminant(&block.error));
            if !same {
                disagreements.push(format!("scenario {n} (seed {seed:#x}): the console's {text:?} reads back as {pasted:?}, not {:?}", block.error));
            }
        }
        if observed != want {
            disagreements.push(format!(
                "scenario {n} (seed {seed:#x}):\n  policy {}\n  request {} {:?} credentials {}\n  predicted {want:?}\n  observed  {observed:?}\n  fetch: {result}",
                serde_json::to_string(&policy).unwrap(),
                request.method,
                request.headers,
                request.credentials.as_str(),
            ));
        }
    }
    lab.browser.close().await;
    println!("{engine:?}: {count} scenarios, {} disagreements (seed {seed:#x})", disagreements.len());
    assert!(disagreements.is_empty(), "{} of {count} scenarios disagree in {engine:?}:\n{}", disagreements.len(), disagreements.join("\n"));
}
