//! The live CORS policy on HTTP: request headers into `shared::cors::decide`, its decision
//! onto the response.

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use shared::cors::{CorsRequest, Decision, server};

/// The request's side for the engine. `header` finds a request header's value (the pipeline
/// reads them from the log record, which picked them out already); one that is not visible
/// ASCII counts as absent, as `HeaderValue::to_str` has it.
pub fn request<'a>(method: &'a Method, header: impl Fn(HeaderName) -> Option<&'a [u8]>) -> CorsRequest<'a> {
    let text = |name| header(name).filter(|v| v.iter().all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))).and_then(|v| std::str::from_utf8(v).ok());
    CorsRequest {
        method: method.as_str(),
        origin: text(header::ORIGIN),
        request_method: text(header::ACCESS_CONTROL_REQUEST_METHOD),
        request_headers: text(header::ACCESS_CONTROL_REQUEST_HEADERS),
    }
}

/// Puts the decision's headers on a response: `insert`, not `append`, so there is exactly one
/// of each whatever the route set; a value that cannot be a header (a reflected junk origin)
/// is left out. `Vary: Origin` is appended.
pub fn apply(decision: &Decision<'_>, request_origin: Option<&HeaderValue>, out: &mut HeaderMap) {
    for (name, value) in &decision.headers {
        // Per request, so no parsing where it can be avoided: the names are known constants,
        // a reflected or listed origin is the request's own header value (shared, not copied).
        let name = match *name {
            server::ALLOW_ORIGIN => header::ACCESS_CONTROL_ALLOW_ORIGIN,
            server::ALLOW_CREDENTIALS => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            server::ALLOW_METHODS => header::ACCESS_CONTROL_ALLOW_METHODS,
            server::ALLOW_HEADERS => header::ACCESS_CONTROL_ALLOW_HEADERS,
            server::EXPOSE_HEADERS => header::ACCESS_CONTROL_EXPOSE_HEADERS,
            server::MAX_AGE => header::ACCESS_CONTROL_MAX_AGE,
            other => match HeaderName::from_bytes(other.as_bytes()) {
                Ok(name) => name,
                Err(_) => continue,
            },
        };
        let value = match (value.as_ref(), request_origin) {
            ("true", _) => HeaderValue::from_static("true"),
            ("*", _) => HeaderValue::from_static("*"),
            (v, Some(origin)) if v.as_bytes() == origin.as_bytes() => origin.clone(),
            (v, _) => match HeaderValue::from_str(v) {
                Ok(value) => value,
                Err(_) => continue,
            },
        };
        out.insert(name, value);
    }
    if decision.vary_origin {
        append_vary(out, "Origin");
    }
}

/// Adds `name` to `Vary` unless it is there already; never overwrites what the route set.
pub fn append_vary(headers: &mut HeaderMap, name: &'static str) {
    // `contains_key` first: no route sets `Vary` today, and the scan is the dear part.
    let present = headers.contains_key(header::VARY)
        && headers
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
