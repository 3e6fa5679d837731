//! Diagnostics: every problem found in the content, with the file, line and
//! column it points at, printed for people (`path:line:col: error: …`) or for
//! GitHub Actions (`::error file=…,line=…,col=…::…`).

use std::fmt;
use std::path::{Path, PathBuf};

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
        }
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
        format!(
            "::error file={},line={},col={}::{}",
            gh_escape_prop(&self.file.to_string_lossy()),
            self.line,
            self.col,
            gh_escape_data(&msg)
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file.display(),
            self.line,
            self.col,
            self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n  = ヒント: {h}")?;
        }
        Ok(())
    }
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
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
        out.push_str(&format!("{} 件のエラーがあります。\n", self.0.len()));
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
        .map(|s| format!("「{s}」"))
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
    fn closest_finds_typos() {
        assert_eq!(closest("nmae", ["name", "summary", "notes"]), vec!["name"]);
        assert!(closest("zzzz", ["name"]).is_empty());
    }
}
