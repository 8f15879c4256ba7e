//! Typed values of the model: every setting is Known, Unknown or Absent, with its span.

use crate::resolve::Reference;
use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Value<T> {
    Known(T),
    /// Depends on something privlint cannot see. Rules never fire on it.
    Unknown,
    /// Not written: the provider default applies.
    Absent,
}

/// Three-valued answer. `Maybe` always means "stay quiet".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Maybe,
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::Yes } else { Tri::No }
    }

    /// Any of several answers: Yes if one is Yes, No only if all are No.
    pub fn any(items: impl IntoIterator<Item = Tri>) -> Tri {
        let mut out = Tri::No;
        for t in items {
            match t {
                Tri::Yes => return Tri::Yes,
                Tri::Maybe => out = Tri::Maybe,
                Tri::No => {}
            }
        }
        out
    }
}

/// A setting of a resource: its value, where it is written (the resource header when
/// absent), and its name in the resource's own language (`enable_dns_hostnames`,
/// `EnableDnsHostnames`), for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr<T> {
    pub value: Value<T>,
    pub span: Span,
    pub name: &'static str,
}

impl<T> Attr<T> {
    pub fn known(&self) -> Option<&T> {
        match &self.value {
            Value::Known(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self.value, Value::Absent)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown)
    }

    pub fn absent(span: Span, name: &'static str) -> Self {
        Attr {
            value: Value::Absent,
            span,
            name,
        }
    }
}

impl Attr<bool> {
    /// The effective value given the provider default for an absent setting.
    pub fn with_default(&self, default: bool) -> Tri {
        match self.value {
            Value::Known(b) => Tri::from_bool(b),
            Value::Absent => Tri::from_bool(default),
            Value::Unknown => Tri::Maybe,
        }
    }
}

/// What an id-valued setting points at: a resource of the scan, or a literal id such as
/// `vpce-0abc` (a resource outside the scan).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Resource(Reference),
    Literal(String),
}

impl Target {
    pub fn address(&self) -> Option<&str> {
        match self {
            Target::Resource(r) => Some(&r.target),
            Target::Literal(_) => None,
        }
    }
}
