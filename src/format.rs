//! Formatting for reading: amounts with thousands separators, numbers
//! without float noise, and markdown to HTML with raw HTML escaped and every
//! link and image URL passed through [`crate::url::safe_url`].

use pulldown_cmark::{html, Event, LinkType, Options, Parser, Tag, TagEnd};

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
///
/// Every link (inline, reference, autolink) and image must pass
/// [`crate::url::safe_url`]: a refused link is rendered as its text only
/// (no `<a>`), a refused image as its alt text (no `<img>`). Email autolinks
/// (`<a@b.example>`) become `mailto:` links and always pass.
pub fn markdown(src: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    // One entry per open link or image: whether its tags are dropped.
    let mut refused: Vec<bool> = Vec::new();
    let parser = Parser::new_ext(src, opts).filter_map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::SoftBreak => Some(Event::HardBreak),
        Event::Start(Tag::Link {
            link_type,
            ref dest_url,
            ..
        })
        | Event::Start(Tag::Image {
            link_type,
            ref dest_url,
            ..
        }) => {
            let ok = link_type == LinkType::Email || crate::url::safe_url(dest_url).is_ok();
            refused.push(!ok);
            ok.then_some(ev)
        }
        Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
            (!refused.pop().unwrap_or(false)).then_some(ev)
        }
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

/// The text of markdown `src` without its markup, whitespace collapsed,
/// cut to at most `max` characters (with `…` when cut): for
/// `<meta name="description">`, `og:description` and JSON-LD. Raw HTML is
/// kept as text (it is escaped where it is used).
pub fn plain_text(src: &str, max: usize) -> String {
    let mut text = String::new();
    for ev in Parser::new_ext(src, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => text.push('\n'),
            // The end of a block (paragraph, list item, cell…) separates
            // words; the end of inline markup does not.
            Event::End(t)
                if !matches!(
                    t,
                    TagEnd::Emphasis
                        | TagEnd::Strong
                        | TagEnd::Strikethrough
                        | TagEnd::Link
                        | TagEnd::Image
                ) =>
            {
                text.push(' ')
            }
            _ => {}
        }
    }
    // A line break inside Japanese text is no space (「…目的とす\nる。」);
    // between two ASCII words it is one.
    let chars: Vec<char> = text.chars().collect();
    let mut joined_lines = String::with_capacity(text.len());
    for (n, &c) in chars.iter().enumerate() {
        if c != '\n' {
            joined_lines.push(c);
            continue;
        }
        let before = joined_lines.trim_end().chars().last();
        let after = chars[n + 1..].iter().find(|c| !c.is_whitespace());
        if before.is_some_and(|b| b.is_ascii()) && after.is_some_and(|a| a.is_ascii()) {
            joined_lines.push(' ');
        }
    }
    let words: Vec<&str> = joined_lines.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() <= max {
        return joined;
    }
    let mut cut: String = joined.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_markup_and_cuts() {
        assert_eq!(
            plain_text(
                "**目的**は\n[市民](https://x.example/)の\n\n- 便利\n- <b>安全</b>",
                120
            ),
            "目的は市民の 便利 <b>安全</b>"
        );
        assert_eq!(plain_text("open\ndata", 120), "open data");
        assert_eq!(plain_text("あいうえおかきくけこ", 5), "あいうえ…");
        assert_eq!(plain_text("あいうえお", 5), "あいうえお");
        assert_eq!(plain_text("", 5), "");
    }

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
    fn markdown_renders_refused_links_as_their_text() {
        for src in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](&#74;avascript:alert(1))",
            "[x](&#x6A;avascript:alert(1))",
            "[x](javascript&colon;alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "[x](vbscript:msgbox(1))",
            "[x](data:text/html,hi)",
            "[x][r]\n\n[r]: javascript:alert(1)",
            "[x]\n\n[x]: JAVASCRIPT:alert(1)",
        ] {
            assert_eq!(markdown(src), "<p>x</p>\n", "{src:?}");
        }
        // An autolink keeps its text, which is the URL, but is no link.
        assert_eq!(
            markdown("<JavaScript:alert(1)>"),
            "<p>JavaScript:alert(1)</p>\n"
        );
    }

    #[test]
    fn markdown_renders_refused_images_as_their_alt_text() {
        assert_eq!(
            markdown("![a *b*](javascript:alert(1))"),
            "<p>a <em>b</em></p>\n"
        );
        assert_eq!(
            markdown("![a](data:image/svg+xml;base64,PHN2Zz4=)"),
            "<p>a</p>\n"
        );
        // A refused image inside an allowed link, and the other way round.
        assert_eq!(
            markdown("[![a](javascript:x)](https://a.example/)"),
            "<p><a href=\"https://a.example/\">a</a></p>\n"
        );
        assert_eq!(
            markdown("[![a](x.png)](javascript:x)"),
            "<p><img src=\"x.png\" alt=\"a\" /></p>\n"
        );
    }

    #[test]
    fn markdown_keeps_allowed_links_and_images() {
        assert_eq!(
            markdown("[x](https://a.example/x?y#z) [m](mailto:a@b.example) [r](../x.html) [t](#top)"),
            "<p><a href=\"https://a.example/x?y#z\">x</a> <a href=\"mailto:a@b.example\">m</a> <a href=\"../x.html\">r</a> <a href=\"#top\">t</a></p>\n"
        );
        assert_eq!(
            markdown("<https://a.example/> <a@b.example>"),
            "<p><a href=\"https://a.example/\">https://a.example/</a> <a href=\"mailto:a@b.example\">a@b.example</a></p>\n"
        );
        assert_eq!(
            markdown("![図](img/x.png \"題\")"),
            "<p><img src=\"img/x.png\" alt=\"図\" title=\"題\" /></p>\n"
        );
    }

    #[test]
    fn markdown_keeps_line_breaks() {
        assert_eq!(markdown("一行目\n二行目"), "<p>一行目<br />\n二行目</p>\n");
    }
}
