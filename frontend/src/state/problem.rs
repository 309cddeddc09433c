//! What went wrong last (a change the server refused, a reset that failed, a switch the
//! balancer did not make), in words: one slot for the whole page, reported the same way from
//! every lab and shown in the part of the page where the person acted.

use leptos::prelude::*;

/// The part of the page a problem is shown in: where the action that went wrong was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The page's header (resetting the lab).
    Page,
    Policy,
    Auth,
    Csrf,
    Scaling,
}

#[derive(Clone, Copy)]
pub struct Problem(RwSignal<Option<(Panel, String)>>);

impl Problem {
    pub fn new() -> Problem {
        Problem(RwSignal::new(None))
    }

    pub fn report(&self, at: Panel, text: String) {
        self.0.set(Some((at, text)));
    }

    /// Once something succeeds, the last failure is history, wherever it was shown.
    pub fn clear(&self) {
        if self.0.with_untracked(Option::is_some) {
            self.0.set(None);
        }
    }

    /// The problem, when it is `at`'s to show.
    fn at(&self, at: Panel) -> Option<String> {
        self.0.with(|problem| problem.as_ref().filter(|(panel, _)| *panel == at).map(|(_, text)| text.clone()))
    }
}

impl Default for Problem {
    fn default() -> Self {
        Self::new()
    }
}

/// Where `at` shows the page's problem, when it is that panel's.
#[component]
pub fn Reported(at: Panel) -> impl IntoView {
    let problem = expect_context::<Problem>();
    view! { <p class="error" role="alert">{move || problem.at(at)}</p> }
}
