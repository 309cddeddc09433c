//! The one typed client of the backend: every request goes through here, and here alone
//! decides what counts as success.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use shared::{
    cookie::CookiePolicy,
    cors::{CorsPolicy, browser::CredentialsMode},
    wire::{Defenses, Instance, LogEntry, SiteLinks},
};
use web_sys::RequestCredentials;

use crate::{
    json::{FromJson, from_json_objects},
    lab_request::LabRequest,
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
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Network(e) => write!(f, "the backend did not answer ({e}); is it running?"),
            Self::Status { status, body } => write!(f, "the backend answered {status}: {body}"),
            Self::Decode(e) => write!(f, "the backend's answer could not be read: {e}"),
        }
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;

/// `GET /control/jwt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JwtSettings {
    pub secret: String,
    pub ttl_seconds: u64,
    #[serde(default, skip_serializing)]
    pub weak: bool,
    #[serde(default, skip_serializing)]
    pub warning: Option<String>,
}

/// A row of `GET /control/sessions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
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

from_json_objects! {
    JwtSettings { secret, ttl_seconds, weak, warning }
    SessionRow { id, user_id, created_at, last_seen_at, expires_at }
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
    /// (the tests run one on a free port); otherwise the default one.
    pub fn from_location() -> Self {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        Self::new(query_param(&search, "api").unwrap_or_else(|| DEFAULT_API.to_owned()))
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get_policy(&self) -> Result<CorsPolicy> {
        get_json(&self.url("/control/cors")).await
    }

    pub async fn put_policy(&self, policy: &CorsPolicy) -> Result<CorsPolicy> {
        put_json(&self.url("/control/cors"), policy).await
    }

    pub async fn get_cookie(&self) -> Result<CookiePolicy> {
        get_json(&self.url("/control/cookie")).await
    }

    pub async fn put_cookie(&self, policy: &CookiePolicy) -> Result<CookiePolicy> {
        put_json(&self.url("/control/cookie"), policy).await
    }

    pub async fn get_defenses(&self) -> Result<Defenses> {
        get_json(&self.url("/control/defenses")).await
    }

    pub async fn put_defenses(&self, defenses: &Defenses) -> Result<Defenses> {
        put_json(&self.url("/control/defenses"), defenses).await
    }

    pub async fn site(&self) -> Result<SiteLinks> {
        get_json(&self.url("/control/site")).await
    }

    pub async fn instance(&self) -> Result<Instance> {
        get_json(&self.url("/control/instance")).await
    }

    pub async fn accounts(&self) -> Result<Vec<Account>> {
        get_json(&self.url("/control/accounts")).await
    }

    pub async fn get_jwt(&self) -> Result<JwtSettings> {
        get_json(&self.url("/control/jwt")).await
    }

    pub async fn sessions(&self) -> Result<Vec<SessionRow>> {
        get_json(&self.url("/control/sessions")).await
    }

    pub async fn revoke(&self, id: &str) -> Result<()> {
        let response = check(Request::delete(&self.url(&format!("/control/sessions/{id}"))).send().await)?;
        check_status(response).await.map(|_| ())
    }

    pub async fn reset(&self) -> Result<()> {
        let response = check(Request::post(&self.url("/control/reset")).send().await)?;
        check_status(response).await.map(|_| ())
    }

    /// Log entries newer than `after`.
    pub async fn log_after(&self, after: u64) -> Result<Vec<LogEntry>> {
        get_json(&self.url(&format!("/control/log?after={after}"))).await
    }

    /// A lab request exactly as the page's own code would send it: whatever the browser does
    /// (an answer or the opaque error) is the result, never an `Err`.
    pub async fn lab_fetch(&self, request: &LabRequest, token: Option<&str>, rid: &str) -> BrowserView {
        let separator = if request.path.contains('?') { '&' } else { '?' };
        let url = format!("{}{}{separator}rid={rid}", self.base, request.path);
        let mut builder = RequestBuilder::new(&url).method(method(&request.method)).credentials(credentials(request.credentials));
        for (name, value) in request.headers(token) {
            builder = builder.header(&name, &value);
        }
        let sent = if request.sends_body() {
            match builder.body(request.body.clone().unwrap_or_default()) {
                Ok(r) => r.send().await,
                Err(e) => return BrowserView::NetworkError(e.to_string()),
            }
        } else {
            builder.send().await
        };
        match sent {
            Ok(response) => {
                let status = response.status();
                let status_text = response.status_text();
                let headers = response.headers().entries().collect();
                let body = response.text().await.unwrap_or_default();
                BrowserView::Response { status, status_text, headers, body }
            }
            Err(e) => BrowserView::NetworkError(e.to_string()),
        }
    }
}

fn method(name: &str) -> gloo_net::http::Method {
    use gloo_net::http::Method;
    match name {
        "GET" => Method::GET,
        "HEAD" => Method::HEAD,
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "DELETE" => Method::DELETE,
        "PATCH" => Method::PATCH,
        "OPTIONS" => Method::OPTIONS,
        other => Method::from_bytes(other.as_bytes()).unwrap_or(Method::GET),
    }
}

fn credentials(mode: CredentialsMode) -> RequestCredentials {
    match mode {
        CredentialsMode::Omit => RequestCredentials::Omit,
        CredentialsMode::SameOrigin => RequestCredentials::SameOrigin,
        CredentialsMode::Include => RequestCredentials::Include,
    }
}

async fn get_json<T: FromJson>(url: &str) -> Result<T> {
    json(check(Request::get(url).send().await)?).await
}

async fn put_json<T: FromJson>(url: &str, body: &impl Serialize) -> Result<T> {
    let request = Request::put(url).json(body).map_err(|e| ClientError::Decode(e.to_string()))?;
    json(check(request.send().await)?).await
}

fn check(sent: std::result::Result<Response, gloo_net::Error>) -> Result<Response> {
    sent.map_err(|e| ClientError::Network(e.to_string()))
}

/// The one place that decides what a failed control-plane call is.
async fn check_status(response: Response) -> Result<Response> {
    if response.ok() {
        Ok(response)
    } else {
        Err(ClientError::Status { status: response.status(), body: response.text().await.unwrap_or_default() })
    }
}

async fn json<T: FromJson>(response: Response) -> Result<T> {
    let text = check_status(response).await?.text().await.map_err(|e| ClientError::Decode(e.to_string()))?;
    crate::json::parse(&text).ok_or_else(|| ClientError::Decode("not the JSON the page expects".to_owned()))
}

/// The value of `name` in a `?a=b&c=d` query, percent-decoded.
pub fn query_param(search: &str, name: &str) -> Option<String> {
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| js_sys::decode_uri_component(value).map(String::from).unwrap_or_else(|_| value.to_owned()))
    })
}
