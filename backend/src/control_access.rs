//! Who may use the control plane (`docs/api.md`, "Who may talk to the backend"). The lab API's
//! CSRF weakness is the lesson; the controls that switch its defenses must not share it.
//!
//! - Cross-site and same-site writes are refused by Fetch Metadata (`fetch_metadata`, around
//!   every control route): another page the person has open could otherwise reset the lab,
//!   or turn the CSRF defenses off, with a form post.
//! - Reads are refused to another site's page too (`SiteReads`): a page may not read the
//!   lab's log or settings, even opaquely, to make the backend render them.
//! - With `--control-token`, every request must carry it (`X-Playground-Token`; `token=` in
//!   the query only for the event stream, which `EventSource` opens without headers), else
//!   401 `control_token_required`. Wrong guesses are counted per peer address: after
//!   `throttle::MAX_FAILURES` within `throttle::WINDOW`, 429 `too_many_attempts` before the
//!   token is even compared (this module).

use std::{net::SocketAddr, sync::Arc, time::Instant};

use axum::{
    body::Body,
    extract::{ConnectInfo, Request},
    http::{HeaderName, HeaderValue, header},
    response::{IntoResponse, Response},
};
use shared::wire::ErrorCode;
use tower_http::validate_request::ValidateRequest;

use crate::{auth::throttle::Throttle, error::AppError};

/// The one route whose token may come in the query: `EventSource` cannot set headers.
pub const EVENTS_PATH: &str = "/control/events";

pub const TOKEN_HEADER: HeaderName = HeaderName::from_static(shared::wire::CONTROL_TOKEN_HEADER);

/// The `--control-token` check, for tower-http's `ValidateRequestHeaderLayer` around every
/// `/control/*` route (inside the control plane's CORS layer, so a refusal still reaches the
/// page, which then asks for the token). Without a configured token everything passes.
#[derive(Clone)]
pub struct ControlToken {
    token: Option<Arc<str>>,
    /// Wrong tokens per peer address; one map for the process (the state's).
    failures: Arc<Throttle>,
}

impl ControlToken {
    pub fn new(token: Option<&str>, failures: Arc<Throttle>) -> ControlToken {
        ControlToken {
            token: token.map(Arc::from),
            failures,
        }
    }
}

impl ValidateRequest<Body> for ControlToken {
    type ResponseBody = Body;

    fn validate(&mut self, req: &mut Request) -> Result<(), Response> {
        let Some(expected) = &self.token else {
            return Ok(());
        };
        let required = || {
            AppError::new(
                ErrorCode::ControlTokenRequired,
                "The control plane needs the playground's control token (X-Playground-Token).",
            )
            .into_response()
        };
        // No token at all is not a guess (the page asks the person for it): not counted.
        let Some(given) = given_token(req) else {
            return Err(required());
        };
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        let now = Instant::now();
        let attempt = self.failures.begin(&peer, now).map_err(|wait| {
            AppError::new(
                ErrorCode::TooManyAttempts,
                format!("Too many wrong control tokens from this address; try again in {wait} s."),
            )
            .with_header(header::RETRY_AFTER, HeaderValue::from(wait))
            .into_response()
        })?;
        if constant_time_eq::constant_time_eq(&given, expected.as_bytes()) {
            attempt.succeeded();
            Ok(())
        } else {
            attempt.failed(now);
            Err(required())
        }
    }
}

/// The token from the header, or from the query on the event stream alone.
fn given_token(req: &Request) -> Option<Vec<u8>> {
    let from_header = req
        .headers()
        .get(TOKEN_HEADER)
        .map(|v| v.as_bytes().to_vec());
    let from_query = || {
        if req.uri().path() != EVENTS_PATH {
            return None;
        }
        let value = req
            .uri()
            .query()?
            .split('&')
            .find_map(|pair| pair.strip_prefix("token="))?;
        Some(percent_encoding::percent_decode_str(value).collect::<Vec<u8>>())
    };
    from_header.or_else(from_query)
}

/// Refuses a control-plane request that `Sec-Fetch-Site` says another site's page sent
/// (`cross-site`, or `same-site`: another port of localhost), unless its `Origin` is one of
/// the frontend origins. The page never needs such a read; a no-cors read by another page
/// cannot see the answer, but it makes the backend render it.
#[derive(Clone)]
pub struct SiteReads {
    frontend_origins: Arc<[String]>,
}

impl SiteReads {
    pub fn new(frontend_origins: &[String]) -> SiteReads {
        SiteReads {
            frontend_origins: frontend_origins.into(),
        }
    }
}

impl ValidateRequest<Body> for SiteReads {
    type ResponseBody = Body;

    fn validate(&mut self, req: &mut Request) -> Result<(), Response> {
        let headers = req.headers();
        let another_site = headers
            .get("sec-fetch-site")
            .is_some_and(|site| matches!(site.as_bytes(), b"cross-site" | b"same-site"));
        let trusted = headers.get(header::ORIGIN).is_some_and(|origin| {
            self.frontend_origins
                .iter()
                .any(|o| o.as_bytes() == origin.as_bytes())
        });
        if another_site && !trusted {
            return Err(AppError::new(
                ErrorCode::OriginRefused,
                "Only the playground's own page may use the lab's controls.",
            )
            .into_response());
        }
        Ok(())
    }
}
