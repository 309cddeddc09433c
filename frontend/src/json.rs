//! JSON in the page, with serde on this side as on the server's, over the shared wire types.
//!
//! Reading: the browser parses (`JSON.parse`) and serde-wasm-bindgen reads the parsed value
//! into a serde type, so the page carries no JSON parser of its own. Writing: serde_json, as
//! the server writes.

use js_sys::JSON;
use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::JsValue;

/// `text` read as a `T`, or why not, in words.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    from_value(parse_value(text)?)
}

/// `text` parsed by the browser, not yet read as any type.
pub fn parse_value(text: &str) -> Result<JsValue, String> {
    JSON::parse(text).map_err(|_| "not JSON".to_owned())
}

/// A parsed JSON value read as a `T`, or why not, in words.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// `value` as compact JSON text.
pub fn to_string(value: &impl Serialize) -> String {
    // Only maps with non-string keys fail to serialize, and no wire type has one.
    serde_json::to_string(value).expect("the wire types serialize to JSON")
}

/// Any JSON text, indented by two spaces (`pretty`) or compact, as the browser writes it;
/// `None` when it is not JSON. For JSON the page only shows or passes on, such as a token's
/// header and payload, which follow no wire type.
pub fn reformat(text: &str, pretty: bool) -> Option<String> {
    let value = JSON::parse(text).ok()?;
    let indent = if pretty { JsValue::from(2) } else { JsValue::UNDEFINED };
    JSON::stringify_with_replacer_and_space(&value, &JsValue::NULL, &indent).ok().map(String::from)
}
