//! Building the static index under `search/`.
//!
//! Every project is one document with its searchable fields, normalised
//! ([`super::normalize`]), name first. Grams are counted in UTF-16 code
//! units (what the script's strings are made of; every Japanese character
//! is one): for each gram of one to four units that occurs inside a field,
//! the index records which documents contain it — once in every field
//! ("all") and once in the name only ("name", for the name-first ranking).
//! A query of up to four units is then one gram and exact; a longer one is
//! narrowed to the documents holding all its four-unit windows, which the
//! script then checks against their text (`search/c/`), only for the
//! results it shows.
//!
//! Files (rebuilds are byte-identical):
//!
//! - `search/index.json`: format version, document count, shard count,
//!   documents per chunk, the normalised synonym groups;
//! - `search/dir.bin`: the first gram of each shard, in shard order, each
//!   `u8 unit count, units (u16 little-endian)`;
//! - `search/g/<i>.bin`: shard `i`, about [`SHARD_TARGET`] bytes of grams
//!   in *gram order* — code unit by code unit, a gram sorting after every
//!   longer gram it begins (`ab` after `abc`) — each `u8 unit count, units,
//!   varint length, name set, varint length, all set`; a set is
//!   [`Set::encode`]d (gaps or a bitmap of `ceil(docs / 8)` bytes, so at
//!   most 1.25 KB for 10 000 projects) and the name set may be empty
//!   (length 0). A gram lives in the last shard whose first gram is not
//!   after it;
//! - `search/c/<k>.json`: documents `k·chunk …` for the result list and the
//!   check of long queries: page, name, department, series, rating, and the
//!   other texts.
//!
//! Building: each document contributes, per field position, the gram of
//! the (up to) four units starting there (a shorter gram only at a field's
//! end); that gram's prefixes are the shorter grams at the position, so the
//! set of a gram is the union of the sets of the recorded grams it begins,
//! which [`finish`](Indexer::finish) computes in one pass over the recorded
//! grams in sorted order. While the documents arrive the sets are kept in
//! memory up to [`MEMORY_BUDGET`] and then spilled to sorted runs in a
//! temporary folder (removed afterwards), which the pass merges.

use std::collections::{BinaryHeap, HashMap};
use std::fs::{self, File};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::output::{Sink, Stamp};

use super::patch::{Base, Body, Change};
use super::postings::{read_run_entry, varint, Growing, Set};
use super::Doc;

/// Documents per result chunk: a results page fetches the chunks of the
/// results it shows, and name matches are spread over the whole site.
pub const CHUNK_DOCS: usize = 2;
/// Shards are cut once they hold this many bytes.
pub const SHARD_TARGET: usize = 16 * 1024;
/// Longest gram, in UTF-16 code units.
pub const MAX_GRAM: usize = 4;
/// Bytes of sets kept in memory before they are spilled to a run.
const MEMORY_BUDGET: usize = 12 << 20;
/// Bookkeeping bytes per gram held in memory (map entry, vector header).
const ENTRY_OVERHEAD: usize = 48;
/// The index format, in `index.json`.
pub const VERSION: u32 = 2;

/// A gram key: up to four code units, the first in the top 16 bits, 0 for
/// none (no normalised text holds U+0000). Keys sort as their grams, a
/// gram before the longer ones it begins.
fn key(units: &[u16]) -> u64 {
    (0..MAX_GRAM).fold(0, |k, i| {
        k << 16 | u64::from(units.get(i).copied().unwrap_or(0))
    })
}

pub(crate) fn key_units(k: u64) -> Vec<u16> {
    (0..MAX_GRAM)
        .map(|i| (k >> (48 - 16 * i)) as u16)
        .take_while(|&u| u != 0)
        .collect()
}

/// Gram order (see the module docs): unit by unit, and a gram after the
/// longer grams it begins. The script compares the same way.
pub fn gram_cmp(a: &[u16], b: &[u16]) -> std::cmp::Ordering {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.cmp(y))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| b.len().cmp(&a.len()))
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
        // Folded 128-bit product: every key bit reaches the low bits the
        // table indexes by.
        let p = u128::from(n ^ self.0) * 0x9e37_79b9_7f4a_7c15;
        self.0 = (p as u64) ^ ((p >> 64) as u64);
    }
}

/// The grams one document records, made in parallel before the serial
/// merge (and what a build cache may keep): sorted keys, no repeats.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grams {
    /// Of the name.
    name: Vec<u64>,
    /// Of every field (the name included).
    all: Vec<u64>,
}

impl Grams {
    /// The recorded keys of the name.
    pub(crate) fn name_keys(&self) -> &[u64] {
        &self.name
    }

    /// The recorded keys of every field.
    pub(crate) fn all_keys(&self) -> &[u64] {
        &self.all
    }

    /// The grams of normalised `fields` (name first).
    pub fn of(fields: &[String]) -> Grams {
        let mut units = Vec::new();
        let mut all = Vec::with_capacity(fields.iter().map(|f| f.len() / 2).sum());
        let mut name = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            units.clear();
            units.extend(f.encode_utf16());
            let start = all.len();
            // U+0000 cannot be in a normalised text; were it, no gram
            // would span it.
            for piece in units.split(|&u| u == 0) {
                for p in 0..piece.len() {
                    all.push(key(&piece[p..piece.len().min(p + MAX_GRAM)]));
                }
            }
            if i == 0 {
                name.extend_from_slice(&all[start..]);
            }
        }
        for v in [&mut all, &mut name] {
            v.sort_unstable();
            v.dedup();
        }
        Grams { name, all }
    }
}

/// A document made ready for the [`Indexer`] away from its serial part:
/// its grams and its entry in a result chunk (JSON).
#[derive(Debug, Clone)]
pub struct Prepared {
    grams: Grams,
    chunk: Entry,
    /// When the previous index is patched: the grams the document had in
    /// it (only for a document that changed).
    old: Option<Grams>,
}

/// A document's entry in its result chunk: made, or made only if its
/// chunk is written again (a patched index links the previous build's
/// chunks where no document changed).
#[derive(Clone)]
enum Entry {
    Json(Vec<u8>),
    Later(std::sync::Arc<dyn Fn() -> Option<Doc> + Send + Sync>),
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::Json(b) => write!(f, "Json({} bytes)", b.len()),
            Entry::Later(_) => f.write_str("Later"),
        }
    }
}

impl Entry {
    fn json(&self) -> io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Entry::Json(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Entry::Later(d) => d()
                .map(|d| std::borrow::Cow::Owned(chunk_json(&d)))
                .ok_or_else(|| {
                    io::Error::other("ビルドのキャッシュの検索用の文書を読めませんでした")
                }),
        }
    }
}

impl Prepared {
    /// The chunk entry of `doc` only: enough for an unchanged document
    /// when the previous index is patched ([`Indexer::patching`]).
    pub fn chunk_only(doc: &Doc) -> Prepared {
        Prepared {
            grams: Grams::default(),
            chunk: Entry::Json(chunk_json(doc)),
            old: None,
        }
    }

    /// [`Prepared::chunk_only`] of a document as the previous build had
    /// it: its entry is made only if its chunk is not the previous one.
    /// `doc` is called (once at most) only then; `None` from it fails the
    /// build with an I/O error.
    pub fn unchanged(doc: impl Fn() -> Option<Doc> + Send + Sync + 'static) -> Prepared {
        Prepared {
            grams: Grams::default(),
            chunk: Entry::Later(std::sync::Arc::new(doc)),
            old: None,
        }
    }

    /// [`Prepared::of`] a changed document whose grams were `old` in the
    /// index being patched.
    pub fn changed(doc: &Doc, old: Grams) -> Prepared {
        Prepared {
            old: Some(old),
            ..Prepared::of(doc)
        }
    }

    /// The grams and the chunk entry of `doc`.
    pub fn of(doc: &Doc) -> Prepared {
        Prepared {
            grams: Grams::of(&doc.normalized_fields()),
            chunk: Entry::Json(chunk_json(doc)),
            old: None,
        }
    }
}

/// `doc`'s entry in its result chunk (JSON).
fn chunk_json(doc: &Doc) -> Vec<u8> {
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
    // Strings and an optional tuple of strings always serialize.
    serde_json::to_vec(&cd).unwrap_or_default()
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
    /// The other texts, for the snippet and the check of long queries.
    t: &'a [String],
}

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    docs: usize,
    shards: usize,
    chunk: usize,
    synonyms: &'a [Vec<String>],
}

/// The temporary folder of the spill runs, removed when dropped.
struct SpillDir(PathBuf);

impl SpillDir {
    fn create() -> io::Result<SpillDir> {
        let base = std::env::temp_dir();
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for n in 0..100 {
            let p = base.join(format!("hyoka-search-{}-{stamp}-{n}", std::process::id()));
            match fs::create_dir(&p) {
                Ok(()) => return Ok(SpillDir(p)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other("no free name for a temporary folder"))
    }
}

impl Drop for SpillDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The sets of one kind of gram (name or all) while documents arrive.
#[derive(Default)]
struct Class {
    keys: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    sets: Vec<Growing>,
    /// Per set, the documents of the current batch (bit `i`: document
    /// `first + i`); all zero between batches.
    pending: Vec<u64>,
    /// The sets with a pending mask, in the order they were first touched.
    touched: Vec<u32>,
    /// Bytes held, roughly.
    mem: usize,
    /// Spilled runs, oldest first.
    runs: Vec<PathBuf>,
}

impl Class {
    /// Adds a batch of at most 64 documents from `first` on, the keys of
    /// document `first + i` being `keys[ends[i − 1]..ends[i]]` (no key
    /// twice): each key's documents of the batch gather in one 64-bit mask,
    /// and each set touched gets its mask once, at the end of the batch.
    fn add_batch(&mut self, keys: &[u64], ends: &[usize], first: u32) {
        let mut from = 0;
        for (i, &end) in ends.iter().enumerate() {
            let bit = 1u64 << i;
            for &k in keys.get(from..end).unwrap_or_default() {
                let next = self.sets.len() as u32;
                let slot = *self.keys.entry(k).or_insert(next) as usize;
                if slot == self.sets.len() {
                    self.sets.push(Growing::default());
                    self.pending.push(0);
                    self.mem += ENTRY_OVERHEAD;
                }
                if self.pending[slot] == 0 {
                    self.touched.push(slot as u32);
                }
                self.pending[slot] |= bit;
            }
            from = end;
        }
        for &slot in &self.touched {
            let slot = slot as usize;
            let g = &mut self.sets[slot];
            let before = g.size();
            g.push_mask(first, std::mem::take(&mut self.pending[slot]));
            self.mem = (self.mem + g.size()).saturating_sub(before);
        }
        self.touched.clear();
    }

    /// The sets in memory, by key.
    fn drain_sorted(&mut self) -> Vec<(u64, Growing)> {
        let mut keys: Vec<(u64, u32)> = std::mem::take(&mut self.keys).into_iter().collect();
        keys.sort_unstable();
        let mut sets = std::mem::take(&mut self.sets);
        self.pending.clear();
        self.mem = 0;
        keys.into_iter()
            .map(|(k, slot)| (k, std::mem::take(&mut sets[slot as usize])))
            .collect()
    }

    fn spill(&mut self, dir: &SpillDir, name: &str) -> io::Result<()> {
        if self.sets.is_empty() {
            return Ok(());
        }
        let path = dir.0.join(format!("{name}-{}.run", self.runs.len()));
        let mut w = BufWriter::new(File::create(&path)?);
        let mut buf = Vec::new();
        for (k, g) in self.drain_sorted() {
            buf.clear();
            buf.extend_from_slice(&k.to_le_bytes());
            g.write_run(&mut buf);
            w.write_all(&buf)?;
        }
        w.flush()?;
        self.runs.push(path);
        Ok(())
    }

    /// Every recorded gram with its set, by key: the runs and what is in
    /// memory merged.
    fn into_stream(mut self) -> io::Result<Merge> {
        let mut sources: Vec<Source> = Vec::new();
        for p in &self.runs {
            sources.push(Source::Run(BufReader::new(File::open(p)?)));
        }
        let mem = self.drain_sorted();
        sources.push(Source::Memory(mem.into_iter()));
        Merge::new(sources)
    }
}

enum Source {
    Run(BufReader<File>),
    Memory(std::vec::IntoIter<(u64, Growing)>),
}

impl Source {
    fn next(&mut self) -> io::Result<Option<(u64, Set)>> {
        match self {
            Source::Run(r) => read_run_entry(r),
            Source::Memory(it) => Ok(it.next().map(|(k, g)| (k, g.into_set()))),
        }
    }
}

/// A k-way merge of sorted sources; a key in several is one entry with
/// the union of its sets.
struct Merge {
    sources: Vec<Source>,
    heads: Vec<Option<Set>>,
    heap: BinaryHeap<std::cmp::Reverse<(u64, usize)>>,
}

impl Merge {
    fn new(mut sources: Vec<Source>) -> io::Result<Merge> {
        let mut heads = Vec::new();
        let mut heap = BinaryHeap::new();
        for (i, s) in sources.iter_mut().enumerate() {
            let head = s.next()?;
            if let Some((k, _)) = &head {
                heap.push(std::cmp::Reverse((*k, i)));
            }
            heads.push(head.map(|(_, s)| s));
        }
        Ok(Merge {
            sources,
            heads,
            heap,
        })
    }

    fn next(&mut self, n: u32) -> io::Result<Option<(u64, Set)>> {
        let Some(std::cmp::Reverse((k, _))) = self.heap.peek().copied() else {
            return Ok(None);
        };
        let mut set = Set::default();
        while let Some(&std::cmp::Reverse((k2, i))) = self.heap.peek() {
            if k2 != k {
                break;
            }
            self.heap.pop();
            if let Some(s) = self.heads[i].take() {
                set.union_with(s, n);
            }
            if let Some((k3, s)) = self.sources[i].next()? {
                self.heads[i] = Some(s);
                self.heap.push(std::cmp::Reverse((k3, i)));
            }
        }
        Ok(Some((k, set)))
    }
}

/// Turns the recorded grams, by key, into every gram with the union of the
/// sets of the recorded grams it begins, in gram order: `acc[l]` holds the
/// prefix of `l` units being summed, and goes out (and into `acc[l − 1]`)
/// once the recorded grams no longer begin with it.
struct Prefixes {
    merge: Merge,
    n: u32,
    acc: [Option<(Vec<u16>, Set)>; MAX_GRAM],
    out: std::collections::VecDeque<(Vec<u16>, Set)>,
    done: bool,
}

impl Prefixes {
    fn new(merge: Merge, n: u32) -> Prefixes {
        Prefixes {
            merge,
            n,
            acc: Default::default(),
            out: Default::default(),
            done: false,
        }
    }

    /// Sends out `acc[l]` for every `l ≥ from`, longest first.
    fn flush(&mut self, from: usize) {
        for l in (from.max(1)..MAX_GRAM).rev() {
            if let Some((g, s)) = self.acc[l].take() {
                if let Some((_, parent)) = self.acc[l - 1].as_mut() {
                    parent.union_with(s.clone(), self.n);
                }
                self.out.push_back((g, s));
            }
        }
    }

    fn next(&mut self) -> io::Result<Option<(Vec<u16>, Set)>> {
        while self.out.is_empty() && !self.done {
            let Some((k, set)) = self.merge.next(self.n)? else {
                self.flush(1);
                self.done = true;
                break;
            };
            let g = key_units(k);
            // The first prefix length whose sum no longer matches.
            let keep = (1..MAX_GRAM)
                .find(|&l| {
                    self.acc[l]
                        .as_ref()
                        .is_some_and(|(p, _)| g.len() < l || p[..] != g[..l])
                })
                .unwrap_or(MAX_GRAM);
            self.flush(keep);
            for l in 1..g.len().min(MAX_GRAM) {
                if self.acc[l].is_none() {
                    self.acc[l] = Some((g[..l].to_vec(), Set::default()));
                }
            }
            if g.len() == MAX_GRAM {
                if let Some((_, parent)) = self.acc[MAX_GRAM - 1].as_mut() {
                    parent.union_with(set.clone(), self.n);
                }
                self.out.push_back((g, set));
            } else if let Some(slot) = self.acc.get_mut(g.len()) {
                match slot {
                    Some((_, s)) => s.union_with(set, self.n),
                    None => *slot = Some((g, set)),
                }
            }
        }
        Ok(self.out.pop_front())
    }
}

/// The encoding of set `s` of an index of `n` documents in a shard (no
/// bytes for an empty set).
fn encoded(s: &Set, n: u32) -> Vec<u8> {
    let mut out = Vec::new();
    if !s.is_empty() {
        s.encode(n, &mut out);
    }
    out
}

/// Writes the shards and remembers their first grams.
struct Shards<'a> {
    sink: &'a dyn Sink,
    cur: Vec<u8>,
    first: Option<Vec<u16>>,
    dir: Vec<u8>,
    count: usize,
}

impl<'a> Shards<'a> {
    fn new(sink: &'a dyn Sink) -> Self {
        Shards {
            sink,
            cur: Vec::new(),
            first: None,
            dir: Vec::new(),
            count: 0,
        }
    }

    /// Writes the last shard, `dir.bin` and `index.json`.
    fn finish(mut self, n: u32, synonyms: &[Vec<String>]) -> io::Result<()> {
        self.flush()?;
        self.sink.put("search/dir.bin", &self.dir)?;
        let manifest = Manifest {
            v: VERSION,
            docs: n as usize,
            shards: self.count,
            chunk: CHUNK_DOCS,
            synonyms,
        };
        let mut json = serde_json::to_vec(&manifest).map_err(io::Error::other)?;
        json.push(b'\n');
        self.sink.put("search/index.json", &json)
    }

    fn push(&mut self, gram: &[u16], name: &Set, all: &Set, n: u32) -> io::Result<()> {
        self.push_encoded(gram, &encoded(name, n), &encoded(all, n))
    }

    /// [`Shards::push`] of sets given encoded, or not yet.
    fn push_bodies(&mut self, gram: &[u16], name: Body, all: Body, n: u32) -> io::Result<()> {
        fn bytes<'b>(b: &Body<'b>, n: u32) -> std::borrow::Cow<'b, [u8]> {
            match b {
                Body::Encoded(e) => std::borrow::Cow::Borrowed(e),
                Body::Set(s) => std::borrow::Cow::Owned(encoded(s, n)),
            }
        }
        self.push_encoded(gram, &bytes(&name, n), &bytes(&all, n))
    }

    /// Adds a gram with its two sets' encodings (empty: no set).
    fn push_encoded(&mut self, gram: &[u16], name: &[u8], all: &[u8]) -> io::Result<()> {
        if self.first.is_none() {
            self.first = Some(gram.to_vec());
        }
        self.cur.push(gram.len() as u8);
        for u in gram {
            self.cur.extend_from_slice(&u.to_le_bytes());
        }
        for body in [name, all] {
            varint(&mut self.cur, body.len() as u32);
            self.cur.extend_from_slice(body);
        }
        if self.cur.len() >= SHARD_TARGET {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        let Some(first) = self.first.take() else {
            return Ok(());
        };
        self.dir.push(first.len() as u8);
        for u in first {
            self.dir.extend_from_slice(&u.to_le_bytes());
        }
        self.sink
            .put(&format!("search/g/{}.bin", self.count), &self.cur)?;
        self.cur.clear();
        self.count += 1;
        Ok(())
    }
}

/// Builds the index as documents arrive; see the module docs.
pub struct Indexer<'a> {
    sink: &'a dyn Sink,
    name: Class,
    all: Class,
    docs: u32,
    budget: usize,
    spill: Option<SpillDir>,
    /// Documents per batch (64 but in tests), and the batch so far: the
    /// keys of its documents one after the other, and where each ends.
    batch: usize,
    batch_name: (Vec<u64>, Vec<usize>),
    batch_all: (Vec<u64>, Vec<usize>),
    /// The entries of the chunk being filled.
    chunk: Vec<Entry>,
    in_chunk: usize,
    /// When patching the previous index: its sets, and the changed
    /// documents (number, grams before, grams now).
    patch: Option<(Base, Vec<Change>)>,
    /// When patching: the stamp of each result chunk of the previous
    /// build, by number (a chunk whose documents did not change is taken
    /// from it), and whether a document of the current chunk changed.
    chunk_stamps: Vec<Option<Stamp>>,
    chunk_changed: bool,
}

impl<'a> Indexer<'a> {
    /// An index that patches `base`, the previous build's, writing into
    /// `sink`: every document must be added as before, in the same order,
    /// an unchanged one with [`Prepared::chunk_only`] and a changed one
    /// with [`Prepared::changed`].
    /// `chunk_stamps` are the stamps of the previous build's result chunks,
    /// by number, as far as known.
    pub fn patching(sink: &'a dyn Sink, base: Base, chunk_stamps: Vec<Option<Stamp>>) -> Self {
        Indexer {
            patch: Some((base, Vec::new())),
            chunk_stamps,
            ..Self::new(sink)
        }
    }

    /// An empty index writing into `sink`.
    pub fn new(sink: &'a dyn Sink) -> Self {
        Self::with_budget(sink, MEMORY_BUDGET, 64)
    }

    /// An empty index that spills once its sets hold `budget` bytes and
    /// adds documents `batch` (1 to 64) at a time.
    pub(crate) fn with_budget(sink: &'a dyn Sink, budget: usize, batch: usize) -> Self {
        Indexer {
            sink,
            name: Class::default(),
            all: Class::default(),
            docs: 0,
            budget,
            spill: None,
            batch: batch.clamp(1, 64),
            batch_name: Default::default(),
            batch_all: Default::default(),
            chunk: Vec::new(),
            in_chunk: 0,
            patch: None,
            chunk_stamps: Vec::new(),
            chunk_changed: false,
        }
    }

    /// Runs spilled so far (the tests check that spilling happened).
    #[cfg(test)]
    pub(crate) fn runs(&self) -> usize {
        self.name.runs.len() + self.all.runs.len()
    }

    /// The temporary folder of the runs, once there is one.
    #[cfg(test)]
    pub(crate) fn spill_path(&self) -> Option<PathBuf> {
        self.spill.as_ref().map(|d| d.0.clone())
    }

    /// Appends the next document (made ready by [`Prepared::of`], in
    /// parallel with the others).
    pub fn add(&mut self, doc: &Prepared) -> io::Result<()> {
        self.docs += 1;
        if let Some((_, changes)) = &mut self.patch {
            if let Some(old) = &doc.old {
                changes.push((self.docs - 1, old.clone(), doc.grams.clone()));
                self.chunk_changed = true;
            }
            return self.add_to_chunk(doc);
        }
        for (buf, keys) in [
            (&mut self.batch_name, &doc.grams.name),
            (&mut self.batch_all, &doc.grams.all),
        ] {
            buf.0.extend_from_slice(keys);
            buf.1.push(buf.0.len());
        }
        if self.batch_all.1.len() == self.batch {
            self.add_batch()?;
        }
        self.add_to_chunk(doc)
    }

    fn add_to_chunk(&mut self, doc: &Prepared) -> io::Result<()> {
        self.chunk.push(doc.chunk.clone());
        self.in_chunk += 1;
        if self.in_chunk == CHUNK_DOCS {
            self.flush_chunk()?;
        }
        Ok(())
    }

    /// Adds the documents of the batch; spills when over the budget.
    fn add_batch(&mut self) -> io::Result<()> {
        let first = self.docs - self.batch_all.1.len() as u32;
        for (class, buf) in [
            (&mut self.name, &mut self.batch_name),
            (&mut self.all, &mut self.batch_all),
        ] {
            class.add_batch(&buf.0, &buf.1, first);
            buf.0.clear();
            buf.1.clear();
        }
        if self.name.mem + self.all.mem > self.budget {
            if self.spill.is_none() {
                self.spill = Some(SpillDir::create()?);
            }
            if let Some(dir) = &self.spill {
                self.name.spill(dir, "name")?;
                self.all.spill(dir, "all")?;
            }
        }
        Ok(())
    }

    fn flush_chunk(&mut self) -> io::Result<()> {
        if self.in_chunk == 0 {
            return Ok(());
        }
        let k = (self.docs as usize - 1) / CHUNK_DOCS;
        let path = format!("search/c/{k}.json");
        let same = !self.chunk_changed && self.patch.is_some();
        let reused = match self.chunk_stamps.get(k) {
            Some(Some(stamp)) if same => self.sink.reuse(&path, stamp)?.is_some(),
            _ => false,
        };
        if !reused {
            let mut json = Vec::new();
            for (i, e) in self.chunk.iter().enumerate() {
                json.push(if i == 0 { b'[' } else { b',' });
                json.extend_from_slice(&e.json()?);
            }
            json.extend_from_slice(b"]\n");
            self.sink.put(&path, &json)?;
        }
        self.chunk.clear();
        self.in_chunk = 0;
        self.chunk_changed = false;
        Ok(())
    }

    /// Writes the shards, `dir.bin` and `index.json`; removes the runs.
    pub fn finish(mut self, synonyms: &[Vec<String>]) -> io::Result<()> {
        self.flush_chunk()?;
        let n = self.docs;
        if let Some((base, changes)) = self.patch.take() {
            let mut shards = Shards::new(self.sink);
            base.patch(&changes, &mut |g, name, all| {
                shards.push_bodies(g, name, all, n)
            })?;
            return shards.finish(n, synonyms);
        }
        self.add_batch()?;
        let mut all = Prefixes::new(std::mem::take(&mut self.all).into_stream()?, n);
        let mut name = Prefixes::new(std::mem::take(&mut self.name).into_stream()?, n);
        let mut shards = Shards::new(self.sink);
        // Every name gram is a gram of all fields, so the name grams come
        // in the same order, a subsequence.
        let mut next_name = name.next()?;
        let none = Set::default();
        while let Some((g, set)) = all.next()? {
            while next_name
                .as_ref()
                .is_some_and(|(ng, _)| gram_cmp(ng, &g).is_lt())
            {
                next_name = name.next()?;
            }
            let in_name = match &next_name {
                Some((ng, s)) if *ng == g => s,
                _ => &none,
            };
            shards.push(&g, in_name, &set, n)?;
        }
        shards.finish(n, synonyms)?;
        drop((all, name));
        drop(self.spill.take());
        Ok(())
    }
}
