//! `--format junit`: JUnit XML as CI test reports read it (Jenkins, GitLab, Azure, ...).
//!
//! One `<testsuite>` per file; in it one `<testcase>` per (rule, resource), failing with the
//! finding's message and location (several findings of the same rule on the same resource
//! share the test case, each listed in the failure text). A file that could not be read is a
//! test case with an `<error>`. A checked file without findings gets one passing test case, so
//! that the report shows what was checked.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::Outcome;
use crate::finding::Finding;
use crate::source::display_path;

/// Test case name of a clean file and of a file that could not be read.
const FILE_CASE: &str = "privlint";

#[derive(Default)]
struct Suite<'a> {
    /// (rule, resource) -> its findings, in report order.
    cases: Vec<((&'a str, &'a str), Vec<&'a Finding>)>,
    errors: Vec<String>,
}

pub fn render(outcome: &Outcome) -> String {
    let mut suites: BTreeMap<String, Suite<'_>> = BTreeMap::new();
    for file in &outcome.files {
        suites.entry(file.display_path()).or_default();
    }
    for f in &outcome.findings {
        let path = outcome
            .file(f.span.file)
            .map(|file| file.display_path())
            .unwrap_or_default();
        let suite = suites.entry(path).or_default();
        let key = (f.rule, f.resource.as_str());
        match suite.cases.iter_mut().find(|(k, _)| *k == key) {
            Some((_, findings)) => findings.push(f),
            None => suite.cases.push((key, vec![f])),
        }
    }
    for e in &outcome.errors {
        let mut text = display_path(&e.path);
        if let Some(line) = e.line {
            let _ = write!(text, ":{line}:{}", e.column.unwrap_or(1));
        }
        let _ = write!(text, ": {}", e.message);
        suites
            .entry(display_path(&e.path))
            .or_default()
            .errors
            .push(text);
    }

    let total_failures: usize = suites.values().map(|s| s.cases.len()).sum();
    let total_errors: usize = suites.values().map(|s| s.errors.len()).sum();
    let total_tests: usize = suites.values().map(tests_of).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"privlint\" tests=\"{total_tests}\" failures=\"{total_failures}\" \
         errors=\"{total_errors}\" time=\"{:.3}\">",
        outcome.elapsed.as_secs_f64()
    );
    for (path, suite) in &suites {
        let path = escape(path);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            tests_of(suite),
            suite.cases.len(),
            suite.errors.len()
        );
        for ((_, resource), findings) in &suite.cases {
            let Some(first) = findings.first() else {
                continue;
            };
            let at = super::locate(outcome, first.span);
            let line = at.as_ref().map(|(_, start, _)| start.line).unwrap_or(1);
            let name = if resource.is_empty() {
                super::title(first)
            } else {
                format!("{} {resource}", super::title(first))
            };
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"{path}\" file=\"{path}\" line=\"{line}\">",
                escape(&name)
            );
            let mut body = String::new();
            for f in findings {
                if let Some((file, start, _)) = super::locate(outcome, f.span) {
                    let _ = write!(body, "{file}:{}:{}: ", start.line, start.column);
                }
                let _ = writeln!(body, "{}: {}", f.severity.as_str(), f.message);
                if let Some(help) = &f.help {
                    let _ = writeln!(body, "help: {help}");
                }
            }
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&first.message),
                escape(first.severity.as_str()),
                escape(&body)
            );
            out.push_str("    </testcase>\n");
        }
        for error in &suite.errors {
            let _ = writeln!(
                out,
                "    <testcase name=\"{FILE_CASE}\" classname=\"{path}\" file=\"{path}\">\n      \
                 <error message=\"{0}\" type=\"parse-error\">{0}</error>\n    </testcase>",
                escape(error)
            );
        }
        if suite.cases.is_empty() && suite.errors.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase name=\"{FILE_CASE}\" classname=\"{path}\" file=\"{path}\"/>"
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn tests_of(suite: &Suite<'_>) -> usize {
    (suite.cases.len() + suite.errors.len()).max(1)
}

/// Text and attribute values: the five XML specials, and control characters XML 1.0 cannot
/// hold at all (replaced), so that any message stays well-formed.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_outcome;

    #[test]
    fn escapes_xml_specials_and_controls() {
        assert_eq!(
            escape("a<b>&\"c'\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;\u{FFFD}"
        );
    }

    #[test]
    fn one_suite_per_file_one_case_per_rule_and_resource() {
        let mut outcome = sample_outcome();
        // A second PRV004 finding on the same resource joins the same test case.
        let mut again = outcome.findings[0].clone();
        again.message = "second".into();
        outcome.findings.push(again);
        let xml = render(&outcome);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let suites: Vec<_> = doc
            .root_element()
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|n| n.attribute("name").unwrap())
            .collect();
        assert_eq!(
            suites,
            [
                "cfn/api.yaml",
                "infra/broken.tf",
                "infra/network.tf",
                "missing"
            ]
        );
        let network = doc
            .descendants()
            .find(|n| n.attribute("name") == Some("infra/network.tf"))
            .unwrap();
        let cases: Vec<_> = network
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .map(|n| n.attribute("name").unwrap())
            .collect();
        assert_eq!(
            cases,
            [
                "PRV004 vpc-dns-disabled aws_vpc.core",
                "PRV012 endpoint-policy-full-access aws_vpc_endpoint.api"
            ]
        );
        let failure = network
            .descendants()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert_eq!(failure.attribute("type"), Some("error"));
        assert_eq!(
            failure.text(),
            Some(
                "infra/network.tf:3:3: error: aws_vpc.core has enable_dns_hostnames off, so the \
                 private DNS of aws_vpc_endpoint.api cannot resolve\nhelp: set \
                 enable_dns_hostnames = true\ninfra/network.tf:3:3: error: second\nhelp: set \
                 enable_dns_hostnames = true\n"
            )
        );
        assert_eq!(doc.root_element().attribute("failures"), Some("3"));
        assert_eq!(doc.root_element().attribute("errors"), Some("2"));
    }
}
