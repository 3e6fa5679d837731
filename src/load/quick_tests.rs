//! The quick reader against serde_norway: same documents, or `None`.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{clean, from_str};
use crate::fiscal::FiscalYear;
use crate::model::{DepartmentsDoc, ProjectDoc, SeriesDoc, SiteDoc};

/// serde_norway's reading of `text` as JSON, or `None` when it fails.
fn slow<T: DeserializeOwned + Serialize>(text: &str) -> Option<String> {
    serde_norway::from_str::<T>(text)
        .ok()
        .map(|d| serde_json::to_string(&d).expect("serializable"))
}

/// The quick reading as JSON; when there is one, serde_norway must read
/// the same (else the test fails, naming the text).
fn quick<T: DeserializeOwned + Serialize>(text: &str) -> Option<String> {
    let fast = from_str::<T>(text).map(|d| serde_json::to_string(&d).expect("serializable"));
    if let Some(f) = &fast {
        assert_eq!(
            Some(f),
            slow::<T>(text).as_ref(),
            "the quick reader read differently:\n{text}"
        );
    }
    fast
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("content folder")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml") {
            out.push(p);
        }
    }
}

/// The shipped project files (not `_series.yaml`, not the top-level files).
fn shipped_projects() -> Vec<(PathBuf, String)> {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut files = Vec::new();
    yaml_files(&content, &mut files);
    files
        .into_iter()
        .filter(|p| {
            p.parent() != Some(content.as_path())
                && !p.starts_with(content.join("pages"))
                && p.file_name().is_some_and(|n| n != "_series.yaml")
        })
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            (p, text)
        })
        .collect()
}

#[test]
fn every_shipped_file_is_read_quickly_and_alike() {
    let projects = shipped_projects();
    assert!(projects.len() >= 80, "{} project files", projects.len());
    for (path, text) in &projects {
        assert!(
            quick::<ProjectDoc>(text).is_some(),
            "not read quickly: {}",
            path.display()
        );
    }
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let read = |p: PathBuf| std::fs::read_to_string(p).expect("readable");
    assert!(quick::<SiteDoc>(&read(content.join("site.yaml"))).is_some());
    assert!(quick::<DepartmentsDoc>(&read(content.join("departments.yaml"))).is_some());
    for series in ["jimu-2019", "ict-plan-2019-2021"] {
        let text = read(content.join(series).join("_series.yaml"));
        assert!(quick::<SeriesDoc>(&text).is_some(), "{series}");
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pieces of YAML syntax, and characters YAML treats specially.
const TOKENS: &[&str] = &[
    " ", "  ", "\n", "\n  ", "\n\n", "#", " #", " # c", ":", ": ", "- ", "-", "'", "''", "\"",
    "\\", "\\n", "|", "|-", "|+", ">", ">-", "|2", "[", "]", "[]", "{}", "{", ",", "~", "null",
    "Null", "true", "FALSE", "yes", "0", "07", "-1", "+1", "1.5", "01.5", "0x1F", "0o7", "1e3",
    ".inf", "-.inf", ".nan", "nan", "&a ", "*a", "!", "!!str ", "%", "@", "`", "?", "? ", "---",
    "...", "\t", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{feff}", "\u{7f}", "\u{1}", "　", "：",
    "＃", "x: y", "- a", "<<: ",
];

fn char_boundary_at(text: &str, rng: &mut Rng) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `text` with one to three random edits.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut t = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let at = char_boundary_at(&t, rng);
        match rng.below(6) {
            0..=2 => t.insert_str(at, TOKENS[rng.below(TOKENS.len())]),
            3 => {
                // delete up to 8 characters
                let end = t[at..]
                    .char_indices()
                    .nth(1 + rng.below(8))
                    .map_or(t.len(), |(i, _)| at + i);
                t.replace_range(at..end, "");
            }
            4 => {
                // indent or dedent a line
                let start = t[..at].rfind('\n').map_or(0, |i| i + 1);
                if rng.below(2) == 0 {
                    t.insert(start, ' ');
                } else if t[start..].starts_with(' ') {
                    t.remove(start);
                }
            }
            _ => {
                // duplicate a line
                let start = t[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = t[at..].find('\n').map_or(t.len(), |i| at + i + 1);
                let line = t[start..end].to_string();
                t.insert_str(end, &line);
            }
        }
    }
    t
}

#[test]
fn mutated_files_are_read_alike_or_left_to_the_yaml_parser() {
    let projects = shipped_projects();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut read, mut left, mut both_failed) = (0, 0, 0);
    // A project file in the flow style benches/gen_corpus.py writes.
    let flow = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quick/flow-style.yaml");
    let flow = std::fs::read_to_string(flow).expect("fixture");
    assert!(
        quick::<ProjectDoc>(&flow).is_some(),
        "the flow-style fixture is read quickly"
    );
    let runs = projects.iter().map(|(_, t)| (t, 60)).chain([(&flow, 1000)]);
    for (text, n) in runs {
        for _ in 0..n {
            let m = mutate(text, &mut rng);
            match quick::<ProjectDoc>(&m) {
                Some(_) => read += 1,
                None if slow::<ProjectDoc>(&m).is_some() => left += 1,
                None => both_failed += 1,
            }
        }
    }
    // Not vacuous: many mutated files are still read quickly (and equal
    // serde_norway's reading, checked in `quick`), and some that only
    // serde_norway reads are left to it.
    assert!(
        read > 1500,
        "read {read}, left {left}, both failed {both_failed}"
    );
    assert!(
        left > 100,
        "read {read}, left {left}, both failed {both_failed}"
    );
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sample {
    #[serde(default)]
    s: Option<String>,
    #[serde(default)]
    t: Vec<String>,
    #[serde(default)]
    f: Option<f64>,
    #[serde(default)]
    u: Option<u32>,
    #[serde(default)]
    i: Option<i64>,
    #[serde(default)]
    b: Option<bool>,
    #[serde(default)]
    e: Option<Kind>,
    #[serde(default)]
    y: Vec<FiscalYear>,
    #[serde(default)]
    n: Option<Box<Sample>>,
    #[serde(default)]
    l: Vec<Sample>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    One,
    Two,
}

/// Texts the quick reader reads, each as serde_norway does.
#[test]
fn plain_yaml_is_read_quickly() {
    let texts = [
        "s: plain text\n",
        "s: 'it''s'\nt: [a, B_2]\n",
        "s: \"quoted: # not a comment\"   # a comment\n",
        "s: null\nf: ~\nu:\ni: -3\n",
        "s: \"null\"\nf: 75\nu: 0\nb: TRUE\n",
        "s: 75\nf: 0.42\nb: false\n",
        "s: ~\n",
        "s: a#b\n",
        "t: []\nn: {}\n",
        "e: two\ny: [H30, 2019, R1]\n",
        "# a comment\ns: x # trailing\n\n# another\nt:\n- a\n-  b\n",
        "t:\n  - a\n  # between\n  - 'b'\n",
        "s: |\n  line one\n    more indented\n\n  after a blank\ni: 1\n",
        "s: |-\n  stripped\n  # not a comment\n",
        "s: >-\n  folded\n  lines\n\n  paragraph\n",
        "s: >\n  folded and clipped\n",
        "l:\n  - s: first\n    t: [x]\n  - n:\n      s: nested\n    l:\n    - s: deep\n",
        "l:\n-   s: wide\n    u: 5\n",
        "n:\n  y:\n  - H30\n",
        "n: { s: plain words, f: 578.3, u: 2016, b: true }\n",
        "n: {s: \"a, b]\", i: 0}\nt: ['c}', d e, 環境基本法, \"x: y\"]\n",
        "l:\n  - { s: 'x', i: -2 }   # comment\n  - {}\n",
    ];
    for text in texts {
        assert!(quick::<Sample>(text).is_some(), "not read quickly:\n{text}");
    }
}

/// Texts the quick reader leaves to serde_norway, which reads some of them
/// and refuses others.
#[test]
fn other_yaml_is_left_to_the_yaml_parser() {
    let texts = [
        "s: a\ttab\n",
        "s: x\r\n",
        "s: multi\n  line plain\n",
        "s: \"multi\n  line quoted\"\n",
        "s: \"escape \\u00e9\"\n",
        "s: |+\n  kept\n\n",
        "s: |2\n    indicated\n",
        "s: |\n\n  leading blank\n",
        "s: |\n  spaces\n    \n  only line\n",
        "s: >\n  folded\n    more indented\n",
        "s: |\n  no final line feed",
        "s: &a anchored\n",
        "s: !!str tagged\n",
        "s: 'multi\n  line'\n",
        "u: 0x1F\n",
        "u: +5\n",
        "f: 1e3\n",
        "f: .inf\n",
        "i: 007\n",
        "f: 01.5\n",
        "s: a: b\n",
        "\"s\": quoted key\n",
        "s: a\ns: twice\n",
        "---\ns: a\n",
        "s: a\n...\n",
        "t: [a: b]\n",
        "t: [[a]]\n",
        "t: [a, ]\n",
        "t: [a,\n  b]\n",
        "t: [a #c]\n",
        "t: [a]#c\n",
        "n: {s}\n",
        "n: {s: }\n",
        "n: {s: a, s: b}\n",
        "n: {\"s\": a}\n",
        "n: {s: {t: a}}\n",
        "n: {y: [R1]}\n",
        "n: {s: 12:30}\n",
        "s: a\n t: indented\n",
        "l:\n- s: a\n  u: x\n",
        "s: \u{2028}\n",
        "s: \u{85}\n",
    ];
    for text in texts {
        assert!(
            from_str::<Sample>(text).is_none(),
            "read quickly but should be left:\n{text}"
        );
    }
    // Some of them serde_norway reads; the loader then takes its reading.
    assert!(slow::<Sample>("s: multi\n  line plain\n").is_some());
    assert!(slow::<Sample>("u: 0x1F\n").is_some());
    assert!(slow::<Sample>("s: |+\n  kept\n\n").is_some());
}

/// A file nested deeper than the quick reader goes is left to the YAML
/// parser rather than exhausting the stack.
#[test]
fn deep_nesting_is_left_to_the_yaml_parser() {
    let text = format!("t:\n{}x\n", "- ".repeat(10_000));
    assert!(from_str::<Sample>(&text).is_none());
    let mut text = String::new();
    for d in 0..200 {
        text.push_str(&" ".repeat(2 * d));
        text.push_str("n:\n");
    }
    assert!(from_str::<Sample>(&text).is_none());
}

/// `clean` refuses exactly the characters YAML refuses or reads as a line
/// break (and the tab and carriage return), wherever they are, also
/// across the edges of the chunks it checks at once.
#[test]
fn clean_refuses_what_it_must_and_nothing_else() {
    let refused = |c: char| {
        (c < ' ' && c != '\n')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
    };
    let chars = (0..0x3100u32)
        .chain(0xfe00..=0xffff)
        .chain([0x1_f600, 0x10_ffff])
        .filter_map(char::from_u32);
    for c in chars {
        for at in [0, 1, 61, 62, 63, 64, 65, 127, 128] {
            // `c` at byte `at`, among Japanese text (whose punctuation
            // starts with the same bytes as some refused characters).
            let before = "x".repeat(at);
            let text = format!("{before}{c}（「…」）―※tail");
            assert_eq!(clean(&text), !refused(c), "U+{:04X} at {at}", c as u32);
            let end = format!("{before}{c}");
            assert_eq!(clean(&end), !refused(c), "U+{:04X} last", c as u32);
        }
    }
    assert!(clean(""));
}
