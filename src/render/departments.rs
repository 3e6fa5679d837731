//! The department pages: one page per department
//! (`departments/<id>.html`, its projects series by series) and the list
//! of every department (`departments.html`).
//!
//! Owns: the department views and their rendering. Must not: write files
//! (pages go to the caller's [`super::Put`]) or read a project's full
//! sheet (department pages are made from slim projects).

use std::collections::BTreeMap;

use minijinja::Value;
use serde::Serialize;

use crate::content::{Content, Project, Series};
use crate::fiscal::FiscalYear;
use crate::model::Department;

use super::view::{
    cost_cells, costs, period_heads, summary_tables, CostHead, PeriodHead, ProjectRows,
    SummaryTable, YearCostView,
};
use super::Pages;

#[derive(Serialize)]
struct DeptSeriesView {
    id: String,
    title: String,
    periods: Vec<PeriodHead>,
    /// The [`super::view::ProjectRow`]s ([`super::rows::RowSet`]).
    rows: Value,
    /// The header of the table's cost column (none: no such column).
    cost: Option<CostHead>,
    /// What one project of the series is called.
    noun: String,
    summaries: Vec<SummaryTable>,
    costs: Vec<YearCostView>,
}

#[derive(Serialize)]
struct DepartmentView {
    id: String,
    name: String,
    former_names: Vec<NameView>,
    division: Option<String>,
    notes: Vec<String>,
    series: Vec<DeptSeriesView>,
    count: usize,
    downloads: Vec<String>,
}

#[derive(Serialize)]
struct NameView {
    name: String,
    years: String,
}

#[derive(Serialize)]
pub(super) struct DeptListRow {
    id: String,
    name: String,
    former_names: Vec<String>,
    division: Option<String>,
    count: usize,
}

fn years_text(from: Option<FiscalYear>, until: Option<FiscalYear>) -> String {
    match (from, until) {
        (None, None) => "年度不明".into(),
        (Some(f), None) => format!("{}〜", f.wareki()),
        (None, Some(u)) => format!("〜{}", u.wareki()),
        (Some(f), Some(u)) if f == u => f.wareki(),
        (Some(f), Some(u)) => format!("{}〜{}", f.wareki(), u.wareki()),
    }
}

/// The page of every department, made in parallel, then the list of them
/// all; returns the list's rows (the home page shows them too).
pub(super) fn pages(pages: &mut Pages, content: &Content, base: &ProjectRows) -> Vec<DeptListRow> {
    let mut by_dept: BTreeMap<&str, Vec<(&Series, &Project)>> = BTreeMap::new();
    for (s, p) in content.projects() {
        by_dept
            .entry(p.doc.department.as_str())
            .or_default()
            .push((s, p));
    }
    let rows = pages.each(&content.org.departments, |p, dept| {
        page(p, content, &by_dept, dept, base)
    });
    pages.page(
        "departments.html",
        "departments.html",
        minijinja::context! { departments => Value::from_serialize(&rows) },
    );
    rows
}

/// Makes the page of one department (`by_dept`: every department's
/// projects, in site order); returns its row in the list.
fn page(
    pages: &mut Pages,
    content: &Content,
    by_dept: &BTreeMap<&str, Vec<(&Series, &Project)>>,
    dept: &Department,
    base: &ProjectRows,
) -> DeptListRow {
    let items = by_dept.get(dept.id.as_str()).cloned().unwrap_or_default();
    let division = dept
        .division
        .as_deref()
        .and_then(|d| content.division(d))
        .map(|d| d.name.clone());
    let path = format!("departments/{}.html", dept.id);
    let rows = pages.rows(&path);
    let mut series_views = Vec::new();
    let mut overflow = None;
    for series in &content.series {
        let ps: Vec<&Project> = items
            .iter()
            .filter(|(s, _)| s.id == series.id)
            .map(|(_, p)| *p)
            .collect();
        if ps.is_empty() {
            continue;
        }
        let pairs: Vec<(&Series, &Project)> = ps.iter().map(|p| (series, *p)).collect();
        let (cost, cells) = cost_cells(&pairs);
        series_views.push(DeptSeriesView {
            id: series.id.clone(),
            title: series.doc.title.clone(),
            noun: series.doc.noun().to_string(),
            periods: period_heads(series),
            rows: base.table(&rows, ps.iter().copied().zip(cells)),
            cost,
            summaries: summary_tables(series, &[], &ps),
            costs: if series.doc.has(crate::model::Section::Costs) {
                costs(ps.iter().copied(), series.doc.money_unit, &mut overflow)
            } else {
                Vec::new()
            },
        });
    }
    let view = DepartmentView {
        id: dept.id.clone(),
        name: dept.current_name().to_string(),
        former_names: dept
            .names
            .iter()
            .take(dept.names.len().saturating_sub(1))
            .map(|n| NameView {
                name: n.name.clone(),
                years: years_text(n.from, n.until),
            })
            .collect(),
        division: division.clone(),
        notes: dept.notes.clone(),
        count: items.len(),
        series: series_views,
        downloads: crate::export::department_files(&dept.id),
    };
    let row = DeptListRow {
        id: dept.id.clone(),
        name: dept.current_name().to_string(),
        former_names: dept
            .former_names()
            .into_iter()
            .map(str::to_string)
            .collect(),
        division,
        count: items.len(),
    };
    let html = pages.r.page_bytes(
        &path,
        "department.html",
        minijinja::context! { department => Value::from_serialize(&view) },
        rows.size_hint(),
    );
    pages.push_rows(path, overflow.map_or(html, Err), &rows);
    row
}
