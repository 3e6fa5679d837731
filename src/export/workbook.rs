//! `data/projects.xlsx`: every field of every project in one Excel
//! workbook, a worksheet per table, for the clerks who live in Excel (and
//! for `hyoka import`, which reads it back: [`crate::import`]).
//!
//! Sheets: 事業 (one row per project), 年度別の経費と人員, 活動実績,
//! 成果指標, 成果指標の目標と実績, 評価, 転記メモ (one row per list item),
//! 担当課 and 項目の説明 (every column with its meaning, unit and whether
//! import reads it). Headers are frozen, money has thousands separators,
//! widths are fixed per column from the header's display width (a CJK
//! character counts two), and the creation date is the site's `updated`
//! date, so the same content builds the same bytes.
//!
//! Memory stays bounded: the project worksheets use rust_xlsxwriter's
//! constant-memory mode (each row is flushed to an anonymous temporary file
//! as the next begins), and projects are appended in site order like the
//! CSVs ([`super::Streams`]). Only the zipped file is held at the end.
//!
//! Owns: the workbook's sheets and columns ([`sheets`]), shared with the
//! importer. Must not: write to disk itself (the bytes go to a sink).

use std::io;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::aggregate::achievement;
use crate::content::{Content, Project, Series};
use crate::model::MoneyUnit;

use super::finite;
use super::tables::{convert, csv_money_unit, NAME_SEPARATOR};

/// The 事業 sheet.
pub const PROJECTS: &str = "事業";
/// The 年度別の経費と人員 sheet.
pub const FISCAL: &str = "年度別の経費と人員";
/// The 活動実績 sheet.
pub const ACTIVITIES: &str = "活動実績";
/// The 成果指標 sheet.
pub const INDICATORS: &str = "成果指標";
/// The 成果指標の目標と実績 sheet.
pub const VALUES: &str = "成果指標の目標と実績";
/// The 評価 sheet.
pub const EVALUATIONS: &str = "評価";
/// The 転記メモ sheet.
pub const NOTES: &str = "転記メモ";
/// The 担当課 sheet.
pub const DEPARTMENTS: &str = "担当課";
/// The 項目の説明 sheet.
pub const FIELDS: &str = "項目の説明";

/// Largest number of characters Excel keeps in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    Text,
    /// Whole number (page, position, numbering).
    Int,
    /// Amount of money (whole number, thousands separators).
    Money,
    /// Staff in 人 (two decimals).
    Staff,
    /// Any number.
    Number,
    /// TRUE / FALSE.
    Bool,
    /// Western fiscal year.
    Year,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Text => "文字列",
            Kind::Int => "整数",
            Kind::Money => "整数（金額）",
            Kind::Staff => "数値（人）",
            Kind::Number => "数値",
            Kind::Bool => "TRUE または FALSE",
            Kind::Year => "西暦の年度（4桁）",
        }
    }
}

/// One column of a sheet.
#[derive(Debug, Clone)]
pub struct Col {
    /// Header (row 1).
    pub header: String,
    /// Type.
    pub kind: Kind,
    /// Read back by `hyoka import` (else written only, for reading).
    pub input: bool,
    /// What it holds.
    pub description: &'static str,
    /// Unit, when the values have one.
    pub unit: Option<String>,
}

fn col(header: &str, kind: Kind, input: bool, description: &'static str) -> Col {
    Col {
        header: header.to_string(),
        kind,
        input,
        description,
        unit: None,
    }
}

fn with_unit(mut c: Col, unit: &str) -> Col {
    c.unit = Some(unit.to_string());
    c
}

/// One sheet: its name and columns.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Worksheet name.
    pub name: &'static str,
    /// Columns, in order.
    pub cols: Vec<Col>,
}

impl Sheet {
    /// Index of the column with `header`.
    pub fn index(&self, header: &str) -> Option<usize> {
        self.cols.iter().position(|c| c.header == header)
    }
}

/// Header of the 全国地方公共団体コード column that opens every sheet.
pub const CODE: &str = "全国地方公共団体コード";
/// Header of the project id column.
pub const PROJECT_ID: &str = "事業ID";
/// Header of the western fiscal year column.
pub const YEAR: &str = "年度（西暦）";

/// Money headers: `予算現額（千円）`, in the unit of `unit`.
pub fn money_header(base: &str, unit: MoneyUnit) -> String {
    format!("{base}（{}）", unit.label())
}

/// The project sheets (every sheet that import reads) with money in `unit`.
pub fn sheets(unit: MoneyUnit) -> Vec<Sheet> {
    use Kind::*;
    let head = || {
        vec![
            col(CODE, Text, false, "総務省の全国地方公共団体コード（6桁）。"),
            col(
                PROJECT_ID,
                Text,
                true,
                "事業のID（ファイル名。半角英小文字・数字・ハイフン）。",
            ),
        ]
    };
    let money = |base: &str, d: &'static str| {
        with_unit(col(&money_header(base, unit), Money, true, d), unit.label())
    };
    let staff = |h: &str, d: &'static str| with_unit(col(h, Staff, true, d), "人");
    let mut projects = head();
    projects.extend([
        col(
            "シリーズID",
            Text,
            true,
            "評価シリーズ（content/ の下のフォルダ名）。",
        ),
        col("シリーズ名", Text, false, "評価シリーズの名前。"),
        col("事務事業名称", Text, true, "事務事業名称・システム名。"),
        col("課ID", Text, true, "担当課のID（departments.yaml）。"),
        col("担当課名", Text, false, "担当課の現在の名称。"),
        col("グループID", Text, true, "グループのID（例: ビジョン）。"),
        col(
            "事業の目的及び具体的な内容",
            Text,
            true,
            "事業概要（Markdown）。",
        ),
        col("会計", Text, true, "一般 または 特別。"),
        col("実施計画ランク", Text, true, "最優先・優先・重要。"),
        col(
            "事業の種別",
            Text,
            true,
            "自治事務・法定受託事務・法定受託＋附加。",
        ),
        col(
            "期間の記載",
            Bool,
            true,
            "期間の欄があるか（開始・終了が空でも TRUE なら欄あり）。",
        ),
        col("期間 開始年度（西暦）", Year, true, "期間の開始年度。"),
        col(
            "期間 終了年度（西暦）",
            Year,
            true,
            "期間の終了年度（定めがなければ空欄）。",
        ),
        col("根拠法令", Text, true, "根拠法令。1行に1つ。"),
        col(
            "総合計画の記載",
            Bool,
            true,
            "総合計画での位置付けの欄があるか。",
        ),
        col("総合計画 章", Text, true, "総合計画での位置付け（章）。"),
        col("総合計画 節", Text, true, "総合計画での位置付け（節）。"),
        col("SDGsの記載", Bool, true, "SDGsへの貢献の欄があるか。"),
        col(
            "SDGs 事業自体が貢献する項目",
            Text,
            true,
            "ゴール番号（1〜17）をカンマ区切りで。",
        ),
        col(
            "SDGs 実施手法等の工夫により貢献できた項目",
            Text,
            true,
            "ゴール番号（1〜17）をカンマ区切りで。",
        ),
        col(
            "SDGs どのように貢献したか",
            Text,
            true,
            "どのように貢献したか。",
        ),
        col(
            "出典 資料ID",
            Text,
            true,
            "出典資料のID（_series.yaml の sources）。",
        ),
        col("出典 ページ", Int, true, "出典資料のページ。"),
        col(
            "出典 ページ内の位置",
            Int,
            true,
            "ページ内の位置（例: 4枚中2枚目なら 2）。",
        ),
    ]);
    let mut fiscal = head();
    fiscal.extend([
        col(YEAR, Year, true, "年度（西暦）。"),
        col("年度（和暦）", Text, false, "年度（和暦）。"),
        money("予算現額", "予算現額。"),
        money("決算額", "決算額。"),
        col("決算額は見込みか", Bool, true, "決算額が見込みなら TRUE。"),
        staff("正規職員（人）", "正規職員の従事人数。"),
        money("正規職員人件費", "正規職員人件費。"),
        staff(
            "その他職員 非常勤特別職（人）",
            "その他職員の従事割合（非常勤特別職）。",
        ),
        staff(
            "その他職員 臨時職員（人）",
            "その他職員の従事割合（臨時職員）。",
        ),
    ]);
    let mut activities = head();
    activities.extend([
        col(
            YEAR,
            Year,
            true,
            "活動実績の年度（年度別の経費と人員にある年度）。",
        ),
        col("番号", Int, false, "その年度の中の順番。"),
        col("項目名", Text, true, "活動実績の項目名。"),
        col("実績", Text, true, "活動実績の実績。"),
    ]);
    let mut indicators = head();
    indicators.extend([
        col(
            "指標番号",
            Int,
            true,
            "その事業の中の成果指標の番号（1から）。",
        ),
        col("指標名", Text, true, "指標名。"),
        col(
            "目標設定の考え方・根拠",
            Text,
            true,
            "目標設定の考え方・根拠。",
        ),
        col("単位", Text, true, "目標と実績の単位（例: %、件）。"),
        col(
            "値が大きいほど良いか",
            Bool,
            true,
            "大きいほど良いなら TRUE（空欄も TRUE）。",
        ),
        col(
            "目標値が未達成の理由・分析",
            Text,
            true,
            "目標値が未達成の理由・分析。",
        ),
    ]);
    let mut values = head();
    values.extend([
        col("指標番号", Int, true, "成果指標シートの指標番号。"),
        col("指標名", Text, false, "指標名。"),
        col(YEAR, Year, true, "年度（西暦）。"),
        col("年度（和暦）", Text, false, "年度（和暦）。"),
        col("目標", Number, true, "目標。"),
        col("実績", Number, true, "実績。"),
        col("単位", Text, false, "単位。"),
        with_unit(
            col(
                "達成率（％）",
                Number,
                false,
                "実績÷目標（小さいほど良い指標は目標÷実績）。",
            ),
            "%",
        ),
        col(
            "備考",
            Text,
            true,
            "数値で書けない記載（例: 中止、目標達成済）。",
        ),
    ]);
    let mut evaluations = head();
    evaluations.extend([
        col(
            "期間ID",
            Text,
            true,
            "評価期間のID（_series.yaml の periods）。",
        ),
        col("期間の名前", Text, false, "評価期間の名前。"),
        col("総合評価", Text, true, "評価の記号（評価対象外は空欄）。"),
        col("総合評価の名前", Text, false, "評価の名前。"),
        col("評価理由", Text, true, "評価理由。"),
        col("この年度に改善した点", Text, true, "改善した点。"),
        col("現状の課題", Text, true, "現状の課題。"),
        col("今後の取り組み", Text, true, "今後の取り組み。"),
        col("評価者の記載", Bool, true, "評価者の欄があるか。"),
        col("評価者 役職", Text, true, "評価者の役職。"),
        col("評価者 氏名", Text, true, "評価者の氏名。"),
        col("備考", Text, true, "備考（例: 評価対象外）。"),
    ]);
    let mut notes = head();
    notes.extend([
        col("番号", Int, false, "その事業の中の順番。"),
        col("転記メモ", Text, true, "読めなかった値・判断の理由。"),
    ]);
    vec![
        Sheet {
            name: PROJECTS,
            cols: projects,
        },
        Sheet {
            name: FISCAL,
            cols: fiscal,
        },
        Sheet {
            name: ACTIVITIES,
            cols: activities,
        },
        Sheet {
            name: INDICATORS,
            cols: indicators,
        },
        Sheet {
            name: VALUES,
            cols: values,
        },
        Sheet {
            name: EVALUATIONS,
            cols: evaluations,
        },
        Sheet {
            name: NOTES,
            cols: notes,
        },
    ]
}

fn department_sheet() -> Sheet {
    use Kind::*;
    Sheet {
        name: DEPARTMENTS,
        cols: vec![
            col(CODE, Text, false, "総務省の全国地方公共団体コード（6桁）。"),
            col("課ID", Text, false, "課のID（departments.yaml）。"),
            col("現在の名称", Text, false, "課の現在の名称。"),
            col("部ID", Text, false, "所属する部のID。"),
            col("部名", Text, false, "所属する部の名前。"),
            col("旧名称", Text, false, "以前の名称（古い順、「|」区切り）。"),
        ],
    }
}

/// A cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Blank.
    Empty,
    /// Text.
    Text(String),
    /// Number.
    Number(f64),
    /// TRUE / FALSE.
    Bool(bool),
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Empty, text)
}

fn num(v: Option<f64>) -> Value {
    finite(v).map_or(Value::Empty, Value::Number)
}

fn int<T: Into<f64>>(v: Option<T>) -> Value {
    v.map_or(Value::Empty, |x| Value::Number(x.into()))
}

fn money(v: Option<i64>) -> Value {
    // Amounts are at most 10^12 (checked), exact as floats.
    v.map_or(Value::Empty, |x| Value::Number(x as f64))
}

fn goals(g: &[u8]) -> Value {
    if g.is_empty() {
        return Value::Empty;
    }
    Value::Text(g.iter().map(u8::to_string).collect::<Vec<_>>().join(", "))
}

/// The rows of one project, per sheet of [`sheets`].
#[derive(Debug, Default)]
pub struct Rows(Vec<Vec<Vec<Value>>>);

/// The rows of `p` in every project sheet (money in the workbook's unit).
pub fn rows(content: &Content, series: &Series, p: &Project) -> Rows {
    let unit = csv_money_unit(content);
    let from = series.doc.money_unit;
    let d = &p.doc;
    let code = || text(&content.site.municipality_code);
    let id = || text(&p.id);
    let dept = content.department(&d.department);
    let mut out = vec![Vec::new(); 7];
    out[0].push(vec![
        code(),
        id(),
        text(&series.id),
        text(&series.doc.title),
        text(&d.name),
        text(&d.department),
        opt_text(dept.map(|x| x.current_name())),
        opt_text(d.group.as_deref()),
        opt_text(d.summary.as_deref()),
        opt_text(d.account.map(|a| a.label())),
        opt_text(d.plan_rank.map(|a| a.label())),
        opt_text(d.kind.map(|a| a.label())),
        Value::Bool(d.period.is_some()),
        int(d.period.as_ref().and_then(|x| x.start).map(|y| y.0)),
        int(d.period.as_ref().and_then(|x| x.end).map(|y| y.0)),
        if d.legal_basis.is_empty() {
            Value::Empty
        } else {
            Value::Text(d.legal_basis.join("\n"))
        },
        Value::Bool(d.general_plan.is_some()),
        opt_text(d.general_plan.as_ref().and_then(|g| g.chapter.as_deref())),
        opt_text(d.general_plan.as_ref().and_then(|g| g.section.as_deref())),
        Value::Bool(d.sdgs.is_some()),
        d.sdgs.as_ref().map_or(Value::Empty, |s| goals(&s.goals)),
        d.sdgs
            .as_ref()
            .map_or(Value::Empty, |s| goals(&s.method_goals)),
        opt_text(d.sdgs.as_ref().and_then(|s| s.how.as_deref())),
        text(&d.source.document),
        int(d.source.page),
        int(d.source.position),
    ]);
    for fy in &d.fiscal_years {
        let m = |v: Option<i64>| money(convert(v, from, unit));
        out[1].push(vec![
            code(),
            id(),
            Value::Number(fy.year.0.into()),
            text(&fy.year.wareki()),
            m(fy.budget),
            m(fy.settlement),
            Value::Bool(fy.settlement_estimated),
            num(fy.regular_staff),
            m(fy.regular_staff_cost),
            num(fy.part_time_staff),
            num(fy.temporary_staff),
        ]);
        for (i, a) in fy.activities.iter().enumerate() {
            out[2].push(vec![
                code(),
                id(),
                Value::Number(fy.year.0.into()),
                Value::Number((i + 1) as f64),
                text(&a.item),
                opt_text(a.result.as_deref()),
            ]);
        }
    }
    for (i, ind) in d.indicators.iter().enumerate() {
        let n = Value::Number((i + 1) as f64);
        out[3].push(vec![
            code(),
            id(),
            n.clone(),
            text(&ind.name),
            opt_text(ind.rationale.as_deref()),
            opt_text(ind.unit.as_deref()),
            Value::Bool(ind.higher_is_better),
            opt_text(ind.unmet_reason.as_deref()),
        ]);
        for v in &ind.values {
            out[4].push(vec![
                code(),
                id(),
                n.clone(),
                text(&ind.name),
                Value::Number(v.year.0.into()),
                text(&v.year.wareki()),
                num(v.target),
                num(v.result),
                opt_text(ind.unit.as_deref()),
                num(achievement(
                    finite(v.target),
                    finite(v.result),
                    ind.higher_is_better,
                )),
                opt_text(v.remark.as_deref()),
            ]);
        }
    }
    for e in &d.evaluations {
        let period = series.doc.periods.iter().find(|x| x.id == e.period);
        let level = e.rating.as_deref().and_then(|r| series.doc.level(r));
        out[5].push(vec![
            code(),
            id(),
            text(&e.period),
            opt_text(period.map(|x| x.label.as_str())),
            opt_text(e.rating.as_deref()),
            opt_text(level.and_then(|l| l.label.as_deref())),
            opt_text(e.reason.as_deref()),
            opt_text(e.improvements.as_deref()),
            opt_text(e.challenges.as_deref()),
            opt_text(e.next_steps.as_deref()),
            Value::Bool(e.evaluator.is_some()),
            opt_text(e.evaluator.as_ref().and_then(|x| x.title.as_deref())),
            opt_text(e.evaluator.as_ref().and_then(|x| x.name.as_deref())),
            opt_text(e.remark.as_deref()),
        ]);
    }
    for (i, n) in d.notes.iter().enumerate() {
        out[6].push(vec![code(), id(), Value::Number((i + 1) as f64), text(n)]);
    }
    Rows(out)
}

/// Display width of a header: a character outside ASCII counts two.
fn display_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

/// Column width (in Excel's character units) for `c`.
fn width(c: &Col) -> f64 {
    let min = match c.kind {
        Kind::Text if c.header.contains("名称") || c.header.ends_with("名") => 30.0,
        Kind::Text => 16.0,
        Kind::Money | Kind::Number | Kind::Staff => 12.0,
        Kind::Int | Kind::Year | Kind::Bool => 8.0,
    };
    let long = [
        "内容",
        "根拠",
        "理由",
        "改善",
        "課題",
        "取り組み",
        "貢献したか",
        "転記メモ",
        "説明",
    ];
    let min = if c.kind == Kind::Text && long.iter().any(|w| c.header.contains(w)) {
        60.0
    } else {
        min
    };
    (display_width(&c.header) + 2.0).max(min).min(80.0)
}

fn xerr(e: XlsxError) -> io::Error {
    io::Error::other(format!("projects.xlsx を作れませんでした: {e}"))
}

/// The cell formats.
struct Formats {
    header: Format,
    text: Format,
    money: Format,
    staff: Format,
    int: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new().set_bold().set_text_wrap(),
            text: Format::new(),
            money: Format::new().set_num_format("#,##0"),
            staff: Format::new().set_num_format("0.00"),
            int: Format::new().set_num_format("0"),
        }
    }
}

fn setup(ws: &mut Worksheet, sheet: &Sheet, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(sheet.name)?;
    for (i, c) in sheet.cols.iter().enumerate() {
        let i = u16::try_from(i).unwrap_or(u16::MAX);
        ws.set_column_width(i, width(c))?;
        ws.write_string_with_format(0, i, &c.header, &f.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_row(
    ws: &mut Worksheet,
    row: u32,
    sheet: &Sheet,
    values: &[Value],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (i, (v, c)) in values.iter().zip(&sheet.cols).enumerate() {
        let i = u16::try_from(i).unwrap_or(u16::MAX);
        match v {
            Value::Empty => {}
            Value::Text(s) => {
                ws.write_string_with_format(row, i, s, &f.text)?;
            }
            Value::Bool(b) => {
                ws.write_boolean(row, i, *b)?;
            }
            Value::Number(n) => {
                let fmt = match c.kind {
                    Kind::Money => &f.money,
                    Kind::Staff => &f.staff,
                    Kind::Int | Kind::Year => &f.int,
                    _ => &f.text,
                };
                ws.write_number_with_format(row, i, *n, fmt)?;
            }
        }
    }
    Ok(())
}

/// The workbook being written, project by project.
pub struct Book {
    wb: Workbook,
    sheets: Vec<Sheet>,
    next: Vec<u32>,
    formats: Formats,
}

impl Book {
    /// Opens the workbook and writes the headers (and the 項目の説明 sheet).
    pub fn open(content: &Content) -> io::Result<Book> {
        let sheets = sheets(csv_money_unit(content));
        let mut wb = Workbook::new();
        // A fixed creation date (the data's update date) keeps the bytes
        // reproducible; zip entries carry no time of their own.
        let date = content
            .site
            .updated
            .as_deref()
            .and_then(|u| {
                let y = u.get(0..4)?.parse().ok()?;
                let m = u.get(5..7)?.parse().ok()?;
                let d = u.get(8..10)?.parse().ok()?;
                ExcelDateTime::from_ymd(y, m, d).ok()
            })
            .map_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1), Ok)
            .map_err(xerr)?;
        wb.set_properties(
            &DocProperties::new()
                .set_title(&content.site.title)
                .set_author(&content.site.municipality)
                .set_creation_datetime(&date),
        );
        let formats = Formats::new();
        for s in &sheets {
            let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
            setup(ws, s, &formats).map_err(xerr)?;
        }
        Ok(Book {
            next: vec![1; sheets.len()],
            wb,
            sheets,
            formats,
        })
    }

    /// Appends one project's rows (call in site order).
    pub fn append(&mut self, rows: &Rows) -> io::Result<()> {
        for (s, sheet_rows) in rows.0.iter().enumerate() {
            let (Some(sheet), Some(next)) = (self.sheets.get(s), self.next.get_mut(s)) else {
                continue;
            };
            let ws = self.wb.worksheet_from_index(s).map_err(xerr)?;
            for r in sheet_rows {
                for v in r {
                    if let Value::Text(t) = v {
                        if t.chars().count() > MAX_CELL_CHARS {
                            return Err(io::Error::other(format!(
                                "projects.xlsx: 事業「{}」のシート「{}」に {MAX_CELL_CHARS} 文字を超える文があり、Excel のセルに入りません。文を短くするか分けてください",
                                match r.get(1) {
                                    Some(Value::Text(id)) => id.as_str(),
                                    _ => "",
                                },
                                sheet.name
                            )));
                        }
                    }
                }
                write_row(ws, *next, sheet, r, &self.formats).map_err(xerr)?;
                *next += 1;
            }
        }
        Ok(())
    }

    /// Adds the 担当課 and 項目の説明 sheets and returns the file's bytes.
    pub fn finish(mut self, content: &Content) -> io::Result<Vec<u8>> {
        let f = &self.formats;
        let dept = department_sheet();
        let ws = self.wb.add_worksheet();
        setup(ws, &dept, f).map_err(xerr)?;
        for (i, d) in content.org.departments.iter().enumerate() {
            let division = d.division.as_deref().and_then(|x| content.division(x));
            let former = d.former_names();
            let row = vec![
                text(&content.site.municipality_code),
                text(&d.id),
                text(d.current_name()),
                opt_text(d.division.as_deref()),
                opt_text(division.map(|x| x.name.as_str())),
                if former.is_empty() {
                    Value::Empty
                } else {
                    Value::Text(former.join(NAME_SEPARATOR))
                },
            ];
            write_row(ws, (i + 1) as u32, &dept, &row, f).map_err(xerr)?;
        }
        let fields = Sheet {
            name: FIELDS,
            cols: vec![
                col("シート", Kind::Text, false, ""),
                col("項目名", Kind::Text, false, ""),
                col("説明", Kind::Text, false, ""),
                col("単位", Kind::Text, false, ""),
                col("型", Kind::Text, false, ""),
                col("hyoka import での扱い", Kind::Text, false, ""),
            ],
        };
        let ws = self.wb.add_worksheet();
        setup(ws, &fields, f).map_err(xerr)?;
        let mut r = 1;
        for s in self.sheets.iter().chain(std::iter::once(&dept)) {
            for c in &s.cols {
                let row = vec![
                    text(s.name),
                    text(&c.header),
                    text(c.description),
                    opt_text(c.unit.as_deref()),
                    text(c.kind.label()),
                    text(if c.input {
                        "読み込む"
                    } else {
                        "書き出しのみ（読み込みでは無視）"
                    }),
                ];
                write_row(ws, r, &fields, &row, f).map_err(xerr)?;
                r += 1;
            }
        }
        self.wb.save_to_buffer().map_err(xerr)
    }
}
