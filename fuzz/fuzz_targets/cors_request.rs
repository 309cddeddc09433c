//! Any Origin, Access-Control-Request-Method and -Headers against every preset-like policy:
//! the decision never panics, and a refused preflight never carries a CORS header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::cors::{Action, AllowOrigin, CorsPolicy, CorsRequest, decide, policy::check_origin};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.splitn(3, '\n');
    let (origin, method, headers) = (parts.next(), parts.next(), parts.next());
    let _ = origin.map(check_origin);
    let base = CorsPolicy::secure_default("http://localhost:8080");
    let policies = [
        base.clone(),
        CorsPolicy { allow_origin: AllowOrigin::Reflect, ..base.clone() },
        CorsPolicy { allow_origin: AllowOrigin::Any, allow_headers: vec!["*".into()], allow_methods: vec!["*".into()], ..base.clone() },
        CorsPolicy { allow_origin: AllowOrigin::None, ..base.clone() },
        CorsPolicy::off("http://localhost:8080"),
    ];
    for policy in &policies {
        for http_method in ["OPTIONS", "GET", "POST"] {
            let d = decide(policy, &CorsRequest { method: http_method, origin, request_method: method, request_headers: headers });
            if d.action == (Action::AnswerPreflight { allowed: false }) {
                assert!(d.headers.is_empty());
            }
            let _ = d.reason.to_string();
        }
    }
});
