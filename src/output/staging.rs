//! The staging folder of a build, and the rules for replacing an output.
//!
//! hyoka only ever replaces a folder it wrote itself. Every output carries
//! the marker file [`MARKER`]; [`Staging::new`] refuses (without touching
//! anything) an output that is a file, a non-empty folder without the
//! marker, a link that leads nowhere, or a folder that is, is inside, or
//! contains a protected folder (the content or theme folder). A symlinked
//! output is resolved: the swap happens at the link's target and the link
//! itself is left alone; nothing is ever deleted through a link.
//!
//! The build writes into `.<name>.staging-<pid>` beside the output, whose
//! marker file is locked for as long as the build runs. [`Staging::commit`]
//! swaps it in with one atomic exchange (`renameat2(RENAME_EXCHANGE)` on
//! Linux), so a web server reading the output never sees it missing or half
//! written; where the platform has no exchange, two renames are used. The
//! previous output then sits at the staging path and is removed. A build
//! that was killed leaves its staging folder behind; the next build removes
//! every such folder whose lock is free (and every `.<name>.old-<pid>` whose
//! process is gone) and reports it.
//!
//! This is the only place besides [`super`] that writes to disk.
//!
//! Longer than most files (about 900 lines, much of it documentation): the
//! ownership rules, the swap and the sweep share the marker and its lock,
//! and reuse links by name in opened folders on Linux (`mod linux`).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::{safe_relative, PreviousFile, Sink, Stamp, Stream};

/// The file that marks a folder as a hyoka output.
pub const MARKER: &str = ".hyoka-output";

/// First line of [`MARKER`]: the format of the output folder.
const MARKER_TEXT: &str = "hyoka-output 1\n";

/// Why an output folder was not touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What is wrong, naming the folder.
    pub message: String,
    /// What to do instead.
    pub hint: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n  = ヒント: {}", self.message, self.hint)
    }
}

impl From<io::Error> for Refusal {
    fn from(e: io::Error) -> Self {
        Refusal {
            message: format!("出力先を確かめられませんでした: {e}"),
            hint: "出力先のフォルダと、その親フォルダの権限を確かめてください".into(),
        }
    }
}

/// A swap that did not happen, or left the output somewhere else.
#[derive(Debug)]
pub enum CommitError {
    /// The previous output is still in place, unchanged.
    Unchanged(io::Error),
    /// The two-rename fallback failed half way: the previous output is at
    /// `old`, and the output path is empty.
    Moved {
        /// What failed.
        error: io::Error,
        /// Where the previous output is now.
        old: PathBuf,
    },
}

impl fmt::Display for CommitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommitError::Unchanged(e) => write!(f, "{e}"),
            CommitError::Moved { error, old } => write!(
                f,
                "{error}（以前の出力は {} に移したまま戻せませんでした）",
                old.display()
            ),
        }
    }
}

/// What a successful swap did.
#[derive(Debug)]
pub struct Commit {
    /// The folder that now holds the new output (a link's target when the
    /// output was a link).
    pub target: PathBuf,
    /// The previous output, when it could not be removed after the swap.
    pub old_left: Option<(PathBuf, io::Error)>,
}

/// Writes into a staging folder beside the target; [`Staging::commit`]
/// swaps it in. Dropped without a commit, it removes the staging folder and
/// leaves the target as it was.
#[derive(Debug)]
pub struct Staging {
    /// The real output folder (links resolved).
    target: PathBuf,
    stage: PathBuf,
    old: PathBuf,
    dirs: Mutex<HashSet<PathBuf>>,
    /// The staging marker, locked while this build runs.
    lock: Option<fs::File>,
    committed: bool,
    /// Leftovers of earlier, killed builds that were removed.
    pub cleaned: Vec<PathBuf>,
    /// Whether the target is a previous output whose files may be reused
    /// (it carried the marker when checked).
    reusable: bool,
    /// Every file written or reused so far, with its stamp.
    written: Mutex<Vec<(String, Stamp)>>,
    /// Folders of the target and of the staging folder opened for
    /// [`Sink::reuse`], by relative folder (`None`: could not be opened).
    #[cfg(target_os = "linux")]
    folders: Mutex<HashMap<PathBuf, Option<Arc<linux::Folders>>>>,
}

impl Staging {
    /// Checks that `target` may be replaced, removes leftovers of dead
    /// builds beside it and creates an empty, locked staging folder.
    /// `protected` are folders (with a name for messages) that the output
    /// must neither be, be inside, nor contain.
    pub fn new(target: &Path, protected: &[(&Path, &str)]) -> Result<Self, Refusal> {
        let (real, exists) = resolve_target(target)?;
        for (p, what) in protected {
            let p = real_path(p)?;
            if real == p || real.starts_with(&p) || p.starts_with(&real) {
                let relation = if real == p {
                    "と同じフォルダ"
                } else if real.starts_with(&p) {
                    "の中"
                } else {
                    "を含むフォルダ"
                };
                return Err(Refusal {
                    message: format!(
                        "出力先 {} は{what} {}{relation}です。出力先には何も書き込んでいません",
                        target.display(),
                        p.display()
                    ),
                    hint: format!(
                        "{what}とは別のフォルダを --output に指定してください（例: --output output）"
                    ),
                });
            }
        }
        if exists {
            check_replaceable(target, &real)?;
        }
        let reusable = exists && has_marker(&real);
        let (parent, name) = match (real.parent(), real.file_name()) {
            (Some(p), Some(n)) => (p.to_path_buf(), n.to_string_lossy().into_owned()),
            _ => {
                return Err(Refusal {
                    message: format!(
                        "出力先 {} はフォルダの最上位です。出力先には何も書き込んでいません",
                        target.display()
                    ),
                    hint: "サイト専用の新しいフォルダを --output に指定してください".into(),
                })
            }
        };
        fs::create_dir_all(&parent)?;
        let cleaned = sweep(&parent, &name);
        let pid = std::process::id();
        let stage = parent.join(format!(".{name}.staging-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        if fs::symlink_metadata(&stage).is_ok() {
            // Only a dead build of ours can have used our pid.
            remove_tree(&stage)?;
        }
        fs::create_dir(&stage)?;
        let mut s = Staging {
            target: real,
            stage,
            old,
            dirs: Mutex::new(HashSet::new()),
            lock: None,
            committed: false,
            cleaned,
            reusable,
            written: Mutex::default(),
            #[cfg(target_os = "linux")]
            folders: Mutex::default(),
        };
        let mut marker = fs::File::create(s.stage.join(MARKER))?;
        marker.write_all(MARKER_TEXT.as_bytes())?;
        marker.try_lock().map_err(|e| match e {
            fs::TryLockError::Error(e) => e,
            fs::TryLockError::WouldBlock => io::Error::other("staging folder is locked"),
        })?;
        s.lock = Some(marker);
        Ok(s)
    }

    /// The real output folder (a link's target when the output is a link).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Whether the staged build holds the file `rel` (a path below the
    /// output folder).
    pub fn has(&self, rel: &str) -> bool {
        self.stage.join(rel).is_file()
    }

    /// Every file this build holds, with its stamp, in the order written
    /// (not by path); taken, so asked once, when nothing more is written.
    pub fn take_written(&self) -> Vec<(String, Stamp)> {
        std::mem::take(&mut *lock(&self.written))
    }

    fn record(&self, rel: &str, stamp: Stamp) {
        lock(&self.written).push((rel.to_string(), stamp));
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

    /// Replaces the target with the staging folder, atomically where the
    /// platform allows, then removes the previous output.
    pub fn commit(self) -> Result<Commit, CommitError> {
        self.commit_with(|| ()).map(|(c, ())| c)
    }

    /// [`Staging::commit`], running `then` once the new output is in
    /// place, while the previous output is removed (`then` is not run when
    /// the output could not be replaced).
    pub fn commit_with<R: Send>(
        mut self,
        then: impl FnOnce() -> R + Send,
    ) -> Result<(Commit, R), CommitError> {
        self.committed = true;
        match self.swap() {
            Ok(previous) => {
                let (old_left, r) = rayon::join(
                    || previous.and_then(|p| remove_tree(&p).err().map(|e| (p, e))),
                    then,
                );
                let target = self.target.clone();
                Ok((Commit { target, old_left }, r))
            }
            Err(e) => {
                let _ = remove_tree(&self.stage);
                Err(e)
            }
        }
    }

    /// Puts the staging folder in the target's place; returns where the
    /// previous output now is, to be removed (none when there was none).
    fn swap(&self) -> Result<Option<PathBuf>, CommitError> {
        let (target, stage, old) = (&self.target, &self.stage, &self.old);
        let exists = fs::symlink_metadata(target).is_ok();
        if !exists {
            rename_new(stage, target).map_err(CommitError::Unchanged)?;
            return Ok(None);
        }
        // The folder may have changed since it was checked.
        if let Err(r) = check_replaceable(target, target) {
            return Err(CommitError::Unchanged(io::Error::other(r.message)));
        }
        let previous = match exchange(stage, target) {
            Ok(()) => stage.clone(),
            Err(e) if exchange_unsupported(&e) => {
                fs::rename(target, old).map_err(CommitError::Unchanged)?;
                if let Err(error) = fs::rename(stage, target) {
                    return match fs::rename(old, target) {
                        Ok(()) => Err(CommitError::Unchanged(error)),
                        Err(_) => Err(CommitError::Moved {
                            error,
                            old: old.clone(),
                        }),
                    };
                }
                old.clone()
            }
            Err(e) => return Err(CommitError::Unchanged(e)),
        };
        Ok(Some(previous))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_tree(&self.stage);
        }
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.put_stamped(path, bytes).map(|_| ())
    }

    fn open(&self, path: &str) -> io::Result<Box<dyn Stream + '_>> {
        let dest = self.dest(path)?;
        let f = fs::File::create(&dest)?;
        Ok(Box::new(FileStream {
            w: io::BufWriter::with_capacity(256 * 1024, f),
            n: 0,
            hash: xxhash_rust::xxh3::Xxh3::new(),
            rel: path.to_string(),
            dest,
            stage: self,
        }))
    }

    fn put_stamped(&self, path: &str, bytes: &[u8]) -> io::Result<Option<Stamp>> {
        let dest = self.dest(path)?;
        // The stamp is read from the open file: no second path lookup.
        let mut f = fs::File::create(&dest)?;
        f.write_all(bytes)?;
        let stamp = stamp_of(&f.metadata()?, crate::cache::hash64(bytes));
        self.record(path, stamp);
        Ok(Some(stamp))
    }

    /// Hard-links the previous output's file into the staging folder (a
    /// copy where links fail). The file must be a regular file of the size
    /// stamped; when its time differs (a cache restored by CI), its bytes
    /// must have the stamped hash.
    fn reuse(&self, path: &str, stamp: &Stamp) -> io::Result<Option<Stamp>> {
        if !self.reusable {
            return Ok(None);
        }
        #[cfg(target_os = "linux")]
        if let Some(now) = self.reuse_at(path, stamp)? {
            self.record(path, now);
            return Ok(Some(now));
        }
        let from = self.target.join(safe_relative(path)?);
        let Ok(meta) = fs::symlink_metadata(&from) else {
            return Ok(None);
        };
        if !meta.is_file() || meta.len() != stamp.len {
            return Ok(None);
        }
        if stamp_of(&meta, stamp.hash) != *stamp {
            let same = fs::read(&from).is_ok_and(|b| crate::cache::hash64(&b) == stamp.hash);
            if !same {
                return Ok(None);
            }
        }
        let dest = self.dest(path)?;
        let now = if fs::hard_link(&from, &dest).is_ok() {
            // The same file: the times and size just checked (a third
            // system call per file would cost about a tenth of a rebuild).
            stamp_of(&meta, stamp.hash)
        } else {
            fs::copy(&from, &dest)?;
            stamp_of(&fs::symlink_metadata(&dest)?, stamp.hash)
        };
        if now.len != stamp.len {
            // Changed while it was copied: not the file that was checked.
            fs::remove_file(&dest)?;
            return Ok(None);
        }
        self.record(path, now);
        Ok(Some(now))
    }

    /// The previous file opened when it is as stamped (size and time;
    /// when its time differs, its bytes are read and must have the stamped
    /// hash).
    fn previous_file(&self, path: &str, stamp: Option<&Stamp>) -> Option<PreviousFile> {
        let stamp = stamp.filter(|_| self.reusable)?;
        let from = self.target.join(safe_relative(path).ok()?);
        if !fs::symlink_metadata(&from).ok()?.is_file() {
            return None;
        }
        let f = fs::File::open(&from).ok()?;
        let meta = f.metadata().ok()?;
        if !meta.is_file() || meta.len() != stamp.len {
            return None;
        }
        if stamp_of(&meta, stamp.hash) == *stamp {
            return Some(PreviousFile::File(f, meta.len()));
        }
        let bytes = fs::read(&from).ok()?;
        (bytes.len() as u64 == stamp.len && crate::cache::hash64(&bytes) == stamp.hash)
            .then_some(PreviousFile::Bytes(bytes))
    }

    fn previous(&self, path: &str, stamp: Option<&Stamp>) -> Option<Vec<u8>> {
        let stamp = stamp.filter(|_| self.reusable)?;
        let from = self.target.join(safe_relative(path).ok()?);
        if !fs::symlink_metadata(&from).ok()?.is_file() {
            return None;
        }
        let bytes = fs::read(&from).ok()?;
        (bytes.len() as u64 == stamp.len && crate::cache::hash64(&bytes) == stamp.hash)
            .then_some(bytes)
    }

    fn discard(&self, path: &str) -> io::Result<()> {
        let rel = safe_relative(path)?;
        lock(&self.written).retain(|(p, _)| p != path);
        match fs::remove_file(self.stage.join(rel)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Every file stamped is in the target as stamped (size and time), and
    /// the target holds no other file, folder or link besides the marker.
    fn unchanged(&self, files: &[(String, Stamp)]) -> bool {
        use rayon::prelude::*;
        if !self.reusable {
            return false;
        }
        let target = &self.target;
        let as_stamped = files.par_iter().all(|(rel, st)| {
            safe_relative(rel).is_ok_and(|r| {
                fs::symlink_metadata(target.join(r))
                    .is_ok_and(|m| m.is_file() && stamp_of(&m, st.hash) == *st)
            })
        });
        if !as_stamped {
            return false;
        }
        let mut dirs: HashSet<&str> = HashSet::new();
        for (rel, _) in files {
            let mut d = rel.as_str();
            while let Some(i) = d.rfind('/') {
                d = &d[..i];
                if !dirs.insert(d) {
                    break;
                }
            }
        }
        let (mut n_files, mut n_dirs) = (0usize, 0usize);
        for e in walkdir::WalkDir::new(target).min_depth(1) {
            let Ok(e) = e else { return false };
            let t = e.file_type();
            if t.is_dir() {
                n_dirs += 1;
            } else if t.is_file() {
                if e.depth() == 1 && e.file_name() == MARKER {
                    continue;
                }
                n_files += 1;
            } else {
                return false;
            }
        }
        n_files == files.len() && n_dirs == dirs.len()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// The stamp of a file with metadata `meta` whose bytes hash to `hash`.
fn stamp_of(meta: &fs::Metadata, hash: u64) -> Stamp {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Stamp {
        len: meta.len(),
        mtime,
        hash,
    }
}

/// A file of the staging folder written piece by piece, hashed as it goes
/// and stamped when finished.
struct FileStream<'a> {
    w: io::BufWriter<fs::File>,
    n: u64,
    hash: xxhash_rust::xxh3::Xxh3,
    rel: String,
    dest: PathBuf,
    stage: &'a Staging,
}

impl Write for FileStream<'_> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let k = self.w.write(b)?;
        self.hash.update(&b[..k]);
        self.n += k as u64;
        Ok(k)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

impl Stream for FileStream<'_> {
    fn finish(mut self: Box<Self>) -> io::Result<u64> {
        self.w.flush()?;
        let stamp = stamp_of(&fs::symlink_metadata(&self.dest)?, self.hash.digest());
        self.stage.record(&self.rel, stamp);
        Ok(self.n)
    }
}

/// The real path of the output folder (a link followed to its target), and
/// whether it exists.
fn resolve_target(target: &Path) -> Result<(PathBuf, bool), Refusal> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((real_path(target)?, false)),
        Err(e) => Err(e.into()),
        Ok(meta) => {
            let real = if meta.file_type().is_symlink() {
                match fs::canonicalize(target) {
                    Ok(r) => r,
                    Err(_) => {
                        return Err(Refusal {
                            message: format!(
                                "出力先 {} はリンクですが、リンク先がありません。出力先には何も書き込んでいません",
                                target.display()
                            ),
                            hint: "リンク先のフォルダを作るか、別のフォルダを --output に指定してください"
                                .into(),
                        })
                    }
                }
            } else {
                fs::canonicalize(target)?
            };
            Ok((real, true))
        }
    }
}

/// `real` (the resolved `shown`) is a folder hyoka may replace: an empty
/// folder, or one carrying the marker.
fn check_replaceable(shown: &Path, real: &Path) -> Result<(), Refusal> {
    let meta = fs::symlink_metadata(real)?;
    if !meta.is_dir() {
        return Err(Refusal {
            message: format!(
                "出力先 {} はフォルダではなくファイルです。何も変更していません",
                shown.display()
            ),
            hint: "サイトを書き出すフォルダを --output に指定してください".into(),
        });
    }
    if has_marker(real) {
        return Ok(());
    }
    let empty = fs::read_dir(real)?.next().is_none();
    if empty {
        return Ok(());
    }
    Err(Refusal {
        message: format!(
            "出力先 {} は hyoka が書き出したフォルダではありません（目印のファイル {MARKER} がありません）。中のファイルを消さないよう、何も変更せずに中止しました",
            shown.display()
        ),
        hint: "空のフォルダか、まだない新しいフォルダを --output に指定してください。以前の版の hyoka が書き出したフォルダなら、中身を確かめてから手で削除してください"
            .into(),
    })
}

/// The folder carries a regular-file marker that hyoka wrote.
fn has_marker(dir: &Path) -> bool {
    let m = dir.join(MARKER);
    match fs::symlink_metadata(&m) {
        Ok(meta) if meta.is_file() && meta.len() < 4096 => fs::read(&m)
            .map(|b| b.starts_with(b"hyoka-output "))
            .unwrap_or(false),
        _ => false,
    }
}

/// An absolute, link-free form of `p`, which need not exist: its deepest
/// existing ancestor is canonicalized and the rest appended.
fn real_path(p: &Path) -> io::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        match fs::canonicalize(cur) {
            Ok(mut real) => {
                for c in rest.iter().rev() {
                    real.push(c);
                }
                return Ok(real);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                match (cur.parent(), cur.components().next_back()) {
                    (Some(parent), Some(Component::Normal(name))) => {
                        rest.push(name.to_os_string());
                        cur = parent;
                    }
                    (Some(parent), Some(Component::CurDir)) => cur = parent,
                    _ => return Err(e),
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// Removes leftovers of dead builds of the output `name` in `parent`:
/// staging folders whose marker is not locked, and old folders whose
/// process is gone. Returns what was removed.
fn sweep(parent: &Path, name: &str) -> Vec<PathBuf> {
    let staging = format!(".{name}.staging-");
    let old = format!(".{name}.old-");
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with(&staging) || n.starts_with(&old)
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    for dir in found {
        let n = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dead = if let Some(pid) = n.strip_prefix(&old) {
            has_marker(&dir) && !process_alive(pid)
        } else if has_marker(&dir) {
            unlocked(&dir.join(MARKER))
        } else {
            // Killed before its marker was written: nothing in it but, at
            // most, the marker file it had just created.
            unmarked_and_empty(&dir)
        };
        if dead && remove_tree(&dir).is_ok() {
            removed.push(dir);
        }
    }
    removed
}

/// A folder holding nothing, or only a marker file shorter than the
/// marker's text (a build killed between creating and writing it).
fn unmarked_and_empty(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    let mut n = 0;
    for e in entries {
        let Ok(e) = e else { return false };
        n += 1;
        let short_marker = e.file_name() == MARKER
            && e.file_type().is_ok_and(|t| t.is_file())
            && e.metadata()
                .is_ok_and(|m| m.len() < MARKER_TEXT.len() as u64);
        if n > 1 || !short_marker {
            return false;
        }
    }
    true
}

/// No running build holds the lock on `marker`.
fn unlocked(marker: &Path) -> bool {
    match fs::File::open(marker) {
        Ok(f) => f.try_lock().is_ok(),
        Err(_) => false,
    }
}

/// Whether process `pid` runs (where that can be told; otherwise assumed).
fn process_alive(pid: &str) -> bool {
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid).exists()
    } else {
        true
    }
}

/// Removes a folder and everything in it, files in parallel (a previous
/// output of a large site holds over 100,000 files). Never follows a link:
/// a link inside is removed as a link, and a `root` that is not a real
/// folder is refused. The root's marker goes last, so a removal that is
/// killed half way still leaves a marked folder that the next sweep
/// recognises. Files that vanish meanwhile (another build sweeping the same
/// leftover) are not an error.
fn remove_tree(root: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let meta = fs::symlink_metadata(root)?;
    if !meta.is_dir() {
        return Err(io::Error::other(format!(
            "refusing to remove {}: not a folder",
            root.display()
        )));
    }
    let marker = std::ffi::OsStr::new(MARKER);
    let gone = |r: io::Result<()>| match r {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    };
    // Every folder with the names of its files (not its subfolders'), the
    // root first, parents before children. `file_type` comes from the
    // listing itself: nothing is followed or stat'ed.
    let mut folders: Vec<(PathBuf, Vec<std::ffi::OsString>)> = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            let name = entry.file_name();
            if entry.file_type()?.is_dir() {
                todo.push(dir.join(&name));
            } else if !(folders.is_empty() && name == marker) {
                names.push(name);
            }
        }
        folders.push((dir, names));
    }
    // The folders are shared out whole among the threads, the fullest
    // first, each to the thread with the fewest files so far: removals
    // in one folder wait for each other in the kernel, removals in
    // different folders do not.
    let threads = rayon::current_num_threads().max(1);
    let mut order: Vec<usize> = (0..folders.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(folders[i].1.len()));
    let mut shares: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); threads];
    for i in order {
        if let Some(least) = shares.iter_mut().min_by_key(|(n, _)| *n) {
            least.0 += folders[i].1.len();
            least.1.push(i);
        }
    }
    shares.par_iter().try_for_each(|(_, share)| {
        share
            .iter()
            .try_for_each(|&i| remove_files(&folders[i].0, &folders[i].1, gone))
    })?;
    // Deepest first; the root after its marker.
    for (d, _) in folders.iter().skip(1).rev() {
        gone(fs::remove_dir(d))?;
    }
    gone(fs::remove_file(root.join(MARKER)))?;
    gone(fs::remove_dir(root))
}

/// Removes the files `names` of folder `dir` (by name in the opened
/// folder on Linux: no path is looked up again for each).
fn remove_files(
    dir: &Path,
    names: &[std::ffi::OsString],
    gone: impl Fn(io::Result<()>) -> io::Result<()>,
) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{unlinkat, AtFlags};
        // A folder swapped for a link meanwhile is refused, not followed.
        let fd = match linux::open(dir) {
            Ok(fd) => fd,
            Err(e) if e == rustix::io::Errno::NOENT => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        names.iter().try_for_each(|n| {
            gone(unlinkat(&fd, n.as_os_str(), AtFlags::empty()).map_err(io::Error::from))
        })
    }
    #[cfg(not(target_os = "linux"))]
    names
        .iter()
        .try_for_each(|n| gone(fs::remove_file(dir.join(n))))
}

/// Atomically exchanges two folders.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The file system or kernel has no atomic exchange.
fn exchange_unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported
        || matches!(e.raw_os_error(), Some(22) | Some(38) | Some(95))
}

/// Renames `from` to `to`, failing when `to` appeared meanwhile.
#[cfg(target_os = "linux")]
fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE).map_err(io::Error::from) {
        Err(e) if exchange_unsupported(&e) => fs::rename(from, to),
        other => other,
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)
}

#[cfg(test)]
#[path = "staging_tests.rs"]
mod tests;

#[cfg(target_os = "linux")]
impl Staging {
    /// [`Sink::reuse`] of a file as stamped (size and time), looked up and
    /// linked one name deep in its folder, opened once (a path of four
    /// names is walked twice per file otherwise: about a tenth of a
    /// one-file rebuild of 10,000 projects). `None`: not this way (not as
    /// stamped, or a link that failed); the caller then tries by path.
    fn reuse_at(&self, path: &str, stamp: &Stamp) -> io::Result<Option<Stamp>> {
        let rel = safe_relative(path)?;
        let (Some(dir), Some(name)) = (rel.parent(), rel.file_name()) else {
            return Ok(None);
        };
        let folders = {
            let mut open = lock(&self.folders);
            match open.get(dir) {
                Some(f) => f.clone(),
                None => {
                    // The staging folder's folder is made (and known) first.
                    self.dest(path)?;
                    let f = linux::Folders::open(&self.target.join(dir), &self.stage.join(dir))
                        .map(Arc::new);
                    open.insert(dir.to_path_buf(), f.clone());
                    f
                }
            }
        };
        let Some(folders) = folders else {
            return Ok(None);
        };
        let Some(now) = folders.as_stamped(name, stamp) else {
            return Ok(None);
        };
        Ok(folders.link(name).then_some(now))
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::OsStr;
    use std::os::fd::OwnedFd;
    use std::path::Path;

    use rustix::fs::{linkat, openat, statat, AtFlags, FileType, Mode, OFlags, CWD};

    use super::Stamp;

    /// A folder of the previous output and the same folder of the staging
    /// folder, opened (as paths only: no reading).
    #[derive(Debug)]
    pub(super) struct Folders {
        from: OwnedFd,
        to: OwnedFd,
    }

    /// Folder `p`, opened as a path only; a link is refused, not followed.
    pub(super) fn open(p: &Path) -> rustix::io::Result<OwnedFd> {
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        openat(CWD, p, flags, Mode::empty())
    }

    impl Folders {
        pub(super) fn open(from: &Path, to: &Path) -> Option<Folders> {
            Some(Folders {
                from: open(from).ok()?,
                to: open(to).ok()?,
            })
        }

        /// The stamp of `name` in the previous output when it is a regular
        /// file of the stamped size and time.
        pub(super) fn as_stamped(&self, name: &OsStr, stamp: &Stamp) -> Option<Stamp> {
            let st = statat(&self.from, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
                return None;
            }
            // As `std::fs::Metadata::modified` since 1970 (0 before); the
            // nanoseconds are signed on some targets.
            #[allow(clippy::useless_conversion)]
            let mtime = match (u64::try_from(st.st_mtime), u64::try_from(st.st_mtime_nsec)) {
                (Ok(s), Ok(ns)) => s.checked_mul(1_000_000_000)?.checked_add(ns)?,
                _ => 0,
            };
            let now = Stamp {
                len: u64::try_from(st.st_size).ok()?,
                mtime,
                hash: stamp.hash,
            };
            (now == *stamp).then_some(now)
        }

        /// Hard-links `name` of the previous output into the staging folder.
        pub(super) fn link(&self, name: &OsStr) -> bool {
            linkat(&self.from, name, &self.to, name, AtFlags::empty()).is_ok()
        }
    }
}
