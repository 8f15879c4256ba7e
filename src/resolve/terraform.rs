//! Terraform evaluation of one module directory into resolved resources.
//!
//! Files are read and parsed here (each failure is a located error; the other files still
//! count); `eval` turns the parsed bodies into `RawResource`s.

mod eval;
mod module;
#[cfg(test)]
mod tests;
mod values;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::{FoundFile, UnitOutput, hcl, read_text};
use crate::source::SourceFile;

use module::{ParsedFile, Role};

/// Variable values given from outside the module.
#[derive(Debug, Clone, Default)]
pub struct TfInputs {
    pub var_files: Vec<FoundFile>,
    pub vars: Vec<(String, String)>,
}

/// Evaluate one module directory: `files` are its `.tf`, `.tf.json`, `terraform.tfvars` and
/// `*.auto.tfvars` files. The module is treated as a root module, so it also takes `inputs`.
pub fn load_module(files: &[FoundFile], inputs: &TfInputs) -> UnitOutput {
    let mut out = UnitOutput::default();
    let module_dir = module_dir_of(files);
    let mut parsed = Vec::new();
    for file in files {
        out.files_seen += 1;
        let Some(role) = role_of(&file.path) else {
            // `.tf.json` and anything else: seen, content not evaluated yet.
            continue;
        };
        if let Some((hcl, text)) = read_and_parse(file, &mut out) {
            parsed.push(ParsedFile {
                id: file.id,
                role,
                name: file_name(&file.path),
                body: hcl.body,
                renamed_keys: hcl.renamed_keys,
                text,
            });
        }
    }
    for (index, file) in inputs.var_files.iter().enumerate() {
        if file.path.extension().is_some_and(|e| e == "json") {
            // JSON var files come with the `.tf.json` support.
            continue;
        }
        if let Some((hcl, text)) = read_and_parse(file, &mut out) {
            parsed.push(ParsedFile {
                id: file.id,
                role: Role::VarFile(index),
                name: file_name(&file.path),
                body: hcl.body,
                renamed_keys: hcl.renamed_keys,
                text,
            });
        }
    }
    if crate::load::prefilter::skip_module(files, parsed.iter().map(|p| &*p.text)) {
        return out;
    }
    out.resources = eval::evaluate(&parsed, &module_dir, &inputs.vars);
    out
}

/// The directory Terraform calls `path.module`; "." when the files have no parent.
fn module_dir_of(files: &[FoundFile]) -> PathBuf {
    match files.first().and_then(|f| f.path.parent()) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What a module file contributes, from its name; `None` for files not evaluated here.
fn role_of(path: &Path) -> Option<Role> {
    let name = file_name(path);
    if name.ends_with(".tf.json") || name.ends_with(".json") {
        None
    } else if name.ends_with(".tf") {
        Some(Role::Config)
    } else if name == "terraform.tfvars" {
        Some(Role::Tfvars)
    } else if name.ends_with(".auto.tfvars") {
        Some(Role::AutoTfvars)
    } else {
        None
    }
}

/// Read and parse one file, recording its text (for reporters) and any error.
fn read_and_parse(file: &FoundFile, out: &mut UnitOutput) -> Option<(hcl::ParsedHcl, Arc<str>)> {
    let text = match read_text(&file.path) {
        Ok(text) => text,
        Err(e) => {
            out.errors.push(e);
            return None;
        }
    };
    let parsed = hcl::parse_body(&file.path, &text);
    let source = SourceFile::new(file.id, file.path.clone(), text);
    let text = source.text.clone();
    out.files.push(source);
    match parsed {
        Ok(hcl) => Some((hcl, text)),
        Err(e) => {
            out.errors.push(e);
            None
        }
    }
}
