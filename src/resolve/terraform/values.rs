//! Small operations on resolved values: spans, measures, conversions, template parts.

use std::ops::Range;

use super::module::VarType;
use crate::resolve::{Node, TemplatePart, Val};
use crate::source::{FileId, Span};

/// Span file of values parsed from `--var` (they have no file); re-spanned when used.
pub(super) const COMMAND_LINE: FileId = FileId(u32::MAX);

pub(super) fn span_of(file: FileId, range: Option<Range<usize>>) -> Span {
    range.map_or(Span::new(file, 0, 0), |r| Span::new(file, r.start, r.end))
}

pub(super) fn respanned(mut node: Node, span: Span) -> Node {
    node.span = span;
    node
}

/// Height and node count of a value tree (its height is bounded by construction).
pub(super) fn measure(node: &Node) -> (usize, usize) {
    let children: Box<dyn Iterator<Item = &Node>> = match &node.val {
        Val::List(items) => Box::new(items.iter()),
        Val::Map(entries) => Box::new(entries.iter().map(|e| &e.value)),
        _ => Box::new(std::iter::empty()),
    };
    let (mut height, mut size) = (0, 1);
    for child in children {
        let (h, s) = measure(child);
        height = height.max(h);
        size += s;
    }
    (height + 1, size)
}

/// Give every node that came from the command line (no file) the span of its use.
pub(super) fn respan_command_line(node: &mut Node, span: Span) {
    if node.span.file == COMMAND_LINE {
        node.span = span;
    }
    match &mut node.val {
        Val::List(items) => items.iter_mut().for_each(|n| respan_command_line(n, span)),
        Val::Map(entries) => {
            for e in entries {
                if e.key_span.file == COMMAND_LINE {
                    e.key_span = span;
                }
                respan_command_line(&mut e.value, span);
            }
        }
        _ => {}
    }
}

/// Terraform's string form of a number (integers without a fraction).
pub(super) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Terraform converts given values to a variable's primitive type.
pub(super) fn convert_to_type(mut node: Node, ty: VarType) -> Node {
    node.val = match (ty, node.val) {
        (VarType::Bool, Val::Str(s)) if s == "true" => Val::Bool(true),
        (VarType::Bool, Val::Str(s)) if s == "false" => Val::Bool(false),
        (VarType::Number, Val::Str(s)) => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Val::Number(n),
            _ => Val::Str(s),
        },
        (VarType::String, Val::Number(n)) => Val::Str(number_text(n)),
        (VarType::String, Val::Bool(b)) => Val::Str(b.to_string()),
        (_, val) => val,
    };
    node
}

pub(super) fn push_lit(parts: &mut Vec<TemplatePart>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(TemplatePart::Lit(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(TemplatePart::Lit(text.to_string()));
    }
}

/// Append an interpolated value to template parts.
pub(super) fn push_value(parts: &mut Vec<TemplatePart>, val: &Val) {
    match val {
        Val::Str(s) => push_lit(parts, s),
        Val::Number(n) => push_lit(parts, &number_text(*n)),
        Val::Bool(b) => push_lit(parts, if *b { "true" } else { "false" }),
        Val::Template(inner) => {
            for part in inner {
                match part {
                    TemplatePart::Lit(s) => push_lit(parts, s),
                    other => parts.push(other.clone()),
                }
            }
        }
        Val::Ref(r) => parts.push(TemplatePart::Ref(r.clone())),
        // null in a template is an error in Terraform; collections cannot be interpolated.
        Val::Null | Val::List(_) | Val::Map(_) | Val::Unknown => parts.push(TemplatePart::Unknown),
    }
}

pub(super) fn parts_to_val(mut parts: Vec<TemplatePart>) -> Val {
    match parts.as_slice() {
        [] => Val::Str(String::new()),
        [TemplatePart::Lit(_)] => match parts.pop() {
            Some(TemplatePart::Lit(s)) => Val::Str(s),
            _ => Val::Unknown,
        },
        _ => Val::Template(parts),
    }
}

/// Longest list `toset` de-duplicates (the check is quadratic); longer ones are kept as is.
pub(super) const MAX_TOSET_DEDUP: usize = 1000;

/// `toset` of known scalars drops repeats (first occurrence kept, for stable output).
pub(super) fn dedup_scalars(items: Vec<Node>) -> Vec<Node> {
    if items.len() > MAX_TOSET_DEDUP {
        return items;
    }
    let mut out: Vec<Node> = Vec::with_capacity(items.len());
    for item in items {
        let scalar = matches!(item.val, Val::Str(_) | Val::Number(_) | Val::Bool(_));
        if scalar && out.iter().any(|o| o.val == item.val) {
            continue;
        }
        out.push(item);
    }
    out
}
