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

/// Whether `c` is a Japanese character or full-width punctuation: kana,
/// kanji, the CJK symbols and punctuation (、。「」々〜), and the full-width
/// and half-width forms except the full-width Latin letters and digits
/// (ＩＣＴ, ２０１９ are words in Latin script, spaced like them).
pub fn is_japanese(c: char) -> bool {
    matches!(c as u32,
        0x203B                // ※
        | 0x2460..=0x24FF     // ① and the other enclosed numbers
        | 0x25A0..=0x25FF     // ■□▲△○●◎, used as bullets
        | 0x3000..=0x303F     // CJK symbols and punctuation
        | 0x3040..=0x30FF     // hiragana, katakana (incl. ・ ー)
        | 0x31F0..=0x31FF     // katakana phonetic extensions
        | 0x3400..=0x4DBF     // CJK unified ideographs extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFF01..=0xFF0F     // ！＂＃＄％＆＇（）＊＋，－．／
        | 0xFF1A..=0xFF20     // ：；＜＝＞？＠
        | 0xFF3B..=0xFF40     // ［＼］＾＿｀
        | 0xFF5B..=0xFFEF     // ｛｜｝～, half-width katakana, full-width signs
        | 0x20000..=0x3FFFF   // CJK unified ideographs extensions B and later
    )
}

/// Whether `c` is Japanese punctuation: 、。「」『』【】（）・！？：… in
/// their CJK or full-width forms.
pub fn is_japanese_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x3001..=0x3004       // 、。〃〄
        | 0x3008..=0x3020     // brackets 〈〉《》「」『』【】〔〕, 〜, marks
        | 0x3030 | 0x303D     // 〰 〽
        | 0x30FB              // ・
        | 0xFF01..=0xFF0F     // ！（）＊，－．／ …
        | 0xFF1A..=0xFF20     // ：；＜＝＞？＠
        | 0xFF3B..=0xFF40     // ［＼］＾＿｀
        | 0xFF5B..=0xFF65     // ｛｜｝～ and the half-width 。「」、・
    )
}

/// `s` without the single ASCII spaces that follow Japanese punctuation
/// ([`is_japanese_punctuation`]) and precede a Japanese character
/// ([`is_japanese`]): YAML's folded scalars (`>-`) join lines with a
/// space, which Japanese text does not have after its punctuation
/// (「です。 各事業」 → 「です。各事業」, 「評価を、 誰でも」 →
/// 「評価を、誰でも」). A space between two other Japanese characters is
/// kept, as it is usually meant: it parts a family name from a given name
/// (「市川 勝也」) and a name from its title (「所沢市 事務事業評価」).
/// Spaces next to Latin letters or digits stay ("ICT 推進"). `before` and
/// `after` are the characters next to `s` in the surrounding text, if any.
/// For display only: the data keeps the text as written.
pub fn tidy_spaces_between(before: Option<char>, s: &str, after: Option<char>) -> String {
    let mut out = String::with_capacity(s.len());
    // Text between the spaces is copied whole.
    let mut from = 0;
    for i in memchr::memchr_iter(b' ', s.as_bytes()) {
        let prev = match s[..i].chars().next_back() {
            Some(c) => Some(c),
            None => before,
        };
        let next = match s[i + 1..].chars().next() {
            Some(c) => Some(c),
            None => after,
        };
        if prev.is_some_and(is_japanese_punctuation) && next.is_some_and(is_japanese) {
            out.push_str(&s[from..i]);
            from = i + 1;
        }
    }
    out.push_str(&s[from..]);
    out
}

/// [`tidy_spaces_between`] for a whole text.
pub fn tidy_spaces(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(' ') {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(tidy_spaces_between(None, s, None))
}

/// Inline markup that does not separate the text on either side of it.
fn is_inline_tag(ev: &Event) -> bool {
    matches!(
        ev,
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link)
    )
}

/// The character of text next to `events[at]`, looking back (the last
/// character before it) or forward (the first after it), through inline
/// markup but not past anything else (a block, a break, an image).
fn text_next_to(events: &[Event], at: usize, back: bool) -> Option<char> {
    let mut step = |j: usize| match &events[j] {
        Event::Text(t) | Event::Code(t) => Some(if back {
            t.chars().last()
        } else {
            t.chars().next()
        }),
        ev if is_inline_tag(ev) => None,
        _ => Some(None),
    };
    if back {
        (0..at).rev().find_map(&mut step).flatten()
    } else {
        (at + 1..events.len()).find_map(&mut step).flatten()
    }
}

/// Japanese spacing for rendered markdown: a soft line break between two
/// Japanese characters disappears (「日本\n語」 → 「日本語」), any other
/// becomes a space ("foo\nbar" → "foo bar"); a single space after Japanese
/// punctuation is dropped ([`tidy_spaces_between`]), also across inline
/// markup.
fn tidy_markdown_text(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    for (i, ev) in events.iter().enumerate() {
        match ev {
            Event::SoftBreak => {
                let before = text_next_to(&events, i, true);
                let after = text_next_to(&events, i, false);
                if !(before.is_some_and(is_japanese) && after.is_some_and(is_japanese)) {
                    out.push(Event::Text(" ".into()));
                }
            }
            Event::Text(t) if t.contains(' ') => {
                let before = text_next_to(&events, i, true);
                let after = text_next_to(&events, i, false);
                out.push(Event::Text(tidy_spaces_between(before, t, after).into()));
            }
            other => out.push(other.clone()),
        }
    }
    out
}

/// Markdown to HTML. Raw HTML in the source is shown as text, never passed
/// through. Line breaks follow Japanese text: a soft break (a single line
/// break in the source) joins the lines, with a space only between Latin
/// words; `<br>` only where the source has a hard break (two trailing
/// spaces or a backslash). See [`tidy_markdown_text`].
///
/// Every link (inline, reference, autolink) and image must pass
/// [`crate::url::safe_url`]: a refused link is rendered as its text only
/// (no `<a>`), a refused image as its alt text (no `<img>`). Email autolinks
/// (`<a@b.example>`) become `mailto:` links and always pass.
pub fn markdown(src: &str) -> String {
    markdown_with(src, &|_| None)
}

/// [`markdown`] with placeholders: `{{name}}` (or `{{ name }}`; name in
/// ASCII lowercase letters and `_`) in the text becomes `fill(name)`, which
/// is HTML the caller has escaped; a name `fill` does not know, and any
/// placeholder in code, stays as written.
pub fn markdown_with(src: &str, fill: &dyn Fn(&str) -> Option<String>) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    // One entry per open link or image: whether its tags are dropped.
    let mut refused: Vec<bool> = Vec::new();
    let parser = Parser::new_ext(src, opts).filter_map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
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
    let events = fill_placeholders(tidy_markdown_text(merge_text(parser)), fill);
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}

/// The events with each run of adjacent text events made one (the parser
/// splits text at characters that might have started markup).
fn merge_text<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::new();
    for ev in events {
        match (out.last_mut(), ev) {
            (Some(Event::Text(prev)), Event::Text(t)) => {
                let joined = format!("{prev}{t}");
                *prev = joined.into();
            }
            (_, ev) => out.push(ev),
        }
    }
    out
}

/// Text events with their `{{name}}` placeholders replaced by `fill`'s HTML.
fn fill_placeholders<'a>(
    events: Vec<Event<'a>>,
    fill: &dyn Fn(&str) -> Option<String>,
) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    for ev in events {
        let Event::Text(t) = &ev else {
            out.push(ev);
            continue;
        };
        if !t.contains("{{") {
            out.push(ev);
            continue;
        }
        let mut rest: &str = t;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let filled = after.find("}}").and_then(|end| {
                let name = after[..end].trim();
                let valid =
                    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
                valid
                    .then(|| fill(name))
                    .flatten()
                    .map(|html| (html, start + 2 + end + 2))
            });
            match filled {
                Some((html, consumed)) => {
                    if start > 0 {
                        out.push(Event::Text(rest[..start].to_string().into()));
                    }
                    out.push(Event::Html(html.into()));
                    rest = &rest[consumed..];
                }
                None => {
                    out.push(Event::Text(rest[..start + 2].to_string().into()));
                    rest = &rest[start + 2..];
                }
            }
        }
        if !rest.is_empty() {
            out.push(Event::Text(rest.to_string().into()));
        }
    }
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
            // Tidied piece by piece: the space that ends a block below is
            // a real separator, not a join.
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&tidy_spaces(&t))
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
    // anywhere else (between Latin words, or Latin and Japanese) it is one,
    // as in [`markdown`].
    let chars: Vec<char> = text.chars().collect();
    let mut joined_lines = String::with_capacity(text.len());
    for (n, &c) in chars.iter().enumerate() {
        if c != '\n' {
            joined_lines.push(c);
            continue;
        }
        let before = joined_lines.trim_end().chars().last();
        let after = chars[n + 1..].iter().find(|c| !c.is_whitespace());
        if !(before.is_some_and(is_japanese) && after.is_some_and(|a| is_japanese(*a))) {
            joined_lines.push(' ');
        }
    }
    // Blocks are joined with a space, which Japanese needs none of after
    // its punctuation (「…実践する。 ○…」).
    let words: Vec<&str> = joined_lines.split_whitespace().collect();
    let joined = tidy_spaces(&words.join(" ")).into_owned();
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
    fn soft_breaks_join_japanese_lines_and_space_latin_words() {
        assert_eq!(markdown("日本\n語"), "<p>日本語</p>\n");
        assert_eq!(markdown("foo\nbar"), "<p>foo bar</p>\n");
        assert_eq!(markdown("です。\n各事業"), "<p>です。各事業</p>\n");
        // A Latin word next to Japanese keeps its space.
        assert_eq!(markdown("ICT\n推進"), "<p>ICT 推進</p>\n");
        assert_eq!(markdown("推進\n2019年"), "<p>推進 2019年</p>\n");
        // Through inline markup: 「**日本**\n語」.
        assert_eq!(markdown("**日本**\n語"), "<p><strong>日本</strong>語</p>\n");
    }

    #[test]
    fn placeholders_are_filled_with_the_callers_html_outside_code_only() {
        let fill = |name: &str| (name == "contact").then(|| "<a href=\"x\">係</a>".to_string());
        assert_eq!(
            markdown_with("連絡先: {{contact}}。{{ contact }}", &fill),
            "<p>連絡先: <a href=\"x\">係</a>。<a href=\"x\">係</a></p>\n"
        );
        // Unknown names, bad names, code and raw HTML stay as written (escaped).
        assert_eq!(
            markdown_with("{{other}} {{Contact}} `{{contact}}` {{contact", &fill),
            "<p>{{other}} {{Contact}} <code>{{contact}}</code> {{contact</p>\n"
        );
        assert_eq!(
            markdown_with("<b>{{contact}}</b>", &fill),
            "<p>&lt;b&gt;<a href=\"x\">係</a>&lt;/b&gt;</p>\n"
        );
        // Without a fill, markdown is unchanged.
        assert_eq!(markdown("{{contact}}"), "<p>{{contact}}</p>\n");
    }

    #[test]
    fn only_hard_breaks_become_br() {
        assert_eq!(
            markdown("一行目  \n二行目"),
            "<p>一行目<br />\n二行目</p>\n"
        );
        assert_eq!(
            markdown("一行目\\\n二行目"),
            "<p>一行目<br />\n二行目</p>\n"
        );
        assert!(!markdown("一行目\n二行目\nthird\nline").contains("<br"));
    }

    #[test]
    fn spaces_at_the_edges_look_at_the_text_around() {
        // A space at either end is judged by the character beside the
        // piece (markdown splits text at inline markup).
        assert_eq!(tidy_spaces_between(Some('。'), " 各事業", None), "各事業");
        assert_eq!(tidy_spaces_between(None, " 各事業", None), " 各事業");
        assert_eq!(tidy_spaces_between(None, "です。 ", Some('各')), "です。");
        assert_eq!(tidy_spaces_between(None, "です。 ", Some('A')), "です。 ");
        assert_eq!(tidy_spaces_between(None, "です。 ", None), "です。 ");
        // Two spaces both stay: neither lies between the punctuation and
        // a Japanese character.
        assert_eq!(tidy_spaces_between(None, "です。  各", None), "です。  各");
        assert_eq!(
            tidy_spaces_between(None, "、 一、 二。 三", None),
            "、一、二。三"
        );
        assert_eq!(tidy_spaces_between(None, "", Some('各')), "");
    }

    #[test]
    fn spaces_between_japanese_characters_are_dropped() {
        // YAML's folded scalars join lines with a space.
        assert_eq!(tidy_spaces("です。 各事業"), "です。各事業");
        assert_eq!(tidy_spaces("評価を、 誰でも"), "評価を、誰でも");
        assert_eq!(tidy_spaces("ICT 推進"), "ICT 推進");
        assert_eq!(tidy_spaces("推進 ICT"), "推進 ICT");
        assert_eq!(tidy_spaces("令和 3年度"), "令和 3年度");
        assert_eq!(tidy_spaces("（注） 金額"), "（注）金額");
        assert_eq!(tidy_spaces("「計画」 の"), "「計画」の");
        // Between two other Japanese characters a space is meant: names.
        assert_eq!(
            tidy_spaces("経営企画担当参事 市川 勝也"),
            "経営企画担当参事 市川 勝也"
        );
        assert_eq!(tidy_spaces("所沢市 事務事業評価"), "所沢市 事務事業評価");
        // After punctuation, before Latin or a digit: kept.
        assert_eq!(tidy_spaces("です。 ICT"), "です。 ICT");
        assert_eq!(tidy_spaces("です。 2019年"), "です。 2019年");
        assert_eq!(tidy_spaces("open data"), "open data");
        // Full-width Latin letters are spaced like Latin ones.
        assert_eq!(tidy_spaces("ＩＣＴ 推進"), "ＩＣＴ 推進");
        // Only a single space: two stay as written.
        assert_eq!(tidy_spaces("です。  各事業"), "です。  各事業");
        // The ideographic space is a character of the text, not a join.
        assert_eq!(tidy_spaces("です。\u{3000}各事業"), "です。\u{3000}各事業");
        assert_eq!(
            markdown("所沢市が公表している「計画」の評価を、 誰でも\n検索できます。 各事業"),
            "<p>所沢市が公表している「計画」の評価を、誰でも検索できます。各事業</p>\n"
        );
        // Across inline markup: 「です。 **各事業**」.
        assert_eq!(
            markdown("です。 **各事業**"),
            "<p>です。<strong>各事業</strong></p>\n"
        );
        assert_eq!(
            plain_text("評価を、 誰でも\nICT 推進\nする。\n次", 120),
            "評価を、誰でも ICT 推進する。次"
        );
        // Paragraphs joined after 。 need no space; after other text they do.
        assert_eq!(
            plain_text("実践する。\n\n○「計画」\n\n※注\n\n市民の\n\n便利", 120),
            "実践する。○「計画」※注 市民の 便利"
        );
    }
}
