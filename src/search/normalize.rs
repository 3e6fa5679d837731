//! The one normalisation of search text, shared (step for step) with
//! `themes/default/static/search.js`: NFKC, then lowercase, then every
//! whitespace character removed (U+3000 included; NFKC already maps it to
//! a space). NFKC folds 全角 letters and digits to ASCII and half-width
//! katakana to full-width (ｸﾞ → グ); lowercasing is Unicode's default
//! (`str::to_lowercase` / `String.prototype.toLowerCase`, both context
//! aware for the final sigma).

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Whether `c` is removed: Unicode White_Space, plus U+FEFF, which
/// JavaScript's `\s` matches too (the JS side adds U+0085, which `\s`
/// lacks), so both sides remove the same set; plus U+0000, which the index
/// uses as "no character" in its gram keys.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}' || c == '\0'
}

/// The normalised form of `s`.
pub fn normalize(s: &str) -> String {
    // Most text is already NFKC, and the quick check is much cheaper than
    // the normalisation (the build normalises every searchable text).
    let lower = if is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        s.to_lowercase()
    } else {
        s.nfkc().collect::<String>().to_lowercase()
    };
    if lower.chars().any(is_space) {
        lower.chars().filter(|&c| !is_space(c)).collect()
    } else {
        lower
    }
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

    #[test]
    fn idempotent() {
        for (input, _) in TABLE {
            let once = normalize(input);
            assert_eq!(normalize(&once), once, "{input:?}");
        }
    }
}
