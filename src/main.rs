//! The command line (SPEC §1): clap args -> Config -> privlint::check() -> report -> ExitCode.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use privlint::config::{Config, FailOn, FlagsGiven};
use privlint::finding::Severity;
use privlint::report::human::HumanOptions;
use privlint::rules::registry::RULES;

/// Exit code of a request that cannot run (bad flag value, unknown rule id, unwritable output).
const USAGE_EXIT: u8 = 2;

#[derive(Parser)]
#[command(
    name = "privlint",
    version,
    about = "Checks private Amazon API Gateway setups in Terraform and CloudFormation",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check Terraform and CloudFormation files under PATHS.
    Check(CheckArgs),
    /// List the rules: id, name, severity, default on/off, summary.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule id, e.g. PRV004.
        id: String,
    },
}

#[derive(Args)]
struct CheckArgs {
    /// Files and directories to check.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Comma list of rule ids to run (`ALL` for every rule, including off-by-default ones).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Comma list of rule ids not to run.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    ignore: Option<Vec<String>>,
    /// Lowest severity that makes the exit code 1 [default: warning].
    #[arg(long, value_enum)]
    fail_on: Option<FailOnArg>,
    /// A Terraform variable file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// A Terraform variable value (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Configuration file (default: privlint.toml or .privlint.toml in the current directory
    /// or a parent, up to the repository root).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore every suppression: `privlint:ignore` comments and CloudFormation Metadata.
    #[arg(long)]
    no_inline_ignores: bool,
    /// Report suppressions that suppress nothing (as `unused-ignore` warnings).
    #[arg(long)]
    report_unused_ignores: bool,
    /// Do not honour .gitignore / .ignore files.
    #[arg(long)]
    no_ignore: bool,
    /// Findings only, no summary line.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOnArg {
    Error,
    Warning,
    Info,
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(arg: FailOnArg) -> FailOn {
        match arg {
            FailOnArg::Error => FailOn::Severity(Severity::Error),
            FailOnArg::Warning => FailOn::Severity(Severity::Warning),
            FailOnArg::Info => FailOn::Severity(Severity::Info),
            FailOnArg::Never => FailOn::Never,
        }
    }
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { format } => emit(&rules_listing(format), 0),
        Command::Explain { id } => explain(&id),
    }
}

fn usage_error(message: &str) -> ExitCode {
    // Nothing sensible is left to do if stderr is gone too.
    let _ = writeln!(std::io::stderr(), "error: {message}");
    ExitCode::from(USAGE_EXIT)
}

/// Write to stdout; a reader that went away (`| head -1`) ends the run quietly with `code`.
fn emit(text: &str, code: u8) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::from(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(code),
        Err(e) => usage_error(&format!("cannot write the report: {e}")),
    }
}

fn ids(list: Vec<String>) -> Vec<String> {
    list.into_iter()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
        .collect()
}

fn check(args: CheckArgs) -> ExitCode {
    let flags = FlagsGiven {
        select: args.select.is_some(),
        ignore: args.ignore.is_some(),
        fail_on: args.fail_on.is_some(),
        var_files: !args.var_files.is_empty(),
    };
    let mut config = Config {
        paths: args.paths,
        select: args.select.map(ids),
        ignore: args.ignore.map(ids).unwrap_or_default(),
        fail_on: args.fail_on.unwrap_or(FailOnArg::Warning).into(),
        var_files: args.var_files,
        vars: args.vars,
        respect_ignore_files: !args.no_ignore,
        inline_ignores: !args.no_inline_ignores,
        report_unused_ignores: args.report_unused_ignores,
        ..Config::default()
    };
    let config_file = match args.config {
        Some(path) => Some(path),
        None => privlint::config::find_config_file(std::path::Path::new(".")),
    };
    if let Some(path) = config_file {
        match privlint::config::load_file(&path) {
            Ok(file) => file.apply_to(&mut config, &flags),
            Err(e) => return usage_error(&e.to_string()),
        }
    }
    // Open the output first: an unwritable path should fail before the work, not after.
    let mut output_file = match &args.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Some(file),
            Err(e) => return usage_error(&format!("cannot write {}: {e}", path.display())),
        },
        None => None,
    };
    let outcome = match privlint::check(&config) {
        Ok(outcome) => outcome,
        Err(e) => return usage_error(&e.0),
    };
    let code = outcome.exit_code(config.fail_on);
    let report = match args.format {
        Format::Human => privlint::report::human::render(
            &outcome,
            HumanOptions {
                color: output_file.is_none() && use_color(),
                quiet: args.quiet,
            },
        ),
        Format::Json => privlint::report::json::render(&outcome),
        Format::Sarif => privlint::report::sarif::render(&outcome),
        Format::Github => privlint::report::github::render(&outcome),
        Format::Junit => privlint::report::junit::render(&outcome),
    };
    if !matches!(args.format, Format::Human) {
        // Machine formats keep their document clean; suppression warnings go to stderr.
        let _ = std::io::stderr().write_all(privlint::report::warning_lines(&outcome).as_bytes());
    }
    match (&mut output_file, &args.output) {
        (Some(file), Some(path)) => match file.write_all(report.as_bytes()) {
            Ok(()) => ExitCode::from(code),
            Err(e) => usage_error(&format!("cannot write {}: {e}", path.display())),
        },
        _ => emit(&report, code),
    }
}

/// Colour only for a person at a terminal who has not asked for none (no-color.org).
fn use_color() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

#[derive(serde::Serialize)]
struct RuleRow {
    id: &'static str,
    name: &'static str,
    severity: &'static str,
    default_on: bool,
    summary: &'static str,
}

fn rules_listing(format: ListFormat) -> String {
    let rows: Vec<RuleRow> = RULES
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            RuleRow {
                id: meta.id,
                name: meta.name,
                severity: meta.severity.as_str(),
                default_on: meta.default_on,
                summary: meta.summary,
            }
        })
        .collect();
    match format {
        ListFormat::Json => {
            // Plain strings and booleans always serialise.
            let mut out = serde_json::to_string_pretty(&rows).unwrap_or_default();
            out.push('\n');
            out
        }
        ListFormat::Human => {
            let width = |f: fn(&RuleRow) -> &str, title: &str| {
                rows.iter()
                    .map(|r| f(r).chars().count())
                    .chain([title.chars().count()])
                    .max()
                    .unwrap_or(0)
            };
            let id_w = width(|r| r.id, "ID");
            let name_w = width(|r| r.name, "NAME");
            let sev_w = width(|r| r.severity, "SEVERITY");
            let mut out = format!(
                "{:id_w$}  {:name_w$}  {:sev_w$}  {:7}  SUMMARY\n",
                "ID", "NAME", "SEVERITY", "DEFAULT"
            );
            for r in &rows {
                let default = if r.default_on { "on" } else { "off" };
                out.push_str(&format!(
                    "{:id_w$}  {:name_w$}  {:sev_w$}  {:7}  {}\n",
                    r.id, r.name, r.severity, default, r.summary
                ));
            }
            out
        }
    }
}

fn explain(id: &str) -> ExitCode {
    let Some(rule) = privlint::rules::registry::find(id) else {
        return usage_error(&format!("unknown rule id `{id}` (see `privlint rules`)"));
    };
    let meta = rule.meta();
    let mut text = if meta.docs.trim().is_empty() {
        // Docs are compiled in per rule; until one is written, say at least what the rule is.
        format!("{}: {}\n{}", meta.id, meta.name, meta.summary)
    } else {
        meta.docs.to_string()
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    emit(&text, 0)
}
