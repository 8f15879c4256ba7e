//! The bad-input battery of SPEC §6: every kind of broken input ends with exit 0, 1 or 2, one
//! located error for the bad file, the good file's finding still reported, in bounded time and
//! memory, and never a panic.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// Wall-clock bound for one run. Generous: the test binary is a debug build on a shared machine.
const TIME_LIMIT: Duration = Duration::from_secs(30);
/// Address-space bound for one run, in KiB (`ulimit -v`): 4 GiB, far above what a check needs
/// and far below what an alias bomb or an unbounded read would take.
const MEMORY_LIMIT_KIB: u64 = 4 * 1024 * 1024;

const PRV004_TF: &str = include_str!("../fixtures/PRV004/bad.tf");
const PRV004_YAML: &str = include_str!("../fixtures/PRV004/bad.yaml");

struct Run {
    code: i32,
    report: Value,
}

impl Run {
    fn errors(&self) -> &Vec<Value> {
        self.report["errors"].as_array().expect("errors array")
    }

    fn findings(&self) -> &Vec<Value> {
        self.report["findings"].as_array().expect("findings array")
    }

    /// The one error of `file`, which must carry a line and a column.
    fn located_error(&self, file: &str) -> &Value {
        let of_file: Vec<&Value> = self.errors().iter().filter(|e| e["file"] == file).collect();
        assert_eq!(of_file.len(), 1, "one error for {file}: {:#}", self.report);
        let err = of_file[0];
        assert!(err["line"].as_u64().is_some_and(|l| l >= 1), "{err}");
        assert!(err["column"].as_u64().is_some_and(|c| c >= 1), "{err}");
        err
    }

    /// The good file's PRV004 finding is reported, at its fixture position.
    fn has_good_finding(&self, file: &str, line: u64, column: u64) {
        assert!(
            self.findings().iter().any(|f| f["rule"] == "PRV004"
                && f["file"] == file
                && f["line"] == line
                && f["column"] == column),
            "PRV004 at {file}:{line}:{column} in {:#}",
            self.report
        );
    }
}

/// Run `privlint check --format json ARGS` in `dir` under the time and memory limits, and
/// check the invariants every run shares: no panic, an exit code of 0, 1 or 2, a JSON report.
fn check(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new("sh");
    cmd.current_dir(dir)
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_LIMIT_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_privlint"))
        .args(["check", "--format", "json"])
        .args(args)
        .env_remove("PRIVLINT_NO_PREFILTER")
        .timeout(TIME_LIMIT);
    let started = Instant::now();
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("privlint did not finish within {TIME_LIMIT:?}: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let code = output.status.code().unwrap_or(-1);
    assert!(
        matches!(code, 0..=2),
        "exit {code} (101 = panic, -1 = killed by a signal, e.g. out of memory): {stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {stderr}"));
    eprintln!("{args:?}: exit {code} in {:?}", started.elapsed());
    Run { code, report }
}

/// Line and column of a located error.
fn position(err: &Value) -> (u64, u64) {
    (
        err["line"].as_u64().unwrap_or(0),
        err["column"].as_u64().unwrap_or(0),
    )
}

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, content).unwrap();
}

/// A scan root with a good Terraform module (`good/main.tf`, one PRV004 at 6:3).
fn with_good_tf() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good/main.tf", PRV004_TF);
    dir
}

/// A bad file next to the good module: exit 2, its located error, the good finding.
fn assert_bad_file(name: &str, content: impl AsRef<[u8]>) -> Value {
    let dir = with_good_tf();
    write(dir.path(), name, content);
    let run = check(dir.path(), &["."]);
    assert_eq!(run.code, 2, "{:#}", run.report);
    run.has_good_finding("good/main.tf", 6, 3);
    run.located_error(name).clone()
}

#[test]
fn malformed_hcl() {
    let err = assert_bad_file(
        "broken/main.tf",
        "resource \"aws_vpc\" \"x\" {\n  cidr_block = \n",
    );
    assert_eq!(position(&err), (2, 16));
    assert!(err["message"].as_str().unwrap().starts_with("invalid HCL"));
}

#[test]
fn malformed_json_template() {
    let err = assert_bad_file(
        "stack.json",
        "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n    \"Vpc\": {\"Type\": \"AWS::EC2::VPC\" \"Properties\": {}}\n  }\n}\n",
    );
    assert_eq!(err["line"], 4);
    assert!(err["message"].as_str().unwrap().starts_with("invalid JSON"));
}

#[test]
fn malformed_yaml_template() {
    let err = assert_bad_file(
        "stack.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n   Properties: [\n",
    );
    assert!(err["message"].as_str().unwrap().starts_with("invalid YAML"));
}

#[test]
fn malformed_json_and_yaml_named_on_the_command_line() {
    // Not templates: skipped silently when walked, an error when named.
    let dir = with_good_tf();
    write(dir.path(), "data.json", "{\"a\": [1, 2");
    write(dir.path(), "data.yaml", "a: [1, 2\n");
    let walked = check(dir.path(), &["."]);
    assert_eq!(walked.code, 1, "{:#}", walked.report);
    assert!(walked.errors().is_empty());
    let named = check(dir.path(), &["good", "data.json", "data.yaml"]);
    assert_eq!(named.code, 2);
    named.has_good_finding("good/main.tf", 6, 3);
    named.located_error("data.json");
    named.located_error("data.yaml");
}

#[test]
fn binary_file_named_tf() {
    let mut bytes = b"resource \"aws_vpc\" \"x\" {\n".to_vec();
    bytes.extend([0u8, 159, 146, 150, 0, 1, 2, 255, 254]);
    let err = assert_bad_file("bin/main.tf", bytes);
    assert_eq!(position(&err), (2, 1));
}

#[test]
fn empty_files() {
    let dir = with_good_tf();
    for name in [
        "empty/main.tf",
        "empty.json",
        "empty.yaml",
        "empty.template",
    ] {
        write(dir.path(), name, "");
    }
    let run = check(dir.path(), &["."]);
    // An empty module is valid; empty data files are not templates.
    assert_eq!(run.code, 1, "{:#}", run.report);
    assert!(run.errors().is_empty());
    run.has_good_finding("good/main.tf", 6, 3);
    assert_eq!(run.report["summary"]["files"], 5);
    // Named: an empty .tf is still valid, an empty JSON file holds no value.
    let named = check(dir.path(), &["empty/main.tf", "empty.json"]);
    assert_eq!(named.code, 2);
    named.located_error("empty.json");
}

#[test]
fn bom_and_crlf_keep_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(PRV004_TF.replace('\n', "\r\n").as_bytes());
    write(dir.path(), "crlf/main.tf", bytes);
    write(dir.path(), "lf/main.tf", PRV004_TF);
    let mut yaml = b"\xEF\xBB\xBF".to_vec();
    yaml.extend(PRV004_YAML.replace('\n', "\r\n").as_bytes());
    write(dir.path(), "crlf.yaml", yaml);
    let run = check(dir.path(), &["."]);
    assert_eq!(run.code, 1, "{:#}", run.report);
    let span = |file: &str| {
        let f = run
            .findings()
            .iter()
            .find(|f| f["file"] == file)
            .unwrap_or_else(|| panic!("finding in {file}: {:#}", run.report));
        [
            f["line"].clone(),
            f["column"].clone(),
            f["end_line"].clone(),
            f["end_column"].clone(),
        ]
    };
    assert_eq!(span("crlf/main.tf"), span("lf/main.tf"));
    assert_eq!(span("lf/main.tf"), [6, 3, 6, 31].map(Value::from));
    // fixtures/EXPECTED.md: bad.yaml's finding is at 10:7.
    assert_eq!(span("crlf.yaml")[..2], [10, 7].map(Value::from));
}

#[test]
fn invalid_utf8() {
    let err = assert_bad_file("latin1/main.tf", b"# caf\xE9\nlocals {}\n");
    assert_eq!(position(&err), (1, 6));
    assert!(err["message"].as_str().unwrap().contains("UTF-8"));
    // A template in Latin-1 is reported too.
    let err = assert_bad_file(
        "latin1.yaml",
        b"AWSTemplateFormatVersion: '2010-09-09'\nDescription: caf\xE9\n",
    );
    assert_eq!(position(&err), (2, 17));
}

const DEPTH: usize = 100_000;

#[test]
fn deep_nesting_hcl() {
    let text = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "[".repeat(DEPTH),
        "]".repeat(DEPTH)
    );
    let err = assert_bad_file("deep/main.tf", text);
    assert_eq!(err["line"], 2);
    assert!(err["message"].as_str().unwrap().contains("nesting"));
}

#[test]
fn deep_nesting_json() {
    let text = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\",\n\"Metadata\": {}1{}}}\n",
        "[".repeat(DEPTH),
        "]".repeat(DEPTH)
    );
    let err = assert_bad_file("deep.json", text);
    assert_eq!(err["line"], 2);
    let text = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\",\n\"Metadata\": {}1{}}}\n",
        "{\"a\": ".repeat(DEPTH),
        "}".repeat(DEPTH)
    );
    assert_bad_file("deep_objects.json", text);
}

#[test]
fn deep_nesting_yaml() {
    let flow = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nMetadata: {}1{}\n",
        "[".repeat(DEPTH),
        "]".repeat(DEPTH)
    );
    let err = assert_bad_file("deep_flow.yaml", flow);
    assert_eq!(err["line"], 2);
    let block = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nMetadata: {}1\n",
        "- ".repeat(DEPTH)
    );
    let err = assert_bad_file("deep_block.yaml", block);
    assert_eq!(err["line"], 2);
}

#[test]
fn yaml_alias_bomb() {
    // Ten levels of ten aliases each: 10^10 nodes if expanded.
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n");
    text.push_str("  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let prev = format!("*l{}", level - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("  l{level}: &l{level} [{items}]\n"));
    }
    text.push_str("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n");
    let err = assert_bad_file("bomb.yaml", text);
    assert!(err["message"].as_str().unwrap().contains("alias"), "{err}");
}

#[test]
fn file_over_the_size_cap() {
    let cap = privlint::load::MAX_FILE_BYTES;
    let dir = with_good_tf();
    // 100 MB, sparse: the reader must stop at the cap instead of reading it all.
    let big = |name: &str, head: &str| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, head).unwrap();
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.set_len(100_000_000).unwrap();
        assert!(100_000_000 > cap);
    };
    big("big/main.tf", "locals {}\n");
    big(
        "big.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n",
    );
    big("data/big.json", "{\"rows\": [");
    let run = check(dir.path(), &["."]);
    assert_eq!(run.code, 2, "{:#}", run.report);
    run.has_good_finding("good/main.tf", 6, 3);
    for name in ["big/main.tf", "big.yaml"] {
        let of_file: Vec<&Value> = run.errors().iter().filter(|e| e["file"] == name).collect();
        assert_eq!(of_file.len(), 1, "{name}: {:#}", run.report);
        assert!(
            of_file[0]["message"]
                .as_str()
                .unwrap()
                .contains("larger than privlint's limit"),
            "{}",
            of_file[0]
        );
    }
    // A big data file that does not look like a template is skipped like any other.
    assert!(run.errors().iter().all(|e| e["file"] != "data/big.json"));
    let named = check(dir.path(), &["good", "data/big.json"]);
    assert_eq!(named.code, 2);
    assert_eq!(named.errors().len(), 1, "{:#}", named.report);
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let dir = with_good_tf();
    std::fs::create_dir_all(dir.path().join("good/nested")).unwrap();
    std::os::unix::fs::symlink("../..", dir.path().join("good/nested/up")).unwrap();
    std::os::unix::fs::symlink("self", dir.path().join("self")).unwrap();
    let run = check(dir.path(), &["."]);
    assert_eq!(run.code, 2, "{:#}", run.report);
    run.has_good_finding("good/main.tf", 6, 3);
    assert_eq!(
        run.errors()
            .iter()
            .filter(|e| e["file"] == "good/nested/up")
            .count(),
        1,
        "{:#}",
        run.report
    );
    assert_eq!(run.findings().len(), 1, "the loop is not walked twice");
}

#[test]
fn truncated_template_next_to_a_good_one() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.yaml", PRV004_YAML);
    let cut = PRV004_YAML.len() * 2 / 3;
    let cut = (0..=cut)
        .rev()
        .find(|&i| PRV004_YAML.is_char_boundary(i))
        .unwrap_or(0);
    // Cut inside a flow collection so that the rest cannot parse.
    write(
        dir.path(),
        "truncated.yaml",
        format!("{}\n    Tags: [{{Key: a, Value: ", &PRV004_YAML[..cut]),
    );
    let json = include_str!("../fixtures/PRV004/bad.json");
    write(dir.path(), "truncated.json", &json[..json.len() / 2]);
    let run = check(dir.path(), &["."]);
    assert_eq!(run.code, 2, "{:#}", run.report);
    run.has_good_finding("good.yaml", 10, 7);
    run.located_error("truncated.yaml");
    run.located_error("truncated.json");
}
