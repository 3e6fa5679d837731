//! A quicker reader for the plain YAML that content files are written in.
//!
//! The YAML parser (serde_norway, a port of libyaml) reads about 35 MB/s
//! per core, and reading 10,000 real sheets was a tenth of a clean build.
//! Project files use a small part of YAML: block mappings with plain keys,
//! block sequences, one-line plain, single- and double-quoted scalars,
//! literal and folded block scalars, `[]`, `{}` and one-line flow lists of
//! plain words, and comments. [`from_str`] reads exactly that part, builds a
//! small tree and deserializes it the way serde_norway deserializes the
//! same text (how a plain scalar becomes null, a boolean, a number or a
//! string depends on the type asked for, as there).
//!
//! Anything else, or anything it is not sure of (a tab, a carriage return,
//! a character YAML refuses or reads as a line break, an escape, a
//! multi-line plain or quoted scalar, an anchor, a tag, a number written
//! in a way other than plain decimals, a deserialization error) gives
//! `None`, and the caller parses the file with serde_norway as before. So
//! the result is never different from serde_norway's; the tests compare the
//! two on the shipped content and on thousands of mutated copies of it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

/// `text` read as a `T`, when it is in the part of YAML this module reads
/// and deserializes without error; else `None`.
pub(super) fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    if !clean(text) {
        return None;
    }
    let node = Parser::new(text).document()?;
    T::deserialize(&node).ok()
}

/// Whether `text` has none of the characters this module leaves to the
/// YAML parser: C0 controls but the line feed (so no tab and no carriage
/// return), DEL, C1 controls (NEL among them), the line and paragraph
/// separators, a byte order mark, U+FFFE and U+FFFF.
fn clean(text: &str) -> bool {
    let b = text.as_bytes();
    let Some((&last, _)) = b.split_last() else {
        return true;
    };
    // A byte with the one after it: a C0 control or DEL, or the start of
    // a C1 control (C2 80..9F), of U+2000..U+203F (E2 80: the separators
    // are U+2028, U+2029), or of U+FEC0..U+FEFF or U+FFC0..U+FFFF (EF BB,
    // EF BF). Checked 64 pairs at a time without branches (vectorized);
    // only a chunk with such a pair is looked at closely.
    let suspect = |c: u8, d: u8| {
        (c < 0x20 && c != b'\n')
            | (c == 0x7f)
            | (c == 0xc2 && d < 0xa0)
            | (c == 0xe2 && d == 0x80)
            | (c == 0xef && (d == 0xbb || d == 0xbf))
    };
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let refused = |i: usize| match b[i] {
        b'\n' => false,
        0x00..=0x1f | 0x7f => true,
        0xc2 => (0x80..=0x9f).contains(&at(i + 1)),
        0xe2 => at(i + 1) == 0x80 && matches!(at(i + 2), 0xa8 | 0xa9),
        0xef => {
            (at(i + 1) == 0xbb && at(i + 2) == 0xbf)
                || (at(i + 1) == 0xbf && matches!(at(i + 2), 0xbe | 0xbf))
        }
        _ => false,
    };
    const CHUNK: usize = 64;
    let (head, next) = (&b[..b.len() - 1], &b[1..]);
    for (n, (h, x)) in head.chunks(CHUNK).zip(next.chunks(CHUNK)).enumerate() {
        let any = h.iter().zip(x).fold(false, |a, (&c, &d)| a | suspect(c, d));
        if any && (n * CHUNK..n * CHUNK + h.len()).any(refused) {
            return false;
        }
    }
    !((last < 0x20 && last != b'\n') || last == 0x7f)
}

/// How a scalar was written: a plain scalar's meaning depends on the type
/// asked for; a quoted or block scalar is always a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Other,
}

#[derive(Debug)]
enum Node<'a> {
    Scalar(Cow<'a, str>, Style),
    Seq(Vec<Node<'a>>),
    Map(Vec<(&'a str, Node<'a>)>),
}

const EMPTY: Node<'static> = Node::Scalar(Cow::Borrowed(""), Style::Plain);

/// Deeper nesting is left to the YAML parser (which has a limit of its
/// own), so that no file can exhaust the stack here.
const MAX_DEPTH: usize = 64;

/// A line: its indentation (spaces) and the rest, empty for a blank line.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    rest: &'a str,
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    i: usize,
    /// Whether the text ends with a line feed (a block scalar that ends the
    /// text without one would lose its final line break).
    ends_nl: bool,
    depth: usize,
}

/// Whether a line (after its indentation) is a block sequence entry.
fn is_item(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}

/// `key: rest` split, when the key is a plain ASCII word followed by a
/// colon and a space or the end of the line; the rest without its leading
/// spaces.
fn split_key(rest: &str) -> Option<(&str, &str)> {
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let after = &rest[colon + 1..];
    if !after.is_empty() && !after.starts_with(' ') {
        return None;
    }
    Some((key, after.trim_start_matches(' ')))
}

/// Whether what follows a closed scalar on its line is nothing or a
/// comment after a space.
fn end_ok(after: &str) -> bool {
    let t = after.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && t.len() < after.len())
}

#[derive(Clone, Copy)]
enum Chomp {
    Strip,
    Clip,
}

/// A block scalar's header (`|`, `|-`, `>`, `>-`, maybe with a comment):
/// whether it folds, and its chomping. Keep chomping (`+`) and an
/// indentation indicator are left to the YAML parser.
fn block_header(s: &str) -> Option<(bool, Chomp)> {
    let folded = match s.as_bytes().first() {
        Some(b'|') => false,
        Some(b'>') => true,
        _ => return None,
    };
    let (chomp, rest) = match s[1..].strip_prefix('-') {
        Some(rest) => (Chomp::Strip, rest),
        None => (Chomp::Clip, &s[1..]),
    };
    end_ok(rest).then_some((folded, chomp))
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        let ends_nl = text.ends_with('\n');
        let body = text.strip_suffix('\n').unwrap_or(text);
        let lines = body
            .split('\n')
            .map(|l| {
                let rest = l.trim_start_matches(' ');
                Line {
                    indent: l.len() - rest.len(),
                    rest,
                }
            })
            .collect();
        Parser {
            lines,
            i: 0,
            ends_nl,
            depth: 0,
        }
    }

    /// The next line that is neither blank nor a comment.
    fn peek(&mut self) -> Option<Line<'a>> {
        while let Some(l) = self.lines.get(self.i) {
            if l.rest.is_empty() || l.rest.starts_with('#') {
                self.i += 1;
            } else {
                return Some(*l);
            }
        }
        None
    }

    fn document(mut self) -> Option<Node<'a>> {
        let first = self.peek()?;
        if first.indent != 0 {
            return None;
        }
        let node = self.node(0)?;
        self.peek().is_none().then_some(node)
    }

    /// The block collection whose first line, the current one, is at
    /// `indent`.
    fn node(&mut self, indent: usize) -> Option<Node<'a>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let l = self.peek()?;
        let node = if is_item(l.rest) {
            self.seq(indent)
        } else {
            self.map(indent)
        };
        self.depth -= 1;
        node
    }

    fn map(&mut self, k: usize) -> Option<Node<'a>> {
        let mut entries: Vec<(&'a str, Node<'a>)> = Vec::new();
        while let Some(l) = self.peek() {
            if l.indent < k || (l.indent == k && is_item(l.rest)) {
                break;
            }
            if l.indent > k {
                return None;
            }
            let (key, after) = split_key(l.rest)?;
            if entries.iter().any(|(seen, _)| *seen == key) {
                return None;
            }
            self.i += 1;
            let value = self.value(k, after, true)?;
            entries.push((key, value));
        }
        (!entries.is_empty()).then_some(Node::Map(entries))
    }

    fn seq(&mut self, k: usize) -> Option<Node<'a>> {
        let mut items = Vec::new();
        while let Some(l) = self.peek() {
            if l.indent < k || (l.indent == k && !is_item(l.rest)) {
                break;
            }
            if l.indent > k {
                return None;
            }
            let after = l.rest[1..].trim_start_matches(' ');
            if !after.is_empty() && (is_item(after) || split_key(after).is_some()) {
                // A collection that starts on the entry's line: read it as
                // if its first line began where it does.
                let col = k + (l.rest.len() - after.len());
                self.lines[self.i] = Line {
                    indent: col,
                    rest: after,
                };
                items.push(self.node(col)?);
            } else {
                self.i += 1;
                items.push(self.value(k, after, false)?);
            }
        }
        Some(Node::Seq(items))
    }

    /// The value after `key:` or `-` on a line at indentation `k` (`after`
    /// is what follows on that line); `in_map` when it is a mapping's
    /// value, which may be a sequence at the key's own indentation.
    fn value(&mut self, k: usize, after: &'a str, in_map: bool) -> Option<Node<'a>> {
        if after.is_empty() || after.starts_with('#') {
            return match self.peek() {
                Some(l) if l.indent > k => self.node(l.indent),
                Some(l) if in_map && l.indent == k && is_item(l.rest) => {
                    self.depth += 1;
                    let seq = (self.depth <= MAX_DEPTH).then(|| self.seq(k)).flatten();
                    self.depth -= 1;
                    seq
                }
                _ => Some(EMPTY),
            };
        }
        if let Some((folded, chomp)) = block_header(after) {
            return self.block(k, folded, chomp);
        }
        let node = inline(after)?;
        // A deeper line after a one-line value would continue it (or be
        // an error): left to the YAML parser.
        match self.peek() {
            Some(l) if l.indent > k => None,
            _ => Some(node),
        }
    }

    /// A block scalar whose header ended the previous line, under a key or
    /// entry at indentation `k`. Left to the YAML parser: an empty one,
    /// leading blank lines, a line of spaces only, a more indented line
    /// when folded, and one that ends the text without a line feed.
    fn block(&mut self, k: usize, folded: bool, chomp: Chomp) -> Option<Node<'a>> {
        let first = self.lines.get(self.i)?;
        let m = first.indent;
        if first.rest.is_empty() || m <= k {
            return None;
        }
        let mut out = String::new();
        let mut blank = 0usize;
        let mut any = false;
        let mut j = self.i;
        while let Some(l) = self.lines.get(j) {
            if l.rest.is_empty() {
                if l.indent > 0 {
                    return None;
                }
                blank += 1;
                j += 1;
                continue;
            }
            if l.indent < m {
                break;
            }
            if any {
                if folded && blank == 0 {
                    out.push(' ');
                } else {
                    let breaks = if folded { blank } else { blank + 1 };
                    out.extend(std::iter::repeat_n('\n', breaks));
                }
            }
            if l.indent > m {
                if folded {
                    return None;
                }
                out.extend(std::iter::repeat_n(' ', l.indent - m));
            }
            out.push_str(l.rest);
            any = true;
            blank = 0;
            j += 1;
            self.i = j;
        }
        if self.i == self.lines.len() && !self.ends_nl {
            return None;
        }
        if let Chomp::Clip = chomp {
            out.push('\n');
        }
        Some(Node::Scalar(Cow::Owned(out), Style::Other))
    }
}

/// A value written on the line of its key or entry.
fn inline(s: &str) -> Option<Node<'_>> {
    let (node, rest) = match s.as_bytes()[0] {
        b'"' => {
            let (text, rest) = double_quoted(&s[1..])?;
            (Node::Scalar(Cow::Borrowed(text), Style::Other), rest)
        }
        b'\'' => {
            let (text, rest) = single_quoted(&s[1..])?;
            (Node::Scalar(text, Style::Other), rest)
        }
        b'[' | b'{' => flow(s)?,
        _ => return plain(s),
    };
    end_ok(rest).then_some(node)
}

/// A double-quoted scalar without escapes on one line (`body` follows the
/// opening quote): its text and what follows the closing quote.
fn double_quoted(body: &str) -> Option<(&str, &str)> {
    let end = body.find('"')?;
    let text = &body[..end];
    (!text.contains('\\')).then_some((text, &body[end + 1..]))
}

/// A single-quoted scalar on one line (`body` follows the opening quote):
/// its text and what follows the closing quote.
fn single_quoted(body: &str) -> Option<(Cow<'_, str>, &str)> {
    let mut text = String::new();
    let mut from = 0;
    loop {
        let q = from + body[from..].find('\'')?;
        if body[q + 1..].starts_with('\'') {
            text.push_str(&body[from..=q]);
            from = q + 2;
        } else {
            let value = if from == 0 {
                Cow::Borrowed(&body[..q])
            } else {
                text.push_str(&body[from..q]);
                Cow::Owned(text)
            };
            return Some((value, &body[q + 1..]));
        }
    }
}

/// A flow sequence or mapping on one line (`s` starts with its bracket),
/// of scalars only: `[]`, `{}`, `[a, "b", 'c']`, `{ key: value, k2: "v" }`;
/// and what follows its closing bracket. Nesting, an empty entry or
/// value, a key other than a plain ASCII word and a plain scalar that
/// could mean something else (see [`flow_scalar`]) are left to the YAML
/// parser.
fn flow(s: &str) -> Option<(Node<'_>, &str)> {
    let is_map = s.starts_with('{');
    let close = if is_map { '}' } else { ']' };
    let mut rest = s[1..].trim_start_matches(' ');
    let mut items = Vec::new();
    let mut entries = Vec::new();
    if let Some(after) = rest.strip_prefix(close) {
        rest = after;
    } else {
        loop {
            if is_map {
                let (key, after) = split_key(rest)?;
                if after.len() == rest.len() - key.len() - 1
                    || entries.iter().any(|(k, _)| *k == key)
                {
                    // `key:` with nothing after it, or a key given twice
                    return None;
                }
                let (value, after) = flow_scalar(after)?;
                entries.push((key, value));
                rest = after;
            } else {
                let (item, after) = flow_scalar(rest)?;
                items.push(item);
                rest = after;
            }
            rest = rest.trim_start_matches(' ');
            if let Some(after) = rest.strip_prefix(close) {
                rest = after;
                break;
            }
            rest = rest.strip_prefix(',')?.trim_start_matches(' ');
        }
    }
    let node = if is_map {
        Node::Map(entries)
    } else {
        Node::Seq(items)
    };
    Some((node, rest))
}

/// A scalar in a flow collection, and what follows it: quoted, or plain up
/// to a `,`, `]` or `}` (a plain one holding `: `, `:` before a bracket or
/// comma, ` #`, a bracket or a brace is left to the YAML parser).
fn flow_scalar(s: &str) -> Option<(Node<'_>, &str)> {
    match s.as_bytes().first()? {
        b'"' => {
            let (text, rest) = double_quoted(&s[1..])?;
            Some((Node::Scalar(Cow::Borrowed(text), Style::Other), rest))
        }
        b'\'' => {
            let (text, rest) = single_quoted(&s[1..])?;
            Some((Node::Scalar(text, Style::Other), rest))
        }
        _ => {
            let end = s.find([',', ']', '}']).unwrap_or(s.len());
            let text = s[..end].trim_end_matches(' ');
            if text.is_empty()
                || text.contains([':', '[', '{', '"'])
                || text.contains(" #")
                || plain(text).is_none()
            {
                return None;
            }
            Some((Node::Scalar(Cow::Borrowed(text), Style::Plain), &s[end..]))
        }
    }
}

/// A one-line plain scalar, up to a comment. One that starts with an
/// indicator (but `-` before a digit) or holds `: ` is left to the YAML
/// parser.
fn plain(s: &str) -> Option<Node<'_>> {
    let b = s.as_bytes();
    match b[0] {
        b'-' if b.get(1).is_some_and(u8::is_ascii_digit) => {}
        b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
        | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' => return None,
        _ => {}
    }
    let text = match s.find(" #") {
        Some(p) => &s[..p],
        None => s,
    }
    .trim_end_matches(' ');
    if text.contains(": ") || text.ends_with(':') {
        return None;
    }
    Some(Node::Scalar(Cow::Borrowed(text), Style::Plain))
}

// ---- reading the tree as serde_norway reads the same text ----

/// Any error: the caller falls back to the YAML parser, which reports it.
#[derive(Debug)]
struct Bail;

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not read here")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: fmt::Display>(_: T) -> Bail {
        Bail
    }
}

fn is_null(v: &str) -> bool {
    matches!(v, "null" | "Null" | "NULL" | "~")
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Digits without a needless leading zero.
fn decimal_digits(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && (v == "0" || !v.starts_with('0'))
}

/// A plain decimal integer: `0`, `75`, `-3`.
fn simple_int(v: &str) -> bool {
    decimal_digits(v.strip_prefix('-').unwrap_or(v))
}

/// A plain decimal number with a fraction: `0.42`, `-1.5`.
fn simple_float(v: &str) -> bool {
    let v = v.strip_prefix('-').unwrap_or(v);
    v.split_once('.').is_some_and(|(int, frac)| {
        decimal_digits(int) && !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit())
    })
}

/// What serde_norway might read as a number in a way this module does not
/// (a sign, a leading zero, hex, an exponent, `.inf`, `nan`, ...).
fn may_be_number(v: &str) -> bool {
    let u = v.trim_start_matches(['+', '-']);
    u.len() != v.len()
        || u.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || ["inf", "infinity", "nan"]
            .iter()
            .any(|w| u.eq_ignore_ascii_case(w))
}

struct Seq<'n, 'a>(std::slice::Iter<'n, Node<'a>>);

impl<'de, 'n, 'a> de::SeqAccess<'de> for Seq<'n, 'a> {
    type Error = Bail;
    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Bail> {
        self.0.next().map(|n| seed.deserialize(n)).transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Map<'n, 'a> {
    entries: std::slice::Iter<'n, (&'a str, Node<'a>)>,
    value: Option<&'n Node<'a>>,
}

impl<'de, 'n, 'a> de::MapAccess<'de> for Map<'n, 'a> {
    type Error = Bail;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Bail> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                let key: de::value::StrDeserializer<'_, Bail> = key.into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Bail> {
        seed.deserialize(self.value.take().ok_or(Bail)?)
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A scalar read as an enum: its text names a unit variant.
struct Unit<'n>(&'n str);

impl<'de, 'n> de::EnumAccess<'de> for Unit<'n> {
    type Error = Bail;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Bail> {
        let name: de::value::StrDeserializer<'_, Bail> = self.0.into_deserializer();
        Ok((seed.deserialize(name)?, self))
    }
}

impl<'de, 'n> de::VariantAccess<'de> for Unit<'n> {
    type Error = Bail;
    fn unit_variant(self) -> Result<(), Bail> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, Bail> {
        Err(Bail)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Bail> {
        Err(Bail)
    }
}

impl<'n, 'a> Node<'a> {
    /// The text of a plain scalar.
    fn plain(&self) -> Option<&str> {
        match self {
            Node::Scalar(v, Style::Plain) => Some(v),
            _ => None,
        }
    }

    /// A plain scalar that is empty or a null word.
    fn is_plain_null(&self) -> bool {
        self.plain().is_some_and(|v| v.is_empty() || is_null(v))
    }

    fn is_plain_empty(&self) -> bool {
        self.plain().is_some_and(str::is_empty)
    }

    fn visit_seq<'de, V: Visitor<'de>>(&'n self, visitor: V) -> Result<V::Value, Bail> {
        match self {
            Node::Seq(items) => visitor.visit_seq(Seq(items.iter())),
            _ if self.is_plain_empty() => visitor.visit_seq(Seq([].iter())),
            _ => Err(Bail),
        }
    }

    fn visit_map<'de, V: Visitor<'de>>(&'n self, visitor: V) -> Result<V::Value, Bail> {
        match self {
            Node::Map(entries) => visitor.visit_map(Map {
                entries: entries.iter(),
                value: None,
            }),
            _ if self.is_plain_empty() => visitor.visit_map(Map {
                entries: [].iter(),
                value: None,
            }),
            _ => Err(Bail),
        }
    }
}

impl<'de, 'n, 'a> de::Deserializer<'de> for &'n Node<'a> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self {
            Node::Seq(_) => self.visit_seq(visitor),
            Node::Map(_) => self.visit_map(visitor),
            Node::Scalar(v, Style::Other) => visitor.visit_str(v),
            Node::Scalar(v, Style::Plain) => {
                if v.is_empty() || is_null(v) {
                    visitor.visit_unit()
                } else if let Some(b) = parse_bool(v) {
                    visitor.visit_bool(b)
                } else if simple_int(v) {
                    match v.strip_prefix('-') {
                        None => visitor.visit_u64(v.parse().map_err(|_| Bail)?),
                        Some(_) => visitor.visit_i64(v.parse().map_err(|_| Bail)?),
                    }
                } else if simple_float(v) {
                    visitor.visit_f64(v.parse().map_err(|_| Bail)?)
                } else if may_be_number(v) {
                    Err(Bail)
                } else {
                    visitor.visit_str(v)
                }
            }
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.plain().and_then(parse_bool) {
            Some(b) => visitor.visit_bool(b),
            None => Err(Bail),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.plain().filter(|v| simple_int(v)) {
            Some(v) => visitor.visit_i64(v.parse().map_err(|_| Bail)?),
            None => Err(Bail),
        }
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.plain().filter(|v| decimal_digits(v)) {
            Some(v) => visitor.visit_u64(v.parse().map_err(|_| Bail)?),
            None => Err(Bail),
        }
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.plain().filter(|v| simple_int(v) || simple_float(v)) {
            Some(v) => visitor.visit_f64(v.parse().map_err(|_| Bail)?),
            None => Err(Bail),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self {
            Node::Scalar(v, _) => visitor.visit_str(v),
            _ => Err(Bail),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        if self.is_plain_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        if self.is_plain_null() {
            visitor.visit_unit()
        } else {
            Err(Bail)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.visit_seq(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Bail> {
        self.visit_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.visit_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.visit_map(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.visit_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        match self {
            Node::Scalar(v, _) => visitor.visit_enum(Unit(v)),
            _ => Err(Bail),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_unit()
    }

    fn deserialize_i128<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn deserialize_u128<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }
}

#[cfg(test)]
#[path = "quick_tests.rs"]
mod tests;
