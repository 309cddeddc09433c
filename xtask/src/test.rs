//! `cargo xtask test`: every test, in the order that lets later ones use earlier builds.

use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use crate::{
    cmd::{self, root, step},
    setup::{FIREFOX, HAPROXY, MINIBROWSER, Services, Setup, WEBKIT_DRIVER},
};

/// End-to-end tests that read the console, which WebKitWebDriver does not show (ChromeDriver
/// has its log endpoint, geckodriver WebDriver BiDi).
const NEEDS_CONSOLE: [&str; 1] = ["normal_use_leaves_the_console_clean"];

/// End-to-end tests run in Chromium only: what they prove does not depend on the engine. The
/// page's fixes (`tests/browser/fixes.rs`) are computed and held to each engine's rules by
/// `shared/src/cors/fix.rs`'s table; the e2e proves the page offers and applies them, once.
/// The challenges are judged by the server from its log, the same whatever sent the requests;
/// those whose lesson differs by engine are in their own module (`challenges_by_engine`),
/// which runs in all three. The exploit server, the token tools and the narrow layout are the page's own.
const CHROMIUM_ONLY: [&str; 6] = ["fixes::", "challenges::", "attacks::", "tokens::", "exploit_server::", "narrow_screen::"];

pub fn test() -> Result<(), String> {
    let started = Instant::now();
    let setup = Setup::prepare(true, Services::default())?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let dist = target.join("e2e-dist");

    step("Building the frontend with Trunk (release profile, as users get it)");
    setup.prebuild_frontend("wasm-release")?;
    cmd::run(setup.wasm_command("trunk").arg("build").arg("--release").arg("--dist").arg(&dist))?;
    report_wasm_size(&dist);

    step("Building the backend binary the end-to-end tests start");
    cmd::run(setup.command("cargo").args(["build", "--package", "backend"]))?;
    // The code export's checks run express's cors under node.
    crate::bench::express_modules()?;

    let mut failed = Vec::new();
    let mut timings = Vec::new();
    let mut suite = |name: &'static str, command: &mut std::process::Command| {
        step(name);
        let t = Instant::now();
        if let Err(e) = cmd::run(command) {
            failed.push(format!("{name}: {e}"));
        }
        timings.push((name, t.elapsed()));
    };

    // What the end-to-end tests need to find: the builds, the browsers, their drivers.
    let e2e = |command: &mut std::process::Command, engine: &str| {
        command
            .env("PLAYGROUND_ENGINE", engine)
            .env("PLAYGROUND_DIST", &dist)
            .env("PLAYGROUND_BACKEND_BIN", target.join("debug/backend"))
            .env("PLAYGROUND_CHROMIUM", &setup.chromium)
            .env("PLAYGROUND_CHROMEDRIVER", &setup.chromedriver)
            .env("PLAYGROUND_FIREFOX", FIREFOX)
            .env("PLAYGROUND_GECKODRIVER", setup.geckodriver.as_deref().unwrap_or(Path::new("")))
            .env("PLAYGROUND_WEBKITDRIVER", WEBKIT_DRIVER)
            .env("PLAYGROUND_MINIBROWSER", MINIBROWSER)
            .env("PLAYGROUND_AXE", setup.axe.as_deref().unwrap_or(Path::new("")))
            .env("PLAYGROUND_HAPROXY", HAPROXY);
    };
    let mut host = setup.command("cargo");
    host.args(["test", "--workspace", "--no-fail-fast"]);
    e2e(&mut host, "chromium");
    suite("Host tests: rules, backend over real sockets, end-to-end in headless Chromium", &mut host);
    for (name, engine) in [("End-to-end in Firefox ESR (geckodriver)", "firefox"), ("End-to-end in WebKitGTK (WebKitWebDriver under Xvfb)", "webkit")] {
        let mut browser = setup.command("cargo");
        browser.args(["test", "--package", "e2e", "--test", "browser", "--no-fail-fast", "--"]);
        if engine == "webkit" {
            for test in NEEDS_CONSOLE {
                browser.args(["--skip", test]);
            }
        }
        for test in CHROMIUM_ONLY {
            browser.args(["--skip", test]);
        }
        e2e(&mut browser, engine);
        suite(name, &mut browser);
    }
    suite(
        "API docs: cargo doc without warnings",
        setup.command("cargo").args(["doc", "--no-deps", "--workspace"]).env("RUSTDOCFLAGS", "-D warnings"),
    );
    suite(
        "Component tests: wasm-bindgen-test in headless Chromium",
        setup
            .wasm_command("cargo")
            .args(["test", "--package", "frontend", "--target", "wasm32-unknown-unknown"])
            .env("CHROMEDRIVER", &setup.chromedriver),
    );

    step("Summary");
    for (name, took) in &timings {
        println!("    {:>6.1} s  {name}", took.as_secs_f64());
    }
    println!("    {:>6.1} s  in all", started.elapsed().as_secs_f64());
    if failed.is_empty() {
        println!("all tests passed");
        Ok(())
    } else {
        Err(format!("{} suite(s) failed:\n  {}", failed.len(), failed.join("\n  ")))
    }
}

/// The size a user downloads, raw and gzip (the figure the issues ask for).
fn report_wasm_size(dist: &std::path::Path) {
    let Some(wasm) = std::fs::read_dir(dist)
        .ok()
        .and_then(|d| d.flatten().map(|e| e.path()).find(|p| p.extension().is_some_and(|x| x == "wasm")))
    else {
        return;
    };
    let raw = std::fs::metadata(&wasm).map(|m| m.len()).unwrap_or(0);
    let gzip = cmd::output("sh", &["-c", &format!("gzip -9 -c '{}' | wc -c", wasm.display())]).unwrap_or_default();
    println!("    wasm: {:.1} KB raw, {} KB gzip", raw as f64 / 1000.0, gzip.parse::<f64>().map_or("?".to_owned(), |g| format!("{:.1}", g / 1000.0)));
}
