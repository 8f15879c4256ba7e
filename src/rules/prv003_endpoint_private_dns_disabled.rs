//! PRV003 endpoint-private-dns-disabled
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::build::defaults;
use crate::model::{Model, Target, Tri, Value, VpcEndpoint};

pub struct EndpointPrivateDnsDisabled;

static META: RuleMeta = RuleMeta {
    id: "PRV003",
    name: "endpoint-private-dns-disabled",
    summary: "execute-api interface endpoint has private DNS off and no API associates it",
    severity: Severity::Warning,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV003.md")),
};

impl Rule for EndpointPrivateDnsDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for ep in model.execute_api_interface_endpoints() {
            if ep.private_dns.with_default(defaults::ENDPOINT_PRIVATE_DNS) != Tri::No
                || listed_by_an_api(model, ep) != Tri::No
            {
                continue;
            }
            let state = if ep.private_dns.is_absent() {
                "off (the default)"
            } else {
                "off"
            };
            out.report(
                &META,
                ep.private_dns.span,
                &ep.meta.address,
                format!(
                    "{} has private DNS {state} and no API lists it in its VPC endpoint ids, so clients in the VPC cannot resolve {{api-id}}.execute-api.{{region}}.amazonaws.com",
                    ep.meta.address
                ),
            )
            .primary_label(format!("{} is {state}", ep.private_dns.name))
            .help(format!(
                "{} (the VPC needs DNS hostnames and DNS support on), or list the endpoint in the API's VPC endpoint ids and call it through the endpoint's own hostname",
                super::set_hint(ep.meta.lang, ep.private_dns.name, "true")
            ));
        }
    }
}

/// Is the endpoint named in some API's `vpc_endpoint_ids`? Unknown lists count as maybe.
fn listed_by_an_api(model: &Model, ep: &VpcEndpoint) -> Tri {
    Tri::any(
        model
            .rest_apis
            .iter()
            .map(|api| match &api.vpc_endpoint_ids.value {
                Value::Absent => Tri::No,
                Value::Unknown => Tri::Maybe,
                Value::Known(ids) => Tri::any(ids.iter().map(|id| match id.known() {
                    Some(Target::Resource(r)) => Tri::from_bool(r.target == ep.meta.address),
                    Some(Target::Literal(_)) => Tri::No,
                    None => Tri::Maybe,
                })),
            }),
    )
}
