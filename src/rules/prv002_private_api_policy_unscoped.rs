//! PRV002 private-api-policy-unscoped
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::policy::{Effect, Policy, Principal, SCOPING_KEYS, Statement};
use crate::model::{Model, Tri, Value};

pub struct PrivateApiPolicyUnscoped;

static META: RuleMeta = RuleMeta {
    id: "PRV002",
    name: "private-api-policy-unscoped",
    summary: "Private API policy lets anyone invoke without a VPC, endpoint, org or account condition",
    severity: Severity::Error,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV002.md")),
};

const INVOKE: &str = "execute-api:invoke";

impl Rule for PrivateApiPolicyUnscoped {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for api in &model.rest_apis {
            if api.is_private() != Tri::Yes {
                continue;
            }
            // Any unknowable policy source: stay quiet.
            let Some(policies) = model.policies_of(api) else {
                continue;
            };
            let statements: Vec<&Statement> = policies
                .iter()
                .flat_map(|p: &&Policy| &p.statements)
                .collect();
            if Tri::any(statements.iter().map(|s| deny_scopes(s))) != Tri::No {
                continue;
            }
            let Some(open) = statements
                .iter()
                .find(|s| allows_anyone_unscoped(s) == Tri::Yes)
            else {
                continue;
            };
            out.report(
                &META,
                open.span,
                &api.meta.address,
                format!(
                    "The policy of {} allows execute-api:Invoke to any principal with no condition on aws:SourceVpce, aws:SourceVpc, aws:PrincipalOrgID or aws:PrincipalAccount, so a VPC endpoint in any AWS account can invoke this private API",
                    api.meta.address
                ),
            )
            .primary_label("allows anyone, from any VPC endpoint")
            .label(api.meta.header, format!("{} is a private API", api.meta.address))
            .help("add a condition such as StringEquals aws:SourceVpce = your endpoint's id to this Allow, or a Deny with StringNotEquals aws:SourceVpce");
        }
    }
}

/// An Allow to the wildcard principal covering Invoke, with no scoping condition.
fn allows_anyone_unscoped(s: &Statement) -> Tri {
    if s.effect != Value::Known(Effect::Allow) || s.principal != Principal::Wildcard {
        return Tri::No;
    }
    match (s.covers_action(INVOKE), s.conditions_on(SCOPING_KEYS)) {
        (Tri::Yes, Tri::No) => Tri::Yes,
        (Tri::No, _) | (_, Tri::Yes) => Tri::No,
        _ => Tri::Maybe,
    }
}

/// A Deny covering Invoke for everyone unless a scoping key matches (negated operator).
fn deny_scopes(s: &Statement) -> Tri {
    let effect = match s.effect {
        Value::Known(Effect::Deny) => Tri::Yes,
        Value::Known(Effect::Allow) => return Tri::No,
        _ => Tri::Maybe,
    };
    let negated_scope = match &s.conditions {
        Value::Known(conditions) => Tri::from_bool(
            conditions
                .iter()
                .any(|c| c.is_negated() && SCOPING_KEYS.contains(&c.key.as_str())),
        ),
        _ => Tri::Maybe,
    };
    let everyone = match s.principal {
        Principal::Wildcard => Tri::Yes,
        Principal::Specific => Tri::No,
        Principal::Unknown => Tri::Maybe,
    };
    let parts = [effect, everyone, s.covers_action(INVOKE), negated_scope];
    if parts.contains(&Tri::No) {
        Tri::No
    } else if parts.iter().all(|t| *t == Tri::Yes) {
        Tri::Yes
    } else {
        Tri::Maybe
    }
}
