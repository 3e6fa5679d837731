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

use crate::content::{Content, Page, Project};
use crate::de::{decode_utf8, parse, typed};
use crate::diag::{closest, excerpt, quote_list, Diagnostic, Diagnostics, Pos};
use crate::model::{
    DepartmentsDoc, ProjectDoc, SeriesDoc, SiteDoc, MAX_AMOUNT, MAX_SDG_GOALS, MAX_STAFF,
    SDG_GOAL_MAX,
};
use crate::posmap::{PosMap, Seg};

mod docs;
mod files;
pub mod lint;
mod notes;
mod project;
mod quick;
mod slug;

pub use docs::check_digit_ok;
use docs::*;
use files::*;
use project::*;
use slug::slug_error;
pub use slug::{is_slug, windows_reserved};

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
    pub synonyms: crate::model::SynonymsDoc,
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
        Some(Content::skeleton(
            self.site.as_ref()?,
            self.org.as_ref()?,
            self.series.iter().map(|s| (s.id.as_str(), &s.doc)),
            &self.pages,
            &self.synonyms,
        ))
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

/// Reads, parses and deserializes one file, then runs `check` on it.
///
/// Most files are correct, so the fast path deserializes the text directly
/// (with [`quick`] when the file is in the plain part of YAML it reads,
/// else with serde_norway) and runs `check` without positions. Only when
/// either finds a problem is the file parsed again the slow way: positions
/// of every node, and every structural error collected (see [`crate::de`]).
fn load_doc<T: DeserializeOwned>(
    root: &Root,
    path: &Path,
    diags: &mut Diagnostics,
    check: impl Fn(&Path, &T, &PosMap, &mut Diagnostics),
) -> Option<T> {
    let text = read_text(root, path, diags)?;
    doc_from_text(path, &text, diags, check)
}

/// [`load_doc`] on text already read (or made in memory by `hyoka import`).
fn doc_from_text<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    diags: &mut Diagnostics,
    check: impl Fn(&Path, &T, &PosMap, &mut Diagnostics),
) -> Option<T> {
    if let Some(doc) = quick::from_str::<T>(text).or_else(|| serde_norway::from_str(text).ok()) {
        let mut found = Diagnostics::default();
        check(path, &doc, &PosMap::default(), &mut found);
        if found.is_empty() {
            return Some(doc);
        }
    }
    let parsed = match parse(path, text) {
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

/// The fastest path for a good project file: [`quick`], or else its plain
/// final `notes` read apart ([`notes::split`]) and the rest through the
/// YAML parser; `None` unless that works and `check` finds nothing (then
/// [`doc_from_text`] takes the file from the start).
fn fast_project(
    path: &Path,
    text: &str,
    check: impl Fn(&Path, &ProjectDoc, &PosMap, &mut Diagnostics),
) -> Option<ProjectDoc> {
    let doc = match quick::from_str::<ProjectDoc>(text) {
        Some(doc) => doc,
        None => {
            let (head, notes) = notes::split(text)?;
            let mut doc = serde_norway::from_str::<ProjectDoc>(head).ok()?;
            if !doc.notes.is_empty() {
                return None;
            }
            doc.notes = notes;
            doc
        }
    };
    let mut found = Diagnostics::default();
    check(path, &doc, &PosMap::default(), &mut found);
    found.is_empty().then_some(doc)
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
    let check = |f: &Path, doc: &ProjectDoc, pos: &PosMap, d: &mut Diagnostics| {
        check_project(f, doc, pos, series, org, d)
    };
    let text = read_text(&Root::new(root), file, diags)?;
    let doc = match fast_project(file, &text, check) {
        Some(doc) => doc,
        None => doc_from_text::<ProjectDoc>(file, &text, diags, check)?,
    };
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

/// The bytes of the project file `file` under `root`, read the one way the
/// module docs describe (for the build cache's hash); `None` when it cannot
/// be read (the load that follows reports why).
pub fn project_bytes(root: &Path, file: &Path) -> Option<Vec<u8>> {
    read_bytes(&Root::new(root), file).ok()
}

/// Checks the text of a project file that is not on disk yet (`hyoka
/// import` writes YAML in memory and runs it through the same checks as
/// [`load_project`]); `file` is where it would be written.
pub fn project_from_text(
    file: &Path,
    text: &str,
    series: &SeriesDoc,
    org: Option<&DepartmentsDoc>,
    diags: &mut Diagnostics,
) -> Option<ProjectDoc> {
    doc_from_text::<ProjectDoc>(file, text, diags, |f, doc, pos, d| {
        check_project(f, doc, pos, series, org, d)
    })
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
