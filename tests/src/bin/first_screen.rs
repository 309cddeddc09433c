//! Benchmark: time from navigation to the first interactive screen (the live policy shown),
//! in headless Chromium against the real backend, median of several cold loads.
//! Needs the same environment as the end-to-end tests; `cargo xtask bench` sets it.

use e2e::Lab;

const LOADS: usize = 9;

#[tokio::main]
async fn main() {
    let lab = Lab::start().await;
    let b = &lab.browser;
    let mut times = Vec::new();
    for _ in 0..LOADS {
        // A blank page in between, so each load starts the wasm afresh (from the HTTP cache).
        b.client.goto("about:blank").await.unwrap();
        lab.open_page().await;
        let ms = b
            .client
            .execute("return performance.getEntriesByName('playground-interactive')[0].startTime;", vec![])
            .await
            .unwrap()
            .as_f64()
            .expect("the page set its mark");
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "first interactive screen: median {:.0} ms, min {:.0} ms, max {:.0} ms over {LOADS} loads",
        times[LOADS / 2],
        times[0],
        times[LOADS - 1]
    );
    lab.browser.close().await;
}
