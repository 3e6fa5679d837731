//! The downloads page (`downloads.html`): the main data files grouped by
//! who they are for (Excel, a program, a data catalogue), each with what it
//! holds in plain words and its size, then the technical details (formats,
//! encoding, schemas) in a section of their own.
//!
//! Owns: [`DownloadView`] and the page. Must not: make or measure the files
//! (the export and the pipeline do; this only shows what it is given) or
//! write anything.

use minijinja::Value;
use serde::Serialize;

use crate::export::{guide, Audience};

use super::{Pages, RenderInput};

/// A downloadable file, for the downloads page.
#[derive(Debug, Clone, Serialize)]
pub struct DownloadView {
    /// Path relative to the site root.
    pub path: String,
    /// Title.
    pub title: String,
    /// Format (CSV, JSON…).
    pub format: String,
    /// What it holds.
    pub description: String,
    /// Size for reading (`12.3 KB`).
    pub size: String,
}

/// The files for one audience, in plain words.
#[derive(Serialize)]
struct Section {
    id: &'static str,
    heading: &'static str,
    lead: &'static str,
    files: Vec<PlainFile>,
}

/// One file as the plain part of the page shows it.
#[derive(Serialize)]
struct PlainFile {
    path: String,
    name: String,
    title: &'static str,
    kind: &'static str,
    what: &'static str,
    size: String,
}

/// The heading, its anchor and the lead sentence of an audience's section.
fn words(a: Audience) -> (&'static str, &'static str, &'static str) {
    match a {
        Audience::Spreadsheet => (
            "excel",
            "Excel で開く",
            "表の形のデータです。Excel などの表計算ソフトで開いて、並べ替えたり集計したりできます。",
        ),
        Audience::Program => (
            "program",
            "プログラムで使う",
            "プログラムやデータ分析の道具で読み込む人のためのファイルです。",
        ),
        Audience::Catalog => (
            "catalog",
            "データカタログ（ポータル）向け",
            "オープンデータを集めて一覧にするサイト（データカタログ、ポータル）の運営者のためのファイルです。",
        ),
    }
}

/// The audiences' sections, in order, leaving out those with no file.
fn sections(downloads: &[DownloadView]) -> Vec<Section> {
    Audience::ALL
        .iter()
        .filter_map(|&a| {
            let files: Vec<PlainFile> = downloads
                .iter()
                .filter_map(|d| {
                    let g = guide(&d.path).filter(|g| g.audience == a)?;
                    Some(PlainFile {
                        path: d.path.clone(),
                        name: d.path.rsplit('/').next().unwrap_or(&d.path).to_string(),
                        title: g.title,
                        kind: g.kind,
                        what: g.what,
                        size: d.size.clone(),
                    })
                })
                .collect();
            let (id, heading, lead) = words(a);
            (!files.is_empty()).then_some(Section {
                id,
                heading,
                lead,
                files,
            })
        })
        .collect()
}

/// Renders `downloads.html` (`dataset_ld`: the site's `Dataset` JSON-LD).
pub(super) fn page(r: &mut Pages, input: &RenderInput, dataset_ld: &str) {
    r.page(
        "downloads.html",
        "downloads.html",
        minijinja::context! {
            sections => Value::from_serialize(sections(&input.downloads)),
            downloads => Value::from_serialize(&input.downloads),
            jsonld => dataset_ld,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> DownloadView {
        DownloadView {
            path: path.into(),
            title: "t".into(),
            format: "f".into(),
            description: "d".into(),
            size: "1 B".into(),
        }
    }

    #[test]
    fn files_are_grouped_by_audience_and_unknown_ones_left_to_the_technical_part() {
        let s = sections(&[
            file("data/projects.json"),
            file("data/projects.csv"),
            file("data/projects.xlsx"),
            file("data/other.csv"),
        ]);
        let got: Vec<(&str, Vec<&str>)> = s
            .iter()
            .map(|s| (s.id, s.files.iter().map(|f| f.name.as_str()).collect()))
            .collect();
        assert_eq!(
            got,
            [
                ("excel", vec!["projects.csv", "projects.xlsx"]),
                ("program", vec!["projects.json"]),
            ]
        );
    }
}
