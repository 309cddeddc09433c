//! Who may use the control plane (`docs/api.md`, "Who may talk to the backend"). The lab API's
//! CSRF weakness is the lesson; the controls that switch its defences must not share it.
//!
//! - Cross-site and same-site writes are refused by Fetch Metadata (`fetch_metadata`, around
//!   every control route): another page the person has open could otherwise reset the lab,
//!   or turn the CSRF defences off, with a form post.
//! - With `--control-token`, every request must carry it (`X-Playground-Token`, or `token=`
//!   for `EventSource`, which cannot set headers), else 401 `control_token_required` (this
//!   module).

use std::sync::Arc;

use axum::{
    body::Body,
    extract::Request,
    http::HeaderName,
    response::{IntoResponse, Response},
};
use shared::wire::ErrorCode;
use tower_http::validate_request::ValidateRequest;

use crate::error::AppError;

pub const TOKEN_HEADER: HeaderName = HeaderName::from_static("x-playground-token");

/// The `--control-token` check, for tower-http's `ValidateRequestHeaderLayer` around every
/// `/control/*` route (inside the control plane's CORS layer, so a refusal still reaches the
/// page, which then asks for the token). Without a configured token everything passes.
#[derive(Clone)]
pub struct ControlToken(Option<Arc<str>>);

impl ControlToken {
    pub fn new(token: Option<&str>) -> ControlToken {
        ControlToken(token.map(Arc::from))
    }
}

impl ValidateRequest<Body> for ControlToken {
    type ResponseBody = Body;

    fn validate(&mut self, req: &mut Request) -> Result<(), Response> {
        match &self.0 {
            Some(expected) if !carries_token(req, expected) => Err(AppError::new(
                ErrorCode::ControlTokenRequired,
                "The control plane needs the playground's control token (X-Playground-Token).",
            )
            .into_response()),
            _ => Ok(()),
        }
    }
}

/// The token from the header, or from the query for the event stream; compared in constant time.
fn carries_token(req: &Request, expected: &str) -> bool {
    let from_header = req.headers().get(TOKEN_HEADER).map(|v| v.as_bytes().to_vec());
    let from_query = || {
        let query = req.uri().query()?;
        let value = query.split('&').find_map(|pair| pair.strip_prefix("token="))?;
        Some(percent_encoding::percent_decode_str(value).collect::<Vec<u8>>())
    };
    from_header.or_else(from_query).is_some_and(|given| constant_time_eq::constant_time_eq(&given, expected.as_bytes()))
}
