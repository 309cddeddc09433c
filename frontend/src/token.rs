//! A JWT as the token panel shows it: header and payload as the browser's JSON reads them,
//! the times the payload states, the signature. Only shown, never trusted: the server
//! verifies with `shared::jwt`, and the page re-signs with the same `jwt::sign_parts`.

use shared::jwt;
use wasm_bindgen::JsValue;

use crate::{html::Html, json};

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
    let (header, payload, signature) = jwt::split(token).ok()?;
    let (header, payload) = (object(header)?, object(payload)?);
    Some(Shown {
        header: json::stringify(&header, true),
        payload: json::stringify(&payload, true),
        iat: json::member(&payload, "iat").flatten(),
        exp: json::member(&payload, "exp").flatten(),
        // Shown as received, once it is known to be canonical base64url.
        signature: jwt::b64url_decode(signature).map(|_| signature.to_owned())?,
    })
}

fn object(part: &str) -> Option<JsValue> {
    let value = json::value(&String::from_utf8(jwt::b64url_decode(part)?).ok()?)?;
    (value.is_object() && !js_sys::Array::is_array(&value)).then_some(value)
}

/// The panel's view of the token, as markup (shown, never edited: less wasm than view
/// nodes), with its countdown as of `now_ms`.
pub fn html(token: Option<&Shown>, now_ms: f64) -> String {
    let mut html = Html::default();
    let Some(token) = token else {
        html.markup("<p class=\"small\">No token yet: press \u{201c}Get a JWT\u{201d}.</p>");
        return html.finish();
    };
    let issued = token.iat.map(|i| format!("Issued {}. ", time(i))).unwrap_or_default();
    let expires = token.exp.map(|e| format!("Expires {}", time(e))).unwrap_or_default();
    let left = token.exp.map(|e| e - (now_ms / 1000.0) as i64);
    let left = left.map(|l| if l > 0 { format!(" ({l} s left).") } else { format!(" (expired {} s ago).", -l) }).unwrap_or_default();
    html.markup("<p class=\"small\">Header</p>")
        .element("pre", &[("id", "jwt-header")], &token.header)
        .element("p", &[("class", "small"), ("id", "jwt-times")], &format!("{issued}{expires}{left}"))
        .markup("<p class=\"small\">Signature (HMAC-SHA256, base64url): ")
        .element("code", &[("class", "wrap")], &token.signature)
        .markup("</p>");
    html.finish()
}

/// Seconds since the epoch → readable UTC time.
fn time(seconds: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(seconds as f64 * 1000.0));
    date.to_iso_string().as_string().unwrap_or_default().replace(".000Z", "Z")
}
