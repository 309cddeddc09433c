//! The page's JSON, read by the browser's `JSON.parse` (so tested in headless Chromium): it
//! reads back what the server writes with serde, and a shared link and a token round-trip.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use frontend::{
    json::{self, FromJson},
    lab_request::LabRequest,
    presets::Preset,
    share::{SharedLab, from_fragment, read_fragment, to_fragment},
    token,
};
use shared::{
    cookie::{CookiePolicy, SameSite},
    cors::{AllowOrigin, CorsPolicy, browser::CredentialsMode},
    jwt,
    wire::{Credentials, Instance, LogEntry},
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// What serde writes, the page reads back unchanged.
fn reads_back<T: FromJson + serde::Serialize + PartialEq + std::fmt::Debug>(value: T) {
    assert_eq!(json::parse::<T>(&serde_json::to_string(&value).unwrap()), Some(value));
}

#[wasm_bindgen_test]
fn reads_what_serde_writes() {
    reads_back(CorsPolicy { max_age: Some(600), expose_headers: vec!["X-Total".into()], ..CorsPolicy::secure_default("http://localhost:8080") });
    for allow_origin in [AllowOrigin::None, AllowOrigin::Any, AllowOrigin::Reflect] {
        reads_back(allow_origin);
    }
    reads_back(CookiePolicy { same_site: SameSite::None, secure: true, http_only: false });
    for mode in CredentialsMode::ALL {
        reads_back(mode);
    }
    reads_back(vec![LogEntry {
        seq: 3,
        at: "2026-01-01T00:00:00.000Z".into(),
        rid: None,
        method: "OPTIONS".into(),
        path: "/api/profile".into(),
        origin: Some("null".into()),
        preflight: true,
        request_headers: BTreeMap::from([("access-control-request-method".into(), "PUT".into())]),
        credentials: Credentials { cookie: "none".into(), authorization: "Bearer eyJhbGci…".into() },
        status: 204,
        response_headers: BTreeMap::new(),
        cors: "allowed \"quoted\"\n".into(),
        auth: "not checked".into(),
    }]);
}

#[wasm_bindgen_test]
fn a_missing_member_is_only_fine_for_an_option() {
    assert_eq!(json::parse::<Instance>(r#"{"name":"A","store":"memory","peers":[]}"#).map(|i| i.name), Some("A".into()));
    assert_eq!(json::parse::<Instance>(r#"{"name":"A","store":"memory"}"#), None);
    let policy = r#"{"enabled":true,"allow_origin":{"mode":"any"},"allow_credentials":false,"allow_methods":[],"allow_headers":[],"expose_headers":[]}"#;
    assert_eq!(json::parse::<CorsPolicy>(policy).map(|p| p.max_age), Some(None));
    assert_eq!(json::parse::<AllowOrigin>(r#"{"mode":"all"}"#), None);
    assert_eq!(json::parse::<(String, String)>(r#"["X-A","1"]"#), Some(("X-A".into(), "1".into())));
    assert_eq!(json::parse::<u16>("70000"), None);
    assert_eq!(json::parse::<u64>("1.5"), None);
    assert_eq!(json::parse::<u64>("-1"), None);
    assert_eq!(json::parse::<bool>("not json"), None);
    assert_eq!(json::parse::<BTreeMap<String, String>>("[]"), None);
}

#[wasm_bindgen_test]
fn a_shared_link_round_trips_and_junk_is_refused() {
    let lab = SharedLab {
        policy: Preset::TrustNull.policy("http://localhost:8080"),
        cookie: CookiePolicy::default(),
        request: LabRequest { method: "PUT".into(), custom_header: Some(("X-Custom".into(), "1".into())), ..Default::default() },
    };
    let fragment = to_fragment(&lab);
    assert!(fragment.starts_with("#lab="));
    assert_eq!(from_fragment(&fragment), Some(lab));
    assert_eq!(from_fragment("#lab=!!!"), None);
    assert_eq!(from_fragment("#other"), None);
    assert_eq!(from_fragment(&format!("#lab={}", jwt::b64url(b"{\"policy\":1}"))), None);
    assert_eq!(read_fragment("#other"), None);
    assert!(read_fragment("#lab=!!!").is_some_and(|r| r.is_err()));
}

#[wasm_bindgen_test]
fn a_shared_link_whose_request_leaves_the_api_host_is_refused() {
    let mut lab = SharedLab { policy: Preset::Secure.policy("http://localhost:8080"), cookie: CookiePolicy::default(), request: LabRequest::default() };
    lab.request.path = "@evil.example/steal".into();
    let refused = read_fragment(&to_fragment(&lab)).expect("a lab is in the fragment");
    assert!(refused.is_err_and(|e| e.contains("does not start with /")));
}

#[wasm_bindgen_test]
fn a_token_is_shown_part_by_part() {
    let claims = jwt::Claims { sub: "1".into(), email: Some("a@b.com".into()), iat: Some(1_000), exp: 4_102_444_800, nbf: None };
    let shown = token::show(&jwt::encode(&claims, b"secret")).expect("a well-formed token");
    assert_eq!(shown.header, "{\n  \"alg\": \"HS256\",\n  \"typ\": \"JWT\"\n}");
    assert!(shown.payload.contains("\"email\": \"a@b.com\""), "{}", shown.payload);
    assert_eq!((shown.iat, shown.exp), (Some(1_000.0), Some(4_102_444_800.0)));
    assert_eq!(shown.signature.len(), 43);
    assert_eq!(token::show("a.b"), None);
    assert_eq!(token::show(&format!("{}.{}.x", jwt::b64url(b"[]"), jwt::b64url(b"{}"))), None);
}

#[wasm_bindgen_test]
fn a_token_beyond_the_date_range_is_shown_as_out_of_range() {
    for exp in ["1e13", "-1e13", "1e300", "-9223372036854775000"] {
        let payload = format!("{{\"sub\":\"1\",\"iat\":1000,\"exp\":{exp}}}");
        let token = jwt::sign_parts(br#"{"alg":"HS256","typ":"JWT"}"#, payload.as_bytes(), b"secret");
        let shown = token::show(&token).expect("a well-formed token");
        let html = token::html(Some(&shown), 1_000_000.0);
        assert!(html.contains("Issued 1970-01-01T00:16:40Z. Expires out of range."), "{exp}: {html}");
    }
}
