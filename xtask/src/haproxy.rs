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
//! The runtime API (`stats socket … level admin`) listens on loopback; the backend relays the
//! page's "stop instance A" to it as `disable server round_robin/A` and `disable server
//! sticky/A` (`backend/src/balancer.rs`, which must use the same backend names).

use std::{fmt::Write, net::SocketAddr};

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
    /// The runtime API (admin level): loopback only, anyone reaching it controls HAProxy.
    pub admin: SocketAddr,
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
    // The runtime API that the backend's /control/balancer routes talk to.
    line(&format!("    stats socket ipv4@{} level admin", layout.admin));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            instances: vec![("A".to_owned(), "127.0.0.1:3100".parse().unwrap()), ("B".to_owned(), "127.0.0.1:3102".parse().unwrap())],
            round_robin: "127.0.0.1:3000".parse().unwrap(),
            sticky: "127.0.0.1:3004".parse().unwrap(),
            admin: "127.0.0.1:3999".parse().unwrap(),
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
        assert!(config.contains("stats socket ipv4@127.0.0.1:3999 level admin"), "{config}");
    }

    #[test]
    fn requests_are_logged_only_when_asked() {
        let quiet = config(&layout());
        assert!(!quiet.contains("log stdout") && !quiet.contains("httplog"), "{quiet}");
        let logged = config(&Layout { log_requests: true, ..layout() });
        assert!(logged.contains("log stdout format raw") && logged.contains("option httplog"), "{logged}");
    }
}
