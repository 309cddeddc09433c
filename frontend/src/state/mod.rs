//! The page's state, one slice per concern, each provided as context by `app::Playground`
//! and taken by the components that need it:
//!
//! - `api::Api` and `api::ControlToken`: the backend and the token its control plane may ask for;
//! - `LiveSettings` (`live`): what is live on the server (policy, cookie attributes, defenses);
//! - `ServerLog` (`log`): the server's request log as it streams in;
//! - `Probes` (`probes`): the requests the page sent, with what came back;
//! - `ComposerRequest`, `Jwt`, `Problem` (here): the request being composed, the token in memory, and
//!   what went wrong last.

pub mod live;
pub mod log;
pub mod probes;

use leptos::prelude::*;

use shared::wire::TokenResponse;

use crate::{api::BrowserView, json, lab_request::LabRequest};

pub use self::{live::LiveSettings, log::ServerLog, probes::Probes};

/// The request the composer builds; a shared link may fill it.
#[derive(Clone, Copy)]
pub struct ComposerRequest(pub RwSignal<LabRequest>);

/// The JWT from `/api/token`, or as the person re-signed it: kept in this page's memory only
/// (gone on reload: nothing for an XSS to find later).
#[derive(Clone, Copy)]
pub struct Jwt(pub RwSignal<Option<String>>);

impl Jwt {
    /// Keeps the token a `POST /api/token` answer handed out, so later requests can send it.
    pub fn keep_issued(&self, request: &LabRequest, browser: &BrowserView) {
        if let BrowserView::Response { status: 200, body, .. } = browser
            && request.issues_token()
            && let Ok(issued) = json::parse::<TokenResponse>(body)
        {
            self.0.set(Some(issued.token));
        }
    }
}

/// What went wrong last (a change the server refused, a reset that failed), in words.
#[derive(Clone, Copy)]
pub struct Problem(RwSignal<Option<String>>);

impl Problem {
    pub fn new() -> Problem {
        Problem(RwSignal::new(None))
    }

    pub fn report(&self, text: String) {
        self.0.set(Some(text));
    }

    pub fn clear(&self) {
        if self.0.with_untracked(Option::is_some) {
            self.0.set(None);
        }
    }

    pub fn get(&self) -> Option<String> {
        self.0.get()
    }
}

impl Default for Problem {
    fn default() -> Self {
        Self::new()
    }
}

/// `Date.now()`, updated every second while the calling component lives, for countdowns.
pub fn clock() -> ReadSignal<f64> {
    let (now, set_now) = signal(js_sys::Date::now());
    if let Ok(interval) = set_interval_with_handle(move || set_now.set(js_sys::Date::now()), std::time::Duration::from_secs(1)) {
        on_cleanup(move || interval.clear());
    }
    now
}
