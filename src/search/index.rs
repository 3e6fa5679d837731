//! Building the static index under `search/`.
//!
//! Every project becomes one document: its searchable fields, normalised
//! ([`super::normalize`]) and joined with `\n` (which a normalised text or
//! query never contains), name first. Positions count code points in that
//! joined text. The index records, for every character pair (bigram) of a
//! document, every position where it starts, and for every single character
//! (unigram) how often it occurs and where first; a query of n ≥ 2
//! characters matches a document exactly when its n − 1 bigrams occur at
//! consecutive positions, so no candidate needs verifying against the text.
//!
//! Files (all sorted, so rebuilds are byte-identical):
//!
//! - `search/index.json`: format version, document count, shard count,
//!   chunk size, each document's normalised name length (a match starting
//!   before it is a name match), the normalised synonym groups;
//! - `search/g/<hex>.bin`: the grams whose FNV-1a hash (32-bit, over the
//!   gram's UTF-8) masked by `shards − 1` is `<hex>`, sorted by their bytes;
//!   each is `u8 length, UTF-8 bytes, varint length, postings`; postings are
//!   per document `varint doc delta, varint n`, then for a bigram `n` varint
//!   position deltas (the first absolute), for a unigram `n` is the count and
//!   one varint (the first position) follows;
//! - `search/c/<k>.json`: documents `k·chunk …` for the result list: page,
//!   name, department, series, rating, and the texts the snippet is cut
//!   from.
//!
//! The documents arrive in order from the pipeline's serial merge, so chunks
//! are written as they fill and only the postings stay in memory.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;

use rayon::prelude::*;
use serde::Serialize;

use crate::output::Sink;

use super::Doc;

/// Documents per result chunk.
pub const CHUNK_DOCS: usize = 16;
/// Target size of a shard; the shard count is the power of two that gives
/// about this much per shard.
const SHARD_TARGET: usize = 8 * 1024;
/// At most this many shards (hex names of three digits).
const MAX_SHARDS: usize = 4096;
/// The index format, in `index.json`.
pub const VERSION: u32 = 1;

/// Gram key: a bigram packs both code points (21 bits each); a unigram sets
/// bit 63.
fn bigram(a: char, b: char) -> u64 {
    ((a as u64) << 21) | b as u64
}
const UNI: u64 = 1 << 63;

/// The gram of a key as text.
fn gram_text(key: u64) -> String {
    let c = |v: u64| char::from_u32((v & 0x1f_ffff) as u32).unwrap_or('\u{fffd}');
    if key & UNI != 0 {
        c(key).to_string()
    } else {
        [c(key >> 21), c(key)].iter().collect()
    }
}

/// FNV-1a, 32 bits, over the UTF-8 bytes of `s` (the script has the same).
pub fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// A multiplicative hasher for the u64 gram keys (SipHash is needlessly
/// slow here and the keys come from the site's own content).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

pub(crate) fn varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// One gram's postings while building.
struct Postings {
    /// Last document appended, plus one (0: none yet).
    last: u32,
    bytes: Vec<u8>,
}

/// The grams of one document, made in parallel before the serial merge:
/// `(key, position)` sorted, so equal grams are adjacent, positions rising.
#[derive(Debug, Default)]
pub struct Grams {
    pairs: Vec<(u64, u32)>,
    name_len: u32,
}

impl Grams {
    /// The grams of normalised `fields` (name first).
    pub fn of(fields: &[String]) -> Grams {
        let mut pairs = Vec::new();
        let mut pos: u32 = 0;
        let mut name_len = 0;
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                pos += 1; // the `\n` between fields
            }
            let mut prev: Option<char> = None;
            for c in f.chars() {
                pairs.push((UNI | c as u64, pos));
                if let Some(p) = prev {
                    pairs.push((bigram(p, c), pos - 1));
                }
                prev = Some(c);
                pos += 1;
            }
            if i == 0 {
                name_len = pos;
            }
        }
        pairs.sort_unstable();
        Grams { pairs, name_len }
    }
}

/// One document of a result chunk.
#[derive(Serialize)]
struct ChunkDoc<'a> {
    /// Page, relative to the site root.
    u: &'a str,
    /// Name.
    n: &'a str,
    /// Department (current name).
    d: &'a str,
    /// Series title.
    s: &'a str,
    /// Rating badge: code, colour, label.
    r: Option<(&'a str, &'a str, Option<&'a str>)>,
    /// The other texts, for the snippet.
    t: &'a [String],
}

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    docs: usize,
    shards: usize,
    chunk: usize,
    names: &'a [u32],
    synonyms: &'a [Vec<String>],
}

/// Builds the index as documents arrive; see the module docs.
pub struct Indexer<'a> {
    sink: &'a dyn Sink,
    keys: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    postings: Vec<Postings>,
    names: Vec<u32>,
    chunk: Vec<u8>,
    in_chunk: usize,
}

impl<'a> Indexer<'a> {
    /// An empty index writing into `sink`.
    pub fn new(sink: &'a dyn Sink) -> Self {
        Indexer {
            sink,
            keys: HashMap::default(),
            postings: Vec::new(),
            names: Vec::new(),
            chunk: Vec::new(),
            in_chunk: 0,
        }
    }

    /// Appends the next document.
    pub fn add(&mut self, doc: &Doc, grams: &Grams) -> io::Result<()> {
        let id = self.names.len() as u32;
        self.names.push(grams.name_len);
        let pairs = &grams.pairs;
        let mut i = 0;
        while i < pairs.len() {
            let key = pairs[i].0;
            let mut j = i + 1;
            while j < pairs.len() && pairs[j].0 == key {
                j += 1;
            }
            let next = self.postings.len() as u32;
            let slot = *self.keys.entry(key).or_insert(next);
            if slot == next {
                self.postings.push(Postings {
                    last: 0,
                    bytes: Vec::new(),
                });
            }
            let p = &mut self.postings[slot as usize];
            varint(&mut p.bytes, id + 1 - p.last);
            p.last = id + 1;
            varint(&mut p.bytes, (j - i) as u32);
            if key & UNI != 0 {
                varint(&mut p.bytes, pairs[i].1);
            } else {
                let mut last = 0;
                for &(_, at) in &pairs[i..j] {
                    varint(&mut p.bytes, at - last);
                    last = at;
                }
            }
            i = j;
        }
        self.chunk
            .push(if self.in_chunk == 0 { b'[' } else { b',' });
        let cd = ChunkDoc {
            u: &doc.url,
            n: &doc.name,
            d: &doc.department,
            s: &doc.series,
            r: doc
                .rating
                .as_ref()
                .map(|(c, col, l)| (c.as_str(), col.as_str(), l.as_deref())),
            t: &doc.texts,
        };
        serde_json::to_writer(&mut self.chunk, &cd).map_err(io::Error::other)?;
        self.in_chunk += 1;
        if self.in_chunk == CHUNK_DOCS {
            self.flush_chunk()?;
        }
        Ok(())
    }

    fn flush_chunk(&mut self) -> io::Result<()> {
        if self.in_chunk == 0 {
            return Ok(());
        }
        self.chunk.extend_from_slice(b"]\n");
        let k = (self.names.len() - 1) / CHUNK_DOCS;
        self.sink.put(&format!("search/c/{k}.json"), &self.chunk)?;
        self.chunk.clear();
        self.in_chunk = 0;
        Ok(())
    }

    /// Writes the shards and `index.json`.
    pub fn finish(mut self, synonyms: &[Vec<String>]) -> io::Result<()> {
        self.flush_chunk()?;
        let total: usize = self.postings.iter().map(|p| p.bytes.len() + 8).sum();
        let shards = (total / SHARD_TARGET)
            .max(1)
            .next_power_of_two()
            .min(MAX_SHARDS);
        let width = hex_width(shards);
        let mut buckets: Vec<Vec<(String, u32)>> = vec![Vec::new(); shards];
        for (&key, &slot) in &self.keys {
            let g = gram_text(key);
            let b = fnv1a(&g) as usize & (shards - 1);
            buckets[b].push((g, slot));
        }
        drop(std::mem::take(&mut self.keys));
        let postings = &self.postings;
        let sink = self.sink;
        buckets
            .into_par_iter()
            .enumerate()
            .try_for_each(|(b, mut grams)| {
                grams.sort_unstable();
                let mut out = Vec::new();
                for (g, slot) in grams {
                    let bytes = &postings[slot as usize].bytes;
                    out.push(g.len() as u8);
                    out.extend_from_slice(g.as_bytes());
                    varint(&mut out, bytes.len() as u32);
                    out.extend_from_slice(bytes);
                }
                sink.put(&format!("search/g/{b:0width$x}.bin"), &out)
            })?;
        let manifest = Manifest {
            v: VERSION,
            docs: self.names.len(),
            shards,
            chunk: CHUNK_DOCS,
            names: &self.names,
            synonyms,
        };
        let mut json = serde_json::to_vec(&manifest).map_err(io::Error::other)?;
        json.push(b'\n');
        self.sink.put("search/index.json", &json)
    }
}

/// Hex digits in a shard's file name.
pub fn hex_width(shards: usize) -> usize {
    let bits = shards.trailing_zeros() as usize;
    bits.div_ceil(4).max(1)
}
