//! What the page holds of the lab on the server, and the one way it lets go of it: after a
//! reset made by this page's button, by another page (`event: reset`), or by a challenge's
//! start, the old lab's token, results and log would explain a lab that is gone.

use leptos::prelude::*;

use super::{ExploitHits, Jwt, LiveSettings, Probes, Problem, ServerLog};

#[derive(Clone, Copy)]
pub struct OldLab {
    pub jwt: Jwt,
    pub probes: Probes,
    pub log: ServerLog,
    pub live: LiveSettings,
    pub problem: Problem,
    pub hits: ExploitHits,
}

impl OldLab {
    /// Drops everything that belonged to the lab before the reset. Doing it twice (this
    /// page's reset, then the stream's `event: reset` for it) changes nothing more.
    pub fn forget(&self) {
        // The token was signed for users and a secret of the old lab; the results and the
        // log entries name its sessions; the server cleared its log and the exploit hits.
        if self.jwt.0.with_untracked(Option::is_some) {
            self.jwt.0.set(None);
        }
        if !untrack(|| self.probes.is_empty()) {
            self.probes.clear();
        }
        self.log.clear();
        // Each kind of event has its own task, so a new lab's first entry may have been added
        // before the reset that preceded it was handled: the server's log, cleared by the
        // reset, holds only the new lab's entries, and the page fetches them again.
        self.log.catch_up();
        self.hits.clear();
        self.live.reload();
        self.problem.clear();
    }
}
