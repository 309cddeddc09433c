//! The browser engines the lab explains. They agree on the Fetch standard's CORS rules (the
//! differential tests hold each to `browser::evaluate_in`), but not on their words, their limits,
//! or their cookies; what differs is here, each figure pinned by an end-to-end test in that
//! engine (`tests/browser/`).

use serde::{Deserialize, Serialize};


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
