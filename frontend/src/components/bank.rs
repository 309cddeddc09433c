//! The other site: the seed's bank-transfer attack, the defences that really stop it, and the
//! balances it moves.

use leptos::{prelude::*, task::spawn_local};
use shared::wire::{Account, Defenses, LogEntry, SiteLinks};

use crate::{
    page,
        attack::{explain, is_attack},
    html::Html,
    lab::Lab,
    loopback,
};

#[component]
pub fn Bank() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let defenses = RwSignal::new(None::<Defenses>);
    let site = RwSignal::new(None::<SiteLinks>);
    let accounts = RwSignal::new(Vec::<Account>::new());
    // Loaded again once the person gives the control token.
    Effect::new(move |_| {
        lab.control_epoch.track();
        spawn_local(async move {
            if let Ok(s) = lab.api().site().await {
                site.set(Some(s));
            }
        });
    });
    // Every request in the log may have moved money (or reset it): reload the accounts.
    Effect::new(move |_| {
        lab.log.with(Vec::len);
        lab.control_epoch.track();
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
        let origin = page::origin();
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
            <p class="buttons" inner_html=move || site.get().map(|s| site_links_html(&s)).unwrap_or_default()></p>
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
            <div id="accounts" inner_html=move || accounts_html(&accounts.get())></div>
            <h3>"Transfers from other origins, as the server saw them"</h3>
            <ul id="attacks" inner_html=move || attacks_html(&attacks())></ul>
        </section>
    }
}

/// The attack page's two links, each only when it is a loopback URL (`loopback::link`): a
/// URL the page shows as a link must not lead anywhere else, `javascript:` least of all.
fn site_links_html(site: &SiteLinks) -> String {
    let mut html = Html::default();
    for (id, url, label) in [
        ("attack-same-site", &site.same_site, "Open the attack from the same site (localhost)"),
        ("attack-cross-site", &site.cross_site, "Open it from another site (127.0.0.1)"),
    ] {
        match loopback::link(url) {
            Some(href) => html.open("a", &[("id", id), ("href", href), ("target", "_blank"), ("rel", "noopener")]).text(label).close("a"),
            None => html.element("span", &[("class", "error refused-link")], &format!("Refused a link the backend named: {url} (only {} are linked)", loopback::RULE)),
        };
    }
    html.finish()
}

// The two lists below only show what the server reports, so they are written as markup
// (`html`): less wasm than view nodes.

/// Each account's balance and its last three transfers.
fn accounts_html(accounts: &[Account]) -> String {
    let mut html = Html::default();
    for a in accounts {
        let history = a.transfers.iter().rev().take(3).map(|t| format!("{} → {}: {} ({})", t.from, t.to, t.amount, t.at)).collect::<Vec<_>>().join("; ");
        html.open("p", &[("class", "account"), ("data-email", &a.email)])
            .element("strong", &[], &a.email)
            .markup(": balance ")
            .element("span", &[("class", "balance")], &a.balance.to_string());
        if !history.is_empty() {
            html.element("span", &[("class", "small")], &format!(" · {history}"));
        }
        html.close("p");
    }
    html.finish()
}

/// The attacks, newest first, each with its story.
fn attacks_html(attacks: &[LogEntry]) -> String {
    let mut html = Html::default();
    if attacks.is_empty() {
        html.markup(r#"<li class="small">None yet.</li>"#);
    }
    for e in attacks {
        let origin = e.origin.as_deref().unwrap_or_default();
        html.open("li", &[("class", "attack"), ("data-status", &e.status.to_string())])
            .element("code", &[], &format!("#{} POST /api/transfer from {origin} → {}; cookie: {}", e.seq, e.status, e.credentials.cookie))
            .markup("<br>")
            .text(&explain(e))
            .close("li");
    }
    html.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_site_links_become_links() {
        let site = SiteLinks { same_site: "http://localhost:3001/".into(), cross_site: "javascript:alert(document.cookie)".into() };
        let html = site_links_html(&site);
        assert!(html.starts_with("<a id=\"attack-same-site\" href=\"http://localhost:3001/\" target=\"_blank\" rel=\"noopener\">"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(html.contains("Refused a link the backend named: javascript:alert(document.cookie)"), "{html}");
    }
}
