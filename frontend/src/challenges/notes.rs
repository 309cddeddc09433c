//! What the page adds under a challenge's goal, from data the catalogue does not have: the
//! engine the person runs (`shared::cors::Engine`), what the third-party cookie probe
//! measured in this browser, and the word list the crack-the-secret challenge picks from.

use shared::{
    challenge::{self, ChallengeId},
    cookie::SameSite,
    cors::Engine,
};

use crate::engines;

/// A note a challenge needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    /// The preflight cache: how long this engine keeps a preflight's answer at most.
    PreflightCache,
    /// The person's own browser may keep the cookie from going to another site.
    ThirdPartyCookies,
    /// The words the secret is picked from (`shared::challenge::SECRET_WORDS`).
    SecretWords,
}

/// The notes under `id`'s goal.
pub fn notes(id: ChallengeId) -> &'static [Note] {
    match id {
        ChallengeId::OnePreflight => &[Note::PreflightCache],
        // Each needs a cookie to go with a request from another site (or a sandboxed frame).
        ChallengeId::MoveTheMoney | ChallengeId::TrustedNull | ChallengeId::TheTokenThatStopsIt => &[Note::ThirdPartyCookies],
        ChallengeId::CrackTheSecret => &[Note::SecretWords],
        _ => &[],
    }
}

/// When `id` starts with a `Secure` session cookie that `engine` drops on `http://localhost`:
/// what to switch so the victim's login sticks at all. From the catalogue's setup and the
/// engine's cookie facts.
pub fn secure_cookie(id: ChallengeId, engine: Engine, page_origin: &str) -> Option<String> {
    let facts = engine.cookie_facts();
    let cookie = challenge::setup(id, page_origin).cookie;
    if !cookie.secure || facts.keeps_secure_on_http_localhost {
        return None;
    }
    let label = engine.label();
    let keeps = if facts.keeps_none_without_secure { format!(" ({label} keeps SameSite={} without it)", cookie.same_site.as_str()) } else { String::new() };
    Some(format!(
        "This challenge starts with the session cookie SameSite={}; Secure, and {label} drops a Secure cookie set over http://localhost: \
         no login would stick. Switch Secure off in the cookie settings{keeps}, then log in.",
        cookie.same_site.as_str()
    ))
}

/// The preflight cache in `engine`, with the caps of the others.
pub fn preflight_cache(engine: Engine) -> String {
    engines::max_age_note(engine)
}

/// Third-party cookies: what the probe measured (`measured`: the `SameSite` in force then,
/// and whether the session cookie went), or that it has not run.
pub fn third_party(engine: Engine, measured: Option<(SameSite, bool)>) -> String {
    match measured {
        None => "This challenge needs the session cookie to go with a request from another site. Your browser's own settings may block \
                 third-party cookies, whatever SameSite says: the third-party cookie probe in 5 (the other site) measures it."
            .to_owned(),
        Some((same_site, sent)) => format!("The third-party cookie probe measured this browser: {}", engines::third_party_result(engine, sent, same_site)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notes_come_with_the_challenges_that_need_them() {
        assert_eq!(notes(ChallengeId::OnePreflight), [Note::PreflightCache]);
        assert_eq!(notes(ChallengeId::CrackTheSecret), [Note::SecretWords]);
        for id in [ChallengeId::MoveTheMoney, ChallengeId::TrustedNull, ChallengeId::TheTokenThatStopsIt] {
            assert_eq!(notes(id), [Note::ThirdPartyCookies], "{id:?}");
        }
        assert!(notes(ChallengeId::CredentialsAndWildcard).is_empty());
    }

    #[test]
    fn only_an_engine_that_drops_secure_cookies_on_localhost_is_told_to_switch_secure_off() {
        let page = "http://localhost:8080";
        for engine in Engine::ALL {
            let told = secure_cookie(ChallengeId::MoveTheMoney, engine, page).is_some();
            assert_eq!(told, !engine.cookie_facts().keeps_secure_on_http_localhost, "{engine:?}");
            assert_eq!(secure_cookie(ChallengeId::CredentialsAndWildcard, engine, page), None, "not Secure at its start");
        }
    }

    #[test]
    fn the_preflight_cache_note_names_this_engines_cap() {
        for engine in Engine::ALL {
            assert!(preflight_cache(engine).contains(engine.max_age_cap_words()), "{engine:?}");
        }
    }

    #[test]
    fn a_measured_probe_is_told_and_an_unmeasured_one_is_pointed_to() {
        assert!(third_party(Engine::Chromium, None).contains("probe"));
        let measured = third_party(Engine::Firefox, Some((SameSite::None, true)));
        assert!(measured.ends_with(&engines::third_party_result(Engine::Firefox, true, SameSite::None)));
    }
}
