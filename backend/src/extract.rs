//! Extractors that turn every rejection into the JSON error shape of API.md.

use axum::{
    extract::{FromRequest, Request, rejection::JsonRejection},
    http::StatusCode,
};
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Like `axum::Json`, but a bad body answers with our error shape:
/// 400 malformed JSON or a field of the wrong shape, 413 too large, 415 not JSON.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> AppError {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            AppError::new(StatusCode::BAD_REQUEST, "invalid_field", format!("A field is missing or has the wrong type: {}", e.body_text()))
        }
        JsonRejection::JsonSyntaxError(e) => {
            AppError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("The body is not valid JSON: {}", e.body_text()))
        }
        JsonRejection::MissingJsonContentType(_) => AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as JSON with Content-Type: application/json.",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "The body is larger than the 64 KiB limit.",
        ),
        other => AppError::new(StatusCode::BAD_REQUEST, "unreadable_body", format!("The body could not be read: {}", other.body_text())),
    }
}
