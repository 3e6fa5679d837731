//! Where each value of a YAML document stands: a map from a path
//! (`evaluations[0].rating`) to the line and column of its key and value.
//!
//! serde's YAML deserializer reports a position only for the first error and
//! forgets positions once a document is parsed, so a second, position-keeping
//! pass over the parser events (yaml-rust2) lets `check` point at every
//! problem it finds after deserialization.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diag::Pos;

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path into a document.
pub type YamlPath = Vec<Seg>;

/// Positions of one document.
#[derive(Debug, Default, Clone)]
pub struct PosMap {
    values: HashMap<YamlPath, (Option<Pos>, Pos)>,
}

impl PosMap {
    /// Builds the map; a document the parser rejects gives an empty map.
    pub fn build(text: &str) -> Self {
        let mut b = Builder::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut b, false).is_err() {
            return PosMap::default();
        }
        PosMap { values: b.values }
    }

    /// Position of the value at `path`, or of its nearest ancestor.
    pub fn value(&self, path: &[Seg]) -> Pos {
        let mut p = path;
        loop {
            if let Some((_, v)) = self.values.get(p) {
                return *v;
            }
            if p.is_empty() {
                return Pos::START;
            }
            p = &p[..p.len() - 1];
        }
    }

    /// Position of the key of the entry at `path` (falls back to the value).
    pub fn key(&self, path: &[Seg]) -> Pos {
        match self.values.get(path) {
            Some((Some(k), _)) => *k,
            _ => self.value(path),
        }
    }
}

enum Frame {
    Map {
        path: YamlPath,
        key: Option<(String, Pos)>,
        /// Scalar keys seen so far, with where each first appeared.
        seen: HashMap<String, Pos>,
    },
    Seq {
        path: YamlPath,
        next: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    values: HashMap<YamlPath, (Option<Pos>, Pos)>,
    root_done: bool,
    duplicate: Option<DuplicateKey>,
}

/// A key written twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key.
    pub key: String,
    /// Where it is written the second time.
    pub at: Pos,
    /// Where it was written first.
    pub first: Pos,
}

/// The first key that `text` writes twice in the same mapping (scalar keys
/// only), or `None`. The YAML parser stops at such a file and points at the
/// mapping; this points at the duplicate itself.
pub fn first_duplicate_key(text: &str) -> Option<DuplicateKey> {
    let mut b = Builder::default();
    let mut parser = Parser::new_from_str(text);
    // A syntax error after the duplicate still leaves it found.
    let _ = parser.load(&mut b, false);
    b.duplicate
}

fn pos(m: Marker) -> Pos {
    Pos {
        line: m.line(),
        col: m.col() + 1,
    }
}

impl Builder {
    /// Registers a node starting at `at`; returns its path, or `None` when the
    /// node was a mapping key.
    fn node(&mut self, at: Pos, scalar: Option<&str>) -> Option<YamlPath> {
        match self.stack.last_mut() {
            None => {
                if self.root_done {
                    return None;
                }
                self.root_done = true;
                self.values.insert(Vec::new(), (None, at));
                Some(Vec::new())
            }
            Some(Frame::Map { path, key, seen }) => match key.take() {
                None => {
                    if let Some(k) = scalar {
                        match seen.get(k) {
                            Some(first) if self.duplicate.is_none() => {
                                self.duplicate = Some(DuplicateKey {
                                    key: k.to_string(),
                                    at,
                                    first: *first,
                                });
                            }
                            Some(_) => {}
                            None => {
                                seen.insert(k.to_string(), at);
                            }
                        }
                    }
                    *key = Some((scalar.unwrap_or("?").to_string(), at));
                    None
                }
                Some((k, kpos)) => {
                    let mut p = path.clone();
                    p.push(Seg::Key(k));
                    self.values.insert(p.clone(), (Some(kpos), at));
                    Some(p)
                }
            },
            Some(Frame::Seq { path, next }) => {
                let mut p = path.clone();
                p.push(Seg::Index(*next));
                *next += 1;
                self.values.insert(p.clone(), (None, at));
                Some(p)
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = pos(mark);
        match ev {
            Event::Scalar(s, ..) => {
                self.node(at, Some(&s));
            }
            Event::Alias(_) => {
                self.node(at, Some("*"));
            }
            Event::MappingStart(..) => {
                // A mapping used as a key gets a placeholder path; its content
                // is still walked so the stack stays balanced.
                let path = self
                    .node(at, None)
                    .unwrap_or_else(|| vec![Seg::Key("?".into())]);
                self.stack.push(Frame::Map {
                    path,
                    key: None,
                    seen: HashMap::new(),
                });
            }
            Event::SequenceStart(..) => {
                let path = self
                    .node(at, None)
                    .unwrap_or_else(|| vec![Seg::Key("?".into())]);
                self.stack.push(Frame::Seq { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Seg {
        Seg::Key(s.to_string())
    }

    #[test]
    fn positions_of_keys_and_values() {
        let text = "# comment\nname: 事業\nlist:\n  - a: 1\n    b: [x, y]\n";
        let m = PosMap::build(text);
        assert_eq!(m.key(&[k("name")]), Pos { line: 2, col: 1 });
        assert_eq!(m.value(&[k("name")]), Pos { line: 2, col: 7 });
        assert_eq!(
            m.key(&[k("list"), Seg::Index(0), k("b")]),
            Pos { line: 5, col: 5 }
        );
        assert_eq!(
            m.value(&[k("list"), Seg::Index(0), k("b"), Seg::Index(1)]),
            Pos { line: 5, col: 12 }
        );
        // Unknown paths fall back to the nearest ancestor.
        assert_eq!(
            m.value(&[k("list"), Seg::Index(0), k("zzz")]),
            m.value(&[k("list"), Seg::Index(0)])
        );
    }
}
