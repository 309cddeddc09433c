//! A console message the person pasted, read back (`shared::cors::console`): which engine
//! wrote it, the check that failed in words, the fix, and the lab (policy and request) that
//! reproduces it.

use shared::cors::{
    CorsPolicy, Engine,
    browser::{BrowserRequest, CorsError, Verdict},
    console,
    predict::predict,
};

use crate::lab_request::LabRequest;

/// What the page tells the person about a pasted message.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The engine whose words these are.
    pub engine: Engine,
    /// The failed check, by Chromium's DevTools name (`data-cors-error`).
    pub check: String,
    pub rule: String,
    pub fix: String,
    /// The lab that reproduces it: the policy to apply, and the request for the composer.
    pub policy: CorsPolicy,
    pub request: LabRequest,
    /// How the reproduced request is blocked in the page's own engine, when that is another
    /// check: some engines' words do not tell the origin checks apart (WebKit's).
    pub shown_as: Option<String>,
}

/// Reads `message` for a page on `page` running in `here`; `None` when it is no CORS
/// message of the three engines.
pub fn read(message: &str, page: &str, here: Engine) -> Option<Reading> {
    let pasted = console::parse(message)?;
    let check = pasted.chromium_name();
    let (rule, fix) = words(&pasted.error, pasted.preflight, pasted.origin.as_deref());
    let (policy, request) = console::reproduce(&pasted.error, pasted.preflight, page);
    let shown_as = match predict(&policy, &request, here).verdict {
        Verdict::Blocked { block, .. } | Verdict::BlockedAtPreflight { block, .. } => {
            (block.chromium_name() != check).then(|| format!("{}: {}", block.chromium_name(), block.reason))
        }
        Verdict::Readable { .. } => Some("readable (the lab cannot reproduce this one)".to_owned()),
    };
    Some(Reading { engine: pasted.engine, check, rule, fix, policy, request: lab_request(&request), shown_as })
}

/// The failed check in words, and the fix on the server.
fn words(error: &CorsError, preflight: Option<bool>, origin: Option<&str>) -> (String, String) {
    let answer = match preflight {
        Some(true) => "The preflight's answer (to the browser's OPTIONS request)",
        Some(false) => "The answer",
        None => "The answer (the preflight's or the request's: this engine's words do not say which)",
    };
    let origin = origin.unwrap_or("<the page's origin>");
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
        engine.console_message(&Block { error, preflight, reason: String::new(), fix: String::new() }, URL, PAGE, status)
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
        assert_eq!(reading.fix, "send Access-Control-Allow-Origin: http://localhost:8080 (on the preflight's answer too)");
        assert_eq!(reading.policy.mistake, Some(Mistake::AuthBeforeCors), "the common cause: something answers OPTIONS before CORS");
        assert_eq!((reading.request.method.as_str(), reading.request.content_type.as_deref()), ("POST", Some("application/json")));
    }

    #[test]
    fn checks_made_by_a_server_mistake_are_reproduced_as_they_are() {
        let mismatch = sentence(Engine::Chromium, CorsError::AllowOriginMismatch { value: "http://127.0.0.1:8080".into() }, false, 200);
        let reading = read(&mismatch, PAGE, Engine::Chromium).unwrap();
        assert_eq!(reading.check, "AllowOriginMismatch");
        assert!(reading.rule.contains("named the origin http://127.0.0.1:8080"), "{}", reading.rule);
        assert_eq!((reading.policy.mistake, reading.shown_as), (Some(Mistake::AllowOriginWithSlash), None));
        let redirect = sentence(Engine::Chromium, CorsError::DisallowedRedirect, true, 308);
        let reading = read(&redirect, PAGE, Engine::Chromium).unwrap();
        assert_eq!((reading.check.as_str(), reading.policy.mistake, reading.shown_as), ("PreflightDisallowedRedirect", Some(Mistake::RedirectedPreflight), None));
        let status = sentence(Engine::WebKit, CorsError::InvalidStatus { status: 403 }, true, 403);
        let reading = read(&status, PAGE, Engine::WebKit).unwrap();
        assert_eq!(reading.check, "PreflightInvalidStatus");
        assert!(reading.rule.contains("was answered 403"), "{}", reading.rule);
        assert_eq!((reading.policy.mistake, reading.shown_as), (Some(Mistake::PreflightPassedOn), None));
        assert!(read("Uncaught TypeError: x is undefined", PAGE, Engine::Chromium).is_none());
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
