//! Charts: accessible, deterministic SVG strings drawn with plotters.
//!
//! Every chart is laid out here, not by plotters' chart builder: plotters
//! estimates the width of Japanese text at about 1.7 times its real width and
//! would need system fonts to do better, so every label sits at a position
//! computed from a conservative estimate ([`text_width`]) and long text is
//! wrapped by hand. plotters draws the shapes and the text into a string
//! ([`SVGBackend::with_string`], called through its [`DrawingBackend`]
//! methods, as a drawing area would); the result is then finished by hand in
//! one pass: the root element gets `role="img"`, `aria-labelledby` pointing
//! at a `<title>` and a `<desc>` that says every number in words, a `viewBox`
//! without a fixed size (the page's CSS sizes the chart, e.g.
//! `svg.hyoka-chart { width: 100%; max-width: 36rem; height: auto }`) and one
//! `font-family` for all text.
//!
//! Colours: text is `#1f2328` (15:1 on white) or `#59636e` (6:1); bars and
//! lines are at least 3:1 against the white background (a level colour that is
//! lighter gets a dark outline). Series differ by more than colour: outlined,
//! solid and striped bars, always in the legend's order, and ratings are
//! written out next to their bars.
//!
//! Output is a pure function of the input: element ids come from a hash of
//! the chart's content (title included), so two different charts on one page
//! never share an id.

use std::borrow::Cow;
use std::fmt::Write as _;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle};

use crate::aggregate::Distribution;

/// The font stack every chart's text uses (set once on the root element).
pub const FONT_FAMILY: &str = "\"Hiragino Sans\",\"Hiragino Kaku Gothic ProN\",\"Yu Gothic\",\"Noto Sans JP\",\"Noto Sans CJK JP\",Meiryo,sans-serif";

/// Font family given to plotters for every text; its attribute is removed
/// again when finishing (the root element sets [`FONT_FAMILY`]). Empty, so
/// plotters has the least to copy.
const FONT_SENTINEL: &str = "";

/// Width of every chart's coordinate system (`viewBox`).
const WIDTH: i32 = 400;
/// Outer margin.
const PAD: i32 = 12;
/// Height of the plot area of bar-over-year charts.
const PLOT_HEIGHT: i32 = 200;

/// Main text colour (15:1 on white).
const TEXT: RGBColor = RGBColor(0x1f, 0x23, 0x28);
/// Secondary text and outlines (6:1 on white).
const MUTED: RGBColor = RGBColor(0x59, 0x63, 0x6e);
/// Grid lines (decorative only).
const GRID: RGBColor = RGBColor(0xd0, 0xd7, 0xde);
/// Background.
const BACKGROUND: RGBColor = RGBColor(0xff, 0xff, 0xff);
/// Money and results (6.9:1 on white).
const BLUE: RGBColor = RGBColor(0x1a, 0x5e, 0x9a);
/// Staff cost (4.6:1 on white).
const AMBER: RGBColor = RGBColor(0x9a, 0x67, 0x00);

/// Mark written where one figure of a year is missing.
const MISSING_MARK: &str = "－";
/// Text for a year without any figure.
const NO_DATA: &str = "データなし";

// ---------------------------------------------------------------------------
// Public API

/// Horizontal bar chart of a rating distribution: one bar per scale level, in scale order,
/// colour from the level, each bar labelled with its code (and label when present), count and percent
/// written as text (e.g. "A 適切  50件 (88%)"), so ratings are told apart by more than colour.
///
/// Bar lengths are proportional to the counts (the largest count fills the
/// width); a level nobody got is still listed, with a bar of length 0 and
/// "0件 (0%)".
pub fn rating_chart(title: &str, dist: &Distribution) -> String {
    let mut scene = Scene::default();
    let mut y = PAD;
    scene.title(title, &mut y);
    y += 6;

    let names: Vec<String> = dist
        .levels
        .iter()
        .map(|l| level_name(&l.code, l.label.as_deref()))
        .collect();
    let count_labels: Vec<String> = dist
        .levels
        .iter()
        .map(|l| format!("{}件 ({}%)", l.count, l.percent))
        .collect();
    let reserve = count_labels
        .iter()
        .map(|s| text_width(s, 14.0))
        .fold(0.0, f64::max)
        .ceil() as i32
        + 8;
    let bar_x0 = PAD + 2;
    let bar_max = (WIDTH - PAD - reserve - bar_x0).max(40);
    let max_count = dist
        .levels
        .iter()
        .map(|l| l.count)
        .max()
        .unwrap_or(0)
        .max(1);

    for ((level, name), count_label) in dist.levels.iter().zip(&names).zip(&count_labels) {
        for line in wrap(name, f64::from(WIDTH - 2 * PAD), 14.0) {
            scene.text(PAD, y + 10, line, 14.0, HPos::Left, TEXT, true);
            y += 20;
        }
        y += 2;
        let len = (level.count as f64 / max_count as f64 * f64::from(bar_max)).round() as i32;
        let color = parse_color(&level.color).unwrap_or(MUTED);
        // The axis: a short dark tick at the start of every bar, so an empty
        // level still shows where its bar would start.
        scene.rect(PAD, y - 2, PAD + 2, y + 22, TEXT);
        scene.rect(bar_x0, y, bar_x0 + len, y + 20, color);
        if len > 0 && contrast(color, BACKGROUND) < 3.0 {
            scene.outline(bar_x0, y, bar_x0 + len, y + 20, MUTED, 1);
        }
        scene.text(
            bar_x0 + len + 6,
            y + 10,
            count_label.as_str(),
            14.0,
            HPos::Left,
            TEXT,
            false,
        );
        y += 20 + 14;
    }

    let note = rating_note(dist);
    for line in wrap(&note, f64::from(WIDTH - 2 * PAD), 12.0) {
        scene.text(PAD, y + 8, line, 12.0, HPos::Left, MUTED, false);
        y += 18;
    }

    let mut desc = String::with_capacity(64 * names.len() + note.len());
    for (i, (l, name)) in dist.levels.iter().zip(&names).enumerate() {
        if i > 0 {
            desc.push('、');
        }
        // Writing into a String cannot fail.
        write!(desc, "{name}: {}件（{}%）", l.count, l.percent).ok();
    }
    desc.push('。');
    desc.push_str(&note);
    scene.finish("rating", title, &desc, y + PAD)
}

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
    let money = |desc: &mut String, v: Option<i64>| push_figure(desc, v.map(fmt_int), unit);
    let mut desc = String::with_capacity(32 + points.len() * (96 + 3 * unit.len()));
    desc.push_str("単位：");
    desc.push_str(unit);
    desc.push('。');
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            desc.push('。');
        }
        desc.push_str(&p.label);
        if !any(p) {
            desc.push_str(": ");
            desc.push_str(NO_DATA);
            continue;
        }
        desc.push_str(": 予算現額 ");
        money(&mut desc, p.budget);
        desc.push_str("、決算額 ");
        money(&mut desc, p.settlement);
        if p.settlement_estimated && p.settlement.is_some() {
            desc.push_str("（見込み）");
        }
        if with_staff {
            desc.push_str("、人件費 ");
            money(&mut desc, p.staff_cost);
        }
    }
    desc.push('。');

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
    let mut desc = String::with_capacity(32 + points.len() * (96 + 2 * u.len()));
    if let Some(unit) = unit {
        desc.push_str("単位：");
        desc.push_str(unit);
        desc.push('。');
    }
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            desc.push('。');
        }
        desc.push_str(&p.label);
        if p.target.is_none() && p.result.is_none() {
            desc.push_str(": ");
            desc.push_str(NO_DATA);
            continue;
        }
        desc.push_str(": 目標 ");
        value(&mut desc, p.target);
        desc.push_str("、実績 ");
        value(&mut desc, p.result);
        if let (Some(a), Some(_)) = (p.achievement, p.result) {
            desc.push_str("、達成率 ");
            desc.push_str(&fmt_num(a));
            desc.push('%');
        }
    }
    desc.push('。');

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

// ---------------------------------------------------------------------------
// Rating chart helpers

fn level_name(code: &str, label: Option<&str>) -> String {
    match label {
        Some(l) if !l.is_empty() => format!("{code} {l}"),
        _ => code.to_string(),
    }
}

fn rating_note(dist: &Distribution) -> String {
    if dist.rated == 0 {
        if dist.unrated > 0 {
            format!("評価のあるものはありません（評価なし{}件）。", dist.unrated)
        } else {
            "評価のあるものはありません。".to_string()
        }
    } else if dist.unrated > 0 {
        format!(
            "割合は評価のある{}件に対する値です（ほかに評価なし{}件）。",
            dist.rated, dist.unrated
        )
    } else {
        format!("割合は評価のある{}件に対する値です。", dist.rated)
    }
}

// ---------------------------------------------------------------------------
// Bars over years (cost and indicator charts)

#[derive(Debug, Clone, Copy, PartialEq)]
enum BarStyle {
    /// Filled.
    Solid(RGBColor),
    /// 2px outline on white.
    Outline(RGBColor),
    /// Outline with horizontal stripes.
    Striped(RGBColor),
}

struct Slot {
    value: Option<f64>,
    style: BarStyle,
}

struct GroupData<'a> {
    label: &'a str,
    slots: Vec<Slot>,
    /// Text written above the group's bars.
    above: Option<String>,
}

impl GroupData<'_> {
    fn is_empty(&self) -> bool {
        self.slots.iter().all(|s| s.value.is_none())
    }
}

/// The legend's "データなし" note, when some year lacks a value.
fn gap_note(groups: &[GroupData]) -> Option<LegendItem> {
    has_partial_gap(groups).then(|| LegendItem::note(format!("{MISSING_MARK} データなし")))
}

/// Appends a figure with its unit to a chart description, or "データなし".
fn push_figure(desc: &mut String, figure: Option<String>, unit: &str) {
    match figure {
        Some(f) => {
            desc.push_str(&f);
            desc.push_str(unit);
        }
        None => desc.push_str(NO_DATA),
    }
}

fn has_partial_gap(groups: &[GroupData]) -> bool {
    groups
        .iter()
        .any(|g| !g.is_empty() && g.slots.iter().any(|s| s.value.is_none()))
}

struct LegendItem {
    swatch: Option<BarStyle>,
    text: String,
}

impl LegendItem {
    fn swatch(text: &str, style: BarStyle) -> Self {
        LegendItem {
            swatch: Some(style),
            text: text.to_string(),
        }
    }
    fn note(text: String) -> Self {
        LegendItem { swatch: None, text }
    }
}

struct GroupedSpec<'a> {
    kind: &'a str,
    title: &'a str,
    desc: String,
    legend: Vec<LegendItem>,
    unit_caption: Option<String>,
    groups: Vec<GroupData<'a>>,
}

fn grouped_chart(spec: &GroupedSpec) -> String {
    let mut scene = Scene::default();
    let mut y = PAD;
    scene.title(spec.title, &mut y);
    y += 4;

    // Legend, wrapped by estimated widths.
    let mut x = PAD;
    let line_h = 20;
    for item in &spec.legend {
        let tw = text_width(&item.text, 13.0).ceil() as i32;
        let w = if item.swatch.is_some() {
            14 + 6 + tw
        } else {
            tw
        };
        if x > PAD && x + w > WIDTH - PAD {
            x = PAD;
            y += line_h;
        }
        if let Some(style) = item.swatch {
            scene.bar(x, y + 3, x + 14, y + 17, style);
            scene.text(
                x + 20,
                y + 10,
                item.text.as_str(),
                13.0,
                HPos::Left,
                TEXT,
                false,
            );
        } else {
            scene.text(x, y + 10, item.text.as_str(), 13.0, HPos::Left, TEXT, false);
        }
        x += w + 16;
    }
    y += line_h + 4;

    if let Some(caption) = &spec.unit_caption {
        scene.text(PAD, y + 8, caption.as_str(), 12.0, HPos::Left, MUTED, false);
        y += 16;
    }

    // Value axis.
    let values = spec
        .groups
        .iter()
        .flat_map(|g| g.slots.iter().filter_map(|s| s.value));
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let axis = Axis::nice(lo, hi);
    let ticks = axis.ticks();
    let tick_labels: Vec<String> = ticks.iter().map(|&t| axis.label(t)).collect();
    let label_w = tick_labels
        .iter()
        .map(|s| text_width(s, 12.0))
        .fold(0.0, f64::max)
        .ceil() as i32;

    let left = PAD + label_w + 6;
    let right = WIDTH - PAD;
    let top = y + 22; // room for the text above the tallest bar
    let bottom = top + PLOT_HEIGHT;
    let to_y = |v: f64| -> i32 {
        let f = (v - axis.min) / (axis.max - axis.min);
        (f64::from(bottom) - f * f64::from(PLOT_HEIGHT)).round() as i32
    };

    for (&t, label) in ticks.iter().zip(tick_labels) {
        let ty = to_y(t);
        if t != 0.0 {
            scene.rect(left, ty, right, ty + 1, GRID);
        }
        scene.text(left - 6, ty, label, 12.0, HPos::Right, MUTED, false);
    }

    let n = spec.groups.len().max(1) as f64;
    let group_w = f64::from(right - left) / n;
    let zero_y = to_y(0.0);
    for (i, g) in spec.groups.iter().enumerate() {
        let gx0 = f64::from(left) + group_w * i as f64;
        let cx = (gx0 + group_w / 2.0).round() as i32;
        let k = g.slots.len().max(1) as f64;
        let bar_w = ((group_w * 0.78) / k).min(36.0).floor().max(3.0);
        let total = bar_w * k;
        let bx0 = gx0 + (group_w - total) / 2.0;

        let label_size = if text_width(g.label, 13.0) > group_w - 2.0 {
            11.0
        } else {
            13.0
        };
        scene.text(
            cx,
            bottom + 14,
            g.label,
            label_size,
            HPos::Center,
            TEXT,
            false,
        );

        if g.is_empty() {
            let mid = (top + bottom) / 2;
            if text_width(NO_DATA, 12.0) <= group_w - 4.0 {
                scene.text(cx, mid, NO_DATA, 12.0, HPos::Center, MUTED, false);
            } else {
                // Too narrow: written vertically (縦書き), one upright
                // character under the other, the long vowel mark turned.
                let chars: Vec<char> = NO_DATA.chars().collect();
                let y0 = mid - (chars.len() as i32 - 1) * 13 / 2;
                for (k, ch) in chars.iter().enumerate() {
                    let ch = if *ch == 'ー' { '｜' } else { *ch };
                    let yk = y0 + k as i32 * 13;
                    scene.text(cx, yk, ch.to_string(), 12.0, HPos::Center, MUTED, false);
                }
            }
            continue;
        }

        let mut highest = zero_y;
        for (j, slot) in g.slots.iter().enumerate() {
            let x0 = (bx0 + bar_w * j as f64).round() as i32;
            let x1 = (bx0 + bar_w * (j + 1) as f64).round() as i32 - 1;
            let scx = (x0 + x1) / 2;
            match slot.value {
                Some(v) if to_y(v) != zero_y => {
                    let vy = to_y(v);
                    scene.bar(x0, vy.min(zero_y), x1, vy.max(zero_y), slot.style);
                    highest = highest.min(vy);
                }
                Some(_) => {
                    scene.text(scx, zero_y - 9, "0", 13.0, HPos::Center, MUTED, false);
                    highest = highest.min(zero_y - 16);
                }
                None => {
                    scene.text(
                        scx,
                        zero_y - 9,
                        MISSING_MARK,
                        13.0,
                        HPos::Center,
                        MUTED,
                        false,
                    );
                    highest = highest.min(zero_y - 16);
                }
            }
        }
        if let Some(above) = &g.above {
            scene.text(
                cx,
                highest - 9,
                above.as_str(),
                12.0,
                HPos::Center,
                TEXT,
                true,
            );
        }
    }
    // The zero line, over the bars' feet.
    scene.rect(left, zero_y, right, zero_y + 1, TEXT);

    let height = bottom + 14 + 10 + PAD;
    scene.finish(spec.kind, spec.title, &spec.desc, height)
}

/// A value axis with round tick steps.
struct Axis {
    min: f64,
    max: f64,
    step: f64,
    decimals: usize,
}

impl Axis {
    /// An axis from `lo` to `hi` (both already include 0) with about five steps.
    fn nice(lo: f64, hi: f64) -> Axis {
        let span = if hi > lo { hi - lo } else { 1.0 };
        let raw = span / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw * (1.0 - 1e-9))
            .unwrap_or(10.0 * mag);
        let min = (lo / step + 1e-9).floor() * step;
        let mut max = (hi / step - 1e-9).ceil() * step;
        if max <= min {
            max = min + step;
        }
        let decimals = (0..=6)
            .find(|&d| {
                let scaled = step * 10f64.powi(d as i32);
                (scaled - scaled.round()).abs() < 1e-6
            })
            .unwrap_or(6);
        Axis {
            min: if min == 0.0 { 0.0 } else { min },
            max,
            step,
            decimals,
        }
    }

    fn ticks(&self) -> Vec<f64> {
        let n = ((self.max - self.min) / self.step).round() as i64;
        (0..=n)
            .map(|i| {
                let t = self.min + self.step * i as f64;
                // Clean up float noise so labels and the zero test are exact.
                let f = 10f64.powi(self.decimals as i32);
                let t = (t * f).round() / f;
                if t == 0.0 {
                    0.0
                } else {
                    t
                }
            })
            .collect()
    }

    fn label(&self, v: f64) -> String {
        // An integer needs no float formatting (but "-0" stays "-0").
        if self.decimals == 0
            && v.fract() == 0.0
            && v.abs() < 1e15
            && (v != 0.0 || v.is_sign_positive())
        {
            return group_digits(&(v as i64).to_string());
        }
        let s = format!("{:.*}", self.decimals, v);
        group_digits(&s)
    }
}

// ---------------------------------------------------------------------------
// Number formatting

/// An integer with thousands separators: 1234567 → "1,234,567".
fn fmt_int(v: i64) -> String {
    group_digits(&v.to_string())
}

/// A number as the sheets print it: no trailing zeros, at most two decimals,
/// thousands separators.
fn fmt_num(v: f64) -> String {
    // Within a millionth of an integer, rounding to two decimals gives the
    // integer: the same digits without formatting a float.
    let n = v.round();
    if (v - n).abs() < 1e-6 && n.abs() < 1e15 {
        return group_digits(&(n as i64).to_string());
    }
    let s = format!("{v:.2}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    let s = if s == "-0" { "0".to_string() } else { s };
    group_digits(&s)
}

/// Inserts commas into the integer part of a formatted number.
fn group_digits(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = match rest.find('.') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(frac);
    out
}

// ---------------------------------------------------------------------------
// Text measurement

/// Estimated advance of one character, in em: CJK and other wide characters
/// take a full em; ASCII letters and digits are taken a little wider than
/// most Japanese fonts draw them, so estimates err towards too wide.
fn char_em(c: char) -> f64 {
    match c {
        ' ' => 0.3,
        'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.32,
        'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.9,
        c if c.is_ascii() => 0.62,
        '\u{ff61}'..='\u{ff9f}' => 0.5, // half-width katakana
        _ => 1.0,
    }
}

/// Estimated width of `s` at font size `size` (px).
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * size
}

/// Characters that must not start a line (行頭禁則).
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '）'
            | '」'
            | '』'
            | '】'
            | '・'
            | 'ー'
            | '：'
            | '！'
            | '？'
            | ')'
            | ','
            | '.'
            | ':'
            | '%'
            | '％'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
    )
}

/// Line breaking by estimated width into as few lines as greedy breaking
/// needs; when the last line would be short, the lines are evened out (no
/// lone last character of a title).
fn wrap(s: &str, max_width: f64, size: f64) -> Vec<String> {
    let lines = wrap_greedy(s, max_width, size);
    let last_is_short = lines
        .last()
        .is_some_and(|l| text_width(l, size) < max_width / 3.0);
    let lines = if lines.len() < 2 || !last_is_short {
        lines
    } else {
        let mut width = max_width;
        let step = size / 2.0;
        while width - step > size && wrap_greedy(s, width - step, size).len() == lines.len() {
            width -= step;
        }
        wrap_greedy(s, width, size)
    };
    lines.into_iter().map(str::to_string).collect()
}

/// Greedy line breaking by estimated width: between any two Japanese
/// characters, at spaces between Latin words, never before closing
/// punctuation. The lines are slices of `s`.
fn wrap_greedy(s: &str, max_width: f64, size: f64) -> Vec<&str> {
    let mut lines = Vec::new();
    // The current line is `s[start..pos]`; `cur_em` is the sum of its
    // `char_em`, added up in the same order as `text_width` does, so
    // `cur_em * size == text_width(&s[start..pos], size)`.
    let mut start = 0;
    let mut cur_em = 0.0;
    for (pos, c) in s.char_indices() {
        let cur = &s[start..pos];
        let em = char_em(c);
        let fits = cur_em * size + em * size <= max_width;
        if fits || cur.is_empty() || no_line_start(c) {
            cur_em += em;
            continue;
        }
        if c == ' ' {
            lines.push(cur);
            start = pos + c.len_utf8();
            cur_em = 0.0;
            continue;
        }
        // Break at the last phrase boundary (a space, after 、。」）, before
        // （「) when it is in the line's last 40%: keeps Latin words and
        // bracketed phrases together.
        let word_start = cur
            .char_indices()
            .rev()
            .filter_map(|(i, ch)| match ch {
                '（' | '「' | '『' | '【' => Some(i),
                ' ' | '、' | '。' | '」' | '』' | '】' | '）' => Some(i + ch.len_utf8()),
                _ => None,
            })
            .find(|&i| i > 0 && i < cur.len() && text_width(&cur[..i], size) >= 0.6 * max_width);
        match word_start {
            Some(i) => {
                lines.push(cur[..i].trim_end());
                start += i;
                cur_em = s[start..pos].chars().map(char_em).sum();
            }
            None => {
                lines.push(cur);
                start = pos;
                cur_em = 0.0;
            }
        }
        cur_em += em;
    }
    let cur = &s[start..];
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

// ---------------------------------------------------------------------------
// Colour

/// `#rrggbb` or `#rgb`.
fn parse_color(s: &str) -> Option<RGBColor> {
    let h = s.trim().strip_prefix('#')?;
    let digit = |i: usize, len: usize| u8::from_str_radix(h.get(i..i + len)?, 16).ok();
    match h.len() {
        6 => Some(RGBColor(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
        3 => Some(RGBColor(
            digit(0, 1)? * 17,
            digit(1, 1)? * 17,
            digit(2, 1)? * 17,
        )),
        _ => None,
    }
}

fn luminance(c: RGBColor) -> f64 {
    let ch = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c.0) + 0.7152 * ch(c.1) + 0.0722 * ch(c.2)
}

/// WCAG contrast ratio of two colours.
fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

// ---------------------------------------------------------------------------
// Scene: shapes laid out first, drawn with plotters once the height is known

struct TextOp<'a> {
    x: i32,
    y: i32,
    text: Cow<'a, str>,
    size: f64,
    anchor: HPos,
    color: RGBColor,
    bold: bool,
}

enum Op<'a> {
    Rect {
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        color: RGBColor,
    },
    Text(TextOp<'a>),
}

/// The shapes and texts of one chart, in drawing order; texts borrow from
/// the chart's input where they can.
struct Scene<'a> {
    ops: Vec<Op<'a>>,
}

impl Default for Scene<'_> {
    fn default() -> Self {
        // Enough for most charts without growing.
        Scene {
            ops: Vec::with_capacity(64),
        }
    }
}

impl<'a> Scene<'a> {
    /// A filled rectangle (also used for every line: crisp and simple).
    fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor) {
        self.ops.push(Op::Rect {
            x0,
            y0,
            x1,
            y1,
            color,
        });
    }

    /// A rectangle's outline, `w` px wide, inside the rectangle.
    fn outline(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor, w: i32) {
        self.rect(x0, y0, x1, y0 + w, color);
        self.rect(x0, y1 - w, x1, y1, color);
        self.rect(x0, y0, x0 + w, y1, color);
        self.rect(x1 - w, y0, x1, y1, color);
    }

    fn bar(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, style: BarStyle) {
        match style {
            BarStyle::Solid(c) => self.rect(x0, y0, x1, y1, c),
            BarStyle::Outline(c) | BarStyle::Striped(c) => {
                if x1 - x0 <= 4 || y1 - y0 <= 4 {
                    self.rect(x0, y0, x1, y1, c);
                    return;
                }
                self.outline(x0, y0, x1, y1, c, 2);
                if matches!(style, BarStyle::Striped(_)) {
                    let mut yy = y0 + 4;
                    while yy + 2 <= y1 - 3 {
                        self.rect(x0 + 2, yy, x1 - 2, yy + 2, c);
                        yy += 5;
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn text(
        &mut self,
        x: i32,
        y: i32,
        text: impl Into<Cow<'a, str>>,
        size: f64,
        anchor: HPos,
        color: RGBColor,
        bold: bool,
    ) {
        self.ops.push(Op::Text(TextOp {
            x,
            y,
            text: text.into(),
            size,
            anchor,
            color,
            bold,
        }));
    }

    /// The chart's visible title, wrapped; advances `y`.
    fn title(&mut self, title: &str, y: &mut i32) {
        for line in wrap(title, f64::from(WIDTH - 2 * PAD), 16.0) {
            self.text(PAD, *y + 11, line, 16.0, HPos::Left, TEXT, true);
            *y += 22;
        }
    }

    /// Draws the scene with plotters and finishes the SVG.
    ///
    /// The ops are drawn by calling the [`DrawingBackend`] methods of the
    /// [`SVGBackend`] directly, with exactly the arguments plotters' root
    /// drawing area would pass for a `Rectangle` or `Text` element: points
    /// clamped to the canvas and rectangle corners put in order.
    fn finish(self, kind: &str, title: &str, desc: &str, height: i32) -> String {
        let canvas = (WIDTH as u32, height as u32);
        // Clamp like plotters' root area (`Rect::truncate`), whose bounds
        // come from the backend size.
        let (max_x, max_y) = (canvas.0 as i32, canvas.1 as i32);
        let clamp = |x: i32, y: i32| (x.min(max_x).max(0), y.min(max_y).max(0));

        let mut raw = String::with_capacity(self.raw_capacity());
        {
            let mut svg = SVGBackend::with_string(&mut raw, canvas);
            let mut styles = TextStyles::default();
            // Drawing into a String cannot fail; errors are ignored rather
            // than turned into panics.
            svg.draw_rect((0, 0), (max_x, max_y), &BACKGROUND.to_backend_color(), true)
                .ok();
            for op in &self.ops {
                match op {
                    Op::Rect {
                        x0,
                        y0,
                        x1,
                        y1,
                        color,
                    } => {
                        let (ax, ay) = clamp(*x0, *y0);
                        let (bx, by) = clamp(*x1, *y1);
                        svg.draw_rect(
                            (ax.min(bx), ay.min(by)),
                            (ax.max(bx), ay.max(by)),
                            &color.to_backend_color(),
                            true,
                        )
                        .ok();
                    }
                    Op::Text(t) => {
                        svg.draw_text(&t.text, styles.get(t), clamp(t.x, t.y)).ok();
                    }
                }
            }
            svg.present().ok();
        }
        finish_svg(&raw, kind, title, desc, height)
    }

    /// A generous estimate of the length of plotters' output for this scene,
    /// so the string it writes into is allocated once.
    fn raw_capacity(&self) -> usize {
        self.ops
            .iter()
            .map(|op| match op {
                Op::Rect { .. } => 100,
                Op::Text(t) => 180 + t.text.len(),
            })
            .sum::<usize>()
            + 256
    }
}

/// The text styles of one scene: plotters' [`TextStyle`] allocates, and a
/// chart uses only a handful of different ones.
#[derive(Default)]
struct TextStyles {
    styles: Vec<(TextKey, TextStyle<'static>)>,
}

/// What tells two [`TextStyle`]s of a scene apart.
#[derive(PartialEq)]
struct TextKey {
    size: u64,
    bold: bool,
    color: RGBColor,
    anchor: u8,
}

impl TextStyles {
    fn get(&mut self, t: &TextOp) -> &TextStyle<'static> {
        let key = TextKey {
            size: t.size.to_bits(),
            bold: t.bold,
            color: t.color,
            anchor: match t.anchor {
                HPos::Left => 0,
                HPos::Center => 1,
                HPos::Right => 2,
            },
        };
        let i = match self.styles.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let weight = if t.bold {
                    FontStyle::Bold
                } else {
                    FontStyle::Normal
                };
                let style = TextStyle {
                    // plotters writes font-size as size / 1.24.
                    font: FontDesc::new(FontFamily::Name(FONT_SENTINEL), t.size * 1.24, weight),
                    color: t.color.to_backend_color(),
                    pos: Pos::new(t.anchor, VPos::Center),
                };
                self.styles.push((key, style));
                self.styles.len() - 1
            }
        };
        &self.styles[i].1
    }
}

// ---------------------------------------------------------------------------
// Finishing plotters' output

/// [`FONT_FAMILY`] escaped for an attribute value.
const FONT_FAMILY_ATTR: &str = "&quot;Hiragino Sans&quot;,&quot;Hiragino Kaku Gothic ProN&quot;,&quot;Yu Gothic&quot;,&quot;Noto Sans JP&quot;,&quot;Noto Sans CJK JP&quot;,Meiryo,sans-serif";

/// Replaces plotters' root element with an accessible one, adds `<title>` and
/// `<desc>`, and tidies the text elements.
fn finish_svg(raw: &str, kind: &str, title: &str, desc: &str, height: i32) -> String {
    // plotters' root start tag ends with the first ">\n".
    let body_start = raw.find(">\n").map(|i| i + 2).unwrap_or(0);
    let body = tidy_body(&raw[body_start..]);

    // The id depends on what the chart says (kind, title, and the
    // description, which carries every number), not on the drawn body:
    // equally unique within a page, and a quarter of the work to hash.
    let mut hasher = Fnv::default();
    for part in [kind, title, desc] {
        hasher.write(part.as_bytes());
        hasher.write(&[0]);
    }
    let mut id = String::with_capacity(28);
    id.push_str("hyoka-chart-");
    push_hex16(&mut id, hasher.0);

    let mut out = String::with_capacity(
        body.len() + FONT_FAMILY_ATTR.len() + 4 * id.len() + title.len() + desc.len() + 320,
    );
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    push_int(&mut out, i64::from(WIDTH));
    out.push(' ');
    push_int(&mut out, i64::from(height));
    out.push_str("\" class=\"hyoka-chart hyoka-chart-");
    escape_into(&mut out, kind);
    out.push_str("\" role=\"img\" aria-labelledby=\"");
    out.push_str(&id);
    out.push_str("-title ");
    out.push_str(&id);
    out.push_str("-desc\" font-family=\"");
    out.push_str(FONT_FAMILY_ATTR);
    out.push_str("\">\n<title id=\"");
    out.push_str(&id);
    out.push_str("-title\">");
    escape_into(&mut out, title);
    out.push_str("</title>\n<desc id=\"");
    out.push_str(&id);
    out.push_str("-desc\">");
    escape_into(&mut out, desc);
    out.push_str("</desc>\n");
    out.push_str(&body);
    out
}

/// Removes the per-text font-family (the root sets it), the always-1
/// opacities and the newlines plotters puts around text content, and writes
/// font sizes back as round numbers; one pass over plotters' output.
///
/// plotters escapes attribute values and text content, so a `"` always ends
/// an attribute value, a `>` always ends a tag and the first `<` after a
/// text's start tag starts its `</text>`.
fn tidy_body(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut sizes = FontSizes::default();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let (tag, after) = rest.split_at(rest.find('>').map_or(rest.len(), |gt| gt + 1));
        rest = after;
        if tag.starts_with("</") {
            out.push_str(tag);
            continue;
        }
        if !tidy_plotters_tag(&mut out, tag, &mut sizes) {
            tidy_start_tag(&mut out, tag, &mut sizes);
        }
        if tag.starts_with("<text ") {
            // "<text …>\ncontent\n</text>" → "<text …>content</text>".
            let after = rest.strip_prefix('\n').unwrap_or(rest);
            let close = match after.find('<') {
                Some(c) if after[c..].starts_with("</text>") => c,
                _ => after.find("</text>").unwrap_or(after.len()),
            };
            let content = &after[..close];
            out.push_str(content.strip_suffix('\n').unwrap_or(content));
            rest = &after[close..];
        }
    }
    out.push_str(rest);
    out
}

/// `" opacity="1" fill="#`: the end of every rectangle and text start tag
/// plotters writes, up to the colour's six hex digits.
const OPACITY_FILL: &str = " opacity=\"1\" fill=\"#";

/// The fast path for the two start tags the charts draw, as
/// plotters-svg 0.3.7 writes them:
///
/// ```text
/// <rect x="…" y="…" width="…" height="…" opacity="1" fill="#RRGGBB" stroke="none"/>
/// <text x="…" y="…" dy="0.5ex" text-anchor="…" font-family="" font-size="…" opacity="1" fill="#RRGGBB"[ font-weight="bold"]>
/// ```
///
/// Only the fixed parts around what changes are checked (nothing before
/// them can hold a font or an opacity: the coordinates are integers, `dy`
/// and `text-anchor` fixed words). Returns false, having written nothing,
/// for any other tag, which [`tidy_start_tag`] then tidies attribute by
/// attribute.
fn tidy_plotters_tag<'a>(out: &mut String, tag: &'a str, sizes: &mut FontSizes<'a>) -> bool {
    if tag.starts_with("<rect ") {
        let Some((head, tail)) = split_opacity(tag, "\" stroke=\"none\"/>") else {
            return false;
        };
        out.push_str(head);
        out.push_str(tail);
        return true;
    }
    if !tag.starts_with("<text ") {
        return false;
    }
    let Some((head, tail)) =
        split_opacity(tag, "\">").or_else(|| split_opacity(tag, "\" font-weight=\"bold\">"))
    else {
        return false;
    };
    // `head` ends with `font-size="…"`.
    let Some(head) = head.strip_suffix('"') else {
        return false;
    };
    let Some(open) = head.rfind('"') else {
        return false;
    };
    let Some(start) = head[..=open]
        .strip_suffix(" font-size=\"")
        .and_then(|h| h.strip_suffix('"'))
        .and_then(|h| h.strip_suffix(FONT_SENTINEL))
        .and_then(|h| h.strip_suffix(" font-family=\""))
    else {
        return false;
    };
    out.push_str(start);
    out.push_str(" font-size=\"");
    out.push_str(sizes.tidy(&head[open + 1..]));
    out.push('"');
    out.push_str(tail);
    true
}

/// Splits a start tag ending in `" opacity="1" fill="#RRGGBB{end}` into the
/// part before ` opacity="1"` and the part from ` fill=` on.
fn split_opacity<'a>(tag: &'a str, end: &str) -> Option<(&'a str, &'a str)> {
    let head = tag.strip_suffix(end)?;
    let head = head.get(..head.len().checked_sub(6)?)?;
    let head = head.strip_suffix(OPACITY_FILL)?;
    let tail = tag.get(head.len() + " opacity=\"1\"".len()..)?;
    Some((head, tail))
}

/// Writes one start tag (`<name a="v" …>` or `<name a="v" …/>`) without the
/// sentinel font-family and `opacity="1"`, with its font size rewritten.
fn tidy_start_tag<'a>(out: &mut String, tag: &'a str, sizes: &mut FontSizes<'a>) {
    let bytes = tag.as_bytes();
    let mut i = bytes
        .iter()
        .position(|&b| matches!(b, b' ' | b'/' | b'>'))
        .unwrap_or(bytes.len());
    out.push_str(&tag[..i]);
    // Attributes: ` name="value"`.
    while bytes.get(i) == Some(&b' ') {
        let name_start = i + 1;
        let Some(open) = tag[name_start..].find('"').map(|q| name_start + q) else {
            break;
        };
        if bytes[open - 1] != b'=' {
            break;
        }
        let Some(close) = tag[open + 1..].find('"').map(|q| open + 1 + q) else {
            break;
        };
        match (&tag[name_start..open - 1], &tag[open + 1..close]) {
            ("font-family", FONT_SENTINEL) | ("opacity", "1") => {}
            ("font-size", value) => {
                out.push_str(" font-size=\"");
                out.push_str(sizes.tidy(value));
                out.push('"');
            }
            _ => out.push_str(&tag[i..=close]),
        }
        i = close + 1;
    }
    out.push_str(&tag[i..]);
}

/// Font sizes as plotters wrote them and as rewritten, so each is parsed
/// and formatted once per chart.
#[derive(Default)]
struct FontSizes<'a> {
    seen: Vec<(&'a str, String)>,
}

impl<'a> FontSizes<'a> {
    fn tidy(&mut self, value: &'a str) -> &str {
        let i = match self.seen.iter().position(|(raw, _)| *raw == value) {
            Some(i) => i,
            None => {
                let tidy = match value.parse::<f64>() {
                    Ok(v) => fmt_num(v),
                    Err(_) => value.to_string(),
                };
                self.seen.push((value, tidy));
                self.seen.len() - 1
            }
        };
        &self.seen[i].1
    }
}

/// Appends `v` in decimal.
fn push_int(out: &mut String, v: i64) {
    // Writing into a String cannot fail.
    write!(out, "{v}").ok();
}

/// Appends `v` as 16 lowercase hex digits.
fn push_hex16(out: &mut String, v: u64) {
    for shift in (0..16).rev() {
        let digit = ((v >> (shift * 4)) & 0xf) as u8;
        out.push(char::from(if digit < 10 {
            b'0' + digit
        } else {
            b'a' + digit - 10
        }));
    }
}

/// Escapes text for XML content and attribute values.
#[cfg(test)]
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// Appends `s` escaped for XML content and attribute values.
fn escape_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest
        .bytes()
        .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&apos;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// 64-bit FNV-1a: a stable hash (unlike `DefaultHasher`, fixed across Rust
/// versions) for element ids.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_as_printed() {
        assert_eq!(fmt_int(1234567), "1,234,567");
        assert_eq!(fmt_int(-1234), "-1,234");
        assert_eq!(fmt_int(999), "999");
        assert_eq!(fmt_num(82.9), "82.9");
        assert_eq!(fmt_num(90.0), "90");
        assert_eq!(fmt_num(12345.25), "12,345.25");
    }

    #[test]
    fn axis_steps_are_round() {
        let a = Axis::nice(0.0, 95.0);
        assert_eq!((a.min, a.max, a.step), (0.0, 100.0, 20.0));
        let a = Axis::nice(0.0, 1234.0);
        assert_eq!((a.min, a.max, a.step), (0.0, 1250.0, 250.0));
        assert_eq!(a.label(1000.0), "1,000");
        let a = Axis::nice(0.0, 0.0);
        assert!(a.max > a.min);
        let a = Axis::nice(0.0, 0.7);
        assert_eq!(a.ticks().last().copied(), Some(0.8));
        assert_eq!(a.label(0.3), "0.3");
        let a = Axis::nice(-10.0, 30.0);
        assert!(a.min <= -10.0 && a.ticks().contains(&0.0));
    }

    #[test]
    fn wrapping_respects_width_and_punctuation() {
        let lines = wrap(
            "所沢市ICT推進アクションプラン2019-2021 進捗状況評価",
            200.0,
            16.0,
        );
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(text_width(l, 16.0) <= 200.0 + 16.0, "{l}");
        }
        assert_eq!(
            lines.concat().replace(' ', ""),
            "所沢市ICT推進アクションプラン2019-2021進捗状況評価"
        );
        let lines = wrap("あいう。", 48.0, 16.0);
        assert_eq!(lines, vec!["あいう。"]);
        assert_eq!(wrap("", 100.0, 16.0), vec![""]);
        // Breaks between phrases rather than inside a word.
        assert_eq!(
            wrap(
                "市民満足度（「満足」「やや満足」と答えた人の割合）",
                376.0,
                16.0
            ),
            vec!["市民満足度（「満足」「やや満足」", "と答えた人の割合）"]
        );
        // No lone last characters: 25 characters over two lines of 13 and 12.
        let lines = wrap(&"あ".repeat(25), 376.0, 16.0);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].chars().count() >= 12, "{lines:?}");
    }

    /// `fmt_num` as first written: always through `format!("{v:.2}")`.
    fn fmt_num_reference(v: f64) -> String {
        let s = format!("{v:.2}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        let s = if s == "-0" { "0".to_string() } else { s };
        group_digits(&s)
    }

    #[test]
    fn number_shortcuts_format_as_the_long_way() {
        let mut values = vec![
            0.0,
            -0.0,
            1e-7,
            -1e-7,
            4.9e-7,
            0.004999,
            0.005,
            0.995,
            13.000000000000002,
            12.999999999999998,
            99.99999,
            -2.0000001,
            1234.5,
            999_999_999_999_999.0,
            1e15,
            -1e15,
            1e20,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for i in -2000..2000 {
            let v = f64::from(i);
            values.extend([v, v / 3.0, v / 100.0, v * 1e9, v + 1e-6, v - 5e-7]);
        }
        for v in values {
            assert_eq!(fmt_num(v), fmt_num_reference(v), "{v:?}");
        }
        let axis = Axis::nice(-1e12, 3e12);
        assert_eq!(axis.decimals, 0);
        for v in [0.0, -0.0, 1.0, -250.0, 1e14, -1e14, 1e15, 0.5] {
            let want = group_digits(&format!("{:.0}", v));
            assert_eq!(axis.label(v), want, "{v:?}");
        }
    }

    /// `tidy_body` as first written: a chain of replacements and scans.
    fn tidy_reference(body: &str) -> String {
        let s = body
            .replace(&format!(" font-family=\"{FONT_SENTINEL}\""), "")
            .replace(" opacity=\"1\"", "");
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        while let Some(i) = rest.find("font-size=\"") {
            let (head, tail) = rest.split_at(i + "font-size=\"".len());
            out.push_str(head);
            let end = tail.find('"').unwrap_or(tail.len());
            match tail[..end].parse::<f64>() {
                Ok(v) => out.push_str(&fmt_num(v)),
                Err(_) => out.push_str(&tail[..end]),
            }
            rest = &tail[end..];
        }
        out.push_str(rest);
        let mut tidy = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find("<text ") {
            let (head, tail) = rest.split_at(i);
            tidy.push_str(head);
            let Some(gt) = tail.find('>') else {
                rest = tail;
                break;
            };
            tidy.push_str(&tail[..=gt]);
            let after = &tail[gt + 1..];
            let after = after.strip_prefix('\n').unwrap_or(after);
            let close = after.find("</text>").unwrap_or(after.len());
            tidy.push_str(after[..close].strip_suffix('\n').unwrap_or(&after[..close]));
            rest = &after[close..];
        }
        tidy.push_str(rest);
        tidy
    }

    /// A scene with every kind of text and rectangle the charts draw, and
    /// some they do not (yet).
    fn odd_scene() -> Scene<'static> {
        let mut scene = Scene::default();
        let texts = [
            "",
            "\n",
            "\n\n",
            "a\nb",
            " lead and trail ",
            "<&>\"'",
            "評価結果：「満足」",
            "ｶﾀｶﾅ",
        ];
        for (i, text) in texts.iter().enumerate() {
            let i = i as i32;
            for (size, anchor, bold) in [
                (16.0, HPos::Left, true),
                (13.0, HPos::Center, false),
                (12.0, HPos::Right, false),
                (11.0, HPos::Left, false),
                (12.5, HPos::Center, true),
            ] {
                scene.text(i * 40, 10 + i * 7, *text, size, anchor, MUTED, bold);
            }
            scene.rect(i, i * 3, 400 - i, i * 3 + 1, GRID);
            scene.rect(400 - i, 50, i * 5, 20, BLUE);
        }
        // Outside the canvas: clamped as plotters' drawing area would.
        scene.rect(-5, -5, 500, 1000, AMBER);
        scene.text(-20, 5000, "off", 14.0, HPos::Left, TEXT, false);
        scene
    }

    #[test]
    fn tidying_keeps_what_the_replacements_kept() {
        let svg = odd_scene().finish("test", "タイトル", "説明", 120);
        let mut raw = String::new();
        {
            // The same drawing through plotters' drawing area.
            let root = SVGBackend::with_string(&mut raw, (WIDTH as u32, 120)).into_drawing_area();
            root.fill(&BACKGROUND).unwrap();
            for op in &odd_scene().ops {
                match op {
                    Op::Rect {
                        x0,
                        y0,
                        x1,
                        y1,
                        color,
                    } => root
                        .draw(&Rectangle::new([(*x0, *y0), (*x1, *y1)], color.filled()))
                        .unwrap(),
                    Op::Text(t) => {
                        let weight = if t.bold {
                            FontStyle::Bold
                        } else {
                            FontStyle::Normal
                        };
                        let font =
                            FontDesc::new(FontFamily::Name(FONT_SENTINEL), t.size * 1.24, weight);
                        let style = font.color(&t.color).pos(Pos::new(t.anchor, VPos::Center));
                        root.draw(&Text::new(t.text.as_ref(), (t.x, t.y), style))
                            .unwrap();
                    }
                }
            }
            root.present().unwrap();
        }
        let body = &raw[raw.find(">\n").unwrap() + 2..];
        let want = tidy_reference(body);
        assert!(svg.ends_with(&want), "{svg}\n---\n{want}");
        assert_eq!(tidy_body(body), want);

        // Every start tag takes the fast path, and the fast path writes what
        // the attribute-by-attribute path writes.
        let mut tags = 0;
        for line in body
            .lines()
            .filter(|l| l.starts_with("<rect ") || l.starts_with("<text "))
        {
            let (mut fast, mut slow) = (String::new(), String::new());
            assert!(
                tidy_plotters_tag(&mut fast, line, &mut FontSizes::default()),
                "{line}"
            );
            tidy_start_tag(&mut slow, line, &mut FontSizes::default());
            assert_eq!(fast, slow);
            tags += 1;
        }
        assert_eq!(tags, odd_scene().ops.len() + 1);
    }

    #[test]
    fn root_font_family_is_escaped() {
        assert_eq!(FONT_FAMILY_ATTR, escape(FONT_FAMILY));
        assert_eq!(
            escape("<a & 'b' \"c\">"),
            "&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;"
        );
    }

    #[test]
    fn colours_and_contrast() {
        assert_eq!(parse_color("#2e7d32"), Some(RGBColor(0x2e, 0x7d, 0x32)));
        assert_eq!(parse_color("#fff"), Some(RGBColor(255, 255, 255)));
        assert_eq!(parse_color("red"), None);
        assert!(contrast(TEXT, BACKGROUND) >= 4.5);
        assert!(contrast(MUTED, BACKGROUND) >= 4.5);
        assert!(contrast(BLUE, BACKGROUND) >= 3.0);
        assert!(contrast(AMBER, BACKGROUND) >= 3.0);
    }
}
