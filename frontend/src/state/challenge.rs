//! The guided challenges as the page knows them: the one the server runs (`GET
//! /control/challenge` at start, then `event: challenge`), and the person's progress, kept in
//! this browser's `localStorage` (which challenges were solved, how many hints each showed)
//! so that it survives a reload and a reset of the lab, until the person forgets it.
//!
//! The server alone says a challenge is solved (its judge reads the log); the page only
//! remembers that it said so.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::challenge::{ChallengeId, ChallengeState, Run};

use super::{OldLab, Panel, Problem};
use crate::{api::Api, json};

/// The `localStorage` key of the progress.
pub const STORAGE_KEY: &str = "playground.challenges";

/// What the person has done, by challenge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub solved: BTreeSet<ChallengeId>,
    /// Hints shown, per challenge (the first `n` of its `hints`).
    pub hints: BTreeMap<ChallengeId, usize>,
}

/// The progress as stored: by the ids' wire names, so that a name this version does not know
/// (stored by another one) is skipped rather than losing the rest.
#[derive(Default, Serialize, Deserialize)]
struct Stored {
    #[serde(default)]
    solved: Vec<String>,
    #[serde(default)]
    hints: BTreeMap<String, usize>,
}

impl From<Stored> for Progress {
    fn from(stored: Stored) -> Progress {
        let hints = stored.hints.iter().filter_map(|(key, n)| Some((ChallengeId::parse(key)?, *n))).collect();
        Progress { solved: stored.solved.iter().filter_map(|key| ChallengeId::parse(key)).collect(), hints }
    }
}

impl From<&Progress> for Stored {
    fn from(progress: &Progress) -> Stored {
        Stored {
            solved: progress.solved.iter().map(|id| id.as_str().to_owned()).collect(),
            hints: progress.hints.iter().map(|(id, n)| (id.as_str().to_owned(), *n)).collect(),
        }
    }
}

impl Progress {
    /// Hints shown for `id`, never more than it has.
    pub fn hints_shown(&self, id: ChallengeId) -> usize {
        self.hints.get(&id).copied().unwrap_or(0).min(id.challenge().hints.len())
    }

    /// Shows one more hint of `id`, when it has one left.
    pub fn show_hint(&mut self, id: ChallengeId) {
        let shown = self.hints_shown(id);
        if shown < id.challenge().hints.len() {
            self.hints.insert(id, shown + 1);
        }
    }
}

/// Where a challenge stands, as its list item's `data-state` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Open,
    /// The server runs it and has not found it solved yet.
    Running,
    Solved,
}

impl Standing {
    pub fn of(id: ChallengeId, run: Option<&Run>, progress: &Progress) -> Standing {
        match run {
            Some(run) if run.id == id && run.solved.is_none() => Standing::Running,
            Some(run) if run.id == id => Standing::Solved,
            _ if progress.solved.contains(&id) => Standing::Solved,
            _ => Standing::Open,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Open => "open",
            Standing::Running => "running",
            Standing::Solved => "solved",
        }
    }
}

#[derive(Clone, Copy)]
pub struct Challenges {
    run: RwSignal<Option<Run>>,
    progress: RwSignal<Progress>,
    load: Action<(), ()>,
    start: Action<ChallengeId, ()>,
    stop: Action<(), ()>,
}

impl Challenges {
    pub fn new(api: &Api, old_lab: OldLab, problem: Problem) -> Challenges {
        let run = RwSignal::new(None::<Run>);
        let progress = RwSignal::new(load_progress());
        let load = Action::new_local({
            let api = api.clone();
            move |()| {
                let loaded = api.challenge();
                async move {
                    // A backend without challenges (or not reachable) shows none running;
                    // the page says why elsewhere (`unreachable`).
                    if let Ok(state) = loaded.await {
                        set_run(run, progress, state.run);
                    }
                }
            }
        });
        let start = Action::new_local({
            let api = api.clone();
            move |id: &ChallengeId| {
                let started = api.start_challenge(*id);
                async move {
                    match started.await {
                        Ok(started) => {
                            // The server reset the lab for it: this page lets go of the old
                            // one now, without waiting for the stream's `event: reset`.
                            old_lab.forget();
                            set_run(run, progress, Some(started));
                        }
                        Err(e) => problem.report(Panel::Challenges, format!("The challenge did not start: {e}")),
                    }
                }
            }
        });
        let stop = Action::new_local({
            let api = api.clone();
            move |()| {
                let stopped = api.stop_challenge();
                async move {
                    match stopped.await {
                        Ok(()) => run.set(None),
                        Err(e) => problem.report(Panel::Challenges, format!("The challenge did not stop: {e}")),
                    }
                }
            }
        });
        // Another tab of this browser solved one or showed a hint: the stored progress is the
        // same for every tab.
        let storage = window_event_listener_untyped("storage", move |_| progress.set(load_progress()));
        on_cleanup(move || storage.remove());
        Challenges { run, progress, load, start, stop }
    }

    /// Asks the server which challenge runs (at start, and when the event stream opens again).
    pub fn load(&self) {
        self.load.dispatch(());
    }

    /// What the server announced (`event: challenge`).
    pub fn replace(&self, state: ChallengeState) {
        set_run(self.run, self.progress, state.run);
    }

    /// The running challenge (tracked).
    pub fn run(&self) -> Option<Run> {
        self.run.get()
    }

    pub fn standing(&self, id: ChallengeId) -> Standing {
        self.run.with(|run| self.progress.with(|progress| Standing::of(id, run.as_ref(), progress)))
    }

    pub fn hints_shown(&self, id: ChallengeId) -> usize {
        self.progress.with(|p| p.hints_shown(id))
    }

    pub fn show_hint(&self, id: ChallengeId) {
        self.progress.update(|p| p.show_hint(id));
        save_progress(&self.progress.get_untracked());
    }

    /// Starts `id` on the server, which resets the lab for it.
    pub fn start(&self, id: ChallengeId) {
        self.start.dispatch(id);
    }

    pub fn starting(&self) -> bool {
        self.start.pending().get()
    }

    pub fn stop(&self) {
        self.stop.dispatch(());
    }

    /// Forgets the solved challenges and the hints shown, here and in `localStorage`.
    pub fn forget_progress(&self) {
        self.progress.set(Progress::default());
        if let Some(storage) = storage() {
            let _ = storage.remove_item(STORAGE_KEY);
        }
    }
}

/// Sets the run; a solved one joins the progress for good.
fn set_run(run: RwSignal<Option<Run>>, progress: RwSignal<Progress>, now: Option<Run>) {
    if let Some(solved) = now.as_ref().filter(|r| r.solved.is_some()).map(|r| r.id)
        && progress.with_untracked(|p| !p.solved.contains(&solved))
    {
        progress.update(|p| {
            p.solved.insert(solved);
        });
        save_progress(&progress.get_untracked());
    }
    if run.with_untracked(|known| *known != now) {
        run.set(now);
    }
}

/// `localStorage`, when this browser gives the page one (it may refuse: private modes, policies).
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load_progress() -> Progress {
    let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    stored.and_then(|text| json::parse::<Stored>(&text).ok()).map(Progress::from).unwrap_or_default()
}

fn save_progress(progress: &Progress) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, &json::to_string(&Stored::from(progress)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::challenge::Solved;

    fn run(id: ChallengeId, solved: bool) -> Run {
        Run { id, started_after: 0, started_at: String::new(), solved: solved.then(Solved::default), judged_through: 0 }
    }

    #[test]
    fn the_run_decides_its_own_standing_and_the_progress_the_rest() {
        let mut progress = Progress::default();
        progress.solved.insert(ChallengeId::OnePreflight);
        let running = run(ChallengeId::OnePreflight, false);
        assert_eq!(Standing::of(ChallengeId::OnePreflight, Some(&running), &progress), Standing::Running, "solved before, running again");
        assert_eq!(Standing::of(ChallengeId::OnePreflight, None, &progress), Standing::Solved);
        assert_eq!(Standing::of(ChallengeId::ReadTheHeader, Some(&run(ChallengeId::ReadTheHeader, true)), &progress), Standing::Solved);
        assert_eq!(Standing::of(ChallengeId::ReadTheHeader, Some(&running), &progress), Standing::Open);
    }

    #[test]
    fn hints_are_shown_one_at_a_time_up_to_the_last() {
        let mut progress = Progress::default();
        let id = ChallengeId::LogoutThatDoesnt;
        let all = id.challenge().hints.len();
        for n in 1..=all + 2 {
            progress.show_hint(id);
            assert_eq!(progress.hints_shown(id), n.min(all));
        }
    }

    #[test]
    fn stored_progress_keeps_what_it_knows_and_skips_what_it_does_not() {
        let stored = Stored {
            solved: vec!["bearer_preflight".into(), "a_challenge_from_a_later_version".into()],
            hints: [("crack_the_secret".to_owned(), 2), ("gone".to_owned(), 1)].into(),
        };
        let progress = Progress::from(stored);
        assert_eq!(progress.solved, [ChallengeId::BearerPreflight].into());
        assert_eq!(progress.hints_shown(ChallengeId::CrackTheSecret), 2);
        let again = Stored::from(&progress);
        assert_eq!((again.solved, again.hints), (vec!["bearer_preflight".to_owned()], [("crack_the_secret".to_owned(), 2)].into()));
    }
}
