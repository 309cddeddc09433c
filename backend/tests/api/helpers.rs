//! `spawn_app()`: the real app on free loopback ports, in this process.

use backend::{Config, startup};
use clap::Parser;
use reqwest::{Client, Method, Response, header::HeaderMap};
use serde_json::Value;

pub const FRONT: &str = "http://localhost:8080";

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub client: Client,
    /// The app's state, for what only the server knows (how many passwords it verified).
    pub state: backend::AppState,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[&str]) -> TestApp {
    let mut args = vec!["backend", "--api-addr", "127.0.0.1:0", "--site-addr", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let bound = startup::bind(Config::parse_from(args)).await.expect("binds");
    let base = format!("http://{}", bound.api_addr);
    let state = bound.state().clone();
    tokio::spawn(bound.serve(std::future::pending()));
    TestApp { base, client: Client::new(), state }
}

impl TestApp {
    pub async fn request(&self, method: Method, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await.expect("request sent")
    }

    pub async fn preflight(&self, path: &str, origin: &str, method: &str, headers: Option<&str>) -> Response {
        let mut h = vec![("Origin", origin), ("Access-Control-Request-Method", method)];
        if let Some(list) = headers {
            h.push(("Access-Control-Request-Headers", list));
        }
        self.request(Method::OPTIONS, path, &h).await
    }

    pub async fn put_policy(&self, body: &Value) -> Response {
        self.client.put(format!("{}/control/cors", self.base)).json(body).send().await.expect("sent")
    }

    pub async fn policy(&self) -> Value {
        self.client.get(format!("{}/control/cors", self.base)).send().await.expect("sent").json().await.expect("json")
    }

    /// `POST /control/reset` as the playground's page sends it (JSON, no `Origin`).
    pub async fn reset(&self) -> Response {
        let response = self.client.post(format!("{}/control/reset", self.base)).json(&serde_json::json!({})).send().await.expect("sent");
        assert_eq!(response.status(), 204, "reset");
        response
    }

    /// The whole request log, page by page.
    pub async fn log(&self) -> Vec<Value> {
        let mut log: Vec<Value> = Vec::new();
        loop {
            let after = log.last().map_or(0, |e| e["seq"].as_u64().expect("seq"));
            let url = format!("{}/control/log?after={after}", self.base);
            let page: Vec<Value> = self
                .client
                .get(url)
                .send()
                .await
                .expect("sent")
                .json()
                .await
                .expect("json");
            let more = page.len() == shared::wire::LOG_PAGE_MAX;
            log.extend(page);
            if !more {
                return log;
            }
        }
    }
}

/// All `Access-Control-*` headers, for "none of them" assertions.
pub fn cors_headers(headers: &HeaderMap) -> Vec<String> {
    headers.keys().map(|k| k.as_str().to_owned()).filter(|k| k.starts_with("access-control-")).collect()
}

pub fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Asserts the error shape of API.md and returns the body.
pub async fn assert_error(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status for {code}");
    let content_type = header(response.headers(), "content-type").unwrap_or_default().to_owned();
    assert!(content_type.starts_with("application/json"), "content type {content_type}");
    let body: Value = response.json().await.expect("JSON body");
    assert_eq!(body["error"], code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    body
}

pub fn default_policy() -> Value {
    serde_json::json!({
        "enabled": true,
        "allow_origin": {"mode": "list", "origins": [FRONT]},
        "allow_credentials": true,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["Content-Type", "Authorization"],
        "expose_headers": [],
        "max_age": null,
        "refused_preflight": "forbidden"
    })
}

/// A `redis-server` of the test's own on a free loopback port, stopped on drop.
pub struct RedisServer {
    child: std::process::Child,
    pub port: u16,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Self::start_on(port)
    }

    /// Starts on `port` (again, after `stop`) and waits until it answers.
    pub fn start_on(port: u16) -> RedisServer {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is installed (cargo xtask test installs it)");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "redis-server did not start on {port}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        RedisServer { child, port }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    pub fn stop(mut self) -> u16 {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.port
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
