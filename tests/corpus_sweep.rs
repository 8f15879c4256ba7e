//! Sweeps over the real-world corpus (`$PRIVLINT_CORPUS`; skipped with a notice when unset):
//!
//! - the prefilter (`privlint::load::prefilter`) changes no finding and no error;
//! - no panic;
//! - every JSON/YAML/template file that Python's `json` or PyYAML (CloudFormation tags
//!   allowed) accepts and that is a template by SPEC §1 is parsed and classified as a template
//!   by privlint, and gets no error (except the peers' intentionally broken fixtures listed in
//!   `KNOWN_DIFFERENCES`). Skipped with a notice when python3 or PyYAML is missing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use privlint::load::document::{DocumentKind, classify};
use privlint::load::{cfn_json, cfn_yaml, read_text};
use privlint::source::FileId;
use serde_json::Value;

/// Files Python accepts but privlint rightly rejects, by path below the corpus root, with the
/// reason. Empty today: every template Python accepts, privlint loads.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

fn corpus() -> Option<PathBuf> {
    match std::env::var_os("PRIVLINT_CORPUS") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            eprintln!("PRIVLINT_CORPUS is unset: corpus sweep skipped");
            None
        }
    }
}

/// `privlint check --format json` over `root`, with or without the prefilter.
fn run(root: &Path, prefilter: bool) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_privlint"));
    cmd.args(["check", "--format", "json", "--fail-on", "never"])
        .arg(root);
    if prefilter {
        cmd.env_remove("PRIVLINT_NO_PREFILTER");
    } else {
        cmd.env("PRIVLINT_NO_PREFILTER", "1");
    }
    let started = Instant::now();
    let output = cmd.output().expect("privlint runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "privlint panicked:\n{stderr}");
    let code = output.status.code();
    assert!(matches!(code, Some(0 | 2)), "exit {code:?}: {stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    eprintln!(
        "prefilter {}: {} in {:.2}s",
        if prefilter { "on" } else { "off" },
        report["summary"],
        started.elapsed().as_secs_f64()
    );
    report
}

#[test]
fn prefilter_changes_no_finding_and_no_error() {
    let Some(root) = corpus() else { return };
    let with = run(&root, true);
    let without = run(&root, false);
    assert_eq!(with["summary"], without["summary"]);
    assert_eq!(with["errors"], without["errors"]);
    // Compare finding by finding for a readable failure.
    let (a, b) = (
        with["findings"].as_array().unwrap(),
        without["findings"].as_array().unwrap(),
    );
    for f in b {
        assert!(a.contains(f), "lost with the prefilter: {f:#}");
    }
    assert_eq!(a, b);
}

/// Templates that Python accepts, relative to the corpus root; `None` when Python or PyYAML
/// is missing.
fn python_templates(root: &Path) -> Option<Vec<String>> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/python_verdicts.py"
    );
    let has_yaml = Command::new("python3")
        .args(["-c", "import yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_yaml {
        eprintln!("python3 with PyYAML is missing: the template sweep is skipped");
        return None;
    }
    let output = Command::new("python3")
        .arg(script)
        .arg(root)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(
        String::from_utf8(output.stdout)
            .expect("paths are UTF-8")
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

/// How privlint itself sees one file: `Ok(true)` when it parses as a template.
fn privlint_view(path: &Path) -> Result<bool, String> {
    let text = read_text(path).map_err(|e| e.message)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json = ext == "json" || (ext == "template" && text.trim_start().starts_with('{'));
    let doc = if json {
        cfn_json::parse_json(&text, FileId(0))
    } else {
        cfn_yaml::parse_yaml(&text, FileId(0))
    }
    .map_err(|e| e.to_load_error(path, &text).message)?;
    Ok(classify(&doc) == DocumentKind::CloudFormation)
}

#[test]
fn every_template_python_accepts_loads_without_error() {
    let Some(root) = corpus() else { return };
    let Some(accepted) = python_templates(&root) else {
        return;
    };
    assert!(accepted.len() > 100, "only {} templates", accepted.len());
    let report = run(&root, true);
    let root_text = root.to_string_lossy().trim_end_matches('/').to_string();
    let errors: Vec<String> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["file"].as_str())
        .map(|f| {
            f.strip_prefix(&root_text)
                .unwrap_or(f)
                .trim_start_matches('/')
                .to_string()
        })
        .collect();
    let mut problems = Vec::new();
    for rel in &accepted {
        if KNOWN_DIFFERENCES.iter().any(|(p, _)| p == rel) {
            continue;
        }
        if errors.contains(rel) {
            problems.push(format!("{rel}: privlint reports an error"));
        }
        match privlint_view(&root.join(rel)) {
            Ok(true) => {}
            Ok(false) => problems.push(format!("{rel}: not classified as a template")),
            Err(e) => problems.push(format!("{rel}: {e}")),
        }
    }
    eprintln!(
        "{} templates accepted by Python, {} disagreements",
        accepted.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (path, _) in KNOWN_DIFFERENCES {
        assert!(
            accepted.iter().any(|a| a == path),
            "{path} is listed as a known difference but Python no longer accepts it"
        );
    }
}
