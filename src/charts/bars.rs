//! Bars over fiscal years, shared by the cost and indicator charts: groups
//! of bars per year on a value axis, a legend, marks for missing figures,
//! and the pieces of their descriptions.
//!
//! Owns: the grouped bar layout ([`grouped_chart`]). Must not: know what
//! the bars mean (the chart kinds say, through [`GroupedSpec`]).

use plotters::style::text_anchor::HPos;

use super::axis::Axis;
use super::color::{GRID, MUTED, TEXT};
use super::scene::{BarStyle, Scene};
use super::text::text_width;
use super::{PAD, WIDTH};

/// Size of every text in these charts: shown at most 400 px wide (the
/// theme never stretches a chart beyond its own width) and at least 358 px
/// on a 390 px phone, 14 units render at 12.5-14 px.
const TEXT_SIZE: f64 = 14.0;

/// Height of the plot area of bar-over-year charts.
const PLOT_HEIGHT: i32 = 200;

/// Mark written where one figure of a year is missing.
const MISSING_MARK: &str = "－";
/// Text for a year without any figure.
const NO_DATA: &str = "データなし";

/// One bar of a year: its value (`None`: missing) and how it is drawn.
pub(super) struct Slot {
    pub(super) value: Option<f64>,
    pub(super) style: BarStyle,
}

/// The bars of one year.
pub(super) struct GroupData<'a> {
    pub(super) label: &'a str,
    pub(super) slots: Vec<Slot>,
    /// Text written above the group's bars.
    pub(super) above: Option<String>,
}

impl GroupData<'_> {
    fn is_empty(&self) -> bool {
        self.slots.iter().all(|s| s.value.is_none())
    }
}

/// The legend's "データなし" note, when some year lacks a value.
pub(super) fn gap_note(groups: &[GroupData]) -> Option<LegendItem> {
    has_partial_gap(groups).then(|| LegendItem::note(format!("{MISSING_MARK} データなし")))
}

/// Appends a figure with its unit to a chart description, or "データなし".
pub(super) fn push_figure(desc: &mut String, figure: Option<String>, unit: &str) {
    match figure {
        Some(f) => {
            desc.push_str(&f);
            desc.push_str(unit);
        }
        None => desc.push_str(NO_DATA),
    }
}

/// The description of a chart of bars over years: "単位：{unit}。" when there
/// is a unit, then every point as "{label}: " and what `figures` writes, or
/// "{label}: データなし" when `has_data` says it has no figure; the points are
/// separated, and the whole ended, by "。".
pub(super) fn describe_years<P>(
    capacity: usize,
    unit: Option<&str>,
    points: &[P],
    label: fn(&P) -> &str,
    has_data: impl Fn(&P) -> bool,
    mut figures: impl FnMut(&mut String, &P),
) -> String {
    let mut desc = String::with_capacity(capacity);
    if let Some(unit) = unit {
        desc.push_str("単位：");
        desc.push_str(unit);
        desc.push('。');
    }
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            desc.push('。');
        }
        desc.push_str(label(p));
        desc.push_str(": ");
        if has_data(p) {
            figures(&mut desc, p);
        } else {
            desc.push_str(NO_DATA);
        }
    }
    desc.push('。');
    desc
}

fn has_partial_gap(groups: &[GroupData]) -> bool {
    groups
        .iter()
        .any(|g| !g.is_empty() && g.slots.iter().any(|s| s.value.is_none()))
}

/// One entry of the legend: a swatch and its text, or a note.
pub(super) struct LegendItem {
    swatch: Option<BarStyle>,
    text: String,
}

impl LegendItem {
    pub(super) fn swatch(text: &str, style: BarStyle) -> Self {
        LegendItem {
            swatch: Some(style),
            text: text.to_string(),
        }
    }
    pub(super) fn note(text: String) -> Self {
        LegendItem { swatch: None, text }
    }
}

/// What a chart kind gives [`grouped_chart`].
pub(super) struct GroupedSpec<'a> {
    pub(super) kind: &'a str,
    pub(super) title: &'a str,
    pub(super) desc: String,
    pub(super) legend: Vec<LegendItem>,
    pub(super) unit_caption: Option<String>,
    pub(super) groups: Vec<GroupData<'a>>,
}

/// Draws a bar chart over years: legend, unit, value axis, then
/// each year's bars (a missing figure marked, a year without any written
/// out).
pub(super) fn grouped_chart(spec: &GroupedSpec) -> String {
    let mut scene = Scene::default();
    // No visible title: the page shows it as the figure's caption (the
    // SVG's <title> says the same).
    let mut y = PAD;

    // Legend, wrapped by estimated widths.
    let mut x = PAD;
    let line_h = 20;
    for item in &spec.legend {
        let tw = text_width(&item.text, TEXT_SIZE).ceil() as i32;
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
                TEXT_SIZE,
                HPos::Left,
                TEXT,
                false,
            );
        } else {
            scene.text(
                x,
                y + 10,
                item.text.as_str(),
                TEXT_SIZE,
                HPos::Left,
                TEXT,
                false,
            );
        }
        x += w + 16;
    }
    y += line_h + 4;

    if let Some(caption) = &spec.unit_caption {
        scene.text(
            PAD,
            y + 9,
            caption.as_str(),
            TEXT_SIZE,
            HPos::Left,
            MUTED,
            false,
        );
        y += 18;
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
        .map(|s| text_width(s, TEXT_SIZE))
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
        scene.text(left - 6, ty, label, TEXT_SIZE, HPos::Right, MUTED, false);
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

        scene.text(
            cx,
            bottom + 14,
            g.label,
            TEXT_SIZE,
            HPos::Center,
            TEXT,
            false,
        );

        if g.is_empty() {
            let mid = (top + bottom) / 2;
            if text_width(NO_DATA, TEXT_SIZE) <= group_w - 4.0 {
                scene.text(cx, mid, NO_DATA, TEXT_SIZE, HPos::Center, MUTED, false);
            } else {
                // Too narrow: written vertically (縦書き), one upright
                // character under the other, the long vowel mark turned.
                let chars: Vec<char> = NO_DATA.chars().collect();
                let y0 = mid - (chars.len() as i32 - 1) * 16 / 2;
                for (k, ch) in chars.iter().enumerate() {
                    let ch = if *ch == 'ー' { '｜' } else { *ch };
                    let yk = y0 + k as i32 * 16;
                    scene.text(
                        cx,
                        yk,
                        ch.to_string(),
                        TEXT_SIZE,
                        HPos::Center,
                        MUTED,
                        false,
                    );
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
                    scene.text(scx, zero_y - 9, "0", TEXT_SIZE, HPos::Center, MUTED, false);
                    highest = highest.min(zero_y - 16);
                }
                None => {
                    scene.text(
                        scx,
                        zero_y - 9,
                        MISSING_MARK,
                        TEXT_SIZE,
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
                TEXT_SIZE,
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
