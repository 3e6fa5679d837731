//! The page of one project (`projects/<id>.html`): its view, with the cost
//! chart and one chart per indicator.
//!
//! Owns: the project page's view types and [`view`], which builds them (and
//! draws the charts through [`crate::charts`]). Must not: read other
//! projects (a project page is made alone, streamed, while the others are
//! not in memory) or write files; the page's path is
//! [`super::project_page`].

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::aggregate;
use crate::content::{Content, Project, Series};
use crate::format;
use crate::model::Section;

use super::view::{
    amount, dept_ref, md, rating_view, source_view, Amount, DeptRef, RatingView, SourceView,
};

fn opt_staff(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |x| format!("{}人", format::staff(x)))
}

#[derive(Serialize)]
struct YearView {
    label: String,
    short: String,
    budget: Amount,
    settlement: Amount,
    estimated: bool,
    regular_staff: String,
    regular_staff_cost: Amount,
    part_time_staff: String,
    temporary_staff: String,
    activities: Vec<(String, String)>,
}

#[derive(Serialize)]
struct IndicatorRow {
    year: String,
    target: String,
    result: String,
    achievement: String,
    remark: Option<String>,
}

#[derive(Serialize)]
struct IndicatorView {
    name: String,
    rationale: Option<String>,
    unit: Option<String>,
    rows: Vec<IndicatorRow>,
    unmet_reason: Option<String>,
    chart: Option<String>,
}

#[derive(Serialize)]
struct EvaluationView {
    period: String,
    rating: Option<RatingView>,
    reason_html: Option<String>,
    improvements_html: Option<String>,
    challenges_html: Option<String>,
    next_steps_html: Option<String>,
    evaluator: Option<String>,
    remark: Option<String>,
}

#[derive(Serialize)]
pub(super) struct ProjectView {
    id: String,
    name: String,
    file: String,
    series_id: String,
    series_title: String,
    department: DeptRef,
    department_name_then: Option<String>,
    group_name: Option<String>,
    group_label: Option<String>,
    summary_html: Option<String>,
    account: Option<&'static str>,
    account_list: Option<String>,
    plan_rank: Option<&'static str>,
    kind: Option<&'static str>,
    period: Option<String>,
    legal_basis: Vec<String>,
    general_plan: Option<(String, String)>,
    money_unit: &'static str,
    years: Vec<YearView>,
    indicators: Vec<IndicatorView>,
    evaluations: Vec<EvaluationView>,
    sdgs: Option<SdgsView>,
    source: Option<SourceView>,
    /// The transcription record (shown folded after the sheet, with the
    /// source's note on how it was transcribed).
    notes: Vec<String>,
    downloads: Vec<String>,
    cost_chart: Option<String>,
    /// The parts of the sheet the series has, by [`Section::id`].
    has: BTreeMap<&'static str, bool>,
    /// What one project of the series is called (事業, システム).
    noun: String,
    /// Whether the series has any part of the 事務事業評価シート's head
    /// (会計…総合計画): the printed page then uses the sheet's layout.
    sheet: bool,
}

#[derive(Serialize)]
struct SdgsView {
    goals: Vec<GoalLink>,
    method_goals: Vec<GoalLink>,
    how: Option<String>,
}

/// An SDG goal and the list page of its projects.
#[derive(Serialize)]
struct GoalLink {
    n: u8,
    list: String,
}

fn goal_links(goals: &[u8]) -> Vec<GoalLink> {
    goals
        .iter()
        .map(|&n| GoalLink {
            n,
            list: super::lists::sdg_page(n),
        })
        .collect()
}

/// Runs `f`, adding its duration to `acc`.
fn timed<T>(acc: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let v = f();
    *acc += start.elapsed();
    v
}

/// The view of one project's page; time spent drawing charts goes to
/// `chart_time`.
pub(super) fn view(
    content: &Content,
    series: &Series,
    p: &Project,
    downloads: Vec<String>,
    chart_time: &mut Duration,
) -> ProjectView {
    let unit = series.doc.money_unit;
    let d = &p.doc;
    let has = |s: Section| series.doc.has(s);
    let by_year = has(Section::Costs) || has(Section::Staff) || has(Section::Activities);
    let first_eval_year = series
        .doc
        .periods
        .iter()
        .find(|per| d.evaluations.iter().any(|e| e.period == per.id))
        .map(|per| per.until);
    let dept = content.department(&d.department);
    let name_then = match (dept, first_eval_year) {
        (Some(dep), Some(y)) => dep
            .name_in(y)
            .filter(|n| *n != dep.current_name())
            .map(str::to_string),
        _ => None,
    };
    let group_label = d
        .group
        .as_deref()
        .and_then(|g| series.doc.group_label(g))
        .map(str::to_string);
    let years: Vec<YearView> = d
        .fiscal_years
        .iter()
        .filter(|_| by_year)
        .map(|f| YearView {
            label: f.year.display_ja(),
            short: f.year.short(),
            budget: amount(f.budget, unit),
            settlement: amount(f.settlement, unit),
            estimated: f.settlement_estimated,
            regular_staff: opt_staff(f.regular_staff),
            regular_staff_cost: amount(f.regular_staff_cost, unit),
            part_time_staff: opt_staff(f.part_time_staff),
            temporary_staff: opt_staff(f.temporary_staff),
            activities: f
                .activities
                .iter()
                .filter(|_| has(Section::Activities))
                .map(|a| {
                    (
                        a.item.clone(),
                        a.result.clone().unwrap_or_else(|| "—".into()),
                    )
                })
                .collect(),
        })
        .collect();
    let cost_points: Vec<crate::charts::CostPoint> = d
        .fiscal_years
        .iter()
        .map(|f| {
            let costs = has(Section::Costs);
            crate::charts::CostPoint {
                label: f.year.short(),
                budget: f.budget.filter(|_| costs),
                settlement: f.settlement.filter(|_| costs),
                settlement_estimated: f.settlement_estimated && costs,
                staff_cost: f.regular_staff_cost.filter(|_| has(Section::Staff)),
            }
        })
        .collect();
    let indicators = d
        .indicators
        .iter()
        .filter(|_| has(Section::Indicators))
        .map(|ind| {
            let unit_s = ind.unit.clone().unwrap_or_default();
            let fmt = |v: Option<f64>| match v {
                Some(x) => format!("{}{}", format::number(x), unit_s),
                None => "—".to_string(),
            };
            let points: Vec<crate::charts::IndicatorPoint> = ind
                .values
                .iter()
                .map(|v| crate::charts::IndicatorPoint {
                    label: v.year.short(),
                    target: v.target,
                    result: v.result,
                    achievement: aggregate::achievement(v.target, v.result, ind.higher_is_better),
                })
                .collect();
            IndicatorView {
                name: ind.name.clone(),
                rationale: ind.rationale.clone(),
                unit: ind.unit.clone(),
                rows: ind
                    .values
                    .iter()
                    .map(|v| IndicatorRow {
                        year: v.year.display_ja(),
                        target: fmt(v.target),
                        result: fmt(v.result),
                        achievement: aggregate::achievement(
                            v.target,
                            v.result,
                            ind.higher_is_better,
                        )
                        .map_or_else(|| "—".into(), |a| format!("{}%", format::number(a))),
                        remark: v.remark.clone(),
                    })
                    .collect(),
                unmet_reason: ind.unmet_reason.clone(),
                chart: timed(chart_time, || {
                    crate::charts::indicator_chart(
                        &format!("成果指標「{}」の目標と実績", ind.name),
                        ind.unit.as_deref(),
                        &points,
                    )
                }),
            }
        })
        .collect();
    let cost_chart = if has(Section::Costs) || has(Section::Staff) {
        timed(chart_time, || {
            crate::charts::cost_chart("経費の推移", unit.label(), &cost_points)
        })
    } else {
        None
    };
    let gate = |s: Section, v: &Option<String>| if has(s) { md(v) } else { None };
    let evaluations = series
        .doc
        .periods
        .iter()
        .filter_map(|per| {
            d.evaluations
                .iter()
                .find(|e| e.period == per.id)
                .map(|e| (per, e))
        })
        .map(|(per, e)| EvaluationView {
            period: per.label.clone(),
            rating: rating_view(series, &per.id, e.rating.as_deref()),
            reason_html: gate(Section::Reason, &e.reason),
            improvements_html: gate(Section::Improvements, &e.improvements),
            challenges_html: gate(Section::Challenges, &e.challenges),
            next_steps_html: gate(Section::NextSteps, &e.next_steps),
            evaluator: e
                .evaluator
                .as_ref()
                .filter(|_| has(Section::Evaluator))
                .map(|ev| {
                    [ev.title.as_deref(), ev.name.as_deref()]
                        .into_iter()
                        .map(|x| x.unwrap_or("—"))
                        .collect::<Vec<_>>()
                        .join("　")
                }),
            remark: e.remark.clone(),
        })
        .collect();
    let account = d.account.filter(|_| has(Section::Account));
    let source = source_view(series, &d.source.document, d.source.page, d.source.position);
    ProjectView {
        id: p.id.clone(),
        name: d.name.clone(),
        file: p.file.clone(),
        series_id: series.id.clone(),
        series_title: series.doc.title.clone(),
        department: dept_ref(content, &d.department),
        department_name_then: name_then,
        group_name: series.doc.grouping.as_ref().map(|g| g.name.clone()),
        group_label,
        summary_html: gate(Section::Summary, &d.summary),
        account: account.map(|a| a.label()),
        account_list: account.map(super::lists::account_page),
        plan_rank: d
            .plan_rank
            .filter(|_| has(Section::PlanRank))
            .map(|a| a.label()),
        kind: d.kind.filter(|_| has(Section::Kind)).map(|a| a.label()),
        period: d
            .period
            .as_ref()
            .filter(|_| has(Section::Period))
            .map(|per| {
                let s = per
                    .start
                    .map_or_else(|| "—".to_string(), |y| y.display_ja());
                match per.end {
                    Some(e) => format!("{s}〜{}", e.display_ja()),
                    None => format!("{s}〜"),
                }
            }),
        legal_basis: if has(Section::LegalBasis) {
            d.legal_basis.clone()
        } else {
            Vec::new()
        },
        general_plan: d
            .general_plan
            .as_ref()
            .filter(|_| has(Section::GeneralPlan))
            .map(|g| {
                (
                    g.chapter.clone().unwrap_or_else(|| "—".into()),
                    g.section.clone().unwrap_or_else(|| "—".into()),
                )
            }),
        money_unit: unit.label(),
        years,
        indicators,
        evaluations,
        sdgs: d
            .sdgs
            .as_ref()
            .filter(|_| has(Section::Sdgs))
            .map(|s| SdgsView {
                goals: goal_links(&s.goals),
                method_goals: goal_links(&s.method_goals),
                how: s.how.clone(),
            }),
        source,
        notes: d.notes.clone(),
        downloads,
        cost_chart,
        has: Section::ALL.iter().map(|&s| (s.id(), has(s))).collect(),
        noun: series.doc.noun().to_string(),
        sheet: [
            Section::Account,
            Section::PlanRank,
            Section::Kind,
            Section::Period,
            Section::LegalBasis,
            Section::GeneralPlan,
        ]
        .into_iter()
        .any(has),
    }
}
