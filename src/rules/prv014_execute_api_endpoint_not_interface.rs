//! PRV014 execute-api-endpoint-not-interface
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::build::defaults;
use crate::model::{Model, Tri};
use crate::resolve::Lang;

pub struct ExecuteApiEndpointNotInterface;

static META: RuleMeta = RuleMeta {
    id: "PRV014",
    name: "execute-api-endpoint-not-interface",
    summary: "execute-api VPC endpoint is not of type Interface (absent means Gateway)",
    severity: Severity::Error,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV014.md")),
};

impl Rule for ExecuteApiEndpointNotInterface {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for ep in model.execute_api_endpoints() {
            if ep.is_interface() != Tri::No {
                continue;
            }
            let actual = match ep.endpoint_type.known() {
                Some(t) => format!("`{t}`"),
                None => format!("`{}` (the default)", defaults::ENDPOINT_TYPE),
            };
            out.report(
                &META,
                ep.endpoint_type.span,
                &ep.meta.address,
                format!(
                    "{} connects to execute-api but its type is {actual}; API Gateway is reachable only through an Interface endpoint, so AWS rejects it",
                    ep.meta.address
                ),
            )
            .primary_label(format!("type is {actual}, not Interface"))
            .label(ep.service.span, "execute-api service named here")
            .help(super::set_hint(
                ep.meta.lang,
                ep.endpoint_type.name,
                if ep.meta.lang == Lang::Terraform { "\"Interface\"" } else { "Interface" },
            ));
        }
    }
}
