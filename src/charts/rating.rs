//! The rating chart: one horizontal bar per level of a series' scale, with
//! the level's code, label, count and percent written beside it.
//!
//! Owns: [`rating_chart`]'s layout and description. Must not: count
//! ratings (it draws the [`Distribution`] it is given) or know any page.

use std::fmt::Write as _;

use plotters::style::text_anchor::HPos;

use crate::aggregate::Distribution;

use super::color::{contrast, parse_color, BACKGROUND, MUTED, TEXT};
use super::scene::Scene;
use super::text::{text_width, wrap};
use super::{PAD, WIDTH};

/// Horizontal bar chart of a rating distribution: one bar per scale level, in scale order,
/// colour from the level, each bar labelled with its code (and label when present), count and percent
/// written as text (e.g. "A 適切  50件 (88%)"), so ratings are told apart by more than colour.
///
/// Bar lengths are proportional to the counts (the largest count fills the
/// width); a level nobody got is still listed, with a bar of length 0 and
/// "0件 (0%)".
pub fn rating_chart(title: &str, dist: &Distribution) -> String {
    let mut scene = Scene::default();
    // No visible title: the page shows it as the figure's caption (the
    // SVG's <title> says the same).
    let mut y = PAD - 4;

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
    for line in wrap(&note, f64::from(WIDTH - 2 * PAD), 14.0) {
        scene.text(PAD, y + 9, line, 14.0, HPos::Left, MUTED, false);
        y += 20;
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
