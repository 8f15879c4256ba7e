//! PRV001 private-api-missing-policy
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::{Model, RestApi, Target, Tri, Value};
use crate::resolve::Lang;

pub struct PrivateApiMissingPolicy;

static META: RuleMeta = RuleMeta {
    id: "PRV001",
    name: "private-api-missing-policy",
    summary: "Private REST API has no resource policy, so it cannot be deployed or invoked",
    severity: Severity::Error,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV001.md")),
};

impl Rule for PrivateApiMissingPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for api in &model.rest_apis {
            if api.is_private() != Tri::Yes || has_policy(model, api) != Tri::No {
                continue;
            }
            let help = match (api.meta.lang, api.meta.kind.as_str()) {
                (Lang::Terraform, _) => {
                    "attach a resource policy (the `policy` argument or an aws_api_gateway_rest_api_policy) that allows execute-api:Invoke only through your VPC endpoint (condition on aws:SourceVpce)"
                }
                (_, "AWS::Serverless::Api") => {
                    "add Auth.ResourcePolicy (e.g. IntrinsicVpceWhitelist with your endpoint) so that SAM attaches a policy"
                }
                _ => {
                    "add a `Policy` that allows execute-api:Invoke only through your VPC endpoint (condition on aws:SourceVpce)"
                }
            };
            out.report(
                &META,
                api.meta.header,
                &api.meta.address,
                format!(
                    "{} is a PRIVATE API with no resource policy, so API Gateway refuses to deploy it and no client can invoke it",
                    api.meta.address
                ),
            )
            .primary_label("private API without a resource policy")
            .label(api.endpoint_types.span, "endpoint type PRIVATE set here")
            .help(help);
        }
    }
}

/// Does anything give this API a policy? Unknown sources count as "maybe".
fn has_policy(model: &Model, api: &RestApi) -> Tri {
    let inline = match (&api.policy.value, &api.body_policy.value) {
        (Value::Absent, Value::Absent) => Tri::No,
        (Value::Known(_), _) | (_, Value::Known(_)) => Tri::Yes,
        _ => Tri::Maybe,
    };
    let attached = model
        .rest_api_policies
        .iter()
        .map(|p| match p.rest_api.known() {
            Some(Target::Resource(r)) => Tri::from_bool(r.target == api.meta.address),
            Some(Target::Literal(_)) => Tri::No,
            None => Tri::Maybe,
        });
    Tri::any(std::iter::once(inline).chain(attached))
}
