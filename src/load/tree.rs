//! A spanned JSON/YAML document tree, shared by the CloudFormation JSON and YAML loaders and
//! the plan JSON loader. YAML short-form tags are already normalised to their long form
//! (`!Ref X` -> `{"Ref": "X"}`, `!GetAtt A.B` -> `{"Fn::GetAtt": "A.B"}`).

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct DocNode {
    pub span: Span,
    pub kind: DocKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DocKind {
    Null,
    Bool(bool),
    /// Numbers keep their source text (CloudFormation treats most numbers as strings).
    Number(String),
    Str(String),
    Seq(Vec<DocNode>),
    Map(Vec<DocEntry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocEntry {
    pub key: String,
    pub key_span: Span,
    pub value: DocNode,
}

impl DocNode {
    pub fn get(&self, key: &str) -> Option<&DocEntry> {
        match &self.kind {
            DocKind::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }
}
