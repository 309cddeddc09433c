//! The other site: the seed's bank-transfer attack, the defenses that really stop it (and
//! which attacker each stops), the browser's own third-party cookies, and the balances it moves.

use leptos::prelude::*;
use shared::{
    cookie::SameSite,
    cors::Engine,
    wire::{Account, CSRF_TOKEN_HEADER, Defense, Defenses, LogEntry, SiteLinks},
};

use super::{
    attack::{Context, explain, is_attack},
    defenses::{Attacker, DefenseSetup, outcome},
    exploit_server::ExploitServer,
    own_transfer::OwnTransfer,
    site_link::SiteLink,
    third_party_probe::ThirdPartyProbe,
};
use crate::{
    api::{self, Api},
    engines,
    labs::vulnerable::{TRANSFER_VIA_GET, VulnerableToggle},
    loopback, page, server_words,
    state::{LiveSettings, Panel, Reported, ServerLog, ThirdPartyCookies, live::Change},
};

#[component]
pub fn Bank() -> impl IntoView {
    let api = expect_context::<Api>();
    let live = expect_context::<LiveSettings>();
    let log = expect_context::<ServerLog>();
    let site = LocalResource::new({
        let api = api.clone();
        move || api.site()
    });
    // Every request in the log may have moved money (or the lab was reset): load again.
    let accounts = LocalResource::new(move || {
        log.newest();
        api.accounts()
    });
    let attacks = move || {
        let origin = page::origin();
        log.newest_where(5, |e| is_attack(e, &origin))
    };
    // What the third-party cookie probe measured in this browser: the stories use it, and so
    // do the challenges that attack from another site.
    let measured = expect_context::<ThirdPartyCookies>().0;
    view! {
        <section class="panel" id="bank" aria-labelledby="bank-title">
            <h2 id="bank-title">"5. The other site: CSRF is not stopped by CORS"</h2>
            <p>
                "Log in with a session cookie, then open the attacker's page. Its script POSTs a transfer with "
                <code>"credentials: \"include\""</code> " and a text/plain body: a simple request, so the browser sends it, cookie and all. "
                "CORS only decides whether that page may read the answer."
            </p>
            <p class="buttons">
                {move || site.get().and_then(Result::ok).map(|site| view! {
                    <SiteLink id="attack-same-site" url=site.same_site label="Open the attack from the same site (localhost)"/>
                    <SiteLink id="attack-cross-site" url=site.cross_site label="Open it from another site (127.0.0.1)"/>
                })}
            </p>
            <Defenses live/>
            <fieldset>
                <legend>"Deliberately vulnerable"</legend>
                <VulnerableToggle setting=TRANSFER_VIA_GET at=Panel::Csrf/>
            </fieldset>
            <Reported at=Panel::Csrf/>
            <OwnTransfer/>
            <DefenseTable site/>
            <ThirdPartyProbe site measured/>
            <ExploitServer site/>
            <h3>"Accounts"</h3>
            <div id="accounts">
                {move || accounts.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|account| view! { <AccountRow account/> }).collect_view()}
            </div>
            <h3>"Transfers from other origins, as the server saw them"</h3>
            <ul id="attacks">
                {move || {
                    let attacks = attacks();
                    if attacks.is_empty() {
                        return view! { <li class="small">"None yet."</li> }.into_any();
                    }
                    attacks.into_iter().map(|entry| view! { <Attack entry measured/> }).collect_view().into_any()
                }}
            </ul>
        </section>
    }
}


/// The CSRF defenses of the lab API (`/control/defenses`), each switched on the server.
#[component]
fn Defenses(live: LiveSettings) -> impl IntoView {
    // What the person asked for and the server has not confirmed yet: a second quick click
    // builds on the first, not on the server's last word, which lags (else it sends the first
    // one back). Forgotten once no change is on its way (confirmed, or refused and reported).
    let asked = RwSignal::new(None::<Defenses>);
    Effect::new(move || {
        if !live.changing() {
            asked.set(None);
        }
    });
    let current = move || asked.get().or_else(|| live.defenses()).unwrap_or_default();
    let switch = move |set: fn(&mut Defenses, bool), on: bool| {
        let mut defenses = current();
        set(&mut defenses, on);
        asked.set(Some(defenses));
        live.apply(Change::Defenses(defenses));
    };
    view! {
        <fieldset>
            <legend>"Defenses that really stop it"</legend>
            <label><input type="checkbox" id="defense-origin" prop:checked=move || current().origin_check
                on:change=move |ev| switch(|d, on| d.origin_check = on, event_target_checked(&ev))/>
                " Origin check: refuse writes whose Origin is not this page's (403). Browsers always send Origin on cross-origin writes."</label>
            <br/>
            <label><input type="checkbox" id="defense-json" prop:checked=move || current().json_only
                on:change=move |ev| switch(|d, on| d.json_only = on, event_target_checked(&ev))/>
                " JSON only: refuse text/plain (415). A cross-origin JSON POST needs a preflight, which the policy refuses for strangers."</label>
            <br/>
            <label><input type="checkbox" id="defense-fetch-metadata" prop:checked=move || current().fetch_metadata
                on:change=move |ev| switch(|d, on| d.fetch_metadata = on, event_target_checked(&ev))/>
                " Fetch Metadata: refuse cross-site writes by Sec-Fetch-Site (403); a request without it is judged by its Origin."</label>
            <br/>
            <label><input type="checkbox" id="defense-csrf-token" prop:checked=move || current().csrf_token
                on:change=move |ev| switch(|d, on| d.csrf_token = on, event_target_checked(&ev))/>
                {csrf_token_words()}</label>
            <p class="small">
                "SameSite (in the auth lab): Lax keeps the cookie off cross-site POSTs (127.0.0.1 is another site than localhost; "
                "another port of localhost is the same site). Strict keeps it off every cross-site request. "
            </p>
            <p class="small" id="same-site-none">{engines::same_site_none(expect_context::<Engine>())}</p>
        </fieldset>
    }
}

/// The CSRF token defense in words, from the names it checks: the header, where the token is
/// read, and the error a transfer without it gets.
fn csrf_token_words() -> String {
    let code = Defense::CsrfToken.code();
    format!(
        " CSRF token: a transfer authenticated by the session cookie must carry {CSRF_TOKEN_HEADER}, the session's token from GET /api/csrf-token, \
         else {} {}. Another site's page cannot read the token, so it cannot send it; a bearer transfer is not checked (no browser adds a bearer token by itself).",
        code.status(),
        code.as_str()
    )
}

/// Which defense stops which attacker (`defenses::outcome`), each cell carrying its claim as
/// data attributes, which the end-to-end tests measure in each engine.
#[component]
fn DefenseTable(site: LocalResource<api::Result<SiteLinks>>) -> impl IntoView {
    let engine = expect_context::<Engine>();
    // The attackers' origins as the backend names them, once it did (and only loopback ones).
    let origin = move |attacker: Attacker| {
        site.get().and_then(Result::ok).and_then(|site| {
            let url = match attacker {
                Attacker::SameSite => site.same_site,
                Attacker::CrossSite => site.cross_site,
            };
            loopback::origin(&url).map(str::to_owned)
        })
    };
    let header = move |attacker: Attacker, words: &'static str, example: &'static str| {
        view! { <th scope="col">{words} " " <code>{move || origin(attacker).unwrap_or_else(|| example.to_owned())}</code></th> }
    };
    view! {
        <div class="table-scroll">
            <table id="defense-table" data-engine=engine.as_str()>
                <caption>
                    "Which defense stops which attacker, in " {engine.label()}
                    " (measured the same in Chromium, Firefox and WebKit by the lab's tests, the victim's balance as the proof)"
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Defense"</th>
                        {header(Attacker::SameSite, "Same-site attacker", "http://localhost:PORT")}
                        {header(Attacker::CrossSite, "Cross-site attacker", "http://127.0.0.1:PORT")}
                    </tr>
                </thead>
                <tbody>
                    {DefenseSetup::ALL
                        .map(|defense| view! {
                            <tr>
                                <th scope="row">{defense.label()}</th>
                                {Attacker::ALL
                                    .map(|attacker| {
                                        let cell = outcome(defense, attacker);
                                        view! {
                                            <td data-attacker=attacker.id() data-defense=defense.id() data-expect=cell.transfer.id()>{cell.words}</td>
                                        }
                                    })}
                            </tr>
                        })}
                </tbody>
            </table>
        </div>
    }
}

/// An account's balance and its last three transfers.
#[component]
fn AccountRow(account: Account) -> impl IntoView {
    let history = account.transfers.iter().rev().take(3).map(|t| format!("{} → {}: {} ({})", t.from, t.to, t.amount, t.at)).collect::<Vec<_>>();
    let email = account.email;
    view! {
        <p class="account" data-email=email.clone()>
            <strong>{email.clone()}</strong>
            ": balance "
            <span class="balance">{account.balance}</span>
            {(!history.is_empty()).then(|| view! { <span class="small">{format!(" · {}", history.join("; "))}</span> })}
        </p>
    }
}

/// A transfer from another origin, with its story.
#[component]
fn Attack(entry: LogEntry, measured: RwSignal<Option<(SameSite, bool)>>) -> impl IntoView {
    let live = expect_context::<LiveSettings>();
    let engine = expect_context::<Engine>();
    let origin = entry.origin.clone().unwrap_or_default();
    let line = format!("#{} {} /api/transfer from {origin} → {}; cookie: {}", entry.seq, entry.method, entry.status, server_words::cookies(&entry.credentials));
    let came = server_words::deciding_headers(&entry);
    let status = entry.status;
    let story = move || {
        let page_origin = page::origin();
        let context = Context { page_origin: &page_origin, cookie: live.cookie().unwrap_or_default(), engine, probe: measured.get() };
        explain(&entry, &context)
    };
    view! {
        <li class="attack" data-status=status>
            <code>{line}</code>
            {came.map(|came| view! { <br/><code class="deciding">{came}</code> })}
            <br/>
            {story}
        </li>
    }
}
