//! Warnings: what builds, but is probably a mistake. `hyoka check` runs
//! [`folder`] besides the checks; a warning never fails a run.
//!
//! - A transcription note (`notes`) that names a field by its YAML key
//!   (`unmet_reason`, `source.position`): the notes are shown to citizens,
//!   who know the sheet's labels, not the file format. The keys are matched
//!   as whole identifiers, so ordinary English words never count.
//! - A project that fills a part of the sheet its series does not declare
//!   in `sections`: the page would not show it.
//!
//! Only files that load are looked at (the rest have errors already), and
//! positions are computed only for a file with a warning.

use std::path::Path;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{ProjectDoc, Section, SeriesDoc};
use crate::posmap::{PosMap, Seg};

use super::docs::{i, k};
use super::files::Root;

/// YAML keys of a project file that a note might name, and the label of
/// the field on the sheet (and on the project page) to write instead. Only
/// keys that are not ordinary English words are listed (`reason`, `unit`,
/// `result` are left out); a dotted key is matched as a whole.
pub const KEY_LABELS: &[(&str, &str)] = &[
    ("unmet_reason", "目標値が未達成の理由・分析"),
    ("rationale", "目標設定の考え方・根拠"),
    (
        "higher_is_better",
        "値が大きいほど良いか（目標と実績の比べ方）",
    ),
    (
        "source.position",
        "出典の「○枚目」（ページ内のシートの順番）",
    ),
    ("source.page", "出典のページ"),
    ("source.document", "出典の資料"),
    ("plan_rank", "実施計画ランク"),
    ("legal_basis", "根拠法令"),
    ("general_plan", "総合計画での位置付け"),
    ("fiscal_years", "年度ごとの経費・人員・活動実績"),
    ("settlement_estimated", "決算額（見込み）"),
    ("regular_staff_cost", "正規職員人件費"),
    ("regular_staff", "正規職員"),
    ("part_time_staff", "その他職員（非常勤特別職）"),
    ("temporary_staff", "その他職員（臨時職員）"),
    ("next_steps", "今後の取り組み"),
    ("method_goals", "実施手法等の工夫により貢献できた項目"),
    ("sdgs.goals", "事業自体が貢献する項目"),
    ("sdgs.how", "どのように貢献したか"),
    ("money_unit", "金額の単位"),
];

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The keys of [`KEY_LABELS`] that `note` names, each once, in the order
/// of the table: a key counts only as a whole identifier (no identifier
/// character, or `.` and one, right after it; none right before it).
pub fn keys_in(note: &str) -> Vec<(&'static str, &'static str)> {
    KEY_LABELS
        .iter()
        .filter(|(key, _)| {
            note.match_indices(key).any(|(at, _)| {
                let before = note[..at].chars().next_back();
                let mut after = note[at + key.len()..].chars();
                let next = after.next();
                let bounded_before = !before.is_some_and(ident_char);
                let bounded_after = match next {
                    None => true,
                    Some('.') => !after.next().is_some_and(ident_char),
                    Some(c) => !ident_char(c),
                };
                bounded_before && bounded_after
            })
        })
        .copied()
        .collect()
}

/// Where a project fills `section`: the path of the first value that does,
/// or none when the project leaves it empty (nulls, empty lists and blank
/// text, as `hyoka new` writes them, leave it empty).
fn filled(doc: &ProjectDoc, section: Section) -> Option<Vec<Seg>> {
    let key = |s: &str| Some(vec![k(s)]);
    let some_year = |f: &dyn Fn(&crate::model::FiscalYearRecord) -> bool| {
        doc.fiscal_years
            .iter()
            .position(f)
            .map(|n| vec![k("fiscal_years"), i(n)])
    };
    let some_eval = |field: &str, f: &dyn Fn(&crate::model::Evaluation) -> bool| {
        doc.evaluations
            .iter()
            .position(f)
            .map(|n| vec![k("evaluations"), i(n), k(field)])
    };
    let text = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    match section {
        Section::Summary => text(&doc.summary).then(|| key("summary")).flatten(),
        Section::Account => doc.account.and_then(|_| key("account")),
        Section::PlanRank => doc.plan_rank.and_then(|_| key("plan_rank")),
        Section::Kind => doc.kind.and_then(|_| key("kind")),
        Section::Period => doc
            .period
            .as_ref()
            .filter(|p| p.start.is_some() || p.end.is_some())
            .and_then(|_| key("period")),
        Section::LegalBasis => (!doc.legal_basis.is_empty())
            .then(|| key("legal_basis"))
            .flatten(),
        Section::GeneralPlan => doc
            .general_plan
            .as_ref()
            .filter(|g| text(&g.chapter) || text(&g.section))
            .and_then(|_| key("general_plan")),
        Section::Costs => {
            some_year(&|f| f.budget.is_some() || f.settlement.is_some() || f.settlement_estimated)
        }
        Section::Staff => some_year(&|f| {
            f.regular_staff.is_some()
                || f.regular_staff_cost.is_some()
                || f.part_time_staff.is_some()
                || f.temporary_staff.is_some()
        }),
        Section::Activities => some_year(&|f| !f.activities.is_empty()),
        Section::Indicators => (!doc.indicators.is_empty())
            .then(|| key("indicators"))
            .flatten(),
        Section::Reason => some_eval("reason", &|e| text(&e.reason)),
        Section::Improvements => some_eval("improvements", &|e| text(&e.improvements)),
        Section::Challenges => some_eval("challenges", &|e| text(&e.challenges)),
        Section::NextSteps => some_eval("next_steps", &|e| text(&e.next_steps)),
        Section::Evaluator => some_eval("evaluator", &|e| {
            e.evaluator
                .as_ref()
                .is_some_and(|v| text(&v.title) || text(&v.name))
        }),
        Section::Sdgs => doc
            .sdgs
            .as_ref()
            .filter(|s| !s.goals.is_empty() || !s.method_goals.is_empty() || text(&s.how))
            .and_then(|_| key("sdgs")),
    }
}

/// The warnings of one project file (`text`, already loaded as `doc`) of
/// `series`.
pub fn project(file: &Path, text: &str, doc: &ProjectDoc, series: &SeriesDoc) -> Vec<Diagnostic> {
    let mut found: Vec<(Vec<Seg>, bool, String, String)> = Vec::new();
    for (n, note) in doc.notes.iter().enumerate() {
        for (key, label) in keys_in(note) {
            found.push((
                vec![k("notes"), i(n)],
                false,
                format!(
                    "転記メモに YAML のキー「{key}」が書かれています。シートの欄の名前「{label}」で書いてください"
                ),
                "転記メモは事業のページに載り、市民が読みます。ファイルの項目名ではなく、シートに印刷された欄の名前で書いてください".to_string(),
            ));
        }
    }
    for s in Section::ALL {
        if series.has(s) {
            continue;
        }
        if let Some(path) = filled(doc, s) {
            found.push((
                path,
                true,
                format!(
                    "このシリーズの sections に「{}」（{}）がないため、この値はページに出ません",
                    s.id(),
                    s.label()
                ),
                format!(
                    "_series.yaml の sections に {} を加えるか、この値を消してください",
                    s.id()
                ),
            ));
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    let pos = PosMap::build(text);
    found
        .into_iter()
        .map(|(path, at_key, message, hint)| {
            let at = if at_key {
                pos.key(&path)
            } else {
                pos.value(&path)
            };
            Diagnostic::new(file, at, message).hint(hint).warning()
        })
        .collect()
}

/// Every warning of the content folder `root` (nothing for a file that
/// does not load: its errors are reported by the checks).
pub fn folder(root: &Path) -> Diagnostics {
    let mut ignored = Diagnostics::default();
    let skeleton = super::skeleton(root, &mut ignored);
    let files: Vec<(&Path, &SeriesDoc)> = skeleton
        .series
        .iter()
        .flat_map(|s| s.files.iter().map(move |f| (f.as_path(), &s.doc)))
        .collect();
    let found: Vec<Diagnostic> = files
        .par_iter()
        .map_init(
            || Root::new(root),
            |root, (file, series)| {
                let mut ignored = Diagnostics::default();
                super::read_text(root, file, &mut ignored)
                    .and_then(|text| {
                        let doc = serde_norway::from_str::<ProjectDoc>(&text).ok()?;
                        Some(project(file, &text, &doc, series))
                    })
                    .unwrap_or_default()
            },
        )
        .flatten_iter()
        .collect();
    Diagnostics(found).sorted()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_as_whole_identifiers_only() {
        assert_eq!(
            keys_in("unmet_reason は null。"),
            vec![("unmet_reason", "目標値が未達成の理由・分析")]
        );
        // Ordinary words and longer identifiers do not count.
        assert!(keys_in("the reason and the rationales").is_empty());
        assert!(keys_in("unmet_reasons, my_unmet_reason, next_steps2").is_empty());
        // A dotted key as a whole; its last part alone is not a key.
        assert_eq!(
            keys_in("source.position が null").first().map(|k| k.0),
            Some("source.position")
        );
        assert!(keys_in("position").is_empty());
        // Sentence-final full stop, quotes and Japanese around it are fine.
        assert_eq!(keys_in("「rationale」。").len(), 1);
        assert_eq!(keys_in("see rationale.").len(), 1);
        assert_eq!(keys_in("indicators.unmet_reason").len(), 1);
        // `regular_staff` is not found inside `regular_staff_cost`.
        assert_eq!(
            keys_in("regular_staff_cost")
                .iter()
                .map(|k| k.0)
                .collect::<Vec<_>>(),
            vec!["regular_staff_cost"]
        );
    }
}
