//! The reverse of "What your console says": a console message pasted from any of the three
//! engines is read back (`console_reading`): the engine, the rule in words, the fix; and one
//! button sets up the lab to reproduce it (the policy on the server, the request in the
//! composer), for the composer's Send to show it.

use leptos::prelude::*;
use shared::cors::{CorsPolicy, Engine};

use super::console_reading::{CauseReading, Reading, read};
use crate::{
    controls::set_text,
    page,
    state::{ComposerRequest, LiveSettings, live::Change},
};

#[component]
pub fn ConsoleReader() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let pasted = RwSignal::new(String::new());
    // `None` until the person asks; then the reading, or `None` inside when it is no CORS message.
    let reading = RwSignal::new(None::<Option<Reading>>);
    let read_it = move |_| reading.set(Some(read(&pasted.get_untracked(), &page::origin(), engine)));
    view! {
        <section class="panel" id="console" aria-labelledby="console-title">
            <h2 id="console-title">"Read a console message"</h2>
            // For the person who comes with a message from their own app; the first steps
            // (Start here) need it only at "Read why", so it waits folded.
            <details class="fold" id="console-fold">
                <summary>"Paste what your browser's console printed for a blocked request"</summary>
                <p class="small">
                    "From Chrome or Edge, Firefox or Safari: the page names the engine and the check that failed, says what to fix, "
                    "and sets up the lab to show it again."
                </p>
                <label class="wide">"Console message"
                    <textarea id="console-paste" rows="3" prop:value=pasted on:input=set_text(pasted)
                        placeholder="Access to fetch at '…' from origin '…' has been blocked by CORS policy: …"></textarea>
                </label>
                <div class="buttons">
                    <button id="console-read" on:click=read_it>"Read it"</button>
                </div>
                <div aria-live="polite">
                    {move || reading.get().map(|reading| match reading {
                        Some(reading) => view! { <ConsoleReading reading/> }.into_any(),
                        None => view! {
                            <p id="console-reading" class="error" data-engine="" data-cors-error="">
                                "This is no CORS message the page knows: paste the whole line the console printed for the blocked request."
                            </p>
                        }
                        .into_any(),
                    })}
                </div>
            </details>
        </section>
    }
}

/// A message read back, its likely causes, and the buttons that set the lab up to show them.
#[component]
fn ConsoleReading(reading: Reading) -> impl IntoView {
    let live = expect_context::<LiveSettings>();
    let ComposerRequest(composer) = expect_context::<ComposerRequest>();
    // The policy the person set up from this reading, once they did.
    let reproduced = RwSignal::new(None::<CorsPolicy>);
    let Reading { engine, check, rule, fix, causes, reproduce, shown_as } = reading;
    let set_up = move |(policy, request): (CorsPolicy, crate::lab_request::LabRequest)| {
        live.apply(Change::Policy(policy.clone()));
        composer.set(request);
        reproduced.set(Some(policy));
    };
    // Ready once the server confirmed the policy: then one Send shows the block.
    let status = move || {
        let wanted = reproduced.get()?;
        let ready = live.policy().as_ref() == Some(&wanted);
        Some(if ready {
            ("ready", "The lab is set up: the policy is live, and the request is in the composer (3.). Press its Send.")
        } else {
            ("applying", "Applying the policy…")
        })
    };
    view! {
        <div id="console-reading" data-engine=engine.as_str() data-cors-error=check.clone()>
            {if check.is_empty() {
                view! { <p>"Written by " <strong>{engine.label()}</strong> ": no CORS check named."</p> }.into_any()
            } else {
                view! { <p>"Written by " <strong>{engine.label()}</strong> "'s console. The check that failed: " <code>{check.clone()}</code></p> }.into_any()
            }}
            <p class="rule">{rule}</p>
            {fix.map(|fix| view! { <p class="fix">"Fix on the server: " {fix}</p> })}
            {shown_as.map(|shown| view! { <p class="small">"In this browser the lab shows it as " {shown} "."</p> })}
            {reproduce.map(|lab| view! {
                <div class="buttons">
                    <button id="console-reproduce" on:click=move |_| set_up(lab.clone())>"Set up the lab to reproduce it"</button>
                </div>
            })}
            {(!causes.is_empty()).then(|| view! {
                <h3>"What causes it, the likely first"</h3>
                <ol id="console-causes">
                    {causes.into_iter().map(|CauseReading { cause, words, set_up: lab }| {
                        view! {
                            <li data-cause=cause.as_str()>
                                {words}
                                {lab.map(|lab| view! { " " <button class="link cause-set-up" on:click=move |_| set_up(lab.clone())>"Show it in the lab"</button> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            })}
            <p id="console-reproduce-status" class="small" data-state=move || status().map(|(state, _)| state)>
                {move || status().map(|(_, words)| words)}
            </p>
        </div>
    }
}
