//! Everything the lab API does around a route, in one handler for all of `/api/*`: record
//! what arrived, decide CORS with one policy snapshot, answer preflights, apply the CSRF
//! defences, run the route, decorate its answer, log it.
//!
//! The lab's routes are a `match` calling plain async functions, not a nested router with a
//! middleware and axum handlers: each axum layer and nesting level clones a boxed service per
//! request, and each handler call copies the header map and boxes its future; together that
//! cost more CPU than the CORS decision, the auth and the log (`cargo xtask bench`; README,
//! Benchmarks).

use axum::{
    extract::Request,
    http::{HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use shared::cors::{Action, decide};

use crate::{
    csrf,
    error::AppError,
    lab_cors,
    request_log::{Answer, Record},
    routes::api,
    state::AppState,
};

/// The lab's routes, the methods each answers, and the handler.
async fn route(state: &AppState, req: Request) -> Answer {
    let handled = match req.uri().path() {
        "/api/login" if req.method() == Method::POST => api::login(state, req).await,
        "/api/logout" if req.method() == Method::POST => api::logout(state, req.headers()).await,
        "/api/token" if req.method() == Method::POST => api::token(state, req).await,
        "/api/transfer" if req.method() == Method::POST => api::transfer(state, req).await,
        // HEAD as GET (hyper sends no body for it), as axum's `get` does.
        "/api/profile" if matches!(*req.method(), Method::GET | Method::HEAD) => api::profile(state, req.headers()).await,
        "/api/login" | "/api/logout" | "/api/token" | "/api/transfer" => return method_not_allowed("POST"),
        "/api/profile" => return method_not_allowed("GET,HEAD"),
        _ => return Answer::unchecked(AppError::not_found()),
    };
    handled.unwrap_or_else(|refused| refused)
}

/// RFC 9110 §15.5.6: a 405 lists the methods the route does answer.
fn method_not_allowed(allow: &'static str) -> Answer {
    let mut response = AppError::method_not_allowed().into_response();
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    Answer::unchecked(response)
}

/// Whether `path` belongs to the lab: `/api` and everything below it.
pub fn is_lab(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// One lab request, start to end.
pub async fn lab(state: AppState, req: Request) -> Response {
    let mut record = Record::arrived(req.method(), req.uri(), req.headers());

    // One snapshot per request: a policy swap meanwhile cannot mix into this response.
    let policy = state.policy();
    let decision = decide(&policy, &lab_cors::request(&record.method, |name| record.request_values(name).next()));
    // The request's own value (shared, not copied): a reflected origin goes back as it came.
    let origin = req.headers().get(header::ORIGIN).cloned();
    let origin = origin.as_ref();
    let Answer { mut response, auth } = match decision.action {
        // Preflights carry no credentials and never reach the route.
        Action::AnswerPreflight { allowed: true } => Answer::unchecked(StatusCode::NO_CONTENT),
        Action::AnswerPreflight { allowed: false } => Answer::unchecked(AppError::new(
            StatusCode::FORBIDDEN,
            "cors_preflight_refused",
            format!("The lab CORS policy refused this preflight: {}.", decision.reason),
        )),
        Action::Continue => match csrf::origin_check(&state, req.method(), origin) {
            Some(refused) => refused,
            None => route(&state, req).await,
        },
    };
    lab_cors::apply(&decision, origin, response.headers_mut());
    // Answers about who you are must never come from a cache.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));

    record.answered(response.status().as_u16(), response.headers(), Some(decision.reason), auth);
    state.log().push(record);
    response
}
