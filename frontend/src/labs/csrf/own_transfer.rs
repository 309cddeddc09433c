//! The playground's own transfer, as a bank's page would send it: a JSON POST with the
//! session cookie and, while the CSRF token defense is on, the session's token read first from
//! `GET /api/csrf-token` and sent back in `X-CSRF-Token`. The attacker's page cannot read that
//! token (the policy keeps the answer from it), so it cannot send it.

use leptos::prelude::*;
use shared::{
    cors::{CorsPolicy, browser::CredentialsMode},
    wire::{CSRF_TOKEN_HEADER, CsrfToken, ErrorBody, TransferResponse},
};

use crate::{
    api::{Api, BrowserView},
    controls::set_text,
    json,
    lab_request::LabRequest,
    state::{LiveSettings, Probes, live::Change},
};

/// The header as the policy lists it and a person reads it.
const HEADER_NAME: &str = "X-CSRF-Token";

/// `GET /api/csrf-token` with the cookie.
fn token_request() -> LabRequest {
    LabRequest { path: "/api/csrf-token".into(), credentials: CredentialsMode::Include, ..LabRequest::default() }
}

/// `POST /api/transfer` with the cookie, a JSON body, and the CSRF token when there is one.
pub fn transfer_request(to: &str, amount: u64, token: Option<String>) -> LabRequest {
    LabRequest {
        method: "POST".into(),
        path: "/api/transfer".into(),
        content_type: Some("application/json".into()),
        custom_header: token.map(|token| (CSRF_TOKEN_HEADER.to_owned(), token)),
        credentials: CredentialsMode::Include,
        body: Some(serde_json::json!({ "to": to, "amount": amount }).to_string()),
        ..LabRequest::default()
    }
}

/// Whether `policy` lets the playground's credentialed preflight ask for `X-CSRF-Token`: only
/// by naming it, since with credentials a `*` in Access-Control-Allow-Headers is the name `*`.
pub fn allows_token_header(policy: &CorsPolicy) -> bool {
    policy.allow_headers.iter().any(|h| h.eq_ignore_ascii_case(CSRF_TOKEN_HEADER))
}

/// `policy` with `X-CSRF-Token` among its allowed headers. A `*` stands alone in the list (the
/// server refuses it beside names) and names nothing for a credentialed request: it goes, for
/// the names the playground sends.
pub fn with_token_header(policy: &CorsPolicy) -> CorsPolicy {
    let mut policy = policy.clone();
    if policy.allow_headers.iter().any(|h| h == "*") {
        policy.allow_headers = vec!["Content-Type".into(), "Authorization".into()];
    }
    policy.allow_headers.push(HEADER_NAME.into());
    policy
}

/// What one step came to, for the person: the request, and what the page could read of it.
fn step(what: &str, view: &BrowserView) -> String {
    match view {
        BrowserView::Response { status, body, .. } => match json::parse::<ErrorBody>(body) {
            Ok(error) if *status >= 400 => format!("{what} → {} {}: {}", view.headline(), error.error.as_str(), error.message),
            _ => match json::parse::<TransferResponse>(body) {
                Ok(done) => format!("{what} → {}: {} sent to {}, balance {}", view.headline(), done.transfer.amount, done.transfer.to, done.balance),
                Err(_) => format!("{what} → {}", view.headline()),
            },
        },
        BrowserView::NetworkError(e) => format!("{what} → no answer the page may read ({e})"),
    }
}

#[component]
pub fn OwnTransfer() -> impl IntoView {
    let api = expect_context::<Api>();
    let live = expect_context::<LiveSettings>();
    let probes = expect_context::<Probes>();
    let to = RwSignal::new("bob@example.com".to_owned());
    let amount = RwSignal::new("10".to_owned());
    let said = RwSignal::new(Vec::<String>::new());
    let defense_on = move || live.defenses().is_some_and(|d| d.csrf_token);
    let send = Action::new_local(move |(to, amount, with_token): &(String, u64, bool)| {
        let (api, to, amount, with_token) = (api.clone(), to.clone(), *amount, *with_token);
        async move {
            let mut steps = Vec::new();
            let mut token = None;
            if with_token {
                let read = probes.fetch(&api, &token_request()).await;
                steps.push(step("GET /api/csrf-token", &read));
                match &read {
                    BrowserView::Response { status: 200, body, .. } => token = json::parse::<CsrfToken>(body).ok().map(|t| t.token),
                    _ => {
                        steps.push("No token to send: the transfer goes without it.".to_owned());
                    }
                }
            }
            let sent_with = match &token {
                Some(_) => format!("POST /api/transfer with {HEADER_NAME}"),
                None => "POST /api/transfer".to_owned(),
            };
            let done = probes.fetch(&api, &transfer_request(&to, amount, token)).await;
            steps.push(step(&sent_with, &done));
            said.set(steps);
        }
    });
    let amount_value = move || amount.with(|a| a.trim().parse::<u64>().ok());
    let allow = move |_| {
        if let Some(policy) = live.policy() {
            live.apply(Change::Policy(with_token_header(&policy)));
        }
    };
    let header_missing = move || defense_on() && live.policy().is_some_and(|p| !allows_token_header(&p));
    view! {
        <div class="own-transfer" id="own-transfer">
            <h3>"The playground's own transfer"</h3>
            <p class="small">
                "Logged in with the session cookie, send a transfer as the bank's own page does: JSON, with the cookie. "
                {move || if defense_on() {
                    format!("The CSRF token defense is on: the page first reads the session's token (GET /api/csrf-token) and sends it in {HEADER_NAME}.")
                } else {
                    "The CSRF token defense is off: no token is read or sent.".to_owned()
                }}
            </p>
            {move || header_missing().then(|| view! {
                <p class="csrf-warning" id="csrf-header-missing">
                    "The live policy does not allow the request header " {HEADER_NAME}
                    ", so the browser refuses the transfer's preflight before anything is sent. "
                    <button id="allow-csrf-header" on:click=allow>{format!("Add {HEADER_NAME} to the policy's allowed headers")}</button>
                </p>
            })}
            <div class="fields">
                <label>"To " <input id="own-transfer-to" prop:value=to on:input=set_text(to)/></label>
                <label>"Amount " <input id="own-transfer-amount" size="6" inputmode="numeric" prop:value=amount on:input=set_text(amount)/></label>
                <button id="own-transfer-send" disabled=move || amount_value().is_none() || send.pending().get()
                    on:click=move |_| {
                        if let Some(amount) = amount_value() {
                            send.dispatch((to.get_untracked().trim().to_owned(), amount, defense_on()));
                        }
                    }>
                    "Transfer from the playground"
                </button>
            </div>
            <ul id="own-transfer-result" aria-live="polite">
                {move || said.get().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_header_must_be_named_in_any_case() {
        let mut policy = CorsPolicy::secure_default("http://localhost:8080");
        assert!(!allows_token_header(&policy));
        let added = with_token_header(&policy);
        assert!(allows_token_header(&added) && added.validate().is_ok(), "{:?}", added.allow_headers);
        policy.allow_headers = vec!["x-csrf-token".into()];
        assert!(allows_token_header(&policy));
        policy.allow_headers = vec!["*".into()];
        assert!(!allows_token_header(&policy), "with credentials * names no header");
        let added = with_token_header(&policy);
        assert_eq!(added.allow_headers, ["Content-Type", "Authorization", "X-CSRF-Token"]);
        assert!(added.validate().is_ok());
    }

    #[test]
    fn the_transfer_carries_the_token_only_when_one_was_read() {
        assert_eq!(transfer_request("bob@example.com", 10, None).headers(None).len(), 1);
        let with = transfer_request("bob@example.com", 10, Some("t0k".into()));
        assert!(with.headers(None).contains(&(CSRF_TOKEN_HEADER.to_owned(), "t0k".to_owned())));
        assert_eq!(with.body.as_deref(), Some(r#"{"amount":10,"to":"bob@example.com"}"#));
    }
}
