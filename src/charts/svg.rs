//! Finishing plotters' SVG: the accessible root element (`role="img"`,
//! `<title>`, `<desc>`, a `viewBox` without a fixed size, one
//! `font-family`) and the tidying of plotters' text and rectangle tags, in
//! one pass.
//!
//! Owns: every byte of a chart after plotters has drawn it. Must not: lay
//! out or draw (that is the chart kinds and `scene`).

use std::fmt::Write as _;

use super::id::chart_id;
use super::number::fmt_num;
use super::WIDTH;

/// Font family given to plotters for every text; its attribute is removed
/// again when finishing (the root element sets [`super::FONT_FAMILY`]).
/// Empty, so plotters has the least to copy.
pub(super) const FONT_SENTINEL: &str = "";

/// [`super::FONT_FAMILY`] escaped for an attribute value.
const FONT_FAMILY_ATTR: &str = "&quot;Hiragino Sans&quot;,&quot;Hiragino Kaku Gothic ProN&quot;,&quot;Yu Gothic&quot;,&quot;Noto Sans JP&quot;,&quot;Noto Sans CJK JP&quot;,Meiryo,sans-serif";

/// Replaces plotters' root element with an accessible one, adds `<title>` and
/// `<desc>`, and tidies the text elements.
pub(super) fn finish_svg(raw: &str, kind: &str, title: &str, desc: &str, height: i32) -> String {
    // plotters' root start tag ends with the first ">\n".
    let body_start = raw.find(">\n").map(|i| i + 2).unwrap_or(0);
    let body = tidy_body(&raw[body_start..]);

    let id = chart_id(kind, title, desc);

    let mut out = String::with_capacity(
        body.len() + FONT_FAMILY_ATTR.len() + 4 * id.len() + title.len() + desc.len() + 320,
    );
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    push_int(&mut out, i64::from(WIDTH));
    out.push(' ');
    push_int(&mut out, i64::from(height));
    out.push_str("\" class=\"hyoka-chart hyoka-chart-");
    escape_into(&mut out, kind);
    out.push_str("\" role=\"img\" aria-labelledby=\"");
    out.push_str(&id);
    out.push_str("-title ");
    out.push_str(&id);
    out.push_str("-desc\" font-family=\"");
    out.push_str(FONT_FAMILY_ATTR);
    out.push_str("\">\n<title id=\"");
    out.push_str(&id);
    out.push_str("-title\">");
    escape_into(&mut out, title);
    out.push_str("</title>\n<desc id=\"");
    out.push_str(&id);
    out.push_str("-desc\">");
    escape_into(&mut out, desc);
    out.push_str("</desc>\n");
    out.push_str(&body);
    out
}

/// Removes the per-text font-family (the root sets it), the always-1
/// opacities and the newlines plotters puts around text content, and writes
/// font sizes back as round numbers; one pass over plotters' output.
///
/// plotters escapes attribute values and text content, so a `"` always ends
/// an attribute value, a `>` always ends a tag and the first `<` after a
/// text's start tag starts its `</text>`.
fn tidy_body(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut sizes = FontSizes::default();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let (tag, after) = rest.split_at(rest.find('>').map_or(rest.len(), |gt| gt + 1));
        rest = after;
        if tag.starts_with("</") {
            out.push_str(tag);
            continue;
        }
        if !tidy_plotters_tag(&mut out, tag, &mut sizes) {
            tidy_start_tag(&mut out, tag, &mut sizes);
        }
        if tag.starts_with("<text ") {
            // "<text …>\ncontent\n</text>" → "<text …>content</text>".
            let after = rest.strip_prefix('\n').unwrap_or(rest);
            let close = match after.find('<') {
                Some(c) if after[c..].starts_with("</text>") => c,
                _ => after.find("</text>").unwrap_or(after.len()),
            };
            let content = &after[..close];
            out.push_str(content.strip_suffix('\n').unwrap_or(content));
            rest = &after[close..];
        }
    }
    out.push_str(rest);
    out
}

/// `" opacity="1" fill="#`: the end of every rectangle and text start tag
/// plotters writes, up to the colour's six hex digits.
const OPACITY_FILL: &str = " opacity=\"1\" fill=\"#";

/// The fast path for the two start tags the charts draw, as
/// plotters-svg 0.3.7 writes them:
///
/// ```text
/// <rect x="…" y="…" width="…" height="…" opacity="1" fill="#RRGGBB" stroke="none"/>
/// <text x="…" y="…" dy="0.5ex" text-anchor="…" font-family="" font-size="…" opacity="1" fill="#RRGGBB"[ font-weight="bold"]>
/// ```
///
/// Only the fixed parts around what changes are checked (nothing before
/// them can hold a font or an opacity: the coordinates are integers, `dy`
/// and `text-anchor` fixed words). Returns false, having written nothing,
/// for any other tag, which [`tidy_start_tag`] then tidies attribute by
/// attribute.
fn tidy_plotters_tag<'a>(out: &mut String, tag: &'a str, sizes: &mut FontSizes<'a>) -> bool {
    if tag.starts_with("<rect ") {
        let Some((head, tail)) = split_opacity(tag, "\" stroke=\"none\"/>") else {
            return false;
        };
        out.push_str(head);
        out.push_str(tail);
        return true;
    }
    if !tag.starts_with("<text ") {
        return false;
    }
    let Some((head, tail)) =
        split_opacity(tag, "\">").or_else(|| split_opacity(tag, "\" font-weight=\"bold\">"))
    else {
        return false;
    };
    // `head` ends with `font-size="…"`.
    let Some(head) = head.strip_suffix('"') else {
        return false;
    };
    let Some(open) = head.rfind('"') else {
        return false;
    };
    let Some(start) = head[..=open]
        .strip_suffix(" font-size=\"")
        .and_then(|h| h.strip_suffix('"'))
        .and_then(|h| h.strip_suffix(FONT_SENTINEL))
        .and_then(|h| h.strip_suffix(" font-family=\""))
    else {
        return false;
    };
    out.push_str(start);
    out.push_str(" font-size=\"");
    out.push_str(sizes.tidy(&head[open + 1..]));
    out.push('"');
    out.push_str(tail);
    true
}

/// Splits a start tag ending in `" opacity="1" fill="#RRGGBB{end}` into the
/// part before ` opacity="1"` and the part from ` fill=` on.
fn split_opacity<'a>(tag: &'a str, end: &str) -> Option<(&'a str, &'a str)> {
    let head = tag.strip_suffix(end)?;
    let head = head.get(..head.len().checked_sub(6)?)?;
    let head = head.strip_suffix(OPACITY_FILL)?;
    let tail = tag.get(head.len() + " opacity=\"1\"".len()..)?;
    Some((head, tail))
}

/// Writes one start tag (`<name a="v" …>` or `<name a="v" …/>`) without the
/// sentinel font-family and `opacity="1"`, with its font size rewritten.
fn tidy_start_tag<'a>(out: &mut String, tag: &'a str, sizes: &mut FontSizes<'a>) {
    let bytes = tag.as_bytes();
    let mut i = bytes
        .iter()
        .position(|&b| matches!(b, b' ' | b'/' | b'>'))
        .unwrap_or(bytes.len());
    out.push_str(&tag[..i]);
    // Attributes: ` name="value"`.
    while bytes.get(i) == Some(&b' ') {
        let name_start = i + 1;
        let Some(open) = tag[name_start..].find('"').map(|q| name_start + q) else {
            break;
        };
        if bytes[open - 1] != b'=' {
            break;
        }
        let Some(close) = tag[open + 1..].find('"').map(|q| open + 1 + q) else {
            break;
        };
        match (&tag[name_start..open - 1], &tag[open + 1..close]) {
            ("font-family", FONT_SENTINEL) | ("opacity", "1") => {}
            ("font-size", value) => {
                out.push_str(" font-size=\"");
                out.push_str(sizes.tidy(value));
                out.push('"');
            }
            _ => out.push_str(&tag[i..=close]),
        }
        i = close + 1;
    }
    out.push_str(&tag[i..]);
}

/// Font sizes as plotters wrote them and as rewritten, so each is parsed
/// and formatted once per chart.
#[derive(Default)]
struct FontSizes<'a> {
    seen: Vec<(&'a str, String)>,
}

impl<'a> FontSizes<'a> {
    fn tidy(&mut self, value: &'a str) -> &str {
        let i = match self.seen.iter().position(|(raw, _)| *raw == value) {
            Some(i) => i,
            None => {
                let tidy = match value.parse::<f64>() {
                    Ok(v) => fmt_num(v),
                    Err(_) => value.to_string(),
                };
                self.seen.push((value, tidy));
                self.seen.len() - 1
            }
        };
        &self.seen[i].1
    }
}

/// Appends `v` in decimal.
fn push_int(out: &mut String, v: i64) {
    // Writing into a String cannot fail.
    write!(out, "{v}").ok();
}

/// Escapes text for XML content and attribute values.
#[cfg(test)]
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// Appends `s` escaped for XML content and attribute values.
fn escape_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest
        .bytes()
        .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&apos;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    use plotters::style::{FontDesc, FontFamily, FontStyle};

    use super::super::color::{AMBER, BACKGROUND, BLUE, GRID, MUTED, TEXT};
    use super::super::scene::{Op, Scene};
    use super::super::FONT_FAMILY;
    use super::*;

    /// `tidy_body` as first written: a chain of replacements and scans.
    fn tidy_reference(body: &str) -> String {
        let s = body
            .replace(&format!(" font-family=\"{FONT_SENTINEL}\""), "")
            .replace(" opacity=\"1\"", "");
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        while let Some(i) = rest.find("font-size=\"") {
            let (head, tail) = rest.split_at(i + "font-size=\"".len());
            out.push_str(head);
            let end = tail.find('"').unwrap_or(tail.len());
            match tail[..end].parse::<f64>() {
                Ok(v) => out.push_str(&fmt_num(v)),
                Err(_) => out.push_str(&tail[..end]),
            }
            rest = &tail[end..];
        }
        out.push_str(rest);
        let mut tidy = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find("<text ") {
            let (head, tail) = rest.split_at(i);
            tidy.push_str(head);
            let Some(gt) = tail.find('>') else {
                rest = tail;
                break;
            };
            tidy.push_str(&tail[..=gt]);
            let after = &tail[gt + 1..];
            let after = after.strip_prefix('\n').unwrap_or(after);
            let close = after.find("</text>").unwrap_or(after.len());
            tidy.push_str(after[..close].strip_suffix('\n').unwrap_or(&after[..close]));
            rest = &after[close..];
        }
        tidy.push_str(rest);
        tidy
    }

    /// A scene with every kind of text and rectangle the charts draw, and
    /// some they do not (yet).
    fn odd_scene() -> Scene<'static> {
        let mut scene = Scene::default();
        let texts = [
            "",
            "\n",
            "\n\n",
            "a\nb",
            " lead and trail ",
            "<&>\"'",
            "評価結果：「満足」",
            "ｶﾀｶﾅ",
        ];
        for (i, text) in texts.iter().enumerate() {
            let i = i as i32;
            for (size, anchor, bold) in [
                (16.0, HPos::Left, true),
                (13.0, HPos::Center, false),
                (12.0, HPos::Right, false),
                (11.0, HPos::Left, false),
                (12.5, HPos::Center, true),
            ] {
                scene.text(i * 40, 10 + i * 7, *text, size, anchor, MUTED, bold);
            }
            scene.rect(i, i * 3, 400 - i, i * 3 + 1, GRID);
            scene.rect(400 - i, 50, i * 5, 20, BLUE);
        }
        // Outside the canvas: clamped as plotters' drawing area would.
        scene.rect(-5, -5, 500, 1000, AMBER);
        scene.text(-20, 5000, "off", 14.0, HPos::Left, TEXT, false);
        scene
    }

    #[test]
    fn tidying_keeps_what_the_replacements_kept() {
        let svg = odd_scene().finish("test", "タイトル", "説明", 120);
        let mut raw = String::new();
        {
            // The same drawing through plotters' drawing area.
            let root = SVGBackend::with_string(&mut raw, (WIDTH as u32, 120)).into_drawing_area();
            root.fill(&BACKGROUND).unwrap();
            for op in &odd_scene().ops {
                match op {
                    Op::Rect {
                        x0,
                        y0,
                        x1,
                        y1,
                        color,
                    } => root
                        .draw(&Rectangle::new([(*x0, *y0), (*x1, *y1)], color.filled()))
                        .unwrap(),
                    Op::Text(t) => {
                        let weight = if t.bold {
                            FontStyle::Bold
                        } else {
                            FontStyle::Normal
                        };
                        let font =
                            FontDesc::new(FontFamily::Name(FONT_SENTINEL), t.size * 1.24, weight);
                        let style = font.color(&t.color).pos(Pos::new(t.anchor, VPos::Center));
                        root.draw(&Text::new(t.text.as_ref(), (t.x, t.y), style))
                            .unwrap();
                    }
                }
            }
            root.present().unwrap();
        }
        let body = &raw[raw.find(">\n").unwrap() + 2..];
        let want = tidy_reference(body);
        assert!(svg.ends_with(&want), "{svg}\n---\n{want}");
        assert_eq!(tidy_body(body), want);

        // Every start tag takes the fast path, and the fast path writes what
        // the attribute-by-attribute path writes.
        let mut tags = 0;
        for line in body
            .lines()
            .filter(|l| l.starts_with("<rect ") || l.starts_with("<text "))
        {
            let (mut fast, mut slow) = (String::new(), String::new());
            assert!(
                tidy_plotters_tag(&mut fast, line, &mut FontSizes::default()),
                "{line}"
            );
            tidy_start_tag(&mut slow, line, &mut FontSizes::default());
            assert_eq!(fast, slow);
            tags += 1;
        }
        assert_eq!(tags, odd_scene().ops.len() + 1);
    }

    #[test]
    fn root_font_family_is_escaped() {
        assert_eq!(FONT_FAMILY_ATTR, escape(FONT_FAMILY));
        assert_eq!(
            escape("<a & 'b' \"c\">"),
            "&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;"
        );
    }
}
