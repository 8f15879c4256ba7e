//! Skipping what cannot matter, by a byte scan instead of a parser.
//!
//! The rules read only the resource types in [`RELEVANT_TYPES`]. A unit whose text mentions
//! none of them can produce no resource the model builder keeps, so no finding. The scan is a
//! single aho-corasick pass over the bytes, much cheaper than parsing.
//!
//! A skip must also change no *error*: a file that fails to parse is reported (SPEC §1), and
//! only a parser can tell. So the scan skips work only where its result is invisible:
//!
//! - **JSON/YAML document** ([`document_decision`]), not named on the command line:
//!   - [`Decision::Skip`] (not even parsed) when its text neither looks like a template
//!     (`AWSTemplateFormatVersion`, `"AWS::`, ` AWS::`: a parse failure is then silent anyway)
//!     nor mentions a relevant type;
//!   - [`Decision::ParseOnly`] (parsed so that a syntax error is still reported, but not
//!     resolved) when it looks like a template but mentions no relevant type.
//! - **Terraform module directory** ([`skip_module`]), after its files are parsed (their
//!   syntax errors reported): not evaluated when no file of it is `.json` (`.tf.json` or a
//!   JSON var file, whose text this check does not see), no text mentions a relevant type and
//!   no text has a `module` word (a module call pulls in resources from elsewhere).
//!
//! "Mentions" is a plain byte-substring test, so it errs on the side of loading: `aws_lb`
//! also matches `aws_lb_listener`, a type named in a comment counts. A text with an escape
//! sequence that could spell a letter (`\u`, `\U`, `\x`, or a backslash before a line break,
//! which YAML double-quoted strings fold away) is never skipped: `"AWS::EC2::\u0056PC"` is the
//! VPC type to a parser.
//!
//! `PRIVLINT_NO_PREFILTER=1` turns every skip off (the corpus test compares both ways).

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::FoundFile;

/// Every resource type whose resources the model builder (`model::build`), the CloudFormation
/// resolver (SAM functions make an implicit API) or the Terraform evaluator (data sources it
/// reads) use. A unit mentioning none of these yields no finding.
pub const RELEVANT_TYPES: &[&str] = &[
    // Terraform resources and data sources.
    "aws_vpc",
    "aws_subnet",
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_endpoint",
    "aws_vpc_endpoint_security_group_association",
    "aws_vpc_endpoint_subnet_association",
    "aws_vpc_endpoint_service",
    "aws_api_gateway_rest_api",
    "aws_api_gateway_rest_api_policy",
    "aws_api_gateway_deployment",
    "aws_api_gateway_integration",
    "aws_api_gateway_vpc_link",
    "aws_lb",
    "aws_alb",
    "aws_iam_policy_document",
    // CloudFormation and SAM resource types.
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::VPCEndpoint",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::VpcLink",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::Serverless::Api",
    "AWS::Serverless::Function",
];

/// Escapes that could spell a type name's letters in JSON, YAML or HCL strings.
const LETTER_ESCAPES: &[&str] = &["\\u", "\\U", "\\x", "\\\n", "\\\r"];

/// The text markers of `document::looks_like_template`: a parse failure of a text with one of
/// them is reported, so such a text is always parsed.
const TEMPLATE_MARKERS: &[&str] = &["AWSTemplateFormatVersion", "\"AWS::", " AWS::"];

/// Environment variable that disables every skip when set to anything but `0` or empty.
pub const DISABLE_ENV: &str = "PRIVLINT_NO_PREFILTER";

/// What the loader does with a document after reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Parse and resolve as usual.
    Load,
    /// Parse (a syntax error is still reported) but resolve nothing: no finding can come of it.
    ParseOnly,
    /// Neither parse nor resolve: it can yield neither a finding nor an error.
    Skip,
}

/// What one scan of a text found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Mentions {
    relevant_type: bool,
    escape: bool,
    template_marker: bool,
    module_word: bool,
}

impl Mentions {
    /// The text may hold a resource the rules read.
    fn may_matter(self) -> bool {
        self.relevant_type || self.escape
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pattern {
    RelevantType,
    Escape,
    TemplateMarker,
    Module,
}

struct Scanner {
    automaton: AhoCorasick,
    kinds: Vec<Pattern>,
}

fn scanner() -> Option<&'static Scanner> {
    static SCANNER: OnceLock<Option<Scanner>> = OnceLock::new();
    SCANNER
        .get_or_init(|| {
            let groups: [(&[&str], Pattern); 4] = [
                (RELEVANT_TYPES, Pattern::RelevantType),
                (LETTER_ESCAPES, Pattern::Escape),
                (TEMPLATE_MARKERS, Pattern::TemplateMarker),
                (&["module"], Pattern::Module),
            ];
            let mut patterns = Vec::new();
            let mut kinds = Vec::new();
            for (words, kind) in groups {
                for word in words {
                    patterns.push(*word);
                    kinds.push(kind);
                }
            }
            // Overlapping search: `module` inside a longer match and a type inside a marker
            // (`"AWS::EC2::VPC"`) must both be seen. Building cannot fail for these patterns;
            // if it ever did, nothing is skipped.
            AhoCorasick::new(&patterns)
                .ok()
                .map(|automaton| Scanner { automaton, kinds })
        })
        .as_ref()
}

/// Whether skipping is on. Off in the library's own unit tests, which evaluate resources of
/// any type (the evaluator's tests use made-up types); the tests below call the decisions
/// directly, and the integration tests run the real, skipping binary.
fn enabled() -> bool {
    if cfg!(test) {
        return false;
    }
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os(DISABLE_ENV).is_none_or(|v| v.is_empty() || v == "0"))
}

/// Scan a text once; `None` when the scanner is unavailable (then nothing is skipped).
fn scan(bytes: &[u8]) -> Option<Mentions> {
    let scanner = scanner()?;
    let mut found = Mentions::default();
    for m in scanner.automaton.find_overlapping_iter(bytes) {
        match scanner.kinds.get(m.pattern().as_usize()) {
            Some(Pattern::RelevantType) => found.relevant_type = true,
            Some(Pattern::Escape) => found.escape = true,
            Some(Pattern::TemplateMarker) => found.template_marker = true,
            Some(Pattern::Module) if is_module_word(bytes, m.start(), m.end()) => {
                found.module_word = true
            }
            Some(Pattern::Module) | None => {}
        }
        if found.relevant_type || found.escape {
            // Nothing more can change a decision.
            break;
        }
    }
    Some(found)
}

/// `module` as a word of its own: not part of a longer identifier (HCL identifiers include
/// `-`) and not an attribute like `path.module`. A `module "x" {` block always qualifies.
fn is_module_word(bytes: &[u8], start: usize, end: usize) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let before_ok = match start.checked_sub(1).and_then(|i| bytes.get(i)) {
        Some(&b) => !ident(b) && b != b'.',
        None => true,
    };
    let after_ok = bytes.get(end).is_none_or(|&b| !ident(b));
    before_ok && after_ok
}

/// The decision for a JSON/YAML/template file just read (see the module docs).
pub fn document_decision(file: &FoundFile, text: &str) -> Decision {
    if enabled() {
        decide_document(file, text)
    } else {
        Decision::Load
    }
}

fn decide_document(file: &FoundFile, text: &str) -> Decision {
    if file.explicit {
        return Decision::Load;
    }
    match scan(text.as_bytes()) {
        None => Decision::Load,
        Some(m) if m.may_matter() => Decision::Load,
        Some(m) if m.template_marker => Decision::ParseOnly,
        Some(_) => Decision::Skip,
    }
}

/// How much of a file over the size cap is looked at to tell whether it is a template.
pub const HEAD_BYTES: u64 = 64 * 1024;

/// Whether a JSON/YAML file too large to load starts like a CloudFormation template (its first
/// [`HEAD_BYTES`] hold a template marker): then its size is reported as an error, otherwise it
/// is skipped like any other data file. Unreadable: reported.
pub fn head_looks_like_template(path: &std::path::Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(HEAD_BYTES).read_to_end(&mut head));
    if read.is_err() {
        return true;
    }
    let head = String::from_utf8_lossy(&head);
    TEMPLATE_MARKERS.iter().any(|marker| head.contains(marker))
}

/// Whether a document is skipped before parsing (`document_decision` is `Skip`).
pub fn skip_document(file: &FoundFile, text: &str) -> bool {
    document_decision(file, text) == Decision::Skip
}

/// Whether a Terraform module directory, its files already parsed, need not be evaluated:
/// `texts` are the texts of all its files that were read.
pub fn skip_module<'a>(files: &[FoundFile], texts: impl IntoIterator<Item = &'a str>) -> bool {
    enabled() && module_is_irrelevant(files, texts)
}

fn module_is_irrelevant<'a>(files: &[FoundFile], texts: impl IntoIterator<Item = &'a str>) -> bool {
    let has_unseen_json = files.iter().any(|f| {
        f.path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    });
    if has_unseen_json {
        return false;
    }
    texts
        .into_iter()
        .all(|text| scan(text.as_bytes()).is_some_and(|m| !m.may_matter() && !m.module_word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use std::path::PathBuf;

    fn found(name: &str, explicit: bool) -> FoundFile {
        FoundFile {
            id: FileId(0),
            path: PathBuf::from(name),
            explicit,
        }
    }

    fn doc(text: &str) -> Decision {
        decide_document(&found("x.yaml", false), text)
    }

    #[test]
    fn documents() {
        assert_eq!(doc("name: web\nkind: Deployment\n"), Decision::Skip);
        assert_eq!(doc(r#"{"name": "x", "dependencies": {}}"#), Decision::Skip);
        assert_eq!(doc(""), Decision::Skip);
        // Looks like a template (an error would be reported), nothing relevant.
        assert_eq!(
            doc("Resources:\n  B:\n    Type: AWS::S3::Bucket\n"),
            Decision::ParseOnly
        );
        assert_eq!(
            doc("AWSTemplateFormatVersion: x\nResources: {}\n"),
            Decision::ParseOnly
        );
        assert_eq!(
            doc(r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#),
            Decision::ParseOnly
        );
        for relevant in [
            "Resources:\n  V:\n    Type: AWS::EC2::VPC\n",
            "Resources:\n  V:\n    Type: 'AWS::EC2::VPCEndpoint'\n",
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n",
            "Resources:\n  M:\n    Type: AWS::ApiGateway::Method\n",
            // A plan names Terraform types.
            r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"type": "aws_vpc"}]}}}"#,
        ] {
            assert_eq!(doc(relevant), Decision::Load, "{relevant}");
        }
        // Escapes might spell a type.
        assert_eq!(
            doc(r#"{"R": {"V": {"Type": "AWS::EC2::\u0056PC"}}}"#),
            Decision::Load
        );
        assert_eq!(doc("a: \"\\x41\"\n"), Decision::Load);
        assert_eq!(doc("a: \"AWS::EC2::\\\n  VPC\"\n"), Decision::Load);
        // Named on the command line: always loaded.
        assert_eq!(
            decide_document(&found("x.yaml", true), "name: web\n"),
            Decision::Load
        );
        // The library's unit tests never skip (see `enabled`).
        assert!(!skip_document(&found("a.json", false), "{}"));
        assert!(!skip_module(&[found("main.tf", false)], ["locals {}\n"]));
    }

    #[test]
    fn oversized_heads() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, head: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, head).unwrap();
            path
        };
        assert!(head_looks_like_template(&file(
            "a.yaml",
            "AWSTemplateFormatVersion: x\n"
        )));
        assert!(head_looks_like_template(&file(
            "b.json",
            "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}"
        )));
        assert!(!head_looks_like_template(&file(
            "c.json",
            "{\"rows\": [1, 2]}"
        )));
        // A marker past the head does not count.
        let late = format!(
            "{}AWSTemplateFormatVersion",
            " ".repeat(HEAD_BYTES as usize)
        );
        assert!(!head_looks_like_template(&file("d.yaml", &late)));
        assert!(head_looks_like_template(&dir.path().join("missing.yaml")));
    }

    #[test]
    fn modules() {
        let tf = [found("main.tf", false)];
        assert!(module_is_irrelevant(
            &tf,
            ["resource \"aws_s3_bucket\" \"b\" {}\n"]
        ));
        assert!(module_is_irrelevant(
            &tf,
            [
                "locals { p = path.module }\n",
                "variable \"my-module\" {}\n"
            ]
        ));
        assert!(module_is_irrelevant(&tf, ["variable \"module_name\" {}\n"]));
        assert!(module_is_irrelevant(&tf, Vec::<&str>::new()));
        for relevant in [
            "resource \"aws_vpc\" \"v\" {}\n",
            "resource aws_lb_listener l {}\n",
            "data \"aws_iam_policy_document\" \"p\" {}\n",
            "module \"net\" {\n  source = \"./net\"\n}\n",
            "/* c */ module \"net\" {}\n",
            "resource \"aws_s3_bucket\" \"b\" { tags = { a = \"\\u0061\" } }\n",
        ] {
            assert!(
                !module_is_irrelevant(&tf, ["locals {}\n", relevant]),
                "{relevant}"
            );
        }
        // A `.tf.json` file's text is not part of the check: never skipped.
        let with_json = [found("main.tf", false), found("extra.tf.json", false)];
        assert!(!module_is_irrelevant(&with_json, ["locals {}\n"]));
    }

    #[test]
    fn module_word_boundaries() {
        let at = |text: &str| {
            let start = text.find("module").unwrap();
            is_module_word(text.as_bytes(), start, start + "module".len())
        };
        assert!(at("module \"x\" {}"));
        assert!(at("\nmodule{"));
        assert!(at("\"module\": {}"));
        assert!(!at("path.module"));
        assert!(!at("terraform-module"));
        assert!(!at("modules"));
        assert!(!at("my_module"));
    }

    /// Every resource type named in the model builder, the rules and the Terraform evaluator
    /// is covered by `RELEVANT_TYPES` (a listed name is a substring of it). A type added there
    /// and not here fails this test instead of silently skipping its files.
    #[test]
    fn relevant_types_cover_the_code_that_reads_types() {
        let sources = [
            include_str!("../model/build.rs"),
            include_str!("../model/mod.rs"),
            include_str!("../model/aws.rs"),
            include_str!("../model/policy.rs"),
            include_str!("../model/value.rs"),
            include_str!("../rules/mod.rs"),
            include_str!("../rules/prv001_private_api_missing_policy.rs"),
            include_str!("../resolve/terraform/eval.rs"),
        ];
        let type_literal =
            regex::Regex::new(r#""((?:data\.)?aws_[a-z0-9_]+|AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)""#)
                .unwrap();
        let mut seen = 0;
        for source in sources {
            let code = source.split("#[cfg(test)]").next().unwrap_or(source);
            for cap in type_literal.captures_iter(code) {
                let name = cap[1].trim_start_matches("data.");
                seen += 1;
                assert!(
                    RELEVANT_TYPES.iter().any(|t| name.contains(t)),
                    "{name} is read by the code but missing from RELEVANT_TYPES"
                );
            }
        }
        assert!(seen >= 20, "found only {seen} type names");
        assert!(RELEVANT_TYPES.contains(&"AWS::Serverless::Function"));
    }
}
