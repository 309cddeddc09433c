//! The playground's UI: a Leptos client-side app on one origin calling the backend on another.
//!
//! Plain modules hold the logic: `presets`, `lab_request`, `outcome`, `diagram`, `export`,
//! `attack`, `html`, `loopback` (tested natively), `share`, `token` (read by the browser's
//! `JSON`: tested in it, `tests/`, and their pure parts natively). `api` is the one typed
//! client of the backend, `json` serde over the browser's `JSON`, `page` the page's own address,
//! `lab` the reactive state and the flow of a request, `components` the views.

pub mod api;
pub mod attack;
pub mod app;
pub mod components;
pub mod diagram;
pub mod export;
pub mod html;
pub mod json;
pub mod lab;
pub mod lab_request;
pub mod live_log;
pub mod loopback;
pub mod outcome;
pub mod page;
pub mod presets;
pub mod share;
pub mod token;

pub use app::App;
