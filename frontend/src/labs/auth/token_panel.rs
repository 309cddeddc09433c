//! The JWT: decoded, its times readable, editable and re-signable with the same code the
//! server verifies with.

use leptos::prelude::*;
use shared::jwt;

use super::{token, token_tools::TokenTools};
use crate::{
    api::Api,
    controls::set_text,
    json,
    lab_request::LabRequest,
    state::{Jwt, LiveSettings, Panel, Probes, Problem, clock},
};

#[component]
pub fn TokenPanel() -> impl IntoView {
    let api = expect_context::<Api>();
    let jwt = expect_context::<Jwt>();
    let probes = expect_context::<Probes>();
    let problem = expect_context::<Problem>();
    let live = expect_context::<LiveSettings>();
    let payload = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let decoded = Memo::new(move |_| jwt.0.get().and_then(|t| token::show(&t)));
    // A new token fills the editor with its payload.
    Effect::new(move || {
        if let Some(shown) = decoded.get() {
            payload.set(shown.payload);
        }
    });
    let resign = move |_| match json::reformat(&payload.get_untracked(), false) {
        Some(compact) => {
            let signed = jwt::sign_parts(jwt::HS256_HEADER, compact.as_bytes(), secret.get_untracked().as_bytes());
            jwt.0.set(Some(signed));
            problem.clear();
        }
        None => problem.report(Panel::Auth, "The payload is not valid JSON.".to_owned()),
    };
    // The server's secret, as the field last took it: the field follows the server's when it
    // changes (in another page, or by a reset), unless the person has typed over it since.
    let taken = StoredValue::new(None::<String>);
    let take = move |server: String| {
        taken.set_value(Some(server.clone()));
        secret.set(server);
    };
    Effect::new(move || {
        if let Some(server) = live.jwt()
            && taken.with_value(|taken| taken.as_ref().is_some_and(|taken| *taken == secret.get_untracked() && *taken != server.secret))
        {
            take(server.secret);
        }
    });
    let use_server_secret = Action::new_local(move |_: &()| {
        let settings = api.get_jwt();
        async move {
            if let Ok(settings) = settings.await {
                take(settings.secret);
            }
        }
    });
    let no_token = move || jwt.0.with(Option::is_none);
    view! {
        <div class="token" id="token">
            <h3>"The JWT (kept in this page's memory)"</h3>
            {move || match decoded.get() {
                None => view! { <p class="small">"No token yet: press \u{201c}Get a JWT\u{201d}."</p> }.into_any(),
                Some(shown) => view! { <Decoded shown/> }.into_any(),
            }}
            <label class="wide">"Payload (edit, then re-sign)"
                <textarea id="jwt-payload" rows="6" prop:value=payload on:input=set_text(payload)></textarea>
            </label>
            <label>"Secret " <input id="jwt-secret" prop:value=secret on:input=set_text(secret) placeholder="guess it: mySecretKey?"/></label>
            <div class="buttons">
                <button id="jwt-use-server-secret" on:click=move |_| { use_server_secret.dispatch(()); }>"Use the server's secret"</button>
                <button id="jwt-resign" on:click=resign>"Re-sign"</button>
                <button id="jwt-send" on:click=move |_| probes.send("Profile with the edited JWT", LabRequest::profile(true)) disabled=no_token>
                    "Send it"
                </button>
            </div>
            <p class="small" id="jwt-compact"><code class="wrap">{move || jwt.0.get()}</code></p>
            <TokenTools secret payload/>
            <details>
                <summary>"Where to keep a token?"</summary>
                <p class="small">
                    "Memory (here): gone on reload, and an XSS can only use it while it runs. localStorage: survives reloads, but any "
                    "script on the page can read and send it away. An HttpOnly cookie: no script can read it, but the browser attaches "
                    "it by itself, so you need CSRF defenses (SameSite, Origin checks)."
                </p>
            </details>
        </div>
    }
}

/// A decoded token: header, times (counting down), signature.
#[component]
fn Decoded(shown: token::Shown) -> impl IntoView {
    let now = clock();
    let (iat, exp) = (shown.iat, shown.exp);
    view! {
        <p class="small">"Header"</p>
        <pre id="jwt-header">{shown.header}</pre>
        <p class="small" id="jwt-times">{move || token::times(iat, exp, now.get())}</p>
        <p class="small">"Signature (HMAC-SHA256, base64url): " <code class="wrap">{shown.signature}</code></p>
    }
}
