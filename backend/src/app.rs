//! The two listeners' routers: `app(state)` for the lab API and the control plane, `site` for
//! the other site. Tests call `app` with `tower::ServiceExt::oneshot`, no socket needed.

use std::any::Any;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderValue, Method, header},
    middleware,
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use shared::wire::ErrorCode;
use tower_http::{
    catch_panic::CatchPanicLayer,
    cors::{AllowOrigin, CorsLayer},
};

use crate::{
    config::Config,
    control_access,
    error::{self, AppError},
    extract::BODY_LIMIT,
    fetch_metadata,
    host::{self, AllowedHosts},
    lab::LabLayer,
    limits,
    routes::{api, control},
    state::AppState,
};

/// The lab API (`/api/*`, inside the lab layer) and the control plane (`/control/*`, for the
/// playground's own page only).
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .route("/login", post(api::login))
        .route("/logout", post(api::logout))
        .route("/token", post(api::token))
        .route("/profile", get(api::profile))
        .route("/transfer", post(api::transfer))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state.clone());
    // The Fetch Metadata defence is switched at run time: while it is on (in the request's
    // snapshot of the defences), requests go to the same routes behind tower-http's CsrfLayer.
    let guarded = routes.clone().layer(state.cross_origin().clone().with_rejection_response(fetch_metadata::refused_in_lab as fn(_) -> _));
    let lab = routes.layer(middleware::from_fn_with_state(guarded, fetch_metadata::when_switched_on)).layer(LabLayer::new(state.clone()));

    let control = Router::new()
        .route("/cors", get(control::get_cors).put(control::put_cors))
        .route("/reset", post(control::reset))
        .route("/log", get(control::log))
        .route("/events", get(control::events))
        .route("/cookie", get(control::get_cookie).put(control::put_cookie))
        .route("/jwt", get(control::get_jwt).put(control::put_jwt))
        .route("/sessions", get(control::sessions))
        .route("/sessions/{handle}", delete(control::revoke))
        .route("/accounts", get(control::accounts))
        .route("/defenses", get(control::get_defenses).put(control::put_defenses))
        .route("/site", get(control::site))
        .route("/instance", get(control::instance))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(state.cross_origin().clone().with_rejection_response(fetch_metadata::refused_on_control_plane as fn(_) -> _))
        .layer(middleware::from_fn_with_state(state.clone(), control_access::guard))
        .layer(control_cors(state.config()))
        .with_state(state.clone());

    let hosts = AllowedHosts::new(state.config());
    let router = Router::new().nest("/api", lab).nest("/control", control).fallback(error::not_found);
    for_any_listener(router, hosts)
}

/// What both listeners do before any route: the `Host` allowlist, the head limits, the body
/// limit that extractors honour, and a JSON 500 for a panicking handler.
pub fn for_any_listener(router: Router, hosts: AllowedHosts) -> Router {
    router
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(limits::request_head))
        .layer(middleware::from_fn_with_state(hosts, host::check))
}

/// The control plane answers CORS for the playground's own origins only, whatever the lab
/// policy says, so the UI keeps working while the person breaks the lab.
fn control_cors(config: &Config) -> CorsLayer {
    let origins: Vec<HeaderValue> = config.frontend_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::PUT, Method::POST, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, control_access::TOKEN_HEADER])
}

/// A handler panicked: a 500 in the API's shape; what went wrong goes to the server's log only.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let what = panic.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| panic.downcast_ref::<String>().cloned());
    tracing::error!(panic = what.as_deref().unwrap_or("(not a string)"), "a handler panicked");
    AppError::new(ErrorCode::InternalError, "The server failed on this request; it keeps serving others.").into_response()
}
