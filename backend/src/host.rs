//! Which `Host` names the backend answers (API.md, "Who may talk to the backend").
//!
//! A page on `http://attacker.test:3000` whose name the attacker re-points at 127.0.0.1 (DNS
//! rebinding) is same-origin with whatever listens there: its script may read every answer.
//! The browser still sends the name it asked for in `Host`, so answering only our own names
//! closes that door, as dev servers do (Vite's `server.allowedHosts`, webpack-dev-server's
//! `allowedHosts`).

use std::sync::Arc;

use axum::{
    body::Body,
    extract::Request,
    http::{HeaderMap, Uri, header},
    response::{IntoResponse, Response},
};
use shared::wire::ErrorCode;
use tower_http::validate_request::ValidateRequest;

use crate::{config::Config, error::AppError};

/// Host names (without port, lower case; IPv6 in brackets) that requests may name.
#[derive(Clone, Debug)]
pub struct AllowedHosts(Arc<[String]>);

impl AllowedHosts {
    /// Loopback's names, and the hosts of the frontend origins, peers and the load balancer.
    pub fn new(config: &Config) -> AllowedHosts {
        let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "[::1]"].map(str::to_owned).into();
        let configured = config.frontend_origins.iter().chain(&config.peers).chain(config.balanced_origins());
        for host in configured.filter_map(|origin| origin.parse::<Uri>().ok()?.host().map(str::to_ascii_lowercase)) {
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
        AllowedHosts(hosts.into())
    }

    /// Whether the request's `Host` (and the target's authority, when it names one) is ours.
    /// A request without `Host`, or with a `Host` that is not `host [":" port]`, is no
    /// browser's and is refused too.
    pub fn allows(&self, uri: &Uri, headers: &HeaderMap) -> bool {
        let named = |host: &str| self.0.iter().any(|h| h.eq_ignore_ascii_case(host));
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).and_then(host_of);
        host.is_some_and(named) && uri.authority().is_none_or(|authority| named(authority.host()))
    }

    pub fn names(&self) -> &[String] {
        &self.0
    }
}

/// The host of a `Host` value, `None` unless it is exactly `host [":" port]` (RFC 9110 §7.2):
/// a port of digits, an IPv6 literal only in brackets and followed by nothing or a port.
fn host_of(value: &str) -> Option<&str> {
    let (host, port) = match value.strip_prefix('[') {
        Some(v6) => {
            let end = v6.find(']')? + 2;
            let port = match &value[end..] {
                "" => None,
                rest => Some(rest.strip_prefix(':')?),
            };
            (&value[..end], port)
        }
        None => match value.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (value, None),
        },
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    (!host.is_empty() && port_ok).then_some(host)
}

/// On both listeners (tower-http's `ValidateRequestHeaderLayer`): a request with more than one
/// `Host` gets 400 (RFC 9112 §3.2), one that names another host 421, before any route (or the
/// lab's log) sees it.
impl ValidateRequest<Body> for AllowedHosts {
    type ResponseBody = Body;

    fn validate(&mut self, req: &mut Request) -> Result<(), Response> {
        if req.headers().get_all(header::HOST).iter().nth(1).is_some() {
            return Err(AppError::new(ErrorCode::InvalidHost, "A request carries exactly one Host header.").into_response());
        }
        if self.allows(req.uri(), req.headers()) {
            return Ok(());
        }
        let message = "This server answers only requests for localhost, 127.0.0.1, [::1] and the playground's configured hosts.";
        Err(AppError::new(ErrorCode::MisdirectedRequest, message).into_response())
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn allows(config: &[&str], host: Option<&str>, target: &str) -> bool {
        let config = Config::parse_from([&["backend"][..], config].concat());
        let mut headers = HeaderMap::new();
        if let Some(host) = host {
            headers.insert(header::HOST, host.parse().unwrap());
        }
        AllowedHosts::new(&config).allows(&target.parse().unwrap(), &headers)
    }

    #[test]
    fn loopback_names_on_any_port_are_answered() {
        for host in ["localhost", "localhost:3000", "LOCALHOST:1", "127.0.0.1:3000", "[::1]:3000", "[::1]"] {
            assert!(allows(&[], Some(host), "/control/jwt"), "{host}");
        }
    }

    #[test]
    fn a_host_must_be_host_and_an_optional_port_of_digits() {
        for host in [
            "localhost:",
            "localhost:abc",
            "localhost:3000:1",
            "localhost:+80",
            "localhost:123456",
            "[::1]x",
            "[::1]:",
            "[::1]:a",
            "[::1]]:3000",
            "::1",
            "[::1",
            "localhost:3000 ",
            " localhost",
        ] {
            assert!(!allows(&[], Some(host), "/control/jwt"), "{host}");
        }
    }

    #[test]
    fn other_names_are_refused() {
        for host in [Some("evil.example:3000"), Some("localhost.evil.example"), Some("127.0.0.2"), Some("localhost."), Some(""), None] {
            assert!(!allows(&[], host, "/control/jwt"), "{host:?}");
        }
        // An absolute target names its host too.
        assert!(!allows(&[], Some("localhost:3000"), "http://evil.example/control/jwt"));
    }

    #[test]
    fn the_hosts_of_frontend_origins_and_peers_are_answered() {
        let config = ["--frontend-origin", "http://lab.test:8080", "--peer", "http://b.test:3002"];
        assert!(allows(&config, Some("lab.test:3000"), "/"));
        assert!(allows(&config, Some("b.test"), "/"));
        assert!(!allows(&config, Some("c.test"), "/"));
    }

    #[test]
    fn the_hosts_of_the_balanced_origins_are_answered() {
        let config = ["--balancer-round-robin", "http://lb.test:3000", "--balancer-sticky", "http://sticky.test:3004"];
        assert!(allows(&config, Some("lb.test:3000"), "/api/profile"));
        assert!(allows(&config, Some("sticky.test:3004"), "/api/profile"));
        assert!(!allows(&config, Some("c.test"), "/"));
    }
}
