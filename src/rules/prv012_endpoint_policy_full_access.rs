//! PRV012 endpoint-policy-full-access (off by default)
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::policy::{Effect, Principal, Statement};
use crate::model::{Model, Value};

pub struct EndpointPolicyFullAccess;

static META: RuleMeta = RuleMeta {
    id: "PRV012",
    name: "endpoint-policy-full-access",
    summary: "execute-api endpoint has no endpoint policy, or one that allows everything",
    severity: Severity::Info,
    default_on: false,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV012.md")),
};

impl Rule for EndpointPolicyFullAccess {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for ep in model.execute_api_interface_endpoints() {
            match &ep.policy.value {
                Value::Absent => {
                    out.report(
                        &META,
                        ep.meta.header,
                        &ep.meta.address,
                        format!(
                            "{} has no endpoint policy, so it lets any principal in the VPC call any API Gateway API, in any account, through it",
                            ep.meta.address
                        ),
                    )
                    .primary_label("no endpoint policy (full access)")
                    .help(format!(
                        "set {} to allow execute-api:Invoke only on your APIs' ARNs (or only for your accounts)",
                        ep.policy.name
                    ));
                }
                Value::Known(policy) => {
                    if let Some(open) = policy.statements.iter().find(|s| allows_everything(s)) {
                        out.report(
                            &META,
                            open.span,
                            &ep.meta.address,
                            format!(
                                "The endpoint policy of {} allows every execute-api action on every resource to anyone, the same as having no policy",
                                ep.meta.address
                            ),
                        )
                        .primary_label("allows everything")
                        .help("restrict Resource to your APIs' ARNs, or the principal to your accounts");
                    }
                }
                Value::Unknown => {}
            }
        }
    }
}

fn allows_everything(s: &Statement) -> bool {
    let all_actions =
        matches!(&s.actions, Value::Known(a) if a.iter().any(|a| a == "*" || a == "execute-api:*"));
    let all_resources = matches!(&s.resources, Value::Known(r) if r.iter().any(|r| r == "*"));
    let unconditioned = matches!(&s.conditions, Value::Known(c) if c.is_empty());
    s.effect == Value::Known(Effect::Allow)
        && s.principal == Principal::Wildcard
        && all_actions
        && all_resources
        && unconditioned
}
