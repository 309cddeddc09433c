//! The auth lab: log in with a session cookie or get a JWT, call the profile, log out; beside
//! it the server's session store and the token, decoded, editable and re-signable.

use leptos::{prelude::*, task::spawn_local};
use shared::{
    cookie::{CookiePolicy, SameSite},
    jwt,
    wire::{Email, LoginRequest, SessionRow},
};

use crate::{
    components::controls::{options, set_text},
    json,
    lab::{Lab, clock},
    lab_request::{LabRequest, Login},
    token,
};

const TOKEN_NOTE: &str = "<summary>Where to keep a token?</summary><p class=\"small\">Memory (here): gone on reload, and an XSS \
can only use it while it runs. localStorage: survives reloads, but any script on the page can read and send it away. An HttpOnly \
cookie: no script can read it, but the browser attaches it by itself, so you need CSRF defences (SameSite, Origin checks).</p>";


#[component]
pub fn AuthLab() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let email = RwSignal::new("a@b.com".to_owned());
    let password = RwSignal::new("123".to_owned());
    // The login body is the wire type, so an email the contract refuses is caught here.
    let login_body = move || {
        let email = Email::try_from(email.get().trim().to_owned())?;
        Ok::<_, String>(LoginRequest { email, password: password.get() })
    };
    let login = move |_| {
        if let Ok(body) = login_body() {
            lab.send("Log in (session cookie)", LabRequest::login(Login::Session, &body), None);
        }
    };
    let token = move |_| {
        if let Ok(body) = login_body() {
            lab.send("Get a JWT", LabRequest::login(Login::Token, &body), None);
        }
    };
    let logout = move |_| lab.send("Log out", LabRequest::logout(), None);
    view! {
        <section class="panel" id="auth-lab" aria-labelledby="auth-title">
            <h2 id="auth-title">"2. Auth lab"</h2>
            <p class="small">"Demo users: a@b.com / 123 and bob@example.com / hunter2."</p>
            <div class="fields">
                <label>"Email " <input id="email" autocomplete="username" prop:value=email on:input=set_text(email)/></label>
                <label>"Password " <input id="password" type="password" autocomplete="current-password" prop:value=password on:input=set_text(password)/></label>
            </div>
            <p class="error" role="alert">{move || login_body().err()}</p>
            <div class="buttons">
                <button id="login-cookie" on:click=login>"Log in: session cookie"</button>
                <button id="get-token" on:click=token>"Get a JWT"</button>
                <button id="profile-cookie" on:click=move |_| lab.send("Profile with the cookie", LabRequest::profile(false), None)>
                    "GET /api/profile with the cookie"
                </button>
                <button id="profile-token" on:click=move |_| lab.send("Profile with the JWT", LabRequest::profile(true), None)
                    disabled=move || lab.token.with(Option::is_none)>
                    "GET /api/profile with the JWT"
                </button>
                <button id="logout" on:click=logout>"Log out"</button>
            </div>
            <CookieSettings/>
            <div class="columns">
                <SessionStore/>
                <TokenPanel/>
            </div>
        </section>
    }
}

/// The session cookie's attributes (`/control/cookie`), applied to the next login.
#[component]
fn CookieSettings() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let current = move || lab.cookie.get().unwrap_or_default();
    let change = move |f: &dyn Fn(&mut CookiePolicy)| {
        let mut p = current();
        f(&mut p);
        lab.apply_cookie(p);
    };
    view! {
        <fieldset class="cookie-settings">
            <legend>"Session cookie attributes (for the next login)"</legend>
            <label>"SameSite "
                <select id="cookie-same-site" prop:value=move || current().same_site.as_str()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(s) = SameSite::ALL.into_iter().find(|s| s.as_str() == v) { change(&|p| p.same_site = s) }
                    }>
                    {options(&SameSite::ALL.map(SameSite::as_str))}
                </select>
            </label>
            <label><input type="checkbox" id="cookie-secure" prop:checked=move || current().secure
                on:change=move |ev| { let on = event_target_checked(&ev); change(&|p| p.secure = on) }/>" Secure"</label>
            <label><input type="checkbox" id="cookie-http-only" prop:checked=move || current().http_only
                on:change=move |ev| { let on = event_target_checked(&ev); change(&|p| p.http_only = on) }/>" HttpOnly"</label>
            <p class="small">"Next Set-Cookie: " <code id="cookie-preview">{move || current().set("<id>", 1800)}</code></p>
        </fieldset>
    }
}

/// `sessionStore[id] → {userId}` as the server holds it, expiry counting down.
#[component]
fn SessionStore() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let sessions = RwSignal::new(Vec::<SessionRow>::new());
    let now = clock();
    // Every lab request may change the store: reload when the log grows.
    Effect::new(move |_| {
        lab.log.with(Vec::len);
        lab.control_epoch.track();
        spawn_local(async move {
            if let Ok(rows) = lab.api().sessions().await {
                sessions.set(rows);
            }
        });
    });
    let revoke = move |handle: String| {
        spawn_local(async move {
            if lab.api().revoke(&handle).await.is_ok() {
                sessions.update(|rows| rows.retain(|r| r.handle != handle));
            }
        });
    };
    view! {
        <div class="session-store" id="session-store">
            <h3>"The server's session store"</h3>
            {move || {
                let rows = sessions.get();
                if rows.is_empty() {
                    return view! { <p class="small">"sessionStore = {} (no session)"</p> }.into_any();
                }
                rows.into_iter()
                    .map(|row| {
                        // Whole seconds as an integer: formatting an f64 would pull in kilobytes of float printing.
                        let left = ((js_sys::Date::parse(&row.expires_at) - now.get()) / 1000.0).max(0.0).round() as i64;
                        let handle = row.handle.clone();
                        view! {
                            <p class="session-row">
                                <code>{format!("sessionStore[\"{}…\"] → {{ userId: {} }}", row.id_prefix, row.user_id)}</code>
                                " expires in " <span class="countdown">{format!("{left} s")}</span> " "
                                <button class="revoke" on:click=move |_| revoke(handle.clone())>"Revoke"</button>
                            </p>
                        }
                        .into_any()
                    })
                    .collect_view()
                    .into_any()
            }}
            <p class="small">"The cookie only carries the id; the server looks it up on every request, so logging out or revoking ends it at once. "
                "Only the id's first 8 characters are shown: the whole id would let anyone who reads this page take over the session."</p>
        </div>
    }
}

/// The JWT: decoded, its times readable, editable and re-signable with the same code the
/// server verifies with.
#[component]
fn TokenPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let payload = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let now = clock();
    let decoded = move || lab.token.get().and_then(|t| token::show(&t));
    // A new token fills the editor with its payload.
    Effect::new(move |_| {
        if let Some(d) = decoded() {
            payload.set(d.payload);
        }
    });
    let resign = move |_| {
        match json::reformat(&payload.get_untracked(), false) {
            Some(p) => {
                let t = jwt::sign_parts(br#"{"alg":"HS256","typ":"JWT"}"#, p.as_bytes(), secret.get_untracked().as_bytes());
                lab.token.set(Some(t));
                lab.error.set(None);
            }
            None => lab.error.set(Some("The payload is not valid JSON.".to_owned())),
        }
    };
    let use_server_secret = move |_| {
        spawn_local(async move {
            if let Ok(settings) = lab.api().get_jwt().await {
                secret.set(settings.secret);
            }
        });
    };
    view! {
        <div class="token" id="token">
            <h3>"The JWT (kept in this page's memory)"</h3>
            <div inner_html=move || token::html(decoded().as_ref(), now.get())></div>
            <label class="wide">"Payload (edit, then re-sign)"
                <textarea id="jwt-payload" rows="6" prop:value=payload on:input=set_text(payload)></textarea>
            </label>
            <label>"Secret " <input id="jwt-secret" prop:value=secret on:input=set_text(secret) placeholder="guess it: mySecretKey?"/></label>
            <div class="buttons">
                <button id="jwt-use-server-secret" on:click=use_server_secret>"Use the server's secret"</button>
                <button id="jwt-resign" on:click=resign>"Re-sign"</button>
                <button id="jwt-send" on:click=move |_| lab.send("Profile with the edited JWT", LabRequest::profile(true), None)
                    disabled=move || lab.token.with(Option::is_none)>
                    "Send it"
                </button>
            </div>
            <p class="small" id="jwt-compact"><code class="wrap">{move || lab.token.get().unwrap_or_default()}</code></p>
            <details inner_html=TOKEN_NOTE></details>
        </div>
    }
}
