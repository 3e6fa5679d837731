//! Aggregation: pure functions from the content to the numbers pages, charts
//! and downloads show (rating distributions, cost totals, achievement).

pub mod cost;
pub mod lists;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::{Content, Project, Series};
use crate::fiscal::FiscalYear;
use crate::model::{Indicator, MoneyUnit};

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

/// A money total that does not fit: the sum of one field over the projects
/// of one fiscal year passed `i64::MAX`, in the series' unit or in yen.
/// `hyoka check` bounds each amount ([`crate::model::MAX_AMOUNT`]), so only
/// thousands of projects at that bound in one year get here; the page that
/// would show the total is then an error, never a wrapped figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overflow {
    /// The fiscal year of the total.
    pub year: FiscalYear,
    /// The field summed, as the sheets label it (予算現額, 決算額, 正規職員人件費).
    pub field: &'static str,
    /// The project file (relative to the content folder) whose amount no
    /// longer fitted.
    pub file: String,
}

impl std::fmt::Display for Overflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}の{}の合計が大きすぎて計算できません",
            self.year.display_ja(),
            self.field
        )
    }
}

/// `total + amount`, when the sum and the sum in yen both fit in an i64.
pub fn add_amount(total: i64, amount: i64, unit: MoneyUnit) -> Option<i64> {
    let sum = total.checked_add(amount)?;
    sum.checked_mul(unit.yen())?;
    Some(sum)
}

/// Cost totals per fiscal year over `projects` (amounts in `unit`), oldest
/// first; [`Overflow`] when a total, or that total in yen, does not fit in
/// an i64.
pub fn cost_by_year<'a>(
    projects: impl IntoIterator<Item = &'a Project>,
    unit: MoneyUnit,
) -> Result<Vec<YearCost>, Overflow> {
    let mut m: BTreeMap<FiscalYear, YearCost> = BTreeMap::new();
    for p in projects {
        for fy in &p.doc.fiscal_years {
            let e = m.entry(fy.year).or_insert_with(|| YearCost {
                year: fy.year.0,
                wareki: fy.year.wareki(),
                ..YearCost::default()
            });
            let overflow = |field| Overflow {
                year: fy.year,
                field,
                file: p.file.clone(),
            };
            e.budget = add_amount(e.budget, fy.budget.unwrap_or(0), unit)
                .ok_or_else(|| overflow("予算現額"))?;
            if let Some(s) = fy.settlement {
                e.settlement =
                    add_amount(e.settlement, s, unit).ok_or_else(|| overflow("決算額"))?;
                e.projects_with_settlement += 1;
                e.includes_estimates |= fy.settlement_estimated;
            }
            e.staff_cost = add_amount(e.staff_cost, fy.regular_staff_cost.unwrap_or(0), unit)
                .ok_or_else(|| overflow("正規職員人件費"))?;
        }
    }
    Ok(m.into_values().collect())
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
    // Also none when the ratio is not a number (NaN or infinite inputs, or
    // a quotient too large for a float): never "NaN%" or "inf%".
    Some((num / den * 1000.0).round() / 10.0).filter(|a| den != 0.0 && a.is_finite())
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

    /// A project with `fiscal_years` given as YAML flow items.
    fn project(file: &str, fiscal_years: &str) -> Project {
        let yaml = format!(
            "name: x\ndepartment: d\nsource: {{ document: s }}\nfiscal_years: [{fiscal_years}]\n"
        );
        Project {
            id: file.into(),
            series: "s".into(),
            file: format!("s/{file}.yaml"),
            doc: serde_norway::from_str(&yaml).expect("test project"),
        }
    }

    #[test]
    fn cost_totals_add_up_per_year() {
        let ps = [
            project("a", "{ year: 2019, budget: 100, settlement: 90, settlement_estimated: true, regular_staff_cost: 7 }, { year: 2018, budget: 1 }"),
            project("b", "{ year: 2019, budget: 5, settlement: 4 }"),
        ];
        let c = cost_by_year(&ps, MoneyUnit::ThousandYen).expect("fits");
        assert_eq!(c.len(), 2);
        assert_eq!(
            (
                c[0].year,
                c[0].budget,
                c[0].settlement,
                c[0].projects_with_settlement
            ),
            (2018, 1, 0, 0)
        );
        assert_eq!(
            (
                c[1].year,
                c[1].budget,
                c[1].settlement,
                c[1].staff_cost,
                c[1].projects_with_settlement,
                c[1].includes_estimates
            ),
            (2019, 105, 94, 7, 2, true)
        );
    }

    #[test]
    fn cost_totals_that_overflow_are_errors_not_wrapped_figures() {
        let max = i64::MAX;
        // Two budgets of i64::MAX: the sum itself overflows (it used to
        // wrap to -2).
        let ps = [
            project("a", &format!("{{ year: 2019, budget: {max} }}")),
            project("b", &format!("{{ year: 2019, budget: {max} }}")),
        ];
        assert_eq!(
            cost_by_year(&ps, MoneyUnit::Yen),
            Err(Overflow {
                year: FiscalYear(2019),
                field: "予算現額",
                file: "s/b.yaml".into(),
            })
        );
        // Each settlement fits, the sum is exactly i64::MAX: fine in 円…
        let half = max / 2;
        let ps = [
            project("a", &format!("{{ year: 2020, settlement: {half} }}")),
            project(
                "b",
                &format!("{{ year: 2020, settlement: {} }}", max - half),
            ),
        ];
        assert_eq!(
            cost_by_year(&ps, MoneyUnit::Yen).expect("fits")[0].settlement,
            max
        );
        // …but not in 千円, whose total must also be shown in yen.
        let e = cost_by_year(&ps, MoneyUnit::ThousandYen).unwrap_err();
        assert_eq!((e.field, e.file.as_str()), ("決算額", "s/a.yaml"));
        assert_eq!(
            e.to_string(),
            "令和2年度（2020年度）の決算額の合計が大きすぎて計算できません"
        );
        // The staff cost is summed the same way.
        let ps = [
            project("a", &format!("{{ year: 2019, regular_staff_cost: {max} }}")),
            project("b", "{ year: 2019, regular_staff_cost: 1 }"),
        ];
        assert_eq!(
            cost_by_year(&ps, MoneyUnit::Yen).unwrap_err().field,
            "正規職員人件費"
        );
    }

    #[test]
    fn add_amount_is_checked_in_the_unit_and_in_yen() {
        assert_eq!(add_amount(1, 2, MoneyUnit::ThousandYen), Some(3));
        assert_eq!(add_amount(i64::MAX - 1, 1, MoneyUnit::Yen), Some(i64::MAX));
        assert_eq!(add_amount(i64::MAX, 1, MoneyUnit::Yen), None);
        assert_eq!(
            add_amount(i64::MAX / 1000, 0, MoneyUnit::ThousandYen),
            Some(i64::MAX / 1000)
        );
        assert_eq!(add_amount(i64::MAX / 1000, 1, MoneyUnit::ThousandYen), None);
        assert_eq!(add_amount(i64::MIN, -1, MoneyUnit::Yen), None);
    }

    #[test]
    fn achievement_is_never_nan_or_infinite() {
        assert_eq!(achievement(Some(f64::NAN), Some(5.0), true), None);
        assert_eq!(achievement(Some(5.0), Some(f64::INFINITY), true), None);
        assert_eq!(
            achievement(Some(f64::INFINITY), Some(f64::INFINITY), true),
            None
        );
        assert_eq!(achievement(Some(1e-300), Some(1e300), true), None);
        assert_eq!(achievement(Some(-0.0), Some(5.0), true), None);
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
