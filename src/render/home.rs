//! The home page (`index.html`): each series' rating summary and yearly
//! costs, and the list of departments.
//!
//! Owns: the home page's view and its rendering. Must not: write files
//! (the page goes to the caller's [`super::Put`]).

use minijinja::Value;
use serde::Serialize;

use crate::content::{Content, Project, Series};

use super::departments::DeptListRow;
use super::lists::ListIndex;
use super::view::{costs as costs_of, summary_tables, SummaryTable, YearCostView};
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

/// The yearly costs of each series that has them, by series title.
pub(super) type Costs = Vec<(String, Vec<YearCostView>)>;

/// The home page's yearly costs (made beforehand, with the pages that do
/// not wait for the data files); a total too large is one of `r`'s
/// problems.
pub(super) fn costs(r: &mut Pages, content: &Content) -> Costs {
    let mut all_costs: Costs = Vec::new();
    let mut overflow = None;
    for s in content
        .series
        .iter()
        .filter(|s| s.doc.has(crate::model::Section::Costs))
    {
        all_costs.push((
            s.doc.title.clone(),
            costs_of(s.projects.iter(), s.doc.money_unit, &mut overflow),
        ));
    }
    r.diags.0.extend(overflow);
    all_costs
}

/// Renders `index.html` (`dataset_ld`: the site's `Dataset` JSON-LD).
pub(super) fn page(
    r: &mut Pages,
    content: &Content,
    home_series: &[HomeSeries],
    dept_rows: &[DeptListRow],
    lists: &ListIndex,
    all_costs: &Costs,
    dataset_ld: &str,
) {
    r.page(
        "index.html",
        "index.html",
        minijinja::context! {
            series => Value::from_serialize(home_series),
            costs => Value::from_serialize(all_costs),
            departments => Value::from_serialize(dept_rows),
            project_count => content.project_count(),
            lists => Value::from_serialize(lists),
            description => super::meta::site_description(content),
            jsonld => dataset_ld,
        },
    );
}
