//! The live CORS policy on HTTP: request headers into `shared::cors::decide`, its decision
//! back into response headers. The rules themselves are `shared::cors`'s.

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header, header::Entry};
use shared::cors::{
    CorsRequest, Decision, ValidPolicy,
    server::{self, Value},
};

/// The live policy with the header values it sends written once, when it is set, as
/// tower-http's `CorsLayer` writes its own when it is built: a request copies them (a
/// reference count) instead of writing the policy's lists out again.
#[derive(Debug)]
pub struct LivePolicy {
    policy: ValidPolicy,
    allow_methods: Option<HeaderValue>,
    allow_headers: Option<HeaderValue>,
    expose_headers: Option<HeaderValue>,
    max_age: Option<HeaderValue>,
}

impl LivePolicy {
    pub fn new(policy: ValidPolicy) -> LivePolicy {
        let list = |items: &[String]| HeaderValue::from_str(&Value::List(items).to_string()).ok();
        LivePolicy {
            allow_methods: list(&policy.allow_methods),
            allow_headers: list(&policy.allow_headers),
            expose_headers: list(&policy.expose_headers),
            max_age: policy.max_age.map(HeaderValue::from),
            policy,
        }
    }

    /// The value written for one of the policy's own headers (a list, or the max age).
    fn written(&self, name: &str) -> Option<&HeaderValue> {
        match name {
            server::ALLOW_METHODS => self.allow_methods.as_ref(),
            server::ALLOW_HEADERS => self.allow_headers.as_ref(),
            server::EXPOSE_HEADERS => self.expose_headers.as_ref(),
            server::MAX_AGE => self.max_age.as_ref(),
            _ => None,
        }
    }
}

impl std::ops::Deref for LivePolicy {
    type Target = ValidPolicy;

    fn deref(&self) -> &ValidPolicy {
        &self.policy
    }
}

/// The request's side for the engine. A value that is not visible ASCII counts as absent,
/// as `HeaderValue::to_str` has it.
pub fn request<'a>(method: &'a Method, headers: &'a HeaderMap) -> CorsRequest<'a> {
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    CorsRequest {
        method: method.as_str(),
        origin: text(header::ORIGIN),
        request_method: text(header::ACCESS_CONTROL_REQUEST_METHOD),
        request_headers: text(header::ACCESS_CONTROL_REQUEST_HEADERS),
    }
}

/// The headers a decision of `live`'s puts on the response, owned, so they can wait for the
/// route's answer. An origin sent back is the request's own header value (shared, not parsed
/// again), the policy's values are the ones written when it was set; a value that cannot be a
/// header is left out.
pub fn response_headers(decision: &Decision<'_>, request_origin: Option<&HeaderValue>, live: &LivePolicy) -> Vec<(HeaderName, HeaderValue)> {
    let value = |name: &str, value: &Value<'_>| match value {
        Value::Origin(text) => match request_origin {
            Some(origin) if text.as_bytes() == origin.as_bytes() => Some(origin.clone()),
            _ => HeaderValue::from_str(text).ok(),
        },
        Value::OriginWithSlash(_) => HeaderValue::from_str(&value.to_string()).ok(),
        Value::Any => Some(HeaderValue::from_static("*")),
        Value::True => Some(HeaderValue::from_static("true")),
        Value::List(_) | Value::Seconds(_) => live.written(name).cloned(),
    };
    decision.headers.iter().filter_map(|(name, v)| Some((name_of(name)?, value(name, v)?))).collect()
}

fn name_of(name: &str) -> Option<HeaderName> {
    Some(match name {
        server::ALLOW_ORIGIN => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        server::ALLOW_CREDENTIALS => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        server::ALLOW_METHODS => header::ACCESS_CONTROL_ALLOW_METHODS,
        server::ALLOW_HEADERS => header::ACCESS_CONTROL_ALLOW_HEADERS,
        server::EXPOSE_HEADERS => header::ACCESS_CONTROL_EXPOSE_HEADERS,
        server::MAX_AGE => header::ACCESS_CONTROL_MAX_AGE,
        _ => return None,
    })
}

/// Puts the headers on a response: a name replaces what the route set, so there is one of
/// each, unless the decision names it twice in a row (a proxy's doubled
/// `Access-Control-Allow-Origin`, a lab mistake). `Vary: Origin` is appended when the answer
/// depends on `Origin`.
pub fn apply(cors: Vec<(HeaderName, HeaderValue)>, vary_origin: bool, out: &mut HeaderMap) {
    let mut previous: Option<HeaderName> = None;
    for (name, value) in cors {
        if previous.as_ref() == Some(&name) {
            out.append(&name, value);
        } else {
            out.insert(&name, value);
        }
        previous = Some(name);
    }
    if vary_origin {
        append_vary(out, "Origin");
    }
}

/// Adds `name` to `Vary` unless it is there already; never overwrites what the route set.
pub fn append_vary(headers: &mut HeaderMap, name: &'static str) {
    let value = HeaderValue::from_static(name);
    match headers.entry(header::VARY) {
        Entry::Vacant(vacant) => {
            vacant.insert(value);
        }
        Entry::Occupied(mut occupied) => {
            let listed = occupied.iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','));
            if !listed.map(str::trim).any(|v| v.eq_ignore_ascii_case(name) || v == "*") {
                occupied.append(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::cors::{AllowOrigin, CorsPolicy, decide};

    /// What is sent is what the decision names: the values written when the policy was set
    /// read the same as the decision's own words for them, list by list.
    #[test]
    fn the_values_written_at_set_time_are_the_decisions_values() {
        let front = "http://localhost:8080";
        let base = CorsPolicy::secure_default(front);
        let policies = [
            base.clone(),
            CorsPolicy { allow_methods: vec!["*".into()], allow_headers: vec!["*".into()], allow_credentials: false, max_age: Some(600), ..base.clone() },
            CorsPolicy { expose_headers: vec!["X-Instance".into(), "Date".into()], allow_origin: AllowOrigin::Reflect, ..base.clone() },
            CorsPolicy { allow_methods: vec!["PUT".into()], allow_headers: vec![], allow_origin: AllowOrigin::Any, allow_credentials: false, ..base },
        ];
        let origin = HeaderValue::from_static(front);
        for policy in policies {
            let live = LivePolicy::new(ValidPolicy::try_from(policy).expect("valid"));
            let allowed_method = live.policy.allow_methods.first().filter(|m| *m != "*").map_or("PATCH", String::as_str).to_owned();
            for method in ["OPTIONS", "GET"] {
                let request_method = (method == "OPTIONS").then_some(allowed_method.as_str());
                let request = CorsRequest { method, origin: Some(front), request_method, request_headers: None };
                let decision = decide(&live, &request);
                let sent: Vec<(String, String)> =
                    response_headers(&decision, Some(&origin), &live).iter().map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned())).collect();
                let named: Vec<(String, String)> = decision.headers.iter().map(|(n, v)| ((*n).to_owned(), v.to_string())).collect();
                assert!(!named.is_empty(), "{:?}", *live);
                assert_eq!(sent, named, "{:?}", *live);
            }
        }
    }

    #[test]
    fn vary_is_appended_never_overwritten_nor_doubled() {
        let mut h = HeaderMap::new();
        h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        append_vary(&mut h, "Origin");
        append_vary(&mut h, "Origin");
        let all: Vec<&str> = h.get_all(header::VARY).iter().map(|v| v.to_str().unwrap()).collect();
        assert_eq!(all, ["Accept-Encoding", "Origin"]);
        let mut star = HeaderMap::new();
        star.insert(header::VARY, HeaderValue::from_static("*"));
        append_vary(&mut star, "Origin");
        assert_eq!(star.get_all(header::VARY).iter().count(), 1);
    }
}
