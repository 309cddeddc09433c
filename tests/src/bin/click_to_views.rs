//! Benchmark: from a click to all three views of its result on the page (what the browser let
//! the page read, what the server received and sent, pushed over Server-Sent Events, and why),
//! in headless Chromium against the real backend; p50 and p95 over `REQUESTS` clicks.
//! Needs the same environment as the end-to-end tests; `cargo xtask bench` sets it.

use e2e::Lab;

const REQUESTS: usize = 50;

/// Clicks `arguments[0]` and answers the milliseconds until the new result shows its three
/// views, measured inside the page (no WebDriver round trip in the figure).
const CLICK_AND_TIME: &str = r#"
const [selector, done] = arguments;
const latest = () => document.querySelector('#latest');
const n = String(Number(latest()?.dataset.probe ?? 0) + 1);
const shown = () => {
  const l = latest();
  return l && l.dataset.probe === n
    && l.querySelector('.browser-view[data-state]')
    && l.querySelector('.server-view .log-entry[data-preflight="false"]')
    && (l.querySelector('.explanation')?.textContent ?? '').trim().length > 0;
};
const started = performance.now();
const observer = new MutationObserver(() => {
  if (shown()) { observer.disconnect(); done(performance.now() - started); }
});
observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
document.querySelector(selector).click();
"#;

#[tokio::main]
async fn main() {
    let lab = Lab::opened().await;
    let b = &lab.browser;
    let mut times = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let ms = b.client.execute_async(CLICK_AND_TIME, vec!["#profile-cookie".into()]).await.expect("the result showed").as_f64().unwrap_or(f64::NAN);
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((REQUESTS as f64 * q).ceil() as usize).clamp(1, REQUESTS) - 1];
    println!("click to three views: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms over {REQUESTS} requests", at(0.5), at(0.95), times[REQUESTS - 1]);
    lab.browser.close().await;
}
