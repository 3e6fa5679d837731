//! Form import: one evaluation sheet per worksheet, laid out as a fixed
//! form, read through a map from field paths to cells (see "Importing a
//! form" in the README and `examples/form-import/map.yaml`).
//!
//! The map also holds the form's printed labels (`labels`), so [`render`]
//! can draw a filled-in form from a project (the example and the tests use
//! it); import ignores the labels.

use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::{Format, FormatBorder, Workbook};
use serde::Deserialize;

use crate::content::{Content, Project};
use crate::diag::{excerpt, Diagnostic, Diagnostics, Pos};
use crate::fiscal::FiscalYear;
use crate::model::{
    Account, Activity, Evaluation, Evaluator, FiscalYearRecord, GeneralPlan, Indicator,
    IndicatorValue, Period, PlanRank, ProjectDoc, ProjectKind, Sdgs, SourceRef,
};

use super::sheet::{a1, parse_a1, Cell, Grid};
use super::{Imported, Origins};

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

fn column(letters: &str) -> Option<usize> {
    parse_a1(&format!("{letters}1")).map(|(_, c)| c)
}

fn row_range(s: &str) -> Option<(usize, usize)> {
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

/// The fix offered for text where a number belongs.
const NUMBER_HINT: &str = "数字だけを入れてください（単位や「約」などは付けない）";

/// Typed reads of single cells, each problem reported at its cell.
struct At<'g> {
    g: &'g Grid,
    o: Origins,
}

impl At<'_> {
    fn text(&mut self, path: &str, rc: (usize, usize)) -> Option<String> {
        self.o.insert(path.to_string(), self.g.cell_ref(rc.0, rc.1));
        match self.g.get(rc.0, rc.1) {
            Cell::Empty => None,
            Cell::Text(t) if t.trim().is_empty() => None,
            Cell::Text(t) => Some(t.clone()),
            Cell::Number(n) => Some(n.to_string()),
            Cell::Bool(b) => Some(b.to_string()),
        }
    }

    fn number(&mut self, path: &str, rc: (usize, usize), d: &mut Diagnostics) -> Option<f64> {
        self.o.insert(path.to_string(), self.g.cell_ref(rc.0, rc.1));
        self.g.number(rc.0, rc.1, NUMBER_HINT, d)
    }

    fn whole(&mut self, path: &str, rc: (usize, usize), d: &mut Diagnostics) -> Option<i64> {
        self.o.insert(path.to_string(), self.g.cell_ref(rc.0, rc.1));
        self.g.whole(rc.0, rc.1, NUMBER_HINT, d)
    }

    fn year(&mut self, path: &str, rc: (usize, usize), d: &mut Diagnostics) -> Option<FiscalYear> {
        let t = self.text(path, rc)?;
        match FiscalYear::parse(t.trim_end_matches(".0")) {
            Ok(y) => Some(y),
            Err(e) => {
                d.push(
                    self.g
                        .diag(rc.0, rc.1, e.to_string())
                        .hint("西暦（2019）か和暦（R1、令和元年度）で書いてください"),
                );
                None
            }
        }
    }
}

fn cell(map: &Map, path: &str) -> Option<(usize, usize)> {
    map.fields.get(path).and_then(|c| parse_a1(c))
}

fn choice<T: Copy>(
    at: &mut At,
    map: &Map,
    path: &str,
    label: &str,
    options: &[(&str, T)],
    d: &mut Diagnostics,
) -> Option<T> {
    let rc = cell(map, path)?;
    let t = at.text(path, rc)?;
    at.g.choice(rc, &t, label, options, d)
}

/// Reads one project from each worksheet of `grids` that the map names.
pub fn read(
    map: &Map,
    grids: &[Grid],
    content: &Content,
    diags: &mut Diagnostics,
) -> Vec<Imported> {
    let mut out = Vec::new();
    for g in grids {
        if !map.sheets.is_empty() && !map.sheets.contains(&g.name) {
            continue;
        }
        if let Some(p) = read_one(map, g, content, diags) {
            out.push(p);
        }
    }
    if !map.sheets.is_empty() {
        for s in &map.sheets {
            if !grids.iter().any(|g| &g.name == s) {
                let file = grids.first().map(|g| g.file.clone()).unwrap_or_default();
                diags.push(
                    Diagnostic::at_cell(
                        &file,
                        s.clone(),
                        format!("シート「{}」がありません", excerpt(s)),
                    )
                    .hint("対応表の sheets に書いたシート名を確かめてください"),
                );
            }
        }
    }
    out
}

fn read_one(map: &Map, g: &Grid, content: &Content, d: &mut Diagnostics) -> Option<Imported> {
    let mut at = At {
        g,
        o: Origins::default(),
    };
    let id_rc = parse_a1(&map.id)?;
    let fallback = g.cell_ref(id_rc.0, id_rc.1);
    let Some(id) = at.text("", id_rc) else {
        d.push(
            g.diag(id_rc.0, id_rc.1, "事業IDが空欄です")
                .hint("事業ID（ファイル名になる半角英小文字・数字・ハイフン）を入れてください"),
        );
        return None;
    };
    let Some(series) = content.series.iter().find(|s| s.id == map.series) else {
        d.push(
            Diagnostic::at_cell(
                &g.file,
                fallback,
                format!("対応表のシリーズ「{}」はありません", excerpt(&map.series)),
            )
            .hint("対応表の series を content/ の下のフォルダ名にしてください"),
        );
        return None;
    };
    let text = |at: &mut At, p: &str| cell(map, p).and_then(|rc| at.text(p, rc));
    // 担当課: an id, or any of a department's names.
    let department = text(&mut at, "department")
        .map(|t| {
            let t = t.trim().to_string();
            content
                .org
                .departments
                .iter()
                .find(|x| x.id == t || x.names.iter().any(|n| n.name == t))
                .map_or(t, |x| x.id.clone())
        })
        .unwrap_or_default();
    let start = cell(map, "period.start").and_then(|rc| at.year("period.start", rc, d));
    let end = cell(map, "period.end").and_then(|rc| at.year("period.end", rc, d));
    let chapter = text(&mut at, "general_plan.chapter");
    let section = text(&mut at, "general_plan.section");
    let goals = |at: &mut At, p: &str, d: &mut Diagnostics| -> Vec<u8> {
        let Some(rc) = cell(map, p) else {
            return Vec::new();
        };
        let Some(raw) = at.text(p, rc) else {
            return Vec::new();
        };
        let mut v = Vec::new();
        for part in raw
            .split([',', '、', '，', ' ', '\n'])
            .filter(|x| !x.trim().is_empty())
        {
            match crate::fiscal::to_halfwidth(part.trim())
                .trim_end_matches(".0")
                .parse::<u8>()
            {
                Ok(n) => v.push(n),
                Err(_) => d.push(
                    g.diag(
                        rc.0,
                        rc.1,
                        format!("「{}」はSDGsのゴール番号ではありません", excerpt(part)),
                    )
                    .hint("1〜17 の番号をカンマ区切りで書いてください（例: 8, 11）"),
                ),
            }
        }
        v
    };
    let sdgs_goals = goals(&mut at, "sdgs.goals", d);
    let method_goals = goals(&mut at, "sdgs.method_goals", d);
    let how = text(&mut at, "sdgs.how");
    let mut doc = ProjectDoc {
        name: text(&mut at, "name").unwrap_or_default(),
        department,
        group: text(&mut at, "group"),
        summary: text(&mut at, "summary"),
        account: choice(
            &mut at,
            map,
            "account",
            "会計",
            &[("一般", Account::General), ("特別", Account::Special)],
            d,
        ),
        plan_rank: choice(
            &mut at,
            map,
            "plan_rank",
            "実施計画ランク",
            &[
                ("最優先", PlanRank::Top),
                ("優先", PlanRank::Priority),
                ("重要", PlanRank::Important),
            ],
            d,
        ),
        kind: choice(
            &mut at,
            map,
            "kind",
            "事業の種別",
            &[
                ("自治事務", ProjectKind::Autonomous),
                ("法定受託事務", ProjectKind::Delegated),
                ("法定受託＋附加", ProjectKind::DelegatedPlus),
            ],
            d,
        ),
        period: (start.is_some() || end.is_some()).then_some(Period { start, end }),
        legal_basis: text(&mut at, "legal_basis")
            .map(|t| t.split('\n').map(str::to_string).collect())
            .unwrap_or_default(),
        general_plan: (chapter.is_some() || section.is_some())
            .then_some(GeneralPlan { chapter, section }),
        fiscal_years: Vec::new(),
        indicators: Vec::new(),
        evaluations: Vec::new(),
        sdgs: (!sdgs_goals.is_empty() || !method_goals.is_empty() || how.is_some()).then_some(
            Sdgs {
                goals: sdgs_goals,
                method_goals,
                how,
            },
        ),
        source: SourceRef {
            document: text(&mut at, "source.document")
                .or_else(|| map.source_document.clone())
                .unwrap_or_default(),
            page: cell(map, "source.page")
                .and_then(|rc| at.whole("source.page", rc, d))
                .and_then(|n| u32::try_from(n).ok()),
            position: cell(map, "source.position")
                .and_then(|rc| at.whole("source.position", rc, d))
                .and_then(|n| u32::try_from(n).ok()),
        },
        notes: Vec::new(),
    };
    for (i, y) in map.years.iter().enumerate() {
        let Some(c) = column(&y.column) else { continue };
        let b = format!("fiscal_years.{i}");
        let row = |f: &str| {
            map.year_rows
                .get(f)
                .map(|r| (*r as usize).saturating_sub(1))
        };
        let money = |at: &mut At, f: &str, d: &mut Diagnostics| {
            row(f).and_then(|r| at.whole(&format!("{b}.{f}"), (r, c), d))
        };
        let budget = money(&mut at, "budget", d);
        let settlement = money(&mut at, "settlement", d);
        let regular_staff_cost = money(&mut at, "regular_staff_cost", d);
        let num = |at: &mut At, f: &str, d: &mut Diagnostics| {
            row(f).and_then(|r| at.number(&format!("{b}.{f}"), (r, c), d))
        };
        let regular_staff = num(&mut at, "regular_staff", d);
        let part_time_staff = num(&mut at, "part_time_staff", d);
        let temporary_staff = num(&mut at, "temporary_staff", d);
        doc.fiscal_years.push(FiscalYearRecord {
            year: y.year,
            budget,
            settlement,
            settlement_estimated: y.estimated,
            regular_staff,
            regular_staff_cost,
            part_time_staff,
            temporary_staff,
            activities: Vec::new(),
        });
    }
    if let Some(a) = &map.activities {
        let fi = doc.fiscal_years.iter().position(|f| f.year == a.year);
        if let (Some(fi), Some((r0, r1)), Some(ci), Some(cr)) =
            (fi, row_range(&a.rows), column(&a.item), column(&a.result))
        {
            for r in r0..=r1 {
                let j = doc.fiscal_years[fi].activities.len();
                let p = format!("fiscal_years.{fi}.activities.{j}");
                let item = at.text(&format!("{p}.item"), (r, ci));
                let result = at.text(&format!("{p}.result"), (r, cr));
                if let Some(item) = item {
                    doc.fiscal_years[fi]
                        .activities
                        .push(Activity { item, result });
                } else if result.is_some() {
                    d.push(
                        g.diag(r, ci, "活動実績の項目名が空欄です")
                            .hint("実績を書いた行には項目名も書いてください"),
                    );
                }
            }
        }
    }
    if let Some(ind) = &map.indicators {
        if let (Some((r0, r1)), Some(cn)) = (row_range(&ind.rows), column(&ind.name)) {
            for r in r0..=r1 {
                let i = doc.indicators.len();
                let p = format!("indicators.{i}");
                let Some(name) = at.text(&format!("{p}.name"), (r, cn)) else {
                    continue;
                };
                let opt = |at: &mut At, f: &str, c: &Option<String>| {
                    c.as_deref()
                        .and_then(column)
                        .and_then(|c| at.text(&format!("{p}.{f}"), (r, c)))
                };
                let rationale = opt(&mut at, "rationale", &ind.rationale);
                let unit = opt(&mut at, "unit", &ind.unit);
                let unmet_reason = opt(&mut at, "unmet_reason", &ind.unmet_reason);
                let mut values = Vec::new();
                for (j, v) in ind.values.iter().enumerate() {
                    let q = format!("{p}.values.{j}");
                    let n = |at: &mut At, f: &str, c: &Option<String>, d: &mut Diagnostics| {
                        c.as_deref()
                            .and_then(column)
                            .and_then(|c| at.number(&format!("{q}.{f}"), (r, c), d))
                    };
                    let target = n(&mut at, "target", &v.target, d);
                    let result = n(&mut at, "result", &v.result, d);
                    values.push(IndicatorValue {
                        year: v.year,
                        target,
                        result,
                        remark: None,
                    });
                }
                doc.indicators.push(Indicator {
                    name,
                    rationale,
                    unit,
                    higher_is_better: true,
                    values,
                    unmet_reason,
                });
            }
        }
    }
    for (i, e) in map.evaluations.iter().enumerate() {
        let b = format!("evaluations.{i}");
        let mut t = |f: &str| {
            e.cells
                .get(f)
                .and_then(|c| parse_a1(c))
                .and_then(|rc| at.text(&format!("{b}.{f}"), rc))
        };
        let title = t("evaluator.title");
        let name = t("evaluator.name");
        let has_evaluator =
            e.cells.contains_key("evaluator.title") || e.cells.contains_key("evaluator.name");
        doc.evaluations.push(Evaluation {
            period: e.period.clone(),
            rating: t("rating").map(|r| crate::fiscal::to_halfwidth(r.trim())),
            reason: t("reason"),
            improvements: t("improvements"),
            challenges: t("challenges"),
            next_steps: t("next_steps"),
            evaluator: has_evaluator.then_some(Evaluator { title, name }),
            remark: t("remark"),
        });
    }
    Some(Imported {
        id,
        series: series.id.clone(),
        doc,
        origins: at.o,
        fallback,
        file: g.file.clone(),
    })
}

/// A filled-in form for `project` (one worksheet named after its id), drawn
/// from the map's labels and cells: the sample of `examples/form-import/`.
pub fn render(map: &Map, content: &Content, project: &Project) -> Result<Vec<u8>, String> {
    let e = |x: rust_xlsxwriter::XlsxError| x.to_string();
    let mut wb = Workbook::new();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2020, 1, 1).map_err(e)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&date));
    let ws = wb.add_worksheet();
    ws.set_name(&project.id).map_err(e)?;
    let label = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#EEEEEE");
    let value = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let money = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0");
    for c in 0..12u16 {
        ws.set_column_width(c, if c == 0 { 24.0 } else { 16.0 })
            .map_err(e)?;
    }
    for (c, t) in &map.labels {
        if let Some((r, k)) = parse_a1(c) {
            ws.write_string_with_format(r as u32, k as u16, t, &label)
                .map_err(e)?;
        }
    }
    let d = &project.doc;
    let mut put = |rc: Option<(usize, usize)>, v: Cell, f: &Format| -> Result<(), String> {
        let Some((r, c)) = rc else { return Ok(()) };
        let (r, c) = (r as u32, c as u16);
        match v {
            Cell::Empty => ws.write_blank(r, c, f).map(|_| ()),
            Cell::Text(t) => ws.write_string_with_format(r, c, &t, f).map(|_| ()),
            Cell::Number(n) => ws.write_number_with_format(r, c, n, f).map(|_| ()),
            Cell::Bool(b) => ws.write_boolean_with_format(r, c, b, f).map(|_| ()),
        }
        .map_err(e)
    };
    let t = |s: Option<&str>| s.map_or(Cell::Empty, |x| Cell::Text(x.to_string()));
    let n = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Number);
    let dept = content
        .department(&d.department)
        .map(|x| x.current_name().to_string());
    let goals = |g: &[u8]| {
        if g.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(g.iter().map(u8::to_string).collect::<Vec<_>>().join(", "))
        }
    };
    put(parse_a1(&map.id), Cell::Text(project.id.clone()), &value)?;
    for (k, c) in &map.fields {
        let v = match k.as_str() {
            "name" => Cell::Text(d.name.clone()),
            "department" => t(dept.as_deref().or(Some(&d.department))),
            "group" => t(d.group.as_deref()),
            "summary" => t(d.summary.as_deref()),
            "account" => t(d.account.map(|a| a.label())),
            "plan_rank" => t(d.plan_rank.map(|a| a.label())),
            "kind" => t(d.kind.map(|a| a.label())),
            "period.start" => t(d
                .period
                .as_ref()
                .and_then(|p| p.start)
                .map(|y| y.wareki())
                .as_deref()),
            "period.end" => t(d
                .period
                .as_ref()
                .and_then(|p| p.end)
                .map(|y| y.wareki())
                .as_deref()),
            "legal_basis" => {
                if d.legal_basis.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(d.legal_basis.join("\n"))
                }
            }
            "general_plan.chapter" => t(d.general_plan.as_ref().and_then(|g| g.chapter.as_deref())),
            "general_plan.section" => t(d.general_plan.as_ref().and_then(|g| g.section.as_deref())),
            "sdgs.goals" => d.sdgs.as_ref().map_or(Cell::Empty, |s| goals(&s.goals)),
            "sdgs.method_goals" => d
                .sdgs
                .as_ref()
                .map_or(Cell::Empty, |s| goals(&s.method_goals)),
            "sdgs.how" => t(d.sdgs.as_ref().and_then(|s| s.how.as_deref())),
            "source.document" => Cell::Text(d.source.document.clone()),
            "source.page" => n(d.source.page.map(f64::from)),
            "source.position" => n(d.source.position.map(f64::from)),
            _ => Cell::Empty,
        };
        put(parse_a1(c), v, &value)?;
    }
    for y in &map.years {
        let Some(c) = column(&y.column) else { continue };
        let f = d.fiscal_years.iter().find(|f| f.year == y.year);
        for (k, r) in &map.year_rows {
            let v = f.map_or(Cell::Empty, |f| match k.as_str() {
                "budget" => n(f.budget.map(|x| x as f64)),
                "settlement" => n(f.settlement.map(|x| x as f64)),
                "regular_staff" => n(f.regular_staff),
                "regular_staff_cost" => n(f.regular_staff_cost.map(|x| x as f64)),
                "part_time_staff" => n(f.part_time_staff),
                "temporary_staff" => n(f.temporary_staff),
                _ => Cell::Empty,
            });
            let fmt = if k.ends_with("staff") { &value } else { &money };
            put(Some(((*r as usize).saturating_sub(1), c)), v, fmt)?;
        }
    }
    if let Some(a) = &map.activities {
        if let (Some((r0, _)), Some(ci), Some(cr)) =
            (row_range(&a.rows), column(&a.item), column(&a.result))
        {
            let acts = d
                .fiscal_years
                .iter()
                .find(|f| f.year == a.year)
                .map(|f| f.activities.as_slice())
                .unwrap_or(&[]);
            for (j, x) in acts.iter().enumerate() {
                put(Some((r0 + j, ci)), Cell::Text(x.item.clone()), &value)?;
                put(Some((r0 + j, cr)), t(x.result.as_deref()), &value)?;
            }
        }
    }
    if let Some(ind) = &map.indicators {
        if let Some((r0, _)) = row_range(&ind.rows) {
            for (j, x) in d.indicators.iter().enumerate() {
                let r = r0 + j;
                let col = |c: &Option<String>| c.as_deref().and_then(column).map(|c| (r, c));
                put(
                    column(&ind.name).map(|c| (r, c)),
                    Cell::Text(x.name.clone()),
                    &value,
                )?;
                put(col(&ind.rationale), t(x.rationale.as_deref()), &value)?;
                put(col(&ind.unit), t(x.unit.as_deref()), &value)?;
                put(col(&ind.unmet_reason), t(x.unmet_reason.as_deref()), &value)?;
                for v in &ind.values {
                    let found = x.values.iter().find(|y| y.year == v.year);
                    put(col(&v.target), n(found.and_then(|y| y.target)), &value)?;
                    put(col(&v.result), n(found.and_then(|y| y.result)), &value)?;
                }
            }
        }
    }
    for ec in &map.evaluations {
        let ev = d.evaluations.iter().find(|x| x.period == ec.period);
        for (k, c) in &ec.cells {
            let v = ev.map_or(Cell::Empty, |x| match k.as_str() {
                "rating" => t(x.rating.as_deref()),
                "reason" => t(x.reason.as_deref()),
                "improvements" => t(x.improvements.as_deref()),
                "challenges" => t(x.challenges.as_deref()),
                "next_steps" => t(x.next_steps.as_deref()),
                "evaluator.title" => t(x.evaluator.as_ref().and_then(|e| e.title.as_deref())),
                "evaluator.name" => t(x.evaluator.as_ref().and_then(|e| e.name.as_deref())),
                "remark" => t(x.remark.as_deref()),
                _ => Cell::Empty,
            });
            put(parse_a1(c), v, &value)?;
        }
    }
    let _ = a1;
    wb.save_to_buffer().map_err(e)
}
