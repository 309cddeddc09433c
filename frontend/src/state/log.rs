//! The server's request log as the page knows it: what it fetched, and what the live stream
//! (`crate::live_log`) pushes.

use leptos::prelude::*;
use shared::wire::LogEntry;

use crate::api::Api;

/// How many entries the page keeps: far more than the results it shows.
const KEEP: usize = 500;

#[derive(Clone, Copy)]
pub struct ServerLog {
    /// In `seq` order, without duplicates.
    entries: RwSignal<Vec<LogEntry>>,
    /// The newest `seq`, or 0: changes only when an entry comes (or the log is cleared).
    newest: Memo<u64>,
    catch_up: Action<(), ()>,
}

impl ServerLog {
    pub fn new(api: &Api) -> ServerLog {
        let entries = RwSignal::new(Vec::<LogEntry>::new());
        let newest = Memo::new(move |_| entries.with(|log| log.last().map_or(0, |e| e.seq)));
        let api = api.clone();
        let catch_up = Action::new_local(move |()| {
            let fetched = api.log_after(newest.get_untracked());
            async move {
                if let Ok(new) = fetched.await {
                    add(entries, new);
                }
            }
        });
        ServerLog { entries, newest, catch_up }
    }

    /// Adds entries, from the live stream or a fetch.
    pub fn add(&self, new: Vec<LogEntry>) {
        add(self.entries, new);
    }

    /// Fetches what the page has not seen yet (at start, and when the stream was closed).
    pub fn catch_up(&self) {
        self.catch_up.dispatch(());
    }

    pub fn clear(&self) {
        self.entries.set(Vec::new());
    }

    /// The newest `seq` the page has seen (tracked: changes with each new entry).
    pub fn newest(&self) -> u64 {
        self.newest.get()
    }

    /// The newest `seq`, without tracking it.
    pub fn last_seq(&self) -> u64 {
        self.newest.get_untracked()
    }

    /// Whether any entry satisfies `shows` (tracked), without copying the log.
    pub fn any(&self, shows: impl Fn(&LogEntry) -> bool) -> bool {
        self.entries.with(|log| log.iter().any(shows))
    }

    /// The entries with this request id, oldest first.
    pub fn with_rid(&self, rid: &str) -> Vec<LogEntry> {
        self.entries.with(|log| log.iter().filter(|e| e.rid.as_deref() == Some(rid)).cloned().collect())
    }

    /// The last `n` entries that `keep` keeps, newest first.
    pub fn newest_where(&self, n: usize, keep: impl Fn(&LogEntry) -> bool) -> Vec<LogEntry> {
        self.entries.with(|log| log.iter().rev().filter(|e| keep(e)).take(n).cloned().collect())
    }
}

fn add(entries: RwSignal<Vec<LogEntry>>, new: Vec<LogEntry>) {
    if new.is_empty() {
        return;
    }
    entries.update(|log| {
        for entry in new {
            // The stream and a fetch may bring the same entry, and in either order.
            if let Err(at) = log.binary_search_by_key(&entry.seq, |e| e.seq) {
                log.insert(at, entry);
            }
        }
        let excess = log.len().saturating_sub(KEEP);
        log.drain(..excess);
    });
}
