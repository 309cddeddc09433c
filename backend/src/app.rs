//! The routers: `app(state)` for the lab API and the control plane, and what every listener
//! puts around its router (`for_listener`). Tests call either with `tower::ServiceExt::oneshot`,
//! no socket needed.

use std::{any::Any, convert::Infallible};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::{HeaderValue, Method, header},
    response::{IntoResponse, Response},
    routing::{any, delete, get, post, put},
};
use shared::wire::ErrorCode;
use tower::{Service, ServiceBuilder};
use tower_http::{
    catch_panic::CatchPanicLayer,
    cors::{AllowOrigin, CorsLayer},
    set_header::SetResponseHeaderLayer,
    validate_request::ValidateRequestHeaderLayer,
};

use crate::{
    config::Config,
    control_access::{self, ControlToken, SiteReads},
    error::{self, AppError},
    extract::BODY_LIMIT,
    fetch_metadata,
    host::AllowedHosts,
    lab::LabLayer,
    limits::HeadLimits,
    routes::{api, challenge, control, exploit},
    state::{AppState, INSTANCE_HEADER},
};

/// The lab API (`/api/*`, each route inside the lab layer) and the control plane
/// (`/control/*`, for the playground's own page only), merged into one route table. Every
/// answer says which instance gave it (`X-Instance`): the lab layer sets it on lab answers
/// itself, so that the request log shows it; this layer adds it where it is not set yet.
pub fn app(state: AppState) -> Router {
    let instance = SetResponseHeaderLayer::if_not_present(INSTANCE_HEADER, state.instance_header());
    Router::new().merge(control_plane(&state)).merge(lab(&state)).fallback(error::not_found).layer(instance).with_state(state)
}

fn lab(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/api/login", post(api::login))
        .route("/api/logout", post(api::logout))
        .route("/api/token", post(api::token))
        .route("/api/profile", get(api::profile))
        // GET only while the deliberately vulnerable `transfer_via_get` is on (`api::TransferViaGet`).
        .route("/api/transfer", post(api::transfer).get(api::transfer_via_get).fallback(api::transfer_method_not_allowed))
        .route("/api/csrf-token", get(api::csrf_token))
        // Unknown lab paths are the lab's too: logged, with the policy's headers.
        .route("/api", any(error::not_found))
        .route("/api/{*rest}", any(error::not_found))
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(LabLayer::new(state.clone()))
}

fn control_plane(state: &AppState) -> Router<AppState> {
    let config = state.config();
    let refusal = fetch_metadata::refused_on_control_plane as fn(_) -> _;
    Router::new()
        .route("/control/cors", get(control::get_cors).put(control::put_cors))
        .route("/control/reset", post(control::reset))
        .route("/control/log", get(control::log))
        .route("/control/events", get(control::events))
        .route("/control/cookie", get(control::get_cookie).put(control::put_cookie))
        .route("/control/jwt", get(control::get_jwt).put(control::put_jwt))
        .route("/control/sessions", get(control::sessions))
        .route("/control/sessions/{handle}", delete(control::revoke))
        .route("/control/accounts", get(control::accounts))
        .route("/control/defenses", get(control::get_defenses).put(control::put_defenses))
        .route("/control/vulnerable", get(control::get_vulnerable).put(control::put_vulnerable))
        .route("/control/challenge", get(challenge::get).post(challenge::start).delete(challenge::stop))
        .route("/control/site", get(control::site))
        .route("/control/exploit", get(exploit::get_page).put(exploit::put_page).delete(exploit::delete_page))
        .route("/control/exploit/log", get(exploit::log))
        .route("/control/instance", get(control::instance))
        .route("/control/balancer", get(control::get_balancer))
        .route("/control/balancer/servers/{name}", put(control::put_balancer_server))
        .route("/control/{*rest}", any(error::not_found))
        .method_not_allowed_fallback(error::method_not_allowed)
        // No other page may change the lab (Fetch Metadata) or read it (`SiteReads`), nobody
        // without the token.
        .layer(
            state
                .fetch_metadata()
                .clone()
                .with_rejection_response(refusal),
        )
        .layer(ValidateRequestHeaderLayer::custom(SiteReads::new(
            &config.frontend_origins,
        )))
        .layer(ValidateRequestHeaderLayer::custom(ControlToken::new(
            config.control_token.as_deref(),
            state.control_token_failures().clone(),
        )))
        .layer(control_cors(config))
        // Its JSON is never to be read as a script or a page, whatever a tag that loads it says.
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
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

/// What a listener does before its router, once per request: a JSON 500 for a panicking
/// handler, the `Host` allowlist (421), the head limits (414, 431), and the body limit that
/// the extractors honour (413).
pub fn for_listener<R>(router: R, hosts: AllowedHosts) -> impl Service<Request, Response = Response<impl axum::body::HttpBody<Data = axum::body::Bytes, Error = axum::BoxError> + Send + 'static>, Error = Infallible, Future: Send + 'static> + Clone + Send + Sync + 'static
where
    R: Service<Request, Response = Response, Error = Infallible, Future: Send + 'static> + Clone + Send + Sync + 'static,
{
    ServiceBuilder::new()
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(ValidateRequestHeaderLayer::custom(hosts))
        .layer(ValidateRequestHeaderLayer::custom(HeadLimits))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .service(router)
}

/// A handler panicked: a 500 in the API's shape; what went wrong goes to the server's log only.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let what = panic.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| panic.downcast_ref::<String>().cloned());
    tracing::error!(panic = what.as_deref().unwrap_or("(not a string)"), "a handler panicked");
    AppError::new(ErrorCode::InternalError, "The server failed on this request; it keeps serving others.").into_response()
}
