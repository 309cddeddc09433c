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
        Ok(match session_cookie(&parts.headers) {
            None => SessionCookie::Absent,
            Some(text) => SessionId::parse(text).map_or(SessionCookie::Foreign, SessionCookie::Ours),
        })
    }
}

/// The first `sessionId` cookie of the request, if any, without its optional quotes.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(::cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == NAME)
        .and_then(|c| c.value_raw())
        .map(|v| v.trim_matches('"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "theme=dark; sessionIdX=no".parse().unwrap());
        h.append(header::COOKIE, "a=1;sessionId=xyz; sessionId=second".parse().unwrap());
        assert_eq!(session_cookie(&h), Some("xyz"));
        assert_eq!(session_cookie(&HeaderMap::new()), None);
    }
}
