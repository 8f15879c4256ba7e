//! PRV004 vpc-dns-disabled
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::build::defaults;
use crate::model::{Model, Tri};

pub struct VpcDnsDisabled;

static META: RuleMeta = RuleMeta {
    id: "PRV004",
    name: "vpc-dns-disabled",
    summary: "VPC with a private-DNS interface endpoint has DNS hostnames or DNS support off",
    severity: Severity::Error,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV004.md")),
};

impl Rule for VpcDnsDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        let mut reported: Vec<(&str, &str)> = Vec::new();
        for ep in &model.vpc_endpoints {
            // Only a Known true asks for private DNS; Unknown stays quiet.
            if ep.is_interface() != Tri::Yes || ep.private_dns.known() != Some(&true) {
                continue;
            }
            let Some(vpc) = ep.vpc.known().and_then(|t| model.vpc(t)) else {
                continue;
            };
            let settings = [
                (
                    &vpc.dns_hostnames,
                    defaults::VPC_DNS_HOSTNAMES,
                    "DNS hostnames",
                ),
                (&vpc.dns_support, defaults::VPC_DNS_SUPPORT, "DNS support"),
            ];
            for (setting, default, what) in settings {
                if setting.with_default(default) != Tri::No
                    || reported.contains(&(vpc.meta.address.as_str(), setting.name))
                {
                    continue;
                }
                reported.push((&vpc.meta.address, setting.name));
                let state = if setting.is_absent() {
                    format!("off ({} is not set and defaults to false)", setting.name)
                } else {
                    "off".to_string()
                };
                out.report(
                    &META,
                    setting.span,
                    &vpc.meta.address,
                    format!(
                        "{} has {what} {state}, so AWS refuses the private DNS of {} and its service hostnames cannot resolve in the VPC",
                        vpc.meta.address, ep.meta.address
                    ),
                )
                .primary_label(if setting.is_absent() {
                    format!("{} is not set (defaults to false)", setting.name)
                } else {
                    format!("{} is false", setting.name)
                })
                .label(ep.private_dns.span, format!("private DNS enabled on {} here", ep.meta.address))
                .help(format!(
                    "{} on {}",
                    super::set_hint(vpc.meta.lang, setting.name, "true"),
                    vpc.meta.address
                ));
            }
        }
    }
}
