//! The CSRF token defense (the synchronizer token pattern, stateless): a session's token is
//! HMAC-SHA256 of its id under a key of this process, so nothing is stored and a token from
//! one session is worth nothing in another. `GET /api/csrf-token` hands it out (`routes::api`);
//! while the defense is on, `CsrfChecked` asks every transfer for it in `X-CSRF-Token`. Another
//! origin cannot read the token as long as the CORS policy keeps it from reading the lab's
//! answers, so its forged transfer cannot carry it.

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, request::Parts},
};
use shared::wire::{CSRF_TOKEN_HEADER, ErrorCode};

use super::{AuthUser, Refused, Snapshot};
use crate::{auth::Authed, error::AppError, request_log::RouteReport, sessions::CsrfKey, state::AppState};


/// Why a transfer was refused by the defense: the log tells the two apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    Missing,
    Wrong,
}

/// The defense's check of a request `by` someone, whatever the setting (the caller asks that).
/// Only session-authenticated requests are checked: a forged request rides on the cookie the
/// browser adds by itself, while a bearer token goes only where a script puts it, so a request
/// that carries one is no forgery.
pub fn check(key: &CsrfKey, by: &Authed, headers: &HeaderMap) -> Result<(), Mismatch> {
    let Some(session) = by.session else { return Ok(()) };
    match headers.get(CSRF_TOKEN_HEADER) {
        None => Err(Mismatch::Missing),
        Some(given) if key.matches(session, given.as_bytes()) => Ok(()),
        Some(_) => Err(Mismatch::Wrong),
    }
}

/// The extractor of routes that move money: the request's user (`AuthUser`), and while the CSRF
/// token defense is on in this request's snapshot, a session's request must carry its session's
/// `X-CSRF-Token`, else 403 `csrf_token_refused` before the route runs.
pub struct CsrfChecked(pub Authed);

impl FromRequestParts<AppState> for CsrfChecked {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refused> {
        let AuthUser(by) = AuthUser::from_request_parts(parts, state).await?;
        let Ok(Snapshot(settings)) = Snapshot::from_request_parts(parts, state).await;
        if !settings.defenses.csrf_token {
            return Ok(CsrfChecked(by));
        }
        check(state.lab().csrf_key(), &by, &parts.headers).map(|()| CsrfChecked(by)).map_err(|mismatch| {
            let why = match mismatch {
                Mismatch::Missing => "it carried no X-CSRF-Token (GET /api/csrf-token gives the session's)",
                Mismatch::Wrong => "its X-CSRF-Token is not this session's token",
            };
            let error = AppError::new(ErrorCode::CsrfTokenRefused, format!("The CSRF token defense refused this transfer: {why}."));
            Refused { report: RouteReport::CsrfTokenRefused { missing: mismatch == Mismatch::Missing }, error }
        })
    }
}

#[cfg(test)]
mod tests {
    use shared::wire::AuthKind;

    use super::*;
    use crate::sessions::SessionId;
    use crate::auth::password;

    fn session() -> SessionId {
        SessionId::random().unwrap()
    }

    #[test]
    fn a_token_is_the_sessions_own_under_its_key() {
        let key = CsrfKey::new(&[7; 32]);
        let (a, b) = (session(), session());
        let token = key.token(a);
        assert_eq!(token.len(), 43, "32 bytes of base64url: {token}");
        assert_eq!(key.token(a), token, "stable: nothing to store");
        assert!(key.matches(a, token.as_bytes()));
        assert!(!key.matches(b, token.as_bytes()), "another session's token");
        assert!(!CsrfKey::new(&[8; 32]).matches(a, token.as_bytes()), "another key's");
        assert!(!key.matches(a, &token.as_bytes()[..42]) && !key.matches(a, b""));
        assert!(!token.contains(&a.encode()), "the token does not give the session id away");
    }

    #[test]
    fn only_session_requests_are_checked() {
        let key = CsrfKey::new(&[7; 32]);
        let user = password::by_id(1).unwrap();
        let id = session();
        let by_session = Authed { user, kind: AuthKind::Session, session: Some(id) };
        let with = |token: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(CSRF_TOKEN_HEADER, token.parse().unwrap());
            headers
        };
        assert_eq!(check(&key, &by_session, &HeaderMap::new()), Err(Mismatch::Missing));
        assert_eq!(check(&key, &by_session, &with("nope")), Err(Mismatch::Wrong));
        assert_eq!(check(&key, &by_session, &with(&key.token(id))), Ok(()));
        let by_bearer = Authed { user, kind: AuthKind::Jwt, session: None };
        assert_eq!(check(&key, &by_bearer, &HeaderMap::new()), Ok(()), "a bearer token never goes by itself");
    }
}
