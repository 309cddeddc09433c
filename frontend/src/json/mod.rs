//! JSON in the page: the backend's answers, the live log, a shared link, the bodies it sends.
//!
//! No serde here, on purpose: serde's derived code and serde_json's generic parser were about
//! a sixth of the download. The browser parses (`JSON.parse`) and the small `FromJson` impls
//! read the result; `ToJson` writes the text itself, byte for byte what serde_json writes
//! (the tests compare the two). The server stays strict about what it accepts; the page only
//! reads what the server wrote, so a value of the wrong shape is simply `None`.
//!
//! `read` and `write` hold the impls for Rust's own types, `wire` those for the types of
//! `shared` the page exchanges with the server.

mod read;
mod wire;
mod write;

use js_sys::{JSON, Reflect};
use wasm_bindgen::JsValue;

/// A type the page reads from JSON, in the shape serde writes it.
pub trait FromJson: Sized {
    fn from_json(value: &JsValue) -> Option<Self>;
}

/// A type the page writes as JSON, exactly as serde_json would.
pub trait ToJson {
    fn write_json(&self, out: &mut String);
}

/// Parses JSON text (in the browser: only in wasm).
pub fn value(text: &str) -> Option<JsValue> {
    JSON::parse(text).ok()
}

/// Parses `text` as a `T`.
pub fn parse<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(&value(text)?)
}

/// `value` as compact JSON text.
pub fn to_string(value: &(impl ToJson + ?Sized)) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// A parsed value as text again: compact, or indented by two spaces.
pub fn stringify(value: &JsValue, pretty: bool) -> String {
    let space = if pretty { JsValue::from(2) } else { JsValue::UNDEFINED };
    JSON::stringify_with_replacer_and_space(value, &JsValue::NULL, &space).map(String::from).unwrap_or_default()
}

/// The member `name` of an object; a missing member reads as `undefined`, which an `Option`
/// reads as `None`, as serde reads a missing `Option` field.
pub fn member<T: FromJson>(object: &JsValue, name: &str) -> Option<T> {
    if !object.is_object() {
        return None;
    }
    T::from_json(&Reflect::get(object, &JsValue::from_str(name)).ok()?)
}

/// Writes `{"name":value,...}` one member at a time.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    pub fn member(&mut self, name: &str, value: &(impl ToJson + ?Sized)) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        name.write_json(self.out);
        self.out.push(':');
        value.write_json(self.out);
    }

    pub fn end(self) {
        self.out.push('}');
    }
}

/// `FromJson` and `ToJson` for structs serde writes as objects with one member per field,
/// in field order. Listing the fields in a struct literal makes a field added to the type a
/// compile error here. (The linker drops the direction the page does not use.)
macro_rules! json_objects {
    ($($type:path { $($field:ident),* $(,)? })*) => {$(
        impl $crate::json::FromJson for $type {
            fn from_json(value: &::wasm_bindgen::JsValue) -> Option<Self> {
                Some(Self { $($field: $crate::json::member(value, stringify!($field))?),* })
            }
        }

        impl $crate::json::ToJson for $type {
            fn write_json(&self, out: &mut String) {
                let mut object = $crate::json::ObjectWriter::new(out);
                $(object.member(stringify!($field), &self.$field);)*
                object.end();
            }
        }
    )*};
}
pub(crate) use json_objects;
