//! Each request's three views side by side (the browser's, the server's, why) and its
//! sequence diagram. The newest request is `#latest`.
//!
//! Each result is its own view, kept while newer ones come: a new request or a new log entry
//! changes only the views it concerns, so the results the person opened stay open.
//!
//! Each result's `.views` carries the prediction of this engine's rules as data attributes
//! (`data-verdict`, `data-preflight`, `data-cors-error`, `data-engine`), for tests outside the
//! page to hold against what the engine did.

use leptos::{ev::Event, prelude::*};
use shared::{
    cors::{
        CorsPolicy, Engine,
        browser::{BrowserRequest, preflight_reasons},
        fix::Fix,
    },
    wire::{INSTANCE_HEADER, LogEntry},
};
use web_sys::HtmlDetailsElement;

use super::{
    diagram::{Diagram, diagram},
    fix_words,
    outcome::{Explanation, cached_preflight, console_messages, dropped_cookie, explain, offered_fix, predicted, predicted_preflight, verdict},
};
use crate::{
    api::BrowserView,
    page, server_words,
    state::{
        LiveSettings, Probes, ServerLog,
        live::Change,
        probes::{Answer, Probe},
    },
};

#[component]
pub fn Results() -> impl IntoView {
    let probes = expect_context::<Probes>();
    view! {
        <section class="panel" id="results" aria-labelledby="results-title" aria-live="polite">
            <h2 id="results-title">"4. What happened"</h2>
            {move || probes.is_empty().then(|| view! { <p>"Send a request (above, or from the auth lab) to see both sides of it here."</p> })}
            <ForEnumerate
                each=move || probes.list()
                key=|probe| probe.id
                children=|index, probe| view! { <ProbeItem probe index/> }
            />
        </section>
    }
}

/// One request in the list: its title, then its views once the browser has answered.
#[component]
fn ProbeItem(
    probe: Probe,
    /// Where it is in the list: 0 is the newest.
    index: ReadSignal<usize>,
) -> impl IntoView {
    let probes = expect_context::<Probes>();
    let log = expect_context::<ServerLog>();
    let engine = expect_context::<Engine>();
    let Probe { id, label, rid, url, request, token, after_seq, sent_at_ms, answer } = probe;
    let browser_request = request.browser_request(&page::origin(), token.as_deref());
    // The policy live as the request leaves: a fix for it is a change to this policy.
    let sent_under = untrack(|| expect_context::<LiveSettings>().policy());
    let latest = move || index.get() == 0;
    // The newest result is open and the one before it folds, unless the person opened or
    // closed it: then it stays as they left it.
    let chosen = RwSignal::new(None::<bool>);
    let open = move || chosen.get().unwrap_or_else(latest);
    let toggled = move |ev: Event| {
        let now_open = event_target::<HtmlDetailsElement>(&ev).open();
        if now_open != untrack(open) {
            chosen.set(Some(now_open));
        }
    };
    // The server's entries for this URL: earlier ones (a preflight the browser may have
    // cached), and this request's own, up to those of a later request to the same URL.
    let same_url = Memo::new({
        let rid = rid.clone();
        move |_| {
            let until = probes.next_sent_to(id, &rid).unwrap_or(u64::MAX);
            log.with_rid(&rid).into_iter().filter(|e| e.seq <= until).collect::<Vec<_>>()
        }
    });
    let own = Signal::derive(move || same_url.with(|entries| entries.iter().filter(|e| e.seq > after_seq).cloned().collect::<Vec<_>>()));
    let cached_for = Signal::derive({
        let request = browser_request.clone();
        move || {
            same_url.with(|entries| {
                let earlier: Vec<LogEntry> = entries.iter().filter(|e| e.seq <= after_seq).cloned().collect();
                cached_preflight(engine, &request, &earlier, sent_at_ms, js_sys::Date::parse)
            })
        }
    });
    let title = format!("#{id} {label}: {} {}", request.method, request.path);
    let result = move || match answer.get() {
        None => view! { <p class="pending" data-rid=rid.clone()>"Sending…"</p> }.into_any(),
        Some(Answer { browser, remote_entries }) => {
            // Another instance's log is not streamed: its entries came with the answer. Its
            // policy is its own, which the page does not follow: no fix is offered for it.
            let (entries, cached_for, sent_under) = match remote_entries {
                Some(remote) => (Signal::stored(remote), Signal::stored(None), None),
                None => (own, cached_for, sent_under.clone()),
            };
            view! { <ProbeResult rid=rid.clone() url=url.clone() request=browser_request.clone() browser entries cached_for sent_under/> }.into_any()
        }
    };
    view! {
        <details id=move || latest().then_some("latest") class="probe" data-probe=id prop:open=open on:toggle=toggled>
            <summary>{title}</summary>
            {result}
        </details>
    }
}

/// The three views of one request: browser, server, explanation; and the diagram.
#[component]
pub fn ProbeResult(
    /// The request's id, as in its URL and the server's log.
    rid: String,
    /// The URL the browser fetched.
    url: String,
    /// The request, as the browser's CORS rules see it.
    request: BrowserRequest,
    /// What the page's code got back.
    browser: BrowserView,
    /// The server's log entries for this request, as they come.
    #[prop(into)]
    entries: Signal<Vec<LogEntry>>,
    /// Seconds left of a preflight the browser cached for this URL, if any.
    #[prop(into)]
    cached_for: Signal<Option<u64>>,
    /// The policy the page's backend had when the request was sent, when the page knows it.
    sent_under: Option<CorsPolicy>,
) -> impl IntoView {
    let engine = expect_context::<Engine>();
    // The cookie settings in force, when the page has them (a view mounted alone has none).
    let live = use_context::<LiveSettings>();
    let needs_preflight = !preflight_reasons(&request).is_empty();
    // The engine's rules applied to the answers the server logged: `None` until they tell.
    // Once per change of the entries, for the prediction and the explanation both.
    let verdict = Memo::new({
        let request = request.clone();
        move |_| entries.with(|entries| verdict(engine, &request, entries))
    });
    let prediction = Memo::new(move |_| verdict.with(|v| v.as_ref().map(predicted)));
    let data_preflight = {
        let request = request.clone();
        move || predicted_preflight(&request, cached_for.get())
    };
    let console = Memo::new({
        let request = request.clone();
        move |_| entries.with(|entries| console_messages(engine, &request, &url, entries))
    });
    let offered = Memo::new({
        let (request, browser, sent_under) = (request.clone(), browser.clone(), sent_under.clone());
        move |_| entries.with(|entries| offered_fix(sent_under.as_ref(), &request, &browser, entries))
    });
    let explanation = {
        let browser = browser.clone();
        move || verdict.with(|v| entries.with(|entries| explain(engine, &request, &browser, entries, v.as_ref(), cached_for.get())))
    };
    let picture = {
        let browser = browser.clone();
        move || entries.with(|entries| diagram(&browser, entries, needs_preflight))
    };
    // Behind a load balancer, which instance answered; readable only when the policy exposes it.
    let instance = browser.header(INSTANCE_HEADER).map(str::to_owned);
    let (state, body, headers) = match &browser {
        BrowserView::Response { body, headers, .. } => ("read", body.clone(), headers.clone()),
        BrowserView::NetworkError(_) => (
            "blocked",
            "The page got no status, no headers, no body: only this error. Open DevTools' network tab to see the request and the reason.".to_owned(),
            Vec::new(),
        ),
    };
    let marker = format!("arrow-head-{rid}");
    view! {
        <div
            class="views"
            data-rid=rid
            data-engine=engine.as_str()
            data-preflight=data_preflight
            data-verdict=move || prediction.with(|p| p.as_ref().map_or("", |(verdict, _)| *verdict))
            data-cors-error=move || prediction.with(|p| p.as_ref().map(|(_, error)| error.clone()).unwrap_or_default())
        >
            <div class="view browser-view" data-state=state>
                <h3>"What the page could read"</h3>
                <p class="headline">{browser.headline()}</p>
                {instance.map(|name| view! { <p class="instance">"Answered by instance " <strong>{name}</strong> " (X-Instance, exposed by the policy)"</p> })}
                <pre>{body}</pre>
                <p class="small">"Response headers JavaScript can see:"</p>
                <ul class="small">
                    {headers.into_iter().map(|(name, value)| view! { <HeaderItem name value/> }).collect_view()}
                </ul>
            </div>
            <div class="view server-view">
                <h3>"What the server received and sent"</h3>
                {move || entries.with(Vec::is_empty).then(|| view! { <p>"No entry (yet) in the server's log for this request."</p> })}
                <For each=move || entries.get() key=|entry| entry.seq let:entry>
                    <ServerEntry entry/>
                </For>
            </div>
            <div class="view explanation">
                <h3>"Why"</h3>
                {move || {
                    let Explanation { preflight, summary, advice } = explanation();
                    view! {
                        <p class="preflight-note">{preflight}</p>
                        <p class="summary">{summary}</p>
                        {advice.map(|advice| view! { <p class="advice">"Better on the server: " {advice}</p> })}
                    }
                }}
                {move || {
                    let cookie = live?.cookie()?;
                    entries.with(|entries| dropped_cookie(entries, cookie, engine)).map(|said| view! { <p class="dropped-cookie">{said}</p> })
                }}
                {move || Some(view! { <FixOffer before=sent_under.clone()? fix=offered.get()?/> })}
            </div>
            {move || console.get().map(|said| view! { <ConsoleSays said/> })}
        </div>
        {move || view! { <SequenceDiagram picture=picture() marker=marker.clone()/> }}
    }
}

/// A blocked request's fix: the changes in words, the policy before → after, the fixed policy
/// as code (the code export's own), and a button that asks the server for the fixed policy as
/// the policy panel does (a refusal is shown there).
#[component]
fn FixOffer(
    /// The policy the request was sent under.
    before: CorsPolicy,
    fix: Fix,
) -> impl IntoView {
    let live = expect_context::<LiveSettings>();
    let (sentence, diff) = (fix_words::sentence(&fix), fix_words::diff(&before, &fix));
    let (axum, express) = (super::export::tower_http(&fix.policy), super::export::express(&fix.policy));
    let fixed = StoredValue::new(fix.policy);
    let applied = move || fixed.with_value(|fixed| live.policy().as_ref() == Some(fixed));
    view! {
        <div class="fix-offer">
            <p class="fix">"Fix on the server: " {sentence}</p>
            <ul class="policy-diff small" aria-label="The policy: before → after">
                {diff.into_iter().map(|line| view! { <li><code>{line}</code></li> }).collect_view()}
            </ul>
            <details class="fix-code">
                <summary>"The fixed policy as code"</summary>
                <h4>"Axum (tower-http)"</h4>
                <pre>{axum}</pre>
                <h4>"Express (cors)"</h4>
                <pre>{express}</pre>
            </details>
            <button class="apply-fix" data-applied=move || applied().to_string() disabled=applied on:click=move |_| live.apply(Change::Policy(fixed.get_value()))>
                {move || if applied() { "Applied: the policy is live" } else { "Apply this fix" }}
            </button>
        </div>
    }
}

/// "What your console says": the sentence this engine's console printed for a blocked
/// request (`said`'s first), and the other engines' words for the same block beneath.
#[component]
fn ConsoleSays(said: Vec<(Engine, String)>) -> impl IntoView {
    let mut said = said.into_iter();
    let (engine, sentence) = said.next().unwrap_or_default();
    view! {
        <div class="view console">
            <h3>"What your console says"</h3>
            <p class="small">"In " {engine.label()} "'s console, for this request:"</p>
            <pre class="console-says" data-engine=engine.as_str()>{sentence}</pre>
            <p class="small">"The same block in the other engines' words:"</p>
            {said
                .map(|(engine, sentence)| view! {
                    <p class="small console-elsewhere-label">{engine.label()} ":"</p>
                    <pre class="console-elsewhere" data-engine=engine.as_str()>{sentence}</pre>
                })
                .collect_view()}
        </div>
    }
}

/// One header as `name: value`, in the browser's list and in the server's.
#[component]
fn HeaderItem(name: String, value: String) -> impl IntoView {
    view! { <li><code>{name} ": " {value}</code></li> }
}

/// One entry of the server's log: what arrived, what was sent back, and why.
#[component]
fn ServerEntry(entry: LogEntry) -> impl IntoView {
    let kind = if entry.preflight { "preflight" } else { "request" };
    let came = server_words::deciding_headers(&entry);
    view! {
        <article class="log-entry" data-preflight=entry.preflight.to_string()>
            <h4>{format!("#{} {kind}: {} {} → {}", entry.seq, entry.method, entry.path, entry.status)}</h4>
            <p>"Origin: " <code>{entry.origin.unwrap_or_else(|| "(none)".to_owned())}</code></p>
            <p>{format!("Cookie: {}; Authorization: {}", server_words::cookies(&entry.credentials), server_words::authorization(&entry.credentials))}</p>
            {came.map(|came| view! { <p class="deciding">"Also came: " <code>{came}</code></p> })}
            <p class="cors-reason">"CORS: " {server_words::cors(entry.cors.as_ref())}</p>
            <p class="auth-outcome">"Auth: " {server_words::outcome(&entry.outcome, entry.preflight)}</p>
            <p>"Headers sent back:"</p>
            <ul>
                {entry.response_headers.into_iter().map(|(name, value)| view! { <HeaderItem name value/> }).collect_view()}
            </ul>
        </article>
    }
}

const BROWSER_X: i32 = 70;
const SERVER_X: i32 = 330;
const ROW: i32 = 34;

/// Browser and server as two lanes, one arrow per message, a cross where the browser stopped.
#[component]
fn SequenceDiagram(
    picture: Diagram,
    /// The id of this diagram's arrow head, unique in the page.
    marker: String,
) -> impl IntoView {
    let height = 40 + ROW * picture.arrows.len() as i32 + 30;
    let label = if picture.arrows.is_empty() { "No message reached the server." } else { "Sequence of messages" };
    let head = format!("url(#{marker})");
    let lanes = [(BROWSER_X, "Browser"), (SERVER_X, "Server")].map(|(x, lane)| {
        view! {
            <text x=x y=18 text-anchor="middle" class="lane">{lane}</text>
            <line x1=x y1=26 x2=x y2=height - 8 class="lifeline"></line>
        }
    });
    let arrows = picture
        .arrows
        .into_iter()
        .enumerate()
        .map(|(i, arrow)| {
            let y = 50 + ROW * i as i32;
            let (x1, x2) = if arrow.to_server { (BROWSER_X, SERVER_X) } else { (SERVER_X, BROWSER_X) };
            view! {
                <line x1=x1 y1=y x2=x2 y2=y class=if arrow.cached { "arrow cached" } else { "arrow" } marker-end=head.clone()></line>
                <text x=(BROWSER_X + SERVER_X) / 2 y=y - 6 text-anchor="middle">{arrow.label}</text>
            }
        })
        .collect_view();
    let stop = picture.stop.map(|(i, text)| {
        let y = 50 + ROW * i as i32 + 20;
        view! {
            <text x=BROWSER_X - 8 y=y class="stop" text-anchor="end">"✕"</text>
            <text x=BROWSER_X + 6 y=y class="stop">{text}</text>
        }
    });
    view! {
        <svg class="sequence" viewBox=format!("0 0 400 {height}") role="img" aria-label=label>
            <defs>
                <marker id=marker viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z"></path>
                </marker>
            </defs>
            {lanes}
            {arrows}
            {stop}
        </svg>
    }
}
