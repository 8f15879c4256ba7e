//! Runs privlint over the real-world corpus (`$PRIVLINT_CORPUS`): no panic, a sane exit code.
//! Skipped, with a notice, when the variable is unset.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn corpus() -> Option<PathBuf> {
    match std::env::var_os("PRIVLINT_CORPUS") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            eprintln!("PRIVLINT_CORPUS is unset: corpus test skipped");
            None
        }
    }
}

fn sweep(part: &str) {
    let Some(root) = corpus() else { return };
    let dir = root.join(part);
    assert!(dir.is_dir(), "{} is not a directory", dir.display());
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(&dir)
        .output()
        .expect("privlint runs");
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "privlint panicked:\n{stderr}");
    let code = output.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "exit code {code:?}, stderr:\n{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the JSON report parses");
    let summary = &report["summary"];
    eprintln!(
        "corpus {part}: {} files, {} findings, {} errors, exit {code:?}, {:.2}s",
        summary["files"],
        summary["findings"],
        summary["errors"],
        elapsed.as_secs_f64()
    );
}

#[test]
fn corpus_bulk_never_panics() {
    sweep("bulk");
}

#[test]
fn corpus_focused_never_panics() {
    sweep("focused");
}
