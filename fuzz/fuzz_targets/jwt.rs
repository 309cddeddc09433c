//! Any string as a bearer token: decode and verify never panic, and a token that verifies has
//! an HS256 header the UI decodes too. Any bytes as a signed payload: verify reads the claims
//! serde reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::jwt;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else { return };
    let decoded = jwt::decode(token);
    let secret = b"fuzz-secret-fuzz-secret-fuzz-secret!";
    let verified = jwt::verify(token, secret, 1_800_000_000);
    if let Ok(claims) = &verified {
        assert!(claims.exp > 1_800_000_000);
        // The UI decodes what the server accepted, but for payload members the server skips
        // (the UI refuses repeats and values serde cannot hold; verify reads only the claims).
        match &decoded {
            Ok(decoded) => assert_eq!(decoded.header.get("alg").and_then(|a| a.as_str()), Some("HS256")),
            Err(e) => assert!(e.to_string().contains("the payload"), "{e}"),
        }
    }
    // Arbitrary bytes as the payload of a validly signed token with the standard header.
    let token = jwt::sign_parts(br#"{"alg":"HS256","typ":"JWT"}"#, data, secret);
    if let (Ok(claims), Ok(decoded)) = (jwt::verify(&token, secret, 0), jwt::decode(&token)) {
        let parsed: Result<jwt::Claims, _> = serde_json::from_value(serde_json::Value::Object(decoded.payload.into_iter().collect()));
        assert_eq!(Some(claims), parsed.ok());
    }
    // The UI's re-sign path with arbitrary bytes as the payload.
    // Only the payload can make the result undecodable (not JSON, not an object, or a name
    // twice: see the regression test in shared/src/jwt.rs).
    let signed = jwt::sign_parts(br#"{"alg":"HS256"}"#, data, b"k");
    if let Err(e) = jwt::decode(&signed) {
        assert!(e.to_string().contains("the payload") || signed.len() > jwt::MAX_TOKEN_LEN, "{e}");
    }
});
