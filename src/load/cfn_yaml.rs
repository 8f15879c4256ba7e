//! YAML (first document of a stream) -> spanned `DocNode` tree, with CloudFormation short-form
//! tags normalised to their long form (`!Ref X` -> `{"Ref": "X"}`).
//!
//! Built from saphyr-parser events with an explicit stack: saphyr's own loaders recurse and
//! overflow the stack on deeply nested input.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};

use super::document::ParseError;
use super::tree::{DocEntry, DocKind, DocNode};
use crate::source::{FileId, LineIndex, Span};

/// Deepest sequence/mapping nesting accepted; real templates stay far below.
pub const MAX_YAML_NESTING: usize = 256;

/// Most nodes that anchors and aliases may copy in total (YAML alias bombs, "billion laughs").
pub const MAX_ALIAS_NODES: usize = 200_000;

/// Short-form tags that become `Fn::<Name>`.
const CFN_FUNCTION_TAGS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "RefAll",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "ValueOf",
    "ValueOfAll",
];

/// Most re-parses spent repairing flow content that is indented less than YAML 1.2 allows.
pub const MAX_INDENT_REPAIRS: usize = 64;

/// Most bytes re-parsed for those repairs, so a huge file cannot take minutes.
const MAX_REPAIR_BYTES: usize = 64 * 1024 * 1024;

/// Parse the first YAML document of `text` (BOM-free, as `read_text` returns it). Offsets in
/// spans and errors are byte offsets into `text`. An empty stream is a null document.
///
/// saphyr follows YAML 1.2 strictly and rejects flow collections and multi-line quoted
/// scalars whose continuation lines are indented less than their block (JSON pasted into a
/// template: `Schema: {"a": 1,\n  "b": 2}` under a deeper key). libyaml, PyYAML and
/// CloudFormation accept them, so such lines are indented further and the text parsed again;
/// indentation inside flow content and quoted scalars carries no meaning, and spans are
/// mapped back to the original text.
pub fn parse_yaml(text: &str, file: FileId) -> Result<DocNode, ParseError> {
    let mut shifts: HashMap<usize, usize> = HashMap::new();
    let shift_width = 1 + text
        .lines()
        .map(|line| line.len() - line.trim_start_matches(' ').len())
        .max()
        .unwrap_or(0);
    let mut shifted: Option<String> = None;
    let mut repairs = 0;
    let original_lines = LineIndex::new(text);
    // The last repair's last line, and the error it was meant to fix.
    let mut last_repair: Option<(usize, ParseError)> = None;
    loop {
        let input = shifted.as_deref().unwrap_or(text);
        let failure = match parse_attempt(text, input, &shifts, file) {
            Ok(doc) => return Ok(doc),
            Err(failure) => failure,
        };
        if let Some((repaired_until, previous)) = last_repair.take() {
            let line0 = original_lines.position(text, failure.error.offset).line - 1;
            if line0 <= repaired_until {
                // The repair did not get past the construct: it really is broken there.
                return Err(previous);
            }
        }
        let Some(lines) = failure.repair.and_then(|r| lines_to_indent(input, r)) else {
            return Err(failure.error);
        };
        let before = shifts.len();
        // Line 0 is never a continuation line.
        for line0 in lines.clone().filter(|&l| l > 0) {
            shifts.insert(line0, shift_width);
        }
        repairs += 1;
        if shifts.len() == before
            || repairs > MAX_INDENT_REPAIRS
            || repairs.saturating_mul(text.len()) > MAX_REPAIR_BYTES
        {
            return Err(failure.error);
        }
        last_repair = Some((*lines.end(), failure.error));
        shifted = Some(indent_lines(text, &shifts));
    }
}

/// A failed parse: the error in the original text's offsets, and what to repair if it is
/// the YAML 1.2 indentation strictness described at `parse_yaml`.
struct Failure {
    error: ParseError,
    repair: Option<Repair>,
}

/// Where saphyr stopped on under-indented flow content, in the parsed input's coordinates.
#[derive(Clone, Copy)]
enum Repair {
    /// At the opening quote of a multi-line quoted scalar.
    Quoted(Marker),
    /// At a token inside a flow collection.
    Flow(Marker),
}

impl From<ParseError> for Failure {
    fn from(error: ParseError) -> Self {
        Failure {
            error,
            repair: None,
        }
    }
}

fn parse_attempt(
    text: &str,
    input: &str,
    shifts: &HashMap<usize, usize>,
    file: FileId,
) -> Result<DocNode, Failure> {
    let mut builder = Builder::new(text, file, shifts);
    let mut parser = Parser::new_from_str(input);
    let mut root = None;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ok) => ok,
            Err(e) => {
                let marker = *e.marker();
                let repair = match e.info() {
                    "invalid indentation in quoted scalar" => Some(Repair::Quoted(marker)),
                    // Block context unrolls its indentation before this check, so these two
                    // only happen inside flow collections.
                    "invalid indentation" | "invalid indentation in flow construct" => {
                        Some(Repair::Flow(marker))
                    }
                    _ => None,
                };
                return Err(Failure {
                    error: builder.scan_error(&e),
                    repair,
                });
            }
        };
        if root.is_some() {
            // One event past the root node, so errors at the end of the first document
            // still surface; later documents are never parsed.
            break;
        }
        let start = builder.offsets.at(span.start);
        let end = builder.offsets.at(span.end);
        let built = match event {
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => None,
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::Alias(id) => Some(builder.alias(id, start, end)?),
            Event::Scalar(value, style, anchor, tag) => {
                let kind = scalar_kind(&value, style, tag.as_deref());
                let built = builder.tagged(kind, start, end, 1, 1, tag.as_deref());
                Some(builder.anchored(built, anchor)?)
            }
            Event::SequenceStart(anchor, tag) => {
                builder.open(Content::Seq(Vec::new()), start, end, anchor, tag.as_deref())?;
                None
            }
            Event::MappingStart(anchor, tag) => {
                let content = Content::Map {
                    entries: Vec::new(),
                    key: None,
                };
                builder.open(content, start, end, anchor, tag.as_deref())?;
                None
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close(start, end)?,
        };
        if let Some(built) = built {
            root = builder.attach(built);
        }
    }
    Ok(root.unwrap_or(DocNode {
        span: Span::new(file, 0, 0),
        kind: DocKind::Null,
    }))
}

/// 0-based lines to indent further for a repair: the continuation lines of the quoted
/// scalar, or the lines from the offending token to the end of its flow collection. `None`
/// when the construct does not end (a genuine error).
fn lines_to_indent(input: &str, repair: Repair) -> Option<std::ops::RangeInclusive<usize>> {
    let lines = LineIndex::new(input);
    let (marker, quoted) = match repair {
        Repair::Quoted(m) => (m, true),
        Repair::Flow(m) => (m, false),
    };
    let line0 = marker.line().saturating_sub(1);
    let start = lines.offset_of(input, line0, marker.col());
    let rest = input.get(start..)?;
    let end = if quoted {
        let quote = rest.chars().next()?;
        start + closing_quote(rest.get(quote.len_utf8()..)?, quote)? + quote.len_utf8()
    } else {
        start + flow_end(rest)?
    };
    let end_line0 = lines.position(input, end).line - 1;
    let first = if quoted { line0 + 1 } else { line0 };
    (first <= end_line0).then_some(first..=end_line0)
}

/// Byte offset of the quote closing a scalar whose body starts `body`.
fn closing_quote(body: &str, quote: char) -> Option<usize> {
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            ('"', '\\') => {
                chars.next();
            }
            ('\'', '\'') => {
                if body.get(i + 1..).is_some_and(|r| r.starts_with('\'')) {
                    chars.next();
                } else {
                    return Some(i);
                }
            }
            ('"', '"') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Byte offset of the bracket closing the flow collection that `rest` is inside of.
fn flow_end(rest: &str) -> Option<usize> {
    let mut depth = 0usize;
    // What precedes a character decides whether a quote opens a string (`it's` does not)
    // and whether `#` starts a comment.
    let mut prev = ' ';
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        let after_separator = prev.is_whitespace() || "[{,:".contains(prev);
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return Some(i),
            },
            '"' | '\'' if after_separator => {
                let close = i + 1 + closing_quote(rest.get(i + 1..)?, c)?;
                while chars.next().is_some_and(|(j, _)| j < close) {}
            }
            '#' if prev.is_whitespace() => {
                while chars.next().is_some_and(|(_, c)| c != '\n') {}
                prev = '\n';
                continue;
            }
            _ => {}
        }
        prev = c;
    }
    None
}

/// `text` with the given lines indented by their shift.
fn indent_lines(text: &str, shifts: &HashMap<usize, usize>) -> String {
    let extra: usize = shifts.values().sum();
    let mut out = String::with_capacity(text.len() + extra);
    for (line0, line) in text.split_inclusive('\n').enumerate() {
        if let Some(&width) = shifts.get(&line0) {
            out.extend(std::iter::repeat_n(' ', width));
        }
        out.push_str(line);
    }
    out
}

/// A finished node with its size and height (both counting tag wrappers), for the alias and
/// depth bounds.
#[derive(Clone)]
struct Built {
    node: DocNode,
    count: usize,
    height: usize,
}

enum Content {
    Seq(Vec<DocNode>),
    Map {
        entries: Vec<DocEntry>,
        key: Option<(String, Span)>,
    },
}

/// An open sequence or mapping.
struct Frame {
    content: Content,
    start: usize,
    /// End of the furthest child so far (block collections end at their last child).
    end: usize,
    anchor: usize,
    tag: Option<Tag>,
    /// Nodes below this one, and the greatest height of a child.
    count: usize,
    child_height: usize,
}

struct Builder<'t> {
    /// The original text: all offsets refer to it.
    text: &'t str,
    file: FileId,
    offsets: ByteOffsets<'t>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Built>,
    alias_nodes: usize,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, file: FileId, shifts: &'t HashMap<usize, usize>) -> Self {
        Builder {
            text,
            file,
            offsets: ByteOffsets::new(text, shifts),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn scan_error(&mut self, e: &ScanError) -> ParseError {
        let info = e.info();
        let message = if info == "recursion limit exceeded" {
            "invalid YAML: flow collections nested too deeply".to_string()
        } else {
            format!("invalid YAML: {info}")
        };
        ParseError {
            offset: self.offsets.at(*e.marker()),
            message,
        }
    }

    fn open(
        &mut self,
        content: Content,
        start: usize,
        end: usize,
        anchor: usize,
        tag: Option<&Tag>,
    ) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_YAML_NESTING {
            return Err(ParseError {
                offset: start,
                message: format!("YAML nesting deeper than {MAX_YAML_NESTING} levels"),
            });
        }
        self.stack.push(Frame {
            content,
            start,
            end,
            anchor,
            tag: tag.cloned(),
            count: 0,
            child_height: 0,
        });
        Ok(())
    }

    fn close(&mut self, start: usize, end: usize) -> Result<Option<Built>, ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Err(ParseError {
                offset: start,
                message: "invalid YAML: unbalanced collection end".to_string(),
            });
        };
        // Flow collections end at their bracket; block ones report an empty span at the next
        // token, so they end at their last child instead.
        let end = if end > start {
            frame.end.max(end)
        } else {
            frame.end
        };
        let kind = match frame.content {
            Content::Seq(items) => DocKind::Seq(items),
            Content::Map { entries, .. } => DocKind::Map(entries),
        };
        let built = self.tagged(
            kind,
            frame.start,
            end,
            frame.count + 1,
            frame.child_height + 1,
            frame.tag.as_ref(),
        );
        self.anchored(built, frame.anchor).map(Some)
    }

    /// Record an anchored node for later aliases (the copy counts toward the alias bound).
    fn anchored(&mut self, built: Built, anchor: usize) -> Result<Built, ParseError> {
        if anchor != 0 {
            self.charge_alias_nodes(built.count, built.node.span.start)?;
            self.anchors.insert(anchor, built.clone());
        }
        Ok(built)
    }

    fn alias(&mut self, id: usize, start: usize, end: usize) -> Result<Built, ParseError> {
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(ParseError {
                offset: start,
                message: "invalid YAML: alias to an anchor that is not defined before it"
                    .to_string(),
            });
        };
        let (count, height) = (anchored.count, anchored.height);
        // Tag wrappers can double a tree's height; an alias may not grow it beyond that.
        if self.stack.len() + height > 2 * MAX_YAML_NESTING {
            return Err(ParseError {
                offset: start,
                message: format!(
                    "YAML alias makes the document nest deeper than {MAX_YAML_NESTING} levels"
                ),
            });
        }
        let mut built = anchored.clone();
        self.charge_alias_nodes(count, start)?;
        built.node.span = self.span(start, end);
        Ok(built)
    }

    fn charge_alias_nodes(&mut self, count: usize, offset: usize) -> Result<(), ParseError> {
        self.alias_nodes = self.alias_nodes.saturating_add(count);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(ParseError {
                offset,
                message: format!(
                    "YAML anchors and aliases expand to more than {MAX_ALIAS_NODES} nodes"
                ),
            });
        }
        Ok(())
    }

    /// Wrap a node in its CloudFormation intrinsic when it carries a short-form tag.
    fn tagged(
        &self,
        kind: DocKind,
        start: usize,
        end: usize,
        count: usize,
        height: usize,
        tag: Option<&Tag>,
    ) -> Built {
        let long_name = tag.and_then(cfn_long_name);
        let Some(long_name) = long_name else {
            return Built {
                node: DocNode {
                    span: self.span(start, end),
                    kind,
                },
                count,
                height,
            };
        };
        let (tag_start, tag_end) = self.tag_range(start, end);
        let value_start = self.skip_space(tag_end, end);
        let inner = DocNode {
            span: self.span(value_start, end),
            kind,
        };
        Built {
            node: DocNode {
                span: self.span(start, end),
                kind: DocKind::Map(vec![DocEntry {
                    key: long_name,
                    key_span: self.span(tag_start, tag_end),
                    value: inner,
                }]),
            },
            count: count + 1,
            height: height + 1,
        }
    }

    /// Byte range of the tag (`!GetAtt`) inside a tagged node's span (which starts at its
    /// properties: tag and anchor).
    fn tag_range(&self, start: usize, end: usize) -> (usize, usize) {
        let region = self.text.get(start..end).unwrap_or("");
        let Some(bang) = region.find('!') else {
            return (start, start);
        };
        let rest = region.get(bang..).unwrap_or("");
        let len = if rest.starts_with("!<") {
            rest.find('>').map_or(rest.len(), |i| i + 1)
        } else {
            rest.find(|c: char| c.is_whitespace() || ",[]{}".contains(c))
                .unwrap_or(rest.len())
        };
        (start + bang, start + bang + len)
    }

    fn skip_space(&self, from: usize, end: usize) -> usize {
        let region = self.text.get(from..end).unwrap_or("");
        let skipped = region.len() - region.trim_start().len();
        from + skipped
    }

    /// Put a finished node into its parent; returns it when it is the document's root.
    fn attach(&mut self, built: Built) -> Option<DocNode> {
        let text = self.text;
        let Some(parent) = self.stack.last_mut() else {
            return Some(built.node);
        };
        parent.count += built.count;
        parent.child_height = parent.child_height.max(built.height);
        parent.end = parent.end.max(built.node.span.end);
        match &mut parent.content {
            Content::Seq(items) => items.push(built.node),
            Content::Map { entries, key } => match key.take() {
                None => *key = Some((key_text(text, &built.node), built.node.span)),
                Some((key, key_span)) => entries.push(DocEntry {
                    key,
                    key_span,
                    value: built.node,
                }),
            },
        }
        None
    }
}

/// A mapping key as text: scalars as written, anything else (complex keys) as its source.
fn key_text(text: &str, node: &DocNode) -> String {
    match &node.kind {
        DocKind::Str(s) | DocKind::Number(s) => s.clone(),
        _ => text
            .get(node.span.start..node.span.end)
            .unwrap_or("")
            .to_string(),
    }
}

/// `Ref`, `Condition` or `Fn::<Name>` for a CloudFormation short-form tag.
fn cfn_long_name(tag: &Tag) -> Option<String> {
    if tag.handle != "!" {
        return None;
    }
    match tag.suffix.as_str() {
        "Ref" => Some("Ref".to_string()),
        "Condition" => Some("Condition".to_string()),
        name if CFN_FUNCTION_TAGS.contains(&name) => Some(format!("Fn::{name}")),
        _ => None,
    }
}

/// YAML 1.2 core schema resolution (not 1.1: `yes`/`no`/`on`/`off` stay strings).
fn scalar_kind(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> DocKind {
    if let Some(tag) = tag {
        if tag.is_yaml_core_schema() {
            match tag.suffix.as_str() {
                "str" => return DocKind::Str(value.to_string()),
                "int" | "float" if is_core_number(value) => {
                    return DocKind::Number(value.to_string());
                }
                _ => {}
            }
        } else if tag.suffix == "!" || tag.suffix.is_empty() {
            // The non-specific tag `!` forces a string.
            return DocKind::Str(value.to_string());
        }
    }
    if style != ScalarStyle::Plain {
        return DocKind::Str(value.to_string());
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => DocKind::Null,
        "true" | "True" | "TRUE" => DocKind::Bool(true),
        "false" | "False" | "FALSE" => DocKind::Bool(false),
        _ if is_core_number(value) => DocKind::Number(value.to_string()),
        _ => DocKind::Str(value.to_string()),
    }
}

/// Integers (decimal, `0o`, `0x`), floats, `.inf` and `.nan` of the YAML 1.2 core schema.
fn is_core_number(s: &str) -> bool {
    let all = |s: &str, f: fn(char) -> bool| !s.is_empty() && s.chars().all(f);
    if let Some(oct) = s.strip_prefix("0o") {
        return all(oct, |c| matches!(c, '0'..='7'));
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return all(hex, |c| c.is_ascii_hexdigit());
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (unsigned.get(..i).unwrap_or(""), unsigned.get(i + 1..)),
        None => (unsigned, None),
    };
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        if !all(digits, |c| c.is_ascii_digit()) {
            return false;
        }
    }
    match mantissa.split_once('.') {
        // `.5`, `1.`, `1.5`
        Some((int, frac)) => {
            (int.is_empty() && all(frac, |c| c.is_ascii_digit()))
                || (all(int, |c| c.is_ascii_digit()) && frac.chars().all(|c| c.is_ascii_digit()))
        }
        None => all(mantissa, |c| c.is_ascii_digit()),
    }
}

/// saphyr markers -> byte offsets. Marker indexes count characters and can drift, so the
/// offset comes from line and column. Events arrive in text order, so the walk from the last
/// position is short; this keeps very long lines linear.
struct ByteOffsets<'t> {
    text: &'t str,
    lines: LineIndex,
    /// Last answer: 0-based line, 0-based char column, byte offset.
    last: (usize, usize, usize),
    /// saphyr does not count a leading BOM in its columns; the line index does.
    bom: bool,
    /// Spaces added in front of lines for the parser (see `parse_yaml`), by 0-based line.
    shifts: &'t HashMap<usize, usize>,
}

impl<'t> ByteOffsets<'t> {
    fn new(text: &'t str, shifts: &'t HashMap<usize, usize>) -> Self {
        ByteOffsets {
            shifts,
            text,
            lines: LineIndex::new(text),
            last: (0, 0, 0),
            bom: text.starts_with('\u{feff}'),
        }
    }

    fn at(&mut self, marker: Marker) -> usize {
        let line0 = marker.line().saturating_sub(1);
        let shift = self.shifts.get(&line0).copied().unwrap_or(0);
        let col = marker.col().saturating_sub(shift) + usize::from(self.bom && line0 == 0);
        let (last_line, last_col, last_byte) = self.last;
        let byte = if line0 == last_line && col >= last_col {
            let line_end = self.lines.offset_of(self.text, line0 + 1, 0);
            let rest = self.text.get(last_byte..line_end).unwrap_or("");
            match rest.char_indices().nth(col - last_col) {
                Some((i, _)) => last_byte + i,
                None => line_end,
            }
        } else {
            self.lines.offset_of(self.text, line0, col)
        };
        self.last = (line0, col, byte);
        byte
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(7);

    fn parse(text: &str) -> DocNode {
        match parse_yaml(text, F) {
            Ok(doc) => doc,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn slice(text: &str, span: Span) -> &str {
        text.get(span.start..span.end).unwrap_or("<bad span>")
    }

    fn str_node(s: &str) -> DocKind {
        DocKind::Str(s.to_string())
    }

    /// The value of a map entry, ignoring spans, as a compact string for exact comparisons.
    fn show(node: &DocNode) -> String {
        match &node.kind {
            DocKind::Null => "null".into(),
            DocKind::Bool(b) => b.to_string(),
            DocKind::Number(n) => format!("#{n}"),
            DocKind::Str(s) => format!("{s:?}"),
            DocKind::Seq(items) => {
                format!(
                    "[{}]",
                    items.iter().map(show).collect::<Vec<_>>().join(", ")
                )
            }
            DocKind::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|e| format!("{}: {}", e.key, show(&e.value)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn value_of<'a>(doc: &'a DocNode, key: &str) -> &'a DocNode {
        match doc.get(key) {
            Some(e) => &e.value,
            None => panic!("no key {key} in {}", show(doc)),
        }
    }

    #[test]
    fn core_schema_scalars() {
        let doc = parse(
            "a: yes\nb: no\nc: on\nd: True\ne: FALSE\nf: ~\ng:\nh: null\ni: 0443\nj: -1.5e3\n\
             k: '1'\nl: \"true\"\nm: 0x1F\nn: 1.2.3\no: !!str 12\np: 2010-09-09\nq: .inf\n",
        );
        assert_eq!(
            show(&doc),
            "{a: \"yes\", b: \"no\", c: \"on\", d: true, e: false, f: null, g: null, h: null, \
             i: #0443, j: #-1.5e3, k: \"1\", l: \"true\", m: #0x1F, n: \"1.2.3\", o: \"12\", \
             p: \"2010-09-09\", q: #.inf}"
        );
    }

    #[test]
    fn short_tags_become_long_form() {
        let text = "A: !Ref Vpc\nB: !GetAtt Sg.GroupId\nC: !GetAtt [Sg, GroupId]\n\
                    D: !Sub 'com.amazonaws.${AWS::Region}.execute-api'\n\
                    E: !Join ['', [a, !Ref B]]\nF: !Condition IsProd\nG: !Rain::Module x\n\
                    H: !If\n  - C\n  - !Select [0, !GetAZs '']\n  - !Ref AWS::NoValue\n";
        let doc = parse(text);
        assert_eq!(show(value_of(&doc, "A")), "{Ref: \"Vpc\"}");
        assert_eq!(show(value_of(&doc, "B")), "{Fn::GetAtt: \"Sg.GroupId\"}");
        assert_eq!(
            show(value_of(&doc, "C")),
            "{Fn::GetAtt: [\"Sg\", \"GroupId\"]}"
        );
        assert_eq!(
            show(value_of(&doc, "D")),
            "{Fn::Sub: \"com.amazonaws.${AWS::Region}.execute-api\"}"
        );
        assert_eq!(
            show(value_of(&doc, "E")),
            "{Fn::Join: [\"\", [\"a\", {Ref: \"B\"}]]}"
        );
        assert_eq!(show(value_of(&doc, "F")), "{Condition: \"IsProd\"}");
        assert_eq!(show(value_of(&doc, "G")), "\"x\"");
        assert_eq!(
            show(value_of(&doc, "H")),
            "{Fn::If: [\"C\", {Fn::Select: [#0, {Fn::GetAZs: \"\"}]}, {Ref: \"AWS::NoValue\"}]}"
        );
    }

    #[test]
    fn tag_spans() {
        let text =
            "A: !Ref Vpc\nC: !GetAtt [Sg, GroupId]\nH: !If\n  - C\n  - x\nI: &a !Sub \"q\"\n";
        let doc = parse(text);
        let a = value_of(&doc, "A");
        assert_eq!(slice(text, a.span), "!Ref Vpc");
        let DocKind::Map(entries) = &a.kind else {
            panic!()
        };
        assert_eq!(slice(text, entries[0].key_span), "!Ref");
        assert_eq!(slice(text, entries[0].value.span), "Vpc");
        let c = &doc.get("C").unwrap().value;
        assert_eq!(slice(text, c.span), "!GetAtt [Sg, GroupId]");
        assert_eq!(
            slice(text, c.get("Fn::GetAtt").unwrap().value.span),
            "[Sg, GroupId]"
        );
        let h = value_of(&doc, "H");
        assert_eq!(slice(text, h.span), "!If\n  - C\n  - x");
        assert_eq!(slice(text, h.get("Fn::If").unwrap().key_span), "!If");
        assert_eq!(
            slice(text, h.get("Fn::If").unwrap().value.span),
            "- C\n  - x"
        );
        let i = value_of(&doc, "I");
        assert_eq!(slice(text, i.get("Fn::Sub").unwrap().key_span), "!Sub");
        assert_eq!(slice(text, i.get("Fn::Sub").unwrap().value.span), "\"q\"");
    }

    #[test]
    fn spans_are_bytes_and_lines_match() {
        let text = "# é comment\nRésumé: \"ü\"\nList:\n  - naïve: 1\n    b: [x, {y: z}]\n";
        let doc = parse(text);
        let lines = LineIndex::new(text);
        let r = doc.get("Résumé").unwrap();
        assert_eq!(slice(text, r.key_span), "Résumé");
        assert_eq!(slice(text, r.value.span), "\"ü\"");
        let pos = lines.position(text, r.value.span.start);
        assert_eq!((pos.line, pos.column), (2, 9));
        let list = value_of(&doc, "List");
        assert_eq!(slice(text, list.span), "- naïve: 1\n    b: [x, {y: z}]");
        let DocKind::Seq(items) = &list.kind else {
            panic!()
        };
        let b = value_of(&items[0], "b");
        assert_eq!(slice(text, b.span), "[x, {y: z}]");
        let pos = lines.position(text, b.span.start);
        assert_eq!((pos.line, pos.column), (5, 8));
        let naive = items[0].get("naïve").unwrap();
        let pos = lines.position(text, naive.value.span.start);
        assert_eq!((pos.line, pos.column), (4, 12));
    }

    #[test]
    fn crlf_spans() {
        let text = "A: 1\r\nB:\r\n  C: !Ref X\r\n";
        let doc = parse(text);
        let c = value_of(value_of(&doc, "B"), "C");
        assert_eq!(slice(text, c.span), "!Ref X");
        assert_eq!(show(&doc), "{A: #1, B: {C: {Ref: \"X\"}}}");
    }

    #[test]
    fn only_the_first_document_is_used() {
        let doc = parse("a: 1\n---\nb: [\n");
        assert_eq!(show(&doc), "{a: #1}");
        assert_eq!(parse("").kind, DocKind::Null);
        assert_eq!(parse("# only a comment\n").kind, DocKind::Null);
    }

    #[test]
    fn anchors_and_aliases_copy_nodes() {
        let text = "a: &x {k: [1, 2]}\nb: *x\n";
        let doc = parse(text);
        assert_eq!(show(&doc), "{a: {k: [#1, #2]}, b: {k: [#1, #2]}}");
        assert_eq!(slice(text, value_of(&doc, "b").span), "*x");
        let err = parse_yaml("a: *nope\n", F).unwrap_err();
        assert_eq!(err.offset, 3);
    }

    #[test]
    fn alias_bomb_is_stopped() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse_yaml(&text, F).unwrap_err();
        assert_eq!(
            err.message,
            format!("YAML anchors and aliases expand to more than {MAX_ALIAS_NODES} nodes")
        );
        let pos = LineIndex::new(&text).position(&text, err.offset);
        assert!(pos.line > 3, "{pos:?}");
    }

    #[test]
    fn deep_nesting_is_a_clean_error() {
        let depth = 100_000;
        let block = format!("{}x\n", "- ".repeat(depth));
        let err = parse_yaml(&block, F).unwrap_err();
        assert_eq!(
            err.message,
            format!("YAML nesting deeper than {MAX_YAML_NESTING} levels")
        );
        assert_eq!(err.offset, 2 * MAX_YAML_NESTING);
        let flow = format!("a: {}", "[".repeat(depth));
        assert!(parse_yaml(&flow, F).is_err());
        let maps = format!("a: {}", "{a: ".repeat(depth));
        assert!(parse_yaml(&maps, F).is_err());
        let ok = format!("{}x\n", "- ".repeat(MAX_YAML_NESTING));
        assert!(parse_yaml(&ok, F).is_ok());
    }

    #[test]
    fn errors_are_located() {
        let text = "Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties: {a: [\n";
        let err = parse_yaml(text, F).unwrap_err();
        assert!(err.message.starts_with("invalid YAML: "), "{}", err.message);
        let pos = LineIndex::new(text).position(text, err.offset);
        assert_eq!(pos.line, 5);
        let err = parse_yaml("a: 1\n b: 2\nc: [\n", F).unwrap_err();
        assert!(err.message.starts_with("invalid YAML: "));
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        let doc = parse("a: |\n  {\"k\": 1}\nb: \"443\"\n");
        assert_eq!(value_of(&doc, "a").kind, str_node("{\"k\": 1}\n"));
        assert_eq!(value_of(&doc, "b").kind, str_node("443"));
    }

    #[test]
    fn under_indented_flow_and_quoted_content_is_accepted() {
        // Accepted by libyaml and CloudFormation, rejected by a strict YAML 1.2 reading.
        let text = "R:\n  P:\n    Schema: {\"a\": 1,\n    \"b\": [x,\n  y], \"it's\": \"#\"\n    }\n    Doc: !Sub '{\n  \"k\": \"v\"\n    }'\n    After: z\n";
        let doc = parse(text);
        assert_eq!(
            show(&doc),
            "{R: {P: {Schema: {a: #1, b: [\"x\", \"y\"], it's: \"#\"}, \
             Doc: {Fn::Sub: \"{ \\\"k\\\": \\\"v\\\" }\"}, After: \"z\"}}}"
        );
        let p = value_of(value_of(&doc, "R"), "P");
        let schema = value_of(p, "Schema");
        assert_eq!(
            slice(text, schema.span),
            "{\"a\": 1,\n    \"b\": [x,\n  y], \"it's\": \"#\"\n    }"
        );
        let b = value_of(schema, "b");
        assert_eq!(slice(text, b.span), "[x,\n  y]");
        let DocKind::Seq(items) = &b.kind else {
            panic!()
        };
        assert_eq!(slice(text, items[1].span), "y");
        assert_eq!(slice(text, value_of(p, "After").span), "z");
        // Genuinely broken flow content is still an error, reported where it starts.
        assert!(parse_yaml("a:\n  b: {x: 1,\n y: 2\n", F).is_err());
        let unterminated = "a:\n  b: !Sub \"x\n  c: 1\n  d: \"y\" z\n";
        let err = parse_yaml(unterminated, F).unwrap_err();
        assert_eq!(
            err.message,
            "invalid YAML: invalid indentation in quoted scalar"
        );
        assert_eq!(err.offset, unterminated.find("\"x").unwrap());
    }

    #[test]
    fn number_recogniser() {
        for yes in [
            "0", "-1", "+1", "1.5", ".5", "1.", "1e3", "1.5E-3", "0o17", "0xFf",
        ] {
            assert!(is_core_number(yes), "{yes}");
        }
        for no in [
            "", "-", ".", "1e", "0o8", "0x", "1_000", "1.2.3", "e3", "12a", "+.5e",
        ] {
            assert!(!is_core_number(no), "{no}");
        }
    }
}
