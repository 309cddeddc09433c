//! The scaling lab: two backends, sessions in each one's memory or shared in Redis, and a
//! JWT that any instance with the secret accepts.

use leptos::{prelude::*, task::spawn_local};
use shared::wire::Instance;

use crate::{api::Api, lab::Lab, lab_request::LabRequest, loopback};

#[component]
pub fn Scaling() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let me = RwSignal::new(None::<Instance>);
    let peers = RwSignal::new(Vec::<(Api, Instance)>::new());
    // Peers the backend named that the page will not talk to (not a loopback origin).
    let refused = RwSignal::new(Vec::<String>::new());
    // Loaded again once the person gives the control token.
    Effect::new(move |_| {
        lab.control_epoch.track();
        spawn_local(async move {
            let Ok(mine) = lab.api().instance().await else { return };
            let (mut found, mut not_loopback) = (Vec::new(), Vec::new());
            for origin in &mine.peers {
                let Some(api) = loopback::origin(origin).map(Api::new) else {
                    not_loopback.push(origin.clone());
                    continue;
                };
                if let Ok(theirs) = api.instance().await {
                    found.push((api, theirs));
                }
            }
            peers.set(found);
            refused.set(not_loopback);
            me.set(Some(mine));
        });
    });
    view! {
        <section class="panel" id="scaling" aria-labelledby="scaling-title">
            <h2 id="scaling-title">"Scaling: one store or many"</h2>
            {move || me.get().map(|mine| {
                let store = if mine.store == "redis" { "a Redis store shared by the instances" } else { "its own memory" };
                view! { <p id="instance">{format!("This page talks to instance {}, which keeps sessions in {store}.", mine.name)}</p> }.into_any()
            }).unwrap_or_else(|| ().into_any())}
            {move || refused.with(|r| (!r.is_empty()).then(|| view! {
                <p class="error" id="peers-refused">{format!("Not contacted: {} (the page only talks to {}).", r.join(", "), loopback::RULE)}</p>
            }))}
            {move || {
                let list = peers.get();
                if list.is_empty() {
                    return view! {
                        <p class="small">
                            "One backend runs now. " <code>"cargo xtask run --scale memory"</code> " (or " <code>"--scale redis"</code>
                            ") starts two, A on :3000 and B on :3002: log in on A, then ask B who you are."
                        </p>
                    }.into_any();
                }
                let mine = me.get().map(|m| m.name).unwrap_or_default();
                list.into_iter().map(|(api, theirs)| {
                    let (cookie_api, jwt_api) = (api.clone(), api);
                    let name = theirs.name.clone();
                    view! {
                        <p class="small">{format!("1. Log in with the session cookie (auth lab) on {mine}. 2. Ask {name} with the same cookie (cookies belong to the host, not the port, so it goes along). With memory stores {name} answers unknown_session; with Redis it knows you. 3. A JWT from {mine} works on both.")}</p>
                        <div class="buttons">
                            <button class="peer-cookie" on:click=move |_| lab.send_to(Some(cookie_api.clone()), &format!("Profile on {} with the cookie", theirs.name), LabRequest::profile(false), None)>
                                {format!("GET /api/profile on {name} with the cookie")}
                            </button>
                            <button class="peer-jwt" disabled=move || lab.token.with(Option::is_none)
                                on:click=move |_| lab.send_to(Some(jwt_api.clone()), "Profile on the other instance with the JWT", LabRequest::profile(true), None)>
                                "…on the other instance with the JWT"
                            </button>
                        </div>
                    }
                    .into_any()
                }).collect_view().into_any()
            }}
        </section>
    }
}
