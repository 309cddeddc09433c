//! The page: the labs in the order a person uses them, one `Lab` state in context.

use leptos::prelude::*;

use crate::{
    api::{self, Api},
    components::{
        auth_lab::AuthLab,
        bank::Bank,
        code_export::CodeExport,
        comparison::Comparison,
        composer::Composer,
        control_token::{ASK, ControlToken, REFUSED},
        policy_panel::PolicyPanel,
        results::Results,
        scaling::Scaling,
    },
    lab::Lab,
    live_log,
    share::from_fragment,
};

#[component]
pub fn App() -> impl IntoView {
    let api = Api::from_location();
    let lab = Lab::new(api.clone());
    provide_context(lab);
    api::on_token_required(move || {
        let prompt = Some(if api::control_token().is_some() { REFUSED } else { ASK });
        // Many calls fail at once: the form is drawn once, not again under the person's typing.
        if lab.token_prompt.get_untracked() != prompt {
            lab.token_prompt.set(prompt);
        }
    });
    // A shared link restores its lab: the policy and cookie settings go to the server (and
    // nothing is loaded from it that could race with them); otherwise the page shows what
    // is live there.
    match leptos::prelude::location_hash().and_then(|h| from_fragment(&h)) {
        Some(shared) => {
            lab.request.set(shared.request);
            lab.apply_policy(shared.policy);
            lab.apply_cookie(shared.cookie);
            lab.load_log();
        }
        None => lab.load(),
    }
    live_log::connect(lab);
    view! {
        <header>
            <h1>"CORS & auth playground"</h1>
            <p class="lede">
                "This page runs on " <code>{page_origin()}</code> "; the lab API runs on "
                <code>{api.base().to_owned()}</code>
                ": another origin, so every request below is cross-origin, and the browser applies CORS. "
                "Each result shows what the page could read, what the server received and sent, and why."
            </p>
            <nav aria-label="Labs">
                <a href="#policy">"Policy"</a> <a href="#auth-lab">"Auth"</a> <a href="#composer">"Composer"</a>
                <a href="#results">"Results"</a> <a href="#bank">"CSRF"</a> <a href="#comparison">"Sessions vs JWT"</a> <a href="#code">"Code"</a>
                <button id="reset" class="link" on:click=move |_| reset(lab)>"Reset the lab"</button>
            </nav>
            <ControlToken/>
        </header>
        <main>
            <div class="columns">
                <div>
                    <PolicyPanel/>
                    <AuthLab/>
                </div>
                <div>
                    <Composer/>
                    <Results/>
                </div>
            </div>
            <Bank/>
            <Scaling/>
            <Comparison/>
            <CodeExport/>
        </main>
    }
}

fn reset(lab: Lab) {
    leptos::task::spawn_local(async move {
        match lab.api().reset().await {
            Ok(()) => {
                lab.token.set(None);
                lab.probes.set(Vec::new());
                lab.log.set(Vec::new());
                lab.load();
            }
            Err(e) => lab.error.set(Some(format!("Reset failed: {e}"))),
        }
    });
}

/// The page's own origin, as the browser sends it in `Origin`.
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}
