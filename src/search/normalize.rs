//! The one normalisation of search text, shared (step for step) with
//! `themes/default/static/search.js`: NFKC, then lowercase, then every
//! whitespace character removed (U+3000 included; NFKC already maps it to
//! a space). NFKC folds 全角 letters and digits to ASCII and half-width
//! katakana to full-width (ｸﾞ → グ); lowercasing is Unicode's default
//! (`str::to_lowercase` / `String.prototype.toLowerCase`, both context
//! aware for the final sigma).

use unicode_normalization::UnicodeNormalization;

/// Whether `c` is removed: Unicode White_Space, plus U+FEFF, which
/// JavaScript's `\s` matches too (the JS side adds U+0085, which `\s`
/// lacks), so both sides remove the same set; plus U+0000, which the index
/// uses as "no character" in its gram keys.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}' || c == '\0'
}

/// The normalised form of `s`, by definition (the fast path below must
/// agree with it).
fn by_definition(s: &str) -> String {
    s.nfkc()
        .collect::<String>()
        .to_lowercase()
        .chars()
        .filter(|&c| !is_space(c))
        .collect()
}

/// Characters the fast path copies as they are: NFKC quick check "yes",
/// combining class 0 (so normalisation may split the text before each),
/// their own lowercase, not space: printable ASCII but capitals, and the
/// common Japanese blocks (ideographs, hiragana, katakana, 、。々「」『』).
/// The tests check every one of them.
pub(crate) fn stable(c: char) -> bool {
    matches!(c,
        '!'..='@' | '['..='~'
        | '\u{3001}'..='\u{3002}' | '\u{3005}' | '\u{300c}'..='\u{300f}'
        | '\u{3041}'..='\u{3096}' | '\u{30a1}'..='\u{30fc}' | '\u{4e00}'..='\u{9fff}')
}

/// The normalised form of `s`.
///
/// The build normalises every searchable text, so this avoids the full
/// algorithm where it cannot change anything: the text is cut before every
/// [`stable`] or ASCII character (a normalisation boundary), a piece that is
/// one such character is copied (ASCII lowercased, spaces dropped) and only
/// the other pieces (a character with what follows it up to the next
/// boundary) are normalised. Lowercasing
/// is per character except for Σ, whose lowercase depends on its
/// neighbours: a text with Σ takes the whole algorithm.
pub fn normalize(s: &str) -> String {
    // Σ (UTF-8 CE A3), or a character of U+1D000..U+1DFFF (F0 9D), which
    // holds the mathematical letters that normalise to it.
    if s.as_bytes()
        .windows(2)
        .any(|w| w == [0xce, 0xa3] || w == [0xf0, 0x9d])
    {
        return by_definition(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut start = 0;
    // Whether the piece from `start` is more than one stable character.
    let mut dirty = false;
    let flush = |out: &mut String, piece: &str, dirty: bool| {
        if dirty {
            // `by_definition(piece)` without its three strings: per
            // character lowercasing is the same here (no Σ).
            for c in piece.nfkc() {
                for l in c.to_lowercase() {
                    if !is_space(l) {
                        out.push(l);
                    }
                }
            }
        } else if let Some(c) = piece.chars().next().filter(|&c| !is_space(c)) {
            out.push(c.to_ascii_lowercase());
        }
    };
    for (i, c) in s.char_indices() {
        // Every ASCII character is a boundary too (NFKC "yes", class 0),
        // but may change (capitals, spaces) or combine with what follows.
        if stable(c) || c.is_ascii() {
            flush(&mut out, &s[start..i], dirty);
            start = i;
            dirty = false;
        } else {
            dirty = true;
        }
    }
    flush(&mut out, &s[start..], dirty);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::normalize;

    /// `(input, normalised)`, worked out by hand; the same table is
    /// checked against the browser's `normalize('NFKC')` by
    /// `tests/browser/search.mjs` (it reads this file's `TABLE` lines).
    pub(crate) const TABLE: &[(&str, &str)] = &[
        ("ＧＩＳ", "gis"),                     // TABLE
        ("ｇｉｓ", "gis"),                     // TABLE
        ("GIS", "gis"),                        // TABLE
        ("ｸﾞﾙｰﾌﾟｳｪｱ", "グループウェア"),         // TABLE
        ("グループ ウェア", "グループウェア"), // TABLE
        ("子育て　支援", "子育て支援"),        // TABLE
        ("１２３ＡＢＣ", "123abc"),            // TABLE
        ("ＩＣＴ推進", "ict推進"),             // TABLE
        ("ﾏｲﾅﾝﾊﾞｰ", "マイナンバー"),            // TABLE
        ("a\tb\nc\u{a0}d\u{2003}e", "abcde"),  // TABLE
        ("\u{feff}x\u{85}y", "xy"),            // TABLE
        ("a\u{0}b", "ab"),                     // TABLE
        ("㈱", "(株)"),                        // TABLE
        ("①", "1"),                            // TABLE
        ("ＯΣ", "oς"),                         // TABLE
        ("Straße", "straße"),                  // TABLE
        ("が", "が"),                          // TABLE
        ("か\u{3099}", "が"),                  // TABLE
        ("", ""),                              // TABLE
    ];

    #[test]
    fn table() {
        for (input, want) in TABLE {
            assert_eq!(&normalize(input), want, "normalize({input:?})");
        }
    }

    /// The fast path against the definition, on every pair and triple of
    /// characters that stress it (capitals, marks that combine with the
    /// character before them, half-width and full-width forms, spaces).
    #[test]
    fn fast_path_agrees_with_the_definition() {
        let cs: Vec<char> = "aZ1 \t\u{3000}かカｶﾞ\u{3099}\u{309a}\u{ff9e}゛ー・子々「ＡＧｇ３（)①㈱Σσς𝚺éE\u{301}\u{300}\u{327}ǅİßﬁ\u{0}"
            .chars()
            .collect();
        let mut n = 0;
        for &a in &cs {
            for &b in &cs {
                for c in cs.iter().copied().chain([' ']).take(cs.len() + 1) {
                    let s: String = [a, b, c].iter().collect();
                    assert_eq!(normalize(&s), super::by_definition(&s), "{s:?}");
                    n += 1;
                }
            }
        }
        assert!(n > 50_000);
        for (input, _) in TABLE {
            assert_eq!(normalize(input), super::by_definition(input), "{input:?}");
        }
    }

    /// Every character the fast path copies is NFKC "yes", combining class
    /// 0, its own lowercase and not space.
    #[test]
    fn stable_characters_are_stable() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::{is_nfkc_quick, IsNormalized};
        let mut n = 0;
        for c in (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| super::stable(c))
        {
            assert_eq!(
                is_nfkc_quick(std::iter::once(c)),
                IsNormalized::Yes,
                "{c:?}"
            );
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert!(c.to_lowercase().eq(std::iter::once(c)), "{c:?}");
            assert!(!super::is_space(c), "{c:?}");
            n += 1;
        }
        assert!(n > 20_000, "{n}");
    }

    #[test]
    fn idempotent() {
        for (input, _) in TABLE {
            let once = normalize(input);
            assert_eq!(normalize(&once), once, "{input:?}");
        }
    }
}
