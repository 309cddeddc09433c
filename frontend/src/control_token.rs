//! The control token (`--control-token` on the backend): asked for when a control call is
//! refused for want of it, and kept in this page's memory only (`api::ControlToken`).

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use crate::{
    api::{Api, ControlToken, Error},
    controls::set_text,
    state::Problem,
};

/// What the form says the first time, and after a token the backend refused.
pub const ASK: &str = "The backend was started with --control-token: type that token to use the playground.";
pub const REFUSED: &str = "The backend refused that control token: type it again.";

#[component]
pub fn ControlTokenForm() -> impl IntoView {
    let control = expect_context::<ControlToken>();
    let (problem, api) = (expect_context::<Problem>(), expect_context::<Api>());
    let text = RwSignal::new(String::new());
    // Why the last token typed was not taken; `None` before one was.
    let verdict = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let token = text.get_untracked().trim().to_owned();
        if token.is_empty() {
            return;
        }
        text.set(String::new());
        // Checked once before every control call uses it (`Api::check_control_token`).
        let checked = api.check_control_token(token.clone());
        spawn_local(async move {
            match checked.await {
                Ok(()) => {
                    problem.clear();
                    verdict.set(None);
                    control.give(token);
                }
                Err(Error::TokenRequired) => verdict.set(Some(REFUSED.to_owned())),
                Err(other) => verdict.set(Some(format!("The token could not be checked: {other}"))),
            }
        });
    };
    move || {
        control.wanted().then(|| view! {
            <form class="panel" id="control-token" on:submit=submit.clone()>
                <p role="alert">{move || verdict.get().unwrap_or_else(|| if control.given() { REFUSED.to_owned() } else { ASK.to_owned() })}</p>
                <div class="buttons">
                    <label>"Control token "
                        <input id="control-token-input" type="password" autocomplete="off" prop:value=text on:input=set_text(text)/>
                    </label>
                    <button id="control-token-submit" type="submit">"Use this token"</button>
                </div>
                <p class="small">"Kept in this page's memory only (never in storage): gone when you reload or close the page."</p>
            </form>
        })
    }
}
