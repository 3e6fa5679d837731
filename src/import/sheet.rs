//! Spreadsheets as grids of cells: an Excel / LibreOffice workbook read
//! through calamine (xlsx, xlsm, xls, ods), or CSV files named after the
//! sheets they hold (`事業.csv`…). Cell references are A1 notation.

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};

use crate::diag::{excerpt, quote_list, Diagnostic, Diagnostics};

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Blank.
    Empty,
    /// Text.
    Text(String),
    /// Number.
    Number(f64),
    /// TRUE / FALSE.
    Bool(bool),
}

impl Cell {
    /// Blank, or text that is only blanks.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// One worksheet: cells by 0-based row and column.
#[derive(Debug, Clone)]
pub struct Grid {
    /// File it came from.
    pub file: PathBuf,
    /// Sheet name.
    pub name: String,
    /// Rows of cells.
    pub rows: Vec<Vec<Cell>>,
}

static EMPTY: Cell = Cell::Empty;

impl Grid {
    /// The cell at 0-based `row`, `col` (blank outside the used range).
    pub fn get(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&EMPTY)
    }

    /// `シート名!C12` for 0-based `row`, `col`.
    pub fn cell_ref(&self, row: usize, col: usize) -> String {
        format!("{}!{}", self.name, a1(row, col))
    }

    /// A diagnostic at a cell.
    pub fn diag(&self, row: usize, col: usize, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::at_cell(&self.file, self.cell_ref(row, col), msg)
    }

    /// The number in a cell (text with thousands separators counts); a
    /// blank cell is `None`, anything else is reported at the cell, with
    /// `hint` as the fix for text that is not a number.
    pub fn number(&self, row: usize, col: usize, hint: &str, d: &mut Diagnostics) -> Option<f64> {
        match self.get(row, col) {
            Cell::Number(n) => Some(*n),
            Cell::Empty => None,
            Cell::Text(t) if t.trim().is_empty() => None,
            Cell::Text(t) => match t.trim().replace(',', "").parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => {
                    d.push(
                        self.diag(row, col, format!("「{}」は数値ではありません", excerpt(t)))
                            .hint(hint),
                    );
                    None
                }
            },
            Cell::Bool(_) => {
                d.push(
                    self.diag(row, col, "TRUE・FALSE ではなく数値が入るセルです")
                        .hint("数字だけを入れてください"),
                );
                None
            }
        }
    }

    /// [`Grid::number`], which must also be a whole number.
    pub fn whole(&self, row: usize, col: usize, hint: &str, d: &mut Diagnostics) -> Option<i64> {
        let n = self.number(row, col, hint, d)?;
        if n.fract() != 0.0 || n.abs() > 9.0e15 {
            d.push(
                self.diag(row, col, format!("{n} は整数ではありません"))
                    .hint("小数点のない整数を入れてください"),
            );
            return None;
        }
        Some(n as i64)
    }

    /// The option whose label is `text` (the cell's value, read by the
    /// caller); any other text is reported at the cell as not one of the
    /// choices for `label`.
    pub fn choice<T: Copy>(
        &self,
        (row, col): (usize, usize),
        text: &str,
        label: &str,
        options: &[(&str, T)],
        d: &mut Diagnostics,
    ) -> Option<T> {
        match options.iter().find(|(l, _)| *l == text.trim()) {
            Some((_, v)) => Some(*v),
            None => {
                let labels: Vec<&str> = options.iter().map(|(l, _)| *l).collect();
                d.push(
                    self.diag(
                        row,
                        col,
                        format!("{label}「{}」は選べる値ではありません", excerpt(text)),
                    )
                    .hint(format!(
                        "{} のどれかにしてください（空欄は null）",
                        quote_list(&labels)
                    )),
                );
                None
            }
        }
    }
}

/// A1 notation for 0-based `row`, `col`: (0, 2) → `C1`.
pub fn a1(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(char::from(b'A' + r as u8));
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), row + 1)
}

/// Parses `C12` (0-based (11, 2)); `None` when it is not A1 notation.
pub fn parse_a1(s: &str) -> Option<(usize, usize)> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_uppercase()) || letters.len() > 3 {
        return None;
    }
    let mut col = 0usize;
    for c in letters.bytes() {
        col = col * 26 + usize::from(c - b'A' + 1);
    }
    let row: usize = digits.parse().ok()?;
    (row >= 1 && digits.chars().all(|c| c.is_ascii_digit())).then(|| (row - 1, col - 1))
}

/// Reads every worksheet of a workbook.
pub fn read_workbook(path: &Path) -> Result<Vec<Grid>, Diagnostic> {
    let cannot = |e: String| {
        Diagnostic::new(
            path,
            crate::diag::Pos::START,
            format!("ブックを読めません: {}", excerpt(&e)),
        )
        .hint("Excel（.xlsx・.xls）か LibreOffice（.ods）のファイルを指定してください")
    };
    let mut wb = open_workbook_auto(path).map_err(|e| cannot(e.to_string()))?;
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| cannot(e.to_string()))?;
        let (r0, c0) = range
            .start()
            .map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); r0];
        for r in range.rows() {
            let mut row = vec![Cell::Empty; c0];
            row.extend(r.iter().map(|d| match d {
                Data::Empty => Cell::Empty,
                Data::String(s) => Cell::Text(s.clone()),
                Data::Float(f) => Cell::Number(*f),
                Data::Int(i) => Cell::Number(*i as f64),
                Data::Bool(b) => Cell::Bool(*b),
                Data::DateTime(d) => Cell::Number(d.as_f64()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
                Data::Error(e) => Cell::Text(format!("#{e:?}")),
            }));
            rows.push(row);
        }
        out.push(Grid {
            file: path.to_path_buf(),
            name,
            rows,
        });
    }
    Ok(out)
}

/// Reads a CSV file as the sheet named after its file stem. Every cell is
/// text (numbers are read from text where a number is expected).
pub fn read_csv(path: &Path) -> Result<Grid, Diagnostic> {
    let cannot = |e: String| {
        Diagnostic::new(
            path,
            crate::diag::Pos::START,
            format!("CSVを読めません: {}", excerpt(&e)),
        )
        .hint("UTF-8 の CSV（BOM はあってもなくても可）を指定してください")
    };
    let bytes = std::fs::read(path).map_err(|e| cannot(e.to_string()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| cannot(e.to_string()))?;
        rows.push(
            rec.iter()
                .map(|s| {
                    if s.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.to_string())
                    }
                })
                .collect(),
        );
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Grid {
        file: path.to_path_buf(),
        name,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_notation() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 2), "C12");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(4, 27), "AB5");
        assert_eq!(parse_a1("C12"), Some((11, 2)));
        assert_eq!(parse_a1("AA1"), Some((0, 26)));
        assert_eq!(parse_a1("c12"), None);
        assert_eq!(parse_a1("C0"), None);
        assert_eq!(parse_a1("12"), None);
    }
}
