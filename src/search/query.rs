//! Runs a query on the built index files as `static/search.js` does:
//! normalise, expand by the synonym groups, look each variant up — one gram
//! when it has at most four code units, else its four-unit windows, whose
//! common documents are then checked against their text — and rank: name
//! matches first, then project order. The script checks the long variants
//! only for the results it shows; this checks them all, which gives the same
//! list. The tests use it to check the index and the ranking on fixtures.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::index::{gram_cmp, MAX_GRAM};
use super::normalize;
use super::postings::{read_varint, Set};

/// `search/index.json`.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    /// Format version.
    pub v: u32,
    /// Documents.
    pub docs: usize,
    /// Shards.
    pub shards: usize,
    /// Documents per chunk.
    pub chunk: usize,
    /// Normalised synonym groups.
    pub synonyms: Vec<Vec<String>>,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Document number (project order).
    pub doc: u32,
    /// Whether a variant is in the name.
    pub in_name: bool,
}

/// The query and the variants the synonyms give: the normalised query,
/// then, for each group word it contains, the query with that word replaced
/// by each other word of the group (every occurrence), without repeats.
pub fn variants(q: &str, synonyms: &[Vec<String>]) -> Vec<String> {
    let q = normalize(q);
    if q.is_empty() {
        return Vec::new();
    }
    let mut out = vec![q.clone()];
    for group in synonyms {
        for w in group {
            if w.is_empty() || !q.contains(w.as_str()) {
                continue;
            }
            for other in group {
                if other != w {
                    let v = q.replace(w.as_str(), other);
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
        }
    }
    out
}

type Get<'a> = &'a dyn Fn(&str) -> Option<Vec<u8>>;

/// Reads `u8 count, units` at `*at`.
pub(crate) fn read_gram(b: &[u8], at: &mut usize) -> Option<Vec<u16>> {
    let n = *b.get(*at)? as usize;
    let bytes = b.get(*at + 1..*at + 1 + 2 * n)?;
    *at += 1 + 2 * n;
    Some(
        bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect(),
    )
}

/// The first gram of every shard (`search/dir.bin`).
fn directory(get: Get) -> Option<Vec<Vec<u16>>> {
    let b = get("search/dir.bin")?;
    let mut at = 0;
    let mut out = Vec::new();
    while at < b.len() {
        out.push(read_gram(&b, &mut at)?);
    }
    Some(out)
}

/// The shard `gram` is in: the last whose first gram is not after it.
pub fn shard_of(dir: &[Vec<u16>], gram: &[u16]) -> usize {
    dir.partition_point(|f| gram_cmp(f, gram).is_le())
        .saturating_sub(1)
}

/// The name and all-fields documents of `gram` (empty when absent).
fn lookup(get: Get, dir: &[Vec<u16>], gram: &[u16]) -> (Vec<u32>, Vec<u32>) {
    let found = (|| {
        let b = get(&format!("search/g/{}.bin", shard_of(dir, gram)))?;
        let mut at = 0;
        while at < b.len() {
            let g = read_gram(&b, &mut at)?;
            let mut sets = [Vec::new(), Vec::new()];
            for s in &mut sets {
                let len = read_varint(&b, &mut at)? as usize;
                let body = b.get(at..at + len)?;
                at += len;
                if g == gram && len > 0 {
                    *s = Set::decode(body)?.docs();
                }
            }
            if g == gram {
                let [name, all] = sets;
                return Some((name, all));
            }
        }
        None
    })();
    found.unwrap_or_default()
}

fn intersect(a: Option<Vec<u32>>, b: Vec<u32>) -> Vec<u32> {
    match a {
        None => b,
        Some(a) => a
            .into_iter()
            .filter(|d| b.binary_search(d).is_ok())
            .collect(),
    }
}

/// A document's normalised fields from its chunk, name first (the order of
/// [`super::Doc::normalized_fields`]).
fn fields(get: Get, m: &Manifest, doc: u32) -> Option<Vec<String>> {
    let k = doc as usize / m.chunk;
    let chunk: Vec<serde_json::Value> =
        serde_json::from_slice(&get(&format!("search/c/{k}.json"))?).ok()?;
    let d = chunk.get(doc as usize % m.chunk)?;
    let s = |key: &str| d.get(key).and_then(|v| v.as_str()).map(normalize);
    let mut out = vec![s("n")?];
    for t in d.get("t")?.as_array()? {
        out.push(normalize(t.as_str()?));
    }
    out.push(s("d")?);
    out.push(s("s")?);
    Some(out)
}

/// Runs `q`; `get` returns a file of the built site by path. Ranked: name
/// matches first, then project order.
pub fn search(get: Get, q: &str) -> Result<Vec<Hit>, String> {
    let bytes = get("search/index.json").ok_or("search/index.json がありません")?;
    let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let dir = directory(get).ok_or("search/dir.bin がありません")?;
    // doc → in name
    let mut hits: BTreeMap<u32, bool> = BTreeMap::new();
    for v in variants(q, &m.synonyms) {
        let units: Vec<u16> = v.encode_utf16().collect();
        if units.len() <= MAX_GRAM {
            let (name, all) = lookup(get, &dir, &units);
            for d in all {
                *hits.entry(d).or_default() |= name.binary_search(&d).is_ok();
            }
            continue;
        }
        let mut cand = None;
        for w in units.windows(MAX_GRAM) {
            cand = Some(intersect(cand, lookup(get, &dir, w).1));
        }
        for d in cand.unwrap_or_default() {
            let f = fields(get, &m, d).ok_or("search/c/ の文書がありません")?;
            if f.iter().any(|x| x.contains(v.as_str())) {
                *hits.entry(d).or_default() |= f[0].contains(v.as_str());
            }
        }
    }
    let mut out: Vec<Hit> = hits
        .into_iter()
        .map(|(doc, in_name)| Hit { doc, in_name })
        .collect();
    out.sort_by(|a, b| b.in_name.cmp(&a.in_name).then(a.doc.cmp(&b.doc)));
    Ok(out)
}

/// The page of document `doc`, from its chunk.
pub fn page_of(get: Get, doc: u32) -> Option<String> {
    let bytes = get("search/index.json")?;
    let m: Manifest = serde_json::from_slice(&bytes).ok()?;
    let k = doc as usize / m.chunk;
    let chunk: Vec<serde_json::Value> =
        serde_json::from_slice(&get(&format!("search/c/{k}.json"))?).ok()?;
    chunk
        .get(doc as usize % m.chunk)?
        .get("u")?
        .as_str()
        .map(str::to_string)
}
