//! The mutation catalogue of `tests/mutate.rs`: a seeded PRNG and the edits
//! a hostile user or a careless clerk makes to a content file.
//!
//! Every mutation works on bytes (a file may stop being UTF-8 half-way) and
//! returns a short description of what it did, for the failure report.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to
/// drive a fuzzer; the same seed always gives the same stream.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The generator of iteration `iter` of a run seeded with `seed`, so
    /// that any iteration can be replayed on its own.
    pub fn for_iteration(seed: u64, iter: u64) -> Self {
        let mut r = Rng(seed ^ iter.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`; 0 gives 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Lemire's multiply-shift; the bias is negligible for small n.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What kind of content file is being mutated (some mutations only make
/// sense in YAML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Yaml,
    Markdown,
}

/// Hostile scalar values, as YAML source text.
pub fn hostile_values() -> Vec<String> {
    let mut v: Vec<String> = [
        ".nan",
        ".NaN",
        ".inf",
        "-.inf",
        "9223372036854775807",
        "18446744073709551616",
        "-9223372036854775809",
        "-1",
        "0",
        "1e400",
        "-0.0",
        "0x1F",
        "\"\"",
        "''",
        "~",
        "null",
        "[]",
        "{}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "\"javascript:alert(1)\"",
        "\"JavaScript:alert(1)\"",
        "\" javascript:alert(1)\"",
        "\"java\\tscript:alert(1)\"",
        "\"jav&#x61;script:alert(1)\"",
        "\"[x](JaVaScript:alert(1))\"",
        "\"[x](javascript:alert(1) \\\"t\\\")\"",
        "\"![x](javascript:alert(1))\"",
        "\"<script>alert(1)</script>\"",
        "\"</script><script>alert(1)</script>\"",
        "\"<a href=\\\"javascript:alert(1)\\\">x</a>\"",
        "\"=cmd|' /C calc'!A0\"",
        "\"+1+1\"",
        "\"-1+1\"",
        "\"@SUM(A1:A2)\"",
        "\"../../etc/passwd\"",
        "\"..\"",
        "\"/etc/passwd\"",
        "con",
        "\"CON.yaml\"",
        "\"\\e]0;pwned\\a\"",
        "\"\\e[2J\\e[31mred\"",
        "\"a\\n::warning file=x::y\"",
        "\"a\\r::error::y\"",
        "\"::error file=x::y\"",
        "\"a\\u2028b\\u2029c\"",
        "\"\\u202Eevil\\u202C\"",
        "\"\\u2066isolate\\u2069\"",
        "\"nul\\0byte\"",
        "\"del\\x7fbyte\"",
        "\"nel\\Nbyte\"",
        "\"\\ufeffbom\"",
        "\"\\t\"",
        "\"\\ttab\"",
        "&a [*a]",
        "*undefined",
        "!!binary aGVsbG8=",
        "!custom x",
        "? complex key",
        "|\n  block",
        ">-",
        "'unterminated",
        "\"unterminated",
        "a: b: c",
        "- x",
        "%YAML 1.2",
        "---",
        "...",
        "#comment only",
        "Ｓ",
        "令和元年度",
        "\u{3000}",
        "\"\u{3000}全角空白\u{3000}\"",
        "\"😀👨‍👩‍👧\"",
        "\"e\u{301}\u{301}\u{301}\u{301}\u{301}\"",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(10_000));
    v.push(format!("\"{}\"", "あ".repeat(10_000)));
    v.push(format!("\"{}\"", "\\e".repeat(2_000)));
    v.push(format!("\"{}\"", "<script>alert(1)</script>".repeat(500)));
    v
}

/// Hostile lines for Markdown pages.
const HOSTILE_MARKDOWN: &[&str] = &[
    "[x](javascript:alert(1))",
    "[x](JaVaScript:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<img src=\"javascript:alert(1)\">",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "# <script>alert(1)</script>",
    "# \u{1b}]0;pwned\u{7}",
    "# ",
    "#",
    "# \u{202e}evil",
    "::warning file=x::y",
    "```\nunclosed fence",
    "<!--",
    "<div>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | x |",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x",
    "> > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > x",
    "* * * * * * * * * * * * * * * * * * * * * * * * * * * * * x",
    "[^1]\n\n[^1]: <script>alert(1)</script>",
];

const CONTROL_CHARS: &[&str] = &[
    "\u{0}",
    "\u{1b}",
    "\u{7}",
    "\r",
    "\u{8}",
    "\u{c}",
    "\u{7f}",
    "\u{85}",
    "\u{9b}",
    "\u{2028}",
    "\u{2029}",
    "\u{202a}",
    "\u{202b}",
    "\u{202d}",
    "\u{202e}",
    "\u{2066}",
    "\u{2067}",
    "\u{2068}",
    "\u{2069}",
    "\u{200e}",
    "\u{200f}",
    "\u{feff}",
    "\u{200b}",
    "\t",
    "\u{1b}]0;pwned\u{7}",
    "\u{1b}[2J",
];

const INVALID_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xc3\x28",
    b"\x80",
    b"\xe3\x81",
    b"\xed\xa0\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\xc0\xaf",
    b"\xf4\x90\x80\x80",
    // 所沢 in Shift_JIS.
    b"\x8f\x8a\x91\xf2",
];

const YEARS: &[&str] = &[
    "R99",
    "H0",
    "令和元年度",
    "2019.5",
    "R0",
    "H32",
    "S64",
    "Ｒ１",
    "R 1",
    "r1",
    "R1.5",
    "-2019",
    "0",
    "99999",
    "2019-04-01",
    "\"2019\"",
    "2019年度",
    "元",
];

/// Numbers at and past the edges of the types a field may be read into.
const NUMBERS: &[&str] = &[
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "99999999999999999999",
    "4294967296",
    "2147483648",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "1e308",
    "1e-320",
    "5e-324",
    "0.000001",
    "-1",
    "-0.0",
    "0",
    ".nan",
    ".inf",
    "-.inf",
    "1_000",
    "0o777",
    "0b1010",
    "+12",
    "１２３",
];

const RATINGS: &[&str] = &["Ａ", "AA", "s", "a", "Ｓ", "A+", "\"A \"", "\"\"", "E", "1"];

const YEAR_KEYS: &[&str] = &[
    "year",
    "from",
    "until",
    "start",
    "end",
    "published",
    "updated",
];
const RATING_KEYS: &[&str] = &["rating", "code"];

/// Splits into lines on `\n` (the separators dropped; a final newline
/// gives a final empty line).
fn lines(b: &[u8]) -> Vec<Vec<u8>> {
    b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect()
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    lines.join(&b'\n')
}

/// A `key: value` line: (indent incl. any `- `, key, value start).
fn key_line(line: &[u8]) -> Option<(usize, String, usize)> {
    let text = std::str::from_utf8(line).ok()?;
    let trimmed = text.trim_start_matches(' ');
    let mut indent = text.len() - trimmed.len();
    let rest = match trimmed.strip_prefix("- ") {
        Some(r) => {
            indent += 2;
            r
        }
        None => trimmed,
    };
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let after = &rest[colon + 1..];
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let value_at = indent + colon + 1 + usize::from(after.starts_with(' '));
    Some((indent, key.to_string(), value_at))
}

/// Indices of the `key: value` lines, optionally only those with a key in `keys`.
fn key_lines(ls: &[Vec<u8>], keys: Option<&[&str]>) -> Vec<usize> {
    ls.iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let (_, k, _) = key_line(l)?;
            match keys {
                Some(ks) if !ks.contains(&k.as_str()) => None,
                _ => Some(i),
            }
        })
        .collect()
}

/// A near miss of a key: a typo, a case change, a full-width colon, …
fn near_miss(rng: &mut Rng, key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let n = chars.len();
    match rng.below(8) {
        0 if n >= 2 => {
            let i = rng.below(n - 1);
            let mut c = chars.clone();
            c.swap(i, i + 1);
            c.into_iter().collect()
        }
        1 if n >= 2 => {
            let i = rng.below(n);
            let mut c = chars.clone();
            c.remove(i);
            c.into_iter().collect()
        }
        2 => {
            let i = rng.below(n);
            let mut c = chars.clone();
            c.insert(i, chars[i]);
            c.into_iter().collect()
        }
        3 => {
            let mut c = chars.clone();
            c[0] = c[0].to_ascii_uppercase();
            c.into_iter().collect()
        }
        4 => format!("{key}s"),
        5 if key.contains('_') => key.replace('_', "-"),
        5 => format!("{key}_"),
        6 => key.to_uppercase(),
        // Full-width letters.
        _ => chars
            .iter()
            .map(|&c| {
                if c.is_ascii_alphanumeric() {
                    char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect(),
    }
}

/// A billion-laughs-style alias bomb, bounded so that even a parser that
/// expands every alias makes at most about a million nodes.
fn alias_bomb(rng: &mut Rng) -> String {
    let width = rng.range(2, 9);
    let mut levels = 1;
    while width.pow(levels + 1) <= 1_000_000 && levels < 12 {
        levels += 1;
    }
    let levels = rng.range(2, levels as usize);
    let mut parts = vec![format!("&l0 [{}]", vec!["lol"; width].join(", "))];
    for l in 1..levels {
        parts.push(format!(
            "&l{l} [{}]",
            vec![format!("*l{}", l - 1); width].join(", ")
        ));
    }
    format!("[{}]", parts.join(", "))
}

fn show(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    let mut out: String = format!("{s:?}");
    if out.chars().count() > 80 {
        out = out.chars().take(77).collect::<String>() + "...";
    }
    out
}

/// Applies one random mutation to `file`; says what it did.
pub fn mutate(rng: &mut Rng, kind: Kind, file: &mut Vec<u8>) -> String {
    let mut ls = lines(file);
    let n = ls.len();
    let line = rng.below(n);
    let what = match (rng.below(24), kind) {
        (0, _) => {
            ls.remove(line);
            format!("delete line {}", line + 1)
        }
        (1, _) => {
            let k = rng.range(2, 12).min(n - line);
            ls.drain(line..line + k);
            format!("delete lines {}..{}", line + 1, line + k)
        }
        (2, _) => {
            let l = ls[line].clone();
            ls.insert(line, l);
            format!("duplicate line {}", line + 1)
        }
        (3, _) => {
            let other = rng.below(n);
            ls.swap(line, other);
            format!("swap lines {} and {}", line + 1, other + 1)
        }
        (4, _) => {
            let at = rng.below(file.len() + 1);
            file.truncate(at);
            return format!("truncate at byte {at}");
        }
        (5, _) => {
            let l = &mut ls[line];
            let how = match rng.below(5) {
                0 => {
                    l.splice(0..0, b"  ".iter().copied());
                    "indent by 2"
                }
                1 => {
                    l.insert(0, b' ');
                    "indent by 1"
                }
                2 => {
                    let k = l.iter().take_while(|&&c| c == b' ').count().min(2);
                    l.drain(..k);
                    "dedent"
                }
                3 => {
                    let k = l.iter().take_while(|&&c| c == b' ').count();
                    l.splice(0..k, b"\t".iter().copied());
                    "indent with a tab"
                }
                _ => {
                    let k = l.iter().take_while(|&&c| c == b' ').count().min(2);
                    l.splice(0..k, "\u{3000}".bytes());
                    "indent with a full-width space"
                }
            };
            format!("{how}: line {}", line + 1)
        }
        (6, _) => {
            let at = rng.below(file.len() + 1);
            let b = rng.below(256) as u8;
            file.insert(at, b);
            return format!("insert byte 0x{b:02x} at byte {at}");
        }
        (7 | 8, _) => {
            let at = char_boundary(file, rng.below(file.len() + 1));
            let c = rng.pick(CONTROL_CHARS);
            file.splice(at..at, c.bytes());
            return format!("insert {c:?} at byte {at}");
        }
        (9, _) => {
            let at = rng.below(file.len() + 1);
            let b = rng.pick(INVALID_UTF8);
            file.splice(at..at, b.iter().copied());
            return format!("insert invalid UTF-8 {b:x?} at byte {at}");
        }
        (10, _) => {
            let crlf = rng.chance(1, 2);
            let sep: &[u8] = if crlf { b"\r\n" } else { b"\r" };
            let out = ls.join(sep);
            *file = out;
            return format!("line endings to {:?}", String::from_utf8_lossy(sep));
        }
        (_, Kind::Markdown) => {
            let h = rng.pick(HOSTILE_MARKDOWN);
            if rng.chance(1, 2) {
                ls[line] = h.as_bytes().to_vec();
                format!("replace line {} with {}", line + 1, show(h.as_bytes()))
            } else {
                let l = &mut ls[line];
                let at = char_boundary(l, rng.below(l.len() + 1));
                l.splice(at..at, h.bytes());
                format!("insert {} into line {}", show(h.as_bytes()), line + 1)
            }
        }
        (11..=13, Kind::Yaml) => {
            let v = rng.pick(&hostile_values()).clone();
            replace_value(rng, &mut ls, None, &v)
        }
        (14, Kind::Yaml) => {
            let v = rng.pick(YEARS);
            replace_value(rng, &mut ls, Some(YEAR_KEYS), v)
        }
        (15, Kind::Yaml) => {
            let v = rng.pick(RATINGS);
            replace_value(rng, &mut ls, Some(RATING_KEYS), v)
        }
        (16, Kind::Yaml) => {
            let ks = key_lines(&ls, None);
            if ks.is_empty() {
                return "no key to rename".into();
            }
            let i = *rng.pick(&ks);
            let Some((indent, key, _)) = key_line(&ls[i]) else {
                return "no key to rename".into();
            };
            let at = indent;
            let new = if rng.chance(1, 6) {
                // A full-width colon: the key and value become one string.
                ls[i].splice(at + key.len()..at + key.len() + 1, "：".bytes());
                format!("{key}：")
            } else {
                let new = near_miss(rng, &key);
                ls[i].splice(at..at + key.len(), new.bytes());
                new
            };
            format!("rename key {key:?} to {new:?} on line {}", i + 1)
        }
        (17, Kind::Yaml) => {
            let ks = key_lines(&ls, None);
            if ks.is_empty() {
                return "no key to duplicate".into();
            }
            let i = *rng.pick(&ks);
            let Some((indent, key, _)) = key_line(&ls[i]) else {
                return "no key to duplicate".into();
            };
            let v = rng.pick(&hostile_values()).clone();
            let dup = format!("{}{key}: {v}", " ".repeat(indent));
            ls.insert(i + 1, dup.into_bytes());
            format!(
                "duplicate key {key:?} after line {} with {}",
                i + 1,
                show(v.as_bytes())
            )
        }
        (20..=23, Kind::Yaml) => {
            // Half the time one of the largest, which overflow sums.
            let v = if rng.chance(1, 2) {
                rng.pick(&NUMBERS[..3])
            } else {
                rng.pick(NUMBERS)
            };
            let numeric: Vec<usize> = (0..n)
                .filter(|&i| {
                    key_line(&ls[i]).is_some_and(|(_, _, at)| {
                        let v = String::from_utf8_lossy(&ls[i][at..]);
                        let v = v.trim();
                        !v.is_empty() && v.parse::<f64>().is_ok()
                    })
                })
                .collect();
            if numeric.is_empty() {
                replace_value(rng, &mut ls, None, v)
            } else {
                let i = *rng.pick(&numeric);
                replace_value_at(&mut ls, i, v)
            }
        }
        (18, Kind::Yaml) => {
            let bomb = alias_bomb(rng);
            replace_value(rng, &mut ls, None, &bomb)
        }
        (_, Kind::Yaml) => {
            // An anchor on one value and an alias to it in another (before
            // or after it).
            let ks = key_lines(&ls, None);
            if ks.len() < 2 {
                return "no keys for an alias".into();
            }
            let a = *rng.pick(&ks);
            let b = *rng.pick(&ks);
            let (Some((_, ka, va)), Some((_, kb, vb))) = (key_line(&ls[a]), key_line(&ls[b]))
            else {
                return "no keys for an alias".into();
            };
            ls[a].splice(va..va, b"&m ".iter().copied());
            if a != b {
                ls[b].truncate(vb);
                ls[b].extend_from_slice(b"*m");
            }
            format!(
                "anchor &m on {ka:?} (line {}), alias *m as {kb:?} (line {})",
                a + 1,
                b + 1
            )
        }
    };
    *file = join(&ls);
    what
}

/// Replaces the value of a random `key: value` line (with a key in `keys`
/// when given and present) by `v`.
fn replace_value(rng: &mut Rng, ls: &mut [Vec<u8>], keys: Option<&[&str]>, v: &str) -> String {
    let mut ks = key_lines(ls, keys);
    if ks.is_empty() {
        ks = key_lines(ls, None);
    }
    if ks.is_empty() {
        return "no value to replace".into();
    }
    let i = *rng.pick(&ks);
    replace_value_at(ls, i, v)
}

/// Replaces the value of the `key: value` line `i` by `v`.
fn replace_value_at(ls: &mut [Vec<u8>], i: usize, v: &str) -> String {
    let Some((_, key, at)) = key_line(&ls[i]) else {
        return "no value to replace".into();
    };
    let l = &mut ls[i];
    l.truncate(at);
    if at > 0 && l.last() != Some(&b' ') {
        l.push(b' ');
    }
    l.extend_from_slice(v.as_bytes());
    format!("set {key:?} on line {} to {}", i + 1, show(v.as_bytes()))
}

/// The nearest UTF-8 boundary at or before `at` (so that inserted text is
/// not itself split; invalid UTF-8 has its own mutation).
fn char_boundary(b: &[u8], mut at: usize) -> usize {
    at = at.min(b.len());
    while at > 0 && at < b.len() && (b[at] & 0xC0) == 0x80 {
        at -= 1;
    }
    at
}
