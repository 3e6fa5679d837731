//! hyoka (評価): a static open-data site generator for Japanese municipal
//! project evaluations (事務事業評価).
//!
//! The pipeline ([`pipeline`], shared by `build`, `check`, `serve` and the
//! tests): [`load`] (files → checked projects, or every problem as
//! [`diag::Diagnostics`]) → [`render`] / [`charts`] / [`export`] (each
//! project's page and data, streamed) → [`aggregate`] (pure summaries for the
//! pages that list many projects) → [`output`] (the only module that writes:
//! a staging folder swapped in at the end, or memory).

pub mod aggregate;
pub mod build;
pub mod cache;
pub mod charts;
pub mod cli;
pub mod content;
pub mod de;
pub mod diag;
pub mod export;
pub mod fiscal;
pub mod format;
pub mod import;
pub mod load;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod posmap;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod theme;
pub mod url;
