//! privlint in the workflows users run: the sarif/github/junit formats, privlint.toml,
//! suppressions, and the GitHub Action's script.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;

/// The rules whose findings the snapshots show. Named, so that rules added later do not
/// change what these snapshots are about.
const SNAPSHOT_RULES: &str = "PRV001,PRV003,PRV004,PRV005,PRV014";

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

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

/// `RULE file:line:col` of each finding of a JSON report.
fn found(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["column"]
            )
        })
        .collect()
}

/// The SARIF 2.1.0 schema beside the repository, or `None` (with a notice) when absent.
fn sarif_schema() -> Option<serde_json::Value> {
    let path = crate_root().join("../shared/schemas/sarif-2.1.0.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(json(&text)),
        Err(_) => {
            eprintln!(
                "notice: {} is absent; SARIF schema validation skipped",
                path.display()
            );
            None
        }
    }
}

/// The official schema's `language` patterns hold a lone `]`, a literal in ECMA-262 regexes but
/// an error for Rust's regex engines. Escaping it keeps the patterns' meaning exactly.
fn ecma_to_rust_regex(mut schema: serde_json::Value) -> serde_json::Value {
    const ECMA: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    fn walk(value: &mut serde_json::Value, replaced: &mut usize) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    if key == "pattern" && item == ECMA {
                        *item = r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$".into();
                        *replaced += 1;
                    } else {
                        walk(item, replaced);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| walk(i, replaced)),
            _ => {}
        }
    }
    let mut replaced = 0;
    walk(&mut schema, &mut replaced);
    assert!(
        replaced > 0,
        "the schema changed: revisit ecma_to_rust_regex"
    );
    schema
}

fn assert_schema_valid(sarif: &serde_json::Value) {
    let Some(schema) = sarif_schema() else {
        return;
    };
    let validator =
        jsonschema::validator_for(&ecma_to_rust_regex(schema)).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema violations: {errors:#?}");
}

fn check_projects(format: &str) -> (i32, String) {
    let (code, out, err) = run(
        &crate_root(),
        &[
            "check",
            // A fixed set of projects, so that new fixtures elsewhere leave the snapshots alone.
            "fixtures/projects/mixed_bad_tf",
            "fixtures/projects/suppressions",
            "fixtures/projects/tf_multi_file",
            "--format",
            format,
            "--select",
            SNAPSHOT_RULES,
            "--report-unused-ignores",
        ],
    );
    assert!(err.starts_with("warning: ") || err.is_empty(), "{err}");
    (code, out)
}

// --- Formats -------------------------------------------------------------------------------

#[test]
fn sarif_on_projects_is_schema_valid_and_stable() {
    let (code, out) = check_projects("sarif");
    assert_eq!(code, 2, "a broken file in mixed_bad_tf");
    let mut sarif = json(&out);
    assert_schema_valid(&sarif);
    let run = &mut sarif["runs"][0];
    // Every result names its rule by index too.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap().clone();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let unused = rules.iter().find(|r| r["id"] == "unused-ignore").unwrap();
    assert_eq!(unused["defaultConfiguration"]["level"], "warning");
    assert_eq!(
        rules.len(),
        privlint::rules::registry::RULES.len() + 1,
        "the registry, then the pseudo-rule"
    );
    // The version, the rule catalogue (tested in the unit tests) and the indexes into it
    // change as privlint grows; the snapshot is about the results.
    let driver = &mut run["tool"]["driver"];
    driver["version"] = "<version>".into();
    driver["semanticVersion"] = "<version>".into();
    driver["rules"] = "<the registry>".into();
    for result in run["results"].as_array_mut().unwrap() {
        result["ruleIndex"] = "<index>".into();
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&sarif).unwrap());
}

#[test]
fn github_on_projects() {
    let (code, out) = check_projects("github");
    assert_eq!(code, 2);
    for line in out.lines() {
        assert_annotation_syntax(line);
    }
    insta::assert_snapshot!(out);
}

#[test]
fn junit_on_projects_parses_back() {
    let (code, out) = check_projects("junit");
    assert_eq!(code, 2);
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let failures: usize = suites
        .iter()
        .map(|s| s.attribute("failures").unwrap().parse::<usize>().unwrap())
        .sum();
    let failure_elements = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, failure_elements);
    assert_eq!(
        root.attribute("failures"),
        Some(failures.to_string().as_str())
    );
    // One suite per file, named by its path.
    let names: Vec<_> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert!(names.contains(&"fixtures/projects/suppressions/cfn/unsuppressed.yaml"));
    let broken = suites
        .iter()
        .find(|s| s.attribute("name") == Some("fixtures/projects/mixed_bad_tf/broken.tf"))
        .unwrap();
    assert_eq!(broken.attribute("errors"), Some("1"));
    let failure = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("testcase")
                && n.attribute("name") == Some("PRV005 endpoint-sg-blocks-https ExecuteApiEndpoint")
        })
        .and_then(|case| case.children().find(|n| n.has_tag_name("failure")))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("error"));
    assert!(
        failure
            .text()
            .unwrap()
            .starts_with("fixtures/projects/suppressions/cfn/unsuppressed.yaml:47:7: error: ")
    );
    let redacted = regex::Regex::new(r#"time="[0-9.]+""#)
        .unwrap()
        .replace(&out, r#"time="<elapsed>""#)
        .into_owned();
    insta::assert_snapshot!(redacted);
}

/// `::error|warning|notice file=..,line=..[,col=..],endLine=..[,endColumn=..],title=..::msg`
fn assert_annotation_syntax(line: &str) {
    let re = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:]+(,line=\d+(,col=\d+)?(,endLine=\d+(,endColumn=\d+)?)?)?,title=[^,:]+::[^\r\n]*$",
    )
    .unwrap();
    assert!(re.is_match(line), "not a workflow command: {line}");
    let props = line.split("::").nth(1).unwrap();
    let get = |key: &str| {
        props
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .trim()
            .split(',')
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            .map(|v| v.parse::<usize>().unwrap())
    };
    if let (Some(start), Some(end)) = (get("line"), get("endLine")) {
        if start != end {
            assert!(get("col").is_none() && get("endColumn").is_none(), "{line}");
        } else if let (Some(col), Some(end_col)) = (get("col"), get("endColumn")) {
            assert!(end_col >= col, "{line}");
        }
    }
}

#[test]
fn github_annotations_multi_line_and_single_line() {
    let root = crate_root();
    let (_, out, _) = run(
        &root,
        &[
            "check",
            "fixtures/projects/suppressions/cfn/unsuppressed.yaml",
            "--format",
            "github",
            "--select",
            "PRV005",
        ],
    );
    // SecurityGroupIds and its list span lines 47-48: no columns.
    assert_eq!(
        out.lines().next().unwrap().split("::").nth(1).unwrap(),
        "error file=fixtures/projects/suppressions/cfn/unsuppressed.yaml,line=47,endLine=48,\
         title=PRV005 endpoint-sg-blocks-https"
    );
    let (_, out, _) = run(
        &root,
        &["check", "fixtures/PRV004/bad.tf", "--format", "github"],
    );
    assert!(
        out.starts_with(
            "::error file=fixtures/PRV004/bad.tf,line=6,col=3,endLine=6,endColumn=31,\
             title=PRV004 vpc-dns-disabled::"
        ),
        "{out}"
    );
    for line in out.lines() {
        assert_annotation_syntax(line);
    }
}

#[test]
fn output_flag_writes_the_report_to_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("report.sarif");
    let (code, out, _) = run(
        &crate_root(),
        &[
            "check",
            "examples",
            "--format",
            "sarif",
            "--output",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(out, "");
    let sarif = json(&std::fs::read_to_string(&target).unwrap());
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);
    assert_schema_valid(&sarif);
}

// --- privlint.toml -----------------------------------------------------------------------

/// A temporary repository (it has `.git`) holding a copy of fixture files at given paths.
fn repo_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    for (to, from) in files {
        let target = tmp.path().join(to);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(crate_root().join(from), target).unwrap();
    }
    tmp
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn config_is_found_upward_and_flags_win() {
    let repo = repo_with(&[("infra/vpc/main.tf", "fixtures/PRV004/bad.tf")]);
    write(repo.path(), "privlint.toml", "ignore = [\"PRV004\"]\n");
    let sub = repo.path().join("infra/vpc");
    let (code, out, err) = run(&sub, &["check", "--format", "json"]);
    assert_eq!((code, found(&json(&out))), (0, vec![]), "{err}");
    // The flag replaces the file's list.
    let (code, out, _) = run(&sub, &["check", "--format", "json", "--ignore", "PRV001"]);
    assert_eq!(code, 1);
    assert_eq!(found(&json(&out)), ["PRV004 main.tf:6:3"]);
    // An explicit --config wins over the one found.
    write(repo.path(), "other.toml", "fail-on = \"never\"\n");
    let (code, out, _) = run(
        &sub,
        &["check", "--format", "json", "--config", "../../other.toml"],
    );
    assert_eq!((code, found(&json(&out)).len()), (0, 1));
    // fail-on from the file, and the flag over it.
    write(repo.path(), "privlint.toml", "fail-on = \"never\"\n");
    assert_eq!(run(&sub, &["check"]).0, 0);
    assert_eq!(run(&sub, &["check", "--fail-on", "error"]).0, 1);
}

#[test]
fn config_above_the_repository_root_is_not_read() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "privlint.toml", "ignore = [\"PRV004\"]\n");
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::copy(
        crate_root().join("fixtures/PRV004/bad.tf"),
        repo.join("main.tf"),
    )
    .unwrap();
    let (code, out, _) = run(&repo, &["check", "--format", "json"]);
    assert_eq!(
        (code, found(&json(&out))),
        (1, vec!["PRV004 main.tf:6:3".to_string()])
    );
}

#[test]
fn config_severity_overrides() {
    let repo = repo_with(&[("main.tf", "fixtures/PRV004/bad.tf")]);
    write(
        repo.path(),
        ".privlint.toml",
        "[severity]\nPRV004 = \"info\"\n",
    );
    let (code, out, _) = run(repo.path(), &["check", "--format", "json"]);
    let report = json(&out);
    assert_eq!(report["findings"][0]["severity"], "info");
    assert_eq!(code, 0, "info is below the default fail-on (warning)");
    let (_, out, _) = run(repo.path(), &["check", "--format", "sarif"]);
    assert_eq!(json(&out)["runs"][0]["results"][0]["level"], "note");
    let (code, _, _) = run(repo.path(), &["check", "--fail-on", "info"]);
    assert_eq!(code, 1);
}

#[test]
fn config_exclude_globs() {
    let repo = repo_with(&[
        ("live/main.tf", "fixtures/PRV004/bad.tf"),
        ("legacy/old/main.tf", "fixtures/PRV003/bad.tf"),
        ("legacy/api.yaml", "fixtures/PRV001/bad.yaml"),
    ]);
    let (_, out, _) = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(found(&json(&out)).len(), 3);
    write(repo.path(), "privlint.toml", "exclude = [\"legacy/**\"]\n");
    let (_, out, _) = run(repo.path(), &["check", "--format", "json"]);
    let report = json(&out);
    assert_eq!(found(&report), ["PRV004 live/main.tf:6:3"]);
    assert_eq!(report["summary"]["files"], 1);
    // From a subdirectory the globs stay relative to the config file.
    let (_, out, _) = run(&repo.path().join("legacy"), &["check", "--format", "json"]);
    assert_eq!(found(&json(&out)), Vec::<String>::new());
    // A file named on the command line is checked all the same.
    let (_, out, _) = run(
        repo.path(),
        &["check", "legacy/api.yaml", "--format", "json"],
    );
    assert_eq!(found(&json(&out)), ["PRV001 legacy/api.yaml:45:3"]);
}

#[test]
fn config_var_files() {
    let mut files = Vec::new();
    for name in [
        "api.tf",
        "endpoint.tf",
        "network.tf",
        "rules.tf",
        "variables.tf",
    ] {
        files.push((
            format!("tf/{name}"),
            format!("fixtures/projects/tf_multi_file/{name}"),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let repo = repo_with(&files);
    // The variable's default (true): clean.
    assert_eq!(run(repo.path(), &["check", "tf"]).0, 0);
    write(
        repo.path(),
        "env/prod.tfvars",
        "enable_dns_hostnames = false\n",
    );
    write(
        repo.path(),
        "privlint.toml",
        "var-files = [\"env/prod.tfvars\"]\n",
    );
    let (code, out, err) = run(repo.path(), &["check", "tf", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(found(&json(&out)), ["PRV004 tf/network.tf:6:3"]);
    // From a subdirectory too: var-files are relative to the config file.
    let (_, out, _) = run(&repo.path().join("tf"), &["check", "--format", "json"]);
    assert_eq!(found(&json(&out)), ["PRV004 network.tf:6:3"]);
}

#[test]
fn config_errors_are_located() {
    let repo = repo_with(&[]);
    write(
        repo.path(),
        "privlint.toml",
        "fail-on = \"error\"\ncolour = \"always\"\n",
    );
    let (code, out, err) = run(repo.path(), &["check"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: privlint.toml:2:1: unknown key `colour` (known: select, ignore, fail-on, \
         exclude, var-files, severity)\n"
    );
    write(
        repo.path(),
        "privlint.toml",
        "select = [\"PRV001\", \"PRV999\"]\n",
    );
    let (code, _, err) = run(repo.path(), &["check"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: privlint.toml:1:21: unknown rule id `PRV999` (see `privlint rules`)\n"
    );
    write(repo.path(), "privlint.toml", "[severity]\nPRV004 = 3\n");
    let (_, _, err) = run(repo.path(), &["check"]);
    assert_eq!(err, "error: privlint.toml:2:10: expected a string\n");
}

// --- Suppressions --------------------------------------------------------------------------

fn check_json(path: &str, extra: &[&str]) -> (i32, Vec<String>, String) {
    let mut args = vec![
        "check",
        path,
        "--format",
        "json",
        "--select",
        SNAPSHOT_RULES,
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&crate_root(), &args);
    (code, found(&json(&out)), err)
}

#[test]
fn terraform_comment_above_a_block() {
    let path = "fixtures/projects/suppressions/tf_block";
    assert_eq!(check_json(path, &[]), (0, vec![], String::new()));
    let (code, found, _) = check_json(path, &["--no-inline-ignores"]);
    assert_eq!(code, 1);
    assert_eq!(found, [format!("PRV003 {path}/main.tf:40:3")]);
}

#[test]
fn terraform_comment_above_an_attribute_without_reason_warns() {
    let path = "fixtures/projects/suppressions/tf_attribute";
    let (code, found, err) = check_json(path, &[]);
    assert_eq!((code, found), (0, vec![]));
    assert_eq!(
        err,
        format!(
            "warning: {path}/main.tf:38:3: suppression `privlint:ignore PRV003` has no reason; \
             write it after the ids: `# privlint:ignore PRV003 <reason>`\n"
        )
    );
    // The human report shows it in place.
    let (_, out, _) = run(&crate_root(), &["check", path]);
    assert!(
        out.contains(&format!("warning: {path}/main.tf:38:3: suppression")),
        "{out}"
    );
    let (_, found, _) = check_json(path, &["--no-inline-ignores"]);
    assert_eq!(found, [format!("PRV003 {path}/main.tf:39:3")]);
}

#[test]
fn several_ids_on_one_comment() {
    let path = "fixtures/projects/suppressions/tf_multi";
    assert_eq!(check_json(path, &[]).1, Vec::<String>::new());
    let (_, found, _) = check_json(path, &["--no-inline-ignores"]);
    assert_eq!(
        found,
        [
            format!("PRV003 {path}/main.tf:39:3"),
            format!("PRV005 {path}/main.tf:41:3")
        ]
    );
}

#[test]
fn yaml_comment_above_the_logical_id() {
    let path = "fixtures/projects/suppressions/cfn/comment.yaml";
    assert_eq!(check_json(path, &[]), (0, vec![], String::new()));
    let (_, found, _) = check_json(path, &["--no-inline-ignores"]);
    assert_eq!(found, [format!("PRV001 {path}:46:3")]);
}

#[test]
fn cloudformation_json_metadata() {
    let path = "fixtures/projects/suppressions/cfn/metadata.json";
    assert_eq!(check_json(path, &[]), (0, vec![], String::new()));
    let (_, found, _) = check_json(path, &["--no-inline-ignores"]);
    assert_eq!(found, [format!("PRV001 {path}:55:5")]);
}

#[test]
fn unused_ignores_are_reported_on_request() {
    let path = "fixtures/projects/suppressions/tf_unused";
    assert_eq!(check_json(path, &[]).0, 0);
    let (code, found, _) = check_json(path, &["--report-unused-ignores"]);
    assert_eq!(
        code, 1,
        "unused-ignore is a warning: the default fail-on fails"
    );
    assert_eq!(found, [format!("unused-ignore {path}/main.tf:3:1")]);
    // A used one is not reported.
    let (_, found, _) = check_json(
        "fixtures/projects/suppressions/tf_block",
        &["--report-unused-ignores"],
    );
    assert!(found.is_empty(), "{found:?}");
    // Metadata entries too (its PRV003 suppresses nothing; PRV005 still fires).
    let yaml = "fixtures/projects/suppressions/cfn/unsuppressed.yaml";
    let (_, found, err) = check_json(yaml, &["--report-unused-ignores"]);
    assert_eq!(
        found,
        [
            format!("unused-ignore {yaml}:38:18"),
            format!("PRV005 {yaml}:47:7")
        ]
    );
    assert!(err.contains("Metadata suppression of PRV003 on ExecuteApiEndpoint has no reason"));
    // --no-inline-ignores: nothing is honoured, so nothing is reported unused.
    let (_, found, _) = check_json(path, &["--report-unused-ignores", "--no-inline-ignores"]);
    assert!(found.is_empty(), "{found:?}");
}

// --- The GitHub Action -----------------------------------------------------------------------

#[test]
fn action_script_on_examples() {
    let tmp = tempfile::tempdir().unwrap();
    let output = tmp.path().join("github_output");
    let sarif = tmp.path().join("privlint.sarif");
    let run_action = |fail_on: &str| {
        std::process::Command::new("bash")
            .arg(crate_root().join("action/run.sh"))
            .env("GITHUB_ACTION_PATH", crate_root())
            .env("GITHUB_WORKSPACE", crate_root())
            .env("GITHUB_OUTPUT", &output)
            .env("PRIVLINT_BIN", env!("CARGO_BIN_EXE_privlint"))
            .env("INPUT_PATH", "examples")
            .env("INPUT_FAIL_ON", fail_on)
            .env("INPUT_SARIF_FILE", &sarif)
            .env("INPUT_ARGS", "")
            .output()
            .unwrap()
    };
    let result = run_action("");
    let stdout = String::from_utf8(result.stdout).unwrap();
    assert_eq!(result.status.code(), Some(1), "{stdout}");
    let annotations: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 3, "{stdout}");
    for line in &annotations {
        assert_annotation_syntax(line);
    }
    assert!(
        annotations[0]
            .starts_with("::error file=examples/cloudformation/private-api.yaml,line=64,col=3,")
    );
    let report = json(&std::fs::read_to_string(&sarif).unwrap());
    assert_eq!(report["runs"][0]["results"].as_array().unwrap().len(), 3);
    assert_schema_valid(&report);
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        format!("sarif-file={}\nexit-code=1\n", sarif.display())
    );
    // fail-on decides the exit code; the SARIF file is written all the same.
    std::fs::remove_file(&sarif).unwrap();
    assert_eq!(run_action("never").status.code(), Some(0));
    assert!(sarif.exists());
    assert_eq!(run_action("error").status.code(), Some(1));
}
