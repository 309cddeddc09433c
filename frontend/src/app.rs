//! The first screen: the lab CORS policy beside a request and its three views.

use leptos::prelude::*;

use crate::{
    api::Api,
    components::{policy_panel::PolicyPanel, probe::ProfileProbe},
};

#[component]
pub fn App() -> impl IntoView {
    let api = Api::from_location();
    // Children read the client from context; it never changes after start.
    provide_context(api.clone());
    view! {
        <header>
            <h1>"CORS & auth playground"</h1>
            <p class="lede">
                "This page runs on " <code>{page_origin()}</code> "; the lab API runs on "
                <code>{api.base().to_owned()}</code>
                ": another origin, so every request below is a cross-origin request, and the browser applies CORS."
            </p>
        </header>
        <main>
            <PolicyPanel/>
            <ProfileProbe/>
        </main>
    }
}

/// The page's own origin, as the browser sends it in `Origin`.
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}
