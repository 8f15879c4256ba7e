//! HCL parsing with spans (hcl-edit), guarded against input that would exhaust the stack,
//! and hcl-edit errors turned into located `LoadError`s.

use std::collections::BTreeSet;
use std::path::Path;

use hcl_edit::structure::Body;

use super::LoadError;
use crate::source::LineIndex;

/// Deepest bracket nesting (`{`, `[`, `(` and template interpolations) accepted before
/// parsing. The parser is recursive: without this cap, 100,000 `[` overflow the stack. Real
/// configurations stay far below it (policies nest about ten levels).
pub const MAX_HCL_NESTING: usize = 128;

/// Most duplicate object keys one file may have (each costs a re-parse).
const MAX_DUPLICATE_KEY_RETRIES: usize = 64;

/// A parsed HCL file.
#[derive(Debug)]
pub struct ParsedHcl {
    pub body: Body,
    /// Byte offsets of object keys that repeat an earlier key of their object. hcl-edit
    /// rejects those, Terraform accepts them (the last one wins), so they were parsed under a
    /// stand-in name of the same byte length: read the real key from the text at this offset.
    pub renamed_keys: BTreeSet<usize>,
}

/// Parse a `.tf` / `.tfvars` text into a body, or explain where and why it is not valid HCL.
pub fn parse_body(path: &Path, text: &str) -> Result<ParsedHcl, LoadError> {
    if let Err(offset) = check_nesting(text) {
        let lines = LineIndex::new(text);
        let pos = lines.position(text, offset);
        return Err(LoadError::new(
            path,
            format!("HCL nesting deeper than {MAX_HCL_NESTING} levels; file not checked"),
        )
        .at(pos.line, pos.column));
    }
    let mut renamed_keys = BTreeSet::new();
    let mut patched: Option<Vec<u8>> = None;
    loop {
        let input = match &patched {
            // Renaming only swaps ASCII for whole UTF-8 sequences, so the text stays valid.
            Some(bytes) => std::str::from_utf8(bytes).unwrap_or(text),
            None => text,
        };
        let err = match hcl_edit::parser::parse_body(input) {
            Ok(body) => return Ok(ParsedHcl { body, renamed_keys }),
            Err(err) => err,
        };
        let offset = err.location().offset();
        let duplicate = err.message().contains("redefined object key")
            && renamed_keys.len() < MAX_DUPLICATE_KEY_RETRIES
            && !renamed_keys.contains(&offset);
        let bytes = patched.get_or_insert_with(|| text.as_bytes().to_vec());
        if !duplicate || !rename_key(bytes, offset, renamed_keys.len()) {
            return Err(located_error(path, text, &err));
        }
        renamed_keys.insert(offset);
    }
}

/// Overwrite the object key (identifier or quoted string) at `offset` with a stand-in name of
/// the same byte length. False when there is no such key there.
fn rename_key(bytes: &mut [u8], offset: usize, counter: usize) -> bool {
    let (start, len) = match bytes.get(offset) {
        Some(b'"') => {
            let start = offset + 1;
            let Some(rest) = bytes.get(start..) else {
                return false;
            };
            let len = rest
                .iter()
                .take_while(|&&b| b != b'"' && b != b'\\' && b != b'\n' && b != b'$' && b != b'%')
                .count();
            if rest.get(len) != Some(&b'"') {
                return false;
            }
            (start, len)
        }
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
            let len = bytes
                .get(offset..)
                .unwrap_or(&[])
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
                .count();
            (offset, len)
        }
        _ => return false,
    };
    const FIRST: &[u8] = b"ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba";
    const REST: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let Some(key) = bytes.get_mut(start..start + len) else {
        return false;
    };
    if key.is_empty() {
        return false;
    }
    // A name unlike real keys; a clash only costs another retry.
    let mut n = counter;
    for (i, b) in key.iter_mut().enumerate() {
        if i == 0 {
            *b = FIRST.get(n % FIRST.len()).copied().unwrap_or(b'Z');
            n /= FIRST.len();
        } else {
            *b = REST.get(n % REST.len()).copied().unwrap_or(b'0');
            n /= REST.len();
        }
    }
    true
}

/// Parse a single HCL expression (a `--var` value). Same nesting guard as files.
pub fn parse_expr(text: &str) -> Option<hcl_edit::expr::Expression> {
    check_nesting(text).ok()?;
    hcl_edit::parser::parse_expr(text).ok()
}

/// An hcl-edit error as a `LoadError` (hcl-edit reports 1-based line and character column).
/// The error at its byte offset, positioned by `LineIndex` like every other location
/// (hcl-edit's own column counts differently after multi-byte characters).
pub fn located_error(path: &Path, text: &str, err: &hcl_edit::parser::Error) -> LoadError {
    let at = crate::source::LineIndex::new(text).position(text, err.location().offset());
    LoadError::new(path, format!("invalid HCL: {}", err.message())).at(at.line, at.column)
}

/// Where the scanner is: ordinary code, inside a quoted string, or inside a bracket or template
/// interpolation (both of which end at a closing bracket).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Bracket,
    Interpolation,
    Str,
}

/// Cheap byte scan for nesting depth. Skips comments, and the contents of quoted strings
/// except their `${`/`%{` interpolations; skips heredoc bodies entirely (hcl-edit bounds what
/// it parses inside them itself). Returns the byte offset where the cap is exceeded.
///
/// It is deliberately rough: it must never reject real files, and only has to stop input
/// that is absurdly deep.
fn check_nesting(text: &str) -> Result<(), usize> {
    let bytes = text.as_bytes();
    // The stack never grows past MAX_HCL_NESTING + 1: we return as soon as it would.
    let mut stack: Vec<Frame> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        if stack.last() == Some(&Frame::Str) {
            match b {
                b'\\' => i += 1,
                b'"' | b'\n' => {
                    stack.pop();
                }
                b'$' | b'%' if next == Some(b'{') => {
                    if bytes.get(i.wrapping_sub(1)) == Some(&b) {
                        // `$${` / `%%{` are escapes, not interpolations.
                    } else {
                        depth += 1;
                        if depth > MAX_HCL_NESTING {
                            return Err(i);
                        }
                        stack.push(Frame::Interpolation);
                        i += 1;
                    }
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => stack.push(Frame::Str),
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_HCL_NESTING {
                    return Err(i);
                }
                stack.push(Frame::Bracket);
            }
            b'}' | b']' | b')' => {
                if matches!(stack.last(), Some(Frame::Bracket | Frame::Interpolation)) {
                    stack.pop();
                    depth = depth.saturating_sub(1);
                }
            }
            b'#' => i = end_of_line(bytes, i),
            b'/' if next == Some(b'/') => i = end_of_line(bytes, i),
            b'/' if next == Some(b'*') => {
                i = find(bytes, i + 2, b"*/").map_or(bytes.len(), |end| end + 1);
            }
            b'<' if next == Some(b'<') => {
                if let Some(end) = heredoc_end(bytes, i + 2) {
                    i = end;
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn end_of_line(bytes: &[u8], from: usize) -> usize {
    find(bytes, from, b"\n").unwrap_or(bytes.len())
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// `at` is just after `<<`. If a heredoc starts here, the offset of the last byte of its
/// closing delimiter line; otherwise `None` (then `<<` was something else).
fn heredoc_end(bytes: &[u8], at: usize) -> Option<usize> {
    let start = if bytes.get(at) == Some(&b'-') {
        at + 1
    } else {
        at
    };
    let len = bytes
        .get(start..)?
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
        .count();
    let delim = bytes.get(start..start + len)?;
    if delim.is_empty() {
        return None;
    }
    let mut line_start = end_of_line(bytes, start + len) + 1;
    while line_start < bytes.len() {
        let line_end = end_of_line(bytes, line_start);
        let line = bytes.get(line_start..line_end)?;
        if line.trim_ascii() == delim {
            return Some(line_end.saturating_sub(1));
        }
        line_start = line_end + 1;
    }
    // Unterminated: let the parser report it.
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err_of(text: &str) -> LoadError {
        match parse_body(Path::new("m/main.tf"), text) {
            Ok(_) => panic!("expected an error for {text:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn deep_brackets_are_rejected_not_overflowed() {
        let text = format!("a = {}", "[".repeat(100_000));
        let e = err_of(&text);
        assert_eq!(e.line, Some(1));
        // `a = ` is 4 bytes; the 129th `[` is where the cap is exceeded.
        assert_eq!(e.column, Some(5 + MAX_HCL_NESTING));
        assert!(
            e.message.contains("nesting deeper than 128"),
            "{}",
            e.message
        );
    }

    #[test]
    fn deep_braces_and_blocks_are_rejected() {
        let e = err_of(&format!("a = {}", "{".repeat(100_000)));
        assert_eq!(e.line, Some(1));
        let e = err_of(&"b {\n".repeat(100_000));
        assert_eq!(e.line, Some(MAX_HCL_NESTING + 1));
        assert_eq!(e.column, Some(3));
        let e = err_of(&format!("a = \"{}\"", "${[".repeat(100_000)));
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn brackets_in_strings_comments_and_heredocs_do_not_count() {
        let many = "[".repeat(1000);
        let text = format!(
            "# {many}\n// {many}\n/* {many} */\na = \"{many}\"\nb = <<EOT\n{many}\nEOT\nc = <<-X\n  {many}\n  X\nd = [[1]]\n"
        );
        assert!(check_nesting(&text).is_ok());
        assert!(parse_body(Path::new("x.tf"), &text).is_ok());
    }

    #[test]
    fn escaped_interpolation_is_not_nesting() {
        let text = format!("a = \"{}\"\n", "$${".repeat(1000));
        assert!(check_nesting(&text).is_ok());
    }

    #[test]
    fn parse_error_is_located() {
        let e = err_of("resource \"a\" \"b\" {\n  x = \n}\n");
        assert_eq!(e.path, Path::new("m/main.tf"));
        assert_eq!((e.line, e.column), (Some(2), Some(7)), "{e:?}");
        assert!(e.message.starts_with("invalid HCL: "), "{}", e.message);
    }

    #[test]
    fn duplicate_object_keys_parse_like_terraform() {
        use hcl_edit::Span as _;
        let text = "a = { k = 1, k = 2, \"q\" = 3, \"q\" = 4, k = 5 }\n";
        let parsed = parse_body(Path::new("x.tf"), text).unwrap();
        let offsets: Vec<usize> = parsed.renamed_keys.iter().copied().collect();
        assert_eq!(offsets, [13, 29, 38]);
        let attr = parsed.body.attributes().next().unwrap();
        let object = attr.value.as_object().unwrap();
        assert_eq!(object.len(), 5);
        // Spans still index the original text.
        let spans: Vec<&str> = object
            .iter()
            .map(|(k, _)| &text[k.span().unwrap()])
            .collect();
        assert_eq!(spans, ["k", "k", "\"q\"", "\"q\"", "k"]);
        // Duplicate attributes in a body stay an error, as in Terraform.
        assert!(parse_body(Path::new("x.tf"), "a = 1\na = 2\n").is_err());
    }

    #[test]
    fn spans_are_byte_offsets_of_the_text() {
        use hcl_edit::Span as _;
        let text = "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";
        let body = parse_body(Path::new("x.tf"), text).unwrap().body;
        let block = body.blocks().next().unwrap();
        let attr = block.body.attributes().next().unwrap();
        let span = attr.value.span().unwrap();
        assert_eq!(&text[span], "\"10.0.0.0/16\"");
        assert_eq!(&text[attr.key.span().unwrap()], "cidr_block");
        assert_eq!(&text[block.span().unwrap()], text.trim_end());
    }
}
