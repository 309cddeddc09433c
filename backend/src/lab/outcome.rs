//! What a lab route did with a request's credentials, as data. A route puts it on its response
//! (an `IntoResponseParts`); the lab layer takes it off again for the request log, which puts
//! it into words only when someone reads the log.

use std::fmt;

use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use shared::wire::{Amount, Email, ErrorCode};

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
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Authenticated(authed) => authed.fmt(f),
            Outcome::Refused(code) => write!(f, "refused: {code}"),
            Outcome::LoggedIn { user, session } => write!(f, "login ok: user {user} got new session {}…", session.prefix()),
            Outcome::LoggedOut => f.write_str("logout: session deleted"),
            Outcome::TokenIssued { user } => write!(f, "token issued to user {user}"),
            Outcome::Transferred { by, to, amount } => write!(f, "{by}; transferred {amount} to {to}"),
            Outcome::TransferRefused { by, code } => write!(f, "{by}; transfer refused: {code}"),
            Outcome::OriginRefused { origin } => write!(f, "refused by the Origin check ({origin}); the route did not run"),
            Outcome::FetchMetadataRefused { old_browser: false } => {
                f.write_str("refused by Fetch Metadata (Sec-Fetch-Site: another origin); the route did not run")
            }
            Outcome::FetchMetadataRefused { old_browser: true } => {
                f.write_str("refused by Fetch Metadata (no Sec-Fetch-Site, a foreign Origin); the route did not run")
            }
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
