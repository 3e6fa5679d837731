//! `projects.csv`: one row per project and fiscal year (cost, staff and the
//! year's rating); also the rows of `data/projects/<id>.csv` and
//! `data/departments/<id>.csv`.
//!
//! Owns: the projects table's rows and its own columns. Must not: write
//! anything.

use std::collections::BTreeMap;

use crate::content::{Content, Project, Series};
use crate::fiscal::FiscalYear;
use crate::model::{Evaluation, FiscalYearRecord};

use super::super::finite;
use super::super::table::{Cell, Column, Field, Kind};
use super::columns::{
    fiscal_year_columns, project_columns, project_row, rating_columns, Base, InYear, Rated,
};
use super::{
    account_values, csv_money_unit, dept_fk, kind_values, plan_rank_values, Table, PROJECT_ID, YEAR,
};

/// One project in one fiscal year.
struct ProjectYear<'a> {
    base: Base<'a>,
    year: FiscalYear,
    record: Option<&'a FiscalYearRecord>,
    evaluation: Option<&'a Evaluation>,
}
project_row!(ProjectYear);

impl InYear for ProjectYear<'_> {
    fn year(&self) -> FiscalYear {
        self.year
    }
}

impl Rated for ProjectYear<'_> {
    fn evaluation(&self) -> Option<&Evaluation> {
        self.evaluation
    }
}

/// The rows of one project: every year with a fiscal-year record, plus every
/// single-year evaluation period the project has an evaluation for.
fn project_years<'a>(
    content: &'a Content,
    series: &'a Series,
    project: &'a Project,
) -> Vec<ProjectYear<'a>> {
    let base = Base::new(content, series, project);
    let mut years: BTreeMap<FiscalYear, Option<&FiscalYearRecord>> = BTreeMap::new();
    for fy in &project.doc.fiscal_years {
        years.insert(fy.year, Some(fy));
    }
    let single_year = |e: &Evaluation| {
        series
            .doc
            .periods
            .iter()
            .find(|p| p.id == e.period && p.from == p.until)
            .map(|p| p.from)
    };
    for e in &project.doc.evaluations {
        if let Some(y) = single_year(e) {
            years.entry(y).or_insert(None);
        }
    }
    years
        .into_iter()
        .map(|(year, record)| ProjectYear {
            base,
            year,
            record,
            evaluation: project
                .doc
                .evaluations
                .iter()
                .find(|e| single_year(e) == Some(year)),
        })
        .collect()
}

fn projects_columns<'a>(content: &Content) -> Vec<Column<ProjectYear<'a>>> {
    let unit = csv_money_unit(content).label();
    let money = |h: &str| format!("{h}（{unit}）");
    let mut v = project_columns::<ProjectYear>(true);
    v.extend([
        Column::new(
            Field::new("会計", "account", Kind::String, "一般会計または特別会計。")
                .allowed(account_values()),
            |c: &ProjectYear| Cell::opt_text(c.base.project.doc.account.map(|a| a.label())),
        ),
        Column::new(
            Field::new(
                "実施計画ランク",
                "plan_rank",
                Kind::String,
                "実施計画ランク。",
            )
            .allowed(plan_rank_values()),
            |c: &ProjectYear| Cell::opt_text(c.base.project.doc.plan_rank.map(|a| a.label())),
        ),
        Column::new(
            Field::new("事業の種別", "project_kind", Kind::String, "事業の種別。")
                .allowed(kind_values()),
            |c: &ProjectYear| Cell::opt_text(c.base.project.doc.kind.map(|a| a.label())),
        ),
    ]);
    v.extend(fiscal_year_columns::<ProjectYear>());
    v.extend([
        Column::new(
            Field::new(
                "当該年度の担当課名",
                "department_name_in_year",
                Kind::String,
                "その年度の担当課の名称（名称の履歴から分かる場合のみ）。",
            ),
            |c: &ProjectYear| Cell::opt_text(c.base.dept.and_then(|d| d.name_in(c.year))),
        ),
        Column::new(
            Field::new(money("予算現額"), "budget", Kind::Integer, "予算現額。")
                .unit(unit)
                .minimum(0),
            |c: &ProjectYear| c.base.money(c.record.and_then(|r| r.budget)),
        ),
        Column::new(
            Field::new(
                money("決算額"),
                "settlement",
                Kind::Integer,
                "決算額（見込みを含む）。",
            )
            .unit(unit)
            .minimum(0),
            |c: &ProjectYear| c.base.money(c.record.and_then(|r| r.settlement)),
        ),
        Column::new(
            Field::new(
                "決算額は見込み",
                "settlement_estimated",
                Kind::Boolean,
                "決算額が見込み額なら TRUE、確定額なら FALSE。年度の経費の記載が無い行は空欄。",
            ),
            |c: &ProjectYear| {
                c.record
                    .map_or(Cell::Null, |r| Cell::Bool(r.settlement_estimated))
            },
        ),
        Column::new(
            Field::new(
                "正規職員（人）",
                "regular_staff",
                Kind::Number,
                "正規職員の従事人数（年換算）。",
            )
            .unit("人")
            .minimum(0),
            |c: &ProjectYear| Cell::opt_num(finite(c.record.and_then(|r| r.regular_staff))),
        ),
        Column::new(
            Field::new(
                money("正規職員人件費"),
                "regular_staff_cost",
                Kind::Integer,
                "正規職員の人件費。",
            )
            .unit(unit)
            .minimum(0),
            |c: &ProjectYear| c.base.money(c.record.and_then(|r| r.regular_staff_cost)),
        ),
        Column::new(
            Field::new(
                "非常勤特別職（人）",
                "part_time_staff",
                Kind::Number,
                "その他職員のうち非常勤特別職の従事割合。",
            )
            .unit("人")
            .minimum(0),
            |c: &ProjectYear| Cell::opt_num(finite(c.record.and_then(|r| r.part_time_staff))),
        ),
        Column::new(
            Field::new(
                "臨時職員（人）",
                "temporary_staff",
                Kind::Number,
                "その他職員のうち臨時職員の従事割合。",
            )
            .unit("人")
            .minimum(0),
            |c: &ProjectYear| Cell::opt_num(finite(c.record.and_then(|r| r.temporary_staff))),
        ),
    ]);
    v.extend(rating_columns::<ProjectYear>(
        content,
        "その年度を評価期間とする総合評価の記号（評価が無い・評価対象外なら空欄）。",
    ));
    v
}

/// `projects.csv` restricted to the projects `keep` accepts.
pub fn projects(content: &Content, keep: impl Fn(&Project) -> bool) -> Table {
    let chosen: Vec<(&Series, &Project)> = content.projects().filter(|(_, p)| keep(p)).collect();
    projects_of(content, &chosen)
}

/// `projects.csv` rows of the given projects, in the given order.
pub fn projects_of(content: &Content, chosen: &[(&Series, &Project)]) -> Table {
    let items: Vec<ProjectYear> = chosen
        .iter()
        .flat_map(|(s, p)| project_years(content, s, p))
        .collect();
    Table::new(
        "projects",
        projects_columns(content),
        &items,
        &[PROJECT_ID, YEAR],
        vec![dept_fk()],
    )
}
