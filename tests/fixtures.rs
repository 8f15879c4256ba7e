//! Every rule fixture gives exactly the findings listed here (rule, file, line, column),
//! and every `good.*` / `unknown.*` fixture gives none. See fixtures/EXPECTED.md.

use std::path::PathBuf;

use privlint::config::Config;

/// `RULE file:line:col` for each finding of a check of `paths`, in report order.
fn findings(paths: &[&str], vars: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    findings_with(paths, vars, None)
}

/// As `findings`, with the default rules plus `extra` (a rule that is off by default).
fn findings_with(
    paths: &[&str],
    vars: &[(&str, &str)],
    extra: Option<&str>,
) -> (Vec<String>, Vec<String>) {
    let select = extra.map(|extra| {
        privlint::rules::registry::RULES
            .iter()
            .map(|r| r.meta())
            .filter(|m| m.default_on || m.id == extra)
            .map(|m| m.id.to_string())
            .collect()
    });
    let config = Config {
        select,
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
    assert_findings_with(path, None, expected);
}

fn assert_findings_with(path: &str, extra: Option<&str>, expected: &[&str]) {
    let (found, errors) = findings_with(&[path], &[], extra);
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

/// Fixtures of a rule that is off by default: run with it selected.
macro_rules! fixture_tests_selecting {
    ($rule:literal; $($name:ident: $path:literal => [$($expected:literal),*];)*) => {
        $(
            #[test]
            fn $name() {
                assert_findings_with($path, Some($rule), &[$($expected),*]);
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
    prv001_good_sam_policy_yaml: "fixtures/PRV001/good_sam_policy.yaml" => [];
    prv001_unknown_tf: "fixtures/PRV001/unknown.tf" => [];
    prv001_unknown_yaml: "fixtures/PRV001/unknown.yaml" => [];

    prv003_bad_tf: "fixtures/PRV003/bad.tf" => ["PRV003 fixtures/PRV003/bad.tf:38:3"];
    prv003_bad_absent_tf: "fixtures/PRV003/bad_absent.tf" => ["PRV003 fixtures/PRV003/bad_absent.tf:34:1"];
    prv003_bad_yaml: "fixtures/PRV003/bad.yaml" => ["PRV003 fixtures/PRV003/bad.yaml:39:7"];
    prv003_bad_json: "fixtures/PRV003/bad.json" => ["PRV003 fixtures/PRV003/bad.json:50:9"];
    prv003_good_tf: "fixtures/PRV003/good.tf" => [];
    prv003_good_openapi_ids_tf: "fixtures/PRV003/good_openapi_ids.tf" => [];
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

    prv002_bad_json: "fixtures/PRV002/bad.json" => ["PRV002 fixtures/PRV002/bad.json:63:13"];
    prv002_bad_tf: "fixtures/PRV002/bad.tf" => ["PRV002 fixtures/PRV002/bad.tf:53:18"];
    prv002_bad_yaml: "fixtures/PRV002/bad.yaml" => ["PRV002 fixtures/PRV002/bad.yaml:55:13"];
    prv002_bad_body_tf: "fixtures/PRV002/bad_body.tf" => ["PRV002 fixtures/PRV002/bad_body.tf:69:20"];
    prv002_bad_body_yaml: "fixtures/PRV002/bad_body.yaml" => ["PRV002 fixtures/PRV002/bad_body.yaml:70:15"];
    prv002_bad_file_tf: "fixtures/PRV002/bad_file.tf" => ["PRV002 fixtures/PRV002/bad_file.tf:54:3"];
    prv002_bad_heredoc_tf: "fixtures/PRV002/bad_heredoc.tf" => ["PRV002 fixtures/PRV002/bad_heredoc.tf:50:3"];
    prv002_bad_policy_document_tf: "fixtures/PRV002/bad_policy_document.tf" => ["PRV002 fixtures/PRV002/bad_policy_document.tf:53:3"];
    prv002_bad_policy_string_yaml: "fixtures/PRV002/bad_policy_string.yaml" => ["PRV002 fixtures/PRV002/bad_policy_string.yaml:52:7"];
    prv002_bad_sam_ip_yaml: "fixtures/PRV002/bad_sam_ip.yaml" => ["PRV002 fixtures/PRV002/bad_sam_ip.yaml:57:11"];
    prv002_good_json: "fixtures/PRV002/good.json" => [];
    prv002_good_tf: "fixtures/PRV002/good.tf" => [];
    prv002_good_yaml: "fixtures/PRV002/good.yaml" => [];
    prv002_good_account_tf: "fixtures/PRV002/good_account.tf" => [];
    prv002_good_body_yaml: "fixtures/PRV002/good_body.yaml" => [];
    prv002_good_deny_tf: "fixtures/PRV002/good_deny.tf" => [];
    prv002_good_policy_document_tf: "fixtures/PRV002/good_policy_document.tf" => [];
    prv002_good_sam_yaml: "fixtures/PRV002/good_sam.yaml" => [];
    prv002_unknown_tf: "fixtures/PRV002/unknown.tf" => [];
    prv002_unknown_yaml: "fixtures/PRV002/unknown.yaml" => [];
    prv002_unknown_value_tf: "fixtures/PRV002/unknown_value.tf" => [];

    prv006_bad_json: "fixtures/PRV006/bad.json" => ["PRV006 fixtures/PRV006/bad.json:74:9"];
    prv006_bad_tf: "fixtures/PRV006/bad.tf" => ["PRV006 fixtures/PRV006/bad.tf:30:5"];
    prv006_bad_yaml: "fixtures/PRV006/bad.yaml" => ["PRV006 fixtures/PRV006/bad.yaml:32:11"];
    prv006_bad_ipv6_tf: "fixtures/PRV006/bad_ipv6.tf" => ["PRV006 fixtures/PRV006/bad_ipv6.tf:41:3"];
    prv006_good_json: "fixtures/PRV006/good.json" => [];
    prv006_good_tf: "fixtures/PRV006/good.tf" => [];
    prv006_good_yaml: "fixtures/PRV006/good.yaml" => [];
    prv006_unknown_tf: "fixtures/PRV006/unknown.tf" => [];
    prv006_unknown_yaml: "fixtures/PRV006/unknown.yaml" => [];

    prv007_bad_json: "fixtures/PRV007/bad.json" => ["PRV007 fixtures/PRV007/bad.json:51:9"];
    prv007_bad_tf: "fixtures/PRV007/bad.tf" => ["PRV007 fixtures/PRV007/bad.tf:33:3"];
    prv007_bad_yaml: "fixtures/PRV007/bad.yaml" => ["PRV007 fixtures/PRV007/bad.yaml:34:7"];
    prv007_bad_same_az_tf: "fixtures/PRV007/bad_same_az.tf" => ["PRV007 fixtures/PRV007/bad_same_az.tf:40:3"];
    prv007_good_json: "fixtures/PRV007/good.json" => [];
    prv007_good_tf: "fixtures/PRV007/good.tf" => [];
    prv007_good_yaml: "fixtures/PRV007/good.yaml" => [];
    prv007_unknown_tf: "fixtures/PRV007/unknown.tf" => [];
    prv007_unknown_yaml: "fixtures/PRV007/unknown.yaml" => [];
    prv007_unknown_az_tf: "fixtures/PRV007/unknown_az.tf" => [];

    prv008_bad_json: "fixtures/PRV008/bad.json" => ["PRV008 fixtures/PRV008/bad.json:69:52"];
    prv008_bad_tf: "fixtures/PRV008/bad.tf" => ["PRV008 fixtures/PRV008/bad.tf:59:45"];
    prv008_bad_yaml: "fixtures/PRV008/bad.yaml" => ["PRV008 fixtures/PRV008/bad.yaml:54:13"];
    prv008_good_json: "fixtures/PRV008/good.json" => [];
    prv008_good_tf: "fixtures/PRV008/good.tf" => [];
    prv008_good_yaml: "fixtures/PRV008/good.yaml" => [];
    prv008_unknown_tf: "fixtures/PRV008/unknown.tf" => [];
    prv008_unknown_yaml: "fixtures/PRV008/unknown.yaml" => [];

    prv009_bad_tf: "fixtures/PRV009/bad.tf" => ["PRV009 fixtures/PRV009/bad.tf:86:1"];
    prv009_good_json: "fixtures/PRV009/good.json" => [];
    prv009_good_tf: "fixtures/PRV009/good.tf" => [];
    prv009_good_yaml: "fixtures/PRV009/good.yaml" => [];
    prv009_good_regional_tf: "fixtures/PRV009/good_regional.tf" => [];
    prv009_unknown_tf: "fixtures/PRV009/unknown.tf" => [];

    prv010_bad_json: "fixtures/PRV010/bad.json" => ["PRV010 fixtures/PRV010/bad.json:88:24"];
    prv010_bad_tf: "fixtures/PRV010/bad.tf" => ["PRV010 fixtures/PRV010/bad.tf:74:18"];
    prv010_bad_yaml: "fixtures/PRV010/bad.yaml" => ["PRV010 fixtures/PRV010/bad.yaml:76:11"];
    prv010_bad_absent_tf: "fixtures/PRV010/bad_absent.tf" => ["PRV010 fixtures/PRV010/bad_absent.tf:73:18"];
    prv010_good_json: "fixtures/PRV010/good.json" => [];
    prv010_good_tf: "fixtures/PRV010/good.tf" => [];
    prv010_good_yaml: "fixtures/PRV010/good.yaml" => [];
    prv010_unknown_tf: "fixtures/PRV010/unknown.tf" => [];
    prv010_unknown_yaml: "fixtures/PRV010/unknown.yaml" => [];

    prv011_bad_json: "fixtures/PRV011/bad.json" => ["PRV011 fixtures/PRV011/bad.json:108:11"];
    prv011_bad_tf: "fixtures/PRV011/bad.tf" => ["PRV011 fixtures/PRV011/bad.tf:96:3"];
    prv011_bad_yaml: "fixtures/PRV011/bad.yaml" => ["PRV011 fixtures/PRV011/bad.yaml:94:9"];
    prv011_bad_type_tf: "fixtures/PRV011/bad_type.tf" => ["PRV011 fixtures/PRV011/bad_type.tf:93:3"];
    prv011_good_json: "fixtures/PRV011/good.json" => [];
    prv011_good_tf: "fixtures/PRV011/good.tf" => [];
    prv011_good_yaml: "fixtures/PRV011/good.yaml" => [];
    prv011_unknown_tf: "fixtures/PRV011/unknown.tf" => [];
    prv011_unknown_yaml: "fixtures/PRV011/unknown.yaml" => [];

    prv013_bad_json: "fixtures/PRV013/bad.json" => ["PRV013 fixtures/PRV013/bad.json:68:13"];
    prv013_bad_tf: "fixtures/PRV013/bad.tf" => ["PRV013 fixtures/PRV013/bad.tf:49:18"];
    prv013_bad_yaml: "fixtures/PRV013/bad.yaml" => ["PRV013 fixtures/PRV013/bad.yaml:55:13"];
    prv013_good_json: "fixtures/PRV013/good.json" => [];
    prv013_good_tf: "fixtures/PRV013/good.tf" => [];
    prv013_good_yaml: "fixtures/PRV013/good.yaml" => [];
    prv013_unknown_tf: "fixtures/PRV013/unknown.tf" => [];
    prv013_unknown_yaml: "fixtures/PRV013/unknown.yaml" => [];
}

fixture_tests_selecting! {
    "PRV012";
    prv012_bad_json: "fixtures/PRV012/bad.json" => ["PRV012 fixtures/PRV012/bad.json:44:5"];
    prv012_bad_tf: "fixtures/PRV012/bad.tf" => ["PRV012 fixtures/PRV012/bad.tf:35:1"];
    prv012_bad_yaml: "fixtures/PRV012/bad.yaml" => ["PRV012 fixtures/PRV012/bad.yaml:48:13"];
    prv012_bad_full_tf: "fixtures/PRV012/bad_full.tf" => ["PRV012 fixtures/PRV012/bad_full.tf:44:18"];
    prv012_good_json: "fixtures/PRV012/good.json" => [];
    prv012_good_tf: "fixtures/PRV012/good.tf" => [];
    prv012_good_yaml: "fixtures/PRV012/good.yaml" => [];
    prv012_good_policy_resource_tf: "fixtures/PRV012/good_policy_resource.tf" => [];
    prv012_unknown_tf: "fixtures/PRV012/unknown.tf" => [];
    prv012_unknown_yaml: "fixtures/PRV012/unknown.yaml" => [];
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
fn the_tutorial_claims_api_only_lacks_a_redeploy_trigger() {
    let (found, errors) = findings(&["fixtures/projects/claims_api"], &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        found,
        ["PRV009 fixtures/projects/claims_api/deployment.tf:4:1"]
    );
}

#[test]
fn a_policy_naming_the_dynamodb_endpoint_is_caught() {
    let dir = "fixtures/projects/claims_api_wrong_endpoint";
    let (found, errors) = findings(&[dir], &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        found,
        [
            "PRV009 fixtures/projects/claims_api_wrong_endpoint/deployment.tf:4:1",
            "PRV008 fixtures/projects/claims_api_wrong_endpoint/policy.tf:24:32",
        ]
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
