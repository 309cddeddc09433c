//! CSRF defences of the lab API, switched on in the control plane: an Origin check on
//! state-changing requests here; "JSON only" where bodies are parsed (`routes::api`).

use axum::{
    Extension,
    extract::{Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{error::AppError, request_log::AuthNote, state::AppState};

/// With the Origin check on, a POST/PUT/PATCH/DELETE whose `Origin` is not one of the
/// frontend origins is refused before the route runs. A request without `Origin` passes:
/// browsers always send one on cross-origin writes, so only non-browser clients lack it.
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let writes = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    if writes && state.defenses().origin_check {
        let origin = req.headers().get(header::ORIGIN).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        if let Some(origin) = origin
            && !state.config().frontend_origins.contains(&origin)
        {
            let error = AppError::new(
                StatusCode::FORBIDDEN,
                "origin_refused",
                format!("The Origin check refused {origin}: only the playground's own origins may change state."),
            );
            return (Extension(AuthNote(format!("refused by the Origin check ({origin}); the route did not run"))), error).into_response();
        }
    }
    next.run(req).await
}
