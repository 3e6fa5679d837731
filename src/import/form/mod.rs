//! Form import: one evaluation sheet per worksheet, laid out as a fixed
//! form, read through a map from field paths to cells (see "Importing a
//! form" in the README and `examples/form-import/map.yaml`).
//!
//! The map also holds the form's printed labels (`labels`), so [`render`]
//! can draw a filled-in form from a project (the example and the tests use
//! it); import ignores the labels.
//!
//! The parts: `map` (the map file and its checks), `read` (cells to
//! project documents) and `render` (a project drawn as a form). This module
//! only joins them; it holds no logic of its own.

mod map;
mod read;
mod render;

pub use map::{Activities, EvaluationCells, Indicators, Map, ValueColumns, YearColumn};
pub use read::read;
pub use render::render;
