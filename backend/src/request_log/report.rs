//! What a lab route (or a defense before it) did with a request, as the route reports it: a
//! route puts its `RouteReport` on its response (an `IntoResponseParts`); the lab layer takes
//! it off again for the request log. The report keeps the server's own values (the user, the
//! whole session id) so making it costs little; it becomes `shared::wire::RouteOutcome`, the
//! log's outcome on the wire, only when someone reads the log, and the page words that.

use axum::response::{IntoResponseParts, ResponseParts};
use shared::wire::{Amount, Defense, DefenseSaw, Email, ErrorCode, RouteOutcome};

use crate::{auth::Authed, sessions::SessionId};

/// The server's side of `shared::wire::RouteOutcome`.
#[derive(Clone, Debug)]
pub enum RouteReport {
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
    /// The Origin check (a CSRF defense) stopped the request before its route.
    OriginRefused { origin: String },
    /// The Fetch Metadata defense stopped it: `Sec-Fetch-Site` named another origin, or (an
    /// old browser, a script) it was missing and `Origin` was foreign.
    FetchMetadataRefused { old_browser: bool },
    /// "JSON only" refused a `text/plain` body that the lab takes otherwise.
    JsonOnlyRefused,
    /// The CSRF token defense refused a session's transfer: no `X-CSRF-Token` came (`missing`),
    /// or one that is not the session's.
    CsrfTokenRefused { missing: bool },
}

impl RouteReport {
    /// The outcome as the wire carries it.
    pub fn to_wire(&self) -> RouteOutcome {
        match self {
            RouteReport::Authenticated(authed) => RouteOutcome::Authenticated { who: authed.to_wire() },
            RouteReport::Refused(code) => RouteOutcome::Refused { code: *code },
            RouteReport::LoggedIn { user, session } => RouteOutcome::LoggedIn { user: *user, session: session.prefix() },
            RouteReport::LoggedOut => RouteOutcome::LoggedOut,
            RouteReport::TokenIssued { user } => RouteOutcome::TokenIssued { user: *user },
            RouteReport::Transferred { by, to, amount } => {
                RouteOutcome::Transferred { by: by.to_wire(), to: to.as_str().to_owned(), amount: amount.get() }
            }
            RouteReport::TransferRefused { by, code } => RouteOutcome::TransferRefused { by: by.to_wire(), code: *code },
            RouteReport::OriginRefused { origin } => {
                RouteOutcome::DefenseRefused { defense: Defense::OriginCheck, saw: DefenseSaw::ForeignOrigin { origin: origin.clone() } }
            }
            RouteReport::FetchMetadataRefused { old_browser } => {
                RouteOutcome::DefenseRefused { defense: Defense::FetchMetadata, saw: DefenseSaw::CrossSite { old_browser: *old_browser } }
            }
            RouteReport::JsonOnlyRefused => RouteOutcome::DefenseRefused { defense: Defense::JsonOnly, saw: DefenseSaw::PlainTextBody },
            RouteReport::CsrfTokenRefused { missing } => RouteOutcome::DefenseRefused {
                defense: Defense::CsrfToken,
                saw: if *missing { DefenseSaw::MissingCsrfToken } else { DefenseSaw::WrongCsrfToken },
            },
        }
    }
}

impl IntoResponseParts for RouteReport {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        res.extensions_mut().insert(self);
        Ok(res)
    }
}

#[cfg(test)]
mod tests {
    use shared::wire::{AuthKind, Authenticated};

    use super::*;
    use crate::auth::password;

    #[test]
    fn the_log_says_who_and_how() {
        let user = password::by_id(1).unwrap();
        let session = SessionId::parse("AAECAwQFBgcICQoLDA0ODw");
        assert!(session.is_some());
        let by_session = Authed { user, kind: AuthKind::Session, session };
        let who = |by, session: Option<&str>| Authenticated { user: 1, email: "a@b.com".into(), by, session: session.map(str::to_owned) };
        assert_eq!(RouteReport::Authenticated(by_session).to_wire(), RouteOutcome::Authenticated { who: who(AuthKind::Session, Some("AAECAwQF")) });
        assert_eq!(Authed { user, kind: AuthKind::Jwt, session: None }.to_wire(), who(AuthKind::Jwt, None));
        assert_eq!(RouteReport::Refused(ErrorCode::ExpiredSession).to_wire(), RouteOutcome::Refused { code: ErrorCode::ExpiredSession });
    }
}
