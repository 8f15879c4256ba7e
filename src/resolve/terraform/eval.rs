//! The Terraform expression evaluator: variables, locals, references between resources,
//! templates, a few functions, `dynamic` blocks. Anything it cannot prove is `Val::Unknown`;
//! it never fails.
//!
//! Every `eval` returns a node spanned to the expression it evaluated, so a value that came
//! from a variable or local points at the attribute that used it; nested nodes keep the spans
//! of where they were written.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use hcl_edit::Decorated;
use hcl_edit::Span as _;
use hcl_edit::expr::{
    Expression, FuncCall, Object, ObjectKey, Traversal, TraversalOperator, UnaryOperator,
};

/// The byte range of an object expression (its braces).
fn group_span(object: &Object) -> Option<std::ops::Range<usize>> {
    object.span()
}
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Element, Template};

use super::module::{
    Module, ModuleCall, ParsedFile, ResourceDecl, Role, Syntax, VarType, VarValue, key_text,
};
use super::values::{
    COMMAND_LINE, convert_to_type, dedup_scalars, measure, number_text, parts_to_val, push_lit,
    push_value, respan_command_line, respanned, span_of,
};
use crate::resolve::{Entry, Lang, Node, RawResource, Reference, TemplatePart, Val};
use crate::source::{FileId, Span};

/// Bound on nested evaluation: expression nesting plus var/local/resource reference hops.
/// Also bounds the height of every value tree produced, so walking or dropping one never
/// exhausts the stack.
pub(super) const MAX_EVAL_DEPTH: usize = 64;

/// Bound on the work of one module (expression evaluations). Nested `dynamic` blocks over
/// large collections would otherwise multiply without limit.
const MAX_EVAL_STEPS: usize = 2_000_000;

/// Bound on value nodes copied out of variables, locals and iterators in one module: a chain
/// of locals each using the previous one twice doubles per link.
const MAX_COPIED_NODES: usize = 2_000_000;

/// Largest file `file()` reads; policies and scripts are far smaller.
const MAX_FILE_FUNCTION_BYTES: u64 = 1024 * 1024;

/// Most instances one `count` / `for_each` expands into; a larger (or unknown) collection
/// leaves one template instance whose `count.index` / `each.*` are Unknown.
pub(super) const MAX_INSTANCES: usize = 1000;

/// Deepest module nesting evaluated (a module calling itself ends here: what lies deeper
/// contributes no resources and its outputs are Unknown).
pub(super) const MAX_MODULE_DEPTH: usize = 16;

/// Arguments of a `module` block that are not inputs of the module.
const MODULE_META: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// Attributes that configure Terraform itself rather than the resource.
pub(super) const META_ATTRIBUTES: &[&str] = &["count", "for_each", "depends_on", "provider"];
const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];

/// Nested blocks the model reads, as JSON syntax may write them: one object for one block.
const JSON_BLOCKS: &[&str] = &["ingress", "egress", "endpoint_configuration", "dns_options"];

/// A resolved variable, local or resource attribute, with the measures the caps need.
struct Cached {
    node: Node,
    height: usize,
    size: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Var(String),
    Local(String),
    /// A written attribute of one instance of a resource (local address, instance, name).
    Attr(String, Inst, String),
    /// A module instance being evaluated (cycle guard).
    Module(String, Inst),
}

/// One instance of a resource or module call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Inst {
    /// No `count` / `for_each`, or the template instance of an unknown one.
    Single,
    Index(usize),
    Key(String),
}

impl Inst {
    /// The address suffix Terraform prints: `[0]`, `["api"]`.
    pub(super) fn suffix(&self) -> String {
        match self {
            Inst::Single => String::new(),
            Inst::Index(i) => format!("[{i}]"),
            Inst::Key(k) => format!("[{k:?}]"),
        }
    }
}

/// What a `count` / `for_each` makes of a resource or module call.
#[derive(Debug, Clone)]
pub(super) enum Expansion {
    /// Neither argument.
    Single,
    /// Known zero / empty.
    Removed,
    /// Unknown (or over `MAX_INSTANCES`): one instance, iteration values Unknown.
    Template,
    /// `count = n` (span of the count expression).
    Count(usize, Span),
    /// `for_each` keys and values, in order.
    Each(Vec<(Node, Node)>),
}

impl Expansion {
    fn instances(&self) -> Vec<Inst> {
        match self {
            Expansion::Single | Expansion::Template => vec![Inst::Single],
            Expansion::Removed => Vec::new(),
            Expansion::Count(n, _) => (0..*n).map(Inst::Index).collect(),
            Expansion::Each(pairs) => pairs
                .iter()
                .filter_map(|(k, _)| k.as_str().map(|k| Inst::Key(k.to_string())))
                .collect(),
        }
    }
}

/// `count.index`, or `each.key` and `each.value`, of the instance being evaluated.
pub(super) enum Iteration {
    Count(Node),
    Each(Node, Node),
}

/// Which instances a reference selects.
enum Pick {
    One(Inst),
    All(Vec<Inst>),
}

/// A `dynamic` block iterator in scope (`IT.key`, `IT.value`).
struct Binding {
    name: String,
    key: Node,
    value: Node,
    height: usize,
    size: usize,
}

#[derive(Clone)]
pub(super) struct Scope {
    pub(super) file: FileId,
    /// Innermost last.
    iterators: Vec<Rc<Binding>>,
    /// `for` expression variables (bare names), innermost last.
    pub(super) names: Vec<Rc<(String, Node)>>,
    pub(super) iteration: Option<Rc<Iteration>>,
}

impl Scope {
    pub(super) fn new(file: FileId) -> Self {
        Scope {
            file,
            iterators: Vec::new(),
            names: Vec::new(),
            iteration: None,
        }
    }
}

/// What every module of a unit can see: the parsed files of each module directory, and the
/// directories `terraform init` downloaded modules into.
pub(crate) struct UnitCtx<'a> {
    pub(crate) dirs: BTreeMap<PathBuf, Vec<&'a ParsedFile>>,
    /// `.terraform/modules/modules.json`: module key (`net`, `net.sub`) -> directory.
    pub(crate) downloaded: BTreeMap<String, PathBuf>,
}

/// Work budget shared by a root module and every module it calls.
#[derive(Default)]
pub(super) struct Budget {
    steps: usize,
    copied: usize,
    file_texts: BTreeMap<PathBuf, Option<Arc<str>>>,
}

/// Resolve every resource and data source of a root module and of the modules it calls.
pub(crate) fn evaluate(
    files: &[ParsedFile],
    root_dir: &Path,
    downloaded: BTreeMap<String, PathBuf>,
    env_vars: &[(String, String)],
    vars: &[(String, String)],
) -> Vec<RawResource> {
    let mut dirs: BTreeMap<PathBuf, Vec<&ParsedFile>> = BTreeMap::new();
    let mut root_files = Vec::new();
    for file in files {
        if file.role != Role::Config || file.dir == root_dir {
            root_files.push(file);
        }
        if file.role == Role::Config {
            dirs.entry(file.dir.clone()).or_default().push(file);
        }
    }
    let ctx = UnitCtx { dirs, downloaded };
    let module = Module::new(&root_files, root_dir, env_vars, vars);
    let mut budget = Budget::default();
    let mut evaluator = Evaluator::new(
        &module,
        &ctx,
        &mut budget,
        String::new(),
        String::new(),
        0,
        1,
    );
    evaluator.run();
    evaluator.out
}

/// A group of same-named nested blocks (static and `dynamic`) being collected.
struct BlockGroup {
    name: String,
    key_span: Span,
    span: Span,
    items: Vec<Node>,
    /// Set when a `dynamic` block of the group iterates over an unknown collection.
    unknown: Option<Span>,
}

enum Slot {
    Attribute(Entry),
    Group(usize),
}

pub(super) struct Evaluator<'e, 'a> {
    m: &'e Module<'a>,
    ctx: &'e UnitCtx<'a>,
    budget: &'e mut Budget,
    /// `module.net.` (with instance keys) for a called module; empty for the root.
    prefix: String,
    /// This module's key in `modules.json` (`net`, `net.sub`); empty for the root.
    key_path: String,
    module_depth: usize,
    /// Directories of the modules calling this one, outermost first (recursion guard).
    callers: Vec<PathBuf>,
    /// Evaluation depth this module starts at (its caller's depth): one stack, one cap.
    base_depth: usize,
    cache: BTreeMap<Key, Cached>,
    in_progress: BTreeSet<Key>,
    expansions: BTreeMap<String, Rc<Expansion>>,
    /// Output values of each called module instance.
    children: BTreeMap<(String, Inst), BTreeMap<String, Node>>,
    /// Resources of this module, then (after `run`) of the modules it calls.
    out: Vec<RawResource>,
    /// Resources of called modules, in the order they were evaluated.
    called_out: Vec<RawResource>,
    /// Set when an evaluation indexed a known value with a key it lacks: an error in
    /// Terraform, which `try` and `can` turn into their fallback.
    pub(super) failed: bool,
}

impl<'e, 'a> Evaluator<'e, 'a> {
    fn new(
        m: &'e Module<'a>,
        ctx: &'e UnitCtx<'a>,
        budget: &'e mut Budget,
        prefix: String,
        key_path: String,
        module_depth: usize,
        base_depth: usize,
    ) -> Self {
        Evaluator {
            m,
            ctx,
            budget,
            prefix,
            key_path,
            module_depth,
            callers: Vec::new(),
            base_depth,
            cache: BTreeMap::new(),
            in_progress: BTreeSet::new(),
            expansions: BTreeMap::new(),
            children: BTreeMap::new(),
            out: Vec::new(),
            called_out: Vec::new(),
            failed: false,
        }
    }

    /// Every resource instance of the module, then every called module instance.
    fn run(&mut self) {
        let m = self.m;
        let depth = self.base_depth;
        for r in &m.resources {
            let expansion = self.expansion(&r.address, r.body, r.file, depth);
            for inst in expansion.instances() {
                let resource = self.resource(r, &expansion, inst);
                self.out.push(resource);
            }
        }
        for call in &m.calls {
            let expansion = self.expansion(
                &format!("module.{}", call.name),
                call.body,
                call.file,
                depth,
            );
            for inst in expansion.instances() {
                self.ensure_module(call, &expansion, inst, depth);
            }
        }
        self.out.append(&mut self.called_out);
    }

    /// Evaluate `count` / `for_each` of a resource or module call once.
    fn expansion(
        &mut self,
        key: &str,
        body: Syntax<'_>,
        file: FileId,
        depth: usize,
    ) -> Rc<Expansion> {
        if let Some(known) = self.expansions.get(key) {
            return known.clone();
        }
        // A count that depends on itself is unknown.
        self.expansions
            .insert(key.to_string(), Rc::new(Expansion::Template));
        let scope = Scope::new(file);
        let expansion = if let Some(count) = body.attr("count") {
            let n = self.eval(count, &scope, depth + 1);
            match n.val {
                Val::Number(0.0) => Expansion::Removed,
                Val::Number(c) if c > 0.0 && c.fract() == 0.0 && c <= MAX_INSTANCES as f64 => {
                    Expansion::Count(c as usize, n.span)
                }
                _ => Expansion::Template,
            }
        } else if let Some(for_each) = body.attr("for_each") {
            let n = self.eval(for_each, &scope, depth + 1);
            each_pairs(n.val)
        } else {
            Expansion::Single
        };
        let expansion = Rc::new(expansion);
        self.expansions.insert(key.to_string(), expansion.clone());
        expansion
    }

    /// The scope of one instance: `count.index` or `each.*` bound when known.
    fn instance_scope(&self, file: FileId, expansion: &Expansion, inst: &Inst) -> Scope {
        let mut scope = Scope::new(file);
        scope.iteration = match (expansion, inst) {
            (Expansion::Count(_, span), Inst::Index(i)) => Some(Rc::new(Iteration::Count(
                Node::new(*span, Val::Number(*i as f64)),
            ))),
            (Expansion::Each(pairs), Inst::Key(k)) => pairs
                .iter()
                .find(|(key, _)| key.as_str() == Some(k.as_str()))
                .map(|(key, value)| Rc::new(Iteration::Each(key.clone(), value.clone()))),
            _ => None,
        };
        scope
    }

    /// Which instance(s) the operator after a resource or module name selects, and how many
    /// operators that took. `None`: nothing provable (Unknown).
    fn pick(
        &mut self,
        expansion: &Expansion,
        op: Option<&TraversalOperator>,
        scope: &Scope,
        depth: usize,
    ) -> Option<(Pick, usize)> {
        let index = match op {
            Some(TraversalOperator::Index(expr)) => Some(self.eval(expr, scope, depth + 1).val),
            Some(TraversalOperator::LegacyIndex(i)) => Some(Val::Number(*i.value() as f64)),
            _ => None,
        };
        let splat = matches!(
            op,
            Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_))
        );
        match expansion {
            Expansion::Removed => None,
            Expansion::Single => Some((Pick::One(Inst::Single), 0)),
            Expansion::Template => {
                if splat {
                    None
                } else {
                    Some((Pick::One(Inst::Single), usize::from(index.is_some())))
                }
            }
            Expansion::Count(n, _) => match index {
                Some(Val::Number(i)) if i >= 0.0 && i.fract() == 0.0 && (i as usize) < *n => {
                    Some((Pick::One(Inst::Index(i as usize)), 1))
                }
                Some(_) => None,
                None if splat => Some((Pick::All(expansion.instances()), 1)),
                None => None,
            },
            Expansion::Each(pairs) => match index {
                Some(Val::Str(k)) if pairs.iter().any(|(key, _)| key.as_str() == Some(&k)) => {
                    Some((Pick::One(Inst::Key(k)), 1))
                }
                _ => None,
            },
        }
    }

    fn resource(&mut self, r: &ResourceDecl<'_>, expansion: &Expansion, inst: Inst) -> RawResource {
        let scope = self.instance_scope(r.file, expansion, &inst);
        let depth = self.base_depth;
        let body = match r.body {
            Syntax::Hcl(body) => self.body(body, &scope, depth, true),
            Syntax::Json(object) => self.json_body(object, &scope, depth),
        };
        RawResource {
            lang: Lang::Terraform,
            kind: r.kind.clone(),
            address: format!("{}{}{}", self.prefix, r.address, inst.suffix()),
            header: r.header,
            span: r.span,
            file: r.file,
            body,
            suppressed: Vec::new(),
        }
    }

    /// Evaluate a called module instance once (its resources join `out`).
    fn ensure_module(
        &mut self,
        call: &ModuleCall<'_>,
        expansion: &Expansion,
        inst: Inst,
        depth: usize,
    ) {
        let key = (call.name.clone(), inst.clone());
        if self.children.contains_key(&key) {
            return;
        }
        let guard = Key::Module(call.name.clone(), inst.clone());
        if !self.in_progress.insert(guard.clone()) {
            // An input that depends on the module's own output.
            return;
        }
        let outputs = self.instantiate(call, expansion, &inst, depth + 1);
        self.in_progress.remove(&guard);
        self.children.insert(key, outputs);
    }

    /// `module.NAME[inst].OUTPUT`.
    fn module_output(
        &mut self,
        call: &ModuleCall<'_>,
        expansion: &Expansion,
        inst: Inst,
        output: &str,
        depth: usize,
    ) -> Option<Node> {
        let key = (call.name.clone(), inst.clone());
        self.ensure_module(call, expansion, inst, depth);
        let node = self.children.get(&key)?.get(output)?;
        let (height, size) = measure(node);
        if depth + height > MAX_EVAL_DEPTH {
            return None;
        }
        let node = node.clone();
        self.charge(size).then_some(node)
    }

    /// The directory a module call's source names: local paths relative to this module,
    /// registry and git sources through `modules.json`. `None` for anything else.
    fn module_source_dir(&self, call: &ModuleCall<'_>, key_path: &str) -> Option<PathBuf> {
        let source = match call.body.attr("source")? {
            Expression::String(s) => s.value().clone(),
            _ => return None,
        };
        if crate::load::discover::is_local_source(&source) {
            return Some(crate::load::discover::normalize(&self.m.dir.join(&source)));
        }
        self.ctx.downloaded.get(key_path).cloned()
    }

    /// Bind a module instance's inputs, evaluate its resources and outputs. A module that
    /// cannot be found (remote, not downloaded), or lies deeper than `MAX_MODULE_DEPTH`,
    /// has no resources and every output Unknown.
    fn instantiate(
        &mut self,
        call: &ModuleCall<'_>,
        expansion: &Expansion,
        inst: &Inst,
        depth: usize,
    ) -> BTreeMap<String, Node> {
        let mut outputs = BTreeMap::new();
        if self.module_depth >= MAX_MODULE_DEPTH || depth > MAX_EVAL_DEPTH {
            return outputs;
        }
        let key_path = if self.key_path.is_empty() {
            call.name.clone()
        } else {
            format!("{}.{}", self.key_path, call.name)
        };
        let Some(dir) = self.module_source_dir(call, &key_path) else {
            return outputs;
        };
        // A module that calls itself, directly or through others, never ends in Terraform
        // (which rejects it): the recursive call contributes nothing.
        if dir == self.m.dir || self.callers.contains(&dir) {
            return outputs;
        }
        let ctx = self.ctx;
        let Some(files) = ctx.dirs.get(&dir) else {
            return outputs;
        };
        let scope = self.instance_scope(call.file, expansion, inst);
        let mut given = Vec::new();
        for (name, _, value) in call.body.attrs() {
            if MODULE_META.contains(&name.as_str()) {
                continue;
            }
            let value = self.eval(value, &scope, depth + 1);
            given.push((name, value));
        }
        let mut module = Module::new(files, &dir, &[], &[]);
        for (name, node) in given {
            if module.vars.contains_key(&name) {
                module.values.insert(name, VarValue::Given(node));
            }
        }
        let prefix = format!("{}module.{}{}.", self.prefix, call.name, inst.suffix());
        let mut child = Evaluator::new(
            &module,
            ctx,
            &mut *self.budget,
            prefix,
            key_path,
            self.module_depth + 1,
            depth,
        );
        child.callers = self.callers.clone();
        child.callers.push(self.m.dir.clone());
        child.run();
        for (name, (file, expr)) in &module.outputs {
            let value = child.eval(expr, &Scope::new(*file), depth + 1);
            outputs.insert(name.clone(), value);
        }
        let mut resources = std::mem::take(&mut child.out);
        drop(child);
        self.called_out.append(&mut resources);
        outputs
    }

    /// Count one step of work; false once the unit's budget is spent.
    pub(super) fn step(&mut self) -> bool {
        self.budget.steps += 1;
        self.budget.steps <= MAX_EVAL_STEPS
    }

    /// A resource or block body: attributes (null ones omitted) and nested blocks grouped by
    /// name, in source order of first appearance.
    fn body(&mut self, body: &Body, scope: &Scope, depth: usize, top: bool) -> Vec<Entry> {
        if depth > MAX_EVAL_DEPTH || !self.step() {
            return Vec::new();
        }
        let mut slots = Vec::new();
        let mut groups: Vec<BlockGroup> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let key = attr.key.as_str();
                    if top && META_ATTRIBUTES.contains(&key) {
                        continue;
                    }
                    let value = self.eval(&attr.value, scope, depth + 1);
                    if matches!(value.val, Val::Null) {
                        continue;
                    }
                    slots.push(Slot::Attribute(Entry {
                        key: key.to_string(),
                        key_span: span_of(scope.file, attr.key.span()),
                        value,
                    }));
                }
                Structure::Block(block) => {
                    let ident = block.ident.as_str();
                    if top && META_BLOCKS.contains(&ident) {
                        continue;
                    }
                    if ident == "dynamic" {
                        self.dynamic(block, scope, depth, &mut groups, &mut slots);
                    } else {
                        let span = span_of(scope.file, block.span());
                        let key_span = span_of(scope.file, block.ident.span());
                        let index = group_index(&mut groups, &mut slots, ident, key_span, span);
                        let entries = self.body(&block.body, scope, depth + 1, false);
                        if let Some(group) = groups.get_mut(index) {
                            group.items.push(Node::new(span, Val::Map(entries)));
                        }
                    }
                }
            }
        }
        let mut groups: Vec<Option<BlockGroup>> = groups.into_iter().map(Some).collect();
        slots
            .into_iter()
            .filter_map(|slot| match slot {
                Slot::Attribute(entry) => Some(entry),
                Slot::Group(i) => {
                    let group = groups.get_mut(i)?.take()?;
                    let value = match group.unknown {
                        Some(span) => Node::unknown(span),
                        None => Node::new(group.span, Val::List(group.items)),
                    };
                    Some(Entry {
                        key: group.name,
                        key_span: group.key_span,
                        value,
                    })
                }
            })
            .collect()
    }

    /// A resource body in JSON syntax. Nested blocks are objects or lists of objects; the
    /// ones the model reads as blocks become lists. `dynamic` blocks are not expanded here:
    /// the blocks they would add make their group Unknown.
    fn json_body(&mut self, object: &Object, scope: &Scope, depth: usize) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut dynamic: Vec<(String, Span)> = Vec::new();
        for (key, value) in object.iter() {
            let Some(name) = key_text(key) else { continue };
            let key_span = span_of(scope.file, key.span());
            if name == "dynamic" {
                if let Expression::Object(groups) = value.expr() {
                    for (group, _) in groups.iter() {
                        if let Some(group) = key_text(group) {
                            dynamic.push((group, span_of(scope.file, group_span(groups))));
                        }
                    }
                }
                continue;
            }
            if META_ATTRIBUTES.contains(&name.as_str()) || META_BLOCKS.contains(&name.as_str()) {
                continue;
            }
            let mut value = self.eval(value.expr(), scope, depth + 1);
            if matches!(value.val, Val::Null) {
                continue;
            }
            if JSON_BLOCKS.contains(&name.as_str()) && matches!(value.val, Val::Map(_)) {
                value = Node::new(value.span, Val::List(vec![value]));
            }
            entries.push(Entry {
                key: name,
                key_span,
                value,
            });
        }
        for (group, span) in dynamic {
            match entries.iter_mut().find(|e| e.key == group) {
                Some(existing) => existing.value = Node::unknown(span),
                None => entries.push(Entry {
                    key: group,
                    key_span: span,
                    value: Node::unknown(span),
                }),
            }
        }
        entries
    }

    /// `dynamic "NAME" { for_each = X; iterator = IT; content { ... } }`: one map per element
    /// of a known X, added to NAME's group; an unknown X makes the whole group unknown.
    fn dynamic(
        &mut self,
        block: &Block,
        scope: &Scope,
        depth: usize,
        groups: &mut Vec<BlockGroup>,
        slots: &mut Vec<Slot>,
    ) {
        let Some(label) = block.labels.first() else {
            return;
        };
        let name = label.as_str();
        let span = span_of(scope.file, block.span());
        let key_span = span_of(scope.file, label.span());
        let index = group_index(groups, slots, name, key_span, span);
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|a| match &a.value {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| name.to_string());
        let collection = match block.body.get_attribute("for_each") {
            Some(attr) => self.eval(&attr.value, scope, depth + 1),
            None => Node::unknown(span),
        };
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
            _ => {
                if let Some(group) = groups.get_mut(index) {
                    group.unknown.get_or_insert(span);
                }
                return;
            }
        };
        let Some(content) = block.body.get_blocks("content").next() else {
            return;
        };
        let content_span = span_of(scope.file, content.span());
        for (key, value) in pairs {
            let (height, size) = measure(&value);
            let mut inner = scope.clone();
            inner.iterators.push(Rc::new(Binding {
                name: iterator.clone(),
                key,
                value,
                height,
                size,
            }));
            let entries = self.body(&content.body, &inner, depth + 1, false);
            if let Some(group) = groups.get_mut(index) {
                group.items.push(Node::new(content_span, Val::Map(entries)));
            }
        }
    }

    pub(super) fn eval(&mut self, expr: &Expression, scope: &Scope, depth: usize) -> Node {
        let span = span_of(scope.file, expr.span());
        if depth > MAX_EVAL_DEPTH || !self.step() {
            return Node::unknown(span);
        }
        let val = match expr {
            Expression::Null(_) => Val::Null,
            Expression::Bool(b) => Val::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map_or(Val::Unknown, Val::Number),
            Expression::String(s) => Val::Str(s.value().clone()),
            Expression::Array(items) => Val::List(
                items
                    .iter()
                    .map(|item| self.eval(item, scope, depth + 1))
                    .collect(),
            ),
            Expression::Object(object) => self.object(object, scope, depth),
            Expression::StringTemplate(t) => return self.template(t, span, scope, depth),
            Expression::HeredocTemplate(h) => {
                return self.template(&h.template, span, scope, depth);
            }
            Expression::Parenthesis(p) => {
                return respanned(self.eval(p.inner(), scope, depth + 1), span);
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, scope, depth + 1);
                let branch = match cond.val {
                    Val::Bool(b) => Some(b),
                    Val::Str(s) if s == "true" => Some(true),
                    Val::Str(s) if s == "false" => Some(false),
                    _ => None,
                };
                return match branch {
                    Some(true) => respanned(self.eval(&c.true_expr, scope, depth + 1), span),
                    Some(false) => respanned(self.eval(&c.false_expr, scope, depth + 1), span),
                    None => Node::unknown(span),
                };
            }
            Expression::FuncCall(call) => return self.call(call, span, scope, depth),
            Expression::Traversal(t) => return self.traversal(t, span, scope, depth),
            Expression::UnaryOp(op) => {
                let operand = self.eval(&op.expr, scope, depth + 1);
                match (op.operator.value(), operand.val) {
                    (UnaryOperator::Neg, Val::Number(n)) => Val::Number(-n),
                    (UnaryOperator::Not, Val::Bool(b)) => Val::Bool(!b),
                    _ => Val::Unknown,
                }
            }
            Expression::BinaryOp(op) => return self.binary(op, span, scope, depth),
            Expression::ForExpr(f) => return self.for_expr(f, span, scope, depth),
            // A bare name is a `for` variable, or nothing we know.
            Expression::Variable(v) => match self.bare_name(v.as_str(), scope, depth) {
                Some(node) => return respanned(node, span),
                None => Val::Unknown,
            },
        };
        Node::new(span, val)
    }

    fn object(&mut self, object: &Object, scope: &Scope, depth: usize) -> Val {
        let mut entries: Vec<Entry> = Vec::new();
        for (key, value) in object.iter() {
            let (key, key_span) = if let Some(renamed) = self.renamed_key(key, scope.file) {
                renamed
            } else {
                match key {
                    ObjectKey::Ident(id) => {
                        (id.as_str().to_string(), span_of(scope.file, id.span()))
                    }
                    ObjectKey::Expression(e) => {
                        let k = self.eval(e, scope, depth + 1);
                        let text = match k.val {
                            Val::Str(s) => s,
                            Val::Number(n) => number_text(n),
                            Val::Bool(b) => b.to_string(),
                            // A key we cannot name makes the object's shape unknown.
                            _ => return Val::Unknown,
                        };
                        (text, k.span)
                    }
                }
            };
            let value = self.eval(value.expr(), scope, depth + 1);
            let entry = Entry {
                key,
                key_span,
                value,
            };
            // Terraform keeps the last of repeated keys.
            match entries.iter_mut().find(|e| e.key == entry.key) {
                Some(earlier) => *earlier = entry,
                None => entries.push(entry),
            }
        }
        Val::Map(entries)
    }

    /// The real name of a duplicate key that was parsed under a stand-in name.
    fn renamed_key(&self, key: &ObjectKey, file: FileId) -> Option<(String, Span)> {
        let range = key.span()?;
        let (offsets, text) = self.m.renamed.get(&file)?;
        if !offsets.contains(&range.start) {
            return None;
        }
        let raw = text.get(range.clone())?;
        let name = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(raw);
        Some((name.to_string(), span_of(file, Some(range))))
    }

    fn template(&mut self, template: &Template, span: Span, scope: &Scope, depth: usize) -> Node {
        let elements: Vec<&Element> = template.iter().collect();
        // `"${x}"` is x itself, unconverted.
        if let [Element::Interpolation(only)] = elements.as_slice() {
            return respanned(self.eval(&only.expr, scope, depth + 1), span);
        }
        let mut parts = Vec::new();
        for (i, element) in elements.iter().enumerate() {
            match element {
                Element::Literal(text) => {
                    let mut text: &str = text.as_str();
                    // `~` strip markers trim the whitespace next to their interpolation.
                    if let Some(Element::Interpolation(prev)) =
                        i.checked_sub(1).and_then(|p| elements.get(p)).copied()
                        && prev.strip.strip_end()
                    {
                        text = text.trim_start();
                    }
                    if let Some(Element::Interpolation(next)) = elements.get(i + 1).copied()
                        && next.strip.strip_start()
                    {
                        text = text.trim_end();
                    }
                    push_lit(&mut parts, text);
                }
                Element::Interpolation(interp) => {
                    let value = self.eval(&interp.expr, scope, depth + 1);
                    push_value(&mut parts, &value.val);
                }
                Element::Directive(_) => parts.push(TemplatePart::Unknown),
            }
        }
        Node::new(span, parts_to_val(parts))
    }

    fn call(&mut self, call: &FuncCall, span: Span, scope: &Scope, depth: usize) -> Node {
        if call.name.is_namespaced() || call.args.expand_final() {
            return Node::unknown(span);
        }
        let args: Vec<&Expression> = call.args.iter().collect();
        let val = match (call.name.name.as_str(), args.as_slice()) {
            // Structured, not a string: the policy inside keeps its spans.
            ("jsonencode", [arg]) => return respanned(self.eval(arg, scope, depth + 1), span),
            ("file", [arg]) => match self.eval(arg, scope, depth + 1).val {
                Val::Str(path) => self.read_file(&path),
                _ => Val::Unknown,
            },
            ("tostring", [arg]) => match self.eval(arg, scope, depth + 1).val {
                v @ (Val::Str(_) | Val::Template(_) | Val::Ref(_)) => v,
                Val::Number(n) => Val::Str(number_text(n)),
                Val::Bool(b) => Val::Str(b.to_string()),
                _ => Val::Unknown,
            },
            ("tolist", [arg]) => match self.eval(arg, scope, depth + 1).val {
                v @ Val::List(_) => v,
                _ => Val::Unknown,
            },
            ("toset", [arg]) => match self.eval(arg, scope, depth + 1).val {
                Val::List(items) => Val::List(dedup_scalars(items)),
                _ => Val::Unknown,
            },
            ("concat", _) => {
                let mut all = Vec::new();
                for arg in &args {
                    match self.eval(arg, scope, depth + 1).val {
                        Val::List(items) => all.extend(items),
                        _ => return Node::unknown(span),
                    }
                }
                Val::List(all)
            }
            ("lower", [arg]) => match self.eval(arg, scope, depth + 1).val {
                Val::Str(s) => Val::Str(s.to_lowercase()),
                _ => Val::Unknown,
            },
            ("upper", [arg]) => match self.eval(arg, scope, depth + 1).val {
                Val::Str(s) => Val::Str(s.to_uppercase()),
                _ => Val::Unknown,
            },
            (name, args) => return self.function(name, args, span, scope, depth),
        };
        Node::new(span, val)
    }

    /// `file(path)`: relative paths are read from the module directory (Terraform reads them
    /// from where it runs, which for a root module is that directory).
    fn read_file(&mut self, path: &str) -> Val {
        let given = Path::new(path);
        let resolved = if given.is_absolute() || given.starts_with(&self.m.dir) {
            given.to_path_buf()
        } else {
            self.m.dir.join(given)
        };
        let text = self
            .budget
            .file_texts
            .entry(resolved.clone())
            .or_insert_with(|| {
                // Only regular files: a FIFO or /dev/stdin would block the scan.
                let meta = std::fs::metadata(&resolved).ok()?;
                if !meta.is_file() || meta.len() > MAX_FILE_FUNCTION_BYTES {
                    return None;
                }
                crate::load::read_text(&resolved).ok().map(Arc::from)
            })
            .clone();
        match text {
            Some(text) if self.charge(1 + text.len() / 64) => Val::Str(text.to_string()),
            _ => Val::Unknown,
        }
    }

    /// Spend part of the copy budget; false when it is exhausted.
    pub(super) fn charge(&mut self, nodes: usize) -> bool {
        self.budget.copied = self.budget.copied.saturating_add(nodes);
        self.budget.copied <= MAX_COPIED_NODES
    }

    /// A `for` expression variable in scope.
    pub(super) fn bare_name(&mut self, name: &str, scope: &Scope, depth: usize) -> Option<Node> {
        let bound = scope.names.iter().rev().find(|b| b.0 == name)?;
        let (height, size) = measure(&bound.1);
        if depth + height > MAX_EVAL_DEPTH || !self.charge(size) {
            return None;
        }
        Some(bound.1.clone())
    }

    fn traversal(&mut self, t: &Traversal, span: Span, scope: &Scope, depth: usize) -> Node {
        let ops: &[Decorated<TraversalOperator>] = &t.operators;
        let (base, rest) = match &t.expr {
            Expression::Variable(root) => match self.root(root.as_str(), ops, span, scope, depth) {
                Some((node, used)) => (node, ops.get(used..).unwrap_or(&[])),
                None => return Node::unknown(span),
            },
            other => (self.eval(other, scope, depth + 1), ops),
        };
        let mut node = base;
        for op in rest {
            node = self.apply(node, op, scope, depth);
        }
        respanned(node, span)
    }

    /// Resolve `NAME.op...` where NAME is a root name (`var`, `local`, a resource type, ...).
    /// Returns the value and how many operators it consumed.
    fn root(
        &mut self,
        name: &str,
        ops: &[Decorated<TraversalOperator>],
        span: Span,
        scope: &Scope,
        depth: usize,
    ) -> Option<(Node, usize)> {
        let attr = |i: usize| match ops.get(i).map(|op| op.value()) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
            _ => None,
        };
        if scope.names.iter().any(|b| b.0 == name) {
            return Some((self.bare_name(name, scope, depth)?, 0));
        }
        if let Some(binding) = scope.iterators.iter().rev().find(|b| b.name == name) {
            let node = match attr(0)? {
                "key" => binding.key.clone(),
                "value" => {
                    if depth + binding.height > MAX_EVAL_DEPTH || !self.charge(binding.size) {
                        return None;
                    }
                    binding.value.clone()
                }
                _ => return None,
            };
            return Some((node, 1));
        }
        match name {
            "var" => {
                let mut node = self.cached(Key::Var(attr(0)?.to_string()), depth)?;
                respan_command_line(&mut node, span);
                Some((node, 1))
            }
            "local" => Some((self.cached(Key::Local(attr(0)?.to_string()), depth)?, 1)),
            "path" => match attr(0)? {
                "module" | "root" => Some((
                    Node::new(span, Val::Str(self.m.dir.to_string_lossy().into_owned())),
                    1,
                )),
                _ => None,
            },
            "data" => {
                let m = self.m;
                let address = format!("data.{}.{}", attr(0)?, attr(1)?);
                let data = m.resource(&address)?;
                let expansion = self.expansion(&address, data.body, data.file, depth);
                let (pick, used) =
                    self.pick(&expansion, ops.get(2).map(|op| op.value()), scope, depth)?;
                let next = 2 + used;
                let Pick::One(inst) = pick else {
                    return None;
                };
                if data.kind == "data.aws_vpc_endpoint_service" && attr(next)? == "service_name" {
                    let service = self.cached(Key::Attr(address, inst, "service".into()), depth)?;
                    let service = service.as_str()?;
                    let val = Val::Template(vec![
                        TemplatePart::Lit("com.amazonaws.".into()),
                        TemplatePart::Unknown,
                        TemplatePart::Lit(format!(".{service}")),
                    ]);
                    return Some((Node::new(span, val), next + 1));
                }
                // The model builder turns the document's statements into a policy.
                if data.kind == "data.aws_iam_policy_document"
                    && matches!(attr(2)?, "json" | "minified_json")
                {
                    let val = Val::Ref(Reference {
                        target: address,
                        attribute: Some(attr(2)?.to_string()),
                    });
                    return Some((Node::new(span, val), 3));
                }
                None
            }
            "count" => match (attr(0)?, scope.iteration.as_deref()) {
                ("index", Some(Iteration::Count(n))) => Some((n.clone(), 1)),
                _ => None,
            },
            "each" => match (attr(0)?, scope.iteration.as_deref()) {
                ("key", Some(Iteration::Each(k, _))) => Some((k.clone(), 1)),
                ("value", Some(Iteration::Each(_, v))) => {
                    let (height, size) = measure(v);
                    if depth + height > MAX_EVAL_DEPTH || !self.charge(size) {
                        return None;
                    }
                    Some((v.clone(), 1))
                }
                _ => None,
            },
            "module" => {
                let m = self.m;
                let call = m.call(attr(0)?)?;
                let expansion = self.expansion(
                    &format!("module.{}", call.name),
                    call.body,
                    call.file,
                    depth,
                );
                let (pick, used) =
                    self.pick(&expansion, ops.get(1).map(|op| op.value()), scope, depth)?;
                let next = 1 + used;
                let output = attr(next)?;
                let node = match pick {
                    Pick::One(inst) => self.module_output(call, &expansion, inst, output, depth)?,
                    Pick::All(insts) => {
                        let items = insts
                            .into_iter()
                            .map(|inst| {
                                self.module_output(call, &expansion, inst, output, depth)
                                    .unwrap_or_else(|| Node::unknown(span))
                            })
                            .collect();
                        Node::new(span, Val::List(items))
                    }
                };
                Some((node, next + 1))
            }
            "self" | "terraform" => None,
            resource_type => {
                let m = self.m;
                let address = format!("{resource_type}.{}", attr(0)?);
                let resource = m.resource(&address)?;
                let expansion = self.expansion(&address, resource.body, resource.file, depth);
                let (pick, used) =
                    self.pick(&expansion, ops.get(1).map(|op| op.value()), scope, depth)?;
                let next = 1 + used;
                let attribute = attr(next)?;
                let node = match pick {
                    Pick::One(inst) => {
                        self.instance_attr(resource, inst, attribute, span, depth)?
                    }
                    Pick::All(insts) => {
                        let items = insts
                            .into_iter()
                            .map(|inst| {
                                self.instance_attr(resource, inst, attribute, span, depth)
                                    .unwrap_or_else(|| Node::unknown(span))
                            })
                            .collect();
                        Node::new(span, Val::List(items))
                    }
                };
                Some((node, next + 1))
            }
        }
    }

    /// An attribute of one resource instance: its written value, or a link to the instance
    /// when the provider computes it.
    fn instance_attr(
        &mut self,
        resource: &ResourceDecl<'_>,
        inst: Inst,
        attribute: &str,
        span: Span,
        depth: usize,
    ) -> Option<Node> {
        let written =
            resource.body.attr(attribute).is_some() && !META_ATTRIBUTES.contains(&attribute);
        let reference = Node::new(
            span,
            Val::Ref(Reference {
                target: format!("{}{}{}", self.prefix, resource.address, inst.suffix()),
                attribute: Some(attribute.to_string()),
            }),
        );
        if !written {
            return Some(reference);
        }
        let value = self.cached(
            Key::Attr(resource.address.clone(), inst, attribute.to_string()),
            depth,
        )?;
        // `attr = null` leaves it to the provider: computed, like an unwritten one.
        if matches!(value.val, Val::Null) {
            Some(reference)
        } else {
            Some(value)
        }
    }

    /// The value of a variable, local or written resource attribute, evaluated once.
    /// `None` (Unknown) for undeclared names, cycles and exhausted caps.
    fn cached(&mut self, key: Key, depth: usize) -> Option<Node> {
        if !self.cache.contains_key(&key) {
            if !self.in_progress.insert(key.clone()) {
                // A reference cycle.
                return None;
            }
            let node = self.compute(&key, depth + 1);
            self.in_progress.remove(&key);
            let node = node?;
            let (height, size) = measure(&node);
            self.cache
                .insert(key.clone(), Cached { node, height, size });
        }
        let (node, height, size) = {
            let c = self.cache.get(&key)?;
            (&c.node, c.height, c.size)
        };
        if depth + height > MAX_EVAL_DEPTH {
            return None;
        }
        let node = node.clone();
        self.charge(size).then_some(node)
    }

    fn compute(&mut self, key: &Key, depth: usize) -> Option<Node> {
        let m = self.m;
        match key {
            Key::Var(name) => {
                let decl = m.vars.get(name)?;
                let node = match m.values.get(name) {
                    Some(VarValue::Expr(file, expr)) => self.eval(expr, &Scope::new(*file), depth),
                    Some(VarValue::CommandLine(text)) => self.command_line(text, decl.ty, depth),
                    Some(VarValue::Given(node)) => node.clone(),
                    None => match decl.default {
                        Some(expr) => self.eval(expr, &Scope::new(decl.file), depth),
                        None => Node::unknown(decl.header),
                    },
                };
                Some(convert_to_type(node, decl.ty))
            }
            Key::Local(name) => {
                let (file, expr) = m.locals.get(name)?;
                Some(self.eval(expr, &Scope::new(*file), depth))
            }
            Key::Attr(address, inst, attribute) => {
                let resource = m.resource(address)?;
                let value = resource.body.attr(attribute)?;
                let expansion = self.expansion(address, resource.body, resource.file, depth);
                let scope = self.instance_scope(resource.file, &expansion, inst);
                Some(self.eval(value, &scope, depth))
            }
            Key::Module(..) => None,
        }
    }

    /// A `--var NAME=VALUE` value: an HCL expression for complex types, or for untyped
    /// variables when it looks like one; otherwise a string (converted to the declared
    /// primitive type later).
    fn command_line(&mut self, text: &str, ty: VarType, depth: usize) -> Node {
        let span = Span::new(COMMAND_LINE, 0, 0);
        let trimmed = text.trim_start();
        // Terraform takes values of primitive-typed variables literally.
        let looks_structured = trimmed.starts_with('[') || trimmed.starts_with('{');
        if ty == VarType::Complex || (ty == VarType::Any && looks_structured) {
            return match crate::load::hcl::parse_expr(text) {
                Some(expr) => self.eval(&expr, &Scope::new(COMMAND_LINE), depth),
                None => Node::unknown(span),
            };
        }
        Node::new(span, Val::Str(text.to_string()))
    }

    fn apply(&mut self, node: Node, op: &TraversalOperator, scope: &Scope, depth: usize) -> Node {
        let span = node.span;
        // Indexing a value whose shape is known fails in Terraform when the key is missing
        // (what `try` and `can` catch); indexing Unknown, a link or a template does not.
        let shape_known = !matches!(node.val, Val::Unknown | Val::Ref(_) | Val::Template(_));
        let found = match op {
            TraversalOperator::GetAttr(id) => match node.val {
                Val::Map(entries) => entries.into_iter().find(|e| e.key == id.as_str()),
                _ => None,
            }
            .map(|e| e.value),
            TraversalOperator::Index(index) => {
                let index = self.eval(index, scope, depth + 1);
                match (node.val, index.val) {
                    (Val::List(items), Val::Number(n)) if n >= 0.0 && n.fract() == 0.0 => {
                        items.into_iter().nth(n as usize)
                    }
                    (Val::Map(entries), Val::Str(key)) => {
                        entries.into_iter().find(|e| e.key == key).map(|e| e.value)
                    }
                    _ => None,
                }
            }
            TraversalOperator::LegacyIndex(i) => match node.val {
                Val::List(items) => usize::try_from(*i.value())
                    .ok()
                    .and_then(|i| items.into_iter().nth(i)),
                _ => None,
            },
            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                return Node::unknown(span);
            }
        };
        if found.is_none() && shape_known {
            self.failed = true;
        }
        found.unwrap_or_else(|| Node::unknown(span))
    }
}

fn group_index(
    groups: &mut Vec<BlockGroup>,
    slots: &mut Vec<Slot>,
    name: &str,
    key_span: Span,
    span: Span,
) -> usize {
    if let Some(i) = groups.iter().position(|g| g.name == name) {
        if let Some(group) = groups.get_mut(i) {
            group.span = group.span.join(span);
        }
        return i;
    }
    groups.push(BlockGroup {
        name: name.to_string(),
        key_span,
        span,
        items: Vec::new(),
        unknown: None,
    });
    slots.push(Slot::Group(groups.len() - 1));
    groups.len() - 1
}

/// `for_each` over a known map or set: one instance per element (keys must be strings).
fn each_pairs(val: Val) -> Expansion {
    let pairs: Vec<(Node, Node)> = match val {
        Val::Map(entries) => entries
            .into_iter()
            .map(|e| (Node::new(e.key_span, Val::Str(e.key)), e.value))
            .collect(),
        Val::List(items) => {
            let mut pairs: Vec<(Node, Node)> = Vec::new();
            for item in items {
                let key = match &item.val {
                    Val::Str(s) => s.clone(),
                    Val::Number(n) => number_text(*n),
                    _ => return Expansion::Template,
                };
                if pairs.iter().all(|(k, _)| k.as_str() != Some(&key)) {
                    pairs.push((Node::new(item.span, Val::Str(key)), item));
                }
            }
            pairs
        }
        _ => return Expansion::Template,
    };
    if pairs.is_empty() {
        Expansion::Removed
    } else if pairs.len() > MAX_INSTANCES {
        Expansion::Template
    } else {
        Expansion::Each(pairs)
    }
}
