//! The `<option>`s of a `<select>` (or a `<datalist>`), shared by every list of choices: a
//! `map(view!)` of its own at each call site cost the wasm its own code.

use leptos::prelude::*;

/// One option per value, labelled with the value itself; the empty value reads "(none)".
pub fn options(values: &[&'static str]) -> AnyView {
    values
        .iter()
        .map(|&value| view! { <option value=value>{if value.is_empty() { "(none)" } else { value }}</option> }.into_any())
        .collect_view()
        .into_any()
}
