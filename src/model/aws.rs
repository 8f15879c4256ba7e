//! The typed resources the rules read. Field names are the model's, not any language's:
//! the builder (`build.rs`) is the one place Terraform and CloudFormation names map here.

use crate::resolve::Lang;
use crate::source::Span;

use super::policy::Policy;
use super::value::{Attr, Target, Tri, Value};

/// What every resource carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub address: String,
    pub lang: Lang,
    /// Source type name, e.g. `aws_vpc`, `AWS::EC2::VPC` (for messages only).
    pub kind: String,
    pub header: Span,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    pub meta: Meta,
    pub cidr_block: Attr<String>,
    pub dns_hostnames: Attr<bool>,
    pub dns_support: Attr<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subnet {
    pub meta: Meta,
    pub vpc: Attr<Target>,
    pub availability_zone: Attr<String>,
}

/// One inbound rule, from an inline block or a standalone rule resource.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressRule {
    pub span: Span,
    /// `tcp`, `6`, `-1`, `all`, ... lower-cased.
    pub protocol: Attr<String>,
    pub from_port: Attr<i64>,
    pub to_port: Attr<i64>,
    /// CIDR sources (IPv4 and IPv6) when known; other source kinds are not listed here.
    pub cidrs: Vec<Attr<String>>,
}

impl IngressRule {
    /// Does this rule admit TCP 443 (spec §3: protocol tcp/6/-1/all, port range containing 443)?
    pub fn admits_https(&self) -> Tri {
        let protocol = match &self.protocol.value {
            Value::Known(p) => p.to_ascii_lowercase(),
            Value::Unknown => return Tri::Maybe,
            Value::Absent => return Tri::No,
        };
        let all_traffic = matches!(protocol.as_str(), "-1" | "all");
        if !all_traffic && !matches!(protocol.as_str(), "tcp" | "6") {
            return Tri::No;
        }
        if all_traffic {
            // Ports are ignored for protocol -1 (AWS applies all ports).
            return Tri::Yes;
        }
        match (&self.from_port.value, &self.to_port.value) {
            (Value::Known(from), Value::Known(to)) => Tri::from_bool(*from <= 443 && 443 <= *to),
            (Value::Unknown, _) | (_, Value::Unknown) => Tri::Maybe,
            _ => Tri::No,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroup {
    pub meta: Meta,
    pub vpc: Attr<Target>,
    /// Inline ingress. Unknown when a `dynamic` block iterates an unknown collection.
    pub ingress: Value<Vec<IngressRule>>,
    /// Terraform `aws_default_security_group`: stands for its VPC's default group.
    pub is_vpc_default: bool,
}

/// A standalone inbound rule resource (`aws_security_group_rule` of type ingress,
/// `aws_vpc_security_group_ingress_rule`, `AWS::EC2::SecurityGroupIngress`).
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroupRule {
    pub meta: Meta,
    pub group: Attr<Target>,
    /// `No` for known egress rules; `Maybe` when the direction is unknown.
    pub is_ingress: Tri,
    pub rule: IngressRule,
}

/// What service a VPC endpoint connects to.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointService {
    ExecuteApi,
    /// Another service, with the resolved (possibly partial) name.
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct VpcEndpoint {
    pub meta: Meta,
    pub service: Attr<EndpointService>,
    /// `Interface`, `Gateway`, `GatewayLoadBalancer`, as written.
    pub endpoint_type: Attr<String>,
    pub private_dns: Attr<bool>,
    pub vpc: Attr<Target>,
    pub subnets: Attr<Vec<Attr<Target>>>,
    pub security_groups: Attr<Vec<Attr<Target>>>,
    /// The endpoint policy; Absent means full access.
    pub policy: Attr<Policy>,
}

impl VpcEndpoint {
    pub fn is_execute_api(&self) -> Tri {
        match &self.service.value {
            Value::Known(EndpointService::ExecuteApi) => Tri::Yes,
            Value::Known(EndpointService::Other(_)) => Tri::No,
            Value::Unknown => Tri::Maybe,
            Value::Absent => Tri::No,
        }
    }

    /// Is the type Interface? Absent means Gateway in both languages (spec §3).
    pub fn is_interface(&self) -> Tri {
        match &self.endpoint_type.value {
            Value::Known(t) => Tri::from_bool(t.eq_ignore_ascii_case("interface")),
            Value::Absent => Tri::No,
            Value::Unknown => Tri::Maybe,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RestApi {
    pub meta: Meta,
    /// `EDGE`, `REGIONAL`, `PRIVATE` (upper-cased). Absent means EDGE.
    pub endpoint_types: Attr<Vec<String>>,
    pub vpc_endpoint_ids: Attr<Vec<Attr<Target>>>,
    /// The inline resource policy (`policy`, CFN `Policy`, SAM `Auth.ResourcePolicy`).
    pub policy: Attr<Policy>,
    /// The policy inside an OpenAPI body (`x-amazon-apigateway-policy`): Absent when the body
    /// is absent or has none, Unknown when the body cannot be read.
    pub body_policy: Attr<Policy>,
}

impl RestApi {
    pub fn is_private(&self) -> Tri {
        match &self.endpoint_types.value {
            Value::Known(types) => Tri::from_bool(types.iter().any(|t| t == "PRIVATE")),
            Value::Absent => Tri::No,
            Value::Unknown => Tri::Maybe,
        }
    }
}

/// `aws_api_gateway_rest_api_policy`: a policy attached to an API from outside.
#[derive(Debug, Clone, PartialEq)]
pub struct RestApiPolicy {
    pub meta: Meta,
    pub rest_api: Attr<Target>,
    pub policy: Attr<Policy>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub meta: Meta,
    pub rest_api: Attr<Target>,
    /// Terraform `triggers` (Absent when not written).
    pub triggers: Attr<()>,
}

/// An ELBv2 load balancer (`aws_lb`, `aws_alb`, `AWS::ElasticLoadBalancingV2::LoadBalancer`).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    pub meta: Meta,
    /// `application`, `network`, `gateway`, as written (lower-cased). Absent = application.
    pub lb_type: Attr<String>,
}

/// A REST API VPC link (`aws_api_gateway_vpc_link`, `AWS::ApiGateway::VpcLink`).
#[derive(Debug, Clone, PartialEq)]
pub struct VpcLink {
    pub meta: Meta,
    pub targets: Attr<Vec<Attr<Target>>>,
}

/// A REST API integration (`aws_api_gateway_integration`, a CloudFormation `Method`'s
/// `Integration`).
#[derive(Debug, Clone, PartialEq)]
pub struct Integration {
    pub meta: Meta,
    /// `INTERNET` or `VPC_LINK` (upper-cased). Absent = INTERNET.
    pub connection_type: Attr<String>,
    /// Only whether it is written matters.
    pub connection_id: Attr<()>,
    /// `HTTP`, `HTTP_PROXY`, `AWS`, `AWS_PROXY`, `MOCK` (upper-cased).
    pub integration_type: Attr<String>,
}
