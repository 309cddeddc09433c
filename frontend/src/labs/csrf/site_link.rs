//! A link to a page of the other site, shown only for a loopback URL.

use leptos::prelude::*;

use crate::loopback;

/// A link to a page of the other site (the attack, the exploit), only when the backend named a loopback URL (`loopback::link`):
/// a URL the page shows as a link must not lead anywhere else, `javascript:` least of all.
#[component]
pub fn SiteLink(id: &'static str, url: String, label: &'static str) -> impl IntoView {
    match loopback::link(&url) {
        Some(href) => view! { <a id=id href=href.to_owned() target="_blank" rel="noopener">{label}</a> }.into_any(),
        None => view! {
            <span class="error refused-link">{format!("Refused a link the backend named: {url} (only {} are linked)", loopback::RULE)}</span>
        }
        .into_any(),
    }
}
