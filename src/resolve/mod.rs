//! Resolution turns each language's syntax into one resolved value tree per resource
//! (`RawResource`). Variables, locals, parameters and intrinsics are evaluated here; what
//! cannot be proven becomes `Val::Unknown`. The model builder reads only these trees.

pub mod cloudformation;
pub mod terraform;

use crate::source::{FileId, Span};

/// Which language a resource was written in (decides attribute names in messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Terraform,
    CloudFormation,
}

/// A resolved value with the span of the expression it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub val: Val,
}

/// One key of a map / one attribute or block of a resource body.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Entry {
    /// The whole `key = value` / `Key: value` span: what a finding underlines.
    pub fn span(&self) -> Span {
        self.key_span.join(self.value.span)
    }
}

/// A reference to another resource of the same unit, e.g. `aws_vpc.main.id`,
/// `!Ref Vpc`, `!GetAtt Sg.GroupId`. `target` is the resource's address exactly as
/// `RawResource::address` spells it; `attribute` is `None` for CloudFormation `Ref`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    pub target: String,
    pub attribute: Option<String>,
}

/// A piece of a string whose parts are not all known (`"com.amazonaws.${var.region}.execute-api"`).
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Lit(String),
    Ref(Reference),
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    List(Vec<Node>),
    Map(Vec<Entry>),
    /// A link to a resource in the unit whose value itself is not known before apply.
    Ref(Reference),
    /// A string with some known and some unknown parts.
    Template(Vec<TemplatePart>),
    /// Depends on something privlint cannot see.
    Unknown,
}

impl Node {
    pub fn new(span: Span, val: Val) -> Self {
        Node { span, val }
    }

    pub fn unknown(span: Span) -> Self {
        Node {
            span,
            val: Val::Unknown,
        }
    }

    /// Map lookup by exact key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.val {
            Val::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Map lookup ignoring ASCII case (IAM keys, `Fn::` names are matched this way where the
    /// service is case-insensitive).
    pub fn get_ignore_case(&self, key: &str) -> Option<&Entry> {
        match &self.val {
            Val::Map(entries) => entries.iter().find(|e| e.key.eq_ignore_ascii_case(key)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.val {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// One resource (Terraform resource instance or data source, CloudFormation resource) with
/// its body resolved. Terraform nested blocks appear as an entry whose value is a
/// `Val::List` of `Val::Map`s, one per block, in source order (the plan JSON shape).
#[derive(Debug, Clone)]
pub struct RawResource {
    pub lang: Lang,
    /// `aws_vpc`, `AWS::EC2::VPC`, `AWS::Serverless::Api`. Terraform data sources are
    /// prefixed `data.` (`data.aws_iam_policy_document`).
    pub kind: String,
    /// `aws_vpc.main`, `module.net.aws_vpc.this`, `aws_subnet.a[0]`, or the CloudFormation
    /// logical id.
    pub address: String,
    /// The resource header: Terraform's `resource "aws_vpc" "main"` line (type and labels),
    /// CloudFormation's logical-id key. Findings on absent attributes point here.
    pub header: Span,
    /// The whole resource block / logical-id entry.
    pub span: Span,
    pub file: FileId,
    /// Resolved body: Terraform arguments and blocks, CloudFormation `Properties`.
    pub body: Vec<Entry>,
    /// Rule ids suppressed on the whole resource (comment above it, CFN `Metadata.privlint`).
    pub suppressed: Vec<Suppression>,
}

/// An inline suppression: rule ids silenced at a place, with the reason if given.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    pub rules: Vec<String>,
    pub reason: Option<String>,
    pub span: Span,
}

impl RawResource {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.body.iter().find(|e| e.key == key)
    }
}
