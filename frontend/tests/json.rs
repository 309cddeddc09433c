//! The page's JSON, read by the browser's `JSON.parse` and serde-wasm-bindgen (so tested in
//! headless Chromium): it reads back what the server writes with serde_json, refuses what the
//! contract does not allow, and a shared link and a token round-trip.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use frontend::{
    json,
    lab_request::LabRequest,
    labs::{
        auth::token,
        cors::{
            presets::Preset,
            share::{SharedLab, from_fragment, read_fragment, to_fragment},
        },
    },
};
use serde::{Serialize, de::DeserializeOwned};
use shared::{
    cookie::{CookiePolicy, SameSite},
    cors::{AllowOrigin, CorsPolicy, RefusedPreflight, browser::CredentialsMode},
    jwt,
    cors::server::Refusal,
    wire::{
        AuthKind, Authenticated, Credentials, Defense, DefenseSaw, Defenses, ErrorBody, ErrorCode, Instance, LogEntry, Reason,
        RouteOutcome, SeenAuthorization, SeenCookie, SessionRow,
    },
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// What serde_json writes, the page reads back unchanged.
fn reads_back<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(value: T) {
    assert_eq!(json::parse::<T>(&serde_json::to_string(&value).unwrap()), Ok(value));
}

#[wasm_bindgen_test]
fn reads_what_serde_json_writes() {
    reads_back(CorsPolicy {
        max_age: Some(600),
        expose_headers: vec!["X-Total".into()],
        refused_preflight: RefusedPreflight::Headers,
        ..CorsPolicy::secure_default("http://localhost:8080")
    });
    for allow_origin in [AllowOrigin::None, AllowOrigin::Any, AllowOrigin::Reflect] {
        reads_back(allow_origin);
    }
    reads_back(CookiePolicy { same_site: SameSite::None, secure: true, http_only: false });
    reads_back(Defenses { origin_check: true, json_only: false, fetch_metadata: true, csrf_token: true });
    for mode in CredentialsMode::ALL {
        reads_back(mode);
    }
    reads_back(ErrorBody { error: ErrorCode::ControlTokenRequired, message: "type the token".into() });
    reads_back(vec![SessionRow {
        handle: "h".into(),
        id_prefix: "AbCdEfGh".into(),
        user_id: 1,
        created_at: "2026-01-01T00:00:00Z".into(),
        last_seen_at: "2026-01-01T00:00:00Z".into(),
        expires_at: "2026-01-01T00:30:00Z".into(),
    }]);
    reads_back(vec![LogEntry {
        seq: 3,
        at: "2026-01-01T00:00:00.000Z".into(),
        rid: None,
        method: "OPTIONS".into(),
        path: "/api/profile".into(),
        origin: Some("null".into()),
        preflight: true,
        request_headers: BTreeMap::from([("access-control-request-method".into(), "PUT".into())]),
        credentials: Credentials {
            cookies: vec![SeenCookie { name: "".into(), value: "quoted\"\n…".into() }],
            authorization: Some(SeenAuthorization::Bearer { token: "eyJhbGci…".into() }),
        },
        status: 204,
        response_headers: BTreeMap::new(),
        // The tagged enums of the log, nested, through the browser's JSON.
        cors: Some(Reason::Refused { preflight: true, why: Refusal::Header { name: "x-\"quoted\"\n".into(), allowed: "Content-Type".into() } }),
        outcome: RouteOutcome::Transferred {
            by: Authenticated { user: 1, email: "a@b.com".into(), by: AuthKind::Jwt, session: None },
            to: "bob@example.com".into(),
            amount: 100,
        },
    }]);
    reads_back(RouteOutcome::DefenseRefused { defense: Defense::FetchMetadata, saw: DefenseSaw::CrossSite { old_browser: true } });
}

#[wasm_bindgen_test]
fn what_the_contract_does_not_allow_is_refused() {
    assert_eq!(json::parse::<Instance>(r#"{"name":"A","store":"memory","peers":[]}"#).map(|i| i.name), Ok("A".into()));
    assert!(json::parse::<Instance>(r#"{"name":"A","store":"memory"}"#).is_err(), "a missing member");
    let policy = r#"{"enabled":true,"allow_origin":{"mode":"any"},"allow_credentials":false,"allow_methods":[],"allow_headers":[],"expose_headers":[]}"#;
    let read = json::parse::<CorsPolicy>(policy).expect("max_age and refused_preflight may be absent");
    assert_eq!((read.max_age, read.refused_preflight), (None, RefusedPreflight::Forbidden));
    assert!(json::parse::<AllowOrigin>(r#"{"mode":"all"}"#).is_err());
    assert!(json::parse::<u16>("70000").is_err());
    assert!(json::parse::<u64>("1.5").is_err());
    assert!(json::parse::<u64>("-1").is_err());
    assert!(json::parse::<bool>("not json").is_err());
    assert!(json::parse::<BTreeMap<String, String>>(r#"{"a":1}"#).is_err());
    assert_eq!(json::parse::<ErrorCode>(r#""from_the_future""#), Ok(ErrorCode::Other));
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
        assert_eq!(token::times(shown.iat, shown.exp, 1_000_000.0), "Issued 1970-01-01T00:16:40Z. Expires out of range.", "{exp}");
    }
}

#[wasm_bindgen_test]
fn a_payload_is_compacted_for_signing_as_the_browser_writes_it() {
    assert_eq!(json::reformat("{\n  \"sub\": \"1\",\n  \"exp\": 1e3\n}", false).as_deref(), Some(r#"{"sub":"1","exp":1000}"#));
    assert_eq!(json::reformat("{nope", false), None);
}
