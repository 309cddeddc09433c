//! Fetch Metadata protection against cross-site writes: tower-http's `CsrfLayer`, the scheme of
//! Go 1.25's `CrossOriginProtection`. A write (anything but GET, HEAD, OPTIONS) passes when its
//! `Origin` is one of the frontend origins, when `Sec-Fetch-Site` says `same-origin` or `none`,
//! or when neither header came (curl, scripts); every browser sends `Sec-Fetch-Site`, so a
//! cross-site or same-site page is refused with no token at all.
//!
//! Used twice: always around the control plane's routes (no other page may change the lab),
//! and by the lab layer around the lab API's routes while the person has the
//! `fetch_metadata` defense on (its answer there: `lab::defenses`).

use axum::response::{IntoResponse, Response};
use shared::wire::ErrorCode;
use tower_http::csrf::{ConfigError, CsrfLayer, ProtectionError, ProtectionErrorKind};

use crate::error::AppError;

/// The layer trusting `frontend_origins`, with the default (empty 403) answer.
pub fn trusting(frontend_origins: &[String]) -> Result<CsrfLayer, ConfigError> {
    frontend_origins.iter().try_fold(CsrfLayer::new(), |layer, origin| layer.add_trusted_origin(origin))
}

/// The control plane's answer: 403 `origin_refused`.
pub fn refused_on_control_plane(error: ProtectionError) -> Response {
    AppError::new(ErrorCode::OriginRefused, format!("Only the playground's own page may change the lab ({}).", words(&error))).into_response()
}

/// Whether the refused write came without `Sec-Fetch-Site` (an old browser, a script).
pub fn is_old_browser(error: &ProtectionError) -> bool {
    error.kind() == ProtectionErrorKind::CrossOriginRequestFromOldBrowser
}

/// Why it was refused, in words.
pub fn words(error: &ProtectionError) -> &'static str {
    if is_old_browser(error) {
        "no Sec-Fetch-Site, and its Origin is neither trusted nor this server"
    } else {
        "Sec-Fetch-Site says another origin sent it, and its Origin is not trusted"
    }
}
