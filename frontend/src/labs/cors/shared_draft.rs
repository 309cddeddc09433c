//! A shared link's lab as a draft: what it holds and what it would change, applied only when
//! the person presses "Apply this shared lab", and never inside a frame.

use leptos::prelude::*;
use shared::cors::{Engine, policy::warnings_in};

use super::{
    policy_panel::{Warnings, summary},
    share::{Difference, SharedLab, changes},
};
use crate::{
    page,
    state::{ComposerRequest, LiveSettings, live::Change},
};

#[derive(Clone, Copy, PartialEq)]
enum State {
    Draft,
    Applied,
    Kept,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Applied => "applied",
            State::Kept => "kept",
        }
    }
}

/// `shared`: the lab in the page's link, or why it was refused.
#[component]
pub fn SharedDraft(shared: Result<SharedLab, String>) -> impl IntoView {
    match shared {
        Err(reason) => view! {
            <section class="panel draft" id="shared-draft" data-state="refused" aria-labelledby="draft-title">
                <h2 id="draft-title">"A shared lab"</h2>
                <p class="error" id="shared-refused" role="alert">"This link's lab was not opened: " {reason}</p>
            </section>
        }
        .into_any(),
        Ok(_) if page::is_framed() => view! {
            <section class="panel draft" id="shared-draft" data-state="framed" aria-labelledby="draft-title">
                <h2 id="draft-title">"A shared lab (not applied)"</h2>
                <p id="shared-framed">
                    "This page is shown inside a frame of another page, so it does not apply the lab in its link: "
                    "a hidden frame could change your lab without you seeing it. Open the link in a tab of its own to review and apply it."
                </p>
            </section>
        }
        .into_any(),
        Ok(shared) => view! { <Draft shared/> }.into_any(),
    }
}

#[component]
fn Draft(shared: SharedLab) -> impl IntoView {
    let live = expect_context::<LiveSettings>();
    let composer = expect_context::<ComposerRequest>();
    let state = RwSignal::new(State::Draft);
    let policy_summary = summary(&shared.policy);
    let policy_warnings = warnings_in(&shared.policy, expect_context::<Engine>());
    let shared = StoredValue::new(shared);
    // What the link is compared with: the server's settings (once loaded) and the composer.
    let live_lab = move || Some(SharedLab { policy: live.policy()?, cookie: live.cookie()?, request: composer.0.get() });
    let changed = move || live_lab().map(|live| shared.with_value(|shared| changes(&live, shared)));
    let apply = move |_| {
        let SharedLab { policy, cookie, request } = shared.get_value();
        composer.0.set(request);
        live.apply(Change::Policy(policy));
        live.apply(Change::Cookie(cookie));
        state.set(State::Applied);
    };
    let loading = move || live.policy().is_none() || live.cookie().is_none();
    let draft = move || {
        view! {
            <p>
                "This link holds a CORS policy, session cookie settings and a request. Nothing is applied yet: "
                "below is what applying it would change on the server (policy, cookie) and in the composer (request)."
            </p>
            <p>"The link's policy: " <span id="shared-policy-summary">{policy_summary.clone()}</span></p>
            <div id="shared-changes">
                {move || match changed() {
                    None => view! { <p class="small">"Loading what is live on the server\u{2026}"</p> }.into_any(),
                    Some(changes) if changes.is_empty() => view! { <p>"It holds what is live now: applying it changes nothing."</p> }.into_any(),
                    Some(changes) => view! { <Changes changes/> }.into_any(),
                }}
            </div>
            <ul class="warnings">
                <Warnings warnings=Signal::stored(policy_warnings.clone())/>
            </ul>
            <div class="buttons">
                <button id="apply-shared-lab" class="danger" on:click=apply disabled=loading>"Apply this shared lab"</button>
                <button id="shared-draft-keep" on:click=move |_| state.set(State::Kept)>"Keep the live lab"</button>
            </div>
        }
    };
    view! {
        <section class="panel draft" id="shared-draft" data-state=move || state.get().as_str() aria-labelledby="draft-title">
            <h2 id="draft-title">"A shared lab"</h2>
            {move || match state.get() {
                State::Draft => draft().into_any(),
                State::Applied => view! {
                    <p id="shared-applied">"Sent to the server: the policy panel and the cookie settings show what it confirmed; the composer holds the link's request."</p>
                }
                .into_any(),
                State::Kept => view! { <p>"Not applied: the lab stays as it was."</p> }.into_any(),
            }}
        </section>
    }
}

/// The value columns' headers, also each cell's label when a narrow screen stacks the table.
const LIVE: &str = "Live now";
const LINK: &str = "This link";

/// Each setting the link would change, the live value beside the link's.
#[component]
fn Changes(changes: Vec<Difference>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table>
                <thead>
                    <tr><th scope="col">"Setting"</th><th scope="col">{LIVE}</th><th scope="col">{LINK}</th></tr>
                </thead>
                <tbody>
                    {changes
                        .into_iter()
                        .map(|(name, from, to)| view! { <tr data-setting=name><th scope="row">{name}</th><td data-label=LIVE>{from}</td><td data-label=LINK>{to}</td></tr> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
