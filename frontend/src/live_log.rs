//! The server's request log, live: `/control/events` (Server-Sent Events) into `Lab::log`.
//! `EventSource` reconnects by itself and sends `Last-Event-ID`, so nothing is missed.

use leptos::prelude::Set;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{EventSource, MessageEvent};

use crate::lab::Lab;

pub fn connect(lab: Lab) {
    let Ok(source) = EventSource::new(&lab.api().url("/control/events")) else {
        lab.error.set(Some("This browser cannot open the live log (EventSource).".to_owned()));
        return;
    };
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(entry) = event.data().as_string().and_then(|d| serde_json::from_str(&d).ok()) {
            lab.add_log(vec![entry]);
        }
    });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The stream lives as long as the page.
    on_message.forget();
}
