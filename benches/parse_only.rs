//! Parse-only timing: discover like `privlint check`, then read and parse every file
//! (HCL, JSON, YAML) in parallel, with no evaluation, resolution or rules. It shows the
//! engine's own cost beside a full check.
//!
//! `cargo bench --bench parse_only -- [--prefilter] PATHS...`
//!
//! With `--prefilter`, JSON/YAML files are skipped exactly when `privlint check` skips
//! parsing them (see `privlint::load::prefilter`), so the time is that of the files privlint
//! must read.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use privlint::load::discover::{Unit, discover};
use privlint::load::{FoundFile, cfn_json, cfn_yaml, hcl, prefilter, read_text};
use rayon::prelude::*;

#[derive(Default)]
struct Tally {
    files: usize,
    bytes: usize,
    parsed: usize,
    failed: usize,
    skipped: usize,
    /// CPU time spent parsing, per syntax: HCL, JSON, YAML.
    parse_time: [Duration; 3],
}

impl Tally {
    fn add(mut self, other: Tally) -> Tally {
        self.files += other.files;
        self.bytes += other.bytes;
        self.parsed += other.parsed;
        self.failed += other.failed;
        self.skipped += other.skipped;
        for (mine, theirs) in self.parse_time.iter_mut().zip(other.parse_time) {
            *mine += theirs;
        }
        self
    }
}

fn main() {
    let mut prefilter_on = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--prefilter" => prefilter_on = true,
            // `cargo bench` passes `--bench` to every bench target.
            "--bench" => {}
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let started = Instant::now();
    let discovery = match discover(&paths, &[], true) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("parse_only: {e}");
            std::process::exit(2);
        }
    };
    let discovered = started.elapsed();
    let tally = discovery
        .units
        .par_iter()
        .map(|unit| match unit {
            Unit::TerraformModule { files, .. } => files
                .iter()
                .map(parse_hcl_file)
                .fold(Tally::default(), Tally::add),
            Unit::Document(file) => parse_document(file, prefilter_on),
        })
        .reduce(Tally::default, Tally::add);
    let elapsed = started.elapsed();
    println!(
        "parse-only{}: {} files, {} MB, parsed {}, failed {}, skipped {} in {:.3}s \
         (discovery {:.3}s; parser CPU: HCL {:.3}s, JSON {:.3}s, YAML {:.3}s)",
        if prefilter_on { " (prefilter)" } else { "" },
        tally.files,
        tally.bytes / 1_000_000,
        tally.parsed,
        tally.failed,
        tally.skipped,
        elapsed.as_secs_f64(),
        discovered.as_secs_f64(),
        tally.parse_time[0].as_secs_f64(),
        tally.parse_time[1].as_secs_f64(),
        tally.parse_time[2].as_secs_f64(),
    );
}

fn parse_hcl_file(file: &FoundFile) -> Tally {
    let mut tally = Tally {
        files: 1,
        ..Tally::default()
    };
    let name = file.path.to_string_lossy();
    // `.tf.json` is not evaluated by privlint yet; reading it is all it costs.
    let Ok(text) = read_text(&file.path) else {
        tally.failed += 1;
        return tally;
    };
    tally.bytes = text.len();
    if name.ends_with(".json") {
        tally.skipped += 1;
        return tally;
    }
    let started = Instant::now();
    match hcl::parse_body(&file.path, &text) {
        Ok(_) => tally.parsed += 1,
        Err(_) => tally.failed += 1,
    }
    tally.parse_time[0] = started.elapsed();
    tally
}

fn parse_document(file: &FoundFile, prefilter_on: bool) -> Tally {
    let mut tally = Tally {
        files: 1,
        ..Tally::default()
    };
    let Ok(text) = read_text(&file.path) else {
        tally.failed += 1;
        return tally;
    };
    tally.bytes = text.len();
    if prefilter_on && prefilter::skip_document(file, &text) {
        tally.skipped += 1;
        return tally;
    }
    let started = Instant::now();
    let json = is_json(&file.path, &text);
    let parsed = if json {
        cfn_json::parse_json(&text, file.id).is_ok()
    } else {
        cfn_yaml::parse_yaml(&text, file.id).is_ok()
    };
    tally.parse_time[if json { 1 } else { 2 }] = started.elapsed();
    if parsed {
        tally.parsed += 1;
    } else {
        tally.failed += 1;
    }
    tally
}

/// The loader's choice of syntax: by extension, `.template` by its first character.
fn is_json(path: &Path, text: &str) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("json") => true,
        Some(e) if e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml") => false,
        _ => text.trim_start().starts_with('{'),
    }
}
