//! A module's declarations: variables and the values given for them (in Terraform's order of
//! precedence), locals, resources and data sources.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
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
    pub(super) block: &'a Block,
}

pub(super) struct ResourceDecl<'a> {
    pub(super) file: FileId,
    pub(super) kind: String,
    pub(super) address: String,
    pub(super) block: &'a Block,
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
                        block,
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

    fn add_resource(&mut self, file: FileId, ty: &str, name: &str, block: &'a Block, data: bool) {
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
            block,
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
