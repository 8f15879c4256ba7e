//! Every rule fixture gives exactly the findings listed here (rule, file, line, column),
//! and every `good.*` / `unknown.*` fixture gives none. See fixtures/EXPECTED.md.

use std::path::PathBuf;

use privlint::config::Config;

/// `RULE file:line:col` for each finding of a check of `paths`, in report order.
fn findings(paths: &[&str], vars: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    let config = Config {
        paths: paths.iter().map(PathBuf::from).collect(),
        vars: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Config::default()
    };
    let outcome = privlint::check(&config).expect("the check runs");
    let found = outcome
        .findings
        .iter()
        .map(|f| {
            let file = outcome.file(f.span.file).expect("finding's file is known");
            let at = file.position(f.span.start);
            format!(
                "{} {}:{}:{}",
                f.rule,
                file.display_path(),
                at.line,
                at.column
            )
        })
        .collect();
    let errors = outcome
        .errors
        .iter()
        .map(|e| {
            format!(
                "{}:{}:{}",
                privlint::source::display_path(&e.path),
                e.line.unwrap_or(0),
                e.column.unwrap_or(0)
            )
        })
        .collect();
    (found, errors)
}

fn assert_findings(path: &str, expected: &[&str]) {
    let (found, errors) = findings(&[path], &[]);
    assert!(errors.is_empty(), "{path}: unexpected errors {errors:?}");
    assert_eq!(found, expected, "findings of {path}");
}

macro_rules! fixture_tests {
    ($($name:ident: $path:literal => [$($expected:literal),*];)*) => {
        $(
            #[test]
            fn $name() {
                assert_findings($path, &[$($expected),*]);
            }
        )*
    };
}

fixture_tests! {
    prv001_bad_tf: "fixtures/PRV001/bad.tf" => ["PRV001 fixtures/PRV001/bad.tf:43:1"];
    prv001_bad_yaml: "fixtures/PRV001/bad.yaml" => ["PRV001 fixtures/PRV001/bad.yaml:45:3"];
    prv001_bad_json: "fixtures/PRV001/bad.json" => ["PRV001 fixtures/PRV001/bad.json:55:5"];
    prv001_good_tf: "fixtures/PRV001/good.tf" => [];
    prv001_good_yaml: "fixtures/PRV001/good.yaml" => [];
    prv001_good_json: "fixtures/PRV001/good.json" => [];
    prv001_unknown_tf: "fixtures/PRV001/unknown.tf" => [];
    prv001_unknown_yaml: "fixtures/PRV001/unknown.yaml" => [];

    prv003_bad_tf: "fixtures/PRV003/bad.tf" => ["PRV003 fixtures/PRV003/bad.tf:38:3"];
    prv003_bad_absent_tf: "fixtures/PRV003/bad_absent.tf" => ["PRV003 fixtures/PRV003/bad_absent.tf:34:1"];
    prv003_bad_yaml: "fixtures/PRV003/bad.yaml" => ["PRV003 fixtures/PRV003/bad.yaml:39:7"];
    prv003_bad_json: "fixtures/PRV003/bad.json" => ["PRV003 fixtures/PRV003/bad.json:50:9"];
    prv003_good_tf: "fixtures/PRV003/good.tf" => [];
    prv003_good_yaml: "fixtures/PRV003/good.yaml" => [];
    prv003_good_json: "fixtures/PRV003/good.json" => [];
    prv003_unknown_tf: "fixtures/PRV003/unknown.tf" => [];
    prv003_unknown_yaml: "fixtures/PRV003/unknown.yaml" => [];

    prv004_bad_tf: "fixtures/PRV004/bad.tf" => ["PRV004 fixtures/PRV004/bad.tf:6:3"];
    prv004_bad_absent_tf: "fixtures/PRV004/bad_absent.tf" => ["PRV004 fixtures/PRV004/bad_absent.tf:3:1"];
    prv004_bad_yaml: "fixtures/PRV004/bad.yaml" => ["PRV004 fixtures/PRV004/bad.yaml:10:7"];
    prv004_bad_json: "fixtures/PRV004/bad.json" => ["PRV004 fixtures/PRV004/bad.json:10:9"];
    prv004_good_tf: "fixtures/PRV004/good.tf" => [];
    prv004_good_yaml: "fixtures/PRV004/good.yaml" => [];
    prv004_good_json: "fixtures/PRV004/good.json" => [];
    prv004_unknown_tf: "fixtures/PRV004/unknown.tf" => [];
    prv004_unknown_yaml: "fixtures/PRV004/unknown.yaml" => [];

    prv005_bad_tf: "fixtures/PRV005/bad.tf" => ["PRV005 fixtures/PRV005/bad.tf:40:3"];
    prv005_bad_default_sg_tf: "fixtures/PRV005/bad_default_sg.tf" => ["PRV005 fixtures/PRV005/bad_default_sg.tf:21:1"];
    prv005_bad_yaml: "fixtures/PRV005/bad.yaml" => ["PRV005 fixtures/PRV005/bad.yaml:43:7"];
    prv005_bad_json: "fixtures/PRV005/bad.json" => ["PRV005 fixtures/PRV005/bad.json:52:9"];
    prv005_good_tf: "fixtures/PRV005/good.tf" => [];
    prv005_good_yaml: "fixtures/PRV005/good.yaml" => [];
    prv005_good_json: "fixtures/PRV005/good.json" => [];
    prv005_unknown_tf: "fixtures/PRV005/unknown.tf" => [];
    prv005_unknown_yaml: "fixtures/PRV005/unknown.yaml" => [];

    prv014_bad_tf: "fixtures/PRV014/bad.tf" => ["PRV014 fixtures/PRV014/bad.tf:37:3"];
    prv014_bad_absent_tf: "fixtures/PRV014/bad_absent.tf" => ["PRV014 fixtures/PRV014/bad_absent.tf:34:1"];
    prv014_bad_yaml: "fixtures/PRV014/bad.yaml" => ["PRV014 fixtures/PRV014/bad.yaml:38:7"];
    prv014_bad_json: "fixtures/PRV014/bad.json" => ["PRV014 fixtures/PRV014/bad.json:44:5"];
    prv014_good_tf: "fixtures/PRV014/good.tf" => [];
    prv014_good_yaml: "fixtures/PRV014/good.yaml" => [];
    prv014_good_json: "fixtures/PRV014/good.json" => [];
    prv014_unknown_tf: "fixtures/PRV014/unknown.tf" => [];
    prv014_unknown_yaml: "fixtures/PRV014/unknown.yaml" => [];
}

#[test]
fn multi_file_module_reads_tfvars_and_rules_from_other_files() {
    let dir = "fixtures/projects/tf_multi_file";
    let (found, errors) = findings(&[dir], &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        found,
        ["PRV004 fixtures/projects/tf_multi_file/network.tf:6:3"]
    );
    // The same module with the tfvars value overridden: the finding goes away.
    let (found, _) = findings(&[dir], &[("enable_dns_hostnames", "true")]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn multi_file_module_follows_a_changed_tfvars_file() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let src = PathBuf::from("fixtures/projects/tf_multi_file");
    for entry in std::fs::read_dir(&src).expect("fixture dir") {
        let entry = entry.expect("dir entry");
        std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).expect("copy");
    }
    let tfvars = tmp.path().join("terraform.tfvars");
    let text = std::fs::read_to_string(&tfvars).expect("tfvars");
    assert!(text.contains("enable_dns_hostnames = false"), "{text}");
    let path = tmp.path().to_string_lossy().to_string();
    let (found, _) = findings(&[&path], &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    std::fs::write(
        &tfvars,
        text.replace(
            "enable_dns_hostnames = false",
            "enable_dns_hostnames = true",
        ),
    )
    .expect("write tfvars");
    let (found, _) = findings(&[&path], &[]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_broken_file_is_an_error_and_the_good_file_is_still_checked() {
    let (found, errors) = findings(&["fixtures/projects/mixed_bad_tf"], &[]);
    assert_eq!(errors, ["fixtures/projects/mixed_bad_tf/broken.tf:5:26"]);
    assert_eq!(
        found,
        ["PRV014 fixtures/projects/mixed_bad_tf/good.tf:36:3"]
    );
}

#[test]
fn examples_give_the_documented_findings() {
    let (found, errors) = findings(&["examples"], &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        found,
        [
            "PRV001 examples/cloudformation/private-api.yaml:64:3",
            "PRV005 examples/terraform/endpoint.tf:25:3",
            "PRV004 examples/terraform/network.tf:11:1",
        ]
    );
}
