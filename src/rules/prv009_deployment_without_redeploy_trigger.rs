//! PRV009 deployment-without-redeploy-trigger
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::{Model, Tri};
use crate::resolve::Lang;

pub struct DeploymentWithoutRedeployTrigger;

static META: RuleMeta = RuleMeta {
    id: "PRV009",
    name: "deployment-without-redeploy-trigger",
    summary: "Deployment of a private API has no triggers, so changes never reach the stage",
    severity: Severity::Warning,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV009.md")),
};

impl Rule for DeploymentWithoutRedeployTrigger {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for deployment in &model.deployments {
            // CloudFormation replaces a deployment only when its logical id changes; this
            // Terraform-specific trap is about `triggers`.
            if deployment.meta.lang != Lang::Terraform || !deployment.triggers.is_absent() {
                continue;
            }
            let Some(api) = deployment.rest_api.known().and_then(|t| model.rest_api(t)) else {
                continue;
            };
            if api.is_private() != Tri::Yes {
                continue;
            }
            out.report(
                &META,
                deployment.meta.header,
                &deployment.meta.address,
                format!(
                    "{} has no triggers, so later changes to the policy or methods of {} are never deployed to the stage (depends_on only orders the first creation)",
                    deployment.meta.address, api.meta.address
                ),
            )
            .primary_label("no triggers")
            .label(api.meta.header, format!("{} is a private API", api.meta.address))
            .help("add triggers = { redeployment = sha1(jsonencode([...the policy, resources, methods and integrations...])) } and lifecycle { create_before_destroy = true }");
        }
    }
}
