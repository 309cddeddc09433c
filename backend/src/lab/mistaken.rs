//! The answers of the server mistakes the lab makes on purpose (`shared::cors::Mistake`):
//! what an authentication layer, a router or an error handler in front of CORS really sends.
//! The CORS headers, when the mistake lets CORS add any, come from the lab layer as always.

use axum::{
    http::{HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use shared::{cors::Mistake, wire::ErrorCode};

use crate::error::AppError;

/// The answer `mistake` gives instead of the lab's own, to a request for `uri`.
pub fn answer(mistake: Mistake, uri: &Uri) -> Response {
    let error = |code, message: &str| AppError::new(code, format!("{message} (a server mistake the lab makes on purpose).")).into_response();
    match mistake {
        Mistake::AuthBeforeCors => error(ErrorCode::NoCredentials, "Authentication answered before CORS: the preflight carries no credentials"),
        Mistake::OptionsNotFound => error(ErrorCode::NotFound, "The router answered before CORS: no route takes OPTIONS"),
        Mistake::OptionsNotAllowed | Mistake::PreflightPassedOn => {
            let mut response = error(ErrorCode::MethodNotAllowed, "The router answered the preflight: the route has no OPTIONS method");
            response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
            response
        }
        Mistake::RedirectedPreflight => {
            // A framework's trailing-slash redirect: the same target with a `/` after the path.
            let target = format!("{}/{}", uri.path(), uri.query().map(|q| format!("?{q}")).unwrap_or_default());
            let location = HeaderValue::from_str(&target).unwrap_or(HeaderValue::from_static("/"));
            (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response()
        }
        Mistake::ErrorWithoutCors => error(ErrorCode::InternalError, "The handler failed, and its error answer skipped the CORS headers"),
        // These change the CORS headers of the lab's own answer (`shared::cors::decide`).
        Mistake::DoubledAllowOrigin | Mistake::AllowOriginWithSlash => error(ErrorCode::InternalError, "This mistake has no answer of its own"),
    }
}
