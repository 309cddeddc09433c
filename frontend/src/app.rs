//! The page: the labs in the order a person uses them, with the state they share provided as
//! context (`state`).

use leptos::prelude::*;

use crate::{
    api::{self, Api, ControlToken, DEFAULT_API},
    control_token::ControlTokenForm,
    lab_request::LabRequest,
    labs::{
        auth::auth_lab::AuthLab,
        comparison::Comparison,
        cors::{
            code_export::CodeExport, composer::Composer, console_reader::ConsoleReader, policy_panel::PolicyPanel, results::Results,
            share::read_fragment, shared_draft::SharedDraft,
        },
        csrf::bank::Bank,
        scaling::instances::Scaling,
    },
    challenges::panel::ChallengesPanel,
    live_log::{self, Sinks},
    loopback, page,
    start_here::StartHere,
    unreachable::Unreachable,
    state::{self, Challenges, ExploitHits, Jwt, LiveSettings, OldLab, Panel, Probes, Problem, Reported, ServerLog, ThirdPartyCookies},
};

/// The playground, or only the refusal of a backend it must not talk to (`?api=`).
#[component]
pub fn App() -> impl IntoView {
    match api::backend(page::query("api").as_deref()) {
        Ok(base) => view! { <Playground base/> }.into_any(),
        Err(url) => view! { <ApiRefused url/> }.into_any(),
    }
}

/// A refused `?api=`: the page contacts no backend at all (not even the default one, which
/// the person did not ask for), says which URL it refused, and links to the default.
#[component]
fn ApiRefused(url: String) -> impl IntoView {
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
                <p><a id="api-default" href=page::address_without_query()>"Open the playground with the default backend, " {DEFAULT_API}</a></p>
            </section>
        </main>
    }
}

/// The labs, talking to the backend at `base`.
#[component]
fn Playground(base: String) -> impl IntoView {
    let control = ControlToken::new();
    let api = Api::new(&base, control);
    let problem = Problem::new();
    let jwt = Jwt(RwSignal::new(None));
    let log = ServerLog::new(&api);
    let live = LiveSettings::new(&api, problem);
    let probes = Probes::new(&api, log, jwt);
    let hits = ExploitHits::new();
    let old_lab = OldLab { jwt, probes, log, live, problem, hits };
    let challenges = Challenges::new(&api, old_lab, problem);
    provide_context(api.clone());
    provide_context(control);
    provide_context(problem);
    provide_context(jwt);
    provide_context(log);
    provide_context(live);
    provide_context(probes);
    provide_context(hits);
    provide_context(challenges);
    provide_context(ThirdPartyCookies(RwSignal::new(None)));
    provide_context(state::ComposerRequest(RwSignal::new(LabRequest::default())));
    // Detected once: every explanation below is worded for the engine the person runs.
    provide_context(page::engine());
    live_log::follow(api.clone(), Sinks { log, live, challenges, hits, old_lab });

    let reset = Action::new_local(move |_: &()| {
        let done = api.reset();
        async move {
            match done.await {
                Ok(()) => old_lab.forget(),
                Err(e) => problem.report(Panel::Page, format!("Reset failed: {e}")),
            }
        }
    });
    // The page shows what is live on the server; a shared link's lab is only a draft beside
    // it until the person applies it.
    let shared = location_hash().and_then(|hash| read_fragment(&hash));
    view! {
        <header>
            <h1>"CORS & auth playground"</h1>
            <p class="lede">
                "This page runs on " <code>{page::origin()}</code> "; the lab API runs on " <code>{base}</code>
                ": another origin, so every request below is cross-origin, and the browser applies CORS. "
                "Each result shows what the page could read, what the server received and sent, and why."
            </p>
            <nav aria-label="Labs">
                <a href="#start-here">"Start here"</a> <a href="#challenges">"Challenges"</a> <a href="#policy">"Policy"</a> <a href="#auth-lab">"Auth"</a> <a href="#composer">"Composer"</a>
                <a href="#results">"Results"</a> <a href="#console">"Console"</a> <a href="#bank">"CSRF"</a> <a href="#comparison">"Sessions vs JWT"</a> <a href="#code">"Code"</a>
                <button id="reset" class="link" on:click=move |_| { reset.dispatch(()); }>"Reset the lab"</button>
            </nav>
            <Unreachable/>
            <Reported at=Panel::Page/>
            <ControlTokenForm/>
        </header>
        <main>
            {shared.map(|shared| view! { <SharedDraft shared/> })}
            <StartHere/>
            <ChallengesPanel/>
            <div class="columns">
                <div>
                    <PolicyPanel/>
                    <AuthLab/>
                </div>
                <div>
                    <Composer/>
                    <Results/>
                    <ConsoleReader/>
                </div>
            </div>
            <Bank/>
            <Scaling/>
            <Comparison/>
            <CodeExport/>
        </main>
    }
}
