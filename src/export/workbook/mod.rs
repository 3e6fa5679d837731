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
//! The project sheets' rows are written here (`cells`), 128 projects to a
//! piece that is deflated alone (`zipped`): memory holds the compressed
//! pieces, not the cells, and a rebuild where few projects changed makes
//! only their groups' pieces again and copies the rest from the previous
//! file ([`Layout`], kept by the build cache; [`Previous`]). The rest of the
//! package (headers, styles, the 担当課 and 項目の説明 sheets, properties) is
//! a small template rust_xlsxwriter makes. Projects are appended in site
//! order like the CSVs ([`super::Streams`]), and at most 256 of them (a few
//! MB) wait in the channel to the workbook's thread ([`Writer`]).
//!
//! Owns: the workbook's sheets and columns ([`sheets`]), shared with the
//! importer. Must not: write to disk itself (the bytes go to a sink).
//!
//! Parts: `sheets` (the sheets and columns), `rows` (a project's values
//! for them), `cells` (their XML), `zipped` (pieces and the container),
//! `book` (the xlsx file from template and pieces) and `writer` (the book on a
//! thread of its own, fed over a bounded channel, so that writing and
//! zipping the cells leave the build's serial merger). This module only
//! joins them and holds no logic.

mod book;
mod cells;
mod rows;
mod sheets;
mod writer;
mod zipped;

pub use book::{Finished, Layout, Previous};
pub use rows::{rows, Packed, Rows, Sheets, Value};
pub use sheets::*;
pub use writer::Writer;
