//! Reading the session cookie back from requests (its attributes are `shared::cookie`).

use axum::http::{HeaderMap, header};
pub use shared::cookie::{CookiePolicy, NAME, SameSite};

/// The first `sessionId` cookie of the request, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(NAME)?.strip_prefix('='))
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
