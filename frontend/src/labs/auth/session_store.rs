//! `sessionStore[id] → {userId}` as the server holds it, each expiry counting down.

use leptos::prelude::*;
use shared::wire::SessionRow;

use crate::{
    api::Api,
    state::{ServerLog, clock},
};

#[component]
pub fn SessionStore() -> impl IntoView {
    let api = expect_context::<Api>();
    let log = expect_context::<ServerLog>();
    // Every lab request may change the store (a login, a logout, a sliding expiry): load it
    // again when the log grows.
    let sessions = LocalResource::new({
        let api = api.clone();
        move || {
            log.newest();
            api.sessions()
        }
    });
    let revoke = Action::new_local(move |handle: &String| {
        let revoked = api.revoke(handle);
        async move {
            if revoked.await.is_ok() {
                sessions.refetch();
            }
        }
    });
    let rows = move || sessions.get().and_then(Result::ok).unwrap_or_default();
    let now = clock();
    view! {
        <div class="session-store" id="session-store">
            <h3>"The server's session store"</h3>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    return view! { <p class="small">"sessionStore = {} (no session)"</p> }.into_any();
                }
                rows.into_iter().map(|row| view! { <Session row now on_revoke=move |handle| { revoke.dispatch(handle); }/> }).collect_view().into_any()
            }}
            <p class="small">"The cookie only carries the id; the server looks it up on every request, so logging out or revoking ends it at once. "
                "Only the id's first 8 characters are shown: the whole id would let anyone who reads this page take over the session."</p>
        </div>
    }
}

/// One session, by the first characters of its id.
#[component]
fn Session(
    row: SessionRow,
    /// `Date.now()`, ticking: the countdown follows it.
    now: ReadSignal<f64>,
    /// Called with the session's handle when the person presses Revoke.
    on_revoke: impl Fn(String) + 'static,
) -> impl IntoView {
    let expires_ms = js_sys::Date::parse(&row.expires_at);
    let left = move || ((expires_ms - now.get()) / 1000.0).max(0.0).round() as i64;
    let handle = row.handle;
    view! {
        <p class="session-row">
            <code>{format!("sessionStore[\"{}…\"] → {{ userId: {} }}", row.id_prefix, row.user_id)}</code>
            " expires in " <span class="countdown">{move || format!("{} s", left())}</span> " "
            <button class="revoke" on:click=move |_| on_revoke(handle.clone())>"Revoke"</button>
        </p>
    }
}
