//! Output: the only module that writes to disk.
//!
//! A build hands its files to a [`Sink`] as soon as each is made: whole
//! files with [`Sink::put`] (from any thread) and the long combined files
//! (all projects in one CSV) as a [`Stream`] appended to in order. The
//! [`Staging`] sink writes into a fresh folder beside the target and swaps it
//! in only when the whole build succeeded, so a failed build never leaves a
//! half-written or emptied `output/`; [`Memory`] keeps the files for
//! `hyoka serve` and the tests.

use std::collections::{BTreeMap, HashSet};
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

/// Writes into a staging folder beside the target; [`Staging::commit`]
/// swaps it in. Dropped without a commit, it removes the staging folder and
/// leaves the target as it was.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    stage: PathBuf,
    old: PathBuf,
    dirs: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Creates an empty staging folder for `target`.
    pub fn new(target: &Path) -> io::Result<Self> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let stage = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        if stage.exists() {
            fs::remove_dir_all(&stage)?;
        }
        fs::create_dir_all(&stage)?;
        Ok(Staging {
            target: target.to_path_buf(),
            stage,
            old,
            dirs: Mutex::new(HashSet::new()),
            committed: false,
        })
    }

    /// The destination of `rel` in the staging folder, its folder created.
    fn dest(&self, rel: &str) -> io::Result<PathBuf> {
        let dest = self.stage.join(safe_relative(rel)?);
        if let Some(d) = dest.parent() {
            let mut dirs = match self.dirs.lock() {
                Ok(m) => m,
                Err(p) => p.into_inner(),
            };
            if !dirs.contains(d) {
                fs::create_dir_all(d)?;
                dirs.insert(d.to_path_buf());
            }
        }
        Ok(dest)
    }

    /// Replaces the target with the staging folder.
    pub fn commit(mut self) -> io::Result<()> {
        self.committed = true;
        let (target, stage, old) = (&self.target, &self.stage, &self.old);
        let result = (|| {
            if target.exists() {
                fs::rename(target, old)?;
                if let Err(e) = fs::rename(stage, target) {
                    // Put the previous output back.
                    let _ = fs::rename(old, target);
                    return Err(e);
                }
                remove_tree(old)
            } else {
                fs::rename(stage, target)
            }
        })();
        if result.is_err() {
            let _ = fs::remove_dir_all(stage);
        }
        result
    }
}

/// Removes a folder and everything in it, files in parallel (a previous
/// output of a large site holds over 100,000 files).
fn remove_tree(root: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            dirs.push(entry.into_path());
        } else {
            files.push(entry.into_path());
        }
    }
    files.par_iter().try_for_each(fs::remove_file)?;
    // Deepest first.
    for d in dirs.iter().rev() {
        fs::remove_dir(d)?;
    }
    Ok(())
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.stage);
        }
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        fs::write(self.dest(path)?, bytes)
    }

    fn open(&self, path: &str) -> io::Result<Box<dyn Stream + '_>> {
        let f = fs::File::create(self.dest(path)?)?;
        Ok(Box::new(FileStream {
            w: io::BufWriter::with_capacity(256 * 1024, f),
            n: 0,
        }))
    }
}

struct FileStream {
    w: io::BufWriter<fs::File>,
    n: u64,
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

/// Writes `files` to `target` atomically (stage, then rename).
pub fn write_site(target: &Path, files: &[OutFile]) -> io::Result<()> {
    let stage = Staging::new(target)?;
    for f in files {
        stage.put(&f.path, &f.bytes)?;
    }
    stage.commit()
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
