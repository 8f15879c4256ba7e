//! The rule docs and the registry stay in step: one doc per rule, the STYLE.md headings, the
//! summary line equal to `RuleMeta::summary`, and every example in a doc does what it says.

use std::path::{Path, PathBuf};

use privlint::config::Config;
use privlint::rules::registry::RULES;

const HEADINGS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## How to fix",
    "## Suppressing it",
    "## References",
];

#[test]
fn every_rule_has_its_doc_and_every_doc_a_rule() {
    let mut documented: Vec<String> = std::fs::read_dir("rules")
        .expect("rules/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("PRV") && n.ends_with(".md"))
        .map(|n| n.trim_end_matches(".md").to_string())
        .collect();
    documented.sort();
    let mut ids: Vec<String> = RULES.iter().map(|r| r.meta().id.to_string()).collect();
    ids.sort();
    assert_eq!(documented, ids);
}

#[test]
fn docs_have_the_style_headings_and_the_registry_summary() {
    for rule in RULES {
        let meta = rule.meta();
        let doc = meta.docs;
        let mut lines = doc.lines();
        assert_eq!(
            lines.next(),
            Some(format!("# {}: {}", meta.id, meta.name).as_str()),
            "{} title",
            meta.id
        );
        assert_eq!(lines.next(), Some(meta.summary), "{} summary", meta.id);
        let severity = lines.next().unwrap_or_default();
        assert!(
            severity.starts_with(&format!("Severity: {}", meta.severity.as_str())),
            "{}: {severity}",
            meta.id
        );
        let mut at = 0;
        for heading in HEADINGS {
            let found = doc[at..]
                .find(&format!("\n{heading}\n"))
                .unwrap_or_else(|| panic!("{} lacks `{heading}` (in order)", meta.id));
            at += found + 1;
        }
    }
}

/// The fenced blocks of one section: (language, code).
fn code_blocks(doc: &str, section: &str) -> Vec<(String, String)> {
    let start = doc.find(&format!("\n{section}\n")).expect("section exists");
    let rest = &doc[start + section.len() + 2..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    let mut blocks = Vec::new();
    let mut lines = rest[..end].lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```")
            && !lang.is_empty()
        {
            let code: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            blocks.push((lang.to_string(), code.join("\n") + "\n"));
        }
    }
    blocks
}

/// Runs the default rules plus `rule` (which may be off by default) on one example.
fn rules_fired(dir: &Path, rule: &str, lang: &str, code: &str) -> Vec<String> {
    let file = dir.join(match lang {
        "hcl" => "main.tf",
        "yaml" => "template.yaml",
        "json" => "template.json",
        other => panic!("unexpected code block language {other}"),
    });
    std::fs::write(&file, code).expect("write example");
    let config = Config {
        paths: vec![PathBuf::from(&file)],
        select: Some(
            RULES
                .iter()
                .filter(|r| r.meta().default_on || r.meta().id == rule)
                .map(|r| r.meta().id.to_string())
                .collect(),
        ),
        ..Config::default()
    };
    let outcome = privlint::check(&config).expect("check runs");
    assert!(outcome.errors.is_empty(), "{:?}\n{code}", outcome.errors);
    std::fs::remove_file(&file).expect("remove example");
    outcome
        .findings
        .iter()
        .map(|f| f.rule.to_string())
        .collect()
}

#[test]
fn failing_examples_fire_exactly_their_rule_and_passing_ones_nothing() {
    for rule in RULES {
        let meta = rule.meta();
        let bad = code_blocks(meta.docs, "## Example");
        let good = code_blocks(meta.docs, "## Use instead");
        let langs =
            |blocks: &[(String, String)]| blocks.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>();
        // A Terraform-only rule ("Applies to: Terraform") has no CloudFormation example.
        let expected: &[&str] = if meta.docs.contains("Applies to: Terraform\n") {
            &["hcl"]
        } else {
            &["hcl", "yaml"]
        };
        assert_eq!(langs(&bad), expected, "{} examples", meta.id);
        assert_eq!(langs(&good), expected, "{} passing examples", meta.id);
        let dir = tempfile::tempdir().expect("temp dir");
        for (lang, code) in &bad {
            assert_eq!(
                rules_fired(dir.path(), meta.id, lang, code),
                [meta.id],
                "{} failing {lang} example",
                meta.id
            );
        }
        for (lang, code) in &good {
            assert!(
                rules_fired(dir.path(), meta.id, lang, code).is_empty(),
                "{} passing {lang} example",
                meta.id
            );
        }
    }
}
