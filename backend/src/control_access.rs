//! Who may use the control plane (`docs/api.md`, "Who may talk to the backend"). The lab API's
//! CSRF weakness is the lesson; the controls that switch its defences must not share it.
//!
//! - Cross-site and same-site writes are refused by Fetch Metadata (`fetch_metadata`, around
//!   every control route): another page the person has open could otherwise reset the lab,
//!   or turn the CSRF defences off, with a form post.
//! - With `--control-token`, every request must carry it (`X-Playground-Token`, or `token=`
//!   for `EventSource`, which cannot set headers), else 401 `control_token_required` (this
//!   module).

use axum::{
    extract::{Request, State},
    http::HeaderName,
    middleware::Next,
    response::{IntoResponse, Response},
};

use shared::wire::ErrorCode;

use crate::{error::AppError, state::AppState};

pub const TOKEN_HEADER: HeaderName = HeaderName::from_static("x-playground-token");

/// The axum middleware around every `/control/*` route (inside the control plane's CORS layer,
/// so a refusal still reaches the page, which then asks for the token).
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let config = state.config();
    if let Some(expected) = &config.control_token
        && !carries_token(&req, expected)
    {
        return AppError::new(
            ErrorCode::ControlTokenRequired,
            "The control plane needs the playground's control token (X-Playground-Token).",
        )
        .into_response();
    }
    next.run(req).await
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
