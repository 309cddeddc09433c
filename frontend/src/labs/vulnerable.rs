//! A deliberately vulnerable setting of the lab (`/control/vulnerable`), switched where it is
//! exploited: each shown live from the server's settings and labelled for what it is.

use leptos::prelude::*;
use shared::wire::Vulnerable;

use crate::state::{LiveSettings, Panel, live::Change};

/// One of the settings: how to read and set it, and what it does, in words.
#[derive(Clone, Copy)]
pub struct Setting {
    pub id: &'static str,
    pub get: fn(&Vulnerable) -> bool,
    pub set: fn(&mut Vulnerable, bool),
    /// What the server then accepts, once on.
    pub words: &'static str,
}

pub const JWT_ALG_NONE: Setting = Setting {
    id: "vulnerable-jwt-alg-none",
    get: |v| v.jwt_alg_none,
    set: |v, on| v.jwt_alg_none = on,
    words: "accept tokens whose header says alg none and whose signature is empty: anyone can then write a token for any user.",
};

pub const TRANSFER_VIA_GET: Setting = Setting {
    id: "vulnerable-transfer-via-get",
    get: |v| v.transfer_via_get,
    set: |v, on| v.transfer_via_get = on,
    words: "GET /api/transfer?to=…&amount=… moves money too: a state change on a safe method, which SameSite=Lax lets through on a \
            top-level navigation from another site.",
};

/// The toggle, in the lab `at`, checked as the server has it.
#[component]
pub fn VulnerableToggle(setting: Setting, at: Panel) -> impl IntoView {
    let live = expect_context::<LiveSettings>();
    let on = move || live.vulnerable().is_some_and(|v| (setting.get)(&v));
    let switch = move |ev| {
        let mut to = live.vulnerable().unwrap_or_default();
        (setting.set)(&mut to, event_target_checked(&ev));
        live.apply(Change::Vulnerable { to, at });
    };
    view! {
        <label class="vulnerable">
            <input type="checkbox" id=setting.id prop:checked=on on:change=switch/>
            " " <strong class="vulnerable-badge">"Deliberately vulnerable"</strong> ": " {setting.words}
            <span class="small">{move || if on() { " (On now: the lab is open to this attack.)" } else { " (Off: the lab refuses this.)" }}</span>
        </label>
    }
}
