//! The live CORS policy as middleware on `/api/*`: HTTP in, `shared::cors::decide`, HTTP out.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use shared::cors::{Action, CorsRequest, decide};

use crate::{error::AppError, state::AppState};

/// The CORS engine's reason, left on the response for the request log.
#[derive(Clone, Debug)]
pub struct CorsNote(pub String);

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // One snapshot per request: a policy swap meanwhile cannot mix into this response.
    let policy = state.policy();
    let headers = req.headers();
    let cors_request = CorsRequest {
        method: req.method().as_str(),
        origin: text(headers, header::ORIGIN),
        request_method: text(headers, header::ACCESS_CONTROL_REQUEST_METHOD),
        request_headers: text(headers, header::ACCESS_CONTROL_REQUEST_HEADERS),
    };
    let decision = decide(&policy, &cors_request);
    let mut response = match decision.action {
        // Preflights carry no credentials and never reach the route.
        Action::AnswerPreflight { allowed: true } => StatusCode::NO_CONTENT.into_response(),
        Action::AnswerPreflight { allowed: false } => {
            AppError::new(StatusCode::FORBIDDEN, "cors_preflight_refused", format!("The lab CORS policy refused this preflight: {}.", decision.reason))
                .into_response()
        }
        Action::Continue => next.run(req).await,
    };
    let out = response.headers_mut();
    for (name, value) in decision.headers {
        // `insert`, not `append`: exactly one of each, whatever the route set.
        // A value that cannot be a header (a reflected junk origin) is left out.
        if let Ok(value) = HeaderValue::from_str(&value) {
            out.insert(name, value);
        }
    }
    if decision.vary_origin {
        append_vary(out, "Origin");
    }
    response.extensions_mut().insert(CorsNote(decision.reason));
    response
}

fn text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Adds `name` to `Vary` unless it is there already; never overwrites what the route set.
pub fn append_vary(headers: &mut HeaderMap, name: &'static str) {
    let present = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case(name) || v.trim() == "*");
    if !present {
        headers.append(header::VARY, HeaderValue::from_static(name));
    }
}
