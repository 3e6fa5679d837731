//! A cheaper parse of a project file's transcription notes.
//!
//! The notes of a real sheet are about half of its bytes, and the YAML
//! parser reads every byte at the same cost (about 50 MB/s per core). Most
//! files end with the notes as the last key, one double-quoted line per
//! note with nothing in it YAML would treat specially; [`split`] takes such
//! a tail off the text and reads it directly, so only the head goes through
//! the YAML parser. Anything else (another layout, an escape, a comment, a
//! character YAML refuses or reads as a line break) gives `None`, and the
//! caller parses the whole file as before, so the result is never different
//! from the YAML parser's.

/// The text before a final `notes:` block and the notes, when the block is
/// the plain form described in the module docs and nothing in the head
/// could change what the block means (another `notes` key, a document
/// marker).
pub(super) fn split(text: &str) -> Option<(&str, Vec<String>)> {
    let at = if text.starts_with("notes:\n") {
        0
    } else {
        text.rfind("\nnotes:\n")? + 1
    };
    let head = &text[..at];
    let body = &text[at + "notes:\n".len()..];
    let body = body.strip_suffix('\n').unwrap_or(body);
    if body.is_empty() || head_may_interfere(head) {
        return None;
    }
    let mut indent = None;
    let mut notes = Vec::new();
    for line in body.split('\n') {
        let rest = line.trim_start_matches(' ');
        let n = line.len() - rest.len();
        if *indent.get_or_insert(n) != n {
            return None;
        }
        let note = rest.strip_prefix("- \"")?.strip_suffix('"')?;
        if !note.chars().all(plain) {
            return None;
        }
        notes.push(note.to_string());
    }
    Some((head, notes))
}

/// Whether a line of `head` starts a document marker or directive, or
/// could be another `notes` key (then the whole file must be parsed for
/// the error to be reported as it would be).
fn head_may_interfere(head: &str) -> bool {
    head.split('\n').any(|l| {
        l.starts_with("---")
            || l.starts_with("...")
            || l.starts_with('%')
            || l.trim_start_matches(['"', '\'', '?', ' '])
                .starts_with("notes")
    })
}

/// A character that stands for itself inside a one-line double-quoted
/// YAML scalar: printable, not a quote or backslash, not a tab (kept out
/// to stay on the safe side), and none of the characters YAML 1.1 reads as
/// a line break (NEL, LS, PS) or refuses (C0/C1 controls, DEL, U+FFFE,
/// U+FFFF), nor a byte order mark.
fn plain(c: char) -> bool {
    c >= ' '
        && !matches!(
            c,
            '"' | '\\' | '\u{7f}'
                ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

#[cfg(test)]
mod tests {
    use super::split;
    use crate::model::ProjectDoc;

    /// What the YAML parser reads as the notes of `text`.
    fn yaml_notes(text: &str) -> Vec<String> {
        #[derive(serde::Deserialize)]
        struct N {
            notes: Vec<String>,
        }
        serde_norway::from_str::<N>(text).map(|n| n.notes).unwrap()
    }

    #[test]
    fn plain_tail_is_split_and_matches_yaml() {
        let text = "name: x\nnotes:\n  - \"一つ目: # と ' と 「」\"\n  - \" 前後の空白 \"\n";
        let (head, notes) = split(text).unwrap();
        assert_eq!(head, "name: x\n");
        assert_eq!(notes, vec!["一つ目: # と ' と 「」", " 前後の空白 "]);
        assert_eq!(notes, yaml_notes(text));
    }

    #[test]
    fn unindented_items_and_no_final_newline() {
        let text = "name: x\nnotes:\n- \"a\"\n- \"b\"";
        let (_, notes) = split(text).unwrap();
        assert_eq!(notes, yaml_notes(text));
    }

    #[test]
    fn anything_special_falls_back() {
        for text in [
            "name: x\nnotes:\n  - \"a\\nb\"\n",          // an escape
            "name: x\nnotes:\n  - \"a\"\n    - \"b\"\n", // mixed indentation
            "name: x\nnotes:\n  - 'a'\n",                // single quotes
            "name: x\nnotes:\n  - a\n",                  // plain scalar
            "name: x\nnotes:\n  - \"a\" # c\n",          // a comment
            "name: x\nnotes:\n  - \"a\"\n\n",            // a blank line
            "name: x\nnotes:\n  - \"a\u{2028}b\"\n",     // LS is a line break to YAML 1.1
            "name: x\nnotes:\n  - \"a\u{85}b\"\n",       // so is NEL
            "name: x\nnotes:\n  - \"a\tb\"\n",           // a tab
            "name: x\nnotes:\n  - \"a\rb\"\n",           // a carriage return
            "name: x\nnotes:\n",                         // no items
            "name: x\nnotes: []\n",                      // flow form
            "notes: []\nname: x\nnotes:\n  - \"a\"\n",   // a duplicate key
            "name: x\n...\nnotes:\n  - \"a\"\n",         // a document end
            "name: x\nnotes:\n  - \"a\"\nsource: y\n",   // not the last key
        ] {
            assert!(split(text).is_none(), "{text:?}");
        }
    }

    /// Every shipped sheet takes the fast path and gives what the YAML
    /// parser gives for the whole file.
    #[test]
    fn shipped_sheets_parse_the_same() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/jimu-2019");
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.file_name().unwrap().to_string_lossy().starts_with('_') {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let (head, notes) = split(&text).unwrap();
            let whole: ProjectDoc = serde_norway::from_str(&text).unwrap();
            let mut fast: ProjectDoc = serde_norway::from_str(head).unwrap();
            assert!(fast.notes.is_empty());
            fast.notes = notes;
            assert_eq!(
                serde_json::to_string(&fast).unwrap(),
                serde_json::to_string(&whole).unwrap(),
                "{}",
                path.display()
            );
            n += 1;
        }
        assert_eq!(n, 26);
    }
}
