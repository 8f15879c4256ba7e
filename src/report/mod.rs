//! Reporters: render an `Outcome`. They never re-parse anything.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::Outcome;
use crate::source::{Position, Span};

/// A span as the reports show it: file path (forward slashes), start and end positions.
/// `None` when the span's file is not in the outcome (a broken invariant, not user input).
pub(crate) fn locate(outcome: &Outcome, span: Span) -> Option<(String, Position, Position)> {
    outcome.file(span.file).map(|file| {
        (
            file.display_path(),
            file.position(span.start),
            file.position(span.end),
        )
    })
}

/// `PRV004 vpc-dns-disabled`; a pseudo-rule whose id is its name (`unused-ignore`) once.
pub(crate) fn title(finding: &crate::finding::Finding) -> String {
    if finding.rule == finding.name {
        finding.rule.to_string()
    } else {
        format!("{} {}", finding.rule, finding.name)
    }
}

/// `warning: FILE:LINE:COL: message` for each suppression warning, one per line. The human
/// report prints these after the findings; the machine formats leave them to stderr.
pub fn warning_lines(outcome: &Outcome) -> String {
    let mut out = String::new();
    for warning in &outcome.warnings {
        match locate(outcome, warning.span) {
            Some((file, start, _)) => out.push_str(&format!(
                "warning: {file}:{}:{}: {}\n",
                start.line, start.column, warning.message
            )),
            None => out.push_str(&format!("warning: {}\n", warning.message)),
        }
    }
    out
}

/// A hand-built outcome shared by the reporters' tests.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::PathBuf;
    use std::time::Duration;

    use crate::Outcome;
    use crate::finding::{Finding, Label, Severity};
    use crate::load::LoadError;
    use crate::source::{FileId, SourceFile, Span};

    pub(crate) const NETWORK_TF: &str = "resource \"aws_vpc\" \"core\" {\n  cidr_block           = \"10.0.0.0/16\"\n  enable_dns_hostnames = false\n}\n\nresource \"aws_vpc_endpoint\" \"api\" {\n  vpc_id              = aws_vpc.core.id\n  private_dns_enabled = true\n}\n";

    pub(crate) const API_YAML: &str = "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      EndpointConfiguration:\n        Types: [PRIVATE]\n";

    fn span_of(text: &str, file: FileId, needle: &str) -> Span {
        let start = text.find(needle).unwrap_or(0);
        Span::new(file, start, start + needle.len())
    }

    pub(crate) fn sample_outcome() -> Outcome {
        let net = FileId(0);
        let api = FileId(1);
        Outcome {
            files: vec![
                SourceFile::new(net, PathBuf::from("./infra/network.tf"), NETWORK_TF),
                SourceFile::new(api, PathBuf::from("cfn/api.yaml"), API_YAML),
            ],
            findings: vec![
                Finding {
                    rule: "PRV004",
                    name: "vpc-dns-disabled",
                    severity: Severity::Error,
                    span: span_of(NETWORK_TF, net, "enable_dns_hostnames = false"),
                    resource: "aws_vpc.core".into(),
                    message: "aws_vpc.core has enable_dns_hostnames off, so the private DNS of \
                              aws_vpc_endpoint.api cannot resolve"
                        .into(),
                    primary_label: None,
                    help: Some("set enable_dns_hostnames = true".into()),
                    labels: vec![
                        Label {
                            span: span_of(NETWORK_TF, net, "private_dns_enabled = true"),
                            message: "private DNS asked for here".into(),
                        },
                        Label {
                            span: span_of(API_YAML, api, "Types: [PRIVATE]"),
                            message: "the private API served through it".into(),
                        },
                    ],
                },
                Finding {
                    rule: "PRV001",
                    name: "private-api-missing-policy",
                    severity: Severity::Warning,
                    span: span_of(API_YAML, api, "Api:"),
                    resource: "Api".into(),
                    message: "Api is a \"PRIVATE\" API without a resource policy; nobody can \
                              invoke it"
                        .into(),
                    primary_label: None,
                    help: None,
                    labels: vec![],
                },
                Finding {
                    rule: "PRV012",
                    name: "endpoint-policy-full-access",
                    severity: Severity::Info,
                    span: span_of(NETWORK_TF, net, "resource \"aws_vpc_endpoint\" \"api\""),
                    resource: "aws_vpc_endpoint.api".into(),
                    message: "aws_vpc_endpoint.api has no endpoint policy, so it allows every \
                              call"
                        .into(),
                    primary_label: None,
                    help: None,
                    labels: vec![],
                },
            ],
            errors: vec![
                LoadError::new("infra/broken.tf", "unexpected `}`").at(7, 1),
                LoadError::new("./missing", "no such file or directory"),
            ],
            warnings: vec![],
            files_scanned: 12,
            elapsed: Duration::from_millis(40),
        }
    }
}
