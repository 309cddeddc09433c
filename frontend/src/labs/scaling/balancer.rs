//! The scaling lab behind a load balancer: pick a way through HAProxy (round-robin or
//! sticky) and a credential, send the profile request a few times, and see per request
//! which instance answered and what the page could read; stop and start an instance in the
//! middle. The words and rules are in `balancing`; this wires them to the control plane.

use leptos::prelude::*;
use shared::wire::{Balanced, BalancerState, ErrorBody, LoginResponse, Profile, TokenResponse};

use super::balancing::{self, Body, CASES, Credential, Reading, Way};
use crate::{
    api::{self, Api},
    json,
    lab_request::{DEMO_LOGIN, LabRequest, Login, demo_login},
    state::{Jwt, LiveSettings, Panel, Probes, Problem, Reported},
};

/// Rows the request list keeps.
const KEEP: usize = 40;

/// How many profile requests the "several times" button sends: enough to see round-robin
/// alternate twice.
const BURST: usize = 4;

/// One request sent from this panel, as the page read it.
#[derive(Clone, Debug)]
struct Row {
    /// Counts up from 1; the newest is highest.
    n: usize,
    way: Way,
    credential: Credential,
    /// `METHOD /path`.
    request: &'static str,
    reading: Reading,
}

/// What a button sends.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Send {
    LogIn,
    GetToken,
    Profile(usize),
}

/// The balancer, its instances, and the request list. `instances` are the control planes of
/// every instance (the page's own first): each keeps its own policy, so `X-Instance` is
/// exposed on each.
#[component]
pub fn Balancer(api: Api, balanced: Balanced, store: String, instances: Vec<(String, Api)>) -> impl IntoView {
    let jwt = expect_context::<Jwt>();
    let live = expect_context::<LiveSettings>();
    let probes = expect_context::<Probes>();
    let problem = expect_context::<Problem>();
    let way = RwSignal::new(Way::RoundRobin);
    let credential = RwSignal::new(Credential::Cookie);
    let rows = RwSignal::new(Vec::<Row>::new());
    let sent = StoredValue::new(0usize);

    // Stored, so that the closures below stay `Copy`.
    let origins = StoredValue::new(balanced.clone());
    let control = StoredValue::new(api.clone());
    let through = move |way: Way| origins.with_value(|b| way.origin(b).map(|origin| control.with_value(|api| api.at(origin))));

    let send = Action::new_local(move |what: &Send| {
        let (what, way, credential) = (*what, way.get_untracked(), credential.get_untracked());
        let target = through(way);
        async move {
            let Some(target) = target else { return };
            let (request, label, times) = match what {
                Send::LogIn => (LabRequest::login(Login::Session, &demo_login()), "POST /api/login", 1),
                Send::GetToken => (LabRequest::login(Login::Token, &demo_login()), "POST /api/token", 1),
                Send::Profile(times) => (LabRequest::profile(credential == Credential::Jwt), "GET /api/profile", times),
            };
            // One after the other, so that the list shows the order the balancer saw.
            for _ in 0..times {
                let browser = probes.fetch(&target, &request).await;
                let n = sent.get_value() + 1;
                sent.set_value(n);
                let credential = if request.bearer || request.issues_token() { Credential::Jwt } else { Credential::Cookie };
                let row = Row { n, way, credential, request: label, reading: balancing::reading(&browser, read_body) };
                rows.update(|rows| {
                    rows.insert(0, row);
                    rows.truncate(KEEP);
                });
            }
        }
    });

    // Only a balancer with its runtime API configured can say which servers it has.
    let servers = balanced.admin.then(|| {
        let api = api.clone();
        LocalResource::new(move || api.balancer())
    });
    let switch = Action::new_local({
        let api = api.clone();
        move |(name, enabled): &(String, bool)| {
            let switched = api.switch_server(name, *enabled);
            async move {
                match switched.await {
                    Ok(state) => {
                        if let Some(servers) = servers {
                            servers.update(|s| *s = Some(Ok(state)));
                        }
                        problem.clear();
                    }
                    Err(e) => problem.report(Panel::Scaling, format!("The balancer was not switched: {e}")),
                }
            }
        }
    });

    let exposure = LocalResource::new({
        let instances = instances.clone();
        move || {
            // Asked again whenever the page's own policy changes (the policy panel may take
            // X-Instance out), so that what this says stays true.
            let _tracked = live.policy();
            let asked: Vec<_> = instances.iter().map(|(name, api)| (name.clone(), api.get_policy())).collect();
            async move {
                let mut exposed = Vec::new();
                for (name, policy) in asked {
                    exposed.push((name, policy.await.map(|p| balancing::exposes_instance(&p))));
                }
                exposed
            }
        }
    });
    let expose = Action::new_local(move |_: &()| {
        let instances = instances.clone();
        async move {
            match expose_everywhere(&instances).await {
                Ok(()) => problem.clear(),
                Err(e) => problem.report(Panel::Scaling, e),
            }
            exposure.refetch();
            // The page's own instance changed under the policy panel.
            live.reload();
        }
    });

    let busy = move || send.pending().get();
    let no_way = move || through(way.get()).is_none();
    let way_button = move |w: Way| {
        view! {
            <button id=format!("way-{}", w.label()) class:active=move || way.get() == w aria-pressed=move || (way.get() == w).to_string()
                disabled=move || through(w).is_none() on:click=move |_| way.set(w)>
                {w.label()}
            </button>
        }
    };
    let credential_button = move |c: Credential, id: &'static str| {
        view! {
            <button id=id class:active=move || credential.get() == c aria-pressed=move || (credential.get() == c).to_string() on:click=move |_| credential.set(c)>
                {c.label()}
            </button>
        }
    };
    let needs_token = move || credential.get() == Credential::Jwt && jwt.0.with(Option::is_none);

    view! {
        <div id="balancer">
            <h3>"Behind a load balancer"</h3>
            <p class="small">
                "HAProxy stands in front of the instances and picks one for each lab request. Round-robin: "
                <code>{balanced.round_robin.clone().unwrap_or_else(|| "(none)".into())}</code> "; sticky: "
                <code>{balanced.sticky.clone().unwrap_or_else(|| "(none)".into())}</code>
                ". The page's other labs send through round-robin; this panel sends through the way you pick. "
                "The control plane is not balanced: it always reaches the same instance."
            </p>
            <p id="balancer-exposure" class="small">
                {move || exposure.get().map(|exposed| exposure_text(&exposed))}
            </p>
            <div class="buttons">
                <button id="balancer-expose" on:click=move |_| { expose.dispatch(()); }>
                    "Expose X-Instance on every instance"
                </button>
            </div>
            <Cases setup=CaseSetup { store, way, credential }/>
            <div class="buttons" role="group" aria-label="Way through the balancer">
                {Way::ALL.map(way_button)}
            </div>
            <p class="small">{move || way.get().explain()}</p>
            <div class="buttons" role="group" aria-label="Credential">
                {credential_button(Credential::Cookie, "balancer-cookie")}
                {credential_button(Credential::Jwt, "balancer-jwt")}
            </div>
            <div class="buttons">
                <button id="balancer-login" disabled=move || busy() || no_way() on:click=move |_| { send.dispatch(Send::LogIn); }>
                    {format!("Log in as {} (session cookie)", DEMO_LOGIN.0)}
                </button>
                <button id="balancer-token" disabled=move || busy() || no_way() on:click=move |_| { send.dispatch(Send::GetToken); }>
                    "Get a JWT"
                </button>
                <button id="balancer-profile" disabled=move || busy() || no_way() || needs_token()
                    on:click=move |_| { send.dispatch(Send::Profile(1)); }>
                    "GET /api/profile"
                </button>
                <button id="balancer-profile-burst" disabled=move || busy() || no_way() || needs_token()
                    on:click=move |_| { send.dispatch(Send::Profile(BURST)); }>
                    {format!("…{BURST} times")}
                </button>
            </div>
            {servers.map(|servers| view! {
                <ul id="balancer-servers" class="small">
                    {move || match servers.get() {
                        None => view! { <li>"Asking the balancer…"</li> }.into_any(),
                        Some(Err(e)) => view! { <li class="error">{format!("The balancer's state could not be read: {e}")}</li> }.into_any(),
                        Some(Ok(BalancerState { servers })) => servers.into_iter().map(|server| {
                            let (name, enabled) = (server.name.clone(), server.enabled);
                            view! {
                                <li data-server=server.name.clone() data-enabled=enabled.to_string()>
                                    {format!("Instance {}: {} ", server.name, balancing::server_state(&server))}
                                    <button class="server-switch" data-server=server.name.clone() disabled=move || switch.pending().get()
                                        on:click=move |_| { switch.dispatch((name.clone(), !enabled)); }>
                                        {balancing::switch_label(&server)}
                                    </button>
                                </li>
                            }
                        }).collect_view().into_any(),
                    }}
                </ul>
            })}
            <Reported at=Panel::Scaling/>
            <div class="table-scroll">
                <table id="balancer-log" data-count=move || rows.with(|r| r.first().map_or(0, |row| row.n)).to_string()>
                    <thead>
                        <tr>{COLUMNS.map(|name| view! { <th scope="col">{name}</th> })}</tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get() key=|row| row.n let:row>
                            <BalancedRow row/>
                        </For>
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// What the cases set up when the balancer runs: the panel's choices, and the store the lab
/// runs with (a case that needs the other store says how to start it).
#[derive(Clone)]
pub struct CaseSetup {
    pub store: String,
    pub way: RwSignal<Way>,
    pub credential: RwSignal<Credential>,
}

/// The four cases of the Sessions vs JWT table's Scaling row, each an anchor it links to.
/// With the balancer running (`setup`), each sets the panel up for its case.
#[component]
pub fn Cases(#[prop(optional)] setup: Option<CaseSetup>) -> impl IntoView {
    view! {
        <ol id="scale-cases" class="small">
            {CASES.map(|case| {
                let command = format!("cargo xtask run --scale lb {}", case.store.unwrap_or_default());
                let needs = setup.as_ref().filter(|setup| !case.runs_with(&setup.store)).map(|setup| {
                    view! { " This lab keeps sessions in " {setup.store.clone()} ": start it with " <code>{command.trim_end().to_owned()}</code> "." }
                });
                let button = setup.as_ref().map(|&CaseSetup { way, credential, .. }| view! {
                    " "
                    <button class="link case-setup" on:click=move |_| { way.set(case.way); credential.set(case.credential); }>
                        {format!("Set up: {}, {}", case.way.label(), case.credential.label())}
                    </button>
                });
                view! { <li id=case.id><strong>{case.title}</strong> ": " {case.expect} {needs} {button}</li> }
            })}
        </ol>
    }
}

/// The log's column headers, also each cell's label when a narrow screen stacks the table.
const COLUMNS: [&str; 6] = ["#", "Way", "Credential", "Request", "Answered by", "What the page could read"];

#[component]
fn BalancedRow(row: Row) -> impl IntoView {
    let Row { n, way, credential, request, reading } = row;
    view! {
        <tr data-n=n data-instance=reading.instance.clone().unwrap_or_default() data-logged-in=reading.logged_in().to_string()>
            <td data-label=COLUMNS[0]>{n}</td>
            <td data-label=COLUMNS[1]>{way.label()}</td>
            <td data-label=COLUMNS[2]>{credential.label()}</td>
            <td data-label=COLUMNS[3]><code>{request}</code></td>
            <td data-label=COLUMNS[4] class="instance">{reading.instance_text()}</td>
            <td data-label=COLUMNS[5] class="read">{reading.outcome_text()}</td>
        </tr>
    }
}

/// A body as the page reads it with the browser's `JSON.parse`: a profile, a login (which
/// made a session), a token, or an error.
fn read_body(text: &str) -> Body {
    if let Ok(profile) = json::parse::<Profile>(text) {
        return Body::Profile(profile);
    }
    if let Ok(login) = json::parse::<LoginResponse>(text) {
        return Body::Profile(Profile { user: login.user, auth: shared::wire::AuthKind::Session });
    }
    if json::parse::<TokenResponse>(text).is_ok() {
        return Body::Token;
    }
    json::parse::<ErrorBody>(text).map_or(Body::Other, Body::Error)
}

/// Which instances let the page read `X-Instance`, in words.
fn exposure_text(exposed: &[(String, api::Result<bool>)]) -> String {
    let names =
        |want: bool| exposed.iter().filter(|(_, e)| e.as_ref().is_ok_and(|e| *e == want)).map(|(n, _)| n.as_str()).collect::<Vec<_>>();
    let (on, off) = (names(true), names(false));
    let unknown: Vec<_> = exposed.iter().filter(|(_, e)| e.is_err()).map(|(n, _)| n.as_str()).collect();
    let mut text = Vec::new();
    if !on.is_empty() {
        text.push(format!("The policy exposes X-Instance on {}: the page reads which instance answered.", on.join(", ")));
    }
    if !off.is_empty() {
        text.push(format!(
            "Not on {}: the browser hides the header from the page there, so the list cannot say which instance answered (the server's log still can). Expose it to see.",
            off.join(", ")
        ));
    }
    if !unknown.is_empty() {
        text.push(format!("The policy of {} could not be read.", unknown.join(", ")));
    }
    text.join(" ")
}

/// Adds `X-Instance` to the policy of every instance, each through its own control plane.
async fn expose_everywhere(instances: &[(String, Api)]) -> Result<(), String> {
    for (name, api) in instances {
        let policy = api.get_policy().await.map_err(|e| format!("Instance {name}'s policy could not be read: {e}"))?;
        if balancing::exposes_instance(&policy) {
            continue;
        }
        api.put_policy(&balancing::with_instance_exposed(policy)).await.map_err(|e| format!("Instance {name} kept its policy: {e}"))?;
    }
    Ok(())
}
