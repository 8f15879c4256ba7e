//! CloudFormation intrinsics and parameters -> resolved resources.
//!
//! Works on the document tree of a template (YAML short forms are already long forms).
//! Whatever cannot be proven from the template alone becomes `Val::Unknown`.

use std::collections::{HashMap, HashSet};

use super::{Entry, Lang, Node, RawResource, Reference, Suppression, TemplatePart, Val};
use crate::load::tree::{DocEntry, DocKind, DocNode};
use crate::source::{FileId, Span};

/// Deepest nesting of values and intrinsics evaluated; anything deeper is Unknown. Real
/// templates nest a few dozen levels at most.
pub const MAX_RESOLVE_DEPTH: usize = 100;

const SAM_API: &str = "AWS::Serverless::Api";
const SAM_FUNCTION: &str = "AWS::Serverless::Function";
/// Logical id SAM gives the API it creates for function events without `RestApiId`.
const IMPLICIT_API: &str = "ServerlessRestApi";

/// One `RawResource` per entry of `Resources` whose `Type` is a string (SAM's implicit API
/// added when the template implies one).
pub fn resolve_template(doc: &DocNode, file: FileId) -> Vec<RawResource> {
    let Some(DocKind::Map(resource_entries)) = doc.get("Resources").map(|e| &e.value.kind) else {
        return Vec::new();
    };
    let ctx = Ctx::new(doc, resource_entries);
    let globals_api = globals_api(&ctx, doc);
    let mut out = Vec::new();
    for entry in resource_entries {
        let Some(kind) = str_of(entry.value.get("Type").map(|t| &t.value)) else {
            continue;
        };
        let mut body = match entry.value.get("Properties") {
            None => Vec::new(),
            Some(props) => match ctx.resolve(&props.value, 0) {
                None => Vec::new(),
                Some(Node {
                    val: Val::Map(entries),
                    ..
                }) => entries,
                Some(Node { val: Val::Null, .. }) => Vec::new(),
                // Properties chosen by a condition (or otherwise unknowable): an empty body
                // would read as "everything absent" and make rules apply defaults, so the
                // resource is left out instead.
                Some(_) => continue,
            },
        };
        if kind == SAM_API {
            merge_missing(&mut body, &globals_api);
        }
        out.push(RawResource {
            lang: Lang::CloudFormation,
            kind: kind.to_string(),
            address: entry.key.clone(),
            header: entry.key_span,
            span: entry.key_span.join(entry.value.span),
            file,
            body,
            suppressed: suppressions(&entry.value),
        });
    }
    if let Some(implicit) = implicit_api(&out, &ctx, &globals_api, file) {
        out.push(implicit);
    }
    out
}

/// Evaluation context: what `Ref` and friends can see.
struct Ctx<'d> {
    resources: HashSet<&'d str>,
    /// Parameter values; `None` = Unknown (no default, or a default that is not the value).
    parameters: HashMap<&'d str, Option<Node>>,
    mappings: Option<&'d DocNode>,
}

impl<'d> Ctx<'d> {
    fn new(doc: &'d DocNode, resource_entries: &'d [DocEntry]) -> Self {
        let resources = resource_entries.iter().map(|e| e.key.as_str()).collect();
        let mut parameters = HashMap::new();
        if let Some(DocKind::Map(params)) = doc.get("Parameters").map(|e| &e.value.kind) {
            for param in params {
                parameters.insert(param.key.as_str(), parameter_value(&param.value));
            }
        }
        Ctx {
            resources,
            parameters,
            mappings: doc.get("Mappings").map(|e| &e.value),
        }
    }

    fn is_resource(&self, name: &str) -> bool {
        self.resources.contains(name)
    }

    /// Resolve a value. `None` means absent (`AWS::NoValue`): the caller drops the property
    /// or list element.
    fn resolve(&self, doc: &DocNode, depth: usize) -> Option<Node> {
        let span = doc.span;
        if depth > MAX_RESOLVE_DEPTH {
            return Some(Node::unknown(span));
        }
        let val = match &doc.kind {
            DocKind::Null => Val::Null,
            DocKind::Bool(b) => Val::Bool(*b),
            DocKind::Number(text) => number_val(text),
            DocKind::Str(s) => Val::Str(s.clone()),
            DocKind::Seq(items) => Val::List(
                items
                    .iter()
                    .filter_map(|item| self.resolve(item, depth + 1))
                    .collect(),
            ),
            DocKind::Map(entries) => {
                if let [only] = entries.as_slice()
                    && is_intrinsic_name(&only.key)
                {
                    return self.intrinsic(&only.key, &only.value, span, depth + 1);
                }
                Val::Map(
                    entries
                        .iter()
                        .filter_map(|e| {
                            Some(Entry {
                                key: e.key.clone(),
                                key_span: e.key_span,
                                value: self.resolve(&e.value, depth + 1)?,
                            })
                        })
                        .collect(),
                )
            }
        };
        Some(Node::new(span, val))
    }

    /// A resolved value that must be present (absent counts as Unknown).
    fn resolve_present(&self, doc: &DocNode, depth: usize) -> Node {
        self.resolve(doc, depth)
            .unwrap_or_else(|| Node::unknown(doc.span))
    }

    fn intrinsic(&self, name: &str, arg: &DocNode, span: Span, depth: usize) -> Option<Node> {
        let unknown = Node::unknown(span);
        let node = match name {
            "Ref" => return self.reference(arg, span),
            "Fn::If" => return self.fn_if(arg, span, depth),
            "Fn::GetAtt" => self.get_att(arg, span, depth),
            "Fn::Sub" => self.sub(arg, span, depth),
            "Fn::Join" => self.join(arg, span, depth),
            "Fn::Select" => self.select(arg, span, depth),
            "Fn::Split" => self.split(arg, span, depth),
            "Fn::FindInMap" => self.find_in_map(arg, span, depth),
            // Fn::ImportValue, Fn::GetAZs, Fn::Cidr, Fn::Base64, Fn::Transform, Condition, ...
            _ => None,
        };
        Some(node.unwrap_or(unknown))
    }

    fn reference(&self, arg: &DocNode, span: Span) -> Option<Node> {
        let DocKind::Str(name) = &arg.kind else {
            return Some(Node::unknown(span));
        };
        let val = match name.as_str() {
            "AWS::NoValue" => return None,
            "AWS::URLSuffix" => Val::Str("amazonaws.com".to_string()),
            name if self.is_resource(name) => Val::Ref(Reference {
                target: name.to_string(),
                attribute: None,
            }),
            name => match self.parameters.get(name) {
                Some(Some(value)) => value.val.clone(),
                // Region, AccountId, StackName, ... and parameters without a usable default.
                _ => Val::Unknown,
            },
        };
        Some(Node::new(span, val))
    }

    fn get_att(&self, arg: &DocNode, span: Span, depth: usize) -> Option<Node> {
        let (target, attribute) = match &arg.kind {
            DocKind::Str(s) => {
                let (target, attribute) = s.split_once('.')?;
                (target.to_string(), attribute.to_string())
            }
            DocKind::Seq(items) => {
                let [target, attribute] = items.as_slice() else {
                    return None;
                };
                let target = str_of(Some(target))?.to_string();
                let attribute = self.resolve_present(attribute, depth + 1);
                (target, attribute.as_str()?.to_string())
            }
            _ => return None,
        };
        if !self.is_resource(&target) {
            return None;
        }
        Some(Node::new(
            span,
            Val::Ref(Reference {
                target,
                attribute: Some(attribute),
            }),
        ))
    }

    fn sub(&self, arg: &DocNode, span: Span, depth: usize) -> Option<Node> {
        let (template, vars) = match &arg.kind {
            DocKind::Str(s) => (s.as_str(), None),
            DocKind::Seq(items) => match items.as_slice() {
                [template, vars] => (str_of(Some(template))?, Some(vars)),
                [template] => (str_of(Some(template))?, None),
                _ => return None,
            },
            _ => return None,
        };
        let mut parts = Parts::default();
        let mut rest = template;
        while let Some(open) = rest.find("${") {
            parts.lit(rest.get(..open).unwrap_or(""));
            let after = rest.get(open + 2..).unwrap_or("");
            if let Some(literal) = after.strip_prefix('!') {
                // `${!Literal}` is the escape for a literal `${Literal}`.
                parts.lit("${");
                rest = literal;
                continue;
            }
            let Some(close) = after.find('}') else {
                parts.lit(rest.get(open..).unwrap_or(""));
                rest = "";
                break;
            };
            let name = after.get(..close).unwrap_or("").trim();
            self.sub_variable(name, vars, &mut parts, depth);
            rest = after.get(close + 1..).unwrap_or("");
        }
        parts.lit(rest);
        Some(Node::new(span, parts.into_val()))
    }

    fn sub_variable(&self, name: &str, vars: Option<&DocNode>, parts: &mut Parts, depth: usize) {
        if let Some(value) = vars.and_then(|v| v.get(name)) {
            match self.resolve(&value.value, depth + 1) {
                Some(node) => parts.push_val(&node.val),
                None => parts.unknown(),
            }
            return;
        }
        if name == "AWS::URLSuffix" {
            parts.lit("amazonaws.com");
        } else if name.starts_with("AWS::") {
            parts.unknown();
        } else if self.is_resource(name) {
            parts.reference(Reference {
                target: name.to_string(),
                attribute: None,
            });
        } else if let Some(param) = self.parameters.get(name) {
            match param {
                Some(value) => parts.push_val(&value.val),
                None => parts.unknown(),
            }
        } else if let Some((target, attribute)) = name.split_once('.')
            && self.is_resource(target)
        {
            parts.reference(Reference {
                target: target.to_string(),
                attribute: Some(attribute.to_string()),
            });
        } else {
            parts.unknown();
        }
    }

    fn join(&self, arg: &DocNode, span: Span, depth: usize) -> Option<Node> {
        let DocKind::Seq(items) = &arg.kind else {
            return None;
        };
        let [delimiter, list] = items.as_slice() else {
            return None;
        };
        let delimiter = self.resolve_present(delimiter, depth + 1);
        let delimiter = delimiter.as_str()?;
        let Val::List(elements) = self.resolve_present(list, depth + 1).val else {
            return None;
        };
        let mut parts = Parts::default();
        for (i, element) in elements.iter().enumerate() {
            if i > 0 {
                parts.lit(delimiter);
            }
            parts.push_val(&element.val);
        }
        Some(Node::new(span, parts.into_val()))
    }

    /// Known only when both branches agree (conditions are not evaluated).
    fn fn_if(&self, arg: &DocNode, span: Span, depth: usize) -> Option<Node> {
        let DocKind::Seq(items) = &arg.kind else {
            return Some(Node::unknown(span));
        };
        let [_condition, when_true, when_false] = items.as_slice() else {
            return Some(Node::unknown(span));
        };
        let when_true = self.resolve(when_true, depth + 1);
        let when_false = self.resolve(when_false, depth + 1);
        match (when_true, when_false) {
            (None, None) => None,
            (Some(a), Some(b)) if same_value(&a.val, &b.val) => Some(a),
            _ => Some(Node::unknown(span)),
        }
    }

    fn select(&self, arg: &DocNode, _span: Span, depth: usize) -> Option<Node> {
        let DocKind::Seq(items) = &arg.kind else {
            return None;
        };
        let [index, list] = items.as_slice() else {
            return None;
        };
        let index = match self.resolve_present(index, depth + 1).val {
            Val::Number(n) if n >= 0.0 && n.fract() == 0.0 => n as usize,
            Val::Str(s) => s.trim().parse::<usize>().ok()?,
            _ => return None,
        };
        let Val::List(elements) = self.resolve_present(list, depth + 1).val else {
            return None;
        };
        elements.into_iter().nth(index)
    }

    fn split(&self, arg: &DocNode, span: Span, depth: usize) -> Option<Node> {
        let DocKind::Seq(items) = &arg.kind else {
            return None;
        };
        let [delimiter, source] = items.as_slice() else {
            return None;
        };
        let delimiter = self.resolve_present(delimiter, depth + 1);
        let source = self.resolve_present(source, depth + 1);
        let (delimiter, source) = (delimiter.as_str()?, source.as_str()?);
        if delimiter.is_empty() {
            return None;
        }
        let pieces = source
            .split(delimiter)
            .map(|piece| Node::new(span, Val::Str(piece.to_string())))
            .collect();
        Some(Node::new(span, Val::List(pieces)))
    }

    fn find_in_map(&self, arg: &DocNode, span: Span, depth: usize) -> Option<Node> {
        let DocKind::Seq(items) = &arg.kind else {
            return None;
        };
        let (keys, default) = match items.as_slice() {
            [map, top, second] => ([map, top, second], None),
            // The LanguageExtensions form: `[map, top, second, {DefaultValue: x}]`.
            [map, top, second, options] => ([map, top, second], options.get("DefaultValue")),
            _ => return None,
        };
        let mut key_names = Vec::with_capacity(3);
        for key in keys {
            match self.resolve_present(key, depth + 1).val {
                Val::Str(s) => key_names.push(s),
                Val::Number(n) => key_names.push(number_text(n)),
                _ => return None,
            }
        }
        let found = self.mappings.and_then(|mappings| {
            let mut node = mappings;
            for key in &key_names {
                node = &node.get(key)?.value;
            }
            Some(node)
        });
        match (found, default) {
            (Some(value), _) => Some(literal(value, depth + 1)),
            (None, Some(default)) => self.resolve(&default.value, depth + 1),
            (None, None) => Some(Node::unknown(span)),
        }
    }
}

/// A one-key map with this key is an intrinsic function call.
fn is_intrinsic_name(key: &str) -> bool {
    key == "Ref" || key == "Condition" || key.starts_with("Fn::")
}

/// The value `Ref` gives for a parameter: its default, as CloudFormation passes parameter
/// values (always strings; list types split on commas). `None` = Unknown.
fn parameter_value(param: &DocNode) -> Option<Node> {
    let default = &param.get("Default")?.value;
    let ty = str_of(param.get("Type").map(|t| &t.value)).unwrap_or("String");
    if ty.starts_with("AWS::SSM::Parameter::Value<") {
        // The default names an SSM parameter; its value is only known at deploy time.
        return None;
    }
    let is_list = ty == "CommaDelimitedList" || ty.starts_with("List<");
    let span = default.span;
    let scalar_text = |node: &DocNode| -> Option<String> {
        match &node.kind {
            DocKind::Str(s) | DocKind::Number(s) => Some(s.clone()),
            DocKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    };
    let val = match &default.kind {
        DocKind::Seq(items) => Val::List(
            items
                .iter()
                .map(|item| {
                    let val = scalar_text(item).map_or(Val::Unknown, Val::Str);
                    Node::new(item.span, val)
                })
                .collect(),
        ),
        _ => {
            let text = scalar_text(default)?;
            if is_list {
                Val::List(
                    text.split(',')
                        .map(|piece| Node::new(span, Val::Str(piece.trim().to_string())))
                        .collect(),
                )
            } else {
                Val::Str(text)
            }
        }
    };
    Some(Node::new(span, val))
}

/// A value written literally (parameter defaults, mappings, metadata): no intrinsics.
fn literal(doc: &DocNode, depth: usize) -> Node {
    if depth > MAX_RESOLVE_DEPTH {
        return Node::unknown(doc.span);
    }
    let val = match &doc.kind {
        DocKind::Null => Val::Null,
        DocKind::Bool(b) => Val::Bool(*b),
        DocKind::Number(text) => number_val(text),
        DocKind::Str(s) => Val::Str(s.clone()),
        DocKind::Seq(items) => Val::List(items.iter().map(|i| literal(i, depth + 1)).collect()),
        DocKind::Map(entries) => Val::Map(
            entries
                .iter()
                .map(|e| Entry {
                    key: e.key.clone(),
                    key_span: e.key_span,
                    value: literal(&e.value, depth + 1),
                })
                .collect(),
        ),
    };
    Node::new(doc.span, val)
}

fn number_val(text: &str) -> Val {
    // `012345678901` is an account id, not twelve billion: a leading zero keeps the text.
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut chars = digits.chars();
    if chars.next() == Some('0') && chars.next().is_some_and(|c| c.is_ascii_digit()) {
        return Val::Str(text.to_string());
    }
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Val::Number(n),
        _ => Val::Str(text.to_string()),
    }
}

/// A number as CloudFormation would print it in a string (`443`, not `443.0`).
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn str_of(node: Option<&DocNode>) -> Option<&str> {
    match &node?.kind {
        DocKind::Str(s) => Some(s),
        _ => None,
    }
}

/// Equal values, ignoring spans. Anything Unknown is never equal to anything.
fn same_value(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Unknown, _) | (_, Val::Unknown) => false,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(&p.val, &q.val))
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| p.key == q.key && same_value(&p.value.val, &q.value.val))
        }
        (Val::Template(x), Val::Template(y)) => {
            !x.iter().any(|p| matches!(p, TemplatePart::Unknown)) && x == y
        }
        _ => a == b,
    }
}

/// The pieces of a string being built by `Fn::Sub` / `Fn::Join`.
#[derive(Default)]
struct Parts(Vec<TemplatePart>);

impl Parts {
    fn lit(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(TemplatePart::Lit(last)) = self.0.last_mut() {
            last.push_str(s);
        } else {
            self.0.push(TemplatePart::Lit(s.to_string()));
        }
    }

    fn unknown(&mut self) {
        self.0.push(TemplatePart::Unknown);
    }

    fn reference(&mut self, reference: Reference) {
        self.0.push(TemplatePart::Ref(reference));
    }

    fn push_val(&mut self, val: &Val) {
        match val {
            Val::Str(s) => self.lit(s),
            Val::Number(n) => self.lit(&number_text(*n)),
            Val::Bool(b) => self.lit(if *b { "true" } else { "false" }),
            Val::Ref(r) => self.reference(r.clone()),
            Val::Template(parts) => {
                for part in parts {
                    match part {
                        TemplatePart::Lit(s) => self.lit(s),
                        other => self.0.push(other.clone()),
                    }
                }
            }
            Val::Null | Val::List(_) | Val::Map(_) | Val::Unknown => self.unknown(),
        }
    }

    fn into_val(self) -> Val {
        match self.0.as_slice() {
            [] => Val::Str(String::new()),
            [TemplatePart::Lit(s)] => Val::Str(s.clone()),
            parts if parts.iter().all(|p| matches!(p, TemplatePart::Unknown)) => Val::Unknown,
            _ => Val::Template(self.0),
        }
    }
}

/// SAM `Globals.Api`, resolved (empty when absent).
fn globals_api(ctx: &Ctx<'_>, doc: &DocNode) -> Vec<Entry> {
    let Some(api) = doc
        .get("Globals")
        .and_then(|g| g.value.get("Api"))
        .map(|a| &a.value)
    else {
        return Vec::new();
    };
    match ctx.resolve(api, 0) {
        Some(Node {
            val: Val::Map(entries),
            ..
        }) => entries,
        _ => Vec::new(),
    }
}

/// Shallow merge: a global property applies where the resource does not set it.
fn merge_missing(body: &mut Vec<Entry>, globals: &[Entry]) {
    for global in globals {
        if !body.iter().any(|e| e.key == global.key) {
            body.push(global.clone());
        }
    }
}

/// SAM creates `ServerlessRestApi` for function `Api` events that name no `RestApiId`.
fn implicit_api(
    resources: &[RawResource],
    ctx: &Ctx<'_>,
    globals_api: &[Entry],
    file: FileId,
) -> Option<RawResource> {
    if ctx.is_resource(IMPLICIT_API) {
        return None;
    }
    let event = resources
        .iter()
        .filter(|r| r.kind == SAM_FUNCTION)
        .filter_map(|r| match &r.get("Events")?.value.val {
            Val::Map(events) => Some(events),
            _ => None,
        })
        .flatten()
        .find(|event| {
            event.value.get("Type").and_then(|t| t.value.as_str()) == Some("Api")
                && event
                    .value
                    .get("Properties")
                    .is_none_or(|p| p.value.get("RestApiId").is_none())
        })?;
    Some(RawResource {
        lang: Lang::CloudFormation,
        kind: SAM_API.to_string(),
        address: IMPLICIT_API.to_string(),
        header: event.key_span,
        span: event.span(),
        file,
        body: globals_api.to_vec(),
        suppressed: Vec::new(),
    })
}

/// `Metadata: {privlint: {ignore: [...]}}`: a list of rule ids or of `{id, reason}` maps.
fn suppressions(resource: &DocNode) -> Vec<Suppression> {
    let Some(ignore) = resource
        .get("Metadata")
        .and_then(|m| m.value.get("privlint"))
        .and_then(|p| p.value.get("ignore"))
        .map(|i| &i.value)
    else {
        return Vec::new();
    };
    let items = match &ignore.kind {
        DocKind::Seq(items) => items.iter().collect(),
        _ => vec![ignore],
    };
    items
        .into_iter()
        .filter_map(|item| {
            let (ids, reason) = match &item.kind {
                DocKind::Str(ids) => (rule_ids(ids), None),
                DocKind::Map(_) => {
                    let ids = match item.get("id").map(|i| &i.value.kind) {
                        Some(DocKind::Str(ids)) => rule_ids(ids),
                        Some(DocKind::Seq(list)) => list
                            .iter()
                            .filter_map(|i| str_of(Some(i)))
                            .flat_map(rule_ids)
                            .collect(),
                        _ => Vec::new(),
                    };
                    let reason = str_of(item.get("reason").map(|r| &r.value)).map(str::to_string);
                    (ids, reason)
                }
                _ => (Vec::new(), None),
            };
            (!ids.is_empty()).then_some(Suppression {
                rules: ids,
                reason,
                span: item.span,
            })
        })
        .collect()
}

/// `PRV003` or `PRV003,PRV007`.
fn rule_ids(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::cfn_json::parse_json;
    use crate::load::cfn_yaml::parse_yaml;
    use crate::source::LineIndex;

    const F: FileId = FileId(1);

    fn yaml(text: &str) -> Vec<RawResource> {
        match parse_yaml(text, F) {
            Ok(doc) => resolve_template(&doc, F),
            Err(e) => panic!("{e:?}"),
        }
    }

    fn json(text: &str) -> Vec<RawResource> {
        match parse_json(text, F) {
            Ok(doc) => resolve_template(&doc, F),
            Err(e) => panic!("{e:?}"),
        }
    }

    /// A value without spans, compact, for exact comparisons.
    fn show(val: &Val) -> String {
        match val {
            Val::Null => "null".into(),
            Val::Bool(b) => b.to_string(),
            Val::Number(n) => format!("#{n}"),
            Val::Str(s) => format!("{s:?}"),
            Val::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|n| show(&n.val))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Val::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|e| format!("{}: {}", e.key, show(&e.value.val)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Val::Ref(r) => show_ref(r),
            Val::Template(parts) => format!(
                "tpl({})",
                parts
                    .iter()
                    .map(|p| match p {
                        TemplatePart::Lit(s) => format!("{s:?}"),
                        TemplatePart::Ref(r) => show_ref(r),
                        TemplatePart::Unknown => "?".into(),
                    })
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
            Val::Unknown => "?".into(),
        }
    }

    fn show_ref(r: &Reference) -> String {
        match &r.attribute {
            Some(a) => format!("ref({}.{a})", r.target),
            None => format!("ref({})", r.target),
        }
    }

    fn prop(resources: &[RawResource], address: &str, key: &str) -> String {
        let Some(res) = resources.iter().find(|r| r.address == address) else {
            panic!("no resource {address}");
        };
        match res.get(key) {
            Some(entry) => show(&entry.value.val),
            None => "<absent>".into(),
        }
    }

    const YAML_TEMPLATE: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
    Default: prod
  Port:
    Type: Number
    Default: 443
  VpcCidr:
    Type: String
  Subnets:
    Type: CommaDelimitedList
    Default: subnet-a, subnet-b
  Ami:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /aws/ami
  Loop:
    Type: String
    Default: !Ref Loop
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Mappings:
  Regions:
    eu-west-1:
      Name: ireland
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref VpcCidr
      EnableDnsHostnames: !If [IsProd, true, true]
      EnableDnsSupport: !If [IsProd, true, false]
      Tags: [!Ref AWS::NoValue, {Key: Env, Value: !Ref Env}]
      InstanceTenancy: !Ref AWS::NoValue
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: !Ref Port
          ToPort: 443
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: !Sub 'com.amazonaws.${AWS::Region}.execute-api'
      VpcId: !GetAtt Vpc.VpcId
      SecurityGroupIds:
        - !GetAtt [Sg, GroupId]
        - !GetAtt Nope.GroupId
      SubnetIds: !Ref Subnets
      PolicyDocument: !Ref Ami
      Loop: !Ref Loop
      Joined: !Join ['.', [com, amazonaws, !Ref AWS::Region, execute-api]]
      JoinedKnown: !Join ['-', [a, !Ref Env, 1]]
      JoinedRef: !Join ['', ['arn:', !Ref Vpc]]
      JoinedUnknownList: !Join [',', !GetAZs '']
      Sub: !Sub 'x-${Env}-${Vpc}-${Vpc.CidrBlock}-${!Literal}-${AWS::URLSuffix}-${Port}'
      SubVars: !Sub ['${A}/${B}', {A: !Ref Env, B: !GetAtt Sg.GroupId}]
      Select: !Select [1, !Ref Subnets]
      SelectUnknown: !Select [0, !GetAZs '']
      Split: !Split [',', 'a,b']
      Map: !FindInMap [Regions, eu-west-1, Name]
      MapMissing: !FindInMap [Regions, !Ref AWS::Region, Name]
      Import: !ImportValue shared-vpc
      Policy: '{\"Statement\": []}'
";

    #[test]
    fn yaml_short_forms_resolve() {
        let r = yaml(YAML_TEMPLATE);
        let addresses: Vec<&str> = r.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addresses, ["Vpc", "Sg", "Endpoint"]);
        assert_eq!(r[0].kind, "AWS::EC2::VPC");
        assert_eq!(r[0].lang, Lang::CloudFormation);
        assert_eq!(prop(&r, "Vpc", "CidrBlock"), "?");
        assert_eq!(prop(&r, "Vpc", "EnableDnsHostnames"), "true");
        assert_eq!(prop(&r, "Vpc", "EnableDnsSupport"), "?");
        assert_eq!(prop(&r, "Vpc", "Tags"), "[{Key: \"Env\", Value: \"prod\"}]");
        assert_eq!(prop(&r, "Vpc", "InstanceTenancy"), "<absent>");
        assert_eq!(prop(&r, "Sg", "VpcId"), "ref(Vpc)");
        assert_eq!(
            prop(&r, "Sg", "SecurityGroupIngress"),
            "[{IpProtocol: \"tcp\", FromPort: \"443\", ToPort: #443}]"
        );
        let e = |k| prop(&r, "Endpoint", k);
        assert_eq!(
            e("ServiceName"),
            "tpl(\"com.amazonaws.\" + ? + \".execute-api\")"
        );
        assert_eq!(e("VpcId"), "ref(Vpc.VpcId)");
        assert_eq!(e("SecurityGroupIds"), "[ref(Sg.GroupId), ?]");
        assert_eq!(e("SubnetIds"), "[\"subnet-a\", \"subnet-b\"]");
        assert_eq!(e("PolicyDocument"), "?");
        assert_eq!(e("Loop"), "?");
        assert_eq!(
            e("Joined"),
            "tpl(\"com.amazonaws.\" + ? + \".execute-api\")"
        );
        assert_eq!(e("JoinedKnown"), "\"a-prod-1\"");
        assert_eq!(e("JoinedRef"), "tpl(\"arn:\" + ref(Vpc))");
        assert_eq!(e("JoinedUnknownList"), "?");
        assert_eq!(
            e("Sub"),
            "tpl(\"x-prod-\" + ref(Vpc) + \"-\" + ref(Vpc.CidrBlock) + \
             \"-${Literal}-amazonaws.com-443\")"
        );
        assert_eq!(e("SubVars"), "tpl(\"prod/\" + ref(Sg.GroupId))");
        assert_eq!(e("Select"), "\"subnet-b\"");
        assert_eq!(e("SelectUnknown"), "?");
        assert_eq!(e("Split"), "[\"a\", \"b\"]");
        assert_eq!(e("Map"), "\"ireland\"");
        assert_eq!(e("MapMissing"), "?");
        assert_eq!(e("Import"), "?");
        assert_eq!(e("Policy"), "\"{\\\"Statement\\\": []}\"");
    }

    #[test]
    fn json_long_forms_resolve() {
        let text = r#"{
  "Parameters": {"Env": {"Type": "String", "Default": "dev"}, "Region": {"Type": "String"}},
  "Resources": {
    "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x"}},
    "Endpoint": {
      "Type": "AWS::EC2::VPCEndpoint",
      "Properties": {
        "SecurityGroupIds": [{"Fn::GetAtt": ["Sg", "GroupId"]}],
        "VpcId": {"Ref": "Vpc"},
        "Other": {"Ref": "Env"},
        "Missing": {"Ref": "Region"},
        "Att": {"Fn::GetAtt": "Sg.GroupId"},
        "ServiceName": {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".execute-api"]]},
        "Sub": {"Fn::Sub": "${Env}-${AWS::StackName}"},
        "If": {"Fn::If": ["C", {"Ref": "Sg"}, {"Ref": "Sg"}]},
        "IfNoValue": {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, {"Ref": "AWS::NoValue"}]},
        "Port": 443,
        "PrivateDnsEnabled": false,
        "Policy": "{\"Version\": \"2012-10-17\"}",
        "Plain": {"Ref": "Env", "Other": 1}
      }
    },
    "Vpc": {"Type": "AWS::EC2::VPC"}
  }
}"#;
        let r = json(text);
        let e = |k| prop(&r, "Endpoint", k);
        assert_eq!(e("SecurityGroupIds"), "[ref(Sg.GroupId)]");
        assert_eq!(e("VpcId"), "ref(Vpc)");
        assert_eq!(e("Other"), "\"dev\"");
        assert_eq!(e("Missing"), "?");
        assert_eq!(e("Att"), "ref(Sg.GroupId)");
        assert_eq!(
            e("ServiceName"),
            "tpl(\"com.amazonaws.\" + ? + \".execute-api\")"
        );
        assert_eq!(e("Sub"), "tpl(\"dev-\" + ?)");
        assert_eq!(e("If"), "ref(Sg)");
        assert_eq!(e("IfNoValue"), "<absent>");
        assert_eq!(e("Port"), "#443");
        assert_eq!(e("PrivateDnsEnabled"), "false");
        assert_eq!(e("Policy"), "\"{\\\"Version\\\": \\\"2012-10-17\\\"}\"");
        assert_eq!(e("Plain"), "{Ref: \"Env\", Other: #1}");
        // Properties absent: empty body.
        let vpc = r.iter().find(|r| r.address == "Vpc").unwrap();
        assert!(vpc.body.is_empty());
        // Spans: header is the logical id key; the If keeps the span of its branch.
        let lines = LineIndex::new(text);
        let ep = r.iter().find(|r| r.address == "Endpoint").unwrap();
        let at = |offset| {
            let p = lines.position(text, offset);
            (p.line, p.column)
        };
        assert_eq!(at(ep.header.start), (5, 5));
        assert_eq!(
            text.get(ep.header.start..ep.header.end),
            Some("\"Endpoint\"")
        );
        assert_eq!(text.get(ep.span.end - 1..ep.span.end), Some("}"));
        let sg_ids = ep.get("SecurityGroupIds").unwrap();
        assert_eq!(at(sg_ids.key_span.start), (8, 9));
        let Val::List(ids) = &sg_ids.value.val else {
            panic!()
        };
        assert_eq!(
            text.get(ids[0].span.start..ids[0].span.end),
            Some(r#"{"Fn::GetAtt": ["Sg", "GroupId"]}"#)
        );
        assert_eq!(at(ids[0].span.start), (8, 30));
        let port = ep.get("Port").unwrap();
        assert_eq!(at(port.value.span.start), (17, 17));
        assert_eq!(
            port.span(),
            Span::new(F, port.key_span.start, port.value.span.end)
        );
    }

    #[test]
    fn yaml_spans_point_at_the_expression() {
        let r = yaml(YAML_TEMPLATE);
        let lines = LineIndex::new(YAML_TEMPLATE);
        let ep = r.iter().find(|r| r.address == "Endpoint").unwrap();
        let p = lines.position(YAML_TEMPLATE, ep.header.start);
        assert_eq!((p.line, p.column), (43, 3));
        let service = ep.get("ServiceName").unwrap();
        assert_eq!(
            YAML_TEMPLATE.get(service.value.span.start..service.value.span.end),
            Some("!Sub 'com.amazonaws.${AWS::Region}.execute-api'")
        );
        let p = lines.position(YAML_TEMPLATE, service.value.span.start);
        assert_eq!((p.line, p.column), (46, 20));
    }

    #[test]
    fn non_string_types_and_unknowable_properties_are_skipped() {
        let r = yaml(
            "Resources:\n  M:\n    Type: !Rain::Module {Source: x}\n  N:\n    Type: {a: b}\n\
             \x20 C:\n    Type: AWS::EC2::VPC\n    Properties: !If [X, {A: 1}, {A: 2}]\n\
             \x20 D:\n    Type: Custom::Thing\n  E: 5\n  G:\n    Type: AWS::EC2::VPC\n    Properties:\n",
        );
        let addresses: Vec<&str> = r.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addresses, ["D", "G"]);
        assert!(r[1].body.is_empty());
    }

    #[test]
    fn sam_globals_and_implicit_api() {
        let text = "\
Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    EndpointConfiguration: PRIVATE
    Auth:
      ResourcePolicy:
        SourceVpcWhitelist: [vpc-1]
Resources:
  Explicit:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      EndpointConfiguration: REGIONAL
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        WithApi:
          Type: Api
          Properties: {Path: /a, Method: get, RestApiId: !Ref Explicit}
        Implicit:
          Type: Api
          Properties: {Path: /b, Method: get}
";
        let r = yaml(text);
        let addresses: Vec<&str> = r.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addresses, ["Explicit", "Fn", "ServerlessRestApi"]);
        assert_eq!(
            prop(&r, "Explicit", "EndpointConfiguration"),
            "\"REGIONAL\""
        );
        assert_eq!(
            prop(&r, "Explicit", "Auth"),
            "{ResourcePolicy: {SourceVpcWhitelist: [\"vpc-1\"]}}"
        );
        let implicit = &r[2];
        assert_eq!(implicit.kind, "AWS::Serverless::Api");
        assert_eq!(
            prop(&r, "ServerlessRestApi", "EndpointConfiguration"),
            "\"PRIVATE\""
        );
        assert_eq!(
            text.get(implicit.header.start..implicit.header.end),
            Some("Implicit")
        );
        // An explicit ServerlessRestApi, or events that all name their API: no implicit one.
        let r = yaml(&text.replace(
            "Properties: {Path: /b, Method: get}",
            "Properties: {RestApiId: x}",
        ));
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn metadata_suppressions() {
        let text = "\
Resources:
  Ep:
    Type: AWS::EC2::VPCEndpoint
    Metadata:
      privlint:
        ignore:
          - PRV003
          - {id: PRV007, reason: single AZ in dev}
          - id: 'PRV005,PRV006'
";
        let r = yaml(text);
        let s = &r[0].suppressed;
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].rules, ["PRV003"]);
        assert_eq!(s[0].reason, None);
        assert_eq!(text.get(s[0].span.start..s[0].span.end), Some("PRV003"));
        assert_eq!(s[1].rules, ["PRV007"]);
        assert_eq!(s[1].reason.as_deref(), Some("single AZ in dev"));
        assert_eq!(s[2].rules, ["PRV005", "PRV006"]);
    }

    #[test]
    fn deep_values_become_unknown_without_overflow() {
        let depth = 400;
        let text = format!(
            "{{\"Resources\": {{\"A\": {{\"Type\": \"AWS::EC2::VPC\", \"Properties\": {{\"P\": {}1{}}}}}}}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let r = json(&text);
        let mut node = &r[0].get("P").unwrap().value;
        let mut levels = 0;
        while let Val::List(items) = &node.val {
            node = &items[0];
            levels += 1;
        }
        assert_eq!(node.val, Val::Unknown);
        assert!(
            levels < depth && levels >= MAX_RESOLVE_DEPTH - 5,
            "{levels}"
        );
        // Nested intrinsics hit the same cap.
        let nested = format!(
            "Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n      P: {}x{}\n",
            "!Join ['', [".repeat(120),
            "]]".repeat(120)
        );
        let r = yaml(&nested);
        assert_eq!(prop(&r, "A", "P"), "?");
    }

    #[test]
    fn numbers_that_are_not_plain_numbers_stay_text() {
        assert_eq!(number_val("443"), Val::Number(443.0));
        assert_eq!(number_val("-1.5e3"), Val::Number(-1500.0));
        assert_eq!(number_val("0"), Val::Number(0.0));
        assert_eq!(number_val("0.5"), Val::Number(0.5));
        assert_eq!(number_val("012345678901"), Val::Str("012345678901".into()));
        assert_eq!(number_val("0x1F"), Val::Str("0x1F".into()));
        assert_eq!(number_val(".inf"), Val::Str(".inf".into()));
    }

    #[test]
    fn no_resources_means_nothing() {
        assert!(yaml("AWSTemplateFormatVersion: '2010-09-09'\n").is_empty());
        assert!(yaml("Resources: [1]\n").is_empty());
    }
}
