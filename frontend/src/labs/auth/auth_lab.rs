//! The auth lab: log in with a session cookie or get a JWT, call the profile, log out; below
//! it the cookie's attributes, the server's session store and the token.

use leptos::prelude::*;
use shared::{
    cookie::{CookiePolicy, SameSite},
    wire::{Email, LoginRequest},
};

use super::{session_store::SessionStore, token_panel::TokenPanel};
use crate::{
    controls::{options, set_text},
    lab_request::{DEMO_LOGIN, LabRequest, Login},
    state::{Jwt, LiveSettings, Panel, Probes, Reported, live::Change},
};

#[component]
pub fn AuthLab() -> impl IntoView {
    let probes = expect_context::<Probes>();
    let jwt = expect_context::<Jwt>();
    let email = RwSignal::new(DEMO_LOGIN.0.to_owned());
    let password = RwSignal::new(DEMO_LOGIN.1.to_owned());
    // The login body is the wire type, so an email the contract refuses is caught here.
    let login_request = move || {
        let email = Email::try_from(email.get().trim().to_owned())?;
        Ok::<_, String>(LoginRequest { email, password: password.get() })
    };
    let log_in = move |kind: Login, label: &str| {
        if let Ok(login) = login_request() {
            probes.send(label, LabRequest::login(kind, &login));
        }
    };
    let no_token = move || jwt.0.with(Option::is_none);
    view! {
        <section class="panel" id="auth-lab" aria-labelledby="auth-title">
            <h2 id="auth-title">"2. Auth lab"</h2>
            <p class="small">"Demo users: a@b.com / 123 and bob@example.com / hunter2."</p>
            <div class="fields">
                <label>"Email " <input id="email" autocomplete="username" prop:value=email on:input=set_text(email)/></label>
                <label>"Password " <input id="password" type="password" autocomplete="current-password" prop:value=password on:input=set_text(password)/></label>
            </div>
            <p class="error" role="alert">{move || login_request().err()}</p>
            <div class="buttons">
                <button id="login-cookie" on:click=move |_| log_in(Login::Session, "Log in (session cookie)")>"Log in: session cookie"</button>
                <button id="get-token" on:click=move |_| log_in(Login::Token, "Get a JWT")>"Get a JWT"</button>
                <button id="profile-cookie" on:click=move |_| probes.send("Profile with the cookie", LabRequest::profile(false))>
                    "GET /api/profile with the cookie"
                </button>
                <button id="profile-token" on:click=move |_| probes.send("Profile with the JWT", LabRequest::profile(true)) disabled=no_token>
                    "GET /api/profile with the JWT"
                </button>
                <button id="logout" on:click=move |_| probes.send("Log out", LabRequest::logout())>"Log out"</button>
            </div>
            <CookieSettings/>
            <div class="columns">
                <SessionStore/>
                <TokenPanel/>
            </div>
            <Reported at=Panel::Auth/>
        </section>
    }
}

/// The session cookie's attributes (`/control/cookie`), applied to the next login.
#[component]
fn CookieSettings() -> impl IntoView {
    let live = expect_context::<LiveSettings>();
    let current = move || live.cookie().unwrap_or_default();
    let change = move |f: &dyn Fn(&mut CookiePolicy)| {
        let mut cookie = current();
        f(&mut cookie);
        live.apply(Change::Cookie(cookie));
    };
    view! {
        <fieldset class="cookie-settings">
            <legend>"Session cookie attributes (for the next login)"</legend>
            <label>"SameSite "
                <select id="cookie-same-site" prop:value=move || current().same_site.as_str()
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if let Some(same_site) = SameSite::ALL.into_iter().find(|s| s.as_str() == value) {
                            change(&|c| c.same_site = same_site);
                        }
                    }>
                    {options(&SameSite::ALL.map(SameSite::as_str))}
                </select>
            </label>
            <label><input type="checkbox" id="cookie-secure" prop:checked=move || current().secure
                on:change=move |ev| { let on = event_target_checked(&ev); change(&|c| c.secure = on) }/>" Secure"</label>
            <label><input type="checkbox" id="cookie-http-only" prop:checked=move || current().http_only
                on:change=move |ev| { let on = event_target_checked(&ev); change(&|c| c.http_only = on) }/>" HttpOnly"</label>
            <p class="small">"Next Set-Cookie: " <code id="cookie-preview">{move || current().set("<id>", 1800)}</code></p>
        </fieldset>
    }
}
