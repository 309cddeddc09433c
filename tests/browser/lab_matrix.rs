//! The UI's scenario matrix (preset × auth mode × credentials × request), as a table of
//! groups: each group is a test of its own on a fresh lab (backend, browser, page), and its
//! scenarios run in order because the later ones build on the earlier ones' state (a login's
//! cookie, a JWT in memory, a cached preflight, the composer's request). A group states the
//! preset and whatever else its requests need rather than inherit it from another group; a
//! fresh page's composer holds `GET /api/profile` with credentials `include`. Each scenario
//! checks the three views: what the page could read, what the server received and sent, and
//! the explanation; and the page's prediction, which the result carries as data attributes,
//! against what the engine did: readable or blocked, the preflight, in Chromium the
//! `corsError` the DevTools protocol reported, and the sentence the page says the console
//! prints against the console's own (Chromium, Firefox). Every scenario of a group is
//! checked, and the group reports all that differ at once (a failure does not hide the
//! scenarios after it).

use e2e::{Browser, Lab};

/// A UI action that prepares a scenario.
enum Step {
    Preset(&'static str),
    Click(&'static str),
    /// Clicks a button that sends a lab request, and waits for its result.
    Send(&'static str),
    Fill(&'static str, &'static str),
    Select(&'static str, &'static str),
    Check(&'static str, bool),
    /// Waits until an input has a non-empty value.
    WaitValue(&'static str),
    /// Waits until the text of an element contains a part (a change the server confirms
    /// reaches the page a moment after the click).
    WaitText(&'static str, &'static str),
}

struct Scenario {
    name: &'static str,
    setup: Vec<Step>,
    /// The button whose request this scenario is about.
    act: &'static str,
    /// What the engine does about a preflight: `sent`, `cached` (a preflight it kept is
    /// reused: none on the wire) or `none` (a simple request); the result's `data-preflight`.
    preflight: &'static str,
    /// `read` or `blocked`, and a part of the headline.
    browser: (&'static str, &'static str),
    /// Parts of the page's body (only when read).
    body: &'static [&'static str],
    server: &'static [&'static str],
    not_server: &'static [&'static str],
    explanation: &'static [&'static str],
}

use Step::*;

/// Stands for what the engine's `fetch` rejects with (`Engine::type_error`): all a blocked
/// page's code sees, in each engine's words.
const TYPE_ERROR: &str = "(the engine's TypeError)";

const LOGIN_TEXT: &str = r#"{"email":"a@b.com","password":"123"}"#;

/// One `#[tokio::test]` per group, named after it, that runs the group's scenarios.
macro_rules! groups {
    ($($(#[$doc:meta])* $group:ident [$($scenario:expr),+ $(,)?])+) => {
        $(
            $(#[$doc])*
            #[tokio::test]
            async fn $group() {
                run(vec![$($scenario),+]).await;
            }
        )+
    };
}

groups! {
    /// Logging in sets the session cookie that the later requests send (or, with credentials "omit", do not), until logging out deletes it.
    a_session_cookie_from_login_to_logout [
        Scenario {
            name: "secure: a JSON cookie login needs a preflight, then sets the session",
            setup: vec![Preset("secure")],
            act: "#login-cookie",
            preflight: "sent",
            browser: ("read", "200"),
            body: &["\"email\":\"a@b.com\"", "expires_at"],
            server: &["preflight: OPTIONS /api/login → 204", "request: POST /api/login → 200", "login ok", "set-cookie: sessionId="],
            not_server: &[],
            explanation: &["Needed a preflight because Content-Type application/json", "let the page read the answer (200)"],
        },
        Scenario {
            name: "secure: the profile with the cookie",
            setup: vec![],
            act: "#profile-cookie",
            preflight: "none",
            browser: ("read", "200 OK"),
            body: &["\"auth\":\"session\""],
            server: &["request: GET /api/profile → 200", "session present", "ok: user 1 (a@b.com) by session"],
            not_server: &["preflight"],
            explanation: &["No preflight: a \"simple\" request", "let the page read the answer (200)"],
        },
        Scenario {
            name: "secure: credentials \"omit\" sends no cookie",
            setup: vec![Select("#req-credentials", "omit")],
            act: "#send",
            preflight: "none",
            browser: ("read", "401"),
            body: &["no_credentials"],
            server: &["Cookie: none", "refused: no_credentials"],
            not_server: &[],
            explanation: &["let the page read the answer (401)"],
        },
        Scenario {
            name: "logout deletes the session server-side",
            setup: vec![],
            act: "#logout",
            preflight: "none",
            browser: ("read", "204"),
            body: &[],
            server: &["request: POST /api/logout → 204", "logout: session deleted", "Max-Age=0"],
            not_server: &[],
            explanation: &["let the page read the answer (204)"],
        },
        Scenario {
            name: "after logout the browser has no cookie left",
            setup: vec![],
            act: "#profile-cookie",
            preflight: "none",
            browser: ("read", "401"),
            body: &["no_credentials"],
            server: &["Cookie: none"],
            not_server: &[],
            explanation: &["let the page read the answer (401)"],
        },
    ]

    /// With CORS off every request still reaches the server, which runs it: only the page is kept from reading the answer.
    with_cors_off_the_server_still_runs_what_the_page_cannot_read [
        Scenario {
            name: "CORS off: a simple GET is blocked in the page but arrived at the server",
            // Logged in, so the server's answer the page may not read is the user's profile ("ok: user 1").
            setup: vec![Preset("secure"), Send("#login-cookie"), Preset("off"), Select("#req-credentials", "include")],
            act: "#send",
            preflight: "none",
            browser: ("blocked", TYPE_ERROR),
            body: &[],
            server: &["request: GET /api/profile → 200", "CORS is off", "ok: user 1"],
            not_server: &["access-control-allow-origin"],
            explanation: &["reached the server, which answered 200", "no Access-Control-Allow-Origin", "DevTools"],
        },
        Scenario {
            name: "CORS off: a JSON login stops at the preflight; the server saw only OPTIONS",
            setup: vec![],
            act: "#login-cookie",
            preflight: "sent",
            browser: ("blocked", TYPE_ERROR),
            body: &[],
            server: &["preflight: OPTIONS /api/login → 405"],
            not_server: &["POST /api/login"],
            explanation: &["Blocked at the preflight", "never sent the request itself"],
        },
        Scenario {
            name: "CORS off: a text/plain login is simple: sent, run, and hidden",
            setup: vec![
                Select("#req-method", "POST"),
                Fill("#req-path", "/api/login"),
                Select("#req-content-type", "text/plain"),
                Fill("#req-body", LOGIN_TEXT),
            ],
            act: "#send",
            preflight: "none",
            browser: ("blocked", TYPE_ERROR),
            body: &[],
            server: &["request: POST /api/login → 200", "login ok"],
            not_server: &["preflight: OPTIONS"],
            explanation: &["No preflight", "reached the server, which answered 200"],
        },
    ]

    /// One composed request on `/api/profile`, changed a little at a time: the wildcard with and without credentials,
    /// then a method and a custom header at the preflight.
    the_composer_request_across_wildcards_methods_and_headers [
        Scenario {
            name: "* with credentials: the browser refuses the wildcard",
            setup: vec![Preset("star-credentials"), Select("#req-credentials", "include")],
            act: "#send",
            preflight: "none",
            browser: ("blocked", TYPE_ERROR),
            body: &[],
            server: &["access-control-allow-origin: *", "access-control-allow-credentials: true"],
            not_server: &[],
            explanation: &["wildcard is refused", "in allow_origin instead of *"],
        },
        Scenario {
            name: "* without credentials: any page may read it",
            setup: vec![Select("#req-credentials", "omit")],
            act: "#send",
            preflight: "none",
            browser: ("read", "401"),
            body: &["no_credentials"],
            server: &["access-control-allow-origin: *", "Cookie: none"],
            not_server: &[],
            explanation: &["let the page read the answer (401)"],
        },
        Scenario {
            name: "mini-cors: PUT is allowed after a preflight",
            // mini-cors allows no credentials: with them, the answer would be hidden for that, not for the method.
            setup: vec![Preset("mini-cors"), Select("#req-method", "PUT"), Select("#req-credentials", "omit")],
            act: "#send",
            preflight: "sent",
            browser: ("read", "405"),
            body: &["method_not_allowed"],
            server: &["preflight: OPTIONS /api/profile → 204", "access-control-allow-methods: GET, POST, PUT, DELETE", "request: PUT /api/profile → 405"],
            not_server: &[],
            explanation: &["Needed a preflight because PUT is not a CORS-safelisted method"],
        },
        Scenario {
            name: "secure: PUT is refused at the preflight",
            setup: vec![Preset("secure"), Select("#req-credentials", "include")],
            act: "#send",
            preflight: "sent",
            browser: ("blocked", TYPE_ERROR),
            body: &[],
            server: &["preflight: OPTIONS /api/profile → 403", "method PUT is not in allow_methods"],
            not_server: &["request: PUT"],
            explanation: &["Blocked at the preflight", "method PUT is not in allow_methods"],
        },
        Scenario {
            name: "secure: a custom header must be listed",
            setup: vec![Select("#req-method", "GET"), Fill("#req-custom-name", "X-Custom")],
            act: "#send",
            preflight: "sent",
            browser: ("blocked", TYPE_ERROR),
            body: &[],
            server: &["preflight: OPTIONS /api/profile → 403", "request header x-custom is not in allow_headers"],
            not_server: &["request: GET"],
            explanation: &["the x-custom header is not CORS-safelisted", "Blocked at the preflight"],
        },
    ]

    /// A JWT from the server, then the profile with it under presets that list Authorization, forget it, or cover it with `*`.
    a_jwt_against_the_presets_that_list_forget_or_star_authorization [
        Scenario {
            name: "secure: getting a JWT (JSON, preflight allowed)",
            setup: vec![Preset("secure")],
            act: "#get-token",
            preflight: "sent",
            browser: ("read", "200"),
            body: &["\"token_type\":\"Bearer\""],
            server: &["preflight: OPTIONS /api/token → 204", "token issued to user 1"],
            not_server: &[],
            explanation: &["Needed a preflight"],
        },
        Scenario {
            name: "secure: the profile with the JWT (Authorization is listed)",
            setup: vec![],
            act: "#profile-token",
            preflight: "sent",
            browser: ("read", "200"),
            body: &["\"auth\":\"jwt\""],
            server: &["preflight: OPTIONS /api/profile → 204", "bearer present (eyJhbGci…)", "by valid JWT"],
            not_server: &[],
            explanation: &["the authorization header is not CORS-safelisted"],
        },
        Scenario {
            name: "forgot Authorization: the bearer request fails at the preflight",
            setup: vec![Preset("forgot-authorization")],
            act: "#profile-token",
            preflight: "sent",
            browser: ("blocked", TYPE_ERROR),
            body: &[],
            server: &["preflight: OPTIONS /api/profile → 403", "request header authorization is not in allow_headers"],
            not_server: &["request: GET"],
            explanation: &["Blocked at the preflight"],
        },
        Scenario {
            // The Fetch standard says `*` never covers Authorization; every engine tested still
            // lets it through. Asserted as the browsers really behave, and explained as such.
            name: "express defaults: Allow-Headers * and Authorization (every engine tested lets it through)",
            setup: vec![Preset("express-defaults")],
            act: "#profile-token",
            preflight: "sent",
            browser: ("read", "200"),
            body: &["\"auth\":\"jwt\""],
            server: &["preflight: OPTIONS /api/profile → 204", "access-control-allow-headers: *", "request: GET /api/profile → 200"],
            not_server: &[],
            explanation: &["never covers Authorization", "lets it through", "list Authorization in Access-Control-Allow-Headers"],
        },
    ]

    /// The vulnerable presets: a login from any origin works, and its session cookie still reads the profile.
    vulnerable_presets_let_the_session_through [
        Scenario {
            name: "reflect + credentials (vulnerable): a login from any origin works",
            setup: vec![Preset("reflect-credentials")],
            act: "#login-cookie",
            preflight: "sent",
            browser: ("read", "200"),
            body: &["a@b.com"],
            server: &["origin reflected", "access-control-allow-credentials: true"],
            not_server: &[],
            explanation: &["let the page read the answer (200)"],
        },
        Scenario {
            name: "trust null (vulnerable): the page's own origin still reads its profile",
            setup: vec![Preset("trust-null")],
            act: "#profile-cookie",
            preflight: "none",
            browser: ("read", "200"),
            body: &["\"auth\":\"session\""],
            server: &["origin is in the list"],
            not_server: &[],
            explanation: &["let the page read the answer (200)"],
        },
    ]

    /// Tokens edited in the page and re-signed: with a guessed secret, and with the real secret but expired.
    forged_jwts_are_refused_with_their_reason [
        Scenario {
            name: "a tampered JWT re-signed with a guessed secret: bad_signature",
            setup: vec![
                Preset("secure"),
                Fill("#jwt-payload", r#"{"sub":"2","email":"bob@example.com","exp":4102444800}"#),
                Fill("#jwt-secret", "mySecretKey"),
                Click("#jwt-resign"),
            ],
            act: "#jwt-send",
            preflight: "sent",
            browser: ("read", "401"),
            body: &["bad_signature"],
            server: &["refused: bad_signature", "www-authenticate: Bearer error=\"invalid_token\""],
            not_server: &[],
            explanation: &["let the page read the answer (401)"],
        },
        Scenario {
            name: "an expired JWT signed with the real secret: expired_token",
            setup: vec![
                Fill("#jwt-secret", ""),
                Click("#jwt-use-server-secret"),
                WaitValue("#jwt-secret"),
                Fill("#jwt-payload", r#"{"sub":"1","exp":1000000000}"#),
                Click("#jwt-resign"),
            ],
            act: "#jwt-send",
            preflight: "sent",
            browser: ("read", "401"),
            body: &["expired_token"],
            server: &["refused: expired_token"],
            not_server: &[],
            explanation: &["let the page read the answer (401)"],
        },
    ]

    /// A policy with Max-Age 600: the first bearer request is preflighted, the same URL again reuses that preflight.
    max_age_600_caches_the_preflight_for_the_same_url [
        Scenario {
            name: "Max-Age 600: the first bearer request is preflighted",
            setup: vec![
                Preset("secure"),
                Send("#get-token"),
                Click("#policy details.editor summary"),
                Fill("#policy-max-age", "600"),
                Click("#policy-apply"),
                // The server's policy, not the page's draft, is what the preflight answers with.
                WaitText("#policy-summary", "Preflights cached 600 s"),
                Check("#req-bearer", true),
                Select("#req-credentials", "omit"),
            ],
            act: "#send",
            preflight: "sent",
            browser: ("read", "200"),
            body: &["\"auth\":\"jwt\""],
            server: &["preflight: OPTIONS /api/profile → 204", "access-control-max-age: 600"],
            not_server: &[],
            explanation: &["Needed a preflight"],
        },
        Scenario {
            name: "Max-Age 600: the same URL again reuses the cached preflight",
            setup: vec![],
            act: "#send-again",
            preflight: "cached",
            browser: ("read", "200"),
            body: &["\"auth\":\"jwt\""],
            server: &["request: GET /api/profile → 200"],
            not_server: &["preflight: OPTIONS"],
            explanation: &["No preflight (cached,"],
        },
    ]
}

/// Clicks `css` (which sends a lab request) and waits until its result is shown.
async fn send(b: &Browser, css: &str, sent: &mut u32) {
    *sent += 1;
    let n = sent.to_string();
    b.click(css).await;
    b.wait_attr("#latest", "data-probe", |p| p == n).await;
    b.wait_attr("#latest .views", "data-rid", |r| !r.is_empty()).await;
}

async fn step(b: &Browser, step: &Step, sent: &mut u32) {
    match step {
        Preset(id) => {
            b.click(&format!("#preset-{id}")).await;
            b.wait_attr(&format!("#preset-{id}"), "aria-pressed", |p| p == "true").await;
        }
        Click(css) => b.click(css).await,
        Send(css) => send(b, css, sent).await,
        Fill(css, text) => b.fill(css, text).await,
        Select(css, value) => b.select(css, value).await,
        Check(css, on) => b.set_checked(css, *on).await,
        WaitValue(css) => {
            b.wait_value(css, |v| !v.is_empty()).await;
        }
        WaitText(css, part) => {
            b.wait_text(css, |t| t.contains(part)).await;
        }
    }
}

/// Runs a group's scenarios in order on a fresh lab.
async fn run(scenarios: Vec<Scenario>) {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    // From here on, only the scenarios' own events and console lines are read.
    let _ = b.devtools_events().await;
    let _ = b.console().await;
    let mut sent = 0;
    let mut failed = Vec::new();
    for s in &scenarios {
        for each in &s.setup {
            step(b, each, &mut sent).await;
        }
        send(b, s.act, &mut sent).await;
        let problems = differences(b, s).await;
        if !problems.is_empty() {
            failed.push(format!("{}:\n    {}", s.name, problems.join("\n    ")));
        }
    }
    lab.browser.close().await;
    assert!(failed.is_empty(), "{} of {} scenarios differ:\n{}", failed.len(), scenarios.len(), failed.join("\n"));
}

/// How the latest result on the page differs from what `s` expects, in words.
async fn differences(b: &Browser, s: &Scenario) -> Vec<String> {
    let mut problems = Vec::new();
    let state = b.attr("#latest .browser-view", "data-state").await.unwrap_or_default();
    let headline = b.text("#latest .browser-view .headline").await;
    let expected = if s.browser.1 == TYPE_ERROR { b.engine.type_error() } else { s.browser.1 };
    if state != s.browser.0 || !headline.contains(expected) {
        problems.push(format!("browser view: {state} {headline:?}, expected {} with {expected:?}", s.browser.0));
    }
    let body = b.text("#latest .browser-view pre").await;
    problems.extend(s.body.iter().filter(|part| !body.contains(*part)).map(|part| format!("body lacks {part:?}: {body}")));
    let server = b.text("#latest .server-view").await;
    problems.extend(s.server.iter().filter(|part| !server.contains(*part)).map(|part| format!("server view lacks {part:?}:\n{server}")));
    problems.extend(s.not_server.iter().filter(|part| server.contains(*part)).map(|part| format!("server view has {part:?}:\n{server}")));
    let explanation = b.text("#latest .explanation").await;
    problems.extend(s.explanation.iter().filter(|part| !explanation.contains(*part)).map(|part| format!("explanation lacks {part:?}:\n{explanation}")));
    let did = if s.browser.0 == "read" { "readable" } else { "blocked" };
    problems.extend(b.prediction_differences(did, s.preflight).await);
    problems
}

/// Normal use (the secure default: log in, read the profile, log out) leaves no error or
/// warning in the console. Not in WebKit, whose driver shows no console (`cargo xtask test`
/// skips it there).
#[tokio::test]
async fn normal_use_leaves_the_console_clean() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let mut sent = 0;
    for button in ["#login-cookie", "#profile-cookie", "#get-token", "#profile-token", "#logout"] {
        send(b, button, &mut sent).await;
        assert_eq!(b.attr("#latest .browser-view", "data-state").await.as_deref(), Some("read"), "{button}");
    }
    let console = b.console().await.expect("run where the driver shows the console (Chromium, Firefox)");
    let noisy: Vec<(String, String)> = console.into_iter().filter(|(level, _)| level == "SEVERE" || level == "WARNING").collect();
    assert!(noisy.is_empty(), "console: {noisy:#?}");
    lab.browser.close().await;
}

/// From a 360 px phone to a wide screen, nothing sticks out sideways (after a request, so the
/// three views and the diagram are on the page too).
#[tokio::test]
async fn the_page_fits_a_360_px_phone_and_a_wide_screen() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let mut sent = 0;
    send(b, "#get-token", &mut sent).await;
    send(b, "#profile-token", &mut sent).await;
    for (width, height) in [(360, 800), (1600, 1000)] {
        b.client.set_window_size(width, height).await.unwrap();
        let overflow = b
            .client
            .execute(
                "const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).slice(0, 5); return [document.documentElement.scrollWidth, document.documentElement.clientWidth, wide];",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, client) = (overflow[0].as_u64().unwrap(), overflow[1].as_u64().unwrap());
        assert!(scroll <= client, "{width} px: the page is {scroll} px wide; too wide: {}", overflow[2]);
    }
    lab.browser.close().await;
}

/// Leaving the page and coming back many times: each visit's live-log stream must be closed
/// when the page is hidden, or Chromium's six connections per host run out and a later visit
/// hangs on "Loading…" (found by the first-screen benchmark).
#[tokio::test]
async fn leaving_and_coming_back_eight_times_still_loads() {
    let lab = Lab::start().await;
    let b = &lab.browser;
    for visit in 0..8 {
        b.client.goto("about:blank").await.unwrap();
        b.client.goto(&lab.page_url()).await.unwrap();
        let summary = b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
        assert!(summary.contains(&lab.frontend.origin), "visit {visit}: {summary}");
    }
    lab.browser.close().await;
}
