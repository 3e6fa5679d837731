//! A project document as the text of a project file: every field present,
//! each commented with the sheet's label (like `hyoka new`), and for each
//! line the field path it holds, so that a problem `check` finds on a line
//! can be reported at the cell the value came from.//!
//! The list fields are written by `lists`; this module holds the line
//! writer, the scalar encoding and the file's layout, and must not parse
//! YAML or read sheets.

mod lists;

use std::fmt::Write as _;

use crate::model::{ProjectDoc, SeriesDoc};

/// The text and, per line (0-based), the field path written on it.
pub struct Text {
    /// The file's text.
    pub text: String,
    /// Field path of each line (`fiscal_years.0.budget`), `None` for comments.
    pub paths: Vec<Option<String>>,
}

struct W {
    t: String,
    paths: Vec<Option<String>>,
}

impl W {
    fn line(&mut self, path: Option<String>, s: &str) {
        self.t.push_str(s);
        self.t.push('\n');
        self.paths.push(path);
    }
}

/// `s` as a YAML scalar: a literal block (`|`, `|-`) for multi-line text
/// that reads back exactly, else a double-quoted string (JSON escapes).
fn scalar(s: &str, indent: usize) -> Vec<String> {
    let multi = s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && !s.trim_end_matches('\n').is_empty()
        && !s.ends_with("\n\n")
        && !s
            .chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{feff}')
        && !s.contains(['\u{2028}', '\u{2029}', '\u{85}']);
    if multi {
        let head = if s.ends_with('\n') { "|" } else { "|-" };
        let pad = " ".repeat(indent);
        let mut v = vec![head.to_string()];
        for l in s.trim_end_matches('\n').split('\n') {
            v.push(if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            });
        }
        v
    } else {
        vec![serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())]
    }
}

fn opt(s: Option<&str>, indent: usize) -> Vec<String> {
    match s {
        Some(s) => scalar(s, indent),
        None => vec!["null".to_string()],
    }
}

fn number(x: Option<f64>) -> String {
    match x {
        None => "null".into(),
        Some(v) if v.is_finite() => {
            let s = format!("{v:?}");
            s
        }
        Some(_) => "null".into(),
    }
}

fn int<T: std::fmt::Display>(x: Option<T>) -> String {
    x.map_or("null".into(), |v| v.to_string())
}

/// Writes `key: value   # label` (a block scalar continues on the next lines).
fn field(w: &mut W, path: String, indent: usize, key: &str, value: Vec<String>, label: &str) {
    let pad = " ".repeat(indent);
    let mut it = value.into_iter();
    let first = it.next().unwrap_or_default();
    let comment = if label.is_empty() {
        String::new()
    } else {
        format!("   # {label}")
    };
    if first.starts_with('|') {
        w.line(Some(path.clone()), &format!("{pad}{key}: {first}{comment}"));
        for l in it {
            w.line(Some(path.clone()), &l);
        }
    } else {
        w.line(Some(path), &format!("{pad}{key}: {first}{comment}"));
    }
}

fn list_of_text(w: &mut W, path: &str, indent: usize, key: &str, items: &[String], label: &str) {
    let pad = " ".repeat(indent);
    if items.is_empty() {
        w.line(Some(path.into()), &format!("{pad}{key}: []   # {label}"));
        return;
    }
    w.line(Some(path.into()), &format!("{pad}{key}:   # {label}"));
    for (i, s) in items.iter().enumerate() {
        let v = scalar(s, indent + 4);
        let p = format!("{path}.{i}");
        let mut it = v.into_iter();
        w.line(
            Some(p.clone()),
            &format!("{pad}  - {}", it.next().unwrap_or_default()),
        );
        for l in it {
            w.line(Some(p.clone()), &l);
        }
    }
}

/// The text of `doc`'s file.
pub fn project_text(doc: &ProjectDoc, series: &SeriesDoc) -> Text {
    let unit = series.money_unit.label();
    let mut w = W {
        t: String::new(),
        paths: Vec::new(),
    };
    let p = |s: &str| s.to_string();
    w.line(
        None,
        "# yaml-language-server: $schema=../../schema/project.schema.json",
    );
    field(
        &mut w,
        p("name"),
        0,
        "name",
        scalar(&doc.name, 2),
        "事務事業名称",
    );
    field(
        &mut w,
        p("department"),
        0,
        "department",
        scalar(&doc.department, 2),
        "担当課（content/departments.yaml の id）",
    );
    let group_label = series
        .grouping
        .as_ref()
        .map_or("グループ".to_string(), |g| g.name.clone());
    field(
        &mut w,
        p("group"),
        0,
        "group",
        opt(doc.group.as_deref(), 2),
        &group_label,
    );
    field(
        &mut w,
        p("summary"),
        0,
        "summary",
        opt(doc.summary.as_deref(), 2),
        "事業の目的及び具体的な内容（Markdown）",
    );
    field(
        &mut w,
        p("account"),
        0,
        "account",
        vec![int(doc.account.map(|a| a.label()))],
        "会計: 一般 | 特別",
    );
    field(
        &mut w,
        p("plan_rank"),
        0,
        "plan_rank",
        vec![int(doc.plan_rank.map(|a| a.label()))],
        "実施計画ランク: 最優先 | 優先 | 重要",
    );
    field(
        &mut w,
        p("kind"),
        0,
        "kind",
        vec![int(doc.kind.map(|a| a.label()))],
        "事業の種別: 自治事務 | 法定受託事務 | 法定受託＋附加",
    );
    match &doc.period {
        None => w.line(Some(p("period")), "period: null   # 期間"),
        Some(x) => {
            w.line(Some(p("period")), "period:   # 期間");
            field(
                &mut w,
                p("period.start"),
                2,
                "start",
                vec![int(x.start)],
                "開始年度",
            );
            field(
                &mut w,
                p("period.end"),
                2,
                "end",
                vec![int(x.end)],
                "終了年度（定めがなければ null）",
            );
        }
    }
    list_of_text(
        &mut w,
        "legal_basis",
        0,
        "legal_basis",
        &doc.legal_basis,
        "根拠法令",
    );
    match &doc.general_plan {
        None => w.line(
            Some(p("general_plan")),
            "general_plan: null   # 総合計画での位置付け",
        ),
        Some(g) => {
            w.line(
                Some(p("general_plan")),
                "general_plan:   # 総合計画での位置付け",
            );
            field(
                &mut w,
                p("general_plan.chapter"),
                2,
                "chapter",
                opt(g.chapter.as_deref(), 4),
                "章",
            );
            field(
                &mut w,
                p("general_plan.section"),
                2,
                "section",
                opt(g.section.as_deref(), 4),
                "節",
            );
        }
    }
    lists::fiscal_years(&mut w, doc, unit);
    lists::indicators(&mut w, doc);
    lists::evaluations(&mut w, doc, series);
    let goals = |g: &[u8]| {
        format!(
            "[{}]",
            g.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
        )
    };
    match &doc.sdgs {
        None => w.line(Some(p("sdgs")), "sdgs: null   # SDGsへの貢献"),
        Some(s) => {
            w.line(Some(p("sdgs")), "sdgs:   # SDGsへの貢献");
            field(
                &mut w,
                p("sdgs.goals"),
                2,
                "goals",
                vec![goals(&s.goals)],
                "事業自体が貢献する項目（ゴール番号 1〜17、最大3つ）",
            );
            field(
                &mut w,
                p("sdgs.method_goals"),
                2,
                "method_goals",
                vec![goals(&s.method_goals)],
                "実施手法等の工夫により貢献できた項目（任意）",
            );
            field(
                &mut w,
                p("sdgs.how"),
                2,
                "how",
                opt(s.how.as_deref(), 4),
                "どのように貢献したか",
            );
        }
    }
    w.line(Some(p("source")), "source:   # 出典");
    field(
        &mut w,
        p("source.document"),
        2,
        "document",
        scalar(&doc.source.document, 4),
        "資料のID（_series.yaml の sources）",
    );
    field(
        &mut w,
        p("source.page"),
        2,
        "page",
        vec![int(doc.source.page)],
        "ページ",
    );
    field(
        &mut w,
        p("source.position"),
        2,
        "position",
        vec![int(doc.source.position)],
        "ページ内の位置",
    );
    list_of_text(
        &mut w,
        "notes",
        0,
        "notes",
        &doc.notes,
        "転記メモ（読めなかった値とその理由）",
    );
    let _ = write!(w.t, "");
    Text {
        text: w.t,
        paths: w.paths,
    }
}
