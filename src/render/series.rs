//! The page of each series (`series/<id>.html`): every project of the
//! series, by group, with rating summaries and yearly costs.
//!
//! Owns: the series page's view and its rendering. Must not: write files
//! (pages go to the caller's [`super::Put`]) or read a project's full
//! sheet (series pages are made from slim projects).

use std::collections::HashMap;

use minijinja::Value;
use serde::Serialize;

use crate::aggregate;
use crate::content::{Content, Project, Series};
use crate::model::Section;

use super::home::{self, HomeSeries};
use super::view::{
    cost_cells, costs, level_view, md, period_heads, source_view, summary_tables, CostCell,
    CostHead, PeriodHead, ProjectRows, RatingView, SourceView, SummaryTable, YearCostView,
};
use super::Pages;

#[derive(Serialize)]
struct GroupView {
    id: String,
    label: String,
    /// The group's [`super::view::ProjectRow`]s ([`super::rows::RowSet`]).
    rows: Value,
}

#[derive(Serialize)]
struct SeriesView {
    id: String,
    title: String,
    description_html: Option<String>,
    grouping_name: String,
    scale: Vec<RatingView>,
    summary_label: Option<String>,
    periods: Vec<PeriodHead>,
    /// Per period, each level's list page and count.
    level_lists: Vec<super::lists::PeriodLinks>,
    groups: Vec<GroupView>,
    /// The header of the tables' cost column (none: no such column).
    cost: Option<CostHead>,
    /// What one project of the series is called.
    noun: String,
    /// Whether any level of the scale has a label, a definition: the scale
    /// table drops a column no level fills and says so once instead.
    scale_labels: bool,
    scale_definitions: bool,
    summaries: Vec<SummaryTable>,
    costs: Vec<YearCostView>,
    money_unit: &'static str,
    count: usize,
    sources: Vec<SourceView>,
}

/// The page of every series, made in parallel (each lists every one of its
/// projects); returns each series' summary for the home page, in order.
pub(super) fn pages(pages: &mut Pages, content: &Content, rows: &ProjectRows) -> Vec<HomeSeries> {
    pages.each(&content.series, |p, series| page(p, content, series, rows))
}

/// Makes the page of one series; returns its summary for the home page.
fn page(pages: &mut Pages, content: &Content, series: &Series, base: &ProjectRows) -> HomeSeries {
    let path = format!("series/{}.html", series.id);
    let rows = pages.rows(&path);
    let groups = aggregate::groups(content, series);
    let group_lists: Vec<(String, Vec<&Project>)> = groups
        .iter()
        .map(|g| (g.label.clone(), g.projects.clone()))
        .collect();
    let all: Vec<&Project> = series.projects.iter().collect();
    let summaries = summary_tables(series, &group_lists, &all);
    let mut overflow = None;
    // One cost column for every group's table: the same year and kind.
    let pairs: Vec<(&Series, &Project)> = all.iter().map(|p| (series, *p)).collect();
    let (cost, cells) = cost_cells(&pairs);
    let cells: HashMap<&str, Option<CostCell>> =
        all.iter().map(|p| p.id.as_str()).zip(cells).collect();
    let has_costs = series.doc.has(Section::Costs);
    let view = SeriesView {
        cost,
        noun: series.doc.noun().to_string(),
        scale_labels: series.doc.scale.iter().any(|l| l.label.is_some()),
        scale_definitions: series.doc.scale.iter().any(|l| l.definition.is_some()),
        id: series.id.clone(),
        title: series.doc.title.clone(),
        description_html: md(&series.doc.description),
        grouping_name: series
            .doc
            .grouping
            .as_ref()
            .map_or_else(|| "部".to_string(), |g| g.name.clone()),
        scale: series.doc.scale.iter().map(level_view).collect(),
        summary_label: (!series.doc.summary_codes.is_empty())
            .then(|| format!("{}評価の割合", series.doc.summary_codes.join("または"))),
        periods: period_heads(series),
        level_lists: super::lists::period_links(series),
        groups: groups
            .iter()
            .map(|g| GroupView {
                id: g.id.clone(),
                label: g.label.clone(),
                rows: base.table(
                    &rows,
                    g.projects
                        .iter()
                        .map(|p| (*p, cells.get(p.id.as_str()).cloned().flatten())),
                ),
            })
            .collect(),
        costs: if has_costs {
            costs(all.iter().copied(), series.doc.money_unit, &mut overflow)
        } else {
            Vec::new()
        },
        summaries,
        money_unit: series.doc.money_unit.label(),
        count: series.projects.len(),
        sources: series
            .doc
            .sources
            .iter()
            .filter_map(|s| source_view(series, &s.id, None, None))
            .collect(),
    };
    let home = home::series_summary(series, &all);
    let html = pages.r.page_bytes(
        &path,
        "series.html",
        minijinja::context! { series => Value::from_serialize(&view) },
        rows.size_hint(),
    );
    pages.push_rows(path, overflow.map_or(html, Err), &rows);
    home
}
