//! What a check run is asked to do. Built from flags and `privlint.toml`; no clap here.
//!
//! The file (SPEC §5) is read with `toml`'s span-keeping `DeTable`, so that every unknown key,
//! unknown rule id and bad value is reported at its line and column.

use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::finding::Severity;
use crate::source::{LineIndex, display_path};

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
    /// Globs of files not to check (`exclude` of privlint.toml). Files named on the command
    /// line are checked all the same.
    pub exclude: Vec<String>,
    /// Directory the `exclude` globs are relative to (the config file's); `None`: only the
    /// paths as reported are matched.
    pub exclude_base: Option<PathBuf>,
    /// `[severity]` overrides: rule id -> severity, applied to findings after the rules ran.
    pub severity: Vec<(String, Severity)>,
    /// Honour `# privlint:ignore` comments and CloudFormation `Metadata.privlint.ignore`.
    pub inline_ignores: bool,
    /// Report suppressions that suppressed nothing as `unused-ignore` findings.
    pub report_unused_ignores: bool,
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
            exclude: Vec::new(),
            exclude_base: None,
            severity: Vec::new(),
            inline_ignores: true,
            report_unused_ignores: false,
        }
    }
}

/// Names looked up in each directory, in this order.
pub const CONFIG_FILE_NAMES: &[&str] = &["privlint.toml", ".privlint.toml"];

/// Find the configuration file for a run started in `start`: the first `privlint.toml` or
/// `.privlint.toml` in `start` or a parent, not looking above the repository root (the first
/// directory holding `.git`). The path is `start` joined with `..` steps, so that a relative
/// `start` gives a relative path (the one shown in messages).
pub fn find_config_file(start: &Path) -> Option<PathBuf> {
    for (depth, dir) in absolute(start).ancestors().enumerate() {
        for name in CONFIG_FILE_NAMES {
            if dir.join(name).is_file() {
                let mut found = start.to_path_buf();
                for _ in 0..depth {
                    found.push("..");
                }
                found.push(name);
                return Some(found);
            }
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// The settings a configuration file holds; `None` / empty where the file is silent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileConfig {
    pub path: PathBuf,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub fail_on: Option<FailOn>,
    pub exclude: Vec<String>,
    /// Relative to the config file's directory, already joined.
    pub var_files: Option<Vec<PathBuf>>,
    pub severity: Vec<(String, Severity)>,
}

impl FileConfig {
    /// The directory that relative paths of the file are taken from.
    pub fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Fill the settings that no flag set. `flags` holds what the command line gave.
    pub fn apply_to(&self, config: &mut Config, flags: &FlagsGiven) {
        if !flags.select {
            config.select = self.select.clone();
        }
        if !flags.ignore {
            config.ignore = self.ignore.clone().unwrap_or_default();
        }
        if let (false, Some(fail_on)) = (flags.fail_on, self.fail_on) {
            config.fail_on = fail_on;
        }
        if let (false, Some(files)) = (flags.var_files, &self.var_files) {
            config.var_files = files.clone();
        }
        config.exclude = self.exclude.clone();
        config.exclude_base = Some(self.dir());
        config.severity = self.severity.clone();
    }
}

/// Which settings the command line gave explicitly (those win over the file).
#[derive(Debug, Clone, Copy, Default)]
pub struct FlagsGiven {
    pub select: bool,
    pub ignore: bool,
    pub fail_on: bool,
    pub var_files: bool,
}

/// A configuration file that cannot be used, located in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", display_path(&self.path))?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Read and check a configuration file.
pub fn load_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = crate::load::read_text(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    parse_file(path, &text)
}

/// Check the text of a configuration file read from `path`.
pub fn parse_file(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    let lines = LineIndex::new(text);
    let error_at = |span: std::ops::Range<usize>, message: String| {
        let at = lines.position(text, span.start);
        ConfigError {
            path: path.to_path_buf(),
            line: Some(at.line),
            column: Some(at.column),
            message,
        }
    };
    let table = DeTable::parse(text).map_err(|e| match e.span() {
        Some(span) => error_at(span, format!("invalid TOML: {}", e.message().trim())),
        None => ConfigError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message: format!("invalid TOML: {}", e.message().trim()),
        },
    })?;
    let mut config = FileConfig {
        path: path.to_path_buf(),
        ..FileConfig::default()
    };
    // Report the first problem in reading order, whatever order the map keeps.
    let mut entries: Vec<_> = table.get_ref().iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in entries {
        match key.get_ref().as_ref() {
            "select" => config.select = Some(rule_ids(value, &error_at)?),
            "ignore" => config.ignore = Some(rule_ids(value, &error_at)?),
            "fail-on" => {
                let text = string(value, &error_at)?;
                config.fail_on = Some(FailOn::parse(text).ok_or_else(|| {
                    error_at(value.span(), format!(
                        "`fail-on` must be \"error\", \"warning\", \"info\" or \"never\", not \"{text}\""
                    ))
                })?);
            }
            "exclude" => {
                let globs = strings(value, &error_at)?;
                for (glob, span) in &globs {
                    if let Err(e) = globset::Glob::new(glob) {
                        return Err(error_at(span.clone(), format!("bad glob \"{glob}\": {e}")));
                    }
                }
                config.exclude = globs.into_iter().map(|(g, _)| g).collect();
            }
            "var-files" => {
                let dir = config.dir();
                config.var_files = Some(
                    strings(value, &error_at)?
                        .into_iter()
                        .map(|(file, _)| dir.join(file))
                        .collect(),
                );
            }
            "severity" => {
                let DeValue::Table(overrides) = value.get_ref() else {
                    return Err(error_at(
                        value.span(),
                        "`severity` must be a table: [severity]".into(),
                    ));
                };
                let mut overrides: Vec<_> = overrides.iter().collect();
                overrides.sort_by_key(|(id, _)| id.span().start);
                for (id, level) in overrides {
                    let id_text = id.get_ref().as_ref();
                    let Some(rule) = crate::rules::registry::find(id_text) else {
                        return Err(error_at(
                            id.span(),
                            format!("unknown rule id `{id_text}` (see `privlint rules`)"),
                        ));
                    };
                    let name = string(level, &error_at)?;
                    let severity = Severity::parse(name).ok_or_else(|| {
                        error_at(level.span(), format!(
                            "severity must be \"error\", \"warning\" or \"info\", not \"{name}\""
                        ))
                    })?;
                    config.severity.push((rule.meta().id.to_string(), severity));
                }
            }
            other => {
                return Err(error_at(
                    key.span(),
                    format!(
                        "unknown key `{other}` (known: select, ignore, fail-on, exclude, \
                         var-files, severity)"
                    ),
                ));
            }
        }
    }
    Ok(config)
}

type Value<'i> = Spanned<DeValue<'i>>;
type Span = std::ops::Range<usize>;
type ErrorAt<'a> = &'a dyn Fn(Span, String) -> ConfigError;

fn string<'v>(value: &'v Value<'_>, error_at: ErrorAt<'_>) -> Result<&'v str, ConfigError> {
    match value.get_ref() {
        DeValue::String(s) => Ok(s.as_ref()),
        _ => Err(error_at(value.span(), "expected a string".into())),
    }
}

/// A list of strings, each with its span.
fn strings(value: &Value<'_>, error_at: ErrorAt<'_>) -> Result<Vec<(String, Span)>, ConfigError> {
    let DeValue::Array(items) = value.get_ref() else {
        return Err(error_at(value.span(), "expected a list of strings".into()));
    };
    items
        .iter()
        .map(|item| match item.get_ref() {
            DeValue::String(s) => Ok((s.to_string(), item.span())),
            _ => Err(error_at(item.span(), "expected a string".into())),
        })
        .collect()
}

/// A list of rule ids (or `ALL`), each checked against the registry.
fn rule_ids(value: &Value<'_>, error_at: ErrorAt<'_>) -> Result<Vec<String>, ConfigError> {
    let mut out = Vec::new();
    for (id, span) in strings(value, error_at)? {
        if !id.eq_ignore_ascii_case("ALL") && crate::rules::registry::find(&id).is_none() {
            return Err(error_at(
                span,
                format!("unknown rule id `{id}` (see `privlint rules`)"),
            ));
        }
        out.push(id);
    }
    Ok(out)
}

/// The `exclude` globs, compiled. A file is excluded when a glob matches its path as reported
/// (`infra/legacy/a.tf`), its path relative to the config file's directory, or a parent
/// directory of either (so `legacy` and `legacy/**` both exclude `legacy/a.tf`).
#[derive(Debug, Clone)]
pub struct ExcludeSet {
    globs: globset::GlobSet,
    base: Option<PathBuf>,
}

impl ExcludeSet {
    /// `None` when there is nothing to exclude.
    pub fn new(patterns: &[String], base: Option<&Path>) -> Result<Option<ExcludeSet>, String> {
        if patterns.is_empty() {
            return Ok(None);
        }
        let mut builder = globset::GlobSetBuilder::new();
        for pattern in patterns {
            let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
            let pattern = pattern.trim_end_matches('/');
            let glob = globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("bad exclude glob \"{pattern}\": {e}"))?;
            builder.add(glob);
        }
        let globs = builder
            .build()
            .map_err(|e| format!("bad exclude globs: {e}"))?;
        Ok(Some(ExcludeSet {
            globs,
            base: base.map(absolute),
        }))
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        let mut candidates = vec![display_path(path)];
        if let Some(base) = &self.base
            && let Ok(relative) = absolute(path).strip_prefix(base)
        {
            candidates.push(display_path(relative));
        }
        candidates.iter().any(|candidate| {
            let mut prefix = candidate.as_str();
            loop {
                if !prefix.is_empty() && self.globs.is_match(prefix) {
                    return true;
                }
                match prefix.rfind('/') {
                    Some(cut) => prefix = prefix.get(..cut).unwrap_or(""),
                    None => return false,
                }
            }
        })
    }
}

/// An absolute path with `.` and `..` folded away lexically (`std::path::absolute` keeps `..`),
/// so that `./../legacy/a.tf` and `/repo/legacy/a.tf` compare equal.
fn absolute(path: &Path) -> PathBuf {
    use std::path::Component;
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in full.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileConfig, String> {
        parse_file(Path::new("conf/privlint.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_every_key_of_the_spec() {
        let config = parse(
            "select = [\"ALL\"]\nignore = [\"PRV003\"]\nfail-on = \"error\"\n\
             exclude = [\"legacy/**\"]\nvar-files = [\"env/prod.tfvars\"]\n\
             [severity]\nPRV004 = \"warning\"\n",
        )
        .unwrap();
        assert_eq!(config.select, Some(vec!["ALL".to_string()]));
        assert_eq!(config.ignore, Some(vec!["PRV003".to_string()]));
        assert_eq!(config.fail_on, Some(FailOn::Severity(Severity::Error)));
        assert_eq!(config.exclude, ["legacy/**"]);
        assert_eq!(
            config.var_files,
            Some(vec![PathBuf::from("conf/env/prod.tfvars")])
        );
        assert_eq!(config.severity, [("PRV004".to_string(), Severity::Warning)]);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        assert_eq!(
            parse("fail-on = \"error\"\n  colour = 1\n").unwrap_err(),
            "conf/privlint.toml:2:3: unknown key `colour` (known: select, ignore, fail-on, \
             exclude, var-files, severity)"
        );
        assert_eq!(
            parse("ignore = [\"PRV003\", \"PRV999\"]\n").unwrap_err(),
            "conf/privlint.toml:1:21: unknown rule id `PRV999` (see `privlint rules`)"
        );
        assert_eq!(
            parse("[severity]\nPRV999 = \"error\"\n").unwrap_err(),
            "conf/privlint.toml:2:1: unknown rule id `PRV999` (see `privlint rules`)"
        );
        assert_eq!(
            parse("[severity]\nPRV004 = \"fatal\"\n").unwrap_err(),
            "conf/privlint.toml:2:10: severity must be \"error\", \"warning\" or \"info\", not \
             \"fatal\""
        );
        assert_eq!(
            parse("fail-on = \"sometimes\"").unwrap_err(),
            "conf/privlint.toml:1:11: `fail-on` must be \"error\", \"warning\", \"info\" or \
             \"never\", not \"sometimes\""
        );
        assert_eq!(
            parse("select = \"PRV001\"").unwrap_err(),
            "conf/privlint.toml:1:10: expected a list of strings"
        );
        assert_eq!(
            parse("exclude = [\"a/[\"]")
                .unwrap_err()
                .split(':')
                .take(3)
                .collect::<Vec<_>>(),
            ["conf/privlint.toml", "1", "12"]
        );
        let invalid = parse("select = [").unwrap_err();
        assert!(invalid.starts_with("conf/privlint.toml:1:"), "{invalid}");
    }

    #[test]
    fn flags_win_over_the_file() {
        let file = parse("select = [\"PRV001\"]\nfail-on = \"never\"\nvar-files = [\"a.tfvars\"]")
            .unwrap();
        let mut config = Config {
            fail_on: FailOn::Severity(Severity::Error),
            ..Config::default()
        };
        let flags = FlagsGiven {
            fail_on: true,
            ..FlagsGiven::default()
        };
        file.apply_to(&mut config, &flags);
        assert_eq!(config.select, Some(vec!["PRV001".to_string()]));
        assert_eq!(config.fail_on, FailOn::Severity(Severity::Error));
        assert_eq!(config.var_files, [PathBuf::from("conf/a.tfvars")]);
        assert_eq!(config.exclude_base, Some(PathBuf::from("conf")));
    }

    #[test]
    fn exclude_matches_reported_and_base_relative_paths_and_parents() {
        let set = ExcludeSet::new(&["legacy/**".into(), "old".into(), "*.bak.tf".into()], None)
            .unwrap()
            .unwrap();
        assert!(set.is_excluded(Path::new("./legacy/a.tf")));
        assert!(set.is_excluded(Path::new("old/x/y.yaml")));
        assert!(set.is_excluded(Path::new("main.bak.tf")));
        assert!(!set.is_excluded(Path::new("sub/main.bak.tf")));
        assert!(!set.is_excluded(Path::new("infra/legacy/a.tf")));
        let tmp = std::env::temp_dir();
        let based = ExcludeSet::new(&["legacy/**".into()], Some(&tmp))
            .unwrap()
            .unwrap();
        assert!(based.is_excluded(&tmp.join("legacy/a.tf")));
        assert!(ExcludeSet::new(&[], None).unwrap().is_none());
    }

    #[test]
    fn config_lookup_stops_at_the_repository_root() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();
        // Above the repository root: never read.
        std::fs::write(tmp.path().join("privlint.toml"), "").unwrap();
        assert_eq!(find_config_file(&deep), None);
        std::fs::write(repo.join(".privlint.toml"), "").unwrap();
        assert_eq!(
            find_config_file(&deep),
            Some(deep.join("../../.privlint.toml"))
        );
        std::fs::write(repo.join("a/privlint.toml"), "").unwrap();
        assert_eq!(find_config_file(&deep), Some(deep.join("../privlint.toml")));
    }
}
