//! The backend's one error type: every failure becomes `{"error", "message"}` with its status.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use shared::wire::ErrorBody;

/// An error a client can see. `code` is the stable snake_case name of API.md; `message`
/// is one sentence for a person and never carries secrets or internal details.
#[derive(Clone, Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "There is no such route; see API.md for the routes.")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "This route does not answer that method.")
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }
}

impl AppError {
    /// This error's response with one more header (`Retry-After`, `Allow`).
    pub fn with_header(self, name: axum::http::HeaderName, value: &'static str) -> Response {
        let mut response = self.into_response();
        response.headers_mut().insert(name, axum::http::HeaderValue::from_static(value));
        response
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: self.code.to_owned(), message: self.message };
        (self.status, Json(body)).into_response()
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl std::error::Error for AppError {}

pub async fn not_found() -> AppError {
    AppError::not_found()
}

pub async fn method_not_allowed() -> AppError {
    AppError::method_not_allowed()
}
