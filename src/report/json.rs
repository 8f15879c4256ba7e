//! `--format json` (SPEC §2): a stable document, key order fixed by the structs below.

use serde::Serialize;

use crate::Outcome;
use crate::source::display_path;

#[derive(Serialize)]
struct Report<'a> {
    version: &'static str,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'a str,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    resource: &'a str,
    message: &'a str,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
}

pub fn render(outcome: &Outcome) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(&report(outcome)).unwrap_or_default();
    out.push('\n');
    out
}

fn report(outcome: &Outcome) -> Report<'_> {
    let findings = outcome
        .findings
        .iter()
        .map(|f| {
            // A finding always points into a file its unit read; the fallback only keeps a
            // broken invariant from taking the report down.
            let (file, start, end) = match outcome.file(f.span.file) {
                Some(src) => (
                    src.display_path(),
                    src.position(f.span.start),
                    src.position(f.span.end),
                ),
                None => {
                    let origin = crate::source::Position { line: 1, column: 1 };
                    (String::new(), origin, origin)
                }
            };
            JsonFinding {
                rule: f.rule,
                name: f.name,
                severity: f.severity.as_str(),
                file,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                resource: &f.resource,
                message: &f.message,
                help: f.help.as_deref(),
            }
        })
        .collect();
    let errors = outcome
        .errors
        .iter()
        .map(|e| JsonError {
            file: display_path(&e.path),
            line: e.line,
            column: e.column,
            message: &e.message,
        })
        .collect();
    Report {
        version: env!("CARGO_PKG_VERSION"),
        findings,
        errors,
        summary: Summary {
            files: outcome.files_scanned,
            findings: outcome.findings.len(),
            errors: outcome.errors.len(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_outcome;

    #[test]
    fn renders_every_key_in_order() {
        let outcome = sample_outcome();
        let expected = format!(
            concat!(
                r#"{{"version":"{}","findings":["#,
                r#"{{"rule":"PRV004","name":"vpc-dns-disabled","severity":"error","#,
                r#""file":"infra/network.tf","line":3,"column":3,"end_line":3,"end_column":31,"#,
                r#""resource":"aws_vpc.core","message":"aws_vpc.core has enable_dns_hostnames "#,
                r#"off, so the private DNS of aws_vpc_endpoint.api cannot resolve","#,
                r#""help":"set enable_dns_hostnames = true"}},"#,
                r#"{{"rule":"PRV001","name":"private-api-missing-policy","severity":"warning","#,
                r#""file":"cfn/api.yaml","line":2,"column":3,"end_line":2,"end_column":7,"#,
                r#""resource":"Api","message":"Api is a \"PRIVATE\" API without a resource "#,
                r#"policy; nobody can invoke it","help":null}},"#,
                r#"{{"rule":"PRV012","name":"endpoint-policy-full-access","severity":"info","#,
                r#""file":"infra/network.tf","line":6,"column":1,"end_line":6,"end_column":34,"#,
                r#""resource":"aws_vpc_endpoint.api","message":"aws_vpc_endpoint.api has no "#,
                r#"endpoint policy, so it allows every call","help":null}}],"#,
                r#""errors":[{{"file":"infra/broken.tf","line":7,"column":1,"#,
                r#""message":"unexpected `}}`"}},"#,
                r#"{{"file":"missing","line":null,"column":null,"#,
                r#""message":"no such file or directory"}}],"#,
                r#""summary":{{"files":12,"findings":3,"errors":2}}}}"#,
            ),
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(serde_json::to_string(&report(&outcome)).unwrap(), expected);
        let pretty: serde_json::Value = serde_json::from_str(&render(&outcome)).unwrap();
        assert_eq!(pretty["summary"]["files"], 12);
    }

    #[test]
    fn empty_outcome() {
        let json = render(&Outcome::default());
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["findings"], serde_json::json!([]));
        assert_eq!(value["errors"], serde_json::json!([]));
        assert_eq!(
            value["summary"],
            serde_json::json!({"files": 0, "findings": 0, "errors": 0})
        );
    }

    #[test]
    fn snapshot() {
        let version_line = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
        let rendered = render(&sample_outcome());
        assert!(rendered.contains(&version_line));
        // The version changes with every release; the snapshot should not.
        insta::assert_snapshot!(rendered.replace(&version_line, "\"version\": \"<version>\""));
    }
}
