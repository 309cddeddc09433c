//! The page's state, one slice per concern, each provided as context by `app::Playground`
//! and taken by the components that need it:
//!
//! - `api::Api` and `api::ControlToken`: the backend and the token its control plane may ask for;
//! - `LiveSettings` (`live`): what is live on the server (policy, cookie attributes, defenses,
//!   and the JWT settings once the server announces a change);
//! - `ServerLog` (`log`): the server's request log as it streams in;
//! - `Probes` (`probes`): the requests the page sent, with what came back, and the one way a
//!   lab request is sent;
//! - `Problem` (`problem`): what went wrong last, and where it is shown;
//! - `ComposerRequest`, `Jwt` (here): the request being composed, and the token in memory;
//! - `Challenges` (`challenge`): the challenge the server runs, and the person's progress;
//! - `ExploitHits` (`exploit`): the exploit server's access log as it streams in;
//! - `ThirdPartyCookies` (here): what the third-party cookie probe measured in this browser;
//! - `OldLab` (`reset`): what the page holds of the lab, dropped the same way after any reset.

pub mod challenge;
pub mod exploit;
pub mod live;
pub mod log;
pub mod probes;
pub mod problem;
pub mod reset;

use leptos::prelude::*;

use shared::{cookie::SameSite, wire::TokenResponse};

use crate::{api::BrowserView, json, lab_request::LabRequest};

pub use self::{
    challenge::Challenges,
    exploit::ExploitHits,
    live::LiveSettings,
    log::ServerLog,
    probes::Probes,
    problem::{Panel, Problem, Reported},
    reset::OldLab,
};

/// The request the composer builds; a shared link may fill it.
#[derive(Clone, Copy)]
pub struct ComposerRequest(pub RwSignal<LabRequest>);

/// What the third-party cookie probe measured in this browser, once it ran: the `SameSite`
/// in force then, and whether the session cookie went with the other site's request. The
/// CSRF lab's stories and the challenges that attack from another site both read it.
#[derive(Clone, Copy)]
pub struct ThirdPartyCookies(pub RwSignal<Option<(SameSite, bool)>>);

/// The JWT from `/api/token`, or as the person re-signed it: kept in this page's memory only
/// (gone on reload: nothing for an XSS to find later).
#[derive(Clone, Copy)]
pub struct Jwt(pub RwSignal<Option<String>>);

impl Jwt {
    /// The token `request` sends: the one in memory, when it asks for one.
    pub fn for_request(&self, request: &LabRequest) -> Option<String> {
        if request.bearer { self.0.get_untracked() } else { None }
    }

    /// Keeps the token a `POST /api/token` answer handed out, so later requests can send it.
    fn keep_issued(&self, request: &LabRequest, browser: &BrowserView) {
        if let BrowserView::Response { status: 200, body, .. } = browser
            && request.issues_token()
            && let Ok(issued) = json::parse::<TokenResponse>(body)
        {
            self.0.set(Some(issued.token));
        }
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
