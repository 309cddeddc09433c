//! The current policy and request as code, with copy buttons, and the lab as a link.

use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;

use super::{
    export,
    share::{SharedLab, to_fragment},
};
use crate::{
    api::Api,
    page,
    state::{ComposerRequest, Jwt, LiveSettings},
};

/// Puts `text` on the clipboard, or says why the browser would not: no clipboard outside a
/// secure context, or the write refused (no permission, the page not focused).
async fn write_to_clipboard(text: &str) -> Result<(), String> {
    let navigator = window().navigator();
    let clipboard = navigator.clipboard();
    if clipboard.is_undefined() {
        return Err("this page has no clipboard (navigator.clipboard needs a secure context)".to_owned());
    }
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text)).await.map(|_| ()).map_err(|refused| {
        match refused.dyn_ref::<js_sys::Error>() {
            Some(error) => format!("{}: {}", String::from(error.name()), String::from(error.message())),
            None => refused.as_string().unwrap_or_else(|| "the browser refused".to_owned()),
        }
    })
}

/// A button that copies what `text` gives, and says whether it worked: the code is on the
/// screen anyway, but a person pasting it must know whether the clipboard holds it.
#[component]
fn CopyButton(label: &'static str, aria_label: String, text: impl Fn() -> String + 'static) -> impl IntoView {
    let (said, set_said) = signal(String::new());
    let copy = move |_| {
        let text = text();
        spawn_local(async move {
            set_said.set(match write_to_clipboard(&text).await {
                Ok(()) => "Copied".to_owned(),
                Err(why) => format!("Copy failed: {why}"),
            });
        });
    };
    view! {
        <span class="copy-button">
            <button class="copy" aria-label=aria_label on:click=copy>{label}</button>
            <span class="small copy-state" role="status">{said}</span>
        </span>
    }
}

/// One block of code, with a button that copies it.
#[component]
fn CodeBlock(id: &'static str, title: &'static str, #[prop(into)] code: Signal<String>) -> impl IntoView {
    view! {
        <div class="code">
            <div class="code-head">
                <h3>{title}</h3>
                <CopyButton label="Copy" aria_label=format!("Copy {title}") text=move || code.get_untracked()/>
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
            // Five blocks of code a screen long each: for when the lab's policy is worth
            // taking home, so they wait folded below the labs.
            <details class="fold" id="code-fold">
                <summary>"The lab's policy as Axum and Express code, its raw headers, the request as fetch()"</summary>
                <div class="code-grid">
                    <CodeBlock id="code-tower" title="Axum: tower_http::cors::CorsLayer" code=policy_as(export::tower_http)/>
                    <CodeBlock id="code-express" title="Express: cors({...})" code=policy_as(export::express)/>
                    <CodeBlock id="code-headers" title="Raw response headers" code=headers/>
                    <CodeBlock id="code-fetch" title="The request as fetch()" code=fetch/>
                    <CodeBlock id="code-csrf" title="Axum: tower_http::csrf::CsrfLayer (Fetch Metadata)" code=export::csrf_layer(&page::origin())/>
                </div>
            </details>
            <h3>"8. Share this lab"</h3>
            <details class="fold" id="share-fold">
                <summary>"A link to this lab, to send to someone"</summary>
                <p class="small">"The link holds the policy, the cookie settings and the request. Opening it shows them as a draft beside the live lab, with what they would change; they are applied only when the person presses \"Apply this shared lab\"."</p>
                <div class="code-head">
                    <input id="share-link" readonly prop:value=share_url aria-label="Link to this lab"/>
                    <CopyButton label="Copy link" aria_label="Copy link".to_owned() text=move || untrack(share_url)/>
                </div>
            </details>
        </section>
    }
}
