//! The lab's work around every `/api/*` route, as one tower `Layer` in the shape of
//! tower-http's `CorsLayer` (a layer, a service, a response future that finishes the answer):
//!
//! 1. snapshot the lab's settings (CORS policy, CSRF defenses): one per request, so a change
//!    meanwhile applies to the next request and no response mixes two policies;
//! 2. decide CORS with `shared::cors::decide`;
//! 3. answer a preflight at once (it carries no credentials and never reaches a route), or
//!    answer as the server mistake the person switched on does (`mistaken`);
//! 4. apply the CSRF defenses that are on (`defenses`): the Origin check, and Fetch Metadata
//!    (tower-http's `CsrfLayer` around the routes, trusting `crate::fetch_metadata`);
//! 5. run the route (axum handlers in `routes::api`), which says what it did as a `RouteReport`;
//!    the defenses that need the user or the body are its extractors ("JSON only" in `LabJson`,
//!    the CSRF token in `csrf_token::CsrfChecked`);
//! 6. put the CORS headers on its answer, `Cache-Control: no-store` and `X-Instance`;
//! 7. log the request, with the CORS reason and the route's report as data.

pub mod csrf_token;
pub mod defenses;
pub mod extract;
pub mod mistaken;
pub mod refused;

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll, ready},
};

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use pin_project_lite::pin_project;
use tower_http::csrf::{Csrf, ProtectionError};
use shared::{
    cors::{Action, Decision, Reason, RefusedPreflight, decide},
    wire::ErrorCode,
};
use tower::{Layer, Service, ServiceExt, util::Oneshot};

use crate::{
    error::AppError,
    live_cors,
    request_log::{RouteReport, Record},
    state::{AppState, INSTANCE_HEADER},
};
pub use extract::{AuthUser, LabJson, Snapshot};
pub use refused::Refused;

/// Wraps the lab's routes in the lab's work (see the module's doc).
#[derive(Clone)]
pub struct LabLayer {
    state: AppState,
}

impl LabLayer {
    pub fn new(state: AppState) -> LabLayer {
        LabLayer { state }
    }
}

impl<S> Layer<S> for LabLayer {
    type Service = Lab<S>;

    fn layer(&self, inner: S) -> Lab<S> {
        Lab { inner, state: self.state.clone() }
    }
}

/// How the Fetch Metadata defense answers a refused write.
type Refusal = fn(ProtectionError) -> Response;

/// The service `LabLayer` makes.
#[derive(Clone)]
pub struct Lab<S> {
    inner: S,
    state: AppState,
}

impl<S> Service<Request> for Lab<S>
where
    S: Service<Request, Response = Response> + Clone,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ResponseFuture<S>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let record = Record::arrived(req.method(), req.uri(), req.headers());
        let settings = self.state.lab().settings();
        let (policy, defenses) = (&settings.policy, settings.defenses);
        let decision = decide(policy, &live_cors::request(req.method(), req.headers()));
        let cors_headers = live_cors::response_headers(&decision, req.headers().get(header::ORIGIN), policy);
        let Decision { action, vary_origin, reason, .. } = decision;

        let answered = match action {
            Action::Preempted(mistake) => Some(mistaken::answer(mistake, req.uri())),
            Action::AnswerPreflight { allowed: true } => Some(StatusCode::NO_CONTENT.into_response()),
            // The browser decides, from the policy's headers (`refused_preflight: headers`).
            Action::AnswerPreflight { allowed: false } if policy.refused_preflight == RefusedPreflight::Headers => {
                Some(StatusCode::NO_CONTENT.into_response())
            }
            Action::AnswerPreflight { allowed: false } => {
                let message = format!("The lab CORS policy refused this preflight: {reason}.");
                Some(AppError::new(ErrorCode::CorsPreflightRefused, message).into_response())
            }
            Action::Continue => {
                let origin = req.headers().get(header::ORIGIN);
                defenses::origin_check(defenses, req.method(), origin, &self.state.config().frontend_origins).err().map(IntoResponse::into_response)
            }
        };
        let kind = match answered {
            Some(response) => Kind::Answered { response: Some(response) },
            None => {
                // The route reads the same snapshot (`Snapshot`).
                req.extensions_mut().insert(settings.clone());
                if defenses.fetch_metadata {
                    // The same route behind tower-http's CsrfLayer, while the defense is on.
                    let guarded = self.state.fetch_metadata().clone().with_rejection_response(defenses::refused_by_fetch_metadata as Refusal);
                    Kind::Guarded { future: guarded.layer(self.inner.clone()).oneshot(req) }
                } else {
                    Kind::Route { future: self.inner.call(req) }
                }
            }
        };
        ResponseFuture { kind, finish: Some(Finish { state: self.state.clone(), record, cors_headers, vary_origin, reason }) }
    }
}

pin_project! {
    /// The answer of a lab request: given at once, or the route's; finished and logged.
    pub struct ResponseFuture<S: Service<Request, Response = Response>> {
        #[pin]
        kind: Kind<S>,
        finish: Option<Finish>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<S: Service<Request, Response = Response>> {
        Answered { response: Option<Response> },
        Route { #[pin] future: S::Future },
        Guarded { #[pin] future: Oneshot<Csrf<S, Refusal>, Request> },
    }
}

/// What is left to do once the answer is known.
struct Finish {
    state: AppState,
    record: Record,
    cors_headers: Vec<(HeaderName, HeaderValue)>,
    vary_origin: bool,
    reason: Reason,
}

impl<S> Future for ResponseFuture<S>
where
    S: Service<Request, Response = Response>,
{
    type Output = Result<Response, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = match this.kind.project() {
            KindProj::Answered { response } => response.take().unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
            KindProj::Route { future } => ready!(future.poll(cx))?,
            KindProj::Guarded { future } => ready!(future.poll(cx))?,
        };
        if let Some(finish) = this.finish.take() {
            finish.run(&mut response);
        }
        Poll::Ready(Ok(response))
    }
}

impl Finish {
    fn run(self, response: &mut Response) {
        let report = response.extensions_mut().remove::<RouteReport>();
        let headers = response.headers_mut();
        live_cors::apply(self.cors_headers, self.vary_origin, headers);
        // Answers about who you are must never come from a cache.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        // Before the record is made, so the log shows which instance answered too.
        headers.insert(INSTANCE_HEADER, self.state.instance_header());
        let mut record = self.record;
        record.answered(response.status().as_u16(), response.headers(), Some(self.reason), report);
        self.state.lab().log().push(record);
    }
}
