//! `FromJson` for the Rust types the page's JSON is made of.

use std::collections::BTreeMap;

use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

use super::FromJson;

impl FromJson for String {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.as_string()
    }
}

impl FromJson for bool {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.as_bool()
    }
}

/// Any JavaScript number (a JWT's times may be fractional).
impl FromJson for f64 {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.as_f64()
    }
}

/// A JavaScript number is exact up to 2^53: whole numbers in that range only.
impl FromJson for u64 {
    fn from_json(value: &JsValue) -> Option<Self> {
        i64::from_json(value)?.try_into().ok()
    }
}

/// Whole numbers that a JavaScript number holds exactly.
impl FromJson for i64 {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.as_f64().filter(|n| n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0).map(|n| n as i64)
    }
}

impl FromJson for u32 {
    fn from_json(value: &JsValue) -> Option<Self> {
        u64::from_json(value)?.try_into().ok()
    }
}

impl FromJson for u16 {
    fn from_json(value: &JsValue) -> Option<Self> {
        u64::from_json(value)?.try_into().ok()
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &JsValue) -> Option<Self> {
        if value.is_null() || value.is_undefined() { Some(None) } else { T::from_json(value).map(Some) }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.dyn_ref::<Array>()?.iter().map(|item| T::from_json(&item)).collect()
    }
}

/// A pair, which serde writes as a two-element array.
impl<A: FromJson, B: FromJson> FromJson for (A, B) {
    fn from_json(value: &JsValue) -> Option<Self> {
        let array = value.dyn_ref::<Array>().filter(|a| a.length() == 2)?;
        Some((A::from_json(&array.get(0))?, B::from_json(&array.get(1))?))
    }
}

impl FromJson for BTreeMap<String, String> {
    fn from_json(value: &JsValue) -> Option<Self> {
        if !value.is_object() || Array::is_array(value) {
            return None;
        }
        // Inserted one by one: collecting into a map would sort, and a sort costs kilobytes.
        let mut map = BTreeMap::new();
        for entry in Object::entries(value.unchecked_ref()).iter() {
            let pair: Array = entry.unchecked_into();
            map.insert(pair.get(0).as_string()?, pair.get(1).as_string()?);
        }
        Some(map)
    }
}
