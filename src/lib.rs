//! hyoka (評価): a static open-data site generator for Japanese municipal
//! project evaluations (事務事業評価).
//!
//! The pipeline: [`load`] (files → checked [`content::Content`] or every
//! problem as [`diag::Diagnostics`]) → [`aggregate`] (pure summaries) →
//! [`render`] / [`charts`] / [`export`] (pages and data as bytes in memory) →
//! [`output`] (the only module that writes, staging then swapping).

pub mod aggregate;
pub mod build;
pub mod charts;
pub mod cli;
pub mod content;
pub mod de;
pub mod diag;
pub mod export;
pub mod fiscal;
pub mod format;
pub mod load;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod posmap;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod theme;
