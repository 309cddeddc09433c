//! The one typed client of the backend: every request goes through here, and here alone
//! decides what counts as success.

use std::{cell::RefCell, rc::Rc};

use shared::{
    cookie::CookiePolicy,
    cors::{CorsPolicy, browser::CredentialsMode},
    wire::{Defenses, Instance, LogEntry, SiteLinks},
};
use web_sys::RequestCredentials;

use crate::{
    fetch,
    json::{self, FromJson, ToJson, json_objects},
    lab_request::LabRequest,
    loopback,
    outcome::BrowserView,
};

/// Why a control-plane call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientError {
    /// The browser gave no response at all: the backend is down (the control plane is never
    /// blocked by the lab policy).
    Network(String),
    /// The backend answered with an error status.
    Status { status: u16, body: String },
    /// The backend answered 2xx with a body we could not read.
    Decode(String),
    /// The backend runs with `--control-token` and did not get it (or not the right one).
    TokenRequired,
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Network(e) => write!(f, "the backend did not answer ({e}); is it running?"),
            Self::Status { status, body } => write!(f, "the backend answered {status}: {body}"),
            Self::Decode(e) => write!(f, "the backend's answer could not be read: {e}"),
            Self::TokenRequired => write!(f, "the backend asks for its control token"),
        }
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;

/// `GET /control/jwt`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwtSettings {
    pub secret: String,
    pub ttl_seconds: u64,
    pub weak: bool,
    pub warning: Option<String>,
}

/// A row of `GET /control/sessions`: never the whole session id, only its first 8
/// characters, and an opaque handle that names the session for Revoke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub handle: String,
    pub id_prefix: String,
    pub user_id: u64,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

/// A row of `GET /control/accounts`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: u64,
    pub email: String,
    pub balance: u64,
    pub transfers: Vec<Transfer>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub from: String,
    pub to: String,
    pub amount: u64,
    pub at: String,
}

json_objects! {
    JwtSettings { secret, ttl_seconds, weak, warning }
    SessionRow { handle, id_prefix, user_id, created_at, last_seen_at, expires_at }
    Account { id, email, balance, transfers }
    Transfer { from, to, amount, at }
}

/// Where the backend is; chosen once at start (see `Api::from_location`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Api {
    base: String,
}

/// The backend the README's run command starts.
pub const DEFAULT_API: &str = "http://localhost:3000";

impl Api {
    pub fn new(base: impl Into<String>) -> Self {
        Self { base: base.into().trim_end_matches('/').to_owned() }
    }

    /// `?api=http://localhost:PORT` in the page's URL points the UI at another backend
    /// (the tests run one on a free port); otherwise the default one. `Err` holds a refused
    /// `?api=` (see `checked`).
    pub fn from_location() -> std::result::Result<Self, String> {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        Self::checked(query_param(&search, "api").as_deref())
    }

    /// The backend an `?api=` value names: only a loopback origin (`loopback::origin`), since
    /// anyone can write a link to the playground with any `?api=` in it. No value: the
    /// default backend. A refused value is handed back, for the page to say so.
    pub fn checked(api: Option<&str>) -> std::result::Result<Self, String> {
        match api {
            None => Ok(Self::new(DEFAULT_API)),
            Some(url) => loopback::origin(url).map(Self::new).ok_or_else(|| url.to_owned()),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    // The typed calls hand back `get`'s or `put`'s future as it is: an `async fn` wrapper
    // around it would add a state machine of its own to the wasm for each call.

    pub fn get_policy(&self) -> impl Future<Output = Result<CorsPolicy>> {
        self.get("/control/cors")
    }

    pub fn put_policy(&self, policy: &CorsPolicy) -> impl Future<Output = Result<CorsPolicy>> {
        self.put("/control/cors", policy)
    }

    pub fn get_cookie(&self) -> impl Future<Output = Result<CookiePolicy>> {
        self.get("/control/cookie")
    }

    pub fn put_cookie(&self, policy: &CookiePolicy) -> impl Future<Output = Result<CookiePolicy>> {
        self.put("/control/cookie", policy)
    }

    pub fn get_defenses(&self) -> impl Future<Output = Result<Defenses>> {
        self.get("/control/defenses")
    }

    pub fn put_defenses(&self, defenses: &Defenses) -> impl Future<Output = Result<Defenses>> {
        self.put("/control/defenses", defenses)
    }

    pub fn site(&self) -> impl Future<Output = Result<SiteLinks>> {
        self.get("/control/site")
    }

    pub fn instance(&self) -> impl Future<Output = Result<Instance>> {
        self.get("/control/instance")
    }

    pub fn accounts(&self) -> impl Future<Output = Result<Vec<Account>>> {
        self.get("/control/accounts")
    }

    pub fn get_jwt(&self) -> impl Future<Output = Result<JwtSettings>> {
        self.get("/control/jwt")
    }

    pub fn sessions(&self) -> impl Future<Output = Result<Vec<SessionRow>>> {
        self.get("/control/sessions")
    }

    /// Revokes the session a `SessionRow::handle` names.
    pub async fn revoke(&self, handle: &str) -> Result<()> {
        let path = format!("/control/sessions/{}", js_sys::encode_uri_component(handle));
        self.control("DELETE", &path, None).await.map(drop)
    }

    /// Resets the lab. The body is JSON on purpose: the backend refuses a reset without
    /// `Content-Type: application/json`, so that a plain form on another site cannot send one.
    pub async fn reset(&self) -> Result<()> {
        self.control("POST", "/control/reset", Some("{}")).await.map(drop)
    }

    /// The live log's `EventSource` URL: it cannot set headers, so the control token goes in
    /// the query.
    pub fn events_url(&self) -> String {
        let url = self.url("/control/events");
        match control_token() {
            Some(token) => format!("{url}?token={}", js_sys::encode_uri_component(&token)),
            None => url,
        }
    }

    /// Log entries newer than `after`.
    pub async fn log_after(&self, after: u64) -> Result<Vec<LogEntry>> {
        self.get(&format!("/control/log?after={after}")).await
    }

    /// A lab request exactly as the page's own code would send it: whatever the browser does
    /// (an answer or the opaque error) is the result, never an `Err`.
    pub async fn lab_fetch(&self, request: &LabRequest, token: Option<&str>, rid: &str) -> BrowserView {
        let separator = if request.path.contains('?') { '&' } else { '?' };
        let url = format!("{}{}{separator}rid={rid}", self.base, request.path);
        let body = request.sends_body().then(|| request.body.as_deref().unwrap_or_default());
        let headers = request.headers(token);
        let sent = fetch::Request { method: &request.method, url: &url, headers: &headers, body, credentials: Some(credentials(request.credentials)) };
        match sent.send().await {
            Ok(response) => BrowserView::Response {
                status: response.status(),
                status_text: response.status_text(),
                headers: fetch::headers(&response),
                body: fetch::text(&response).await.unwrap_or_default(),
            },
            Err(e) => BrowserView::NetworkError(e),
        }
    }

    async fn get<T: FromJson>(&self, path: &str) -> Result<T> {
        decode(&self.control("GET", path, None).await?)
    }

    async fn put<T: FromJson>(&self, path: &str, body: &impl ToJson) -> Result<T> {
        decode(&self.control("PUT", path, Some(&json::to_string(body))).await?)
    }

    /// The one place that decides what a control-plane call came to: the body of a 2xx
    /// answer, or why there is none. Carries the control token once the person gave it.
    async fn control(&self, method: &str, path: &str, json: Option<&str>) -> Result<String> {
        let token = control_token();
        let mut headers = Vec::new();
        if json.is_some() {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        if let Some(token) = &token {
            headers.push((TOKEN_HEADER.to_owned(), token.clone()));
        }
        let request = fetch::Request { method, url: &self.url(path), headers: &headers, body: json, credentials: None };
        let response = request.send().await.map_err(ClientError::Network)?;
        let body = fetch::text(&response).await;
        if response.ok() {
            return body.map_err(ClientError::Decode);
        }
        let body = body.unwrap_or_default();
        if response.status() == 401 && error_code(&body).as_deref() == Some("control_token_required") {
            // An answer to a request sent before the person gave a (new) token says nothing
            // about that token: only the token this request carried is asked for again.
            if control_token() == token {
                token_required();
            }
            return Err(ClientError::TokenRequired);
        }
        Err(ClientError::Status { status: response.status(), body })
    }
}

/// The `error` member of an error body.
fn error_code(body: &str) -> Option<String> {
    json::member(&json::value(body)?, "error")
}

fn decode<T: FromJson>(body: &str) -> Result<T> {
    json::parse(body).ok_or_else(|| ClientError::Decode("not the JSON the page expects".to_owned()))
}

fn credentials(mode: CredentialsMode) -> RequestCredentials {
    match mode {
        CredentialsMode::Omit => RequestCredentials::Omit,
        CredentialsMode::SameOrigin => RequestCredentials::SameOrigin,
        CredentialsMode::Include => RequestCredentials::Include,
    }
}

/// The value of `name` in a `?a=b&c=d` query, percent-decoded.
pub fn query_param(search: &str, name: &str) -> Option<String> {
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| js_sys::decode_uri_component(value).map(String::from).unwrap_or_else(|_| value.to_owned()))
    })
}

/// The header that carries the control token (`--control-token` on the backend).
pub const TOKEN_HEADER: &str = "X-Playground-Token";

thread_local! {
    /// The control token the person typed: in this page's memory only (never in storage),
    /// gone on reload.
    static CONTROL_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    /// What to do when the backend asks for the token.
    static ON_TOKEN_REQUIRED: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// The control token every control call sends from now on.
pub fn set_control_token(token: String) {
    CONTROL_TOKEN.with(|t| *t.borrow_mut() = Some(token));
}

pub fn control_token() -> Option<String> {
    CONTROL_TOKEN.with(|t| t.borrow().clone())
}

/// Sets what happens when a control call is refused for want of the control token (the
/// page asks the person for it).
pub fn on_token_required(f: impl Fn() + 'static) {
    ON_TOKEN_REQUIRED.with(|h| *h.borrow_mut() = Some(Rc::new(f)));
}

fn token_required() {
    // Cloned out first: the handler may well start control calls of its own.
    if let Some(f) = ON_TOKEN_REQUIRED.with(|h| h.borrow().clone()) {
        f();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_api_parameter_means_the_default_backend() {
        assert_eq!(Api::checked(None), Ok(Api::new(DEFAULT_API)));
    }

    #[test]
    fn a_loopback_backend_is_used() {
        assert_eq!(Api::checked(Some("http://localhost:4123/")).map(|a| a.base().to_owned()), Ok("http://localhost:4123".to_owned()));
        assert_eq!(Api::checked(Some("http://[::1]:3000")).map(|a| a.base().to_owned()), Ok("http://[::1]:3000".to_owned()));
    }

    #[test]
    fn any_other_backend_is_refused_and_named() {
        for url in ["https://example.com", "http://evil.example:3000", "javascript:alert(1)", "http://localhost:3000/api", ""] {
            assert_eq!(Api::checked(Some(url)), Err(url.to_owned()));
        }
    }
}
