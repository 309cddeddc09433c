//! The relay to HAProxy's runtime API (`--balancer-admin`), behind `/control/balancer`: the
//! page's "stop instance A" becomes `disable server round_robin/A` and `disable server
//! sticky/A`, its "start" the same with `enable`, and the list of instances comes from
//! `show servers state`.
//!
//! The runtime API is a Unix socket that only the person's user may open (`cargo xtask run
//! --scale lb` puts it in a private directory). HAProxy runs every command line a connection
//! sends it, in order; the relay sends one line per connection and reads the answer until
//! HAProxy closes it: empty when a `disable` or `enable` worked, a sentence when not.

use std::{path::PathBuf, time::Duration};

use shared::wire::{BalancedServer, ErrorCode};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::UnixStream,
};

use crate::error::AppError;

/// HAProxy's backends for lab requests, named as `cargo xtask run --scale lb` names them
/// (`xtask/src/haproxy.rs`). Its `control` backend, which carries `/control/*`, is left alone:
/// stopping an instance for the lab must not cut the page off from its control plane.
pub const LAB_BACKENDS: [&str; 2] = ["round_robin", "sticky"];

/// Longest answer read from the runtime API: `show servers state` is a line per server.
const MAX_ANSWER: u64 = 64 * 1024;

/// `srv_admin_state` bits that take a server out of the balancing: forced (`disable server`),
/// inherited, from the configuration, or from a DNS resolution (HAProxy's `SRV_ADMF_MAINT`).
const MAINTENANCE: u32 = 0x01 | 0x02 | 0x04 | 0x20;
/// `srv_op_state` of a server that is up.
const RUNNING: u32 = 2;

/// Where HAProxy's runtime API listens, and how long a command may take.
#[derive(Clone, Debug)]
pub struct Balancer {
    admin: PathBuf,
    timeout: Duration,
}

/// Why a command did not work.
#[derive(Debug)]
pub enum BalancerError {
    /// Connecting, sending or reading failed (HAProxy is not running, say).
    Unreachable(std::io::Error),
    TimedOut,
    /// HAProxy answered, but not with what the command should give.
    Refused(String),
    UnknownServer,
}

impl From<BalancerError> for AppError {
    fn from(error: BalancerError) -> AppError {
        match error {
            BalancerError::Unreachable(e) => {
                tracing::warn!(error = %e, "the load balancer's runtime API cannot be reached");
                unavailable()
            }
            BalancerError::TimedOut => {
                tracing::warn!("the load balancer's runtime API did not answer in time (--balancer-timeout)");
                unavailable()
            }
            BalancerError::Refused(answer) => {
                tracing::warn!(%answer, "the load balancer refused a command");
                AppError::new(ErrorCode::BalancerRefused, "The load balancer refused the command; its answer is in the backend's log.")
            }
            BalancerError::UnknownServer => AppError::new(
                ErrorCode::UnknownServer,
                "No instance of that name is behind the load balancer; GET /control/balancer lists them.",
            ),
        }
    }
}

fn unavailable() -> AppError {
    AppError::new(ErrorCode::BalancerUnavailable, "The load balancer does not answer (is HAProxy running?); nothing was changed.")
}

/// `/control/balancer` on a backend without `--balancer-admin`.
pub fn not_configured() -> AppError {
    AppError::new(
        ErrorCode::NoBalancer,
        "No load balancer is configured for this backend (--balancer-admin); `cargo xtask run --scale lb` starts one.",
    )
}

impl Balancer {
    pub fn new(admin: PathBuf, timeout: Duration) -> Balancer {
        Balancer { admin, timeout }
    }

    /// The instances behind the balancer, in its configuration's order.
    pub async fn servers(&self) -> Result<Vec<BalancedServer>, BalancerError> {
        let answer = self.command("show servers state").await?;
        match servers_state(&answer) {
            Some(servers) if !servers.is_empty() => Ok(servers),
            Some(_) => Err(BalancerError::Refused(format!("no server in the backends {LAB_BACKENDS:?}: {answer}"))),
            None => Err(BalancerError::Refused(answer)),
        }
    }

    /// Takes the instance `name` out of both ways through (`enabled: false`) or puts it back,
    /// and answers the state after the change.
    pub async fn set_enabled(&self, name: &str, enabled: bool) -> Result<Vec<BalancedServer>, BalancerError> {
        // Only a name HAProxy listed goes into a command line, so a name from the URL cannot
        // add a command of its own.
        if !self.servers().await?.iter().any(|s| s.name == name) {
            return Err(BalancerError::UnknownServer);
        }
        let verb = if enabled { "enable" } else { "disable" };
        for backend in LAB_BACKENDS {
            let answer = self.command(&format!("{verb} server {backend}/{name}")).await?;
            if !answer.trim().is_empty() {
                return Err(BalancerError::Refused(answer));
            }
        }
        self.servers().await
    }

    /// Sends one command and reads the answer until HAProxy closes the connection.
    async fn command(&self, command: &str) -> Result<String, BalancerError> {
        let exchange = async {
            let mut stream = UnixStream::connect(&self.admin).await?;
            stream.write_all(format!("{command}\n").as_bytes()).await?;
            let mut answer = Vec::new();
            (&mut stream).take(MAX_ANSWER).read_to_end(&mut answer).await?;
            Ok::<_, std::io::Error>(String::from_utf8_lossy(&answer).into_owned())
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => Err(BalancerError::Unreachable(e)),
            Err(_) => Err(BalancerError::TimedOut),
        }
    }
}

/// The lab backends' servers in an answer of `show servers state`, merged by name (enabled
/// when no lab backend has it in maintenance, up when it is up in all); `None` when the answer
/// is no such table. The columns are found by the names on the `# ` header line.
pub fn servers_state(answer: &str) -> Option<Vec<BalancedServer>> {
    let mut lines = answer.lines().map(str::trim).filter(|l| !l.is_empty());
    let _version = lines.next().filter(|v| v.parse::<u32>().is_ok())?;
    let header: Vec<&str> = lines.next()?.strip_prefix('#')?.split_whitespace().collect();
    let column = |name: &str| header.iter().position(|c| *c == name);
    let (backend, server, op, admin) = (column("be_name")?, column("srv_name")?, column("srv_op_state")?, column("srv_admin_state")?);
    let mut servers: Vec<BalancedServer> = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let field = |i: usize| fields.get(i).copied();
        if !field(backend).is_some_and(|b| LAB_BACKENDS.contains(&b)) {
            continue;
        }
        let name = field(server)?;
        let up = field(op)?.parse::<u32>().ok()? == RUNNING;
        let enabled = field(admin)?.parse::<u32>().ok()? & MAINTENANCE == 0;
        match servers.iter_mut().find(|s| s.name == name) {
            Some(known) => {
                known.enabled &= enabled;
                known.up &= up;
            }
            None => servers.push(BalancedServer { name: name.to_owned(), enabled, up }),
        }
    }
    Some(servers)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `show servers state` of HAProxy 2.6 with the lab's configuration, B disabled.
    const STATE: &str = "1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 round_robin 1 A 127.0.0.1 2 0 1 1 12 6 3 4 6 0 0 0 - 3100 - 0 0 - - 0
3 round_robin 2 B 127.0.0.1 0 1 1 1 3 1 0 1 20 0 0 0 - 3102 - 0 0 - - 0
4 sticky 1 A 127.0.0.1 2 0 1 1 12 6 3 4 6 0 0 0 - 3100 - 0 0 - - 0
4 sticky 2 B 127.0.0.1 0 1 1 1 3 1 0 1 20 0 0 0 - 3102 - 0 0 - - 0
5 control 1 A 127.0.0.1 2 0 1 1 12 6 3 4 6 0 0 0 - 3100 - 0 0 - - 0

";

    fn server(name: &str, enabled: bool, up: bool) -> BalancedServer {
        BalancedServer { name: name.to_owned(), enabled, up }
    }

    #[test]
    fn the_lab_backends_servers_are_read_by_column_name() {
        assert_eq!(servers_state(STATE), Some(vec![server("A", true, true), server("B", false, false)]));
    }

    #[test]
    fn a_server_disabled_in_one_way_only_counts_as_disabled() {
        let half = STATE.replace("4 sticky 1 A 127.0.0.1 2 0", "4 sticky 1 A 127.0.0.1 0 1");
        assert_eq!(servers_state(&half).unwrap()[0], server("A", false, false));
    }

    #[test]
    fn the_control_backend_is_not_a_lab_server() {
        let only_control = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state\n5 control 1 A 127.0.0.1 2 0\n";
        assert_eq!(servers_state(only_control), Some(vec![]));
    }

    #[test]
    fn anything_but_the_table_is_no_state() {
        for answer in ["", "Permission denied\n", "Unknown command.\n", "1\nno header\n", "1\n# be_name srv_name\n"] {
            assert_eq!(servers_state(answer), None, "{answer:?}");
        }
    }
}
