//! One JSON/YAML file: decide whether it is a CloudFormation template (or a plan), load it.

use std::path::Path;

use super::tree::{DocKind, DocNode};
use super::{FoundFile, LoadError, UnitOutput, cfn_json, cfn_yaml, read_text};
use crate::source::{LineIndex, SourceFile};

/// A syntax error at a byte offset of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl ParseError {
    /// The error located at 1-based line and column of `text`.
    pub fn to_load_error(&self, path: &Path, text: &str) -> LoadError {
        let pos = LineIndex::new(text).position(text, self.offset);
        LoadError::new(path, self.message.clone()).at(pos.line, pos.column)
    }
}

/// What a parsed JSON/YAML document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    CloudFormation,
    TerraformPlan,
    Other,
}

/// Syntax of a document, from its extension (and, for `.template`, its first character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Json,
    Yaml,
}

/// Load one `*.json`, `*.yaml`, `*.yml` or `*.template` file (SPEC §1): a CloudFormation
/// template is resolved into resources; so is a Terraform plan, unless the Terraform sources
/// it was made from sit beside it (then the scan evaluates those, and findings point at
/// them); anything else is skipped silently. Every file counts in `files_seen`.
pub fn load_document(file: &FoundFile) -> UnitOutput {
    let mut out = UnitOutput {
        files_seen: 1,
        ..UnitOutput::default()
    };
    let text = match read_text(&file.path) {
        Ok(text) => text,
        Err(err) => {
            if read_error_is_reportable(file, &err) {
                out.errors.push(err);
            }
            return out;
        }
    };
    let decision = super::prefilter::document_decision(file, &text);
    if decision == super::prefilter::Decision::Skip {
        return out;
    }
    let parsed = match syntax_of(&file.path, &text) {
        Syntax::Json => cfn_json::parse_json(&text, file.id),
        Syntax::Yaml => cfn_yaml::parse_yaml(&text, file.id),
    };
    let doc = match parsed {
        Ok(doc) => doc,
        Err(err) => {
            if file.explicit || looks_like_template(&text) {
                out.errors.push(err.to_load_error(&file.path, &text));
            }
            return out;
        }
    };
    if decision == super::prefilter::Decision::ParseOnly {
        return out;
    }
    match classify(&doc) {
        DocumentKind::CloudFormation => {
            out.resources = crate::resolve::cloudformation::resolve_template(&doc, file.id);
            out.files
                .push(SourceFile::new(file.id, file.path.clone(), text));
        }
        DocumentKind::TerraformPlan => {
            if file.explicit || !has_terraform_sources_beside(&file.path) {
                out.resources = super::plan_json::resolve_plan(&doc, file.id);
                out.files
                    .push(SourceFile::new(file.id, file.path.clone(), text));
            }
        }
        DocumentKind::Other => {}
    }
    out
}

/// A plan found by the walk beside `.tf` / `.tf.json` files was made from them: the walk found
/// those too, and their evaluation points findings at the sources.
fn has_terraform_sources_beside(plan: &Path) -> bool {
    let dir = match plan.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.starts_with('.') && (name.ends_with(".tf") || name.ends_with(".tf.json"))
        })
    })
}

/// Whether a file that could not be read is worth an error: always when named on the command
/// line or when the OS refused it; a discovered data file that is binary, not UTF-8 or too
/// large is reported only when its content clearly is a template.
fn read_error_is_reportable(file: &FoundFile, err: &LoadError) -> bool {
    if file.explicit || err.message.starts_with("cannot read file") {
        return true;
    }
    if err.message.starts_with("file is larger") {
        return super::prefilter::head_looks_like_template(&file.path);
    }
    std::fs::read(&file.path)
        .map(|bytes| looks_like_template(&String::from_utf8_lossy(&bytes)))
        .unwrap_or(true)
}

fn syntax_of(path: &Path, text: &str) -> Syntax {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "json" => Syntax::Json,
        "yaml" | "yml" => Syntax::Yaml,
        // `.template` and anything else: JSON if it opens like a JSON object.
        _ => {
            if text.trim_start().starts_with('{') {
                Syntax::Json
            } else {
                Syntax::Yaml
            }
        }
    }
}

/// The text clearly is a CloudFormation template even though it does not parse.
pub fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || text.contains("\"AWS::") || text.contains(" AWS::")
}

/// Classify a parsed document (SPEC §1).
pub fn classify(doc: &DocNode) -> DocumentKind {
    let DocKind::Map(_) = &doc.kind else {
        return DocumentKind::Other;
    };
    if doc.get("format_version").is_some() && doc.get("planned_values").is_some() {
        return DocumentKind::TerraformPlan;
    }
    if doc.get("AWSTemplateFormatVersion").is_some() {
        return DocumentKind::CloudFormation;
    }
    let has_aws_resource = match doc.get("Resources").map(|e| &e.value.kind) {
        Some(DocKind::Map(resources)) => resources.iter().any(|r| {
            matches!(
                r.value.get("Type").map(|t| &t.value.kind),
                Some(DocKind::Str(t)) if t.starts_with("AWS::")
            )
        }),
        _ => false,
    };
    if has_aws_resource {
        DocumentKind::CloudFormation
    } else {
        DocumentKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::Val;
    use crate::source::FileId;

    fn load(name: &str, content: &[u8], explicit: bool) -> UnitOutput {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        load_document(&FoundFile {
            id: FileId(4),
            path,
            explicit,
        })
    }

    fn assert_skipped(out: &UnitOutput) {
        assert_eq!(out.files_seen, 1);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert!(out.resources.is_empty());
        assert!(out.files.is_empty());
    }

    const VPC_YAML: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      EnableDnsHostnames: yes\n";

    #[test]
    fn yaml_template_with_bom_and_crlf() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(VPC_YAML.replace('\n', "\r\n").as_bytes());
        let out = load("stack.yaml", &bytes, false);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert_eq!(out.files_seen, 1);
        assert_eq!(out.resources.len(), 1);
        let vpc = &out.resources[0];
        assert_eq!(vpc.address, "Vpc");
        // YAML 1.2: `yes` is a string, not a boolean.
        assert_eq!(
            vpc.get("EnableDnsHostnames").map(|e| &e.value.val),
            Some(&Val::Str("yes".into()))
        );
        let file = &out.files[0];
        assert_eq!(file.id, FileId(4));
        let header = file.position(vpc.header.start);
        assert_eq!((header.line, header.column), (3, 3));
        let value = file.position(vpc.get("EnableDnsHostnames").unwrap().value.span.start);
        assert_eq!((value.line, value.column), (6, 27));
    }

    #[test]
    fn json_and_template_extensions() {
        let json = r#"{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}}}"#;
        assert_eq!(load("a.json", json.as_bytes(), false).resources.len(), 1);
        assert_eq!(
            load("a.template", json.as_bytes(), false).resources.len(),
            1
        );
        assert_eq!(
            load("b.template", VPC_YAML.as_bytes(), false)
                .resources
                .len(),
            1
        );
        // A type outside AWS:: alone does not make a template.
        assert_skipped(&load(
            "c.json",
            br#"{"Resources": {"X": {"Type": "Custom::X"}}}"#,
            false,
        ));
    }

    #[test]
    fn other_documents_are_skipped_silently() {
        assert_skipped(&load(
            "package.json",
            br#"{"name": "x", "version": "1.0.0", "dependencies": {}}"#,
            false,
        ));
        assert_skipped(&load(
            "deploy.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\nkind: Service\n",
            false,
        ));
        assert_skipped(&load(
            "ci.yml",
            b"on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
            false,
        ));
        // A plan is a plan (loaded as one, with no resources here), not a template.
        let plan = load(
            "plan.json",
            br#"{"format_version": "1.2", "planned_values": {}, "Resources": {"A": {"Type": "AWS::EC2::VPC"}}}"#,
            false,
        );
        assert!(plan.errors.is_empty() && plan.resources.is_empty());
        assert_eq!(plan.files.len(), 1);
        assert_skipped(&load("empty.yaml", b"", false));
        // Broken, but not a template and not named: skipped.
        assert_skipped(&load("broken.json", b"{\"a\": ", false));
        assert_skipped(&load("binary.json", b"\x00\x01\x02", false));
    }

    #[test]
    fn broken_templates_are_located_errors() {
        let truncated = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {A: [1,\n";
        let out = load("stack.yaml", truncated.as_bytes(), false);
        assert!(out.resources.is_empty());
        assert_eq!(out.errors.len(), 1);
        let err = &out.errors[0];
        assert_eq!(err.line, Some(6));
        assert!(err.column.is_some());
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);

        let json = "{\n  \"Resources\": {\n    \"Vpc\": {\"Type\": \"AWS::EC2::VPC\",}\n  }\n}";
        let out = load("stack.json", json.as_bytes(), false);
        assert_eq!(out.errors.len(), 1);
        assert_eq!(
            (out.errors[0].line, out.errors[0].column),
            (Some(3), Some(36))
        );

        // Named on the command line: any parse failure is an error.
        let out = load("broken.json", b"{\"a\": ", true);
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0].line, Some(1));
        let out = load("binary.json", b"\x00\x01", true);
        assert_eq!(out.errors.len(), 1);
    }

    #[test]
    fn deep_documents_are_errors_not_crashes() {
        let deep_json = format!(
            "{{\"AWSTemplateFormatVersion\": \"x\", \"a\": {}}}",
            "[".repeat(100_000)
        );
        let out = load("deep.json", deep_json.as_bytes(), false);
        assert_eq!(out.errors.len(), 1);
        let deep_yaml = format!(
            "AWSTemplateFormatVersion: x\na: {}1\n",
            "- ".repeat(100_000)
        );
        let out = load("deep.yaml", deep_yaml.as_bytes(), false);
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0].line, Some(2));
    }

    /// `PRIVLINT_CORPUS=/path cargo test corpus_smoke -- --ignored --nocapture`: loads every
    /// JSON/YAML/template file below the path and prints how many were templates, skipped and
    /// broken.
    #[test]
    #[ignore]
    fn corpus_smoke() {
        let Some(root) = std::env::var_os("PRIVLINT_CORPUS") else {
            return;
        };
        let mut pending = vec![std::path::PathBuf::from(root)];
        let (mut templates, mut resources, mut skipped, mut errors) = (0, 0, 0, 0);
        let mut silent_parse_failures = 0;
        let mut id = 0;
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    pending.push(path);
                    continue;
                }
                let ext = path
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                if !kind.is_file() || !["json", "yaml", "yml", "template"].contains(&ext.as_str()) {
                    continue;
                }
                id += 1;
                let file = FoundFile {
                    id: FileId(id),
                    path: path.clone(),
                    explicit: false,
                };
                let out = load_document(&file);
                if !out.errors.is_empty() {
                    errors += 1;
                    for e in &out.errors {
                        println!(
                            "ERROR {}:{}:{}: {}",
                            e.path.display(),
                            e.line.unwrap_or(0),
                            e.column.unwrap_or(0),
                            e.message
                        );
                    }
                } else if out.files.is_empty() {
                    skipped += 1;
                    let parses = read_text(&path).is_ok_and(|text| match syntax_of(&path, &text) {
                        Syntax::Json => cfn_json::parse_json(&text, file.id).is_ok(),
                        Syntax::Yaml => cfn_yaml::parse_yaml(&text, file.id).is_ok(),
                    });
                    if !parses {
                        silent_parse_failures += 1;
                        println!("SKIPPED-UNPARSED {}", path.display());
                    }
                } else {
                    templates += 1;
                    resources += out.resources.len();
                }
            }
        }
        println!(
            "files {id}: templates {templates} ({resources} resources), skipped {skipped} \
             (of which unparsable {silent_parse_failures}), errors {errors}"
        );
    }
}
