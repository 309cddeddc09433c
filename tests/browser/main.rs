//! End-to-end tests in a real browser (Chromium, Firefox or WebKit, as `PLAYGROUND_ENGINE`
//! says): one binary, one module per lab.

mod accessibility;
mod attacks;
mod challenges;
mod challenges_by_engine;
mod composer;
mod console;
mod csrf;
mod defenses;
mod differential;
mod exploit_server;
mod first_screen;
mod fixes;
mod lab_matrix;
mod live;
mod mistakes;
mod narrow_screen;
mod results;
mod scaling;
mod scaling_ui;
mod security;
mod settings;
mod share_link;
mod start_here;
mod third_party;
mod tokens;
mod unreachable;
