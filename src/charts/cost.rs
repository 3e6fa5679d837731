//! The cost chart: budget, settlement and staff cost of a project per
//! fiscal year, as grouped bars.
//!
//! Owns: [`CostPoint`], [`cost_chart`]'s bars, legend and description.
//! Must not: lay out the bars itself (the shared bar chart in `bars` does)
//! or know any page.

use crate::format::thousands;

use super::bars::{
    describe_years, gap_note, grouped_chart, push_figure, GroupData, GroupedSpec, LegendItem, Slot,
};
use super::color::{AMBER, BLUE};
use super::scene::BarStyle;

/// Cost of one fiscal year, for [`cost_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct CostPoint {
    /// Year label, e.g. "H30".
    pub label: String,
    /// 予算現額.
    pub budget: Option<i64>,
    /// 決算額.
    pub settlement: Option<i64>,
    /// The settlement is an estimate (見込み).
    pub settlement_estimated: bool,
    /// 人件費.
    pub staff_cost: Option<i64>,
}

/// Cost over fiscal years: grouped bars of budget (予算現額) vs settlement (決算額) and, where known,
/// staff cost (人件費) per year; `unit` like "千円". Returns None when no year has any figure.
/// Years with no figure are shown with a "データなし" mark, not as zero-height bars.
///
/// Budget is an outlined bar, settlement a solid one (striped when it is an
/// estimate), staff cost a solid bar of another colour; the 人件費 bar and
/// legend entry appear only when some year states it. A single missing figure
/// in a year that has others is marked "－".
pub fn cost_chart(title: &str, unit: &str, points: &[CostPoint]) -> Option<String> {
    let any =
        |p: &CostPoint| p.budget.is_some() || p.settlement.is_some() || p.staff_cost.is_some();
    if !points.iter().any(any) {
        return None;
    }
    let with_staff = points.iter().any(|p| p.staff_cost.is_some());
    let any_estimate = points
        .iter()
        .any(|p| p.settlement_estimated && p.settlement.is_some());

    let groups: Vec<GroupData> = points
        .iter()
        .map(|p| {
            let mut slots = Vec::with_capacity(3);
            slots.push(Slot {
                value: p.budget.map(|v| v as f64),
                style: BarStyle::Outline(BLUE),
            });
            slots.push(Slot {
                value: p.settlement.map(|v| v as f64),
                style: if p.settlement_estimated {
                    BarStyle::Striped(BLUE)
                } else {
                    BarStyle::Solid(BLUE)
                },
            });
            if with_staff {
                slots.push(Slot {
                    value: p.staff_cost.map(|v| v as f64),
                    style: BarStyle::Solid(AMBER),
                });
            }
            GroupData {
                label: &p.label,
                slots,
                above: None,
            }
        })
        .collect();

    let mut legend = vec![
        LegendItem::swatch("予算現額", BarStyle::Outline(BLUE)),
        LegendItem::swatch("決算額", BarStyle::Solid(BLUE)),
    ];
    if any_estimate {
        legend.push(LegendItem::swatch(
            "決算額（見込み）",
            BarStyle::Striped(BLUE),
        ));
    }
    if with_staff {
        legend.push(LegendItem::swatch("人件費", BarStyle::Solid(AMBER)));
    }
    legend.extend(gap_note(&groups));

    // "単位：千円。H29: 予算現額 12,500千円、決算額 …。H30: データなし。"
    let money = |desc: &mut String, v: Option<i64>| push_figure(desc, v.map(thousands), unit);
    let desc = describe_years(
        32 + points.len() * (96 + 3 * unit.len()),
        Some(unit),
        points,
        |p| &p.label,
        any,
        |desc, p| {
            desc.push_str("予算現額 ");
            money(desc, p.budget);
            desc.push_str("、決算額 ");
            money(desc, p.settlement);
            if p.settlement_estimated && p.settlement.is_some() {
                desc.push_str("（見込み）");
            }
            if with_staff {
                desc.push_str("、人件費 ");
                money(desc, p.staff_cost);
            }
        },
    );

    let spec = GroupedSpec {
        kind: "cost",
        title,
        desc,
        legend,
        unit_caption: Some(format!("単位：{unit}")),
        groups,
    };
    Some(grouped_chart(&spec))
}
