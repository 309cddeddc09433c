//! The other site: the seed's bank-transfer attack, the defences that really stop it, and the
//! balances it moves.

use leptos::{prelude::*, task::spawn_local};
use shared::wire::{Defenses, SiteLinks};

use crate::{
    api::Account,
    app::page_origin,
    attack::{explain, is_attack},
    lab::Lab,
};

#[component]
pub fn Bank() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let defenses = RwSignal::new(None::<Defenses>);
    let site = RwSignal::new(None::<SiteLinks>);
    let accounts = RwSignal::new(Vec::<Account>::new());
    spawn_local(async move {
        let api = lab.api();
        if let Ok(d) = api.get_defenses().await {
            defenses.set(Some(d));
        }
        if let Ok(s) = api.site().await {
            site.set(Some(s));
        }
    });
    // Every request in the log may have moved money (or reset it): reload the accounts.
    Effect::new(move |_| {
        lab.log.with(Vec::len);
        spawn_local(async move {
            if let Ok(rows) = lab.api().accounts().await {
                accounts.set(rows);
            }
            if let Ok(d) = lab.api().get_defenses().await {
                defenses.set(Some(d));
            }
        });
    });
    let toggle = move |f: fn(&mut Defenses, bool), on: bool| {
        let mut d = defenses.get_untracked().unwrap_or_default();
        f(&mut d, on);
        spawn_local(async move {
            match lab.api().put_defenses(&d).await {
                Ok(d) => defenses.set(Some(d)),
                Err(e) => lab.error.set(Some(format!("The defences were not changed: {e}"))),
            }
        });
    };
    let attacks = move || {
        let origin = page_origin();
        lab.log.with(|log| log.iter().rev().filter(|e| is_attack(e, &origin)).take(5).cloned().collect::<Vec<_>>())
    };
    view! {
        <section class="panel" id="bank" aria-labelledby="bank-title">
            <h2 id="bank-title">"5. The other site: CSRF is not stopped by CORS"</h2>
            <p>
                "Log in with a session cookie, then open the attacker's page. Its script POSTs a transfer with "
                <code>"credentials: \"include\""</code> " and a text/plain body: a simple request, so the browser sends it, cookie and all. "
                "CORS only decides whether that page may read the answer."
            </p>
            <p class="buttons">
                {move || site.get().map(|s| view! {
                    <a id="attack-same-site" href=s.same_site target="_blank" rel="noopener">"Open the attack from the same site (localhost)"</a>
                    <a id="attack-cross-site" href=s.cross_site target="_blank" rel="noopener">"Open it from another site (127.0.0.1)"</a>
                }.into_any()).unwrap_or_else(|| ().into_any())}
            </p>
            <fieldset>
                <legend>"Defences that really stop it"</legend>
                <label><input type="checkbox" id="defense-origin" prop:checked=move || defenses.get().is_some_and(|d| d.origin_check)
                    on:change=move |ev| toggle(|d, on| d.origin_check = on, event_target_checked(&ev))/>
                    " Origin check: refuse writes whose Origin is not this page's (403). Browsers always send Origin on cross-origin writes."</label>
                <br/>
                <label><input type="checkbox" id="defense-json" prop:checked=move || defenses.get().is_some_and(|d| d.json_only)
                    on:change=move |ev| toggle(|d, on| d.json_only = on, event_target_checked(&ev))/>
                    " JSON only: refuse text/plain (415). A cross-origin JSON POST needs a preflight, which the policy refuses for strangers."</label>
                <p class="small">
                    "SameSite (in the auth lab): Lax keeps the cookie off cross-site POSTs (127.0.0.1 is another site than localhost; "
                    "another port of localhost is the same site). Strict keeps it off every cross-site request. None needs Secure: without it "
                    "Chromium drops the cookie at login; with it the cookie is kept on http://localhost (a secure context) and goes with "
                    "same-site requests, but on cross-site ones it is a third-party cookie, which the lab's Chromium does not send."
                </p>
            </fieldset>
            <h3>"Accounts"</h3>
            <div id="accounts">
                {move || accounts.get().into_iter().map(|a| {
                    let history = a.transfers.iter().rev().take(3).map(|t| format!("{} → {}: {} ({})", t.from, t.to, t.amount, t.at)).collect::<Vec<_>>().join("; ");
                    view! {
                        <p class="account" data-email=a.email.clone()>
                            <strong>{a.email.clone()}</strong> ": balance " <span class="balance">{a.balance}</span>
                            {(!history.is_empty()).then(|| view! { <span class="small">{format!(" · {history}")}</span> }.into_any())}
                        </p>
                    }
                    .into_any()
                }).collect_view().into_any()}
            </div>
            <h3>"Transfers from other origins, as the server saw them"</h3>
            <ul id="attacks">
                {move || {
                    let list = attacks();
                    if list.is_empty() {
                        return view! { <li class="small">"None yet."</li> }.into_any();
                    }
                    list.into_iter().map(|e| view! {
                        <li class="attack" data-status=e.status.to_string()>
                            <code>{format!("#{} POST /api/transfer from {} → {}; cookie: {}", e.seq, e.origin.clone().unwrap_or_default(), e.status, e.credentials.cookie)}</code>
                            <br/>{explain(&e)}
                        </li>
                    }.into_any()).collect_view().into_any()
                }}
            </ul>
        </section>
    }
}
