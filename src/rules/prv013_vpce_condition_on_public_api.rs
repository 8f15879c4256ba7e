//! PRV013 vpce-condition-on-public-api
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::policy::VPC_KEYS;
use crate::model::{Model, Tri};

pub struct VpceConditionOnPublicApi;

static META: RuleMeta = RuleMeta {
    id: "PRV013",
    name: "vpce-condition-on-public-api",
    summary: "Non-private REST API policy conditions on aws:SourceVpce or aws:SourceVpc",
    severity: Severity::Warning,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV013.md")),
};

impl Rule for VpceConditionOnPublicApi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for api in &model.rest_apis {
            if api.is_private() != Tri::No {
                continue;
            }
            let Some(policies) = model.policies_of(api) else {
                continue;
            };
            let Some(statement) = policies
                .iter()
                .flat_map(|p| &p.statements)
                .find(|s| s.conditions_on(VPC_KEYS) == Tri::Yes)
            else {
                continue;
            };
            let kind = match api.endpoint_types.known() {
                Some(types) => types.join(", "),
                None => "EDGE (the default)".to_string(),
            };
            out.report(
                &META,
                statement.span,
                &api.meta.address,
                format!(
                    "{} is {kind}, not PRIVATE, but its policy conditions on aws:SourceVpce/aws:SourceVpc: requests to a public endpoint never come through a VPC endpoint, so this statement never matches",
                    api.meta.address
                ),
            )
            .primary_label("VPC endpoint condition on a public API")
            .label(api.endpoint_types.span, format!("endpoint type {kind}"))
            .help("make the API PRIVATE if it is meant to be reached only from VPCs, or remove the VPC condition");
        }
    }
}
