//! The session cookie's attributes: a lab setting both sides know.

use serde::{Deserialize, Serialize};

pub const NAME: &str = "sessionId";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SameSite {
    Lax,
    Strict,
    None,
}

impl SameSite {
    pub const ALL: [SameSite; 3] = [SameSite::Lax, SameSite::Strict, SameSite::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lax => "Lax",
            Self::Strict => "Strict",
            Self::None => "None",
        }
    }
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
        cookie.push_str(self.same_site.as_str());
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
    fn policy_json_is_strict() {
        assert!(serde_json::from_str::<CookiePolicy>(r#"{"same_site":"Lax","secure":false,"http_only":true}"#).is_ok());
        assert!(serde_json::from_str::<CookiePolicy>(r#"{"same_site":"lax","secure":false,"http_only":true}"#).is_err());
        assert!(serde_json::from_str::<CookiePolicy>(r#"{"same_site":"Lax","secure":false}"#).is_err());
        assert!(serde_json::from_str::<CookiePolicy>(r#"{"same_site":"Lax","secure":false,"http_only":true,"x":1}"#).is_err());
    }
}
