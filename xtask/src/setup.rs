//! "Installs whatever is missing": the wasm32 std, trunk, wasm-bindgen, wasm-opt, and for
//! tests the browsers with their drivers, redis-server and HAProxy. Every step checks first and says what it found, so a
//! second run does no install work. See `docs/toolchain.md` for why each step is so.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::Command,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use crate::cmd::{self, output, root, run, step};

/// Trunk's version; 0.22 declares a newer rust-version than it needs, hence `--ignore-rust-version`.
const TRUNK_VERSION: &str = "0.22.1";
/// Must match `[tools] wasm_opt` in Trunk.toml. Debian's binaryen 108 breaks the wasm.
const BINARYEN_VERSION: &str = "132.0.0";
/// Firefox's WebDriver server (Mozilla's, from crates.io).
const GECKODRIVER_VERSION: &str = "0.37.1";
/// The accessibility checker the end-to-end tests run in the page.
const AXE_VERSION: &str = "4.14.1";
pub const REDIS_SERVER: &str = "/usr/bin/redis-server";
/// The load balancer of the scaling lab (Debian's package puts it in `/usr/sbin`).
pub const HAPROXY: &str = "/usr/sbin/haproxy";
/// How long `rustup target add` may take before we take the route that needs no download.
const RUSTUP_TARGET_TIMEOUT: Duration = Duration::from_secs(180);

/// What the other commands need from setup: how to run wasm builds and where the tools are.
pub struct Setup {
    /// Extra environment for commands that compile to wasm (empty on the rustup route).
    wasm_env: Vec<(&'static str, String)>,
    /// `PATH` with the installed tools first.
    path: OsString,
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    /// axe.min.js, when the test tools were set up.
    pub axe: Option<PathBuf>,
    /// geckodriver, when the test tools were set up (Firefox ESR is `/usr/bin/firefox-esr`).
    pub geckodriver: Option<PathBuf>,
}

/// The services `cargo xtask run --scale …` starts beside the backends. The tests need both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Services {
    pub redis: bool,
    pub haproxy: bool,
}

/// The browsers the end-to-end tests drive besides Chromium, and their drivers.
pub const FIREFOX: &str = "/usr/bin/firefox-esr";
pub const WEBKIT_DRIVER: &str = "/usr/bin/WebKitWebDriver";
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
pub const XVFB_RUN: &str = "/usr/bin/xvfb-run";

impl Setup {
    /// Installs what is missing; with `tests`, the browsers, their drivers and every service
    /// too; otherwise the `services` asked for.
    pub fn prepare(tests: bool, services: Services) -> Result<Setup, String> {
        step("Checking tools (each step is skipped when already done)");
        let wasm_env = wasm_target()?;
        let cargo_bin = cargo_home().join("bin");
        ensure_cargo_tool(&cargo_bin, "trunk", "trunk", TRUNK_VERSION, &["--ignore-rust-version"])?;
        let bindgen = wasm_bindgen_version()?;
        ensure_cargo_tool(&cargo_bin, "wasm-bindgen", "wasm-bindgen-cli", &bindgen, &[])?;
        let binaryen_bin = wasm_opt()?;
        let (chromium, chromedriver) = (PathBuf::from("/usr/bin/chromium"), PathBuf::from("/usr/bin/chromedriver"));
        let (mut axe, mut geckodriver) = (None, None);
        if tests {
            ensure_apt("Chromium and ChromeDriver", &[&chromium, &chromedriver], &["chromium", "chromium-driver"])?;
            // Firefox's driver is no Debian package; WebKit's MiniBrowser needs a display.
            ensure_apt("Firefox ESR", &[Path::new(FIREFOX)], &["firefox-esr"])?;
            ensure_cargo_tool(&cargo_bin, "geckodriver", "geckodriver", GECKODRIVER_VERSION, &[])?;
            geckodriver = Some(cargo_bin.join("geckodriver"));
            ensure_apt("WebKitGTK's WebDriver and Xvfb", &[Path::new(WEBKIT_DRIVER), Path::new(XVFB_RUN)], &["webkit2gtk-driver", "xvfb"])?;
            axe = Some(axe_core()?);
        }
        if tests || services.redis {
            ensure_apt("redis-server", &[Path::new(REDIS_SERVER)], &["redis-server"])?;
        }
        if tests || services.haproxy {
            ensure_apt("HAProxy", &[Path::new(HAPROXY)], &["haproxy"])?;
        }
        println!("    all tools ready");
        Ok(Setup { wasm_env, path: cmd::path_with(&[cargo_bin, binaryen_bin]), chromium, chromedriver, axe, geckodriver })
    }

    /// A command that builds for wasm: tools on `PATH`, and the wasm route's environment.
    pub fn wasm_command(&self, program: &str) -> Command {
        let mut command = self.command(program);
        command.envs(self.wasm_env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Builds the frontend's wasm with cargo (online) before trunk runs it `--offline`
    /// (Trunk.toml): cargo fetches what is missing, std's own dependencies included on the
    /// Debian route, and trunk then finds everything built.
    pub fn prebuild_frontend(&self, profile: &str) -> Result<(), String> {
        cmd::run(self.wasm_command("cargo").args([
            "build",
            "--package",
            "frontend",
            "--bin",
            "frontend",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            profile,
        ]))
    }

    /// Installs Debian's `package` unless `/usr/bin/<binary>` exists.
    pub fn ensure_apt_tool(&self, binary: &str, package: &str) -> Result<(), String> {
        ensure_apt(binary, &[&Path::new("/usr/bin").join(binary)], &[package])
    }

    /// A command for the host with the installed tools on `PATH`.
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.current_dir(root()).env("PATH", &self.path).env("TRUNK_SKIP_VERSION_CHECK", "true");
        command
    }
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

/// The wasm32 standard library: rustup's when it is there or can be downloaded in time,
/// otherwise Debian's compiler with std built from source (needs no download from rustup).
fn wasm_target() -> Result<Vec<(&'static str, String)>, String> {
    let forced_debian = std::env::var("PLAYGROUND_WASM_ROUTE").is_ok_and(|v| v == "debian");
    if forced_debian {
        println!("--- wasm32 std: PLAYGROUND_WASM_ROUTE=debian, using Debian's compiler");
        return debian_route();
    }
    if rustup_has_wasm_std() {
        println!("--- wasm32 std: rustup's wasm32-unknown-unknown target is installed");
        return Ok(vec![]);
    }
    if output("rustup", &["--version"]).is_some() {
        println!("--- wasm32 std: missing; asking rustup for it");
        let mut add = Command::new("rustup");
        add.args(["target", "add", "wasm32-unknown-unknown"]).current_dir(root());
        if cmd::run_with_timeout(&mut add, RUSTUP_TARGET_TIMEOUT)? && rustup_has_wasm_std() {
            return Ok(vec![]);
        }
        println!("    rustup could not provide it (offline?); taking Debian's compiler instead");
    }
    debian_route()
}

fn rustup_has_wasm_std() -> bool {
    let Some(sysroot) = Command::new("rustc")
        .args(["--print", "sysroot"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
    else {
        return false;
    };
    let lib = sysroot.join("lib/rustlib/wasm32-unknown-unknown/lib");
    std::fs::read_dir(lib).is_ok_and(|dir| {
        dir.flatten().any(|e| e.file_name().to_string_lossy().starts_with("libstd-"))
    })
}

/// Debian's `rustc-web` (a recent compiler), its std sources and `wasm-ld`, linked into rustup
/// as the toolchain `debian-web`, used only by the wasm commands.
fn debian_route() -> Result<Vec<(&'static str, String)>, String> {
    let sources = Path::new("/usr/lib/rustlib/src/rust/library");
    let linker = find_wasm_ld();
    if linker.is_none() || !sources.is_dir() || !Path::new("/usr/bin/cargo").exists() {
        let lld = ["lld-22", "lld-16", "lld"]
            .into_iter()
            .find(|p| output("apt-cache", &["show", p]).is_some_and(|o| !o.is_empty()))
            .unwrap_or("lld");
        apt_install(&["rustc-web", "cargo-web", "rust-web-src", lld])?;
    } else {
        println!("--- Debian's rustc-web, its std sources and wasm-ld are installed");
    }
    let linker = find_wasm_ld().ok_or("wasm-ld was not found after installing lld")?;
    let toolchains = output("rustup", &["toolchain", "list"]).unwrap_or_default();
    if toolchains.lines().any(|l| l.starts_with("debian-web")) {
        println!("--- rustup toolchain debian-web is linked");
    } else {
        run(Command::new("rustup").args(["toolchain", "link", "debian-web", "/usr"]))?;
    }
    Ok(vec![
        ("RUSTUP_TOOLCHAIN", "debian-web".to_owned()),
        // Lets the stable Debian compiler accept -Z build-std, which builds the wasm32 std.
        ("RUSTC_BOOTSTRAP", "1".to_owned()),
        ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort".to_owned()),
        ("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", linker.to_string_lossy().into_owned()),
    ])
}

fn find_wasm_ld() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib")
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("llvm-"))
        .map(|e| e.path().join("bin/wasm-ld"))
        .filter(|p| p.exists())
        .collect();
    // The newest LLVM first: it matches the newest rustc best.
    found.sort_by_key(|p| {
        p.components().nth(3).and_then(|c| c.as_os_str().to_string_lossy().trim_start_matches("llvm-").parse::<u32>().ok())
    });
    found.pop()
}

/// `cargo install`s `krate` unless `binary --version` already reports `version`.
fn ensure_cargo_tool(bin: &Path, binary: &str, krate: &str, version: &str, extra: &[&str]) -> Result<(), String> {
    let have = output(bin.join(binary), &["--version"]).unwrap_or_default();
    if have.split_whitespace().any(|w| w == version) {
        println!("--- {binary} {version} is installed");
        return Ok(());
    }
    let duration = match binary {
        "trunk" => "about 10 minutes on 2 cores",
        "geckodriver" => "about 4 minutes on 2 cores",
        _ => "a few minutes",
    };
    println!("--- {binary} {version} is missing (found: {}); building it ({duration})", if have.is_empty() { "none" } else { &have });
    let install = |locked: bool| {
        let mut c = Command::new("cargo");
        c.args(["install", krate, "--version", version]).args(extra);
        if locked {
            c.arg("--locked");
        }
        run(&mut c)
    };
    // A locked dependency can be missing from the registry; then resolve afresh.
    install(true).or_else(|e| {
        println!("    {e}; retrying without --locked");
        install(false)
    })
}

/// The wasm-bindgen version that Cargo.lock pins: the CLI must match it exactly.
fn wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".to_owned())
}

/// binaryen's wasm-opt from npm, returning its bin folder.
fn wasm_opt() -> Result<PathBuf, String> {
    let major = BINARYEN_VERSION.split('.').next().unwrap_or_default();
    let bin = |prefix: &Path| prefix.join("node_modules/.bin");
    let prefix = npm_package("binaryen", BINARYEN_VERSION, |prefix| {
        output(bin(prefix).join("wasm-opt"), &["--version"]).unwrap_or_default().split_whitespace().any(|w| w == major)
    })?;
    Ok(bin(&prefix))
}

/// axe-core (the accessibility engine the e2e tests inject into the page) from npm, returning
/// the path of axe.min.js.
fn axe_core() -> Result<PathBuf, String> {
    let script = |prefix: &Path| prefix.join("node_modules/axe-core/axe.min.js");
    let prefix = npm_package("axe-core", AXE_VERSION, |prefix| {
        let installed = std::fs::read_to_string(prefix.join("node_modules/axe-core/package.json")).unwrap_or_default();
        script(prefix).exists() && installed.contains(&format!("\"version\": \"{AXE_VERSION}\""))
    })?;
    Ok(script(&prefix))
}

/// `npm install NAME@VERSION` into `target/xtask-tools/NAME` unless `installed` finds it
/// there already; returns that folder.
fn npm_package(name: &str, version: &str, installed: impl Fn(&Path) -> bool) -> Result<PathBuf, String> {
    let prefix = root().join("target/xtask-tools").join(name);
    if installed(&prefix) {
        println!("--- {name} {version} is installed");
        return Ok(prefix);
    }
    println!("--- {name} {version} is missing; installing it from npm");
    if output("npm", &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    std::fs::create_dir_all(&prefix).map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    let package = format!("{name}@{version}");
    run(Command::new("npm").arg("install").arg("--prefix").arg(&prefix).args([&package, "--no-audit", "--no-fund"]))?;
    Ok(prefix)
}

/// Installs `packages` with apt unless all of `present` exist.
fn ensure_apt(what: &str, present: &[&Path], packages: &[&str]) -> Result<(), String> {
    if present.iter().all(|p| p.exists()) {
        println!("--- {what}: installed");
        return Ok(());
    }
    println!("--- {what}: missing; installing {}", packages.join(" "));
    apt_install(packages)
}

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// `apt-get install`, as root or through sudo, after one `apt-get update` per run (a stale
/// package list offers versions the mirror no longer has).
fn apt_install(packages: &[&str]) -> Result<(), String> {
    let root_user = output("id", &["-u"]).is_some_and(|u| u == "0");
    let apt = |args: &[&str]| {
        let mut c = if root_user {
            Command::new("apt-get")
        } else {
            let mut s = Command::new("sudo");
            s.arg("apt-get");
            s
        };
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    if !root_user && output("sudo", &["-n", "true"]).is_none() {
        return Err(format!("need root to install {}: run `sudo apt-get install {}` once, then again", packages.join(" "), packages.join(" ")));
    }
    if !APT_UPDATED.swap(true, Ordering::Relaxed) {
        run(&mut apt(&["update", "-q"]))?;
    }
    let mut install = apt(&["install", "-y", "-q"]);
    install.args(packages);
    run(&mut install)
}
