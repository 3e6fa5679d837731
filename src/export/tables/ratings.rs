//! `ratings.csv`: one row per project and evaluation period of its series
//! (a period without an evaluation gives a row with an empty rating).
//!
//! Owns: the ratings table. Must not: write anything.

use crate::content::{Content, Project, Series};
use crate::model::{Evaluation, PeriodDef};

use super::super::table::{Cell, Column, Field, Kind};
use super::columns::{project_columns, project_row, rating_columns, Base, Rated};
use super::{dept_fk, wareki, Table, PROJECT_ID};

/// One project in one evaluation period.
struct RatingRow<'a> {
    base: Base<'a>,
    period: &'a PeriodDef,
    evaluation: Option<&'a Evaluation>,
}
project_row!(RatingRow);

impl Rated for RatingRow<'_> {
    fn evaluation(&self) -> Option<&Evaluation> {
        self.evaluation
    }
}

/// `ratings.csv`: every project in every evaluation period of its series
/// (a period without an evaluation entry gives a row with an empty rating).
pub fn ratings(content: &Content) -> Table {
    let all: Vec<(&Series, &Project)> = content.projects().collect();
    ratings_of(content, &all)
}

/// `ratings.csv` rows of the given projects, in the given order.
pub fn ratings_of(content: &Content, chosen: &[(&Series, &Project)]) -> Table {
    let mut items = Vec::new();
    for &(s, p) in chosen {
        let base = Base::new(content, s, p);
        for period in &s.doc.periods {
            items.push(RatingRow {
                base,
                period,
                evaluation: p.doc.evaluations.iter().find(|e| e.period == period.id),
            });
        }
    }
    let mut columns = project_columns::<RatingRow>(true);
    columns.extend([
        Column::new(
            Field::new(
                "評価期間ID",
                "period_id",
                Kind::String,
                "評価期間の識別子（例: fy2021、総括は overall）。",
            )
            .required(),
            |c: &RatingRow| Cell::Text(c.period.id.clone()),
        ),
        Column::new(
            Field::new(
                "評価期間",
                "period_label",
                Kind::String,
                "評価期間の名前（例: 令和3年度、総括）。",
            )
            .required(),
            |c: &RatingRow| Cell::Text(c.period.label.clone()),
        ),
        Column::new(
            Field::new(
                "評価期間の最初の年度（西暦）",
                "period_from",
                Kind::Year,
                "評価期間の最初の年度を西暦で。",
            )
            .required(),
            |c: &RatingRow| Cell::Year(c.period.from.0),
        ),
        Column::new(
            Field::new(
                "評価期間の最初の年度（和暦）",
                "period_from_wareki",
                Kind::String,
                "評価期間の最初の年度の和暦表記。",
            )
            .required(),
            |c: &RatingRow| wareki(c.period.from),
        ),
        Column::new(
            Field::new(
                "評価期間の最後の年度（西暦）",
                "period_until",
                Kind::Year,
                "評価期間の最後の年度を西暦で（1年度だけの期間は最初の年度と同じ）。",
            )
            .required(),
            |c: &RatingRow| Cell::Year(c.period.until.0),
        ),
        Column::new(
            Field::new(
                "評価期間の最後の年度（和暦）",
                "period_until_wareki",
                Kind::String,
                "評価期間の最後の年度の和暦表記。",
            )
            .required(),
            |c: &RatingRow| wareki(c.period.until),
        ),
    ]);
    columns.extend(rating_columns::<RatingRow>(
        content,
        "総合評価の記号。評価されていない場合は空欄（理由は「備考」）。",
    ));
    columns.extend([Column::new(
        Field::new(
            "備考",
            "remark",
            Kind::String,
            "評価に添えられた記載（例: 評価対象外）。",
        ),
        |c: &RatingRow| Cell::opt_text(c.evaluation.and_then(|e| e.remark.as_deref())),
    )]);
    Table::new(
        "ratings",
        columns,
        &items,
        &[PROJECT_ID, "評価期間ID"],
        vec![dept_fk()],
    )
}
