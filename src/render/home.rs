//! The home page (`index.html`): each series' rating summary and yearly
//! costs, and the list of departments.
//!
//! Owns: the home page's view and its rendering. Must not: write files
//! (the page goes back to [`super::rest`] as text).

use minijinja::Value;
use serde::Serialize;

use crate::content::{Content, Project, Series};

use super::departments::DeptListRow;
use super::lists::ListIndex;
use super::view::{costs, summary_tables, SummaryTable, YearCostView};
use super::Pages;

/// One series as the home page shows it.
#[derive(Serialize)]
pub(super) struct HomeSeries {
    id: String,
    title: String,
    count: usize,
    summaries: Vec<SummaryTable>,
}

/// The home page's summary of `series` (`all`: its projects).
pub(super) fn series_summary(series: &Series, all: &[&Project]) -> HomeSeries {
    HomeSeries {
        id: series.id.clone(),
        title: series.doc.title.clone(),
        count: series.projects.len(),
        summaries: summary_tables(series, &[], all),
    }
}

/// Renders `index.html`.
pub(super) fn page(
    r: &mut Pages,
    content: &Content,
    home_series: &[HomeSeries],
    dept_rows: &[DeptListRow],
    lists: &ListIndex,
) {
    let mut all_costs: Vec<(String, Vec<YearCostView>)> = Vec::new();
    let mut overflow = None;
    for s in content
        .series
        .iter()
        .filter(|s| s.doc.has(crate::model::Section::Costs))
    {
        all_costs.push((
            s.doc.title.clone(),
            costs(s.projects.iter(), s.doc.money_unit, &mut overflow),
        ));
    }
    r.diags.0.extend(overflow);
    r.page(
        "index.html",
        "index.html",
        minijinja::context! {
            series => Value::from_serialize(home_series),
            costs => Value::from_serialize(&all_costs),
            departments => Value::from_serialize(dept_rows),
            project_count => content.project_count(),
            lists => Value::from_serialize(lists),
            description => super::meta::site_description(content),
            jsonld => r.dataset_ld.clone(),
        },
    );
}
