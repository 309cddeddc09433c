//! The one typed client of the backend: every request goes through here, and here alone
//! decides what counts as success.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::{Serialize, de::DeserializeOwned};
use shared::{cors::CorsPolicy, wire::LogEntry};
use web_sys::RequestCredentials;

use crate::outcome::BrowserView;

/// Why a control-plane call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientError {
    /// The browser gave no response at all: backend down, or blocked by CORS.
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

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get_policy(&self) -> Result<CorsPolicy> {
        json(send(Request::get(&self.url("/control/cors"))).await?).await
    }

    pub async fn put_policy(&self, policy: &CorsPolicy) -> Result<CorsPolicy> {
        json(send_json(Request::put(&self.url("/control/cors")), policy).await?).await
    }

    /// Server-side log entries of the request with this `rid`.
    pub async fn log_for(&self, rid: &str) -> Result<Vec<LogEntry>> {
        let entries: Vec<LogEntry> = json(send(Request::get(&self.url("/control/log?after=0"))).await?).await?;
        Ok(entries.into_iter().filter(|e| e.rid.as_deref() == Some(rid)).collect())
    }

    /// A lab request, exactly as the page's own code would send it: whatever the browser
    /// does (answer or opaque error) is the result, never an `Err`.
    pub async fn lab_get(&self, path: &str, rid: &str) -> BrowserView {
        let url = format!("{}{path}?rid={rid}", self.base);
        match Request::get(&url).credentials(RequestCredentials::Include).send().await {
            Ok(response) => {
                let status = response.status();
                let status_text = response.status_text();
                let body = response.text().await.unwrap_or_default();
                BrowserView::Response { status, status_text, body }
            }
            Err(e) => BrowserView::NetworkError(e.to_string()),
        }
    }
}

async fn send(request: RequestBuilder) -> Result<Response> {
    check(request.send().await)
}

async fn send_json(request: RequestBuilder, body: &impl Serialize) -> Result<Response> {
    let request = request.json(body).map_err(|e| ClientError::Decode(e.to_string()))?;
    check(request.send().await)
}

/// The one place that decides what a failed control-plane call is.
async fn check_status(response: Response) -> Result<Response> {
    if response.ok() {
        Ok(response)
    } else {
        Err(ClientError::Status { status: response.status(), body: response.text().await.unwrap_or_default() })
    }
}

fn check(sent: std::result::Result<Response, gloo_net::Error>) -> Result<Response> {
    sent.map_err(|e| ClientError::Network(e.to_string()))
}

async fn json<T: DeserializeOwned>(response: Response) -> Result<T> {
    let response = check_status(response).await?;
    response.json().await.map_err(|e| ClientError::Decode(e.to_string()))
}

/// The value of `name` in a `?a=b&c=d` query, percent-decoded.
pub fn query_param(search: &str, name: &str) -> Option<String> {
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| js_sys::decode_uri_component(value).map(String::from).unwrap_or_else(|_| value.to_owned()))
    })
}
