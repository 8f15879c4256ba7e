//! PRV005 endpoint-sg-blocks-https
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::{GroupRef, Model, Tri, Value};

pub struct EndpointSgBlocksHttps;

static META: RuleMeta = RuleMeta {
    id: "PRV005",
    name: "endpoint-sg-blocks-https",
    summary: "No security group of the execute-api endpoint admits inbound TCP 443",
    severity: Severity::Error,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV005.md")),
};

impl Rule for EndpointSgBlocksHttps {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for ep in model.execute_api_interface_endpoints() {
            let groups: Vec<GroupRef<'_>> = match &ep.security_groups.value {
                Value::Unknown => continue,
                Value::Known(ids) if !ids.is_empty() => {
                    let resolved: Option<Vec<_>> = ids
                        .iter()
                        .map(|id| match id.known().map(|t| model.security_group(t)) {
                            Some(GroupRef::Unresolved) | None => None,
                            Some(g) => Some(g),
                        })
                        .collect();
                    match resolved {
                        Some(groups) => groups,
                        None => continue,
                    }
                }
                // None listed: the VPC's default group is used.
                _ => match ep.vpc.known().and_then(|t| model.vpc(t)) {
                    Some(vpc) => vec![model.default_group_of(vpc)],
                    None => continue,
                },
            };
            if Tri::any(groups.iter().map(|g| model.group_admits_https(*g))) != Tri::No {
                continue;
            }
            let message = if ep.security_groups.is_absent() {
                format!(
                    "{} lists no security groups, so it gets its VPC's default group, which admits only its own members: HTTPS calls to the private API time out",
                    ep.meta.address
                )
            } else {
                format!(
                    "No security group of {} admits inbound TCP 443, so HTTPS calls to the private API from the VPC time out",
                    ep.meta.address
                )
            };
            let mut finding = out
                .report(&META, ep.security_groups.span, &ep.meta.address, message)
                .primary_label(if ep.security_groups.is_absent() {
                    "no security groups: the VPC default group applies".to_string()
                } else {
                    "no group here admits inbound TCP 443".to_string()
                })
                .help(format!(
                    "give {} a security group with an ingress rule for TCP 443 from the clients' CIDR ranges or security groups",
                    ep.meta.address
                ));
            for group in groups {
                finding = match group {
                    GroupRef::Declared(g) => finding.label(
                        g.meta.header,
                        format!("{} admits no inbound TCP 443", g.meta.address),
                    ),
                    GroupRef::VpcDefault(vpc) => finding.label(
                        vpc.meta.header,
                        format!("the default security group of {} is used", vpc.meta.address),
                    ),
                    GroupRef::Unresolved => finding,
                };
            }
        }
    }
}
