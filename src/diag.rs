//! Diagnostics: every problem found in the content, with the file, line and
//! column it points at, printed for people (`path:line:col: error: …`) or for
//! GitHub Actions (`::error file=…,line=…,col=…::…`).
//!
//! Values from the content reach both outputs, so both are escaped: a
//! control character (C0, DEL, C1), a line or paragraph separator or a bidi
//! control is shown as a visible escape (`\n`, `\t`, `\u{1b}`), so that a
//! value can neither drive the terminal nor start a line of its own; a human
//! line never starts with `::` (a GitHub workflow command); the GitHub form
//! follows the workflow-command escaping (`%25`, `%0D`, `%0A`, and in
//! properties `%3A`, `%2C`). Messages quote at most [`EXCERPT_CHARS`]
//! characters of a value ([`excerpt`]).

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The content cannot be built as it is (exit code 1).
    #[default]
    Error,
    /// The content builds, but something in it is likely a mistake (the
    /// exit code stays 0 when there are warnings only).
    Warning,
}

impl Severity {
    /// The word of the human form (`error`, `warning`), also the GitHub
    /// command's name.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// File, as given to the user (relative to the working directory when possible).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// A spreadsheet cell (`シート名!C12`) instead of line and column: the
    /// report then reads `FILE.xlsx:シート名!C12: error: …` (`hyoka import`).
    pub cell: Option<String>,
    /// Error (the default) or warning.
    pub severity: Severity,
}

impl Diagnostic {
    /// A diagnostic at a position.
    pub fn new(file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: pos.line.max(1),
            col: pos.col.max(1),
            message: message.into(),
            hint: None,
            cell: None,
            severity: Severity::Error,
        }
    }

    /// A diagnostic at a spreadsheet cell, e.g. `cell` = `評価!C12`.
    pub fn at_cell(file: &Path, cell: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            cell: Some(cell.into()),
            ..Diagnostic::new(file, Pos::START, message)
        }
    }

    /// Makes it a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The GitHub Actions workflow-command form.
    pub fn github(&self) -> String {
        let mut msg = self.message.clone();
        if let Some(h) = &self.hint {
            msg.push_str(" — ");
            msg.push_str(h);
        }
        if let Some(c) = &self.cell {
            return format!(
                "::{} file={}::{}",
                self.severity.word(),
                gh_escape_prop(&self.file.to_string_lossy()),
                gh_escape_data(&format!("{c}: {msg}"))
            );
        }
        format!(
            "::{} file={},line={},col={}::{}",
            self.severity.word(),
            gh_escape_prop(&self.file.to_string_lossy()),
            self.line,
            self.col,
            gh_escape_data(&msg)
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut file = escape_controls(&self.file.to_string_lossy());
        // GitHub reads a line whose first non-blank characters are `::` as
        // a command; a path like `::x` must not start one.
        if file.starts_with(|c: char| c == ':' || c.is_whitespace()) {
            file.insert_str(0, "./");
        }
        match &self.cell {
            Some(c) => write!(
                f,
                "{file}:{}: {}: {}",
                escape_controls(c),
                self.severity.word(),
                escape_controls(&self.message)
            )?,
            None => write!(
                f,
                "{file}:{}:{}: {}: {}",
                self.line,
                self.col,
                self.severity.word(),
                escape_controls(&self.message)
            )?,
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  = ヒント: {}", escape_controls(h))?;
        }
        Ok(())
    }
}

/// How many characters of a value a message quotes at most.
pub const EXCERPT_CHARS: usize = 120;

/// `s` cut to [`EXCERPT_CHARS`] characters, with `…` when cut: for quoting
/// a value in a message.
pub fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}

/// Characters that could change what a terminal or a log viewer shows, or
/// break a line: controls (C0, DEL, C1), line and paragraph separators,
/// bidi embeddings, overrides, isolates and marks.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
        )
}

/// The visible escape of an unsafe character: `\n`, `\r`, `\t`, else `\u{1b}`.
fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        _ => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
    }
}

/// `s` with every unsafe character (see [`is_unsafe`]) shown as a visible
/// escape, for the terminal.
pub fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Workflow-command escaping: `%`, CR and LF as GitHub decodes them (and in
/// properties also `:` and `,`); any other unsafe character as a visible
/// escape, which GitHub shows as it is.
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if is_unsafe(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

fn gh_escape_data(s: &str) -> String {
    gh_escape(s, false)
}

fn gh_escape_prop(s: &str) -> String {
    gh_escape(s, true)
}

/// A 1-based position in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// Line, 1-based.
    pub line: usize,
    /// Column, 1-based.
    pub col: usize,
}

impl Pos {
    /// The start of a file.
    pub const START: Pos = Pos { line: 1, col: 1 };
}

/// All the problems of one run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    /// No problems.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// How many of them are warnings.
    pub fn warnings(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
    /// Sorted by file, line, column, message; duplicates removed.
    pub fn sorted(mut self) -> Self {
        self.0.sort();
        self.0.dedup();
        self
    }
    /// Human-readable report, one diagnostic per paragraph, and a count.
    pub fn human(&self) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.to_string());
            out.push('\n');
        }
        let warnings = self.warnings();
        let errors = self.0.len() - warnings;
        if errors > 0 || warnings == 0 {
            out.push_str(&format!("{errors} 件のエラーがあります。\n"));
        }
        if warnings > 0 {
            out.push_str(&format!("{warnings} 件の警告があります。\n"));
        }
        out
    }
    /// GitHub workflow commands, one per line.
    pub fn github(&self) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.github());
            out.push('\n');
        }
        out
    }
}

/// The closest candidates to `word` (edit distance), best first, at most 3.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(word, c), c))
        .filter(|(s, _)| *s >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// 「a」、「b」
pub fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("「{}」", excerpt(s)))
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_format_escapes() {
        let d =
            Diagnostic::new(Path::new("a,b:c.yaml"), Pos { line: 3, col: 5 }, "50%\nx").hint("h");
        assert_eq!(
            d.github(),
            "::error file=a%2Cb%3Ac.yaml,line=3,col=5::50%25%0Ax — h"
        );
    }

    #[test]
    fn github_format_escapes_hostile_values() {
        let d = Diagnostic::new(
            Path::new("x\n::warning file=a::b,c%.yaml"),
            Pos { line: 1, col: 2 },
            "name「\u{1b}]0;pwned\u{7}」\r\n::warning file=x::y\u{202e}\u{85}\t",
        )
        .hint("100%\u{2028}");
        let line = d.github();
        assert_eq!(
            line,
            "::error file=x%0A%3A%3Awarning file=a%3A%3Ab%2Cc%25.yaml,line=1,col=2::\
             name「\\u{1b}]0;pwned\\u{7}」%0D%0A::warning file=x::y\\u{202e}\\u{85}\\t — 100%25\\u{2028}"
        );
        assert!(!line.contains(['\n', '\r', '\u{1b}', '\u{7}']));
    }

    #[test]
    fn human_format_escapes_controls_and_never_starts_a_command() {
        let d = Diagnostic::new(
            Path::new("::x\u{1b}[2J.yaml"),
            Pos { line: 4, col: 1 },
            "「a\nb」\u{9b}31m\u{2066}",
        )
        .hint("\r::warning::y\u{2029}");
        assert_eq!(
            d.to_string(),
            "./::x\\u{1b}[2J.yaml:4:1: error: 「a\\nb」\\u{9b}31m\\u{2066}\n  = ヒント: \\r::warning::y\\u{2029}"
        );
        for file in [":", " ::x", "\u{3000}::x"] {
            let d = Diagnostic::new(Path::new(file), Pos::START, "m");
            let report = Diagnostics(vec![d]).human();
            assert!(
                report.lines().all(|l| !l.trim_start().starts_with("::")),
                "{report}"
            );
        }
        // An ordinary path is left alone.
        let d = Diagnostic::new(Path::new("content/a.yaml"), Pos::START, "タブ\tと改行");
        assert_eq!(d.to_string(), "content/a.yaml:1:1: error: タブ\\tと改行");
    }

    #[test]
    fn excerpt_cuts_at_120_characters() {
        let short = "あ".repeat(120);
        assert_eq!(excerpt(&short), short);
        let long = format!("{}いう", "あ".repeat(120));
        assert_eq!(excerpt(&long), format!("{}…", "あ".repeat(120)));
        assert_eq!(excerpt(""), "");
        assert_eq!(quote_list(&[&long]), format!("「{}…」", "あ".repeat(120)));
    }

    #[test]
    fn closest_finds_typos() {
        assert_eq!(closest("nmae", ["name", "summary", "notes"]), vec!["name"]);
        assert!(closest("zzzz", ["name"]).is_empty());
    }
}
