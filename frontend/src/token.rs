//! A JWT as the token panel shows it: header and payload as the browser's JSON reads them,
//! the times the payload states, the signature. Only shown, never trusted: the server
//! verifies with `shared::jwt`, and the page re-signs with the same `jwt::sign_parts`.

use shared::jwt;
use wasm_bindgen::JsValue;

use crate::json;

#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The header as indented JSON.
    pub header: String,
    /// The payload as indented JSON: what the editor starts from.
    pub payload: String,
    /// `iat` and `exp` when they are whole numbers (seconds since the epoch).
    pub iat: Option<i64>,
    pub exp: Option<i64>,
    /// The signature, base64url.
    pub signature: String,
}

/// `token`'s parts, when it has three and the first two are base64url JSON objects.
pub fn show(token: &str) -> Option<Shown> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let (header, payload) = (object(header)?, object(payload)?);
    Some(Shown {
        header: json::stringify(&header, true),
        payload: json::stringify(&payload, true),
        iat: json::member(&payload, "iat").flatten(),
        exp: json::member(&payload, "exp").flatten(),
        signature: jwt::b64url(&jwt::b64url_decode(signature)?),
    })
}

fn object(part: &str) -> Option<JsValue> {
    let value = json::value(&String::from_utf8(jwt::b64url_decode(part)?).ok()?)?;
    (value.is_object() && !js_sys::Array::is_array(&value)).then_some(value)
}
