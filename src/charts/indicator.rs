//! The indicator chart: target and result of one indicator per fiscal
//! year, as grouped bars with the achievement written above.
//!
//! Owns: [`IndicatorPoint`], [`indicator_chart`]'s bars, legend and
//! description. Must not: compute achievements (they come with the points)
//! or lay out the bars itself (the shared bar chart in `bars` does).

use super::bars::{
    describe_years, gap_note, grouped_chart, push_figure, GroupData, GroupedSpec, LegendItem, Slot,
};
use super::color::{BLUE, MUTED};
use super::number::fmt_num;
use super::scene::BarStyle;

/// Target and result of one indicator in one fiscal year, for [`indicator_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorPoint {
    /// Year label, e.g. "R1".
    pub label: String,
    /// 目標.
    pub target: Option<f64>,
    /// 実績.
    pub result: Option<f64>,
    /// 達成率 in percent (see [`crate::aggregate::achievement`]).
    pub achievement: Option<f64>,
}

/// One indicator: target vs result per year, with achievement % written above each result.
/// Returns None when every target and result is None.
///
/// The target is an outlined bar, the result a solid one; the achievement is
/// written above the pair. A missing figure in a year that has the other is
/// marked "－", a year with neither "データなし".
pub fn indicator_chart(
    title: &str,
    unit: Option<&str>,
    points: &[IndicatorPoint],
) -> Option<String> {
    if points
        .iter()
        .all(|p| p.target.is_none() && p.result.is_none())
    {
        return None;
    }
    let u = unit.unwrap_or("");
    let groups: Vec<GroupData> = points
        .iter()
        .map(|p| GroupData {
            label: &p.label,
            slots: vec![
                Slot {
                    value: p.target,
                    style: BarStyle::Outline(MUTED),
                },
                Slot {
                    value: p.result,
                    style: BarStyle::Solid(BLUE),
                },
            ],
            above: p
                .achievement
                .filter(|_| p.result.is_some())
                .map(|a| format!("{}%", fmt_num(a))),
        })
        .collect();

    let mut legend = vec![
        LegendItem::swatch("目標", BarStyle::Outline(MUTED)),
        LegendItem::swatch("実績", BarStyle::Solid(BLUE)),
    ];
    if groups.iter().any(|g| g.above.is_some()) {
        legend.push(LegendItem::note("棒の上の数字：達成率".to_string()));
    }
    legend.extend(gap_note(&groups));

    // "単位：%。H30: 目標 85%、実績 90.2%、達成率 106.1%。R2: データなし。"
    let value = |desc: &mut String, v: Option<f64>| push_figure(desc, v.map(fmt_num), u);
    let desc = describe_years(
        32 + points.len() * (96 + 2 * u.len()),
        unit,
        points,
        |p| &p.label,
        |p| p.target.is_some() || p.result.is_some(),
        |desc, p| {
            desc.push_str("目標 ");
            value(desc, p.target);
            desc.push_str("、実績 ");
            value(desc, p.result);
            if let (Some(a), Some(_)) = (p.achievement, p.result) {
                desc.push_str("、達成率 ");
                desc.push_str(&fmt_num(a));
                desc.push('%');
            }
        },
    );

    let spec = GroupedSpec {
        kind: "indicator",
        title,
        desc,
        legend,
        unit_caption: unit.map(|u| format!("単位：{u}")),
        groups,
    };
    Some(grouped_chart(&spec))
}
