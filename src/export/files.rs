//! The main data files and their paths: what each one is called, holds
//! and is described as (the downloads page, the data package and the
//! catalogue all read [`FILES`]), and where the per-project and
//! per-department files go.
//!
//! Owns: every path under `data/` and the list of main files. Must not:
//! make or write a file (that is [`super::Streams`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::DIR;

/// Description of a main file.
pub(super) struct Meta {
    /// File name inside `data/`.
    pub(super) file: &'static str,
    /// Resource / dataset name (ASCII).
    pub(super) name: &'static str,
    pub(super) title: &'static str,
    pub(super) format: &'static str,
    pub(super) mediatype: &'static str,
    pub(super) description: &'static str,
    /// Who the file is for, on the downloads page.
    pub(super) audience: Audience,
    /// The kind of file in plain words (CSV, JSON, Excel).
    pub(super) kind: &'static str,
    /// Title on the downloads page, in plain words.
    pub(super) plain_title: &'static str,
    /// What the file holds, in plain words (no technical terms: those are
    /// in `format` and `description`).
    pub(super) plain: &'static str,
}

/// Who a main file is for: the downloads page groups the files by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// People who open the tables in Excel or another spreadsheet.
    Spreadsheet,
    /// People who read the data with a program.
    Program,
    /// Open-data catalogues (portals) that harvest the description.
    Catalog,
}

impl Audience {
    /// Every audience, in the order of the downloads page.
    pub const ALL: [Audience; 3] = [Audience::Spreadsheet, Audience::Program, Audience::Catalog];
}

/// How the downloads page presents a main file, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guide {
    /// Who it is for.
    pub audience: Audience,
    /// CSV, JSON or Excel.
    pub kind: &'static str,
    /// Its title in plain words.
    pub title: &'static str,
    /// What it holds, in plain words.
    pub what: &'static str,
}

/// The plain-words presentation of the main file at `path` (relative to
/// the site root, e.g. `data/projects.csv`); `None` for any other file.
pub fn guide(path: &str) -> Option<Guide> {
    FILES
        .iter()
        .find(|m| data_path(m.file) == path)
        .map(|m| Guide {
            audience: m.audience,
            kind: m.kind,
            title: m.plain_title,
            what: m.plain,
        })
}

pub(super) const CSV: &str = "text/csv";
pub(super) const JSON: &str = "application/json";

/// The main files, in the order the downloads page lists them.
pub(super) const FILES: &[Meta] = &[
    Meta {
        file: "projects.csv",
        name: "projects",
        title: "事業別・年度別の経費・人員・評価",
        format: "CSV",
        mediatype: CSV,
        description: "事業ごと・年度ごとに1行。予算現額、決算額（見込みかどうか）、正規職員数と人件費、その他職員数、その年度を評価期間とする総合評価。経費の記載が無く評価だけがある年度も1行になります。",
        audience: Audience::Spreadsheet,
        kind: "CSV",
        plain_title: "事業別・年度別の経費・人員・評価",
        plain: "事業ごと・年度ごとに1行。予算と決算の額、職員の人数と人件費、その年度の総合評価。",
    },
    Meta {
        file: "indicators.csv",
        name: "indicators",
        title: "成果指標の目標と実績",
        format: "CSV",
        mediatype: CSV,
        description: "成果指標ごと・年度ごとに1行。目標、実績、単位、達成率（％）、備考。",
        audience: Audience::Spreadsheet,
        kind: "CSV",
        plain_title: "成果指標の目標と実績",
        plain: "成果指標ごと・年度ごとに1行。目標、実績、単位、達成率。",
    },
    Meta {
        file: "ratings.csv",
        name: "ratings",
        title: "評価期間ごとの総合評価",
        format: "CSV",
        mediatype: CSV,
        description: "事業ごと・評価期間ごとに1行（年度の評価と、計画期間を通じた総括）。評価の記号と名前。評価されていない行は評価が空欄で、理由があれば備考に記載。",
        audience: Audience::Spreadsheet,
        kind: "CSV",
        plain_title: "評価の期間ごとの総合評価",
        plain: "事業ごと・評価の期間ごとに1行。総合評価の記号（A・B など）と名前。",
    },
    Meta {
        file: "departments.csv",
        name: "departments",
        title: "課の一覧",
        format: "CSV",
        mediatype: CSV,
        description: "課・室・所ごとに1行。現在の名称、部、旧名称、担当する事業の数。",
        audience: Audience::Spreadsheet,
        kind: "CSV",
        plain_title: "課の一覧",
        plain: "課・室・所ごとに1行。いまの名前、部、以前の名前、担当する事業の数。",
    },
    Meta {
        file: "department-names.csv",
        name: "department-names",
        title: "課の名称の履歴",
        format: "CSV",
        mediatype: CSV,
        description: "課・室・所の名称ごとに1行（古い順）。その名称が使われた年度（分かる場合）。",
        audience: Audience::Spreadsheet,
        kind: "CSV",
        plain_title: "課の名前の移り変わり",
        plain: "課の名前ごとに1行（古い順）。その名前が使われた年度。",
    },
    Meta {
        file: "projects.json",
        name: "projects-json",
        title: "全事業の全項目",
        format: "JSON",
        mediatype: JSON,
        description: "すべての事業の全項目（事業概要、経費、活動実績、成果指標と達成率、評価と評価理由、SDGs、出典）を入れ子の形で。担当課と部の名称、評価の名前を解決済み。",
        audience: Audience::Program,
        kind: "JSON",
        plain_title: "全事業の全項目",
        plain: "すべての事業の全項目を1つのファイルに。項目のまとまり（経費、成果指標、評価など）はそのままの形で入っています。",
    },
    Meta {
        file: "projects.xlsx",
        name: "projects-xlsx",
        title: "全事業の全項目（Excel）",
        format: "XLSX",
        mediatype: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        description: "すべての事業の全項目を1つのExcelブックに。シートごとに1つの表（事業、年度別の経費と人員、活動実績、成果指標、成果指標の目標と実績、評価、転記メモ、担当課）と、各列の意味と単位を示す「項目の説明」シート。hyoka import で事業ファイルに読み戻せます。",
        audience: Audience::Spreadsheet,
        kind: "Excel",
        plain_title: "全事業の全項目（Excel）",
        plain: "すべての事業の全項目を1つの Excel ファイルに。表ごとにシートが分かれ、各列の意味と単位を説明するシートもあります。",
    },
    Meta {
        file: "projects.schema.json",
        name: "projects-schema",
        title: "全事業のJSONの構造",
        format: "JSON Schema",
        mediatype: "application/schema+json",
        description: "projects.json と data/projects/<事業ID>.json の構造と各項目の意味（JSON Schema 2020-12）。",
        audience: Audience::Program,
        kind: "JSON",
        plain_title: "JSON ファイルの項目の説明",
        plain: "全事業の JSON と事業ごとの JSON に、どんな項目があり何を意味するかを、プログラムが読める形で書いたもの。",
    },
    Meta {
        file: "datapackage.json",
        name: "datapackage",
        title: "データパッケージ",
        format: "JSON（Frictionless Data Package）",
        mediatype: JSON,
        description: "各CSVの列の型・単位・制約・キー、ライセンス、出典を機械可読な形で記述したもの（Frictionless Data Package v2）。frictionless validate で検証できます。",
        audience: Audience::Program,
        kind: "JSON",
        plain_title: "CSV ファイルの列の説明",
        plain: "各 CSV の列の意味・種類・単位と、ライセンス・出典を、プログラムが読める形で書いたもの。",
    },
    Meta {
        file: "catalog.json",
        name: "catalog",
        title: "データカタログ",
        format: "JSON（DCAT-US 1.1）",
        mediatype: JSON,
        description: "CKAN などのデータカタログサイトが取り込むためのメタデータ（DCAT-US 1.1 の data.json 形式）。公開URL（base_url）を指定したときだけ作ります。",
        audience: Audience::Catalog,
        kind: "JSON",
        plain_title: "データカタログに載せるための説明",
        plain: "オープンデータを一覧にするサイト（データカタログ）が、このデータを載せるために読み込むファイル。",
    },
    Meta {
        file: "catalog.jsonld",
        name: "catalog-jsonld",
        title: "データカタログ（DCAT）",
        format: "JSON-LD（DCAT）",
        mediatype: "application/ld+json",
        description: "同じメタデータを W3C の DCAT 語彙の JSON-LD で記述したもの（ckanext-dcat などが取り込めます）。公開URL（base_url）を指定したときだけ作ります。",
        audience: Audience::Catalog,
        kind: "JSON",
        plain_title: "データカタログに載せるための説明（別の形式）",
        plain: "同じ説明を、別の形式で読み込むデータカタログ向けに書いたもの。",
    },
];

pub(super) fn meta(name: &str) -> Option<&'static Meta> {
    FILES.iter().find(|m| m.name == name)
}

pub(super) fn data_path(file: &str) -> String {
    format!("{DIR}/{file}")
}

/// Relative paths of the per-project downloads.
pub fn project_files(project_id: &str) -> Vec<String> {
    vec![
        data_path(&format!("projects/{project_id}.json")),
        data_path(&format!("projects/{project_id}.csv")),
    ]
}

/// Relative paths of the per-department downloads.
pub fn department_files(dept_id: &str) -> Vec<String> {
    vec![department_csv(dept_id)]
}

/// One downloadable file, for the downloads page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Download {
    /// Path relative to the site root, e.g. `data/projects.csv`.
    pub path: String,
    /// Title in Japanese.
    pub title: String,
    /// Format, e.g. `CSV`.
    pub format: String,
    /// What it holds.
    pub description: String,
    /// Size in bytes.
    pub bytes: usize,
}

/// The main data files that exist, in display order, with their sizes
/// (`sizes`: path → bytes). Per-project and per-department files are left
/// to their own pages ([`project_files`], [`department_files`]).
pub fn downloads(sizes: &BTreeMap<String, u64>) -> Vec<Download> {
    FILES
        .iter()
        .filter_map(|m| {
            let path = data_path(m.file);
            let bytes = *sizes.get(&path)?;
            Some(Download {
                path,
                title: m.title.to_string(),
                format: m.format.to_string(),
                description: m.description.to_string(),
                bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
            })
        })
        .collect()
}

/// Path of a department's CSV.
pub(super) fn department_csv(dept_id: &str) -> String {
    data_path(&format!("departments/{dept_id}.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            project_files("a"),
            vec!["data/projects/a.json", "data/projects/a.csv"]
        );
        assert_eq!(department_files("b"), vec!["data/departments/b.csv"]);
    }
}
