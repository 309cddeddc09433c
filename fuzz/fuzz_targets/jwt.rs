//! Any string as a bearer token: decode and verify never panic, and a token that verifies
//! re-signs to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::jwt;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else { return };
    let _ = jwt::decode(token);
    if let Ok(claims) = jwt::verify(token, b"fuzz-secret-fuzz-secret-fuzz-secret!", 1_800_000_000) {
        assert!(claims.exp > 1_800_000_000);
    }
    // The UI's re-sign path with arbitrary bytes as the payload.
    let signed = jwt::sign_parts(br#"{"alg":"HS256"}"#, data, b"k");
    assert!(jwt::decode(&signed).is_ok() || serde_json::from_slice::<serde_json::Value>(data).map_or(true, |v| !v.is_object()));
});
