//! The server mistakes the lab makes on purpose (`mistake` in the policy), in the engine
//! itself: each is chosen in the policy panel, then a simple GET and a JSON POST (which needs a
//! preflight) are sent, and what the engine did is held against the page's prediction for
//! each: readable or blocked, whether a preflight went out (the server's log says), in
//! Chromium the `corsError` the DevTools protocol reported, and the console sentence the page
//! predicts against the console's own (Chromium, Firefox). One test per mistake, each on a
//! fresh lab; every difference of a test is reported at once.

use e2e::Lab;

/// The two requests each mistake is tried with: the composer's `GET /api/profile` (simple),
/// and the cookie login, a JSON `POST /api/login` (preflighted).
const REQUESTS: [(&str, &str); 2] = [("a simple GET", "#send"), ("a JSON POST", "#login-cookie")];

/// One `#[tokio::test]` per mistake, named after it, that tries it with both requests.
macro_rules! mistakes {
    ($($(#[$doc:meta])* $test:ident: $mistake:literal,)+) => {
        $(
            $(#[$doc])*
            #[tokio::test]
            async fn $test() {
                run($mistake).await;
            }
        )+
    };
}

mistakes! {
    /// A 401 to the preflight, without CORS headers.
    auth_before_cors: "auth_before_cors",
    /// A 404 to the preflight, without CORS headers.
    options_not_found: "options_not_found",
    /// A 405 to the preflight, without CORS headers.
    options_not_allowed: "options_not_allowed",
    /// The CORS headers on the preflight, with a 405.
    preflight_passed_on: "preflight_passed_on",
    /// A 308 to the preflight.
    redirected_preflight: "redirected_preflight",
    /// A 500 without CORS headers to the request itself.
    error_without_cors: "error_without_cors",
    /// Access-Control-Allow-Origin twice on every allowed answer.
    doubled_allow_origin: "doubled_allow_origin",
    /// Access-Control-Allow-Origin with a trailing slash on every allowed answer.
    allow_origin_with_slash: "allow_origin_with_slash",
}

async fn run(mistake: &str) {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    // Chosen in the policy panel, as a person would; the rest of the policy stays the default.
    b.click("#policy details.editor summary").await;
    b.select("#policy-mistake", mistake).await;
    b.click("#policy-apply").await;
    let policy = lab.control_wait("/control/cors", |p| p["mistake"] == mistake).await;
    assert_eq!(policy["allow_origin"]["origins"], serde_json::json!([lab.frontend.origin]), "only the mistake changed");
    b.wait_text("#policy-summary", |t| t.contains("Server mistake, on purpose")).await;
    // From here on, only the requests' own events and console lines are read.
    let _ = b.devtools_events().await;
    let _ = b.console().await;
    let (mut failed, mut blocked) = (Vec::new(), 0);
    for (request, button) in REQUESTS {
        b.send_lab_request(button).await;
        let read = b.attr("#latest .browser-view", "data-state").await.as_deref() == Some("read");
        let did = if read { "readable" } else { "blocked" };
        blocked += usize::from(!read);
        let rid = b.attr("#latest .views", "data-rid").await.unwrap_or_default();
        let log = lab.server_log().await;
        let preflight = if log.iter().any(|e| e.preflight && e.rid.as_deref() == Some(rid.as_str())) { "sent" } else { "none" };
        let (cors_error, says) = (b.attr("#latest .views", "data-cors-error").await.unwrap_or_default(), b.text("#latest .console-says").await);
        let problems = b.prediction_differences(did, preflight).await;
        // What the engine did, for the person reading the run (`--nocapture`).
        println!("{:?} {mistake}, {request}: {did}, preflight {preflight}, corsError {cors_error:?}, console {says:?}", b.engine);
        if !problems.is_empty() {
            failed.push(format!("{request}:\n    {}", problems.join("\n    ")));
        }
    }
    lab.browser.close().await;
    assert!(failed.is_empty(), "{mistake}: {} of {} requests differ from the page's prediction:\n{}", failed.len(), REQUESTS.len(), failed.join("\n"));
    assert!(blocked > 0, "{mistake} blocked neither request: it changed nothing the engine checks");
}

/// The mistake is part of the policy the panel edits: editing another field keeps it.
#[tokio::test]
async fn a_mistake_is_kept_when_another_field_is_edited() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    b.click("#policy details.editor summary").await;
    b.select("#policy-mistake", "doubled_allow_origin").await;
    b.click("#policy-apply").await;
    b.wait_text("#policy-summary", |t| t.contains("Access-Control-Allow-Origin is sent twice")).await;

    b.fill("#policy-max-age", "60").await;
    b.click("#policy-apply").await;

    let policy = lab.control_wait("/control/cors", |p| p["max_age"] == 60).await;
    assert_eq!(policy["mistake"], "doubled_allow_origin");
    assert_eq!(b.value("#policy-mistake").await, "doubled_allow_origin");
    let summary = b.wait_text("#policy-summary", |t| t.contains("Preflights cached 60 s")).await;
    assert!(summary.contains("Access-Control-Allow-Origin is sent twice"), "{summary}");
    lab.browser.close().await;
}
