//! The end-to-end harness: the real backend binary on free loopback ports, the Trunk-built
//! frontend served from its `dist` folder, and a real browser driven through WebDriver:
//! Chromium, Firefox or WebKit, as `PLAYGROUND_ENGINE` says.
//!
//! `cargo xtask test` builds the frontend and the backend first and passes their paths in
//! `PLAYGROUND_DIST` and `PLAYGROUND_BACKEND_BIN`, and the browsers', drivers' and HAProxy's
//! (`PLAYGROUND_HAPROXY`) paths.
//!
//! The scaling lab (`ScaleLab`): two instances behind the real HAProxy, configured by the same
//! function as `cargo xtask run --scale lb` (`xtask/src/haproxy.rs`), with memory stores or
//! one `redis-server`.
//!
//! One module per part it starts (`backend`, `frontend`, `browser`, `redis`, `haproxy`, `lab`,
//! `scale_lab`), one for reading the engines' words (`console`) and one for holding the page's
//! prediction to what the engine did (`prediction`); this file keeps what they share (paths,
//! ports).

use std::{
    io::{BufRead, BufReader},
    net::{SocketAddr, TcpListener as StdListener},
    os::unix::process::CommandExt,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
pub use shared::cors::Engine;

/// How long a UI change may take before a test gives up (the page talks to a local backend).
pub const UI_TIMEOUT: Duration = Duration::from_secs(15);

pub(crate) fn required_path(var: &str) -> PathBuf {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        panic!("{var} is not set: run the end-to-end tests through `cargo xtask test`, which builds what they need")
    });
    assert!(path.exists(), "{var}={} does not exist: run `cargo xtask test`", path.display());
    path
}

mod backend;
mod browser;
mod console;
mod frontend;
mod haproxy;
mod lab;
mod prediction;
mod redis;
mod scale_lab;

pub use backend::Backend;
pub use browser::{Browser, cors_line_of, engine, settle};
pub use console::{console_sentence, cors_error_of, is_cors_message};
pub use frontend::{Frontend, trunk_headers};
pub use haproxy::Haproxy;
pub use lab::{Lab, session_came};
pub use redis::Redis;
pub use scale_lab::{ScaleLab, Store};

pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Waits until something accepts connections on the loopback `port`.
pub(crate) fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} does not listen on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
