//! `test_app()`: what the API listener serves (`for_listener(app(state))`), called with `oneshot`,
//! no socket; `spawn_app()`: the real app on free loopback ports, for what only a socket shows.

use std::{
    collections::BTreeMap,
    convert::Infallible,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Mutex,
    time::Duration,
};

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::ConnectInfo,
    http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, header, request::Builder},
};
use backend::{
    AppState, Config, app,
    app::for_listener,
    host::AllowedHosts,
    startup,
};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tower::{ServiceExt, util::BoxCloneSyncService};

pub const FRONT: &str = "http://localhost:8080";
/// The `Host` of every oneshot request: one of the names the API listener answers.
pub const HOST: &str = "localhost:3000";
/// Where oneshot requests come from, as the server's accept loop says in `ConnectInfo`.
pub const PEER: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 50000);
/// The JWT secret when a test names none (the binary makes a random one; `auth.rs` checks that through `startup`).
const SECRET: &str = "a-test-secret-that-is-long-enough-0123";

type Service = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

/// The app as the API listener serves it, the `Host` check and head and body limits included,
/// and its state for what only the server knows (how many passwords it verified).
#[derive(Clone)]
pub struct TestApp {
    pub state: AppState,
    service: Service,
}

pub fn test_app() -> TestApp {
    test_app_with(&[])
}

/// The state the binary would build from `extra` flags, without binding anything.
pub fn test_app_with(extra: &[&str]) -> TestApp {
    let mut args = vec!["backend"];
    // A test's logins come one after another, and a hashing thread rests after each hash: with
    // the binary's default on a small machine (one thread) each login would wait out the last
    // one's rest. Tests about the hashing threads name their number.
    if !extra.contains(&"--hashing-threads") {
        args.extend(["--hashing-threads", "4"]);
    }
    // Tests sign and check tokens with a secret they know, unless they name one.
    if !extra.contains(&"--jwt-secret") {
        args.extend(["--jwt-secret", SECRET]);
    }
    args.extend_from_slice(extra);
    let config = Config::from_args(args).expect("flags");
    TestApp::of(startup::state(config, "127.0.0.1:3001".parse().unwrap()).expect("state"))
}

impl TestApp {
    pub fn of(state: AppState) -> TestApp {
        let served = for_listener(app(state.clone()), AllowedHosts::new(state.config()));
        let service = BoxCloneSyncService::new(served.map_response(|response| response.map(Body::new)));
        TestApp { state, service }
    }

    /// The answer as it starts, its body not read: an event stream never ends.
    pub async fn call(&self, mut req: Request<Body>) -> Response<Body> {
        if req.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            req.extensions_mut().insert(ConnectInfo(PEER));
        }
        self.service.clone().oneshot(req).await.unwrap_or_else(|never| match never {})
    }

    pub async fn request(&self, method: Method, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut req = self.req(method, path);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await
    }

    pub async fn preflight(&self, path: &str, origin: &str, method: &str, headers: Option<&str>) -> Answer {
        let mut h = vec![("Origin", origin), ("Access-Control-Request-Method", method)];
        if let Some(list) = headers {
            h.push(("Access-Control-Request-Headers", list));
        }
        self.request(Method::OPTIONS, path, &h).await
    }

    pub async fn put_policy(&self, body: &Value) -> Answer {
        self.put("/control/cors").json(body).send().await
    }

    pub async fn policy(&self) -> Value {
        self.get("/control/cors").send().await.json()
    }

    /// `POST /control/reset` as the playground's page sends it (JSON, no `Origin`).
    pub async fn reset(&self) -> Answer {
        let response = self.post("/control/reset").json(&serde_json::json!({})).send().await;
        assert_eq!(response.status(), 204, "reset");
        response
    }

    /// The whole request log, page by page.
    pub async fn log(&self) -> Vec<Value> {
        let mut log: Vec<Value> = Vec::new();
        loop {
            let after = log.last().map_or(0, |e| e["seq"].as_u64().expect("seq"));
            let page: Vec<Value> = self.get(&format!("/control/log?after={after}")).send().await.json();
            let more = page.len() == shared::wire::LOG_PAGE_MAX;
            log.extend(page);
            if !more {
                return log;
            }
        }
    }

    /// A client that keeps cookies as a browser does.
    pub fn browser(&self) -> Browser<'_> {
        Browser { app: self, jar: Mutex::default() }
    }
}

/// Who sends requests: `TestApp` (a client without cookies, like curl) or a `Browser`.
pub trait Client {
    fn req(&self, method: Method, path: &str) -> Req<'_>;

    fn get(&self, path: &str) -> Req<'_> {
        self.req(Method::GET, path)
    }

    fn post(&self, path: &str) -> Req<'_> {
        self.req(Method::POST, path)
    }

    fn put(&self, path: &str) -> Req<'_> {
        self.req(Method::PUT, path)
    }

    fn delete(&self, path: &str) -> Req<'_> {
        self.req(Method::DELETE, path)
    }
}

impl Client for TestApp {
    fn req(&self, method: Method, path: &str) -> Req<'_> {
        Req::new(self, None, method, path)
    }
}

/// A browser's cookie store, as far as these tests need one: it keeps what `Set-Cookie` sets,
/// forgets what `Max-Age=0` clears, and sends the rest with every request.
pub struct Browser<'a> {
    app: &'a TestApp,
    jar: Mutex<BTreeMap<String, String>>,
}

impl Client for Browser<'_> {
    fn req(&self, method: Method, path: &str) -> Req<'_> {
        Req::new(self.app, Some(&self.jar), method, path)
    }
}

/// A request being built, sent with `send` (the whole answer) or `call` (the answer's head).
pub struct Req<'a> {
    app: &'a TestApp,
    jar: Option<&'a Mutex<BTreeMap<String, String>>>,
    builder: Builder,
    body: Body,
}

impl<'a> Req<'a> {
    fn new(app: &'a TestApp, jar: Option<&'a Mutex<BTreeMap<String, String>>>, method: Method, path: &str) -> Req<'a> {
        Req { app, jar, builder: Request::builder().method(method).uri(path).header(header::HOST, HOST), body: Body::empty() }
    }

    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: Into<axum::http::Error>,
        V: TryInto<HeaderValue>,
        V::Error: Into<axum::http::Error>,
    {
        self.builder = self.builder.header(name, value);
        self
    }

    /// Another `Host` instead of ours.
    pub fn host(mut self, host: HeaderValue) -> Self {
        self.builder.headers_mut().expect("a valid request").insert(header::HOST, host);
        self
    }

    pub fn bearer_auth(self, token: &str) -> Self {
        self.header(header::AUTHORIZATION, format!("Bearer {token}"))
    }

    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    pub fn json(self, body: &Value) -> Self {
        self.header(header::CONTENT_TYPE, "application/json").body(body.to_string())
    }

    /// The head of the answer; the cookies it sets are kept.
    pub async fn call(self) -> Response<Body> {
        let Req { app, jar, mut builder, body } = self;
        // As a client says how long the body it sends is.
        if let Some(length) = body.size_hint().exact().filter(|n| *n > 0) {
            builder = builder.header(header::CONTENT_LENGTH, length);
        }
        if let Some(cookies) = jar.map(|jar| jar.lock().unwrap().iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")) {
            if !cookies.is_empty() {
                builder = builder.header(header::COOKIE, cookies);
            }
        }
        let mut req = builder.body(body).expect("a request");
        // As the server's parser hands them on: a field value without the whitespace around it
        // (RFC 9112 §5), so `Bearer ` arrives as `Bearer`.
        for value in req.headers_mut().values_mut() {
            let trimmed = value.as_bytes().trim_ascii();
            if trimmed.len() < value.len() {
                *value = HeaderValue::from_bytes(trimmed).expect("a part of a header value is one");
            }
        }
        let response = app.call(req).await;
        if let Some(jar) = jar {
            let mut jar = jar.lock().unwrap();
            for set in response.headers().get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()) {
                let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
                let (name, value) = pair.split_once('=').expect("name=value");
                if attributes.split(';').any(|a| a.trim().eq_ignore_ascii_case("Max-Age=0")) {
                    jar.remove(name.trim());
                } else {
                    jar.insert(name.trim().to_owned(), value.trim().to_owned());
                }
            }
        }
        response
    }

    pub async fn send(self) -> Answer {
        let (parts, body) = self.call().await.into_parts();
        Answer { status: parts.status, headers: parts.headers, body: body.collect().await.expect("the body").to_bytes() }
    }
}

/// A whole answer, read.
pub struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    /// An answer that came over a socket.
    pub async fn of(response: reqwest::Response) -> Answer {
        let (status, headers) = (response.status(), response.headers().clone());
        Answer { status, headers, body: response.bytes().await.expect("the body") }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("JSON body ({e}): {}", self.text()))
    }
}

/// The real app on free loopback ports, in this process, and the same state as a `TestApp`.
pub struct Served {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub client: reqwest::Client,
    pub app: TestApp,
}

pub async fn spawn_app() -> Served {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[&str]) -> Served {
    let mut args = vec!["backend", "--api-addr", "127.0.0.1:0", "--site-addr", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let bound = startup::bind(Config::from_args(args).expect("flags")).await.expect("binds");
    let base = format!("http://{}", bound.api_addr);
    let app = TestApp::of(bound.state().clone());
    tokio::spawn(bound.serve(std::future::pending()));
    Served { base, client: reqwest::Client::new(), app }
}

impl Served {
    /// `host:port`, for raw connections.
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    pub async fn request(&self, method: Method, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await.expect("request sent")
    }

    /// Returns once the listener has cut off a connection that sent half a request head and
    /// then nothing: from then on `--header-timeout` has run out for every connection opened
    /// before it, which is what a test that outlasts the timeout waits for.
    pub async fn head_timeout_passed(&self) {
        let answer = raw(self.addr(), b"GET /control/cors HTTP/1.1\r\n").await;
        assert!(!answer.starts_with("HTTP/1.1 2"), "a half head was answered: {answer}");
    }
}

/// Sends raw bytes over a new connection and returns all the server sends until it closes
/// (within a generous deadline that only fails the test).
pub async fn raw(addr: &str, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(bytes).await.unwrap();
    let mut buf = Vec::new();
    // A reset after the answer (the server closing on unread bytes) still leaves the answer.
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await.expect("closed in time");
    String::from_utf8_lossy(&buf).into_owned()
}

/// Polls `done` every few milliseconds until it holds; the deadline is generous and only
/// fails the test, so a slow machine waits longer instead of failing.
pub async fn eventually<F: Future<Output = bool>>(what: &str, mut done: impl FnMut() -> F) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
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
pub fn assert_error(response: Answer, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status for {code}");
    let content_type = header(response.headers(), "content-type").unwrap_or_default().to_owned();
    assert!(content_type.starts_with("application/json"), "content type {content_type}");
    let body: Value = response.json();
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
