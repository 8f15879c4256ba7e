//! PRV010 vpc-link-target-not-nlb
use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::build::defaults;
use crate::model::{Model, Value};

pub struct VpcLinkTargetNotNlb;

static META: RuleMeta = RuleMeta {
    id: "PRV010",
    name: "vpc-link-target-not-nlb",
    summary: "REST API VPC link targets a load balancer that is not a Network Load Balancer",
    severity: Severity::Error,
    default_on: true,
    docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/PRV010.md")),
};

impl Rule for VpcLinkTargetNotNlb {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, out: &mut Findings) {
        for link in &model.vpc_links {
            let Value::Known(targets) = &link.targets.value else {
                continue;
            };
            for target in targets {
                let Some(lb) = target.known().and_then(|t| model.load_balancer(t)) else {
                    continue;
                };
                let kind = match &lb.lb_type.value {
                    Value::Known(t) if t == "network" => continue,
                    Value::Known(t) => format!("an {t} load balancer"),
                    Value::Absent => format!(
                        "an {} load balancer (the default type)",
                        defaults::LOAD_BALANCER_TYPE
                    ),
                    Value::Unknown => continue,
                };
                out.report(
                    &META,
                    target.span,
                    &link.meta.address,
                    format!(
                        "{} targets {}, which is {kind}; REST API VPC links accept only Network Load Balancers, so AWS rejects the link",
                        link.meta.address, lb.meta.address
                    ),
                )
                .primary_label("not a Network Load Balancer")
                .label(lb.lb_type.span, format!("{} is {kind}", lb.meta.address))
                .help("target a Network Load Balancer (put it in front of the ALB if needed), or use an HTTP API VPC link for an ALB");
            }
        }
    }
}
