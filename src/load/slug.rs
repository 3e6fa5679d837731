//! Ids that become file names and URLs: lowercase ASCII letters, digits
//! and inner hyphens, never a Windows device name.

use std::path::Path;

use crate::diag::{excerpt, Diagnostic, Pos};

/// Whether `s` is a safe id: lowercase ASCII letters, digits and inner
/// hyphens, and not a name Windows reserves for a device ([`windows_reserved`]).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !windows_reserved(s)
}

/// Whether `s` is a device name Windows (and a FAT USB stick) cannot use as
/// a file name: `con`, `prn`, `aux`, `nul`, `com0`–`com9`, `lpt0`–`lpt9`.
pub fn windows_reserved(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    matches!(s.as_str(), "con" | "prn" | "aux" | "nul")
        || s.len() == 4
            && (s.starts_with("com") || s.starts_with("lpt"))
            && s.as_bytes()[3].is_ascii_digit()
}

pub(super) fn slug_error(file: &Path, pos: Pos, what: &str, value: &str) -> Diagnostic {
    if windows_reserved(value) {
        return Diagnostic::new(
            file,
            pos,
            format!("{what}「{value}」は Windows で使えない名前です"),
        )
        .hint("con・nul・aux・prn・com1・lpt1 などは Windows の装置の名前なので、別の名前にしてください（例: con-kikaku）");
    }
    Diagnostic::new(
        file,
        pos,
        format!("{what}「{}」は使えません", excerpt(value)),
    )
    .hint("半角の英小文字・数字・ハイフン（-）だけで書いてください（例: kodomo-seisaku）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_device_names_are_not_slugs() {
        for name in [
            "con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt0", "com0",
        ] {
            assert!(windows_reserved(name), "{name}");
            assert!(!is_slug(name), "{name}");
        }
        for name in ["cons", "com", "com10", "lpt", "nul-1", "console", "aux2x"] {
            assert!(!windows_reserved(name), "{name}");
        }
        assert!(is_slug("con-kikaku") && is_slug("com10"));
        let d = slug_error(Path::new("a.yaml"), Pos::START, "課のID", "nul");
        assert_eq!(d.message, "課のID「nul」は Windows で使えない名前です");
    }
}
