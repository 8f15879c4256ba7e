//! Strict JSON (as CloudFormation accepts it) -> spanned `DocNode` tree.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions, parse_to_ast};

use super::document::ParseError;
use super::tree::{DocEntry, DocKind, DocNode};
use crate::source::{FileId, Span};

/// Deepest nesting accepted. jsonc-parser already stops at 512 levels; this guards our own
/// recursive conversion should that limit ever change.
pub const MAX_JSON_NESTING: usize = 512;

/// Parse a JSON document. Offsets in spans and errors are byte offsets into `text`.
pub fn parse_json(text: &str, file: FileId) -> Result<DocNode, ParseError> {
    // Every relaxation off: CloudFormation rejects comments, trailing commas, single quotes, ...
    // Spelled out field by field so a new option in jsonc-parser fails to compile here.
    let parse_options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect_options = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed = parse_to_ast(text, &collect_options, &parse_options).map_err(|e| {
        let message = match e.kind() {
            ParseErrorKind::NestingDepthExceeded => {
                format!("invalid JSON: nesting deeper than {MAX_JSON_NESTING} levels")
            }
            kind => format!("invalid JSON: {kind}"),
        };
        ParseError {
            offset: e.range().start,
            message,
        }
    })?;
    match parsed.value {
        Some(value) => convert(&value, file, 0),
        None => Err(ParseError {
            offset: 0,
            message: "invalid JSON: the file holds no JSON value".to_string(),
        }),
    }
}

fn convert(value: &Value<'_>, file: FileId, depth: usize) -> Result<DocNode, ParseError> {
    let span = |r: jsonc_parser::common::Range| Span::new(file, r.start, r.end);
    if depth > MAX_JSON_NESTING {
        let start = match value {
            Value::Object(o) => o.range.start,
            Value::Array(a) => a.range.start,
            _ => 0,
        };
        return Err(ParseError {
            offset: start,
            message: format!("invalid JSON: nesting deeper than {MAX_JSON_NESTING} levels"),
        });
    }
    let node = match value {
        Value::StringLit(s) => DocNode {
            span: span(s.range),
            kind: DocKind::Str(s.value.to_string()),
        },
        Value::NumberLit(n) => DocNode {
            span: span(n.range),
            kind: DocKind::Number(n.value.to_string()),
        },
        Value::BooleanLit(b) => DocNode {
            span: span(b.range),
            kind: DocKind::Bool(b.value),
        },
        Value::NullKeyword(n) => DocNode {
            span: span(n.range),
            kind: DocKind::Null,
        },
        Value::Array(a) => {
            let items = a
                .elements
                .iter()
                .map(|v| convert(v, file, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            DocNode {
                span: span(a.range),
                kind: DocKind::Seq(items),
            }
        }
        Value::Object(o) => {
            let mut entries = Vec::with_capacity(o.properties.len());
            for prop in &o.properties {
                let (key, key_range) = match &prop.name {
                    ObjectPropName::String(s) => (s.value.to_string(), s.range),
                    // Unreachable with loose property names off; kept total anyway.
                    ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                };
                entries.push(DocEntry {
                    key,
                    key_span: span(key_range),
                    value: convert(&prop.value, file, depth + 1)?,
                });
            }
            DocNode {
                span: span(o.range),
                kind: DocKind::Map(entries),
            }
        }
    };
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::LineIndex;

    const F: FileId = FileId(3);

    fn slice(text: &str, span: Span) -> &str {
        text.get(span.start..span.end).unwrap_or("<bad span>")
    }

    #[test]
    fn values_keep_order_source_numbers_and_byte_spans() {
        let text = "{\"é\": \"ü\", \"b\": [1.50, -2e3, true, false, null], \"a\": {}}";
        let doc = parse_json(text, F).unwrap();
        assert_eq!(doc.span, Span::new(F, 0, text.len()));
        let DocKind::Map(entries) = &doc.kind else {
            panic!("not a map: {doc:?}")
        };
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["é", "b", "a"]);
        assert_eq!(slice(text, entries[0].key_span), "\"é\"");
        assert_eq!(slice(text, entries[0].value.span), "\"ü\"");
        assert_eq!(entries[0].value.kind, DocKind::Str("ü".into()));
        let DocKind::Seq(items) = &entries[1].value.kind else {
            panic!()
        };
        let kinds: Vec<&DocKind> = items.iter().map(|n| &n.kind).collect();
        assert_eq!(
            kinds,
            [
                &DocKind::Number("1.50".into()),
                &DocKind::Number("-2e3".into()),
                &DocKind::Bool(true),
                &DocKind::Bool(false),
                &DocKind::Null
            ]
        );
        assert_eq!(slice(text, items[1].span), "-2e3");
        assert_eq!(entries[2].value.kind, DocKind::Map(vec![]));
    }

    #[test]
    fn escapes_are_decoded() {
        let doc = parse_json(r#"{"a": "x\"\u00e9\n"}"#, F).unwrap();
        assert_eq!(
            doc.get("a").map(|e| &e.value.kind),
            Some(&DocKind::Str("x\"é\n".into()))
        );
    }

    fn error_position(text: &str) -> (usize, usize, String) {
        let err = parse_json(text, F).unwrap_err();
        let pos = LineIndex::new(text).position(text, err.offset);
        (pos.line, pos.column, err.message)
    }

    #[test]
    fn relaxed_syntax_is_rejected_with_location() {
        assert_eq!(
            error_position("{\n  \"a\": 1, // c\n}"),
            (2, 11, "invalid JSON: Comments are not allowed".into())
        );
        // Error offsets are bytes: the column after multi-byte characters still counts chars.
        assert_eq!(
            error_position("{\n  \"éé\": 1, // c\n}"),
            (2, 12, "invalid JSON: Comments are not allowed".into())
        );
        assert_eq!(
            error_position("{\n  \"a\": 1,\n}").0,
            2,
            "trailing comma is an error"
        );
        assert!(parse_json("{'a': 1}", F).is_err());
        assert!(parse_json("{a: 1}", F).is_err());
        assert!(parse_json("{\"a\": 0x10}", F).is_err());
        assert!(parse_json("{\"a\": +1}", F).is_err());
        assert!(parse_json("{\"a\": .5}", F).is_err());
        assert!(parse_json("{\"a\": NaN}", F).is_err());
        assert!(parse_json("{\"a\": 1 \"b\": 2}", F).is_err());
        assert!(parse_json("[1] [2]", F).is_err());
        assert!(parse_json("", F).is_err());
    }

    #[test]
    fn truncated_document_is_located() {
        let (line, _, message) = error_position("{\n  \"Resources\": {\n    \"A\": {");
        assert_eq!(line, 3);
        assert!(message.starts_with("invalid JSON"), "{message}");
    }

    #[test]
    fn deep_nesting_is_a_clean_error() {
        let depth = 100_000;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let err = parse_json(&text, F).unwrap_err();
        assert_eq!(
            err.message,
            format!("invalid JSON: nesting deeper than {MAX_JSON_NESTING} levels")
        );
        let objects = "{\"a\":".repeat(depth);
        assert!(parse_json(&objects, F).is_err());
        // Just under the limit still parses.
        let ok = format!("{}{}", "[".repeat(500), "]".repeat(500));
        assert!(parse_json(&ok, F).is_ok());
    }
}
