//! The one typed client of the backend: every call goes through `Api`, and `Api::send` alone
//! decides what counts as success. Bodies are the wire types of `shared::wire`; a lab request
//! comes back as what the page's own code would see of it (`BrowserView`).

use futures_util::FutureExt;
use gloo_net::http::{Headers, Method, RequestBuilder, Response};
use leptos::prelude::*;
use serde::{Serialize, de::DeserializeOwned};
use shared::{
    cookie::CookiePolicy,
    cors::{CorsPolicy, browser::CredentialsMode},
    wire::{
        Account, Defenses, ErrorBody, ErrorCode, Instance, CONTROL_TOKEN_HEADER, JwtSettings, LOG_PAGE_MAX, LogEntry,
        SessionRow, SiteLinks,
    },
};
use std::sync::Arc;
use web_sys::RequestCredentials;

use crate::{json, lab_request::LabRequest, loopback};

/// The backend the README's run command starts.
pub const DEFAULT_API: &str = "http://localhost:3000";

/// Why a control-plane call came to nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// No answer the page may read: the backend is down, or it does not trust this page's
    /// origin (its control plane answers only its `--frontend-origin`s; `Api::reachable` tells).
    Network(String),
    /// The backend refused, with the error body of the contract.
    Refused { status: u16, error: ErrorBody },
    /// An answer the contract does not describe: a body that does not read as its type, or
    /// an error status without an error body.
    Unexpected { status: u16, detail: String },
    /// The backend runs with `--control-token` and did not get it (or not the right one).
    TokenRequired,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Network(e) => write!(f, "no answer this page may read ({e}): the backend is not running, or does not trust this page's origin"),
            Self::Refused { status, error } => write!(f, "the backend answered {status} {}: {}", error.error, error.message),
            Self::Unexpected { status, detail } => write!(f, "the backend's answer ({status}) could not be read: {detail}"),
            Self::TokenRequired => write!(f, "the backend asks for its control token"),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The backend an `?api=` value names. Only a loopback origin (`loopback::origin`): anyone
/// can write a link to the playground with any `?api=` in it. No value: the default backend.
/// A refused value is handed back, for the page to say so.
pub fn backend(api: Option<&str>) -> std::result::Result<String, String> {
    match api {
        None => Ok(DEFAULT_API.to_owned()),
        Some(url) => loopback::origin(url).map(str::to_owned).ok_or_else(|| url.to_owned()),
    }
}

/// The backend's control token, as the person typed it: in this page's memory only (never in
/// storage), gone on reload.
///
/// Each control call reads the token as it is built, and that read is tracked: a
/// `LocalResource` that loaded from the control plane loads again once the person gives the
/// token, and the live log reconnects with it.
#[derive(Clone, Copy, Debug)]
pub struct ControlToken {
    token: RwSignal<Option<String>>,
    /// Set when the backend refused a call for want of the token: the form asks for it.
    wanted: RwSignal<bool>,
}

impl ControlToken {
    pub fn new() -> ControlToken {
        ControlToken { token: RwSignal::new(None), wanted: RwSignal::new(false) }
    }

    /// Uses `token` for every control call from now on.
    pub fn give(&self, token: String) {
        self.token.set(Some(token));
        self.wanted.set(false);
    }

    /// Whether the backend is waiting for the token.
    pub fn wanted(&self) -> bool {
        self.wanted.get()
    }

    /// Whether the person gave a token already (then the backend refused it).
    pub fn given(&self) -> bool {
        self.token.with(Option::is_some)
    }

    fn current(&self) -> Option<String> {
        self.token.get()
    }

    /// The backend refused the token `sent` with (or `None`, without one).
    fn refused(&self, sent: &Option<String>) {
        // An answer to a call sent before the person gave a (new) token says nothing about
        // that token; and when many calls fail at once, the form is drawn once.
        if self.token.with_untracked(|now| now == sent) && !self.wanted.get_untracked() {
            self.wanted.set(true);
        }
    }
}

impl Default for ControlToken {
    fn default() -> Self {
        Self::new()
    }
}

/// What the page's own code got back from `fetch()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrowserView {
    /// The browser let the page read the response: status, the headers JavaScript can see,
    /// and the body.
    Response { status: u16, status_text: String, headers: Vec<(String, String)>, body: String },
    /// The browser gave the page nothing but an error (CORS block or network failure:
    /// JavaScript cannot tell them apart, on purpose).
    NetworkError(String),
}

impl BrowserView {
    pub fn headline(&self) -> String {
        match self {
            Self::Response { status, status_text, .. } => format!("{status} {status_text}").trim_end().to_owned(),
            Self::NetworkError(message) => message.clone(),
        }
    }

    /// The value of the response header `name`, when the page could read it (the browser hides
    /// any the policy does not expose). Header names compare case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        match self {
            Self::Response { headers, .. } => headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str()),
            Self::NetworkError(_) => None,
        }
    }
}

/// A client of one backend.
///
/// Each call takes what it sends at once (the URL, the body, the control token) and hands back a
/// future that owns it, so `LocalResource::new(move || api.sessions())` needs no clone.
#[derive(Clone, Debug)]
pub struct Api {
    base: Arc<str>,
    control: ControlToken,
}

impl Api {
    pub fn new(base: &str, control: ControlToken) -> Api {
        Api { base: base.trim_end_matches('/').into(), control }
    }

    /// Another instance of the backend (the scaling lab's peer), with the same control token.
    pub fn at(&self, base: &str) -> Api {
        Api::new(base, self.control)
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn get_policy(&self) -> impl Future<Output = Result<CorsPolicy>> + use<> {
        self.get("/control/cors")
    }

    pub fn put_policy(&self, policy: &CorsPolicy) -> impl Future<Output = Result<CorsPolicy>> + use<> {
        self.put("/control/cors", policy)
    }

    pub fn get_cookie(&self) -> impl Future<Output = Result<CookiePolicy>> + use<> {
        self.get("/control/cookie")
    }

    pub fn put_cookie(&self, policy: &CookiePolicy) -> impl Future<Output = Result<CookiePolicy>> + use<> {
        self.put("/control/cookie", policy)
    }

    pub fn get_defenses(&self) -> impl Future<Output = Result<Defenses>> + use<> {
        self.get("/control/defenses")
    }

    pub fn put_defenses(&self, defenses: &Defenses) -> impl Future<Output = Result<Defenses>> + use<> {
        self.put("/control/defenses", defenses)
    }

    pub fn site(&self) -> impl Future<Output = Result<SiteLinks>> + use<> {
        self.get("/control/site")
    }

    pub fn instance(&self) -> impl Future<Output = Result<Instance>> + use<> {
        self.get("/control/instance")
    }

    /// The instances behind the load balancer (`GET /control/balancer`).
    pub fn balancer(&self) -> impl Future<Output = Result<shared::wire::BalancerState>> + use<> {
        self.get("/control/balancer")
    }

    /// Stops (`enabled: false`) or starts an instance for lab requests, in both ways through.
    pub fn switch_server(&self, name: &str, enabled: bool) -> impl Future<Output = Result<shared::wire::BalancerState>> + use<> {
        let path = format!("/control/balancer/servers/{}", js_sys::encode_uri_component(name));
        self.put(&path, &shared::wire::ServerSwitch { enabled })
    }

    pub fn accounts(&self) -> impl Future<Output = Result<Vec<Account>>> + use<> {
        self.get("/control/accounts")
    }

    pub fn get_jwt(&self) -> impl Future<Output = Result<JwtSettings>> + use<> {
        self.get("/control/jwt")
    }

    pub fn sessions(&self) -> impl Future<Output = Result<Vec<SessionRow>>> + use<> {
        self.get("/control/sessions")
    }

    /// Log entries newer than `after`, read page by page (`LOG_PAGE_MAX` an answer).
    pub fn log_after(&self, after: u64) -> impl Future<Output = Result<Vec<LogEntry>>> + use<> {
        let api = self.clone();
        async move {
            let (mut entries, mut after) = (Vec::new(), after);
            loop {
                let page: Vec<LogEntry> = api.get(&format!("/control/log?after={after}")).await?;
                let more = page.len() == LOG_PAGE_MAX;
                after = page.last().map_or(after, |e| e.seq);
                entries.extend(page);
                if !more {
                    return Ok(entries);
                }
            }
        }
    }

    /// The log entries of one request (`rid`), newer than `after`.
    pub fn log_of(
        &self,
        rid: &str,
        after: u64,
    ) -> impl Future<Output = Result<Vec<LogEntry>>> + use<> {
        self.get(&format!(
            "/control/log?after={after}&rid={}",
            js_sys::encode_uri_component(rid)
        ))
    }

    /// Revokes the session a `SessionRow::handle` names.
    pub fn revoke(&self, handle: &str) -> impl Future<Output = Result<()>> + use<> {
        let path = format!("/control/sessions/{}", js_sys::encode_uri_component(handle));
        let sent = self.send(Method::DELETE, &path, None);
        async move { sent.await.map(drop) }
    }

    /// Resets the lab. The body is JSON on purpose: the backend refuses a reset without
    /// `Content-Type: application/json`, so that a plain form on another site cannot send one.
    pub fn reset(&self) -> impl Future<Output = Result<()>> + use<> {
        let sent = self.send(Method::POST, "/control/reset", Some("{}".to_owned()));
        async move { sent.await.map(drop) }
    }

    /// Whether anything answers at the backend's address: a `no-cors` request, whose answer
    /// the page may not read but which succeeds whenever a server answered at all. Tells "not
    /// running" from "running, but not letting this page in" when a control call failed.
    pub fn reachable(&self) -> impl Future<Output = bool> + use<> {
        let url = self.url("/control/instance");
        async move { RequestBuilder::new(&url).mode(web_sys::RequestMode::NoCors).send().await.is_ok() }
    }

    /// The live log's `EventSource` URL: it cannot set headers, so the control token goes in
    /// the query.
    pub fn events_url(&self) -> String {
        let url = self.url("/control/events");
        match self.control.current() {
            Some(token) => format!("{url}?token={}", js_sys::encode_uri_component(&token)),
            None => url,
        }
    }

    /// The URL of a lab request to `path`, tagged with its request id `rid` (which needs no
    /// escaping): the URL `lab_fetch` has the browser fetch, as its console names it.
    pub fn lab_url(&self, path: &str, rid: &str) -> String {
        let join = if path.contains('?') { '&' } else { '?' };
        format!("{}{join}rid={rid}", self.url(path))
    }

    /// A lab request exactly as the page's own code would send it: whatever the browser does
    /// (an answer, or the opaque error JavaScript sees) is the result, never an `Err`.
    pub async fn lab_fetch(&self, request: &LabRequest, token: Option<&str>, rid: &str) -> BrowserView {
        let sent = async {
            let builder = RequestBuilder::new(&self.url(&request.path))
                .method(Method::from_bytes(request.method.as_bytes()).map_err(|_| format!("TypeError: '{}' is not a valid HTTP method.", request.method))?)
                .headers(to_headers(&request.headers(token))?)
                .credentials(credentials(request.credentials))
                // In the query, not a header: a header would need a preflight and change the
                // experiment. (gloo joins it to the path's own query as `lab_url` does.)
                .query([("rid", rid)]);
            let request = match request.sends_body() {
                true => builder.body(request.body.clone().unwrap_or_default()),
                false => builder.build(),
            };
            request.map_err(|e| e.to_string())?.send().await.map_err(|e| e.to_string())
        };
        match sent.await {
            Ok(response) => BrowserView::Response {
                status: response.status(),
                status_text: response.status_text(),
                headers: response.headers().entries().collect(),
                body: response.text().await.unwrap_or_default(),
            },
            Err(error) => BrowserView::NetworkError(error),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> impl Future<Output = Result<T>> + use<T> {
        self.body(Method::GET, path, None).map(|body| body.and_then(Body::read))
    }

    fn put<T: DeserializeOwned, B: Serialize>(&self, path: &str, body: &B) -> impl Future<Output = Result<T>> + use<T, B> {
        self.body(Method::PUT, path, Some(json::to_string(body))).map(|body| body.and_then(Body::read))
    }

    /// The parsed body of a 2xx answer. Only reading it as a type (`Body::read`) depends on
    /// the type, so the wasm holds one copy of the request's future, not one per wire type.
    fn body(&self, method: Method, path: &str, json: Option<String>) -> impl Future<Output = Result<Body>> + use<> {
        let sent = self.send(method, path, json);
        async move {
            let response = sent.await?;
            let status = response.status();
            let text = response.text().await.map_err(|e| Error::Unexpected { status, detail: e.to_string() })?;
            let value = json::parse_value(&text).map_err(|detail| Error::Unexpected { status, detail })?;
            Ok(Body { status, value })
        }
    }

    /// Whether the backend takes `token` as its control token. One call: a mistyped token then
    /// costs one of the wrong tokens the backend allows an address, not one per setting the
    /// page loads again with it.
    pub fn check_control_token(&self, token: String) -> impl Future<Output = Result<()>> + use<> {
        self.send_as(Method::GET, "/control/instance", None, Some(token)).map(|sent| sent.map(drop))
    }

    /// A control call with the control token the person gave, if any.
    fn send(&self, method: Method, path: &str, json: Option<String>) -> impl Future<Output = Result<Response>> + use<> {
        self.send_as(method, path, json, self.control.current())
    }

    /// The one place that decides what a control call came to: a 2xx response, or why there
    /// is none. Carries `token` as the control token.
    fn send_as(&self, method: Method, path: &str, json: Option<String>, token: Option<String>) -> impl Future<Output = Result<Response>> + use<> {
        let (url, control) = (self.url(path), self.control);
        async move {
            let mut headers = Vec::new();
            if json.is_some() {
                headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
            }
            if let Some(token) = &token {
                headers.push((CONTROL_TOKEN_HEADER.to_owned(), token.clone()));
            }
            let builder = RequestBuilder::new(&url).method(method).headers(to_headers(&headers).map_err(Error::Network)?);
            let request = match json {
                Some(body) => builder.body(body),
                None => builder.build(),
            };
            let response = request.map_err(|e| Error::Network(e.to_string()))?.send().await.map_err(|e| Error::Network(e.to_string()))?;
            if response.ok() {
                return Ok(response);
            }
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            match json::parse::<ErrorBody>(&text) {
                Ok(error) if status == 401 && error.error == ErrorCode::ControlTokenRequired => {
                    control.refused(&token);
                    Err(Error::TokenRequired)
                }
                Ok(error) => Err(Error::Refused { status, error }),
                Err(_) => Err(Error::Unexpected { status, detail: text }),
            }
        }
    }
}

/// The deliberately vulnerable settings and the exploit server (the attacker's tools).
impl Api {
    pub fn get_vulnerable(&self) -> impl Future<Output = Result<shared::wire::Vulnerable>> + use<> {
        self.get("/control/vulnerable")
    }

    pub fn put_vulnerable(&self, vulnerable: &shared::wire::Vulnerable) -> impl Future<Output = Result<shared::wire::Vulnerable>> + use<> {
        self.put("/control/vulnerable", vulnerable)
    }

    /// The stored exploit page; `None` when none is stored.
    pub fn get_exploit(&self) -> impl Future<Output = Result<Option<shared::wire::ExploitPage>>> + use<> {
        self.get("/control/exploit").map(|stored: Result<shared::wire::StoredExploit>| stored.map(|s| s.html.map(|html| shared::wire::ExploitPage { html })))
    }

    /// Stores `html` as the page the other site serves at `/exploit`.
    pub fn put_exploit(&self, html: String) -> impl Future<Output = Result<shared::wire::ExploitPage>> + use<> {
        self.put("/control/exploit", &shared::wire::ExploitPage { html })
    }
}

/// A 2xx answer's JSON, parsed by the browser.
struct Body {
    status: u16,
    value: wasm_bindgen::JsValue,
}

impl Body {
    /// The body as `T`.
    fn read<T: DeserializeOwned>(self) -> Result<T> {
        json::from_value(self.value).map_err(|detail| Error::Unexpected { status: self.status, detail })
    }
}

/// Request headers, refused as `fetch()` refuses them (a name that is no HTTP token, a value
/// with a line break), in the words of the browser's `TypeError`.
fn to_headers(pairs: &[(String, String)]) -> std::result::Result<Headers, String> {
    let headers = web_sys::Headers::new().map_err(error_text)?;
    for (name, value) in pairs {
        headers.set(name, value).map_err(error_text)?;
    }
    Ok(Headers::from_raw(headers))
}

/// A thrown JavaScript value as its text (`String(error)`).
fn error_text(error: wasm_bindgen::JsValue) -> String {
    match wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(&error) {
        Some(e) => e.to_string().into(),
        None => error.as_string().unwrap_or_else(|| "TypeError".to_owned()),
    }
}

fn credentials(mode: CredentialsMode) -> RequestCredentials {
    match mode {
        CredentialsMode::Omit => RequestCredentials::Omit,
        CredentialsMode::SameOrigin => RequestCredentials::SameOrigin,
        CredentialsMode::Include => RequestCredentials::Include,
    }
}

/// The guided challenges (`/control/challenge`): the server sets the lab up and judges; the
/// page starts, stops and listens.
impl Api {
    pub fn challenge(&self) -> impl Future<Output = Result<shared::challenge::ChallengeState>> + use<> {
        self.get("/control/challenge")
    }

    /// Starts `id`: the server resets the lab and sets it up for the challenge.
    pub fn start_challenge(&self, id: shared::challenge::ChallengeId) -> impl Future<Output = Result<shared::challenge::Run>> + use<> {
        let body = json::to_string(&shared::challenge::StartChallenge { id });
        self.body(Method::POST, "/control/challenge", Some(body)).map(|body| body.and_then(Body::read))
    }

    /// Ends the running challenge; the lab stays as it is.
    pub fn stop_challenge(&self) -> impl Future<Output = Result<()>> + use<> {
        let sent = self.send(Method::DELETE, "/control/challenge", None);
        async move { sent.await.map(drop) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_readable_header_is_found_in_any_case() {
        let answer = BrowserView::Response { status: 200, status_text: String::new(), headers: vec![("X-INSTANCE".into(), "B".into())], body: String::new() };
        assert_eq!(answer.header("x-instance"), Some("B"));
        assert_eq!(answer.header("x-other"), None);
        assert_eq!(BrowserView::NetworkError("TypeError".into()).header("x-instance"), None);
    }

    #[test]
    fn no_api_parameter_means_the_default_backend() {
        assert_eq!(backend(None), Ok(DEFAULT_API.to_owned()));
    }

    #[test]
    fn a_loopback_backend_is_used() {
        assert_eq!(backend(Some("http://localhost:4123/")), Ok("http://localhost:4123".to_owned()));
        assert_eq!(backend(Some("http://[::1]:3000")), Ok("http://[::1]:3000".to_owned()));
    }

    #[test]
    fn any_other_backend_is_refused_and_named() {
        for url in ["https://example.com", "http://evil.example:3000", "javascript:alert(1)", "http://localhost:3000/api", ""] {
            assert_eq!(backend(Some(url)), Err(url.to_owned()));
        }
    }
}
