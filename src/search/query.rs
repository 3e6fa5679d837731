//! Runs a query on the built index files, step for step as
//! `static/search.js` does: normalise, expand by the synonym groups, look up
//! each variant's grams, keep the documents where they line up, rank. The
//! tests use it to check the index and the ranking on fixtures.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::index::{fnv1a, hex_width};
use super::normalize;

/// `search/index.json`.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    /// Format version.
    pub v: u32,
    /// Documents.
    pub docs: usize,
    /// Shards (a power of two).
    pub shards: usize,
    /// Documents per chunk.
    pub chunk: usize,
    /// Normalised name length per document.
    pub names: Vec<u32>,
    /// Normalised synonym groups.
    pub synonyms: Vec<Vec<String>>,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Document number (project order).
    pub doc: u32,
    /// Whether a match starts in the name.
    pub in_name: bool,
    /// Matches, over every variant.
    pub count: u32,
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

fn read_varint(b: &[u8], at: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    let mut shift = 0;
    loop {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u32::from(byte & 0x7f).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift > 28 {
            return None;
        }
    }
}

/// The postings of `gram` in shard bytes `b`.
fn find<'b>(b: &'b [u8], gram: &str) -> Option<&'b [u8]> {
    let mut at = 0;
    while at < b.len() {
        let n = b[at] as usize;
        let g = b.get(at + 1..at + 1 + n)?;
        at += 1 + n;
        let len = read_varint(b, &mut at)? as usize;
        let post = b.get(at..at + len)?;
        at += len;
        if g == gram.as_bytes() {
            return Some(post);
        }
    }
    None
}

/// Per document: the positions (bigram), or `[first]` with the count
/// (unigram).
fn decode(post: &[u8], unigram: bool) -> BTreeMap<u32, (Vec<u32>, u32)> {
    let mut m = BTreeMap::new();
    let mut at = 0;
    let mut doc: u32 = 0;
    while at < post.len() {
        let (Some(d), Some(n)) = (read_varint(post, &mut at), read_varint(post, &mut at)) else {
            break;
        };
        doc += d;
        let mut ps = Vec::new();
        if unigram {
            ps.push(read_varint(post, &mut at).unwrap_or(0));
        } else {
            let mut p = 0;
            for _ in 0..n {
                p += read_varint(post, &mut at).unwrap_or(0);
                ps.push(p);
            }
        }
        m.insert(doc - 1, (ps, n));
    }
    m
}

/// Shard path of `gram`.
pub fn shard_path(m: &Manifest, gram: &str) -> String {
    let b = fnv1a(gram) as usize & (m.shards - 1);
    format!("search/g/{b:0w$x}.bin", w = hex_width(m.shards))
}

/// `(doc, first position, count)` of one normalised variant.
fn matches(m: &Manifest, get: &dyn Fn(&str) -> Option<Vec<u8>>, v: &str) -> Vec<(u32, u32, u32)> {
    let cs: Vec<char> = v.chars().collect();
    let post = |g: &str, uni: bool| {
        get(&shard_path(m, g))
            .and_then(|b| find(&b, g).map(|p| decode(p, uni)))
            .unwrap_or_default()
    };
    if cs.len() == 1 {
        return post(v, true)
            .into_iter()
            .map(|(d, (ps, n))| (d, ps.first().copied().unwrap_or(0), n))
            .collect();
    }
    let lists: Vec<_> = cs
        .windows(2)
        .map(|w| post(&w.iter().collect::<String>(), false))
        .collect();
    let mut out = Vec::new();
    for (&d, (ps, _)) in &lists[0] {
        let mut first = None;
        let mut count = 0;
        'p: for &p in ps {
            for (i, l) in lists.iter().enumerate().skip(1) {
                match l.get(&d) {
                    Some((qs, _)) if qs.binary_search(&(p + i as u32)).is_ok() => {}
                    _ => continue 'p,
                }
            }
            first.get_or_insert(p);
            count += 1;
        }
        if let Some(f) = first {
            out.push((d, f, count));
        }
    }
    out
}

/// Runs `q`; `get` returns a file of the built site by path. Ranked: name
/// matches first, then more matches, then project order.
pub fn search(get: &dyn Fn(&str) -> Option<Vec<u8>>, q: &str) -> Result<Vec<Hit>, String> {
    let bytes = get("search/index.json").ok_or("search/index.json がありません")?;
    let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let mut hits: BTreeMap<u32, Hit> = BTreeMap::new();
    for v in variants(q, &m.synonyms) {
        for (doc, first, count) in matches(&m, get, &v) {
            let name_len = m.names.get(doc as usize).copied().unwrap_or(0);
            let h = hits.entry(doc).or_insert(Hit {
                doc,
                in_name: false,
                count: 0,
            });
            h.in_name |= first < name_len;
            h.count += count;
        }
    }
    let mut v: Vec<Hit> = hits.into_values().collect();
    v.sort_by(|a, b| {
        b.in_name
            .cmp(&a.in_name)
            .then(b.count.cmp(&a.count))
            .then(a.doc.cmp(&b.doc))
    });
    Ok(v)
}

/// The page of document `doc`, from its chunk.
pub fn page_of(get: &dyn Fn(&str) -> Option<Vec<u8>>, doc: u32) -> Option<String> {
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
