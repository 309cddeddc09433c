//! The lab CORS policy: what is live now, and the presets that switch it.

use leptos::{prelude::*, task::spawn_local};
use shared::cors::{AllowOrigin, CorsPolicy};

use crate::{api::Api, app::page_origin};

/// A named policy with the one thing it teaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Secure,
    Off,
}

impl Preset {
    pub const ALL: [Preset; 2] = [Preset::Secure, Preset::Off];

    pub fn id(self) -> &'static str {
        match self {
            Self::Secure => "preset-secure",
            Self::Off => "preset-off",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Secure => "Exact origin + credentials",
            Self::Off => "CORS off",
        }
    }

    pub fn lesson(self) -> &'static str {
        match self {
            Self::Secure => "Only this page's origin may read answers, cookies included. The safe default.",
            Self::Off => "No CORS headers at all: requests still reach the server, but the browser hides every answer.",
        }
    }

    /// The policy for a page served from `origin`.
    pub fn policy(self, origin: &str) -> CorsPolicy {
        match self {
            Self::Secure => CorsPolicy::secure_default(origin),
            Self::Off => CorsPolicy::off(origin),
        }
    }
}

/// One line on what a policy does.
pub fn summary(policy: &CorsPolicy) -> String {
    if !policy.enabled {
        return "CORS off: no CORS header on any answer.".to_owned();
    }
    let origins = match &policy.allow_origin {
        AllowOrigin::None => "no origin".to_owned(),
        AllowOrigin::Any => "any origin (*)".to_owned(),
        AllowOrigin::List { origins } if origins.is_empty() => "no origin (empty list)".to_owned(),
        AllowOrigin::List { origins } => origins.join(", "),
        AllowOrigin::Reflect => "any origin, reflected".to_owned(),
    };
    let credentials = if policy.allow_credentials { "with credentials" } else { "without credentials" };
    format!("Allows {origins}, {credentials}; methods {}.", policy.allow_methods.join(", "))
}

#[component]
pub fn PolicyPanel() -> impl IntoView {
    let api = expect_context::<Api>();
    let (policy, set_policy) = signal(None::<CorsPolicy>);
    let (error, set_error) = signal(None::<String>);

    let load_api = api.clone();
    spawn_local(async move {
        match load_api.get_policy().await {
            Ok(p) => set_policy.set(Some(p)),
            Err(e) => set_error.set(Some(format!("Could not load the policy: {e}"))),
        }
    });

    let apply = move |preset: Preset| {
        let api = api.clone();
        spawn_local(async move {
            match api.put_policy(&preset.policy(&page_origin())).await {
                Ok(p) => {
                    set_policy.set(Some(p));
                    set_error.set(None);
                }
                Err(e) => set_error.set(Some(format!("The policy was not changed: {e}"))),
            }
        });
    };

    view! {
        <section class="panel" aria-labelledby="policy-title">
            <h2 id="policy-title">"Lab CORS policy"</h2>
            <p id="policy-summary" aria-live="polite">
                {move || policy.get().map_or_else(|| "Loading…".to_owned(), |p| summary(&p))}
            </p>
            <div class="presets">
                {Preset::ALL
                    .into_iter()
                    .map(|preset| {
                        let apply = apply.clone();
                        let active = move || policy.get().as_ref() == Some(&preset.policy(&page_origin()));
                        view! {
                            <button id=preset.id() class:active=active aria-pressed=move || active().to_string()
                                on:click=move |_| apply(preset)>
                                {preset.label()}
                            </button>
                            <p class="lesson">{preset.lesson()}</p>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="error" role="alert">{move || error.get()}</p>
            <details>
                <summary>"The policy as JSON (GET /control/cors)"</summary>
                <pre id="policy-json">
                    {move || policy.get().map(|p| serde_json::to_string_pretty(&p).unwrap_or_default())}
                </pre>
            </details>
        </section>
    }
}
