//! Named CORS policies, each with the one thing it teaches. A preset that stands for a
//! library answers a preflight it refuses as that library does (`refused_preflight`:
//! `headers` for express `cors()`); the others answer as rs/cors-like strict servers do
//! (`forbidden`, the lab's default).

use shared::cors::{AllowOrigin, CorsPolicy, RefusedPreflight};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Secure,
    MiniCors,
    ExpressDefaults,
    ReflectCredentials,
    TrustNull,
    StarWithCredentials,
    ForgotAuthorization,
    Off,
}

impl Preset {
    pub const ALL: [Preset; 8] = [
        Preset::Secure,
        Preset::MiniCors,
        Preset::ExpressDefaults,
        Preset::ReflectCredentials,
        Preset::TrustNull,
        Preset::StarWithCredentials,
        Preset::ForgotAuthorization,
        Preset::Off,
    ];

    /// Stable name, used in element ids and shared URLs.
    pub fn id(self) -> &'static str {
        match self {
            Self::Secure => "secure",
            Self::MiniCors => "mini-cors",
            Self::ExpressDefaults => "express-defaults",
            Self::ReflectCredentials => "reflect-credentials",
            Self::TrustNull => "trust-null",
            Self::StarWithCredentials => "star-credentials",
            Self::ForgotAuthorization => "forgot-authorization",
            Self::Off => "off",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Secure => "Exact origin + credentials",
            Self::MiniCors => "Any origin, no credentials",
            Self::ExpressDefaults => "express cors() defaults",
            Self::ReflectCredentials => "Reflect any origin + credentials (VULNERABLE)",
            Self::TrustNull => "Trust null (VULNERABLE)",
            Self::StarWithCredentials => "* with credentials",
            Self::ForgotAuthorization => "Forgot Authorization",
            Self::Off => "CORS off",
        }
    }

    pub fn lesson(self) -> &'static str {
        match self {
            Self::Secure => "Only this page's origin may read answers, cookies included. The safe default.",
            Self::MiniCors => "Fine for public data, useless for a logged-in user: no answer to a request with a cookie or token is readable.",
            Self::ExpressDefaults => {
                "cors() with no options: origin *, common methods, every requested header, no credentials. Like cors(), it answers a preflight it \
                 does not allow with 204 and its headers, and the browser refuses."
            }
            Self::ReflectCredentials => "Echoing the Origin back with credentials lets every website read your users' data. A lab setting only.",
            Self::TrustNull => "Origin: null comes from sandboxed iframes and files of any site; trusting it trusts everyone.",
            Self::StarWithCredentials => "The server sends * and Allow-Credentials: true; the browser refuses every credentialed request.",
            Self::ForgotAuthorization => "Bearer tokens need Authorization in Allow-Headers; without it the preflight fails.",
            Self::Off => "No CORS headers at all: requests still reach the server, but the browser hides every answer.",
        }
    }

    /// The policy for a page served from `origin`.
    pub fn policy(self, origin: &str) -> CorsPolicy {
        let secure = CorsPolicy::secure_default(origin);
        let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        match self {
            Self::Secure => secure,
            Self::MiniCors => CorsPolicy {
                allow_origin: AllowOrigin::Any,
                allow_credentials: false,
                allow_methods: strings(&["GET", "POST", "PUT", "DELETE"]),
                allow_headers: strings(&["Content-Type"]),
                ..secure
            },
            Self::ExpressDefaults => CorsPolicy {
                allow_origin: AllowOrigin::Any,
                allow_credentials: false,
                allow_methods: strings(&["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"]),
                // express reflects Access-Control-Request-Headers; `*` is the nearest here.
                allow_headers: strings(&["*"]),
                // cors() answers every preflight itself, with its headers.
                refused_preflight: RefusedPreflight::Headers,
                ..secure
            },
            Self::ReflectCredentials => CorsPolicy {
                allow_origin: AllowOrigin::Reflect,
                allow_methods: strings(&["GET", "POST", "PUT", "DELETE"]),
                ..secure
            },
            Self::TrustNull => CorsPolicy {
                allow_origin: AllowOrigin::List { origins: vec![origin.to_owned(), "null".to_owned()] },
                ..secure
            },
            Self::StarWithCredentials => CorsPolicy { allow_origin: AllowOrigin::Any, ..secure },
            Self::ForgotAuthorization => CorsPolicy { allow_headers: strings(&["Content-Type"]), ..secure },
            Self::Off => CorsPolicy::off(origin),
        }
    }

    pub fn from_id(id: &str) -> Option<Preset> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The preset that `policy` is exactly, if any.
    pub fn matching(policy: &CorsPolicy, origin: &str) -> Option<Preset> {
        Self::ALL.into_iter().find(|p| &p.policy(origin) == policy)
    }
}

#[cfg(test)]
mod tests {
    use shared::cors::{
        engine::Engine,
        policy::{Severity, warnings_in},
    };

    use super::*;

    const PAGE: &str = "http://localhost:8080";

    #[test]
    fn every_preset_is_valid_and_recognised() {
        for preset in Preset::ALL {
            let policy = preset.policy(PAGE);
            assert_eq!(policy.validate(), Ok(()), "{preset:?}");
            assert_eq!(Preset::matching(&policy, PAGE), Some(preset));
            assert_eq!(Preset::from_id(preset.id()), Some(preset));
        }
    }

    #[test]
    fn vulnerable_presets_are_labelled_and_warned_about() {
        for preset in [Preset::ReflectCredentials, Preset::TrustNull] {
            assert!(preset.label().contains("VULNERABLE"));
            assert!(warnings_in(&preset.policy(PAGE), Engine::Chromium).iter().any(|(s, _)| *s == Severity::Vulnerable), "{preset:?}");
        }
        assert!(warnings_in(&Preset::StarWithCredentials.policy(PAGE), Engine::Chromium).iter().any(|(s, _)| *s == Severity::Refused));
    }
}
