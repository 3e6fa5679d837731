//! The XML of the project sheets' rows, written directly (the workbook's
//! other parts come from rust_xlsxwriter, see `book`): the same elements
//! as rust_xlsxwriter's constant-memory worksheets write, inline strings
//! included, so that a group of rows can be made (and compressed) apart
//! from the rest of its sheet. It must not decide what goes in a cell
//! (that is `rows`).

use std::fmt::Write as _;

use super::rows::Value;
use super::sheets::{Kind, Sheet};

/// Excel's last row (1-based).
pub(super) const ROW_MAX: u32 = 1_048_576;

/// The style (xf) index of each kind of formatted cell, as the workbook's
/// `styles.xml` numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Styles {
    pub money: u32,
    pub staff: u32,
    pub int: u32,
}

/// Column letters of column `i` (0-based): A, …, Z, AA, ….
pub(super) fn column_name(i: usize) -> String {
    let mut n = i + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `s` escaped as rust_xlsxwriter escapes cell text: a literal
/// `_xHHHH_` gets its underscore escaped, XML's `& < >`, and control
/// characters but tab and line feed (and U+FFFE, U+FFFF) as `_xHHHH_`.
fn push_text(out: &mut String, s: &str) {
    let b = s.as_bytes();
    // Runs of bytes that need nothing are copied whole; only the bytes
    // that may start an escape (ASCII controls, `& < > _`, and 0xEF, the
    // lead byte of U+FFFE and U+FFFF) are looked at one by one.
    let mut from = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c >= 0x20 && !matches!(c, b'&' | b'<' | b'>' | b'_' | 0xEF) {
            i += 1;
            continue;
        }
        // `i` is on a char boundary: every byte above is ASCII or a lead
        // byte (0xEF), and a run never ends inside a char.
        out.push_str(&s[from..i]);
        let ch = s[i..].chars().next().unwrap_or('\0');
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' => out.push(ch),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "_x{:04X}_", u32::from(ch));
            }
            '_' if is_escape(b, i) => out.push_str("_x005F_"),
            _ => out.push(ch),
        }
        i += ch.len_utf8();
        from = i;
    }
    out.push_str(&s[from..]);
}

/// Whether `b[i..]` starts with `_xHHHH_` (four hex digits).
fn is_escape(b: &[u8], i: usize) -> bool {
    match b.get(i..i + 7) {
        Some(w) => w[1] == b'x' && w[6] == b'_' && w[2..6].iter().all(|c| c.is_ascii_hexdigit()),
        None => false,
    }
}

/// Appends the decimal digits of `n`.
fn push_u32(out: &mut String, n: u32) {
    push_u64(out, u64::from(n));
}

fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Digits are ASCII.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

/// Appends `n` as `f64`'s `Display` writes it (as rust_xlsxwriter writes
/// a number); a whole number below 2^53 is written as an integer
/// directly (the same digits), any other through `Display`.
fn push_number(out: &mut String, n: f64) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if n.fract() == 0.0 && n.abs() < EXACT && !(n == 0.0 && n.is_sign_negative()) {
        let i = n as i64;
        if i < 0 {
            out.push('-');
        }
        push_u64(out, i.unsigned_abs());
    } else {
        let _ = write!(out, "{n}");
    }
}

/// Appends row `row` (1-based) of `sheet` with `values` to `out`.
pub(super) fn push_row(
    out: &mut String,
    row: u32,
    sheet: &Sheet,
    values: &[Value],
    styles: &Styles,
    names: &[String],
) {
    // The row number once, for every cell reference of the row.
    let mut digits = String::with_capacity(10);
    push_u32(&mut digits, row);
    out.push_str("<row r=\"");
    out.push_str(&digits);
    out.push('"');
    let mut any = false;
    for ((v, c), col) in values.iter().zip(&sheet.cols).zip(names) {
        let open = |out: &mut String, any: &mut bool| {
            if !*any {
                out.push('>');
                *any = true;
            }
            out.push_str("<c r=\"");
            out.push_str(col);
            out.push_str(&digits);
            out.push('"');
        };
        match v {
            // An empty text with the default format is no cell at all, as
            // in rust_xlsxwriter.
            Value::Empty => {}
            Value::Text(s) if s.is_empty() => {}
            Value::Text(s) => {
                open(out, &mut any);
                let ws = ['\t', '\n', ' '];
                out.push_str(" t=\"inlineStr\"><is><t");
                if s.starts_with(ws) || s.ends_with(ws) {
                    out.push_str(" xml:space=\"preserve\"");
                }
                out.push('>');
                push_text(out, s);
                out.push_str("</t></is></c>");
            }
            Value::Bool(b) => {
                open(out, &mut any);
                out.push_str(if *b {
                    " t=\"b\"><v>1</v></c>"
                } else {
                    " t=\"b\"><v>0</v></c>"
                });
            }
            Value::Number(n) => {
                open(out, &mut any);
                let s = match c.kind {
                    Kind::Money => styles.money,
                    Kind::Staff => styles.staff,
                    Kind::Int | Kind::Year => styles.int,
                    _ => 0,
                };
                if s > 0 {
                    out.push_str(" s=\"");
                    push_u32(out, s);
                    out.push('"');
                }
                out.push_str("><v>");
                push_number(out, *n);
                out.push_str("</v></c>");
            }
        }
    }
    if any {
        out.push_str("</row>");
    } else {
        out.push_str("/>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers and row numbers are written as `Display` writes them.
    #[test]
    fn numbers_are_written_as_display_writes_them() {
        let numbers = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            75.0,
            0.42,
            3520.0,
            -2410.5,
            1e15,
            1e16,
            9_007_199_254_740_991.0,
            9_007_199_254_740_992.0,
            -9_007_199_254_740_993.0,
            1e21,
            1e-7,
            123456789.125,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        for n in numbers {
            let mut out = String::new();
            push_number(&mut out, n);
            assert_eq!(out, format!("{n}"), "{n:e}");
        }
        for r in [0, 1, 9, 10, 99, 100, 65_535, ROW_MAX, u32::MAX] {
            let mut out = String::new();
            push_u32(&mut out, r);
            assert_eq!(out, r.to_string());
        }
    }

    #[test]
    fn column_names_go_past_z() {
        let names: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .iter()
            .map(|&i| column_name(i))
            .collect();
        assert_eq!(
            names,
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"].map(String::from)
        );
    }

    #[test]
    fn text_is_escaped_for_xml_and_excel() {
        let mut out = String::new();
        push_text(&mut out, "a&b<c>\t\n\r\u{1}_x0041_ _x00G1_ _x12");
        assert_eq!(
            out,
            "a&amp;b&lt;c&gt;\t\n_x000D__x0001__x005F_x0041_ _x00G1_ _x12"
        );
    }

    #[test]
    fn text_escapes_only_the_two_noncharacters_of_its_lead_byte() {
        // U+FFFE and U+FFFF share their lead byte 0xEF with ordinary
        // characters (U+FF01 ！, U+FFFD), which must pass unchanged.
        let mut out = String::new();
        push_text(&mut out, "所沢！\u{fffd}\u{fffe}x\u{ffff}_x00AF_末");
        assert_eq!(out, "所沢！\u{fffd}_xFFFE_x_xFFFF__x005F_x00AF_末");
    }
}
