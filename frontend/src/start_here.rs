//! "Start here": the first five minutes as six steps (send, break it, read why, fix it, log
//! in, attack the bank), each ticked off when the page's own results and the server's log
//! show it happened, never because the person clicked "done".

use leptos::prelude::*;
use shared::wire::{LogEntry, RouteOutcome};

use crate::{
    api::BrowserView,
    labs::csrf::attack::is_attack,
    page,
    state::{Probes, ServerLog},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Send,
    BreakIt,
    ReadWhy,
    FixIt,
    LogIn,
    AttackTheBank,
}

impl Step {
    pub const ALL: [Step; 6] = [Step::Send, Step::BreakIt, Step::ReadWhy, Step::FixIt, Step::LogIn, Step::AttackTheBank];

    fn id(self) -> &'static str {
        match self {
            Step::Send => "send",
            Step::BreakIt => "break-it",
            Step::ReadWhy => "read-why",
            Step::FixIt => "fix-it",
            Step::LogIn => "log-in",
            Step::AttackTheBank => "attack-the-bank",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Step::Send => "Send a request",
            Step::BreakIt => "Break it",
            Step::ReadWhy => "Read why",
            Step::FixIt => "Fix it",
            Step::LogIn => "Log in",
            Step::AttackTheBank => "Attack the bank",
        }
    }

    fn how(self) -> &'static str {
        match self {
            Step::Send => "in 3 (request composer), press Send: 4 (what happened) shows what the page could read, what the server saw, and why.",
            Step::BreakIt => "in 1 (lab CORS policy), pick a preset such as \"CORS off\", or \"Forgot Authorization\" with the bearer token ticked in 3, and send again.",
            Step::ReadWhy => "under the blocked result, the page got only a TypeError, yet the server's view shows the request arrived; the explanation names the rule. Your browser's console says it in its own words: paste them into \"Read a console message\".",
            Step::FixIt => "apply the fix the result offers (or change the policy yourself), send again, and read the answer.",
            Step::LogIn => "in 2 (auth lab), log in with a session cookie or get a JWT, then ask for the profile.",
            Step::AttackTheBank => "logged in, open the attack from another site in 5 (the other site): its page sends a transfer with your cookie. Then switch a defense on and try again.",
        }
    }

    /// Where on the page the step is done.
    fn anchor(self) -> &'static str {
        match self {
            Step::Send => "#composer",
            Step::BreakIt => "#policy",
            Step::ReadWhy => "#results",
            Step::FixIt => "#results",
            Step::LogIn => "#auth-lab",
            Step::AttackTheBank => "#bank",
        }
    }
}

/// What the page has seen so far: whether each answer could be read, oldest first, and what
/// the server's log shows.
pub struct Seen<'a> {
    pub readable: &'a [bool],
    /// A login or a JWT handed out (`is_login`).
    pub logged_in: bool,
    /// A transfer from another origin (`attack::is_attack`).
    pub attacked: bool,
}

/// Whether `entry` handed out a session or a token.
pub fn is_login(entry: &LogEntry) -> bool {
    matches!(entry.outcome, RouteOutcome::LoggedIn { .. } | RouteOutcome::TokenIssued { .. })
}

/// Whether `step` happened; `None` for a step only the person can tell (reading).
pub fn done(step: Step, seen: &Seen<'_>) -> Option<bool> {
    let first_blocked = seen.readable.iter().position(|readable| !readable);
    Some(match step {
        Step::Send => !seen.readable.is_empty(),
        Step::BreakIt => first_blocked.is_some(),
        Step::ReadWhy => return None,
        Step::FixIt => first_blocked.is_some_and(|at| seen.readable[at..].contains(&true)),
        Step::LogIn => seen.logged_in,
        Step::AttackTheBank => seen.attacked,
    })
}

/// The six steps, at the top of the page.
#[component]
pub fn StartHere() -> impl IntoView {
    let probes = expect_context::<Probes>();
    let log = expect_context::<ServerLog>();
    let origin = page::origin();
    let state = Memo::new(move |_| {
        // Oldest first: "fixed" means read after blocked.
        let readable: Vec<bool> = probes
            .list()
            .iter()
            .rev()
            .filter_map(|probe| probe.answer.get().map(|answer| matches!(answer.browser, BrowserView::Response { .. })))
            .collect();
        let seen = Seen { readable: &readable, logged_in: log.any(is_login), attacked: log.any(|e| is_attack(e, &origin)) };
        Step::ALL.map(|step| done(step, &seen))
    });
    view! {
        <section class="panel" id="start-here">
            <h2>"Start here"</h2>
            <ol class="steps">
                {Step::ALL
                    .into_iter()
                    .enumerate()
                    .map(|(i, step)| {
                        let state = move || match state.get()[i] {
                            Some(true) => "done",
                            Some(false) => "todo",
                            None => "read",
                        };
                        view! {
                            <li id=format!("step-{}", step.id()) data-state=state>
                                <a href=step.anchor()>{step.title()}</a>
                                ": "
                                {step.how()}
                                {move || (state() == "done").then_some(view! { <span class="tick">" ✓ done"</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(readable: &[bool], logged_in: bool, attacked: bool) -> [Option<bool>; 6] {
        let seen = Seen { readable, logged_in, attacked };
        Step::ALL.map(|step| done(step, &seen))
    }

    #[test]
    fn a_fix_is_a_read_after_a_block_not_before() {
        assert_eq!(all(&[], false, false), [Some(false), Some(false), None, Some(false), Some(false), Some(false)]);
        assert_eq!(all(&[true, false], false, false)[3], Some(false), "read, then blocked: nothing fixed yet");
        assert_eq!(all(&[true, false, true], false, false)[..4], [Some(true), Some(true), None, Some(true)]);
    }

    #[test]
    fn the_log_tells_a_login_and_the_attack_step_is_the_csrf_lab_s_attack() {
        assert_eq!(all(&[], true, true)[4..], [Some(true), Some(true)]);
        let login: LogEntry = serde_json::from_value(serde_json::json!({
            "seq": 1, "at": "", "rid": null, "method": "POST", "path": "/api/login", "origin": "http://localhost:8080", "preflight": false,
            "request_headers": {}, "credentials": {"cookies": [], "authorization": null}, "status": 200, "response_headers": {}, "cors": null,
            "outcome": {"logged_in": {"user": 1, "session": "AAAAAAAA"}}
        }))
        .unwrap();
        assert!(is_login(&login));
        assert!(!is_attack(&login, "http://localhost:8080"), "a login from the playground is no attack");
    }
}
