//! Typed deserialization that collects every structural problem of a file
//! (unknown field, wrong type, bad value), not just the first one.
//!
//! serde stops at the first error. To find the next, the offending node is
//! removed from the parsed [`Value`] and deserialization is retried; each
//! error's path is turned into a line and column through [`PosMap`], and
//! serde's English messages are rewritten in plain Japanese with a hint.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_norway::Value;

use crate::diag::{closest, excerpt, quote_list, Diagnostic, Pos};
use crate::posmap::{PosMap, Seg, YamlPath};

/// A parsed YAML file with its positions.
pub struct Parsed {
    /// The document.
    pub value: Value,
    /// Positions of its nodes.
    pub pos: PosMap,
}

/// Decodes bytes as UTF-8, or says where the first invalid byte is.
pub fn decode_utf8(file: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    // simdutf8 checks a whole file several times faster than the standard
    // library on Japanese text; the standard library finds the place of
    // an error.
    let text = match simdutf8::basic::from_utf8(&bytes) {
        Ok(s) => s,
        Err(_) => match std::str::from_utf8(&bytes) {
            Ok(s) => s,
            Err(e) => {
                let prefix = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
                let line = prefix.matches('\n').count() + 1;
                let col = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                return Err(Diagnostic::new(
                    file,
                    Pos { line, col },
                    "ファイルが UTF-8 ではありません（Shift_JIS などで保存されている可能性があります）",
                )
                .hint("エディタで文字コードを「UTF-8」にして保存し直してください"));
            }
        },
    };
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_owned())
}

/// Parses YAML text; a syntax error becomes a diagnostic with its position.
pub fn parse(file: &Path, text: &str) -> Result<Parsed, Diagnostic> {
    match serde_norway::from_str::<Value>(text) {
        Ok(value) => Ok(Parsed {
            value,
            pos: PosMap::build(text),
        }),
        Err(e) if e.to_string().contains("duplicate entry with key") => {
            match crate::posmap::first_duplicate_key(text) {
                Some(d) => Err(Diagnostic::new(
                    file,
                    d.at,
                    format!(
                        "「{}」が同じ階層に2回書かれています（最初は {} 行目）",
                        excerpt(&d.key),
                        d.first.line
                    ),
                )
                .hint("どちらか一方を消して、1つにまとめてください")),
                None => Err(syntax_error(file, &e)),
            }
        }
        Err(e) => Err(syntax_error(file, &e)),
    }
}

/// A YAML syntax error as a diagnostic at its position.
fn syntax_error(file: &Path, e: &serde_norway::Error) -> Diagnostic {
    let p = e
        .location()
        .map(|l| Pos {
            line: l.line(),
            col: l.column(),
        })
        .unwrap_or(Pos::START);
    let msg = e.to_string();
    let detail = excerpt(msg.split(" at line ").next().unwrap_or(&msg));
    Diagnostic::new(
        file,
        p,
        format!("YAML の書き方に誤りがあります（{detail}）"),
    )
    .hint("字下げ（行頭の空白）の位置、「: 」の後の空白、引用符の閉じ忘れを確認してください")
}

/// How many structural problems of one file are reported: each costs one
/// more deserialization of the whole file, so a file with thousands of
/// mistakes stops here, with a last diagnostic saying so.
pub const MAX_PROBLEMS: usize = 200;

/// Deserializes `parsed` into `T`, collecting every structural problem.
///
/// Returns the value (when the document could be repaired by dropping the
/// offending nodes, so later checks still run on the rest) and the problems,
/// at most [`MAX_PROBLEMS`] of them (then one more saying that the list was
/// cut, at the position of the first problem not described).
pub fn typed<T: DeserializeOwned>(file: &Path, parsed: &Parsed) -> (Option<T>, Vec<Diagnostic>) {
    let mut value = parsed.value.clone();
    let mut diags = Vec::new();
    let mut removed: Vec<YamlPath> = Vec::new();
    loop {
        match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(t) => return (Some(t), diags),
            Err(e) => {
                let path = convert_path(e.path());
                let msg = e.inner().to_string();
                let kind = classify(&msg);
                if diags.len() >= MAX_PROBLEMS {
                    // Where the first problem not described is.
                    let next = describe(file, &parsed.pos, &path, kind);
                    diags.push(
                        Diagnostic::new(
                            file,
                            Pos {
                                line: next.line,
                                col: next.col,
                            },
                            format!(
                                "このファイルには、ほかにも誤りがある可能性があります（{MAX_PROBLEMS} 件で打ち切りました）"
                            ),
                        )
                        .hint("ここまでの誤りを直してから、もう一度 hyoka check で確かめてください"),
                    );
                    break;
                }
                // A missing field whose value we removed ourselves, or the
                // null we put in place of a list item, is a consequence of
                // an earlier error, not a new one.
                let consequence = removed.contains(&path)
                    || matches!(&kind, Kind::Missing(f)
                    if removed.iter().any(|r| r.len() == path.len() + 1
                        && r.starts_with(&path)
                        && r.last() == Some(&Seg::Key(f.clone()))));
                if !consequence {
                    diags.push(describe(file, &parsed.pos, &path, kind.clone()));
                }
                let target = match &kind {
                    Kind::UnknownField { field, .. } => {
                        let mut p = path.clone();
                        if p.last() != Some(&Seg::Key(field.clone())) {
                            p.push(Seg::Key(field.clone()));
                        }
                        p
                    }
                    Kind::Missing(_) => break,
                    _ => path.clone(),
                };
                if target.is_empty() || removed.contains(&target) || !remove(&mut value, &target) {
                    break;
                }
                removed.push(target);
            }
        }
    }
    if diags.is_empty() {
        diags.push(Diagnostic::new(
            file,
            Pos::START,
            "ファイルを読み込めませんでした",
        ));
    }
    (None, diags)
}

fn convert_path(p: &serde_path_to_error::Path) -> YamlPath {
    use serde_path_to_error::Segment;
    p.iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// Removes the node at `path`; false when there is none.
fn remove(value: &mut Value, path: &[Seg]) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    let mut cur = value;
    for seg in parent {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Mapping(m)) => match m.get_mut(k.as_str()) {
                Some(v) => v,
                None => return false,
            },
            (Seg::Index(i), Value::Sequence(s)) => match s.get_mut(*i) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, cur) {
        // Keep the order of the other keys, so the next error found is the
        // next one in the file.
        (Seg::Key(k), Value::Mapping(m)) => m.shift_remove(k.as_str()).is_some(),
        // Replace instead of removing so later indices keep their positions.
        (Seg::Index(i), Value::Sequence(s)) if *i < s.len() => {
            s[*i] = Value::Null;
            true
        }
        _ => false,
    }
}

#[derive(Debug, Clone)]
enum Kind {
    UnknownField {
        field: String,
        expected: Vec<String>,
    },
    Missing(String),
    InvalidType {
        found: String,
        expected: String,
    },
    UnknownVariant {
        variant: String,
        expected: Vec<String>,
    },
    InvalidValue {
        found: String,
        expected: String,
    },
    Other(String),
}

fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, x)| x.to_string())
        .collect()
}

fn classify(msg: &str) -> Kind {
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let names = backticked(rest);
        let field = names.first().cloned().unwrap_or_default();
        return Kind::UnknownField {
            field,
            expected: names.into_iter().skip(1).collect(),
        };
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return Kind::Missing(backticked(rest).into_iter().next().unwrap_or_default());
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let names = backticked(rest);
        return Kind::UnknownVariant {
            variant: names.first().cloned().unwrap_or_default(),
            expected: names.into_iter().skip(1).collect(),
        };
    }
    for (prefix, invalid_type) in [("invalid type: ", true), ("invalid value: ", false)] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.split_once(", expected ") {
                let (found, expected) = (found.to_string(), expected.to_string());
                return if invalid_type {
                    Kind::InvalidType { found, expected }
                } else {
                    Kind::InvalidValue { found, expected }
                };
            }
        }
    }
    Kind::Other(msg.to_string())
}

fn expected_ja(e: &str) -> String {
    let e = e.trim();
    if e.starts_with("struct ") || e == "a map" {
        "「項目: 値」の集まり（字下げした行）".into()
    } else if e.starts_with("a sequence") {
        "リスト（「- 」で始まる行）".into()
    } else if e == "a string" || e.starts_with("a string") {
        "文字列".into()
    } else if e == "a boolean" {
        "true または false".into()
    } else if e == "f64" || e == "f32" {
        "数値".into()
    } else if e.starts_with('i') || e.starts_with('u') && e.len() <= 5 {
        "整数".into()
    } else if e.starts_with("a fiscal year") {
        "年度（2019、R1、令和元年度 など）".into()
    } else if e.starts_with("enum ") {
        "決められた選択肢".into()
    } else {
        e.to_string()
    }
}

fn found_ja(f: &str) -> String {
    let f = f.trim();
    if let Some(s) = f.strip_prefix("string ") {
        format!("文字列「{}」", excerpt(s.trim_matches('"')))
    } else if let Some(s) = f.strip_prefix("integer ") {
        format!("整数 {}", excerpt(s.trim_matches('`')))
    } else if let Some(s) = f.strip_prefix("floating point ") {
        format!("数値 {}", excerpt(s.trim_matches('`')))
    } else if let Some(s) = f.strip_prefix("boolean ") {
        format!("真偽値 {}", s.trim_matches('`'))
    } else if f == "sequence" {
        "リスト".into()
    } else if f == "map" {
        "「項目: 値」の集まり".into()
    } else if f == "unit value" || f == "null" {
        "空の値（null）".into()
    } else {
        excerpt(f)
    }
}

/// Human-readable dotted path: `evaluations[0].rating` (each key cut to an
/// [`excerpt`]).
pub fn path_label(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(&excerpt(k));
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn describe(file: &Path, pos: &PosMap, path: &[Seg], kind: Kind) -> Diagnostic {
    match kind {
        Kind::UnknownField { field, expected } => {
            let mut full = path.to_vec();
            if full.last() != Some(&Seg::Key(field.clone())) {
                full.push(Seg::Key(field.clone()));
            }
            let d = Diagnostic::new(
                file,
                pos.key(&full),
                format!("「{}」という項目はありません", excerpt(&field)),
            );
            let exp: Vec<&str> = expected.iter().map(String::as_str).collect();
            let near = closest(&field, exp.iter().copied());
            if let Some(best) = near.first() {
                d.hint(format!("もしかして「{best}」ですか？"))
            } else if exp.is_empty() {
                d.hint("ここには項目を書けません")
            } else {
                d.hint(format!("書ける項目: {}", exp.join(", ")))
            }
        }
        Kind::Missing(field) => {
            let where_ = if path.is_empty() {
                "ファイルの最上位".to_string()
            } else {
                format!("「{}」", path_label(path))
            };
            // The start of the file for the top level, else the key of the
            // entry that lacks the field.
            let at = if path.is_empty() {
                Pos::START
            } else {
                pos.key(path)
            };
            Diagnostic::new(
                file,
                at,
                format!("必須の項目「{}」がありません（{where_}）", excerpt(&field)),
            )
            .hint(format!(
                "「{}: 値」を追加してください。値が分からない場合も項目は省略できません",
                excerpt(&field)
            ))
        }
        Kind::InvalidType { found, expected } => Diagnostic::new(
            file,
            pos.value(path),
            format!(
                "「{}」の値の型が違います: {}が必要ですが、{}が書かれています",
                path_label(path),
                expected_ja(&expected),
                found_ja(&found)
            ),
        )
        .hint("分からない値は null と書いてください"),
        Kind::UnknownVariant { variant, expected } => {
            let exp: Vec<&str> = expected.iter().map(String::as_str).collect();
            let d = Diagnostic::new(
                file,
                pos.value(path),
                format!(
                    "「{}」に「{}」は使えません。選べる値: {}",
                    path_label(path),
                    excerpt(&variant),
                    quote_list(&exp)
                ),
            );
            match closest(&variant, exp.iter().copied()).first() {
                Some(best) => d.hint(format!(
                    "もしかして「{best}」ですか？ 分からない場合は null"
                )),
                None => d.hint("分からない場合は null と書いてください"),
            }
        }
        Kind::InvalidValue { found, expected } => Diagnostic::new(
            file,
            pos.value(path),
            format!(
                "「{}」の値 {} は使えません（{}が必要です）",
                path_label(path),
                found_ja(&found),
                expected_ja(&expected)
            ),
        ),
        // Our own messages (fiscal years) quote an excerpt already; a
        // foreign one is cut as a whole.
        Kind::Other(msg) => Diagnostic::new(
            file,
            pos.value(path),
            if path.is_empty() {
                excerpt(&msg)
            } else {
                format!("「{}」: {msg}", path_label(path))
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_decoded_without_its_bom() {
        let file = Path::new("a.yaml");
        let text = decode_utf8(file, "\u{feff}name: 事業\n".as_bytes().to_vec()).expect("utf-8");
        assert_eq!(text, "name: 事業\n");
        // Only one BOM goes, and only at the start.
        let text =
            decode_utf8(file, "\u{feff}\u{feff}x\u{feff}".as_bytes().to_vec()).expect("utf-8");
        assert_eq!(text, "\u{feff}x\u{feff}");
        assert_eq!(decode_utf8(file, Vec::new()).expect("empty"), "");
    }

    #[test]
    fn invalid_utf8_is_placed_at_its_first_bad_byte() {
        // Line 2, after 「名前: 事」 (5 characters): a lone continuation byte.
        let mut bytes = "a: 1\n名前: 事".as_bytes().to_vec();
        bytes.push(0x80);
        bytes.extend_from_slice("業\n".as_bytes());
        let d = decode_utf8(Path::new("a.yaml"), bytes).expect_err("not utf-8");
        assert_eq!((d.line, d.col), (2, 6));
    }
}
