//! The "Challenges" panel: the catalogue grouped by role, each with where it stands (open,
//! running, solved: from the server's run and this browser's progress), a Start button,
//! and for the running one its goal, notes, hints one at a time, and the solved banner.

use leptos::prelude::*;
use shared::{
    challenge::{CATALOGUE, Challenge, ChallengeId, Role, Run, SECRET_WORDS},
    cors::Engine,
    wire::{ExploitHit, LogEntry},
};

use super::notes::{self, Note};
use crate::{
    page, server_words,
    state::{Challenges, ExploitHits, Panel, Reported, ServerLog, ThirdPartyCookies, challenge::Standing},
};

/// The roles, in the order the list shows them.
const ROLES: [Role; 3] = [Role::Defender, Role::Attacker, Role::Tokens];

#[component]
pub fn ChallengesPanel() -> impl IntoView {
    let challenges = expect_context::<Challenges>();
    view! {
        <section class="panel" id="challenges" aria-labelledby="challenges-title">
            <h2 id="challenges-title">"Challenges"</h2>
            <p>
                "Each challenge sets the lab up for one lesson and gives you a goal; the server reads its own log and says when you "
                "reached it. " <strong>"Starting one resets the lab"</strong>
                ": sessions, the log, the bank and every setting, and this page drops its token and results."
            </p>
            <Reported at=Panel::Challenges/>
            {move || challenges.run().map(|run| view! { <Running run/> })}
            {ROLES
                .map(|role| {
                    let items = CATALOGUE.iter().enumerate().filter(|(_, c)| c.role == role).map(|(i, c)| view! { <Item n=i + 1 challenge=c/> }).collect_view();
                    view! {
                        <h3>{role.label()}</h3>
                        <ol class="challenge-list">{items}</ol>
                    }
                })
                .collect_view()}
            <p class="small">
                "Which challenges you solved and which hints you saw are kept in this browser (localStorage), across reloads and resets. "
                <button id="challenges-forget" class="link" on:click=move |_| challenges.forget_progress()>"Forget my progress"</button>
            </p>
        </section>
    }
}

/// One challenge in the list, numbered as in the catalogue.
#[component]
fn Item(n: usize, challenge: &'static Challenge) -> impl IntoView {
    let challenges = expect_context::<Challenges>();
    let id = challenge.id;
    let standing = move || challenges.standing(id);
    let running = move || challenges.run().is_some_and(|run| run.id == id);
    view! {
        <li value=n data-challenge=challenge.key data-state=move || standing().as_str()>
            <span class="challenge-title">{challenge.title}</span>
            {move || match standing() {
                Standing::Solved => Some(view! { <span class="tick">" ✓ solved"</span> }.into_any()),
                Standing::Running => Some(view! { <span class="running">" running"</span> }.into_any()),
                Standing::Open => None,
            }}
            " "
            <button
                id=format!("challenge-start-{}", challenge.key)
                class="challenge-start"
                aria-label=move || format!("{} “{}” (resets the lab)", if running() { "Restart" } else { "Start" }, challenge.title)
                disabled=move || challenges.starting()
                on:click=move |_| challenges.start(id)
            >
                {move || if running() { "Restart" } else { "Start" }}
            </button>
        </li>
    }
}

/// The running challenge: its goal, notes and hints, and once solved, the lesson and proof.
#[component]
fn Running(run: Run) -> impl IntoView {
    let challenges = expect_context::<Challenges>();
    let challenge = run.id.challenge();
    let solved = run.solved.clone();
    view! {
        <div id="challenge-running" class="challenge-running" data-challenge=challenge.key>
            <h3>"Running: " {challenge.title}</h3>
            <p id="challenge-goal">{challenge.goal}</p>
            {notes::notes(run.id).iter().map(|note| view! { <NoteView note=*note/> }).collect_view()}
            {notes::secure_cookie(run.id, expect_context::<Engine>(), &page::origin())
                .map(|words| view! { <p class="small challenge-note" data-note="secure-cookie">{words}</p> })}
            <Hints id=run.id/>
            {match solved {
                Some(solved) => view! { <SolvedBanner challenge entries=solved.entries hits=solved.hits/> }.into_any(),
                None => view! {
                    <p class="small" id="challenge-waiting">"The server checks its log as you go: this says solved once it shows the goal reached."</p>
                }.into_any(),
            }}
            <p class="buttons">
                <button id="challenge-stop" on:click=move |_| challenges.stop()>"Stop the challenge (the lab stays as it is)"</button>
            </p>
        </div>
    }
}

#[component]
fn NoteView(note: Note) -> impl IntoView {
    let engine = expect_context::<Engine>();
    match note {
        Note::PreflightCache => view! { <p class="small challenge-note" data-note="preflight-cache">{notes::preflight_cache(engine)}</p> }.into_any(),
        Note::ThirdPartyCookies => {
            let measured = expect_context::<ThirdPartyCookies>().0;
            view! {
                <p class="small challenge-note" data-note="third-party">
                    {move || notes::third_party(engine, measured.get())} " " <a href="#third-party">"The third-party cookie probe"</a>
                </p>
            }
            .into_any()
        }
        Note::SecretWords => view! {
            <p class="small challenge-note" data-note="secret-words">
                "The secret is one of these words: " <code id="challenge-words">{SECRET_WORDS.join(", ")}</code>
            </p>
        }
        .into_any(),
    }
}

/// The hints shown so far, and a button for the next.
#[component]
fn Hints(id: ChallengeId) -> impl IntoView {
    let challenges = expect_context::<Challenges>();
    let hints = id.challenge().hints;
    let shown = move || challenges.hints_shown(id);
    view! {
        <ol id="challenge-hints" class="challenge-hints" aria-live="polite">
            {move || hints[..shown()].iter().map(|hint| view! { <li>{*hint}</li> }).collect_view()}
        </ol>
        {move || (shown() < hints.len()).then(|| view! {
            <button id="challenge-hint" on:click=move |_| challenges.show_hint(id)>{format!("Show a hint ({} of {})", shown() + 1, hints.len())}</button>
        })}
    }
}

/// What the server's judge found: the lesson, and the log entries and exploit hits it read.
#[component]
fn SolvedBanner(challenge: &'static Challenge, entries: Vec<u64>, hits: Vec<u64>) -> impl IntoView {
    let log = expect_context::<ServerLog>();
    let exploit = expect_context::<ExploitHits>();
    let entry_items = entries
        .into_iter()
        .map(|seq| {
            let words = move || log.newest_where(1, |e| e.seq == seq).first().map_or_else(|| format!("#{seq} in the server's log"), entry_words);
            view! { <li data-seq=seq>{words}</li> }
        })
        .collect_view();
    let hit_items = hits
        .into_iter()
        .map(|seq| {
            let words = move || exploit.find(seq).map_or_else(|| format!("hit #{seq} of the exploit server's access log"), |hit| hit_words(&hit));
            view! { <li data-hit=seq>{words}</li> }
        })
        .collect_view();
    view! {
        <div id="challenge-solved" class="challenge-solved" role="status">
            <p><strong class="tick">"Solved ✓"</strong> " The server's log shows it."</p>
            <p class="challenge-lesson">{challenge.lesson}</p>
            <p class="small">"What proved it:"</p>
            <ul id="challenge-proof" class="small">{entry_items} {hit_items}</ul>
        </div>
    }
}

/// A log entry in one line, from its fields: `#7 GET /api/profile → 200: …`.
fn entry_words(entry: &LogEntry) -> String {
    let kind = if entry.preflight { "preflight" } else { "request" };
    format!("#{} {kind}: {} {} → {}; {}", entry.seq, entry.method, entry.path, entry.status, server_words::outcome(&entry.outcome, entry.preflight))
}

/// An exploit server hit in one line.
fn hit_words(hit: &ExploitHit) -> String {
    format!("exploit server hit #{}: {} {}", hit.seq, hit.method, hit.target)
}
