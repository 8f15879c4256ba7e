//! PRV007 endpoint-single-az
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::{Model, Value};

pub struct EndpointSingleAz;

static META: RuleMeta = RuleMeta {
    id: "PRV007",
    name: "endpoint-single-az",
    summary: "execute-api endpoint has fewer than two subnets, or two subnets in one AZ",
    severity: Severity::Warning,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV007.md")),
};

impl Rule for EndpointSingleAz {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for ep in model.execute_api_interface_endpoints() {
            let Value::Known(subnets) = &ep.subnets.value else {
                continue;
            };
            if subnets.len() < 2 {
                out.report(
                    &META,
                    ep.subnets.span,
                    &ep.meta.address,
                    format!(
                        "{} is placed in {} subnet, so one Availability Zone outage takes the private API down for the whole VPC",
                        ep.meta.address,
                        if subnets.is_empty() { "no" } else { "a single" }
                    ),
                )
                .primary_label("fewer than two subnets")
                .help("list subnets in at least two Availability Zones");
                continue;
            }
            // Two subnets in the same known zone: AWS rejects the endpoint.
            let zones: Vec<(&str, &crate::model::Subnet)> = subnets
                .iter()
                .filter_map(|s| s.known().and_then(|t| model.subnet(t)))
                .filter_map(|s| s.availability_zone.known().map(|z| (z.as_str(), s)))
                .collect();
            let clash = zones.iter().enumerate().find_map(|(i, (zone, a))| {
                zones
                    .get(i + 1..)?
                    .iter()
                    .find(|(other, b)| other == zone && !std::ptr::eq(*a, *b))
                    .map(|(_, b)| (*zone, *a, *b))
            });
            if let Some((zone, a, b)) = clash {
                out.report(
                    &META,
                    ep.subnets.span,
                    &ep.meta.address,
                    format!(
                        "{} lists {} and {}, both in {zone}: AWS rejects the endpoint (DuplicateSubnetsInSameZone), and it would not survive a zone outage",
                        ep.meta.address, a.meta.address, b.meta.address
                    ),
                )
                .primary_label(format!("two subnets in {zone}"))
                .label(a.availability_zone.span, format!("{} is in {zone}", a.meta.address))
                .label(b.availability_zone.span, format!("{} is in {zone} too", b.meta.address))
                .help("use one subnet per Availability Zone, in at least two zones");
            }
        }
    }
}
