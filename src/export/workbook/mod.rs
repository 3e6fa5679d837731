//! `data/projects.xlsx`: every field of every project in one Excel
//! workbook, a worksheet per table, for the clerks who live in Excel (and
//! for `hyoka import`, which reads it back: [`crate::import`]).
//!
//! Sheets: 事業 (one row per project), 年度別の経費と人員, 活動実績,
//! 成果指標, 成果指標の目標と実績, 評価, 転記メモ (one row per list item),
//! 担当課 and 項目の説明 (every column with its meaning, unit and whether
//! import reads it). Headers are frozen, money has thousands separators,
//! widths are fixed per column from the header's display width (a CJK
//! character counts two), and the creation date is the site's `updated`
//! date, so the same content builds the same bytes.
//!
//! Memory stays bounded: the project worksheets use rust_xlsxwriter's
//! constant-memory mode (each row is flushed to an anonymous temporary file
//! as the next begins), projects are appended in site order like the
//! CSVs ([`super::Streams`]), and at most 256 of them (a few MB) wait in
//! the channel to the workbook's thread ([`Writer`]). Only the zipped file is
//! held at the end.
//!
//! Owns: the workbook's sheets and columns ([`sheets`]), shared with the
//! importer. Must not: write to disk itself (the bytes go to a sink).
//!
//! Parts: `sheets` (the sheets and columns), `rows` (a project's values
//! for them), `book` (writing the xlsx file) and `writer` (the book on a
//! thread of its own, fed over a bounded channel, so that writing and
//! zipping the cells leave the build's serial merger). This module only
//! joins them and holds no logic.

mod book;
mod rows;
mod sheets;
mod writer;

pub use rows::{rows, Rows, Value};
pub use sheets::*;
pub use writer::Writer;
