//! The binary as users and tests start it: port 0 and the "listening on" lines, over sockets
//! because starting and listening is what is tested.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

#[tokio::test]
async fn port_zero_prints_the_bound_addresses_and_serves_there() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backend"))
        .args(["--api-addr", "127.0.0.1:0", "--site-addr", "127.0.0.1:0"])
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let api = lines.next().unwrap().unwrap();
    let site = lines.next().unwrap().unwrap();
    let api = api.strip_prefix("api listening on ").expect("api line").to_owned();
    assert!(site.starts_with("site listening on http://127.0.0.1:"), "{site}");
    assert!(!api.ends_with(":0"), "{api}");

    let status = reqwest::get(format!("{api}/control/cors")).await.map(|r| r.status().as_u16());
    let site_status = reqwest::get(site.trim_start_matches("site listening on ")).await.map(|r| r.status().as_u16());
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status.ok(), Some(200));
    assert_eq!(site_status.ok(), Some(200));
}

#[test]
fn help_documents_every_flag_and_bad_flags_fail_clearly() {
    let help = Command::new(env!("CARGO_BIN_EXE_backend")).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    // Every flag the parser knows, with its environment variable and a line saying why.
    let command = <backend::Config as clap::CommandFactory>::command();
    for arg in command.get_arguments().filter(|a| a.get_long().is_some_and(|l| l != "help" && l != "version")) {
        let flag = format!("--{}", arg.get_long().unwrap());
        assert!(text.contains(&flag), "--help lacks {flag}:\n{text}");
        let env = arg.get_env().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
        assert!(env.starts_with("PLAYGROUND_") && text.contains(&env), "{flag} has no PLAYGROUND_ variable in --help: {env:?}");
        assert!(arg.get_help().is_some(), "{flag} has no doc comment");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_backend")).args(["--frontend-origin", "localhost:8080"]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--frontend-origin"), "{}", String::from_utf8_lossy(&bad.stderr));
}
