//! Terraform plan JSON (`terraform show -json plan.out`) -> resolved resources.
//!
//! `planned_values` holds every resource instance (root and child modules) with its known
//! values; `resource_changes[].change.after_unknown` marks what is known only after apply;
//! `configuration` says which attributes were written and what they reference. SPEC §3:
//! - unknown after apply, referencing resources of the plan -> a link to them;
//! - unknown after apply and never written in `configuration` -> Absent (provider default);
//! - any other unknown -> Unknown.
//!
//! Spans point into the plan file: values at their JSON location, unknown ones at their
//! `after_unknown` entry, the resource header at its `address`.

use std::collections::{BTreeMap, BTreeSet};

use crate::load::tree::{DocEntry, DocKind, DocNode};
use crate::resolve::{Entry, Lang, Node, RawResource, Reference, Val};
use crate::source::FileId;

/// Deepest module nesting followed in `planned_values` and `configuration`.
const MAX_PLAN_MODULE_DEPTH: usize = 32;

/// Resolve every planned resource instance of a plan document.
pub fn resolve_plan(doc: &DocNode, file: FileId) -> Vec<RawResource> {
    let mut planned: Vec<(&DocNode, String)> = Vec::new();
    if let Some(root) = path(doc, &["planned_values", "root_module"]) {
        collect_planned(root, 0, &mut planned);
    }
    let changes: BTreeMap<String, &DocNode> = seq(path(doc, &["resource_changes"]))
        .filter_map(|rc| Some((entry_str(rc.get("address")?)?.to_string(), rc)))
        .collect();
    let addresses: BTreeSet<String> = planned.iter().map(|(_, a)| a.clone()).collect();
    let config_root = path(doc, &["configuration", "root_module"]);
    planned
        .into_iter()
        .filter_map(|(resource, address)| {
            resolve_resource(resource, &address, &changes, &addresses, config_root, file)
        })
        .collect()
}

/// `root_module` and its `child_modules`, recursively: (resource, address).
fn collect_planned<'d>(module: &'d DocNode, depth: usize, out: &mut Vec<(&'d DocNode, String)>) {
    if depth > MAX_PLAN_MODULE_DEPTH {
        return;
    }
    for resource in seq(module.get("resources").map(|e| &e.value)) {
        if let Some(address) = resource.get("address").and_then(entry_str) {
            out.push((resource, address.to_string()));
        }
    }
    for child in seq(module.get("child_modules").map(|e| &e.value)) {
        collect_planned(child, depth + 1, out);
    }
}

fn resolve_resource(
    resource: &DocNode,
    address: &str,
    changes: &BTreeMap<String, &DocNode>,
    addresses: &BTreeSet<String>,
    config_root: Option<&DocNode>,
    file: FileId,
) -> Option<RawResource> {
    let ty = resource.get("type").and_then(entry_str)?;
    let data = resource.get("mode").and_then(entry_str) == Some("data");
    let header = resource
        .get("address")
        .map_or(resource.span, |e| e.value.span);
    let module_address = module_prefix(address);
    let after_unknown = changes
        .get(address)
        .and_then(|rc| path(rc, &["change", "after_unknown"]));
    let name = resource.get("name").and_then(entry_str)?;
    let config = config_root
        .and_then(|root| config_resource(root, &module_names(&module_address), ty, name, data));
    let expressions = config.and_then(|c| c.get("expressions")).map(|e| &e.value);

    let mut body: Vec<Entry> = Vec::new();
    if let Some(DocKind::Map(values)) = resource.get("values").map(|e| &e.value.kind) {
        for entry in values {
            let unknown = after_unknown
                .and_then(|u| u.get(&entry.key))
                .map(|e| &e.value);
            if matches!(entry.value.kind, DocKind::Null) {
                // Handled with the unknown ones below, or absent.
                continue;
            }
            body.push(Entry {
                key: entry.key.clone(),
                key_span: entry.key_span,
                value: merge(&entry.value, unknown, 0),
            });
        }
    }
    if let Some(DocKind::Map(unknowns)) = after_unknown.map(|u| &u.kind) {
        for entry in unknowns {
            let written_known = body.iter().any(|e| e.key == entry.key);
            if written_known || !contains_true(&entry.value, 0) {
                continue;
            }
            let expression = match expressions {
                Some(exprs) => match exprs.get(&entry.key) {
                    Some(expr) => Some(&expr.value),
                    // Never written: the provider default applies (SPEC §3).
                    None => continue,
                },
                None => None,
            };
            let value = match expression {
                Some(expr) => linked(expr, &entry.key, &module_address, addresses, entry),
                None => Node::unknown(entry.value.span),
            };
            body.push(Entry {
                key: entry.key.clone(),
                key_span: entry.key_span,
                value,
            });
        }
    }
    Some(RawResource {
        lang: Lang::Terraform,
        kind: if data {
            format!("data.{ty}")
        } else {
            ty.to_string()
        },
        address: address.to_string(),
        header,
        span: resource.span,
        file,
        body,
        suppressed: Vec::new(),
    })
}

/// An unknown-after-apply attribute whose configuration references resources of the plan:
/// a link to each (a list for list-valued attributes), else Unknown.
fn linked(
    expr: &DocNode,
    key: &str,
    module_address: &str,
    addresses: &BTreeSet<String>,
    entry: &DocEntry,
) -> Node {
    let span = entry.value.span;
    let mut targets: Vec<Reference> = Vec::new();
    for reference in seq(expr.get("references").map(|e| &e.value)).filter_map(str_of) {
        if let Some(found) = resolve_reference(reference, module_address, addresses)
            && !targets.iter().any(|t| t.target == found.target)
        {
            targets.push(found);
        }
    }
    let list_valued = key.ends_with("_ids")
        || key.ends_with("_arns")
        || matches!(key, "security_groups" | "subnets" | "cidr_blocks");
    match targets.len() {
        0 => Node::unknown(span),
        _ if list_valued => Node::new(
            span,
            Val::List(
                targets
                    .into_iter()
                    .map(|t| Node::new(span, Val::Ref(t)))
                    .collect(),
            ),
        ),
        1 => match targets.pop() {
            Some(t) => Node::new(span, Val::Ref(t)),
            None => Node::unknown(span),
        },
        // Several resources feed one value: which one is not provable.
        _ => Node::unknown(span),
    }
}

/// `aws_vpc.core.id` (relative to its module) -> the plan resource it names, with the
/// attribute; `None` for variables, locals, module outputs and unexpanded references.
fn resolve_reference(
    reference: &str,
    module_address: &str,
    addresses: &BTreeSet<String>,
) -> Option<Reference> {
    let prefix = if module_address.is_empty() {
        String::new()
    } else {
        format!("{module_address}.")
    };
    let segments = split_address(reference);
    for take in (2..=segments.len()).rev() {
        let candidate = segments.get(..take)?.join(".");
        let full = format!("{prefix}{candidate}");
        if addresses.contains(&full) {
            let attribute = segments.get(take).map(|s| s.to_string());
            return Some(Reference {
                target: full,
                attribute,
            });
        }
    }
    None
}

/// Split an address at dots outside brackets (`module.a["x.y"].b` -> `module`, `a["x.y"]`, `b`).
fn split_address(address: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut in_string, mut start) = (0usize, false, 0usize);
    let bytes = address.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'[' if !in_string => depth += 1,
            b']' if !in_string => depth = depth.saturating_sub(1),
            b'.' if !in_string && depth == 0 => {
                parts.push(address.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(address.get(start..).unwrap_or(""));
    parts
}

/// The module part of a resource address: `module.a[0].module.b` of
/// `module.a[0].module.b.aws_vpc.x`; empty at the root.
fn module_prefix(address: &str) -> String {
    let segments = split_address(address);
    let mut end = 0;
    while segments.get(end) == Some(&"module") && segments.get(end + 1).is_some() {
        end += 2;
    }
    segments.get(..end).map(|s| s.join(".")).unwrap_or_default()
}

/// Module call names of a module address, instance keys dropped: `module.a[0].module.b` ->
/// `a`, `b`.
fn module_names(module_address: &str) -> Vec<String> {
    split_address(module_address)
        .chunks(2)
        .filter_map(|pair| match pair {
            ["module", name] => Some(name.split('[').next().unwrap_or(name).to_string()),
            _ => None,
        })
        .collect()
}

/// The `configuration` entry of a resource: through `module_calls.NAME.module` per module.
fn config_resource<'d>(
    root: &'d DocNode,
    modules: &[String],
    ty: &str,
    name: &str,
    data: bool,
) -> Option<&'d DocNode> {
    let mut module = root;
    for call in modules.iter().take(MAX_PLAN_MODULE_DEPTH) {
        module = path(module, &["module_calls", call, "module"])?;
    }
    seq(module.get("resources").map(|e| &e.value)).find(|r| {
        r.get("type").and_then(entry_str) == Some(ty)
            && r.get("name").and_then(entry_str) == Some(name)
            && (r.get("mode").and_then(entry_str) == Some("data")) == data
    })
}

/// A planned value with its unknown-after-apply parts (from `after_unknown`) made Unknown.
fn merge(value: &DocNode, unknown: Option<&DocNode>, depth: usize) -> Node {
    if matches!(unknown.map(|u| &u.kind), Some(DocKind::Bool(true))) {
        return Node::unknown(value.span);
    }
    if depth > crate::load::hcl::MAX_HCL_NESTING {
        return Node::unknown(value.span);
    }
    let val = match &value.kind {
        DocKind::Null => Val::Null,
        DocKind::Bool(b) => Val::Bool(*b),
        DocKind::Number(text) => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map_or(Val::Unknown, Val::Number),
        DocKind::Str(s) => Val::Str(s.clone()),
        DocKind::Seq(items) => {
            let unknown_items: Vec<&DocNode> = match unknown.map(|u| &u.kind) {
                Some(DocKind::Seq(u)) => u.iter().collect(),
                _ => Vec::new(),
            };
            Val::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| merge(item, unknown_items.get(i).copied(), depth + 1))
                    .collect(),
            )
        }
        DocKind::Map(entries) => {
            let mut out: Vec<Entry> = entries
                .iter()
                .map(|e| Entry {
                    key: e.key.clone(),
                    key_span: e.key_span,
                    value: merge(
                        &e.value,
                        unknown.and_then(|u| u.get(&e.key)).map(|u| &u.value),
                        depth + 1,
                    ),
                })
                .collect();
            if let Some(DocKind::Map(unknowns)) = unknown.map(|u| &u.kind) {
                for u in unknowns {
                    if !out.iter().any(|e| e.key == u.key) && contains_true(&u.value, 0) {
                        out.push(Entry {
                            key: u.key.clone(),
                            key_span: u.key_span,
                            value: Node::unknown(u.value.span),
                        });
                    }
                }
            }
            Val::Map(out)
        }
    };
    Node::new(value.span, val)
}

/// Whether an `after_unknown` subtree marks anything unknown.
fn contains_true(node: &DocNode, depth: usize) -> bool {
    if depth > crate::load::hcl::MAX_HCL_NESTING {
        return true;
    }
    match &node.kind {
        DocKind::Bool(b) => *b,
        DocKind::Seq(items) => items.iter().any(|i| contains_true(i, depth + 1)),
        DocKind::Map(entries) => entries.iter().any(|e| contains_true(&e.value, depth + 1)),
        _ => false,
    }
}

fn path<'d>(node: &'d DocNode, keys: &[&str]) -> Option<&'d DocNode> {
    let mut node = node;
    for key in keys {
        node = &node.get(key)?.value;
    }
    Some(node)
}

fn seq(node: Option<&DocNode>) -> impl Iterator<Item = &DocNode> {
    let items: &[DocNode] = match node.map(|n| &n.kind) {
        Some(DocKind::Seq(items)) => items,
        _ => &[],
    };
    items.iter()
}

fn str_of(node: &DocNode) -> Option<&str> {
    match &node.kind {
        DocKind::Str(s) => Some(s),
        _ => None,
    }
}

/// The string value of a map entry.
fn entry_str(entry: &DocEntry) -> Option<&str> {
    str_of(&entry.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_outside_brackets() {
        assert_eq!(
            split_address(r#"module.a["x.y"].aws_vpc.v[0]"#),
            ["module", r#"a["x.y"]"#, "aws_vpc", "v[0]"]
        );
        assert_eq!(
            module_prefix("module.a[0].module.b.aws_vpc.x"),
            "module.a[0].module.b"
        );
        assert_eq!(module_prefix("aws_vpc.x"), "");
        assert_eq!(module_names("module.a[0].module.b"), ["a", "b"]);
    }

    #[test]
    fn unknown_values_link_stay_unknown_or_are_absent() {
        let text = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"child_modules": [{"address": "module.net", "resources": [
    {"address": "module.net.aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v",
     "values": {"cidr_block": "10.0.0.0/16", "tags": null}},
    {"address": "module.net.aws_subnet.s[0]", "mode": "managed", "type": "aws_subnet", "name": "s",
     "values": {"availability_zone": "a", "ingress": [{"from_port": 443}]}}
  ]}]}},
  "resource_changes": [
    {"address": "module.net.aws_vpc.v", "change": {"after_unknown": {"id": true, "enable_dns_hostnames": true, "enable_dns_support": true}}},
    {"address": "module.net.aws_subnet.s[0]", "change": {"after_unknown": {"vpc_id": true, "other": true, "ingress": [{"cidr_blocks": true}]}}}
  ],
  "configuration": {"root_module": {"module_calls": {"net": {"module": {"resources": [
    {"mode": "managed", "type": "aws_vpc", "name": "v", "expressions": {"enable_dns_support": {"references": ["var.dns"]}}},
    {"mode": "managed", "type": "aws_subnet", "name": "s", "expressions": {
      "vpc_id": {"references": ["aws_vpc.v.id", "aws_vpc.v"]}, "other": {"references": ["aws_vpc.w.id"]}}}
  ]}}}}}
}"#;
        let doc = crate::load::cfn_json::parse_json(text, FileId(0)).unwrap();
        let resources = resolve_plan(&doc, FileId(0));
        let show = |r: &RawResource| -> Vec<String> {
            r.body
                .iter()
                .map(|e| format!("{}={:?}", e.key, e.value.val))
                .collect()
        };
        let vpc = resources
            .iter()
            .find(|r| r.address == "module.net.aws_vpc.v")
            .unwrap();
        // `tags` is null (absent); `id` and `enable_dns_hostnames` were never written
        // (absent); `enable_dns_support` comes from a variable (Unknown).
        assert_eq!(
            show(vpc),
            [
                r#"cidr_block=Str("10.0.0.0/16")"#,
                "enable_dns_support=Unknown"
            ]
        );
        assert_eq!(
            &text[vpc.header.start..vpc.header.end],
            "\"module.net.aws_vpc.v\""
        );
        let subnet = resources
            .iter()
            .find(|r| r.address == "module.net.aws_subnet.s[0]")
            .unwrap();
        let body = show(subnet);
        assert_eq!(body.first().unwrap(), r#"availability_zone=Str("a")"#);
        assert!(
            body.get(1).unwrap().starts_with("ingress=List([Node"),
            "{body:?}"
        );
        assert!(body.get(1).unwrap().contains("cidr_blocks"), "{body:?}");
        assert_eq!(
            body.get(2).unwrap(),
            r#"vpc_id=Ref(Reference { target: "module.net.aws_vpc.v", attribute: Some("id") })"#
        );
        assert_eq!(body.get(3).unwrap(), "other=Unknown");
        assert_eq!(body.len(), 4);
    }
}
