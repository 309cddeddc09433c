//! "Read a console message": each engine's sentence for a block (`Engine::console_message`),
//! pasted into the page, is read back to that engine and check (`#console-reading`); the lab
//! it sets up (`#console-reproduce`) and one click on the composer's Send then reproduce the
//! block in this browser, with the same `data-cors-error` (in Chromium, the `corsError` the
//! DevTools protocol reported too).

use e2e::{Engine, Lab, cors_error_of};
use shared::cors::{
    browser::{Block, CorsError},
    console,
};

#[tokio::test]
async fn each_engine_s_console_sentence_is_read_back_and_reproduced_with_one_send() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let _ = b.devtools_events().await;
    let url = format!("{}/api/profile?rid=r1", lab.backend.api);
    // The checks the lab's backend can make a browser fail as they are.
    let blocks = [
        (CorsError::MissingAllowOriginHeader, false),
        (CorsError::MissingAllowOriginHeader, true),
        (CorsError::WildcardOriginNotAllowed, false),
        (CorsError::InvalidAllowCredentials { value: String::new() }, false),
        (CorsError::MethodDisallowedByPreflightResponse { method: "PUT".into() }, true),
        (CorsError::HeaderDisallowedByPreflightResponse { header: "x-custom".into() }, true),
    ];
    let (mut sent, mut failed, mut count) = (0, Vec::new(), 0);
    for engine in Engine::ALL {
        for (error, preflight) in blocks.clone() {
            count += 1;
            // Arrange: the engine's sentence, and the check its words name
            let sentence = engine.console_message(&Block { error, preflight, reason: String::new() }, &url, &lab.frontend.origin, 403);
            let pasted = console::parse(&sentence).expect("the shared rules read it");
            let check = pasted.chromium_name();

            // Act: paste and read it
            b.fill("#console-paste", &sentence).await;
            b.click("#console-read").await;

            // Assert: the engine and the check
            let named = b.settle_attr("#console-reading", "data-engine", |v| v == engine.as_str()).await;
            let read = b.settle_attr("#console-reading", "data-cors-error", |v| v == check).await;
            if (named.as_str(), read.as_str()) != (engine.as_str(), check.as_str()) {
                failed.push(format!("{sentence}\n    read as {named:?} {read:?}, expected {:?} {check:?}", engine.as_str()));
                continue;
            }

            // Act: set the lab up, then one Send
            b.click("#console-reproduce").await;
            b.wait_attr("#console-reproduce-status", "data-state", |s| s == "ready").await;
            sent += 1;
            b.click("#send").await;
            b.wait_attr("#latest", "data-probe", |p| p == sent.to_string()).await;
            let verdict = b.wait_attr("#latest .views", "data-verdict", |v| !v.is_empty()).await;

            // Assert: blocked in the browser, by the same check
            let state = b.attr("#latest .browser-view", "data-state").await.unwrap_or_default();
            let shown = b.attr("#latest .views", "data-cors-error").await.unwrap_or_default();
            let rid = b.attr("#latest .views", "data-rid").await.unwrap_or_default();
            let reported = b.devtools_events().await.map(|events| cors_error_of(&events, &rid).unwrap_or_default());
            if state != "blocked" || verdict != "blocked" || shown != check || reported.as_ref().is_some_and(|r| *r != check) {
                failed.push(format!(
                    "{sentence}\n    reproduced: the page could read it? {state}; predicted {verdict} {shown:?}; DevTools {reported:?}; expected blocked {check:?}"
                ));
            }
        }
    }
    let engine = b.engine;
    lab.browser.close().await;
    assert!(failed.is_empty(), "{} of {count} sentences in {engine:?}:\n{}", failed.len(), failed.join("\n"));
}
