//! How content files are reached: symbolic links followed only inside the
//! content folder, only regular files read (non-blocking), series folders
//! and project files listed within depth and link limits, wrong-case
//! extensions reported. Reads files; never writes.

use super::*;

/// The content folder: as given (for messages) and canonicalized (to tell
/// whether a link's target is inside it).
pub(super) struct Root<'a> {
    pub(super) path: &'a Path,
    /// Computed when first needed: most project files are not links.
    pub(super) canon: std::cell::OnceCell<Option<PathBuf>>,
}

impl<'a> Root<'a> {
    pub(super) fn new(path: &'a Path) -> Self {
        Root {
            path,
            canon: std::cell::OnceCell::new(),
        }
    }

    pub(super) fn canon(&self) -> Option<&Path> {
        self.canon
            .get_or_init(|| fs::canonicalize(self.path).ok())
            .as_deref()
    }
}

/// Symbolic links to folders followed while listing one folder, at most: a
/// bound on the work that links to the same folders can cause.
pub(super) const MAX_FOLLOWED_DIRS: usize = 100;

/// Folder levels below a series folder that are listed, at most (the
/// listing recurses, and must not exhaust a thread's stack).
pub(super) const MAX_DEPTH: usize = 32;

pub(super) fn cannot_read(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(path, Pos::START, format!("ファイルを読めません: {e}"))
}

/// Follows the symbolic link `link`: its canonical target and the target's
/// metadata, or an error that names the link only, never the target.
pub(super) fn follow_link(root: &Root, link: &Path) -> Result<(PathBuf, fs::Metadata), Diagnostic> {
    let dangling = || {
        Diagnostic::new(
            link,
            Pos::START,
            "シンボリックリンクをたどれません（リンク先がないか、リンクがループしています）",
        )
        .hint(
            "リンクをやめて、ファイルやフォルダそのものをコンテンツのフォルダの中に置いてください",
        )
    };
    let target = fs::canonicalize(link).map_err(|_| dangling())?;
    if !root.canon().is_some_and(|c| target.starts_with(c)) {
        return Err(Diagnostic::new(
            link,
            Pos::START,
            "シンボリックリンクのリンク先がコンテンツのフォルダの外にあるため、読み込みません",
        )
        .hint(
            "リンクをやめて、ファイルやフォルダそのものをコンテンツのフォルダの中に置いてください",
        ));
    }
    let meta = fs::metadata(&target).map_err(|_| dangling())?;
    Ok((target, meta))
}

/// What kind of thing a non-regular file is, in words.
pub(super) fn kind_ja(ft: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "名前付きパイプ（FIFO）";
        }
        if ft.is_socket() {
            return "ソケット";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "デバイス";
        }
    }
    if ft.is_dir() {
        "フォルダ"
    } else {
        "通常のファイルではないもの"
    }
}

pub(super) fn not_regular(path: &Path, ft: fs::FileType) -> Diagnostic {
    Diagnostic::new(
        path,
        Pos::START,
        format!(
            "{}なので読み込めません（通常のファイルが必要です）",
            kind_ja(ft)
        ),
    )
    .hint("この名前では、テキストエディタで保存した通常のファイルを置いてください")
}

/// Opens a file for reading without ever blocking (a FIFO swapped in after
/// the check), and without following a link swapped in for `path`.
pub(super) fn open_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Whether two metadata describe the same file (always true off unix).
pub(super) fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        true
    }
}

/// The bytes of the content file `path`, read the one way described in the
/// module docs.
pub(super) fn read_bytes(root: &Root, path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let meta = fs::symlink_metadata(path).map_err(|e| cannot_read(path, &e))?;
    let (open, expected) = if meta.file_type().is_symlink() {
        follow_link(root, path)?
    } else {
        (path.to_path_buf(), meta)
    };
    if !expected.is_file() {
        return Err(not_regular(path, expected.file_type()));
    }
    let mut file = open_file(&open).map_err(|e| cannot_read(path, &e))?;
    let now = file.metadata().map_err(|e| cannot_read(path, &e))?;
    if !now.is_file() {
        return Err(not_regular(path, now.file_type()));
    }
    if !same_file(&now, &expected) {
        return Err(
            Diagnostic::new(path, Pos::START, "読み込む間にファイルが入れ替わりました")
                .hint("ファイルの保存が終わってから、もう一度実行してください"),
        );
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| cannot_read(path, &e))?;
    Ok(bytes)
}

/// Whether the extension is `ext` in another case (`.YAML`, `.Yml`), which
/// the loader would skip: `Some(the extension)` then.
pub(super) fn wrong_case_ext<'a>(p: &'a Path, exts: &[&str]) -> Option<&'a str> {
    let e = p.extension()?.to_str()?;
    (!exts.contains(&e) && exts.iter().any(|x| x.eq_ignore_ascii_case(e))).then_some(e)
}

pub(super) fn wrong_case_error(p: &Path, ext: &str) -> Diagnostic {
    let lower = ext.to_ascii_lowercase();
    Diagnostic::new(
        p,
        Pos::START,
        format!(
            "拡張子「.{}」は大文字を含むため、このファイルは読み込まれません",
            excerpt(ext)
        ),
    )
    .hint(format!("拡張子を小文字の「.{lower}」に変えてください"))
}

pub(super) const YAML_EXTS: &[&str] = &["yaml", "yml"];

/// The folders directly under the content folder that may be series (not
/// `pages`, not hidden), each with its canonical path; reports top-level
/// files whose yaml extension is in the wrong case and links to folders
/// that point outside the content folder, dangle or loop.
pub(super) fn series_dirs(root: &Root, diags: &mut Diagnostics) -> Vec<(PathBuf, PathBuf)> {
    let mut entries: Vec<fs::DirEntry> = match fs::read_dir(root.path) {
        Ok(rd) => rd.filter_map(Result::ok).collect(),
        Err(e) => {
            diags.push(cannot_read(root.path, &e));
            return Vec::new();
        }
    };
    entries.sort_by_key(fs::DirEntry::file_name);
    let Some(canon) = root.canon() else {
        return Vec::new();
    };
    let mut v = Vec::new();
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if name.starts_with('.') {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            if name != "pages" {
                v.push((path, canon.join(e.file_name())));
            }
        } else if ft.is_symlink() {
            // `pages`, site.yaml and departments.yaml are checked when read.
            if matches!(
                name.as_str(),
                "pages" | "site.yaml" | "departments.yaml" | "synonyms.yaml"
            ) {
                continue;
            }
            // Only a link to a folder is a candidate series; a link to a
            // file here is ignored like any other file.
            if fs::metadata(&path).is_ok_and(|m| !m.is_dir()) {
                continue;
            }
            match follow_link(root, &path) {
                Ok((target, _)) if canon.starts_with(&target) => {
                    diags.push(link_loop(&path));
                }
                Ok((target, meta)) if meta.is_dir() => v.push((path, target)),
                Ok(_) => {}
                Err(d) => diags.push(d),
            }
        } else if let Some(ext) = wrong_case_ext(&path, YAML_EXTS) {
            diags.push(wrong_case_error(&path, ext));
        }
    }
    v
}

pub(super) fn link_loop(link: &Path) -> Diagnostic {
    Diagnostic::new(
        link,
        Pos::START,
        "シンボリックリンクがループしています（リンク先のフォルダが、このリンクを含んでいます）",
    )
    .hint("リンクを消してください")
}

pub(super) fn is_yaml(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml") | Some("yml")
    )
}

/// Whether a folder holds a yaml file (in any case of the extension).
pub(super) fn has_yaml(dir: &Path) -> bool {
    WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| is_yaml(e.path()) || wrong_case_ext(e.path(), YAML_EXTS).is_some())
}

/// The project files of the series folder `dir` (canonically `canon`), by
/// id then path. Hidden names are skipped; links are followed as the module
/// docs say; a file with a wrong-case yaml extension is reported. Anything
/// else named `*.yaml` (a link, a FIFO) is listed, and reported when read.
pub(super) fn project_files(
    root: &Root,
    dir: &Path,
    canon: &Path,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    let mut walk = Walk {
        root,
        followed: 0,
        files: Vec::new(),
        diags,
    };
    walk.dir(dir, &mut vec![canon.to_path_buf()]);
    let mut v = walk.files;
    v.sort_by(|a, b| a.file_stem().cmp(&b.file_stem()).then_with(|| a.cmp(b)));
    v
}

pub(super) struct Walk<'a, 'r> {
    pub(super) root: &'a Root<'r>,
    pub(super) followed: usize,
    pub(super) files: Vec<PathBuf>,
    pub(super) diags: &'a mut Diagnostics,
}

impl Walk<'_, '_> {
    /// Lists `dir`, whose canonical path is the last of `chain` (the
    /// canonical folders from the series folder down to it).
    fn dir(&mut self, dir: &Path, chain: &mut Vec<PathBuf>) {
        let mut entries: Vec<fs::DirEntry> = match fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(Result::ok).collect(),
            Err(e) => {
                self.diags.push(cannot_read(dir, &e));
                return;
            }
        };
        entries.sort_by_key(fs::DirEntry::file_name);
        for e in entries {
            let name = e.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = e.path();
            let Ok(ft) = e.file_type() else { continue };
            let is_dir =
                ft.is_dir() || ft.is_symlink() && fs::metadata(&path).is_ok_and(|m| m.is_dir());
            if !is_dir {
                if let Some(ext) = wrong_case_ext(&path, YAML_EXTS) {
                    self.diags.push(wrong_case_error(&path, ext));
                } else if is_yaml(&path) && name != SERIES_FILE {
                    self.files.push(path);
                }
                continue;
            }
            let canon = if ft.is_symlink() {
                match follow_link(self.root, &path) {
                    Ok((target, _)) => {
                        if chain.iter().any(|a| a.starts_with(&target)) {
                            self.diags.push(link_loop(&path));
                            continue;
                        }
                        self.followed += 1;
                        if self.followed > MAX_FOLLOWED_DIRS {
                            self.diags.push(
                                Diagnostic::new(
                                    &path,
                                    Pos::START,
                                    format!("たどるシンボリックリンクが多すぎます（1つのシリーズで {MAX_FOLLOWED_DIRS} 個まで）"),
                                )
                                .hint("フォルダへのリンクを減らしてください"),
                            );
                            continue;
                        }
                        target
                    }
                    Err(d) => {
                        self.diags.push(d);
                        continue;
                    }
                }
            } else {
                chain.last().map(|c| c.join(&name)).unwrap_or_default()
            };
            // `chain` holds the series folder and one entry per level.
            if chain.len() > MAX_DEPTH {
                self.diags.push(
                    Diagnostic::new(
                        &path,
                        Pos::START,
                        format!(
                            "フォルダの階層が深すぎます（シリーズのフォルダから {MAX_DEPTH} 段まで）"
                        ),
                    )
                    .hint("事業のファイルは、浅いフォルダに置いてください"),
                );
                continue;
            }
            chain.push(canon);
            self.dir(&path, chain);
            chain.pop();
        }
    }
}
