//! The server's request log, live: `/control/events` (Server-Sent Events) into `ServerLog`.
//! `EventSource` reconnects by itself and sends `Last-Event-ID`, so nothing is missed while
//! it is open. The same stream announces every change of the lab's settings (`event:
//! settings`), made by this page or another, into `LiveSettings`: no open page shows a
//! setting that is no longer live.
//!
//! The stream is closed on `pagehide` and opened again on `pageshow`: a page kept in the
//! back/forward cache would otherwise hold its connection, and after six of them Chromium's
//! per-host limit leaves no connection for the next page's requests.
//!
//! It is opened again when the person gives the control token (`api::ControlToken`): a
//! stream the backend refused for want of it is closed for good by the browser.
//!
//! The stream also says when the lab was reset (`event: reset`: by this page, another page,
//! or a challenge's start), and the page then lets go of the old lab the same way its own
//! reset button does (`OldLab::forget`); which challenge runs and when it is solved (`event:
//! challenge`); and each hit of the exploit server's access log (`event: exploit`).

use std::{cell::RefCell, rc::Rc};

use futures_util::StreamExt;
use gloo_net::eventsource::futures::EventSource;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::Api,
    json,
    state::{Challenges, ExploitHits, LiveSettings, OldLab, ServerLog},
};

/// Where what the stream brings goes.
#[derive(Clone, Copy)]
pub struct Sinks {
    pub log: ServerLog,
    pub live: LiveSettings,
    pub challenges: Challenges,
    pub hits: ExploitHits,
    pub old_lab: OldLab,
}

/// Follows the server's log, settings and challenge for as long as the calling component lives.
pub fn follow(api: Api, sinks: Sinks) {
    // Dropping the `EventSource` closes it, which ends the task that reads it.
    let stream: Rc<RefCell<Option<EventSource>>> = Rc::default();
    Effect::new({
        let (api, stream) = (api.clone(), stream.clone());
        // `events_url` reads the control token: this runs again when the person gives one.
        move || *stream.borrow_mut() = open(&api.events_url(), sinks)
    });
    let hide = window_event_listener_untyped("pagehide", {
        let stream = stream.clone();
        move |_| *stream.borrow_mut() = None
    });
    let show = window_event_listener_untyped("pageshow", move |_| {
        if stream.borrow().is_none() {
            *stream.borrow_mut() = open(&api.events_url(), sinks);
        }
    });
    on_cleanup(move || {
        hide.remove();
        show.remove();
    });
}

/// Opens the stream, fetches what the page missed before it (the log, the running
/// challenge), and hands each event it brings to its sink.
fn open(url: &str, sinks: Sinks) -> Option<EventSource> {
    let Sinks { log, live, challenges, hits, old_lab } = sinks;
    let mut source = EventSource::new(url).ok()?;
    let mut messages = source.subscribe("message").ok()?;
    let mut settings = source.subscribe("settings").ok()?;
    let mut resets = source.subscribe("reset").ok()?;
    let mut challenge = source.subscribe("challenge").ok()?;
    let mut exploit = source.subscribe("exploit").ok()?;
    log.catch_up();
    challenges.load();
    // Each task ends when the stream is closed: by the page, or by the browser after a refusal.
    spawn_local(async move {
        while let Some(Ok((_, message))) = settings.next().await {
            if let Some(settings) = message.data().as_string().and_then(|data| json::parse(&data).ok()) {
                live.replace(settings);
            }
        }
    });
    spawn_local(async move {
        // The event carries nothing the page needs (`{}`): that it came is the news.
        while let Some(Ok(_)) = resets.next().await {
            old_lab.forget();
        }
    });
    spawn_local(async move {
        while let Some(Ok((_, message))) = challenge.next().await {
            if let Some(state) = message.data().as_string().and_then(|data| json::parse(&data).ok()) {
                challenges.replace(state);
            }
        }
    });
    spawn_local(async move {
        while let Some(Ok((_, message))) = exploit.next().await {
            if let Some(hit) = message.data().as_string().and_then(|data| json::parse(&data).ok()) {
                hits.add(vec![hit]);
            }
        }
    });
    spawn_local(async move {
        while let Some(Ok((_, message))) = messages.next().await {
            if let Some(entry) = message.data().as_string().and_then(|data| json::parse(&data).ok()) {
                log.add(vec![entry]);
            }
        }
    });
    Some(source)
}
