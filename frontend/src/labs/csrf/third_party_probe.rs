//! Third-party cookies, measured in the person's own browser: whether it sends the lab's
//! cookie with a request from another site depends on its settings, not only on its engine.
//! The other site's `/probe` page, framed here from `127.0.0.1` (another site), makes a
//! credentialed request to the lab API and posts its request id back; the server's log says
//! whether the session cookie came with it.

use std::time::Duration;

use leptos::{ev, prelude::*};
use shared::{
    cookie::SameSite,
    cors::Engine,
    wire::{Credentials, LogEntry, SiteLinks},
};
use wasm_bindgen::JsValue;

use crate::{
    api::{self, Api},
    engines, loopback, page, server_words,
    state::{LiveSettings, ServerLog},
};

/// How long the other site's page may take to say it is done.
const PATIENCE: Duration = Duration::from_secs(10);

#[derive(Clone, Debug, PartialEq)]
enum Probe {
    Idle,
    /// The other site's page is framed at `frame`; it names `rid` in a message from `origin`.
    Waiting { rid: String, frame: String, origin: String, after: u64 },
    /// The server's log for the probe's request: the cookies that came with it.
    Found { credentials: Credentials },
    Failed(String),
}

impl Probe {
    fn waits_for(&self, id: &str) -> bool {
        matches!(self, Probe::Waiting { rid, .. } if rid == id)
    }
}

#[component]
pub fn ThirdPartyProbe(
    /// The other site's addresses (`GET /control/site`).
    site: LocalResource<api::Result<SiteLinks>>,
    /// Where the result goes for the rest of the lab: the `SameSite` in force, and whether the
    /// session cookie went to the other site.
    measured: RwSignal<Option<(SameSite, bool)>>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let log = expect_context::<ServerLog>();
    let live = expect_context::<LiveSettings>();
    let engine = expect_context::<Engine>();
    let state = RwSignal::new(Probe::Idle);
    // The server logs a request before its answer leaves, so once the probe's page said it
    // is done, its entry is in the log.
    let read_log = Action::new_local(move |(rid, after): &(String, u64)| {
        let (rid, fetched) = (rid.clone(), api.log_of(rid, *after));
        async move {
            let found = match fetched.await {
                Ok(entries) => entries
                    .into_iter()
                    .find(|e: &LogEntry| e.rid.as_deref() == Some(rid.as_str()) && !e.preflight)
                    .map_or_else(|| Probe::Failed("The probe's request is not in the server's log.".to_owned()), |e| Probe::Found { credentials: e.credentials }),
                Err(e) => Probe::Failed(format!("The server's log could not be read: {e}")),
            };
            if state.with_untracked(|now| now.waits_for(&rid)) {
                if let Probe::Found { credentials } = &found {
                    let same_site = untrack(|| live.cookie()).map_or(SameSite::Lax, |c| c.same_site);
                    measured.set(Some((same_site, credentials.has_session())));
                }
                state.set(found);
            }
        }
    });
    // Any page may post messages to this one: only the other site's, naming the probe under
    // way, counts.
    let listener = window_event_listener(ev::message, move |event| {
        let Probe::Waiting { rid, origin, after, .. } = state.get_untracked() else { return };
        if event.origin() != origin {
            return;
        }
        let named = js_sys::Reflect::get(&event.data(), &JsValue::from_str("probe")).ok().and_then(|v| v.as_string());
        if named.as_deref() == Some(rid.as_str()) {
            read_log.dispatch((rid, after));
        }
    });
    on_cleanup(move || listener.remove());

    let start = move |_| {
        let cross_site = match site.get_untracked() {
            Some(Ok(site)) => site.cross_site,
            _ => return state.set(Probe::Failed("The other site's address is not known yet: is the backend running?".to_owned())),
        };
        // Only a loopback origin is framed: the address comes from the backend, and the
        // messages are trusted by it.
        let Some(origin) = loopback::origin(&cross_site).map(str::to_owned) else {
            return state.set(Probe::Failed(format!("Refused to frame the other site the backend named: {cross_site} (only {} are framed)", loopback::RULE)));
        };
        let rid = page::new_request_id();
        let frame = format!("{origin}/probe?rid={rid}");
        state.set(Probe::Waiting { rid: rid.clone(), frame, origin, after: log.last_seq() });
        set_timeout(
            move || {
                if state.with_untracked(|now| now.waits_for(&rid)) {
                    state.set(Probe::Failed(format!("The other site's page did not answer within {} s.", PATIENCE.as_secs())));
                }
            },
            PATIENCE,
        );
    };
    let same_site = move || live.cookie().map_or(SameSite::Lax, |c| c.same_site);

    view! {
        <div id="third-party">
            <h3>"Third-party cookies in this browser"</h3>
            <p class="small">
                "Whether a cookie goes with a request from another site depends on the browser's settings (third-party cookies), not only on "
                "its engine. The probe frames the other site's page from 127.0.0.1 (another site); it asks the lab API for the profile with "
                "this browser's cookies, and the server's log says whether the session cookie came. Log in with a cookie first, with "
                "SameSite=None to measure third-party cookies."
            </p>
            <div class="buttons">
                <button id="third-party-probe" on:click=start disabled=move || state.with(|s| matches!(s, Probe::Waiting { .. }))>
                    "Probe: does this browser send the lab's cookie from another site?"
                </button>
            </div>
            <div aria-live="polite">
                {move || match state.get() {
                    Probe::Idle => None,
                    Probe::Waiting { frame, .. } => Some(view! {
                        <p id="third-party-probe-result" data-sent="">"Waiting for the other site's page…"</p>
                        <iframe class="probe-frame" src=frame title="The other site's cookie probe" hidden></iframe>
                    }.into_any()),
                    Probe::Found { credentials } => {
                        let (sent, cookie) = (credentials.has_session(), server_words::cookies(&credentials));
                        Some(view! {
                            <p id="third-party-probe-result" data-sent=sent.to_string()>
                                {engines::third_party_result(engine, sent, same_site())}
                                " (The server's log for the probe's request: Cookie " <code>{cookie}</code> ".)"
                            </p>
                        }.into_any())
                    }
                    Probe::Failed(why) => Some(view! { <p id="third-party-probe-result" class="error" data-sent="">{why}</p> }.into_any()),
                }}
            </div>
        </div>
    }
}
