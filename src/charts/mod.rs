//! Charts: accessible, deterministic SVG strings drawn with plotters.
//!
//! Every chart is laid out here, not by plotters' chart builder: plotters
//! estimates the width of Japanese text at about 1.7 times its real width and
//! would need system fonts to do better, so every label sits at a position
//! computed from a conservative estimate ([`text_width`]) and long text is
//! wrapped by hand. plotters draws the shapes and the text into a string
//! ([`SVGBackend::with_string`](plotters::prelude::SVGBackend::with_string),
//! called through its [`DrawingBackend`](plotters::prelude::DrawingBackend)
//! methods, as a drawing area would); the result is then finished by hand in
//! one pass: the root element gets `role="img"`, `aria-labelledby` pointing
//! at a `<title>` and a `<desc>` that says every number in words, a `viewBox`
//! without a fixed size (the page's CSS sizes the chart, e.g.
//! `.chart svg { width: 100%; height: auto }` in a box at most 400 px wide:
//! never stretched beyond its own width, so 14-unit text is 12.5-14 px from a
//! 390 px phone up) and one `font-family` for all text. No title is drawn:
//! the page shows it once, as the figure's caption, and the `<title>` says
//! the same.
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
//!
//! Modules: one per chart kind (`rating`, `cost`, `indicator`), the bar
//! chart over years the last two share (`bars`, with its value axis in
//! `axis`), and the drawing beneath them all: `text` (width estimates and
//! line breaking), `number` (labels as the sheets print them), `color`
//! (palette and contrast), `scene` (shapes drawn with plotters), `svg`
//! (finishing plotters' output) and `id` (element ids). This module holds
//! the public API and the chart size.
//!
//! Draws only: every function returns a string; nothing here writes to
//! disk or knows a page.

mod axis;
mod bars;
mod color;
mod cost;
mod id;
mod indicator;
mod number;
mod rating;
mod scene;
mod svg;
mod text;

pub use cost::{cost_chart, CostPoint};
pub use indicator::{indicator_chart, IndicatorPoint};
pub use rating::rating_chart;
pub use text::text_width;

/// The font stack every chart's text uses (set once on the root element).
pub const FONT_FAMILY: &str = "\"Hiragino Sans\",\"Hiragino Kaku Gothic ProN\",\"Yu Gothic\",\"Noto Sans JP\",\"Noto Sans CJK JP\",Meiryo,sans-serif";

/// Width of every chart's coordinate system (`viewBox`).
const WIDTH: i32 = 400;
/// Outer margin.
const PAD: i32 = 12;
