//! The live CORS policy on HTTP: request headers into `shared::cors::decide`, its decision
//! back into response headers. The rules themselves are `shared::cors`'s.

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header, header::Entry};
use shared::cors::{CorsRequest, Decision, server};

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

/// The headers a decision puts on the response, owned, so they can wait for the route's
/// answer. An origin sent back is the request's own header value (shared, not parsed again);
/// a value that cannot be a header is left out.
pub fn response_headers(decision: &Decision<'_>, request_origin: Option<&HeaderValue>) -> Vec<(HeaderName, HeaderValue)> {
    let value = |text: &str| match (text, request_origin) {
        ("true", _) => Some(HeaderValue::from_static("true")),
        ("*", _) => Some(HeaderValue::from_static("*")),
        (text, Some(origin)) if text.as_bytes() == origin.as_bytes() => Some(origin.clone()),
        (text, _) => HeaderValue::from_str(text).ok(),
    };
    decision.headers.iter().filter_map(|(name, text)| Some((name_of(name)?, value(text)?))).collect()
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

/// Puts the headers on a response: `insert`, not `append`, so there is exactly one of each
/// whatever the route set. `Vary: Origin` is appended when the answer depends on `Origin`.
pub fn apply(cors: Vec<(HeaderName, HeaderValue)>, vary_origin: bool, out: &mut HeaderMap) {
    for (name, value) in cors {
        out.insert(name, value);
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
