//! Numbers as the sheets print them, for chart labels and descriptions:
//! thousands separators, no float noise, at most two decimals.
//!
//! Owns: the charts' number formatting. Must not: round for display
//! anywhere else (pages use [`crate::format`]); whole numbers are grouped
//! by [`crate::format::thousands`], as on the pages.

use crate::format::thousands;

/// A number as the sheets print it: no trailing zeros, at most two decimals,
/// thousands separators.
pub(super) fn fmt_num(v: f64) -> String {
    // Within a millionth of an integer, rounding to two decimals gives the
    // integer: the same digits without formatting a float.
    let n = v.round();
    if (v - n).abs() < 1e-6 && n.abs() < 1e15 {
        return thousands(n as i64);
    }
    let s = format!("{v:.2}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    let s = if s == "-0" { "0".to_string() } else { s };
    group_digits(&s)
}

/// Inserts commas into the integer part of a formatted number.
pub(super) fn group_digits(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = match rest.find('.') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(frac);
    out
}

#[cfg(test)]
mod tests {
    use super::super::axis::Axis;
    use super::*;

    #[test]
    fn numbers_are_formatted_as_printed() {
        assert_eq!(fmt_num(82.9), "82.9");
        assert_eq!(fmt_num(90.0), "90");
        assert_eq!(fmt_num(12345.25), "12,345.25");
    }

    /// Whole numbers go through `format::thousands`; it must group exactly
    /// as `group_digits` does the same digits (the charts' first way).
    #[test]
    fn thousands_groups_as_group_digits() {
        let mut values = vec![i64::MIN, i64::MIN + 1, i64::MAX, 0, -1, 1];
        for k in 0..19 {
            let p = 10i64.pow(k);
            values.extend([p, p - 1, p + 1, -p, 1 - p, -p - 1, 7 * (p / 7 + 1)]);
        }
        for v in values {
            assert_eq!(thousands(v), group_digits(&v.to_string()), "{v}");
        }
    }

    /// `fmt_num` as first written: always through `format!("{v:.2}")`.
    fn fmt_num_reference(v: f64) -> String {
        let s = format!("{v:.2}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        let s = if s == "-0" { "0".to_string() } else { s };
        group_digits(&s)
    }

    #[test]
    fn number_shortcuts_format_as_the_long_way() {
        let mut values = vec![
            0.0,
            -0.0,
            1e-7,
            -1e-7,
            4.9e-7,
            0.004999,
            0.005,
            0.995,
            13.000000000000002,
            12.999999999999998,
            99.99999,
            -2.0000001,
            1234.5,
            999_999_999_999_999.0,
            1e15,
            -1e15,
            1e20,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for i in -2000..2000 {
            let v = f64::from(i);
            values.extend([v, v / 3.0, v / 100.0, v * 1e9, v + 1e-6, v - 5e-7]);
        }
        for v in values {
            assert_eq!(fmt_num(v), fmt_num_reference(v), "{v:?}");
        }
        let axis = Axis::nice(-1e12, 3e12);
        assert_eq!(axis.decimals, 0);
        for v in [0.0, -0.0, 1.0, -250.0, 1e14, -1e14, 1e15, 0.5] {
            let want = group_digits(&format!("{:.0}", v));
            assert_eq!(axis.label(v), want, "{v:?}");
        }
    }
}
