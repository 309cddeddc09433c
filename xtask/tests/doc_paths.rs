//! Every repository path that the docs name exists, so they cannot drift out of the tree again.
//!
//! Read: every Markdown file, and the doc comments (`//!`, `///`) of every Rust file, that git
//! lists (tracked, or new and not ignored, so a doc is checked before its first commit).
//! Looked at: link targets (`[text](target)`) and code spans (`` `text` ``), outside fenced
//! code blocks. A mention is a repository path when it looks like one (`looks_like_path`) and
//! is a file name or starts where the repository has something (`Tree::check`); it must then
//! name a file or a folder, relative to the repository's root or to the file that names it.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    process::Command,
};

#[test]
fn every_path_the_docs_name_exists() {
    let root = repository_root();
    let files = listed_files(&root);
    let tree = Tree::new(&files);

    let mut missing = Vec::new();
    for file in files.iter().filter(|f| f.ends_with(".md") || f.ends_with(".rs")) {
        // A file listed but deleted in the work tree, or not UTF-8, has no prose to check.
        let Ok(text) = std::fs::read_to_string(root.join(file)) else { continue };
        for (line_number, line) in prose_lines(file, &text) {
            for named in named_paths(line) {
                if tree.check(file, named) == Check::Missing {
                    missing.push(format!("{file}:{line_number}: {named}"));
                }
            }
        }
    }

    assert!(
        missing.is_empty(),
        "{} mention(s) of repository paths that do not exist (relative to the repository's root \
         or to the file that names them):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

/// The workspace root: xtask lives one level below it.
fn repository_root() -> PathBuf {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().expect("xtask has a parent folder").to_path_buf()
}

/// What git lists: tracked files, and new ones that are not ignored.
fn listed_files(root: &Path) -> Vec<String> {
    let output = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(root)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git ls-files failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).split('\0').filter(|f| !f.is_empty()).map(str::to_owned).collect()
}

/// The lines of `file` that are prose, numbered from 1: a Markdown file's lines, or a Rust
/// file's doc comments without their `//!` or `///`; fenced code blocks left out.
fn prose_lines<'a>(file: &str, text: &'a str) -> Vec<(usize, &'a str)> {
    let rust = file.ends_with(".rs");
    let mut in_fence = false;
    let mut prose = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let content = if rust {
            match doc_comment(line) {
                Some(content) => content,
                None => {
                    // A fence never runs past the end of its doc comment.
                    in_fence = false;
                    continue;
                }
            }
        } else {
            line
        };
        let fence = content.trim_start();
        if fence.starts_with("```") || fence.starts_with("~~~") {
            in_fence = !in_fence;
        } else if !in_fence {
            prose.push((index + 1, content));
        }
    }
    prose
}

/// The text of a `//!` or `///` line (not of a `////` line, which is a plain comment).
fn doc_comment(line: &str) -> Option<&str> {
    let line = line.trim_start();
    if line.starts_with("////") {
        return None;
    }
    line.strip_prefix("//!").or_else(|| line.strip_prefix("///"))
}

/// The link targets and code spans of a line that look like paths.
fn named_paths(line: &str) -> Vec<&str> {
    link_targets(line)
        .into_iter()
        .chain(code_spans(line))
        .map(|named| named.split('#').next().unwrap_or_default())
        .filter(|named| looks_like_path(named))
        .collect()
}

/// `target` of each `[text](target)`, `[text](target "title")` or `[text](<target>)`.
fn link_targets(line: &str) -> Vec<&str> {
    line.match_indices("](")
        .filter_map(|(start, opening)| {
            let rest = &line[start + opening.len()..];
            match rest.strip_prefix('<') {
                Some(bracketed) => bracketed.split_once('>').map(|(target, _)| target),
                None => rest[..rest.find(')')?].split_whitespace().next(),
            }
        })
        .collect()
}

/// The contents of the line's code spans: a run of backticks opens one, and the next run of
/// the same length closes it (so ``` `` a ` b `` ``` is one span).
fn code_spans(line: &str) -> Vec<&str> {
    let runs = backtick_runs(line);
    let mut spans = Vec::new();
    let mut open = 0;
    while open < runs.len() {
        let (start, length) = runs[open];
        match (open + 1..runs.len()).find(|&close| runs[close].1 == length) {
            Some(close) => {
                spans.push(line[start + length..runs[close].0].trim());
                open = close + 1;
            }
            None => open += 1,
        }
    }
    spans
}

/// Where each run of backticks starts, and how long it is.
fn backtick_runs(line: &str) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (at, byte) in line.bytes().enumerate() {
        if byte != b'`' {
            continue;
        }
        match runs.last_mut() {
            Some((start, length)) if *start + *length == at => *length += 1,
            _ => runs.push((at, 1)),
        }
    }
    runs
}

/// Endings that make a word a file name even without a `/`.
const FILE_EXTENSIONS: [&str; 12] = ["rs", "md", "toml", "lock", "html", "css", "js", "json", "sh", "yml", "yaml", "txt"];

/// Whether `text` reads like a relative path: one word, with a `/` or a file extension.
/// Not a URL (`http://…`, `redis://…`, `mailto:…`), not an absolute path (`/usr/bin/chromium`)
/// or a route (`/api/login`, `/control/*`), not in the home folder (`~/.cargo/bin`), and not a
/// pattern or placeholder (`tests/*`, `{handle}`, `<id>`, `…`).
fn looks_like_path(text: &str) -> bool {
    let one_word = !text.is_empty() && !text.contains(char::is_whitespace);
    let url = text.contains("://") || text.starts_with("mailto:");
    let absolute = text.starts_with('/') || text.starts_with('~');
    let pattern = text.contains(['*', '?', '[', ']', '{', '}', '<', '>', '…']);
    let path_shaped = text.contains('/') || names_a_file(text);
    one_word && !url && !absolute && !pattern && path_shaped
}

/// Whether the last part of `text` ends in one of `FILE_EXTENSIONS`.
fn names_a_file(text: &str) -> bool {
    let file_name = text.rsplit('/').next().unwrap_or_default();
    file_name.rsplit_once('.').is_some_and(|(_, extension)| FILE_EXTENSIONS.contains(&extension))
}

/// The repository as git lists it: every file and every folder that holds one.
struct Tree {
    entries: HashSet<String>,
}

/// What a mention that looks like a path turned out to be.
#[derive(Debug, PartialEq, Eq)]
enum Check {
    Exists,
    Missing,
    /// No file name, and it starts with nothing the repository has, so it names no path of
    /// ours: a MIME type (`text/plain`), another project (`tokio-rs/axum`), a build output
    /// (`target/debug`).
    NotOurs,
}

impl Tree {
    fn new(files: &[String]) -> Tree {
        let mut entries = HashSet::new();
        for file in files {
            let mut path = file.as_str();
            entries.insert(path.to_owned());
            while let Some((folder, _)) = path.rsplit_once('/') {
                entries.insert(folder.to_owned());
                path = folder;
            }
        }
        Tree { entries }
    }

    fn has(&self, path: Option<String>) -> bool {
        path.is_some_and(|path| self.entries.contains(&path))
    }

    /// Checks `named`, as `file` names it. A file name (`Cargo.toml`, `docs/api.md`) and
    /// anything starting with `.` or `..` is always ours; any other path is ours when its
    /// first part is something at the root or beside `file`.
    fn check(&self, file: &str, named: &str) -> Check {
        let beside = file.rsplit_once('/').map_or("", |(folder, _)| folder);
        let first = named.split('/').next().unwrap_or_default();
        let ours = names_a_file(named)
            || matches!(first, "." | "..")
            || self.has(normalise("", first))
            || self.has(normalise(beside, first));
        if !ours {
            Check::NotOurs
        } else if self.has(normalise("", named)) || self.has(normalise(beside, named)) {
            Check::Exists
        } else {
            Check::Missing
        }
    }
}

/// `relative` joined to `folder` (both relative to the root), `.` and `..` resolved;
/// `None` when it leaves the repository.
fn normalise(folder: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in folder.split('/').chain(relative.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

mod unit {
    use super::*;

    #[test]
    fn paths_look_like_paths() {
        for path in [
            "backend/src/app.rs",
            "backend/tests/api/",
            "docs/api.md",
            "../shared/design/API.md",
            "./README.md",
            "Cargo.toml",
            "index.html",
            ".ci/run",
            "frontend/style.css",
        ] {
            assert!(looks_like_path(path), "{path}");
        }
    }

    #[test]
    fn urls_routes_absolute_paths_patterns_and_words_do_not() {
        for not_a_path in [
            "http://localhost:8080",
            "https://fetch.spec.whatwg.org/",
            "redis://HOST:PORT/DB",
            "mailto:someone@example.com",
            "/api/login",
            "/control/*",
            "/usr/bin/chromium",
            "~/.cargo/bin",
            "tests/*",
            "/control/sessions/{handle}",
            "sessionId=<id>",
            "cargo xtask run",
            "Content-Type: application/json",
            "a@b.com",
            "0.22.1",
            "shared::wire::ErrorCode",
            "--frontend-origin",
            "",
        ] {
            assert!(!looks_like_path(not_a_path), "{not_a_path}");
        }
    }

    fn tree() -> Tree {
        let files = ["README.md", "Cargo.toml", "docs/api.md", "backend/src/app.rs", "backend/tests/api/main.rs", "backend/tests/api/auth.rs"];
        Tree::new(&files.map(str::to_owned))
    }

    #[test]
    fn paths_resolve_from_the_root_or_from_the_file_that_names_them() {
        let tree = tree();
        assert_eq!(tree.check("README.md", "backend/src/app.rs"), Check::Exists);
        assert_eq!(tree.check("README.md", "backend/tests/api/"), Check::Exists);
        assert_eq!(tree.check("docs/api.md", "api.md"), Check::Exists);
        assert_eq!(tree.check("docs/api.md", "../README.md"), Check::Exists);
        assert_eq!(tree.check("backend/tests/api/main.rs", "auth.rs"), Check::Exists);
        assert_eq!(tree.check("backend/src/app.rs", "Cargo.toml"), Check::Exists, "from the root");
    }

    #[test]
    fn missing_paths_and_paths_outside_the_repository_are_missing() {
        let tree = tree();
        assert_eq!(tree.check("README.md", "backend/src/pipeline.rs"), Check::Missing);
        assert_eq!(tree.check("README.md", "auth.rs"), Check::Missing, "it is beside main.rs, not the README");
        assert_eq!(tree.check("README.md", "../shared/design/API.md"), Check::Missing);
        assert_eq!(tree.check("backend/src/app.rs", "../../../x.md"), Check::Missing);
        assert_eq!(tree.check("docs/api.md", "architecture.md"), Check::Missing);
        assert_eq!(tree.check("README.md", "guide/intro.md"), Check::Missing, "a file in a folder that is not there");
        assert_eq!(tree.check("README.md", "backend/benches/"), Check::Missing);
    }

    #[test]
    fn mime_types_other_projects_and_build_outputs_are_not_ours() {
        let tree = tree();
        for other in ["application/json", "text/plain", "tokio-rs/axum", "target/debug/backend", "GET/PUT"] {
            assert_eq!(tree.check("README.md", other), Check::NotOurs, "{other}");
        }
    }

    #[test]
    fn links_and_code_spans_are_found_outside_code_blocks() {
        let line = "See [the contract](docs/api.md#errors), `backend/src/app.rs` and ``a `tick` here``.";
        assert_eq!(named_paths(line), ["docs/api.md", "backend/src/app.rs"]);
        assert_eq!(code_spans("``a `tick` here`` and `x`"), ["a `tick` here", "x"]);
        assert_eq!(link_targets(r#"[a](<b c.md>) [d](e.md "title")"#), ["b c.md", "e.md"]);

        let markdown = "text `a.md`\n```sh\ncat `b.md`\n```\n`c.md`";
        let lines: Vec<_> = prose_lines("x.md", markdown).into_iter().map(|(n, _)| n).collect();
        assert_eq!(lines, [1, 5]);
    }

    #[test]
    fn only_doc_comments_of_rust_files_are_prose() {
        let rust = "//! module `a.rs`\n// plain `b.rs`\n//// not a doc `c.rs`\n    /// item `d.rs`\nfn f() {} // `e.rs`";
        let prose: Vec<_> = prose_lines("x.rs", rust).into_iter().map(|(_, line)| line).collect();
        assert_eq!(prose, [" module `a.rs`", " item `d.rs`"]);
    }
}
