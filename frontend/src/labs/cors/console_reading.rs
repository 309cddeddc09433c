//! A console message the person pasted, read back (`shared::cors::console`): which engine
//! wrote it, the check that failed in words, the fix, the likely causes in order
//! (`shared::cors::causes`), and the lab (policy and request) that reproduces it. A bare
//! `TypeError` or `net::ERR_FAILED`, what people paste first, gets what it can mean and how to
//! find which.

use shared::cors::{
    CorsPolicy, Engine,
    browser::{BrowserRequest, CorsError, Verdict},
    causes::{self, Cause},
    console,
    predict::predict,
};

use crate::lab_request::LabRequest;

/// What the page tells the person about a pasted message.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The engine whose words these are.
    pub engine: Engine,
    /// The failed check, by Chromium's DevTools name (`data-cors-error`); empty for a bare
    /// `TypeError`, which names none.
    pub check: String,
    pub rule: String,
    /// The fix on the server, when the check names one.
    pub fix: Option<String>,
    /// What can cause it, the likely first, each with the lab that shows it where a server
    /// can make it.
    pub causes: Vec<CauseReading>,
    /// The lab that reproduces the message itself: the policy to apply, and the request for the
    /// composer; `None` for a bare `TypeError`.
    pub reproduce: Option<(CorsPolicy, LabRequest)>,
    /// How the reproduced request is blocked in the page's own engine, when that is another
    /// check: some engines' words do not tell the origin checks apart (WebKit's).
    pub shown_as: Option<String>,
}

/// Reads `message` for a page on `page` running in `here`; `None` when it is no CORS
/// message of the three engines.
pub fn read(message: &str, page: &str, here: Engine) -> Option<Reading> {
    let Some(pasted) = console::parse(message) else {
        return bare(message).map(|engine| Reading {
            engine,
            check: String::new(),
            rule: format!(
                "All the page's code ever gets when fetch() fails: {}. It does not say why, on purpose; the console and the network tab do. \
                 Open the console (F12): a CORS block prints its own line there, and that line can be read here. In the network tab the \
                 request shows \"CORS error\", or a failure such as net::ERR_CONNECTION_REFUSED when it reached no server.",
                engine.type_error()
            ),
            fix: None,
            causes: cause_readings(&causes::causes(None, None, None), page),
            reproduce: None,
            shown_as: None,
        });
    };
    let check = pasted.chromium_name();
    let (rule, fix) = words(&pasted.error, pasted.preflight, pasted.origin.as_deref());
    let (policy, request) = console::reproduce(&pasted.error, pasted.preflight, page);
    let shown_as = match predict(&policy, &request, here).verdict {
        Verdict::Blocked { block, .. } | Verdict::BlockedAtPreflight { block, .. } => {
            (block.chromium_name() != check).then(|| format!("{}: {}", block.chromium_name(), block.reason))
        }
        Verdict::Readable { .. } => Some("readable (the lab cannot reproduce this one)".to_owned()),
    };
    let causes = cause_readings(&causes::causes(Some(&pasted.error), pasted.preflight, pasted.origin.as_deref()), page);
    Some(Reading { engine: pasted.engine, check, rule, fix: Some(fix), causes, reproduce: Some((policy, lab_request(&request))), shown_as })
}

/// One possible cause, in words, with the lab that shows it when a server can make it.
#[derive(Clone, Debug, PartialEq)]
pub struct CauseReading {
    pub cause: Cause,
    pub words: &'static str,
    pub set_up: Option<(CorsPolicy, LabRequest)>,
}

fn cause_readings(list: &[Cause], page: &str) -> Vec<CauseReading> {
    list.iter()
        .map(|&cause| CauseReading {
            cause,
            words: cause_words(cause),
            set_up: causes::set_up(cause, page).map(|(policy, request)| (policy, lab_request(&request))),
        })
        .collect()
}

/// Each cause in the page's words.
fn cause_words(cause: Cause) -> &'static str {
    match cause {
        Cause::CorsCheck => "A CORS check failed: the console has a line that names which (paste it here).",
        Cause::Unreachable => {
            "The request reached no server: the backend is not running, the host or port is wrong, or the connection was refused (the network tab shows net::ERR_CONNECTION_REFUSED or similar)."
        }
        Cause::RefusedByFetch => "fetch() refused the request before sending it: a header name or value it does not allow (the console names the header).",
        Cause::BlockedByClient => "The browser or an extension blocked it: an ad blocker (net::ERR_BLOCKED_BY_CLIENT), or an https page calling http (mixed content).",
        Cause::OptionsAnsweredFirst => {
            "Authentication or the router answered the OPTIONS preflight before CORS ran (401, 404 or 405, with no CORS header): put CORS in front of them."
        }
        Cause::RefusedQuietly => "The CORS layer refused the method or a header and said so only by leaving Access-Control-Allow-Origin out (a 403).",
        Cause::OriginDiffers => {
            "The origin the server allows differs from the page's by scheme, host, port or a trailing slash: http://localhost:8080 is not http://127.0.0.1:8080."
        }
        Cause::NoCors => "The server has no CORS at all, or not on this route.",
        Cause::ErrorSkipsCors => "The answer was an error (a 500) whose path skips the CORS headers: the browser hides the error itself too.",
        Cause::AddedTwice => "A proxy and the app both add Access-Control-Allow-Origin: let only one of them.",
        Cause::NullOrigin => {
            "The page's origin is null (a sandboxed frame, a file:// page). Do not allow null: any site can make a page whose origin is null. Serve the page from a real origin and allow that."
        }
    }
}

/// The engine whose bare failure `message` is: the `TypeError` a blocked `fetch()` rejects
/// with, or Chromium's network line (`net::ERR_FAILED`).
fn bare(message: &str) -> Option<Engine> {
    let message = message.trim();
    Engine::ALL
        .into_iter()
        .find(|engine| message.contains(engine.type_error().trim_end_matches('.')))
        .or_else(|| message.contains("net::ERR_").then_some(Engine::Chromium))
}

/// The failed check in words, and the fix on the server.
fn words(error: &CorsError, preflight: Option<bool>, origin: Option<&str>) -> (String, String) {
    let answer = match preflight {
        Some(true) => "The preflight's answer (to the browser's OPTIONS request)",
        Some(false) => "The answer",
        None => "The answer (the preflight's or the request's: this engine's words do not say which)",
    };
    // A page whose origin is null is let in by no safe fix that names it (`Cause::NullOrigin`).
    let origin = match origin {
        Some("null") => "<the page's real origin, once it is served from one: never null>",
        Some(origin) => origin,
        None => "<the page's origin>",
    };
    match error {
        CorsError::MissingAllowOriginHeader => (
            format!("{answer} had no Access-Control-Allow-Origin header that names the page's origin: the server did not allow it."),
            format!("send Access-Control-Allow-Origin: {origin} (on the preflight's answer too)"),
        ),
        CorsError::WildcardOriginNotAllowed => (
            format!("{answer} said Access-Control-Allow-Origin: *, but the request carried credentials (credentials: \"include\"): with credentials the wildcard is refused."),
            format!("send the exact origin, Access-Control-Allow-Origin: {origin}, with Access-Control-Allow-Credentials: true; or send the request without credentials"),
        ),
        CorsError::MultipleAllowOriginValues { values } => (
            format!("{answer} carried Access-Control-Allow-Origin more than once ({values}); exactly one value is allowed (two middlewares each adding it, often)."),
            format!("send Access-Control-Allow-Origin once: {origin}"),
        ),
        CorsError::AllowOriginMismatch { value } => (
            format!("{answer} named the origin {value}, which is not the page's (an exact match: scheme, host and port)."),
            format!("send Access-Control-Allow-Origin: {origin}"),
        ),
        CorsError::InvalidAllowCredentials { .. } => (
            format!("The request carried credentials, but {} had no Access-Control-Allow-Credentials: true.", lower(answer)),
            "send Access-Control-Allow-Credentials: true (or send the request without credentials)".to_owned(),
        ),
        CorsError::InvalidStatus { status } => {
            let status = if *status == 0 { "an error status".to_owned() } else { status.to_string() };
            (
                format!("The preflight (the browser's OPTIONS request) was answered {status}, not an ok status (200-299)."),
                "answer the OPTIONS preflight with 204, before any authentication or route".to_owned(),
            )
        }
        CorsError::DisallowedRedirect => (
            "The preflight (the browser's OPTIONS request) was answered with a redirect, and a preflight may not follow one (often a trailing-slash redirect, or http to https).".to_owned(),
            "answer the OPTIONS preflight at the URL the page asked for, without a redirect (or send the request to the URL the redirect names)".to_owned(),
        ),
        CorsError::MethodDisallowedByPreflightResponse { method } => {
            let method = if method.is_empty() { "the request's method" } else { method };
            (
                format!("The preflight's answer did not list {method} in Access-Control-Allow-Methods."),
                format!("add {method} to Access-Control-Allow-Methods"),
            )
        }
        CorsError::HeaderDisallowedByPreflightResponse { header } => {
            let header = if header.is_empty() { "a header the request sets" } else { header };
            let by_name = if header.eq_ignore_ascii_case("authorization") { " by name (* never covers it in the Fetch standard)" } else { "" };
            (
                format!("The preflight's answer did not list the request header {header} in Access-Control-Allow-Headers."),
                format!("add {header} to Access-Control-Allow-Headers{by_name}"),
            )
        }
    }
}

/// "The answer …" as the middle of a sentence.
fn lower(text: &str) -> String {
    text.replacen("The ", "the ", 1)
}

/// The lab request the composer sends for `request`: its method and credentials, its
/// Content-Type, the bearer token for `Authorization`, any other header as the custom one.
pub fn lab_request(request: &BrowserRequest) -> LabRequest {
    let mut lab = LabRequest { method: request.method.clone(), credentials: request.credentials, ..LabRequest::default() };
    for (name, value) in &request.headers {
        match name.to_ascii_lowercase().as_str() {
            "content-type" => lab.content_type = Some(value.clone()),
            "authorization" => lab.bearer = true,
            _ => lab.custom_header = Some((name.clone(), value.clone())),
        }
    }
    lab
}

#[cfg(test)]
mod tests {
    use shared::cors::{
        Mistake,
        browser::{Block, CredentialsMode},
    };

    use super::*;

    const PAGE: &str = "http://localhost:8080";
    const URL: &str = "http://localhost:3000/api/profile?rid=r1";

    fn sentence(engine: Engine, error: CorsError, preflight: bool, status: u16) -> String {
        engine.console_message(&Block { error, preflight, reason: String::new() }, URL, PAGE, status)
    }

    /// Every engine's sentence for each check the lab reproduces as it is: read back to its
    /// engine and check, with no "shown as" note.
    #[test]
    fn each_engine_s_sentence_is_read_back_and_reproduced() {
        let exact = [
            (CorsError::MissingAllowOriginHeader, false, "MissingAllowOriginHeader"),
            (CorsError::WildcardOriginNotAllowed, false, "WildcardOriginNotAllowed"),
            (CorsError::InvalidAllowCredentials { value: String::new() }, false, "InvalidAllowCredentials"),
            (CorsError::MethodDisallowedByPreflightResponse { method: "PUT".into() }, true, "MethodDisallowedByPreflightResponse"),
            (CorsError::HeaderDisallowedByPreflightResponse { header: "x-custom".into() }, true, "HeaderDisallowedByPreflightResponse"),
        ];
        for engine in Engine::ALL {
            for (error, preflight, check) in exact.clone() {
                let text = sentence(engine, error, preflight, 200);
                let reading = read(&text, PAGE, Engine::Chromium).unwrap_or_else(|| panic!("{text}"));
                assert_eq!((reading.engine, reading.check.as_str()), (engine, check), "{text}");
                assert_eq!(reading.shown_as, None, "{text}");
            }
        }
    }

    #[test]
    fn chromium_s_preflight_sentence_names_the_preflight_and_the_origin() {
        let text = sentence(Engine::Chromium, CorsError::MissingAllowOriginHeader, true, 403);
        let reading = read(&text, PAGE, Engine::Firefox).unwrap();
        assert_eq!(reading.check, "PreflightMissingAllowOriginHeader");
        assert!(reading.rule.starts_with("The preflight's answer"), "{}", reading.rule);
        assert_eq!(reading.fix.as_deref(), Some("send Access-Control-Allow-Origin: http://localhost:8080 (on the preflight's answer too)"));
        let (policy, request) = reading.reproduce.clone().unwrap();
        assert_eq!(policy.mistake, Some(Mistake::AuthBeforeCors), "the common cause: something answers OPTIONS before CORS");
        assert_eq!((request.method.as_str(), request.content_type.as_deref()), ("POST", Some("application/json")));
        let causes: Vec<Cause> = reading.causes.iter().map(|c| c.cause).collect();
        assert_eq!(causes[..2], [Cause::OptionsAnsweredFirst, Cause::RefusedQuietly]);
        assert!(reading.causes.iter().filter(|c| c.set_up.is_some()).count() >= 3, "the server's causes can each be set up");
    }

    #[test]
    fn checks_made_by_a_server_mistake_are_reproduced_as_they_are() {
        let mismatch = sentence(Engine::Chromium, CorsError::AllowOriginMismatch { value: "http://127.0.0.1:8080".into() }, false, 200);
        let reading = read(&mismatch, PAGE, Engine::Chromium).unwrap();
        assert_eq!(reading.check, "AllowOriginMismatch");
        assert!(reading.rule.contains("named the origin http://127.0.0.1:8080"), "{}", reading.rule);
        assert_eq!((reading.reproduce.unwrap().0.mistake, reading.shown_as), (Some(Mistake::AllowOriginWithSlash), None));
        let redirect = sentence(Engine::Chromium, CorsError::DisallowedRedirect, true, 308);
        let reading = read(&redirect, PAGE, Engine::Chromium).unwrap();
        assert_eq!((reading.check.as_str(), reading.reproduce.unwrap().0.mistake, reading.shown_as), ("PreflightDisallowedRedirect", Some(Mistake::RedirectedPreflight), None));
        let status = sentence(Engine::WebKit, CorsError::InvalidStatus { status: 403 }, true, 403);
        let reading = read(&status, PAGE, Engine::WebKit).unwrap();
        assert_eq!(reading.check, "PreflightInvalidStatus");
        assert!(reading.rule.contains("was answered 403"), "{}", reading.rule);
        assert_eq!((reading.reproduce.unwrap().0.mistake, reading.shown_as), (Some(Mistake::PreflightPassedOn), None));
        assert!(read("Uncaught TypeError: x is undefined", PAGE, Engine::Chromium).is_none());
    }

    #[test]
    fn a_bare_type_error_says_what_it_can_mean_and_where_to_look() {
        for engine in Engine::ALL {
            let reading = read(&format!("Uncaught (in promise) {}", engine.type_error()), PAGE, Engine::Chromium).expect("read");
            assert_eq!((reading.engine, reading.check.as_str(), reading.reproduce), (engine, "", None));
            assert!(reading.rule.contains("console"), "{}", reading.rule);
            assert_eq!(reading.causes.iter().map(|c| c.cause).collect::<Vec<_>>(), [Cause::CorsCheck, Cause::Unreachable, Cause::RefusedByFetch, Cause::BlockedByClient]);
        }
        let failed = read("GET http://localhost:3000/api/profile net::ERR_FAILED 200 (OK)", PAGE, Engine::Firefox).expect("read");
        assert_eq!(failed.engine, Engine::Chromium);
    }

    #[test]
    fn a_null_origin_is_never_advised_as_the_allowed_origin() {
        let text = "Access to fetch at 'http://localhost:3000/api/profile' from origin 'null' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.";
        let reading = read(text, PAGE, Engine::Chromium).expect("read");
        assert!(!reading.fix.as_deref().unwrap().contains("Access-Control-Allow-Origin: null"), "{:?}", reading.fix);
        assert_eq!(reading.causes[0].cause, Cause::NullOrigin);
    }

    #[test]
    fn a_reproduced_request_becomes_the_composer_s() {
        let request = BrowserRequest {
            origin: PAGE.into(),
            method: "GET".into(),
            headers: vec![("authorization".into(), "1".into()), ("X-Trace".into(), "1".into())],
            credentials: CredentialsMode::Omit,
        };
        let lab = lab_request(&request);
        assert!(lab.bearer);
        assert_eq!(lab.custom_header, Some(("X-Trace".into(), "1".into())));
        assert_eq!((lab.path.as_str(), lab.credentials), ("/api/profile", CredentialsMode::Omit));
    }
}
