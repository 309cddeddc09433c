//! The requests the page sent from the labs, newest first, each with what came back; and the
//! flow of one request: send it as the page's code would, then fetch the server's entries for it.

use leptos::prelude::*;
use shared::wire::LogEntry;

use super::{Jwt, ServerLog};
use crate::{
    api::{Api, BrowserView},
    lab_request::LabRequest,
    page,
};

/// How many results the page keeps.
const KEEP: usize = 20;

/// One request as both sides saw it.
#[derive(Clone, Debug)]
pub struct Probe {
    /// Counts up within the page; newest is highest.
    pub id: u32,
    /// What the person did ("Log in (session cookie)", "Composer").
    pub label: String,
    /// The request id in the URL, by which the server's log names it.
    pub rid: String,
    /// The URL the browser fetched (`Api::lab_url`), as its console names it.
    pub url: String,
    pub request: LabRequest,
    /// The token the request carried, when `request.bearer`.
    pub token: Option<String>,
    /// Server log entries with this `rid` and a higher `seq` belong to this request; earlier
    /// ones went to the same URL before.
    pub after_seq: u64,
    /// `Date.now()` when it was sent.
    pub sent_at_ms: f64,
    /// What came back; `None` while the request is in flight.
    pub answer: ArcRwSignal<Option<Answer>>,
}

/// What a request came to, once the browser answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub browser: BrowserView,
    /// The server's entries when the request went to another instance (whose log the page
    /// does not stream); `None` for the page's own backend.
    pub remote_entries: Option<Vec<LogEntry>>,
}

#[derive(Clone, Copy)]
pub struct Probes {
    list: RwSignal<Vec<Probe>>,
    next_id: StoredValue<u32>,
    /// The page's own backend, for the URLs of the requests sent to it.
    api: StoredValue<Api>,
    jwt: Jwt,
    log: ServerLog,
    deliver: Action<(Probe, Option<Api>), ()>,
}

impl Probes {
    pub fn new(api: &Api, log: ServerLog, jwt: Jwt) -> Probes {
        let own = api.clone();
        let deliver = Action::new_local(move |(probe, peer): &(Probe, Option<Api>)| deliver(peer.clone().unwrap_or_else(|| own.clone()), peer.is_some(), log, jwt, probe.clone()));
        Probes { list: RwSignal::new(Vec::new()), next_id: StoredValue::new(1), api: StoredValue::new(api.clone()), jwt, log, deliver }
    }

    /// The results, newest first.
    pub fn list(&self) -> Vec<Probe> {
        self.list.get()
    }

    pub fn is_empty(&self) -> bool {
        self.list.with(Vec::is_empty)
    }

    pub fn clear(&self) {
        self.list.set(Vec::new());
    }

    /// The `after_seq` of the first request sent after request `id` to the same URL (`rid`):
    /// the server's entries for `rid` beyond it are that request's.
    pub fn next_sent_to(&self, id: u32, rid: &str) -> Option<u64> {
        self.list.with(|list| list.iter().filter(|p| p.id > id && p.rid == rid).map(|p| p.after_seq).min())
    }

    /// Sends `request` to the page's backend, as the person's click `label` says.
    pub fn send(&self, label: &str, request: LabRequest) {
        self.send_with(None, label, request, page::new_request_id());
    }

    /// Sends `request` to the URL of the newest result (the same `rid`), so the browser may
    /// reuse a preflight it cached for that URL.
    pub fn send_again(&self, label: &str, request: LabRequest) {
        let rid = self.list.with_untracked(|list| list.first().map(|p| p.rid.clone())).unwrap_or_else(page::new_request_id);
        self.send_with(None, label, request, rid);
    }

    /// Sends `request` to another instance of the backend.
    pub fn send_to(&self, peer: Api, label: &str, request: LabRequest) {
        self.send_with(Some(peer), label, request, page::new_request_id());
    }

    /// Sends `request` to `api` as every lab request goes, for a panel that lists what came
    /// back itself rather than among the results.
    pub fn fetch(&self, api: &Api, request: &LabRequest) -> impl Future<Output = BrowserView> + use<> {
        let (api, request, jwt) = (api.clone(), request.clone(), self.jwt);
        let token = jwt.for_request(&request);
        async move { fetch(&api, jwt, &request, token.as_deref(), &page::new_request_id()).await }
    }

    fn send_with(&self, peer: Option<Api>, label: &str, request: LabRequest, rid: String) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let token = self.jwt.for_request(&request);
        let url = match &peer {
            Some(peer) => peer.lab_url(&request.path, &rid),
            None => self.api.with_value(|api| api.lab_url(&request.path, &rid)),
        };
        let probe = Probe {
            id,
            label: label.to_owned(),
            url,
            rid,
            request,
            token,
            after_seq: self.log.last_seq(),
            sent_at_ms: js_sys::Date::now(),
            answer: ArcRwSignal::new(None),
        };
        self.list.update(|list| {
            list.insert(0, probe.clone());
            list.truncate(KEEP);
        });
        self.deliver.dispatch_local((probe, peer));
    }
}

/// A lab request sent as the page's own code would send it, with `token` when it asks for one;
/// a token the answer hands out is kept.
async fn fetch(api: &Api, jwt: Jwt, request: &LabRequest, token: Option<&str>, rid: &str) -> BrowserView {
    let browser = api.lab_fetch(request, token, rid).await;
    jwt.keep_issued(request, &browser);
    browser
}

/// Sends the probe's request and records what came back, with the server's entries for it.
async fn deliver(api: Api, remote: bool, log: ServerLog, jwt: Jwt, probe: Probe) {
    let browser = fetch(&api, jwt, &probe.request, probe.token.as_deref(), &probe.rid).await;
    // The server writes the log entry before the response leaves, so this fetch finds it
    // even when the live stream is slower.
    let remote_entries = if remote {
        Some(api.log_of(&probe.rid, 0).await.unwrap_or_default())
    } else {
        if let Ok(entries) = api.log_after(probe.after_seq).await {
            log.add(entries);
        }
        None
    };
    probe.answer.set(Some(Answer { browser, remote_entries }));
}
