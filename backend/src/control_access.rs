//! Who may use the control plane (API.md, "Who may talk to the backend"). The lab API's
//! CSRF weakness is the lesson; the controls that switch its defences must not share it.
//!
//! - A write (`PUT`, `POST`, `DELETE`) whose `Origin` is present and is not a frontend origin
//!   is refused (403 `origin_refused`) before its route runs: another page the person has open
//!   could otherwise reset the lab, or turn the CSRF defences off, with a form post.
//!   Without `Origin` (curl, scripts) writes work: browsers always send it on such requests.
//! - With `--control-token`, every request must carry it (`X-Playground-Token`, or `token=`
//!   for `EventSource`, which cannot set headers), else 401 `control_token_required`.

use axum::{
    extract::{Request, State},
    http::{HeaderName, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use shared::wire::ErrorCode;

use crate::{error::AppError, state::AppState};

pub const TOKEN_HEADER: HeaderName = HeaderName::from_static("x-playground-token");

/// The axum middleware around every `/control/*` route (inside the control plane's CORS layer,
/// so refusals still reach the page that may read them).
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
    let writes = matches!(*req.method(), Method::PUT | Method::POST | Method::DELETE | Method::PATCH);
    if writes && let Some(origin) = req.headers().get(header::ORIGIN) {
        let origin = String::from_utf8_lossy(origin.as_bytes());
        if !config.frontend_origins.iter().any(|o| *o == origin) {
            return AppError::new(
                ErrorCode::OriginRefused,
                format!("Only the playground's own page may change the lab; {origin} may not."),
            )
            .into_response();
        }
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
