//! Loading: parses every file and checks it, reporting every problem found.
//!
//! [`skeleton`] reads `site.yaml`, `departments.yaml`, each series'
//! `_series.yaml` and the free pages and lists the project files;
//! [`load_project`] reads one project file and checks it against the
//! departments and its series (the pipeline calls it in parallel chunks;
//! [`crate::pipeline::load`] loads a whole folder into memory). It never
//! calls back into the pipeline. Good files take a fast path; positions are
//! computed only for a file with a problem.
//!
//! Files are reached one way (see "Editing the data" in the README): a
//! symbolic link is followed only when its target is inside the content
//! folder (both canonicalized), else it is an error that names the link,
//! never the target; a link that dangles or loops is an error too. Only a
//! regular file is read: a FIFO, socket or device where a content file is
//! expected is an error, checked before opening, and the file is opened
//! non-blocking (on unix) so that not even a race can make a read wait.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::content::{Content, Page, Project, Series};
use crate::de::{decode_utf8, parse, typed};
use crate::diag::{closest, excerpt, quote_list, Diagnostic, Diagnostics, Pos};
use crate::model::{DepartmentsDoc, ProjectDoc, SeriesDoc, SiteDoc, MAX_AMOUNT, MAX_STAFF};
use crate::posmap::{PosMap, Seg};

/// The file that defines a series inside its folder.
pub const SERIES_FILE: &str = "_series.yaml";

/// Everything under the content folder except the project files themselves:
/// what the project pass checks each project against.
#[derive(Debug, Default)]
pub struct Skeleton {
    /// `site.yaml`, when it loaded without problems.
    pub site: Option<SiteDoc>,
    /// `departments.yaml`, when it loaded without problems.
    pub org: Option<DepartmentsDoc>,
    /// Series in display order (`order`, then id), each with its files.
    pub series: Vec<SeriesFiles>,
    /// Free pages.
    pub pages: Vec<Page>,
    /// `synonyms.yaml`, empty when there is none (or when it has problems).
    pub synonyms: crate::search::SynonymsDoc,
}

/// One series and the paths of its project files.
#[derive(Debug)]
pub struct SeriesFiles {
    /// Folder name.
    pub id: String,
    /// `_series.yaml`.
    pub doc: SeriesDoc,
    /// Project files, by id (file stem), then path.
    pub files: Vec<PathBuf>,
}

impl Skeleton {
    /// The content without projects, when site and departments loaded.
    pub fn content(&self) -> Option<Content> {
        Some(Content {
            site: self.site.clone()?,
            org: self.org.clone()?,
            series: self
                .series
                .iter()
                .map(|s| Series::empty(&s.id, &s.doc))
                .collect(),
            pages: self.pages.clone(),
            synonyms: self.synonyms.clone(),
        })
    }
}

/// Reads `site.yaml`, `departments.yaml`, every `_series.yaml` and the free
/// pages, and lists the project files; problems go to `diags`.
pub fn skeleton(root: &Path, diags: &mut Diagnostics) -> Skeleton {
    if !root.is_dir() {
        diags.push(
            Diagnostic::new(root, Pos::START, "コンテンツのフォルダが見つかりません")
                .hint("--content でフォルダを指定してください"),
        );
        return Skeleton::default();
    }
    let root = &Root::new(root);
    if root.canon().is_none() {
        diags.push(Diagnostic::new(
            root.path,
            Pos::START,
            "コンテンツのフォルダを開けません",
        ));
        return Skeleton::default();
    }
    let site = load_doc::<SiteDoc>(root, &root.path.join("site.yaml"), diags, check_site);
    let org =
        load_doc::<DepartmentsDoc>(root, &root.path.join("departments.yaml"), diags, check_org);

    let mut series = Vec::new();
    for (dir, canon) in series_dirs(root, diags) {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let def = dir.join(SERIES_FILE);
        // Anything by that name (a link, a FIFO…) is read, or reported.
        if fs::symlink_metadata(&def).is_err() {
            if has_yaml(&dir) {
                diags.push(
                    Diagnostic::new(
                        &dir,
                        Pos::START,
                        format!(
                            "フォルダ「{}」に {SERIES_FILE} がありません",
                            excerpt(&name)
                        ),
                    )
                    .hint("評価シリーズのフォルダには、シリーズを定義する _series.yaml が必要です"),
                );
                // Report its misnamed files and bad links too.
                project_files(root, &dir, &canon, diags);
            }
            continue;
        }
        if !is_slug(&name) {
            diags.push(slug_error(&def, Pos::START, "シリーズのフォルダ名", &name));
        }
        let Some(doc) = load_doc::<SeriesDoc>(root, &def, diags, check_series) else {
            continue;
        };
        let files = project_files(root, &dir, &canon, diags);
        series.push(SeriesFiles {
            id: name,
            doc,
            files,
        });
    }
    series.sort_by(|a, b| a.doc.order.cmp(&b.doc.order).then(a.id.cmp(&b.id)));
    let pages = load_pages(root, diags);
    // Optional: read (and checked) only when it is there.
    let syn = root.path.join(crate::search::synonyms::FILE);
    let synonyms = if fs::symlink_metadata(&syn).is_ok() {
        load_doc(root, &syn, diags, crate::search::synonyms::check).unwrap_or_default()
    } else {
        Default::default()
    };
    Skeleton {
        site,
        org,
        series,
        pages,
        synonyms,
    }
}

/// Project ids seen so far, to report a duplicate id across series.
#[derive(Debug, Default)]
pub struct Ids(HashMap<String, PathBuf>);

impl Ids {
    /// Records `id` of `file`; a second file with the same id is an error.
    pub fn admit(&mut self, id: &str, file: &Path, diags: &mut Diagnostics) -> bool {
        if let Some(first) = self.0.get(id) {
            diags.push(
                Diagnostic::new(
                    file,
                    Pos::START,
                    format!("事業ID「{}」が重複しています", excerpt(id)),
                )
                .hint(format!(
                    "{} と同じIDです。ファイル名（=ID）を変えてください",
                    first.display()
                )),
            );
            return false;
        }
        self.0.insert(id.to_string(), file.to_path_buf());
        true
    }
}

/// The content folder: as given (for messages) and canonicalized (to tell
/// whether a link's target is inside it).
struct Root<'a> {
    path: &'a Path,
    /// Computed when first needed: most project files are not links.
    canon: std::cell::OnceCell<Option<PathBuf>>,
}

impl<'a> Root<'a> {
    fn new(path: &'a Path) -> Self {
        Root {
            path,
            canon: std::cell::OnceCell::new(),
        }
    }

    fn canon(&self) -> Option<&Path> {
        self.canon
            .get_or_init(|| fs::canonicalize(self.path).ok())
            .as_deref()
    }
}

/// Symbolic links to folders followed while listing one folder, at most: a
/// bound on the work that links to the same folders can cause.
const MAX_FOLLOWED_DIRS: usize = 100;

/// Folder levels below a series folder that are listed, at most (the
/// listing recurses, and must not exhaust a thread's stack).
const MAX_DEPTH: usize = 32;

fn cannot_read(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(path, Pos::START, format!("ファイルを読めません: {e}"))
}

/// Follows the symbolic link `link`: its canonical target and the target's
/// metadata, or an error that names the link only, never the target.
fn follow_link(root: &Root, link: &Path) -> Result<(PathBuf, fs::Metadata), Diagnostic> {
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
fn kind_ja(ft: fs::FileType) -> &'static str {
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

fn not_regular(path: &Path, ft: fs::FileType) -> Diagnostic {
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
fn open_file(path: &Path) -> std::io::Result<fs::File> {
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
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
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
fn read_bytes(root: &Root, path: &Path) -> Result<Vec<u8>, Diagnostic> {
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
fn wrong_case_ext<'a>(p: &'a Path, exts: &[&str]) -> Option<&'a str> {
    let e = p.extension()?.to_str()?;
    (!exts.contains(&e) && exts.iter().any(|x| x.eq_ignore_ascii_case(e))).then_some(e)
}

fn wrong_case_error(p: &Path, ext: &str) -> Diagnostic {
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

const YAML_EXTS: &[&str] = &["yaml", "yml"];

/// The folders directly under the content folder that may be series (not
/// `pages`, not hidden), each with its canonical path; reports top-level
/// files whose yaml extension is in the wrong case and links to folders
/// that point outside the content folder, dangle or loop.
fn series_dirs(root: &Root, diags: &mut Diagnostics) -> Vec<(PathBuf, PathBuf)> {
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

fn link_loop(link: &Path) -> Diagnostic {
    Diagnostic::new(
        link,
        Pos::START,
        "シンボリックリンクがループしています（リンク先のフォルダが、このリンクを含んでいます）",
    )
    .hint("リンクを消してください")
}

fn is_yaml(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml") | Some("yml")
    )
}

/// Whether a folder holds a yaml file (in any case of the extension).
fn has_yaml(dir: &Path) -> bool {
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
fn project_files(root: &Root, dir: &Path, canon: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
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

struct Walk<'a, 'r> {
    root: &'a Root<'r>,
    followed: usize,
    files: Vec<PathBuf>,
    diags: &'a mut Diagnostics,
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

/// Whether `s` is a safe id: lowercase ASCII letters, digits and inner
/// hyphens, and not a name Windows reserves for a device ([`windows_reserved`]).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !windows_reserved(s)
}

/// Whether `s` is a device name Windows (and a FAT USB stick) cannot use as
/// a file name: `con`, `prn`, `aux`, `nul`, `com0`–`com9`, `lpt0`–`lpt9`.
pub fn windows_reserved(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    matches!(s.as_str(), "con" | "prn" | "aux" | "nul")
        || s.len() == 4
            && (s.starts_with("com") || s.starts_with("lpt"))
            && s.as_bytes()[3].is_ascii_digit()
}

fn slug_error(file: &Path, pos: Pos, what: &str, value: &str) -> Diagnostic {
    if windows_reserved(value) {
        return Diagnostic::new(
            file,
            pos,
            format!("{what}「{value}」は Windows で使えない名前です"),
        )
        .hint("con・nul・aux・prn・com1・lpt1 などは Windows の装置の名前なので、別の名前にしてください（例: con-kikaku）");
    }
    Diagnostic::new(
        file,
        pos,
        format!("{what}「{}」は使えません", excerpt(value)),
    )
    .hint("半角の英小文字・数字・ハイフン（-）だけで書いてください（例: kodomo-seisaku）")
}

/// Reads, parses and deserializes one file, then runs `check` on it.
///
/// Most files are correct, so the fast path deserializes the text directly
/// and runs `check` without positions. Only when either finds a problem is
/// the file parsed again the slow way: positions of every node, and every
/// structural error collected (see [`crate::de`]).
fn load_doc<T: DeserializeOwned>(
    root: &Root,
    path: &Path,
    diags: &mut Diagnostics,
    check: impl Fn(&Path, &T, &PosMap, &mut Diagnostics),
) -> Option<T> {
    let text = read_text(root, path, diags)?;
    if let Ok(doc) = serde_norway::from_str::<T>(&text) {
        let mut found = Diagnostics::default();
        check(path, &doc, &PosMap::default(), &mut found);
        if found.is_empty() {
            return Some(doc);
        }
    }
    let parsed = match parse(path, &text) {
        Ok(p) => p,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let (doc, problems) = typed::<T>(path, &parsed);
    let clean = problems.is_empty();
    problems.into_iter().for_each(|d| diags.push(d));
    let doc = doc?;
    let before = diags.len();
    check(path, &doc, &parsed.pos, diags);
    (clean && diags.len() == before).then_some(doc)
}

fn read_text(root: &Root, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    match read_bytes(root, path).and_then(|bytes| decode_utf8(path, bytes)) {
        Ok(t) => Some(t),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

fn k(s: &str) -> Seg {
    Seg::Key(s.to_string())
}

fn i(n: usize) -> Seg {
    Seg::Index(n)
}

/// Verifies the check digit of a 全国地方公共団体コード.
pub fn check_digit_ok(code: &str) -> Result<(), String> {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if code.chars().count() != 6 || digits.len() != 6 {
        return Err("6桁の数字で書いてください（都道府県2桁＋市区町村3桁＋検査数字1桁）".into());
    }
    let sum: u32 = digits[..5]
        .iter()
        .zip([6, 5, 4, 3, 2])
        .map(|(d, w)| d * w)
        .sum();
    let expected = (11 - sum % 11) % 10;
    if digits[5] == expected {
        Ok(())
    } else {
        Err(format!(
            "検査数字が合いません（{}{expected} が正しい値です）",
            &code[..5]
        ))
    }
}

/// Why a date is not a `YYYY-MM-DD` day of the calendar.
#[derive(Debug, PartialEq, Eq)]
enum DateError {
    /// Not `YYYY-MM-DD` with digits.
    Form,
    /// A month or day that does not exist (`2026-13-99`, `2023-02-29`).
    NoSuchDay,
}

/// Checks that `s` is `YYYY-MM-DD` and a real day of the (proleptic
/// Gregorian) calendar, from year 1.
fn calendar_date(s: &str) -> Result<(), DateError> {
    let b = s.as_bytes();
    let form = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !form {
        return Err(DateError::Form);
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| DateError::Form);
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(DateError::NoSuchDay),
    };
    if year == 0 || day == 0 || day > days {
        return Err(DateError::NoSuchDay);
    }
    Ok(())
}

fn check_site(path: &Path, site: &SiteDoc, pos: &PosMap, diags: &mut Diagnostics) {
    if let Err(why) = check_digit_ok(&site.municipality_code) {
        diags.push(
            Diagnostic::new(
                path,
                pos.value(&[k("municipality_code")]),
                format!(
                    "全国地方公共団体コード「{}」が正しくありません",
                    excerpt(&site.municipality_code)
                ),
            )
            .hint(why),
        );
    }
    if let Some(date) = &site.updated {
        let problem = match calendar_date(date) {
            Ok(()) => None,
            Err(DateError::Form) => Some((
                format!("更新日「{}」は日付として読めません", excerpt(date)),
                "2022-07-01 のように 年-月-日 で書いてください",
            )),
            Err(DateError::NoSuchDay) => Some((
                format!("更新日「{date}」という日はありません"),
                "月は 1〜12、日はその月の日数まで（うるう年の2月は29日まで）で書いてください",
            )),
        };
        if let Some((message, hint)) = problem {
            diags.push(Diagnostic::new(path, pos.value(&[k("updated")]), message).hint(hint));
        }
    }
    check_url(
        path,
        pos.value(&[k("license"), k("url")]),
        "ライセンスのURL（license.url）",
        &site.license.url,
        diags,
    );
    if let Some(url) = &site.base_url {
        if let Err(why) = crate::url::base_url(url) {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[k("base_url")]),
                    "公開URL（base_url）が正しくありません",
                )
                .hint(format!("{why}。使わない場合は null と書いてください")),
            );
        }
    }
}

/// A URL that reaches an `href`: it must pass [`crate::url::safe_url`].
fn check_url(path: &Path, at: Pos, what: &str, url: &str, diags: &mut Diagnostics) {
    if let Err(refusal) = crate::url::safe_url(url) {
        diags.push(Diagnostic::new(path, at, format!("{what}に{refusal}")).hint(crate::url::HINT));
    }
}

/// A number that must be finite: YAML's `.nan` and `.inf` are not figures.
fn finite(path: &Path, at: Pos, field: &str, v: Option<f64>, diags: &mut Diagnostics) -> bool {
    if v.is_some_and(|v| !v.is_finite()) {
        diags.push(
            Diagnostic::new(
                path,
                at,
                format!("「{field}」に数ではない値（.nan・.inf）は書けません"),
            )
            .hint("数字で書いてください。分からない値は null と書いてください"),
        );
        return false;
    }
    true
}

fn check_org(path: &Path, org: &DepartmentsDoc, pos: &PosMap, diags: &mut Diagnostics) {
    let mut div_ids = BTreeSet::new();
    for (n, d) in org.divisions.iter().enumerate() {
        let at = pos.value(&[k("divisions"), i(n), k("id")]);
        if !is_slug(&d.id) {
            diags.push(slug_error(path, at, "部のID", &d.id));
        }
        if !div_ids.insert(d.id.as_str()) {
            diags.push(Diagnostic::new(
                path,
                at,
                format!("部のID「{}」が重複しています", excerpt(&d.id)),
            ));
        }
    }
    let mut ids = BTreeSet::new();
    for (n, d) in org.departments.iter().enumerate() {
        let at = pos.value(&[k("departments"), i(n), k("id")]);
        if !is_slug(&d.id) {
            diags.push(slug_error(path, at, "課のID", &d.id));
        }
        if !ids.insert(d.id.as_str()) {
            diags.push(Diagnostic::new(
                path,
                at,
                format!("課のID「{}」が重複しています", excerpt(&d.id)),
            ));
        }
        if let Some(div) = &d.division {
            if !div_ids.contains(div.as_str()) {
                let near = closest(div, div_ids.iter().copied());
                diags.push(
                    Diagnostic::new(
                        path,
                        pos.value(&[k("departments"), i(n), k("division")]),
                        format!("部のID「{}」は divisions にありません", excerpt(div)),
                    )
                    .hint(if near.is_empty() {
                        "divisions に追加するか、分からなければ null にしてください".to_string()
                    } else {
                        format!("近いID: {}", quote_list(&near))
                    }),
                );
            }
        }
        if d.names.is_empty() {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[k("departments"), i(n)]),
                    format!("課「{}」に名称がありません", excerpt(&d.id)),
                )
                .hint("names に少なくとも1つの名称を書いてください"),
            );
        }
        for (m, name) in d.names.iter().enumerate() {
            if let (Some(f), Some(u)) = (name.from, name.until) {
                if f > u {
                    diags.push(Diagnostic::new(
                        path,
                        pos.value(&[k("departments"), i(n), k("names"), i(m), k("until")]),
                        format!(
                            "名称「{}」の最後の年度 {u} が最初の年度 {f} より前です",
                            excerpt(&name.name)
                        ),
                    ));
                }
            }
        }
    }
}

fn check_series(path: &Path, s: &SeriesDoc, pos: &PosMap, diags: &mut Diagnostics) {
    if s.scale.is_empty() {
        diags.push(Diagnostic::new(
            path,
            pos.value(&[k("scale")]),
            "評価の段階（scale）が空です",
        ));
    }
    let mut codes = BTreeSet::new();
    for (n, l) in s.scale.iter().enumerate() {
        if l.code.trim().is_empty() || !codes.insert(l.code.as_str()) {
            diags.push(Diagnostic::new(
                path,
                pos.value(&[k("scale"), i(n), k("code")]),
                format!("評価の記号「{}」が空か重複しています", excerpt(&l.code)),
            ));
        }
        let c = l.color.as_bytes();
        if !(c.len() == 7 && c[0] == b'#' && c[1..].iter().all(u8::is_ascii_hexdigit)) {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[k("scale"), i(n), k("color")]),
                    format!("色「{}」は使えません", excerpt(&l.color)),
                )
                .hint("#1a5e9a のように # と16進数6桁で書いてください"),
            );
        }
    }
    let mut ids = BTreeSet::new();
    for (n, p) in s.periods.iter().enumerate() {
        let at = pos.value(&[k("periods"), i(n), k("id")]);
        if !is_slug(&p.id) {
            diags.push(slug_error(path, at, "期間のID", &p.id));
        }
        if !ids.insert(p.id.as_str()) {
            diags.push(Diagnostic::new(
                path,
                at,
                format!("期間のID「{}」が重複しています", excerpt(&p.id)),
            ));
        }
        if p.label.trim().is_empty() {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[k("periods"), i(n), k("label")]),
                    format!("期間「{}」の名前（label）が空です", excerpt(&p.id)),
                )
                .hint("ページに表示する名前を書いてください（例: 令和元年度）"),
            );
        }
        if p.from > p.until {
            diags.push(Diagnostic::new(
                path,
                pos.value(&[k("periods"), i(n), k("until")]),
                format!(
                    "期間「{}」の最後の年度が最初の年度より前です",
                    excerpt(&p.label)
                ),
            ));
        }
    }
    if s.periods.is_empty() {
        diags.push(Diagnostic::new(
            path,
            pos.value(&[k("periods")]),
            "評価の期間（periods）が空です",
        ));
    }
    if let Some(g) = &s.grouping {
        let mut ids = BTreeSet::new();
        for (n, grp) in g.groups.iter().enumerate() {
            let at = pos.value(&[k("grouping"), k("groups"), i(n), k("id")]);
            if !is_slug(&grp.id) {
                diags.push(slug_error(path, at, "グループのID", &grp.id));
            }
            if !ids.insert(grp.id.as_str()) {
                diags.push(Diagnostic::new(
                    path,
                    at,
                    format!("グループのID「{}」が重複しています", excerpt(&grp.id)),
                ));
            }
        }
    }
    let mut ids = BTreeSet::new();
    for (n, src) in s.sources.iter().enumerate() {
        let at = pos.value(&[k("sources"), i(n), k("id")]);
        if !is_slug(&src.id) {
            diags.push(slug_error(path, at, "資料のID", &src.id));
        }
        if !ids.insert(src.id.as_str()) {
            diags.push(Diagnostic::new(
                path,
                at,
                format!("資料のID「{}」が重複しています", excerpt(&src.id)),
            ));
        }
        if let Some(url) = &src.url {
            check_url(
                path,
                pos.value(&[k("sources"), i(n), k("url")]),
                "資料のURL（url）",
                url,
                diags,
            );
        }
    }
}

fn unknown_ref(
    file: &Path,
    at: Pos,
    what: &str,
    value: &str,
    known: &[&str],
    defined_in: &str,
) -> Diagnostic {
    let near = closest(value, known.iter().copied());
    let d = Diagnostic::new(
        file,
        at,
        format!("{what}「{}」は {defined_in} にありません", excerpt(value)),
    );
    if near.is_empty() {
        d.hint(format!("使えるID: {}", excerpt(&known.join(", "))))
    } else {
        d.hint(format!("近いID: {}", quote_list(&near)))
    }
}

/// Loads and checks one project file of `series`.
pub fn load_project(
    root: &Path,
    file: &Path,
    series_id: &str,
    series: &SeriesDoc,
    org: Option<&DepartmentsDoc>,
    diags: &mut Diagnostics,
) -> Option<Project> {
    let id = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut ok = true;
    if !is_slug(&id) {
        diags.push(slug_error(file, Pos::START, "ファイル名（事業ID）", &id));
        ok = false;
    }
    let doc = load_doc::<ProjectDoc>(&Root::new(root), file, diags, |f, doc, pos, d| {
        check_project(f, doc, pos, series, org, d)
    })?;
    let rel = file
        .strip_prefix(root)
        .unwrap_or(file)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    ok.then(|| Project {
        id,
        series: series_id.to_string(),
        file: rel,
        doc,
    })
}

fn check_project(
    file: &Path,
    p: &ProjectDoc,
    pos: &PosMap,
    series: &SeriesDoc,
    org: Option<&DepartmentsDoc>,
    diags: &mut Diagnostics,
) {
    if p.name.trim().is_empty() {
        diags.push(Diagnostic::new(
            file,
            pos.value(&[k("name")]),
            "事業名（name）が空です",
        ));
    }
    if let Some(org) = org {
        if !org.departments.iter().any(|d| d.id == p.department) {
            let known: Vec<&str> = org.departments.iter().map(|d| d.id.as_str()).collect();
            diags.push(unknown_ref(
                file,
                pos.value(&[k("department")]),
                "課のID",
                &p.department,
                &known,
                "departments.yaml",
            ));
        }
    }
    match (&series.grouping, &p.group) {
        (Some(g), Some(grp)) if !g.groups.iter().any(|x| &x.id == grp) => {
            let known: Vec<&str> = g.groups.iter().map(|x| x.id.as_str()).collect();
            diags.push(unknown_ref(
                file,
                pos.value(&[k("group")]),
                "グループのID",
                grp,
                &known,
                "_series.yaml の grouping",
            ));
        }
        (Some(g), None) => diags.push(
            Diagnostic::new(
                file,
                Pos::START,
                format!("{}（group）が書かれていません", excerpt(&g.name)),
            )
            .hint(format!(
                "group: に次のどれかを書いてください: {}",
                excerpt(
                    &g.groups
                        .iter()
                        .map(|x| x.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            )),
        ),
        (None, Some(_)) => diags.push(
            Diagnostic::new(
                file,
                pos.key(&[k("group")]),
                "このシリーズにはグループ分けがありません",
            )
            .hint("group の行を消すか、_series.yaml に grouping を定義してください"),
        ),
        _ => {}
    }
    if let Some(period) = &p.period {
        if let (Some(s), Some(e)) = (period.start, period.end) {
            if s > e {
                diags.push(Diagnostic::new(
                    file,
                    pos.value(&[k("period"), k("end")]),
                    format!(
                        "終了年度 {} が開始年度 {} より前です",
                        e.wareki(),
                        s.wareki()
                    ),
                ));
            }
        }
    }
    let mut years = BTreeMap::new();
    for (n, fy) in p.fiscal_years.iter().enumerate() {
        if years.insert(fy.year, n).is_some() {
            diags.push(Diagnostic::new(
                file,
                pos.value(&[k("fiscal_years"), i(n), k("year")]),
                format!("年度 {} が fiscal_years に2回あります", fy.year.wareki()),
            ));
        }
        for (field, v) in [
            ("budget", fy.budget),
            ("settlement", fy.settlement),
            ("regular_staff_cost", fy.regular_staff_cost),
        ] {
            let at = pos.value(&[k("fiscal_years"), i(n), k(field)]);
            if v.is_some_and(|v| v < 0) {
                diags.push(Diagnostic::new(
                    file,
                    at,
                    format!("「{field}」に負の金額は書けません"),
                ));
            } else if v.is_some_and(|v| v > MAX_AMOUNT) {
                let unit = series.money_unit.label();
                diags.push(
                    Diagnostic::new(
                        file,
                        at,
                        format!(
                            "「{field}」の金額が大きすぎます（上限は {}{unit}）",
                            crate::format::thousands(MAX_AMOUNT)
                        ),
                    )
                    .hint(format!("金額の単位は{unit}です。桁を確かめてください")),
                );
            }
        }
        for (field, v) in [
            ("regular_staff", fy.regular_staff),
            ("part_time_staff", fy.part_time_staff),
            ("temporary_staff", fy.temporary_staff),
        ] {
            let at = pos.value(&[k("fiscal_years"), i(n), k(field)]);
            if finite(file, at, field, v, diags)
                && v.is_some_and(|v| !(0.0..=MAX_STAFF).contains(&v))
            {
                diags.push(Diagnostic::new(
                    file,
                    at,
                    format!("「{field}」の人数が範囲外です"),
                ));
            }
        }
    }
    for (n, ind) in p.indicators.iter().enumerate() {
        let mut seen = BTreeSet::new();
        for (m, v) in ind.values.iter().enumerate() {
            for (field, x) in [("target", v.target), ("result", v.result)] {
                let at = pos.value(&[k("indicators"), i(n), k("values"), i(m), k(field)]);
                finite(file, at, field, x, diags);
            }
            if !seen.insert(v.year) {
                diags.push(Diagnostic::new(
                    file,
                    pos.value(&[k("indicators"), i(n), k("values"), i(m), k("year")]),
                    format!(
                        "成果指標「{}」に年度 {} が2回あります",
                        excerpt(&ind.name),
                        v.year.wareki()
                    ),
                ));
            }
        }
    }
    let period_ids: Vec<&str> = series.periods.iter().map(|x| x.id.as_str()).collect();
    let codes: Vec<&str> = series.scale.iter().map(|x| x.code.as_str()).collect();
    let mut seen = BTreeSet::new();
    for (n, ev) in p.evaluations.iter().enumerate() {
        let at = pos.value(&[k("evaluations"), i(n), k("period")]);
        if !period_ids.contains(&ev.period.as_str()) {
            diags.push(unknown_ref(
                file,
                at,
                "期間のID",
                &ev.period,
                &period_ids,
                "_series.yaml の periods",
            ));
        } else if !seen.insert(ev.period.as_str()) {
            diags.push(Diagnostic::new(
                file,
                at,
                format!("期間「{}」の評価が2回あります", excerpt(&ev.period)),
            ));
        }
        if let Some(r) = &ev.rating {
            if !codes.contains(&r.as_str()) {
                let normalized = crate::fiscal::to_halfwidth(r);
                let hint = if codes.contains(&normalized.as_str()) {
                    format!("半角の「{}」で書いてください", excerpt(&normalized))
                } else {
                    format!(
                        "評価は {} のどれかです。評価されていない場合は null",
                        excerpt(&codes.join("・"))
                    )
                };
                diags.push(
                    Diagnostic::new(
                        file,
                        pos.value(&[k("evaluations"), i(n), k("rating")]),
                        format!(
                            "評価「{}」はこのシリーズの評価の段階にありません",
                            excerpt(r)
                        ),
                    )
                    .hint(hint),
                );
            }
        }
    }
    if let Some(sdgs) = &p.sdgs {
        for (field, goals) in [("goals", &sdgs.goals), ("method_goals", &sdgs.method_goals)] {
            for (n, g) in goals.iter().enumerate() {
                if !(1..=17).contains(g) {
                    diags.push(
                        Diagnostic::new(
                            file,
                            pos.value(&[k("sdgs"), k(field), i(n)]),
                            format!("SDGs のゴール番号 {g} はありません"),
                        )
                        .hint("ゴールは 1〜17 の番号で書いてください"),
                    );
                }
            }
        }
        if sdgs.goals.len() > 3 {
            diags.push(
                Diagnostic::new(
                    file,
                    pos.value(&[k("sdgs"), k("goals"), i(3)]),
                    format!(
                        "SDGs の貢献する項目が {} 個あります（最大3つ）",
                        sdgs.goals.len()
                    ),
                )
                .hint("シートの「SDGsへの貢献（最大3つ）」のとおり、3つまでにしてください"),
            );
        }
    }
    if !series.sources.iter().any(|s| s.id == p.source.document) {
        let known: Vec<&str> = series.sources.iter().map(|s| s.id.as_str()).collect();
        diags.push(unknown_ref(
            file,
            pos.value(&[k("source"), k("document")]),
            "資料のID",
            &p.source.document,
            &known,
            "_series.yaml の sources",
        ));
    }
}

/// The free pages `pages/*.md`: the folder may be a link (followed as the
/// module docs say); each file is read like any content file; a `.MD` file
/// is reported.
fn load_pages(root: &Root, diags: &mut Diagnostics) -> Vec<Page> {
    let dir = root.path.join("pages");
    match fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(m) if m.file_type().is_symlink() => match follow_link(root, &dir) {
            Ok((_, m)) if m.is_dir() => {}
            Ok(_) => return Vec::new(),
            Err(d) => {
                diags.push(d);
                return Vec::new();
            }
        },
        _ => return Vec::new(),
    }
    let mut files: Vec<PathBuf> = Vec::new();
    match fs::read_dir(&dir) {
        Ok(rd) => {
            for e in rd.filter_map(Result::ok) {
                let path = e.path();
                if e.file_name().to_string_lossy().starts_with('.')
                    || e.file_type().is_ok_and(|t| t.is_dir())
                {
                    continue;
                }
                if let Some(ext) = wrong_case_ext(&path, &["md"]) {
                    diags.push(wrong_case_error(&path, ext));
                } else if path.extension().is_some_and(|x| x == "md") {
                    files.push(path);
                }
            }
        }
        Err(e) => diags.push(cannot_read(&dir, &e)),
    }
    files.sort();
    let mut pages = Vec::new();
    for path in files {
        let slug = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !is_slug(&slug) {
            diags.push(slug_error(&path, Pos::START, "ページのファイル名", &slug));
            continue;
        }
        let Some(text) = read_text(root, &path, diags) else {
            continue;
        };
        let Some(title) = text
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .map(|t| t.trim().to_string())
        else {
            diags.push(
                Diagnostic::new(
                    &path,
                    Pos::START,
                    "ページに見出し（# で始まる行）がありません",
                )
                .hint("1行目に「# ページの題名」を書いてください"),
            );
            continue;
        };
        pages.push(Page {
            slug,
            title,
            markdown: text,
            path,
        });
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_are_real_days() {
        for ok in [
            "2026-01-01",
            "2024-02-29",
            "2000-02-29",
            "2023-12-31",
            "2023-04-30",
        ] {
            assert_eq!(calendar_date(ok), Ok(()), "{ok}");
        }
        for bad in [
            "2026-13-99",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-01-32",
            "2023-02-29",
            "1900-02-29",
            "2023-04-31",
            "0000-01-01",
        ] {
            assert_eq!(calendar_date(bad), Err(DateError::NoSuchDay), "{bad}");
        }
        for bad in [
            "2026-1-01",
            "2026/01/01",
            "20260101",
            "２０２６-01-01",
            "2026-01-01 ",
        ] {
            assert_eq!(calendar_date(bad), Err(DateError::Form), "{bad}");
        }
    }

    #[test]
    fn windows_device_names_are_not_slugs() {
        for name in [
            "con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt0", "com0",
        ] {
            assert!(windows_reserved(name), "{name}");
            assert!(!is_slug(name), "{name}");
        }
        for name in ["cons", "com", "com10", "lpt", "nul-1", "console", "aux2x"] {
            assert!(!windows_reserved(name), "{name}");
        }
        assert!(is_slug("con-kikaku") && is_slug("com10"));
        let d = slug_error(Path::new("a.yaml"), Pos::START, "課のID", "nul");
        assert_eq!(d.message, "課のID「nul」は Windows で使えない名前です");
    }
}
