//! `--format sarif`: SARIF 2.1.0 (one run), as GitHub code scanning reads it.
//!
//! Hand-written serde structs for the parts privlint fills. Rules come from the registry (plus
//! the `unused-ignore` pseudo-rule when it fired); results point at their rule by id and index.
//! Fingerprints hash what identifies a finding (rule, resource, file, message), never line
//! numbers, so that a finding keeps its identity when lines above it move.

use serde::Serialize;

use crate::Outcome;
use crate::finding::{Finding, Severity};
use crate::rules::registry::RULES;
use crate::source::{Position, display_path};
use crate::suppress::UNUSED_IGNORE;

/// Where the project and its rule docs live (`helpUri` = this + `/blob/main/rules/ID.md`).
pub const INFORMATION_URI: &str = "https://github.com/privlint/privlint";

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Name of the fingerprint in `partialFingerprints`; bump the suffix if the hash input changes.
const FINGERPRINT_KEY: &str = "privlint/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Markdown,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Markdown {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: std::collections::BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

pub fn render(outcome: &Outcome) -> String {
    // Plain structs of strings and numbers always serialise.
    let mut out = serde_json::to_string_pretty(&log(outcome)).unwrap_or_default();
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn log(outcome: &Outcome) -> Log<'_> {
    let mut rules: Vec<RuleDescriptor> = RULES.iter().map(|r| descriptor(r.meta())).collect();
    let mut results = Vec::with_capacity(outcome.findings.len());
    for f in &outcome.findings {
        // Pseudo-rules (`unused-ignore`) are described once they fired.
        let rule_index = match rules.iter().position(|r| r.id == f.rule) {
            Some(index) => index,
            None => {
                rules.push(pseudo_rule_descriptor(f));
                rules.len() - 1
            }
        };
        results.push(result(outcome, f, rule_index));
    }
    let mut notifications: Vec<Notification> = outcome
        .errors
        .iter()
        .map(|e| Notification {
            level: "error",
            message: Text {
                text: e.message.clone(),
            },
            locations: vec![Location {
                id: None,
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri(&display_path(&e.path), e.path.is_absolute()),
                    },
                    region: e.line.map(|line| Region {
                        start_line: line,
                        start_column: e.column.unwrap_or(1),
                        end_line: None,
                        end_column: None,
                    }),
                },
                message: None,
            }],
        })
        .collect();
    notifications.extend(outcome.warnings.iter().map(|w| Notification {
        level: "warning",
        message: Text {
            text: w.message.clone(),
        },
        locations: physical(outcome, w.span, true).into_iter().collect(),
    }));
    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "privlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            invocations: [Invocation {
                execution_successful: outcome.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            results,
            column_kind: "unicodeCodePoints",
        }],
    }
}

fn descriptor(meta: &crate::rules::RuleMeta) -> RuleDescriptor {
    let docs = if meta.docs.trim().is_empty() {
        format!("# {}: {}\n\n{}\n", meta.id, meta.name, meta.summary)
    } else {
        meta.docs.to_string()
    };
    RuleDescriptor {
        id: meta.id.to_string(),
        name: meta.name.to_string(),
        short_description: Text {
            text: meta.summary.to_string(),
        },
        full_description: Text {
            text: what_it_does(&docs).unwrap_or_else(|| meta.summary.to_string()),
        },
        help: Markdown {
            text: docs.clone(),
            markdown: docs,
        },
        help_uri: Some(format!("{INFORMATION_URI}/blob/main/rules/{}.md", meta.id)),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
    }
}

/// A rule outside the registry: `unused-ignore`, or (defensively) any other id a finding has.
fn pseudo_rule_descriptor(f: &Finding) -> RuleDescriptor {
    let (short, text, help_uri) = if f.rule == UNUSED_IGNORE {
        (
            "Suppression that suppresses nothing",
            "A `privlint:ignore` comment or a `Metadata.privlint.ignore` entry names a rule \
             that reported nothing there. Reported with `--report-unused-ignores`.",
            format!("{INFORMATION_URI}#suppressions"),
        )
    } else {
        (f.name, f.name, INFORMATION_URI.to_string())
    };
    RuleDescriptor {
        id: f.rule.to_string(),
        name: f.name.to_string(),
        short_description: Text { text: short.into() },
        full_description: Text { text: text.into() },
        help: Markdown {
            text: text.into(),
            markdown: text.into(),
        },
        help_uri: Some(help_uri),
        default_configuration: Configuration {
            level: level(f.severity),
        },
    }
}

/// The first paragraph under `## What it does`, joined into one line.
fn what_it_does(docs: &str) -> Option<String> {
    let after = docs.split_once("## What it does")?.1;
    let paragraph: Vec<&str> = after
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

fn result<'a>(outcome: &Outcome, f: &'a Finding, rule_index: usize) -> SarifResult<'a> {
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let file = outcome
        .file(f.span.file)
        .map(|file| file.display_path())
        .unwrap_or_default();
    let related_locations = f
        .labels
        .iter()
        .enumerate()
        .filter_map(|(i, label)| {
            physical(outcome, label.span, false).map(|mut location| {
                location.id = Some(i);
                location.message = Some(Text {
                    text: label.message.clone(),
                });
                location
            })
        })
        .collect();
    let mut fingerprints = std::collections::BTreeMap::new();
    fingerprints.insert(
        FINGERPRINT_KEY,
        format!(
            "{:016x}",
            fnv1a(&[f.rule, &f.resource, &file, &f.message].join("\u{0}"))
        ),
    );
    SarifResult {
        rule_id: f.rule,
        rule_index,
        level: level(f.severity),
        message: Text { text: message },
        locations: physical(outcome, f.span, false).into_iter().collect(),
        related_locations,
        partial_fingerprints: fingerprints,
    }
}

/// A location for a span; `start_only` for notifications, which need no end.
fn physical(outcome: &Outcome, span: crate::source::Span, start_only: bool) -> Option<Location> {
    let (file, start, end) = super::locate(outcome, span)?;
    let absolute = outcome
        .file(span.file)
        .is_some_and(|f| f.path.is_absolute());
    Some(Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(&file, absolute),
            },
            region: Some(region(start, end, start_only)),
        },
        message: None,
    })
}

fn region(start: Position, end: Position, start_only: bool) -> Region {
    // An empty span still covers one column: SARIF regions may not end before they start.
    let (end_line, end_column) = if end.line > start.line || end.column > start.column {
        (end.line, end.column)
    } else {
        (start.line, start.column + 1)
    };
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: (!start_only).then_some(end_line),
        end_column: (!start_only).then_some(end_column),
    }
}

/// A relative path as a URI reference (forward slashes, percent-encoded); an absolute one as
/// a `file://` URI.
fn uri(path: &str, absolute: bool) -> String {
    let mut out = String::new();
    if absolute {
        out.push_str("file://");
        if !path.starts_with('/') {
            out.push('/');
        }
    }
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// FNV-1a, 64 bit: stable across Rust versions and platforms (std's hashers promise neither).
fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_outcome;

    fn value(outcome: &Outcome) -> serde_json::Value {
        serde_json::from_str(&render(outcome)).unwrap()
    }

    #[test]
    fn result_points_at_rule_file_and_region() {
        let sarif = value(&sample_outcome());
        let run = &sarif["runs"][0];
        assert_eq!(sarif["version"], "2.1.0");
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let result = &run["results"][0];
        assert_eq!(result["ruleId"], "PRV004");
        assert_eq!(result["level"], "error");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "PRV004");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "infra/network.tf");
        assert_eq!(
            location["region"],
            serde_json::json!({"startLine": 3, "startColumn": 3, "endLine": 3, "endColumn": 31})
        );
        assert_eq!(
            result["relatedLocations"][1]["physicalLocation"]["artifactLocation"]["uri"],
            "cfn/api.yaml"
        );
        // Info is SARIF's "note".
        assert_eq!(run["results"][2]["level"], "note");
    }

    #[test]
    fn every_registered_rule_is_described() {
        let sarif = value(&Outcome::default());
        let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), RULES.len());
        for (rule, registered) in rules.iter().zip(RULES) {
            let meta = registered.meta();
            assert_eq!(rule["id"], meta.id);
            assert_eq!(rule["name"], meta.name);
            assert_eq!(rule["shortDescription"]["text"], meta.summary);
            assert_eq!(
                rule["helpUri"],
                format!(
                    "https://github.com/privlint/privlint/blob/main/rules/{}.md",
                    meta.id
                )
            );
            assert_eq!(rule["defaultConfiguration"]["level"], level(meta.severity));
            assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        }
    }

    #[test]
    fn fingerprints_ignore_line_numbers() {
        let before = value(&sample_outcome());
        let mut moved = sample_outcome();
        // Two lines inserted above everything: same finding, new lines.
        let text = format!("\n\n{}", crate::report::test_support::NETWORK_TF);
        moved.files[0] = crate::source::SourceFile::new(
            moved.files[0].id,
            moved.files[0].path.clone(),
            text.as_str(),
        );
        for f in &mut moved.findings {
            if f.span.file == moved.files[0].id {
                f.span.start += 2;
                f.span.end += 2;
            }
        }
        let after = value(&moved);
        let fp = |v: &serde_json::Value| v["runs"][0]["results"][0]["partialFingerprints"].clone();
        assert_eq!(fp(&before), fp(&after));
        assert_ne!(
            before["runs"][0]["results"][0]["locations"],
            after["runs"][0]["results"][0]["locations"]
        );
        assert_ne!(
            fp(&before),
            before["runs"][0]["results"][1]["partialFingerprints"]
        );
    }

    #[test]
    fn parse_errors_are_notifications() {
        let sarif = value(&sample_outcome());
        let invocation = &sarif["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes[0]["level"], "error");
        assert_eq!(notes[0]["message"]["text"], "unexpected `}`");
        assert_eq!(
            notes[0]["locations"][0]["physicalLocation"]["region"],
            serde_json::json!({"startLine": 7, "startColumn": 1})
        );
        assert!(
            notes[1]["locations"][0]["physicalLocation"]
                .get("region")
                .is_none()
        );
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("infra/my file.tf", false), "infra/my%20file.tf");
        assert_eq!(uri("/abs/é.tf", true), "file:///abs/%C3%A9.tf");
        assert_eq!(uri("50%.tf", false), "50%25.tf");
    }

    #[test]
    fn full_description_is_the_first_paragraph() {
        assert_eq!(
            what_it_does("# X\n## What it does\n\nFlags a\nthing.\n\nMore.\n"),
            Some("Flags a thing.".to_string())
        );
        assert_eq!(what_it_does("# X\n"), None);
    }
}
