//! `cargo xtask run`: the backend and `trunk serve` side by side, logs prefixed, Ctrl-C stops
//! everything. With `--scale memory|redis`: two backends (A on :3000, B on :3002), both with
//! memory stores or both on one `redis-server` started here.

use std::{
    io::{BufRead, BufReader, Read},
    net::TcpListener,
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use crate::{
    cmd::{self, root, step},
    setup::{REDIS_SERVER, Setup},
};

const URL: &str = "http://localhost:8080";

/// `--scale`: which store the two backends share (or not).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scale {
    Memory,
    Redis,
}

fn parse(args: &[String]) -> Result<(Option<Scale>, Vec<String>), String> {
    let (ours, backend) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], args[i + 1..].to_vec()),
        None => (args, Vec::new()),
    };
    let scale = match ours {
        [] => None,
        [flag] if flag == "--scale" => Some(Scale::Memory),
        [flag, store] if flag == "--scale" && store == "memory" => Some(Scale::Memory),
        [flag, store] if flag == "--scale" && store == "redis" => Some(Scale::Redis),
        _ => return Err(format!("cargo xtask run: unexpected {ours:?}; use `--scale memory|redis` and `-- BACKEND_ARGS…`")),
    };
    Ok((scale, backend))
}

pub fn run(args: &[String]) -> Result<(), String> {
    let (scale, backend_args) = parse(args)?;
    let setup = Setup::prepare(false, scale.is_some())?;

    step("Building the backend, and the frontend for trunk serve");
    cmd::run(setup.command("cargo").args(["build", "--package", "backend"]))?;
    setup.prebuild_frontend("dev")?;

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    // The terminal sends Ctrl-C to the children too; this handler only keeps xtask alive
    // long enough to wait for them.
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)).map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;

    let mut children: Vec<(&'static str, Child)> = Vec::new();
    let started = start_all(&setup, scale, &backend_args, &mut children);
    let outcome = match started {
        Ok(()) => {
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

fn start_all(setup: &Setup, scale: Option<Scale>, backend_args: &[String], children: &mut Vec<(&'static str, Child)>) -> Result<(), String> {
    let backend = root().join("target/debug/backend");
    match scale {
        None => {
            step("Starting the backend (API :3000, other site :3001) and trunk serve (:8080)");
            let mut a = Command::new(&backend);
            a.args(backend_args).current_dir(root());
            children.push(("backend", spawn(&mut a, "backend")?));
        }
        Some(scale) => {
            let store = match scale {
                Scale::Memory => "memory".to_owned(),
                Scale::Redis => {
                    let port = free_port()?;
                    step(&format!("Starting redis-server on 127.0.0.1:{port} (nothing saved to disk)"));
                    let mut redis = Command::new(REDIS_SERVER);
                    redis.args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
                    children.push(("redis", spawn(&mut redis, "redis  ")?));
                    format!("redis://127.0.0.1:{port}/0")
                }
            };
            step(&format!("Starting backends A (:3000) and B (:3002), session store {store}, and trunk serve (:8080)"));
            // One JWT secret for both: a token from A works on B, the point of the lesson.
            let secret = format!("scale-lab-{}", std::process::id());
            for (name, prefix, api, site, peer) in
                [("A", "back A ", "3000", "3001", "3002"), ("B", "back B ", "3002", "3003", "3000")]
            {
                let mut b = Command::new(&backend);
                b.args(["--api-addr", &format!("127.0.0.1:{api}"), "--site-addr", &format!("127.0.0.1:{site}")])
                    .args(["--instance-name", name, "--peer", &format!("http://localhost:{peer}")])
                    .args(["--session-store", &store, "--jwt-secret", &secret])
                    .args(backend_args)
                    .current_dir(root());
                children.push((if name == "A" { "backend A" } else { "backend B" }, spawn(&mut b, prefix)?));
            }
        }
    }
    let mut trunk = setup.wasm_command("trunk");
    trunk.arg("serve");
    children.push(("trunk", spawn(&mut trunk, "trunk  ")?));
    Ok(())
}

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
        assert!(parse(&[]).unwrap().0.is_none());
        assert!(parse(&args(&["--scale"])).unwrap().0 == Some(Scale::Memory));
        assert!(parse(&args(&["--scale", "redis"])).unwrap().0 == Some(Scale::Redis));
        let (scale, rest) = parse(&args(&["--", "--jwt-ttl", "60"])).unwrap();
        assert!(scale.is_none() && rest == ["--jwt-ttl", "60"]);
        assert!(parse(&args(&["--scale", "postgres"])).is_err());
    }
}
