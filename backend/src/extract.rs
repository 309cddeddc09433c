//! Request bodies: every way a body can be wrong becomes the JSON error shape of the API
//! (400 malformed JSON or a field of the wrong shape, 408 too slow, 413 too large, 415 wrong
//! content type). The lab's own extractors, which refuse with the lab's `Refused`, are in
//! `lab::extract`.

use axum::{
    body::Bytes,
    extract::{
        FromRequest, Request,
        rejection::{BytesRejection, FailedToBufferBody},
    },
    http::{HeaderMap, header},
};
use serde::de::DeserializeOwned;
use shared::wire::ErrorCode;

use crate::{error::AppError, state::AppState};

/// Largest request body any route reads (`docs/api.md`), set as axum's `DefaultBodyLimit`.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Which content types a route reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accept {
    Json,
    /// JSON, or `text/plain` holding JSON: what a "simple" cross-origin request can send
    /// without a preflight (the lab needs exactly that).
    JsonOrText,
}

/// A JSON body (`application/json` only): the control plane's.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        read_json(req, state, Accept::Json).await.map(ApiJson)
    }
}

/// The body as `T`, of a content type `accept` takes.
pub async fn read_json<T: DeserializeOwned>(req: Request, state: &AppState, accept: Accept) -> Result<T, AppError> {
    require_json(req.headers(), accept)?;
    let body = read_body(req, state).await?;
    parse(&body)
}

/// The whole body, within `DefaultBodyLimit` (413) and within `--body-timeout` (408: a body
/// trickling in a byte a minute must not hold its connection for ever). Routes read their
/// body first, so the time runs from about when the head arrived.
pub async fn read_body(req: Request, state: &AppState) -> Result<Bytes, AppError> {
    let within = state.config().body_timeout;
    let read = tokio::time::timeout(within, Bytes::from_request(req, state)).await.map_err(|_| {
        let message = format!("The body did not arrive within {} of the request head.", humantime::format_duration(within));
        AppError::new(ErrorCode::RequestTimeout, message)
    })?;
    read.map_err(|rejection| match rejection {
        BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => {
            AppError::new(ErrorCode::BodyTooLarge, format!("The body is larger than the {} KiB limit.", BODY_LIMIT / 1024))
        }
        _ => AppError::new(ErrorCode::UnreadableBody, "The body could not be read."),
    })
}

/// 415 unless the body is declared JSON (or `text/plain` where `accept` allows it).
pub fn require_json(headers: &HeaderMap, accept: Accept) -> Result<(), AppError> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok());
    let ok = match &essence {
        Some(m) if m.type_() == mime::APPLICATION => m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON),
        Some(m) if m.type_() == mime::TEXT && m.subtype() == mime::PLAIN => accept == Accept::JsonOrText,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let expected = match accept {
        Accept::Json => "Content-Type: application/json",
        Accept::JsonOrText => "Content-Type: application/json (or text/plain holding JSON)",
    };
    Err(AppError::new(ErrorCode::UnsupportedMediaType, format!("Send the body as JSON with {expected}.")))
}

/// Bytes → `T`: 400 `malformed_json` when it is no JSON, `invalid_field` when a field is
/// missing or of the wrong shape.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => AppError::new(ErrorCode::InvalidField, format!("A field is missing or has the wrong type: {e}.")),
        _ => AppError::new(ErrorCode::MalformedJson, format!("The body is not valid JSON: {e}.")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Login {
        #[allow(dead_code)]
        email: String,
    }

    fn with_type(t: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, t.parse().unwrap());
        h
    }

    #[test]
    fn content_types() {
        assert!(require_json(&with_type("application/json; charset=utf-8"), Accept::Json).is_ok());
        assert!(require_json(&with_type("application/merge-patch+json"), Accept::Json).is_ok());
        assert!(require_json(&with_type("text/plain;charset=UTF-8"), Accept::JsonOrText).is_ok());
        let code = |h: &HeaderMap, a| require_json(h, a).unwrap_err().code;
        assert_eq!(code(&with_type("text/plain"), Accept::Json), ErrorCode::UnsupportedMediaType);
        assert_eq!(code(&with_type("application/x-www-form-urlencoded"), Accept::JsonOrText), ErrorCode::UnsupportedMediaType);
        assert_eq!(code(&HeaderMap::new(), Accept::JsonOrText), ErrorCode::UnsupportedMediaType);
    }

    #[test]
    fn malformed_and_invalid_bodies() {
        let code = |b: &[u8]| parse::<Login>(b).unwrap_err().code;
        assert_eq!(code(b"{\"email\":"), ErrorCode::MalformedJson);
        assert_eq!(code(b"{\"email\":1}"), ErrorCode::InvalidField);
        assert_eq!(code(b"{}"), ErrorCode::InvalidField);
    }
}
