//! File discovery (SPEC §1): walk the paths, classify files, group Terraform per module
//! directory.

use std::path::{Path, PathBuf};

use super::{FoundFile, LoadError};
use crate::UsageError;

/// A piece of the scan that loads and evaluates on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// All `.tf`, `.tf.json`, `terraform.tfvars` and `*.auto.tfvars` files of one directory.
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

pub fn discover(
    _paths: &[PathBuf],
    _var_files: &[PathBuf],
    _respect_ignore_files: bool,
) -> Result<Discovery, UsageError> {
    Ok(Discovery::default())
}

#[allow(dead_code)]
fn _unused(_: &Path) {}
