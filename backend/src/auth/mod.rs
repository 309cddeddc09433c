//! Who a request comes from: a bearer JWT or a session cookie (the bearer token decides
//! when both come), and the 401 that explains why not.

pub mod password;
pub mod throttle;

use std::fmt;

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use shared::{jwt, wire::AuthKind};

use crate::{
    clock::now_ms,
    cookie,
    error::AppError,
    request_log::{Answer, AuthNote},
    sessions::{Lookup, SessionId},
    state::AppState,
};
use password::DemoUser;

/// The credential a request carries.
#[derive(Debug, PartialEq, Eq)]
pub enum Credential<'a> {
    Bearer(&'a str),
    Session(&'a str),
    None,
}

/// Bearer beats cookie; the scheme matches case-insensitively (RFC 9110 §11.1). Another
/// scheme (Basic, …) is no bearer token, so the cookie is used if there is one.
pub fn credential(headers: &HeaderMap) -> Credential<'_> {
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| {
        let (scheme, token) = v.trim().split_once(' ').unwrap_or((v.trim(), ""));
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    });
    match (bearer, cookie::session_cookie(headers)) {
        (Some(token), _) => Credential::Bearer(token),
        (None, Some(id)) => Credential::Session(id),
        (None, None) => Credential::None,
    }
}

/// An authenticated request: plain data (no text, no copies), so it costs nothing to log.
#[derive(Clone, Copy, Debug)]
pub struct Authed {
    pub user: &'static DemoUser,
    pub kind: AuthKind,
    /// The session, when it was a cookie.
    pub session: Option<SessionId>,
}

/// The log's words for it (built when the log is read).
impl fmt::Display for Authed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (user, email) = (self.user.id, self.user.email);
        match (self.kind, self.session) {
            (AuthKind::Jwt, _) => write!(f, "ok: user {user} ({email}) by valid JWT"),
            (AuthKind::Session, Some(id)) => write!(f, "ok: user {user} ({email}) by session {}…", id.prefix()),
            (AuthKind::Session, None) => write!(f, "ok: user {user} ({email}) by session"),
        }
    }
}

/// Why a request is not authenticated: a 401 (with `WWW-Authenticate` for a bad token,
/// RFC 6750 §3), or 503 when the session store is unreachable.
#[derive(Debug)]
pub struct AuthError {
    pub error: AppError,
    bearer_error: bool,
}

impl AuthError {
    fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        AuthError { error: AppError::unauthorized(code, message), bearer_error: false }
    }

    fn token(code: &'static str, message: String) -> Self {
        AuthError { error: AppError::unauthorized(code, message), bearer_error: true }
    }
}

impl From<AppError> for AuthError {
    fn from(error: AppError) -> Self {
        AuthError { error, bearer_error: false }
    }
}

impl From<AuthError> for Answer {
    fn from(refused: AuthError) -> Answer {
        let code = refused.error.code;
        Answer::new(refused, AuthNote::Refused(code))
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        // A quoted-string may not hold `"` or `\`.
        let challenge = self.bearer_error.then(|| {
            let description = self.error.message.replace(['"', '\\'], "'");
            HeaderValue::from_str(&format!("Bearer error=\"invalid_token\", error_description=\"{description}\"")).ok()
        });
        let mut response = self.error.into_response();
        if let Some(value) = challenge.flatten() {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Authed, AuthError> {
    match credential(headers) {
        Credential::None => Err(AuthError::unauthorized(
            "no_credentials",
            "Neither a session cookie nor a bearer token came with this request.",
        )),
        Credential::Bearer(token) => {
            let now = (now_ms() / 1000) as i64;
            let claims = jwt::verify_with(token, &state.jwt().key, now).map_err(|e| AuthError::token(e.code(), capitalised(&e.to_string())))?;
            let user = claims.sub.parse::<u64>().ok().and_then(password::by_id).ok_or_else(|| {
                AuthError::token("unknown_user", format!("The token's sub ({}) names no user of this server.", claims.sub))
            })?;
            Ok(Authed { user, kind: AuthKind::Jwt, session: None })
        }
        Credential::Session(text) => {
            let unknown = || AuthError::unauthorized("unknown_session", "No session with this id exists (never did, logged out or revoked).");
            let id = SessionId::parse(text).ok_or_else(unknown)?;
            match state.sessions().touch(id, now_ms(), state.lifetimes()).await.map_err(store_unavailable)? {
                Lookup::Found(session) => {
                    let user = password::by_id(session.user_id).ok_or_else(unknown)?;
                    Ok(Authed { user, kind: AuthKind::Session, session: Some(id) })
                }
                Lookup::Expired => Err(AuthError::unauthorized("expired_session", "The session has expired; log in again.")),
                Lookup::Unknown => Err(unknown()),
            }
        }
    }
}

/// 503 for a store that cannot be reached; the details go to the server log only.
pub fn store_unavailable(e: crate::sessions::StoreError) -> AppError {
    tracing::warn!(error = %e, "session store unavailable");
    AppError::new(StatusCode::SERVICE_UNAVAILABLE, "store_unavailable", "The session store cannot be reached; try again shortly.")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect::<String>() + ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.append(*n, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_log_says_who_and_how() {
        let user = password::by_id(1).unwrap();
        let session = SessionId::parse("AAECAwQFBgcICQoLDA0ODw");
        assert!(session.is_some());
        let by_session = Authed { user, kind: AuthKind::Session, session };
        assert_eq!(AuthNote::Ok(by_session).to_string(), "ok: user 1 (a@b.com) by session AAECAwQF…");
        assert_eq!(Authed { user, kind: AuthKind::Jwt, session: None }.to_string(), "ok: user 1 (a@b.com) by valid JWT");
        assert_eq!(AuthNote::Refused("expired_session").to_string(), "refused: expired_session");
    }

    #[test]
    fn bearer_beats_cookie_and_schemes_are_case_insensitive() {
        let both = headers(&[("authorization", "bEaReR tok"), ("cookie", "sessionId=abc")]);
        assert_eq!(credential(&both), Credential::Bearer("tok"));
        let basic = headers(&[("authorization", "Basic eDp5"), ("cookie", "sessionId=abc")]);
        assert_eq!(credential(&basic), Credential::Session("abc"));
        assert_eq!(credential(&headers(&[("authorization", "Bearer")])), Credential::Bearer(""));
        assert_eq!(credential(&HeaderMap::new()), Credential::None);
    }
}
