//! The guided challenge running in the lab (`shared::challenge`), as every open page sees it
//! (`event: challenge`). `judge` starts runs and decides when one is solved.

use std::sync::{
    Mutex,
    atomic::{AtomicU64, Ordering},
};

use shared::challenge::{ChallengeState, Run, Solved};
use tokio::sync::watch;

pub struct Challenges {
    /// The run, as the pages see it; each change is announced.
    state: watch::Sender<ChallengeState>,
    /// The word a "Crack the secret" run made the JWT secret.
    secret_word: Mutex<Option<String>>,
    /// `Run::judged_through` of the open run: kept apart, so that judging an entry does not
    /// announce a change to every page.
    judged_through: AtomicU64,
}

impl Default for Challenges {
    fn default() -> Self {
        Challenges { state: watch::Sender::new(ChallengeState { run: None }), secret_word: Mutex::default(), judged_through: AtomicU64::new(0) }
    }
}

impl Challenges {
    /// The run as it stands, judged up to now.
    pub fn state(&self) -> ChallengeState {
        let mut state = self.state.borrow().clone();
        if let Some(run) = state.run.as_mut().filter(|run| run.solved.is_none()) {
            run.judged_through = run.judged_through.max(self.judged_through.load(Ordering::Acquire));
        }
        state
    }

    /// Hears of each change of the run from now on.
    pub fn changes(&self) -> watch::Receiver<ChallengeState> {
        self.state.subscribe()
    }

    pub fn secret_word(&self) -> Option<String> {
        self.secret_word.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// No challenge runs any more; the lab stays as it is.
    pub fn stop(&self) {
        self.state.send_if_modified(|state| state.run.take().is_some());
        *self.secret_word.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    pub(crate) fn begin(&self, run: Run, word: Option<String>) {
        *self.secret_word.lock().unwrap_or_else(|e| e.into_inner()) = word;
        self.judged_through.store(run.started_after, Ordering::Release);
        self.state.send_replace(ChallengeState { run: Some(run) });
    }

    /// Whether `run` is still the one running and unsolved.
    pub(crate) fn is_open(&self, run: &Run) -> bool {
        self.state.borrow().run.as_ref().is_some_and(|now| now.id == run.id && now.started_after == run.started_after && now.solved.is_none())
    }

    /// The judge read `run`'s log up to `seq` and found it not solved.
    pub(crate) fn judged(&self, run: &Run, seq: u64) {
        if self.is_open(run) {
            self.judged_through.fetch_max(seq, Ordering::AcqRel);
        }
    }

    pub(crate) fn solve(&self, run: &Run, solved: Solved) {
        self.state.send_if_modified(|state| match &mut state.run {
            Some(now) if now.id == run.id && now.started_after == run.started_after && now.solved.is_none() => {
                now.solved = Some(solved);
                true
            }
            _ => false,
        });
    }
}

