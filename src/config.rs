//! What a check run is asked to do. Built from flags (and, later, `privlint.toml`); no clap here.

use std::path::PathBuf;

use crate::finding::Severity;

/// Lowest severity that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "never" => Some(FailOn::Never),
            other => Severity::parse(other).map(FailOn::Severity),
        }
    }

    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Severity(min) => severity >= min,
            FailOn::Never => false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub paths: Vec<PathBuf>,
    /// Rule ids to run; `None` runs the rules that are on by default. `ALL` selects every rule.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub fail_on: FailOn,
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, in order given.
    pub vars: Vec<(String, String)>,
    /// Honour `.gitignore` / `.ignore` files while walking.
    pub respect_ignore_files: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            paths: vec![PathBuf::from(".")],
            select: None,
            ignore: Vec::new(),
            fail_on: FailOn::Severity(Severity::Warning),
            var_files: Vec::new(),
            vars: Vec::new(),
            respect_ignore_files: true,
        }
    }
}
