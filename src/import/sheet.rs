//! Spreadsheets as grids of cells: an Excel / LibreOffice workbook read
//! through calamine (xlsx, xlsm, xls, ods), or CSV files named after the
//! sheets they hold (`事業.csv`…). Cell references are A1 notation.

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};

use crate::diag::{excerpt, Diagnostic};

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
