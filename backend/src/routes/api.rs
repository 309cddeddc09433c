//! The lab API (`/api/*`): the routes the live CORS policy governs.

use axum::{Extension, http::HeaderMap, response::{IntoResponse, Response}};

use crate::{error::AppError, request_log::AuthNote};

/// `GET /api/profile`: who the credentials say you are.
pub async fn profile(headers: HeaderMap) -> Response {
    let has_cookie = headers.contains_key(axum::http::header::COOKIE);
    let has_bearer = headers.contains_key(axum::http::header::AUTHORIZATION);
    let error = if !has_cookie && !has_bearer {
        AppError::unauthorized("no_credentials", "Neither a session cookie nor a bearer token came with this request.")
    } else {
        AppError::unauthorized("unknown_session", "No session with this id exists.")
    };
    (Extension(AuthNote(format!("refused: {}", error.code))), error).into_response()
}
