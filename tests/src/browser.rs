//! A real browser through its engine's WebDriver server, and what the tests read from it.

use fantoccini::wd::WindowHandle;

use super::*;

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

    /// Clicks `css`, first opening the `<details>` it is folded in, as a person would.
    pub async fn click(&self, css: &str) {
        let element = self.client.wait().at_most(UI_TIMEOUT).for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no element {css}: {e}"));
        self.unfold(&element).await;
        element.click().await.unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Opens each closed `<details>` around `element`, except the one whose summary it is
    /// (clicking that summary is what opens it): the page folds its advanced material. Then
    /// brings it to the middle of the window, as a person scrolls to what they click: at the
    /// window's edge, where WebKitWebDriver scrolls it by itself, the page below the first
    /// screen is still being laid out and the click can miss.
    async fn unfold(&self, element: &fantoccini::elements::Element) {
        let element = serde_json::to_value(element).expect("an element is JSON");
        self.client
            .execute(
                "const el = arguments[0];
                 for (let d = el.parentElement && el.parentElement.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
                   const summary = d.querySelector(':scope > summary');
                   if (!d.open && !(summary && summary.contains(el))) d.open = true;
                 }
                 el.scrollIntoView({ block: 'center' });",
                vec![element],
            )
            .await
            .expect("the script that opens folded sections runs");
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
        self.unfold(&field).await;
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
    /// Opens another window of this session (the same profile: cookies, cache) on `url` and
    /// switches to it; hands back the window it left, for `switch_to`.
    pub async fn open_window(&self, url: &str) -> WindowHandle {
        let left = self.client.window().await.expect("the current window");
        let opened = self.client.new_window(false).await.unwrap_or_else(|e| panic!("{:?} opens no new window: {e}", self.engine));
        self.client.switch_to_window(opened.handle).await.expect("switched to the new window");
        self.client.goto(url).await.expect("page loads");
        left
    }

    /// Switches to `window`; hands back the window it left.
    pub async fn switch_to(&self, window: WindowHandle) -> WindowHandle {
        let left = self.client.window().await.expect("the current window");
        self.client.switch_to_window(window).await.expect("switched window");
        left
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
