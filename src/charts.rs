//! Charts: accessible, deterministic SVG strings drawn with plotters.
//!
//! Every chart is laid out here, not by plotters' chart builder: plotters
//! estimates the width of Japanese text at about 1.7 times its real width and
//! would need system fonts to do better, so every label sits at a position
//! computed from a conservative estimate ([`text_width`]) and long text is
//! wrapped by hand. plotters draws the shapes and the text into a string
//! ([`SVGBackend::with_string`]); the result is then finished by hand: the
//! root element gets `role="img"`, `aria-labelledby` pointing at a `<title>`
//! and a `<desc>` that says every number in words, a `viewBox` without a fixed
//! size (the page's CSS sizes the chart, e.g. `svg.hyoka-chart { width: 100%;
//! max-width: 36rem; height: auto }`) and one `font-family` for all text.
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

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle};

use crate::aggregate::Distribution;

/// The font stack every chart's text uses (set once on the root element).
pub const FONT_FAMILY: &str = "\"Hiragino Sans\",\"Hiragino Kaku Gothic ProN\",\"Yu Gothic\",\"Noto Sans JP\",\"Noto Sans CJK JP\",Meiryo,sans-serif";

/// Name given to plotters for every text; removed again when finishing.
const FONT_SENTINEL: &str = "hyoka-chart-font";

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

    for (level, count_label) in dist.levels.iter().zip(&count_labels) {
        let name = level_name(&level.code, level.label.as_deref());
        for line in wrap(&name, f64::from(WIDTH - 2 * PAD), 14.0) {
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
            count_label.clone(),
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

    let parts: Vec<String> = dist
        .levels
        .iter()
        .map(|l| {
            format!(
                "{}: {}件（{}%）",
                level_name(&l.code, l.label.as_deref()),
                l.count,
                l.percent
            )
        })
        .collect();
    let desc = format!("{}。{}", parts.join("、"), note);
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
            let mut slots = vec![
                Slot {
                    value: p.budget.map(|v| v as f64),
                    style: BarStyle::Outline(BLUE),
                },
                Slot {
                    value: p.settlement.map(|v| v as f64),
                    style: if p.settlement_estimated {
                        BarStyle::Striped(BLUE)
                    } else {
                        BarStyle::Solid(BLUE)
                    },
                },
            ];
            if with_staff {
                slots.push(Slot {
                    value: p.staff_cost.map(|v| v as f64),
                    style: BarStyle::Solid(AMBER),
                });
            }
            GroupData {
                label: p.label.clone(),
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
    if has_partial_gap(&groups) {
        legend.push(LegendItem::note(format!("{MISSING_MARK} データなし")));
    }

    let money = |v: Option<i64>| match v {
        Some(v) => format!("{}{unit}", fmt_int(v)),
        None => NO_DATA.to_string(),
    };
    let parts: Vec<String> = points
        .iter()
        .map(|p| {
            if !any(p) {
                return format!("{}: {NO_DATA}", p.label);
            }
            let mut s = format!(
                "{}: 予算現額 {}、決算額 {}",
                p.label,
                money(p.budget),
                money(p.settlement)
            );
            if p.settlement_estimated && p.settlement.is_some() {
                s.push_str("（見込み）");
            }
            if with_staff {
                s.push_str(&format!("、人件費 {}", money(p.staff_cost)));
            }
            s
        })
        .collect();
    let desc = format!("単位：{unit}。{}。", parts.join("。"));

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
            label: p.label.clone(),
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
    if has_partial_gap(&groups) {
        legend.push(LegendItem::note(format!("{MISSING_MARK} データなし")));
    }

    let value = |v: Option<f64>| match v {
        Some(v) => format!("{}{u}", fmt_num(v)),
        None => NO_DATA.to_string(),
    };
    let parts: Vec<String> = points
        .iter()
        .map(|p| {
            if p.target.is_none() && p.result.is_none() {
                return format!("{}: {NO_DATA}", p.label);
            }
            let mut s = format!(
                "{}: 目標 {}、実績 {}",
                p.label,
                value(p.target),
                value(p.result)
            );
            if let (Some(a), Some(_)) = (p.achievement, p.result) {
                s.push_str(&format!("、達成率 {}%", fmt_num(a)));
            }
            s
        })
        .collect();
    let mut desc = String::new();
    if let Some(unit) = unit {
        desc.push_str(&format!("単位：{unit}。"));
    }
    desc.push_str(&parts.join("。"));
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

struct GroupData {
    label: String,
    slots: Vec<Slot>,
    /// Text written above the group's bars.
    above: Option<String>,
}

impl GroupData {
    fn is_empty(&self) -> bool {
        self.slots.iter().all(|s| s.value.is_none())
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
    groups: Vec<GroupData>,
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
                item.text.clone(),
                13.0,
                HPos::Left,
                TEXT,
                false,
            );
        } else {
            scene.text(x, y + 10, item.text.clone(), 13.0, HPos::Left, TEXT, false);
        }
        x += w + 16;
    }
    y += line_h + 4;

    if let Some(caption) = &spec.unit_caption {
        scene.text(PAD, y + 8, caption.clone(), 12.0, HPos::Left, MUTED, false);
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

        let label_size = if text_width(&g.label, 13.0) > group_w - 2.0 {
            11.0
        } else {
            13.0
        };
        scene.text(
            cx,
            bottom + 14,
            g.label.clone(),
            label_size,
            HPos::Center,
            TEXT,
            false,
        );

        if g.is_empty() {
            let mid = (top + bottom) / 2;
            if text_width(NO_DATA, 12.0) <= group_w - 4.0 {
                scene.text(
                    cx,
                    mid,
                    NO_DATA.to_string(),
                    12.0,
                    HPos::Center,
                    MUTED,
                    false,
                );
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
                    scene.text(
                        scx,
                        zero_y - 9,
                        "0".to_string(),
                        13.0,
                        HPos::Center,
                        MUTED,
                        false,
                    );
                    highest = highest.min(zero_y - 16);
                }
                None => {
                    scene.text(
                        scx,
                        zero_y - 9,
                        MISSING_MARK.to_string(),
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
                above.clone(),
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
    if lines.len() < 2 || !last_is_short {
        return lines;
    }
    let mut width = max_width;
    let step = size / 2.0;
    while width - step > size && wrap_greedy(s, width - step, size).len() == lines.len() {
        width -= step;
    }
    wrap_greedy(s, width, size)
}

/// Greedy line breaking by estimated width: between any two Japanese
/// characters, at spaces between Latin words, never before closing
/// punctuation.
fn wrap_greedy(s: &str, max_width: f64, size: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        let fits = text_width(&cur, size) + char_em(c) * size <= max_width;
        if fits || cur.is_empty() || no_line_start(c) {
            cur.push(c);
            continue;
        }
        if c == ' ' {
            lines.push(std::mem::take(&mut cur));
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
                let rest = cur.split_off(i);
                lines.push(cur.trim_end().to_string());
                cur = rest;
            }
            None => lines.push(std::mem::take(&mut cur)),
        }
        cur.push(c);
    }
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

struct TextOp {
    x: i32,
    y: i32,
    text: String,
    size: f64,
    anchor: HPos,
    color: RGBColor,
    bold: bool,
}

enum Op {
    Rect {
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        color: RGBColor,
    },
    Text(TextOp),
}

#[derive(Default)]
struct Scene {
    ops: Vec<Op>,
}

impl Scene {
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
        text: String,
        size: f64,
        anchor: HPos,
        color: RGBColor,
        bold: bool,
    ) {
        self.ops.push(Op::Text(TextOp {
            x,
            y,
            text,
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
    fn finish(self, kind: &str, title: &str, desc: &str, height: i32) -> String {
        let mut raw = String::new();
        {
            let root = SVGBackend::with_string(&mut raw, (WIDTH as u32, height as u32))
                .into_drawing_area();
            // Drawing into a String cannot fail; errors are ignored rather
            // than turned into panics.
            root.fill(&BACKGROUND).ok();
            for op in &self.ops {
                match op {
                    Op::Rect {
                        x0,
                        y0,
                        x1,
                        y1,
                        color,
                    } => {
                        root.draw(&Rectangle::new([(*x0, *y0), (*x1, *y1)], color.filled()))
                            .ok();
                    }
                    Op::Text(t) => {
                        let weight = if t.bold {
                            FontStyle::Bold
                        } else {
                            FontStyle::Normal
                        };
                        // plotters writes font-size as size / 1.24.
                        let font =
                            FontDesc::new(FontFamily::Name(FONT_SENTINEL), t.size * 1.24, weight);
                        let style = font.color(&t.color).pos(Pos::new(t.anchor, VPos::Center));
                        root.draw(&Text::new(t.text.as_str(), (t.x, t.y), style))
                            .ok();
                    }
                }
            }
            root.present().ok();
        }
        finish_svg(&raw, kind, title, desc, height)
    }
}

// ---------------------------------------------------------------------------
// Finishing plotters' output

/// Replaces plotters' root element with an accessible one, adds `<title>` and
/// `<desc>`, and tidies the text elements.
fn finish_svg(raw: &str, kind: &str, title: &str, desc: &str, height: i32) -> String {
    // plotters' root start tag ends with the first ">\n".
    let body_start = raw.find(">\n").map(|i| i + 2).unwrap_or(0);
    let body = tidy_body(&raw[body_start..]);

    let mut hasher = Fnv::default();
    for part in [kind, title, desc, body.as_str()] {
        hasher.write(part.as_bytes());
        hasher.write(&[0]);
    }
    let id = format!("hyoka-chart-{:016x}", hasher.0);

    let mut out = String::with_capacity(body.len() + 512);
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\"");
    out.push_str(&format!(" viewBox=\"0 0 {WIDTH} {height}\""));
    out.push_str(&format!(
        " class=\"hyoka-chart hyoka-chart-{}\"",
        escape(kind)
    ));
    out.push_str(&format!(
        " role=\"img\" aria-labelledby=\"{id}-title {id}-desc\""
    ));
    out.push_str(&format!(" font-family=\"{}\">\n", escape(FONT_FAMILY)));
    out.push_str(&format!(
        "<title id=\"{id}-title\">{}</title>\n",
        escape(title)
    ));
    out.push_str(&format!("<desc id=\"{id}-desc\">{}</desc>\n", escape(desc)));
    out.push_str(&body);
    out
}

/// Removes the per-text font-family (the root sets it), the always-1
/// opacities and the newlines plotters puts around text content, and writes
/// font sizes back as round numbers.
fn tidy_body(body: &str) -> String {
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
    // "<text …>\ncontent\n</text>" → "<text …>content</text>". Text content is
    // escaped by plotters, so the first '>' after "<text" ends the start tag.
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

/// Escapes text for XML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
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
