//! The zip container of `projects.xlsx`, with each project sheet's XML
//! deflated in independent pieces: a piece is compressed by a fresh
//! compressor and ends with a full flush (byte-aligned, not final, no
//! reference to earlier bytes), so pieces concatenate into one valid
//! deflate stream and a piece of a previous file can be copied as it is.
//! The CRC-32 of an entry is combined from its pieces'. It must not decide
//! what the XML says (that is `cells` and `book`).

use std::io::{self, Read};

use flate2::{Compress, Compression, FlushCompress, Status};

/// A deflated piece of an entry: raw deflate bytes, and the length and
/// CRC-32 of what they inflate to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Piece {
    pub bytes: Vec<u8>,
    pub len: u64,
    pub crc: u32,
}

/// Compresses pieces at one level, reusing its compressor's memory.
pub(super) struct Deflater {
    c: Compress,
}

impl Deflater {
    pub fn new(level: u8) -> Deflater {
        Deflater {
            c: Compress::new(Compression::new(u32::from(level)), false),
        }
    }

    /// `data` as a piece; `last` ends the stream (the entry's final piece).
    pub fn piece(&mut self, data: &[u8], last: bool) -> io::Result<Piece> {
        self.c.reset();
        let flush = if last {
            FlushCompress::Finish
        } else {
            FlushCompress::Full
        };
        let mut out = Vec::with_capacity(data.len() / 4 + 64);
        loop {
            let before = self.c.total_in() as usize;
            let input = data.get(before..).unwrap_or_default();
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(4096));
            }
            let status = self
                .c
                .compress_vec(input, &mut out, flush)
                .map_err(io::Error::other)?;
            let done_in = self.c.total_in() as usize == data.len();
            let room = out.len() < out.capacity();
            match status {
                Status::StreamEnd => break,
                // A full flush is complete once all input is in and the
                // compressor left room in the buffer.
                Status::Ok | Status::BufError if !last && done_in && room => break,
                _ => {}
            }
        }
        let mut h = crc32fast::Hasher::new();
        h.update(data);
        Ok(Piece {
            bytes: out,
            len: data.len() as u64,
            crc: h.finalize(),
        })
    }
}

/// CRC-32 of `a`'s bytes followed by `b`'s.
pub(super) fn crc_combine(a: (u32, u64), b: (u32, u64)) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial_len(a.0, a.1);
    h.combine(&crc32fast::Hasher::new_with_initial_len(b.0, b.1));
    h.finalize()
}

/// One entry of the zip, as the pieces (or copies of earlier pieces) that
/// make its deflate stream.
pub(super) struct Entry<'a> {
    pub name: String,
    pub parts: Vec<&'a [u8]>,
    pub len: u64,
    pub crc: u32,
}

/// Where each part of each entry landed in the file: per entry, the
/// offset of each of its parts.
pub(super) type Offsets = Vec<Vec<u64>>;

fn too_big() -> io::Error {
    io::Error::other("projects.xlsx が 4 GB を超えるため作れません（ZIP64 には対応していません）")
}

fn u32_of(n: u64) -> io::Result<u32> {
    u32::try_from(n).map_err(|_| too_big())
}

/// DOS date of 1980-01-01, the earliest a zip can hold (no time of its
/// own, so the same content zips to the same bytes).
const DOS_DATE: u16 = (1 << 5) | 1;

/// Writes the zip file of `entries` (all deflated) to `out`; returns the
/// offset of every part and the file's length.
pub(super) fn write_to(entries: &[Entry], out: &mut dyn io::Write) -> io::Result<(Offsets, u64)> {
    let mut at = 0u64;
    let mut put = |out: &mut dyn io::Write, b: &[u8]| -> io::Result<()> {
        out.write_all(b)?;
        at += b.len() as u64;
        Ok(())
    };
    let mut central = Vec::new();
    let mut offsets = Vec::with_capacity(entries.len());
    let mut here = 0u64;
    for e in entries {
        let start = u32_of(here)?;
        let size: u64 = e.parts.iter().map(|p| p.len() as u64).sum();
        let (size32, len) = (u32_of(size)?, u32_of(e.len)?);
        let name = e.name.as_bytes();
        let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
        // Local header: version 2.0, no flags, deflate, 1980-01-01.
        let common = |h: &mut Vec<u8>| {
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&8u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&DOS_DATE.to_le_bytes());
            h.extend_from_slice(&e.crc.to_le_bytes());
            h.extend_from_slice(&size32.to_le_bytes());
            h.extend_from_slice(&len.to_le_bytes());
            h.extend_from_slice(&name_len.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
        };
        let mut head = 0x0403_4b50u32.to_le_bytes().to_vec();
        common(&mut head);
        head.extend_from_slice(name);
        put(out, &head)?;
        here += head.len() as u64;
        let mut at_parts = Vec::with_capacity(e.parts.len());
        for p in &e.parts {
            at_parts.push(here);
            put(out, p)?;
            here += p.len() as u64;
        }
        offsets.push(at_parts);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes());
        common(&mut central);
        // Comment length, disk, internal and external attributes, offset.
        central.extend_from_slice(&[0; 6]);
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&start.to_le_bytes());
        central.extend_from_slice(name);
    }
    let cd_at = u32_of(here)?;
    let cd_len = u32_of(central.len() as u64)?;
    let n = u16::try_from(entries.len()).map_err(|_| too_big())?;
    central.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    central.extend_from_slice(&[0; 4]);
    central.extend_from_slice(&n.to_le_bytes());
    central.extend_from_slice(&n.to_le_bytes());
    central.extend_from_slice(&cd_len.to_le_bytes());
    central.extend_from_slice(&cd_at.to_le_bytes());
    central.extend_from_slice(&0u16.to_le_bytes());
    u32_of(here + central.len() as u64)?;
    put(out, &central)?;
    Ok((offsets, at))
}

/// [`write_to`] into memory: the file's bytes and the parts' offsets.
#[cfg(test)]
pub(super) fn write(entries: &[Entry]) -> io::Result<(Vec<u8>, Offsets)> {
    let mut out = Vec::new();
    let (offsets, _) = write_to(entries, &mut out)?;
    Ok((out, offsets))
}

/// Every entry of the zip `bytes` (a workbook rust_xlsxwriter saved), in
/// order, with its inflated bytes.
pub(super) fn read(bytes: &[u8]) -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut z = ::zip::ZipArchive::new(io::Cursor::new(bytes)).map_err(io::Error::other)?;
    let mut out = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(io::Error::other)?;
        let mut data = Vec::with_capacity(usize::try_from(f.size()).unwrap_or(0));
        f.read_to_end(&mut data)?;
        let name = f.name().map_err(io::Error::other)?.to_string();
        out.push((name, data));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflate(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn pieces_concatenate_into_one_stream_with_a_combined_crc() {
        let mut d = Deflater::new(5);
        let a = "<row>あいう</row>".repeat(5000);
        let b = "<row>x</row>".repeat(3);
        let c = "</sheetData>";
        let pieces = [
            d.piece(a.as_bytes(), false).unwrap(),
            d.piece(b.as_bytes(), false).unwrap(),
            d.piece(b"", false).unwrap(),
            d.piece(c.as_bytes(), true).unwrap(),
        ];
        let joined: Vec<u8> = pieces.iter().flat_map(|p| p.bytes.clone()).collect();
        let whole = format!("{a}{b}{c}");
        assert_eq!(inflate(&joined), whole.as_bytes());
        let crc = pieces.iter().fold((0u32, 0u64), |acc, p| {
            (crc_combine(acc, (p.crc, p.len)), acc.1 + p.len)
        });
        assert_eq!(crc.0, crc32fast::hash(whole.as_bytes()));
        // A piece compresses: the repeated row is far smaller deflated.
        assert!(pieces[0].bytes.len() * 20 < a.len());
    }

    #[test]
    fn the_zip_reads_back_with_its_entries_and_offsets() {
        let mut d = Deflater::new(5);
        let p1 = d.piece(b"hello ", false).unwrap();
        let p2 = d.piece(b"world", true).unwrap();
        let q = d.piece(b"", true).unwrap();
        let entries = [
            Entry {
                name: "a/b.xml".into(),
                parts: vec![&p1.bytes, &p2.bytes],
                len: 11,
                crc: crc32fast::hash(b"hello world"),
            },
            Entry {
                name: "empty".into(),
                parts: vec![&q.bytes],
                len: 0,
                crc: 0,
            },
        ];
        let (zip, offsets) = write(&entries).unwrap();
        let back = read(&zip).unwrap();
        assert_eq!(
            back,
            vec![
                ("a/b.xml".to_string(), b"hello world".to_vec()),
                ("empty".to_string(), Vec::new())
            ]
        );
        let at = offsets[0][1] as usize;
        assert_eq!(&zip[at..at + p2.bytes.len()], p2.bytes.as_slice());
    }
}
