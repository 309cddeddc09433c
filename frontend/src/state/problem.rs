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
    Challenges,
}

#[derive(Clone, Copy)]
pub struct Problem {
    text: RwSignal<Option<String>>,
    /// Where `text` is shown. Not a signal of its own: it changes only with `text`, so a view
    /// that reads `text` follows both.
    at: StoredValue<Panel>,
}

impl Problem {
    pub fn new() -> Problem {
        Problem { text: RwSignal::new(None), at: StoredValue::new(Panel::Page) }
    }

    pub fn report(&self, at: Panel, text: String) {
        self.at.set_value(at);
        self.text.set(Some(text));
    }

    /// Once something succeeds, the last failure is history, wherever it was shown.
    pub fn clear(&self) {
        if self.text.with_untracked(Option::is_some) {
            self.text.set(None);
        }
    }

    /// The problem, when it is `at`'s to show.
    fn at(&self, at: Panel) -> Option<String> {
        self.text.get().filter(|_| self.at.get_value() == at)
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
