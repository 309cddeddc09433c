//! Reading the session cookie back from requests (its attributes are `shared::cookie`).

use std::convert::Infallible;

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, header, request::Parts},
};
pub use shared::cookie::{CookiePolicy, NAME, SameSite};

use crate::sessions::SessionId;

/// The extractor for routes that look at the session cookie without authenticating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionCookie {
    Absent,
    /// A `sessionId` cookie that is no id of ours (wrong length or alphabet).
    Foreign,
    Ours(SessionId),
}

impl SessionCookie {
    pub fn came(self) -> bool {
        self != SessionCookie::Absent
    }

    pub fn id(self) -> Option<SessionId> {
        match self {
            SessionCookie::Ours(id) => Some(id),
            _ => None,
        }
    }
}

impl<S: Sync> FromRequestParts<S> for SessionCookie {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(SessionCookie::of(&parts.headers))
    }
}

impl SessionCookie {
    /// The request's first `sessionId` cookie, without its optional quotes. (A plain split:
    /// the `cookie` crate and `headers::Cookie` parse every pair in full, several times the
    /// cost of the rest of the authentication, on every lab request; README, Benchmarks.)
    pub fn of(headers: &HeaderMap) -> SessionCookie {
        let value = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| pair.trim().strip_prefix(NAME)?.strip_prefix('='));
        match value {
            None => SessionCookie::Absent,
            Some(value) => SessionId::parse(value.trim_matches('"')).map_or(SessionCookie::Foreign, SessionCookie::Ours),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let id = SessionId::random().unwrap();
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "theme=dark; sessionIdX=no".parse().unwrap());
        h.append(header::COOKIE, format!("a=1;sessionId=\"{}\"; sessionId=second", id.encode()).parse().unwrap());
        assert_eq!(SessionCookie::of(&h), SessionCookie::Ours(id));
        let mut foreign = HeaderMap::new();
        foreign.insert(header::COOKIE, "sessionId=xyz".parse().unwrap());
        assert_eq!(SessionCookie::of(&foreign), SessionCookie::Foreign);
        assert_eq!(SessionCookie::of(&HeaderMap::new()), SessionCookie::Absent);
    }
}
