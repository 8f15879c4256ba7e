//! The one place Terraform and CloudFormation names map to the model's fields, and where
//! provider defaults are decided (see `defaults`).

use super::policy::{self, Policy};
use super::value::{Attr, Target, Tri, Value};
use super::*;
use crate::resolve::{Entry, Lang, Node, RawResource, TemplatePart, Val};
use crate::source::Span;

/// Provider defaults of SPEC §3 that are applied when a setting is absent. Both providers
/// agree on every one of them, so one table serves both languages.
pub mod defaults {
    pub const VPC_DNS_HOSTNAMES: bool = false;
    pub const VPC_DNS_SUPPORT: bool = true;
    /// An endpoint without a type is a Gateway endpoint.
    pub const ENDPOINT_TYPE: &str = "Gateway";
    pub const ENDPOINT_PRIVATE_DNS: bool = false;
    /// A REST API without endpoint configuration is edge-optimized.
    pub const REST_API_ENDPOINT_TYPE: &str = "EDGE";
    pub const LOAD_BALANCER_TYPE: &str = "application";
}

pub fn build(resources: &[RawResource]) -> Model {
    let mut model = Model::default();
    for r in resources {
        let tf = r.lang == Lang::Terraform;
        match r.kind.as_str() {
            "aws_vpc" | "AWS::EC2::VPC" => model.vpcs.push(vpc(r)),
            "aws_subnet" | "AWS::EC2::Subnet" => model.subnets.push(subnet(r)),
            "aws_security_group" | "AWS::EC2::SecurityGroup" => {
                model.security_groups.push(security_group(r, false))
            }
            "aws_default_security_group" => model.security_groups.push(security_group(r, true)),
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "AWS::EC2::SecurityGroupIngress" => {
                model.security_group_rules.push(security_group_rule(r))
            }
            "aws_vpc_endpoint" | "AWS::EC2::VPCEndpoint" => {
                model.vpc_endpoints.push(vpc_endpoint(r, resources))
            }
            "aws_api_gateway_rest_api" | "AWS::ApiGateway::RestApi" => {
                model.rest_apis.push(rest_api(r, resources))
            }
            "aws_lb" | "aws_alb" | "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                model.load_balancers.push(LoadBalancer {
                    meta: meta(r),
                    lb_type: lower(string(r, pick(r, ("load_balancer_type", "Type")))),
                })
            }
            "aws_api_gateway_vpc_link" | "AWS::ApiGateway::VpcLink" => {
                model.vpc_links.push(VpcLink {
                    meta: meta(r),
                    targets: target_list(r, pick(r, ("target_arns", "TargetArns"))),
                })
            }
            "aws_api_gateway_integration" => model.integrations.push(Integration {
                meta: meta(r),
                connection_type: upper(string(r, "connection_type")),
                connection_id: presence(r.get("connection_id"), r.header, "connection_id"),
                integration_type: upper(string(r, "type")),
            }),
            "AWS::ApiGateway::Method" => {
                if let Some(integration) = cfn_method_integration(r) {
                    model.integrations.push(integration)
                }
            }
            "AWS::Serverless::Api" => model.rest_apis.push(sam_api(r, resources)),
            "aws_api_gateway_rest_api_policy" => model.rest_api_policies.push(RestApiPolicy {
                meta: meta(r),
                rest_api: target(r, "rest_api_id"),
                policy: policy_attr(r, "policy", resources),
            }),
            "aws_api_gateway_deployment" | "AWS::ApiGateway::Deployment" => {
                model.deployments.push(Deployment {
                    meta: meta(r),
                    rest_api: target(r, if tf { "rest_api_id" } else { "RestApiId" }),
                    triggers: match r.get("triggers") {
                        Some(e) => Attr {
                            value: Value::Known(()),
                            span: e.span(),
                            name: "triggers",
                        },
                        None => Attr::absent(r.header, "triggers"),
                    },
                })
            }
            _ => {}
        }
    }
    apply_endpoint_associations(&mut model, resources);
    model
}

fn meta(r: &RawResource) -> Meta {
    Meta {
        address: r.address.clone(),
        lang: r.lang,
        kind: r.kind.clone(),
        header: r.header,
        span: r.span,
    }
}

/// The language's name for a setting: `(terraform, cloudformation)`.
fn pick(r: &RawResource, names: (&'static str, &'static str)) -> &'static str {
    match r.lang {
        Lang::Terraform => names.0,
        Lang::CloudFormation => names.1,
    }
}

fn vpc(r: &RawResource) -> Vpc {
    Vpc {
        meta: meta(r),
        cidr_block: string(r, pick(r, ("cidr_block", "CidrBlock"))),
        dns_hostnames: boolean(r, pick(r, ("enable_dns_hostnames", "EnableDnsHostnames"))),
        dns_support: boolean(r, pick(r, ("enable_dns_support", "EnableDnsSupport"))),
    }
}

fn subnet(r: &RawResource) -> Subnet {
    Subnet {
        meta: meta(r),
        vpc: target(r, pick(r, ("vpc_id", "VpcId"))),
        availability_zone: string(r, pick(r, ("availability_zone", "AvailabilityZone"))),
    }
}

fn security_group(r: &RawResource, is_vpc_default: bool) -> SecurityGroup {
    let key = pick(r, ("ingress", "SecurityGroupIngress"));
    let ingress = match r.get(key).map(|e| &e.value.val) {
        None => Value::Known(Vec::new()),
        Some(Val::List(items)) => items
            .iter()
            .map(|item| match &item.val {
                Val::Map(entries) => Some(ingress_rule(r.lang, entries, item.span, r.header)),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map_or(Value::Unknown, Value::Known),
        Some(_) => Value::Unknown,
    };
    SecurityGroup {
        meta: meta(r),
        vpc: target(r, pick(r, ("vpc_id", "VpcId"))),
        ingress,
        is_vpc_default,
    }
}

/// One ingress rule from an entry list (inline block, CFN ingress item, or rule resource).
fn ingress_rule(lang: Lang, entries: &[Entry], span: Span, header: Span) -> IngressRule {
    let get = |key: &str| entries.iter().find(|e| e.key == key);
    let (protocol_key, cidr_keys): (&'static str, &[&'static str]) = match lang {
        Lang::Terraform if get("ip_protocol").is_some() => {
            ("ip_protocol", &["cidr_ipv4", "cidr_ipv6"])
        }
        Lang::Terraform => ("protocol", &["cidr_blocks", "ipv6_cidr_blocks"]),
        Lang::CloudFormation => ("IpProtocol", &["CidrIp", "CidrIpv6"]),
    };
    let (from_key, to_key) = match lang {
        Lang::Terraform => ("from_port", "to_port"),
        Lang::CloudFormation => ("FromPort", "ToPort"),
    };
    let mut cidrs = Vec::new();
    for key in cidr_keys {
        if let Some(e) = get(key) {
            // Each CIDR points at its whole attribute (`cidr_blocks = [...]`, `CidrIp: ...`).
            let at_entry = |mut a: Attr<String>| {
                a.span = e.span();
                a
            };
            match &e.value.val {
                Val::List(items) => cidrs.extend(items.iter().map(|n| at_entry(string_of(n, key)))),
                _ => cidrs.push(at_entry(string_of(&e.value, key))),
            }
        }
    }
    IngressRule {
        span,
        protocol: get(protocol_key).map_or(Attr::absent(header, protocol_key), |e| {
            let mut a = string_of(&e.value, protocol_key);
            a.span = e.span();
            a
        }),
        from_port: get(from_key).map_or(Attr::absent(header, from_key), |e| int_of(e, from_key)),
        to_port: get(to_key).map_or(Attr::absent(header, to_key), |e| int_of(e, to_key)),
        cidrs,
    }
}

fn security_group_rule(r: &RawResource) -> SecurityGroupRule {
    let is_ingress = match r.kind.as_str() {
        "aws_security_group_rule" => match string(r, "type").value {
            Value::Known(t) => Tri::from_bool(t == "ingress"),
            Value::Absent => Tri::No,
            Value::Unknown => Tri::Maybe,
        },
        _ => Tri::Yes,
    };
    SecurityGroupRule {
        meta: meta(r),
        group: target(r, pick(r, ("security_group_id", "GroupId"))),
        is_ingress,
        rule: ingress_rule(r.lang, &r.body, r.span, r.header),
    }
}

fn vpc_endpoint(r: &RawResource, all: &[RawResource]) -> VpcEndpoint {
    let service_key = pick(r, ("service_name", "ServiceName"));
    let service = match r.get(service_key) {
        None => Attr::absent(r.header, service_key),
        Some(e) => Attr {
            value: endpoint_service(&e.value),
            span: e.span(),
            name: service_key,
        },
    };
    VpcEndpoint {
        meta: meta(r),
        service,
        endpoint_type: string(r, pick(r, ("vpc_endpoint_type", "VpcEndpointType"))),
        private_dns: boolean(r, pick(r, ("private_dns_enabled", "PrivateDnsEnabled"))),
        vpc: target(r, pick(r, ("vpc_id", "VpcId"))),
        subnets: target_list(r, pick(r, ("subnet_ids", "SubnetIds"))),
        security_groups: target_list(r, pick(r, ("security_group_ids", "SecurityGroupIds"))),
        policy: policy_attr(r, pick(r, ("policy", "PolicyDocument")), all),
    }
}

/// Classify a service name: `com.amazonaws.<region>.execute-api` (region may be unknown).
fn endpoint_service(node: &Node) -> Value<EndpointService> {
    // Unknown pieces are rendered as this marker; a name is execute-api when its known
    // suffix says so whatever the region is.
    const HOLE: char = '\u{1}';
    let text = match &node.val {
        Val::Str(s) => s.clone(),
        Val::Template(parts) => parts
            .iter()
            .map(|p| match p {
                TemplatePart::Lit(s) => s.clone(),
                TemplatePart::Ref(_) | TemplatePart::Unknown => HOLE.to_string(),
            })
            .collect(),
        _ => return Value::Unknown,
    };
    let known_prefix = text.starts_with("com.amazonaws.") || text.starts_with("cn.com.amazonaws.");
    if text.ends_with(".execute-api") && known_prefix {
        return Value::Known(EndpointService::ExecuteApi);
    }
    // The service part itself is unknown: it could be execute-api.
    let service_part = text.rsplit('.').next().unwrap_or("");
    if service_part.contains(HOLE) {
        return Value::Unknown;
    }
    Value::Known(EndpointService::Other(text.replace(HOLE, "*")))
}

fn rest_api(r: &RawResource, all: &[RawResource]) -> RestApi {
    let tf = r.lang == Lang::Terraform;
    let (config_key, types_key, ids_key) = if tf {
        ("endpoint_configuration", "types", "vpc_endpoint_ids")
    } else {
        ("EndpointConfiguration", "Types", "VpcEndpointIds")
    };
    // Terraform's block arrives as a one-element list of maps.
    let config = r.get(config_key).map(|e| match &e.value.val {
        Val::List(items) if items.len() == 1 => items.first().map_or(&e.value, |n| n),
        _ => &e.value,
    });
    let (endpoint_types, vpc_endpoint_ids) = match config {
        None => (
            Attr::absent(r.header, types_key),
            Attr::absent(r.header, ids_key),
        ),
        Some(node) if matches!(node.val, Val::Map(_)) => (
            node.get(types_key)
                .map_or(Attr::absent(r.header, types_key), |e| {
                    upper_list(e, types_key)
                }),
            node.get(ids_key)
                .map_or(Attr::absent(r.header, ids_key), |e| targets_of(e, ids_key)),
        ),
        Some(node) => (
            Attr {
                value: Value::Unknown,
                span: node.span,
                name: types_key,
            },
            Attr {
                value: Value::Unknown,
                span: node.span,
                name: ids_key,
            },
        ),
    };
    let body = openapi_body(
        r.get(pick(r, ("body", "Body"))),
        r.get("BodyS3Location").is_some(),
    );
    RestApi {
        meta: meta(r),
        endpoint_types,
        vpc_endpoint_ids: with_openapi_endpoint_ids(vpc_endpoint_ids, &body),
        policy: policy_attr(r, pick(r, ("policy", "Policy")), all),
        body_policy: openapi_policy(r, &body),
    }
}

/// An OpenAPI body (`body`, `Body`, `DefinitionBody`) as a document: Unknown when it cannot be
/// read (a body elsewhere, an unresolved value, JSON text that does not parse).
fn openapi_body(body: Option<&Entry>, body_elsewhere: bool) -> (Value<Node>, Option<Span>) {
    let Some(body) = body else {
        let value = if body_elsewhere {
            Value::Unknown
        } else {
            Value::Absent
        };
        return (value, None);
    };
    let value = match &body.value.val {
        Val::Map(_) => Value::Known(body.value.clone()),
        Val::Str(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => Value::Known(json_to_node(&json, body.value.span, 0)),
            Err(_) => Value::Unknown,
        },
        _ => Value::Unknown,
    };
    (value, Some(body.span()))
}

/// The `x-amazon-apigateway-policy` of an OpenAPI body.
fn openapi_policy(r: &RawResource, body: &(Value<Node>, Option<Span>)) -> Attr<Policy> {
    const KEY: &str = "x-amazon-apigateway-policy";
    let span = body.1.unwrap_or(r.header);
    match &body.0 {
        Value::Absent => Attr::absent(r.header, KEY),
        Value::Unknown => Attr {
            value: Value::Unknown,
            span,
            name: KEY,
        },
        Value::Known(doc) => match doc.get(KEY) {
            Some(e) => Attr {
                value: policy::from_node(&e.value),
                span: e.span(),
                name: KEY,
            },
            None => Attr::absent(r.header, KEY),
        },
    }
}

/// The API's VPC endpoint ids: those of its endpoint configuration plus the OpenAPI body's
/// `x-amazon-apigateway-endpoint-configuration.vpcEndpointIds`. A body that cannot be read
/// may list more, so it makes the list Unknown.
fn with_openapi_endpoint_ids(
    explicit: Attr<Vec<Attr<Target>>>,
    body: &(Value<Node>, Option<Span>),
) -> Attr<Vec<Attr<Target>>> {
    const KEY: &str = "x-amazon-apigateway-endpoint-configuration";
    let from_body: Value<Vec<Attr<Target>>> = match &body.0 {
        Value::Absent => Value::Absent,
        Value::Unknown => Value::Unknown,
        Value::Known(doc) => match doc.get(KEY).map(|e| e.value.get("vpcEndpointIds")) {
            None => Value::Absent,
            Some(None) => Value::Absent,
            Some(Some(ids)) => match &ids.value.val {
                Val::List(items) => Value::Known(
                    items
                        .iter()
                        .map(|n| target_of(n, "vpcEndpointIds"))
                        .collect(),
                ),
                _ => Value::Unknown,
            },
        },
    };
    let value = match (explicit.value, from_body) {
        (Value::Absent, Value::Absent) => Value::Absent,
        (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
        (Value::Known(a), Value::Absent) | (Value::Absent, Value::Known(a)) => Value::Known(a),
        (Value::Known(mut a), Value::Known(b)) => {
            a.extend(b);
            Value::Known(a)
        }
    };
    Attr { value, ..explicit }
}

/// JSON text inside a string has no spans of its own: every node gets the string's span.
const MAX_JSON_DEPTH: usize = 128;

pub(crate) fn json_to_node(json: &serde_json::Value, span: Span, depth: usize) -> Node {
    use serde_json::Value as J;
    if depth > MAX_JSON_DEPTH {
        return Node::unknown(span);
    }
    let val = match json {
        J::Null => Val::Null,
        J::Bool(b) => Val::Bool(*b),
        J::Number(n) => n.as_f64().map_or(Val::Unknown, Val::Number),
        J::String(s) => Val::Str(s.clone()),
        J::Array(items) => Val::List(
            items
                .iter()
                .map(|i| json_to_node(i, span, depth + 1))
                .collect(),
        ),
        J::Object(map) => Val::Map(
            map.iter()
                .map(|(k, v)| Entry {
                    key: k.clone(),
                    key_span: span,
                    value: json_to_node(v, span, depth + 1),
                })
                .collect(),
        ),
    };
    Node::new(span, val)
}

/// SAM `AWS::Serverless::Api`: endpoint configuration as a string or `{Type, VPCEndpointIds}`,
/// and `Auth.ResourcePolicy`, which SAM turns into a policy only when the API gets paths.
fn sam_api(r: &RawResource, all: &[RawResource]) -> RestApi {
    let (endpoint_types, vpc_endpoint_ids) = match r.get("EndpointConfiguration") {
        None => (
            Attr::absent(r.header, "EndpointConfiguration"),
            Attr::absent(r.header, "VPCEndpointIds"),
        ),
        Some(e) => match &e.value.val {
            Val::Str(s) => (
                Attr {
                    value: Value::Known(vec![s.to_ascii_uppercase()]),
                    span: e.span(),
                    name: "EndpointConfiguration",
                },
                Attr::absent(r.header, "VPCEndpointIds"),
            ),
            Val::Map(_) => (
                e.value
                    .get("Type")
                    .map_or(Attr::absent(e.span(), "Type"), |t| {
                        let mut a = string_of(&t.value, "Type");
                        a.span = t.span();
                        Attr {
                            value: match a.value {
                                Value::Known(s) => Value::Known(vec![s.to_ascii_uppercase()]),
                                Value::Unknown => Value::Unknown,
                                Value::Absent => Value::Absent,
                            },
                            span: a.span,
                            name: "Type",
                        }
                    }),
                e.value
                    .get("VPCEndpointIds")
                    .map_or(Attr::absent(r.header, "VPCEndpointIds"), |ids| {
                        targets_of(ids, "VPCEndpointIds")
                    }),
            ),
            _ => (
                Attr {
                    value: Value::Unknown,
                    span: e.span(),
                    name: "EndpointConfiguration",
                },
                Attr {
                    value: Value::Unknown,
                    span: e.span(),
                    name: "VPCEndpointIds",
                },
            ),
        },
    };
    let has_paths = r.get("DefinitionBody").is_some()
        || r.get("DefinitionUri").is_some()
        || has_function_events(&r.address, all);
    // SAM's own `Policy` property is passed through as the API's policy; otherwise
    // `Auth.ResourcePolicy` is turned into one.
    let policy = match r.get("Auth").map(|a| &a.value) {
        _ if r.get("Policy").is_some() => policy_attr(r, "Policy", all),
        Some(auth) if matches!(auth.val, Val::Map(_)) => match auth.get("ResourcePolicy") {
            Some(p) if has_paths => Attr {
                value: policy::from_sam_resource_policy(&p.value),
                span: p.span(),
                name: "ResourcePolicy",
            },
            _ => Attr::absent(r.header, "ResourcePolicy"),
        },
        Some(auth) => Attr {
            value: Value::Unknown,
            span: auth.span,
            name: "ResourcePolicy",
        },
        None => Attr::absent(r.header, "ResourcePolicy"),
    };
    let body = openapi_body(r.get("DefinitionBody"), r.get("DefinitionUri").is_some());
    RestApi {
        meta: meta(r),
        endpoint_types,
        vpc_endpoint_ids: with_openapi_endpoint_ids(vpc_endpoint_ids, &body),
        policy,
        body_policy: openapi_policy(r, &body),
    }
}

/// Does any SAM function have an `Api` event on this API? Events without `RestApiId` go to
/// the implicit `ServerlessRestApi`.
fn has_function_events(api: &str, all: &[RawResource]) -> bool {
    all.iter()
        .filter(|f| f.kind == "AWS::Serverless::Function")
        .filter_map(|f| f.get("Events"))
        .filter_map(|events| match &events.value.val {
            Val::Map(entries) => Some(entries),
            _ => None,
        })
        .flatten()
        .any(|event| {
            let is_api = event.value.get("Type").and_then(|t| t.value.as_str()) == Some("Api");
            let rest_api = event
                .value
                .get("Properties")
                .and_then(|p| p.value.get("RestApiId"));
            is_api
                && match rest_api.map(|e| &e.value.val) {
                    None => api == "ServerlessRestApi",
                    Some(Val::Ref(reference)) => reference.target == api,
                    Some(_) => false,
                }
        })
}

/// `aws_vpc_endpoint_security_group_association` / `_subnet_association` add groups and
/// subnets from outside the endpoint: its own list is then not the whole story. An
/// `aws_vpc_endpoint_policy` sets the endpoint's policy from outside.
fn apply_endpoint_associations(model: &mut Model, resources: &[RawResource]) {
    for r in resources {
        if r.kind == "aws_vpc_endpoint_policy" {
            let endpoint = target(r, "vpc_endpoint_id");
            let policy = policy_attr(r, "policy", resources);
            for ep in &mut model.vpc_endpoints {
                match endpoint
                    .known()
                    .map(|t| t.address() == Some(ep.meta.address.as_str()))
                {
                    Some(true) => ep.policy = policy.clone(),
                    Some(false) => {}
                    // It may be this endpoint's: its policy is no longer known to be absent.
                    None if ep.policy.is_absent() => ep.policy.value = Value::Unknown,
                    None => {}
                }
            }
            continue;
        }
        let list = match r.kind.as_str() {
            "aws_vpc_endpoint_security_group_association" => Assoc::Groups,
            "aws_vpc_endpoint_subnet_association" => Assoc::Subnets,
            _ => continue,
        };
        let endpoint = target(r, "vpc_endpoint_id");
        for ep in &mut model.vpc_endpoints {
            let hits = match endpoint.known() {
                Some(t) => t.address() == Some(ep.meta.address.as_str()),
                None => true,
            };
            if hits {
                let attr = match list {
                    Assoc::Groups => &mut ep.security_groups,
                    Assoc::Subnets => &mut ep.subnets,
                };
                attr.value = Value::Unknown;
            }
        }
    }
}

enum Assoc {
    Groups,
    Subnets,
}

// ---- reading values -------------------------------------------------------------------

fn boolean(r: &RawResource, key: &'static str) -> Attr<bool> {
    match r.get(key) {
        None => Attr::absent(r.header, key),
        Some(e) => Attr {
            value: match &e.value.val {
                Val::Bool(b) => Value::Known(*b),
                Val::Str(s) if s.eq_ignore_ascii_case("true") => Value::Known(true),
                Val::Str(s) if s.eq_ignore_ascii_case("false") => Value::Known(false),
                _ => Value::Unknown,
            },
            span: e.span(),
            name: key,
        },
    }
}

fn string(r: &RawResource, key: &'static str) -> Attr<String> {
    match r.get(key) {
        None => Attr::absent(r.header, key),
        Some(e) => {
            let mut a = string_of(&e.value, key);
            a.span = e.span();
            a
        }
    }
}

fn string_of(node: &Node, name: &'static str) -> Attr<String> {
    Attr {
        value: match &node.val {
            Val::Str(s) => Value::Known(s.clone()),
            Val::Number(n) => Value::Known(format_number(*n)),
            Val::Bool(b) => Value::Known(b.to_string()),
            _ => Value::Unknown,
        },
        span: node.span,
        name,
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn int_of(e: &Entry, name: &'static str) -> Attr<i64> {
    let value = match &e.value.val {
        Val::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Value::Known(*n as i64),
        Val::Str(s) => s.trim().parse().map_or(Value::Unknown, Value::Known),
        _ => Value::Unknown,
    };
    Attr {
        value,
        span: e.span(),
        name,
    }
}

/// A policy argument: a document (object or JSON string), or Terraform's
/// `data.aws_iam_policy_document.X.json`.
fn policy_attr(r: &RawResource, key: &'static str, all: &[RawResource]) -> Attr<Policy> {
    let Some(e) = r.get(key) else {
        return Attr::absent(r.header, key);
    };
    let value = match &e.value.val {
        Val::Ref(reference) => all
            .iter()
            .find(|d| d.address == reference.target && d.kind == "data.aws_iam_policy_document")
            .map_or(Value::Unknown, policy::from_policy_document),
        // A policy written as JSON text has no spans inside: its statements point at the
        // whole attribute.
        Val::Str(_) => policy::from_node(&Node::new(e.span(), e.value.val.clone())),
        _ => policy::from_node(&e.value),
    };
    Attr {
        value,
        span: e.span(),
        name: key,
    }
}

/// Whether a setting is written, with its span.
fn presence(e: Option<&Entry>, header: Span, name: &'static str) -> Attr<()> {
    match e {
        Some(e) => Attr {
            value: match e.value.val {
                Val::Null => Value::Absent,
                _ => Value::Known(()),
            },
            span: e.span(),
            name,
        },
        None => Attr::absent(header, name),
    }
}

fn upper(mut a: Attr<String>) -> Attr<String> {
    if let Value::Known(s) = &mut a.value {
        *s = s.to_ascii_uppercase();
    }
    a
}

fn lower(mut a: Attr<String>) -> Attr<String> {
    if let Value::Known(s) = &mut a.value {
        *s = s.to_ascii_lowercase();
    }
    a
}

/// A CloudFormation `AWS::ApiGateway::Method`'s `Integration` block.
fn cfn_method_integration(r: &RawResource) -> Option<Integration> {
    let integration = r.get("Integration")?;
    let field = |key: &'static str| -> Attr<String> {
        match integration.value.get(key) {
            None => Attr::absent(integration.key_span, key),
            Some(e) => {
                let mut a = string_of(&e.value, key);
                a.span = e.span();
                a
            }
        }
    };
    Some(Integration {
        meta: meta(r),
        connection_type: upper(field("ConnectionType")),
        connection_id: presence(
            integration.value.get("ConnectionId"),
            integration.key_span,
            "ConnectionId",
        ),
        integration_type: upper(field("Type")),
    })
}

fn target_of(node: &Node, name: &'static str) -> Attr<Target> {
    Attr {
        value: match &node.val {
            Val::Ref(reference) => Value::Known(Target::Resource(reference.clone())),
            Val::Str(s) => Value::Known(Target::Literal(s.clone())),
            // `"${aws_vpc.main.id}"`-style templates that are only one reference.
            Val::Template(parts) => match parts.as_slice() {
                [TemplatePart::Ref(reference)] => Value::Known(Target::Resource(reference.clone())),
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        },
        span: node.span,
        name,
    }
}

fn target(r: &RawResource, key: &'static str) -> Attr<Target> {
    match r.get(key) {
        None => Attr::absent(r.header, key),
        Some(e) => {
            let mut a = target_of(&e.value, key);
            a.span = e.span();
            a
        }
    }
}

fn targets_of(e: &Entry, name: &'static str) -> Attr<Vec<Attr<Target>>> {
    Attr {
        value: match &e.value.val {
            Val::List(items) => Value::Known(items.iter().map(|n| target_of(n, name)).collect()),
            _ => Value::Unknown,
        },
        span: e.span(),
        name,
    }
}

fn target_list(r: &RawResource, key: &'static str) -> Attr<Vec<Attr<Target>>> {
    match r.get(key) {
        None => Attr::absent(r.header, key),
        Some(e) => targets_of(e, key),
    }
}

fn upper_list(e: &Entry, name: &'static str) -> Attr<Vec<String>> {
    let value = match &e.value.val {
        Val::List(items) => items
            .iter()
            .map(|n| n.as_str().map(str::to_ascii_uppercase))
            .collect::<Option<Vec<_>>>()
            .map_or(Value::Unknown, Value::Known),
        Val::Str(s) => Value::Known(vec![s.to_ascii_uppercase()]),
        _ => Value::Unknown,
    };
    Attr {
        value,
        span: e.span(),
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn json_text_nested_past_the_cap_becomes_unknown() {
        let deep = format!(
            "{}1{}",
            "[".repeat(MAX_JSON_DEPTH + 10),
            "]".repeat(MAX_JSON_DEPTH + 10)
        );
        // serde_json has its own recursion limit (128): build the value by hand instead.
        let mut json = serde_json::Value::from(1);
        for _ in 0..MAX_JSON_DEPTH + 10 {
            json = serde_json::Value::Array(vec![json]);
        }
        let span = Span::new(FileId(0), 0, deep.len());
        let mut node = json_to_node(&json, span, 0);
        let mut depth = 0;
        while let Val::List(items) = node.val {
            node = items.into_iter().next().expect("one element per level");
            depth += 1;
        }
        assert_eq!(node.val, Val::Unknown);
        assert_eq!(depth, MAX_JSON_DEPTH + 1);
    }

    /// The prefilter skips units that mention none of `RELEVANT_TYPES`: every type this builder
    /// reads must be found by it (a type name containing a listed one counts, as the scan is a
    /// substring search).
    #[test]
    fn every_type_the_builder_reads_passes_the_prefilter() {
        let source = include_str!("build.rs");
        let types: Vec<&str> = source
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| {
                (s.starts_with("aws_") || s.starts_with("AWS::"))
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            })
            .collect();
        assert!(types.contains(&"aws_vpc_endpoint_policy"), "{types:?}");
        for kind in types {
            assert!(
                crate::load::prefilter::RELEVANT_TYPES
                    .iter()
                    .any(|relevant| kind.contains(relevant)),
                "{kind} is read by the model builder but missing from prefilter::RELEVANT_TYPES"
            );
        }
    }

    #[test]
    fn execute_api_service_names_with_unknown_regions() {
        let span = Span::default();
        let template = |parts: Vec<TemplatePart>| Node::new(span, Val::Template(parts));
        let lit = |s: &str| TemplatePart::Lit(s.to_string());
        assert_eq!(
            endpoint_service(&template(vec![
                lit("com.amazonaws."),
                TemplatePart::Unknown,
                lit(".execute-api")
            ])),
            Value::Known(EndpointService::ExecuteApi)
        );
        assert_eq!(
            endpoint_service(&template(vec![
                lit("com.amazonaws.us-east-1."),
                TemplatePart::Unknown
            ])),
            Value::Unknown
        );
        assert_eq!(
            endpoint_service(&Node::new(
                span,
                Val::Str("com.amazonaws.eu-west-1.dynamodb".into())
            )),
            Value::Known(EndpointService::Other(
                "com.amazonaws.eu-west-1.dynamodb".into()
            ))
        );
        assert_eq!(
            endpoint_service(&Node::new(
                span,
                Val::Str("cn.com.amazonaws.cn-north-1.execute-api".into())
            )),
            Value::Known(EndpointService::ExecuteApi)
        );
    }
}
