//! CSRF defences of the lab API, switched on in the control plane: the Origin check here;
//! "JSON only" where bodies are parsed (`routes::api`).

use axum::http::{HeaderValue, Method, StatusCode};

use crate::{error::AppError, request_log::Answer, state::AppState};

/// With the Origin check on, a POST/PUT/PATCH/DELETE whose `Origin` is not one of the
/// frontend origins is refused before the route runs. A request without `Origin` passes:
/// browsers always send one on cross-origin writes, so only non-browser clients lack it.
pub fn origin_check(state: &AppState, method: &Method, origin: Option<&HeaderValue>) -> Option<Answer> {
    let writes = matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    if !writes || !state.defenses().origin_check {
        return None;
    }
    let origin = String::from_utf8_lossy(origin?.as_bytes()).into_owned();
    if state.config().frontend_origins.contains(&origin) {
        return None;
    }
    let error = AppError::new(
        StatusCode::FORBIDDEN,
        "origin_refused",
        format!("The Origin check refused {origin}: only the playground's own origins may change state."),
    );
    Some(Answer::text(error, format!("refused by the Origin check ({origin}); the route did not run")))
}
