//! IAM policy documents in one shape, whatever they were written as: a JSON string, a
//! heredoc, `jsonencode(...)`, a CloudFormation object with intrinsics inside, an OpenAPI
//! `x-amazon-apigateway-policy`, `data "aws_iam_policy_document"`, or SAM's
//! `Auth.ResourcePolicy`. Keys and operators are compared case-insensitively (as IAM does).

use crate::resolve::{Entry, Node, RawResource, Val};
use crate::source::Span;

use super::value::{Tri, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`, `{"AWS": "*"}`: anyone.
    Wildcard,
    /// Named accounts, roles, services.
    Specific,
    /// Not written (or `NotPrincipal`, which privlint does not reason about).
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub span: Span,
    pub effect: Value<Effect>,
    pub principal: Principal,
    /// Lower-cased actions; Unknown when any is unknown or `NotAction` is used.
    pub actions: Value<Vec<String>>,
    /// Lower-cased resources; Unknown when any is unknown.
    pub resources: Value<Vec<String>>,
    pub conditions: Value<Vec<Condition>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Lower-cased operator, e.g. `stringnotequals`, `foranyvalue:stringlike`.
    pub operator: String,
    /// Lower-cased key, e.g. `aws:sourcevpce`.
    pub key: String,
    pub values: Vec<Node>,
    /// The `key: values` entry.
    pub span: Span,
}

impl Condition {
    /// `StringNotEquals`, `StringNotLike`, `ArnNotEquals`, ... (with set and IfExists forms).
    pub fn is_negated(&self) -> bool {
        let op = self
            .operator
            .trim_start_matches("forallvalues:")
            .trim_start_matches("foranyvalue:");
        op.starts_with("stringnot") || op.starts_with("arnnot")
    }
}

/// Condition keys that tie a caller to a network path or an organisation.
pub const SCOPING_KEYS: &[&str] = &[
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:principalorgid",
    "aws:principalaccount",
];

/// Keys that only make sense for requests through a VPC endpoint.
pub const VPC_KEYS: &[&str] = &["aws:sourcevpce", "aws:sourcevpc"];

impl Statement {
    /// Could this statement's actions include `action` (lower-case, e.g. `execute-api:invoke`)?
    pub fn covers_action(&self, action: &str) -> Tri {
        match &self.actions {
            Value::Known(actions) => Tri::from_bool(actions.iter().any(|a| glob_match(a, action))),
            _ => Tri::Maybe,
        }
    }

    /// Does the statement have a condition on one of `keys`?
    pub fn conditions_on(&self, keys: &[&str]) -> Tri {
        match &self.conditions {
            Value::Known(conditions) => {
                Tri::from_bool(conditions.iter().any(|c| keys.contains(&c.key.as_str())))
            }
            _ => Tri::Maybe,
        }
    }
}

/// IAM wildcard match (`*` any run, `?` one character), case-insensitive.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

/// Read a policy document from a resolved value: an object, or a JSON string.
pub fn from_node(node: &Node) -> Value<Policy> {
    match &node.val {
        Val::Map(_) => statements_of(node.get_ignore_case("Statement").map(|e| &e.value)),
        Val::Str(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => from_node(&super::build::json_to_node(&json, node.span, 0)),
            Err(_) => Value::Unknown,
        },
        _ => Value::Unknown,
    }
}

fn statements_of(node: Option<&Node>) -> Value<Policy> {
    let Some(node) = node else {
        return Value::Known(Policy {
            statements: Vec::new(),
        });
    };
    let items: Vec<&Node> = match &node.val {
        Val::List(items) => items.iter().collect(),
        Val::Map(_) => vec![node],
        _ => return Value::Unknown,
    };
    items
        .into_iter()
        .map(statement)
        .collect::<Option<Vec<_>>>()
        .map_or(Value::Unknown, |statements| {
            Value::Known(Policy { statements })
        })
}

fn statement(node: &Node) -> Option<Statement> {
    let Val::Map(_) = node.val else { return None };
    let field = |key: &str| node.get_ignore_case(key).map(|e| &e.value);
    let effect = match field("Effect").and_then(Node::as_str) {
        Some(e) if e.eq_ignore_ascii_case("allow") => Value::Known(Effect::Allow),
        Some(e) if e.eq_ignore_ascii_case("deny") => Value::Known(Effect::Deny),
        _ => Value::Unknown,
    };
    let principal = match (field("Principal"), field("NotPrincipal")) {
        (Some(p), None) => principal_of(p),
        _ => Principal::Unknown,
    };
    let actions = match (field("Action"), field("NotAction")) {
        (Some(a), None) => strings_of(a),
        _ => Value::Unknown,
    };
    let resources = match (field("Resource"), field("NotResource")) {
        (Some(r), None) => strings_of(r),
        (None, None) => Value::Known(Vec::new()),
        _ => Value::Unknown,
    };
    let conditions = match field("Condition") {
        None => Value::Known(Vec::new()),
        Some(c) => conditions_of(c),
    };
    Some(Statement {
        span: node.span,
        effect,
        principal,
        actions,
        resources,
        conditions,
    })
}

fn principal_of(node: &Node) -> Principal {
    match &node.val {
        Val::Str(s) if s == "*" => Principal::Wildcard,
        Val::Str(_) => Principal::Specific,
        Val::Map(entries) => {
            let mut out = Principal::Specific;
            for e in entries {
                match strings_of(&e.value) {
                    Value::Known(ids) if ids.iter().any(|i| i == "*") => {
                        return Principal::Wildcard;
                    }
                    Value::Known(_) => {}
                    _ => out = Principal::Unknown,
                }
            }
            out
        }
        _ => Principal::Unknown,
    }
}

/// A string or list of strings, lower-cased. Anything unresolved makes it Unknown.
fn strings_of(node: &Node) -> Value<Vec<String>> {
    let one = |n: &Node| n.as_str().map(str::to_ascii_lowercase);
    match &node.val {
        Val::Str(s) => Value::Known(vec![s.to_ascii_lowercase()]),
        Val::List(items) => items
            .iter()
            .map(one)
            .collect::<Option<Vec<_>>>()
            .map_or(Value::Unknown, Value::Known),
        _ => Value::Unknown,
    }
}

fn conditions_of(node: &Node) -> Value<Vec<Condition>> {
    let Val::Map(operators) = &node.val else {
        return Value::Unknown;
    };
    let mut out = Vec::new();
    for op in operators {
        let Val::Map(keys) = &op.value.val else {
            return Value::Unknown;
        };
        for key in keys {
            out.push(Condition {
                operator: op.key.to_ascii_lowercase(),
                key: key.key.to_ascii_lowercase(),
                values: match &key.value.val {
                    Val::List(items) => items.clone(),
                    _ => vec![key.value.clone()],
                },
                span: key.span(),
            });
        }
    }
    Value::Known(out)
}

/// `data "aws_iam_policy_document"`: `statement` blocks with `effect`, `actions`,
/// `not_actions`, `resources`, `principals {type, identifiers}`, `condition {test, variable,
/// values}`. Documents merged from other documents are Unknown.
pub fn from_policy_document(doc: &RawResource) -> Value<Policy> {
    let merges = [
        "source_policy_documents",
        "override_policy_documents",
        "source_json",
        "override_json",
    ];
    if merges.iter().any(|k| doc.get(k).is_some()) {
        return Value::Unknown;
    }
    let Some(blocks) = doc.get("statement") else {
        return Value::Known(Policy {
            statements: Vec::new(),
        });
    };
    let Val::List(items) = &blocks.value.val else {
        return Value::Unknown;
    };
    items
        .iter()
        .map(document_statement)
        .collect::<Option<Vec<_>>>()
        .map_or(Value::Unknown, |statements| {
            Value::Known(Policy { statements })
        })
}

fn document_statement(node: &Node) -> Option<Statement> {
    let Val::Map(_) = node.val else { return None };
    let effect = match node.get("effect").map(|e| &e.value.val) {
        None => Value::Known(Effect::Allow),
        Some(Val::Str(e)) if e.eq_ignore_ascii_case("allow") => Value::Known(Effect::Allow),
        Some(Val::Str(e)) if e.eq_ignore_ascii_case("deny") => Value::Known(Effect::Deny),
        Some(_) => Value::Unknown,
    };
    Some(Statement {
        principal: document_principal(node),
        ..document_statement_rest(node, effect)?
    })
}

/// `principals { type = "*" | "AWS", identifiers = ["*"] }` is the wildcard.
fn document_principal(node: &Node) -> Principal {
    let blocks = match (node.get("principals"), node.get("not_principals")) {
        (Some(e), None) => match &e.value.val {
            Val::List(blocks) => blocks,
            _ => return Principal::Unknown,
        },
        _ => return Principal::Unknown,
    };
    let mut out = Principal::Specific;
    for block in blocks {
        let kind = block.get("type").and_then(|e| e.value.as_str());
        match (kind, block.get("identifiers").map(|e| strings_of(&e.value))) {
            (Some("*" | "AWS"), Some(Value::Known(ids))) if ids.iter().any(|i| i == "*") => {
                return Principal::Wildcard;
            }
            (Some(_), Some(Value::Known(_))) => {}
            _ => out = Principal::Unknown,
        }
    }
    out
}

/// Everything of a policy-document statement but its principal.
fn document_statement_rest(node: &Node, effect: Value<Effect>) -> Option<Statement> {
    let field = |key: &str| node.get(key).map(|e| &e.value);
    let actions = match (field("actions"), field("not_actions")) {
        (Some(a), None) => strings_of(a),
        _ => Value::Unknown,
    };
    let resources = match (field("resources"), field("not_resources")) {
        (Some(r), None) => strings_of(r),
        (None, None) => Value::Known(Vec::new()),
        _ => Value::Unknown,
    };
    let conditions = match field("condition") {
        None => Value::Known(Vec::new()),
        Some(Node {
            val: Val::List(blocks),
            ..
        }) => blocks
            .iter()
            .map(|b| {
                let test = b.get("test")?.value.as_str()?.to_ascii_lowercase();
                let variable = b.get("variable")?.value.as_str()?.to_ascii_lowercase();
                let values = match b.get("values").map(|e| &e.value.val) {
                    Some(Val::List(items)) => items.clone(),
                    Some(_) => b.get("values").map(|e| vec![e.value.clone()])?,
                    None => Vec::new(),
                };
                Some(Condition {
                    operator: test,
                    key: variable,
                    values,
                    span: b.span,
                })
            })
            .collect::<Option<Vec<_>>>()
            .map_or(Value::Unknown, Value::Known),
        Some(_) => Value::Unknown,
    };
    Some(Statement {
        span: node.span,
        effect,
        principal: Principal::Unknown,
        actions,
        resources,
        conditions,
    })
}

/// SAM `Auth.ResourcePolicy`, as the statements SAM generates from it.
pub fn from_sam_resource_policy(node: &Node) -> Value<Policy> {
    let Val::Map(entries) = &node.val else {
        return Value::Unknown;
    };
    let mut statements = Vec::new();
    let invoke = || Value::Known(vec!["execute-api:invoke".to_string()]);
    let any_resource = || Value::Known(vec!["execute-api:/*".to_string()]);
    let allow_all = |span| Statement {
        span,
        effect: Value::Known(Effect::Allow),
        principal: Principal::Wildcard,
        actions: invoke(),
        resources: any_resource(),
        conditions: Value::Known(Vec::new()),
    };
    let deny_unless = |e: &Entry, operator: &str, key: &str| Statement {
        span: e.span(),
        effect: Value::Known(Effect::Deny),
        principal: Principal::Wildcard,
        actions: invoke(),
        resources: any_resource(),
        conditions: Value::Known(vec![Condition {
            operator: operator.to_string(),
            key: key.to_string(),
            values: match &e.value.val {
                Val::List(items) => items.clone(),
                _ => vec![e.value.clone()],
            },
            span: e.span(),
        }]),
    };
    for e in entries {
        match e.key.as_str() {
            "CustomStatements" => match statements_of(Some(&e.value)) {
                Value::Known(p) => statements.extend(p.statements),
                _ => return Value::Unknown,
            },
            "AwsAccountWhitelist" => statements.push(Statement {
                principal: Principal::Specific,
                ..allow_all(e.span())
            }),
            "AwsAccountBlacklist" => statements.push(Statement {
                effect: Value::Known(Effect::Deny),
                principal: Principal::Specific,
                ..allow_all(e.span())
            }),
            "IntrinsicVpceWhitelist" => {
                statements.push(allow_all(e.span()));
                statements.push(deny_unless(e, "stringnotequals", "aws:sourcevpce"));
            }
            "IntrinsicVpcWhitelist" => {
                statements.push(allow_all(e.span()));
                statements.push(deny_unless(e, "stringnotequals", "aws:sourcevpc"));
            }
            "SourceVpcWhitelist" => {
                // Entries are VPC or endpoint ids; either way the source is scoped.
                let all_vpce = match &e.value.val {
                    Val::List(items) => items
                        .iter()
                        .all(|i| i.as_str().is_none_or(|s| s.starts_with("vpce-"))),
                    _ => true,
                };
                let key = if all_vpce {
                    "aws:sourcevpce"
                } else {
                    "aws:sourcevpc"
                };
                statements.push(allow_all(e.span()));
                statements.push(deny_unless(e, "stringnotequals", key));
            }
            "IntrinsicVpceBlacklist" | "IntrinsicVpcBlacklist" | "SourceVpcBlacklist" => {
                let key = if e.key == "IntrinsicVpcBlacklist" {
                    "aws:sourcevpc"
                } else {
                    "aws:sourcevpce"
                };
                statements.push(allow_all(e.span()));
                statements.push(deny_unless(e, "stringequals", key));
            }
            "IpRangeWhitelist" => {
                statements.push(allow_all(e.span()));
                statements.push(deny_unless(e, "notipaddress", "aws:sourceip"));
            }
            "IpRangeBlacklist" => {
                statements.push(allow_all(e.span()));
                statements.push(deny_unless(e, "ipaddress", "aws:sourceip"));
            }
            _ => {}
        }
    }
    Value::Known(Policy { statements })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_iam() {
        assert!(glob_match("*", "execute-api:invoke"));
        assert!(glob_match("execute-api:*", "execute-api:Invoke"));
        assert!(glob_match("Execute-API:Inv?ke", "execute-api:invoke"));
        assert!(!glob_match(
            "execute-api:ManageConnections",
            "execute-api:invoke"
        ));
        assert!(!glob_match("s3:*", "execute-api:invoke"));
    }

    #[test]
    fn negated_operators() {
        let c = |op: &str| Condition {
            operator: op.to_string(),
            key: "aws:sourcevpce".into(),
            values: vec![],
            span: Span::default(),
        };
        assert!(c("stringnotequals").is_negated());
        assert!(c("foranyvalue:stringnotlike").is_negated());
        assert!(c("stringnotequalsignorecase").is_negated());
        assert!(!c("stringequals").is_negated());
    }
}
