//! The view types more than one page shows (amounts, ratings, project
//! rows, rating summaries, yearly costs, sources) and the functions that
//! build them from the content.
//!
//! Owns: turning content into plain serializable data for the templates.
//! Must not: render templates, write files or decide paths (that is the
//! page modules and [`super::Renderer`]); never writes to disk.

use serde::Serialize;

use crate::aggregate::{self, Distribution, YearCost};
use crate::content::{Content, Project, Series};
use crate::diag::{Diagnostic, Pos};
use crate::fiscal::FiscalYear;
use crate::format;
use crate::model::{MoneyUnit, ScaleLevel};

/// An amount: the exact figure and its reading form.
#[derive(Serialize, Clone)]
pub(super) struct Amount {
    value: Option<i64>,
    text: String,
    yen: Option<String>,
}

pub(super) fn amount(v: Option<i64>, unit: MoneyUnit) -> Amount {
    Amount {
        value: v,
        text: v.map_or_else(
            || "—".to_string(),
            |n| format!("{}{}", format::thousands(n), unit.label()),
        ),
        yen: v.map(|n| format!("{}円", format::thousands(n.saturating_mul(unit.yen())))),
    }
}

pub(super) fn md(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(format::markdown)
}

#[derive(Serialize, Clone)]
pub(super) struct RatingView {
    code: String,
    label: Option<String>,
    color: String,
    definition: Option<String>,
    /// The list page of every project with this rating in this period
    /// (path from the site root), when the rating is from a period.
    list: Option<String>,
    /// The period's label, for the link's accessible text.
    period: Option<String>,
    /// What the series calls one project, for the same text.
    noun: Option<String>,
}

/// The rating `code` of `series` given in `period` (an id of the series'
/// periods); its badge links to the list page of that rating.
pub(super) fn rating_view(series: &Series, period: &str, code: Option<&str>) -> Option<RatingView> {
    let code = code?;
    let level = series.doc.level(code);
    let per = series.doc.periods.iter().find(|p| p.id == period);
    Some(RatingView {
        code: code.to_string(),
        label: level.and_then(|l| l.label.clone()),
        color: level.map_or_else(|| "#57606a".into(), |l| l.color.clone()),
        definition: level.and_then(|l| l.definition.clone()),
        list: per.and_then(|per| super::lists::rating_page(series, &per.id, code)),
        period: per.map(|per| per.label.clone()),
        noun: Some(series.doc.noun().to_string()),
    })
}

/// One level of a series' scale, as its legend shows it.
pub(super) fn level_view(l: &ScaleLevel) -> RatingView {
    RatingView {
        code: l.code.clone(),
        label: l.label.clone(),
        color: l.color.clone(),
        definition: l.definition.clone(),
        list: None,
        period: None,
        noun: None,
    }
}

#[derive(Serialize, Clone)]
pub(super) struct DeptRef {
    id: String,
    name: String,
}

#[derive(Serialize)]
pub(super) struct SourceView {
    title: String,
    publisher: String,
    published: Option<String>,
    url: Option<String>,
    note: Option<String>,
    page: Option<u32>,
    position: Option<u32>,
}

/// One row of a project table (series, department and home pages).
#[derive(Serialize, Clone)]
pub(super) struct ProjectRow {
    id: String,
    name: String,
    series_id: String,
    series_title: String,
    department: DeptRef,
    ratings: Vec<Option<RatingView>>,
    cost: Option<CostCell>,
}

#[derive(Serialize)]
pub(super) struct PeriodHead {
    id: String,
    label: String,
}

#[derive(Serialize)]
struct SummaryRow {
    label: String,
    /// The chart's caption (also its SVG `<title>`).
    title: String,
    dist: Distribution,
    chart: String,
}

#[derive(Serialize)]
pub(super) struct SummaryTable {
    period: String,
    caption: String,
    rows: Vec<SummaryRow>,
    total: Distribution,
    chart: Option<String>,
}

#[derive(Serialize)]
pub(super) struct YearCostView {
    label: String,
    budget: Amount,
    settlement: Amount,
    staff_cost: Amount,
    includes_estimates: bool,
    projects_with_settlement: usize,
}

/// Cost totals of `projects` for a page. A total that does not fit
/// ([`aggregate::Overflow`]) becomes the page's error in `err`, never a figure.
pub(super) fn costs<'a>(
    projects: impl IntoIterator<Item = &'a Project>,
    unit: MoneyUnit,
    err: &mut Option<Diagnostic>,
) -> Vec<YearCostView> {
    match aggregate::cost_by_year(projects, unit) {
        Ok(c) => cost_views(&c, unit),
        Err(o) => {
            err.get_or_insert_with(|| {
                Diagnostic::new(std::path::Path::new(&o.file), Pos::START, o.to_string()).hint(
                    format!(
                        "1件の金額の上限は {}{} です。金額の単位と桁を確かめてください",
                        format::thousands(crate::model::MAX_AMOUNT),
                        unit.label()
                    ),
                )
            });
            Vec::new()
        }
    }
}

fn cost_views(costs: &[YearCost], unit: MoneyUnit) -> Vec<YearCostView> {
    costs
        .iter()
        .map(|c| YearCostView {
            label: FiscalYear(c.year).display_ja(),
            budget: amount(Some(c.budget), unit),
            settlement: amount(Some(c.settlement), unit),
            staff_cost: amount(Some(c.staff_cost), unit),
            includes_estimates: c.includes_estimates,
            projects_with_settlement: c.projects_with_settlement,
        })
        .collect()
}

pub(super) fn dept_ref(content: &Content, id: &str) -> DeptRef {
    DeptRef {
        id: id.to_string(),
        name: content
            .department(id)
            .map_or_else(|| id.to_string(), |d| d.current_name().to_string()),
    }
}

/// The header of a list's cost column: 「決算額（令和元年度、千円）」.
#[derive(Serialize, Clone)]
pub(super) struct CostHead {
    /// 決算額, or 予算現額 when no row has a 決算額.
    title: &'static str,
    /// The year, and the unit when every row shares it.
    detail: String,
}

/// One row's cell of the cost column.
#[derive(Serialize, Clone)]
pub(super) struct CostCell {
    amount: Amount,
    /// In yen, for sorting across series of different units.
    yen: i64,
    /// 見込み or 予算 when the figure is not a final 決算額 (in a 決算額
    /// column).
    mark: Option<&'static str>,
}

/// The cost column of a table of `rows` ([`aggregate::cost::cost_column`]:
/// one year, one kind): its header, or none when no row has a figure (or
/// no row's series has costs), and one cell per row.
pub(super) fn cost_cells(
    rows: &[(&Series, &Project)],
) -> (Option<CostHead>, Vec<Option<CostCell>>) {
    use crate::model::Section;
    use aggregate::cost::{cost_column, CostKind};
    let years: Vec<&[crate::model::FiscalYearRecord]> = rows
        .iter()
        .map(|(s, p)| {
            if s.doc.has(Section::Costs) {
                p.doc.fiscal_years.as_slice()
            } else {
                &[]
            }
        })
        .collect();
    let Some(col) = cost_column(&years) else {
        return (None, rows.iter().map(|_| None).collect());
    };
    let mut units = rows
        .iter()
        .zip(&col.figures)
        .filter(|(_, f)| f.is_some())
        .map(|((s, _), _)| s.doc.money_unit);
    let first = units.next();
    let unit = first.filter(|u| units.all(|v| v == *u));
    let detail = match unit {
        Some(u) => format!("{}、{}", col.year.wareki(), u.label()),
        None => col.year.wareki(),
    };
    let head = CostHead {
        title: match col.kind {
            CostKind::Budget => "予算現額",
            _ => "決算額",
        },
        detail,
    };
    let cells = rows
        .iter()
        .zip(col.figures)
        .map(|((s, _), f)| {
            let f = f?;
            let unit = s.doc.money_unit;
            Some(CostCell {
                amount: amount(Some(f.amount), unit),
                yen: f.amount.saturating_mul(unit.yen()),
                mark: match (col.kind, f.kind) {
                    (_, CostKind::EstimatedSettlement) => Some("見込み"),
                    (CostKind::Budget, CostKind::Budget) => None,
                    (_, CostKind::Budget) => Some("予算"),
                    (_, CostKind::Settlement) => None,
                },
            })
        })
        .collect();
    (Some(head), cells)
}

/// The row of `p` in a project table, with its cell of the table's cost
/// column ([`cost_cells`]).
pub(super) fn project_row(
    content: &Content,
    series: &Series,
    p: &Project,
    cost: Option<CostCell>,
) -> ProjectRow {
    ProjectRow {
        id: p.id.clone(),
        name: p.doc.name.clone(),
        series_id: series.id.clone(),
        series_title: series.doc.title.clone(),
        department: dept_ref(content, &p.doc.department),
        ratings: series
            .doc
            .periods
            .iter()
            .map(|per| rating_view(series, &per.id, aggregate::rating(p, &per.id)))
            .collect(),
        cost,
    }
}

/// Every project's [`ProjectRow`] without a cost, made once for the series
/// and department pages, by project id; a table's row is made from it
/// (with the table's cost cell) only when it is rendered.
pub(super) struct ProjectRows {
    rows: super::rows::BaseRows<ProjectRow>,
    at: std::collections::HashMap<String, usize>,
}

impl ProjectRows {
    pub(super) fn new(content: &Content) -> ProjectRows {
        use rayon::prelude::*;
        let pairs: Vec<(&Series, &Project)> = content.projects().collect();
        let rows = pairs
            .par_iter()
            .map(|&(s, p)| project_row(content, s, p, None))
            .collect();
        let at = pairs
            .iter()
            .enumerate()
            .map(|(i, (_, p))| (p.id.clone(), i))
            .collect();
        ProjectRows {
            rows: super::rows::BaseRows::new("project_row", rows),
            at,
        }
    }

    /// The rows of `projects`, each with its cost cell, as a table of
    /// `page` ([`super::rows::RowSet`]).
    pub(super) fn table<'p>(
        &self,
        page: &std::sync::Arc<super::rows::PageRows>,
        projects: impl Iterator<Item = (&'p Project, Option<CostCell>)>,
    ) -> minijinja::Value {
        let picked = projects
            .filter_map(|(p, cost)| Some((*self.at.get(&p.id)?, cost)))
            .collect();
        self.rows.table(page, picked, |r, cost| ProjectRow {
            cost: cost.clone(),
            ..r.clone()
        })
    }
}

pub(super) fn period_heads(series: &Series) -> Vec<PeriodHead> {
    series
        .doc
        .periods
        .iter()
        .map(|p| PeriodHead {
            id: p.id.clone(),
            label: p.label.clone(),
        })
        .collect()
}

pub(super) fn summary_tables<'a>(
    series: &Series,
    groups: &[(String, Vec<&'a Project>)],
    all: &[&'a Project],
) -> Vec<SummaryTable> {
    series
        .doc
        .periods
        .iter()
        .map(|per| {
            let total = aggregate::distribution(series, &per.id, all.iter().copied());
            // The caption names the period only: the page's heading above
            // names the series or department (the SVG's title is the same).
            let caption = format!("{}の評価結果", per.label);
            SummaryTable {
                period: per.label.clone(),
                chart: Some(crate::charts::rating_chart(&caption, &total)),
                caption,
                rows: groups
                    .iter()
                    .map(|(label, ps)| {
                        let dist = aggregate::distribution(series, &per.id, ps.iter().copied());
                        let title = format!("{}の評価結果（{label}）", per.label);
                        SummaryRow {
                            chart: crate::charts::rating_chart(&title, &dist),
                            title,
                            label: label.clone(),
                            dist,
                        }
                    })
                    .collect(),
                total,
            }
        })
        .collect()
}

pub(super) fn source_view(
    series: &Series,
    id: &str,
    page: Option<u32>,
    position: Option<u32>,
) -> Option<SourceView> {
    series
        .doc
        .sources
        .iter()
        .find(|s| s.id == id)
        .map(|s| SourceView {
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            published: s.published.clone(),
            url: s.url.clone(),
            note: s.note.clone(),
            page,
            position,
        })
}
