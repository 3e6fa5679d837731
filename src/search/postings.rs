//! Sets of document numbers: as they grow while the index is built
//! ([`Growing`]), as they are merged and unioned at the end ([`Set`]), and
//! their two encodings — the spill runs' and the shards' (see
//! [`super::index`] for the files).

use std::io::{self, Read};

/// Appends `v` as a LEB128 varint.
pub(crate) fn varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*at`; `None` past the end or when it is too long.
pub(crate) fn read_varint(b: &[u8], at: &mut usize) -> Option<u32> {
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

/// Tag of a list of document gaps.
const SPARSE: u8 = 0;
/// Tag of a bitmap.
const DENSE: u8 = 1;

/// A set of document numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Set {
    /// Sorted, no repeats.
    Sparse(Vec<u32>),
    /// Bit `d % 64` of word `d / 64`.
    Dense(Vec<u64>),
}

impl Default for Set {
    fn default() -> Self {
        Set::Sparse(Vec::new())
    }
}

fn set_bit(words: &mut Vec<u64>, d: u32) {
    let w = d as usize / 64;
    if words.len() <= w {
        words.resize(w + 1, 0);
    }
    words[w] |= 1 << (d % 64);
}

impl Set {
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Set::Sparse(v) => v.is_empty(),
            Set::Dense(w) => w.iter().all(|&x| x == 0),
        }
    }

    /// The documents, rising.
    pub(crate) fn docs(&self) -> Vec<u32> {
        match self {
            Set::Sparse(v) => v.clone(),
            Set::Dense(words) => {
                let mut out = Vec::new();
                for (i, &w) in words.iter().enumerate() {
                    let mut w = w;
                    while w != 0 {
                        out.push(i as u32 * 64 + w.trailing_zeros());
                        w &= w - 1;
                    }
                }
                out
            }
        }
    }

    /// Adds every document of `other`; a sparse set of more than `n / 32`
    /// documents (out of `n`) becomes a bitmap, which is then smaller.
    pub(crate) fn union_with(&mut self, other: Set, n: u32) {
        let this = std::mem::take(self);
        *self = match (this, other) {
            (Set::Dense(mut a), Set::Dense(b)) => {
                if a.len() < b.len() {
                    a.resize(b.len(), 0);
                }
                for (x, y) in a.iter_mut().zip(b) {
                    *x |= y;
                }
                Set::Dense(a)
            }
            (Set::Dense(mut a), Set::Sparse(b)) | (Set::Sparse(b), Set::Dense(mut a)) => {
                for d in b {
                    set_bit(&mut a, d);
                }
                Set::Dense(a)
            }
            (Set::Sparse(a), Set::Sparse(b)) => {
                let merged = if a.is_empty() {
                    b
                } else if b.is_empty() {
                    a
                } else if a.last() < b.first() {
                    let mut a = a;
                    a.extend(b);
                    a
                } else {
                    let mut m = Vec::with_capacity(a.len() + b.len());
                    let (mut i, mut j) = (0, 0);
                    while i < a.len() && j < b.len() {
                        match a[i].cmp(&b[j]) {
                            std::cmp::Ordering::Less => {
                                m.push(a[i]);
                                i += 1;
                            }
                            std::cmp::Ordering::Greater => {
                                m.push(b[j]);
                                j += 1;
                            }
                            std::cmp::Ordering::Equal => {
                                m.push(a[i]);
                                i += 1;
                                j += 1;
                            }
                        }
                    }
                    m.extend_from_slice(&a[i..]);
                    m.extend_from_slice(&b[j..]);
                    m
                };
                if merged.len() as u64 * 32 > u64::from(n) {
                    let mut words = Vec::new();
                    for d in merged {
                        set_bit(&mut words, d);
                    }
                    Set::Dense(words)
                } else {
                    Set::Sparse(merged)
                }
            }
        };
    }

    /// The shard encoding, for a site of `n` documents: a tag byte, then
    /// either the gaps (`SPARSE`: varints, each document plus one minus the
    /// previous document plus one) or a bitmap of `ceil(n / 8)` bytes
    /// (`DENSE`: bit `d % 8` of byte `d / 8`), whichever is shorter.
    pub(crate) fn encode(&self, n: u32, out: &mut Vec<u8>) {
        let bitmap = (n as usize).div_ceil(8);
        if let Set::Dense(words) = self {
            // Every gap takes a byte at least.
            let count: u32 = words.iter().map(|w| w.count_ones()).sum();
            if count as usize > bitmap {
                out.push(DENSE);
                let start = out.len();
                out.extend(words.iter().flat_map(|w| w.to_le_bytes()).take(bitmap));
                out.resize(start + bitmap, 0);
                return;
            }
        }
        let docs = self.docs();
        let mut gaps = Vec::with_capacity(docs.len().min(bitmap + 8));
        let mut last = 0;
        for &d in &docs {
            varint(&mut gaps, d + 1 - last);
            last = d + 1;
            if gaps.len() > bitmap {
                break;
            }
        }
        if gaps.len() <= bitmap {
            out.push(SPARSE);
            out.extend_from_slice(&gaps);
        } else {
            out.push(DENSE);
            let start = out.len();
            out.resize(start + bitmap, 0);
            for d in docs.into_iter().filter(|&d| d < n) {
                out[start + d as usize / 8] |= 1 << (d % 8);
            }
        }
    }

    /// Reads [`Set::encode`]'s bytes; `None` when they are malformed.
    pub(crate) fn decode(b: &[u8]) -> Option<Set> {
        let (&tag, body) = b.split_first()?;
        match tag {
            SPARSE => {
                let mut v = Vec::new();
                let (mut at, mut last) = (0, 0u32);
                while at < body.len() {
                    last = last.checked_add(read_varint(body, &mut at)?)?;
                    v.push(last - 1);
                }
                Some(Set::Sparse(v))
            }
            DENSE => {
                let mut v = Vec::new();
                for (i, &byte) in body.iter().enumerate() {
                    for bit in 0..8 {
                        if byte & (1 << bit) != 0 {
                            v.push(i as u32 * 8 + bit);
                        }
                    }
                }
                Some(Set::Sparse(v))
            }
            _ => None,
        }
    }
}

/// One gram's documents while the index is built: the documents arrive in
/// rising order, as varint gaps until those would be longer than a bitmap.
#[derive(Debug)]
pub(crate) enum Growing {
    /// Gaps as in [`Set::encode`]; `last` is the last document plus one.
    Sparse { last: u32, bytes: Vec<u8> },
    /// Bitmap words.
    Dense(Vec<u64>),
}

impl Default for Growing {
    fn default() -> Self {
        Growing::Sparse {
            last: 0,
            bytes: Vec::new(),
        }
    }
}

impl Growing {
    /// Bytes held (for the memory budget).
    pub(crate) fn size(&self) -> usize {
        match self {
            Growing::Sparse { bytes, .. } => bytes.capacity(),
            Growing::Dense(w) => w.capacity() * 8,
        }
    }

    /// Appends `d`, greater than every document so far.
    pub(crate) fn push(&mut self, d: u32) {
        match self {
            Growing::Sparse { last, bytes } => {
                varint(bytes, d + 1 - *last);
                *last = d + 1;
                if bytes.len() >= (d as usize / 64 + 1) * 8 {
                    let docs = gaps_to_docs(bytes);
                    let mut words = Vec::new();
                    for x in docs {
                        set_bit(&mut words, x);
                    }
                    *self = Growing::Dense(words);
                }
            }
            Growing::Dense(words) => set_bit(words, d),
        }
    }

    /// Appends documents `first + i` for every bit `i` of `mask`, all
    /// greater than every document so far.
    pub(crate) fn push_mask(&mut self, first: u32, mask: u64) {
        if let (Growing::Dense(words), 0) = (&mut *self, first % 64) {
            let w = first as usize / 64;
            if words.len() <= w {
                words.resize(w + 1, 0);
            }
            words[w] |= mask;
            return;
        }
        let mut m = mask;
        while m != 0 {
            self.push(first + m.trailing_zeros());
            m &= m - 1;
        }
    }

    pub(crate) fn into_set(self) -> Set {
        match self {
            Growing::Sparse { bytes, .. } => Set::Sparse(gaps_to_docs(&bytes)),
            Growing::Dense(w) => Set::Dense(w),
        }
    }

    /// The spill-run encoding: tag, varint byte count, then the gaps or the
    /// bitmap words (little-endian).
    pub(crate) fn write_run(&self, out: &mut Vec<u8>) {
        match self {
            Growing::Sparse { bytes, .. } => {
                out.push(SPARSE);
                varint(out, bytes.len() as u32);
                out.extend_from_slice(bytes);
            }
            Growing::Dense(words) => {
                out.push(DENSE);
                varint(out, (words.len() * 8) as u32);
                for w in words {
                    out.extend_from_slice(&w.to_le_bytes());
                }
            }
        }
    }
}

fn gaps_to_docs(bytes: &[u8]) -> Vec<u32> {
    let mut v = Vec::new();
    let (mut at, mut last) = (0, 0u32);
    while let Some(g) = read_varint(bytes, &mut at) {
        last += g;
        v.push(last - 1);
    }
    v
}

fn read_u8(r: &mut impl Read) -> io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

fn read_varint_from(r: &mut impl Read) -> io::Result<u32> {
    let mut v: u32 = 0;
    for shift in (0..35).step_by(7) {
        let byte = read_u8(r)?;
        v |= u32::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Ok(v);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        "varint too long",
    ))
}

/// Reads one entry of a spill run written by [`Growing::write_run`] after
/// its 8-byte key; `Ok(None)` at the end of the run.
pub(crate) fn read_run_entry(r: &mut impl Read) -> io::Result<Option<(u64, Set)>> {
    let mut key = [0u8; 8];
    match r.read_exact(&mut key) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let tag = read_u8(r)?;
    let len = read_varint_from(r)? as usize;
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    let set = match tag {
        SPARSE => Set::Sparse(gaps_to_docs(&body)),
        _ => Set::Dense(
            body.chunks_exact(8)
                .map(|c| {
                    let mut w = [0u8; 8];
                    w.copy_from_slice(c);
                    u64::from_le_bytes(w)
                })
                .collect(),
        ),
    };
    Ok(Some((u64::from_le_bytes(key), set)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grown(docs: &[u32]) -> Growing {
        let mut g = Growing::default();
        for &d in docs {
            g.push(d);
        }
        g
    }

    #[test]
    fn growing_turns_dense_and_keeps_its_documents() {
        let docs: Vec<u32> = (0..200).collect();
        let g = grown(&docs);
        assert!(matches!(g, Growing::Dense(_)));
        assert_eq!(g.into_set().docs(), docs);
        let sparse = grown(&[3, 700, 9000]);
        assert!(matches!(sparse, Growing::Sparse { .. }));
        assert_eq!(sparse.into_set().docs(), [3, 700, 9000]);
    }

    #[test]
    fn run_entries_round_trip() {
        for docs in [vec![0u32, 5, 130], (0..100).collect()] {
            let g = grown(&docs);
            let mut out = 42u64.to_le_bytes().to_vec();
            g.write_run(&mut out);
            let mut r = &out[..];
            let (key, set) = read_run_entry(&mut r).expect("io").expect("entry");
            assert_eq!((key, set.docs()), (42, docs));
            assert!(read_run_entry(&mut r).expect("io").is_none());
        }
    }

    #[test]
    fn encode_picks_the_shorter_form() {
        // 3 documents of 80: gaps 1, 2, 78 → 3 bytes, shorter than 10.
        let s = Set::Sparse(vec![0, 1, 78]);
        let mut out = Vec::new();
        s.encode(80, &mut out);
        assert_eq!(out, [SPARSE, 1, 1, 77]);
        assert_eq!(Set::decode(&out).map(|s| s.docs()), Some(vec![0, 1, 78]));
        // 12 of 80: 12 gap bytes > 10 bitmap bytes.
        let docs: Vec<u32> = (0..12).map(|i| i * 6).collect();
        let mut out = Vec::new();
        Set::Sparse(docs.clone()).encode(80, &mut out);
        assert_eq!(out.len(), 11);
        assert_eq!(out[..3], [DENSE, 0b0100_0001, 0b0001_0000]);
        assert_eq!(Set::decode(&out).map(|s| s.docs()), Some(docs));
    }

    #[test]
    fn unions() {
        let mut a = Set::Sparse(vec![1, 5]);
        a.union_with(Set::Sparse(vec![2, 5, 9]), 1000);
        assert_eq!(a, Set::Sparse(vec![1, 2, 5, 9]));
        a.union_with(Set::Dense(vec![1 << 63]), 1000);
        assert_eq!(a.docs(), [1, 2, 5, 9, 63]);
        // More than n / 32 documents: a bitmap.
        let mut b = Set::Sparse(vec![0, 1]);
        b.union_with(Set::Sparse(vec![2]), 64);
        assert!(matches!(b, Set::Dense(_)));
        assert_eq!(b.docs(), [0, 1, 2]);
    }
}
