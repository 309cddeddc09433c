//! Pieces the forms share: the options of a select, and inputs tied to a signal.

use leptos::{ev::Event, prelude::*};

/// One `<option>` per value, labelled with the value itself; the empty value reads "(none)".
pub fn options(values: &[&'static str]) -> impl IntoView + use<> {
    values
        .iter()
        .map(|&value| view! { <option value=value>{if value.is_empty() { "(none)" } else { value }}</option> })
        .collect_view()
}

/// For `on:input` beside `prop:value=text`: typing sets `text`.
pub fn set_text(text: RwSignal<String>) -> impl FnMut(Event) + 'static {
    move |ev| text.set(event_target_value(&ev))
}

/// For `on:change` beside `prop:checked=on`: a click sets `on`.
pub fn set_checked(on: RwSignal<bool>) -> impl FnMut(Event) + 'static {
    move |ev| on.set(event_target_checked(&ev))
}
