//! Formatting for reading: amounts with thousands separators, numbers
//! without float noise, and markdown to HTML with raw HTML escaped.

use pulldown_cmark::{html, Event, Options, Parser};

/// `6262` → `6,262`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A decimal without float noise: `2.5` → `2.5`, `16.0` → `16`, `0.15` → `0.15`.
pub fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return thousands(x as i64);
    }
    let s = format!("{:.4}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    // Group the integer part.
    match s.split_once('.') {
        Some((int, frac)) => {
            let i: i64 = int.parse().unwrap_or(0);
            let sign = if x < 0.0 && i == 0 { "-" } else { "" };
            format!("{sign}{}.{frac}", thousands(i))
        }
        None => s.to_string(),
    }
}

/// Staff numbers as printed on the sheets: two decimals (`2.50`).
pub fn staff(x: f64) -> String {
    format!("{x:.2}")
}

/// Escapes & < > " ' for HTML and XML text and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Markdown to HTML. Raw HTML in the source is shown as text, never passed
/// through; single line breaks are kept as `<br>` because the sheets' text
/// is line-oriented.
pub fn markdown(src: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(src, opts).map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        Event::SoftBreak => Event::HardBreak,
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    // Links written in markdown must not run scripts.
    out.replace("href=\"javascript:", "href=\"#blocked:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(653), "653");
        assert_eq!(thousands(6262), "6,262");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-1000), "-1,000");
    }

    #[test]
    fn numbers_without_noise() {
        assert_eq!(number(16.0), "16");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(0.15), "0.15");
        assert_eq!(number(39.9), "39.9");
        assert_eq!(number(12345.5), "12,345.5");
        assert_eq!(staff(2.5), "2.50");
    }

    #[test]
    fn markdown_escapes_raw_html() {
        let html = markdown("a <script>alert(1)</script> b\n\n<div onclick=x>y</div>");
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn markdown_blocks_javascript_links() {
        let html = markdown("[x](javascript:alert(1))");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn markdown_keeps_line_breaks() {
        assert_eq!(markdown("一行目\n二行目"), "<p>一行目<br />\n二行目</p>\n");
    }
}
