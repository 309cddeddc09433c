//! The lab CORS policy: presets with their lesson, every field editable, warnings in words.

use leptos::prelude::*;
use shared::cors::{
    AllowOrigin, CorsPolicy, Engine, Mistake, RefusedPreflight,
    policy::{Severity, warnings_in},
};

use super::presets::Preset;
use crate::{
    controls::{set_checked, set_text},
    page,
    state::{LiveSettings, Panel, Reported, live::Change},
};

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
    let methods = if policy.allow_methods.is_empty() { "none".to_owned() } else { policy.allow_methods.join(", ") };
    let cache = policy.max_age.map(|s| format!(" Preflights cached {s} s.")).unwrap_or_default();
    let refused = match policy.refused_preflight {
        RefusedPreflight::Forbidden => "",
        RefusedPreflight::Headers => " Refused preflights get 204 and the policy's headers.",
    };
    let mistake = policy.mistake.map(|m| format!(" Server mistake, on purpose: {}.", mistake_words(m))).unwrap_or_default();
    format!("Allows {origins}, {credentials}; methods {methods}.{cache}{refused}{mistake}")
}

/// A server mistake in plain words: what the server gets wrong, and what the browser receives.
pub fn mistake_words(mistake: Mistake) -> &'static str {
    match mistake {
        Mistake::AuthBeforeCors => "authentication runs before CORS (a preflight gets 401)",
        Mistake::OptionsNotFound => "the router answers OPTIONS before CORS (404)",
        Mistake::OptionsNotAllowed => "the route has no OPTIONS, and the router answers before CORS (405)",
        Mistake::PreflightPassedOn => "CORS passes preflights on to the router (its headers, but 405)",
        Mistake::RedirectedPreflight => "preflights are redirected (308 to the path with a trailing slash)",
        Mistake::ErrorWithoutCors => "error answers skip CORS (500 without CORS headers)",
        Mistake::DoubledAllowOrigin => "Access-Control-Allow-Origin is sent twice (a proxy adds one too)",
        Mistake::AllowOriginWithSlash => "Access-Control-Allow-Origin names the origin with a trailing slash",
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// The editable fields of a policy, as the person types them.
#[derive(Clone, Copy)]
struct Draft {
    enabled: RwSignal<bool>,
    mode: RwSignal<String>,
    origins: RwSignal<String>,
    credentials: RwSignal<bool>,
    methods: RwSignal<String>,
    headers: RwSignal<String>,
    expose: RwSignal<String>,
    max_age: RwSignal<String>,
    refused_preflight: RwSignal<RefusedPreflight>,
    mistake: RwSignal<Option<Mistake>>,
}

impl Draft {
    fn new() -> Draft {
        Draft {
            enabled: RwSignal::new(true),
            mode: RwSignal::new("list".into()),
            origins: RwSignal::new(String::new()),
            credentials: RwSignal::new(true),
            methods: RwSignal::new(String::new()),
            headers: RwSignal::new(String::new()),
            expose: RwSignal::new(String::new()),
            max_age: RwSignal::new(String::new()),
            refused_preflight: RwSignal::new(RefusedPreflight::default()),
            mistake: RwSignal::new(None),
        }
    }

    fn fill(&self, p: &CorsPolicy) {
        self.enabled.set(p.enabled);
        let (mode, origins) = match &p.allow_origin {
            AllowOrigin::None => ("none", String::new()),
            AllowOrigin::Any => ("any", String::new()),
            AllowOrigin::Reflect => ("reflect", String::new()),
            AllowOrigin::List { origins } => ("list", origins.join(", ")),
        };
        self.mode.set(mode.to_owned());
        self.origins.set(origins);
        self.credentials.set(p.allow_credentials);
        self.methods.set(p.allow_methods.join(", "));
        self.headers.set(p.allow_headers.join(", "));
        self.expose.set(p.expose_headers.join(", "));
        self.max_age.set(p.max_age.map(|s| s.to_string()).unwrap_or_default());
        self.refused_preflight.set(p.refused_preflight);
        self.mistake.set(p.mistake);
    }

    /// The policy the fields describe, or what is wrong with them.
    fn policy(&self) -> Result<CorsPolicy, String> {
        let allow_origin = match self.mode.get().as_str() {
            "none" => AllowOrigin::None,
            "any" => AllowOrigin::Any,
            "reflect" => AllowOrigin::Reflect,
            _ => AllowOrigin::List { origins: split_list(&self.origins.get()) },
        };
        let max_age = match self.max_age.get().trim() {
            "" => None,
            text => Some(text.parse::<u32>().map_err(|_| format!("max_age: \"{text}\" is not a whole number of seconds"))?),
        };
        let policy = CorsPolicy {
            enabled: self.enabled.get(),
            allow_origin,
            allow_credentials: self.credentials.get(),
            allow_methods: split_list(&self.methods.get()),
            allow_headers: split_list(&self.headers.get()),
            expose_headers: split_list(&self.expose.get()),
            max_age,
            refused_preflight: self.refused_preflight.get(),
            mistake: self.mistake.get(),
        };
        policy.validate().map_err(|e| e.to_string())?;
        Ok(policy)
    }
}

#[component]
pub fn PolicyPanel() -> impl IntoView {
    let live = expect_context::<LiveSettings>();
    let engine = expect_context::<Engine>();
    let draft = Draft::new();
    // The fields follow the policy live on the server (after a preset, a reset, a shared link,
    // a change in another page), and only the policy: another setting changing elsewhere
    // leaves what the person is typing alone.
    let live_policy = Memo::new(move |_| live.policy());
    Effect::new(move || {
        if let Some(p) = live_policy.get() {
            draft.fill(&p);
        }
    });
    // The first screen is interactive once the live policy is shown: the first-screen
    // benchmark reads this mark.
    Effect::new(move |marked: Option<bool>| {
        let shown = marked == Some(true) || live.policy().is_some();
        if shown && marked != Some(true) {
            page::mark("playground-interactive");
        }
        shown
    });
    let (invalid, set_invalid) = signal(None::<String>);
    let apply = move |_| match draft.policy() {
        Ok(p) => {
            set_invalid.set(None);
            live.apply(Change::Policy(p));
        }
        Err(e) => set_invalid.set(Some(e)),
    };
    let shown_summary = move || match live.loaded() {
        None => "Loading…".to_owned(),
        Some(Ok(live)) => summary(&live.policy),
        Some(Err(e)) => format!("Could not load the policy: {e}"),
    };

    view! {
        <section class="panel" id="policy" aria-labelledby="policy-title">
            <h2 id="policy-title">"1. Lab CORS policy"</h2>
            <p id="policy-summary" aria-live="polite">{shown_summary}</p>
            <div class="presets" role="group" aria-label="Presets">
                {Preset::ALL
                    .into_iter()
                    .map(|preset| {
                        let active = move || live.policy().as_ref() == Some(&preset.policy(&page::origin()));
                        view! {
                            <button
                                id=format!("preset-{}", preset.id())
                                class:active=active
                                class:danger=matches!(preset, Preset::ReflectCredentials | Preset::TrustNull)
                                aria-pressed=move || active().to_string()
                                on:click=move |_| live.apply(Change::Policy(preset.policy(&page::origin())))
                            >
                                {preset.label()}
                            </button>
                            <p class="lesson">{preset.lesson()}</p>
                        }
                    })
                    .collect_view()}
            </div>
            <details class="editor">
                <summary>"Edit every field"</summary>
                <div class="fields">
                    <label><input type="checkbox" id="policy-enabled" prop:checked=draft.enabled on:change=set_checked(draft.enabled)/>" CORS enabled"</label>
                    <label>"allow_origin "
                        <select id="policy-origin-mode" on:change=move |ev| draft.mode.set(event_target_value(&ev)) prop:value=draft.mode>
                            <option value="list">"list: exact origins"</option>
                            <option value="any">"any: *"</option>
                            <option value="reflect">"reflect: any origin echoed (vulnerable)"</option>
                            <option value="none">"none: never"</option>
                        </select>
                    </label>
                    <label>"origins " <input id="policy-origins" prop:value=draft.origins on:input=set_text(draft.origins) placeholder="http://localhost:8080, null"/></label>
                    <label><input type="checkbox" id="policy-credentials" prop:checked=draft.credentials on:change=set_checked(draft.credentials)/>" allow_credentials"</label>
                    <label>"allow_methods " <input id="policy-methods" prop:value=draft.methods on:input=set_text(draft.methods) placeholder="GET, POST or *"/></label>
                    <label>"allow_headers " <input id="policy-headers" prop:value=draft.headers on:input=set_text(draft.headers) placeholder="Content-Type, Authorization or *"/></label>
                    <label>"expose_headers " <input id="policy-expose" prop:value=draft.expose on:input=set_text(draft.expose)/></label>
                </div>
                // What a first policy does not need: they change how the answers look, not
                // which origins may read them.
                <details class="fold" id="policy-advanced">
                    <summary>"Advanced: max_age, how a refused preflight is answered, server mistakes made on purpose"</summary>
                    <div class="fields">
                        <label>"max_age (s) " <input id="policy-max-age" inputmode="numeric" prop:value=draft.max_age on:input=set_text(draft.max_age) placeholder="empty: no header"/></label>
                        <label>"refused_preflight "
                            <select id="policy-refused-preflight" prop:value=move || draft.refused_preflight.get().as_str()
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    if let Some(style) = RefusedPreflight::ALL.into_iter().find(|r| r.as_str() == value) {
                                        draft.refused_preflight.set(style);
                                    }
                                }>
                                <option value="forbidden">"forbidden: 403, no CORS headers (as strict libraries such as Go's rs/cors)"</option>
                                <option value="headers">"headers: 204 with the policy's headers, the browser decides (as Express's cors(), tower-http)"</option>
                            </select>
                        </label>
                        <label class="wide">"Server mistake, made on purpose "
                            <select id="policy-mistake" prop:value=move || draft.mistake.get().map_or("", Mistake::as_str)
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    draft.mistake.set(Mistake::ALL.into_iter().find(|m| m.as_str() == value));
                                }>
                                <option value="">"none: the server gets CORS right"</option>
                                {Mistake::ALL.map(|m| view! { <option value=m.as_str()>{mistake_words(m)}</option> }).collect_view()}
                            </select>
                        </label>
                    </div>
                </details>
                <div class="buttons">
                    <button id="policy-apply" on:click=apply>"Apply"</button>
                </div>
                <p class="error" role="alert">{move || invalid.get().unwrap_or_default()}</p>
            </details>
            <ul id="policy-warnings" class="warnings">
                <Warnings warnings=Signal::derive(move || draft.policy().map(|p| warnings_in(&p, engine)).unwrap_or_default())/>
            </ul>
            <Reported at=Panel::Policy/>
        </section>
    }
}

/// What browsers (or attackers) will make of a policy, one list item each.
#[component]
pub fn Warnings(warnings: Signal<Vec<(Severity, String)>>) -> impl IntoView {
    move || {
        warnings
            .get()
            .into_iter()
            .map(|(severity, text)| view! { <li class=severity_class(severity)><strong>{severity_word(severity)}</strong>{text}</li> })
            .collect_view()
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Refused => "refused",
        Severity::Vulnerable => "vulnerable",
        Severity::Note => "note",
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Refused => "Browsers refuse: ",
        Severity::Vulnerable => "Vulnerable: ",
        Severity::Note => "Note: ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mistake the lab makes on purpose is said in the summary, in its plain words.
    #[test]
    fn the_summary_names_a_server_mistake() {
        let mut policy = CorsPolicy::secure_default("http://localhost:8080");
        assert!(!summary(&policy).contains("mistake"), "{}", summary(&policy));
        policy.mistake = Some(Mistake::RedirectedPreflight);
        assert!(summary(&policy).ends_with("Server mistake, on purpose: preflights are redirected (308 to the path with a trailing slash)."), "{}", summary(&policy));
    }
}
