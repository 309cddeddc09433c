//! The backend's one error type: every failure becomes `{"error", "message"}` with the status
//! its code goes with (`shared::wire::ErrorCode`).

use axum::{
    Json,
    http::{HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use shared::wire::{ErrorBody, ErrorCode};

/// An error a client can see. `message` is one sentence for a person and never carries
/// secrets or internal details (those go to the server's log where the error is made).
#[derive(Clone, Debug)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// The code's own status unless a route says otherwise (`with_status`).
    status: Option<StatusCode>,
    /// `Retry-After`, `WWW-Authenticate`, …
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), status: None, headers: Vec::new() }
    }

    /// The same error with another status than its code's (an unknown session in the control
    /// plane is a 404: the thing to delete is missing, not the caller's credentials).
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// The same error with one more header on its response.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "There is no such route; see docs/api.md for the routes.")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(ErrorCode::MethodNotAllowed, "This route does not answer that method.")
    }

    pub fn status(&self) -> StatusCode {
        self.status.unwrap_or_else(|| StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (status, Json(ErrorBody { error: self.code, message: self.message })).into_response();
        response.headers_mut().extend(self.headers);
        response
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status().as_u16(), self.code, self.message)
    }
}

impl std::error::Error for AppError {}

pub async fn not_found() -> AppError {
    AppError::not_found()
}

pub async fn method_not_allowed() -> AppError {
    AppError::method_not_allowed()
}
