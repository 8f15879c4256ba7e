//! One model of a unit's AWS resources, the same for Terraform and CloudFormation.

pub mod aws;
pub mod build;
pub mod policy;
pub mod value;

pub use aws::*;
pub use value::{Attr, Target, Tri, Value};

/// The resources of one unit (a Terraform root module, a template, a plan), typed.
#[derive(Debug, Default)]
pub struct Model {
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub security_groups: Vec<SecurityGroup>,
    pub security_group_rules: Vec<SecurityGroupRule>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub rest_apis: Vec<RestApi>,
    pub rest_api_policies: Vec<RestApiPolicy>,
    pub deployments: Vec<Deployment>,
    pub load_balancers: Vec<LoadBalancer>,
    pub vpc_links: Vec<VpcLink>,
    pub integrations: Vec<Integration>,
}

/// Which security group an id-valued setting names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GroupRef<'m> {
    /// A group declared in the scan.
    Declared(&'m SecurityGroup),
    /// The default group of a VPC in the scan that no resource manages.
    VpcDefault(&'m Vpc),
    /// Not resolvable: a literal id, a data source, an unknown value.
    Unresolved,
}

fn names(target: &Target, address: &str) -> bool {
    target.address() == Some(address)
}

impl Model {
    pub fn vpc(&self, target: &Target) -> Option<&Vpc> {
        self.vpcs.iter().find(|v| names(target, &v.meta.address))
    }

    pub fn subnet(&self, target: &Target) -> Option<&Subnet> {
        self.subnets.iter().find(|s| names(target, &s.meta.address))
    }

    pub fn vpc_endpoint(&self, target: &Target) -> Option<&VpcEndpoint> {
        self.vpc_endpoints
            .iter()
            .find(|e| names(target, &e.meta.address))
    }

    pub fn rest_api(&self, target: &Target) -> Option<&RestApi> {
        self.rest_apis
            .iter()
            .find(|a| names(target, &a.meta.address))
    }

    pub fn load_balancer(&self, target: &Target) -> Option<&LoadBalancer> {
        self.load_balancers
            .iter()
            .find(|l| names(target, &l.meta.address))
    }

    /// Every policy of an API: inline, OpenAPI body, and attached policy resources. `None`
    /// when one of them cannot be known (then no rule may conclude anything from them).
    pub fn policies_of<'m>(&'m self, api: &'m RestApi) -> Option<Vec<&'m policy::Policy>> {
        let mut out = Vec::new();
        for attr in [&api.policy, &api.body_policy] {
            match &attr.value {
                Value::Known(p) => out.push(p),
                Value::Unknown => return None,
                Value::Absent => {}
            }
        }
        for attached in &self.rest_api_policies {
            let applies = match attached.rest_api.known() {
                Some(Target::Resource(r)) => r.target == api.meta.address,
                Some(Target::Literal(_)) => false,
                None => return None,
            };
            if applies {
                match &attached.policy.value {
                    Value::Known(p) => out.push(p),
                    _ => return None,
                }
            }
        }
        Some(out)
    }

    /// The VPC endpoints the rules about execute-api endpoints look at.
    pub fn execute_api_endpoints(&self) -> impl Iterator<Item = &VpcEndpoint> {
        self.vpc_endpoints
            .iter()
            .filter(|e| e.is_execute_api() == Tri::Yes)
    }

    /// execute-api endpoints known to be Interface endpoints: the ones clients can use, and
    /// the ones every endpoint rule but PRV014 looks at.
    pub fn execute_api_interface_endpoints(&self) -> impl Iterator<Item = &VpcEndpoint> {
        self.execute_api_endpoints()
            .filter(|e| e.is_interface() == Tri::Yes)
    }

    /// The managed default group of a VPC (`aws_default_security_group`), if any.
    pub fn managed_default_group(&self, vpc: &Vpc) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|g| {
            g.is_vpc_default && g.vpc.known().and_then(Target::address) == Some(&vpc.meta.address)
        })
    }

    /// Resolve a security-group id setting to a group of the scan.
    pub fn security_group(&self, target: &Target) -> GroupRef<'_> {
        let Target::Resource(reference) = target else {
            return GroupRef::Unresolved;
        };
        if let Some(g) = self
            .security_groups
            .iter()
            .find(|g| g.meta.address == reference.target)
        {
            return GroupRef::Declared(g);
        }
        let default_attr = matches!(
            reference.attribute.as_deref(),
            Some("default_security_group_id" | "DefaultSecurityGroup")
        );
        if default_attr
            && let Some(vpc) = self
                .vpcs
                .iter()
                .find(|v| v.meta.address == reference.target)
        {
            return self.default_group_of(vpc);
        }
        GroupRef::Unresolved
    }

    /// The default security group of a VPC (what an endpoint without groups gets).
    pub fn default_group_of<'m>(&'m self, vpc: &'m Vpc) -> GroupRef<'m> {
        match self.managed_default_group(vpc) {
            Some(g) => GroupRef::Declared(g),
            None => GroupRef::VpcDefault(vpc),
        }
    }

    /// Does this group admit inbound TCP 443, counting inline rules and every standalone rule
    /// of the unit that attaches to it? Any rule whose group cannot be resolved may attach to
    /// it, so it makes the answer `Maybe` unless another rule already says `Yes`.
    pub fn group_admits_https(&self, group: GroupRef<'_>) -> Tri {
        let mut answers = Vec::new();
        match group {
            GroupRef::Declared(g) => match &g.ingress {
                Value::Known(rules) => answers.extend(rules.iter().map(IngressRule::admits_https)),
                _ => return Tri::Maybe,
            },
            // An unmanaged default group admits only its own members.
            GroupRef::VpcDefault(_) => {}
            GroupRef::Unresolved => return Tri::Maybe,
        }
        for rule in &self.security_group_rules {
            if rule.is_ingress == Tri::No {
                continue;
            }
            let attaches = match &rule.group.value {
                Value::Known(Target::Literal(_)) => Tri::No,
                Value::Known(t) => match (self.security_group(t), group) {
                    (GroupRef::Declared(a), GroupRef::Declared(b)) => {
                        Tri::from_bool(std::ptr::eq(a, b))
                    }
                    (GroupRef::VpcDefault(a), GroupRef::VpcDefault(b)) => {
                        Tri::from_bool(std::ptr::eq(a, b))
                    }
                    (GroupRef::Unresolved, _) => Tri::Maybe,
                    _ => Tri::No,
                },
                _ => Tri::Maybe,
            };
            let admits = rule.rule.admits_https();
            answers.push(match (attaches, admits, rule.is_ingress) {
                (Tri::No, _, _) | (_, Tri::No, _) => Tri::No,
                (Tri::Yes, Tri::Yes, Tri::Yes) => Tri::Yes,
                _ => Tri::Maybe,
            });
        }
        Tri::any(answers)
    }
}
