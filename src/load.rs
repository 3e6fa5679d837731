//! Loading: parses every file and checks it, reporting every problem found.
//!
//! [`skeleton`] reads `site.yaml`, `departments.yaml`, each series'
//! `_series.yaml` and the free pages and lists the project files;
//! [`load_project`] reads one project file and checks it against the
//! departments and its series (the pipeline calls it in parallel chunks);
//! [`load`] does both for a whole folder in memory. Good files take a fast
//! path; positions are computed only for a file with a problem.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::content::{Content, Page, Project, Series};
use crate::de::{decode_utf8, parse, typed};
use crate::diag::{closest, quote_list, Diagnostic, Diagnostics, Pos};
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
    let site = load_doc::<SiteDoc>(&root.join("site.yaml"), diags, check_site);
    let org = load_doc::<DepartmentsDoc>(&root.join("departments.yaml"), diags, check_org);

    let mut series = Vec::new();
    for dir in sorted_dirs(root) {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name == "pages" || name.starts_with('.') {
            continue;
        }
        let def = dir.join(SERIES_FILE);
        if !def.is_file() {
            if has_yaml(&dir) {
                diags.push(
                    Diagnostic::new(
                        &dir,
                        Pos::START,
                        format!("フォルダ「{name}」に {SERIES_FILE} がありません"),
                    )
                    .hint("評価シリーズのフォルダには、シリーズを定義する _series.yaml が必要です"),
                );
            }
            continue;
        }
        if !is_slug(&name) {
            diags.push(slug_error(&def, Pos::START, "シリーズのフォルダ名", &name));
        }
        let Some(doc) = load_doc::<SeriesDoc>(&def, diags, check_series) else {
            continue;
        };
        series.push(SeriesFiles {
            id: name,
            doc,
            files: project_files(&dir),
        });
    }
    series.sort_by(|a, b| a.doc.order.cmp(&b.doc.order).then(a.id.cmp(&b.id)));
    let pages = load_pages(&root.join("pages"), diags);
    Skeleton {
        site,
        org,
        series,
        pages,
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
                Diagnostic::new(file, Pos::START, format!("事業ID「{id}」が重複しています")).hint(
                    format!(
                        "{} と同じIDです。ファイル名（=ID）を変えてください",
                        first.display()
                    ),
                ),
            );
            return false;
        }
        self.0.insert(id.to_string(), file.to_path_buf());
        true
    }
}

/// Loads and checks the whole content folder into memory: the pipeline's
/// project pass, keeping every project whole (see [`crate::pipeline::load`]).
pub fn load(root: &Path) -> Result<Content, Diagnostics> {
    crate::pipeline::load(root)
}

fn sorted_dirs(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = WalkDir::new(root)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

fn is_yaml(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml") | Some("yml")
    )
}

fn has_yaml(dir: &Path) -> bool {
    WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| is_yaml(e.path()))
}

fn project_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_yaml(e.path()))
        .filter(|e| e.file_name() != SERIES_FILE)
        .map(|e| e.into_path())
        .collect();
    v.sort_by(|a, b| a.file_stem().cmp(&b.file_stem()).then_with(|| a.cmp(b)));
    v
}

/// Whether `s` is a safe id: lowercase ASCII letters, digits and inner hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn slug_error(file: &Path, pos: Pos, what: &str, value: &str) -> Diagnostic {
    Diagnostic::new(file, pos, format!("{what}「{value}」は使えません"))
        .hint("半角の英小文字・数字・ハイフン（-）だけで書いてください（例: kodomo-seisaku）")
}

/// Reads, parses and deserializes one file, then runs `check` on it.
///
/// Most files are correct, so the fast path deserializes the text directly
/// and runs `check` without positions. Only when either finds a problem is
/// the file parsed again the slow way: positions of every node, and every
/// structural error collected (see [`crate::de`]).
fn load_doc<T: DeserializeOwned>(
    path: &Path,
    diags: &mut Diagnostics,
    check: impl Fn(&Path, &T, &PosMap, &mut Diagnostics),
) -> Option<T> {
    let text = read_text(path, diags)?;
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

fn read_text(path: &Path, diags: &mut Diagnostics) -> Option<String> {
    match fs::read(path) {
        Ok(bytes) => match decode_utf8(path, bytes) {
            Ok(t) => Some(t),
            Err(d) => {
                diags.push(d);
                None
            }
        },
        Err(e) => {
            diags.push(Diagnostic::new(
                path,
                Pos::START,
                format!("ファイルを読めません: {e}"),
            ));
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

fn check_site(path: &Path, site: &SiteDoc, pos: &PosMap, diags: &mut Diagnostics) {
    if let Err(why) = check_digit_ok(&site.municipality_code) {
        diags.push(
            Diagnostic::new(
                path,
                pos.value(&[k("municipality_code")]),
                format!(
                    "全国地方公共団体コード「{}」が正しくありません",
                    site.municipality_code
                ),
            )
            .hint(why),
        );
    }
    if let Some(date) = &site.updated {
        let b = date.as_bytes();
        let ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !ok {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[k("updated")]),
                    format!("更新日「{date}」は日付として読めません"),
                )
                .hint("2022-07-01 のように 年-月-日 で書いてください"),
            );
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
                format!("部のID「{}」が重複しています", d.id),
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
                format!("課のID「{}」が重複しています", d.id),
            ));
        }
        if let Some(div) = &d.division {
            if !div_ids.contains(div.as_str()) {
                let near = closest(div, div_ids.iter().copied());
                diags.push(
                    Diagnostic::new(
                        path,
                        pos.value(&[k("departments"), i(n), k("division")]),
                        format!("部のID「{div}」は divisions にありません"),
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
                    format!("課「{}」に名称がありません", d.id),
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
                            name.name
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
                format!("評価の記号「{}」が空か重複しています", l.code),
            ));
        }
        let c = l.color.as_bytes();
        if !(c.len() == 7 && c[0] == b'#' && c[1..].iter().all(u8::is_ascii_hexdigit)) {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[k("scale"), i(n), k("color")]),
                    format!("色「{}」は使えません", l.color),
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
                format!("期間のID「{}」が重複しています", p.id),
            ));
        }
        if p.from > p.until {
            diags.push(Diagnostic::new(
                path,
                pos.value(&[k("periods"), i(n), k("until")]),
                format!("期間「{}」の最後の年度が最初の年度より前です", p.label),
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
                    format!("グループのID「{}」が重複しています", grp.id),
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
                format!("資料のID「{}」が重複しています", src.id),
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
        format!("{what}「{value}」は {defined_in} にありません"),
    );
    if near.is_empty() {
        d.hint(format!("使えるID: {}", known.join(", ")))
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
    let doc = load_doc::<ProjectDoc>(file, diags, |f, doc, pos, d| {
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
                format!("{}（group）が書かれていません", g.name),
            )
            .hint(format!(
                "group: に次のどれかを書いてください: {}",
                g.groups
                    .iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
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
                        ind.name,
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
                format!("期間「{}」の評価が2回あります", ev.period),
            ));
        }
        if let Some(r) = &ev.rating {
            if !codes.contains(&r.as_str()) {
                let normalized = crate::fiscal::to_halfwidth(r);
                let hint = if codes.contains(&normalized.as_str()) {
                    format!("半角の「{normalized}」で書いてください")
                } else {
                    format!(
                        "評価は {} のどれかです。評価されていない場合は null",
                        codes.join("・")
                    )
                };
                diags.push(
                    Diagnostic::new(
                        file,
                        pos.value(&[k("evaluations"), i(n), k("rating")]),
                        format!("評価「{r}」はこのシリーズの評価の段階にありません"),
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

fn load_pages(dir: &Path, diags: &mut Diagnostics) -> Vec<Page> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files: Vec<PathBuf> = WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
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
        let Some(text) = read_text(&path, diags) else {
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
