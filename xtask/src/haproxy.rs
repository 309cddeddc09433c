//! The scaling lab's HAProxy configuration, generated for the ports of one run. `cargo xtask
//! run --scale lb`, `cargo xtask bench` and the end-to-end tests (`tests/src/lib.rs`) all
//! start HAProxy with this text, so what the tests prove is what the person runs.
//!
//! Two ways through to the same instances, both live at once:
//!
//! - **round-robin** (`balance roundrobin`): each request to the next instance;
//! - **sticky**: the first answer gets a `SERVERID` cookie naming its instance (`cookie
//!   SERVERID insert indirect nocache`), and later requests that carry it go there while it is
//!   enabled; when it is disabled or down they go to another one, which gets a new cookie.
//!
//! HAProxy only relays: every CORS header, `Set-Cookie: sessionId` and `X-Instance` comes from
//! the instance that answered; the sticky way adds its own `SERVERID` cookie, nothing else.
//! `/control/*` on either port goes to the first instance alone, whatever its state for lab
//! requests: the page opened on the usual address keeps one control plane (and one event
//! stream) while the person disables instances.
//!
//! The runtime API (`stats socket … level admin`) is a Unix socket in a directory only the
//! person who started the lab may enter (`AdminSocket`): HAProxy runs every command line a
//! connection sends it, so on a TCP port any web page could drive it with the body of a
//! `no-cors` POST. A browser cannot open a Unix socket. The backend relays the page's "stop
//! instance A" to it as `disable server round_robin/A` and `disable server sticky/A`
//! (`backend/src/balancer.rs`, which must use the same backend names).

use std::{
    fmt::Write,
    net::SocketAddr,
    os::unix::fs::DirBuilderExt,
    path::{Path, PathBuf},
};

/// HAProxy's backend for the round-robin way. The backend's relay names it too.
pub const ROUND_ROBIN: &str = "round_robin";
/// HAProxy's backend for the sticky way. The backend's relay names it too.
pub const STICKY: &str = "sticky";
/// HAProxy's backend for `/control/*`: the first instance only, never disabled by the relay.
pub const CONTROL: &str = "control";

/// Where everything listens.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Each instance's name (HAProxy's server name and the sticky cookie's value; letters and
    /// digits) and the address of its lab API. The first one also answers `/control/*`.
    pub instances: Vec<(String, SocketAddr)>,
    /// Where the round-robin way listens (the lab API's usual address).
    pub round_robin: SocketAddr,
    /// Where the sticky way listens.
    pub sticky: SocketAddr,
    /// The runtime API (admin level): a Unix socket path (`AdminSocket`); anyone reaching it
    /// controls HAProxy.
    pub admin: PathBuf,
    /// One line per request on stdout (which way, which instance, status, times): for a
    /// person watching `cargo xtask run`; off in tests and benchmarks.
    pub log_requests: bool,
}

/// The whole configuration file.
pub fn config(layout: &Layout) -> String {
    let mut c = String::new();
    let mut line = |text: &str| {
        c.push_str(text);
        c.push('\n');
    };
    line("# Generated for one run of the playground's scaling lab (xtask/src/haproxy.rs); not edited by hand.");
    line("global");
    // The runtime API that the backend's /control/balancer routes talk to: a Unix socket only
    // its owner may open (mode 600), in a directory only its owner may enter.
    line(&format!("    stats socket {} mode 600 level admin", layout.admin.display()));
    if layout.log_requests {
        line("    log stdout format raw local0 info");
    }
    line("");
    line("defaults");
    line("    mode http");
    if layout.log_requests {
        line("    log global");
        line("    option httplog");
    }
    line("    timeout connect 2s");
    // The page's event stream (`/control/events`) is quiet between entries; the backend
    // sends a keep-alive comment well within this.
    line("    timeout client 60s");
    line("    timeout server 60s");
    line("    timeout http-keep-alive 10s");
    // A server that stops answering is marked down after a few failed connects (TCP checks).
    line("    default-server check inter 2s");
    line("");
    for (frontend, address, backend) in [("round_robin_in", layout.round_robin, ROUND_ROBIN), ("sticky_in", layout.sticky, STICKY)] {
        line(&format!("frontend {frontend}"));
        line(&format!("    bind {address}"));
        line(&format!("    use_backend {CONTROL} if {{ path_beg /control/ }}"));
        line(&format!("    default_backend {backend}"));
        line("");
    }
    line(&format!("backend {ROUND_ROBIN}"));
    line("    balance roundrobin");
    servers(&mut line, &layout.instances, false);
    line("");
    line(&format!("backend {STICKY}"));
    line("    balance roundrobin");
    line("    cookie SERVERID insert indirect nocache");
    servers(&mut line, &layout.instances, true);
    line("");
    line(&format!("backend {CONTROL}"));
    servers(&mut line, &layout.instances[..layout.instances.len().min(1)], false);
    c
}

fn servers(line: &mut impl FnMut(&str), instances: &[(String, SocketAddr)], cookie: bool) {
    for (name, address) in instances {
        let mut text = format!("    server {name} {address}");
        if cookie {
            let _ = write!(text, " cookie {name}");
        }
        line(&text);
    }
}

/// A fresh directory for the runtime API's socket that only this user may enter (mode 700),
/// under the system's temporary directory (a socket path must stay under about 100 bytes);
/// removed with everything in it when dropped.
#[derive(Debug)]
pub struct AdminSocket {
    dir: PathBuf,
}

impl AdminSocket {
    /// Creates the directory; fails rather than reuse one that exists (another user may own it).
    pub fn create() -> std::io::Result<AdminSocket> {
        let base = std::env::temp_dir();
        let mut last = None;
        for _ in 0..8 {
            let dir = base.join(format!("playground-lb-{}", crate::random_hex(8)?));
            match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => return Ok(AdminSocket { dir }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no fresh directory")))
    }

    /// The socket's path, for HAProxy's `stats socket` and the backend's `--balancer-admin`.
    pub fn path(&self) -> PathBuf {
        self.dir.join("admin.sock")
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for AdminSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            instances: vec![("A".to_owned(), "127.0.0.1:3100".parse().unwrap()), ("B".to_owned(), "127.0.0.1:3102".parse().unwrap())],
            round_robin: "127.0.0.1:3000".parse().unwrap(),
            sticky: "127.0.0.1:3004".parse().unwrap(),
            admin: PathBuf::from("/tmp/playground-lb-test/admin.sock"),
            log_requests: false,
        }
    }

    /// The section of `config` that starts with `header`, up to the next blank line.
    fn section<'c>(config: &'c str, header: &str) -> Vec<&'c str> {
        config.lines().skip_while(|l| *l != header).take_while(|l| !l.is_empty()).map(str::trim).collect()
    }

    #[test]
    fn two_ways_to_the_same_instances_and_control_to_the_first() {
        let config = config(&layout());
        assert_eq!(section(&config, "frontend round_robin_in")[1..], ["bind 127.0.0.1:3000", "use_backend control if { path_beg /control/ }", "default_backend round_robin"]);
        assert_eq!(section(&config, "frontend sticky_in")[1], "bind 127.0.0.1:3004");
        assert_eq!(section(&config, "backend round_robin")[1..], ["balance roundrobin", "server A 127.0.0.1:3100", "server B 127.0.0.1:3102"]);
        assert_eq!(
            section(&config, "backend sticky")[1..],
            ["balance roundrobin", "cookie SERVERID insert indirect nocache", "server A 127.0.0.1:3100 cookie A", "server B 127.0.0.1:3102 cookie B"]
        );
        assert_eq!(section(&config, "backend control")[1..], ["server A 127.0.0.1:3100"]);
        assert!(config.contains("stats socket /tmp/playground-lb-test/admin.sock mode 600 level admin"), "{config}");
    }

    #[test]
    fn the_admin_socket_lives_in_a_directory_only_its_owner_may_enter() {
        use std::os::unix::fs::PermissionsExt;
        let socket = AdminSocket::create().unwrap();
        let mode = std::fs::metadata(socket.dir()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        assert!(socket.path().starts_with(socket.dir()) && socket.path().as_os_str().len() < 100);
        let dir = socket.dir().to_owned();
        drop(socket);
        assert!(!dir.exists(), "removed when dropped");
    }

    #[test]
    fn requests_are_logged_only_when_asked() {
        let quiet = config(&layout());
        assert!(!quiet.contains("log stdout") && !quiet.contains("httplog"), "{quiet}");
        let logged = config(&Layout { log_requests: true, ..layout() });
        assert!(logged.contains("log stdout format raw") && logged.contains("option httplog"), "{logged}");
    }
}
