//! PRV008 policy-names-wrong-endpoint
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::{EndpointService, Model, Target, Tri, Value, VpcEndpoint};
use crate::resolve::{TemplatePart, Val};
use crate::source::Span;

pub struct PolicyNamesWrongEndpoint;

static META: RuleMeta = RuleMeta {
    id: "PRV008",
    name: "policy-names-wrong-endpoint",
    summary: "Private API names a VPC endpoint that is not an execute-api interface endpoint",
    severity: Severity::Error,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV008.md")),
};

impl Rule for PolicyNamesWrongEndpoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for api in &model.rest_apis {
            if api.is_private() != Tri::Yes {
                continue;
            }
            // (where it is named, which endpoint, how)
            let mut named: Vec<(Span, &VpcEndpoint, &str)> = Vec::new();
            if let Value::Known(ids) = &api.vpc_endpoint_ids.value {
                for id in ids {
                    if let Some(ep) = id.known().and_then(|t| model.vpc_endpoint(t)) {
                        named.push((id.span, ep, "is associated with the API"));
                    }
                }
            }
            let policies = [&api.policy, &api.body_policy]
                .into_iter()
                .filter_map(|a| a.known())
                .chain(
                    model
                        .rest_api_policies
                        .iter()
                        .filter(|p| {
                            p.rest_api.known().and_then(Target::address) == Some(&api.meta.address)
                        })
                        .filter_map(|p| p.policy.known()),
                );
            for policy in policies {
                for statement in &policy.statements {
                    let Value::Known(conditions) = &statement.conditions else {
                        continue;
                    };
                    for condition in conditions.iter().filter(|c| c.key == "aws:sourcevpce") {
                        for value in &condition.values {
                            let reference = match &value.val {
                                Val::Ref(r) => Some(r),
                                Val::Template(parts) => match parts.as_slice() {
                                    [TemplatePart::Ref(r)] => Some(r),
                                    _ => None,
                                },
                                _ => None,
                            };
                            let ep = reference
                                .and_then(|r| model.vpc_endpoint(&Target::Resource(r.clone())));
                            if let Some(ep) = ep {
                                named.push((
                                    value.span,
                                    ep,
                                    "is named in the policy's aws:SourceVpce",
                                ));
                            }
                        }
                    }
                }
            }
            for (span, ep, how) in named {
                // An execute-api endpoint of the wrong type is PRV014's finding.
                let Value::Known(EndpointService::Other(service)) = &ep.service.value else {
                    continue;
                };
                out.report(
                    &META,
                    span,
                    &api.meta.address,
                    format!(
                        "{} {how}, but it is an endpoint for {service}, not execute-api: calls through the API's real endpoint are denied",
                        ep.meta.address
                    ),
                )
                .primary_label(format!("{} is not an execute-api endpoint", ep.meta.address))
                .label(ep.service.span, format!("{} connects to {service}", ep.meta.address))
                .help("name the execute-api interface endpoint (com.amazonaws.<region>.execute-api) here");
            }
        }
    }
}
