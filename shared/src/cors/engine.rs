//! The browser engines the lab explains. They agree on the Fetch standard's CORS rules (the
//! differential tests hold each to `browser::evaluate_in`), but not on their words, their limits,
//! or their cookies; what differs is here, each figure pinned by an end-to-end test in that
//! engine (`tests/browser/`).

use serde::{Deserialize, Serialize};

use super::browser::{Block, CorsError};

/// A browser engine: Chromium (Chrome, Edge), Firefox (Gecko), WebKit (Safari).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    #[default]
    Chromium,
    Firefox,
    WebKit,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::WebKit];

    /// `chromium`, `firefox`, `webkit`: the name in data attributes and test output.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }

    /// The name a person knows it by.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Chromium => "Chromium (Chrome, Edge)",
            Engine::Firefox => "Firefox",
            Engine::WebKit => "WebKit (Safari)",
        }
    }

    pub fn parse(name: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.as_str().eq_ignore_ascii_case(name))
    }

    /// The engine behind a `navigator.userAgent`. Every engine's agent says "Mozilla" and
    /// Chromium's says "Safari" too, so the order of the checks matters.
    pub fn from_user_agent(agent: &str) -> Engine {
        if agent.contains("Firefox/") {
            Engine::Firefox
        } else if agent.contains("Chrome/") || agent.contains("Chromium/") || agent.contains("Edg/") {
            Engine::Chromium
        } else if agent.contains("AppleWebKit/") {
            Engine::WebKit
        } else {
            Engine::Chromium
        }
    }

    /// What a blocked `fetch` rejects with, as `String(error)`: all the page's code ever sees.
    pub fn type_error(self) -> &'static str {
        match self {
            Engine::Chromium => "TypeError: Failed to fetch",
            Engine::Firefox => "TypeError: NetworkError when attempting to fetch resource.",
            Engine::WebKit => "TypeError: Load failed",
        }
    }

    /// The longest time, in seconds, the engine keeps a preflight's answer, whatever
    /// `Access-Control-Max-Age` asks for. Cited from each engine's source, too long to wait
    /// for in a test: Chromium `services/network/cors/preflight_result.cc` (`kMaxTimeout`,
    /// 2 hours), Firefox `nsCORSListenerProxy.cpp` (24 hours), WebKit
    /// `Source/WebCore/loader/CrossOriginPreflightResultCache.cpp` (`maxPreflightCacheTimeout`).
    pub fn max_age_cap(self) -> u64 {
        match self {
            Engine::Chromium => 7200,
            Engine::Firefox => 86_400,
            Engine::WebKit => 600,
        }
    }

    /// `max_age_cap` in words: "2 hours".
    pub fn max_age_cap_words(self) -> &'static str {
        match self {
            Engine::Chromium => "2 hours",
            Engine::Firefox => "24 hours",
            Engine::WebKit => "10 minutes",
        }
    }
}

/// What an engine does with the session cookie's attributes on `http://localhost`, in the
/// settings the end-to-end tests run it with (each fact is asserted there, in that engine,
/// `tests/browser/csrf.rs`). Cookies sent to another site depend on the person's settings
/// too (third-party cookies), so the page measures that one live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CookieFacts {
    /// `SameSite=None` without `Secure` is kept (Chromium and Firefox drop it: None needs Secure).
    pub keeps_none_without_secure: bool,
    /// A `Secure` cookie set over `http://localhost` is kept (localhost counts as a secure context).
    pub keeps_secure_on_http_localhost: bool,
    /// A kept `SameSite=None` cookie goes along with a request from another site.
    pub sends_none_cross_site: bool,
}

impl Engine {
    pub fn cookie_facts(self) -> CookieFacts {
        match self {
            Engine::Chromium | Engine::Firefox => {
                CookieFacts { keeps_none_without_secure: false, keeps_secure_on_http_localhost: true, sends_none_cross_site: false }
            }
            Engine::WebKit => CookieFacts { keeps_none_without_secure: true, keeps_secure_on_http_localhost: false, sends_none_cross_site: true },
        }
    }
}

impl Engine {
    /// Whether the engine judges a request that a frame of another site makes to the top
    /// page's own site (A-B-A: the playground on localhost framing a page of 127.0.0.1 that
    /// fetches from localhost) by the top page alone, and so counts it as same-site: WebKit
    /// does, and sends even a `SameSite=Lax` cookie; Chromium and Firefox look at every frame
    /// on the way and send none. Measured by the playground's third-party probe, which is
    /// such a frame (`tests/browser/third_party.rs`).
    pub fn judges_frames_by_the_top_page(self) -> bool {
        self == Engine::WebKit
    }
}

impl Engine {
    /// The sentence this engine's console prints when it blocks a `fetch` of `url` from
    /// `origin` for `block`; `status` is the status of the answer that failed the check (the
    /// preflight's, or the request's). Chromium's and Firefox's are checked against their
    /// consoles by the differential end-to-end test, scenario by scenario; WebKit's driver
    /// shows no console, so its sentences follow WebKit's source.
    pub fn console_message(self, block: &Block, url: &str, origin: &str, status: u16) -> String {
        match self {
            Engine::Chromium => chromium_message(block, url, origin),
            Engine::Firefox => firefox_message(block, url, status),
            Engine::WebKit => webkit_message(block, url, origin),
        }
    }

    /// Which of the request headers a preflight's answer refused the engine names. The Fetch
    /// standard's list is sorted (`refused` is); Chromium names the others before
    /// `Authorization`, and the safelisted names whose value made them unsafe
    /// (`Content-Type: application/json`, say) last (seen in the differential test).
    pub fn first_refused_header(self, refused: &[String]) -> Option<&str> {
        let rank = |name: &str| match (self, name) {
            (Engine::Chromium, "authorization") => 1,
            (Engine::Chromium, "accept" | "accept-language" | "content-language" | "content-type" | "range") => 2,
            _ => 0,
        };
        refused.iter().min_by_key(|name| rank(name)).map(String::as_str)
    }

    /// Whether `Access-Control-Allow-Headers: *` lets `Authorization` through (without
    /// credentials). The Fetch standard says it never does; all three engines do anyway
    /// (Chromium 156, Firefox 153 ESR, WebKitGTK 2.50, seen in the differential test).
    pub fn wildcard_covers_authorization(self) -> bool {
        true
    }
}

fn chromium_message(block: &Block, url: &str, origin: &str) -> String {
    let detail = match &block.error {
        CorsError::MissingAllowOriginHeader => "No 'Access-Control-Allow-Origin' header is present on the requested resource.".to_owned(),
        CorsError::WildcardOriginNotAllowed => "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' \
             when the request's credentials mode is 'include'."
            .to_owned(),
        CorsError::MultipleAllowOriginValues { values } => {
            format!("The 'Access-Control-Allow-Origin' header contains multiple values '{values}', but only one is allowed.")
        }
        CorsError::AllowOriginMismatch { value } => {
            format!("The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to the supplied origin.")
        }
        CorsError::InvalidAllowCredentials { value } => format!(
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '{value}' which must be 'true' \
             when the request's credentials mode is 'include'."
        ),
        CorsError::InvalidStatus { .. } => "It does not have HTTP ok status.".to_owned(),
        CorsError::MethodDisallowedByPreflightResponse { method } => {
            return format!(
                "Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: Method {method} is not allowed by \
                 Access-Control-Allow-Methods in preflight response."
            );
        }
        CorsError::HeaderDisallowedByPreflightResponse { header } => {
            return format!(
                "Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: Request header field {header} is not \
                 allowed by Access-Control-Allow-Headers in preflight response."
            );
        }
    };
    let preflight = if block.preflight { "Response to preflight request doesn't pass access control check: " } else { "" };
    format!("Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: {preflight}{detail}")
}

fn firefox_message(block: &Block, url: &str, status: u16) -> String {
    let reason = match &block.error {
        CorsError::MissingAllowOriginHeader => "CORS header ‘Access-Control-Allow-Origin’ missing".to_owned(),
        CorsError::WildcardOriginNotAllowed => "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’".to_owned(),
        CorsError::MultipleAllowOriginValues { .. } => "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed".to_owned(),
        CorsError::AllowOriginMismatch { value } => format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{value}’"),
        CorsError::InvalidAllowCredentials { .. } => "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’".to_owned(),
        CorsError::InvalidStatus { .. } => "CORS preflight response did not succeed".to_owned(),
        CorsError::MethodDisallowedByPreflightResponse { .. } => "Did not find method in CORS header ‘Access-Control-Allow-Methods’".to_owned(),
        CorsError::HeaderDisallowedByPreflightResponse { header } => {
            format!("header ‘{header}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response")
        }
    };
    // Two of its reasons name the status too, and one quotes the URL.
    let status = match block.error {
        CorsError::MissingAllowOriginHeader | CorsError::InvalidStatus { .. } => format!(" Status code: {status}."),
        _ => String::new(),
    };
    let url = if block.error == CorsError::WildcardOriginNotAllowed { format!("‘{url}’") } else { url.to_owned() };
    format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: {reason}).{status}")
}

fn webkit_message(block: &Block, url: &str, origin: &str) -> String {
    let reason = match &block.error {
        CorsError::MissingAllowOriginHeader | CorsError::AllowOriginMismatch { .. } | CorsError::MultipleAllowOriginValues { .. } => {
            format!("Origin {origin} is not allowed by Access-Control-Allow-Origin.")
        }
        CorsError::WildcardOriginNotAllowed => "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.".to_owned(),
        CorsError::InvalidAllowCredentials { .. } => "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".".to_owned(),
        CorsError::InvalidStatus { status } => format!("Preflight response is not successful. Status code: {status}"),
        CorsError::MethodDisallowedByPreflightResponse { method } => format!("Method {method} is not allowed by Access-Control-Allow-Methods."),
        CorsError::HeaderDisallowedByPreflightResponse { header } => format!("Request header field {header} is not allowed by Access-Control-Allow-Headers."),
    };
    format!("{reason} Fetch API cannot load {url} due to access control checks.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_are_told_apart_by_their_user_agents() {
        let agents = [
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", Engine::Chromium),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0", Engine::Firefox),
            ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15", Engine::WebKit),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0", Engine::Chromium),
        ];
        for (agent, engine) in agents {
            assert_eq!(Engine::from_user_agent(agent), engine, "{agent}");
        }
        assert_eq!(Engine::parse("WebKit"), Some(Engine::WebKit));
        assert_eq!(Engine::parse("lynx"), None);
    }
}
