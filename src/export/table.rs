//! Tables: typed columns that produce both the CSV bytes and the Frictionless
//! Table Schema from one definition, so the header and the schema cannot drift.

use serde_json::{json, Map, Value};

/// Table Schema type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    String,
    /// Whole number.
    Integer,
    /// Decimal number.
    Number,
    /// `TRUE` / `FALSE`.
    Boolean,
    /// Western year, four digits.
    Year,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Year => "year",
        }
    }
}

/// Written for `true` in boolean columns (Excel reads it as a boolean).
pub const TRUE: &str = "TRUE";
/// Written for `false` in boolean columns.
pub const FALSE: &str = "FALSE";

/// One column: its Japanese header (the Table Schema `name`), ASCII machine
/// name, type and constraints.
#[derive(Debug, Clone)]
pub struct Field {
    /// Header text, also the Table Schema field `name` and `title`.
    pub header: String,
    /// ASCII machine name (`machineName` in the Table Schema).
    pub key: &'static str,
    /// Type.
    pub kind: Kind,
    /// What the column holds (Japanese).
    pub description: String,
    /// Unit of the values, when they have one.
    pub unit: Option<String>,
    /// Every row has a value.
    pub required: bool,
    /// Allowed values (text as it appears in the CSV).
    pub allowed: Option<Vec<String>>,
    /// Smallest allowed number.
    pub minimum: Option<i64>,
    /// Regular expression the whole value must match.
    pub pattern: Option<&'static str>,
}

impl Field {
    /// A column.
    pub fn new(
        header: impl Into<String>,
        key: &'static str,
        kind: Kind,
        description: &str,
    ) -> Self {
        Field {
            header: header.into(),
            key,
            kind,
            description: description.to_string(),
            unit: None,
            required: false,
            allowed: None,
            minimum: None,
            pattern: None,
        }
    }

    /// Marks the column as always filled.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Sets the unit.
    pub fn unit(mut self, unit: &str) -> Self {
        self.unit = Some(unit.to_string());
        self
    }

    /// Restricts the values (given as in the model; stored as written).
    pub fn allowed<S: AsRef<str>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
        self.allowed = Some(values.into_iter().map(|v| inert(v.as_ref())).collect());
        self
    }

    /// Sets the minimum.
    pub fn minimum(mut self, min: i64) -> Self {
        self.minimum = Some(min);
        self
    }

    /// Sets the pattern.
    pub fn pattern(mut self, p: &'static str) -> Self {
        self.pattern = Some(p);
        self
    }

    /// The Table Schema field descriptor.
    pub fn descriptor(&self) -> Value {
        let mut description = self.description.clone();
        if let Some(u) = &self.unit {
            description.push_str(&format!("単位: {u}。"));
        }
        description.push_str(&format!("機械可読な項目名: {}", self.key));
        let mut f = Map::new();
        f.insert("name".into(), json!(self.header));
        f.insert("title".into(), json!(self.header));
        f.insert("machineName".into(), json!(self.key));
        f.insert("type".into(), json!(self.kind.name()));
        f.insert("description".into(), json!(description));
        if self.kind == Kind::Boolean {
            f.insert("trueValues".into(), json!([TRUE]));
            f.insert("falseValues".into(), json!([FALSE]));
        }
        let mut c = Map::new();
        c.insert("required".into(), json!(self.required));
        if let Some(a) = &self.allowed {
            c.insert("enum".into(), json!(a));
        }
        if let Some(m) = self.minimum {
            c.insert("minimum".into(), json!(m));
        }
        if let Some(p) = self.pattern {
            c.insert("pattern".into(), json!(p));
        }
        f.insert("constraints".into(), Value::Object(c));
        Value::Object(f)
    }
}

/// One cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Empty cell (missing value).
    Null,
    /// Text, written inert (see [`inert`]).
    Text(String),
    /// Whole number.
    Int(i64),
    /// Decimal number; non-finite values are written empty.
    Num(f64),
    /// Boolean.
    Bool(bool),
    /// Western year.
    Year(u16),
}

impl Cell {
    /// Text, or empty when `None`.
    pub fn opt_text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Null, |s| Cell::Text(s.to_string()))
    }

    /// Whole number, or empty.
    pub fn opt_int(v: Option<i64>) -> Cell {
        v.map_or(Cell::Null, Cell::Int)
    }

    /// Decimal number, or empty.
    pub fn opt_num(v: Option<f64>) -> Cell {
        v.map_or(Cell::Null, Cell::Num)
    }

    /// A count (never above `i64::MAX` in practice; saturates).
    pub fn count(n: usize) -> Cell {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// The text written in the CSV.
    pub fn render(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) => inert(s),
            Cell::Int(i) => i.to_string(),
            Cell::Num(f) if f.is_finite() => format!("{f}"),
            Cell::Num(_) => String::new(),
            Cell::Bool(true) => TRUE.to_string(),
            Cell::Bool(false) => FALSE.to_string(),
            Cell::Year(y) => y.to_string(),
        }
    }

    /// Whether the cell fits a column of `kind`.
    pub fn fits(&self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (Cell::Null, _)
                | (Cell::Text(_), Kind::String)
                | (Cell::Int(_), Kind::Integer)
                | (Cell::Num(_), Kind::Number)
                | (Cell::Bool(_), Kind::Boolean)
                | (Cell::Year(_), Kind::Year)
        )
    }
}

/// Makes text inert in spreadsheets: a value starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'` so Excel and
/// LibreOffice do not evaluate it as a formula (OWASP "CSV injection").
/// Numbers never pass through here, so a negative number stays a number.
pub fn inert(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// A column and how to read its value from a row context.
pub struct Column<C> {
    /// The field.
    pub field: Field,
    /// Reads the cell.
    pub get: fn(&C) -> Cell,
}

impl<C> Column<C> {
    /// A column.
    pub fn new(field: Field, get: fn(&C) -> Cell) -> Self {
        Column { field, get }
    }
}

/// Byte-order mark that makes Excel on Japanese Windows read UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes a CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting, one header row.
pub fn write_csv(fields: &[Field], rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut out = csv_header(fields);
    out.extend_from_slice(&csv_rows(rows));
    out
}

fn csv_writer(buf: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(buf)
}

/// The start of a CSV: the BOM and the header row.
pub fn csv_header(fields: &[Field]) -> Vec<u8> {
    let mut w = csv_writer(BOM.to_vec());
    // Writing to memory cannot fail.
    w.write_record(fields.iter().map(|f| f.header.as_str()))
        .expect("writing a CSV header to memory");
    w.into_inner().expect("flushing a CSV in memory")
}

/// Data rows of a CSV, to follow [`csv_header`] (every row has one cell per
/// field: rows are built from the same column list as the header).
pub fn csv_rows(rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut w = csv_writer(Vec::new());
    for row in rows {
        w.write_record(row.iter().map(Cell::render))
            .expect("writing a CSV row to memory");
    }
    w.into_inner().expect("flushing a CSV in memory")
}

/// Evaluates `columns` over `items`.
pub fn rows<C>(columns: &[Column<C>], items: &[C]) -> Vec<Vec<Cell>> {
    items
        .iter()
        .map(|c| {
            columns
                .iter()
                .map(|col| {
                    let cell = (col.get)(c);
                    debug_assert!(
                        cell.fits(col.field.kind),
                        "cell {cell:?} does not fit column {}",
                        col.field.key
                    );
                    cell
                })
                .collect()
        })
        .collect()
}

/// A foreign key of a table.
#[derive(Debug, Clone)]
pub struct ForeignKey {
    /// Local field headers.
    pub fields: Vec<String>,
    /// Resource name referenced.
    pub resource: &'static str,
    /// Referenced field headers.
    pub reference: Vec<String>,
}

/// The Table Schema of a table.
pub fn table_schema(
    fields: &[Field],
    primary_key: &[String],
    foreign_keys: &[ForeignKey],
) -> Value {
    let mut s = Map::new();
    s.insert(
        "fields".into(),
        Value::Array(fields.iter().map(Field::descriptor).collect()),
    );
    s.insert("missingValues".into(), json!([""]));
    if !primary_key.is_empty() {
        s.insert("primaryKey".into(), json!(primary_key));
    }
    if !foreign_keys.is_empty() {
        s.insert(
            "foreignKeys".into(),
            Value::Array(
                foreign_keys
                    .iter()
                    .map(|fk| {
                        json!({
                            "fields": fk.fields,
                            "reference": { "resource": fk.resource, "fields": fk.reference }
                        })
                    })
                    .collect(),
            ),
        );
    }
    Value::Object(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inert_prefixes_formula_starts_only() {
        assert_eq!(inert("=1+1"), "'=1+1");
        assert_eq!(inert("+81"), "'+81");
        assert_eq!(inert("-x"), "'-x");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("\tx"), "'\tx");
        assert_eq!(inert("\rx"), "'\rx");
        assert_eq!(inert("a=b"), "a=b");
        assert_eq!(inert(""), "");
        assert_eq!(Cell::Int(-5).render(), "-5");
        assert_eq!(Cell::Num(-0.5).render(), "-0.5");
        assert_eq!(Cell::Num(3.0).render(), "3");
        assert_eq!(Cell::Num(f64::NAN).render(), "");
    }

    #[test]
    fn csv_has_bom_crlf_and_quotes() {
        let fields = vec![
            Field::new("名前", "name", Kind::String, ""),
            Field::new("数", "n", Kind::Integer, ""),
        ];
        let rows = vec![vec![Cell::Text("a,\"b\"".into()), Cell::Int(-1)]];
        let bytes = write_csv(&fields, &rows);
        assert_eq!(
            bytes,
            "\u{feff}名前,数\r\n\"a,\"\"b\"\"\",-1\r\n".as_bytes()
        );
    }
}
