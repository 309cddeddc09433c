//! The control token (`--control-token` on the backend): asked for when a control call is
//! refused for want of it, and kept in this page's memory only (`api::ControlToken`).

use leptos::{ev::SubmitEvent, prelude::*};

use crate::{api::ControlToken, controls::set_text, state::Problem};

/// What the form says the first time, and after a token the backend refused.
pub const ASK: &str = "The backend was started with --control-token: type that token to use the playground.";
pub const REFUSED: &str = "The backend refused that control token: type it again.";

#[component]
pub fn ControlTokenForm() -> impl IntoView {
    let control = expect_context::<ControlToken>();
    let problem = expect_context::<Problem>();
    let text = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let token = text.get_untracked().trim().to_owned();
        if !token.is_empty() {
            text.set(String::new());
            problem.clear();
            control.give(token);
        }
    };
    move || {
        control.wanted().then(|| view! {
            <form class="panel" id="control-token" on:submit=submit>
                <p role="alert">{move || if control.given() { REFUSED } else { ASK }}</p>
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
