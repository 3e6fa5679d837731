//! Writing `data/projects.xlsx`: formats, column widths, frozen headers
//! and constant-memory worksheets, project by project into a sink. It must
//! not decide what goes in a cell (that is `rows`).

use std::io;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::content::Content;

use crate::export::tables::{csv_money_unit, NAME_SEPARATOR};

use super::rows::{opt_text, text, Rows, Value};
use super::sheets::*;

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

/// Deflate level of the zip: on 10,000 real sheets (132 MB of sheet XML)
/// level 5 saves in about 30 % less CPU time than the default 6 for 0.5 %
/// more bytes (17.9 MB instead of 17.8 MB); lower levels cost much more
/// size (3: +12 %, 2: +26 %, 1: +61 %).
const ZIP_LEVEL: u8 = 5;

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
            // The text format is the default one (xf 0): a cell written
            // without a format gets the same bytes, without hashing the
            // format for every cell. An empty string keeps its format
            // (it becomes a blank cell; without one it would be dropped).
            Value::Text(s) if !s.is_empty() => {
                ws.write_string(row, i, s)?;
            }
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

/// Refuses a project whose text does not fit in a cell of `sheets` (the
/// error names the project and the sheet).
pub(super) fn check(sheets: &[Sheet], rows: &Rows) -> io::Result<()> {
    for (sheet, sheet_rows) in sheets.iter().zip(&rows.0) {
        for r in sheet_rows {
            for v in r {
                if let Value::Text(t) = v {
                    // A string has at least as many bytes as characters.
                    if t.len() > MAX_CELL_CHARS && t.chars().count() > MAX_CELL_CHARS {
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
        }
    }
    Ok(())
}

/// The rows of the 担当課 sheet, one per department of `content`.
pub(super) fn departments(content: &Content) -> Vec<Vec<Value>> {
    content
        .org
        .departments
        .iter()
        .map(|d| {
            let division = d.division.as_deref().and_then(|x| content.division(x));
            let former = d.former_names();
            vec![
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
            ]
        })
        .collect()
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
        wb.set_zip_compression_level(ZIP_LEVEL);
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

    /// Appends one project's rows (call in site order, after [`check`]).
    pub fn append(&mut self, rows: &Rows) -> io::Result<()> {
        for (s, sheet_rows) in rows.0.iter().enumerate() {
            let (Some(sheet), Some(next)) = (self.sheets.get(s), self.next.get_mut(s)) else {
                continue;
            };
            let ws = self.wb.worksheet_from_index(s).map_err(xerr)?;
            for r in sheet_rows {
                write_row(ws, *next, sheet, r, &self.formats).map_err(xerr)?;
                *next += 1;
            }
        }
        Ok(())
    }

    /// Adds the 担当課 sheet (rows from [`departments`]) and the 項目の説明
    /// sheet and returns the file's bytes.
    pub fn finish(mut self, departments: &[Vec<Value>]) -> io::Result<Vec<u8>> {
        let f = &self.formats;
        let dept = department_sheet();
        let ws = self.wb.add_worksheet();
        setup(ws, &dept, f).map_err(xerr)?;
        for (i, row) in departments.iter().enumerate() {
            write_row(ws, (i + 1) as u32, &dept, row, f).map_err(xerr)?;
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
