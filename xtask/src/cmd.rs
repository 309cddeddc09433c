//! Running commands: echoed before they run, with the environment they need, and errors
//! that say which command failed.

use std::{
    ffi::OsStr,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Prints a step heading, so a long run reads as a list of steps.
pub fn step(text: &str) {
    println!("\n==> {text}");
}

/// Prints the command line, then runs it with inherited output.
pub fn run(command: &mut Command) -> Result<(), String> {
    println!("$ {}", show(command));
    let status = command.status().map_err(|e| format!("could not start `{}`: {e}", show(command)))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` failed ({status})", show(command))) }
}

/// Runs quietly and returns stdout, or `None` if it could not run or failed.
pub fn output(program: impl AsRef<OsStr>, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Runs with a deadline; `Ok(false)` when it failed or was killed at the deadline.
pub fn run_with_timeout(command: &mut Command, limit: Duration) -> Result<bool, String> {
    println!("$ {}   (giving up after {} s)", show(command), limit.as_secs());
    let mut child = command.spawn().map_err(|e| format!("could not start `{}`: {e}", show(command)))?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(status.success());
        }
        if start.elapsed() > limit {
            println!("   no answer after {} s: stopped it", limit.as_secs());
            let _ = child.kill();
            let _ = child.wait();
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub fn show(command: &Command) -> String {
    let envs: Vec<String> = command
        .get_envs()
        .filter(|(k, _)| *k != "PATH")
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), v?.to_string_lossy())))
        .collect();
    let mut line = envs.join(" ");
    if !line.is_empty() {
        line.push(' ');
    }
    line.push_str(&command.get_program().to_string_lossy());
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// `PATH` with `dirs` in front.
pub fn path_with(dirs: &[PathBuf]) -> std::ffi::OsString {
    let mut all: Vec<PathBuf> = dirs.to_vec();
    if let Some(path) = std::env::var_os("PATH") {
        all.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(all).unwrap_or_default()
}
