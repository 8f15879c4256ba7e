//! Operators, `for` expressions and the functions found around networking settings. Each
//! gives a known result only from known operands; anything else is Unknown, never an error.

use std::rc::Rc;

use hcl_edit::expr::{BinaryOp, BinaryOperator, Expression, ForExpr};

use super::eval::{Evaluator, MAX_INSTANCES, Scope};
use super::values::{dedup_scalars, number_text, parts_to_val, push_lit, push_value, respanned};
use crate::resolve::{Entry, Node, Val};
use crate::source::Span;

impl Evaluator<'_, '_> {
    pub(super) fn binary(
        &mut self,
        op: &BinaryOp,
        span: Span,
        scope: &Scope,
        depth: usize,
    ) -> Node {
        let operator = *op.operator.value();
        let lhs = self.eval(&op.lhs_expr, scope, depth + 1);
        // `false && x` and `true || x` are known whatever x is.
        match (operator, &lhs.val) {
            (BinaryOperator::And, Val::Bool(false)) => return Node::new(span, Val::Bool(false)),
            (BinaryOperator::Or, Val::Bool(true)) => return Node::new(span, Val::Bool(true)),
            _ => {}
        }
        let rhs = self.eval(&op.rhs_expr, scope, depth + 1);
        Node::new(span, binary_value(operator, &lhs.val, &rhs.val))
    }

    /// `[for k, v in X : V if C]` and `{for k, v in X : K => V... if C}`.
    pub(super) fn for_expr(
        &mut self,
        f: &ForExpr,
        span: Span,
        scope: &Scope,
        depth: usize,
    ) -> Node {
        let collection = self.eval(&f.intro.collection_expr, scope, depth + 1);
        let pairs: Vec<(Node, Node)> = match collection.val {
            Val::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| (Node::new(item.span, Val::Number(i as f64)), item))
                .collect(),
            Val::Map(entries) => entries
                .into_iter()
                .map(|e| (Node::new(e.key_span, Val::Str(e.key)), e.value))
                .collect(),
            _ => return Node::unknown(span),
        };
        if pairs.len() > MAX_INSTANCES {
            return Node::unknown(span);
        }
        let mut list = Vec::new();
        let mut map: Vec<Entry> = Vec::new();
        for (key, value) in pairs {
            let mut inner = scope.clone();
            if let Some(key_var) = &f.intro.key_var {
                inner
                    .names
                    .push(Rc::new((key_var.as_str().to_string(), key.clone())));
            }
            inner
                .names
                .push(Rc::new((f.intro.value_var.as_str().to_string(), value)));
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr, &inner, depth + 1).val {
                    Val::Bool(true) => {}
                    Val::Bool(false) => continue,
                    _ => return Node::unknown(span),
                }
            }
            let item = self.eval(&f.value_expr, &inner, depth + 1);
            let Some(key_expr) = &f.key_expr else {
                list.push(item);
                continue;
            };
            let key = self.eval(key_expr, &inner, depth + 1);
            let Some(name) = scalar_text(&key.val) else {
                return Node::unknown(span);
            };
            match map.iter_mut().find(|e| e.key == name) {
                Some(existing) if f.grouping => {
                    if let Val::List(items) = &mut existing.value.val {
                        items.push(item);
                    }
                }
                // Terraform rejects repeated keys without `...`: nothing provable.
                Some(_) => return Node::unknown(span),
                None => {
                    let value = if f.grouping {
                        Node::new(item.span, Val::List(vec![item]))
                    } else {
                        item
                    };
                    map.push(Entry {
                        key: name,
                        key_span: key.span,
                        value,
                    });
                }
            }
        }
        if f.key_expr.is_some() {
            Node::new(span, Val::Map(map))
        } else {
            Node::new(span, Val::List(list))
        }
    }

    /// Functions beyond the core ones in `call`.
    pub(super) fn function(
        &mut self,
        name: &str,
        args: &[&Expression],
        span: Span,
        scope: &Scope,
        depth: usize,
    ) -> Node {
        let known = |v: Val| Node::new(span, v);
        let eval_all = |ev: &mut Self| -> Vec<Node> {
            args.iter().map(|a| ev.eval(a, scope, depth + 1)).collect()
        };
        let val = match name {
            "flatten" => match eval_all(self).into_iter().next().map(|n| n.val) {
                Some(Val::List(items)) => flatten(items).map_or(Val::Unknown, Val::List),
                _ => Val::Unknown,
            },
            "merge" => {
                let mut merged: Vec<Entry> = Vec::new();
                for arg in eval_all(self) {
                    match arg.val {
                        Val::Map(entries) => {
                            for entry in entries {
                                match merged.iter_mut().find(|e| e.key == entry.key) {
                                    Some(earlier) => *earlier = entry,
                                    None => merged.push(entry),
                                }
                            }
                        }
                        Val::Null => {}
                        _ => return Node::unknown(span),
                    }
                }
                Val::Map(merged)
            }
            "lookup" => {
                let mut all = eval_all(self).into_iter();
                match (all.next(), all.next(), all.next()) {
                    (Some(map), Some(key), default) => match (map.val, key.val) {
                        (Val::Map(entries), Val::Str(k)) => {
                            match entries.into_iter().find(|e| e.key == k) {
                                Some(e) => return e.value,
                                None => default.map_or(Val::Unknown, |d| d.val),
                            }
                        }
                        _ => Val::Unknown,
                    },
                    _ => Val::Unknown,
                }
            }
            // An argument that fails (indexes a known value with a missing key) gives way to
            // the next; the first that does not fail is the result, Unknown or not.
            "try" => {
                let outer = self.failed;
                let mut result = Val::Unknown;
                for (i, arg) in args.iter().enumerate() {
                    self.failed = false;
                    let value = self.eval(arg, scope, depth + 1);
                    if !self.failed || i + 1 == args.len() {
                        self.failed = outer;
                        return respanned(value, span);
                    }
                    result = Val::Unknown;
                }
                self.failed = outer;
                result
            }
            "can" => match args {
                [arg] => {
                    let outer = self.failed;
                    self.failed = false;
                    let value = self.eval(arg, scope, depth + 1);
                    let failed = self.failed;
                    self.failed = outer;
                    if failed {
                        Val::Bool(false)
                    } else if matches!(value.val, Val::Unknown) {
                        Val::Unknown
                    } else {
                        Val::Bool(true)
                    }
                }
                _ => Val::Unknown,
            },
            "coalesce" => {
                for arg in eval_all(self) {
                    match &arg.val {
                        Val::Null => continue,
                        Val::Str(s) if s.is_empty() => continue,
                        Val::Str(_) | Val::Number(_) | Val::Bool(_) => return arg,
                        _ => return Node::unknown(span),
                    }
                }
                Val::Unknown
            }
            "coalescelist" => {
                for arg in eval_all(self) {
                    match &arg.val {
                        Val::List(items) if items.is_empty() => continue,
                        Val::List(_) => return arg,
                        _ => return Node::unknown(span),
                    }
                }
                Val::Unknown
            }
            "format" => {
                let mut all = eval_all(self).into_iter();
                match all.next().map(|n| n.val) {
                    Some(Val::Str(fmt)) => format_value(&fmt, all.collect()),
                    _ => Val::Unknown,
                }
            }
            "join" => {
                let mut all = eval_all(self).into_iter();
                match (all.next().map(|n| n.val), all.next().map(|n| n.val)) {
                    (Some(Val::Str(sep)), Some(Val::List(items))) if all.next().is_none() => {
                        let mut parts = Vec::new();
                        for (i, item) in items.iter().enumerate() {
                            if i > 0 {
                                push_lit(&mut parts, &sep);
                            }
                            push_value(&mut parts, &item.val);
                        }
                        parts_to_val(parts)
                    }
                    _ => Val::Unknown,
                }
            }
            "element" => {
                let mut all = eval_all(self).into_iter();
                match (all.next().map(|n| n.val), all.next().map(|n| n.val)) {
                    (Some(Val::List(items)), Some(Val::Number(i)))
                        if i >= 0.0 && i.fract() == 0.0 && !items.is_empty() =>
                    {
                        let len = items.len();
                        match items.into_iter().nth(i as usize % len) {
                            Some(item) => return item,
                            None => Val::Unknown,
                        }
                    }
                    _ => Val::Unknown,
                }
            }
            "length" => match eval_all(self).into_iter().next().map(|n| n.val) {
                Some(Val::List(items)) => Val::Number(items.len() as f64),
                Some(Val::Map(entries)) => Val::Number(entries.len() as f64),
                Some(Val::Str(s)) => Val::Number(s.chars().count() as f64),
                _ => Val::Unknown,
            },
            "contains" => {
                let mut all = eval_all(self).into_iter();
                match (all.next().map(|n| n.val), all.next().map(|n| n.val)) {
                    (Some(Val::List(items)), Some(value)) => {
                        let mut unsure = false;
                        let mut found = false;
                        for item in &items {
                            match known_eq(&item.val, &value) {
                                Some(true) => found = true,
                                Some(false) => {}
                                None => unsure = true,
                            }
                        }
                        if found {
                            Val::Bool(true)
                        } else if unsure {
                            Val::Unknown
                        } else {
                            Val::Bool(false)
                        }
                    }
                    _ => Val::Unknown,
                }
            }
            "keys" => match eval_all(self).into_iter().next().map(|n| n.val) {
                Some(Val::Map(entries)) => Val::List(
                    entries
                        .into_iter()
                        .map(|e| Node::new(e.key_span, Val::Str(e.key)))
                        .collect(),
                ),
                _ => Val::Unknown,
            },
            "values" => match eval_all(self).into_iter().next().map(|n| n.val) {
                Some(Val::Map(entries)) => {
                    Val::List(entries.into_iter().map(|e| e.value).collect())
                }
                _ => Val::Unknown,
            },
            "tomap" => match eval_all(self).into_iter().next().map(|n| n.val) {
                Some(v @ Val::Map(_)) => v,
                _ => Val::Unknown,
            },
            "distinct" => match eval_all(self).into_iter().next().map(|n| n.val) {
                Some(Val::List(items)) => Val::List(dedup_scalars(items)),
                _ => Val::Unknown,
            },
            "compact" => match eval_all(self).into_iter().next().map(|n| n.val) {
                Some(Val::List(items)) => {
                    let mut kept = Vec::new();
                    for item in items {
                        match &item.val {
                            Val::Null => {}
                            Val::Str(s) if s.is_empty() => {}
                            Val::Str(_) => kept.push(item),
                            _ => return Node::unknown(span),
                        }
                    }
                    Val::List(kept)
                }
                _ => Val::Unknown,
            },
            _ => Val::Unknown,
        };
        known(val)
    }
}

/// The value of a binary operation on known operands.
fn binary_value(op: BinaryOperator, lhs: &Val, rhs: &Val) -> Val {
    use BinaryOperator as B;
    match op {
        B::Eq => known_eq(lhs, rhs).map_or(Val::Unknown, Val::Bool),
        B::NotEq => known_eq(lhs, rhs).map_or(Val::Unknown, |b| Val::Bool(!b)),
        B::And | B::Or => match (lhs, rhs) {
            (Val::Bool(a), Val::Bool(b)) => {
                Val::Bool(if op == B::And { *a && *b } else { *a || *b })
            }
            (_, Val::Bool(false)) if op == B::And => Val::Bool(false),
            (_, Val::Bool(true)) if op == B::Or => Val::Bool(true),
            _ => Val::Unknown,
        },
        _ => {
            let (Some(a), Some(b)) = (number_of(lhs), number_of(rhs)) else {
                return Val::Unknown;
            };
            let result = match op {
                B::Less => return Val::Bool(a < b),
                B::LessEq => return Val::Bool(a <= b),
                B::Greater => return Val::Bool(a > b),
                B::GreaterEq => return Val::Bool(a >= b),
                B::Plus => a + b,
                B::Minus => a - b,
                B::Mul => a * b,
                B::Div => a / b,
                B::Mod => a % b,
                _ => return Val::Unknown,
            };
            if result.is_finite() {
                Val::Number(result)
            } else {
                Val::Unknown
            }
        }
    }
}

/// Terraform converts numeric strings for arithmetic.
fn number_of(val: &Val) -> Option<f64> {
    match val {
        Val::Number(n) => Some(*n),
        Val::Str(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

/// Equality of two values when both are fully known; `None` when it cannot be decided.
pub(super) fn known_eq(a: &Val, b: &Val) -> Option<bool> {
    match (a, b) {
        (Val::Null, Val::Null) => Some(true),
        (Val::Bool(x), Val::Bool(y)) => Some(x == y),
        (Val::Number(x), Val::Number(y)) => Some(x == y),
        (Val::Str(x), Val::Str(y)) => Some(x == y),
        (Val::List(x), Val::List(y)) => {
            // Lengths are known even when elements are not.
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.iter().zip(y) {
                match known_eq(&p.val, &q.val)? {
                    true => {}
                    false => all = false,
                }
            }
            Some(all)
        }
        (Val::Map(x), Val::Map(y)) => {
            if !is_known(a) || !is_known(b) {
                return None;
            }
            if x.len() != y.len() {
                return Some(false);
            }
            for e in x {
                let Some(other) = y.iter().find(|o| o.key == e.key) else {
                    return Some(false);
                };
                if !known_eq(&e.value.val, &other.value.val)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        (Val::Unknown | Val::Ref(_) | Val::Template(_), _)
        | (_, Val::Unknown | Val::Ref(_) | Val::Template(_)) => None,
        // Known values of different types.
        _ => (is_known(a) && is_known(b)).then_some(false),
    }
}

/// True when no part of the value is Unknown, a link or a partial string.
pub(super) fn is_known(val: &Val) -> bool {
    match val {
        Val::Unknown | Val::Ref(_) | Val::Template(_) => false,
        Val::List(items) => items.iter().all(|n| is_known(&n.val)),
        Val::Map(entries) => entries.iter().all(|e| is_known(&e.value.val)),
        Val::Null | Val::Bool(_) | Val::Number(_) | Val::Str(_) => true,
    }
}

fn scalar_text(val: &Val) -> Option<String> {
    match val {
        Val::Str(s) => Some(s.clone()),
        Val::Number(n) => Some(number_text(*n)),
        Val::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// One level of `flatten` per call, recursively; `None` when an element might be a list.
fn flatten(items: Vec<Node>) -> Option<Vec<Node>> {
    let mut out = Vec::new();
    for item in items {
        match item.val {
            Val::List(inner) => out.extend(flatten(inner)?),
            Val::Unknown => return None,
            _ => out.push(item),
        }
    }
    Some(out)
}

/// `format` with `%s`, `%d`, `%v` and `%%`; other verbs make the result Unknown.
fn format_value(fmt: &str, args: Vec<Node>) -> Val {
    let mut parts = Vec::new();
    let mut args = args.into_iter();
    let mut chars = fmt.chars().peekable();
    let mut lit = String::new();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => lit.push('%'),
            Some('s' | 'v') => {
                push_lit(&mut parts, &lit);
                lit.clear();
                let Some(arg) = args.next() else {
                    return Val::Unknown;
                };
                push_value(&mut parts, &arg.val);
            }
            Some('d') => {
                push_lit(&mut parts, &lit);
                lit.clear();
                match args.next().map(|a| a.val) {
                    Some(Val::Number(n)) if n.fract() == 0.0 => {
                        push_lit(&mut parts, &number_text(n))
                    }
                    Some(Val::Unknown | Val::Ref(_)) => {
                        parts.push(crate::resolve::TemplatePart::Unknown)
                    }
                    _ => return Val::Unknown,
                }
            }
            _ => return Val::Unknown,
        }
    }
    push_lit(&mut parts, &lit);
    parts_to_val(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_verbs() {
        let s = |v: &str| Node::new(Span::default(), Val::Str(v.into()));
        let n = |v: f64| Node::new(Span::default(), Val::Number(v));
        assert_eq!(
            format_value("com.amazonaws.%s.execute-api", vec![s("eu-west-1")]),
            Val::Str("com.amazonaws.eu-west-1.execute-api".into())
        );
        assert_eq!(
            format_value("%d%%-%v", vec![n(443.0), s("x")]),
            Val::Str("443%-x".into())
        );
        assert_eq!(format_value("%q", vec![s("x")]), Val::Unknown);
        assert_eq!(format_value("%s", vec![]), Val::Unknown);
    }

    #[test]
    fn operators_need_known_operands() {
        use BinaryOperator as B;
        assert_eq!(
            binary_value(B::Eq, &Val::Str("a".into()), &Val::Str("a".into())),
            Val::Bool(true)
        );
        assert_eq!(
            binary_value(B::Eq, &Val::Unknown, &Val::Str("a".into())),
            Val::Unknown
        );
        assert_eq!(
            binary_value(B::Eq, &Val::Number(1.0), &Val::Str("1".into())),
            Val::Bool(false)
        );
        assert_eq!(
            binary_value(B::Plus, &Val::Number(1.0), &Val::Str("2".into())),
            Val::Number(3.0)
        );
        assert_eq!(
            binary_value(B::Div, &Val::Number(1.0), &Val::Number(0.0)),
            Val::Unknown
        );
        assert_eq!(
            binary_value(B::Or, &Val::Unknown, &Val::Bool(true)),
            Val::Bool(true)
        );
        assert_eq!(
            binary_value(B::And, &Val::Unknown, &Val::Bool(true)),
            Val::Unknown
        );
        assert_eq!(
            binary_value(B::Greater, &Val::Number(2.0), &Val::Number(1.0)),
            Val::Bool(true)
        );
    }
}
