//! Loading: files on disk -> spanned syntax -> resolved resources, one unit at a time.
//!
//! A unit is independent of every other unit, so units load in parallel.

pub mod cfn_json;
pub mod cfn_yaml;
pub mod discover;
pub mod document;
pub mod hcl;
pub mod plan_json;
pub mod prefilter;
pub mod tree;

use std::path::PathBuf;

use crate::resolve::RawResource;
use crate::source::{FileId, SourceFile};

/// What a unit produced: the files it read (for reporting), its resolved resources, and the
/// errors of files it could not read or parse.
#[derive(Debug, Default)]
pub struct UnitOutput {
    pub files: Vec<SourceFile>,
    pub resources: Vec<RawResource>,
    pub errors: Vec<LoadError>,
    /// Files read (or skipped after a look) that still count toward the summary.
    pub files_seen: usize,
}

/// A file that could not be read or parsed. Line and column are 1-based when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl LoadError {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        LoadError {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

/// A file the scan found, with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    pub id: FileId,
    pub path: PathBuf,
    /// Named on the command line (a parse failure is then always an error).
    pub explicit: bool,
}

/// Files larger than this are not read: an error says so. hcl-edit needs about 40x a
/// file's size in memory, and no real template comes near this.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Read a file as text, enforcing the size cap, stripping a BOM and rejecting invalid UTF-8
/// and binary content with a located error.
pub fn read_text(path: &std::path::Path) -> Result<String, LoadError> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| LoadError::new(path, format!("cannot read file: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::new(path, format!("cannot read file: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::new(
            path,
            format!(
                "file is larger than privlint's limit of {} MiB; not checked",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    if let Some(nul) = memchr_nul(&bytes) {
        let (line, column) = line_col_of_bytes(&bytes, nul);
        return Err(
            LoadError::new(path, "file contains NUL bytes: not a text file").at(line, column),
        );
    }
    crate::source::decode_text(bytes.clone()).map_err(|bad| {
        let skip = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let (line, column) = line_col_of_bytes(&bytes[skip..], bad);
        LoadError::new(path, "file is not valid UTF-8").at(line, column)
    })
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// 1-based line/column of a byte offset in possibly-invalid UTF-8 (columns count bytes of the
/// valid prefix as characters where possible).
fn line_col_of_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}
