//! What a lab route did with a request's credentials, as data. A route puts it on its response
//! (an `IntoResponseParts`); the lab layer takes it off again for the request log, which puts
//! it on the wire as `shared::wire::RouteOutcome` when someone reads the log; the page words it.

use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use shared::wire::{Amount, Defense, DefenseSaw, Email, ErrorCode, RouteOutcome};

use crate::{auth::Authed, error::AppError, sessions::SessionId};

#[derive(Clone, Debug)]
pub enum Outcome {
    /// The credentials named a user.
    Authenticated(Authed),
    /// The credentials did not get through, or the route refused before looking.
    Refused(ErrorCode),
    LoggedIn { user: u64, session: SessionId },
    LoggedOut,
    TokenIssued { user: u64 },
    Transferred { by: Authed, to: Email, amount: Amount },
    /// Authenticated, but the transfer itself was refused.
    TransferRefused { by: Authed, code: ErrorCode },
    /// The Origin check (a CSRF defence) stopped the request before its route.
    OriginRefused { origin: String },
    /// The Fetch Metadata defence stopped it: `Sec-Fetch-Site` named another origin, or (an
    /// old browser, a script) it was missing and `Origin` was foreign.
    FetchMetadataRefused { old_browser: bool },
    /// "JSON only" refused a `text/plain` body that the lab takes otherwise.
    JsonOnlyRefused,
}

impl Outcome {
    /// The outcome as the wire carries it.
    pub fn to_wire(&self) -> RouteOutcome {
        match self {
            Outcome::Authenticated(authed) => RouteOutcome::Authenticated { who: authed.to_wire() },
            Outcome::Refused(code) => RouteOutcome::Refused { code: *code },
            Outcome::LoggedIn { user, session } => RouteOutcome::LoggedIn { user: *user, session: session.prefix() },
            Outcome::LoggedOut => RouteOutcome::LoggedOut,
            Outcome::TokenIssued { user } => RouteOutcome::TokenIssued { user: *user },
            Outcome::Transferred { by, to, amount } => {
                RouteOutcome::Transferred { by: by.to_wire(), to: to.as_str().to_owned(), amount: amount.get() }
            }
            Outcome::TransferRefused { by, code } => RouteOutcome::TransferRefused { by: by.to_wire(), code: *code },
            Outcome::OriginRefused { origin } => {
                RouteOutcome::DefenseRefused { defense: Defense::OriginCheck, saw: DefenseSaw::ForeignOrigin { origin: origin.clone() } }
            }
            Outcome::FetchMetadataRefused { old_browser } => {
                RouteOutcome::DefenseRefused { defense: Defense::FetchMetadata, saw: DefenseSaw::CrossSite { old_browser: *old_browser } }
            }
            Outcome::JsonOnlyRefused => RouteOutcome::DefenseRefused { defense: Defense::JsonOnly, saw: DefenseSaw::PlainTextBody },
        }
    }
}

impl IntoResponseParts for Outcome {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        res.extensions_mut().insert(self);
        Ok(res)
    }
}

/// A lab route's refusal: the error the client gets and what the log says about it.
#[derive(Debug)]
pub struct Refused {
    pub outcome: Outcome,
    pub error: AppError,
}

impl Refused {
    /// Refused for the error's own reason, before anyone was authenticated.
    pub fn by(error: AppError) -> Refused {
        Refused { outcome: Outcome::Refused(error.code), error }
    }
}

impl From<AppError> for Refused {
    fn from(error: AppError) -> Refused {
        Refused::by(error)
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (self.outcome, self.error).into_response()
    }
}
