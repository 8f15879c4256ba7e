//! Property tests for every loader (SPEC §6): arbitrary bytes and mutations of the fixtures
//! never panic, every span of a resulting tree is in bounds and on a character boundary, and
//! line/column agree with the byte offset.
//!
//! Case counts stay modest so that `cargo test` stays fast in a debug build;
//! `PROPTEST_CASES=5000 cargo test --test properties` searches harder.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hcl_edit::Span as _;
use hcl_edit::visit::{self, Visit};
use privlint::load::tree::{DocKind, DocNode};
use privlint::load::{FoundFile, LoadError, cfn_json, cfn_yaml, document, hcl};
use privlint::resolve::terraform::{TfInputs, load_module};
use privlint::resolve::{Entry, Node, RawResource, Val};
use privlint::source::{FileId, LineIndex, Position, Span};
use proptest::prelude::*;

const CASES: u32 = 256;

// ---- inputs -----------------------------------------------------------------------------

/// The fixture files of one syntax, read once.
fn fixtures(exts: &[&str]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures"
    ))];
    pending.push(PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples"
    )));
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
            {
                out.push(std::fs::read(&path).unwrap());
            }
        }
    }
    assert!(!out.is_empty(), "no fixtures with {exts:?}");
    out
}

fn hcl_fixtures() -> &'static [Vec<u8>] {
    static F: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    F.get_or_init(|| fixtures(&["tf", "tfvars"]))
}

fn json_fixtures() -> &'static [Vec<u8>] {
    static F: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    F.get_or_init(|| fixtures(&["json"]))
}

fn yaml_fixtures() -> &'static [Vec<u8>] {
    static F: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    F.get_or_init(|| fixtures(&["yaml", "yml"]))
}

/// One edit of a byte string; positions and lengths are taken modulo the input's size.
#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Duplicate { from: usize, len: usize, to: usize },
}

/// Bytes that matter to the three syntaxes, so that insertions often hit parser edge cases.
const SYNTAX_BYTES: &[u8] = b"{}[]()\"':,\n\r\t -#$%!&*|>?=<\\/.0123456789aZ";

fn insert_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(SYNTAX_BYTES), 1..8),
        proptest::collection::vec(any::<u8>(), 1..8),
        Just(b"${".to_vec()),
        Just(b"<<EOT\n".to_vec()),
        Just(b"!Ref ".to_vec()),
        Just(b"&a *a ".to_vec()),
        Just("é€😀".as_bytes().to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1..64usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), insert_bytes()).prop_map(|(at, bytes)| Edit::Insert { at, bytes }),
        (any::<usize>(), 1..128usize, any::<usize>()).prop_map(|(from, len, to)| Edit::Duplicate {
            from,
            len,
            to
        }),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let n = bytes.len() + 1;
        match edit {
            Edit::Delete { at, len } => {
                let at = at % n;
                let end = (at + len).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            Edit::Insert { at, bytes: new } => {
                let at = at % n;
                bytes.splice(at..at, new.iter().copied());
            }
            Edit::Duplicate { from, len, to } => {
                let from = from % n;
                let end = (from + len).min(bytes.len());
                let piece: Vec<u8> = bytes.get(from.min(end)..end).unwrap_or(&[]).to_vec();
                let to = to % (bytes.len() + 1);
                bytes.splice(to..to, piece);
            }
        }
    }
    bytes
}

/// A fixture of the given set, mutated by a few edits.
fn mutated(set: fn() -> &'static [Vec<u8>]) -> impl Strategy<Value = Vec<u8>> {
    (
        any::<prop::sample::Index>(),
        proptest::collection::vec(edit(), 1..6),
    )
        .prop_map(move |(pick, edits)| apply(pick.get(set()).clone(), &edits))
}

/// Arbitrary bytes, or a mutated fixture (most cases: those reach deep into the parsers).
fn input(set: fn() -> &'static [Vec<u8>]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..256),
        3 => mutated(set),
    ]
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---- checks -----------------------------------------------------------------------------

fn check_range(text: &str, start: usize, end: usize, what: &str) {
    assert!(
        start <= end && end <= text.len(),
        "{what} {start}..{end} out of bounds (len {})",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what} {start}..{end} not on a char boundary"
    );
}

fn check_span(text: &str, span: Span, file: FileId, what: &str) {
    assert_eq!(span.file, file, "{what} in another file");
    check_range(text, span.start, span.end, what);
}

/// A located error's position exists in the text.
fn check_error(text: &str, err: &LoadError) {
    if let (Some(line), Some(column)) = (err.line, err.column) {
        let lines = text.split('\n').count();
        assert!(
            line >= 1 && line <= lines,
            "line {line} of {lines}: {err:?}"
        );
        let line_chars = text
            .split('\n')
            .nth(line - 1)
            .map_or(0, |l| l.chars().count());
        assert!(
            column >= 1 && column <= line_chars + 1,
            "column {column} past the end of line {line}: {err:?}"
        );
    }
}

/// Line/column by counting, the definition `LineIndex` must agree with.
fn counted_position(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

fn check_doc(text: &str, node: &DocNode, file: FileId) {
    check_span(text, node.span, file, "node");
    match &node.kind {
        DocKind::Seq(items) => items.iter().for_each(|n| check_doc(text, n, file)),
        DocKind::Map(entries) => {
            for e in entries {
                check_span(text, e.key_span, file, "key");
                check_doc(text, &e.value, file);
            }
        }
        _ => {}
    }
}

fn check_node(text: &str, node: &Node, file: FileId) {
    check_span(text, node.span, file, "value");
    match &node.val {
        Val::List(items) => items.iter().for_each(|n| check_node(text, n, file)),
        Val::Map(entries) => check_entries(text, entries, file),
        _ => {}
    }
}

fn check_entries(text: &str, entries: &[Entry], file: FileId) {
    for e in entries {
        check_span(text, e.key_span, file, "key");
        check_node(text, &e.value, file);
    }
}

fn check_resources(text: &str, resources: &[RawResource], file: FileId) {
    for r in resources {
        check_span(text, r.header, file, "header");
        check_span(text, r.span, file, "resource");
        check_entries(text, &r.body, file);
        for s in &r.suppressed {
            check_span(text, s.span, file, "suppression");
        }
    }
}

/// Every span hcl-edit reports on a parsed body.
struct HclSpans<'a> {
    text: &'a str,
}

impl HclSpans<'_> {
    fn check(&self, span: Option<std::ops::Range<usize>>, what: &str) {
        if let Some(r) = span {
            check_range(self.text, r.start, r.end, what);
        }
    }
}

impl Visit for HclSpans<'_> {
    fn visit_attr(&mut self, node: &hcl_edit::structure::Attribute) {
        self.check(node.span(), "attribute");
        self.check(node.key.span(), "attribute key");
        visit::visit_attr(self, node);
    }

    fn visit_block(&mut self, node: &hcl_edit::structure::Block) {
        self.check(node.span(), "block");
        self.check(node.ident.span(), "block ident");
        visit::visit_block(self, node);
    }

    fn visit_expr(&mut self, node: &hcl_edit::expr::Expression) {
        self.check(node.span(), "expression");
        visit::visit_expr(self, node);
    }
}

fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> FoundFile {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    FoundFile {
        id: FileId(3),
        path,
        explicit: false,
    }
}

// ---- properties -------------------------------------------------------------------------

proptest! {
    // Failures are kept as explicit tests below, not in a proptest-regressions file.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(CASES)
    })]

    #[test]
    fn hcl_parse_body(bytes in input(hcl_fixtures)) {
        let text = text_of(&bytes);
        match hcl::parse_body(Path::new("x.tf"), &text) {
            Ok(parsed) => {
                HclSpans { text: &text }.visit_body(&parsed.body);
                for &offset in &parsed.renamed_keys {
                    check_range(&text, offset, offset, "renamed key");
                }
            }
            Err(err) => check_error(&text, &err),
        }
    }

    #[test]
    fn json_parse(bytes in input(json_fixtures)) {
        let text = text_of(&bytes);
        match cfn_json::parse_json(&text, FileId(1)) {
            Ok(doc) => check_doc(&text, &doc, FileId(1)),
            Err(err) => {
                assert!(err.offset <= text.len(), "{err:?}");
                check_error(&text, &err.to_load_error(Path::new("x.json"), &text));
            }
        }
    }

    #[test]
    fn yaml_parse(bytes in input(yaml_fixtures)) {
        let text = text_of(&bytes);
        match cfn_yaml::parse_yaml(&text, FileId(1)) {
            Ok(doc) => check_doc(&text, &doc, FileId(1)),
            Err(err) => {
                assert!(err.offset <= text.len(), "{err:?}");
                check_error(&text, &err.to_load_error(Path::new("x.yaml"), &text));
            }
        }
    }

    #[test]
    fn document_loading(
        bytes in prop_oneof![input(json_fixtures), input(yaml_fixtures)],
        ext in proptest::sample::select(&["json", "yaml", "template"][..]),
        explicit in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut file = write_temp(dir.path(), &format!("t.{ext}"), &bytes);
        file.explicit = explicit;
        let out = document::load_document(&file);
        prop_assert_eq!(out.files_seen, 1);
        for err in &out.errors {
            // Errors of undecodable files are located in the raw bytes: check those that
            // decode, against the text the loader saw.
            if let Ok(text) = privlint::load::read_text(&file.path) {
                check_error(&text, err);
            }
        }
        for source in &out.files {
            check_resources(&source.text, &out.resources, source.id);
        }
        prop_assert!(out.resources.is_empty() || out.files.len() == 1);
    }

    #[test]
    fn terraform_module(bytes in input(hcl_fixtures)) {
        let dir = tempfile::tempdir().unwrap();
        let file = write_temp(dir.path(), "main.tf", &bytes);
        let out = load_module(dir.path(), std::slice::from_ref(&file), &TfInputs::default());
        prop_assert_eq!(out.files_seen, 1);
        if let Some(source) = out.files.first() {
            for err in &out.errors {
                check_error(&source.text, err);
            }
            check_resources(&source.text, &out.resources, source.id);
        }
    }

    #[test]
    fn line_index_agrees_with_counting(
        bytes in input(yaml_fixtures),
        crlf in any::<bool>(),
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..16),
    ) {
        let mut text = text_of(&bytes);
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let index = LineIndex::new(&text);
        let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        for pick in picks {
            let offset = *pick.get(&boundaries);
            prop_assert_eq!(index.position(&text, offset), counted_position(&text, offset));
        }
        // Past the end clamps to the end.
        prop_assert_eq!(
            index.position(&text, text.len() + 7),
            counted_position(&text, text.len())
        );
    }
}

/// Found by `hcl_parse_body` and `terraform_module` (exact inputs, after shrinking, or the
/// part of them that matters): hcl-edit's line/column, which `hcl::located_error` reports
/// as they were, disagreed with the byte offset of the same error. Expected values are ours
/// (`LineIndex` on the error offset), which `located_error` now reports.
#[test]
fn hcl_error_columns() {
    let cases: &[(&[u8], (usize, usize))] = &[
        // The error sits on the final newline (offset 3): hcl-edit says 1:5.
        (b"x {\n", (1, 4)),
        // NULs and replacement characters (from invalid UTF-8): hcl-edit says 1:16.
        (
            b"A\"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\"\x80",
            (1, 14),
        ),
    ];
    for (bytes, expected) in cases {
        let text = text_of(bytes);
        let err = hcl::parse_body(Path::new("x.tf"), &text).unwrap_err();
        assert_eq!(
            (err.line, err.column),
            (Some(expected.0), Some(expected.1)),
            "{text:?}"
        );
    }
}

/// Crash inputs found by the properties above are kept here, exact bytes first.
#[test]
fn regressions() {
    let cases: &[&[u8]] = &[
        b"x {\n",
        b"A\"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\"\x80",
    ];
    for bytes in cases {
        let text = text_of(bytes);
        if let Err(err) = hcl::parse_body(Path::new("x.tf"), &text) {
            check_error(&text, &err);
        }
        if let Err(err) = cfn_json::parse_json(&text, FileId(1)) {
            check_error(&text, &err.to_load_error(Path::new("x.json"), &text));
        }
        if let Err(err) = cfn_yaml::parse_yaml(&text, FileId(1)) {
            check_error(&text, &err.to_load_error(Path::new("x.yaml"), &text));
        }
    }
}
