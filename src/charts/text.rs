//! Text layout without fonts: an estimate of the width of Japanese and
//! Latin text, and line breaking by that estimate with 行頭禁則 (no closing
//! punctuation at the start of a line) and evened-out last lines.
//!
//! Owns: [`text_width`] and [`wrap`]. Must not: draw (callers place the
//! lines).

/// Estimated advance of one character, in em: CJK and other wide characters
/// take a full em; ASCII letters and digits are taken a little wider than
/// most Japanese fonts draw them, so estimates err towards too wide.
fn char_em(c: char) -> f64 {
    match c {
        ' ' => 0.3,
        'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.32,
        'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.9,
        c if c.is_ascii() => 0.62,
        '\u{ff61}'..='\u{ff9f}' => 0.5, // half-width katakana
        _ => 1.0,
    }
}

/// Estimated width of `s` at font size `size` (px).
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * size
}

/// Characters that must not start a line (行頭禁則).
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '）'
            | '」'
            | '』'
            | '】'
            | '・'
            | 'ー'
            | '：'
            | '！'
            | '？'
            | ')'
            | ','
            | '.'
            | ':'
            | '%'
            | '％'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
    )
}

/// Line breaking by estimated width into as few lines as greedy breaking
/// needs; when the last line would be short, the lines are evened out (no
/// lone last character of a title).
pub(super) fn wrap(s: &str, max_width: f64, size: f64) -> Vec<String> {
    let lines = wrap_greedy(s, max_width, size);
    let last_is_short = lines
        .last()
        .is_some_and(|l| text_width(l, size) < max_width / 3.0);
    let lines = if lines.len() < 2 || !last_is_short {
        lines
    } else {
        let mut width = max_width;
        let step = size / 2.0;
        while width - step > size && wrap_greedy(s, width - step, size).len() == lines.len() {
            width -= step;
        }
        wrap_greedy(s, width, size)
    };
    lines.into_iter().map(str::to_string).collect()
}

/// Greedy line breaking by estimated width: between any two Japanese
/// characters, at spaces between Latin words, never before closing
/// punctuation. The lines are slices of `s`.
fn wrap_greedy(s: &str, max_width: f64, size: f64) -> Vec<&str> {
    let mut lines = Vec::new();
    // The current line is `s[start..pos]`; `cur_em` is the sum of its
    // `char_em`, added up in the same order as `text_width` does, so
    // `cur_em * size == text_width(&s[start..pos], size)`.
    let mut start = 0;
    let mut cur_em = 0.0;
    for (pos, c) in s.char_indices() {
        let cur = &s[start..pos];
        let em = char_em(c);
        let fits = cur_em * size + em * size <= max_width;
        if fits || cur.is_empty() || no_line_start(c) {
            cur_em += em;
            continue;
        }
        if c == ' ' {
            lines.push(cur);
            start = pos + c.len_utf8();
            cur_em = 0.0;
            continue;
        }
        // Break at the last phrase boundary (a space, after 、。」）, before
        // （「) when it is in the line's last 40%: keeps Latin words and
        // bracketed phrases together.
        let word_start = cur
            .char_indices()
            .rev()
            .filter_map(|(i, ch)| match ch {
                '（' | '「' | '『' | '【' => Some(i),
                ' ' | '、' | '。' | '」' | '』' | '】' | '）' => Some(i + ch.len_utf8()),
                _ => None,
            })
            .find(|&i| i > 0 && i < cur.len() && text_width(&cur[..i], size) >= 0.6 * max_width);
        match word_start {
            Some(i) => {
                lines.push(cur[..i].trim_end());
                start += i;
                cur_em = s[start..pos].chars().map(char_em).sum();
            }
            None => {
                lines.push(cur);
                start = pos;
                cur_em = 0.0;
            }
        }
        cur_em += em;
    }
    let cur = &s[start..];
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_respects_width_and_punctuation() {
        let lines = wrap(
            "所沢市ICT推進アクションプラン2019-2021 進捗状況評価",
            200.0,
            16.0,
        );
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(text_width(l, 16.0) <= 200.0 + 16.0, "{l}");
        }
        assert_eq!(
            lines.concat().replace(' ', ""),
            "所沢市ICT推進アクションプラン2019-2021進捗状況評価"
        );
        let lines = wrap("あいう。", 48.0, 16.0);
        assert_eq!(lines, vec!["あいう。"]);
        assert_eq!(wrap("", 100.0, 16.0), vec![""]);
        // Breaks between phrases rather than inside a word.
        assert_eq!(
            wrap(
                "市民満足度（「満足」「やや満足」と答えた人の割合）",
                376.0,
                16.0
            ),
            vec!["市民満足度（「満足」「やや満足」", "と答えた人の割合）"]
        );
        // No lone last characters: 25 characters over two lines of 13 and 12.
        let lines = wrap(&"あ".repeat(25), 376.0, 16.0);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].chars().count() >= 12, "{lines:?}");
    }
}
