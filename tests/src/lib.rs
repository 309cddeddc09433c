//! The end-to-end harness: the real backend binary on free loopback ports, the Trunk-built
//! frontend served from its `dist` folder, and a real browser driven through WebDriver:
//! Chromium, Firefox or WebKit, as `PLAYGROUND_ENGINE` says.
//!
//! `cargo xtask test` builds the frontend and the backend first and passes their paths in
//! `PLAYGROUND_DIST` and `PLAYGROUND_BACKEND_BIN`, and the browsers', drivers' and HAProxy's
//! (`PLAYGROUND_HAPROXY`) paths.
//!
//! The scaling lab (`ScaleLab`): two instances behind the real HAProxy, configured by the same
//! function as `cargo xtask run --scale lb` (`xtask/src/haproxy.rs`), with memory stores or
//! one `redis-server`.

use std::{
    io::{BufRead, BufReader},
    net::{SocketAddr, TcpListener as StdListener},
    os::unix::process::CommandExt,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
pub use shared::cors::Engine;

/// How long a UI change may take before a test gives up (the page talks to a local backend).
pub const UI_TIMEOUT: Duration = Duration::from_secs(15);

fn required_path(var: &str) -> PathBuf {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        panic!("{var} is not set: run the end-to-end tests through `cargo xtask test`, which builds what they need")
    });
    assert!(path.exists(), "{var}={} does not exist: run `cargo xtask test`", path.display());
    path
}

/// The backend binary, started on free ports and stopped on drop.
pub struct Backend {
    child: Child,
    /// `http://localhost:PORT`, the origin the browser sees.
    pub api: String,
    /// The other site's loopback address.
    pub site_addr: SocketAddr,
}

impl Backend {
    pub fn start(frontend_origin: &str) -> Backend {
        Self::start_with(frontend_origin, &["--api-addr", "127.0.0.1:0"])
    }

    /// With more flags (they come after the defaults, so they win).
    pub fn start_with(frontend_origin: &str, extra: &[&str]) -> Backend {
        let bin = required_path("PLAYGROUND_BACKEND_BIN");
        let mut child = Command::new(&bin)
            .args(["--site-addr", "127.0.0.1:0", "--frontend-origin", frontend_origin])
            .args(extra)
            .env("RUST_LOG", "backend=warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut addr = |prefix: &str| -> SocketAddr {
            let line = lines.next().and_then(Result::ok).unwrap_or_default();
            line.strip_prefix(prefix)
                .and_then(|a| a.parse().ok())
                .unwrap_or_else(|| panic!("backend printed {line:?}, expected {prefix}ADDR"))
        };
        let api_addr = addr("api listening on http://");
        let site_addr = addr("site listening on http://");
        Backend { child, api: format!("http://localhost:{}", api_addr.port()), site_addr }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Trunk-built `dist` folder served on a free loopback port.
pub struct Frontend {
    /// `http://localhost:PORT`: the origin the browser opens (and sends as `Origin`).
    pub origin: String,
    /// How many of the page's scripts (files ending in .js) were served: a page that runs fetched one.
    scripts_served: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Frontend {
    /// How many times one of the page's scripts was served.
    pub fn scripts_served(&self) -> usize {
        self.scripts_served.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// An empty page of the UI's origin.
    pub fn blank_url(&self) -> String {
        format!("{}/blank", self.origin)
    }

    /// Serves the build with the headers `trunk serve` adds (`trunk_headers`).
    pub async fn serve() -> Frontend {
        let dist = required_path("PLAYGROUND_DIST");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a free port");
        let port = listener.local_addr().expect("local addr").port();
        // `/blank`: an empty page of the UI's origin, for tests that script `fetch` themselves.
        let blank = axum::routing::get(|| async { axum::response::Html("<!doctype html><title>blank</title>") });
        let mut app = axum::Router::new().route("/blank", blank).fallback_service(tower_http::services::ServeDir::new(dist));
        for (name, value) in trunk_headers() {
            app = app.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(name, value));
        }
        let scripts_served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = scripts_served.clone();
        let app = app.layer(axum::middleware::map_request(move |request: axum::extract::Request| {
            if request.uri().path().ends_with(".js") {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            std::future::ready(request)
        }));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Frontend { origin: format!("http://localhost:{port}"), scripts_served, task }
    }
}

/// `[serve.headers]` of the repository's `Trunk.toml`: what `trunk serve` adds to every answer.
pub fn trunk_headers() -> Vec<(http::HeaderName, http::HeaderValue)> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../Trunk.toml");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let config: toml::Table = text.parse().unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let headers = config.get("serve").and_then(|s| s.get("headers")).and_then(toml::Value::as_table).cloned().unwrap_or_default();
    headers
        .iter()
        .map(|(name, value)| {
            let value = value.as_str().unwrap_or_else(|| panic!("Trunk.toml: the value of {name} is not a string"));
            (name.parse().expect("a header name"), value.parse().expect("a header value"))
        })
        .collect()
}

impl Drop for Frontend {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The engine a run of the end-to-end tests drives: `PLAYGROUND_ENGINE` (`chromium`,
/// `firefox` or `webkit`; Chromium when unset). `cargo xtask test` runs the suite once per engine.
pub fn engine() -> Engine {
    match std::env::var("PLAYGROUND_ENGINE") {
        Ok(name) => Engine::parse(&name).unwrap_or_else(|| panic!("PLAYGROUND_ENGINE={name:?}: chromium, firefox or webkit")),
        Err(_) => Engine::Chromium,
    }
}

/// One browser session through its engine's WebDriver server (ChromeDriver, geckodriver, or
/// WebKitWebDriver under Xvfb), headless, with a fresh profile.
pub struct Browser {
    pub client: Client,
    pub engine: Engine,
    /// Firefox's console, as WebDriver BiDi's `log.entryAdded` events bring it.
    bidi_console: Option<ConsoleLines>,
    /// The driver's process group: the driver, its browser, and Xvfb for WebKit.
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    pub async fn start() -> Browser {
        Self::start_with_args(&[]).await
    }

    /// With more browser arguments (Chromium's `--host-resolver-rules=…`, say).
    pub async fn start_with_args(extra: &[String]) -> Browser {
        let engine = engine();
        let port = free_port();
        let profile = std::env::temp_dir().join(format!("playground-{}-{}-{port}", engine.as_str(), std::process::id()));
        let (program, args, caps) = match engine {
            Engine::Chromium => {
                let chromium = required_path("PLAYGROUND_CHROMIUM");
                let args: Vec<String> = [
                    // No sandbox as root; the rest keeps Chromium off the (closed) network.
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                ]
                .map(str::to_owned)
                .into_iter()
                .chain([format!("--user-data-dir={}", profile.display())])
                .chain(extra.iter().cloned())
                .collect();
                let caps = serde_json::json!({
                    "goog:chromeOptions": { "binary": chromium, "args": args },
                    "goog:loggingPrefs": { "browser": "ALL", "performance": "ALL" },
                });
                (required_path("PLAYGROUND_CHROMEDRIVER"), vec![format!("--port={port}")], caps)
            }
            Engine::Firefox => {
                let caps = serde_json::json!({
                    "browserName": "firefox",
                    // WebDriver BiDi, for the console (`Browser::console`).
                    "webSocketUrl": true,
                    "moz:firefoxOptions": {
                        "binary": required_path("PLAYGROUND_FIREFOX"),
                        "args": ["-headless"],
                        // Nothing of its own to fetch from the (closed) network.
                        "prefs": {
                            "app.update.enabled": false, "browser.shell.checkDefaultBrowser": false,
                            "datareporting.policy.dataSubmissionEnabled": false, "network.captive-portal-service.enabled": false,
                            "network.connectivity-service.enabled": false, "browser.safebrowsing.malware.enabled": false,
                            "browser.safebrowsing.phishing.enabled": false, "extensions.update.enabled": false,
                            "toolkit.telemetry.enabled": false, "browser.newtabpage.enabled": false,
                        },
                    },
                });
                // Each Firefox its own BiDi port: tests run side by side, and the default (9222)
                // would be one Firefox's for every session.
                let bidi = free_port().to_string();
                (required_path("PLAYGROUND_GECKODRIVER"), vec!["--port".to_owned(), port.to_string(), "--websocket-port".to_owned(), bidi], caps)
            }
            Engine::WebKit => {
                let caps = serde_json::json!({
                    "browserName": "MiniBrowser",
                    "webkitgtk:browserOptions": { "binary": required_path("PLAYGROUND_MINIBROWSER"), "args": ["--automation"] },
                });
                // MiniBrowser needs a display: Xvfb, for this driver alone.
                let args = vec!["-a".to_owned(), required_path("PLAYGROUND_WEBKITDRIVER").display().to_string(), format!("--port={port}")];
                (PathBuf::from("xvfb-run"), args, caps)
            }
        };
        let driver = Command::new(&program)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let caps = caps.as_object().cloned().expect("an object");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            match ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => {
                    let _ = Command::new("kill").arg("--").arg(format!("-{}", driver.id())).status();
                    panic!("{} did not start a session: {e}", program.display())
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        // Built before anything else can fail, so that `Drop` stops the driver and browser.
        let mut browser = Browser { client, engine, bidi_console: None, driver, profile };
        if engine == Engine::Firefox {
            browser.bidi_console = Some(bidi_console(&browser.client).await);
        }
        browser
    }

    /// Ends the WebDriver session, so Chromium exits on its own; `Drop` does the rest.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(UI_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// The text of `css` (empty when absent).
    pub async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.client.find(Locator::Css(css)).await.ok()?.attr(name).await.ok()?
    }

    /// Waits until the text of `css` satisfies `ready`, and returns it.
    pub async fn wait_text(&self, css: &str, ready: impl Fn(&str) -> bool) -> String {
        let text = settle(async || self.text(css).await, |t| ready(t)).await;
        assert!(ready(&text), "{css} never became ready; last text: {text:?}");
        text
    }

    /// Waits until the value of the form field `css` satisfies `ready`, and returns it.
    pub async fn wait_value(&self, css: &str, ready: impl Fn(&str) -> bool) -> String {
        let value = settle(async || self.value(css).await, |v| ready(v)).await;
        assert!(ready(&value), "{css} never had a ready value; last: {value:?}");
        value
    }

    /// Waits until `css` has attribute `name` satisfying `ready`, and returns it.
    pub async fn wait_attr(&self, css: &str, name: &str, ready: impl Fn(&str) -> bool) -> String {
        let value = self.settle_attr(css, name, &ready).await;
        assert!(ready(&value), "{css}[{name}] never became ready; last value: {value:?}");
        value
    }

    /// Like `wait_attr`, but hands back the last value when it never became ready, for a test
    /// that reports every mismatch at once.
    pub async fn settle_attr(&self, css: &str, name: &str, ready: impl Fn(&str) -> bool) -> String {
        settle(async || self.attr(css, name).await.unwrap_or_default(), |v| ready(v)).await
    }
}

/// Reads `read` every 50 ms until `ready` holds for what it read or `UI_TIMEOUT` has passed,
/// and returns the last reading: the caller says whether a timeout fails its test. (What the
/// page shows or the server has changes a moment after the step that changes it.)
pub async fn settle<T>(mut read: impl AsyncFnMut() -> T, ready: impl Fn(&T) -> bool) -> T {
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        let value = read().await;
        if ready(&value) || Instant::now() > deadline {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Drop for Browser {
    /// Also runs when a test panics before `close`: the whole process group goes (the driver,
    /// the browser it started, Xvfb), and Chromium is stopped by its (unique) profile folder
    /// too, since it leaves the group for its own.
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("--").arg(format!("-{}", self.driver.id())).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = Command::new("pkill").args(["-f", "--"]).arg(format!("--user-data-dir={}", self.profile.display())).status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Browser {
    /// Types `text` into the input `css` (after clearing it) and leaves the field, so both
    /// `input` and `change` listeners see the new value.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.client.wait().at_most(UI_TIMEOUT).for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no field {css}: {e}"));
        field.clear().await.unwrap_or_else(|e| panic!("cannot clear {css}: {e}"));
        if !text.is_empty() {
            field.send_keys(text).await.unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
        }
        // `clear` fires no input event; a script fills the gaps the way a person's typing would.
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]); el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap_or_else(|e| panic!("cannot notify {css}: {e}"));
    }

    /// Picks the option with `value` in the select `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.click(&format!("{css} option[value=\"{value}\"]")).await;
    }

    /// Sets the checkbox `css` to `on`.
    pub async fn set_checked(&self, css: &str, on: bool) {
        let checked = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no checkbox {css}: {e}")).prop("checked").await.ok().flatten();
        if (checked.as_deref() == Some("true")) != on {
            self.click(css).await;
        }
    }

    /// The value property of an input.
    pub async fn value(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e.prop("value").await.ok().flatten().unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The DevTools protocol events since the last read (`{"method", "params"}` each), in
    /// Chromium; `None` in the other engines.
    pub async fn devtools_events(&self) -> Option<Vec<serde_json::Value>> {
        if self.engine != Engine::Chromium {
            return None;
        }
        let logs = self.client.issue_cmd(ChromeLog("performance")).await.expect("ChromeDriver returns the performance log");
        let entries = logs.as_array().cloned().unwrap_or_default();
        let events = entries.iter().filter_map(|e| serde_json::from_str::<serde_json::Value>(e["message"].as_str()?).ok()).map(|m| m["message"].clone());
        Some(events.collect())
    }

    /// The browser's console messages since the last read, as `(level, message)` (levels as
    /// ChromeDriver names them: `SEVERE`, `WARNING`, `INFO`): ChromeDriver's log endpoint in
    /// Chromium, WebDriver BiDi in Firefox; `None` in WebKit, whose driver shows no console.
    pub async fn console(&self) -> Option<Vec<(String, String)>> {
        if let Some(console) = &self.bidi_console {
            // Events travel on their own connection: give those of the last action time to land.
            tokio::time::sleep(Duration::from_millis(100)).await;
            return Some(std::mem::take(&mut *console.lock().unwrap_or_else(|e| e.into_inner())));
        }
        if self.engine != Engine::Chromium {
            return None;
        }
        let logs = self.client.issue_cmd(ChromeLog("browser")).await.expect("ChromeDriver returns the browser log");
        logs.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| (e["level"].as_str().unwrap_or_default().to_owned(), e["message"].as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .or(Some(Vec::new()))
    }
}

impl Browser {
    /// The console's CORS sentence for the request whose URL holds `rid` (Chromium and
    /// Firefox; `None` in WebKit, whose driver shows no console, or when none came within a
    /// few seconds). Reads, and so drops, the console lines before it.
    pub async fn cors_console_line(&self, rid: &str) -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            if let Some(line) = cors_line_of(self.console().await?, rid) {
                return Some(line);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Of console lines `(level, message)`, the CORS sentence for the request whose URL holds `rid`.
pub fn cors_line_of(lines: Vec<(String, String)>, rid: &str) -> Option<String> {
    lines.into_iter().map(|(_, m)| m).find(|m| m.contains(rid) && is_cors_message(m)).map(|m| console_sentence(&m))
}

/// Console lines, `(level, message)`, collected as they come.
type ConsoleLines = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// Subscribes to the console of the session (`log.entryAdded` over the WebDriver BiDi socket
/// that geckodriver opened for it) and collects its messages in the background.
async fn bidi_console(client: &Client) -> ConsoleLines {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let url = client.capabilities().and_then(|c| c.get("webSocketUrl")).and_then(|u| u.as_str()).expect("geckodriver gave a webSocketUrl").to_owned();
    let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("the BiDi socket opens");
    let subscribe = serde_json::json!({"id": 1, "method": "session.subscribe", "params": {"events": ["log.entryAdded"]}});
    socket.send(Message::text(subscribe.to_string())).await.expect("subscribed");
    let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let collected = messages.clone();
    tokio::spawn(async move {
        while let Some(Ok(Message::Text(text))) = socket.next().await {
            let Ok(event) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
            if event["method"] != "log.entryAdded" {
                continue;
            }
            let level = match event["params"]["level"].as_str() {
                Some("error") => "SEVERE",
                Some("warn") => "WARNING",
                _ => "INFO",
            };
            let text = event["params"]["text"].as_str().unwrap_or_default().to_owned();
            collected.lock().unwrap_or_else(|e| e.into_inner()).push((level.to_owned(), text));
        }
    });
    messages
}

/// ChromeDriver's `POST /session/{id}/se/log` for one log: `browser` (the console) or
/// `performance` (DevTools protocol events). Each read returns what came since the last.
#[derive(Debug)]
struct ChromeLog(&'static str);

impl fantoccini::wd::WebDriverCompatibleCommand for ChromeLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(serde_json::json!({ "type": self.0 }).to_string()))
    }
}

pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A whole lab: frontend, backend, browser, wired to each other on free ports.
pub struct Lab {
    pub frontend: Frontend,
    pub backend: Backend,
    pub browser: Browser,
    pub http: reqwest::Client,
}

impl Lab {
    pub async fn start() -> Lab {
        let frontend = Frontend::serve().await;
        let backend = Backend::start(&frontend.origin);
        let browser = Browser::start().await;
        Lab { frontend, backend, browser, http: reqwest::Client::new() }
    }

    /// A lab whose page is open and ready (`open_page`).
    pub async fn opened() -> Lab {
        let lab = Lab::start().await;
        lab.open_page().await;
        lab
    }

    /// The playground page, pointed at this lab's backend.
    pub fn page_url(&self) -> String {
        format!("{}/?api={}", self.frontend.origin, self.backend.api)
    }

    /// Opens the playground page and waits until it shows the policy the server has.
    pub async fn open_page(&self) {
        self.browser.client.goto(&self.page_url()).await.expect("page loads");
        self.browser.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;
    }

    /// `GET path` on the control plane, as JSON.
    pub async fn control_get(&self, path: &str) -> serde_json::Value {
        let answer = self.http.get(format!("{}{path}", self.backend.api)).send().await.expect("control plane answers");
        answer.json().await.unwrap_or_else(|e| panic!("GET {path}: not JSON: {e}"))
    }

    /// `PUT path` on the control plane; the server must take it.
    pub async fn control_put(&self, path: &str, body: &impl serde::Serialize) {
        let answer = self.http.put(format!("{}{path}", self.backend.api)).json(body).send().await.expect("control plane answers");
        assert!(answer.status().is_success(), "PUT {path}: {}", answer.status());
    }

    /// Polls `path` on the control plane until `done` holds for it (what the page changed
    /// reaches the server a moment after the click).
    pub async fn control_wait(&self, path: &str, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let value = settle(async || self.control_get(path).await, &done).await;
        assert!(done(&value), "{path} never got there: {value}");
        value
    }

    /// The victim's (a@b.com's) balance at the lab's bank.
    pub async fn balance(&self) -> u64 {
        let accounts = self.control_get("/control/accounts").await;
        accounts[0]["balance"].as_u64().expect("accounts list balances")
    }

    /// The server's request log, straight from the control plane, page by page.
    pub async fn server_log(&self) -> Vec<shared::wire::LogEntry> {
        let mut log: Vec<shared::wire::LogEntry> = Vec::new();
        loop {
            let after = log.last().map_or(0, |e| e.seq);
            let url = format!("{}/control/log?after={after}", self.backend.api);
            let page: Vec<shared::wire::LogEntry> = self
                .http
                .get(url)
                .send()
                .await
                .expect("control plane answers")
                .json()
                .await
                .expect("log is JSON");
            let more = page.len() == shared::wire::LOG_PAGE_MAX;
            log.extend(page);
            if !more {
                return log;
            }
        }
    }
}

/// Whether the session cookie came with the request of a log entry read as JSON.
pub fn session_came(entry: &serde_json::Value) -> bool {
    let credentials: shared::wire::Credentials = serde_json::from_value(entry["credentials"].clone()).expect("a log entry's credentials");
    credentials.has_session()
}

/// A `redis-server` of the test's own on a free loopback port, nothing saved, stopped on drop.
pub struct Redis {
    child: Child,
    /// `redis://127.0.0.1:PORT/0`, for `--session-store`.
    pub url: String,
}

impl Redis {
    pub fn start() -> Redis {
        let port = free_port();
        let child = Command::new("redis-server")
            .args(xtask::redis::args(port))
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is installed (cargo xtask test installs it)");
        let redis = Redis { child, url: xtask::redis::url(port) };
        wait_for_port(port, "redis-server");
        redis
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until something accepts connections on the loopback `port`.
fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} does not listen on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// HAProxy (`PLAYGROUND_HAPROXY`) with the scaling lab's configuration, stopped on drop.
pub struct Haproxy {
    child: Child,
    dir: PathBuf,
}

impl Haproxy {
    pub fn start(layout: &xtask::haproxy::Layout) -> Haproxy {
        let bin = required_path("PLAYGROUND_HAPROXY");
        let dir = std::env::temp_dir().join(format!("playground-haproxy-{}-{}", std::process::id(), layout.round_robin.port()));
        std::fs::create_dir_all(&dir).expect("a folder for the configuration");
        let file = dir.join("haproxy.cfg");
        std::fs::write(&file, xtask::haproxy::config(layout)).expect("the configuration is written");
        // Its messages (servers going down for maintenance, …) are noise in a passing test;
        // they are shown when it does not start.
        let messages = dir.join("haproxy.log");
        let log = std::fs::File::create(&messages).expect("a file for HAProxy's messages");
        let child = Command::new(&bin)
            .arg("-db")
            .arg("-f")
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut haproxy = Haproxy { child, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        let listening = |address: &str| match address.parse::<SocketAddr>() {
            Ok(tcp) => std::net::TcpStream::connect(tcp).is_ok(),
            Err(_) => std::os::unix::net::UnixStream::connect(address).is_ok(),
        };
        for address in [layout.round_robin.to_string(), layout.sticky.to_string(), layout.admin.display().to_string()] {
            while !listening(&address) {
                let stopped = matches!(haproxy.child.try_wait(), Ok(Some(_)));
                if stopped || Instant::now() > deadline {
                    let said = std::fs::read_to_string(&messages).unwrap_or_default();
                    panic!("HAProxy does not listen on {address}; it said:\n{said}");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        haproxy
    }

    /// Every TCP port HAProxy's process listens on, from `/proc`: its sockets' inodes among the
    /// listening sockets of `/proc/net/tcp` and `tcp6`.
    pub fn tcp_ports(&self) -> Vec<u16> {
        let fds = std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).expect("HAProxy's open files");
        let inodes: Vec<String> = fds
            .flatten()
            .filter_map(|fd| std::fs::read_link(fd.path()).ok())
            .filter_map(|target| Some(target.to_str()?.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned()))
            .collect();
        let mut ports = Vec::new();
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            for line in std::fs::read_to_string(table).unwrap_or_default().lines().skip(1) {
                let fields: Vec<&str> = line.split_whitespace().collect();
                // local_address is HEXIP:HEXPORT, st 0A is LISTEN, the inode is the tenth field.
                let (Some(local), Some(&"0A"), Some(inode)) = (fields.get(1), fields.get(3), fields.get(9)) else { continue };
                if inodes.iter().any(|i| i == inode)
                    && let Some(port) = local.rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok())
                {
                    ports.push(port);
                }
            }
        }
        ports.sort_unstable();
        ports.dedup();
        ports
    }

    /// Stops it now (the instances keep running).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Where the scaling lab's instances keep sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    Memory,
    Redis,
}

/// The scaling lab as `cargo xtask run --scale lb` starts it, on free ports: instances A and
/// B (peers of each other, one JWT secret, `store`), HAProxy in front with its round-robin and
/// sticky ways, and the UI's origin for a page to send requests from.
pub struct ScaleLab {
    pub frontend: Frontend,
    pub a: Backend,
    pub b: Backend,
    pub haproxy: Haproxy,
    /// `http://localhost:PORT`: the lab API through the round-robin way.
    pub round_robin: String,
    /// `http://localhost:PORT`: the lab API through the sticky way.
    pub sticky: String,
    pub http: reqwest::Client,
    /// Kept for the instances' lifetime.
    _redis: Option<Redis>,
    /// HAProxy's runtime API's private directory, kept as long as HAProxy runs.
    pub admin: xtask::haproxy::AdminSocket,
}

impl ScaleLab {
    pub async fn start(store: Store) -> ScaleLab {
        let frontend = Frontend::serve().await;
        let redis = (store == Store::Redis).then(Redis::start);
        let store = redis.as_ref().map_or_else(|| "memory".to_owned(), |r| r.url.clone());
        let (a_port, b_port, round_robin, sticky) = (free_port(), free_port(), free_port(), free_port());
        let admin = xtask::haproxy::AdminSocket::create().expect("a private directory for HAProxy's runtime API");
        let admin_path = admin.path().display().to_string();
        let loopback = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
        let (round_robin_origin, sticky_origin) = (format!("http://localhost:{round_robin}"), format!("http://localhost:{sticky}"));
        let instance = |name: &str, port: u16, peer: u16| {
            Backend::start_with(&frontend.origin, &[
                "--api-addr", &loopback(port).to_string(),
                "--instance-name", name,
                "--peer", &format!("http://localhost:{peer}"),
                "--session-store", &store,
                "--jwt-secret", "one-secret-for-both-instances-0123456789abcdef",
                "--balancer-admin", &admin_path,
                "--balancer-round-robin", &round_robin_origin,
                "--balancer-sticky", &sticky_origin,
            ])
        };
        let (a, b) = (instance("A", a_port, b_port), instance("B", b_port, a_port));
        let haproxy = Haproxy::start(&xtask::haproxy::Layout {
            instances: vec![("A".to_owned(), loopback(a_port)), ("B".to_owned(), loopback(b_port))],
            round_robin: loopback(round_robin),
            sticky: loopback(sticky),
            admin: admin.path(),
            log_requests: false,
        });
        ScaleLab { frontend, a, b, haproxy, round_robin: round_robin_origin, sticky: sticky_origin, http: reqwest::Client::new(), _redis: redis, admin }
    }

    /// Puts `policy` on both instances, each straight through its own control plane: each
    /// keeps its lab settings in its own memory, so the page applies them to every instance.
    pub async fn set_policy_everywhere(&self, policy: &serde_json::Value) {
        for instance in [&self.a, &self.b] {
            let put = self.http.put(format!("{}/control/cors", instance.api)).json(policy).send().await.expect("control plane answers");
            assert_eq!(put.status(), 200, "the policy was refused by {}", instance.api);
        }
    }

    /// The default lab policy of this lab's UI, with `X-Instance` readable by the page.
    pub fn policy_exposing_the_instance(&self) -> serde_json::Value {
        serde_json::json!({
            "enabled": true,
            "allow_origin": {"mode": "list", "origins": [self.frontend.origin]},
            "allow_credentials": true,
            "allow_methods": ["GET", "POST"],
            "allow_headers": ["Content-Type", "Authorization"],
            "expose_headers": ["X-Instance"],
            "max_age": null,
        })
    }
}

/// The `corsError` Chromium reported for the request whose URL holds `rid`.
pub fn cors_error_of(events: &[serde_json::Value], rid: &str) -> Option<String> {
    let ids: Vec<&str> = events
        .iter()
        .filter(|e| e["method"] == "Network.requestWillBeSent" && e["params"]["request"]["url"].as_str().is_some_and(|u| u.contains(rid)))
        .filter_map(|e| e["params"]["requestId"].as_str())
        .collect();
    events
        .iter()
        .filter(|e| e["method"] == "Network.loadingFailed" && e["params"]["requestId"].as_str().is_some_and(|id| ids.contains(&id)))
        .find_map(|e| e["params"]["corsErrorStatus"]["corsError"].as_str().map(str::to_owned))
}

/// Whether a console line is an engine's CORS message (Chromium's or Firefox's).
pub fn is_cors_message(line: &str) -> bool {
    line.contains("CORS policy") || line.starts_with("Cross-Origin Request Blocked")
}

/// The console's sentence without what ChromeDriver puts around it (the page's URL before it,
/// and quotes when the message came as a JSON string).
pub fn console_sentence(message: &str) -> String {
    let from = message.find("Access to fetch").unwrap_or(0);
    message[from..].trim_end_matches('"').to_owned()
}
