//! The server's request log, live: `/control/events` (Server-Sent Events) into `Lab::log`.
//! `EventSource` reconnects by itself and sends `Last-Event-ID`, so nothing is missed.
//!
//! The stream is closed on `pagehide` and opened again on `pageshow`: a page kept in the
//! back/forward cache would otherwise hold its connection, and after six of them Chromium's
//! per-host limit leaves no connection for the next page's requests.
//!
//! It is opened again when the person gives the control token (`Lab::control_epoch`): a
//! stream the backend refused for want of it is closed for good by the browser.

use std::{cell::RefCell, rc::Rc};

use leptos::prelude::{Effect, Set, Track};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{EventSource, MessageEvent};

use crate::lab::Lab;

pub fn connect(lab: Lab) {
    let current: Rc<RefCell<Option<EventSource>>> = Rc::new(RefCell::new(None));
    Effect::new({
        let current = current.clone();
        move |_| {
            lab.control_epoch.track();
            if let Some(source) = current.borrow_mut().take() {
                source.close();
            }
            *current.borrow_mut() = open(lab);
        }
    });
    let Some(window) = web_sys::window() else { return };
    let on_hide = {
        let current = current.clone();
        Closure::<dyn Fn()>::new(move || {
            if let Some(source) = current.borrow_mut().take() {
                source.close();
            }
        })
    };
    let on_show = Closure::<dyn Fn()>::new(move || {
        if current.borrow().is_none() {
            // Back from the cache: pick up what happened meanwhile, then follow again.
            lab.load_log();
            *current.borrow_mut() = open(lab);
        }
    });
    let _ = window.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback("pageshow", on_show.as_ref().unchecked_ref());
    // Both listeners live as long as the page.
    on_hide.forget();
    on_show.forget();
}

fn open(lab: Lab) -> Option<EventSource> {
    let Ok(source) = EventSource::new(&lab.api().events_url()) else {
        lab.error.set(Some("This browser cannot open the live log (EventSource).".to_owned()));
        return None;
    };
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(entry) = event.data().as_string().and_then(|d| crate::json::parse(&d).ok()) {
            lab.add_log(vec![entry]);
        }
    });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // One closure per stream, kept for the page's life (a reopened stream adds one).
    on_message.forget();
    Some(source)
}
