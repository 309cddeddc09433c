//! The lab routes' extractors: the settings the lab layer decided with (`Snapshot`), who a
//! request comes from (`AuthUser`) and its body (`LabJson`, which honours "JSON only"). The
//! last two refuse with the lab's `Refused`, so the request log knows what refused it.

use std::{convert::Infallible, sync::Arc};

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::{Extensions, request::Parts},
};
use serde::de::DeserializeOwned;

use super::Refused;
use crate::{
    auth::{self, Authed, Verifier},
    extract::{Accept, read_json, require_json},
    request_log::RouteReport,
    state::{AppState, LabSettings},
};

/// The lab's settings as the lab layer read them for this request: the route uses the same
/// snapshot (a route called without the layer, in a test, takes a fresh one).
pub struct Snapshot(pub Arc<LabSettings>);

impl Snapshot {
    fn of(extensions: &Extensions, state: &AppState) -> Arc<LabSettings> {
        extensions.get::<Arc<LabSettings>>().cloned().unwrap_or_else(|| state.lab().settings())
    }
}

impl FromRequestParts<AppState> for Snapshot {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Snapshot(Snapshot::of(&parts.extensions, state)))
    }
}

/// The extractor of routes that need a user: the request's credential, checked
/// (`auth::authenticate`). Refused with a 401 (and `WWW-Authenticate` for a bad token, RFC 6750
/// §3), or 503 when the session store is unreachable.
pub struct AuthUser(pub Authed);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refused> {
        let settings = Snapshot::of(&parts.extensions, state);
        let verifier = Verifier {
            key: &settings.jwt.key,
            sessions: state.lab().sessions(),
            lifetimes: state.lifetimes(),
            now_ms: state.clock().now_ms(),
            accept_unsigned: settings.vulnerable.jwt_alg_none,
        };
        auth::authenticate(verifier, &parts.headers).await.map(AuthUser).map_err(Refused::by)
    }
}

/// A lab route's body: JSON, or `text/plain` holding JSON unless the "JSON only" defense is
/// on in this request's snapshot of the defenses (then a cross-origin write needs a preflight).
pub struct LabJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for LabJson<T> {
    type Rejection = Refused;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Refused> {
        let json_only = Snapshot::of(req.extensions(), state).defenses.json_only;
        // Refused because of the defense: a body the lab takes while it is off.
        let by_the_defense =
            json_only && require_json(req.headers(), Accept::Json).is_err() && require_json(req.headers(), Accept::JsonOrText).is_ok();
        let accept = if json_only { Accept::Json } else { Accept::JsonOrText };
        read_json(req, state, accept).await.map(LabJson).map_err(|error| match by_the_defense {
            true => Refused { report: RouteReport::JsonOnlyRefused, error },
            false => Refused::by(error),
        })
    }
}
