//! `--format human`: miette graphical diagnostics, load errors, and a summary line.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

use crate::Outcome;
use crate::finding::{Finding, Severity};
use crate::source::{SourceFile, Span, display_path};

/// Fixed so that output (and its snapshots) does not depend on the terminal.
const WIDTH: usize = 100;

/// A primary label longer than this is replaced by "here": the message already says it.
const MAX_PRIMARY_LABEL: usize = 60;

#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    pub color: bool,
    /// Findings and errors only, no summary line.
    pub quiet: bool,
}

pub fn render(outcome: &Outcome, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .without_syntax_highlighting();

    let mut out = String::new();
    for finding in &outcome.findings {
        render_finding(&mut out, &handler, outcome, finding);
    }
    for error in &outcome.errors {
        let mut location = display_path(&error.path);
        if let Some(line) = error.line {
            let _ = write!(location, ":{line}");
            if let Some(column) = error.column {
                let _ = write!(location, ":{column}");
            }
        }
        let tag = if options.color {
            "\u{1b}[1;31merror\u{1b}[0m"
        } else {
            "error"
        };
        let _ = writeln!(out, "{tag}: {location}: {}", error.message);
    }
    out.push_str(&super::warning_lines(outcome));
    if !options.quiet {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&summary(outcome));
        out.push('\n');
    }
    out
}

fn render_finding(
    out: &mut String,
    handler: &GraphicalReportHandler,
    outcome: &Outcome,
    finding: &Finding,
) {
    let file = outcome.file(finding.span.file);
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    if let Some(file) = file {
        labels.push(LabeledSpan::new_primary_with_span(
            Some(
                finding
                    .primary_label
                    .clone()
                    .unwrap_or_else(|| primary_label(&finding.message)),
            ),
            source_span(file, finding.span),
        ));
    }
    for label in &finding.labels {
        match outcome.file(label.span.file) {
            Some(other) if Some(other.id) == file.map(|f| f.id) => {
                labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    source_span(other, label.span),
                ))
            }
            Some(other) => {
                let at = other.position(label.span.start);
                notes.push(format!(
                    "note: {} ({}:{}:{})",
                    label.message,
                    other.display_path(),
                    at.line,
                    at.column
                ));
            }
            None => notes.push(format!("note: {}", label.message)),
        }
    }
    let diagnostic = FindingDiagnostic {
        finding,
        source: file.map(|f| NamedSource::new(f.display_path(), Arc::clone(&f.text))),
        labels,
    };
    let handler = if notes.is_empty() {
        handler.clone()
    } else {
        handler.clone().with_footer(notes.join("\n"))
    };
    // Writing into a String cannot fail.
    let _ = handler.render_report(out, &diagnostic);
    out.push('\n');
}

/// The message's first clause, short enough to sit under the snippet.
fn primary_label(message: &str) -> String {
    let clause = message
        .split([',', ';', ':'])
        .next()
        .unwrap_or(message)
        .trim();
    if clause.is_empty() || clause.chars().count() > MAX_PRIMARY_LABEL {
        "here".to_string()
    } else {
        clause.to_string()
    }
}

/// A span miette can read: inside the text and on character boundaries.
fn source_span(file: &SourceFile, span: Span) -> SourceSpan {
    let text: &str = &file.text;
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start);
    let end = floor(span.end).max(start);
    SourceSpan::from((start, end - start))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn summary(outcome: &Outcome) -> String {
    let count = |s: Severity| outcome.findings.iter().filter(|f| f.severity == s).count();
    let parts: Vec<String> = [
        (count(Severity::Error), "error", "errors"),
        (count(Severity::Warning), "warning", "warnings"),
        (count(Severity::Info), "info", "infos"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| plural(n, one, many))
    .collect();
    let files = plural(outcome.files_scanned, "file", "files");
    let mut line = if parts.is_empty() {
        format!("no problems found in {files}")
    } else {
        format!("{} in {files}", parts.join(", "))
    };
    let _ = write!(line, " ({:.2}s)", outcome.elapsed.as_secs_f64());
    if !outcome.errors.is_empty() {
        let unread = plural(outcome.errors.len(), "file", "files");
        let _ = write!(line, ", {unread} could not be read");
    }
    line
}

/// One finding as miette sees it.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("finding", self.finding)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.finding.rule, self.finding.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_outcome;
    use std::time::Duration;

    const PLAIN: HumanOptions = HumanOptions {
        color: false,
        quiet: false,
    };

    #[test]
    fn snapshot_without_colour() {
        let rendered = render(&sample_outcome(), PLAIN);
        assert!(
            !rendered.contains('\u{1b}'),
            "no escape codes without colour"
        );
        insta::assert_snapshot!(rendered);
    }

    #[test]
    fn summary_counts_and_plurals() {
        let mut outcome = sample_outcome();
        assert_eq!(
            summary(&outcome),
            "1 error, 1 warning, 1 info in 12 files (0.04s), 2 files could not be read"
        );
        outcome.findings.truncate(1);
        outcome.errors.truncate(1);
        outcome.files_scanned = 1;
        assert_eq!(
            summary(&outcome),
            "1 error in 1 file (0.04s), 1 file could not be read"
        );
        let empty = Outcome {
            files_scanned: 12,
            elapsed: Duration::from_millis(10),
            ..Outcome::default()
        };
        assert_eq!(summary(&empty), "no problems found in 12 files (0.01s)");
        assert_eq!(
            render(&empty, PLAIN),
            "no problems found in 12 files (0.01s)\n"
        );
        assert_eq!(
            render(
                &empty,
                HumanOptions {
                    color: false,
                    quiet: true
                }
            ),
            ""
        );
    }

    #[test]
    fn errors_are_located_lines() {
        let mut outcome = sample_outcome();
        outcome.findings.clear();
        let quiet = HumanOptions {
            color: false,
            quiet: true,
        };
        assert_eq!(
            render(&outcome, quiet),
            "error: infra/broken.tf:7:1: unexpected `}`\nerror: missing: no such file or directory\n"
        );
    }

    #[test]
    fn primary_label_is_the_first_clause_or_here() {
        assert_eq!(primary_label("a, b"), "a");
        assert_eq!(primary_label(&"x".repeat(61)), "here");
        assert_eq!(primary_label(""), "here");
    }

    #[test]
    fn spans_out_of_range_are_clamped() {
        let file = SourceFile::new(crate::source::FileId(0), "x.tf".into(), "é=1");
        let span = source_span(&file, Span::new(file.id, 1, 99));
        assert_eq!((span.offset(), span.len()), (0, 4));
    }
}
