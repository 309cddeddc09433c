//! The request composer: method, path, headers, credentials mode, body; send.

use leptos::prelude::*;
use shared::cors::{
    Engine,
    browser::{CredentialsMode, preflight_reasons},
};

use crate::{
    controls::options,
    engines,
    lab_request::{self, LabRequest},
    page,
    state::{ComposerRequest, Probes},
};

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];
const PATHS: [&str; 5] = ["/api/profile", "/api/login", "/api/token", "/api/transfer", "/api/logout"];
const CONTENT_TYPES: [&str; 4] = ["", "text/plain", "application/json", "application/x-www-form-urlencoded"];

#[component]
pub fn Composer() -> impl IntoView {
    let ComposerRequest(req) = expect_context::<ComposerRequest>();
    let probes = expect_context::<Probes>();
    let edit = move |f: &dyn Fn(&mut LabRequest)| req.update(|r| f(r));
    let prediction = move || {
        let reasons = preflight_reasons(&req.get().browser_request(&page::origin(), Some("t")));
        if reasons.is_empty() {
            "Simple request: no preflight.".to_owned()
        } else {
            format!("Will need a preflight: {}.", reasons.join("; "))
        }
    };
    // A custom header `fetch()` would refuse, in words; nothing is sent while there is one.
    let header_refused = RwSignal::new(None::<String>);
    let send = move |_| probes.send("Composer", req.get_untracked());
    // Same URL (same rid) as the previous request: the browser may reuse its cached preflight.
    let send_again = move |_| probes.send_again("Composer, same URL", req.get_untracked());

    view! {
        <section class="panel" id="composer" aria-labelledby="composer-title">
            <h2 id="composer-title">"3. Request composer"</h2>
            <div class="fields">
                <label>"Method "
                    <select id="req-method" prop:value=move || req.get().method
                        on:change=move |ev| { let v = event_target_value(&ev); edit(&|r| r.method = v.clone()) }>
                        {options(&METHODS)}
                    </select>
                </label>
                <label>"Path "
                    <input id="req-path" list="paths" prop:value=move || req.get().path
                        on:change=move |ev| { let v = event_target_value(&ev); edit(&|r| r.path = v.clone()) }/>
                    <datalist id="paths">{options(&PATHS)}</datalist>
                </label>
                <label>"Content-Type "
                    <select id="req-content-type" prop:value=move || req.get().content_type.unwrap_or_default()
                        on:change=move |ev| { let v = event_target_value(&ev); edit(&|r| r.content_type = (!v.is_empty()).then(|| v.clone())) }>
                        {options(&CONTENT_TYPES)}
                    </select>
                </label>
                <label>
                    <input type="checkbox" id="req-bearer" prop:checked=move || req.get().bearer
                        on:change=move |ev| { let on = event_target_checked(&ev); edit(&|r| r.bearer = on) }/>
                    " Authorization: Bearer <the JWT in memory>"
                </label>
                <label>"Custom header "
                    <input id="req-custom-name" placeholder="X-Custom or X-Custom: value"
                        prop:value=move || req.get().custom_header.map(|(name, value)| if value == "1" { name } else { format!("{name}: {value}") }).unwrap_or_default()
                        on:change=move |ev| match lab_request::custom_header(&event_target_value(&ev)) {
                            Ok(header) => {
                                header_refused.set(None);
                                edit(&|r| r.custom_header = header.clone());
                            }
                            Err(why) => header_refused.set(Some(why)),
                        }/>
                </label>
                <label>"credentials "
                    <select id="req-credentials" prop:value=move || req.get().credentials.as_str()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(mode) = CredentialsMode::ALL.into_iter().find(|m| m.as_str() == v) { edit(&|r| r.credentials = mode) }
                        }>
                        {options(&CredentialsMode::ALL.map(CredentialsMode::as_str))}
                    </select>
                </label>
                <label class="wide">"Body "
                    <textarea id="req-body" rows="3" prop:value=move || req.get().body.unwrap_or_default()
                        on:change=move |ev| { let v = event_target_value(&ev); edit(&|r| r.body = (!v.is_empty()).then(|| v.clone())) }>
                    </textarea>
                </label>
            </div>
            {move || header_refused.get().map(|why| view! { <p id="req-custom-error" class="error" role="alert">"Not sent: " {why} "."</p> })}
            <p id="req-prediction" class="small">{prediction}</p>
            <div class="buttons">
                <button id="send" on:click=send disabled=move || header_refused.with(Option::is_some)>"Send"</button>
                <button id="send-again" on:click=send_again disabled=move || probes.is_empty() || header_refused.with(Option::is_some)>
                    "Send again (same URL: a cached preflight may be reused)"
                </button>
            </div>
            <p class="small">{engines::max_age_note(expect_context::<Engine>())}</p>
        </section>
    }
}
