//! Request bodies: every way a body can be wrong becomes the JSON error shape of API.md
//! (400 malformed JSON or a field of the wrong shape, 413 too large, 415 wrong content type).

use std::time::Duration;

use axum::{
    body::{Body, Bytes},
    extract::{FromRequest, Request},
    http::{HeaderMap, StatusCode, header},
};
use http_body_util::LengthLimitError;
use serde::de::DeserializeOwned;

use crate::{error::AppError, server::BODY_LIMIT, state::AppState};

/// Which content types a route reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accept {
    Json,
    /// JSON, or `text/plain` holding JSON: what a "simple" cross-origin request can send
    /// without a preflight (the lab needs exactly that).
    JsonOrText,
}

/// A JSON body (`application/json` only).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = read_body(body, state.config().body_timeout).await?;
        parse_body(&parts.headers, &bytes, Accept::Json).map(ApiJson)
    }
}

/// The whole body, up to `BODY_LIMIT` (413 beyond, whatever `Content-Length` claimed) and
/// within `within` (408 after: a body trickling in a byte a minute must not hold its
/// connection for ever): the one place every route reads a body. Routes read their body
/// first, so the time runs from about when the head arrived.
pub async fn read_body(body: Body, within: Duration) -> Result<Bytes, AppError> {
    let read = tokio::time::timeout(within, axum::body::to_bytes(body, BODY_LIMIT)).await.map_err(|_| {
        AppError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!("The body did not arrive within {} of the request head.", humantime::format_duration(within)),
        )
    })?;
    read.map_err(|e| {
        if e.into_inner().is::<LengthLimitError>() {
            AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "The body is larger than the 64 KiB limit.")
        } else {
            AppError::new(StatusCode::BAD_REQUEST, "unreadable_body", "The body could not be read.")
        }
    })
}

/// 415 unless the body is declared JSON (or `text/plain` where `accept` allows it).
pub fn require_json(headers: &HeaderMap, accept: Accept) -> Result<(), AppError> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    let ok = match essence.as_deref() {
        Some("application/json") => true,
        Some("text/plain") => accept == Accept::JsonOrText,
        Some(t) => t.ends_with("+json") && t.starts_with("application/"),
        None => false,
    };
    if ok {
        return Ok(());
    }
    let expected = match accept {
        Accept::Json => "Content-Type: application/json",
        Accept::JsonOrText => "Content-Type: application/json (or text/plain holding JSON)",
    };
    Err(AppError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", format!("Send the body as JSON with {expected}.")))
}

/// Bytes → `T`, after checking the content type.
pub fn parse_body<T: DeserializeOwned>(headers: &HeaderMap, bytes: &[u8], accept: Accept) -> Result<T, AppError> {
    require_json(headers, accept)?;
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            AppError::new(StatusCode::BAD_REQUEST, "invalid_field", format!("A field is missing or has the wrong type: {e}."))
        }
        _ => AppError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("The body is not valid JSON: {e}.")),
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
    fn content_types_and_errors() {
        let body = br#"{"email":"a@b.com"}"#;
        assert!(parse_body::<Login>(&with_type("application/json; charset=utf-8"), body, Accept::Json).is_ok());
        assert!(parse_body::<Login>(&with_type("text/plain;charset=UTF-8"), body, Accept::JsonOrText).is_ok());
        let code = |h: &HeaderMap, b: &[u8], a| parse_body::<Login>(h, b, a).unwrap_err().code;
        assert_eq!(code(&with_type("text/plain"), body, Accept::Json), "unsupported_media_type");
        assert_eq!(code(&HeaderMap::new(), body, Accept::JsonOrText), "unsupported_media_type");
        assert_eq!(code(&with_type("application/json"), b"{\"email\":", Accept::Json), "malformed_json");
        assert_eq!(code(&with_type("application/json"), b"{\"email\":1}", Accept::Json), "invalid_field");
        assert_eq!(code(&with_type("application/json"), b"{}", Accept::Json), "invalid_field");
    }
}
