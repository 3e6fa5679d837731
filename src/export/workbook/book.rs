//! Writing `data/projects.xlsx`: formats, column widths, frozen headers
//! and constant-memory worksheets, project by project into a sink. It must
//! not decide what goes in a cell (that is `rows`).

use std::io;

use std::sync::Arc;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::content::Content;

use crate::export::tables::{csv_money_unit, NAME_SEPARATOR};

use super::cells::{column_name, push_row, Styles, ROW_MAX};
use super::rows::{opt_text, text, Rows, Sheets, Value};
use super::sheets::*;
use super::zipped::{self, crc_combine, Deflater, Entry, Piece};

/// Display width of a header: a character outside ASCII counts two.
fn display_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

/// Column width (in Excel's character units) for `c`.
fn width(c: &Col) -> f64 {
    let min = match c.kind {
        Kind::Text if c.header.contains("名称") || c.header.ends_with("名") => 30.0,
        Kind::Text => 16.0,
        Kind::Money | Kind::Number | Kind::Staff => 12.0,
        Kind::Int | Kind::Year | Kind::Bool => 8.0,
    };
    let long = [
        "内容",
        "根拠",
        "理由",
        "改善",
        "課題",
        "取り組み",
        "貢献したか",
        "転記メモ",
        "説明",
    ];
    let min = if c.kind == Kind::Text && long.iter().any(|w| c.header.contains(w)) {
        60.0
    } else {
        min
    };
    (display_width(&c.header) + 2.0).max(min).min(80.0)
}

/// Deflate level of the zip: on 10,000 real sheets (132 MB of sheet XML)
/// level 5 saves in about 30 % less CPU time than the default 6 for 0.5 %
/// more bytes (17.9 MB instead of 17.8 MB); lower levels cost much more
/// size (3: +12 %, 2: +26 %, 1: +61 %).
const ZIP_LEVEL: u8 = 5;

fn xerr(e: XlsxError) -> io::Error {
    io::Error::other(format!("projects.xlsx を作れませんでした: {e}"))
}

/// The cell formats.
struct Formats {
    header: Format,
    text: Format,
    money: Format,
    staff: Format,
    int: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new().set_bold().set_text_wrap(),
            text: Format::new(),
            money: Format::new().set_num_format("#,##0"),
            staff: Format::new().set_num_format("0.00"),
            int: Format::new().set_num_format("0"),
        }
    }
}

fn setup(ws: &mut Worksheet, sheet: &Sheet, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(sheet.name)?;
    for (i, c) in sheet.cols.iter().enumerate() {
        let i = u16::try_from(i).unwrap_or(u16::MAX);
        ws.set_column_width(i, width(c))?;
        ws.write_string_with_format(0, i, &c.header, &f.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_row(
    ws: &mut Worksheet,
    row: u32,
    sheet: &Sheet,
    values: &[Value],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (i, (v, c)) in values.iter().zip(&sheet.cols).enumerate() {
        let i = u16::try_from(i).unwrap_or(u16::MAX);
        match v {
            Value::Empty => {}
            // The text format is the default one (xf 0): a cell written
            // without a format gets the same bytes, without hashing the
            // format for every cell. An empty string keeps its format
            // (it becomes a blank cell; without one it would be dropped).
            Value::Text(s) if !s.is_empty() => {
                ws.write_string(row, i, s)?;
            }
            Value::Text(s) => {
                ws.write_string_with_format(row, i, s, &f.text)?;
            }
            Value::Bool(b) => {
                ws.write_boolean(row, i, *b)?;
            }
            Value::Number(n) => {
                let fmt = match c.kind {
                    Kind::Money => &f.money,
                    Kind::Staff => &f.staff,
                    Kind::Int | Kind::Year => &f.int,
                    _ => &f.text,
                };
                ws.write_number_with_format(row, i, *n, fmt)?;
            }
        }
    }
    Ok(())
}

/// Refuses a project whose text does not fit in a cell of `sheets` (the
/// error names the project and the sheet).
pub(super) fn check(sheets: &[Sheet], rows: &Rows) -> io::Result<()> {
    for (sheet, sheet_rows) in sheets.iter().zip(&rows.0) {
        for r in sheet_rows {
            for v in r {
                if let Value::Text(t) = v {
                    // Excel counts UTF-16 units; a string has at least as
                    // many bytes.
                    if t.len() > MAX_CELL_CHARS && t.encode_utf16().count() > MAX_CELL_CHARS {
                        return Err(io::Error::other(format!(
                            "projects.xlsx: 事業「{}」のシート「{}」に {MAX_CELL_CHARS} 文字を超える文があり、Excel のセルに入りません。文を短くするか分けてください",
                            match r.get(1) {
                                Some(Value::Text(id)) => id.as_str(),
                                _ => "",
                            },
                            sheet.name
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The rows of the 担当課 sheet, one per department of `content`.
pub(super) fn departments(content: &Content) -> Vec<Vec<Value>> {
    content
        .org
        .departments
        .iter()
        .map(|d| {
            let division = d.division.as_deref().and_then(|x| content.division(x));
            let former = d.former_names();
            vec![
                text(&content.site.municipality_code),
                text(&d.id),
                text(d.current_name()),
                opt_text(d.division.as_deref()),
                opt_text(division.map(|x| x.name.as_str())),
                if former.is_empty() {
                    Value::Empty
                } else {
                    Value::Text(former.join(NAME_SEPARATOR))
                },
            ]
        })
        .collect()
}

/// Projects per piece of a project sheet: a piece is compressed alone (see
/// `zipped`), so a rebuild where one project changed compresses its group's
/// piece of each sheet again and copies the others from the previous file.
/// On 10,000 cloned real sheets, pieces of 128 projects make the file 6 %
/// larger than one stream per sheet (64: 11 %, 32: 21 %).
pub(super) const GROUP: usize = 128;

/// Where the pieces of a workbook are (the build cache keeps it to reuse
/// them): per project sheet, each group's piece in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Layout {
    /// [`crate::cache::hash64`] of the file it describes.
    file: u64,
    sheets: Vec<Vec<Placed>>,
    /// How many pieces were copied from the previous file (not kept).
    #[serde(skip)]
    copied: usize,
}

impl Layout {
    /// Pieces copied from the previous file, and pieces in all.
    pub fn copied(&self) -> (usize, usize) {
        (self.copied, self.sheets.iter().map(Vec::len).sum())
    }
}

/// One piece in a file: what it holds (`key`, see [`Book::append`]), where
/// its deflated bytes are, what they inflate to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Placed {
    key: Option<u128>,
    at: u64,
    size: u64,
    len: u64,
    crc: u32,
}

/// The previous build's workbook and its layout.
pub struct Previous {
    layout: Layout,
    bytes: Vec<u8>,
}

impl Previous {
    /// `bytes` with its `layout`, when the layout describes these bytes.
    pub fn new(layout: Layout, bytes: Vec<u8>) -> Option<Previous> {
        (crate::cache::hash64(&bytes) == layout.file).then_some(Previous { layout, bytes })
    }

    /// Piece `g` of sheet `s`, when it holds `key`.
    fn piece(&self, s: usize, g: usize, key: u128) -> Option<(&[u8], u64, u32)> {
        let p = self.layout.sheets.get(s)?.get(g)?;
        if p.key != Some(key) {
            return None;
        }
        let at = usize::try_from(p.at).ok()?;
        let end = at.checked_add(usize::try_from(p.size).ok()?)?;
        Some((self.bytes.get(at..end)?, p.len, p.crc))
    }
}

/// A piece of a project sheet: made now, or a range of the previous file.
enum Made {
    New(Option<u128>, Piece),
    Old(u128, std::ops::Range<usize>, u64, u32),
}

impl Made {
    /// Its deflated bytes (a copied piece's are in `old`, the previous
    /// file), their inflated length and CRC.
    fn part<'a>(&'a self, old: &'a [u8]) -> (&'a [u8], u64, u32) {
        match self {
            Made::New(_, p) => whole(p),
            Made::Old(_, r, len, crc) => (&old[r.clone()], *len, *crc),
        }
    }

    fn key(&self) -> Option<u128> {
        match self {
            Made::New(key, _) => *key,
            Made::Old(key, ..) => Some(*key),
        }
    }
}

/// The workbook being written, project by project: the project sheets'
/// rows as XML pieces, the rest (headers, formats, the 担当課 and 項目の説明
/// sheets, the package's other parts) from a template rust_xlsxwriter made.
pub struct Book {
    sheets: Vec<Sheet>,
    names: Vec<Vec<String>>,
    styles: Styles,
    /// The template's entries (see [`template`]).
    template: Vec<(String, Vec<u8>)>,
    /// Next row per project sheet (1-based; row 1 is the header).
    next: Vec<u32>,
    /// The projects of the group being filled.
    group: Vec<(Arc<Sheets>, Option<u128>)>,
    /// Per project sheet, its pieces so far.
    pieces: Vec<Vec<Made>>,
    deflater: Deflater,
    /// What pieces depend on besides their projects (site, departments).
    deps: Option<u128>,
    previous: Option<Previous>,
}

/// A piece's bytes, length and CRC.
fn whole(p: &Piece) -> (&[u8], u64, u32) {
    (p.bytes.as_slice(), p.len, p.crc)
}

/// The name of project sheet `i` in the zip (rust_xlsxwriter numbers the
/// worksheets in the order they were added, the project sheets first).
fn sheet_entry(i: usize) -> String {
    format!("xl/worksheets/sheet{}.xml", i + 1)
}

/// A workbook with every sheet's header, the 担当課 and 項目の説明 sheets,
/// and in row 2 of the first sheet one cell of each number format (so that
/// `styles.xml` has them; the row is cut away with the rest of the sample
/// rows), saved.
fn template(content: &Content, sheets: &[Sheet]) -> io::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(ZIP_LEVEL);
    // A fixed creation date (the data's update date) keeps the bytes
    // reproducible; zip entries carry no time of their own.
    let date = content
        .site
        .updated
        .as_deref()
        .and_then(|u| {
            let y = u.get(0..4)?.parse().ok()?;
            let m = u.get(5..7)?.parse().ok()?;
            let d = u.get(8..10)?.parse().ok()?;
            ExcelDateTime::from_ymd(y, m, d).ok()
        })
        .map_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1), Ok)
        .map_err(xerr)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&content.site.title)
            .set_author(&content.site.municipality)
            .set_creation_datetime(&date),
    );
    let f = Formats::new();
    for (i, s) in sheets.iter().enumerate() {
        let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
        setup(ws, s, &f).map_err(xerr)?;
        if i == 0 {
            ws.write_number_with_format(1, 0, 1.0, &f.int)
                .and_then(|ws| ws.write_number_with_format(1, 1, 1.0, &f.money))
                .and_then(|ws| ws.write_number_with_format(1, 2, 1.0, &f.staff))
                .map_err(xerr)?;
        }
    }
    let dept = department_sheet();
    let ws = wb.add_worksheet();
    setup(ws, &dept, &f).map_err(xerr)?;
    for (i, row) in departments(content).iter().enumerate() {
        write_row(ws, (i + 1) as u32, &dept, row, &f).map_err(xerr)?;
    }
    let fields = Sheet {
        name: FIELDS,
        cols: vec![
            col("シート", Kind::Text, false, ""),
            col("項目名", Kind::Text, false, ""),
            col("説明", Kind::Text, false, ""),
            col("単位", Kind::Text, false, ""),
            col("型", Kind::Text, false, ""),
            col("hyoka import での扱い", Kind::Text, false, ""),
        ],
    };
    let ws = wb.add_worksheet();
    setup(ws, &fields, &f).map_err(xerr)?;
    let mut r = 1;
    for s in sheets.iter().chain(std::iter::once(&dept)) {
        for c in &s.cols {
            let row = vec![
                text(s.name),
                text(&c.header),
                text(c.description),
                opt_text(c.unit.as_deref()),
                text(c.kind.label()),
                text(if c.input {
                    "読み込む"
                } else {
                    "書き出しのみ（読み込みでは無視）"
                }),
            ];
            write_row(ws, r, &fields, &row, &f).map_err(xerr)?;
            r += 1;
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

fn broken(what: &str) -> io::Error {
    io::Error::other(format!(
        "projects.xlsx を作れませんでした: 雛形の {what} が想定と違います（hyoka の不具合です）"
    ))
}

/// The style index of cell `cell` (like `A2`) in sheet XML `xml`.
fn style_of(xml: &str, cell: &str) -> io::Result<u32> {
    let open = format!("<c r=\"{cell}\"");
    let at = xml.find(&open).ok_or_else(|| broken("書式の見本"))? + open.len();
    let rest = &xml[at..];
    let end = rest.find('>').ok_or_else(|| broken("書式の見本"))?;
    match rest[..end].split_once(" s=\"") {
        Some((_, v)) => v
            .split('"')
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| broken("書式の見本")),
        None => Ok(0),
    }
}

/// A project sheet's XML of the template, cut around its rows: everything
/// up to the header row's end (with the dimension for `last_row` rows) and
/// everything from the end of the rows.
fn split_sheet(xml: &str, cols: usize, last_row: u32) -> io::Result<(String, &str)> {
    let data = xml.find("<sheetData>").ok_or_else(|| broken("シート"))?;
    let head_end = xml[data..]
        .find("</row>")
        .map(|i| data + i + "</row>".len())
        .ok_or_else(|| broken("見出し行"))?;
    let tail = xml.find("</sheetData>").ok_or_else(|| broken("シート"))?;
    if tail < head_end {
        return Err(broken("シート"));
    }
    let mut head = xml[..head_end].to_string();
    let dim = "<dimension ref=\"";
    if let Some(at) = head.find(dim) {
        let from = at + dim.len();
        let to = head[from..]
            .find('"')
            .map(|i| from + i)
            .ok_or_else(|| broken("範囲"))?;
        let last_col = column_name(cols.saturating_sub(1));
        head.replace_range(from..to, &format!("A1:{last_col}{last_row}"));
    }
    Ok((head, &xml[tail..]))
}

impl Book {
    /// Opens the workbook: its template (headers, formats, the 担当課 and
    /// 項目の説明 sheets). `deps` is what the rows depend on besides each
    /// project (pieces are reused from `previous` only with it).
    pub fn open(
        content: &Content,
        deps: Option<u128>,
        previous: Option<Previous>,
    ) -> io::Result<Book> {
        let sheets = sheets(csv_money_unit(content));
        let template = zipped::read(&template(content, &sheets)?)?;
        let first = template
            .iter()
            .find(|(n, _)| *n == sheet_entry(0))
            .map(|(_, x)| String::from_utf8_lossy(x))
            .ok_or_else(|| broken("シート"))?;
        let styles = Styles {
            int: style_of(&first, "A2")?,
            money: style_of(&first, "B2")?,
            staff: style_of(&first, "C2")?,
        };
        let names = sheets
            .iter()
            .map(|s| (0..s.cols.len()).map(column_name).collect())
            .collect();
        Ok(Book {
            next: vec![2; sheets.len()],
            pieces: sheets.iter().map(|_| Vec::new()).collect(),
            names,
            sheets,
            styles,
            template,
            group: Vec::with_capacity(GROUP),
            deflater: Deflater::new(ZIP_LEVEL),
            deps,
            previous: previous.filter(|_| deps.is_some()),
        })
    }

    /// Appends one project's rows (call in site order, after [`check`]).
    /// `key` identifies what the rows were made from (the hash of the
    /// project's file): with the same `deps`, the same key makes the same
    /// rows. Without a key, its group is always made anew.
    pub fn append(&mut self, rows: Arc<Sheets>, key: Option<u128>) -> io::Result<()> {
        self.group.push((rows, key));
        if self.group.len() == GROUP {
            self.close_group()?;
        }
        Ok(())
    }

    /// Makes (or finds in the previous file) the group's piece of every
    /// project sheet.
    fn close_group(&mut self) -> io::Result<()> {
        if self.group.is_empty() {
            return Ok(());
        }
        let g = self.pieces.first().map_or(0, Vec::len);
        let mut xml = String::new();
        // The group's rows, decoded once when a piece must be made.
        let mut decoded: Option<Vec<std::borrow::Cow<Rows>>> = None;
        for (s, sheet) in self.sheets.iter().enumerate() {
            let start = self.next[s];
            let n: usize = self.group.iter().map(|(r, _)| r.count(s)).sum();
            let end = u64::from(start) + n as u64;
            if end > u64::from(ROW_MAX) + 1 {
                return Err(io::Error::other(format!(
                    "projects.xlsx: シート「{}」の行数が Excel の上限（{ROW_MAX} 行）を超えるため作れません",
                    sheet.name
                )));
            }
            let key = self.key(s, start, n);
            let old = key.and_then(|k| {
                let p = self.previous.as_ref()?;
                let (bytes, len, crc) = p.piece(s, g, k)?;
                let at = bytes.as_ptr() as usize - p.bytes.as_ptr() as usize;
                Some(Made::Old(k, at..at + bytes.len(), len, crc))
            });
            let made = match old {
                Some(m) => m,
                None => {
                    xml.clear();
                    let mut row = start;
                    if decoded.is_none() {
                        let rows: Option<Vec<_>> =
                            self.group.iter().map(|(r, _)| r.rows()).collect();
                        decoded = Some(rows.ok_or_else(|| broken("キャッシュの行"))?);
                    }
                    for r in decoded.iter().flatten() {
                        for values in r.0.get(s).map_or(&[][..], Vec::as_slice) {
                            push_row(&mut xml, row, sheet, values, &self.styles, &self.names[s]);
                            row += 1;
                        }
                    }
                    Made::New(key, self.deflater.piece(xml.as_bytes(), false)?)
                }
            };
            self.pieces[s].push(made);
            self.next[s] = end as u32;
        }
        self.group.clear();
        Ok(())
    }

    /// What piece `s` of the group holds: its sheet, first row, number of
    /// rows and projects; `None` when a project has no key.
    fn key(&self, s: usize, start: u32, n: usize) -> Option<u128> {
        let deps = self.deps?;
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&deps.to_le_bytes());
        h.update(&(s as u64).to_le_bytes());
        h.update(&start.to_le_bytes());
        h.update(&(n as u64).to_le_bytes());
        for (_, k) in &self.group {
            h.update(&(*k)?.to_le_bytes());
        }
        Some(h.digest128())
    }

    /// Closes the last group and makes the pieces of the template's
    /// entries: the workbook, ready to write ([`Finished::write_to`]).
    pub fn finish(mut self) -> io::Result<Finished> {
        self.close_group()?;
        // Per template entry: its own pieces (a project sheet's head and
        // tail, or the whole entry) and which project sheet it is.
        let mut own: Vec<(Vec<Piece>, Option<usize>)> = Vec::with_capacity(self.template.len());
        for (name, data) in &self.template {
            let sheet = (0..self.sheets.len()).find(|&i| *name == sheet_entry(i));
            let ps = match sheet {
                Some(s) => {
                    let xml = std::str::from_utf8(data).map_err(|_| broken("シート"))?;
                    let last = self.next[s] - 1;
                    let (head, tail) = split_sheet(xml, self.sheets[s].cols.len(), last)?;
                    vec![
                        self.deflater.piece(head.as_bytes(), false)?,
                        self.deflater.piece(tail.as_bytes(), true)?,
                    ]
                }
                None => vec![self.deflater.piece(data, true)?],
            };
            own.push((ps, sheet));
        }
        Ok(Finished { book: self, own })
    }
}

/// A workbook whose pieces are all made, to be written out.
pub struct Finished {
    book: Book,
    own: Vec<(Vec<Piece>, Option<usize>)>,
}

/// Counts and hashes what goes through it.
struct Hashing<'w> {
    out: &'w mut dyn io::Write,
    h: xxhash_rust::xxh3::Xxh3,
}

impl io::Write for Hashing<'_> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let n = self.out.write(b)?;
        self.h.update(&b[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Finished {
    /// Writes the file to `out`; returns its length and where its pieces
    /// are.
    pub fn write_to(&self, out: &mut dyn io::Write) -> io::Result<(u64, Layout)> {
        let book = &self.book;
        let old: &[u8] = book.previous.as_ref().map_or(&[], |p| &p.bytes);
        let own = &self.own;
        let mut entries = Vec::with_capacity(own.len());
        for ((name, _), (ps, sheet)) in book.template.iter().zip(own) {
            // Head, the sheet's pieces, tail; or the entry's one piece.
            let mut seq: Vec<(&[u8], u64, u32)> = Vec::new();
            match (sheet, ps.as_slice()) {
                (Some(s), [head, tail]) => {
                    seq.push(whole(head));
                    seq.extend(book.pieces[*s].iter().map(|m| m.part(old)));
                    seq.push(whole(tail));
                }
                _ => seq.extend(ps.iter().map(whole)),
            }
            let mut acc = (0u32, 0u64);
            let mut parts = Vec::with_capacity(seq.len());
            for (b, len, crc) in seq {
                acc = (crc_combine(acc, (crc, len)), acc.1 + len);
                parts.push(b);
            }
            entries.push(Entry {
                name: name.clone(),
                parts,
                len: acc.1,
                crc: acc.0,
            });
        }
        let mut hashing = Hashing {
            out,
            h: xxhash_rust::xxh3::Xxh3::new(),
        };
        let (offsets, len) = zipped::write_to(&entries, &mut hashing)?;
        let file = hashing.h.digest();
        let mut sheets = Vec::with_capacity(book.sheets.len());
        for s in 0..book.sheets.len() {
            let at = own
                .iter()
                .position(|(_, sh)| *sh == Some(s))
                .ok_or_else(|| broken("シート"))?;
            // Offsets of the entry's parts: the head first.
            let placed = book.pieces[s]
                .iter()
                .zip(offsets[at].iter().skip(1))
                .map(|(m, &at)| {
                    let (bytes, len, crc) = m.part(old);
                    Placed {
                        key: m.key(),
                        at,
                        size: bytes.len() as u64,
                        len,
                        crc,
                    }
                })
                .collect();
            sheets.push(placed);
        }
        let copied = book
            .pieces
            .iter()
            .flatten()
            .filter(|m| matches!(m, Made::Old(..)))
            .count();
        Ok((
            len,
            Layout {
                file,
                sheets,
                copied,
            },
        ))
    }

    /// The file's bytes and layout, in memory.
    pub fn bytes(&self) -> io::Result<(Vec<u8>, Layout)> {
        let mut out = Vec::new();
        let (_, layout) = self.write_to(&mut out)?;
        Ok((out, layout))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use super::*;
    use crate::export::workbook::rows::rows;

    fn shipped() -> (Content, Vec<Arc<Sheets>>) {
        let content = crate::pipeline::load(Path::new("content")).expect("shipped content");
        let rows = content
            .projects()
            .map(|(s, p)| Arc::new(Sheets::Made(rows(&content, s, p))))
            .collect();
        (content, rows)
    }

    fn made(s: &Sheets) -> Rows {
        s.rows().unwrap().into_owned()
    }

    /// The same rows as the build cache keeps them.
    fn packed(s: &Arc<Sheets>) -> Arc<Sheets> {
        Arc::new(Sheets::Packed(s.pack().unwrap()))
    }

    /// Every entry of an xlsx file, inflated.
    fn entries(xlsx: &[u8]) -> HashMap<String, String> {
        zipped::read(xlsx)
            .unwrap()
            .into_iter()
            .map(|(n, b)| (n, String::from_utf8(b).unwrap()))
            .collect()
    }

    /// `sheet`'s XML with each ` s="N"` replaced by what style N is
    /// (number format code, bold, wrap), read from `styles`.
    fn by_style(sheet: &str, styles: &str) -> String {
        let doc = roxmltree::Document::parse(styles).unwrap();
        let codes: HashMap<&str, &str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("numFmt"))
            .map(|n| {
                (
                    n.attribute("numFmtId").unwrap(),
                    n.attribute("formatCode").unwrap(),
                )
            })
            .collect();
        let xfs = doc
            .descendants()
            .find(|n| n.has_tag_name("cellXfs"))
            .unwrap();
        let names: Vec<String> = xfs
            .children()
            .filter(|n| n.has_tag_name("xf"))
            .map(|x| {
                let id = x.attribute("numFmtId").unwrap();
                format!(
                    "{}|font{}|{}",
                    codes.get(id).copied().unwrap_or(id),
                    x.attribute("fontId").unwrap(),
                    x.children().any(|c| c.has_tag_name("alignment"))
                )
            })
            .collect();
        let mut out = String::new();
        let mut rest = sheet;
        while let Some(at) = rest.find(" s=\"") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 4..];
            let end = after.find('"').unwrap();
            let i: usize = after[..end].parse().unwrap();
            out.push_str(&format!(" style=\"{}\"", names[i]));
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn project_sheets_hold_what_rust_xlsxwriter_writes_for_the_same_rows() {
        let (content, rows) = shipped();
        // What rust_xlsxwriter's constant-memory worksheets write.
        let sheets = sheets(csv_money_unit(&content));
        let f = Formats::new();
        let mut wb = Workbook::new();
        let mut next = vec![1u32; sheets.len()];
        for s in &sheets {
            let ws = wb.add_worksheet_with_constant_memory().unwrap();
            setup(ws, s, &f).unwrap();
        }
        for r in &rows {
            let r = made(r);
            for (s, sheet) in sheets.iter().enumerate() {
                let ws = wb.worksheet_from_index(s).unwrap();
                for values in &r.0[s] {
                    write_row(ws, next[s], sheet, values, &f).unwrap();
                    next[s] += 1;
                }
            }
        }
        let theirs = entries(&wb.save_to_buffer().unwrap());
        let mut book = Book::open(&content, None, None).unwrap();
        for r in &rows {
            book.append(Arc::clone(r), None).unwrap();
        }
        let ours = entries(&book.finish().unwrap().bytes().unwrap().0);
        let mut compared = 0;
        for (i, sheet) in sheets.iter().enumerate() {
            let name = sheet_entry(i);
            let a = by_style(&theirs[&name], &theirs["xl/styles.xml"]);
            let b = by_style(&ours[&name], &ours["xl/styles.xml"]);
            let cut = |x: &str| x[x.find("<sheetData>").unwrap()..].to_string();
            // Only the first sheet is selected in both; the cells, rows,
            // widths and dimension are the same.
            assert_eq!(cut(&a), cut(&b), "sheet {}", sheet.name);
            assert!(b.matches("<row ").count() > 1, "{} has rows", sheet.name);
            compared += 1;
        }
        assert_eq!(compared, 7);
        // The shipped content has every kind of cell.
        let all: String = ours.values().cloned().collect();
        for kind in ["t=\"b\"", "t=\"inlineStr\"", "#,##0|", "0.00|", "\"0|"] {
            assert!(
                all.contains(kind) || by_style(&all, &ours["xl/styles.xml"]).contains(kind),
                "{kind}"
            );
        }
    }

    /// `n` projects: the shipped ones' rows over and over, each with a key
    /// of its own.
    fn many(rows: &[Arc<Sheets>], n: usize) -> Vec<(Arc<Sheets>, u128)> {
        (0..n)
            .map(|i| (Arc::clone(&rows[i % rows.len()]), 1000 + i as u128))
            .collect()
    }

    fn build(
        content: &Content,
        projects: &[(Arc<Sheets>, u128)],
        previous: Option<Previous>,
    ) -> (Vec<u8>, Layout) {
        let mut book = Book::open(content, Some(7), previous).unwrap();
        for (r, k) in projects {
            book.append(Arc::clone(r), Some(*k)).unwrap();
        }
        book.finish().unwrap().bytes().unwrap()
    }

    /// How many pieces `b`'s build copied from `a`'s file.
    fn kept(_a: &Layout, b: &Layout) -> usize {
        b.copied().0
    }

    #[test]
    fn a_rebuild_copies_the_unchanged_groups_and_makes_the_same_bytes() {
        let (content, rows) = shipped();
        let mut projects = many(&rows, 3 * GROUP + 10);
        let (first, layout) = build(&content, &projects, None);
        let pieces = 7 * 4;
        assert_eq!(layout.sheets.iter().flatten().count(), pieces);
        // The same projects: every piece copied, the same bytes.
        let prev = Previous::new(layout.clone(), first.clone()).unwrap();
        let (again, l2) = build(&content, &projects, Some(prev));
        assert!(again == first);
        assert_eq!(kept(&layout, &l2), pieces);
        // One project of the second group changed, its rows as long as
        // before: only that group's pieces are made again.
        let i = GROUP + 5;
        let mut changed = made(&projects[i].0);
        if let Some(Value::Text(t)) = changed.0[0][0].get_mut(4) {
            t.push_str("（改）");
        }
        projects[i] = (Arc::new(Sheets::Made(changed)), 1);
        let prev = Previous::new(layout.clone(), first.clone()).unwrap();
        let (patched, l3) = build(&content, &projects, Some(prev));
        let (fresh, l4) = build(&content, &projects, None);
        assert!(
            patched == fresh,
            "a patched workbook differs from a fresh one"
        );
        assert_eq!(l3.sheets, l4.sheets);
        assert_eq!(l4.copied(), (0, pieces));
        assert_eq!(kept(&layout, &l3), pieces - 7);
        let back = entries(&patched);
        assert!(back[&sheet_entry(0)].contains("（改）"));
        // A project of the first group with a row more: the later groups of
        // that sheet start one row lower and are made again too.
        let mut longer = made(&projects[3].0);
        let extra = longer.0[1].first().cloned().unwrap();
        longer.0[1].push(extra);
        projects[3] = (Arc::new(Sheets::Made(longer)), 2);
        // The others come packed, as from the build cache: the groups made
        // again decode them.
        let unpacked = projects.clone();
        for (k, p) in projects.iter_mut().enumerate() {
            if k != 3 && k != i {
                p.0 = packed(&p.0);
            }
        }
        let prev = Previous::new(l3.clone(), patched.clone()).unwrap();
        let (shifted, l5) = build(&content, &projects, Some(prev));
        let projects = unpacked;
        assert!(shifted == build(&content, &projects, None).0);
        // Sheet 2 makes its four pieces again, the other sheets one.
        assert_eq!(kept(&l3, &l5), pieces - 6 - 4);
    }

    #[test]
    fn a_layout_of_other_bytes_or_other_inputs_is_not_used() {
        let (content, rows) = shipped();
        let projects = many(&rows, GROUP + 1);
        let (bytes, layout) = build(&content, &projects, None);
        let mut other = bytes.clone();
        other[100] ^= 1;
        assert!(Previous::new(layout.clone(), other).is_none());
        // Other deps: nothing matches, nothing is copied.
        let prev = Previous::new(layout.clone(), bytes.clone()).unwrap();
        let mut book = Book::open(&content, Some(8), Some(prev)).unwrap();
        for (r, k) in &projects {
            book.append(Arc::clone(r), Some(*k)).unwrap();
        }
        let (again, l2) = book.finish().unwrap().bytes().unwrap();
        assert_eq!(kept(&layout, &l2), 0);
        assert_eq!(again.len(), bytes.len());
    }
}
