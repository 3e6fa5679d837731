//! The cost column of a list of projects: one defined figure per row.
//!
//! A list shows, for every row, the figure of one fiscal year — the latest
//! year in which any of its projects has a 決算額 — and of one kind: that
//! year's 決算額 (marked when it is 見込み), or, when the project has no
//! 決算額 for that year, its 予算現額, marked as such. A project with
//! neither for that year has no figure (never one from another year), so
//! the column can be read down and compared. When no project has any
//! 決算額, the column is the latest year's 予算現額.

use serde::Serialize;

use crate::fiscal::FiscalYear;
use crate::model::FiscalYearRecord;

/// Which figure a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CostKind {
    /// 決算額.
    Settlement,
    /// 決算額（見込み）.
    EstimatedSettlement,
    /// 予算現額, in place of a missing 決算額.
    Budget,
}

/// One row's figure, in its series' money unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CostFigure {
    /// The amount.
    pub amount: i64,
    /// What it is.
    pub kind: CostKind,
}

/// The column: its year and kind, and one figure (or none) per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostColumn {
    /// The one fiscal year of every figure.
    pub year: FiscalYear,
    /// What the column holds: [`CostKind::Settlement`] (決算額, with
    /// marked estimates and budgets), or [`CostKind::Budget`] when no row
    /// has a 決算額 at all.
    pub kind: CostKind,
    /// Per row, in the order given.
    pub figures: Vec<Option<CostFigure>>,
}

/// The cost column of `rows` (each row: the fiscal years of one project;
/// an empty slice for a project whose series has no costs). `None` when no
/// row has any 決算額 or 予算現額: the list then has no cost column.
pub fn cost_column(rows: &[&[FiscalYearRecord]]) -> Option<CostColumn> {
    let all = || rows.iter().flat_map(|r| r.iter());
    let settled = all()
        .filter(|f| f.settlement.is_some())
        .map(|f| f.year)
        .max();
    let (year, kind) = match settled {
        Some(y) => (y, CostKind::Settlement),
        None => (
            all().filter(|f| f.budget.is_some()).map(|f| f.year).max()?,
            CostKind::Budget,
        ),
    };
    let figures = rows
        .iter()
        .map(|r| {
            let f = r.iter().find(|f| f.year == year)?;
            match (f.settlement, f.budget) {
                (Some(amount), _) => Some(CostFigure {
                    amount,
                    kind: if f.settlement_estimated {
                        CostKind::EstimatedSettlement
                    } else {
                        CostKind::Settlement
                    },
                }),
                (None, Some(amount)) => Some(CostFigure {
                    amount,
                    kind: CostKind::Budget,
                }),
                (None, None) => None,
            }
        })
        .collect();
    Some(CostColumn {
        year,
        kind,
        figures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(year: u16, budget: Option<i64>, settlement: Option<i64>, est: bool) -> FiscalYearRecord {
        FiscalYearRecord {
            year: FiscalYear(year),
            budget,
            settlement,
            settlement_estimated: est,
            regular_staff: None,
            regular_staff_cost: None,
            part_time_staff: None,
            temporary_staff: None,
            activities: Vec::new(),
        }
    }

    fn fig(amount: i64, kind: CostKind) -> Option<CostFigure> {
        Some(CostFigure { amount, kind })
    }

    #[test]
    fn one_year_for_every_row_with_marked_estimates_and_budgets() {
        // Worked out by hand: the latest year with any 決算額 is 2019 (row
        // a's estimate). a: 2019 決算 1,711 見込み. b: 2019 has no 決算額,
        // so its 2019 予算 900 (not its 2018 決算 800). c: 2019 決算 50
        // (final). d: only 2018 figures, so nothing for 2019. e: a series
        // without costs (no years).
        let a = [
            fy(2018, Some(2000), Some(1529), false),
            fy(2019, Some(2650), Some(1711), true),
        ];
        let b = [
            fy(2018, Some(1000), Some(800), false),
            fy(2019, Some(900), None, false),
        ];
        let c = [fy(2019, None, Some(50), false)];
        let d = [fy(2018, Some(10), Some(9), false)];
        let e: [FiscalYearRecord; 0] = [];
        let col = cost_column(&[&a, &b, &c, &d, &e]);
        assert_eq!(
            col,
            Some(CostColumn {
                year: FiscalYear(2019),
                kind: CostKind::Settlement,
                figures: vec![
                    fig(1711, CostKind::EstimatedSettlement),
                    fig(900, CostKind::Budget),
                    fig(50, CostKind::Settlement),
                    None,
                    None,
                ],
            })
        );
    }

    #[test]
    fn a_later_year_with_budgets_only_does_not_move_the_column() {
        // 2020 has only a 予算; the column stays on 2019, the latest 決算額.
        let a = [
            fy(2019, Some(100), Some(90), false),
            fy(2020, Some(120), None, false),
        ];
        let col = cost_column(&[&a]).map(|c| (c.year, c.figures));
        assert_eq!(
            col,
            Some((FiscalYear(2019), vec![fig(90, CostKind::Settlement)]))
        );
    }

    #[test]
    fn budgets_only_make_a_budget_column_and_nothing_makes_none() {
        let a = [
            fy(2018, Some(5), None, false),
            fy(2019, Some(7), None, false),
        ];
        let b = [fy(2019, None, None, false)];
        assert_eq!(
            cost_column(&[&a, &b]),
            Some(CostColumn {
                year: FiscalYear(2019),
                kind: CostKind::Budget,
                figures: vec![fig(7, CostKind::Budget), None],
            })
        );
        let empty: [FiscalYearRecord; 0] = [];
        assert_eq!(cost_column(&[&empty, &b]), None);
        assert_eq!(cost_column(&[]), None);
    }
}
