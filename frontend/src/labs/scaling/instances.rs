//! The scaling lab: two backends, sessions in each one's memory or shared in Redis, and a
//! JWT that any instance with the secret accepts; behind a load balancer when one runs
//! (`balancer`).

use leptos::prelude::*;
use shared::wire::{Balanced, Instance};

use super::{
    balancer::{Balancer, Cases},
    balancing::CASES,
};
use crate::{
    api::Api,
    lab_request::LabRequest,
    loopback,
    state::{Jwt, Probes},
};

/// This backend, and the peers it names.
#[derive(Clone, Default)]
struct Instances {
    mine: Option<Instance>,
    /// The peers the page talks to.
    peers: Vec<(Api, Instance)>,
    /// Peers the backend named that the page will not talk to (not a loopback origin).
    refused: Vec<String>,
}

impl Instances {
    /// The load balancer in front of the instances, when one runs.
    fn balancer(&self) -> Option<&Balanced> {
        self.mine.as_ref()?.balancer.as_ref()
    }
}

/// This backend's instance, then each peer's it names.
fn instances(api: &Api) -> impl Future<Output = Instances> + use<> {
    let (mine, api) = (api.instance(), api.clone());
    async move {
        let Ok(mine) = mine.await else { return Instances::default() };
        let mut found = Instances::default();
        for origin in &mine.peers {
            match loopback::origin(origin) {
                Some(peer) => {
                    let peer = api.at(peer);
                    if let Ok(theirs) = peer.instance().await {
                        found.peers.push((peer, theirs));
                    }
                }
                None => found.refused.push(origin.clone()),
            }
        }
        found.mine = Some(mine);
        found
    }
}

/// Whether the page's address points at one of the load balancer's cases (the comparison
/// table links to them).
fn case_targeted() -> bool {
    let hash = location_hash().unwrap_or_default();
    CASES.iter().any(|case| case.id == hash.trim_start_matches('#'))
}

#[component]
pub fn Scaling() -> impl IntoView {
    let api = expect_context::<Api>();
    let instances = LocalResource::new({
        let api = api.clone();
        move || instances(&api)
    });
    let loaded = move || instances.get().unwrap_or_default();
    // Not every engine opens a `<details>` for a link into it: the page does.
    let targeted = RwSignal::new(case_targeted());
    let listener = window_event_listener_untyped("hashchange", move |_| targeted.set(case_targeted()));
    on_cleanup(move || listener.remove());
    view! {
        <section class="panel" id="scaling" aria-labelledby="scaling-title">
            <h2 id="scaling-title">"Scaling: one store or many"</h2>
            {move || {
                let Instances { mine, .. } = loaded();
                mine.map(|mine| {
                    let store = if mine.store == "redis" { "a Redis store shared by the instances" } else { "its own memory" };
                    // Behind the balancer only the control plane reaches one instance for sure.
                    let talks = if mine.balancer.is_some() { "This page's control plane is" } else { "This page talks to" };
                    view! { <p id="instance">{format!("{talks} instance {}, which keeps sessions in {store}.", mine.name)}</p> }
                })
            }}
            // Without a balancer the cases are still listed, so that the comparison table's
            // links land, with the command that starts one: folded, since nothing runs them
            // yet, and opened when a link points at one.
            {move || instances.get().filter(|found| found.balancer().is_none()).map(|_| view! {
                <details class="fold" id="scale-cases-fold" prop:open=move || targeted.get()>
                    <summary>"Behind a load balancer: the four cases, and the command that runs them"</summary>
                    <p class="small">
                        "Behind a load balancer: " <code>"cargo xtask run --scale lb"</code> " (or " <code>"--scale lb redis"</code>
                        ") puts HAProxy in front of two instances, and this panel then shows these cases live:"
                    </p>
                    <Cases/>
                </details>
            })}
            {move || {
                let Instances { mine, peers, .. } = loaded();
                let mut mine = mine?;
                let balanced = mine.balancer.take()?;
                // Every instance's control plane, the page's own first: each keeps its own policy.
                let instances = std::iter::once((mine.name, api.clone())).chain(peers.into_iter().map(|(peer, theirs)| (theirs.name, peer))).collect();
                Some(view! { <Balancer api=api.clone() balanced store=mine.store instances/> })
            }}
            {move || {
                let refused = loaded().refused;
                (!refused.is_empty()).then(|| view! {
                    <p class="error" id="peers-refused">{format!("Not contacted: {} (the page only talks to {}).", refused.join(", "), loopback::RULE)}</p>
                })
            }}
            {move || {
                let Instances { mine, peers, .. } = loaded();
                if peers.is_empty() {
                    return view! {
                        <p class="small">
                            "One backend runs now. " <code>"cargo xtask run --scale memory"</code> " (or " <code>"--scale redis"</code>
                            ") starts two, A on :3000 and B on :3002: log in on A, then ask B who you are."
                        </p>
                    }
                    .into_any();
                }
                let mine = mine.map(|m| m.name).unwrap_or_default();
                peers.into_iter().map(|(peer, theirs)| view! { <Peer peer theirs mine=mine.clone()/> }).collect_view().into_any()
            }}
        </section>
    }
}

/// Another instance, with the two requests that show what it shares with this one.
#[component]
fn Peer(peer: Api, theirs: Instance, mine: String) -> impl IntoView {
    let probes = expect_context::<Probes>();
    let jwt = expect_context::<Jwt>();
    let name = theirs.name;
    let (with_cookie, with_jwt) = (peer.clone(), peer);
    let cookie_label = format!("Profile on {name} with the cookie");
    view! {
        <p class="small">{format!("1. Log in with the session cookie (auth lab) on {mine}. 2. Ask {name} with the same cookie (cookies belong to the host, not the port, so it goes along). With memory stores {name} answers unknown_session; with Redis it knows you. 3. A JWT from {mine} works on both.")}</p>
        <div class="buttons">
            <button class="peer-cookie" on:click=move |_| probes.send_to(with_cookie.clone(), &cookie_label, LabRequest::profile(false))>
                {format!("GET /api/profile on {name} with the cookie")}
            </button>
            <button class="peer-jwt" disabled=move || jwt.0.with(Option::is_none)
                on:click=move |_| probes.send_to(with_jwt.clone(), "Profile on the other instance with the JWT", LabRequest::profile(true))>
                "…on the other instance with the JWT"
            </button>
        </div>
    }
}
