//! `--format github`: one GitHub Actions workflow command per finding, which the runner turns
//! into an annotation on the pull request:
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=PRV004 vpc-dns-disabled::message`.
//!
//! GitHub rejects `col`/`endColumn` on an annotation that spans several lines, so those are
//! left out then. Values are escaped as the runner expects: `%`, CR and LF everywhere, and also
//! `:` and `,` inside properties.

use crate::Outcome;
use crate::finding::Severity;
use crate::source::display_path;

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for f in &outcome.findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = Vec::new();
        if let Some((file, start, end)) = super::locate(outcome, f.span) {
            properties.push(("file", file));
            properties.push(("line", start.line.to_string()));
            if start.line == end.line {
                properties.push(("col", start.column.to_string()));
                properties.push(("endLine", end.line.to_string()));
                properties.push(("endColumn", end.column.to_string()));
            } else {
                properties.push(("endLine", end.line.to_string()));
            }
        }
        properties.push(("title", super::title(f)));
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        push_command(&mut out, command, &properties, &message);
    }
    for e in &outcome.errors {
        let mut properties = vec![("file", display_path(&e.path))];
        if let Some(line) = e.line {
            properties.push(("line", line.to_string()));
            if let Some(column) = e.column {
                properties.push(("col", column.to_string()));
            }
        }
        properties.push(("title", "privlint: cannot read file".to_string()));
        push_command(&mut out, "error", &properties, &e.message);
    }
    out
}

fn push_command(out: &mut String, command: &str, properties: &[(&str, String)], message: &str) {
    out.push_str("::");
    out.push_str(command);
    for (i, (key, value)) in properties.iter().enumerate() {
        out.push(if i == 0 { ' ' } else { ',' });
        out.push_str(key);
        out.push('=');
        out.push_str(&escape_property(value));
    }
    out.push_str("::");
    out.push_str(&escape_data(message));
    out.push('\n');
}

/// The message after `::`.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A `key=value` property: also `:` and `,`, which end a value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_outcome;

    #[test]
    fn one_command_per_finding_then_errors() {
        let rendered = render(&sample_outcome());
        let lines: Vec<&str> = rendered.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=infra/network.tf,line=3,col=3,endLine=3,endColumn=31,\
                 title=PRV004 vpc-dns-disabled::aws_vpc.core has enable_dns_hostnames off, \
                 so the private DNS of aws_vpc_endpoint.api cannot resolve%0Ahelp: set \
                 enable_dns_hostnames = true",
                "::warning file=cfn/api.yaml,line=2,col=3,endLine=2,endColumn=7,\
                 title=PRV001 private-api-missing-policy::Api is a \"PRIVATE\" API without a \
                 resource policy; nobody can invoke it",
                "::notice file=infra/network.tf,line=6,col=1,endLine=6,endColumn=34,\
                 title=PRV012 endpoint-policy-full-access::aws_vpc_endpoint.api has no endpoint \
                 policy, so it allows every call",
                "::error file=infra/broken.tf,line=7,col=1,title=privlint%3A cannot read file::\
                 unexpected `}`",
                "::error file=missing,title=privlint%3A cannot read file::no such file or \
                 directory",
            ]
        );
    }

    #[test]
    fn multi_line_spans_leave_out_columns() {
        let mut outcome = sample_outcome();
        outcome.errors.clear();
        outcome.findings.truncate(1);
        let text = crate::report::test_support::NETWORK_TF;
        let start = text.find("resource").unwrap();
        let end = text.find("}\n").unwrap() + 1;
        outcome.findings[0].span = crate::source::Span::new(outcome.files[0].id, start, end);
        let rendered = render(&outcome);
        assert!(
            rendered.starts_with(
                "::error file=infra/network.tf,line=1,endLine=4,title=PRV004 vpc-dns-disabled::"
            ),
            "{rendered}"
        );
    }

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
