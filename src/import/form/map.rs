//! The form map (`MAP.yaml`): which cell holds which field, the form's
//! printed labels, and the checks [`Map::load`] makes before any sheet is
//! read. It must not read worksheets or build projects (that is `read`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diag::{excerpt, Diagnostic, Pos};
use crate::fiscal::FiscalYear;

use crate::import::sheet::parse_a1;

/// A form map (`MAP.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Map {
    /// Series of every imported project.
    pub series: String,
    /// Worksheets to read (default: every worksheet of each file).
    #[serde(default)]
    pub sheets: Vec<String>,
    /// Cell holding the project id.
    pub id: String,
    /// Source document id when no cell gives it.
    #[serde(default)]
    pub source_document: Option<String>,
    /// Project-level fields: path (`name`, `period.start`, `sdgs.how`…) → cell.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// One column per fiscal year.
    #[serde(default)]
    pub years: Vec<YearColumn>,
    /// Row of each fiscal-year field (`budget`, `regular_staff`…) in the year columns.
    #[serde(default)]
    pub year_rows: BTreeMap<String, u32>,
    /// 活動実績: a row range for one fiscal year.
    #[serde(default)]
    pub activities: Option<Activities>,
    /// 成果指標: a row range, one indicator per row.
    #[serde(default)]
    pub indicators: Option<Indicators>,
    /// 評価: cells per evaluation period.
    #[serde(default)]
    pub evaluations: Vec<EvaluationCells>,
    /// Printed labels (cell → text), drawn by [`render`], ignored on import.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// One fiscal year's column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearColumn {
    /// The fiscal year (`H30`, `R1`, `2019`).
    pub year: FiscalYear,
    /// Column letter.
    pub column: String,
    /// The settlement of this column is an estimate (決算額（見込み）).
    #[serde(default)]
    pub estimated: bool,
}

/// A row range `20-22` (1-based, inclusive).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activities {
    /// Fiscal year of the activities (must be one of `years`).
    pub year: FiscalYear,
    /// Rows, e.g. `20-22`.
    pub rows: String,
    /// Column of 項目名.
    pub item: String,
    /// Column of 実績.
    pub result: String,
}

/// Indicator rows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicators {
    /// Rows, e.g. `26-28`.
    pub rows: String,
    /// Column of 指標名.
    pub name: String,
    /// Column of 目標設定の考え方・根拠.
    #[serde(default)]
    pub rationale: Option<String>,
    /// Column of 単位.
    #[serde(default)]
    pub unit: Option<String>,
    /// Columns of each year's target and result.
    #[serde(default)]
    pub values: Vec<ValueColumns>,
    /// Column of 目標値が未達成の理由・分析.
    #[serde(default)]
    pub unmet_reason: Option<String>,
}

/// One year's target and result columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueColumns {
    /// The fiscal year.
    pub year: FiscalYear,
    /// Column of 目標.
    #[serde(default)]
    pub target: Option<String>,
    /// Column of 実績.
    #[serde(default)]
    pub result: Option<String>,
}

/// Cells of one evaluation period.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationCells {
    /// Period id of the series.
    pub period: String,
    /// Cells by field (`rating`, `reason`, `improvements`, `challenges`,
    /// `next_steps`, `evaluator.title`, `evaluator.name`, `remark`).
    pub cells: BTreeMap<String, String>,
}

const PROJECT_FIELDS: &[&str] = &[
    "name",
    "department",
    "group",
    "summary",
    "account",
    "plan_rank",
    "kind",
    "period.start",
    "period.end",
    "legal_basis",
    "general_plan.chapter",
    "general_plan.section",
    "sdgs.goals",
    "sdgs.method_goals",
    "sdgs.how",
    "source.document",
    "source.page",
    "source.position",
];
const YEAR_FIELDS: &[&str] = &[
    "budget",
    "settlement",
    "regular_staff",
    "regular_staff_cost",
    "part_time_staff",
    "temporary_staff",
];
const EVALUATION_FIELDS: &[&str] = &[
    "rating",
    "reason",
    "improvements",
    "challenges",
    "next_steps",
    "evaluator.title",
    "evaluator.name",
    "remark",
];

pub(super) fn column(letters: &str) -> Option<usize> {
    parse_a1(&format!("{letters}1")).map(|(_, c)| c)
}

pub(super) fn row_range(s: &str) -> Option<(usize, usize)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b): (usize, usize) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a >= 1 && b >= a && b - a < 1000).then(|| (a - 1, b - 1))
}

impl Map {
    /// Reads and checks a map file.
    pub fn load(path: &Path) -> Result<Map, Diagnostic> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::new(path, Pos::START, format!("読み込みに失敗しました: {e}"))
        })?;
        let map: Map = serde_norway::from_str(&text).map_err(|e| {
            let pos = e.location().map_or(Pos::START, |l| Pos {
                line: l.line(),
                col: l.column(),
            });
            Diagnostic::new(path, pos, format!("フォームの対応表として読めません: {e}"))
                .hint("README の「フォームの読み込み」の書き方を見てください")
        })?;
        let bad = |what: String| {
            Err(Diagnostic::new(path, Pos::START, what)
                .hint("セルは A1 形式（例: C12）、列は英字（例: D）、行の範囲は 20-22 のように書いてください"))
        };
        let mut cells: Vec<(&str, &str)> = vec![("id", map.id.as_str())];
        for (k, v) in &map.fields {
            if !PROJECT_FIELDS.contains(&k.as_str()) {
                return bad(format!(
                    "fields の「{}」は読み込める項目ではありません（使える項目: {}）",
                    excerpt(k),
                    PROJECT_FIELDS.join(", ")
                ));
            }
            cells.push((k, v));
        }
        for e in &map.evaluations {
            for (k, v) in &e.cells {
                if !EVALUATION_FIELDS.contains(&k.as_str()) {
                    return bad(format!(
                        "evaluations の「{}」は読み込める項目ではありません（使える項目: {}）",
                        excerpt(k),
                        EVALUATION_FIELDS.join(", ")
                    ));
                }
                cells.push((k, v));
            }
        }
        for (k, v) in cells {
            if parse_a1(v).is_none() {
                return bad(format!(
                    "{k} のセル「{}」は A1 形式ではありません",
                    excerpt(v)
                ));
            }
        }
        for k in map.year_rows.keys() {
            if !YEAR_FIELDS.contains(&k.as_str()) {
                return bad(format!(
                    "year_rows の「{}」は読み込める項目ではありません（使える項目: {}）",
                    excerpt(k),
                    YEAR_FIELDS.join(", ")
                ));
            }
        }
        let mut cols: Vec<&str> = map.years.iter().map(|y| y.column.as_str()).collect();
        if let Some(a) = &map.activities {
            if row_range(&a.rows).is_none() {
                return bad(format!(
                    "activities の行の範囲「{}」が読めません",
                    excerpt(&a.rows)
                ));
            }
            cols.extend([a.item.as_str(), a.result.as_str()]);
        }
        if let Some(i) = &map.indicators {
            if row_range(&i.rows).is_none() {
                return bad(format!(
                    "indicators の行の範囲「{}」が読めません",
                    excerpt(&i.rows)
                ));
            }
            cols.push(&i.name);
            cols.extend(i.rationale.as_deref());
            cols.extend(i.unit.as_deref());
            cols.extend(i.unmet_reason.as_deref());
            for v in &i.values {
                cols.extend(v.target.as_deref());
                cols.extend(v.result.as_deref());
            }
        }
        for c in cols {
            if column(c).is_none() {
                return bad(format!("列「{}」は英字の列名ではありません", excerpt(c)));
            }
        }
        Ok(map)
    }
}
