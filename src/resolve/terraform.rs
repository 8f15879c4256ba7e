//! Terraform evaluation of one module directory into resolved resources.
//!
//! Files are read and parsed here (each failure is a located error; the other files still
//! count); `eval` turns the parsed bodies into `RawResource`s.

mod eval;
mod exprs;
mod module;
#[cfg(test)]
mod tests;
mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::discover::{module_dir, normalize};
use crate::load::{FoundFile, UnitOutput, hcl, read_text};
use crate::source::SourceFile;

use module::{ParsedFile, Role};

/// Variable values given from outside the module.
#[derive(Debug, Clone, Default)]
pub struct TfInputs {
    pub var_files: Vec<FoundFile>,
    pub vars: Vec<(String, String)>,
    /// `TF_VAR_name` environment variables, as (name without the prefix, value). Read once
    /// by the caller so that evaluation never looks at the process environment.
    pub env_vars: Vec<(String, String)>,
    /// Skip evaluating a module whose text mentions nothing the rules read
    /// (`load::prefilter`). Off by default so that evaluation tests see every resource.
    pub prefilter: bool,
}

impl TfInputs {
    /// The `TF_VAR_*` variables of an environment listing (e.g. `std::env::vars()`).
    pub fn env_vars_from(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = vars
            .into_iter()
            .filter_map(|(k, v)| {
                let name = k.strip_prefix("TF_VAR_")?;
                (!name.is_empty()).then(|| (name.to_string(), v))
            })
            .collect();
        found.sort();
        found
    }
}

/// Where `terraform init` records downloaded modules, relative to the root module.
const MODULES_JSON: &str = ".terraform/modules/modules.json";

/// Evaluate one root module: `root` is its directory, `files` its `.tf`, `.tf.json`,
/// `terraform.tfvars` and `*.auto.tfvars` files plus the `.tf` / `.tf.json` files of every
/// module directory it calls (discovery found those). It also takes `inputs`.
pub fn load_module(root: &Path, files: &[FoundFile], inputs: &TfInputs) -> UnitOutput {
    let mut out = UnitOutput::default();
    let root_dir = normalize(root);
    let mut parsed = Vec::new();
    for file in files {
        out.files_seen += 1;
        let dir = normalize(&module_dir(&file.path));
        if file_name(&file.path).ends_with(".tf.json") {
            if let Some((json, text)) = read_and_parse_json(file, &mut out) {
                parsed.push(ParsedFile {
                    id: file.id,
                    dir,
                    role: Role::Config,
                    name: file_name(&file.path),
                    body: hcl_edit::structure::Body::new(),
                    json: Some(json),
                    renamed_keys: Default::default(),
                    text,
                });
            }
            continue;
        }
        let Some(role) = role_of(&file.path) else {
            continue;
        };
        // Variable files count only beside the root module.
        if role != Role::Config && dir != root_dir {
            continue;
        }
        if let Some((hcl, text)) = read_and_parse(file, &mut out) {
            parsed.push(ParsedFile {
                id: file.id,
                dir,
                role,
                name: file_name(&file.path),
                body: hcl.body,
                json: None,
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
                dir: root_dir.clone(),
                role: Role::VarFile(index),
                name: file_name(&file.path),
                body: hcl.body,
                json: None,
                renamed_keys: hcl.renamed_keys,
                text,
            });
        }
    }
    if inputs.prefilter
        && crate::load::prefilter::skip_module(files, parsed.iter().map(|p| &*p.text))
    {
        return out;
    }
    let downloaded = downloaded_modules(&root_dir);
    out.resources = eval::evaluate(
        &parsed,
        &root_dir,
        downloaded,
        &inputs.env_vars,
        &inputs.vars,
    );
    out
}

/// `.terraform/modules/modules.json` of a root module: module key -> directory (as reached
/// from the scan). Missing or unreadable: no downloaded modules (their outputs are Unknown).
pub fn downloaded_modules(root_dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let path = root_dir.join(MODULES_JSON);
    let Ok(text) = read_text(&path) else {
        return found;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return found;
    };
    let Some(modules) = json.get("Modules").and_then(|m| m.as_array()) else {
        return found;
    };
    for module in modules {
        let (Some(key), Some(dir)) = (
            module.get("Key").and_then(|k| k.as_str()),
            module.get("Dir").and_then(|d| d.as_str()),
        ) else {
            continue;
        };
        // The root module itself is listed with an empty key.
        if key.is_empty() || Path::new(dir).is_absolute() {
            continue;
        }
        found.insert(key.to_string(), normalize(&root_dir.join(dir)));
    }
    found
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

/// Read and parse one `.tf.json` file. It must be JSON (errors located as JSON errors); its
/// object is then read as the HCL object expression it also is, which keeps byte spans and
/// makes its strings templates, as in Terraform.
fn read_and_parse_json(
    file: &FoundFile,
    out: &mut UnitOutput,
) -> Option<(hcl_edit::expr::Expression, Arc<str>)> {
    let text = match read_text(&file.path) {
        Ok(text) => text,
        Err(e) => {
            out.errors.push(e);
            return None;
        }
    };
    let source = SourceFile::new(file.id, file.path.clone(), text);
    let text = source.text.clone();
    out.files.push(source);
    if let Err(e) = crate::load::cfn_json::parse_json(&text, file.id) {
        out.errors.push(e.to_load_error(&file.path, &text));
        return None;
    }
    // The expression parser accepts no trailing whitespace; trimming the end keeps offsets.
    match hcl::parse_expr(text.trim_end()) {
        Some(expr @ hcl_edit::expr::Expression::Object(_)) => Some((expr, text)),
        _ => {
            out.errors.push(crate::load::LoadError::new(
                &file.path,
                "a .tf.json file must hold one JSON object that Terraform can read",
            ));
            None
        }
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
