//! Patching the previous build's index instead of making it again: when
//! the documents are the previous build's, in the same order, and only a
//! few of them changed, the sets of the previous shards are read back and
//! each changed document is taken out of the grams it lost and put into the
//! grams it gained. The shards written from the patched sets are the bytes
//! a fresh index would have (a set's encoding depends only on its documents
//! and their count; the tests compare both ways).

use std::collections::HashMap;

use super::index::{gram_cmp, key_units, Grams, MAX_GRAM, VERSION};
use super::postings::{read_varint, Set};
use super::query::{self, Manifest};

/// A changed document: its number, its grams before and now.
pub type Change = (u32, Grams, Grams);

/// The previous build's sets, in gram order: gram, name documents, all
/// documents (sorted).
pub struct Base {
    grams: Vec<(Vec<u16>, Vec<u32>, Vec<u32>)>,
    n: u32,
}

/// [`query::read_gram`], refusing a gram of no unit or of more than
/// [`MAX_GRAM`].
fn read_gram(b: &[u8], at: &mut usize) -> Option<Vec<u16>> {
    query::read_gram(b, at).filter(|g| (1..=MAX_GRAM).contains(&g.len()))
}

impl Base {
    /// The sets of the index whose files `get` gives (`search/index.json`
    /// and the shards), when it is of this format and has `n` documents;
    /// `None` when a file is missing or malformed.
    pub fn read(get: &dyn Fn(&str) -> Option<Vec<u8>>, n: u32) -> Option<Base> {
        let m: Manifest = serde_json::from_slice(&get("search/index.json")?).ok()?;
        if m.v != VERSION || m.docs != n as usize {
            return None;
        }
        let mut grams: Vec<(Vec<u16>, Vec<u32>, Vec<u32>)> = Vec::new();
        for k in 0..m.shards {
            let b = get(&format!("search/g/{k}.bin"))?;
            let mut at = 0;
            while at < b.len() {
                let g = read_gram(&b, &mut at)?;
                let mut sets: [Vec<u32>; 2] = Default::default();
                for s in &mut sets {
                    let len = read_varint(&b, &mut at)? as usize;
                    let body = b.get(at..at.checked_add(len)?)?;
                    at += len;
                    if len > 0 {
                        *s = Set::decode(body)?.docs();
                    }
                }
                let [name, all] = sets;
                if all.is_empty() || all.last().is_some_and(|&d| d >= n) {
                    return None;
                }
                if grams
                    .last()
                    .is_some_and(|(p, _, _)| !gram_cmp(p, &g).is_lt())
                {
                    return None;
                }
                grams.push((g, name, all));
            }
        }
        Some(Base { grams, n })
    }

    /// Applies the changes (document, its grams before, its grams now) and
    /// returns every gram with its name and all-fields sets, in gram order.
    pub(crate) fn patch(self, changes: &[Change]) -> Vec<(Vec<u16>, Set, Set)> {
        let Base { mut grams, n } = self;
        let mut at: HashMap<Vec<u16>, usize> = grams
            .iter()
            .enumerate()
            .map(|(i, (g, _, _))| (g.clone(), i))
            .collect();
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
                    if let Some(&i) = at.get(g) {
                        let set = field.of(&mut grams[i]);
                        if let Ok(p) = set.binary_search(&d) {
                            set.remove(p);
                        }
                    }
                }
                for g in new.iter().filter(|g| old.binary_search(g).is_err()) {
                    let i = *at.entry(g.clone()).or_insert_with(|| {
                        grams.push((g.clone(), Vec::new(), Vec::new()));
                        grams.len() - 1
                    });
                    let set = field.of(&mut grams[i]);
                    if let Err(p) = set.binary_search(&d) {
                        set.insert(p, d);
                    }
                }
            }
        }
        grams.retain(|(_, _, all)| !all.is_empty());
        grams.sort_by(|a, b| gram_cmp(&a.0, &b.0));
        grams
            .into_iter()
            .map(|(g, name, all)| (g, Set::Sparse(name), Set::Sparse(all)))
            .collect()
    }
}

#[derive(Clone, Copy)]
enum Field {
    Name,
    All,
}

impl Field {
    fn of(self, e: &mut (Vec<u16>, Vec<u32>, Vec<u32>)) -> &mut Vec<u32> {
        match self {
            Field::Name => &mut e.1,
            Field::All => &mut e.2,
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
