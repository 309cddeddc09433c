//! The playground's UI: a Leptos client-side app on one origin calling the backend on another.
//!
//! - Plain logic, tested natively: `lab_request` (the requests the labs send), `outcome` and
//!   `diagram` (what a request came to, in words and as a picture), `engines` (what the page
//!   says that depends on the engine), `console_reading` (a pasted console message read back),
//!   `defenses` (which CSRF defense stops which attacker), `attack`, `export`, `presets`,
//!   `loopback`, `server_words` (the server's log in words), `share`, `token` (what of the last two reads JSON with the browser's parser is
//!   tested in headless Chromium, `frontend/tests/json.rs`).
//! - The browser: `api` (the one client of the backend), `json` (serde over the browser's
//!   `JSON`), `live_log` (the server's log as it streams), `page` (the page's own address).
//! - `state`: the page's state, one context slice per concern; `components`: the views;
//!   `app`: the page that puts them together.

pub mod api;
pub mod app;
pub mod attack;
pub mod balancing;
pub mod components;
pub mod console_reading;
pub mod defenses;
pub mod diagram;
pub mod engines;
pub mod export;
pub mod json;
pub mod lab_request;
pub mod live_log;
pub mod loopback;
pub mod outcome;
pub mod page;
pub mod presets;
pub mod server_words;
pub mod share;
pub mod state;
pub mod token;

pub use app::App;
