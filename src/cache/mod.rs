//! The build cache: what `hyoka build` keeps between builds to skip the
//! projects that did not change (`hyoka serve` keeps the same in memory).
//!
//! One file per output, `.hyoka-cache/<output name>.cache` in the folder
//! that holds the output folder (beside a link's target when the output is
//! a link), never inside the output, so it is not published with the site;
//! two outputs side by side have two files. It holds:
//!
//! - a hash of everything every page depends on besides the project files
//!   ([`Cache::deps`]: `site.yaml` (with `--base-url` applied),
//!   `departments.yaml`, every `_series.yaml`, the free pages, the synonyms,
//!   the whole theme including a user theme, and whether the search index
//!   is made). When it differs, nothing of the cache is used;
//! - per project file ([`Entry`]): the hash of its bytes (with the file's
//!   status when it vouches for them, [`FileStat`]: a build that finds the
//!   same status does not read the file again), the stamp (size,
//!   time, hash) of each of its own output files (page, JSON, CSV), where
//!   its bytes are in the combined data files ([`crate::export::Spans`]);
//!   and, in a second file `<output name>.data` read one payload at a time
//!   when projects are reused, its [`Payload`]: the slim copy the list
//!   pages need, its workbook rows (packed) and its search document. New
//!   payloads are appended to that file ([`DataWriter::after`]); it is
//!   written anew once most of it is stale;
//! - where the pieces of `projects.xlsx` are ([`Cache::workbook`]);
//! - the stamp of every file of the output, to tell that a build with
//!   unchanged inputs has nothing to do.
//!
//! A project whose bytes hash as recorded is neither parsed nor rendered:
//! its files are taken from the previous output (hard links into the
//! staging folder, see [`crate::output::Sink::reuse`]) when they are still
//! as stamped, its bytes of the combined files are copied from the previous
//! ones, and its cached data feeds the list pages, the workbook (whose
//! unchanged pieces are copied) and the search index (patched when few
//! files changed). Any doubt (a file changed or missing in the output)
//! means a fresh render.
//!
//! The file starts with a magic line, the identity of the hyoka binary that
//! wrote it (its version and a hash of the executable itself, so any change
//! of code invalidates it), the length and hash of the body, then the body
//! (postcard). A cache that is truncated, garbled, of another format or
//! written by another binary is ignored with a warning; the build is then
//! a full one. It is written only after a build succeeded and its output was
//! swapped in, to a temporary file renamed over the old one.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::content::Project;
use crate::export::Extra;
use crate::output::Stamp;
use crate::search;

/// A hash of file bytes or of a build's inputs.
pub type Hash = u128;

/// xxh3 (128 bits) of `bytes`.
pub fn hash(bytes: &[u8]) -> Hash {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// xxh3 (64 bits) of `bytes`, for the stamps of output files.
pub fn hash64(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// First bytes of a cache file: the format.
const MAGIC: &[u8; 16] = b"hyoka-cache v3\n\0";
/// Magic, identity, body length, body hash.
const HEAD: usize = 16 + 16 + 8 + 8;

/// What the cache keeps of one project file in the index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Path relative to the content folder, `/`-separated.
    pub file: String,
    /// Hash of the file's bytes.
    pub hash: Hash,
    /// Its own output files, with their stamps.
    pub files: Vec<(String, Stamp)>,
    /// Where its [`Payload`] starts in the data file.
    pub at: u64,
    /// Length of the payload.
    pub len: u64,
    /// [`hash64`] of the payload.
    pub check: u64,
    /// Where its bytes are in the combined data files.
    pub spans: Option<crate::export::Spans>,
    /// The file's status when `hash` was taken, when it can vouch for the
    /// bytes ([`FileStat::settled`]): a later build that finds the same
    /// status takes `hash` without reading the file again.
    pub stat: Option<FileStat>,
}

/// Who a file is and when it last changed, as `stat` tells: its device and
/// inode, size, and modification and change times (seconds, nanoseconds).
/// Any write to the file moves its change time, which no program can set
/// back (git's index and Bazel's digest cache trust the same fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStat {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

/// How long a file must have been left alone before it is read for its
/// status to vouch for what was read: a change in the same tick of the
/// file system's clock as the one before would keep the times as they
/// were (git's "racily clean" entries).
pub const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

impl FileStat {
    /// The status of a regular file (`None` for anything else, and off
    /// Unix).
    pub fn of(meta: &fs::Metadata) -> Option<FileStat> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            meta.file_type().is_file().then(|| FileStat {
                dev: meta.dev(),
                ino: meta.ino(),
                len: meta.len(),
                mtime: (meta.mtime(), meta.mtime_nsec()),
                ctime: (meta.ctime(), meta.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// Whether the file had not changed for [`SETTLED`] before `now` (and
    /// its times are not in the future).
    pub fn settled(&self, now: std::time::SystemTime) -> bool {
        let Ok(now) = now.duration_since(std::time::UNIX_EPOCH) else {
            return false;
        };
        let limit = now.saturating_sub(SETTLED);
        let limit = (
            i64::try_from(limit.as_secs()).unwrap_or(i64::MAX),
            i64::from(limit.subsec_nanos()),
        );
        self.mtime < limit && self.ctime < limit
    }
}

/// What the cache keeps of one project in the data file, read only for
/// the projects that are reused.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payload {
    /// The slim project.
    pub project: Project,
    /// Its workbook rows, packed (see [`Extra`]).
    pub extra: Extra,
    /// Its search document, when the index was made, decoded only when
    /// needed (most reused projects' documents never are).
    pub search: Option<DocBytes>,
}

/// A search document as the payload holds it: its postcard bytes, as one
/// byte string.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocBytes(Bytes);

impl DocBytes {
    /// The document.
    pub fn decode(&self) -> Option<search::Doc> {
        postcard::from_bytes(&self.0 .0).ok()
    }
}

/// [`DocBytes`] of a document, written.
struct DocRef<'a>(&'a search::Doc);

impl Serialize for DocRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let bytes = postcard::to_stdvec(self.0).map_err(serde::ser::Error::custom)?;
        s.serialize_bytes(&bytes)
    }
}

/// Bytes that serialize as one byte string (postcard copies them at once,
/// not byte by byte as a sequence): packed workbook rows, search documents.
#[derive(Debug, Clone, Default)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
        }
        d.deserialize_byte_buf(V)
    }
}

/// [`Payload`] by reference, serialized the same way.
#[derive(Serialize)]
pub struct PayloadRef<'a> {
    /// The slim project.
    pub project: &'a Project,
    /// Its rows.
    pub extra: &'a Extra,
    /// Its search document.
    #[serde(serialize_with = "doc_ref")]
    pub search: Option<&'a search::Doc>,
}

fn doc_ref<S: serde::Serializer>(d: &Option<&search::Doc>, s: S) -> Result<S::Ok, S::Error> {
    d.map(DocRef).serialize(s)
}

/// Where one row of a table is in a page of the previous build, so a
/// rebuild copies it instead of rendering it again: the row's key (a hash
/// of the row's data, of the macro that renders it and of that macro's
/// other arguments), its bytes' place and their [`hash64`]. A row is
/// copied only when the page has the stamp the cache recorded and the
/// bytes hash as recorded; the rows of a previous cache are used only when
/// nothing else the pages depend on changed ([`Cache::deps`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowSpan {
    pub key: Hash,
    pub at: u64,
    pub len: u32,
    pub check: u64,
}

/// The cache of one output: the index (read on every build) and, apart,
/// the payloads (read only when a project is reused).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cache {
    /// Hash of everything but the project files (see the module docs).
    pub deps: Hash,
    /// Every project, in site order.
    pub entries: Vec<Entry>,
    /// Every file of the output, by path, with its stamp (empty in memory).
    pub outputs: Vec<(String, Stamp)>,
    /// Length of the data file.
    pub data_len: u64,
    /// Where the pieces of `data/projects.xlsx` are, to copy the unchanged
    /// ones (see [`crate::export::workbook::Layout`]).
    pub workbook: Option<crate::export::workbook::Layout>,
    /// Where each row of the pages' tables is in those pages, by page path
    /// (see [`RowSpan`]).
    pub rows: Vec<(String, Vec<RowSpan>)>,
    /// The payloads given in memory (`hyoka serve`).
    #[serde(skip)]
    data: std::sync::OnceLock<Vec<u8>>,
    /// Where to read them from otherwise.
    #[serde(skip)]
    data_path: Option<PathBuf>,
    /// That file, opened on first use (`None`: unreadable or shorter than
    /// `data_len`).
    #[serde(skip)]
    data_file: std::sync::OnceLock<Option<std::sync::Arc<fs::File>>>,
}

impl Cache {
    /// The entries by file.
    pub fn index(&self) -> HashMap<&str, &Entry> {
        self.entries.iter().map(|e| (e.file.as_str(), e)).collect()
    }

    /// A cache kept in memory with its payloads `data`.
    pub fn with_data(mut self, data: Vec<u8>) -> Cache {
        self.data_len = data.len() as u64;
        self.data = std::sync::OnceLock::from(data);
        self
    }

    /// The payload of `e` and its bytes, when the data holds it intact
    /// (`None` when unreadable or changed). A payload in a file is read
    /// alone (the file is not read whole: a rebuild reads every payload
    /// once, and memory taken for the whole file would be zeroed first).
    pub fn payload(&self, e: &Entry) -> Option<(Payload, Vec<u8>)> {
        if e.at.checked_add(e.len)? > self.data_len {
            return None;
        }
        let bytes = match (self.data.get(), &self.data_path) {
            (Some(d), _) => {
                let at = usize::try_from(e.at).ok()?;
                d.get(at..at.checked_add(usize::try_from(e.len).ok()?)?)?
                    .to_vec()
            }
            (None, Some(path)) => {
                let f = self
                    .data_file
                    .get_or_init(|| {
                        let f = fs::File::open(path).ok()?;
                        (f.metadata().ok()?.len() >= self.data_len).then(|| std::sync::Arc::new(f))
                    })
                    .as_ref()?;
                let mut b = vec![0; usize::try_from(e.len).ok()?];
                crate::output::read_at(f, &mut b, e.at).ok()?;
                b
            }
            (None, None) => return None,
        };
        if hash64(&bytes) != e.check {
            return None;
        }
        Some((postcard::from_bytes(&bytes).ok()?, bytes))
    }

    /// Bytes of the payloads the entries point to.
    pub fn live_bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.len).sum()
    }
}

/// Where the payloads of a build go: a temporary file beside the cache
/// (renamed into place by [`write`]), the end of the previous build's
/// data file ([`DataWriter::after`]), or memory.
pub struct DataWriter {
    out: Option<io::BufWriter<fs::File>>,
    mem: Vec<u8>,
    tmp: Option<PathBuf>,
    at: u64,
    failed: Option<io::Error>,
    /// Appending to the previous data file (beside `cache`), whose payloads
    /// stay where they are: the length the previous cache gave it.
    appending: Option<u64>,
    /// The cache's path, when appending.
    cache: Option<PathBuf>,
}

/// Below this share of live payloads in the previous data file (the rest
/// belongs to projects since changed or removed), a build writes a new
/// file instead of appending.
const LIVE_PER_MILLE: u64 = 600;

impl DataWriter {
    /// Payloads in memory (`hyoka serve`).
    pub fn memory() -> Self {
        DataWriter {
            out: None,
            mem: Vec::new(),
            tmp: None,
            at: 0,
            failed: None,
            appending: None,
            cache: None,
        }
    }

    /// Payloads for the cache at `cache` whose previous build left
    /// `previous`: appended to its data file when that holds mostly live
    /// payloads (cut back to the length `previous` gives it, dropping what
    /// a failed build may have added), else a new file.
    pub fn after(cache: &Path, previous: Option<&Cache>) -> Self {
        let Some(prev) = previous
            .filter(|c| c.data_len > 0 && c.live_bytes() * 1000 >= c.data_len * LIVE_PER_MILLE)
        else {
            return DataWriter::file(cache);
        };
        let path = data_path(cache);
        let opened = fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|mut f| {
                if f.metadata()?.len() < prev.data_len {
                    return Err(io::Error::other("shorter than its cache says"));
                }
                f.set_len(prev.data_len)?;
                io::Seek::seek(&mut f, io::SeekFrom::End(0))?;
                Ok(f)
            });
        match opened {
            Ok(f) => {
                let mut w = DataWriter::memory();
                w.out = Some(io::BufWriter::with_capacity(256 * 1024, f));
                w.at = prev.data_len;
                w.appending = Some(prev.data_len);
                w.cache = Some(cache.to_path_buf());
                w
            }
            Err(_) => DataWriter::file(cache),
        }
    }

    /// Whether the previous payloads stay where they are (a reused
    /// project keeps its entry's place instead of being appended again).
    pub fn keeps(&self) -> bool {
        self.appending.is_some()
    }

    /// Writes a file of its own instead of appending (before anything was
    /// appended: when the previous payloads turn out to be of no use).
    pub fn restart(&mut self) {
        let untouched = self.appending == Some(self.at);
        if let (true, Some(cache)) = (untouched, self.cache.clone()) {
            self.appending = None;
            *self = DataWriter::file(&cache);
        }
    }

    /// Payloads for the cache at `cache` (the index's path), in a new file.
    pub fn file(cache: &Path) -> Self {
        let tmp = temp(&data_path(cache));
        let out = cache
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::File::create(&tmp));
        let mut w = DataWriter::memory();
        match out {
            Ok(f) => {
                w.out = Some(io::BufWriter::with_capacity(256 * 1024, f));
                w.tmp = Some(tmp);
            }
            Err(e) => w.failed = Some(e),
        }
        w
    }

    /// Appends one payload's bytes; returns (offset, length, hash).
    pub fn append(&mut self, bytes: &[u8]) -> (u64, u64, u64) {
        let at = self.at;
        if self.failed.is_none() {
            let r = match &mut self.out {
                Some(f) => f.write_all(bytes),
                None => {
                    self.mem.extend_from_slice(bytes);
                    Ok(())
                }
            };
            if let Err(e) = r {
                self.failed = Some(e);
            }
        }
        self.at += bytes.len() as u64;
        (at, bytes.len() as u64, hash64(bytes))
    }

    /// Ends the payloads: the bytes in memory, or the temporary file.
    pub fn finish(mut self) -> io::Result<Written> {
        if let Some(e) = self.failed.take() {
            self.discard();
            return Err(e);
        }
        match self.out.take() {
            Some(f) => {
                f.into_inner().map_err(|e| e.into_error())?;
                if self.appending.take().is_some() {
                    return Ok(Written::Appended(self.at));
                }
                let tmp = self.tmp.take().unwrap_or_default();
                Ok(Written::File(tmp, self.at))
            }
            None => Ok(Written::Memory(std::mem::take(&mut self.mem))),
        }
    }

    fn discard(&mut self) {
        self.out = None;
        if let Some(t) = self.tmp.take() {
            let _ = fs::remove_file(t);
        }
        // Appended to the previous file: back to its length (the previous
        // index never reads past it anyway).
        if let (Some(len), Some(cache)) = (self.appending.take(), &self.cache) {
            let _ = fs::OpenOptions::new()
                .write(true)
                .open(data_path(cache))
                .and_then(|f| f.set_len(len));
        }
    }
}

impl Drop for DataWriter {
    fn drop(&mut self) {
        self.discard();
    }
}

/// The payloads a build wrote.
pub enum Written {
    /// In memory.
    Memory(Vec<u8>),
    /// In a temporary file of that many bytes.
    File(PathBuf, u64),
    /// At the end of the previous data file, now of that many bytes.
    Appended(u64),
}

fn data_path(cache: &Path) -> PathBuf {
    cache.with_extension("data")
}

fn temp(path: &Path) -> PathBuf {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}", std::process::id()));
    PathBuf::from(tmp)
}

/// The folder of the caches, beside the output folder.
pub const DIR: &str = ".hyoka-cache";

/// Where the cache of the output folder `target` (links resolved) lives.
pub fn path_for(target: &Path) -> Option<PathBuf> {
    let name = target.file_name()?.to_string_lossy().into_owned();
    if name == DIR {
        // The cache would be inside the output.
        return None;
    }
    Some(target.parent()?.join(DIR).join(format!("{name}.cache")))
}

/// The identity of this binary: its version, and the path, size and
/// modification time of its executable. Hashing the whole executable
/// would cost more than the rest of a rebuild (tens of megabytes for a
/// debug build); any new build or install of hyoka writes a new file, so
/// its time (in nanoseconds) or size changes.
pub fn identity() -> io::Result<Hash> {
    let exe = std::env::current_exe()?;
    let meta = fs::metadata(&exe)?;
    let mtime = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(io::Error::other)?
        .as_nanos();
    let mut h = Hasher::default();
    h.add(env!("CARGO_PKG_VERSION"))
        .add(&exe.to_string_lossy())
        .add(&meta.len())
        .add(&mtime);
    h.finish().ok_or_else(|| io::Error::other("identity"))
}

/// Why a cache file was not used (Japanese, for a `warning:` line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored(pub String);

/// Reads the cache at `path` written by the binary `identity`: `Ok(None)`
/// when there is none, `Err` (with what to say) when it is unusable.
pub fn read(path: &Path, identity: Hash) -> Result<Option<Cache>, Ignored> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Ignored(format!(
                "ビルドのキャッシュ {} を読めませんでした（{e}）",
                path.display()
            )))
        }
    };
    decode(&bytes, identity)
        .map(|mut c| {
            c.data_path = Some(data_path(path));
            Some(c)
        })
        .map_err(|why| {
            Ignored(format!(
                "ビルドのキャッシュ {} は{why}ため使いません。すべての事業を作り直します",
                path.display()
            ))
        })
}

/// The cache in `bytes`, or why not (the middle of a sentence).
fn decode(bytes: &[u8], identity: Hash) -> Result<Cache, &'static str> {
    if bytes.len() < HEAD || &bytes[..16] != MAGIC {
        return Err("壊れているか、形式が違う");
    }
    let word = |at: usize, n: usize| -> u128 {
        let mut b = [0u8; 16];
        b[..n].copy_from_slice(&bytes[at..at + n]);
        u128::from_le_bytes(b)
    };
    if word(16, 16) != identity {
        return Err("別の版の hyoka が書いた");
    }
    let len = word(32, 8);
    let body = &bytes[HEAD..];
    if body.len() as u128 != len || u128::from(hash64(body)) != word(40, 8) {
        return Err("途中で切れているか壊れている");
    }
    postcard::from_bytes(body).map_err(|_| "壊れている")
}

/// Writes `cache` for the binary `identity` to `path`, with the payloads
/// `data` beside it (`<name>.data`, renamed into place first; an entry
/// whose payload does not match its hash is not used), each through a
/// temporary file renamed over the old one.
pub fn write(path: &Path, identity: Hash, cache: &Cache, data: Written) -> io::Result<()> {
    let (tmp_data, len) = match data {
        Written::File(p, n) => (Some(p), n),
        Written::Memory(m) => {
            let t = temp(&data_path(path));
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            fs::write(&t, &m)?;
            (Some(t), m.len() as u64)
        }
        // Already in place: the previous index still reads its payloads,
        // which have not moved.
        Written::Appended(n) => (None, n),
    };
    if let Some(tmp_data) = tmp_data {
        if let Err(e) = fs::rename(&tmp_data, data_path(path)) {
            let _ = fs::remove_file(&tmp_data);
            return Err(e);
        }
    }
    let body = postcard::to_stdvec(&Cache {
        data_len: len,
        ..cache.clone()
    })
    .map_err(io::Error::other)?;
    let tmp = temp(path);
    let result = (|| {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut f = fs::File::create(&tmp)?;
        f.write_all(MAGIC)?;
        f.write_all(&identity.to_le_bytes())?;
        f.write_all(&(body.len() as u64).to_le_bytes())?;
        f.write_all(&hash64(&body).to_le_bytes())?;
        // No fsync: a file cut short by a crash fails its hash and is
        // ignored like any other broken cache.
        f.write_all(&body)?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Hashes serializable parts of the inputs, in order.
pub struct Hasher {
    h: xxhash_rust::xxh3::Xxh3,
    ok: bool,
}

impl Default for Hasher {
    fn default() -> Self {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(MAGIC);
        Hasher { h, ok: true }
    }
}

impl Hasher {
    /// Adds `v` (its length first, so parts cannot run into each other).
    pub fn add<T: Serialize + ?Sized>(&mut self, v: &T) -> &mut Self {
        match postcard::to_stdvec(v) {
            Ok(b) => {
                self.h.update(&(b.len() as u64).to_le_bytes());
                self.h.update(&b);
            }
            Err(_) => self.ok = false,
        }
        self
    }

    /// The hash, or `None` when a part did not serialize (then nothing
    /// may be taken from a cache).
    pub fn finish(&self) -> Option<Hash> {
        self.ok.then(|| self.h.digest128())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Cache {
        Cache {
            deps: 7,
            entries: Vec::new(),
            outputs: vec![(
                "index.html".into(),
                Stamp {
                    len: 3,
                    mtime: 4,
                    hash: 5,
                },
            )],
            ..Cache::default()
        }
    }

    #[test]
    fn round_trip_and_rejections() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(DIR).join("out.cache");
        assert!(matches!(read(&p, 1), Ok(None)));
        write(&p, 1, &sample(), Written::Memory(b"abc".to_vec())).unwrap();
        let back = read(&p, 1).unwrap().unwrap();
        assert_eq!(back.deps, 7);
        assert_eq!(back.outputs, sample().outputs);
        assert_eq!(back.data_len, 3);
        // Another binary.
        let e = read(&p, 2).unwrap_err();
        assert!(e.0.contains("別の版"), "{e:?}");
        // Truncated.
        let bytes = fs::read(&p).unwrap();
        fs::write(&p, &bytes[..bytes.len() - 1]).unwrap();
        assert!(read(&p, 1).unwrap_err().0.contains("切れている"));
        // One byte of the body garbled.
        let mut g = bytes.clone();
        let last = g.len() - 1;
        g[last] ^= 0x55;
        fs::write(&p, &g).unwrap();
        assert!(read(&p, 1).is_err());
        // Not a cache at all.
        fs::write(&p, b"hello").unwrap();
        assert!(read(&p, 1).unwrap_err().0.contains("形式"));
        // No temporary file is left behind: the index and the data.
        let left: Vec<_> = fs::read_dir(dir.path().join(DIR)).unwrap().collect();
        assert_eq!(left.len(), 2);
    }

    #[test]
    fn path_beside_the_output() {
        assert_eq!(
            path_for(Path::new("/a/b/output")),
            Some(PathBuf::from("/a/b/.hyoka-cache/output.cache"))
        );
    }

    #[test]
    fn a_status_is_settled_only_when_both_times_are_old_enough() {
        use std::time::{Duration, UNIX_EPOCH};
        let now = UNIX_EPOCH + Duration::new(1_000_000, 500_000_000);
        let at = |mtime: (i64, i64), ctime: (i64, i64)| FileStat {
            dev: 1,
            ino: 2,
            len: 3,
            mtime,
            ctime,
        };
        // Two seconds before `now` is 999,998.5 s.
        assert!(at((999_998, 499_999_999), (999_990, 0)).settled(now));
        assert!(!at((999_998, 500_000_000), (999_990, 0)).settled(now));
        assert!(!at((999_990, 0), (999_999, 0)).settled(now));
        // A time in the future (a clock set wrong) is never settled.
        assert!(!at((2_000_000, 0), (999_990, 0)).settled(now));
        assert!(!at((999_990, 0), (999_990, 0)).settled(UNIX_EPOCH));
    }

    #[cfg(unix)]
    #[test]
    fn a_status_is_of_regular_files_only() {
        let d = tempfile::tempdir().expect("tempdir");
        let f = d.path().join("a.yaml");
        fs::write(&f, "x").expect("write");
        let st = FileStat::of(&fs::symlink_metadata(&f).expect("stat")).expect("a file");
        assert_eq!(st.len, 1);
        std::os::unix::fs::symlink(&f, d.path().join("l.yaml")).expect("link");
        assert!(
            FileStat::of(&fs::symlink_metadata(d.path().join("l.yaml")).expect("stat")).is_none()
        );
        assert!(FileStat::of(&fs::symlink_metadata(d.path()).expect("stat")).is_none());
    }
}
