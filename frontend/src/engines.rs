//! What the page says that depends on the engine it runs in: the facts come from
//! `shared::cors::Engine` (each pinned by an end-to-end test in that engine), the words are
//! here. Where a lesson holds in some engines only, the words say so.

use shared::{
    cookie::SameSite,
    cors::{Engine, engine::CookieFacts},
};

/// Where the engine's developer tools show a blocked request.
pub fn devtools(engine: Engine) -> &'static str {
    match engine {
        Engine::Chromium => "In DevTools' Network panel the request is marked as a CORS error; the console says why (below).",
        Engine::Firefox => "In Firefox DevTools' Network Monitor the request's Transferred column names the CORS failure; the console says why (below).",
        Engine::WebKit => "In Web Inspector (Safari's DevTools) the console says the request was refused by access control checks, and why (below).",
    }
}

/// How long `engine` keeps a preflight's answer, beside the other engines' caps.
pub fn max_age_note(engine: Engine) -> String {
    let others: Vec<String> = Engine::ALL
        .into_iter()
        .filter(|e| *e != engine)
        .map(|e| format!("{} {}", e.label(), e.max_age_cap_words()))
        .collect();
    format!(
        "{} keeps a preflight's answer for its Access-Control-Max-Age, at most {}; without the header, 5 s. The cap differs between engines: {}.",
        engine.label(),
        engine.max_age_cap_words(),
        others.join(", ")
    )
}

/// An engine's cookie facts, as a clause.
fn cookie_facts_words(facts: CookieFacts) -> String {
    let without = if facts.keeps_none_without_secure { "SameSite=None without Secure is kept" } else { "SameSite=None without Secure is dropped at login (None needs Secure)" };
    let secure = if facts.keeps_secure_on_http_localhost {
        "a Secure cookie set over http://localhost is kept (a secure context)"
    } else {
        "a Secure cookie is refused over http, even on localhost"
    };
    let cross = if facts.sends_none_cross_site {
        "a kept SameSite=None cookie goes with requests from another site, so the attack from 127.0.0.1 works"
    } else {
        "a SameSite=None cookie does not go with requests from another site (a third-party cookie)"
    };
    format!("{without}; {secure}; {cross}")
}

/// What `SameSite=None` does in `engine`, and in the engines where it differs: the lesson
/// does not hold everywhere.
pub fn same_site_none(engine: Engine) -> String {
    let facts = engine.cookie_facts();
    let differ: Vec<Engine> = Engine::ALL.into_iter().filter(|e| e.cookie_facts() != facts).collect();
    let elsewhere = match differ.first() {
        None => String::new(),
        Some(other) => {
            let names: Vec<&str> = differ.iter().map(|e| e.label()).collect();
            format!(" Not so in {}: there {}.", names.join(" and "), cookie_facts_words(other.cookie_facts()))
        }
    };
    format!(
        "SameSite=None on http://localhost, in {} (the lab's tests, default settings): {}.{elsewhere} Whether cookies go to another site also \
         depends on the person's settings (third-party cookies): the probe below measures this browser.",
        engine.label(),
        cookie_facts_words(facts)
    )
}

/// What the third-party probe found: whether the session cookie went with a request from the
/// other site (`sent`), read with the cookie's current `same_site` and what the lab's tests
/// found for `engine`.
pub fn third_party_result(engine: Engine, sent: bool, same_site: SameSite) -> String {
    let label = engine.label();
    let defaults = |expected: bool| format!("The lab's tests found {label} in its default settings {} it.", if expected { "sends" } else { "does not send" });
    if engine.judges_frames_by_the_top_page() {
        // The probe is a frame of 127.0.0.1 asking localhost inside this localhost page:
        // this engine counts that as same-site, whatever the third-party cookie settings.
        let what = if sent { "The session cookie went with the probe's request" } else { "No cookie went with the probe's request (is anybody logged in with a cookie?)" };
        return format!(
            "{what}. But {label} judges a frame's request by the top page alone: the probe's frame from 127.0.0.1 asked localhost inside \
             this localhost page, which {label} counts as same-site, so even a SameSite=Lax cookie goes. Here the probe cannot tell \
             third-party cookies apart; the attack page opened on its own from 127.0.0.1 is the real test. {}",
            defaults(engine.cookie_facts().sends_none_cross_site)
        );
    }
    let expected = engine.cookie_facts().sends_none_cross_site;
    let found = if sent {
        "This browser sent localhost's session cookie with a request from 127.0.0.1 (another site, framed in this page): it allows \
         third-party cookies. A SameSite=None session cookie goes with the other site's transfer too, so from another site \
         the CSRF attack works in this browser, and only a defense on the server (the Origin check, Fetch Metadata) stops it."
            .to_owned()
    } else if same_site != SameSite::None {
        format!(
            "No cookie went with the request from 127.0.0.1 (another site): the session cookie is SameSite={}, which never goes \
             with requests from another site (or nobody is logged in with a cookie). To measure third-party cookies, set \
             SameSite=None, log in again, and probe again.",
            same_site.as_str()
        )
    } else {
        "No cookie went with the request from 127.0.0.1 (another site): this browser keeps cookies out of third-party requests \
         (or nobody is logged in with a cookie). A SameSite=None cookie does not help the attacker's page on another site here; \
         the same-site page (localhost, another port) still gets it."
            .to_owned()
    };
    let differs = same_site == SameSite::None && sent != expected;
    let settings = if differs { " This browser's settings decide otherwise." } else { "" };
    format!("{found} {}{settings}", defaults(expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_names_this_engine_s_cap_and_the_others() {
        let note = max_age_note(Engine::WebKit);
        assert!(note.starts_with("WebKit (Safari) keeps a preflight's answer for its Access-Control-Max-Age, at most 10 minutes"), "{note}");
        assert!(note.contains("Chromium (Chrome, Edge) 2 hours, Firefox 24 hours"), "{note}");
    }

    #[test]
    fn the_same_site_none_lesson_says_where_it_differs() {
        let chromium = same_site_none(Engine::Chromium);
        assert!(chromium.contains("a SameSite=None cookie does not go with requests from another site"), "{chromium}");
        assert!(chromium.contains("Not so in WebKit (Safari): there SameSite=None without Secure is kept"), "{chromium}");
        let webkit = same_site_none(Engine::WebKit);
        assert!(webkit.contains("Not so in Chromium (Chrome, Edge) and Firefox: there SameSite=None without Secure is dropped"), "{webkit}");
        assert!(webkit.contains("the attack from 127.0.0.1 works"), "{webkit}");
    }

    #[test]
    fn the_probe_s_finding_is_read_with_the_cookie_setting_and_the_tests() {
        let sent = third_party_result(Engine::Chromium, true, SameSite::None);
        assert!(sent.contains("allows third-party cookies"), "{sent}");
        assert!(sent.ends_with("does not send it. This browser's settings decide otherwise."), "{sent}");
        let lax = third_party_result(Engine::Firefox, false, SameSite::Lax);
        assert!(lax.contains("SameSite=Lax, which never goes"), "{lax}");
        // WebKit counts the probe's frame as same-site: the probe cannot tell there.
        let webkit = third_party_result(Engine::WebKit, true, SameSite::Lax);
        assert!(webkit.contains("even a SameSite=Lax cookie goes"), "{webkit}");
        assert!(webkit.ends_with("found WebKit (Safari) in its default settings sends it."), "{webkit}");
    }
}
