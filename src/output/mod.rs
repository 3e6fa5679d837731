//! Output: the only module that writes to disk.
//!
//! A build hands its files to a [`Sink`] as soon as each is made: whole
//! files with [`Sink::put`] (from any thread) and the long combined files
//! (all projects in one CSV) as a [`Stream`] appended to in order. The
//! [`Staging`] sink writes into a fresh folder beside the target and swaps it
//! in only when the whole build succeeded, so a failed build never leaves a
//! half-written or emptied `output/` (see [`staging`]: it also decides
//! whether a folder may be replaced at all); [`Memory`] keeps the files for
//! `hyoka serve` and the tests.

mod staging;

pub use staging::{Commit, CommitError, Refusal, Staging, MARKER};

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Where a build's files go.
///
/// Besides `put` and `open`, a sink may let a build reuse the files of the
/// previous one (the build cache, [`crate::cache`]): [`Sink::put_stamped`]
/// says how to recognise a file again, [`Sink::reuse`] takes the previous
/// output's file into this build when it is still as stamped. The defaults
/// reuse nothing.
pub trait Sink: Sync {
    /// Stores a whole file at the `/`-separated relative `path`.
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
    /// Opens a file to be written piece by piece.
    fn open(&self, path: &str) -> io::Result<Box<dyn Stream + '_>>;
    /// [`Sink::put`], returning the file's stamp when the sink can reuse it
    /// in a later build.
    fn put_stamped(&self, path: &str, bytes: &[u8]) -> io::Result<Option<Stamp>> {
        self.put(path, bytes).map(|()| None)
    }
    /// Takes the previous build's file `path` into this build when it is
    /// still as `stamp` says; returns its stamp now, or `None` (nothing
    /// done) when it is missing or changed.
    fn reuse(&self, _path: &str, _stamp: &Stamp) -> io::Result<Option<Stamp>> {
        Ok(None)
    }
    /// Removes a file this build holds (a reuse given up half way).
    fn discard(&self, _path: &str) -> io::Result<()> {
        Ok(())
    }
    /// The bytes of the previous build's file `path`, without taking it
    /// into this build, when it is still as `stamp` says (a sink whose
    /// previous files only the build changes may do without a stamp).
    fn previous(&self, _path: &str, _stamp: Option<&Stamp>) -> Option<Vec<u8>> {
        None
    }
    /// [`Sink::previous`], as a file to read parts of when the sink has
    /// one (so a large file is not read whole).
    fn previous_file(&self, path: &str, stamp: Option<&Stamp>) -> Option<PreviousFile> {
        self.previous(path, stamp).map(PreviousFile::Bytes)
    }
    /// Whether the previous build's output holds exactly `files` (paths
    /// sorted, each as stamped) and nothing else, so that a build with the
    /// same inputs has nothing to write.
    fn unchanged(&self, _files: &[(String, Stamp)]) -> bool {
        false
    }
    /// Whether the build should stop: its output is no longer wanted
    /// (`serve`, when a newer change arrived). The pipeline then fails
    /// with [`cancelled`].
    fn cancelled(&self) -> bool {
        false
    }
}

/// A previous build's file ([`Sink::previous_file`]): its bytes, or the
/// file opened, with its length.
pub enum PreviousFile {
    Bytes(Vec<u8>),
    File(fs::File, u64),
}

impl PreviousFile {
    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            PreviousFile::Bytes(b) => b.len() as u64,
            PreviousFile::File(_, n) => *n,
        }
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads ranges of a [`PreviousFile`] mostly in order, through a window of
/// [`Window::SIZE`] bytes (a file is read once, in large reads, into the
/// same memory).
pub struct Window {
    file: PreviousFile,
    buf: Vec<u8>,
    at: u64,
}

impl Window {
    /// Bytes read at once.
    pub const SIZE: usize = 1 << 20;

    /// The file's length in bytes.
    pub fn file_len(&self) -> u64 {
        self.file.len()
    }

    pub fn new(file: PreviousFile) -> Window {
        Window {
            file,
            buf: Vec::new(),
            at: 0,
        }
    }

    /// The `len` bytes at `at`.
    pub fn get(&mut self, at: u64, len: u64) -> io::Result<&[u8]> {
        let end = at
            .checked_add(len)
            .filter(|&e| e <= self.file.len())
            .ok_or_else(|| io::Error::other("前回のビルドのファイルより先を読もうとしました"))?;
        let (f, n) = match &self.file {
            PreviousFile::Bytes(b) => {
                return Ok(&b[at as usize..end as usize]);
            }
            PreviousFile::File(f, n) => (f, *n),
        };
        let have = self.at..self.at + self.buf.len() as u64;
        if at < have.start || end > have.end {
            let want = (len as usize).max(Self::SIZE).min((n - at) as usize);
            self.buf.resize(want, 0);
            read_at(f, &mut self.buf, at)?;
            self.at = at;
        }
        let from = (at - self.at) as usize;
        Ok(&self.buf[from..from + len as usize])
    }
}

/// Fills `buf` from `f` at `offset`.
pub fn read_at(f: &fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        f.read_exact_at(buf, offset)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileExt;
        let mut done = 0;
        while done < buf.len() {
            match f.seek_read(&mut buf[done..], offset + done as u64)? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
        Ok(())
    }
}

/// The error of a build stopped because [`Sink::cancelled`].
pub fn cancelled() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "ビルドを中止しました")
}

/// Whether `e` is [`cancelled`]'s error.
pub fn is_cancelled(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Interrupted
}

/// How a build recognises a file it wrote when it finds it again: size,
/// modification time (nanoseconds since 1970; 0 in memory) and a hash of
/// the bytes (0 in memory, where nothing but the build changes a file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    /// Bytes.
    pub len: u64,
    /// Modification time, in nanoseconds since 1970.
    pub mtime: u64,
    /// [`crate::cache::hash64`] of the bytes.
    pub hash: u64,
}

/// The previous build's files, for [`Memory::with_previous`].
pub type Previous = Box<dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync>;

/// A file being written piece by piece.
pub trait Stream: Write + Send {
    /// Completes the file; returns its size in bytes.
    fn finish(self: Box<Self>) -> io::Result<u64>;
}

/// Keeps every file in memory.
#[derive(Default)]
pub struct Memory {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
    previous: Option<Previous>,
    /// Set from outside to stop the build ([`Sink::cancelled`]).
    cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory")
            .field("previous", &self.previous.is_some())
            .finish_non_exhaustive()
    }
}

impl Memory {
    /// An empty sink that can reuse the previous build's files, which
    /// `previous` gives by path (`hyoka serve`).
    pub fn with_previous(previous: Previous) -> Self {
        Memory {
            files: Mutex::default(),
            previous: Some(previous),
            cancel: None,
        }
    }

    /// The same sink, whose build stops once `cancel` is set.
    pub fn cancelled_by(self, cancel: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Self {
        Memory {
            cancel: Some(cancel),
            ..self
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        match self.files.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        }
    }

    /// The files, by path.
    pub fn into_files(self) -> Vec<OutFile> {
        let files = match self.files.into_inner() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        files
            .into_iter()
            .map(|(path, bytes)| OutFile { path, bytes })
            .collect()
    }

    fn insert(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        safe_relative(path)?;
        self.lock().insert(path.to_string(), bytes);
        Ok(())
    }
}

/// The stamp of a file in memory: its size only.
fn memory_stamp(len: usize) -> Stamp {
    Stamp {
        len: len as u64,
        mtime: 0,
        hash: 0,
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.insert(path, bytes.to_vec())
    }

    fn open(&self, path: &str) -> io::Result<Box<dyn Stream + '_>> {
        safe_relative(path)?;
        Ok(Box::new(MemoryStream {
            sink: self,
            path: path.to_string(),
            buf: Vec::new(),
        }))
    }

    fn put_stamped(&self, path: &str, bytes: &[u8]) -> io::Result<Option<Stamp>> {
        self.put(path, bytes)?;
        Ok(Some(memory_stamp(bytes.len())))
    }

    fn reuse(&self, path: &str, stamp: &Stamp) -> io::Result<Option<Stamp>> {
        let Some(bytes) = self.previous.as_ref().and_then(|p| p(path)) else {
            return Ok(None);
        };
        if bytes.len() as u64 != stamp.len {
            return Ok(None);
        }
        let s = memory_stamp(bytes.len());
        self.insert(path, bytes)?;
        Ok(Some(s))
    }

    fn previous(&self, path: &str, stamp: Option<&Stamp>) -> Option<Vec<u8>> {
        let bytes = self.previous.as_ref().and_then(|p| p(path))?;
        match stamp {
            Some(s) if s.len != bytes.len() as u64 => None,
            _ => Some(bytes),
        }
    }

    fn discard(&self, path: &str) -> io::Result<()> {
        self.lock().remove(path);
        Ok(())
    }

    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    }
}

struct MemoryStream<'a> {
    sink: &'a Memory,
    path: String,
    buf: Vec<u8>,
}

impl Write for MemoryStream<'_> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Stream for MemoryStream<'_> {
    fn finish(self: Box<Self>) -> io::Result<u64> {
        let n = self.buf.len() as u64;
        self.sink.insert(&self.path, self.buf)?;
        Ok(n)
    }
}

/// One file of the output, with a `/`-separated path relative to its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// Relative path, e.g. `projects/e-application.html`.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

impl OutFile {
    /// A file from text.
    pub fn text(path: impl Into<String>, text: impl Into<String>) -> Self {
        OutFile {
            path: path.into(),
            bytes: text.into().into_bytes(),
        }
    }
}

/// Checks that `rel` stays inside the output root.
pub fn safe_relative(rel: &str) -> io::Result<PathBuf> {
    let p = Path::new(rel);
    let ok = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output folder: {rel}"),
        ))
    }
}

/// Writes `files` to `target` atomically (stage, then swap), under the same
/// ownership rules as `hyoka build`.
pub fn write_site(target: &Path, files: &[OutFile]) -> io::Result<()> {
    let stage = Staging::new(target, &[]).map_err(|r| io::Error::other(r.to_string()))?;
    for f in files {
        stage.put(&f.path, &f.bytes)?;
    }
    stage
        .commit()
        .map(|_| ())
        .map_err(|e| io::Error::other(e.to_string()))
}

/// Creates a new file, refusing to overwrite an existing one.
pub fn create_new_file(path: &Path, text: &str) -> io::Result<()> {
    use std::io::Write as _;
    if let Some(d) = path.parent() {
        fs::create_dir_all(d)?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escaping_paths() {
        assert!(safe_relative("../x").is_err());
        assert!(safe_relative("/etc/passwd").is_err());
        assert!(safe_relative("a/../../b").is_err());
        assert!(safe_relative("").is_err());
        assert!(safe_relative("projects/a.html").is_ok());
    }

    /// A file of `n` bytes whose byte at `i` is a function of `i`.
    fn numbered(n: usize) -> (tempfile::NamedTempFile, Vec<u8>) {
        let bytes: Vec<u8> = (0..n).map(|i| (i * 7 % 251) as u8).collect();
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(&bytes).expect("write");
        (f, bytes)
    }

    #[test]
    fn a_window_reads_any_range_of_a_file_larger_than_itself() {
        let n = Window::SIZE * 2 + 12_345;
        let (f, bytes) = numbered(n);
        let file = fs::File::open(f.path()).expect("open");
        let mut w = Window::new(PreviousFile::File(file, n as u64));
        let s = Window::SIZE as u64;
        // In order, across the window's edge, larger than the window, back
        // to the start, and the very end.
        for (at, len) in [
            (0, 10),
            (10, 1000),
            (s - 5, 10),
            (s + 3, s + 100),
            (1, 1),
            (n as u64 - 7, 7),
            (n as u64, 0),
        ] {
            let got = w.get(at, len).expect("in the file");
            assert!(
                got == &bytes[at as usize..(at + len) as usize],
                "{at}+{len}"
            );
        }
        // Past the end: an error, not a short read.
        assert!(w.get(n as u64 - 3, 4).is_err());
        assert!(w.get(u64::MAX, 2).is_err());
        // Bytes in memory read the same.
        let mut m = Window::new(PreviousFile::Bytes(bytes.clone()));
        assert!(m.get(s - 5, 10).expect("in memory") == &bytes[(s - 5) as usize..(s + 5) as usize]);
        assert!(m.get(n as u64, 1).is_err());
    }
}
