//! `cargo xtask run`: the backend and `trunk serve` side by side, logs prefixed, Ctrl-C stops both.

use std::{
    io::{BufRead, BufReader, Read},
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
    setup::Setup,
};

const URL: &str = "http://localhost:8080";

pub fn run(backend_args: &[String]) -> Result<(), String> {
    let backend_args: Vec<&String> = backend_args.iter().skip_while(|a| *a == "--").collect();
    let setup = Setup::prepare(false, false)?;

    step("Building the backend, and the frontend for trunk serve");
    cmd::run(setup.command("cargo").args(["build", "--package", "backend"]))?;
    setup.prebuild_frontend("dev")?;

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    // The terminal sends Ctrl-C to the children too; this handler only keeps xtask alive
    // long enough to wait for them.
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)).map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;

    step("Starting the backend (API :3000, other site :3001) and trunk serve (:8080)");
    let mut backend_cmd = Command::new(root().join("target/debug/backend"));
    backend_cmd.args(&backend_args).current_dir(root());
    let mut children = vec![("backend", spawn(&mut backend_cmd, "backend")?)];
    let mut trunk_cmd = setup.wasm_command("trunk");
    trunk_cmd.arg("serve");
    children.push(("trunk", spawn(&mut trunk_cmd, "trunk  ")?));
    println!("The first frontend build takes a minute or two; then open {URL}   (Ctrl-C stops both)");

    let exited = loop {
        if stop.load(Ordering::SeqCst) {
            break None;
        }
        if let Some((name, status)) = children.iter_mut().find_map(|(name, child)| Some((*name, child.try_wait().ok()??))) {
            break Some(format!("{name} stopped ({status}); stopping the rest"));
        }
        thread::sleep(Duration::from_millis(200));
    };
    println!("\nxtask: {}", exited.as_deref().unwrap_or("stopping"));
    for (name, child) in &mut children {
        terminate(name, child);
    }
    exited.map_or(Ok(()), Err)
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
