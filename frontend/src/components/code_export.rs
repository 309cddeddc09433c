//! The current policy and request as code, with copy buttons, and the lab as a link.

use leptos::prelude::*;

use crate::{
    page,
        export,
    lab::Lab,
    share::{SharedLab, to_fragment},
};

/// One block of code, computed from the lab by `code`. A plain function rather than a
/// derived signal per block: each `Signal::derive` cost the wasm a kilobyte.
#[component]
fn CodeBlock(id: &'static str, title: &'static str, code: fn(Lab) -> String) -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <div class="code">
            <div class="code-head">
                <h3>{title}</h3>
                <button class="copy" aria-label=format!("Copy {title}") on:click=move |_| page::copy(&untrack(|| code(lab)))>"Copy"</button>
            </div>
            <pre id=id>{move || code(lab)}</pre>
        </div>
    }
}

/// The link that restores this lab: policy, cookie settings and request.
pub fn share_url(lab: &Lab) -> String {
    let Some(policy) = lab.policy.get() else { return String::new() };
    let shared = SharedLab { policy, cookie: lab.cookie.get().unwrap_or_default(), request: lab.request.get() };
    format!("{}{}", page::address(), to_fragment(&shared))
}

fn tower(lab: Lab) -> String {
    lab.policy.get().map(|p| export::tower_http(&p)).unwrap_or_default()
}

fn express(lab: Lab) -> String {
    lab.policy.get().map(|p| export::express(&p)).unwrap_or_default()
}

fn headers(lab: Lab) -> String {
    lab.policy.get().map(|p| export::raw_headers(&p, &page::origin(), &lab.request.get(), lab.token.get().as_deref())).unwrap_or_default()
}

fn fetch(lab: Lab) -> String {
    export::fetch(&lab.request.get(), lab.api().base())
}

#[component]
pub fn CodeExport() -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <section class="panel" id="code" aria-labelledby="code-title">
            <h2 id="code-title">"7. As code"</h2>
            <div class="code-grid">
                <CodeBlock id="code-tower" title="Axum: tower_http::cors::CorsLayer" code=tower/>
                <CodeBlock id="code-express" title="Express: cors({...})" code=express/>
                <CodeBlock id="code-headers" title="Raw response headers" code=headers/>
                <CodeBlock id="code-fetch" title="The request as fetch()" code=fetch/>
            </div>
            <h3>"8. Share this lab"</h3>
            <p class="small">"The link holds the policy, the cookie settings and the request. Opening it shows them as a draft beside the live lab, with what they would change; they are applied only when the person presses \"Apply this shared lab\"."</p>
            <div class="code-head">
                <input id="share-link" readonly prop:value=move || share_url(&lab) aria-label="Link to this lab"/>
                <button class="copy" on:click=move |_| page::copy(&untrack(|| share_url(&lab)))>"Copy link"</button>
            </div>
        </section>
    }
}
