//! The answers of the server mistakes the lab makes on purpose that answer instead of the lab
//! (`shared::cors::Preemption`): what an authentication layer, a router or an error handler
//! in front of CORS really sends. The CORS headers, when the mistake lets CORS add any, come
//! from the lab layer as always; the mistakes that only change those headers are made there
//! (`shared::cors::decide`) and have no answer here.

use axum::{
    http::{HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use shared::{cors::Preemption, wire::ErrorCode};

use crate::error::AppError;

/// The answer `preemption` gives instead of the lab's own, to a request for `uri`.
pub fn answer(preemption: Preemption, uri: &Uri) -> Response {
    let error = |code, message: &str| AppError::new(code, format!("{message} (a server mistake the lab makes on purpose).")).into_response();
    match preemption {
        Preemption::Unauthenticated => error(ErrorCode::NoCredentials, "Authentication answered before CORS: the preflight carries no credentials"),
        Preemption::NoOptionsRoute => error(ErrorCode::NotFound, "The router answered before CORS: no route takes OPTIONS"),
        Preemption::NoOptionsMethod => {
            let mut response = error(ErrorCode::MethodNotAllowed, "The router answered the preflight: the route has no OPTIONS method");
            response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
            response
        }
        Preemption::Redirected => {
            // A framework's trailing-slash redirect: the same target with a `/` after the path.
            let target = format!("{}/{}", uri.path(), uri.query().map(|q| format!("?{q}")).unwrap_or_default());
            let location = HeaderValue::from_str(&target).unwrap_or(HeaderValue::from_static("/"));
            (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response()
        }
        Preemption::HandlerFailed => error(ErrorCode::InternalError, "The handler failed, and its error answer skipped the CORS headers"),
    }
}
