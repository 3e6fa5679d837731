//! Patching the previous build's index instead of making it again: when
//! the documents are the previous build's, in the same order, and only a
//! few of them changed, the sets of the previous shards are read back and
//! each changed document is taken out of the grams it lost and put into the
//! grams it gained. The shards written from the patched sets are the bytes
//! a fresh index would have (a set's encoding depends only on its documents
//! and their count; the tests compare both ways).

use std::collections::HashMap;
use std::io;
use std::ops::Range;

use rayon::prelude::*;

use super::index::{gram_cmp, key_units, Grams, MAX_GRAM, VERSION};
use super::postings::{read_varint, Set};
use super::query::{self, Manifest};

/// A changed document: its number, its grams before and now.
pub type Change = (u32, Grams, Grams);

/// Grams in gram order, each with its sets.
type Listed = Vec<(Vec<u16>, Sets)>;

/// The previous build's index, in gram order: each gram with its two
/// sets (name, all fields) as the shards encode them, or as documents once
/// a change touched them.
pub struct Base {
    /// The previous shards' bytes.
    shards: Vec<Vec<u8>>,
    grams: Listed,
    n: u32,
}

/// A gram's name and all-fields sets.
enum Sets {
    /// Encoded, in shard `.0` at these ranges (an empty range: no set).
    Raw(usize, Range<usize>, Range<usize>),
    /// Sorted documents.
    Docs(Vec<u32>, Vec<u32>),
}

/// An encoded set as the shards hold it, or one to encode.
pub(crate) enum Body<'a> {
    Encoded(&'a [u8]),
    Set(Set),
}

/// Takes a gram with its name and all-fields sets, in gram order.
pub(crate) type Push<'p> = dyn FnMut(&[u16], Body, Body) -> io::Result<()> + 'p;

/// [`query::read_gram`], refusing a gram of no unit or of more than
/// [`MAX_GRAM`].
fn read_gram(b: &[u8], at: &mut usize) -> Option<Vec<u16>> {
    query::read_gram(b, at).filter(|g| (1..=MAX_GRAM).contains(&g.len()))
}

/// The grams of shard `k` (bytes `b`), each with where its two sets
/// are; `None` when the shard is malformed or its grams do not ascend.
fn shard_grams(b: &[u8], k: usize) -> Option<Listed> {
    let mut grams: Listed = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let g = read_gram(b, &mut at)?;
        let mut body = || {
            let len = read_varint(b, &mut at)? as usize;
            let end = at.checked_add(len)?;
            b.get(at..end)?;
            let r = at..end;
            at = end;
            Some(r)
        };
        let (name, all) = (body()?, body()?);
        if all.is_empty() {
            return None;
        }
        if grams.last().is_some_and(|(p, _)| !gram_cmp(p, &g).is_lt()) {
            return None;
        }
        grams.push((g, Sets::Raw(k, name, all)));
    }
    Some(grams)
}

fn unreadable() -> io::Error {
    io::Error::other(
        "前回の検索索引を読めませんでした。`hyoka build --no-cache` で作り直してください",
    )
}

impl Base {
    /// The grams of the index whose files `get` gives (`search/index.json`
    /// and the shards), when it is of this format and has `n` documents;
    /// `None` when a file is missing or malformed. The sets stay encoded
    /// (`get` gives the files only as the previous build wrote them, see
    /// [`crate::output::Sink::previous`]); only those a change touches are
    /// decoded.
    pub fn read(get: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync), n: u32) -> Option<Base> {
        let m: Manifest = serde_json::from_slice(&get("search/index.json")?).ok()?;
        if m.v != VERSION || m.docs != n as usize {
            return None;
        }
        // The shards are read and parsed on every thread, then joined in
        // order: each shard's grams ascend, and so must the last of one
        // and the first of the next.
        let read: Vec<(Vec<u8>, Listed)> = (0..m.shards)
            .into_par_iter()
            .map(|k| {
                let b = get(&format!("search/g/{k}.bin"))?;
                let grams = shard_grams(&b, k)?;
                Some((b, grams))
            })
            .collect::<Option<_>>()?;
        let mut shards = Vec::with_capacity(m.shards);
        let mut grams: Listed = Vec::with_capacity(read.iter().map(|(_, g)| g.len()).sum());
        for (b, g) in read {
            if let (Some((p, _)), Some((first, _))) = (grams.last(), g.first()) {
                if !gram_cmp(p, first).is_lt() {
                    return None;
                }
            }
            grams.extend(g);
            shards.push(b);
        }
        Some(Base { shards, grams, n })
    }

    /// Applies the changes (document, its grams before, its grams now) and
    /// gives `push` every gram with its name and all-fields sets, in gram
    /// order.
    pub(crate) fn patch(self, changes: &[Change], push: &mut Push) -> io::Result<()> {
        let Base {
            shards,
            mut grams,
            n,
        } = self;
        // Grams the previous index did not have, by gram.
        let mut added: HashMap<Vec<u16>, (Vec<u32>, Vec<u32>)> = HashMap::new();
        let decode = |shard: usize, r: &Range<usize>| -> io::Result<Vec<u32>> {
            if r.is_empty() {
                return Ok(Vec::new());
            }
            let body = shards
                .get(shard)
                .and_then(|b| b.get(r.clone()))
                .ok_or_else(unreadable)?;
            let docs = Set::decode(body).ok_or_else(unreadable)?.docs();
            if docs.last().is_some_and(|&d| d >= n) {
                return Err(unreadable());
            }
            Ok(docs)
        };
        // The documents of a gram of the previous index, decoded on first use.
        let docs_of = |grams: &mut Listed, g: &[u16]| -> io::Result<Option<usize>> {
            let Ok(i) = grams.binary_search_by(|(x, _)| gram_cmp(x, g)) else {
                return Ok(None);
            };
            if let Sets::Raw(k, name, all) = &grams[i].1 {
                let docs = Sets::Docs(decode(*k, name)?, decode(*k, all)?);
                grams[i].1 = docs;
            }
            Ok(Some(i))
        };
        for (d, before, now) in changes {
            let d = *d;
            if d >= n {
                continue;
            }
            for (field, old, new) in [
                (Field::All, before.all_keys(), now.all_keys()),
                (Field::Name, before.name_keys(), now.name_keys()),
            ] {
                let old = expand(old);
                let new = expand(new);
                for g in old.iter().filter(|g| new.binary_search(g).is_err()) {
                    let set = match docs_of(&mut grams, g)? {
                        Some(i) => match &mut grams[i].1 {
                            Sets::Docs(name, all) => field.of(name, all),
                            Sets::Raw(..) => continue,
                        },
                        None => match added.get_mut(g) {
                            Some((name, all)) => field.of(name, all),
                            None => continue,
                        },
                    };
                    if let Ok(p) = set.binary_search(&d) {
                        set.remove(p);
                    }
                }
                for g in new.iter().filter(|g| old.binary_search(g).is_err()) {
                    let set = match docs_of(&mut grams, g)? {
                        Some(i) => match &mut grams[i].1 {
                            Sets::Docs(name, all) => field.of(name, all),
                            Sets::Raw(..) => continue,
                        },
                        None => {
                            let (name, all) = added.entry(g.clone()).or_default();
                            field.of(name, all)
                        }
                    };
                    if let Err(p) = set.binary_search(&d) {
                        set.insert(p, d);
                    }
                }
            }
        }
        let mut added: Listed = added
            .into_iter()
            .map(|(g, (name, all))| (g, Sets::Docs(name, all)))
            .collect();
        added.sort_by(|a, b| gram_cmp(&a.0, &b.0));
        // Both lists in gram order, merged.
        let mut old = grams.into_iter().peekable();
        let mut new = added.into_iter().peekable();
        loop {
            let take_old = match (old.peek(), new.peek()) {
                (Some(a), Some(b)) => gram_cmp(&a.0, &b.0).is_lt(),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_old { old.next() } else { new.next() };
            let Some((g, sets)) = next else { break };
            match sets {
                Sets::Raw(k, name, all) => {
                    let b = shards.get(k).ok_or_else(unreadable)?;
                    let (name, all) = (b.get(name), b.get(all));
                    let (Some(name), Some(all)) = (name, all) else {
                        return Err(unreadable());
                    };
                    push(&g, Body::Encoded(name), Body::Encoded(all))?;
                }
                Sets::Docs(_, all) if all.is_empty() => {}
                Sets::Docs(name, all) => {
                    push(
                        &g,
                        Body::Set(Set::Sparse(name)),
                        Body::Set(Set::Sparse(all)),
                    )?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Field {
    Name,
    All,
}

impl Field {
    fn of<'v>(self, name: &'v mut Vec<u32>, all: &'v mut Vec<u32>) -> &'v mut Vec<u32> {
        match self {
            Field::Name => name,
            Field::All => all,
        }
    }
}

/// Every gram of the recorded keys: each key and its shorter prefixes
/// (sorted, no repeats).
fn expand(keys: &[u64]) -> Vec<Vec<u16>> {
    let mut out: Vec<Vec<u16>> = Vec::with_capacity(keys.len() * 2);
    for &k in keys {
        let units = key_units(k);
        for l in 1..=units.len() {
            out.push(units[..l].to_vec());
        }
    }
    out.sort();
    out.dedup();
    out
}
