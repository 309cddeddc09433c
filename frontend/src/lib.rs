//! The playground's UI: a Leptos client-side app on one origin calling the backend on another.
//!
//! - `labs`: one folder per lab, each holding its views beside the plain logic and the words
//!   they show (tested natively; what reads JSON with the browser's parser is tested in
//!   headless Chromium, `frontend/tests/json.rs`): `labs::cors` (the policy, the composer, what
//!   a request came to and why, a pasted console message, the lab as code and as a link),
//!   `labs::auth` (logins, the session store, the JWT), `labs::csrf` (the other site's attack
//!   and the defenses), `labs::scaling` (instances, and the load balancer), and
//!   `labs::comparison`, the Sessions vs JWT table that links into them.
//! - What the labs share, and use without knowing each other: `api` (the one client of the
//!   backend, and what a lab request came to), `lab_request` (the requests the labs send),
//!   `state` (the page's state, one context slice per concern, and the one way to report a
//!   problem), `live_log` (the server's log as it streams), `json` (serde over the browser's
//!   `JSON`), `page` (the page's own address, engine and request ids), `loopback` (the only
//!   URLs it talks or links to), `engines` and `server_words` (the words that depend on the
//!   engine, and the server's log in words), `controls` (pieces the forms share).
//! - `app`: the page that puts the labs together, with `control_token`'s form and
//!   `start_here`, the first five minutes as six steps ticked off from the page's own data,
//!   and `unreachable`, which says why the backend gives no answer when it gives none;
//!   `challenges`, the guided challenges the server sets up and judges.

pub mod api;
pub mod app;
pub mod challenges;
pub mod control_token;
pub mod controls;
pub mod engines;
pub mod json;
pub mod lab_request;
pub mod labs;
pub mod live_log;
pub mod loopback;
pub mod page;
pub mod server_words;
pub mod start_here;
pub mod unreachable;
pub mod state;

pub use app::App;
