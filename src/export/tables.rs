//! The CSV tables: their columns (Japanese headers, machine names, types)
//! and their rows, built from the content.

use std::collections::BTreeSet;

use crate::content::{Content, Project, Series};
use crate::fiscal::FiscalYear;
use crate::model::{
    Department, DepartmentName, Evaluation, FiscalYearRecord, Indicator, IndicatorValue,
    MoneyUnit, PeriodDef,
};

use super::table::{rows, Cell, Column, Field, ForeignKey, Kind};

/// A table ready to be written: fields, key and rows.
pub struct Table {
    /// Resource name in the data package.
    pub name: &'static str,
    /// Columns.
    pub fields: Vec<Field>,
    /// Primary key (headers).
    pub primary_key: Vec<String>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// Header of the department id column, the target of every foreign key.
pub const DEPARTMENT_ID: &str = "課ID";
/// Header of the project id column.
pub const PROJECT_ID: &str = "事業ID";

fn dept_fk() -> ForeignKey {
    ForeignKey {
        fields: vec![DEPARTMENT_ID.into()],
        resource: "departments",
        reference: vec![DEPARTMENT_ID.into()],
    }
}

/// Unit of money in every CSV: the series' common unit, or 円 when series
/// differ (converting 千円 to 円 is exact).
pub fn csv_money_unit(content: &Content) -> MoneyUnit {
    let units: BTreeSet<&str> = content
        .series
        .iter()
        .map(|s| s.doc.money_unit.label())
        .collect();
    match content.series.first() {
        Some(s) if units.len() == 1 => s.doc.money_unit,
        Some(_) => MoneyUnit::Yen,
        None => MoneyUnit::ThousandYen,
    }
}

/// `amount` in `from` units, expressed in `to` units (exact or `None`).
fn convert(amount: Option<i64>, from: MoneyUnit, to: MoneyUnit) -> Option<i64> {
    let v = amount?;
    let yen = v.checked_mul(from.yen())?;
    (yen % to.yen() == 0).then(|| yen / to.yen())
}

/// Every rating code of every series' scale, in series then scale order.
pub fn rating_codes(content: &Content) -> Vec<String> {
    let mut seen = BTreeSet::new();
    content
        .series
        .iter()
        .flat_map(|s| s.doc.scale.iter())
        .filter(|l| seen.insert(l.code.clone()))
        .map(|l| l.code.clone())
        .collect()
}

// ---------------------------------------------------------------- shared

/// What every row of every table can say about its project.
#[derive(Clone, Copy)]
struct Base<'a> {
    content: &'a Content,
    series: &'a Series,
    project: &'a Project,
    dept: Option<&'a Department>,
}

impl<'a> Base<'a> {
    fn new(content: &'a Content, series: &'a Series, project: &'a Project) -> Self {
        Base {
            content,
            series,
            project,
            dept: content.department(&project.doc.department),
        }
    }
    fn dept_name(&self) -> Cell {
        Cell::Text(
            self.dept
                .map_or(self.project.doc.department.as_str(), |d| d.current_name())
                .to_string(),
        )
    }
    fn division_name(&self) -> Cell {
        Cell::opt_text(
            self.dept
                .and_then(|d| d.division.as_deref())
                .and_then(|id| self.content.division(id))
                .map(|d| d.name.as_str()),
        )
    }
    fn group_label(&self) -> Cell {
        Cell::opt_text(
            super::record::group_label(self.series, self.project.doc.group.as_deref()).as_deref(),
        )
    }
}

trait HasBase<'a> {
    fn base(&self) -> &Base<'a>;
}

fn municipality_columns<C: 'static>(content: &Content, site: impl Fn(&C) -> &Content + Copy + 'static) -> Vec<Column<C>> {
    let _ = content;
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
            move |c| Cell::Text(site(c).site.municipality_code.clone()),
        ),
        Column::new(
            Field::new("地方公共団体名", "municipality_name", Kind::String, "地方公共団体の名前。")
                .required(),
            move |c| Cell::Text(site(c).site.municipality.clone()),
        ),
    ]
}

/// The columns that identify the project of a row.
fn project_columns<C: for<'x> HasBaseAny + 'static>(with_names: bool) -> Vec<Column<C>> {
    let mut v = vec![
        Column::new(
            Field::new("シリーズID", "series_id", Kind::String, "評価シリーズの識別子（半角）。")
                .required(),
            |c: &C| Cell::Text(c.b().series.id.clone()),
        ),
        Column::new(
            Field::new("シリーズ名", "series_title", Kind::String, "評価シリーズの名前。")
                .required(),
            |c: &C| Cell::Text(c.b().series.doc.title.clone()),
        ),
        Column::new(
            Field::new(
                PROJECT_ID,
                "project_id",
                Kind::String,
                "事業の識別子（半角。data/projects/<事業ID>.json に全項目があります）。",
            )
            .required(),
            |c: &C| Cell::Text(c.b().project.id.clone()),
        ),
        Column::new(
            Field::new(
                "事務事業名称",
                "project_name",
                Kind::String,
                "事務事業名称またはシステム名。",
            )
            .required(),
            |c: &C| Cell::Text(c.b().project.doc.name.clone()),
        ),
        Column::new(
            Field::new(
                DEPARTMENT_ID,
                "department_id",
                Kind::String,
                "担当課の識別子（departments.csv の課ID）。",
            )
            .required(),
            |c: &C| Cell::Text(c.b().project.doc.department.clone()),
        ),
        Column::new(
            Field::new("担当課名", "department_name", Kind::String, "担当課の現在の名称。")
                .required(),
            |c: &C| c.b().dept_name(),
        ),
    ];
    if with_names {
        v.push(Column::new(
            Field::new(
                "部名",
                "division_name",
                Kind::String,
                "担当課が属する部（資料に無ければ空欄）。",
            ),
            |c: &C| c.b().division_name(),
        ));
        v.push(Column::new(
            Field::new(
                "グループ名",
                "group_label",
                Kind::String,
                "シリーズのグループ分け（例: ICT推進アクションプランのビジョン）。無ければ空欄。",
            ),
            |c: &C| c.b().group_label(),
        ));
    }
    v
}

/// Access to the [`Base`] of a row context, independent of its lifetime.
pub trait HasBaseAny {
    /// The base.
    #[doc(hidden)]
    fn b(&self) -> BaseRef<'_>;
}

/// Borrowed view on a row's project.
pub struct BaseRef<'a> {
    series: &'a Series,
    project: &'a Project,
    base: &'a Base<'a>,
}
