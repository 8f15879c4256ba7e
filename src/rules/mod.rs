//! Rules read the model and report findings; they know nothing of HCL, JSON or YAML.

pub mod registry;

mod prv001_private_api_missing_policy;
mod prv002_private_api_policy_unscoped;
mod prv003_endpoint_private_dns_disabled;
mod prv004_vpc_dns_disabled;
mod prv005_endpoint_sg_blocks_https;
mod prv006_endpoint_sg_open_to_world;
mod prv007_endpoint_single_az;
mod prv008_policy_names_wrong_endpoint;
mod prv009_deployment_without_redeploy_trigger;
mod prv010_vpc_link_target_not_nlb;
mod prv011_vpc_link_integration_incomplete;
mod prv012_endpoint_policy_full_access;
mod prv013_vpce_condition_on_public_api;
mod prv014_execute_api_endpoint_not_interface;

use crate::finding::{Finding, Label, Severity};
use crate::model::Model;
use crate::source::Span;

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    pub severity: Severity,
    pub default_on: bool,
    /// `rules/PRVnnn.md`, compiled in.
    pub docs: &'static str,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, model: &Model, out: &mut Findings);
}

/// Collects findings of one rule run.
#[derive(Debug, Default)]
pub struct Findings {
    pub items: Vec<Finding>,
}

impl Findings {
    /// Start a finding of `meta` at `span` on `resource`; refine it with the builder.
    pub fn report(
        &mut self,
        meta: &'static RuleMeta,
        span: Span,
        resource: &str,
        message: impl Into<String>,
    ) -> FindingBuilder<'_> {
        self.items.push(Finding {
            rule: meta.id,
            name: meta.name,
            severity: meta.severity,
            span,
            resource: resource.to_string(),
            message: message.into(),
            primary_label: None,
            help: None,
            labels: Vec::new(),
        });
        let last = self.items.len() - 1;
        FindingBuilder {
            finding: &mut self.items[last],
        }
    }
}

pub struct FindingBuilder<'a> {
    finding: &'a mut Finding,
}

impl FindingBuilder<'_> {
    pub fn label(self, span: Span, message: impl Into<String>) -> Self {
        self.finding.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// The text under the primary span, when the message's first clause would not fit.
    pub fn primary_label(self, text: impl Into<String>) -> Self {
        self.finding.primary_label = Some(text.into());
        self
    }

    pub fn help(self, help: impl Into<String>) -> Self {
        self.finding.help = Some(help.into());
        self
    }
}

/// "set X = Y" in the resource's own language, for help lines.
pub(crate) fn set_hint(lang: crate::resolve::Lang, name: &str, value: &str) -> String {
    match lang {
        crate::resolve::Lang::Terraform => format!("set {name} = {value}"),
        crate::resolve::Lang::CloudFormation => format!("set {name}: {value}"),
    }
}
