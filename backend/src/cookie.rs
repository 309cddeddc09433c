//! The session cookie: its attributes (a lab setting) and reading it back from requests.

use axum::http::{HeaderMap, header};
use serde::{Deserialize, Serialize};

pub const NAME: &str = "sessionId";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SameSite {
    Lax,
    Strict,
    None,
}

/// `GET/PUT /control/cookie`. `SameSite=None` without `Secure` is accepted on purpose: the
/// lab shows what the browser then does with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CookiePolicy {
    pub same_site: SameSite,
    pub secure: bool,
    pub http_only: bool,
}

impl Default for CookiePolicy {
    fn default() -> Self {
        CookiePolicy { same_site: SameSite::Lax, secure: false, http_only: true }
    }
}

impl CookiePolicy {
    /// `Set-Cookie` for a new session. No `Domain`: the cookie stays with the exact host.
    pub fn set(&self, value: &str, max_age_secs: u64) -> String {
        let mut cookie = format!("{NAME}={value}");
        if self.http_only {
            cookie.push_str("; HttpOnly");
        }
        cookie.push_str("; Path=/; SameSite=");
        cookie.push_str(match self.same_site {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
            SameSite::None => "None",
        });
        cookie.push_str(&format!("; Max-Age={max_age_secs}"));
        if self.secure {
            cookie.push_str("; Secure");
        }
        cookie
    }

    /// `Set-Cookie` that makes the browser drop the cookie.
    pub fn clear(&self) -> String {
        self.set("", 0)
    }
}

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
    fn attributes_follow_the_policy() {
        assert_eq!(CookiePolicy::default().set("abc", 1800), "sessionId=abc; HttpOnly; Path=/; SameSite=Lax; Max-Age=1800");
        let p = CookiePolicy { same_site: SameSite::None, secure: true, http_only: false };
        assert_eq!(p.set("abc", 5), "sessionId=abc; Path=/; SameSite=None; Max-Age=5; Secure");
        assert!(p.clear().contains("sessionId=;") && p.clear().contains("Max-Age=0"));
    }

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "theme=dark; sessionIdX=no".parse().unwrap());
        h.append(header::COOKIE, "a=1;sessionId=xyz; sessionId=second".parse().unwrap());
        assert_eq!(session_cookie(&h), Some("xyz"));
        assert_eq!(session_cookie(&HeaderMap::new()), None);
    }

    #[test]
    fn policy_json_is_strict() {
        assert!(serde_json::from_str::<CookiePolicy>(r#"{"same_site":"Lax","secure":false,"http_only":true}"#).is_ok());
        assert!(serde_json::from_str::<CookiePolicy>(r#"{"same_site":"lax","secure":false,"http_only":true}"#).is_err());
        assert!(serde_json::from_str::<CookiePolicy>(r#"{"same_site":"Lax","secure":false}"#).is_err());
        assert!(serde_json::from_str::<CookiePolicy>(r#"{"same_site":"Lax","secure":false,"http_only":true,"x":1}"#).is_err());
    }
}
