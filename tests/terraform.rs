//! Terraform as Terraform evaluates it: modules, count/for_each, dynamic blocks, downloaded
//! and remote modules, `.tf.json`, plan JSON. Each project under fixtures/projects/ gives
//! exactly the findings listed (rule, file:line:column, resource address).

use std::path::PathBuf;

use privlint::config::Config;

/// `RULE file:line:col resource` for each finding of a check of `paths`, in report order,
/// and the errors as `file:line:col`.
fn check(paths: &[&str]) -> (Vec<String>, Vec<String>) {
    let config = Config {
        paths: paths.iter().map(PathBuf::from).collect(),
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
                "{} {}:{}:{} {}",
                f.rule,
                file.display_path(),
                at.line,
                at.column,
                f.resource
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
    let (found, errors) = check(&[path]);
    assert!(errors.is_empty(), "{path}: unexpected errors {errors:?}");
    assert_eq!(found, expected, "findings of {path}");
}

#[test]
fn local_module_input_overrides_its_default_and_the_finding_is_in_the_module() {
    // Also: the root endpoint's `vpc_id = module.network.vpc_id` links to the module's VPC.
    assert_findings(
        "fixtures/projects/tf_local_module",
        &[
            "PRV004 fixtures/projects/tf_local_module/modules/network/main.tf:21:3 module.network.aws_vpc.this",
        ],
    );
}

#[test]
fn a_called_module_directory_is_not_a_root_of_its_own() {
    // Scanning only the module directory still evaluates it as a root (nobody calls it).
    assert_findings("fixtures/projects/tf_local_module/modules/network", &[]);
    // Scanning only the caller reads the module from outside the scanned path.
    assert_findings(
        "fixtures/projects/tf_local_module/root",
        &[
            "PRV004 fixtures/projects/tf_local_module/modules/network/main.tf:21:3 module.network.aws_vpc.this",
        ],
    );
}

#[test]
fn module_called_twice_reports_only_the_bad_instance() {
    assert_findings(
        "fixtures/projects/tf_module_twice",
        &["PRV004 fixtures/projects/tf_module_twice/stack/main.tf:15:3 module.dev.aws_vpc.this"],
    );
}

#[test]
fn count_and_for_each_expand_and_count_zero_removes() {
    // `aws_vpc.legacy` (DNS hostnames off) and its endpoint have `count = 0`: no PRV004.
    assert_findings(
        "fixtures/projects/tf_count_for_each",
        &[
            r#"PRV003 fixtures/projects/tf_count_for_each/main.tf:45:3 aws_vpc_endpoint.interface["api_by_hostname"]"#,
        ],
    );
}

#[test]
fn dynamic_ingress_over_local_lists() {
    assert_findings(
        "fixtures/projects/tf_dynamic_ingress",
        &["PRV005 fixtures/projects/tf_dynamic_ingress/main.tf:72:3 aws_vpc_endpoint.bad"],
    );
}

#[test]
fn downloaded_module_is_read_through_modules_json() {
    assert_findings(
        "fixtures/projects/tf_downloaded_module",
        &[
            "PRV004 fixtures/projects/tf_downloaded_module/.terraform/modules/network/main.tf:21:3 module.network.aws_vpc.this",
        ],
    );
}

#[test]
fn remote_module_not_downloaded_gives_nothing() {
    assert_findings("fixtures/projects/tf_remote_module", &[]);
}

#[test]
fn tf_json_module_joins_like_tf_files() {
    assert_findings(
        "fixtures/projects/tf_json_module",
        &[
            "PRV004 fixtures/projects/tf_json_module/network/main.tf.json:12:9 module.network.aws_vpc.this",
        ],
    );
}

#[test]
fn plan_json_alone_is_evaluated_and_points_into_the_plan() {
    // `enable_dns_hostnames` is unknown after apply and absent from `configuration`: Absent,
    // default false. The endpoint's unknown `vpc_id` links through its references.
    assert_findings(
        "fixtures/projects/tf_plan/plan_only",
        &["PRV004 fixtures/projects/tf_plan/plan_only/plan.json:99:22 aws_vpc.core"],
    );
}

#[test]
fn plan_json_beside_its_sources_defers_to_them() {
    assert_findings(
        "fixtures/projects/tf_plan/with_sources",
        &["PRV004 fixtures/projects/tf_plan/with_sources/main.tf:4:1 aws_vpc.core"],
    );
    // Named on the command line, the plan is evaluated whatever sits beside it.
    let (found, errors) = check(&["fixtures/projects/tf_plan/with_sources/plan.json"]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        found,
        ["PRV004 fixtures/projects/tf_plan/with_sources/plan.json:99:22 aws_vpc.core"]
    );
}

#[test]
fn module_recursion_and_local_cycles_end() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
locals {
  a = local.b
  b = local.a
}
module "again" {
  source = "./"
  dns    = local.a
}
resource "aws_vpc" "v" {
  enable_dns_hostnames = local.a
}
resource "aws_vpc_endpoint" "e" {
  vpc_id              = aws_vpc.v.id
  service_name        = "com.amazonaws.us-east-1.execute-api"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
}
"#,
    )
    .unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let (found, errors) = check(&[&path]);
    assert!(errors.is_empty(), "{errors:?}");
    // DNS hostnames are Unknown (a cycle): no PRV004. The module calling itself adds
    // nothing: the endpoint's PRV005 (no security group listed) appears once.
    let file = format!("{}/main.tf", privlint::source::display_path(dir.path()));
    assert_eq!(found, [format!("PRV005 {file}:13:1 aws_vpc_endpoint.e")]);
}
