//! The "other site" (`--site-addr`): the seed's bank-transfer attack as a page from an origin
//! the lab does not trust. Opened as `http://localhost:PORT` it is the same site as the
//! playground (SameSite=Lax cookies still go); as `http://127.0.0.1:PORT`, another site.
//!
//! It is also the exploit server (`crate::exploit`): the person's own attack page at
//! `/exploit`, and an access log at `/log…` that such a page reports to. Both live here, on the
//! attacker's origin, and never on the API listener: a stored page served from the lab's
//! origin would be same-origin with the lab and the control plane.

use std::sync::Arc;

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::{MethodRouter, any, get},
};
use http_body_util::LengthLimitError;
use shared::wire::ErrorCode;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::{
    error::{self, AppError},
    state::{AppState, LiveLab},
};

const PAGE: &str = include_str!("site/index.html");
/// A credentialed request to the lab from this site, which the playground frames to measure
/// whether the person's browser sends cookies to another site (third-party cookies depend on
/// its settings, not only on its engine).
const PROBE: &str = include_str!("site/probe.html");

/// Largest body `/log…` takes: a report, not an upload (a hit keeps 2 KiB of it anyway).
pub const LOG_BODY_LIMIT: usize = 16 * 1024;

/// `api_port`: the lab API's port; the pages target it as `http://localhost:PORT`, the
/// host the playground's session cookie belongs to. `state`: where the exploit server is.
pub fn router(api_port: u16, state: AppState) -> Router {
    let api = format!("http://localhost:{api_port}");
    let (page, probe) = (PAGE.replace("__API__", &api), PROBE.replace("__API__", &api));
    Router::new()
        .route("/", get(move || std::future::ready(Html(page.clone()))))
        .route("/probe", get(move || std::future::ready(Html(probe.clone()))))
        .route("/exploit", get(exploit_page))
        .route("/log", access_log())
        .route("/log/{*rest}", access_log())
        .method_not_allowed_fallback(error::method_not_allowed)
        .fallback(error::not_found)
        .with_state(state)
}

/// `GET /exploit`: the stored page, from this origin. Never cached: the person edits it and
/// opens it again, and must see what is stored now.
async fn exploit_page(State(lab): State<Arc<LiveLab>>) -> Result<Response, AppError> {
    let page = lab.exploit().page().ok_or_else(|| {
        AppError::new(ErrorCode::NoExploit, "No exploit page is stored; store one with PUT /control/exploit (the playground's exploit server).")
    })?;
    let headers = [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")];
    Ok((headers, Body::from(Bytes::from_owner(Page(page)))).into_response())
}

/// The stored page as the bytes of an answer, shared rather than copied.
struct Page(Arc<str>);

impl AsRef<[u8]> for Page {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Any method on `/log…`, answered with `Access-Control-Allow-Origin: *` whatever happens
/// (errors included): a page on any origin, a sandboxed frame's `null` too, reports without a
/// CORS error in its console. Nothing is read back, so nothing needs protecting.
fn access_log() -> MethodRouter<AppState> {
    any(record_hit).layer(SetResponseHeaderLayer::overriding(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")))
}

/// Records the request in the exploit server's access log; 204.
async fn record_hit(State(state): State<AppState>, req: Request) -> Result<Response, AppError> {
    let (head, body) = req.into_parts();
    let body = read_report(body, &state).await?;
    state.lab().exploit().record(state.clock().now_ms(), &head.method, &head.uri, &head.headers, &body);
    Ok((allow_preflight(&head.method, &head.headers), StatusCode::NO_CONTENT).into_response())
}

/// A report's body, within `LOG_BODY_LIMIT` (413) and `--body-timeout` (408), as every body.
async fn read_report(body: Body, state: &AppState) -> Result<Bytes, AppError> {
    let within = state.config().body_timeout;
    let read = tokio::time::timeout(within, axum::body::to_bytes(body, LOG_BODY_LIMIT)).await.map_err(|_| {
        let message = format!("The body did not arrive within {} of the request head.", humantime::format_duration(within));
        AppError::new(ErrorCode::RequestTimeout, message)
    })?;
    read.map_err(|e| {
        if e.into_inner().is::<LengthLimitError>() {
            AppError::new(ErrorCode::BodyTooLarge, format!("A report to the exploit server's log is at most {} KiB.", LOG_BODY_LIMIT / 1024))
        } else {
            AppError::new(ErrorCode::UnreadableBody, "The body could not be read.")
        }
    })
}

/// For a preflight, whatever method and headers it asks for: a page that reports with
/// `Content-Type: application/json` (or any other header) gets its request through. Recorded
/// like any hit, so the person sees the preflight came.
fn allow_preflight(method: &Method, headers: &HeaderMap) -> HeaderMap {
    let mut allowed = HeaderMap::new();
    let Some(asked) = headers.get(header::ACCESS_CONTROL_REQUEST_METHOD).filter(|_| method == Method::OPTIONS) else {
        return allowed;
    };
    allowed.insert(header::ACCESS_CONTROL_ALLOW_METHODS, asked.clone());
    if let Some(names) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        allowed.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, names.clone());
    }
    allowed
}
