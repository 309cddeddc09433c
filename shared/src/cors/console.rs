//! Each engine's console sentences for a blocked request (`Engine::console_message`), and a
//! message pasted by a person, read back: which engine wrote it, which CORS check failed, and
//! a lab (policy and request) that reproduces it. Writer and reader side by side; the
//! differential test parses every message an engine logged.

use super::{
    AllowOrigin, CorsPolicy, Mistake, RefusedPreflight,
    browser::{Block, BrowserRequest, CorsError, CredentialsMode},
    engine::Engine,
};

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
}

fn chromium_message(block: &Block, url: &str, origin: &str) -> String {
    let detail = match &block.error {
        CorsError::MissingAllowOriginHeader => "No 'Access-Control-Allow-Origin' header is present on the requested resource.".to_owned(),
        CorsError::WildcardOriginNotAllowed => "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' \
             when the request's credentials mode is 'include'."
            .to_owned(),
        // Both end with advice, as Chromium's console prints them (held to it by `mistakes.rs`).
        CorsError::MultipleAllowOriginValues { values } => format!(
            "The 'Access-Control-Allow-Origin' header contains multiple values '{values}', but only one is allowed. Have the server send \
             the header with a valid value."
        ),
        CorsError::AllowOriginMismatch { value } => format!(
            "The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to the supplied origin. Have the server \
             send the header with a valid value."
        ),
        CorsError::InvalidAllowCredentials { value } => format!(
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '{value}' which must be 'true' \
             when the request's credentials mode is 'include'."
        ),
        CorsError::InvalidStatus { .. } => "It does not have HTTP ok status.".to_owned(),
        CorsError::DisallowedRedirect => "Redirect is not allowed for a preflight request.".to_owned(),
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
        // Its own sentence for this ("Multiple CORS header ‘Access-Control-Allow-Origin’ not
        // allowed") is not what its console prints for two Allow-Origin lines from the lab:
        // it compares them joined, as one value (held to it by `tests/browser/mistakes.rs`).
        CorsError::MultipleAllowOriginValues { values } => format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{values}’"),
        CorsError::AllowOriginMismatch { value } => format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{value}’"),
        CorsError::InvalidAllowCredentials { .. } => "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’".to_owned(),
        CorsError::InvalidStatus { .. } => "CORS preflight response did not succeed".to_owned(),
        CorsError::DisallowedRedirect => "CORS request external redirect not allowed".to_owned(),
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
        // WebKit names no status for a redirect: it stops before the redirect is followed.
        CorsError::DisallowedRedirect => "Preflight response is not successful".to_owned(),
        CorsError::MethodDisallowedByPreflightResponse { method } => format!("Method {method} is not allowed by Access-Control-Allow-Methods."),
        CorsError::HeaderDisallowedByPreflightResponse { header } => format!("Request header field {header} is not allowed by Access-Control-Allow-Headers."),
    };
    format!("{reason} Fetch API cannot load {url} due to access control checks.")
}

/// What a pasted console message says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pasted {
    pub engine: Engine,
    pub error: CorsError,
    /// Whether the preflight's answer failed; `None` where the engine's words do not say.
    pub preflight: Option<bool>,
    /// The URL the page fetched, when the message names it.
    pub url: Option<String>,
    /// The page's origin, when the message names it (Chromium's and WebKit's do).
    pub origin: Option<String>,
}

impl Pasted {
    /// Chromium's name for the failed check (a check the engine's words do not place is
    /// named as the request's).
    pub fn chromium_name(&self) -> String {
        self.error.chromium_name(self.preflight == Some(true))
    }
}

/// Reads a console message of any of the three engines; `None` when it is no CORS message
/// this lab knows.
pub fn parse(message: &str) -> Option<Pasted> {
    let message = message.trim();
    chromium(message).or_else(|| firefox(message)).or_else(|| webkit(message))
}

/// The text between `before` and `after` in `text`, after `before`'s first occurrence.
fn between<'a>(text: &'a str, before: &str, after: &str) -> Option<&'a str> {
    let rest = &text[text.find(before)? + before.len()..];
    Some(&rest[..rest.find(after)?])
}

fn chromium(message: &str) -> Option<Pasted> {
    let url = between(message, "Access to fetch at '", "'").map(str::to_owned);
    let origin = between(message, "from origin '", "'").map(str::to_owned);
    let (_, detail) = message.split_once("has been blocked by CORS policy: ")?;
    let (preflight, detail) = match detail.strip_prefix("Response to preflight request doesn't pass access control check: ") {
        Some(rest) => (true, rest),
        None => (false, detail),
    };
    let error = if detail.starts_with("No 'Access-Control-Allow-Origin' header is present") {
        CorsError::MissingAllowOriginHeader
    } else if detail.contains("must not be the wildcard '*'") {
        CorsError::WildcardOriginNotAllowed
    } else if let Some(values) = between(detail, "contains multiple values '", "'") {
        CorsError::MultipleAllowOriginValues { values: values.to_owned() }
    } else if let Some(value) = between(detail, "'Access-Control-Allow-Origin' header has a value '", "'") {
        CorsError::AllowOriginMismatch { value: value.to_owned() }
    } else if let Some(value) = between(detail, "'Access-Control-Allow-Credentials' header in the response is '", "'") {
        CorsError::InvalidAllowCredentials { value: value.to_owned() }
    } else if detail.starts_with("It does not have HTTP ok status") {
        CorsError::InvalidStatus { status: 0 }
    } else if detail.starts_with("Redirect is not allowed for a preflight request") {
        CorsError::DisallowedRedirect
    } else if let Some(method) = between(detail, "Method ", " is not allowed by Access-Control-Allow-Methods") {
        return Some(Pasted { engine: Engine::Chromium, error: CorsError::MethodDisallowedByPreflightResponse { method: method.to_owned() }, preflight: Some(true), url, origin });
    } else if let Some(header) = between(detail, "Request header field ", " is not allowed by Access-Control-Allow-Headers") {
        return Some(Pasted { engine: Engine::Chromium, error: CorsError::HeaderDisallowedByPreflightResponse { header: header.to_owned() }, preflight: Some(true), url, origin });
    } else {
        return None;
    };
    Some(Pasted { engine: Engine::Chromium, error, preflight: Some(preflight), url, origin })
}

fn firefox(message: &str) -> Option<Pasted> {
    let rest = message.strip_prefix("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ")?;
    let (url, reason) = rest.split_once(". (Reason: ")?;
    let url = Some(url.trim_matches(['‘', '’']).to_owned());
    let status = between(message, "Status code: ", ".").and_then(|s| s.parse().ok()).unwrap_or(0);
    let (error, preflight) = if reason.starts_with("CORS header ‘Access-Control-Allow-Origin’ missing") {
        (CorsError::MissingAllowOriginHeader, None)
    } else if let Some(value) = between(reason, "does not match ‘", "’") {
        // No origin holds a comma: a value with one is several Allow-Origin values, joined.
        if value.contains(',') {
            (CorsError::MultipleAllowOriginValues { values: value.to_owned() }, None)
        } else {
            (CorsError::AllowOriginMismatch { value: value.to_owned() }, None)
        }
    } else if reason.starts_with("Credential is not supported") {
        (CorsError::WildcardOriginNotAllowed, None)
    } else if reason.starts_with("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’") {
        (CorsError::InvalidAllowCredentials { value: String::new() }, None)
    } else if reason.starts_with("Multiple CORS header") {
        (CorsError::MultipleAllowOriginValues { values: String::new() }, None)
    } else if reason.starts_with("CORS preflight response did not succeed") {
        (CorsError::InvalidStatus { status }, Some(true))
    } else if reason.starts_with("CORS request external redirect not allowed") {
        (CorsError::DisallowedRedirect, None)
    } else if reason.starts_with("Did not find method in CORS header") {
        (CorsError::MethodDisallowedByPreflightResponse { method: String::new() }, Some(true))
    } else if let Some(header) = between(reason, "header ‘", "’ is not allowed") {
        (CorsError::HeaderDisallowedByPreflightResponse { header: header.to_owned() }, Some(true))
    } else {
        return None;
    };
    Some(Pasted { engine: Engine::Firefox, error, preflight, url, origin: None })
}

fn webkit(message: &str) -> Option<Pasted> {
    let url = between(message, "Fetch API cannot load ", " due to access control checks").map(str::to_owned);
    let origin = between(message, "Origin ", " ").filter(|o| o.contains("://")).map(str::to_owned);
    let (error, preflight) = if message.contains("is not allowed by Access-Control-Allow-Origin") {
        (CorsError::MissingAllowOriginHeader, None)
    } else if message.starts_with("Cannot use wildcard in Access-Control-Allow-Origin") {
        (CorsError::WildcardOriginNotAllowed, None)
    } else if message.starts_with("Credentials flag is true, but Access-Control-Allow-Credentials") {
        (CorsError::InvalidAllowCredentials { value: String::new() }, None)
    } else if let Some(status) = between(message, "Preflight response is not successful. Status code: ", " ") {
        (CorsError::InvalidStatus { status: status.trim_end_matches('.').parse().unwrap_or(0) }, Some(true))
    } else if message.starts_with("Preflight response is not successful") {
        (CorsError::DisallowedRedirect, Some(true))
    } else if let Some(method) = between(message, "Method ", " is not allowed by Access-Control-Allow-Methods") {
        (CorsError::MethodDisallowedByPreflightResponse { method: method.to_owned() }, Some(true))
    } else if let Some(header) = between(message, "Request header field ", " is not allowed by Access-Control-Allow-Headers") {
        (CorsError::HeaderDisallowedByPreflightResponse { header: header.to_owned() }, Some(true))
    } else {
        return None;
    };
    (url.is_some() || preflight.is_some() || error != CorsError::MissingAllowOriginHeader).then_some(Pasted { engine: Engine::WebKit, error, preflight, url, origin })
}

/// A lab that makes the browser fail the same check: the policy to apply (with the server
/// mistake that makes it, where one does), and the request to send from `page`.
pub fn reproduce(error: &CorsError, preflight: Option<bool>, page: &str) -> (CorsPolicy, BrowserRequest) {
    let secure = CorsPolicy::secure_default(page);
    let request = |method: &str, headers: &[(&str, &str)], credentials| BrowserRequest {
        origin: page.to_owned(),
        method: method.to_owned(),
        headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
        credentials,
    };
    // At the preflight: a request that needs one and that the policy allows (a JSON POST).
    let json = [("Content-Type", "application/json")];
    let needs_preflight = preflight == Some(true);
    let (method, headers): (&str, &[(&str, &str)]) = if needs_preflight { ("POST", &json) } else { ("GET", &[]) };
    let with = |mistake| CorsPolicy { mistake: Some(mistake), ..secure.clone() };
    match error {
        // At the preflight, the most common cause: something answers OPTIONS before CORS.
        CorsError::MissingAllowOriginHeader if needs_preflight => (with(Mistake::AuthBeforeCors), request(method, headers, CredentialsMode::Omit)),
        CorsError::MissingAllowOriginHeader => {
            (CorsPolicy { allow_origin: AllowOrigin::None, ..secure }, request(method, headers, CredentialsMode::Omit))
        }
        CorsError::WildcardOriginNotAllowed => {
            (CorsPolicy { allow_origin: AllowOrigin::Any, ..secure }, request(method, headers, CredentialsMode::Include))
        }
        CorsError::MultipleAllowOriginValues { .. } => (with(Mistake::DoubledAllowOrigin), request(method, headers, CredentialsMode::Omit)),
        CorsError::AllowOriginMismatch { .. } => (with(Mistake::AllowOriginWithSlash), request(method, headers, CredentialsMode::Omit)),
        CorsError::InvalidAllowCredentials { .. } => {
            (CorsPolicy { allow_credentials: false, ..secure }, request(method, headers, CredentialsMode::Include))
        }
        CorsError::InvalidStatus { .. } => (with(Mistake::PreflightPassedOn), request("POST", &json, CredentialsMode::Omit)),
        CorsError::DisallowedRedirect => (with(Mistake::RedirectedPreflight), request("POST", &json, CredentialsMode::Omit)),
        CorsError::MethodDisallowedByPreflightResponse { method } => {
            let method = if method.is_empty() || matches!(method.as_str(), "GET" | "HEAD" | "POST") { "PUT" } else { method };
            let allow_methods = secure.allow_methods.iter().filter(|m| *m != method).cloned().collect();
            (CorsPolicy { allow_methods, refused_preflight: RefusedPreflight::Headers, ..secure }, request(method, &[], CredentialsMode::Omit))
        }
        CorsError::HeaderDisallowedByPreflightResponse { header } => {
            let header = if header.is_empty() || header.eq_ignore_ascii_case("content-type") { "x-custom" } else { header };
            let allow_headers = secure.allow_headers.iter().filter(|h| !h.eq_ignore_ascii_case(header)).cloned().collect();
            (CorsPolicy { allow_headers, refused_preflight: RefusedPreflight::Headers, ..secure }, request("GET", &[(header, "1")], CredentialsMode::Omit))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors::{
        browser::{Block, Verdict},
        predict::predict,
    };

    const PAGE: &str = "http://localhost:8080";
    const URL: &str = "http://localhost:3000/api/profile?rid=r1";

    /// The same check, where words or the lab's backend cannot tell the origin failures apart.
    fn same_check(a: &CorsError, b: &CorsError) -> bool {
        let origin = |e: &CorsError| {
            matches!(e, CorsError::MissingAllowOriginHeader | CorsError::AllowOriginMismatch { .. } | CorsError::MultipleAllowOriginValues { .. })
        };
        std::mem::discriminant(a) == std::mem::discriminant(b) || (origin(a) && origin(b))
    }

    fn every_error() -> Vec<(CorsError, bool)> {
        vec![
            (CorsError::MissingAllowOriginHeader, false),
            (CorsError::MissingAllowOriginHeader, true),
            (CorsError::WildcardOriginNotAllowed, false),
            (CorsError::AllowOriginMismatch { value: "http://127.0.0.1:8080".into() }, false),
            (CorsError::InvalidAllowCredentials { value: String::new() }, false),
            (CorsError::MultipleAllowOriginValues { values: "http://localhost:8080, http://localhost:8080".into() }, false),
            (CorsError::InvalidStatus { status: 405 }, true),
            (CorsError::DisallowedRedirect, true),
            (CorsError::HeaderDisallowedByPreflightResponse { header: "authorization".into() }, true),
            (CorsError::MethodDisallowedByPreflightResponse { method: "PUT".into() }, true),
            (CorsError::HeaderDisallowedByPreflightResponse { header: "x-custom".into() }, true),
        ]
    }

    /// Every sentence `console_message` writes parses back to its engine and check.
    #[test]
    fn every_engine_s_sentence_reads_back() {
        for engine in Engine::ALL {
            for (error, preflight) in every_error() {
                let block = Block { error: error.clone(), preflight, reason: String::new() };
                let text = engine.console_message(&block, URL, PAGE, 403);
                let pasted = parse(&text).unwrap_or_else(|| panic!("{engine:?} {text}"));
                assert_eq!(pasted.engine, engine, "{text}");
                let exact = engine != Engine::WebKit || std::mem::discriminant(&pasted.error) == std::mem::discriminant(&error);
                assert!(exact || same_check(&pasted.error, &error), "{text}");
                assert!(pasted.preflight.is_none_or(|p| p == preflight), "{text}");
            }
        }
        assert_eq!(parse("Uncaught TypeError: x is undefined"), None);
    }

    /// Chromium's console ends its sentence on an Allow-Origin value it refuses with advice, at
    /// the preflight as at the request (as `tests/browser/mistakes.rs` saw); the reader reads the
    /// check back with it.
    #[test]
    fn chromium_advises_on_a_refused_allow_origin_value() {
        for error in [CorsError::MultipleAllowOriginValues { values: format!("{PAGE}, {PAGE}") }, CorsError::AllowOriginMismatch { value: format!("{PAGE}/") }] {
            for preflight in [false, true] {
                let block = Block { error: error.clone(), preflight, reason: String::new() };
                let text = Engine::Chromium.console_message(&block, URL, PAGE, 200);
                assert!(text.ends_with(". Have the server send the header with a valid value."), "{text}");
                assert_eq!(parse(&text).map(|p| (p.error, p.preflight)), Some((error.clone(), Some(preflight))), "{text}");
            }
        }
    }

    /// Firefox words two Allow-Origin values as a mismatch with both (as its console prints it for
    /// the lab's doubled header); the reader still tells them from one wrong origin.
    #[test]
    fn firefox_words_several_allow_origin_values_as_a_mismatch_with_them_all() {
        let values = format!("{PAGE}, {PAGE}");
        let block = Block { error: CorsError::MultipleAllowOriginValues { values: values.clone() }, preflight: false, reason: String::new() };
        let text = Engine::Firefox.console_message(&block, URL, PAGE, 200);
        assert!(text.ends_with(&format!("(Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘{values}’).")), "{text}");
        assert_eq!(parse(&text).map(|p| p.error), Some(CorsError::MultipleAllowOriginValues { values }));
        let slashed = Block { error: CorsError::AllowOriginMismatch { value: format!("{PAGE}/") }, ..block };
        assert_eq!(parse(&Engine::Firefox.console_message(&slashed, URL, PAGE, 200)).map(|p| p.error), Some(slashed.error));
    }

    /// The page's origin is read where the engine's words name it.
    #[test]
    fn the_page_s_origin_is_read_where_the_words_name_it() {
        let missing = Block { error: CorsError::MissingAllowOriginHeader, preflight: false, reason: String::new() };
        let origin = |engine: Engine| parse(&engine.console_message(&missing, URL, PAGE, 403)).and_then(|pasted| pasted.origin);
        assert_eq!(origin(Engine::Chromium).as_deref(), Some(PAGE));
        assert_eq!(origin(Engine::WebKit).as_deref(), Some(PAGE));
        assert_eq!(origin(Engine::Firefox), None, "Firefox's words name the URL, not the page");
    }

    /// The lab a pasted message sets up fails the same check, in the same engine; but the lab's
    /// redirected preflight, which carries no CORS header, fails Firefox's CORS check on the
    /// redirect first.
    #[test]
    fn a_reproduced_lab_fails_the_same_check() {
        for engine in Engine::ALL {
            for (error, preflight) in every_error() {
                let (policy, request) = reproduce(&error, Some(preflight), PAGE);
                let prediction = predict(&policy, &request, engine);
                let block = match prediction.verdict {
                    Verdict::Blocked { block, .. } | Verdict::BlockedAtPreflight { block, .. } => block,
                    Verdict::Readable { .. } => panic!("{engine:?} {error:?}: readable"),
                };
                let expected = match (engine, &error) {
                    (Engine::Firefox, CorsError::DisallowedRedirect) => CorsError::MissingAllowOriginHeader,
                    _ => error.clone(),
                };
                assert_eq!(std::mem::discriminant(&block.error), std::mem::discriminant(&expected), "{engine:?} {error:?}: {block:?}");
                assert_eq!(block.preflight, preflight, "{engine:?} {error:?}: {block:?}");
            }
        }
    }
}
