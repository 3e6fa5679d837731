//! Mutation harness over the shipped content (issue 11, point 9).
//!
//! The shipped `content/` is copied to a temporary folder once; each
//! iteration picks one content file (a project, a `_series.yaml`,
//! `site.yaml`, `departments.yaml` or a page), applies 1–3 random mutations
//! from `tests/mutation/mod.rs` (what a hostile user or a careless clerk
//! would do to it), runs `pipeline::check` and an in-memory
//! `pipeline::build` on the folder, each on its own thread inside
//! `catch_unwind` and with a time bound, checks the invariants below and
//! puts the file back.
//!
//! Environment:
//! - `HYOKA_MUTATIONS=N`: iterations (default 100).
//! - `HYOKA_MUTATION_SEED=S`: seed, decimal or `0x…` (default fixed, so a
//!   plain `cargo test` is deterministic).
//! - `HYOKA_MUTATION_SECS=T`: run for T seconds instead (with
//!   `HYOKA_MUTATIONS` too, whichever ends first).
//! - `HYOKA_MUTATION_ONLY=I`: replay iteration I of the seed alone and
//!   print its mutated file.
//! - `HYOKA_MUTATION_VERBOSE=1`: print each iteration's file, mutations
//!   and outcome.
//! - `HYOKA_MUTATION_PROJECTS=K`: keep K projects per series in the copy
//!   (default 4, chosen by the seed, so that a debug run stays short);
//!   `all` keeps every shipped project.
//!
//! Invariants, each a named check (see [`INVARIANTS`]):
//! 1. no panic; each call returns within [`TIME_BOUND`];
//! 2. Ok, or Err with at least one diagnostic, each naming an existing path
//!    under the content folder, `line >= 1`, `col >= 1`, and a line at most
//!    one past the file's last line;
//! 3. on a successful build: output paths relative without `..`; no
//!    `javascript:` URL in an `href`/`src` of any HTML or SVG file; no
//!    unescaped `<script>alert(1)`; no CSV cell in `data/` that begins with
//!    `=`, `+`, `-` or `@` unless it is a number;
//! 4. `Diagnostics::human()` has no control character but `\n`, no line
//!    starting with `::`, no line over 1,000 characters.
//!
//! and a few more marked `x-`: the GitHub form has one line per
//! diagnostic, `check` and `build` agree, the memory sink sees no I/O
//! error, the human output has no bidi control or line separator.
//!
//! For a long search use a release build with overflow checks on (else an
//! overflowing sum wraps instead of panicking):
//! `CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true HYOKA_MUTATION_PROJECTS=all
//! HYOKA_MUTATION_SECS=180 cargo test --release --test mutate -- --nocapture`.
//!
//! A failure prints the seed, the iteration, the file, the mutations, where
//! the mutated file was saved (under Cargo's `CARGO_TARGET_TMPDIR`) and the
//! command that replays it.

mod mutation;

mod common;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

use hyoka::diag::{Diagnostic, Diagnostics};
use hyoka::output::{Memory, OutFile};
use hyoka::pipeline::{self, Checked, Failure, Timings};
use hyoka::theme::Theme;
use mutation::{Kind, Rng};

const DEFAULT_ITERATIONS: u64 = 100;
const DEFAULT_SEED: u64 = 0x6879_6F6B_615F_6D75;
/// Projects kept per series by default: a build of the whole shipped
/// content takes about 0.2 s in a debug build, of four projects a series
/// a fraction of that, and the mutated file is one of them either way.
const DEFAULT_PROJECTS: usize = 4;
/// Each call (check, build) must return within this, even in a debug build.
const TIME_BOUND: Duration = Duration::from_secs(10);
/// The longest line the human output may have.
const MAX_LINE: usize = 1_000;
/// Examples kept (and mutated files saved) per invariant.
const EXAMPLES: usize = 3;

/// Every named check, with what it asserts.
const INVARIANTS: &[(&str, &str)] = &[
    ("1-no-panic", "check and build do not panic"),
    (
        "1-time-bound",
        "check and build each return within the time bound",
    ),
    (
        "2-err-has-diagnostic",
        "an Err carries at least one diagnostic",
    ),
    (
        "2-diag-file-exists",
        "every diagnostic names an existing path under the content folder",
    ),
    (
        "2-diag-position",
        "line >= 1, col >= 1, line <= the file's line count + 1",
    ),
    (
        "3-output-path-safe",
        "every output path is relative, without `..`",
    ),
    (
        "3-no-javascript-url",
        "no href/src in HTML or SVG is a javascript: URL",
    ),
    ("3-no-unescaped-script", "no HTML contains <script>alert(1)"),
    (
        "3-csv-no-formula",
        "no data/*.csv cell begins with = + - @ unless a number",
    ),
    (
        "4-human-no-control-char",
        "human output has no control character but \\n",
    ),
    (
        "4-human-no-workflow-command",
        "no line of the human output starts with ::",
    ),
    (
        "4-human-line-length",
        "no line of the human output is longer than 1,000 characters",
    ),
    (
        "x-human-no-bidi-or-separator",
        "human output has no bidi control, U+2028 or U+2029",
    ),
    (
        "x-github-one-line-per-diagnostic",
        "the GitHub form is one ::error line per diagnostic",
    ),
    (
        "x-check-build-agree",
        "check succeeds exactly when build succeeds",
    ),
    (
        "x-build-no-io-error",
        "the memory sink reports no I/O error",
    ),
];

// ---------------------------------------------------------------------------
// Configuration

struct Config {
    seed: u64,
    /// Projects kept per series (`None`: all).
    projects: Option<usize>,
    iterations: Option<u64>,
    secs: Option<f64>,
    only: Option<u64>,
    verbose: bool,
}

fn env_num(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim().replace('_', "");
    let n = match v.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16),
        None => v.parse(),
    };
    Some(n.unwrap_or_else(|_| panic!("{name}={v:?} is not a number")))
}

impl Config {
    fn from_env() -> Self {
        let secs = std::env::var("HYOKA_MUTATION_SECS").ok().map(|v| {
            v.trim()
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("HYOKA_MUTATION_SECS={v:?} is not a number"))
        });
        let iterations = env_num("HYOKA_MUTATIONS");
        Config {
            seed: env_num("HYOKA_MUTATION_SEED").unwrap_or(DEFAULT_SEED),
            projects: match std::env::var("HYOKA_MUTATION_PROJECTS").ok().as_deref() {
                Some("all") | Some("0") => None,
                Some(_) => env_num("HYOKA_MUTATION_PROJECTS").map(|n| n as usize),
                None => Some(DEFAULT_PROJECTS),
            },
            iterations: match (iterations, secs) {
                (None, None) => Some(DEFAULT_ITERATIONS),
                (n, _) => n,
            },
            secs,
            only: env_num("HYOKA_MUTATION_ONLY"),
            verbose: std::env::var_os("HYOKA_MUTATION_VERBOSE").is_some(),
        }
    }
}

// ---------------------------------------------------------------------------
// Content files

/// One content file that can be mutated.
struct Target {
    /// Relative to the content folder, `/`-separated.
    rel: String,
    kind: Kind,
    original: Vec<u8>,
}

/// The content files by group: projects, series, site, departments, pages.
fn targets(root: &Path) -> Vec<Vec<Target>> {
    let mut groups: Vec<Vec<Target>> = (0..5).map(|_| Vec::new()).collect();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for path in files {
        let rel = path
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let (group, kind) = if rel == "site.yaml" {
            (2, Kind::Yaml)
        } else if rel == "departments.yaml" {
            (3, Kind::Yaml)
        } else if rel.starts_with("pages/") && rel.ends_with(".md") {
            (4, Kind::Markdown)
        } else if rel.ends_with("/_series.yaml") {
            (1, Kind::Yaml)
        } else if rel.ends_with(".yaml") && rel.contains('/') {
            (0, Kind::Yaml)
        } else {
            continue;
        };
        let original = fs::read(&path).expect("read content file");
        groups[group].push(Target {
            rel,
            kind,
            original,
        });
    }
    for (g, name) in groups
        .iter()
        .zip(["project", "series", "site", "departments", "page"])
    {
        assert!(!g.is_empty(), "the shipped content has no {name} file");
    }
    groups
}

/// A file: half the time a project, else one of the other four groups.
fn pick_target<'a>(rng: &mut Rng, groups: &'a [Vec<Target>]) -> &'a Target {
    let g = if rng.chance(1, 2) {
        0
    } else {
        rng.range(1, groups.len() - 1)
    };
    rng.pick(&groups[g])
}

// ---------------------------------------------------------------------------
// Running the library under a panic guard and a time bound

/// Panic messages raised on the harness's threads (and rayon's), which
/// the hook keeps instead of printing.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());
const RUN_THREAD: &str = "mutate-run";

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let name = thread::current().name().map(str::to_string);
            // The harness's own threads, and rayon's (unnamed) workers.
            if name.as_deref().is_none_or(|n| n == RUN_THREAD) {
                let mut p = PANICS.lock().unwrap_or_else(|e| e.into_inner());
                p.push(info.to_string());
            } else {
                previous(info);
            }
        }));
    });
}

enum Call<T> {
    Done(T),
    Panicked(String),
    TimedOut,
}

/// Runs `f` on its own thread; a panic or running past `bound` is reported
/// rather than propagated (a thread that runs over is left behind).
fn guarded<T: Send + 'static>(bound: Duration, f: impl FnOnce() -> T + Send + 'static) -> Call<T> {
    let (tx, rx) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name(RUN_THREAD.into())
        .spawn(move || {
            let r = panic::catch_unwind(AssertUnwindSafe(f));
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Call::Panicked(format!("could not start a thread: {e}"));
    }
    match rx.recv_timeout(bound) {
        Ok(Ok(v)) => Call::Done(v),
        Ok(Err(payload)) => {
            let mut msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(non-string payload)".into());
            // Where it panicked (the hook saw it; rayon re-raises a
            // worker's panic on the calling thread).
            let hooked = std::mem::take(&mut *PANICS.lock().unwrap_or_else(|e| e.into_inner()));
            if let Some(first) = hooked.first() {
                msg = format!("{msg} [{}]", one_line(first));
            }
            Call::Panicked(msg)
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Call::TimedOut,
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Call::Panicked("the thread ended without a result".into())
        }
    }
}

type BuildResult = Result<(usize, Vec<OutFile>), Failure>;

struct Outcome {
    check: Call<Result<Checked, Diagnostics>>,
    build: Call<BuildResult>,
    check_time: Duration,
    build_time: Duration,
}

fn run_pipeline(root: &Path, theme: &Arc<Theme>) -> Outcome {
    let r = root.to_path_buf();
    let start = Instant::now();
    let check = guarded(TIME_BOUND, move || pipeline::check(&r));
    let check_time = start.elapsed();
    let r = root.to_path_buf();
    let start = Instant::now();
    let theme = Arc::clone(theme);
    let build = guarded(TIME_BOUND, move || {
        let sink = Memory::default();
        let n = pipeline::build(&r, &theme, None, &sink, &mut Timings::default())?;
        Ok((n.projects, sink.into_files()))
    });
    Outcome {
        check,
        build,
        check_time,
        build_time: start.elapsed(),
    }
}

// ---------------------------------------------------------------------------
// Invariant checks (pure; each problem is (invariant, detail))

type Problems = Vec<(&'static str, String)>;

/// Line breaks as any of the parsers may count them: `\n`, `\r\n`, a lone
/// `\r`, and (YAML 1.1, libyaml) NEL, U+2028, U+2029.
fn line_count(bytes: &[u8]) -> usize {
    let text = String::from_utf8_lossy(bytes);
    let mut breaks = 0;
    let mut last_was_break = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let brk = match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                true
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => true,
            _ => false,
        };
        if brk {
            breaks += 1;
        }
        last_was_break = brk;
    }
    // A last line without a final break is a line too.
    breaks + usize::from(!last_was_break)
}

/// Invariant 2 for one set of diagnostics from a run on `root`.
fn diag_problems(
    root: &Path,
    diags: &Diagnostics,
    lines: &mut HashMap<PathBuf, usize>,
) -> Problems {
    let mut out = Problems::new();
    if diags.is_empty() {
        out.push(("2-err-has-diagnostic", "Err with no diagnostic".into()));
    }
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for d in &diags.0 {
        let file = match d.file.canonicalize() {
            Ok(f) if f.starts_with(&canon_root) => f,
            _ => {
                out.push((
                    "2-diag-file-exists",
                    format!("names {:?}: {}", d.file, one_line(&d.message)),
                ));
                continue;
            }
        };
        if d.line < 1 || d.col < 1 {
            out.push((
                "2-diag-position",
                format!(
                    "{}:{}:{}: {}",
                    d.file.display(),
                    d.line,
                    d.col,
                    one_line(&d.message)
                ),
            ));
        }
        if file.is_file() {
            let n = *lines
                .entry(file.clone())
                .or_insert_with(|| fs::read(&file).map(|b| line_count(&b)).unwrap_or(0));
            if d.line > n + 1 {
                out.push((
                    "2-diag-position",
                    format!(
                        "{}:{}:{}: line past the end ({n} lines): {}",
                        d.file.display(),
                        d.line,
                        d.col,
                        one_line(&d.message)
                    ),
                ));
            }
        }
    }
    out
}

fn is_bidi_or_separator(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Invariant 4 for the human output.
fn human_problems(human: &str) -> Problems {
    let mut out = Problems::new();
    if let Some((i, c)) = human
        .char_indices()
        .find(|&(_, c)| c.is_control() && c != '\n')
    {
        out.push((
            "4-human-no-control-char",
            format!("{c:?} in {}", excerpt(human, i)),
        ));
    }
    if let Some((i, c)) = human.char_indices().find(|&(_, c)| is_bidi_or_separator(c)) {
        out.push((
            "x-human-no-bidi-or-separator",
            format!("{c:?} in {}", excerpt(human, i)),
        ));
    }
    for line in human.split('\n') {
        if line.trim_start().starts_with("::") {
            out.push(("4-human-no-workflow-command", clip(line, 120)));
            break;
        }
    }
    if let Some(line) = human.split('\n').find(|l| l.chars().count() > MAX_LINE) {
        out.push((
            "4-human-line-length",
            format!("{} chars: {}", line.chars().count(), clip(line, 120)),
        ));
    }
    out
}

/// The GitHub form: exactly one `::error` line per diagnostic.
fn github_problems(diags: &Diagnostics) -> Problems {
    let gh = diags.github();
    let lines: Vec<&str> = gh.strip_suffix('\n').unwrap_or(&gh).split('\n').collect();
    let lines: Vec<&str> = if gh.is_empty() { Vec::new() } else { lines };
    if lines.len() != diags.len() || lines.iter().any(|l| !l.starts_with("::error file=")) {
        return vec![(
            "x-github-one-line-per-diagnostic",
            format!(
                "{} diagnostics, {} lines: {}",
                diags.len(),
                lines.len(),
                clip(&gh, 200)
            ),
        )];
    }
    Vec::new()
}

/// Decodes the character references a browser would decode in an
/// attribute value (numeric, and the named ones that matter here).
fn decode_entities(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let (decoded, used) = decode_one(rest);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_one(s: &str) -> (Option<char>, usize) {
    let body = &s[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (hex, digits) = match num.strip_prefix(['x', 'X']) {
            Some(h) => (true, h),
            None => (false, num),
        };
        let len = digits
            .chars()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if len == 0 {
            return (None, 0);
        }
        let n = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok();
        let used = 2 + usize::from(hex) + len + usize::from(digits[len..].starts_with(';'));
        return (n.and_then(char::from_u32), used);
    }
    for (name, c) in [
        ("colon;", ':'),
        ("Tab;", '\t'),
        ("NewLine;", '\n'),
        ("amp;", '&'),
        ("quot;", '"'),
        ("apos;", '\''),
        ("lt;", '<'),
        ("gt;", '>'),
    ] {
        if body.starts_with(name) {
            return (Some(c), 1 + name.len());
        }
    }
    (None, 0)
}

/// One start tag: its text (`<a href="…">`) and its attributes (name
/// lower-cased, raw value).
struct Tag<'a> {
    raw: &'a str,
    attrs: Vec<(String, &'a str)>,
}

/// The start tags of an HTML (or SVG) text, as a browser splits them
/// (comments skipped; text between tags is not looked at).
fn tags(html: &str) -> Vec<Tag<'_>> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"<!--") {
            i = b[i..]
                .windows(3)
                .position(|w| w == b"-->")
                .map_or(b.len(), |j| i + j + 3);
            continue;
        }
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let tag_start = i;
        let mut attrs = Vec::new();
        i += 1;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i = (i + 1).min(b.len());
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let name = html[start..i].to_ascii_lowercase();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = "";
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let s = i + 1;
                    i = s;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    value = &html[s..i];
                    i = (i + 1).min(b.len());
                } else {
                    let s = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = &html[s..i];
                }
            }
            if name.is_empty() && i == start {
                // Not an attribute character: step over it.
                i += 1;
            }
            attrs.push((name, value));
        }
        out.push(Tag {
            raw: &html[tag_start..i],
            attrs,
        });
    }
    out
}

/// Whether a URL attribute value runs script when followed.
fn is_javascript_url(raw: &str) -> bool {
    let v: String = decode_entities(raw)
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let v = v.trim_start_matches(|c: char| c <= ' ');
    v.to_ascii_lowercase().starts_with("javascript:")
}

/// Invariant 3 (javascript URLs, script) for one HTML or SVG file.
fn html_problems(path: &str, html: &str) -> Problems {
    let mut out = Problems::new();
    for tag in tags(html) {
        // The rule as stated: lower-cased, whitespace removed (in markup
        // only: text may hold `src="javascript:` once its `<` is escaped).
        let squeezed: String = tag
            .raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let literal = [
            "href=\"javascript:",
            "src=\"javascript:",
            "href='javascript:",
            "src='javascript:",
        ]
        .iter()
        .any(|n| squeezed.contains(n));
        // And the attributes as a browser reads them (entities decoded).
        let decoded = tag.attrs.iter().any(|(name, value)| {
            let url_attr =
                name == "src" || name.ends_with("href") || name == "action" || name == "formaction";
            url_attr && is_javascript_url(value)
        });
        if literal || decoded {
            out.push((
                "3-no-javascript-url",
                format!("{path}: {}", clip(tag.raw, 160)),
            ));
            break;
        }
    }
    let lower = html.to_ascii_lowercase();
    if let Some(i) = lower.find("<script>alert(1)") {
        out.push((
            "3-no-unescaped-script",
            format!("{path}: {}", excerpt(html, i)),
        ));
    }
    out
}

/// A number as a spreadsheet reads one: `-1`, `+2.5`, `1e-3`, `-.5`.
fn is_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut parts = mant.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    let mant_ok = digits(int)
        && frac.is_none_or(digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mant_ok && exp_ok
}

/// Invariant 3 (formula cells) for one CSV file.
fn csv_problems(path: &str, bytes: &[u8]) -> Problems {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    for (row, rec) in r.byte_records().enumerate() {
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => return vec![("3-csv-no-formula", format!("{path}: unreadable: {e}"))],
        };
        for (col, cell) in rec.iter().enumerate() {
            let cell = String::from_utf8_lossy(cell);
            let cell = cell.strip_prefix('\u{feff}').unwrap_or(&cell);
            if cell.starts_with(['=', '+', '-', '@']) && !is_number(cell) {
                return vec![(
                    "3-csv-no-formula",
                    format!(
                        "{path} row {} column {}: {}",
                        row + 1,
                        col + 1,
                        clip(cell, 120)
                    ),
                )];
            }
        }
    }
    Vec::new()
}

/// Invariant 3 for a built site.
fn output_problems(files: &[OutFile]) -> Problems {
    let mut out = Problems::new();
    let mut seen = BTreeMap::new();
    for f in files {
        let p = &f.path;
        let bad_path = p.is_empty()
            || p.starts_with('/')
            || p.contains('\\')
            || p.contains(':')
            || p.chars().any(char::is_control)
            || p.split('/').any(|c| c.is_empty() || c == "." || c == "..");
        if bad_path {
            out.push(("3-output-path-safe", format!("{p:?}")));
        }
        let mut push = |problems: Problems| {
            for (inv, d) in problems {
                seen.entry(inv).or_insert(d);
            }
        };
        if p.ends_with(".html") || p.ends_with(".svg") {
            push(html_problems(p, &String::from_utf8_lossy(&f.bytes)));
        }
        if p.starts_with("data/") && p.ends_with(".csv") {
            push(csv_problems(p, &f.bytes));
        }
    }
    out.extend(seen);
    out
}

/// Up to ~60 characters either side of byte `i`, escaped.
fn excerpt(s: &str, i: usize) -> String {
    let mut start = i.saturating_sub(60);
    while !s.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (i + 60).min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    format!("{:?}", &s[start..end])
}

fn one_line(s: &str) -> String {
    clip(s, 160)
}

/// The first `n` characters of `s`, escaped, with `…` when cut.
fn clip(s: &str, n: usize) -> String {
    let head: String = s.chars().take(n).collect();
    let more = if head.len() < s.len() { "…" } else { "" };
    format!("{head:?}{more}")
}

/// Every problem of one run (both calls).
fn problems_of(root: &Path, o: &Outcome) -> Problems {
    let mut out = Problems::new();
    let mut lines = HashMap::new();
    let mut diags = |d: &Diagnostics, out: &mut Problems| {
        out.extend(diag_problems(root, d, &mut lines));
        out.extend(human_problems(&d.human()));
        out.extend(github_problems(d));
    };
    let check_ok = match &o.check {
        Call::Done(Ok(_)) => Some(true),
        Call::Done(Err(d)) => {
            diags(d, &mut out);
            Some(false)
        }
        Call::Panicked(m) => {
            out.push(("1-no-panic", format!("check: {m}")));
            None
        }
        Call::TimedOut => {
            out.push(("1-time-bound", format!("check: over {TIME_BOUND:?}")));
            None
        }
    };
    let build_ok = match &o.build {
        Call::Done(Ok((_, files))) => {
            out.extend(output_problems(files));
            Some(true)
        }
        Call::Done(Err(Failure::Content(d))) => {
            diags(d, &mut out);
            Some(false)
        }
        Call::Done(Err(Failure::Io(e))) => {
            out.push(("x-build-no-io-error", format!("{e}")));
            Some(false)
        }
        Call::Panicked(m) => {
            out.push(("1-no-panic", format!("build: {m}")));
            None
        }
        Call::TimedOut => {
            out.push(("1-time-bound", format!("build: over {TIME_BOUND:?}")));
            None
        }
    };
    if let (Some(c), Some(b)) = (check_ok, build_ok) {
        if c != b {
            let detail = match &o.build {
                Call::Done(Err(Failure::Content(d))) => format!(
                    "check passed, build failed: {}",
                    one_line(&d.0.first().map(Diagnostic::to_string).unwrap_or_default())
                ),
                Call::Done(Err(Failure::Io(e))) => format!("check passed, build failed: {e}"),
                _ => "check failed, build passed".into(),
            };
            out.push(("x-check-build-agree", detail));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Reporting

struct Example {
    iter: Option<u64>,
    file: String,
    mutations: Vec<String>,
    detail: String,
    saved: Option<PathBuf>,
}

#[derive(Default)]
struct Report {
    failures: BTreeMap<&'static str, (u64, Vec<Example>)>,
    check_ok: u64,
    check_err: u64,
    build_ok: u64,
    build_err: u64,
    check_time: Duration,
    build_time: Duration,
    verify_time: Duration,
}

fn save_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutate")
}

impl Report {
    fn tally(&mut self, o: &Outcome) {
        self.check_time += o.check_time;
        self.build_time += o.build_time;
        match &o.check {
            Call::Done(Ok(_)) => self.check_ok += 1,
            _ => self.check_err += 1,
        }
        match &o.build {
            Call::Done(Ok(_)) => self.build_ok += 1,
            _ => self.build_err += 1,
        }
    }

    fn record(
        &mut self,
        seed: u64,
        iter: Option<u64>,
        file: &str,
        mutations: &[String],
        mutated: &[u8],
        problems: Problems,
    ) {
        let mut saved: Option<PathBuf> = None;
        let mut once = BTreeMap::new();
        for (inv, detail) in problems {
            once.entry(inv).or_insert(detail);
        }
        for (inv, detail) in once {
            let entry = self.failures.entry(inv).or_default();
            entry.0 += 1;
            if entry.1.len() < EXAMPLES {
                if let (None, Some(i)) = (&saved, iter) {
                    let path = save_dir()
                        .join(format!("seed-{seed:#x}-iter-{i}"))
                        .join(file);
                    let ok = path.parent().is_some_and(|d| fs::create_dir_all(d).is_ok())
                        && fs::write(&path, mutated).is_ok();
                    saved = ok.then_some(path);
                }
                entry.1.push(Example {
                    iter,
                    file: file.to_string(),
                    mutations: mutations.to_vec(),
                    detail,
                    saved: saved.clone(),
                });
            }
        }
    }

    fn summary(&self, cfg: &Config, iterations: u64, elapsed: Duration) -> String {
        let seed = cfg.seed;
        let projects = match cfg.projects {
            Some(DEFAULT_PROJECTS) => String::new(),
            Some(k) => format!("HYOKA_MUTATION_PROJECTS={k} "),
            None => "HYOKA_MUTATION_PROJECTS=all ".into(),
        };
        let mut s = String::new();
        let secs = elapsed.as_secs_f64();
        let _ = writeln!(
            s,
            "mutation run: seed {seed:#x}, {iterations} iterations in {secs:.1} s ({:.1}/s); \
             check ok {} / err {}, build ok {} / err {}",
            iterations as f64 / secs.max(1e-9),
            self.check_ok,
            self.check_err,
            self.build_ok,
            self.build_err
        );
        let _ = writeln!(
            s,
            "  time in check {:.1} s, build {:.1} s, invariant checks {:.1} s",
            self.check_time.as_secs_f64(),
            self.build_time.as_secs_f64(),
            self.verify_time.as_secs_f64()
        );
        for (name, what) in INVARIANTS {
            let n = self.failures.get(name).map_or(0, |f| f.0);
            let _ = writeln!(s, "  {name:<34} {n:>6} failing  ({what})");
        }
        for (name, (n, examples)) in &self.failures {
            let _ = writeln!(s, "\n[{name}] failed in {n} iteration(s); first examples:");
            for e in examples {
                let it = e
                    .iter
                    .map_or("baseline (unmutated)".into(), |i| i.to_string());
                let _ = writeln!(s, "  seed {seed:#x} iteration {it}, file {}", e.file);
                for m in &e.mutations {
                    let _ = writeln!(s, "    mutation: {m}");
                }
                let _ = writeln!(s, "    detail:   {}", e.detail);
                if let Some(p) = &e.saved {
                    let _ = writeln!(s, "    mutated file saved at {}", p.display());
                }
                if let Some(i) = e.iter {
                    let _ = writeln!(
                        s,
                        "    replay:   {projects}HYOKA_MUTATION_SEED={seed:#x} \
                         HYOKA_MUTATION_ONLY={i} cargo test --test mutate -- --nocapture"
                    );
                }
            }
        }
        s
    }
}

// ---------------------------------------------------------------------------
// The run

#[test]
fn mutated_content_keeps_the_invariants() {
    install_panic_hook();
    let cfg = Config::from_env();
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("content");
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &root,
    );
    if let Some(keep) = cfg.projects {
        trim_projects(&root, keep, cfg.seed);
    }
    let groups = targets(&root);
    let theme = Arc::new(Theme::load(None).unwrap_or_else(|_| panic!("default theme loads")));
    let mut report = Report::default();

    // The unmutated content must pass, or every failure below means nothing.
    let base = run_pipeline(&root, &theme);
    assert!(
        matches!(base.check, Call::Done(Ok(_))) && matches!(base.build, Call::Done(Ok(_))),
        "the shipped content must check and build"
    );
    let problems = problems_of(&root, &base);
    report.record(cfg.seed, None, "(none)", &[], &[], problems);

    let start = Instant::now();
    let mut done = 0u64;
    let range: Box<dyn Iterator<Item = u64>> = match cfg.only {
        Some(i) => Box::new(std::iter::once(i)),
        None => Box::new(0..),
    };
    for iter in range {
        if cfg.only.is_none() {
            if cfg.iterations.is_some_and(|n| iter >= n) {
                break;
            }
            if cfg.secs.is_some_and(|t| start.elapsed().as_secs_f64() >= t) {
                break;
            }
        }
        let mut rng = Rng::for_iteration(cfg.seed, iter);
        let target = pick_target(&mut rng, &groups);
        let mut bytes = target.original.clone();
        let mutations: Vec<String> = (0..rng.range(1, 3))
            .map(|_| mutation::mutate(&mut rng, target.kind, &mut bytes))
            .collect();
        let path = root.join(&target.rel);
        fs::write(&path, &bytes).expect("write mutated file");
        if cfg.only.is_some() {
            println!(
                "iteration {iter}: {} after {mutations:?}:\n{}",
                target.rel,
                String::from_utf8_lossy(&bytes)
            );
        }

        let outcome = run_pipeline(&root, &theme);
        report.tally(&outcome);
        if cfg.verbose {
            let state = |ok: bool| if ok { "ok" } else { "err" };
            println!(
                "{iter} {}: {mutations:?}: check {}, build {}",
                target.rel,
                state(matches!(outcome.check, Call::Done(Ok(_)))),
                state(matches!(outcome.build, Call::Done(Ok(_))))
            );
        }
        let verify = Instant::now();
        let problems = problems_of(&root, &outcome);
        report.verify_time += verify.elapsed();
        let timed_out = problems.iter().any(|(inv, _)| *inv == "1-time-bound");
        if !problems.is_empty() {
            report.record(
                cfg.seed,
                Some(iter),
                &target.rel,
                &mutations,
                &bytes,
                problems,
            );
        }
        done += 1;
        if timed_out {
            // The late thread still reads the folder: stop here.
            eprintln!("stopping after a call ran over the time bound");
            break;
        }
        fs::write(&path, &target.original).expect("restore file");
    }
    let summary = report.summary(&cfg, done, start.elapsed());
    println!("{summary}");
    assert!(
        report.failures.is_empty(),
        "{} invariant(s) broken by mutated content: {} (details above)",
        report.failures.len(),
        report
            .failures
            .keys()
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// Keeps `keep` project files per series, chosen by the seed.
fn trim_projects(root: &Path, keep: usize, seed: u64) {
    let mut rng = Rng::new(seed);
    let mut dirs: Vec<PathBuf> = fs::read_dir(root)
        .expect("read content")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("_series.yaml").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("read series")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "yaml")
                    && p.file_name().is_some_and(|n| n != "_series.yaml")
            })
            .collect();
        files.sort();
        while files.len() > keep {
            let gone = files.remove(rng.below(files.len()));
            fs::remove_file(gone).expect("remove project");
        }
    }
}

// ---------------------------------------------------------------------------
// Tests of the harness itself: its checks catch what they are meant to.

#[test]
fn guard_reports_panics_and_overruns() {
    install_panic_hook();
    let bound = Duration::from_millis(200);
    assert!(matches!(guarded(bound, || 7), Call::Done(7)));
    match guarded(bound, || -> u8 { panic!("boom {}", 1) }) {
        Call::Panicked(m) => assert!(m.contains("boom 1"), "{m}"),
        _ => panic!("a panic must be reported"),
    }
    // A panic on a rayon worker, as in the pipeline.
    match guarded(bound, || {
        use rayon::prelude::*;
        (0..64u8).into_par_iter().map(|i| 200 / (i - i)).sum::<u8>()
    }) {
        Call::Panicked(m) => assert!(m.contains("divide by zero"), "{m}"),
        _ => panic!("a panic on a worker must be reported"),
    }
    assert!(matches!(
        guarded(bound, || thread::sleep(Duration::from_secs(2))),
        Call::TimedOut
    ));
}

#[test]
fn rng_is_deterministic_and_in_range() {
    let a: Vec<u64> = {
        let mut r = Rng::new(7);
        (0..5).map(|_| r.next_u64()).collect()
    };
    let b: Vec<u64> = {
        let mut r = Rng::new(7);
        (0..5).map(|_| r.next_u64()).collect()
    };
    assert_eq!(a, b);
    assert_ne!(
        Rng::for_iteration(1, 0).next_u64(),
        Rng::for_iteration(1, 1).next_u64()
    );
    let mut r = Rng::new(1);
    let mut seen = [false; 3];
    for _ in 0..1000 {
        let x = r.range(1, 3);
        assert!((1..=3).contains(&x));
        seen[x - 1] = true;
        assert!(r.below(5) < 5);
    }
    assert_eq!(seen, [true; 3]);
}

#[test]
fn mutations_are_deterministic_and_change_files() {
    let original =
        b"name: x\nfiscal_years:\n  - year: R1\n    budget: 10\nevaluations:\n  - rating: A\n"
            .to_vec();
    let mut changed = 0;
    for i in 0..500 {
        let mut one = original.clone();
        let mut two = original.clone();
        let d1 = mutation::mutate(&mut Rng::for_iteration(9, i), Kind::Yaml, &mut one);
        let d2 = mutation::mutate(&mut Rng::for_iteration(9, i), Kind::Yaml, &mut two);
        assert_eq!((&d1, &one), (&d2, &two));
        changed += usize::from(one != original);
    }
    // A few mutations may be no-ops (swapping a line with itself).
    assert!(
        changed > 450,
        "only {changed} of 500 mutations changed the file"
    );
}

#[test]
fn line_count_counts_every_kind_of_break() {
    assert_eq!(line_count(b""), 0);
    assert_eq!(line_count(b"a"), 1);
    assert_eq!(line_count(b"a\n"), 1);
    assert_eq!(line_count(b"a\nb"), 2);
    assert_eq!(line_count(b"a\r\nb\r\n"), 2);
    assert_eq!(line_count(b"a\rb\rc"), 3);
    assert_eq!(line_count("a\u{2028}b".as_bytes()), 2);
}

#[test]
fn diagnostic_checks_catch_bad_files_and_positions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    fs::write(root.join("a.yaml"), "x: 1\ny: 2\n").expect("write");
    let at = |file: PathBuf, line, col| Diagnostic {
        file,
        line,
        col,
        message: "m".into(),
        hint: None,
        cell: None,
        severity: Default::default(),
    };
    let names = |ds: Vec<Diagnostic>| -> Vec<&'static str> {
        diag_problems(root, &Diagnostics(ds), &mut HashMap::new())
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    };
    assert!(names(vec![at(root.join("a.yaml"), 3, 1)]).is_empty());
    assert!(names(vec![at(root.to_path_buf(), 1, 1)]).is_empty());
    assert_eq!(names(vec![]), ["2-err-has-diagnostic"]);
    assert_eq!(
        names(vec![at(root.join("a.yaml"), 4, 1)]),
        ["2-diag-position"]
    );
    assert_eq!(
        names(vec![at(root.join("a.yaml"), 0, 1)]),
        ["2-diag-position"]
    );
    assert_eq!(
        names(vec![at(root.join("a.yaml"), 1, 0)]),
        ["2-diag-position"]
    );
    assert_eq!(
        names(vec![at(root.join("b.yaml"), 1, 1)]),
        ["2-diag-file-exists"]
    );
    assert_eq!(
        names(vec![at(PathBuf::from("/etc/hostname"), 1, 1)]),
        ["2-diag-file-exists"]
    );
}

#[test]
fn human_checks_catch_control_characters_commands_and_long_lines() {
    let names =
        |s: &str| -> Vec<&'static str> { human_problems(s).into_iter().map(|(n, _)| n).collect() };
    assert!(
        names("a.yaml:1:1: error: 「x」\n  = ヒント: y\n1 件のエラーがあります。\n").is_empty()
    );
    assert_eq!(names("a \u{1b}]0;x\u{7}\n"), ["4-human-no-control-char"]);
    assert_eq!(names("a\rb\n"), ["4-human-no-control-char"]);
    assert_eq!(names("a\u{202e}b\n"), ["x-human-no-bidi-or-separator"]);
    assert_eq!(
        names("a\n::warning file=x::y\n"),
        ["4-human-no-workflow-command"]
    );
    assert_eq!(
        names(&format!("{}\n", "あ".repeat(1001))),
        ["4-human-line-length"]
    );
    assert!(names(&format!("{}\n", "あ".repeat(1000))).is_empty());
}

#[test]
fn html_checks_catch_script_urls_however_written() {
    let bad = [
        r#"<a href="javascript:alert(1)">x</a>"#,
        r#"<a class="c" HREF = ' JaVaScript:alert(1)'>x</a>"#,
        r#"<a href="java&#x09;script:alert(1)">x</a>"#,
        r#"<a href="&#106;avascript:alert(1)">x</a>"#,
        r#"<a href="javascript&colon;alert(1)">x</a>"#,
        r#"<img src=javascript:alert(1)>"#,
        r#"<svg><a xlink:href="javascript:alert(1)"></a></svg>"#,
    ];
    for h in bad {
        let p = html_problems("p.html", h);
        assert_eq!(
            p.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            ["3-no-javascript-url"],
            "{h}"
        );
    }
    let good = [
        r#"<a href="https://example.org/javascript:x">javascript:alert(1)</a>"#,
        r#"<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;</p>"#,
        r#"<a href="./javascript.html">x</a>"#,
        // Escaped markup in text, its quotes left as they are.
        r#"<p>&lt;img src="javascript:alert(1)"&gt; &lt;a href = 'javascript:x'&gt;</p>"#,
    ];
    for h in good {
        assert!(html_problems("p.html", h).is_empty(), "{h}");
    }
    let p = html_problems("p.html", "<p><SCRIPT>alert(1)</SCRIPT></p>");
    assert_eq!(p[0].0, "3-no-unescaped-script");
    assert!(html_problems("p.html", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>").is_empty());
}

#[test]
fn csv_check_catches_formula_cells_but_not_numbers() {
    let ok = "\u{feff}a,b,c\n-1,+2.5,1e-3\n-.5,x,\"a=b\"\n";
    assert!(csv_problems("data/x.csv", ok.as_bytes()).is_empty());
    for bad in [
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-1+1",
        "@SUM(A1)",
        "-",
        "\"=1\"",
    ] {
        let text = format!("a,b\n1,{bad}\n");
        assert_eq!(
            csv_problems("data/x.csv", text.as_bytes()).len(),
            1,
            "{bad}"
        );
    }
    for n in ["1", "-1", "+1", "1.5", ".5", "-1e400", "1E+3"] {
        assert!(is_number(n), "{n}");
    }
    for n in ["", "-", "+", ".", "1e", "-.inf", "1-1", "0x1F", "1,000"] {
        assert!(!is_number(n), "{n}");
    }
}

#[test]
fn output_paths_must_stay_inside() {
    let f = |p: &str| OutFile::text(p, "");
    assert!(output_problems(&[f("index.html"), f("data/projects.csv")]).is_empty());
    for bad in [
        "../x.html",
        "/etc/passwd",
        "a/../../b",
        "a//b",
        "",
        "a\\b",
        "C:x",
    ] {
        assert_eq!(
            output_problems(&[f(bad)])
                .into_iter()
                .map(|(n, _)| n)
                .collect::<Vec<_>>(),
            ["3-output-path-safe"],
            "{bad:?}"
        );
    }
}
