//! The scene of one chart: rectangles and texts laid out first, then drawn
//! with plotters' SVG backend once the height is known, and finished by
//! [`super::svg::finish_svg`].
//!
//! Owns: drawing through plotters' [`DrawingBackend`] exactly as its root
//! drawing area would. Must not: lay out a chart (the chart kinds do) or
//! touch the SVG text after plotters (that is `svg`).

use std::borrow::Cow;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle};

use super::color::BACKGROUND;
use super::svg::{finish_svg, FONT_SENTINEL};
use super::WIDTH;

/// How a bar is drawn: series differ by more than colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum BarStyle {
    /// Filled.
    Solid(RGBColor),
    /// 2px outline on white.
    Outline(RGBColor),
    /// Outline with horizontal stripes.
    Striped(RGBColor),
}

/// One text to draw, anchored at its vertical centre.
pub(super) struct TextOp<'a> {
    pub(super) x: i32,
    pub(super) y: i32,
    pub(super) text: Cow<'a, str>,
    pub(super) size: f64,
    pub(super) anchor: HPos,
    pub(super) color: RGBColor,
    pub(super) bold: bool,
}

/// One shape of a scene.
pub(super) enum Op<'a> {
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
pub(super) struct Scene<'a> {
    pub(super) ops: Vec<Op<'a>>,
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
    pub(super) fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor) {
        self.ops.push(Op::Rect {
            x0,
            y0,
            x1,
            y1,
            color,
        });
    }

    /// A rectangle's outline, `w` px wide, inside the rectangle.
    pub(super) fn outline(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor, w: i32) {
        self.rect(x0, y0, x1, y0 + w, color);
        self.rect(x0, y1 - w, x1, y1, color);
        self.rect(x0, y0, x0 + w, y1, color);
        self.rect(x1 - w, y0, x1, y1, color);
    }

    pub(super) fn bar(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, style: BarStyle) {
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
    pub(super) fn text(
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

    /// Draws the scene with plotters and finishes the SVG.
    ///
    /// The ops are drawn by calling the [`DrawingBackend`] methods of the
    /// [`SVGBackend`] directly, with exactly the arguments plotters' root
    /// drawing area would pass for a `Rectangle` or `Text` element: points
    /// clamped to the canvas and rectangle corners put in order.
    pub(super) fn finish(self, kind: &str, title: &str, desc: &str, height: i32) -> String {
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
