//! Row contexts and the columns several tables share: the municipality
//! columns every table starts with, the columns naming a project and its
//! department, and the rating columns of rows that carry an evaluation.
//!
//! Owns: [`Base`] (what a project-based row knows) and the shared column
//! lists. Must not: choose a table's rows (the table modules do).

use crate::content::{Content, Project, Series};
use crate::fiscal::FiscalYear;
use crate::model::{Department, Evaluation, MoneyUnit};

use super::super::table::{Cell, Column, Field, Kind};
use super::{
    convert, csv_money_unit, rating_codes, wareki, DEPARTMENT_ID, PROJECT_ID, WAREKI, YEAR,
};

/// Anything that knows the content (for the municipality columns).
pub(super) trait Site {
    fn content(&self) -> &Content;
}

/// What every project-based row knows about its project.
#[derive(Clone, Copy)]
pub(super) struct Base<'a> {
    pub(super) content: &'a Content,
    pub(super) series: &'a Series,
    pub(super) project: &'a Project,
    pub(super) dept: Option<&'a Department>,
    /// Unit of money in the CSV.
    pub(super) unit: MoneyUnit,
}

impl<'a> Base<'a> {
    pub(super) fn new(content: &'a Content, series: &'a Series, project: &'a Project) -> Self {
        Base {
            content,
            series,
            project,
            dept: content.department(&project.doc.department),
            unit: csv_money_unit(content),
        }
    }

    pub(super) fn money(&self, v: Option<i64>) -> Cell {
        Cell::opt_int(convert(v, self.series.doc.money_unit, self.unit))
    }

    fn rating_label(&self, e: Option<&Evaluation>) -> Cell {
        Cell::opt_text(
            e.and_then(|e| e.rating.as_deref())
                .and_then(|r| self.series.doc.level(r))
                .and_then(|l| l.label.as_deref()),
        )
    }
}

/// Rows about a project.
pub(super) trait ProjectRow: Site {
    fn base(&self) -> &Base<'_>;
}

/// Makes a row type with a `base: Base` field a [`Site`] and a
/// [`ProjectRow`].
macro_rules! project_row {
    ($t:ident) => {
        impl $crate::export::tables::columns::Site for $t<'_> {
            fn content(&self) -> &$crate::content::Content {
                self.base.content
            }
        }
        impl $crate::export::tables::columns::ProjectRow for $t<'_> {
            fn base(&self) -> &$crate::export::tables::columns::Base<'_> {
                &self.base
            }
        }
    };
}
pub(super) use project_row;

pub(super) fn municipality_columns<C: Site>() -> Vec<Column<C>> {
    vec![
        Column::new(
            Field::new(
                "全国地方公共団体コード",
                "municipality_code",
                Kind::String,
                "総務省の全国地方公共団体コード（6桁、検査数字を含む）。",
            )
            .required()
            .pattern("[0-9]{6}"),
            |c: &C| Cell::Text(c.content().site.municipality_code.clone()),
        ),
        Column::new(
            Field::new(
                "地方公共団体名",
                "municipality_name",
                Kind::String,
                "地方公共団体の名前。",
            )
            .required(),
            |c: &C| Cell::Text(c.content().site.municipality.clone()),
        ),
    ]
}

/// Columns naming the series, the project and its department.
pub(super) fn project_columns<C: ProjectRow>(with_division: bool) -> Vec<Column<C>> {
    let mut v = municipality_columns::<C>();
    v.extend([
        Column::new(
            Field::new(
                "シリーズID",
                "series_id",
                Kind::String,
                "評価シリーズの識別子（半角）。",
            )
            .required(),
            |c: &C| Cell::Text(c.base().series.id.clone()),
        ),
        Column::new(
            Field::new(
                "シリーズ名",
                "series_title",
                Kind::String,
                "評価シリーズの名前。",
            )
            .required(),
            |c: &C| Cell::Text(c.base().series.doc.title.clone()),
        ),
        Column::new(
            Field::new(
                PROJECT_ID,
                "project_id",
                Kind::String,
                "事業の識別子（半角）。全項目は data/projects/<事業ID>.json にあります。",
            )
            .required(),
            |c: &C| Cell::Text(c.base().project.id.clone()),
        ),
        Column::new(
            Field::new(
                "事務事業名称",
                "project_name",
                Kind::String,
                "事務事業名称またはシステム名。",
            )
            .required(),
            |c: &C| Cell::Text(c.base().project.doc.name.clone()),
        ),
        Column::new(
            Field::new(
                DEPARTMENT_ID,
                "department_id",
                Kind::String,
                "担当課の識別子（departments.csv の課ID）。名称が変わっても変わりません。",
            )
            .required(),
            |c: &C| Cell::Text(c.base().project.doc.department.clone()),
        ),
        Column::new(
            Field::new(
                "担当課名",
                "department_name",
                Kind::String,
                "担当課の現在の名称。",
            )
            .required(),
            |c: &C| {
                let b = c.base();
                Cell::Text(
                    b.dept
                        .map_or(b.project.doc.department.as_str(), |d| d.current_name())
                        .to_string(),
                )
            },
        ),
    ]);
    if with_division {
        v.extend([
            Column::new(
                Field::new(
                    "部名",
                    "division_name",
                    Kind::String,
                    "担当課が属する部（資料に無ければ空欄）。",
                ),
                |c: &C| {
                    let b = c.base();
                    Cell::opt_text(
                        b.dept
                            .and_then(|d| d.division.as_deref())
                            .and_then(|id| b.content.division(id))
                            .map(|d| d.name.as_str()),
                    )
                },
            ),
            Column::new(
                Field::new(
                    "グループ名",
                    "group_label",
                    Kind::String,
                    "シリーズのグループ分け（例: ICT推進アクションプランのビジョン）。無ければ空欄。",
                ),
                |c: &C| {
                    let b = c.base();
                    Cell::opt_text(
                        b.project
                            .doc
                            .group
                            .as_deref()
                            .and_then(|g| b.series.doc.group_label(g)),
                    )
                },
            ),
        ]);
    }
    v
}

/// Rows that carry one evaluation of their project.
pub(super) trait Rated: ProjectRow {
    fn evaluation(&self) -> Option<&Evaluation>;
}

/// The rating code and its label, for rows with an evaluation.
pub(super) fn rating_columns<C: Rated>(content: &Content, description: &str) -> [Column<C>; 2] {
    [
        Column::new(
            Field::new("総合評価", "rating", Kind::String, description)
                .allowed(rating_codes(content)),
            |c: &C| Cell::opt_text(c.evaluation().and_then(|e| e.rating.as_deref())),
        ),
        Column::new(
            Field::new(
                "総合評価の名前",
                "rating_label",
                Kind::String,
                "総合評価の記号の意味（資料に無ければ空欄）。",
            ),
            |c: &C| c.base().rating_label(c.evaluation()),
        ),
    ]
}

/// Rows about one fiscal year.
pub(super) trait InYear {
    fn year(&self) -> FiscalYear;
}

/// The fiscal year of a row: 西暦, with 和暦 beside it.
pub(super) fn fiscal_year_columns<C: InYear>() -> [Column<C>; 2] {
    [
        Column::new(
            Field::new(
                YEAR,
                "fiscal_year",
                Kind::Year,
                "年度（4月始まり）を西暦で。",
            )
            .required(),
            |c: &C| Cell::Year(c.year().0),
        ),
        Column::new(
            Field::new(
                WAREKI,
                "fiscal_year_wareki",
                Kind::String,
                "同じ年度の和暦表記。",
            )
            .required(),
            |c: &C| wareki(c.year()),
        ),
    ]
}
