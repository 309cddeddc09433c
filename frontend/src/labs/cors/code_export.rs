//! The current policy and request as code, with copy buttons, and the lab as a link.

use leptos::prelude::*;

use super::{
    export,
    share::{SharedLab, to_fragment},
};
use crate::{
    api::Api,
    page,
    state::{ComposerRequest, Jwt, LiveSettings},
};

/// One block of code, with a button that copies it.
#[component]
fn CodeBlock(id: &'static str, title: &'static str, #[prop(into)] code: Signal<String>) -> impl IntoView {
    view! {
        <div class="code">
            <div class="code-head">
                <h3>{title}</h3>
                <button class="copy" aria-label=format!("Copy {title}") on:click=move |_| page::copy(&code.get_untracked())>"Copy"</button>
            </div>
            <pre id=id>{code}</pre>
        </div>
    }
}

#[component]
pub fn CodeExport() -> impl IntoView {
    let api = expect_context::<Api>();
    let live = expect_context::<LiveSettings>();
    let ComposerRequest(request) = expect_context::<ComposerRequest>();
    let Jwt(jwt) = expect_context::<Jwt>();
    let policy_as = move |code: fn(&shared::cors::CorsPolicy) -> String| move || live.policy().map(|p| code(&p)).unwrap_or_default();
    let headers = move || live.policy().map(|p| export::raw_headers(&p, &page::origin(), &request.get(), jwt.get().as_deref())).unwrap_or_default();
    let engine = expect_context::<shared::cors::Engine>();
    let fetch = move || export::fetch(&request.get(), api.base(), engine);
    // The link that restores this lab: policy, cookie settings and request.
    let share_url = move || {
        live.policy()
            .map(|policy| {
                let shared = SharedLab { policy, cookie: live.cookie().unwrap_or_default(), request: request.get() };
                format!("{}{}", page::address(), to_fragment(&shared))
            })
            .unwrap_or_default()
    };
    view! {
        <section class="panel" id="code" aria-labelledby="code-title">
            <h2 id="code-title">"7. As code"</h2>
            <div class="code-grid">
                <CodeBlock id="code-tower" title="Axum: tower_http::cors::CorsLayer" code=policy_as(export::tower_http)/>
                <CodeBlock id="code-express" title="Express: cors({...})" code=policy_as(export::express)/>
                <CodeBlock id="code-headers" title="Raw response headers" code=headers/>
                <CodeBlock id="code-fetch" title="The request as fetch()" code=fetch/>
                <CodeBlock id="code-csrf" title="Axum: tower_http::csrf::CsrfLayer (Fetch Metadata)" code=export::csrf_layer(&page::origin())/>
            </div>
            <h3>"8. Share this lab"</h3>
            <p class="small">"The link holds the policy, the cookie settings and the request. Opening it shows them as a draft beside the live lab, with what they would change; they are applied only when the person presses \"Apply this shared lab\"."</p>
            <div class="code-head">
                <input id="share-link" readonly prop:value=share_url aria-label="Link to this lab"/>
                <button class="copy" on:click=move |_| page::copy(&untrack(share_url))>"Copy link"</button>
            </div>
        </section>
    }
}
