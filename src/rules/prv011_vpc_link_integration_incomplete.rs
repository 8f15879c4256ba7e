//! PRV011 vpc-link-integration-incomplete
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::{Model, Value};

pub struct VpcLinkIntegrationIncomplete;

static META: RuleMeta = RuleMeta {
    id: "PRV011",
    name: "vpc-link-integration-incomplete",
    summary: "VPC_LINK integration has no connection id, or a type other than HTTP/HTTP_PROXY",
    severity: Severity::Error,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV011.md")),
};

impl Rule for VpcLinkIntegrationIncomplete {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for integration in &model.integrations {
            if integration.connection_type.known().map(String::as_str) != Some("VPC_LINK") {
                continue;
            }
            if integration.connection_id.is_absent() {
                out.report(
                    &META,
                    integration.connection_type.span,
                    &integration.meta.address,
                    format!(
                        "{} uses connection type VPC_LINK but names no VPC link ({} is missing), so API Gateway rejects the integration",
                        integration.meta.address, integration.connection_id.name
                    ),
                )
                .primary_label(format!("VPC_LINK without {}", integration.connection_id.name))
                .help(format!("set {} to the VPC link's id", integration.connection_id.name));
            }
            if let Value::Known(kind) = &integration.integration_type.value
                && kind != "HTTP"
                && kind != "HTTP_PROXY"
            {
                out.report(
                    &META,
                    integration.integration_type.span,
                    &integration.meta.address,
                    format!(
                        "{} uses connection type VPC_LINK with integration type {kind}; a REST API reaches a VPC link only with HTTP or HTTP_PROXY",
                        integration.meta.address
                    ),
                )
                .primary_label(format!("type {kind} cannot use a VPC link"))
                .help(format!("set {} to HTTP_PROXY (or HTTP)", integration.integration_type.name));
            }
        }
    }
}
