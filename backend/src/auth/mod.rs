//! Who a request comes from: a bearer JWT or a session cookie (the bearer token decides
//! when both come), and the 401 that explains why not.

pub mod password;
pub mod throttle;

use axum::http::{HeaderMap, HeaderValue, header};
use headers::{Authorization, HeaderMapExt, authorization::Bearer};
use shared::{
    jwt,
    wire::{AuthKind, Authenticated, ErrorCode},
};

use crate::{
    clock::Millis,
    error::AppError,
    session_cookie::SessionCookie,
    sessions::{Lifetimes, Lookup, SessionId, SessionStore},
};
use password::DemoUser;

/// The credential a request carries.
#[derive(Debug, PartialEq, Eq)]
pub enum Credential {
    Bearer(String),
    /// A session cookie: one of our ids, or something else under that name.
    Session(SessionCookie),
    None,
}

/// Bearer beats cookie; the scheme matches case-insensitively (RFC 9110 §11.1). Another
/// scheme (Basic, …) is no bearer token, so the cookie is used if there is one.
pub fn credential(headers: &HeaderMap) -> Credential {
    if let Some(Authorization(bearer)) = headers.typed_get::<Authorization<Bearer>>() {
        return Credential::Bearer(bearer.token().trim().to_owned());
    }
    match SessionCookie::of(headers) {
        SessionCookie::Absent => Credential::None,
        cookie => Credential::Session(cookie),
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

impl Authed {
    /// Who it is, as the log's wire type carries it.
    pub fn to_wire(&self) -> Authenticated {
        Authenticated { user: self.user.id, email: self.user.email.to_owned(), by: self.kind, session: self.session.map(|id| id.prefix()) }
    }
}

/// What checking a credential needs, passed in: the JWT key, the session store, the
/// sessions' lifetimes and the time (the lab's `AuthUser` extractor takes them from the state).
pub struct Verifier<'a> {
    pub key: &'a jwt::Key,
    pub sessions: &'a dyn SessionStore,
    pub lifetimes: Lifetimes,
    /// The time to check expiry against.
    pub now_ms: Millis,
    /// Whether a bearer token with `"alg": "none"` and no signature is accepted (as
    /// `AuthKind::UnsignedJwt`): the lab's deliberately vulnerable `jwt_alg_none` setting.
    pub accept_unsigned: bool,
}

/// The request's credential, checked: who it names, or the 401 that says why not (503 when the
/// session store is unreachable).
pub async fn authenticate(verifier: Verifier<'_>, headers: &HeaderMap) -> Result<Authed, AppError> {
    match credential(headers) {
        Credential::None => Err(AppError::new(ErrorCode::NoCredentials, "Neither a session cookie nor a bearer token came with this request.")),
        Credential::Bearer(token) => {
            let now = (verifier.now_ms / 1000) as i64;
            let (verified, kind) = match jwt::verify_with(&token, verifier.key, now) {
                // The deliberate bug: a token `verify_with` refused for its `alg: none` is read
                // again without any signature, so anyone can write one for any user.
                Err(jwt::JwtError::UnsupportedAlg(alg)) if alg == "none" && verifier.accept_unsigned => {
                    (jwt::verify_unsigned(&token, now), AuthKind::UnsignedJwt)
                }
                verified => (verified, AuthKind::Jwt),
            };
            let claims = verified.map_err(|e| token_error(jwt_code(&e), capitalised(&e.to_string())))?;
            let user = claims.sub.parse::<u64>().ok().and_then(password::by_id).ok_or_else(|| {
                token_error(ErrorCode::UnknownUser, format!("The token's sub ({}) names no user of this server.", claims.sub))
            })?;
            Ok(Authed { user, kind, session: None })
        }
        Credential::Session(cookie) => {
            let unknown = || AppError::new(ErrorCode::UnknownSession, "No session with this id exists (never did, logged out or revoked).");
            let id = cookie.id().ok_or_else(unknown)?;
            match verifier.sessions.touch(id, verifier.now_ms, verifier.lifetimes).await.map_err(store_unavailable)? {
                Lookup::Found(session) => {
                    let user = password::by_id(session.user_id).ok_or_else(unknown)?;
                    Ok(Authed { user, kind: AuthKind::Session, session: Some(id) })
                }
                Lookup::Expired => Err(AppError::new(ErrorCode::ExpiredSession, "The session has expired; log in again.")),
                Lookup::Unknown => Err(unknown()),
            }
        }
    }
}

/// A refused bearer token: 401 with the challenge RFC 6750 §3 asks for.
fn token_error(code: ErrorCode, message: String) -> AppError {
    // A quoted-string may not hold `"` or `\`.
    let description = message.replace(['"', '\\'], "'");
    let challenge = HeaderValue::from_str(&format!("Bearer error=\"invalid_token\", error_description=\"{description}\""))
        .unwrap_or(HeaderValue::from_static("Bearer error=\"invalid_token\""));
    AppError::new(code, message).with_header(header::WWW_AUTHENTICATE, challenge)
}

fn jwt_code(error: &jwt::JwtError) -> ErrorCode {
    match error {
        jwt::JwtError::Malformed(_) => ErrorCode::MalformedToken,
        jwt::JwtError::UnsupportedAlg(_) => ErrorCode::UnsupportedAlg,
        jwt::JwtError::BadSignature => ErrorCode::BadSignature,
        jwt::JwtError::Expired { .. } => ErrorCode::ExpiredToken,
        jwt::JwtError::NotYetValid { .. } => ErrorCode::TokenNotYetValid,
    }
}

/// 503 for a store that cannot be reached; the details go to the server log only.
pub fn store_unavailable(e: crate::sessions::StoreError) -> AppError {
    tracing::warn!(error = %e, "session store unavailable");
    AppError::new(ErrorCode::StoreUnavailable, "The session store cannot be reached; try again shortly.")
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
    fn bearer_beats_cookie_and_schemes_are_case_insensitive() {
        let both = headers(&[("authorization", "bEaReR tok"), ("cookie", "sessionId=abc")]);
        assert_eq!(credential(&both), Credential::Bearer("tok".into()));
        let basic = headers(&[("authorization", "Basic eDp5"), ("cookie", "sessionId=abc")]);
        assert_eq!(credential(&basic), Credential::Session(SessionCookie::Foreign));
        assert_eq!(credential(&headers(&[("authorization", "Bearer  spaced ")])), Credential::Bearer("spaced".into()));
        assert_eq!(credential(&headers(&[("authorization", "Bearer")])), Credential::None, "a scheme without a token is none");
        assert_eq!(credential(&HeaderMap::new()), Credential::None);
    }
}
