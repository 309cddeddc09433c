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

use std::{cell::RefCell, rc::Rc};

use futures_util::StreamExt;
use gloo_net::eventsource::futures::EventSource;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::Api,
    json,
    state::{LiveSettings, ServerLog},
};

/// Follows the server's log and settings for as long as the calling component lives.
pub fn follow(api: Api, log: ServerLog, live: LiveSettings) {
    // Dropping the `EventSource` closes it, which ends the task that reads it.
    let stream: Rc<RefCell<Option<EventSource>>> = Rc::default();
    Effect::new({
        let (api, stream) = (api.clone(), stream.clone());
        // `events_url` reads the control token: this runs again when the person gives one.
        move || *stream.borrow_mut() = open(&api.events_url(), log, live)
    });
    let hide = window_event_listener_untyped("pagehide", {
        let stream = stream.clone();
        move |_| *stream.borrow_mut() = None
    });
    let show = window_event_listener_untyped("pageshow", move |_| {
        if stream.borrow().is_none() {
            *stream.borrow_mut() = open(&api.events_url(), log, live);
        }
    });
    on_cleanup(move || {
        hide.remove();
        show.remove();
    });
}

/// Opens the stream, fetches what the page missed before it, and adds each entry it brings;
/// each settings change it announces replaces the live settings.
fn open(url: &str, log: ServerLog, live: LiveSettings) -> Option<EventSource> {
    let mut source = EventSource::new(url).ok()?;
    let mut messages = source.subscribe("message").ok()?;
    let mut settings = source.subscribe("settings").ok()?;
    log.catch_up();
    spawn_local(async move {
        while let Some(Ok((_, message))) = settings.next().await {
            if let Some(settings) = message.data().as_string().and_then(|data| json::parse(&data).ok()) {
                live.replace(settings);
            }
        }
    });
    spawn_local(async move {
        // Ends when the stream is closed: by the page, or by the browser after a refusal.
        while let Some(Ok((_, message))) = messages.next().await {
            if let Some(entry) = message.data().as_string().and_then(|data| json::parse(&data).ok()) {
                log.add(vec![entry]);
            }
        }
    });
    Some(source)
}
