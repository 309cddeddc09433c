//! The lab's reactive state, in one place: what is live on the server, what the person is
//! composing, and what came back. Components read and write these signals; the flow of a
//! request lives in `Lab::send` alone.

use leptos::{prelude::*, task::spawn_local};
use shared::{
    cookie::CookiePolicy,
    cors::CorsPolicy,
    wire::{LogEntry, TokenResponse},
};

use crate::{api::Api, lab_request::LabRequest, outcome::BrowserView};

/// One request as both sides saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// Counts up within the page; newest is highest.
    pub id: u32,
    /// What the person did ("Log in with a session cookie", "Send").
    pub label: String,
    pub rid: String,
    pub request: LabRequest,
    /// The token the request carried, when `request.bearer`.
    pub token: Option<String>,
    /// Server log entries with a higher `seq` belong to this request.
    pub after_seq: u64,
    /// `performance.now()`-style milliseconds when it was sent.
    pub sent_at_ms: f64,
    /// `None` while the request is in flight.
    pub browser: Option<BrowserView>,
    /// The server's entries when the request went to another instance (whose log the
    /// page does not stream); `None` for the page's own backend.
    pub remote_entries: Option<Vec<LogEntry>>,
}

/// A preflight the browser may have cached: the URL (with its `rid`) and until when.
#[derive(Clone, Debug, PartialEq)]
pub struct CachedPreflight {
    pub rid: String,
    pub until_ms: f64,
}

/// The lab's state: a reference to its signals, so closures can take it freely. One pointer
/// wide on purpose: dozens of view closures capture it, and copying the ten signals into
/// each of them cost the wasm several kilobytes.
#[derive(Clone, Copy)]
pub struct Lab(&'static LabSignals);

impl std::ops::Deref for Lab {
    type Target = LabSignals;

    fn deref(&self) -> &LabSignals {
        self.0
    }
}

pub struct LabSignals {
    pub policy: RwSignal<Option<CorsPolicy>>,
    pub cookie: RwSignal<Option<CookiePolicy>>,
    pub request: RwSignal<LabRequest>,
    /// The JWT, kept in memory only (gone on reload: nothing for an XSS to find later).
    pub token: RwSignal<Option<String>>,
    /// Newest first, the last 20.
    pub probes: RwSignal<Vec<Probe>>,
    /// The server's request log as it streams in (last 500 entries).
    pub log: RwSignal<Vec<LogEntry>>,
    /// Preflights answered with a Max-Age, by `rid`.
    pub preflight_cache: RwSignal<Vec<CachedPreflight>>,
    pub error: RwSignal<Option<String>>,
    /// Set when the backend asks for its control token: what the token form says.
    pub token_prompt: RwSignal<Option<&'static str>>,
    /// Counts the control tokens the person gave: the views that load from the control
    /// plane track it, and load again with the token.
    pub control_epoch: RwSignal<u32>,
    next_id: RwSignal<u32>,
    api: StoredValue<Api>,
}

const KEEP_PROBES: usize = 20;
const KEEP_LOG: usize = 500;

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// `now_ms()`, updated every second, for the countdowns.
pub fn clock() -> RwSignal<f64> {
    let now = RwSignal::new(now_ms());
    set_interval(move || now.set(now_ms()), std::time::Duration::from_secs(1));
    now
}

impl Lab {
    /// The page's lab. Made once per mounted app and kept for the page's life (leaked: a few
    /// dozen bytes), as the signals it holds are.
    pub fn new(api: Api) -> Lab {
        Lab(Box::leak(Box::new(LabSignals {
            policy: RwSignal::new(None),
            cookie: RwSignal::new(None),
            request: RwSignal::new(LabRequest::default()),
            token: RwSignal::new(None),
            probes: RwSignal::new(Vec::new()),
            log: RwSignal::new(Vec::new()),
            preflight_cache: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            token_prompt: RwSignal::new(None),
            control_epoch: RwSignal::new(0),
            next_id: RwSignal::new(1),
            api: StoredValue::new(api),
        })))
    }

    pub fn api(&self) -> Api {
        self.api.get_value()
    }

    /// Adds log entries (from the event stream or a fetch), keeping `seq` order and no duplicates.
    pub fn add_log(&self, entries: Vec<LogEntry>) {
        if entries.is_empty() {
            return;
        }
        self.log.update(|log| {
            // Inserted in place rather than sorted afterwards: a sort costs the wasm kilobytes.
            for entry in entries {
                if let Err(at) = log.binary_search_by_key(&entry.seq, |e| e.seq) {
                    log.insert(at, entry);
                }
            }
            let excess = log.len().saturating_sub(KEEP_LOG);
            log.drain(..excess);
        });
        self.remember_preflights();
    }

    /// The newest `seq` the page has seen.
    pub fn last_seq(&self) -> u64 {
        self.log.with_untracked(|log| log.last().map_or(0, |e| e.seq))
    }

    /// Sends `request` as the page's code would, records it as a probe, and fetches the
    /// server's entries for it (the event stream may bring them first).
    pub fn send(&self, label: &str, request: LabRequest, rid: Option<String>) {
        self.send_to(None, label, request, rid);
    }

    /// Like `send`, to another instance of the backend when `peer` is its API origin.
    pub fn send_to(&self, peer: Option<Api>, label: &str, request: LabRequest, rid: Option<String>) {
        let lab = *self;
        let id = self.next_id.get_untracked();
        self.next_id.set(id + 1);
        let rid = rid.unwrap_or_else(crate::page::new_request_id);
        let token = if request.bearer { self.token.get_untracked() } else { None };
        let probe = Probe {
            id,
            label: label.to_owned(),
            rid: rid.clone(),
            request: request.clone(),
            token: token.clone(),
            after_seq: self.last_seq(),
            sent_at_ms: now_ms(),
            browser: None,
            remote_entries: None,
        };
        self.probes.update(|p| {
            p.insert(0, probe.clone());
            p.truncate(KEEP_PROBES);
        });
        spawn_local(async move {
            let remote = peer.is_some();
            let api = peer.unwrap_or_else(|| lab.api());
            let view = api.lab_fetch(&request, token.as_deref(), &rid).await;
            // The log entry is written before the response leaves the server, so this fetch
            // finds it even when the event stream is slower.
            let mut remote_entries = None;
            if remote {
                let entries = api.log_after(0).await.unwrap_or_default();
                remote_entries = Some(entries.into_iter().filter(|e| e.rid.as_deref() == Some(rid.as_str())).collect());
            } else if let Ok(entries) = api.log_after(probe.after_seq).await {
                lab.add_log(entries);
            }
            lab.probes.update(|p| {
                if let Some(p) = p.iter_mut().find(|p| p.id == id) {
                    p.browser = Some(view.clone());
                    p.remote_entries = remote_entries.clone();
                }
            });
            lab.after_lab_response(&request, &view);
        });
    }

    /// Keeps what the page learns from its own requests: a token from `/api/token`.
    fn after_lab_response(&self, request: &LabRequest, view: &BrowserView) {
        if let BrowserView::Response { status: 200, body, .. } = view
            && request.path.starts_with("/api/token")
            && let Ok(issued) = crate::json::parse::<TokenResponse>(body)
        {
            self.token.set(Some(issued.token));
        }
    }

    /// Records preflights that passed with a Max-Age, so the page can tell a cached one.
    fn remember_preflights(&self) {
        let now = now_ms();
        let passed: Vec<CachedPreflight> = self.log.with_untracked(|log| {
            log.iter()
                .filter(|e| e.preflight && (200..300).contains(&e.status))
                .filter_map(|e| {
                    let rid = e.rid.clone()?;
                    let max_age: u64 = e
                        .response_headers
                        .get("access-control-max-age")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(shared::cors::browser::DEFAULT_MAX_AGE)
                        .min(shared::cors::browser::CHROMIUM_MAX_AGE_CAP);
                    let at = js_sys::Date::parse(&e.at);
                    Some(CachedPreflight { rid, until_ms: at + max_age as f64 * 1000.0 })
                })
                .filter(|c| c.until_ms > now)
                .collect()
        });
        self.preflight_cache.set(passed);
    }

    /// Seconds left of a cached preflight for `rid`, as of `at_ms`.
    pub fn cached_for(&self, rid: &str, at_ms: f64) -> Option<u64> {
        self.preflight_cache.with(|cache| {
            cache.iter().filter(|c| c.rid == rid && c.until_ms > at_ms).map(|c| ((c.until_ms - at_ms) / 1000.0).ceil() as u64).max()
        })
    }

    /// The server's entries for a probe.
    pub fn entries_for(&self, probe: &Probe) -> Vec<LogEntry> {
        if let Some(remote) = &probe.remote_entries {
            return remote.clone();
        }
        self.log.with(|log| log.iter().filter(|e| e.seq > probe.after_seq && e.rid.as_deref() == Some(probe.rid.as_str())).cloned().collect())
    }

    /// Applies a policy on the server; the panel shows it once the server confirmed.
    pub fn apply_policy(&self, policy: CorsPolicy) {
        let lab = *self;
        spawn_local(async move {
            match lab.api().put_policy(&policy).await {
                Ok(p) => {
                    lab.policy.set(Some(p));
                    lab.error.set(None);
                }
                Err(e) => lab.error.set(Some(format!("The policy was not changed: {e}"))),
            }
        });
    }

    pub fn apply_cookie(&self, policy: CookiePolicy) {
        let lab = *self;
        spawn_local(async move {
            match lab.api().put_cookie(&policy).await {
                Ok(p) => lab.cookie.set(Some(p)),
                Err(e) => lab.error.set(Some(format!("The cookie settings were not changed: {e}"))),
            }
        });
    }

    /// Loads what is live on the server: policy, cookie settings, log.
    pub fn load(&self) {
        let lab = *self;
        spawn_local(async move {
            let api = lab.api();
            match api.get_policy().await {
                Ok(p) => {
                    lab.policy.set(Some(p));
                    // The first screen is interactive once the live policy is shown; the
                    // benchmark reads this mark.
                    crate::page::mark("playground-interactive");
                }
                Err(e) => lab.error.set(Some(format!("Could not load the policy: {e}"))),
            }
            if let Ok(c) = api.get_cookie().await {
                lab.cookie.set(Some(c));
            }
        });
        self.load_log();
    }

    /// Uses `token` for every control call from now on, and loads again what needed it.
    pub fn use_control_token(&self, token: String) {
        crate::api::set_control_token(token);
        self.token_prompt.set(None);
        self.error.set(None);
        self.load();
        self.control_epoch.update(|n| *n += 1);
    }

    /// Loads the request log so far (the event stream brings what follows).
    pub fn load_log(&self) {
        let lab = *self;
        spawn_local(async move {
            if let Ok(entries) = lab.api().log_after(0).await {
                lab.add_log(entries);
            }
        });
    }
}
