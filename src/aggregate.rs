//! Aggregation: pure functions from the content to the numbers pages, charts
//! and downloads show (rating distributions, cost totals, achievement).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::{Content, Project, Series};
use crate::fiscal::FiscalYear;
use crate::model::Indicator;

/// Count of one rating level.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelCount {
    /// Code.
    pub code: String,
    /// Label (may be absent).
    pub label: Option<String>,
    /// Colour from the scale.
    pub color: String,
    /// Projects with this rating.
    pub count: usize,
    /// Share of the rated projects, in percent, rounded half up to an integer
    /// (as the reports print it).
    pub percent: u32,
    /// Exact share in percent.
    pub share: f64,
}

impl LevelCount {
    /// `count` projects at level `code`, out of `rated` rated projects.
    pub fn new(code: &str, label: Option<&str>, color: &str, count: usize, rated: usize) -> Self {
        LevelCount {
            code: code.to_string(),
            label: label.map(str::to_string),
            color: color.to_string(),
            count,
            percent: round_percent(count, rated),
            share: if rated == 0 {
                0.0
            } else {
                count as f64 * 100.0 / rated as f64
            },
        }
    }
}

/// How the projects of one set were rated in one period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Distribution {
    /// One entry per scale level, in scale order (zero counts included).
    pub levels: Vec<LevelCount>,
    /// Projects with a rating.
    pub rated: usize,
    /// Projects with an evaluation entry but no rating, or none at all.
    pub unrated: usize,
    /// Combined share of the series' `summary_codes`, rounded percent.
    pub summary_percent: Option<u32>,
    /// Count behind `summary_percent`.
    pub summary_count: usize,
}

/// Rounds a share to an integer percent, half up.
pub fn round_percent(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        return 0;
    }
    ((part as u64 * 200 + whole as u64) / (whole as u64 * 2)) as u32
}

/// The rating of `project` in `period`, if any.
pub fn rating<'a>(project: &'a Project, period: &str) -> Option<&'a str> {
    project
        .doc
        .evaluations
        .iter()
        .find(|e| e.period == period)
        .and_then(|e| e.rating.as_deref())
}

/// Distribution of ratings of `projects` in `period` on `series`' scale.
pub fn distribution<'a>(
    series: &Series,
    period: &str,
    projects: impl IntoIterator<Item = &'a Project>,
) -> Distribution {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unrated = 0;
    for p in projects {
        match rating(p, period) {
            Some(r) => *counts.entry(r).or_default() += 1,
            None => unrated += 1,
        }
    }
    let rated: usize = counts.values().sum();
    let levels: Vec<LevelCount> = series
        .doc
        .scale
        .iter()
        .map(|l| {
            let count = counts.get(l.code.as_str()).copied().unwrap_or(0);
            LevelCount::new(&l.code, l.label.as_deref(), &l.color, count, rated)
        })
        .collect();
    let summary_count: usize = levels
        .iter()
        .filter(|l| series.doc.summary_codes.contains(&l.code))
        .map(|l| l.count)
        .sum();
    Distribution {
        summary_percent: (!series.doc.summary_codes.is_empty() && rated > 0)
            .then(|| round_percent(summary_count, rated)),
        summary_count,
        levels,
        rated,
        unrated,
    }
}

/// A group of a series' projects: a grouping value, or a 部.
#[derive(Debug, Clone)]
pub struct Group<'a> {
    /// Group id (`""` for projects without one).
    pub id: String,
    /// Label.
    pub label: String,
    /// Projects in file order.
    pub projects: Vec<&'a Project>,
}

/// Splits a series into its groups: by the series' grouping when it has
/// one (in its order), otherwise by the 部 of each project's department.
pub fn groups<'a>(content: &Content, series: &'a Series) -> Vec<Group<'a>> {
    if let Some(g) = &series.doc.grouping {
        return g
            .groups
            .iter()
            .map(|def| Group {
                id: def.id.clone(),
                label: def.label.clone(),
                projects: series
                    .projects
                    .iter()
                    .filter(|p| p.doc.group.as_deref() == Some(def.id.as_str()))
                    .collect(),
            })
            .collect();
    }
    let mut by_div: BTreeMap<String, Group<'a>> = BTreeMap::new();
    for p in &series.projects {
        let div = content
            .department(&p.doc.department)
            .and_then(|d| d.division.as_deref())
            .and_then(|id| content.division(id));
        let (id, label) = match div {
            Some(d) => (d.id.clone(), d.name.clone()),
            None => (String::new(), "部の記載なし".to_string()),
        };
        by_div
            .entry(id.clone())
            .or_insert_with(|| Group {
                id,
                label,
                projects: Vec::new(),
            })
            .projects
            .push(p);
    }
    // Named divisions first (by id), the unknown bucket last.
    let mut v: Vec<Group<'a>> = by_div.into_values().collect();
    v.sort_by_key(|g| (g.id.is_empty(), g.id.clone()));
    v
}

/// Money totals of one fiscal year, in the series' unit.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct YearCost {
    /// Fiscal year.
    pub year: u16,
    /// 和暦.
    pub wareki: String,
    /// Sum of 予算現額 over projects that state it.
    pub budget: i64,
    /// Sum of 決算額.
    pub settlement: i64,
    /// Sum of 正規職員人件費.
    pub staff_cost: i64,
    /// Projects contributing a settlement figure.
    pub projects_with_settlement: usize,
    /// Whether any settlement in the sum is an estimate (見込み).
    pub includes_estimates: bool,
}

/// Cost totals per fiscal year over `projects`, oldest first.
pub fn cost_by_year<'a>(projects: impl IntoIterator<Item = &'a Project>) -> Vec<YearCost> {
    let mut m: BTreeMap<FiscalYear, YearCost> = BTreeMap::new();
    for p in projects {
        for fy in &p.doc.fiscal_years {
            let e = m.entry(fy.year).or_insert_with(|| YearCost {
                year: fy.year.0,
                wareki: fy.year.wareki(),
                ..YearCost::default()
            });
            e.budget += fy.budget.unwrap_or(0);
            if let Some(s) = fy.settlement {
                e.settlement += s;
                e.projects_with_settlement += 1;
                e.includes_estimates |= fy.settlement_estimated;
            }
            e.staff_cost += fy.regular_staff_cost.unwrap_or(0);
        }
    }
    m.into_values().collect()
}

/// Achievement in percent (result ÷ target, or target ÷ result when lower
/// is better); `None` when either is missing or the divisor is zero.
pub fn achievement(
    target: Option<f64>,
    result: Option<f64>,
    higher_is_better: bool,
) -> Option<f64> {
    let (t, r) = (target?, result?);
    let (num, den) = if higher_is_better { (r, t) } else { (t, r) };
    (den != 0.0).then(|| (num / den * 1000.0).round() / 10.0)
}

/// Achievement of `indicator` in `year`.
pub fn indicator_achievement(indicator: &Indicator, year: FiscalYear) -> Option<f64> {
    let v = indicator.values.iter().find(|v| v.year == year)?;
    achievement(v.target, v.result, indicator.higher_is_better)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_matches_printed_reports() {
        // 表3-1 of the ICT report: 16 of 19 → 84%, 3 of 19 → 16%, 32/35 → 91%, 3/35 → 9%.
        assert_eq!(round_percent(16, 19), 84);
        assert_eq!(round_percent(3, 19), 16);
        assert_eq!(round_percent(32, 35), 91);
        assert_eq!(round_percent(3, 35), 9);
        assert_eq!(round_percent(1, 8), 13); // 12.5 rounds up
        assert_eq!(round_percent(0, 0), 0);
    }

    #[test]
    fn achievement_directions() {
        assert_eq!(achievement(Some(90.0), Some(82.9), true), Some(92.1));
        assert_eq!(achievement(Some(10.0), Some(20.0), false), Some(50.0));
        assert_eq!(achievement(Some(0.0), Some(5.0), true), None);
        assert_eq!(achievement(None, Some(5.0), true), None);
        assert_eq!(achievement(Some(16.0), None, true), None);
    }
}
