//! Everything the lab API does around a route, in one middleware (one pass is measurably
//! cheaper than a stack of them): record what arrived, decide CORS with one policy snapshot,
//! answer preflights, apply the CSRF defences, run the route, decorate its answer, log it.

use axum::{
    extract::{OriginalUri, Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use shared::cors::{Action, decide};

use crate::{
    csrf,
    error::AppError,
    lab_cors,
    request_log::{AuthNote, Record},
    state::AppState,
};

pub async fn lab_api(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Nested routers see the path without their prefix; the log shows what was asked for.
    let path = req.extensions().get::<OriginalUri>().map_or_else(|| req.uri().path(), |u| u.0.path());
    let mut record = Record::arrived(req.method(), path, req.uri().query(), req.headers());

    // One snapshot per request: a policy swap meanwhile cannot mix into this response.
    let policy = state.policy();
    let cors = lab_cors::CorsHeaders::of(req.method(), req.headers());
    let decision = decide(&policy, &cors.request());
    let mut response = match decision.action {
        // Preflights carry no credentials and never reach the route.
        Action::AnswerPreflight { allowed: true } => StatusCode::NO_CONTENT.into_response(),
        Action::AnswerPreflight { allowed: false } => AppError::new(
            StatusCode::FORBIDDEN,
            "cors_preflight_refused",
            format!("The lab CORS policy refused this preflight: {}.", decision.reason),
        )
        .into_response(),
        Action::Continue => match csrf::origin_check(&state, req.method(), cors.origin.as_ref()) {
            Some(refused) => refused,
            None => next.run(req).await,
        },
    };
    lab_cors::apply(&decision, response.headers_mut());
    // Answers about who you are must never come from a cache.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));

    let auth = response.extensions_mut().remove::<AuthNote>().map(|n| n.0);
    record.answered(response.status().as_u16(), response.headers(), Some(decision.reason), auth);
    state.log().push(record);
    response
}
