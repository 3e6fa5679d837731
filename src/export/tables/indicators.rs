//! `indicators.csv`: one row per indicator of a project and fiscal year
//! (target, result, achievement).
//!
//! Owns: the indicators table. Must not: write anything.

use crate::aggregate::achievement;
use crate::content::{Content, Project, Series};
use crate::fiscal::FiscalYear;
use crate::model::{Indicator, IndicatorValue};

use super::super::finite;
use super::super::table::{Cell, Column, Field, Kind};
use super::columns::{fiscal_year_columns, project_columns, project_row, Base, InYear};
use super::{dept_fk, Table, PROJECT_ID, YEAR};

/// One indicator of a project in one fiscal year.
struct IndicatorRow<'a> {
    base: Base<'a>,
    number: usize,
    indicator: &'a Indicator,
    value: &'a IndicatorValue,
}
project_row!(IndicatorRow);

impl InYear for IndicatorRow<'_> {
    fn year(&self) -> FiscalYear {
        self.value.year
    }
}

/// `indicators.csv`.
pub fn indicators(content: &Content) -> Table {
    let all: Vec<(&Series, &Project)> = content.projects().collect();
    indicators_of(content, &all)
}

/// `indicators.csv` rows of the given projects, in the given order.
pub fn indicators_of(content: &Content, chosen: &[(&Series, &Project)]) -> Table {
    let mut items = Vec::new();
    for &(s, p) in chosen {
        let base = Base::new(content, s, p);
        for (n, ind) in p.doc.indicators.iter().enumerate() {
            let mut values: Vec<&IndicatorValue> = ind.values.iter().collect();
            values.sort_by_key(|v| v.year);
            for value in values {
                items.push(IndicatorRow {
                    base,
                    number: n + 1,
                    indicator: ind,
                    value,
                });
            }
        }
    }
    let mut columns = project_columns::<IndicatorRow>(false);
    columns.extend([
        Column::new(
            Field::new(
                "指標番号",
                "indicator_number",
                Kind::Integer,
                "事業の中での成果指標の番号（1から）。",
            )
            .required()
            .minimum(1),
            |c: &IndicatorRow| Cell::count(c.number),
        ),
        Column::new(
            Field::new("指標名", "indicator_name", Kind::String, "成果指標の名前。").required(),
            |c: &IndicatorRow| Cell::Text(c.indicator.name.clone()),
        ),
        Column::new(
            Field::new(
                "単位",
                "unit",
                Kind::String,
                "目標と実績の単位（例: %、件、回）。",
            ),
            |c: &IndicatorRow| Cell::opt_text(c.indicator.unit.as_deref()),
        ),
        Column::new(
            Field::new(
                "値が大きいほど良い",
                "higher_is_better",
                Kind::Boolean,
                "実績が大きいほど良い指標なら TRUE、小さいほど良い指標なら FALSE。",
            )
            .required(),
            |c: &IndicatorRow| Cell::Bool(c.indicator.higher_is_better),
        ),
    ]);
    columns.extend(fiscal_year_columns::<IndicatorRow>());
    columns.extend([
        Column::new(
            Field::new("目標", "target", Kind::Number, "目標値（単位は「単位」列）。"),
            |c: &IndicatorRow| Cell::opt_num(finite(c.value.target)),
        ),
        Column::new(
            Field::new("実績", "result", Kind::Number, "実績値（単位は「単位」列）。"),
            |c: &IndicatorRow| Cell::opt_num(finite(c.value.result)),
        ),
        Column::new(
            Field::new(
                "達成率（％）",
                "achievement_percent",
                Kind::Number,
                "実績÷目標（小さいほど良い指標は目標÷実績）を百分率で、小数第1位に丸めた値。目標か実績が無い、または割る数が0なら空欄。",
            )
            .unit("％"),
            |c: &IndicatorRow| {
                Cell::opt_num(finite(achievement(
                    finite(c.value.target),
                    finite(c.value.result),
                    c.indicator.higher_is_better,
                )))
            },
        ),
        Column::new(
            Field::new(
                "備考",
                "remark",
                Kind::String,
                "数値の代わり、または数値と並べて書かれた記載（例: 中止）。",
            ),
            |c: &IndicatorRow| Cell::opt_text(c.value.remark.as_deref()),
        ),
    ]);
    Table::new(
        "indicators",
        columns,
        &items,
        &[PROJECT_ID, "指標番号", YEAR],
        vec![dept_fk()],
    )
}
