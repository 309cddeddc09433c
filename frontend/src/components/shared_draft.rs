//! A shared link's lab as a draft: what it holds and what it would change, applied only when
//! the person presses "Apply this shared lab", and never inside a frame.

use leptos::prelude::*;
use shared::cors::policy::warnings;

use crate::{
    components::policy_panel::{summary, warnings_html},
    lab::Lab,
    page,
    share::{SharedLab, changes_html},
};

#[derive(Clone, Copy, PartialEq)]
enum State {
    Draft,
    Applied,
    Kept,
}

/// `shared`: the lab in the page's link, or why it was refused.
#[component]
pub fn SharedDraft(shared: Result<SharedLab, String>) -> impl IntoView {
    let shared = match shared {
        Ok(shared) => shared,
        Err(reason) => {
            return view! {
                <section class="panel draft" id="shared-draft" data-state="refused" aria-labelledby="draft-title">
                    <h2 id="draft-title">"A shared lab"</h2>
                    <p class="error" id="shared-refused" role="alert">"This link's lab was not opened: " {reason}</p>
                </section>
            }
            .into_any();
        }
    };
    if page::is_framed() {
        return view! {
            <section class="panel draft" id="shared-draft" data-state="framed" aria-labelledby="draft-title">
                <h2 id="draft-title">"A shared lab (not applied)"</h2>
                <p id="shared-framed">
                    "This page is shown inside a frame of another page, so it does not apply the lab in its link: "
                    "a hidden frame could change your lab without you seeing it. Open the link in a tab of its own to review and apply it."
                </p>
            </section>
        }
        .into_any();
    }
    view! { <Draft shared/> }.into_any()
}

#[component]
fn Draft(shared: SharedLab) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let state = RwSignal::new(State::Draft);
    let policy_summary = summary(&shared.policy);
    let policy_warnings = warnings_html(&warnings(&shared.policy));
    let shared = StoredValue::new(shared);
    // What the link is compared with: the server's settings (once loaded) and the composer.
    let live = move || Some(SharedLab { policy: lab.policy.get()?, cookie: lab.cookie.get()?, request: lab.request.get() });
    let apply = move |_| {
        let shared = shared.get_value();
        lab.request.set(shared.request);
        lab.apply_policy(shared.policy);
        lab.apply_cookie(shared.cookie);
        state.set(State::Applied);
    };
    let draft = move || {
        view! {
            <p>
                "This link holds a CORS policy, session cookie settings and a request. Nothing is applied yet: "
                "below is what applying it would change on the server (policy, cookie) and in the composer (request)."
            </p>
            <p>"The link's policy: " <span id="shared-policy-summary">{policy_summary.clone()}</span></p>
            <div id="shared-changes" inner_html=move || shared.with_value(|s| changes_html(live().as_ref(), s))></div>
            <ul class="warnings" inner_html=policy_warnings.clone()></ul>
            <div class="buttons">
                <button id="apply-shared-lab" class="danger" on:click=apply disabled=move || lab.policy.with(Option::is_none) || lab.cookie.with(Option::is_none)>
                    "Apply this shared lab"
                </button>
                <button id="shared-draft-keep" on:click=move |_| state.set(State::Kept)>"Keep the live lab"</button>
            </div>
        }
    };
    view! {
        <section class="panel draft" id="shared-draft" data-state=move || match state.get() {
            State::Draft => "draft",
            State::Applied => "applied",
            State::Kept => "kept",
        } aria-labelledby="draft-title">
            <h2 id="draft-title">"A shared lab"</h2>
            {move || match state.get() {
                State::Draft => draft().into_any(),
                State::Applied => view! {
                    <p id="shared-applied">"Sent to the server: the policy panel and the cookie settings show what it confirmed; the composer holds the link's request."</p>
                }.into_any(),
                State::Kept => view! { <p>"Not applied: the lab stays as it was."</p> }.into_any(),
            }}
        </section>
    }
}
