//! Which CSRF defense stops which attacker, measured in the browser: the victim logs in on the
//! playground, then the other site's page sends the seed's transfer from the same site
//! (`http://localhost:PORT`, another port) and from another site (`http://127.0.0.1:PORT`).
//! The balance is the proof: a transfer that ran took 100 from it. The page's defenses panel
//! claims each cell of this table (`#defense-table`, `data-expect`); each measured cell is
//! compared with the claim the page makes in the same browser.

use e2e::Lab;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Transfer {
    Ran,
    Refused,
}
use Transfer::*;

impl Transfer {
    /// As the page's table names it (`data-expect`).
    fn id(self) -> &'static str {
        match self {
            Ran => "ran",
            Refused => "refused",
        }
    }
}

/// One defense, and what each attacker achieves against it (the same in every engine tested).
struct Row {
    /// The defense's row in the page's table (`data-defense`).
    defense: &'static str,
    cookie_same_site: &'static str,
    defenses: Value,
    /// The lab policy while the attacker tries (the playground's own default otherwise).
    policy: Option<Value>,
    /// The attacker sends JSON (`?as=json`), as it would once text/plain is refused.
    as_json: bool,
    same_site: Transfer,
    cross_site: Transfer,
}

fn reflect_with_credentials() -> Value {
    json!({
        "enabled": true, "allow_origin": {"mode": "reflect"}, "allow_credentials": true,
        "allow_methods": ["GET", "POST"], "allow_headers": ["Content-Type", "Authorization"],
        "expose_headers": [], "max_age": null
    })
}

/// Opens the attacker's page from `host` and waits until it knows what it could read.
async fn attack_from(lab: &Lab, host: &str, as_json: bool) {
    let query = if as_json { "?as=json" } else { "" };
    lab.browser.client.goto(&format!("http://{host}:{}/{query}", lab.backend.site_addr.port())).await.unwrap();
    lab.browser.wait_attr("#outcome", "data-state", |s| s == "read" || s == "blocked").await;
}

async fn measure(row: Row) {
    // Arrange: the cookie attributes, a logged-in victim, the defense
    let lab = Lab::start().await;
    lab.control_put("/control/cookie", &json!({"same_site": row.cookie_same_site, "secure": false, "http_only": true})).await;
    let b = &lab.browser;
    lab.open_page().await;
    // What the page claims for this defense, in this engine.
    let mut claims = Vec::new();
    for attacker in ["same-site", "cross-site"] {
        let cell = format!("#defense-table td[data-defense='{}'][data-attacker='{attacker}']", row.defense);
        claims.push(b.wait_attr(&cell, "data-expect", |v| !v.is_empty()).await);
    }
    b.click("#login-cookie").await;
    b.wait_attr("#latest[data-probe='1'] .views", "data-rid", |r| !r.is_empty()).await;
    lab.control_put("/control/defenses", &row.defenses).await;
    if let Some(policy) = &row.policy {
        lab.control_put("/control/cors", policy).await;
    }

    // Act + Assert: each attacker, the balance after each
    let mut before = 1000;
    for ((host, outcome), claim) in [("localhost", row.same_site), ("127.0.0.1", row.cross_site)].into_iter().zip(claims) {
        attack_from(&lab, host, row.as_json).await;
        let now = lab.balance().await;
        let measured = if now == before - 100 { Ran } else { Refused };
        assert!(now == before || now == before - 100, "attacker on {host}: the balance went from {before} to {now}");
        assert_eq!(measured, outcome, "attacker on {host}: expected the transfer {outcome:?}, the balance is {now}");
        assert_eq!(claim, measured.id(), "{}, attacker on {host}: the page claims {claim:?}, the transfer {measured:?}", row.defense);
        before = now;
    }
    lab.browser.close().await;
}

#[tokio::test]
async fn samesite_lax_stops_the_cross_site_page_not_the_same_site_one() {
    let off = json!({"origin_check": false, "json_only": false});
    measure(Row { defense: "lax", cookie_same_site: "Lax", defenses: off, policy: None, as_json: false, same_site: Ran, cross_site: Refused }).await;
}

#[tokio::test]
async fn samesite_strict_stops_the_cross_site_page_not_the_same_site_one() {
    let off = json!({"origin_check": false, "json_only": false});
    measure(Row { defense: "strict", cookie_same_site: "Strict", defenses: off, policy: None, as_json: false, same_site: Ran, cross_site: Refused }).await;
}

#[tokio::test]
async fn the_origin_check_stops_both() {
    let on = json!({"origin_check": true, "json_only": false});
    measure(Row { defense: "origin-check", cookie_same_site: "Lax", defenses: on, policy: None, as_json: false, same_site: Refused, cross_site: Refused }).await;
}

#[tokio::test]
async fn fetch_metadata_stops_both() {
    let on = json!({"origin_check": false, "json_only": false, "fetch_metadata": true});
    measure(Row { defense: "fetch-metadata", cookie_same_site: "Lax", defenses: on, policy: None, as_json: false, same_site: Refused, cross_site: Refused }).await;
}

#[tokio::test]
async fn json_only_stops_both_while_cors_refuses_the_preflight() {
    let on = json!({"origin_check": false, "json_only": true});
    measure(Row { defense: "json-only", cookie_same_site: "Lax", defenses: on, policy: None, as_json: true, same_site: Refused, cross_site: Refused }).await;
}

#[tokio::test]
async fn json_only_fails_once_the_policy_allows_the_attacker() {
    let on = json!({"origin_check": false, "json_only": true});
    let policy = Some(reflect_with_credentials());
    // Cross-site, the Lax cookie stays home: refused anyway.
    measure(Row { defense: "json-only-allowed", cookie_same_site: "Lax", defenses: on, policy, as_json: true, same_site: Ran, cross_site: Refused }).await;
}

#[tokio::test]
async fn the_csrf_token_stops_both() {
    let on = json!({"origin_check": false, "json_only": false, "csrf_token": true});
    // Same-site, the cookie goes and no token with it; cross-site, the Lax cookie stays home.
    measure(Row { defense: "csrf-token", cookie_same_site: "Lax", defenses: on, policy: None, as_json: false, same_site: Refused, cross_site: Refused }).await;
}

#[tokio::test]
async fn two_defenses_switched_in_quick_succession_are_both_on() {
    // Arrange: the page with every defense off
    let lab = Lab::start().await;
    let b = &lab.browser;
    b.client.goto(&lab.page_url()).await.unwrap();
    b.wait_text("#policy-summary", |t| t.starts_with("Allows")).await;

    // Act: two clicks in one go, the second before the server could confirm the first (as
    // WebDriver's own clicks are too slow to be)
    let clicks = "document.querySelector('#defense-origin').click(); document.querySelector('#defense-csrf-token').click();";
    b.client.execute(clicks, vec![]).await.unwrap();

    // Assert: the server has both (the second click did not send the first one back off)
    let both = |d: &Value| d["origin_check"] == true && d["csrf_token"] == true;
    let defenses = e2e::settle(async || lab.control_get("/control/defenses").await, both).await;
    assert!(both(&defenses), "{defenses}");
    lab.browser.close().await;
}
