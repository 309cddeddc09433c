//! The lab's CSRF defenses, switched on in the control plane: the Origin check and the answer
//! of Fetch Metadata (tower-http's `CsrfLayer`, trusting the frontend origins) here, before the
//! route; "JSON only" where bodies are read (`extract::LabJson`).

use axum::{
    http::{HeaderValue, Method},
    response::{IntoResponse, Response},
};
use shared::wire::{Defenses, ErrorCode};
use tower_http::csrf::ProtectionError;

use super::Refused;
use crate::{error::AppError, fetch_metadata, request_log::RouteReport};

/// With the Origin check on, a POST/PUT/PATCH/DELETE whose `Origin` is not one of the
/// frontend origins is refused before the route runs. A request without `Origin` passes:
/// browsers always send one on cross-origin writes, so only non-browser clients lack it.
pub fn origin_check(defenses: Defenses, method: &Method, origin: Option<&HeaderValue>, frontend_origins: &[String]) -> Result<(), Refused> {
    let writes = matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    let Some(origin) = origin.filter(|_| writes && defenses.origin_check) else { return Ok(()) };
    let origin = String::from_utf8_lossy(origin.as_bytes()).into_owned();
    if frontend_origins.contains(&origin) {
        return Ok(());
    }
    let error = AppError::new(
        ErrorCode::OriginRefused,
        format!("The Origin check refused {origin}: only the playground's own origins may change state."),
    );
    Err(Refused { report: RouteReport::OriginRefused { origin }, error })
}

/// The Fetch Metadata defense's answer: 403 `fetch_metadata_refused`, with the report for the log.
pub fn refused_by_fetch_metadata(error: ProtectionError) -> Response {
    let message = format!("The Fetch Metadata defense refused this write ({}).", fetch_metadata::words(&error));
    let report = RouteReport::FetchMetadataRefused { old_browser: fetch_metadata::is_old_browser(&error) };
    Refused { report, error: AppError::new(ErrorCode::FetchMetadataRefused, message) }.into_response()
}
