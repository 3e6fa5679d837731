//! `content/synonyms.yaml`: groups of words a query treats as one (a query
//! containing one word of a group also finds the texts with any other).
//! Optional; checked like every content file.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::{excerpt, Diagnostic, Diagnostics};
use crate::posmap::{PosMap, Seg};

use super::normalize::normalize;

/// The file name inside the content folder.
pub const FILE: &str = "synonyms.yaml";

pub use crate::model::SynonymsDoc;

impl SynonymsDoc {
    /// The groups, each word normalised (as the index and the script
    /// compare them), in file order.
    pub fn normalized(&self) -> Vec<Vec<String>> {
        self.groups
            .iter()
            .map(|g| g.iter().map(|w| normalize(w)).collect())
            .collect()
    }
}

/// Checks the groups: two words at least, none empty once normalised, no
/// word twice (in one group or in two).
pub fn check(path: &Path, doc: &SynonymsDoc, pos: &PosMap, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (g, group) in doc.groups.iter().enumerate() {
        if group.len() < 2 {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[Seg::Key("groups".into()), Seg::Index(g)]),
                    format!("同義語のグループ {} に語が {} つしかありません", g + 1, group.len()),
                )
                .hint("一つのグループには、同じ意味の語を二つ以上書いてください（例: [マイナンバー, 個人番号]）"),
            );
        }
        for (w, word) in group.iter().enumerate() {
            let at = pos.value(&[Seg::Key("groups".into()), Seg::Index(g), Seg::Index(w)]);
            let n = normalize(word);
            if n.is_empty() {
                diags
                    .push(Diagnostic::new(path, at, "同義語が空です").hint(
                        "空白だけの語は検索に使えません。語を書くか、この行を消してください",
                    ));
                continue;
            }
            if let Some(first) = seen.insert(n, g) {
                let msg = if first == g {
                    format!(
                        "同義語「{}」がグループ {} に二度あります",
                        excerpt(word),
                        g + 1
                    )
                } else {
                    format!(
                        "同義語「{}」がグループ {} とグループ {} の両方にあります",
                        excerpt(word),
                        first + 1,
                        g + 1
                    )
                };
                diags.push(Diagnostic::new(path, at, msg).hint(
                    "全角と半角、大文字と小文字、空白の違いは同じ語とみなされます。一つを消すか、二つのグループを一つにまとめてください",
                ));
            }
        }
    }
}
