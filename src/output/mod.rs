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
pub trait Sink: Sync {
    /// Stores a whole file at the `/`-separated relative `path`.
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
    /// Opens a file to be written piece by piece.
    fn open(&self, path: &str) -> io::Result<Box<dyn Stream + '_>>;
}

/// A file being written piece by piece.
pub trait Stream: Write + Send {
    /// Completes the file; returns its size in bytes.
    fn finish(self: Box<Self>) -> io::Result<u64>;
}

/// Keeps every file in memory.
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Memory {
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
        let mut m = match self.files.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        m.insert(path.to_string(), bytes);
        Ok(())
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

pub(crate) struct FileStream {
    pub(crate) w: io::BufWriter<fs::File>,
    pub(crate) n: u64,
}

impl Write for FileStream {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let k = self.w.write(b)?;
        self.n += k as u64;
        Ok(k)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

impl Stream for FileStream {
    fn finish(mut self: Box<Self>) -> io::Result<u64> {
        self.w.flush()?;
        Ok(self.n)
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
}
