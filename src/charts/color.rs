//! The charts' palette and colour arithmetic: `#rrggbb` parsing and the
//! WCAG contrast ratio (a level colour lighter than 3:1 on white gets an
//! outline).
//!
//! Owns: every colour the charts use. Must not: draw.

use plotters::style::RGBColor;

/// Main text colour (15:1 on white).
pub(super) const TEXT: RGBColor = RGBColor(0x1f, 0x23, 0x28);
/// Secondary text and outlines (6:1 on white).
pub(super) const MUTED: RGBColor = RGBColor(0x59, 0x63, 0x6e);
/// Grid lines (decorative only).
pub(super) const GRID: RGBColor = RGBColor(0xd0, 0xd7, 0xde);
/// Background.
pub(super) const BACKGROUND: RGBColor = RGBColor(0xff, 0xff, 0xff);
/// Money and results (6.9:1 on white).
pub(super) const BLUE: RGBColor = RGBColor(0x1a, 0x5e, 0x9a);
/// Staff cost (4.6:1 on white).
pub(super) const AMBER: RGBColor = RGBColor(0x9a, 0x67, 0x00);

/// `#rrggbb` or `#rgb`.
pub(super) fn parse_color(s: &str) -> Option<RGBColor> {
    let h = s.trim().strip_prefix('#')?;
    let digit = |i: usize, len: usize| u8::from_str_radix(h.get(i..i + len)?, 16).ok();
    match h.len() {
        6 => Some(RGBColor(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
        3 => Some(RGBColor(
            digit(0, 1)? * 17,
            digit(1, 1)? * 17,
            digit(2, 1)? * 17,
        )),
        _ => None,
    }
}

fn luminance(c: RGBColor) -> f64 {
    let ch = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c.0) + 0.7152 * ch(c.1) + 0.0722 * ch(c.2)
}

/// WCAG contrast ratio of two colours.
pub(super) fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_contrast() {
        assert_eq!(parse_color("#2e7d32"), Some(RGBColor(0x2e, 0x7d, 0x32)));
        assert_eq!(parse_color("#fff"), Some(RGBColor(255, 255, 255)));
        assert_eq!(parse_color("red"), None);
        assert!(contrast(TEXT, BACKGROUND) >= 4.5);
        assert!(contrast(MUTED, BACKGROUND) >= 4.5);
        assert!(contrast(BLUE, BACKGROUND) >= 3.0);
        assert!(contrast(AMBER, BACKGROUND) >= 3.0);
    }
}
