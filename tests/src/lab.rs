//! A whole lab: frontend, backend and browser wired together, and its control plane.

use super::*;

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

    /// The running challenge (`GET /control/challenge`) once the server's judge has read every
    /// entry the log holds now (`judged_through`), or found it solved: then "not solved" is
    /// its verdict on all of them, not a guess made before it looked.
    pub async fn judged_run(&self) -> serde_json::Value {
        let last = self.server_log().await.last().map_or(0, |e| e.seq);
        let judged = |run: &serde_json::Value| run["run"]["judged_through"].as_u64().unwrap_or(0) >= last || !run["run"]["solved"].is_null();
        self.control_wait("/control/challenge", judged).await
    }

    /// Opens the page from a link to a lab that differs from the live one (a PUT request, a
    /// policy trusting `null` since), so that the shared draft and its table show.
    pub async fn open_a_shared_draft(&self) {
        let b = &self.browser;
        b.select("#req-method", "PUT").await;
        let link = b.value("#share-link").await;
        b.click("#preset-trust-null").await;
        b.wait_text("#policy-summary", |t| t.contains("null")).await;
        b.client.goto("about:blank").await.unwrap();
        b.client.goto(&link).await.unwrap();
        b.wait_text("#shared-changes", |t| t.contains("allow_origin")).await;
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
