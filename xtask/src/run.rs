//! `cargo xtask run`: the backend and `trunk serve` side by side, logs prefixed, Ctrl-C stops
//! everything. With `--scale memory|redis`: two backends (A on :3000, B on :3002), both with
//! memory stores or both on one `redis-server` started here. With `--scale lb [memory|redis]`:
//! HAProxy on the lab API's address (:3000 round-robin, :3004 sticky) in front of A (:3100)
//! and B (:3102), its runtime API on a free loopback port that both backends relay to.

use std::{
    io::{BufRead, BufReader, Read},
    net::{SocketAddr, TcpListener},
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use xtask::{haproxy, redis};

use crate::{
    cmd::{self, root, step},
    setup::{HAPROXY, REDIS_SERVER, Services, Setup},
};

const URL: &str = "http://localhost:8080";

/// Where the backends keep their sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Store {
    Memory,
    Redis,
}

/// `--scale`: two backends, and whether HAProxy stands in front of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scale {
    store: Store,
    balanced: bool,
}

fn parse(args: &[String]) -> Result<(Option<Scale>, Vec<String>), String> {
    let (ours, backend) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], args[i + 1..].to_vec()),
        None => (args, Vec::new()),
    };
    let ours: Vec<&str> = ours.iter().map(String::as_str).collect();
    let store = |name: Option<&str>| match name {
        None | Some("memory") => Some(Store::Memory),
        Some("redis") => Some(Store::Redis),
        Some(_) => None,
    };
    let scale = match ours[..] {
        [] => None,
        ["--scale", "lb", ref rest @ ..] if rest.len() <= 1 => store(rest.first().copied()).map(|store| Scale { store, balanced: true }),
        ["--scale", ref rest @ ..] if rest.len() <= 1 => store(rest.first().copied()).map(|store| Scale { store, balanced: false }),
        _ => None,
    };
    if scale.is_none() && !ours.is_empty() {
        return Err(format!(
            "cargo xtask run: unexpected {ours:?}; use `--scale memory|redis`, `--scale lb [memory|redis]` and `-- BACKEND_ARGS…`"
        ));
    }
    Ok((scale, backend))
}

pub fn run(args: &[String]) -> Result<(), String> {
    let (scale, backend_args) = parse(args)?;
    let services = Services {
        redis: scale.is_some_and(|s| s.store == Store::Redis),
        haproxy: scale.is_some_and(|s| s.balanced),
    };
    let setup = Setup::prepare(false, services)?;

    step("Building the backend, and the frontend for trunk serve");
    cmd::run(setup.command("cargo").args(["build", "--package", "backend"]))?;
    setup.prebuild_frontend("dev")?;

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    // The terminal sends Ctrl-C to the children too; this handler only keeps xtask alive
    // long enough to wait for them.
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)).map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;

    // HAProxy's runtime API socket lives in here until everything has stopped.
    let admin = match scale.is_some_and(|s| s.balanced) {
        true => Some(haproxy::AdminSocket::create().map_err(|e| format!("cannot create a private directory for HAProxy's runtime API: {e}"))?),
        false => None,
    };
    let mut children: Vec<(&'static str, Child)> = Vec::new();
    let started = start_all(&setup, scale, admin.as_ref(), &backend_args, &mut children);
    let outcome = match started {
        Ok(()) => {
            if scale.is_some_and(|s| s.balanced) {
                println!(
                    "Lab API through HAProxy: round-robin {BALANCED_ROUND_ROBIN}, sticky {BALANCED_STICKY}; straight to A \
                     http://localhost:3100, to B http://localhost:3102. /control/* on :3000 is A's."
                );
            }
            println!("The first frontend build takes a minute or two; then open {URL}   (Ctrl-C stops everything)");
            wait(&stop, &mut children)
        }
        Err(e) => Some(e),
    };
    println!("\nxtask: {}", outcome.as_deref().unwrap_or("stopping"));
    for (name, child) in &mut children {
        terminate(name, child);
    }
    outcome.map_or(Ok(()), Err)
}

fn start_all(
    setup: &Setup,
    scale: Option<Scale>,
    admin: Option<&haproxy::AdminSocket>,
    backend_args: &[String],
    children: &mut Vec<(&'static str, Child)>,
) -> Result<(), String> {
    let backend = root().join("target/debug/backend");
    match scale {
        None => {
            step("Starting the backend (API :3000, other site :3001) and trunk serve (:8080)");
            let mut a = Command::new(&backend);
            a.args(backend_args).current_dir(root());
            children.push(("backend", spawn(&mut a, "backend")?));
        }
        Some(scale) => start_scaled(&backend, scale, admin, backend_args, children)?,
    }
    let mut trunk = setup.wasm_command("trunk");
    trunk.arg("serve");
    children.push(("trunk", spawn(&mut trunk, "trunk  ")?));
    Ok(())
}

/// The two backends of the scaling lab, the redis-server they may share, and HAProxy (when
/// `admin` is given, with its runtime API there).
fn start_scaled(
    backend: &std::path::Path,
    scale: Scale,
    admin: Option<&haproxy::AdminSocket>,
    backend_args: &[String],
    children: &mut Vec<(&'static str, Child)>,
) -> Result<(), String> {
    let store = match scale.store {
        Store::Memory => "memory".to_owned(),
        Store::Redis => {
            let port = free_port()?;
            step(&format!("Starting redis-server on 127.0.0.1:{port} (nothing saved to disk)"));
            let mut server = Command::new(REDIS_SERVER);
            server.args(redis::args(port));
            children.push(("redis", spawn(&mut server, "redis  ")?));
            redis::url(port)
        }
    };
    // Without HAProxy, A takes the lab API's usual address; with it, HAProxy does.
    let (a, b) = if scale.balanced { (3100, 3102) } else { (3000, 3002) };
    step(&format!("Starting backends A (:{a}) and B (:{b}), session store {store}, and trunk serve (:8080)"));
    // One JWT secret for both: a token from A works on B, the point of the lesson. Random per
    // run, and passed in the environment, not on the command line every local user can read.
    let secret = xtask::random_hex(32).map_err(|e| format!("cannot read the OS random source: {e}"))?;
    for (name, label, prefix, api, peer) in [("A", "backend A", "back A ", a, b), ("B", "backend B", "back B ", b, a)] {
        let mut command = Command::new(backend);
        command
            .args(["--api-addr", &format!("127.0.0.1:{api}"), "--site-addr", &format!("127.0.0.1:{}", api + 1)])
            .args(["--instance-name", name, "--peer", &format!("http://localhost:{peer}")])
            .args(["--session-store", &store])
            .env("PLAYGROUND_JWT_SECRET", &secret);
        if let Some(admin) = admin {
            command
                .arg("--balancer-admin")
                .arg(admin.path())
                .args(["--balancer-round-robin", BALANCED_ROUND_ROBIN, "--balancer-sticky", BALANCED_STICKY]);
        }
        command.args(backend_args).current_dir(root());
        children.push((label, spawn(&mut command, prefix)?));
    }
    if let Some(admin) = admin {
        let layout = haproxy::Layout {
            instances: vec![("A".to_owned(), SocketAddr::from(([127, 0, 0, 1], a))), ("B".to_owned(), SocketAddr::from(([127, 0, 0, 1], b)))],
            round_robin: SocketAddr::from(([127, 0, 0, 1], 3000)),
            sticky: SocketAddr::from(([127, 0, 0, 1], 3004)),
            admin: admin.path(),
            log_requests: true,
        };
        let dir = root().join("target/scale-lab");
        let file = dir.join("haproxy.cfg");
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, haproxy::config(&layout))).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        step(&format!(
            "Starting HAProxy: round-robin {BALANCED_ROUND_ROBIN}, sticky {BALANCED_STICKY}, runtime API on {} ({})",
            layout.admin.display(),
            file.display()
        ));
        let mut proxy = Command::new(HAPROXY);
        // -db: stay in the foreground, so Ctrl-C and our stop reach it.
        proxy.arg("-db").arg("-f").arg(&file);
        children.push(("haproxy", spawn(&mut proxy, "haproxy")?));
    }
    Ok(())
}

/// The lab API through HAProxy: the usual address (round-robin) and the sticky way.
const BALANCED_ROUND_ROBIN: &str = "http://localhost:3000";
const BALANCED_STICKY: &str = "http://localhost:3004";

/// Until Ctrl-C (`None`) or until a child stops (what stopped).
fn wait(stop: &AtomicBool, children: &mut [(&'static str, Child)]) -> Option<String> {
    loop {
        if stop.load(Ordering::SeqCst) {
            return None;
        }
        if let Some((name, status)) = children.iter_mut().find_map(|(name, child)| Some((*name, child.try_wait().ok()??))) {
            return Some(format!("{name} stopped ({status}); stopping the rest"));
        }
        thread::sleep(Duration::from_millis(200));
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).map_err(|e| format!("no free port: {e}"))
}

/// Starts `command` with both output streams copied to ours, each line prefixed.
fn spawn(command: &mut Command, prefix: &'static str) -> Result<Child, String> {
    println!("$ {}", cmd::show(command));
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{}`: {e}", cmd::show(command)))?;
    if let Some(out) = child.stdout.take() {
        pump(out, prefix);
    }
    if let Some(err) = child.stderr.take() {
        pump(err, prefix);
    }
    Ok(child)
}

fn pump(stream: impl Read + Send + 'static, prefix: &'static str) {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            println!("[{prefix}] {line}");
            if line.contains("server listening at") {
                println!("[{prefix}] ==> the playground is ready: open {URL}");
            }
        }
    });
}

/// SIGTERM, a few seconds' grace, then SIGKILL: trunk must get the chance to stop its cargo.
fn terminate(name: &str, child: &mut Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            println!("xtask: {name} stopped");
            return;
        }
        thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    println!("xtask: {name} killed after 5 s");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn arguments() {
        let scale = |a: &[&str]| parse(&args(a)).map(|(scale, _)| scale);
        let (memory, redis) = (Store::Memory, Store::Redis);
        assert_eq!(scale(&[]), Ok(None));
        assert_eq!(scale(&["--scale"]), Ok(Some(Scale { store: memory, balanced: false })));
        assert_eq!(scale(&["--scale", "redis"]), Ok(Some(Scale { store: redis, balanced: false })));
        assert_eq!(scale(&["--scale", "lb"]), Ok(Some(Scale { store: memory, balanced: true })));
        assert_eq!(scale(&["--scale", "lb", "redis"]), Ok(Some(Scale { store: redis, balanced: true })));
        assert_eq!(scale(&["--scale", "lb", "memory"]), Ok(Some(Scale { store: memory, balanced: true })));
        let (scale_none, rest) = parse(&args(&["--", "--jwt-ttl", "60"])).unwrap();
        assert!(scale_none.is_none() && rest == ["--jwt-ttl", "60"]);
        for bad in [&["--scale", "postgres"][..], &["--scale", "lb", "postgres"], &["--scale", "redis", "lb"], &["--scale", "lb", "redis", "x"], &["redis"]] {
            assert!(scale(bad).is_err(), "{bad:?}");
        }
    }
}
