//! Suppressions (SPEC §5): `# privlint:ignore PRV003[,PRV007] <reason>` comments (also `//` in
//! HCL) and CloudFormation `Metadata.privlint.ignore` (read by the resolver into
//! `RawResource::suppressed`).
//!
//! Rules never see suppressions: they run on the model, and the findings are filtered here.
//! A comment on the line directly above a resource header (Terraform `resource "t" "n" {`,
//! a CloudFormation logical-id key) suppresses its ids for every finding of that resource; a
//! comment directly above the line where a finding starts (an attribute) suppresses that
//! finding. Other comment lines may sit between the directive and its line; a blank line may
//! not. Comments are found in the text as it is: a line whose first non-blank characters are
//! `#` (or `//` in `.tf` files), so no syntax tree is re-parsed.

use std::collections::BTreeMap;

use crate::finding::{Finding, Severity};
use crate::resolve::RawResource;
use crate::source::{FileId, SourceFile, Span};

/// The pseudo-rule id of a suppression that suppressed nothing (`--report-unused-ignores`).
pub const UNUSED_IGNORE: &str = "unused-ignore";

/// The directive after the comment marker.
const DIRECTIVE: &str = "privlint:ignore";

/// A problem with a suppression that does not stop it from working (no reason, unknown id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub span: Span,
    pub message: String,
}

/// Where a suppression was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `# privlint:ignore ...` (or `//`).
    Comment,
    /// CloudFormation `Metadata.privlint.ignore` entry.
    Metadata,
}

/// A suppression met while filtering one unit, with which of its ids silenced a finding.
/// A file shared by several units (a module) is seen once per unit; `finish` merges them.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub origin: Origin,
    /// The comment (marker to end of line) or the Metadata entry.
    pub span: Span,
    /// The resource it sits on, when known.
    pub resource: Option<String>,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// Parallel to `rules`: did that id suppress a finding?
    pub used: Vec<bool>,
}

/// A `privlint:ignore` comment, and the 1-based line it applies to.
#[derive(Debug, Clone, PartialEq)]
struct Directive {
    span: Span,
    target_line: Option<usize>,
    rules: Vec<String>,
    reason: Option<String>,
}

/// Remove the suppressed findings of one unit. Returns the findings kept and every
/// suppression seen, for `finish`.
pub fn apply(
    files: &[SourceFile],
    resources: &[RawResource],
    findings: Vec<Finding>,
) -> (Vec<Finding>, Vec<Seen>) {
    let mut comments: BTreeMap<FileId, Vec<Directive>> = BTreeMap::new();
    for file in files {
        let found = directives(file);
        if !found.is_empty() {
            comments.insert(file.id, found);
        }
    }
    let line_of = |span: Span| -> Option<usize> {
        files
            .iter()
            .find(|f| f.id == span.file)
            .map(|f| f.position(span.start).line)
    };

    // One `Seen` per comment and per Metadata entry, in a stable order.
    let mut seen: Vec<Seen> = Vec::new();
    let mut comment_index: BTreeMap<(FileId, usize), usize> = BTreeMap::new();
    for (file, found) in &comments {
        for d in found {
            let resource = d.target_line.and_then(|line| {
                resources
                    .iter()
                    .find(|r| r.header.file == *file && line_of(r.header) == Some(line))
                    .map(|r| base_address(&r.address).to_string())
            });
            comment_index.insert((*file, d.span.start), seen.len());
            seen.push(Seen {
                origin: Origin::Comment,
                span: d.span,
                resource,
                rules: d.rules.clone(),
                reason: d.reason.clone(),
                used: vec![false; d.rules.len()],
            });
        }
    }
    let mut metadata_index: BTreeMap<(FileId, usize), usize> = BTreeMap::new();
    for r in resources {
        for s in &r.suppressed {
            metadata_index
                .entry((s.span.file, s.span.start))
                .or_insert_with(|| {
                    seen.push(Seen {
                        origin: Origin::Metadata,
                        span: s.span,
                        resource: Some(r.address.clone()),
                        rules: s.rules.clone(),
                        reason: s.reason.clone(),
                        used: vec![false; s.rules.len()],
                    });
                    seen.len() - 1
                });
        }
    }

    let mut kept = Vec::with_capacity(findings.len());
    for finding in findings {
        let mut suppressed = false;
        let mut mark = |seen: &mut Vec<Seen>, index: usize| {
            if let Some(s) = seen.get_mut(index) {
                for (id, used) in s.rules.iter().zip(s.used.iter_mut()) {
                    if id.eq_ignore_ascii_case(finding.rule) {
                        *used = true;
                        suppressed = true;
                    }
                }
            }
        };
        // Comments directly above the finding's own line (an attribute).
        let mut lines = Vec::new();
        if let Some(line) = line_of(finding.span) {
            lines.push((finding.span.file, line));
        }
        // Comments above the header of its resource, and the resource's Metadata.
        for r in resources.iter().filter(|r| r.address == finding.resource) {
            if let Some(line) = line_of(r.header) {
                lines.push((r.header.file, line));
            }
            for s in &r.suppressed {
                if let Some(&index) = metadata_index.get(&(s.span.file, s.span.start)) {
                    mark(&mut seen, index);
                }
            }
        }
        lines.sort_unstable();
        lines.dedup();
        for (file, line) in lines {
            for d in comments.get(&file).into_iter().flatten() {
                if d.target_line == Some(line)
                    && let Some(&index) = comment_index.get(&(file, d.span.start))
                {
                    mark(&mut seen, index);
                }
            }
        }
        if !suppressed {
            kept.push(finding);
        }
    }
    (kept, seen)
}

/// `aws_subnet.a[0]` -> `aws_subnet.a`: a comment above a `count` block covers every instance.
fn base_address(address: &str) -> &str {
    match address.strip_suffix(']').and_then(|a| a.rfind('[')) {
        Some(cut) => address.get(..cut).unwrap_or(address),
        None => address,
    }
}

/// Merge what every unit saw, then turn it into warnings (no reason, unknown id) and, when
/// asked, `unused-ignore` findings for ids of rules that ran and suppressed nothing.
pub fn finish(
    seen: Vec<Seen>,
    enabled_rules: &[&str],
    report_unused: bool,
) -> (Vec<Warning>, Vec<Finding>) {
    let mut merged: BTreeMap<Span, Seen> = BTreeMap::new();
    for s in seen {
        match merged.get_mut(&s.span) {
            Some(existing) => {
                for (mine, theirs) in existing.used.iter_mut().zip(&s.used) {
                    *mine |= *theirs;
                }
            }
            None => {
                merged.insert(s.span, s);
            }
        }
    }
    let mut warnings = Vec::new();
    let mut unused = Vec::new();
    for s in merged.values() {
        let what = describe(s);
        if s.rules.is_empty() {
            warnings.push(Warning {
                span: s.span,
                message: format!("{what} names no rule id, so it suppresses nothing"),
            });
            continue;
        }
        for id in &s.rules {
            if crate::rules::registry::find(id).is_none() {
                warnings.push(Warning {
                    span: s.span,
                    message: format!("{what}: `{id}` is not a privlint rule id"),
                });
            }
        }
        if s.reason.is_none() {
            let fix = match s.origin {
                Origin::Comment => format!(
                    "write it after the ids: `# {DIRECTIVE} {} <reason>`",
                    s.rules.join(",")
                ),
                Origin::Metadata => "use the form `{id: ..., reason: ...}`".to_string(),
            };
            warnings.push(Warning {
                span: s.span,
                message: format!("{what} has no reason; {fix}"),
            });
        }
        if !report_unused {
            continue;
        }
        let stale: Vec<&str> = s
            .rules
            .iter()
            .zip(&s.used)
            .filter(|(id, used)| {
                !**used && enabled_rules.iter().any(|e| e.eq_ignore_ascii_case(id))
            })
            .map(|(id, _)| id.as_str())
            .collect();
        if stale.is_empty() {
            continue;
        }
        let ids = stale.join(",");
        let place = match &s.resource {
            Some(resource) => format!(" on {resource}"),
            None => String::new(),
        };
        unused.push(Finding {
            rule: UNUSED_IGNORE,
            name: UNUSED_IGNORE,
            severity: Severity::Warning,
            span: s.span,
            resource: s.resource.clone().unwrap_or_default(),
            message: format!(
                "{what} suppresses no {ids} finding{place}, so it only hides future ones"
            ),
            primary_label: Some("suppresses nothing".into()),
            help: Some(match s.origin {
                Origin::Comment => format!("remove {ids} from the comment (or the comment)"),
                Origin::Metadata => format!("remove {ids} from Metadata.privlint.ignore"),
            }),
            labels: Vec::new(),
        });
    }
    (warnings, unused)
}

fn describe(s: &Seen) -> String {
    match s.origin {
        Origin::Comment => format!("suppression `{DIRECTIVE} {}`", s.rules.join(",")),
        Origin::Metadata => format!(
            "Metadata suppression of {}{}",
            s.rules.join(","),
            s.resource
                .as_ref()
                .map(|r| format!(" on {r}"))
                .unwrap_or_default()
        ),
    }
}

/// Every `privlint:ignore` comment of a file, with the line it applies to.
fn directives(file: &SourceFile) -> Vec<Directive> {
    let text: &str = &file.text;
    if !text.contains(DIRECTIVE) {
        return Vec::new();
    }
    let slash_comments = file
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tf"));
    // (line, is comment, directive) for every line.
    let mut lines: Vec<(bool, bool, Option<Directive>)> = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let content = line.trim_start();
        let indent = line.len() - content.len();
        let body = if let Some(rest) = content.strip_prefix('#') {
            Some(rest)
        } else if slash_comments {
            content.strip_prefix("//")
        } else {
            None
        };
        let blank = content.is_empty();
        let directive = body.and_then(|body| {
            let start = offset + indent;
            parse_directive(body).map(|(rules, reason)| Directive {
                span: Span::new(file.id, start, offset + line.len()),
                target_line: None,
                rules,
                reason,
            })
        });
        lines.push((blank, body.is_some(), directive));
        offset += raw.len();
    }
    let mut out = Vec::new();
    for (index, (_, _, directive)) in lines.iter().enumerate() {
        let Some(directive) = directive else { continue };
        // The first line below the run of comment lines this one belongs to.
        let target = lines
            .iter()
            .enumerate()
            .skip(index + 1)
            .find(|(_, (_, is_comment, _))| !is_comment)
            .and_then(|(i, (blank, _, _))| (!blank).then_some(i + 1));
        out.push(Directive {
            target_line: target,
            ..directive.clone()
        });
    }
    out
}

/// ` privlint:ignore PRV003,PRV007 reason` -> (ids, reason). `None` when not a directive.
fn parse_directive(body: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = body.trim_start().strip_prefix(DIRECTIVE)?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let mut words = rest.split_whitespace().peekable();
    let mut ids = String::new();
    // `PRV003,PRV007` or `PRV003, PRV007`: keep reading while the list goes on.
    while let Some(word) = words.peek() {
        let looks_like_id = word
            .split(',')
            .all(|part| part.is_empty() || part.chars().all(|c| c.is_ascii_alphanumeric()));
        if !(ids.is_empty() || ids.ends_with(',') || word.starts_with(',')) || !looks_like_id {
            break;
        }
        ids.push_str(word);
        words.next();
    }
    let rules: Vec<String> = ids
        .split(',')
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect();
    let reason: String = words.collect::<Vec<_>>().join(" ");
    let reason = reason
        .trim_start_matches(['-', ':', '\u{2014}'])
        .trim()
        .to_string();
    Some((rules, (!reason.is_empty()).then_some(reason)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::{Lang, Suppression};

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile::new(FileId(0), name.into(), text)
    }

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap();
        Span::new(FileId(0), start, start + needle.len())
    }

    fn resource(text: &str, address: &str, header: &str) -> RawResource {
        let header = span_of(text, header);
        RawResource {
            lang: Lang::Terraform,
            kind: "aws_vpc_endpoint".into(),
            address: address.into(),
            header,
            span: header,
            file: FileId(0),
            body: Vec::new(),
            suppressed: Vec::new(),
        }
    }

    fn finding(rule: &'static str, resource: &str, span: Span) -> Finding {
        Finding {
            rule,
            name: "x",
            severity: Severity::Error,
            span,
            resource: resource.into(),
            message: "m".into(),
            primary_label: None,
            help: None,
            labels: Vec::new(),
        }
    }

    #[test]
    fn parses_ids_and_reason() {
        assert_eq!(
            parse_directive(" privlint:ignore PRV003,PRV007 dev only"),
            Some((
                vec!["PRV003".into(), "PRV007".into()],
                Some("dev only".into())
            ))
        );
        assert_eq!(
            parse_directive(" privlint:ignore PRV003, PRV007 -- dev only"),
            Some((
                vec!["PRV003".into(), "PRV007".into()],
                Some("dev only".into())
            ))
        );
        assert_eq!(
            parse_directive("privlint:ignore PRV003"),
            Some((vec!["PRV003".into()], None))
        );
        assert_eq!(parse_directive(" privlint:ignore"), Some((vec![], None)));
        assert_eq!(parse_directive(" privlint:ignored PRV003"), None);
        assert_eq!(parse_directive(" a note"), None);
    }

    const TF: &str = "\
# privlint:ignore PRV003 DNS is served by a resolver rule
# (owned by the network team)
resource \"aws_vpc_endpoint\" \"api\" {
  vpc_id = aws_vpc.main.id
  // privlint:ignore PRV005
  security_group_ids = []

  # privlint:ignore PRV014 blank line below breaks it

  vpc_endpoint_type = \"Gateway\"
}
";

    #[test]
    fn finds_directives_and_their_lines() {
        let found = directives(&file("main.tf", TF));
        let lines: Vec<_> = found
            .iter()
            .map(|d| (d.rules.clone(), d.target_line, d.reason.is_some()))
            .collect();
        assert_eq!(
            lines,
            [
                (vec!["PRV003".to_string()], Some(3), true),
                (vec!["PRV005".to_string()], Some(6), false),
                (vec!["PRV014".to_string()], None, true),
            ]
        );
        assert_eq!(
            TF.get(found[1].span.start..found[1].span.end),
            Some("// privlint:ignore PRV005")
        );
        // `//` is not a comment in YAML.
        assert!(directives(&file("t.yaml", "// privlint:ignore PRV001\nA: 1\n")).is_empty());
    }

    #[test]
    fn block_and_attribute_comments_suppress() {
        let files = [file("main.tf", TF)];
        let ep = resource(
            TF,
            "aws_vpc_endpoint.api",
            "resource \"aws_vpc_endpoint\" \"api\"",
        );
        let findings = vec![
            finding("PRV003", "aws_vpc_endpoint.api", ep.header),
            finding(
                "PRV005",
                "aws_vpc_endpoint.api",
                span_of(TF, "security_group_ids = []"),
            ),
            finding(
                "PRV014",
                "aws_vpc_endpoint.api",
                span_of(TF, "vpc_endpoint_type"),
            ),
            // Suppressed at the block only for PRV003.
            finding("PRV001", "aws_vpc_endpoint.api", ep.header),
        ];
        let (kept, seen) = apply(&files, &[ep], findings);
        let kept: Vec<_> = kept.iter().map(|f| f.rule).collect();
        assert_eq!(kept, ["PRV014", "PRV001"]);
        let used: Vec<_> = seen.iter().map(|s| s.used.clone()).collect();
        assert_eq!(used, [vec![true], vec![true], vec![false]]);
        assert_eq!(seen[0].resource.as_deref(), Some("aws_vpc_endpoint.api"));
    }

    #[test]
    fn metadata_suppresses_and_merges_and_warns() {
        let text = "Resources:\n  Ep:\n    Type: AWS::EC2::VPCEndpoint\n";
        let files = [file("t.yaml", text)];
        let mut ep = resource(text, "Ep", "Ep:");
        ep.suppressed.push(Suppression {
            rules: vec!["PRV003".into(), "PRV005".into()],
            reason: None,
            span: span_of(text, "Type"),
        });
        let (kept, seen) = apply(
            &files,
            &[ep],
            vec![finding("PRV003", "Ep", Span::default())],
        );
        assert!(kept.is_empty());
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].used, [true, false]);
        let (warnings, unused) = finish(seen.clone(), &["PRV003", "PRV005"], true);
        assert_eq!(
            warnings,
            [Warning {
                span: span_of(text, "Type"),
                message: "Metadata suppression of PRV003,PRV005 on Ep has no reason; use the \
                          form `{id: ..., reason: ...}`"
                    .into()
            }]
        );
        assert_eq!(unused.len(), 1);
        assert_eq!(
            unused[0].message,
            "Metadata suppression of PRV003,PRV005 on Ep suppresses no PRV005 finding on Ep, so \
             it only hides future ones"
        );
        // PRV005 did not run: nothing is known about it, so nothing is reported.
        let (_, unused) = finish(seen.clone(), &["PRV003"], true);
        assert!(unused.is_empty());
        // Seen used in another unit: merged, so not unused.
        let mut other = seen.clone();
        other[0].used = vec![false, true];
        let (_, unused) = finish([seen, other].concat(), &["PRV003", "PRV005"], true);
        assert!(unused.is_empty());
    }

    #[test]
    fn count_instances_share_the_block_comment() {
        assert_eq!(base_address("aws_subnet.a[0]"), "aws_subnet.a");
        assert_eq!(base_address("aws_subnet.a[\"x\"]"), "aws_subnet.a");
        assert_eq!(
            base_address("module.m.aws_subnet.a"),
            "module.m.aws_subnet.a"
        );
    }
}
