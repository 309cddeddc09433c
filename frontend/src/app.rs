//! The page: the labs in the order a person uses them, one `Lab` state in context.

use leptos::prelude::*;

use crate::{
    api::{self, Api, DEFAULT_API},
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
        shared_draft::SharedDraft,
    },
    lab::Lab,
    live_log, loopback, page,
    share::read_fragment,
};

/// The playground, or only the refusal of a backend it must not talk to (`?api=`).
#[component]
pub fn App() -> impl IntoView {
    match Api::from_location() {
        Ok(api) => view! { <Playground api/> }.into_any(),
        Err(refused) => api_refused(refused).into_any(),
    }
}

/// A refused `?api=`: the page contacts no backend at all (not even the default one, which
/// the person did not ask for), says which URL it refused, and links to the default.
fn api_refused(url: String) -> impl IntoView {
    let default_page = page::address_without_query();
    view! {
        <header>
            <h1>"CORS & auth playground"</h1>
        </header>
        <main>
            <section class="panel" id="api-refused" role="alert">
                <h2>"This link's backend is refused"</h2>
                <p>
                    "The page's address asks it to use the backend " <code id="api-refused-url">{url}</code>
                    ". The page only talks to a backend on this machine (" {loopback::RULE}
                    "), so it has contacted no backend at all: anyone can write a link with ?api= in it."
                </p>
                <p><a id="api-default" href=default_page>"Open the playground with the default backend, " {DEFAULT_API}</a></p>
            </section>
        </main>
    }
}

#[component]
fn Playground(api: Api) -> impl IntoView {
    let lab = Lab::new(api.clone());
    provide_context(lab);
    api::on_token_required(move || {
        let prompt = Some(if api::control_token().is_some() { REFUSED } else { ASK });
        // Many calls fail at once: the form is drawn once, not again under the person's typing.
        if lab.token_prompt.get_untracked() != prompt {
            lab.token_prompt.set(prompt);
        }
    });
    // The page shows what is live on the server; a shared link's lab is only a draft beside
    // it until the person applies it.
    let shared = leptos::prelude::location_hash().and_then(|h| read_fragment(&h));
    lab.load();
    live_log::connect(lab);
    view! {
        <header>
            <h1>"CORS & auth playground"</h1>
            <p class="lede">
                "This page runs on " <code>{page::origin()}</code> "; the lab API runs on "
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
            {shared.map(|shared| view! { <SharedDraft shared/> })}
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
