//! Reading one sheet of the workbook by its header: typed values from
//! cells, each problem reported at its cell. It must not know which sheet
//! holds what, nor assemble projects (that is the parent module).

use std::collections::HashMap;

use crate::diag::{excerpt, Diagnostics};
use crate::export::workbook::{self, Sheet};
use crate::fiscal::FiscalYear;
use crate::model::MoneyUnit;

use crate::import::sheet::{Cell, Grid};

/// The fix offered for text where a number belongs.
const NUMBER_HINT: &str =
    "数字だけを入れてください（単位や「約」などは付けず、数値で書けない記載は備考の列へ）";

/// Reads values from one sheet by header, reporting problems at the cell.
pub(super) struct Reader<'g> {
    pub(super) grid: &'g Grid,
    pub(super) cols: HashMap<String, usize>,
}

impl<'g> Reader<'g> {
    /// The sheet `def` in `grids`, its header checked; `None` (reported)
    /// when the sheet or an input column is missing.
    pub(super) fn open(
        grids: &'g [Grid],
        def: &Sheet,
        diags: &mut Diagnostics,
    ) -> Option<Reader<'g>> {
        let Some(grid) = grids.iter().find(|g| g.name == def.name) else {
            let file = grids.first().map(|g| g.file.clone()).unwrap_or_default();
            diags.push(
                crate::diag::Diagnostic::at_cell(
                    &file,
                    def.name,
                    format!("シート「{}」がありません", def.name),
                )
                .hint(format!(
                    "hyoka build が書き出す data/projects.xlsx と同じシートが要ります（{}）",
                    workbook::sheets(MoneyUnit::ThousandYen)
                        .iter()
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join("・")
                )),
            );
            return None;
        };
        let mut cols = HashMap::new();
        for (i, c) in grid.rows.first().into_iter().flatten().enumerate() {
            if let Cell::Text(t) = c {
                cols.entry(t.trim().to_string()).or_insert(i);
            }
        }
        let r = Reader { grid, cols };
        let mut ok = true;
        for c in def.cols.iter().filter(|c| c.input) {
            if !r.cols.contains_key(&c.header) && !r.money_alias(&c.header) {
                let at = r.cols.len();
                diags.push(
                    grid.diag(0, at, format!("列「{}」がありません", c.header))
                        .hint("1行目（見出し）に、この名前の列を加えてください"),
                );
                ok = false;
            }
        }
        ok.then_some(r)
    }

    /// A money header in the other unit (`予算現額（円）` for `（千円）`).
    pub(super) fn money_alias(&self, header: &str) -> bool {
        self.money_col(header).is_some()
    }

    pub(super) fn money_col(&self, header: &str) -> Option<(usize, MoneyUnit)> {
        let base = header.split('（').next()?;
        [MoneyUnit::ThousandYen, MoneyUnit::Yen]
            .into_iter()
            .find_map(|u| Some((*self.cols.get(&workbook::money_header(base, u))?, u)))
    }

    /// Data rows: every row after the header that is not entirely blank.
    pub(super) fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        (1..self.grid.rows.len()).filter(|&r| !self.grid.rows[r].iter().all(Cell::is_blank))
    }

    pub(super) fn col(&self, header: &str) -> usize {
        self.cols.get(header).copied().unwrap_or(usize::MAX)
    }

    pub(super) fn at(&self, row: usize, header: &str) -> String {
        let c = self.col(header);
        self.grid.cell_ref(row, if c == usize::MAX { 0 } else { c })
    }

    /// Text (a number is written as it reads); blank → `None`.
    pub(super) fn text(&self, row: usize, header: &str) -> Option<String> {
        match self.grid.get(row, self.col(header)) {
            Cell::Empty => None,
            Cell::Text(t) if t.is_empty() => None,
            Cell::Text(t) => Some(t.clone()),
            Cell::Number(n) => Some(n.to_string()),
            Cell::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        }
    }

    pub(super) fn number_at(&self, row: usize, col: usize, d: &mut Diagnostics) -> Option<f64> {
        self.grid.number(row, col, NUMBER_HINT, d)
    }

    pub(super) fn number(&self, row: usize, header: &str, d: &mut Diagnostics) -> Option<f64> {
        self.number_at(row, self.col(header), d)
    }

    pub(super) fn whole_at(&self, row: usize, col: usize, d: &mut Diagnostics) -> Option<i64> {
        self.grid.whole(row, col, NUMBER_HINT, d)
    }

    pub(super) fn whole(&self, row: usize, header: &str, d: &mut Diagnostics) -> Option<i64> {
        self.whole_at(row, self.col(header), d)
    }

    pub(super) fn small(&self, row: usize, header: &str, d: &mut Diagnostics) -> Option<u32> {
        let n = self.whole(row, header, d)?;
        match u32::try_from(n) {
            Ok(v) => Some(v),
            Err(_) => {
                d.push(
                    self.grid
                        .diag(row, self.col(header), format!("{n} は使えません"))
                        .hint("0 以上の整数を入れてください"),
                );
                None
            }
        }
    }

    /// Money in `to` units, converted from the column's unit.
    pub(super) fn money(
        &self,
        row: usize,
        header: &str,
        to: MoneyUnit,
        d: &mut Diagnostics,
    ) -> Option<i64> {
        let (col, unit) = self.money_col(header)?;
        let v = self.whole_at(row, col, d)?;
        match crate::export::tables::convert(Some(v), unit, to) {
            Some(x) => Some(x),
            None => {
                d.push(
                    self.grid
                        .diag(
                            row,
                            col,
                            format!("{v}{} は{}の単位で割り切れません", unit.label(), to.label()),
                        )
                        .hint(format!("このシリーズの金額は{}単位です", to.label())),
                );
                None
            }
        }
    }

    pub(super) fn boolean(&self, row: usize, header: &str, d: &mut Diagnostics) -> Option<bool> {
        let col = self.col(header);
        match self.grid.get(row, col) {
            Cell::Bool(b) => Some(*b),
            Cell::Empty => None,
            Cell::Text(t) => match t.trim().to_ascii_uppercase().as_str() {
                "" => None,
                "TRUE" => Some(true),
                "FALSE" => Some(false),
                _ => {
                    d.push(
                        self.grid
                            .diag(
                                row,
                                col,
                                format!("「{}」は TRUE・FALSE ではありません", excerpt(t)),
                            )
                            .hint("TRUE か FALSE を入れてください"),
                    );
                    None
                }
            },
            Cell::Number(n) => {
                d.push(
                    self.grid
                        .diag(row, col, format!("{n} は TRUE・FALSE ではありません"))
                        .hint("TRUE か FALSE を入れてください"),
                );
                None
            }
        }
    }

    pub(super) fn year(&self, row: usize, header: &str, d: &mut Diagnostics) -> Option<FiscalYear> {
        let col = self.col(header);
        let r = match self.grid.get(row, col) {
            Cell::Number(n) if n.fract() == 0.0 => FiscalYear::from_western(*n as i64),
            Cell::Text(t) if !t.trim().is_empty() => FiscalYear::parse(t),
            Cell::Empty | Cell::Text(_) => return None,
            other => FiscalYear::parse(&format!("{other:?}")),
        };
        match r {
            Ok(y) => Some(y),
            Err(e) => {
                d.push(
                    self.grid
                        .diag(row, col, e.to_string())
                        .hint("西暦（2019）か和暦（R1、令和元年度）で書いてください"),
                );
                None
            }
        }
    }

    pub(super) fn goals(&self, row: usize, header: &str, d: &mut Diagnostics) -> Vec<u8> {
        let col = self.col(header);
        let raw = match self.grid.get(row, col) {
            Cell::Number(n) => n.to_string(),
            Cell::Text(t) => t.clone(),
            _ => return Vec::new(),
        };
        let mut out = Vec::new();
        for part in raw
            .split([',', '、', '，', ' ', '\n'])
            .filter(|p| !p.trim().is_empty())
        {
            match crate::fiscal::to_halfwidth(part.trim()).parse::<u8>() {
                Ok(g) => out.push(g),
                Err(_) => d.push(
                    self.grid
                        .diag(
                            row,
                            col,
                            format!("「{}」はSDGsのゴール番号ではありません", excerpt(part)),
                        )
                        .hint("1〜17 の番号をカンマ区切りで書いてください（例: 8, 11）"),
                ),
            }
        }
        out
    }

    pub(super) fn choice<T: Copy>(
        &self,
        row: usize,
        header: &str,
        options: &[(&str, T)],
        d: &mut Diagnostics,
    ) -> Option<T> {
        let t = self.text(row, header)?;
        self.grid
            .choice((row, self.col(header)), &t, header, options, d)
    }
}
