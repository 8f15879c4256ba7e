//! Findings: what a rule reports, as plain data. Reporters render them.

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// A secondary span with what it shows ("security group used by the endpoint").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// The most precise span: the offending attribute, or the resource header when absent.
    pub span: Span,
    /// `aws_vpc.main`, `module.net.aws_vpc.this`, or the CloudFormation logical id.
    pub resource: String,
    pub message: String,
    /// Short text under the primary span ("enable_dns_hostnames is off (the default)").
    pub primary_label: Option<String>,
    pub help: Option<String>,
    pub labels: Vec<Label>,
}
