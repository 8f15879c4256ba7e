//! privlint: checks private Amazon API Gateway setups in Terraform and CloudFormation.
//!
//! ```text
//! paths --discover--> [Unit] --(rayon) load -> resolve -> build Model -> rules--> [Finding]
//!       --collect, sort--> Outcome --report--> output; Outcome -> exit code
//! ```

pub mod config;
pub mod finding;
pub mod load;
pub mod model;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod source;
pub mod suppress;

use std::time::{Duration, Instant};

use rayon::prelude::*;

use config::Config;
use finding::Finding;
use load::LoadError;
use load::discover::{Discovery, Unit};
use rules::{Findings, Rule};
use source::SourceFile;

/// Everything a check run found, ready for any reporter.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Files read, indexed by `FileId` order (`file(id)` looks one up).
    pub files: Vec<SourceFile>,
    pub findings: Vec<Finding>,
    pub errors: Vec<LoadError>,
    /// Suppressions that work but need attention (no reason, unknown rule id).
    pub warnings: Vec<suppress::Warning>,
    /// Files discovered and looked at.
    pub files_scanned: usize,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn file(&self, id: source::FileId) -> Option<&SourceFile> {
        self.files
            .binary_search_by_key(&id, |f| f.id)
            .ok()
            .and_then(|i| self.files.get(i))
    }

    /// Exit code of SPEC §1: 2 on any read/parse error, else 1 when a finding reaches `fail_on`.
    pub fn exit_code(&self, fail_on: config::FailOn) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if self.findings.iter().any(|f| fail_on.fails(f.severity)) {
            1
        } else {
            0
        }
    }
}

/// A request that cannot run at all (unknown rule id, missing path, ...): exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The rules a configuration turns on.
pub fn enabled_rules(config: &Config) -> Result<Vec<&'static dyn Rule>, UsageError> {
    let known = |id: &str| -> Result<(), UsageError> {
        if id.eq_ignore_ascii_case("ALL") || rules::registry::find(id).is_some() {
            Ok(())
        } else {
            Err(UsageError(format!(
                "unknown rule id `{id}` (see `privlint rules`)"
            )))
        }
    };
    for id in config.select.iter().flatten().chain(&config.ignore) {
        known(id)?;
    }
    let selected = |rule: &dyn Rule| match &config.select {
        None => rule.meta().default_on,
        Some(ids) => ids
            .iter()
            .any(|id| id.eq_ignore_ascii_case("ALL") || id.eq_ignore_ascii_case(rule.meta().id)),
    };
    let ignored = |rule: &dyn Rule| {
        config
            .ignore
            .iter()
            .any(|id| id.eq_ignore_ascii_case("ALL") || id.eq_ignore_ascii_case(rule.meta().id))
    };
    Ok(rules::registry::RULES
        .iter()
        .copied()
        .filter(|r| selected(*r) && !ignored(*r))
        .collect())
}

/// Run a check: discover, load and evaluate every unit in parallel, run the rules.
pub fn check(config: &Config) -> Result<Outcome, UsageError> {
    let started = Instant::now();
    let rules = enabled_rules(config)?;
    let Discovery {
        mut units,
        var_files,
        errors: discovery_errors,
        mut files_found,
    } = load::discover::discover(
        &config.paths,
        &config.var_files,
        config.respect_ignore_files,
    )?;
    files_found = files_found.saturating_sub(exclude_files(config, &mut units)?);
    let inputs = resolve::terraform::TfInputs {
        var_files,
        vars: config.vars.clone(),
        env_vars: resolve::terraform::TfInputs::env_vars_from(std::env::vars()),
        prefilter: true,
    };

    let per_unit: Vec<(load::UnitOutput, Vec<Finding>, Vec<suppress::Seen>)> = units
        .par_iter()
        .map(|unit| {
            let output = load_unit(unit, &inputs);
            let model = model::build::build(&output.resources);
            let mut findings = Findings::default();
            for rule in &rules {
                rule.check(&model, &mut findings);
            }
            let (findings, seen) = if config.inline_ignores {
                suppress::apply(&output.files, &output.resources, findings.items)
            } else {
                (findings.items, Vec::new())
            };
            (output, findings, seen)
        })
        .collect();

    let mut outcome = Outcome {
        errors: discovery_errors,
        files_scanned: files_found,
        ..Outcome::default()
    };
    let mut seen = Vec::new();
    for (output, findings, unit_seen) in per_unit {
        outcome.files.extend(output.files);
        outcome.errors.extend(output.errors);
        outcome.findings.extend(findings);
        seen.extend(unit_seen);
    }
    let enabled: Vec<&str> = rules.iter().map(|r| r.meta().id).collect();
    let (warnings, unused) = suppress::finish(seen, &enabled, config.report_unused_ignores);
    outcome.warnings = warnings;
    outcome.findings.extend(unused);
    for finding in &mut outcome.findings {
        if let Some((_, severity)) = config
            .severity
            .iter()
            .find(|(id, _)| id.eq_ignore_ascii_case(finding.rule))
        {
            finding.severity = *severity;
        }
    }
    outcome.files.sort_by_key(|f| f.id);
    outcome.files.dedup_by_key(|f| f.id);
    let findings = std::mem::take(&mut outcome.findings);
    let mut keyed: Vec<_> = findings
        .into_iter()
        .map(|f| {
            let at = outcome
                .file(f.span.file)
                .map(|file| (file.display_path(), file.position(f.span.start)));
            (at, f)
        })
        .collect();
    keyed.sort_by(|(pa, a), (pb, b)| {
        pa.cmp(pb)
            .then_with(|| a.rule.cmp(b.rule))
            .then_with(|| a.resource.cmp(&b.resource))
    });
    keyed.dedup_by(|(pa, a), (pb, b)| {
        pa == pb && a.rule == b.rule && a.resource == b.resource && a.message == b.message
    });
    outcome.findings = keyed.into_iter().map(|(_, f)| f).collect();
    outcome
        .errors
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    // A --var-file is read by every module: report its error once.
    outcome.errors.dedup();
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

/// Drop the files that `exclude` globs match (files named on the command line stay), and units
/// left empty. Returns how many files were dropped. Applied here rather than in discovery, so
/// that discovery stays a plain walk.
fn exclude_files(config: &Config, units: &mut Vec<Unit>) -> Result<usize, UsageError> {
    let Some(excluded) = config::ExcludeSet::new(&config.exclude, config.exclude_base.as_deref())
        .map_err(UsageError)?
    else {
        return Ok(0);
    };
    let drop = |file: &load::FoundFile| !file.explicit && excluded.is_excluded(&file.path);
    let mut dropped = 0;
    units.retain_mut(|unit| match unit {
        Unit::TerraformModule { files, .. } => {
            let before = files.len();
            files.retain(|f| !drop(f));
            dropped += before - files.len();
            !files.is_empty()
        }
        Unit::Document(file) => {
            let keep = !drop(file);
            dropped += usize::from(!keep);
            keep
        }
    });
    Ok(dropped)
}

fn load_unit(unit: &Unit, inputs: &resolve::terraform::TfInputs) -> load::UnitOutput {
    match unit {
        Unit::TerraformModule { dir, files } => resolve::terraform::load_module(dir, files, inputs),
        Unit::Document(file) => load::document::load_document(file),
    }
}
