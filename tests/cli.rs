//! The command line as users run it: flags, exit codes, output shapes.

use std::path::Path;

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use privlint::rules::registry::RULES;

fn privlint() -> Command {
    let mut cmd = cargo_bin_cmd!("privlint");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Run in `dir`, returning (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = privlint().current_dir(dir).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn version() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, _) = run(tmp.path(), &["--version"]);
    assert_eq!(code, 0);
    assert_eq!(out, format!("privlint {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn rules_lists_every_registered_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, _) = run(tmp.path(), &["rules"]);
    assert_eq!(code, 0);
    let mut lines = out.lines();
    assert!(lines.next().unwrap().starts_with("ID "), "{out}");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), RULES.len());
    for (row, rule) in rows.iter().zip(RULES) {
        assert!(row.starts_with(rule.meta().id), "{row}");
        assert!(row.contains(rule.meta().severity.as_str()), "{row}");
    }
}

#[test]
fn rules_as_json() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, _) = run(tmp.path(), &["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let value = json(&out);
    let rows = value.as_array().unwrap();
    assert_eq!(rows.len(), RULES.len());
    for (row, rule) in rows.iter().zip(RULES) {
        let meta = rule.meta();
        assert_eq!(
            row,
            &serde_json::json!({
                "id": meta.id,
                "name": meta.name,
                "severity": meta.severity.as_str(),
                "default_on": meta.default_on,
                "summary": meta.summary,
            })
        );
    }
}

#[test]
fn explain_prv001() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = run(tmp.path(), &["explain", "PRV001"]);
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    assert!(!out.is_empty());
}

#[test]
fn explain_every_registered_rule() {
    let tmp = tempfile::tempdir().unwrap();
    for rule in RULES {
        let (code, out, err) = run(tmp.path(), &["explain", rule.meta().id]);
        assert_eq!(code, 0, "{}: {err}", rule.meta().id);
        assert!(out.contains(rule.meta().docs.trim()));
    }
}

#[test]
fn explain_unknown_rule_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = run(tmp.path(), &["explain", "PRV999"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: unknown rule id `PRV999` (see `privlint rules`)\n"
    );
}

#[test]
fn check_empty_dir_prints_a_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, _) = run(tmp.path(), &["check"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("no problems found in 0 files ("), "{out}");
    let (code, out, _) = run(tmp.path(), &["check", "--quiet"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn check_json_has_exactly_the_documented_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, _) = run(tmp.path(), &["check", "--format", "json", "."]);
    assert_eq!(code, 0);
    let value = json(&out);
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["errors", "findings", "summary", "version"]);
    assert_eq!(value["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(value["findings"], serde_json::json!([]));
    assert_eq!(value["errors"], serde_json::json!([]));
    assert_eq!(
        value["summary"],
        serde_json::json!({"files": 0, "findings": 0, "errors": 0})
    );
}

#[test]
fn nonexistent_path_is_an_error_entry_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, _) = run(tmp.path(), &["check", "--format", "json", "./nope.tf", "."]);
    assert_eq!(code, 2);
    assert_eq!(
        json(&out)["errors"],
        serde_json::json!([{"file": "nope.tf", "line": null, "column": null,
                            "message": "no such file or directory"}])
    );
    let (code, out, _) = run(tmp.path(), &["check", "nope"]);
    assert_eq!(code, 2);
    assert!(
        out.starts_with("error: nope: no such file or directory\n"),
        "{out}"
    );
}

/// A walked path is shown as reached from the argument, without `./`.
#[cfg(unix)]
#[test]
fn walked_paths_are_relative_to_the_argument() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("examples")).unwrap();
    std::os::unix::fs::symlink("gone.tf", tmp.path().join("examples/broken.tf")).unwrap();
    for arg in [".", "examples/", "./examples"] {
        let (code, out, _) = run(tmp.path(), &["check", "--format", "json", arg]);
        assert_eq!(code, 2);
        assert_eq!(
            json(&out)["errors"][0]["file"],
            "examples/broken.tf",
            "{arg}"
        );
    }
}

#[test]
fn unknown_rule_in_select_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = run(tmp.path(), &["check", "--select", "PRV999"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("PRV999"), "{err}");
}

#[test]
fn fail_on_values_parse() {
    let tmp = tempfile::tempdir().unwrap();
    for level in ["error", "warning", "info", "never"] {
        let (code, _, err) = run(tmp.path(), &["check", "--fail-on", level]);
        assert_eq!(code, 0, "{level}: {err}");
    }
    let (code, _, _) = run(tmp.path(), &["check", "--fail-on", "sometimes"]);
    assert_eq!(code, 2);
}

#[test]
fn missing_config_file_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = run(tmp.path(), &["check", "--config", "privlint.toml"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: privlint.toml: cannot read file:"),
        "{err}"
    );
}

#[test]
fn var_needs_name_equals_value() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, _) = run(tmp.path(), &["check", "--var", "region=eu-west-1"]);
    assert_eq!(code, 0);
    let (code, _, err) = run(tmp.path(), &["check", "--var", "region"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected NAME=VALUE"), "{err}");
}

#[test]
fn missing_var_file_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, _) = run(tmp.path(), &["check", "--var-file", "prod.tfvars"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("error: prod.tfvars: no such file or directory"),
        "{out}"
    );
}

#[test]
fn output_file_gets_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, _) = run(
        tmp.path(),
        &["check", "--format", "json", "--output", "report.json", "."],
    );
    assert_eq!(code, 0);
    assert_eq!(out, "");
    let written = std::fs::read_to_string(tmp.path().join("report.json")).unwrap();
    assert_eq!(json(&written)["summary"]["errors"], 0);

    let (code, _, err) = run(tmp.path(), &["check", "--output", "no/such/dir/report.txt"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: cannot write no/such/dir/report.txt"),
        "{err}"
    );
}

#[test]
fn no_colour_when_not_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, out, _) = run(tmp.path(), &["check", "nope"]);
    assert!(!out.contains('\u{1b}'), "{out}");
}

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn examples_print_diagnostics_and_exit_1() {
    let (code, out, _) = run(Path::new(ROOT), &["check", "examples/"]);
    assert_eq!(code, 1, "{out}");
    // miette snippet with the offending attribute underlined, the rule, and help.
    assert!(out.contains("PRV004(vpc-dns-disabled)"), "{out}");
    assert!(
        out.contains("╭─[examples/terraform/network.tf:11:1]"),
        "{out}"
    );
    assert!(out.contains("help:"), "{out}");
    assert!(out.contains("3 errors in 6 files ("), "{out}");
}

#[test]
fn examples_as_json_have_exactly_the_documented_finding_keys() {
    let (code, out, _) = run(Path::new(ROOT), &["check", "--format", "json", "examples"]);
    assert_eq!(code, 1);
    let value = json(&out);
    let findings = value["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3);
    for finding in findings {
        let mut keys: Vec<&str> = finding
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "column",
                "end_column",
                "end_line",
                "file",
                "help",
                "line",
                "message",
                "name",
                "resource",
                "rule",
                "severity"
            ]
        );
    }
    assert_eq!(
        findings[2],
        serde_json::json!({
            "rule": "PRV004", "name": "vpc-dns-disabled", "severity": "error",
            "file": "examples/terraform/network.tf", "line": 11, "column": 1,
            "end_line": 11, "end_column": 30, "resource": "aws_vpc.services",
            "message": findings[2]["message"], "help": "set enable_dns_hostnames = true on aws_vpc.services"
        })
    );
    assert_eq!(
        value["summary"],
        serde_json::json!({"files": 6, "findings": 3, "errors": 0})
    );
}

#[test]
fn a_malformed_file_beside_a_good_one_reports_both_and_exits_2() {
    let (code, out, _) = run(
        Path::new(ROOT),
        &[
            "check",
            "--format",
            "json",
            "fixtures/projects/mixed_bad_tf",
        ],
    );
    assert_eq!(code, 2);
    let value = json(&out);
    assert_eq!(value["errors"].as_array().unwrap().len(), 1);
    assert_eq!(
        value["errors"][0]["file"],
        "fixtures/projects/mixed_bad_tf/broken.tf"
    );
    assert_eq!(value["errors"][0]["line"], 5);
    assert_eq!(value["errors"][0]["column"], 26);
    assert_eq!(value["findings"][0]["rule"], "PRV014");
    assert_eq!(
        value["findings"][0]["file"],
        "fixtures/projects/mixed_bad_tf/good.tf"
    );
}

#[test]
fn select_and_ignore_filter_rules() {
    let only = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.push("examples");
        let (_, out, _) = run(Path::new(ROOT), &all);
        let value = json(&out);
        let mut rules: Vec<String> = value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        rules.sort();
        rules
    };
    assert_eq!(only(&["--select", "PRV004"]), ["PRV004"]);
    assert_eq!(only(&["--ignore", "PRV004,PRV005"]), ["PRV001"]);
    let (code, _, _) = run(
        Path::new(ROOT),
        &["check", "--fail-on", "never", "examples"],
    );
    assert_eq!(code, 0);
}

#[test]
fn var_flag_overrides_tfvars() {
    let (code, out, _) = run(
        Path::new(ROOT),
        &[
            "check",
            "--format",
            "json",
            "--var",
            "enable_dns_hostnames=true",
            "fixtures/projects/tf_multi_file",
        ],
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn select_all_turns_on_rules_that_are_off_by_default() {
    let rules_of = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.push("examples");
        let (_, out, _) = run(Path::new(ROOT), &all);
        json(&out)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}:{}",
                    f["rule"].as_str().unwrap(),
                    f["file"].as_str().unwrap(),
                    f["line"]
                )
            })
            .collect::<Vec<_>>()
    };
    let default = rules_of(&[]);
    assert!(
        !default.iter().any(|f| f.starts_with("PRV012")),
        "{default:?}"
    );
    let all = rules_of(&["--select", "ALL"]);
    assert_eq!(
        all,
        [
            "PRV012 examples/cloudformation/private-api.yaml:51",
            "PRV001 examples/cloudformation/private-api.yaml:64",
            "PRV012 examples/terraform/endpoint.tf:19",
            "PRV005 examples/terraform/endpoint.tf:25",
            "PRV004 examples/terraform/network.tf:11",
        ]
    );
    // An off-by-default rule can be selected by its id, and ALL can be narrowed by --ignore.
    assert_eq!(rules_of(&["--select", "PRV012"]).len(), 2);
    assert_eq!(
        rules_of(&["--select", "ALL", "--ignore", "PRV012"]),
        default
    );
}

#[test]
fn rules_json_lists_the_whole_catalogue_with_defaults() {
    let (code, out, _) = run(Path::new(ROOT), &["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let rules = json(&out);
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (1..=14).map(|n| format!("PRV{n:03}")).collect();
    assert_eq!(ids, expected);
    let prv012 = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "PRV012")
        .unwrap();
    assert_eq!(prv012["default_on"], false);
    assert_eq!(prv012["severity"], "info");
}
