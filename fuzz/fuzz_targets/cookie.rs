//! Any bytes as Cookie headers: finding the session cookie and parsing its id never panic.
#![no_main]

use backend::{cookie::session_cookie, sessions::SessionId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut headers = axum_http::HeaderMap::new();
    for part in data.split(|b| *b == b'\n') {
        if let Ok(value) = axum_http::HeaderValue::from_bytes(part) {
            headers.append(axum_http::header::COOKIE, value);
        }
    }
    if let Some(id) = session_cookie(&headers) {
        if let Some(parsed) = SessionId::parse(id) {
            assert_eq!(parsed.encode(), id);
        }
    }
});
