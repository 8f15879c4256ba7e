//! A module's declarations: variables and the values given for them (in Terraform's order of
//! precedence), locals, resources and data sources.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, Object, ObjectKey};
use hcl_edit::structure::{Block, Body};

use super::values::span_of;
use crate::source::{FileId, Span};

/// What a parsed file contributes to the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// A `.tf` file: variables, locals, resources, data sources.
    Config,
    /// `terraform.tfvars`.
    Tfvars,
    /// `*.auto.tfvars`, applied in lexical order of file name.
    AutoTfvars,
    /// The n-th `--var-file`.
    VarFile(usize),
}

pub(super) struct ParsedFile {
    pub(super) id: FileId,
    /// The file's module directory, lexically normalised (see `discover::normalize`).
    pub(super) dir: PathBuf,
    pub(super) role: Role,
    /// File name (no directory), for the lexical order of `*.auto.tfvars`.
    pub(super) name: String,
    pub(super) body: Body,
    /// A `.tf.json` file: its whole document, parsed as the HCL object it also is (a JSON
    /// object is valid HCL object syntax, strings are templates as Terraform reads them).
    /// `body` is then empty.
    pub(super) json: Option<Expression>,
    /// Offsets of duplicate object keys parsed under a stand-in name (see `ParsedHcl`).
    pub(super) renamed_keys: BTreeSet<usize>,
    pub(super) text: Arc<str>,
}

/// Declared type of a variable, as far as conversions of given values care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum VarType {
    Any,
    String,
    Number,
    Bool,
    /// list, map, set, object, tuple: a `--var` value is an HCL expression.
    Complex,
}

pub(super) struct VarDecl<'a> {
    pub(super) file: FileId,
    pub(super) header: Span,
    pub(super) ty: VarType,
    pub(super) default: Option<&'a Expression>,
}

pub(super) enum VarValue<'a> {
    Expr(FileId, &'a Expression),
    CommandLine(&'a str),
    /// A module input, already evaluated in the calling module.
    Given(crate::resolve::Node),
}

/// A `module "NAME" { source = ... }` block.
pub(super) struct ModuleCall<'a> {
    pub(super) file: FileId,
    pub(super) name: String,
    pub(super) body: Syntax<'a>,
}

/// The body of a resource, module call, variable... in either syntax.
#[derive(Clone, Copy)]
pub(super) enum Syntax<'a> {
    Hcl(&'a Body),
    Json(&'a Object),
}

impl<'a> Syntax<'a> {
    /// A top-level argument by name.
    pub(super) fn attr(self, name: &str) -> Option<&'a Expression> {
        match self {
            Syntax::Hcl(body) => body.get_attribute(name).map(|a| &a.value),
            Syntax::Json(object) => object
                .iter()
                .find(|(k, _)| key_text(k).as_deref() == Some(name))
                .map(|(_, v)| v.expr()),
        }
    }

    /// Every argument with its name and the name's byte range (HCL: attributes only).
    pub(super) fn attrs(self) -> Vec<(String, Option<std::ops::Range<usize>>, &'a Expression)> {
        match self {
            Syntax::Hcl(body) => body
                .attributes()
                .map(|a| (a.key.as_str().to_string(), a.key.span(), &a.value))
                .collect(),
            Syntax::Json(object) => object
                .iter()
                .filter_map(|(k, v)| Some((key_text(k)?, k.span(), v.expr())))
                .collect(),
        }
    }
}

/// The text of an object key written as a name or a plain string.
pub(super) fn key_text(key: &ObjectKey) -> Option<String> {
    match key {
        ObjectKey::Ident(id) => Some(id.as_str().to_string()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.value().to_string()),
        ObjectKey::Expression(_) => None,
    }
}

pub(super) struct ResourceDecl<'a> {
    pub(super) file: FileId,
    pub(super) kind: String,
    pub(super) address: String,
    pub(super) body: Syntax<'a>,
    /// `resource "aws_vpc" "main"` (HCL) / the `"main"` key (JSON).
    pub(super) header: Span,
    pub(super) span: Span,
}

pub(super) struct Module<'a> {
    pub(super) dir: PathBuf,
    /// Files with renamed duplicate keys: their text, to read the real key names.
    pub(super) renamed: BTreeMap<FileId, (&'a BTreeSet<usize>, &'a str)>,
    pub(super) vars: BTreeMap<String, VarDecl<'a>>,
    pub(super) values: BTreeMap<String, VarValue<'a>>,
    pub(super) locals: BTreeMap<String, (FileId, &'a Expression)>,
    pub(super) resources: Vec<ResourceDecl<'a>>,
    pub(super) by_address: BTreeMap<String, usize>,
    pub(super) calls: Vec<ModuleCall<'a>>,
    pub(super) outputs: BTreeMap<String, (FileId, &'a Expression)>,
}

impl<'a> Module<'a> {
    /// `files` are the module's own files plus, for a root module, its variable files.
    /// Values come lowest first: environment (`TF_VAR_*`), tfvars files, `--var`.
    pub(super) fn new(
        files: &[&'a ParsedFile],
        dir: &Path,
        env_vars: &'a [(String, String)],
        cli_vars: &'a [(String, String)],
    ) -> Self {
        let mut m = Module {
            dir: dir.to_path_buf(),
            renamed: files
                .iter()
                .filter(|f| !f.renamed_keys.is_empty())
                .map(|f| (f.id, (&f.renamed_keys, &*f.text)))
                .collect(),
            vars: BTreeMap::new(),
            values: BTreeMap::new(),
            locals: BTreeMap::new(),
            resources: Vec::new(),
            by_address: BTreeMap::new(),
            calls: Vec::new(),
            outputs: BTreeMap::new(),
        };
        for file in files.iter().copied().filter(|f| f.role == Role::Config) {
            m.collect_config(file);
        }
        for (name, value) in env_vars {
            m.values
                .insert(name.clone(), VarValue::CommandLine(value.as_str()));
        }
        // Terraform's precedence, lowest first: later assignments win.
        let mut tfvars: Vec<&'a ParsedFile> = files
            .iter()
            .copied()
            .filter(|f| f.role != Role::Config)
            .collect();
        tfvars.sort_by(|a, b| {
            let rank = |f: &ParsedFile| match f.role {
                Role::Config | Role::Tfvars => (0, 0),
                Role::AutoTfvars => (1, 0),
                Role::VarFile(i) => (2, i),
            };
            rank(a).cmp(&rank(b)).then_with(|| match (a.role, b.role) {
                (Role::AutoTfvars, Role::AutoTfvars) => a.name.cmp(&b.name),
                _ => std::cmp::Ordering::Equal,
            })
        });
        for file in tfvars {
            for attr in file.body.attributes() {
                m.values.insert(
                    attr.key.as_str().to_string(),
                    VarValue::Expr(file.id, &attr.value),
                );
            }
        }
        for (name, value) in cli_vars {
            m.values
                .insert(name.clone(), VarValue::CommandLine(value.as_str()));
        }
        m
    }

    fn collect_config(&mut self, file: &'a ParsedFile) {
        if let Some(Expression::Object(top)) = &file.json {
            self.collect_json(file.id, top);
            return;
        }
        for block in file.body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("variable", [name]) => {
                    let header = span_of(file.id, block.ident.span())
                        .join(span_of(file.id, block.labels.last().and_then(|l| l.span())));
                    self.vars.entry((*name).to_string()).or_insert(VarDecl {
                        file: file.id,
                        header,
                        ty: block
                            .body
                            .get_attribute("type")
                            .map_or(VarType::Any, |a| var_type(&a.value)),
                        default: block.body.get_attribute("default").map(|a| &a.value),
                    });
                }
                ("locals", []) => {
                    for attr in block.body.attributes() {
                        self.locals
                            .entry(attr.key.as_str().to_string())
                            .or_insert((file.id, &attr.value));
                    }
                }
                ("module", [name]) if !self.calls.iter().any(|c| c.name == *name) => {
                    self.calls.push(ModuleCall {
                        file: file.id,
                        name: (*name).to_string(),
                        body: Syntax::Hcl(&block.body),
                    });
                }
                ("output", [name]) => {
                    if let Some(value) = block.body.get_attribute("value") {
                        self.outputs
                            .entry((*name).to_string())
                            .or_insert((file.id, &value.value));
                    }
                }
                ("resource", [ty, name]) => self.add_resource(file.id, ty, name, block, false),
                ("data", [ty, name]) => self.add_resource(file.id, ty, name, block, true),
                _ => {}
            }
        }
    }

    /// Terraform's JSON syntax: `{"resource": {"TYPE": {"NAME": {...}}}, "variable": ...}`.
    /// Where the syntax allows a list of objects in place of one, each object counts.
    fn collect_json(&mut self, file: FileId, top: &'a Object) {
        for (kind, value) in top.iter() {
            let Some(kind) = key_text(kind) else { continue };
            for section in objects(value.expr()) {
                for (name_key, decl) in section.iter() {
                    let Some(name) = key_text(name_key) else {
                        continue;
                    };
                    let name_span = span_of(file, name_key.span());
                    match kind.as_str() {
                        "locals" => {
                            self.locals.entry(name).or_insert((file, decl.expr()));
                        }
                        "resource" | "data" => {
                            for by_name in objects(decl.expr()) {
                                for (res_key, body) in by_name.iter() {
                                    let Some(res_name) = key_text(res_key) else {
                                        continue;
                                    };
                                    for body_obj in objects(body.expr()) {
                                        let header = span_of(file, res_key.span());
                                        let span = header.join(span_of(file, body_obj.span()));
                                        self.push_resource(
                                            file,
                                            &name,
                                            &res_name,
                                            Syntax::Json(body_obj),
                                            (header, span),
                                            kind == "data",
                                        );
                                    }
                                }
                            }
                        }
                        _ => {
                            for body in objects(decl.expr()) {
                                let body = Syntax::Json(body);
                                self.add_declaration(file, &kind, name.clone(), name_span, body);
                            }
                        }
                    }
                }
            }
        }
    }

    /// A `variable`, `module` or `output` declaration.
    fn add_declaration(
        &mut self,
        file: FileId,
        kind: &str,
        name: String,
        header: Span,
        body: Syntax<'a>,
    ) {
        match kind {
            "variable" => {
                self.vars.entry(name).or_insert(VarDecl {
                    file,
                    header,
                    ty: body.attr("type").map_or(VarType::Any, var_type),
                    default: body.attr("default"),
                });
            }
            "module" if !self.calls.iter().any(|c| c.name == name) => {
                self.calls.push(ModuleCall { file, name, body });
            }
            "output" => {
                if let Some(value) = body.attr("value") {
                    self.outputs.entry(name).or_insert((file, value));
                }
            }
            _ => {}
        }
    }

    fn add_resource(&mut self, file: FileId, ty: &str, name: &str, block: &'a Block, data: bool) {
        let ident = span_of(file, block.ident.span());
        let header = block
            .labels
            .last()
            .map_or(ident, |l| ident.join(span_of(file, l.span())));
        let span = span_of(file, block.span());
        self.push_resource(
            file,
            ty,
            name,
            Syntax::Hcl(&block.body),
            (header, span),
            data,
        );
    }

    fn push_resource(
        &mut self,
        file: FileId,
        ty: &str,
        name: &str,
        body: Syntax<'a>,
        (header, span): (Span, Span),
        data: bool,
    ) {
        let (kind, address) = if data {
            (format!("data.{ty}"), format!("data.{ty}.{name}"))
        } else {
            (ty.to_string(), format!("{ty}.{name}"))
        };
        if self.by_address.contains_key(&address) {
            // Terraform rejects duplicates; keep the first.
            return;
        }
        self.by_address
            .insert(address.clone(), self.resources.len());
        self.resources.push(ResourceDecl {
            file,
            kind,
            address,
            body,
            header,
            span,
        });
    }

    pub(super) fn call(&self, name: &str) -> Option<&ModuleCall<'a>> {
        self.calls.iter().find(|c| c.name == name)
    }

    pub(super) fn resource(&self, address: &str) -> Option<&ResourceDecl<'a>> {
        self.by_address
            .get(address)
            .and_then(|&i| self.resources.get(i))
    }
}

fn var_type(expr: &Expression) -> VarType {
    let by_name = |name: &str| match name {
        "string" => VarType::String,
        "number" => VarType::Number,
        "bool" => VarType::Bool,
        "list" | "map" | "set" | "object" | "tuple" => VarType::Complex,
        _ => VarType::Any,
    };
    match expr {
        Expression::Variable(v) => by_name(v.as_str()),
        // Terraform 0.11 quoted types.
        Expression::String(s) => by_name(s.value()),
        Expression::FuncCall(_) => VarType::Complex,
        _ => VarType::Any,
    }
}

/// An object, or each object of a list of objects (JSON syntax allows both for blocks).
fn objects(expr: &Expression) -> Vec<&Object> {
    match expr {
        Expression::Object(o) => vec![o],
        Expression::Array(items) => items
            .iter()
            .filter_map(|e| match e {
                Expression::Object(o) => Some(o),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}
