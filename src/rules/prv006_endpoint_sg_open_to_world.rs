//! PRV006 endpoint-sg-open-to-world
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::{GroupRef, IngressRule, Model, Tri, Value};

pub struct EndpointSgOpenToWorld;

static META: RuleMeta = RuleMeta {
    id: "PRV006",
    name: "endpoint-sg-open-to-world",
    summary: "execute-api endpoint security group admits 443 from 0.0.0.0/0 or ::/0",
    severity: Severity::Warning,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV006.md")),
};

const WORLD: &[&str] = &["0.0.0.0/0", "::/0"];

impl Rule for EndpointSgOpenToWorld {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        let mut reported = Vec::new();
        for ep in model.execute_api_interface_endpoints() {
            let Value::Known(ids) = &ep.security_groups.value else {
                continue;
            };
            for id in ids {
                let Some(GroupRef::Declared(group)) = id.known().map(|t| model.security_group(t))
                else {
                    continue;
                };
                // Inline rules, then standalone rules attached to this group.
                let inline = match &group.ingress {
                    Value::Known(rules) => rules.iter().map(|r| (r, &group.meta.address)).collect(),
                    _ => Vec::new(),
                };
                let attached = model.security_group_rules.iter().filter(|r| {
                    r.is_ingress == Tri::Yes
                        && matches!(r.group.known().map(|t| model.security_group(t)), Some(GroupRef::Declared(g)) if std::ptr::eq(g, group))
                });
                let rules: Vec<(&IngressRule, &String)> = inline
                    .into_iter()
                    .chain(attached.map(|r| (&r.rule, &r.meta.address)))
                    .collect();
                for (rule, owner) in rules {
                    if rule.admits_https() != Tri::Yes {
                        continue;
                    }
                    for cidr in &rule.cidrs {
                        let Some(block) = cidr.known().filter(|c| WORLD.contains(&c.as_str()))
                        else {
                            continue;
                        };
                        if reported.contains(&cidr.span) {
                            continue;
                        }
                        reported.push(cidr.span);
                        out.report(
                            &META,
                            cidr.span,
                            owner,
                            format!(
                                "{owner} admits TCP 443 from {block} to the execute-api endpoint {}; anyone who can route to the VPC can reach the private API's network path",
                                ep.meta.address
                            ),
                        )
                        .primary_label(format!("443 open to {block}"))
                        .label(ep.meta.header, format!("{} uses this security group", ep.meta.address))
                        .help("restrict the source to the VPC's (and peered VPCs') CIDR ranges or to the clients' security groups");
                    }
                }
            }
        }
    }
}
