//! The live CORS policy on HTTP: request headers into `shared::cors::decide`, its decision
//! onto the response.

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use shared::cors::{CorsRequest, Decision};

/// The CORS-relevant request headers, copied out (cheaply: values are reference-counted) so
/// the decision can outlive the request, which goes on to the route.
pub struct CorsHeaders {
    method: Method,
    pub origin: Option<HeaderValue>,
    request_method: Option<HeaderValue>,
    request_headers: Option<HeaderValue>,
}

impl CorsHeaders {
    pub fn of(method: &Method, headers: &HeaderMap) -> CorsHeaders {
        let get = |name: HeaderName| headers.get(name).cloned();
        CorsHeaders {
            method: method.clone(),
            origin: get(header::ORIGIN),
            request_method: get(header::ACCESS_CONTROL_REQUEST_METHOD),
            request_headers: get(header::ACCESS_CONTROL_REQUEST_HEADERS),
        }
    }

    /// For the engine (a header that is not visible ASCII counts as absent).
    pub fn request(&self) -> CorsRequest<'_> {
        fn text(v: &Option<HeaderValue>) -> Option<&str> {
            v.as_ref().and_then(|v| v.to_str().ok())
        }
        CorsRequest {
            method: self.method.as_str(),
            origin: text(&self.origin),
            request_method: text(&self.request_method),
            request_headers: text(&self.request_headers),
        }
    }
}

/// Puts the decision's headers on a response: `insert`, not `append`, so there is exactly one
/// of each whatever the route set; a value that cannot be a header (a reflected junk origin)
/// is left out. `Vary: Origin` is appended.
pub fn apply(decision: &Decision<'_>, out: &mut HeaderMap) {
    for (name, value) in &decision.headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            out.insert(*name, value);
        }
    }
    if decision.vary_origin {
        append_vary(out, "Origin");
    }
}

/// Adds `name` to `Vary` unless it is there already; never overwrites what the route set.
pub fn append_vary(headers: &mut HeaderMap, name: &'static str) {
    let present = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case(name) || v.trim() == "*");
    if !present {
        headers.append(header::VARY, HeaderValue::from_static(name));
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
