//! File discovery (SPEC §1): walk the paths, classify files, group Terraform per module
//! directory.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsStr;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use ignore::WalkBuilder;

use super::{FoundFile, LoadError};
use crate::UsageError;
use crate::source::FileId;

/// A piece of the scan that loads and evaluates on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// All `.tf`, `.tf.json`, `terraform.tfvars` and `*.auto.tfvars` files of one directory.
    /// `dir` is the files' parent as reached from the PATH argument (`.` for the current one).
    TerraformModule { dir: PathBuf, files: Vec<FoundFile> },
    /// One JSON/YAML/template file: a CloudFormation template, a plan, or nothing of ours.
    Document(FoundFile),
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub units: Vec<Unit>,
    /// `--var-file` files, with ids so that values read from them keep spans.
    pub var_files: Vec<FoundFile>,
    pub errors: Vec<LoadError>,
    /// Files looked at (every unit's files).
    pub files_found: usize,
}

/// Most module directories followed from the scanned ones (module calls of module calls).
const MAX_MODULE_DIRS: usize = 10_000;

/// Directories never worth walking: VCS data, provider/module caches, JavaScript packages.
const SKIPPED_DIRS: &[&str] = &[".git", ".terraform", "node_modules"];

/// What a file is to privlint, decided by its name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `*.tf`, `*.tf.json`: part of a Terraform module.
    Terraform,
    /// `terraform.tfvars`, `*.auto.tfvars`: loaded with the module of its directory.
    AutoVars,
    /// Any other `*.tfvars`: only read when named with `--var-file`.
    OtherVars,
    /// `*.json`, `*.yaml`, `*.yml`, `*.template`: maybe a CloudFormation template or a plan.
    Document,
}

fn classify(name: &OsStr) -> Option<Kind> {
    let name = name.to_string_lossy();
    if name.ends_with(".tf") || name.ends_with(".tf.json") {
        // Terraform itself skips hidden files and editor leftovers in a module directory.
        if name.starts_with('.')
            || name.ends_with('~')
            || (name.starts_with('#') && name.ends_with('#'))
        {
            return None;
        }
        Some(Kind::Terraform)
    } else if name == "terraform.tfvars" || name.ends_with(".auto.tfvars") {
        Some(Kind::AutoVars)
    } else if name.ends_with(".tfvars") {
        Some(Kind::OtherVars)
    } else if [".json", ".yaml", ".yml", ".template"]
        .iter()
        .any(|ext| name.ends_with(ext))
    {
        Some(Kind::Document)
    } else {
        None
    }
}

/// A classified file before ids are assigned.
#[derive(Debug)]
struct Candidate {
    path: PathBuf,
    kind: Kind,
    explicit: bool,
}

pub fn discover(
    paths: &[PathBuf],
    var_files: &[PathBuf],
    respect_ignore_files: bool,
) -> Result<Discovery, UsageError> {
    let mut errors = Vec::new();
    let mut candidates = Vec::new();
    let current_dir = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &current_dir[..]
    } else {
        paths
    };

    for arg in paths {
        match std::fs::metadata(arg) {
            Ok(meta) if meta.is_dir() => {
                walk(arg, respect_ignore_files, &mut candidates, &mut errors)
            }
            Ok(_) => match arg.file_name().and_then(classify) {
                Some(kind) => candidates.push(Candidate {
                    path: tidy(arg),
                    kind,
                    explicit: true,
                }),
                None => errors.push(LoadError::new(
                    tidy(arg),
                    "not a file privlint checks (expected .tf, .tf.json, .json, .yaml, .yml \
                     or .template)",
                )),
            },
            Err(e) => errors.push(LoadError::new(tidy(arg), io_message(&e))),
        }
    }

    let kept = dedup(candidates);
    let mut discovery = group(kept, &mut errors);

    let mut next_id = u32::try_from(discovery.files_found).unwrap_or(u32::MAX);
    for path in var_files {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => errors.push(LoadError::new(
                tidy(path),
                "is a directory, not a variable file",
            )),
            Ok(_) => {
                discovery.var_files.push(FoundFile {
                    id: FileId(next_id),
                    path: tidy(path),
                    explicit: true,
                });
                next_id = next_id.saturating_add(1);
            }
            Err(e) => errors.push(LoadError::new(tidy(path), io_message(&e))),
        }
    }
    discovery.errors = errors;
    Ok(discovery)
}

/// Walk one directory argument, collecting classified files; errors are recorded, the walk
/// goes on.
fn walk(
    root: &Path,
    respect_ignore_files: bool,
    out: &mut Vec<Candidate>,
    errors: &mut Vec<LoadError>,
) {
    let mut builder = WalkBuilder::new(root);
    // Start from nothing, then turn on exactly the ignore files asked for.
    builder
        .standard_filters(false)
        .hidden(false)
        .follow_links(true)
        // Sorted siblings make the order of walk errors reproducible.
        .sort_by_file_name(|a, b| a.cmp(b));
    if respect_ignore_files {
        builder
            .ignore(true)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(true)
            .parents(true)
            .require_git(false);
    }
    builder.filter_entry(|entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        !(is_dir
            && SKIPPED_DIRS
                .iter()
                .any(|d| entry.file_name() == OsStr::new(d)))
    });
    for result in builder.build() {
        match result {
            Ok(entry) => {
                if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                if let Some(kind) = classify(entry.file_name()) {
                    out.push(Candidate {
                        path: tidy(entry.path()),
                        kind,
                        explicit: false,
                    });
                }
            }
            Err(err) => walk_errors(&err, None, errors),
        }
    }
}

/// Turn a walk error into located load errors (one per underlying problem).
fn walk_errors(err: &ignore::Error, path: Option<&Path>, out: &mut Vec<LoadError>) {
    match err {
        ignore::Error::Partial(errs) => {
            for e in errs {
                walk_errors(e, path, out);
            }
        }
        ignore::Error::WithPath { path, err } => walk_errors(err, Some(path), out),
        ignore::Error::WithDepth { err, .. } => walk_errors(err, path, out),
        ignore::Error::WithLineNumber { line, err } => {
            let mut inner = Vec::new();
            walk_errors(err, path, &mut inner);
            out.extend(inner.into_iter().map(|mut e| {
                e.line = usize::try_from(*line).ok();
                e
            }));
        }
        ignore::Error::Loop { ancestor, child } => out.push(LoadError::new(
            tidy(child),
            format!(
                "symbolic link loop: points back to {}; not followed",
                crate::source::display_path(ancestor)
            ),
        )),
        ignore::Error::Io(e) => {
            let Some(path) = path else {
                out.push(LoadError::new(PathBuf::new(), io_message(e)));
                return;
            };
            // A dangling link matters only where it would have been one of our files.
            if e.kind() == ErrorKind::NotFound {
                if path.file_name().and_then(classify).is_some() {
                    out.push(LoadError::new(tidy(path), "broken symbolic link"));
                }
                return;
            }
            out.push(LoadError::new(tidy(path), io_message(e)));
        }
        other => out.push(LoadError::new(
            path.map(tidy).unwrap_or_default(),
            other.to_string(),
        )),
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => format!("cannot read: {e}"),
    }
}

/// The path as reached from the argument, without a leading `./`.
fn tidy(path: &Path) -> PathBuf {
    let mut components = path.components();
    match components.next() {
        Some(Component::CurDir) if components.clone().next().is_some() => {
            components.as_path().to_path_buf()
        }
        _ => path.to_path_buf(),
    }
}

/// Keep each file once (overlapping arguments, symlinks to the same file), in path order; a
/// file named on the command line stays explicit however else it was reached.
fn dedup(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by(|a, b| a.path.cmp(&b.path));
    let mut kept: Vec<Candidate> = Vec::with_capacity(candidates.len());
    let mut seen: HashMap<PathBuf, usize> = HashMap::new();
    for candidate in candidates {
        let key = std::fs::canonicalize(&candidate.path).unwrap_or_else(|_| candidate.path.clone());
        match seen.get(&key).and_then(|&i| kept.get_mut(i)) {
            Some(first) => first.explicit |= candidate.explicit,
            None => {
                seen.insert(key, kept.len());
                kept.push(candidate);
            }
        }
    }
    kept
}

/// The directory of a module file (`.` for a bare file name).
pub fn module_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A path with `.` dropped and `dir/..` folded, without touching the file system, so that a
/// module source (`../modules/net`) and a walked path name the same directory alike.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// A module source Terraform reads from the local file system (not a registry, git, ...).
pub fn is_local_source(source: &str) -> bool {
    source == "." || source == ".." || source.starts_with("./") || source.starts_with("../")
}

/// Directories a module directory calls: local `source`s of its `module` blocks (`.tf` and
/// `.tf.json`), and every module `terraform init` downloaded for it.
fn module_calls(dir: &Path, files: &[FoundFile]) -> Vec<PathBuf> {
    let mut called = Vec::new();
    for file in files {
        let name = file.path.to_string_lossy();
        let is_json = name.ends_with(".tf.json");
        if !(is_json || name.ends_with(".tf")) {
            continue;
        }
        let Ok(text) = super::read_text(&file.path) else {
            continue;
        };
        if !text.contains("module") {
            continue;
        }
        let sources = if is_json {
            json_module_sources(&text)
        } else {
            hcl_module_sources(&file.path, &text)
        };
        called.extend(
            sources
                .into_iter()
                .filter(|s| is_local_source(s))
                .map(|s| normalize(&dir.join(s))),
        );
    }
    called.extend(crate::resolve::terraform::downloaded_modules(dir).into_values());
    called
}

fn hcl_module_sources(path: &Path, text: &str) -> Vec<String> {
    let Ok(parsed) = super::hcl::parse_body(path, text) else {
        return Vec::new();
    };
    parsed
        .body
        .blocks()
        .filter(|b| b.ident.as_str() == "module")
        .filter_map(|b| match &b.body.get_attribute("source")?.value {
            hcl_edit::expr::Expression::String(s) => Some(s.value().to_string()),
            _ => None,
        })
        .collect()
}

/// `{"module": {"NAME": {"source": ...}}}` (a block may also be a list of objects).
fn json_module_sources(text: &str) -> Vec<String> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut add = |block: &serde_json::Value| {
        if let Some(source) = block.get("source").and_then(|s| s.as_str()) {
            out.push(source.to_string());
        }
    };
    if let Some(calls) = json.get("module").and_then(|m| m.as_object()) {
        for call in calls.values() {
            match call {
                serde_json::Value::Array(blocks) => blocks.iter().for_each(&mut add),
                block => add(block),
            }
        }
    }
    out
}

/// The `.tf` and `.tf.json` files of a module directory outside the scan, in name order.
fn list_module_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .filter(|e| classify(&e.file_name()) == Some(Kind::Terraform))
        .map(|e| dir.join(e.file_name()))
        .collect();
    paths.sort();
    paths
}

/// Group Terraform files per directory, assign ids in path order, and build the units.
fn group(kept: Vec<Candidate>, errors: &mut Vec<LoadError>) -> Discovery {
    let has_module: std::collections::HashSet<PathBuf> = kept
        .iter()
        .filter(|c| c.kind == Kind::Terraform)
        .map(|c| module_dir(&c.path))
        .collect();

    let mut files = Vec::new();
    for candidate in kept {
        let loaded = match candidate.kind {
            Kind::Terraform | Kind::Document => true,
            Kind::AutoVars => has_module.contains(&module_dir(&candidate.path)),
            Kind::OtherVars => false,
        };
        if loaded {
            files.push(candidate);
        } else if candidate.explicit {
            errors.push(LoadError::new(
                candidate.path,
                "a variable file without .tf files beside it: pass it with --var-file",
            ));
        }
    }

    // `kept` was sorted by path, so ids follow path order.
    let mut modules: BTreeMap<PathBuf, Vec<FoundFile>> = BTreeMap::new();
    let mut units_by_first_id: Vec<(FileId, Unit)> = Vec::new();
    let files_found = files.len();
    for (index, candidate) in files.into_iter().enumerate() {
        let found = FoundFile {
            id: FileId(u32::try_from(index).unwrap_or(u32::MAX)),
            path: candidate.path,
            explicit: candidate.explicit,
        };
        match candidate.kind {
            Kind::Document => units_by_first_id.push((found.id, Unit::Document(found))),
            _ => modules
                .entry(normalize(&module_dir(&found.path)))
                .or_default()
                .push(found),
        }
    }

    // Follow module calls: called directories outside the scan get ids after the scanned files.
    let mut next_id = u32::try_from(files_found).unwrap_or(u32::MAX);
    let mut outside: BTreeMap<PathBuf, Vec<FoundFile>> = BTreeMap::new();
    let mut calls: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    let mut queue: Vec<PathBuf> = modules.keys().rev().cloned().collect();
    let mut visited: BTreeSet<PathBuf> = BTreeSet::new();
    while let Some(dir) = queue.pop() {
        if visited.len() >= MAX_MODULE_DIRS || !visited.insert(dir.clone()) {
            continue;
        }
        let files = modules.get(&dir).or_else(|| outside.get(&dir));
        let called = module_calls(&dir, files.map_or(&[][..], |f| &f[..]));
        for callee in called {
            if !modules.contains_key(&callee) && !outside.contains_key(&callee) {
                let found: Vec<FoundFile> = list_module_files(&callee)
                    .into_iter()
                    .map(|path| {
                        let id = FileId(next_id);
                        next_id = next_id.saturating_add(1);
                        FoundFile {
                            id,
                            path,
                            explicit: false,
                        }
                    })
                    .collect();
                if found.is_empty() {
                    continue;
                }
                outside.insert(callee.clone(), found);
            }
            if callee != dir {
                calls.entry(dir.clone()).or_default().insert(callee.clone());
                queue.push(callee);
            }
        }
    }
    let called: BTreeSet<&PathBuf> = calls.values().flatten().collect();
    let mut roots: Vec<PathBuf> = modules
        .keys()
        .filter(|d| !called.contains(d))
        .cloned()
        .collect();
    // Directories that call each other in a ring, with no caller outside it: the first one
    // (in path order) is the root, so the ring is still evaluated once.
    let mut reached = BTreeSet::new();
    for root in &roots {
        reach(root, &calls, &mut reached);
    }
    for dir in modules.keys() {
        if !reached.contains(dir) {
            roots.push(dir.clone());
            reach(dir, &calls, &mut reached);
        }
    }
    for dir in roots {
        let Some(own) = modules.get(&dir) else {
            continue;
        };
        let Some(first) = own.iter().map(|f| f.id).min() else {
            continue;
        };
        let mut closure = BTreeSet::new();
        reach(&dir, &calls, &mut closure);
        let mut files = own.clone();
        for callee in closure.iter().filter(|d| **d != dir) {
            let theirs = modules.get(callee).or_else(|| outside.get(callee));
            files.extend(theirs.into_iter().flatten().cloned());
        }
        units_by_first_id.push((first, Unit::TerraformModule { dir, files }));
    }
    units_by_first_id.sort_by_key(|(id, _)| *id);
    Discovery {
        units: units_by_first_id.into_iter().map(|(_, u)| u).collect(),
        var_files: Vec::new(),
        errors: Vec::new(),
        files_found: files_found + outside.values().map(Vec::len).sum::<usize>(),
    }
}

/// Every directory reachable from `from` through module calls (including `from`).
fn reach(from: &Path, calls: &BTreeMap<PathBuf, BTreeSet<PathBuf>>, seen: &mut BTreeSet<PathBuf>) {
    let mut stack = vec![from.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if !seen.insert(dir.clone()) {
            continue;
        }
        stack.extend(calls.get(&dir).into_iter().flatten().cloned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(path, "").unwrap();
    }

    /// Every unit file as (id, path relative to `root`, explicit), in id order.
    fn listing(d: &Discovery, root: &Path) -> Vec<(u32, String, bool)> {
        let mut out = Vec::new();
        for unit in &d.units {
            let files = match unit {
                Unit::TerraformModule { files, .. } => files.clone(),
                Unit::Document(f) => vec![f.clone()],
            };
            for f in files {
                let rel = f.path.strip_prefix(root).unwrap_or(&f.path);
                out.push((f.id.0, crate::source::display_path(rel), f.explicit));
            }
        }
        out.sort();
        out
    }

    fn module_dirs(d: &Discovery, root: &Path) -> Vec<String> {
        d.units
            .iter()
            .filter_map(|u| match u {
                Unit::TerraformModule { dir, .. } => Some(crate::source::display_path(
                    dir.strip_prefix(root).unwrap_or(dir),
                )),
                Unit::Document(_) => None,
            })
            .collect()
    }

    #[test]
    fn classifies_groups_and_numbers_in_path_order() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for f in [
            "b/main.tf",
            "b/vars.tf.json",
            "b/terraform.tfvars",
            "b/prod.auto.tfvars",
            "b/prod.tfvars",
            "a/template.yaml",
            "a/stack.template",
            "a/cfn.yml",
            "a/plan.json",
            "a/README.md",
            "vars-only/terraform.tfvars",
            ".github/workflows/ci.yml",
            "b/.hidden.tf",
        ] {
            touch(root, f);
        }
        let d = discover(&[root.to_path_buf()], &[], true).unwrap();
        assert_eq!(
            listing(&d, root),
            vec![
                (0, ".github/workflows/ci.yml".into(), false),
                (1, "a/cfn.yml".into(), false),
                (2, "a/plan.json".into(), false),
                (3, "a/stack.template".into(), false),
                (4, "a/template.yaml".into(), false),
                (5, "b/main.tf".into(), false),
                (6, "b/prod.auto.tfvars".into(), false),
                (7, "b/terraform.tfvars".into(), false),
                (8, "b/vars.tf.json".into(), false),
            ]
        );
        assert_eq!(module_dirs(&d, root), vec!["b"]);
        assert_eq!(d.units.len(), 6);
        assert_eq!(d.files_found, 9);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
    }

    #[test]
    fn skips_cache_dirs_and_honours_gitignore_outside_git() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for f in [
            "main.tf",
            "node_modules/pkg/package.json",
            ".terraform/modules/x/main.tf",
            ".git/config.json",
            "generated/out.tf",
            "scratch.yaml",
        ] {
            touch(root, f);
        }
        fs::write(root.join(".gitignore"), "generated/\n").unwrap();
        fs::write(root.join(".ignore"), "scratch.yaml\n").unwrap();

        let d = discover(&[root.to_path_buf()], &[], true).unwrap();
        assert_eq!(listing(&d, root), vec![(0, "main.tf".into(), false)]);

        let d = discover(&[root.to_path_buf()], &[], false).unwrap();
        assert_eq!(
            listing(&d, root),
            vec![
                (0, "generated/out.tf".into(), false),
                (1, "main.tf".into(), false),
                (2, "scratch.yaml".into(), false),
            ]
        );
        assert_eq!(module_dirs(&d, root), vec!["generated", ""]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_one_error_and_the_walk_goes_on() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        touch(root, "a/main.tf");
        std::os::unix::fs::symlink("..", root.join("a/loop")).unwrap();
        std::os::unix::fs::symlink("missing.tf", root.join("a/dangling.tf")).unwrap();
        std::os::unix::fs::symlink("missing.md", root.join("a/dangling.md")).unwrap();

        let d = discover(&[root.to_path_buf()], &[], true).unwrap();
        assert_eq!(listing(&d, root), vec![(0, "a/main.tf".into(), false)]);
        let errors: Vec<_> = d
            .errors
            .iter()
            .map(|e| {
                let rel = e.path.strip_prefix(root).unwrap_or(&e.path);
                (crate::source::display_path(rel), e.message.clone())
            })
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].0, "a/dangling.tf");
        assert_eq!(errors[0].1, "broken symbolic link");
        assert_eq!(errors[1].0, "a/loop");
        assert!(
            errors[1].1.starts_with("symbolic link loop"),
            "{}",
            errors[1].1
        );
    }

    #[test]
    fn explicit_files_missing_paths_and_overlaps() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        touch(root, "infra/main.tf");
        touch(root, "infra/net.tf");
        touch(root, "cfn/api.yaml");
        touch(root, "notes.txt");
        touch(root, "prod.tfvars");
        let paths = [
            root.join("infra"),
            root.join("infra/main.tf"),
            root.join("cfn/api.yaml"),
            root.join("nope"),
            root.join("notes.txt"),
            root.join("prod.tfvars"),
        ];
        let d = discover(
            &paths,
            &[root.join("prod.tfvars"), root.join("gone.tfvars")],
            true,
        )
        .unwrap();
        assert_eq!(
            listing(&d, root),
            vec![
                (0, "cfn/api.yaml".into(), true),
                (1, "infra/main.tf".into(), true),
                (2, "infra/net.tf".into(), false),
            ]
        );
        assert_eq!(d.files_found, 3);
        assert_eq!(
            d.var_files,
            vec![FoundFile {
                id: FileId(3),
                path: root.join("prod.tfvars"),
                explicit: true
            }]
        );
        let errors: Vec<_> = d
            .errors
            .iter()
            .map(|e| {
                let rel = e.path.strip_prefix(root).unwrap_or(&e.path);
                (crate::source::display_path(rel), e.message.as_str())
            })
            .collect();
        assert_eq!(
            errors,
            vec![
                ("nope".to_string(), "no such file or directory"),
                (
                    "notes.txt".to_string(),
                    "not a file privlint checks (expected .tf, .tf.json, .json, .yaml, .yml or \
                     .template)"
                ),
                (
                    "prod.tfvars".to_string(),
                    "a variable file without .tf files beside it: pass it with --var-file"
                ),
                ("gone.tfvars".to_string(), "no such file or directory"),
            ]
        );
    }

    #[test]
    fn called_module_dirs_join_their_caller_and_outside_dirs_get_ids() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write(
            "scan/app/main.tf",
            "module \"net\" {\n  source = \"../net\"\n}\n",
        );
        write(
            "scan/net/main.tf",
            "module \"sub\" {\n  source = \"../../shared/sub\"\n}\n",
        );
        write("scan/net/terraform.tfvars", "");
        write("shared/sub/b.tf", "");
        write("shared/sub/a.tf.json", "{}");
        write(
            "scan/json/main.tf.json",
            r#"{"module": {"x": {"source": "./inner"}}}"#,
        );
        write("scan/json/inner/main.tf", "");
        write(
            "scan/ring/a/main.tf",
            "module \"b\" {\n  source = \"../b\"\n}\n",
        );
        write(
            "scan/ring/b/main.tf",
            "module \"a\" {\n  source = \"../a\"\n}\n",
        );
        let d = discover(&[root.join("scan")], &[], true).unwrap();
        let units: Vec<(String, Vec<(u32, String)>)> = d
            .units
            .iter()
            .filter_map(|u| match u {
                Unit::TerraformModule { dir, files } => Some((
                    crate::source::display_path(dir.strip_prefix(root).unwrap()),
                    files
                        .iter()
                        .map(|f| {
                            let rel = f.path.strip_prefix(root).unwrap();
                            (f.id.0, crate::source::display_path(rel))
                        })
                        .collect(),
                )),
                Unit::Document(_) => None,
            })
            .collect();
        let unit = |dir: &str| units.iter().find(|(d, _)| d == dir).map(|(_, f)| f.clone());
        assert_eq!(
            unit("scan/app").unwrap(),
            vec![
                (0, "scan/app/main.tf".to_string()),
                (3, "scan/net/main.tf".to_string()),
                (4, "scan/net/terraform.tfvars".to_string()),
                (7, "shared/sub/a.tf.json".to_string()),
                (8, "shared/sub/b.tf".to_string()),
            ]
        );
        assert!(unit("scan/net").is_none());
        assert!(unit("scan/json/inner").is_none());
        assert_eq!(unit("scan/json").unwrap().len(), 2);
        // A ring with no caller outside it: its first directory is the root.
        assert_eq!(unit("scan/ring/a").unwrap().len(), 2);
        assert!(unit("scan/ring/b").is_none());
        assert_eq!(d.files_found, 9);
    }

    #[test]
    fn normalize_folds_dots() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("./../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
        assert!(
            is_local_source("./net")
                && is_local_source("../x")
                && !is_local_source("hashicorp/x/aws")
        );
    }

    #[test]
    fn tidy_strips_only_a_leading_current_dir() {
        assert_eq!(tidy(Path::new("./x.tf")), PathBuf::from("x.tf"));
        assert_eq!(tidy(Path::new("./a/./b.tf")), PathBuf::from("a/b.tf"));
        assert_eq!(tidy(Path::new(".")), PathBuf::from("."));
        assert_eq!(tidy(Path::new("../x.tf")), PathBuf::from("../x.tf"));
        assert_eq!(
            tidy(Path::new("examples/main.tf")),
            PathBuf::from("examples/main.tf")
        );
        assert_eq!(module_dir(Path::new("x.tf")), PathBuf::from("."));
    }
}
