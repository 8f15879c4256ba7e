//! Source files, byte spans, and the one place byte offsets become line/column.

use std::path::PathBuf;
use std::sync::Arc;

/// Index of a file in the scan, assigned at discovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start,
            end: end.max(start),
        }
    }

    /// The smallest span covering both (same file assumed; otherwise `self`).
    pub fn join(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span::new(
            self.file,
            self.start.min(other.start),
            self.end.max(other.end),
        )
    }
}

/// 1-based line and column (column counted in Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Line starts of a text, for offset -> line/column.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        LineIndex { line_starts }
    }

    /// Line/column of a byte offset; offsets past the end clamp to the end, offsets inside a
    /// multi-byte character count as that character.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0).min(offset);
        let mut col_end = offset;
        while col_end > start && !text.is_char_boundary(col_end) {
            col_end -= 1;
        }
        let column = text.get(start..col_end).map_or(0, |s| s.chars().count()) + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// Byte offset of a 0-based line and 0-based character column (for parsers that report
    /// positions instead of offsets). Clamps to the line's end.
    pub fn offset_of(&self, text: &str, line0: usize, col0_chars: usize) -> usize {
        let Some(&start) = self.line_starts.get(line0) else {
            return text.len();
        };
        let end = self
            .line_starts
            .get(line0 + 1)
            .copied()
            .unwrap_or(text.len());
        let line_text = text.get(start..end).unwrap_or("");
        match line_text.char_indices().nth(col0_chars) {
            Some((i, _)) => start + i,
            None => end,
        }
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(i, &b)| (b == b'\n').then_some(i))
}

/// A file read for the scan. `path` is as reached from the PATH argument.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub id: FileId,
    pub path: PathBuf,
    pub text: Arc<str>,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(id: FileId, path: PathBuf, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let lines = LineIndex::new(&text);
        SourceFile {
            id,
            path,
            text,
            lines,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        self.lines.position(&self.text, offset)
    }

    /// Path with forward slashes, as shown in every output format.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }
}

pub fn display_path(path: &std::path::Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.replace('\\', "/")
}

/// Turn raw bytes into text: strips a UTF-8 BOM (offsets then refer to the text without it),
/// and rejects invalid UTF-8 with the offset of the first bad byte.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, usize> {
    let bytes = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes[3..].to_vec()
    } else {
        bytes
    };
    String::from_utf8(bytes).map_err(|e| e.utf8_error().valid_up_to())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let text = "ab\ncé d\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 3), Position { line: 2, column: 1 });
        // 'd' is after "cé " = 4 bytes, 3 chars
        assert_eq!(idx.position(text, 3 + 4), Position { line: 2, column: 4 });
        assert_eq!(idx.position(text, 999), Position { line: 3, column: 1 });
    }

    #[test]
    fn crlf_keeps_line_numbers() {
        let text = "a\r\nb\r\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 3), Position { line: 2, column: 1 });
    }

    #[test]
    fn offset_of_round_trips() {
        let text = "x\n  é=1\n";
        let idx = LineIndex::new(text);
        let off = idx.offset_of(text, 1, 3);
        assert_eq!(&text[off..off + 1], "=");
        assert_eq!(idx.position(text, off), Position { line: 2, column: 4 });
    }

    #[test]
    fn bom_is_stripped_and_bad_utf8_located() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFab".to_vec()).as_deref(), Ok("ab"));
        assert_eq!(decode_text(b"ab\xFFc".to_vec()), Err(2));
    }
}
