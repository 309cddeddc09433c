//! The lab's prediction for one `fetch` from the page: what the lab's backend answers (the
//! server's rules, `server::decide`, as the backend runs them) and what the browser then does
//! with it (the Fetch standard's checks, `browser`). The differential tests hold every engine
//! to this, scenario by scenario.

use super::{
    CorsPolicy, CorsRequest, RefusedPreflight,
    browser::{BrowserRequest, Verdict, evaluate_in, preflight_reasons, unsafe_header_names},
    engine::Engine,
    server::{Action, decide},
};

/// What happens to one request, as the lab predicts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prediction {
    /// The browser asks first (an `OPTIONS` preflight).
    pub preflight: bool,
    /// The methods that reach the server, in order: `OPTIONS` for the preflight, then the
    /// request's own when the preflight passed (or none was needed).
    pub reached: Vec<String>,
    pub verdict: Verdict,
}

impl Prediction {
    /// Whether the page can read the answer.
    pub fn readable(&self) -> bool {
        matches!(self.verdict, Verdict::Readable { .. })
    }
}

/// An answer of the lab's backend: status and headers (lower-case names).
type Answer = (u16, Vec<(String, String)>);

/// The backend's answer to the preflight of `req` under `policy`.
fn preflight_answer(policy: &CorsPolicy, req: &BrowserRequest) -> Answer {
    if !policy.enabled {
        // As if there were no CORS middleware: the route answers OPTIONS like any method it
        // does not have.
        return (405, vec![]);
    }
    let requested = unsafe_header_names(&req.headers).join(",");
    let preflight = CorsRequest {
        method: "OPTIONS",
        origin: Some(&req.origin),
        request_method: Some(&req.method),
        request_headers: (!requested.is_empty()).then_some(requested.as_str()),
    };
    let decision = decide(policy, &preflight);
    let status = match decision.action {
        Action::Preempted(answer) => answer.status(),
        Action::AnswerPreflight { allowed: true } => 204,
        Action::AnswerPreflight { allowed: false } if policy.refused_preflight == RefusedPreflight::Headers => 204,
        _ => 403,
    };
    (status, owned(&decision.headers))
}

/// The CORS headers of the backend's answer to the request itself.
fn actual_headers(policy: &CorsPolicy, req: &BrowserRequest) -> Vec<(String, String)> {
    let actual = CorsRequest { method: &req.method, origin: Some(&req.origin), request_method: None, request_headers: None };
    owned(&decide(policy, &actual).headers)
}

fn owned(headers: &[(&'static str, super::server::Value<'_>)]) -> Vec<(String, String)> {
    headers.iter().map(|(n, v)| ((*n).to_owned(), v.to_string())).collect()
}

/// What `engine` does with `req` against a lab backend running `policy`.
pub fn predict(policy: &CorsPolicy, req: &BrowserRequest, engine: Engine) -> Prediction {
    let preflight = !preflight_reasons(req).is_empty();
    let answer = preflight.then(|| preflight_answer(policy, req));
    let actual = actual_headers(policy, req);
    let verdict = evaluate_in(engine, req, answer.as_ref().map(|(status, headers)| (*status, headers.as_slice())), &actual);
    let mut reached = Vec::new();
    if preflight {
        reached.push("OPTIONS".to_owned());
    }
    if !matches!(verdict, Verdict::BlockedAtPreflight { .. }) {
        reached.push(req.method.clone());
    }
    Prediction { preflight, reached, verdict }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors::{AllowOrigin, browser::CredentialsMode};

    const PAGE: &str = "http://localhost:8080";

    fn request(method: &str, headers: &[(&str, &str)]) -> BrowserRequest {
        BrowserRequest {
            origin: PAGE.to_owned(),
            method: method.to_owned(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            credentials: CredentialsMode::Include,
        }
    }

    #[test]
    fn the_secure_default_reads_a_json_post_after_its_preflight() {
        let p = predict(&CorsPolicy::secure_default(PAGE), &request("POST", &[("Content-Type", "application/json")]), Engine::Chromium);
        assert!(p.readable(), "{p:?}");
        assert_eq!(p.reached, ["OPTIONS", "POST"]);
    }

    #[test]
    fn a_refused_preflight_stops_the_request_in_both_styles() {
        for style in [RefusedPreflight::Forbidden, RefusedPreflight::Headers] {
            let policy = CorsPolicy { refused_preflight: style, ..CorsPolicy::secure_default(PAGE) };
            let p = predict(&policy, &request("PUT", &[]), Engine::Chromium);
            let Verdict::BlockedAtPreflight { block, .. } = &p.verdict else { panic!("{p:?}") };
            let expected = if style == RefusedPreflight::Forbidden { "PreflightMissingAllowOriginHeader" } else { "MethodDisallowedByPreflightResponse" };
            assert_eq!(block.chromium_name(), expected);
            assert_eq!(p.reached, ["OPTIONS"]);
        }
    }

    #[test]
    fn cors_off_runs_a_simple_request_and_hides_its_answer() {
        let policy = CorsPolicy { allow_origin: AllowOrigin::None, ..CorsPolicy::off(PAGE) };
        let p = predict(&policy, &request("GET", &[]), Engine::Firefox);
        assert!(!p.readable());
        assert_eq!(p.reached, ["GET"]);
    }
}
