//! A project document as the text of a project file: every field present,
//! each commented with the sheet's label (like `hyoka new`), and for each
//! line the field path it holds, so that a problem `check` finds on a line
//! can be reported at the cell the value came from.

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
    if doc.fiscal_years.is_empty() {
        w.line(
            Some(p("fiscal_years")),
            "fiscal_years: []   # 年度ごとの経費・人員（毎年度1つ追加）",
        );
    } else {
        w.line(
            Some(p("fiscal_years")),
            "fiscal_years:   # 年度ごとの経費・人員（毎年度1つ追加）",
        );
    }
    for (i, f) in doc.fiscal_years.iter().enumerate() {
        let b = format!("fiscal_years.{i}");
        w.line(
            Some(format!("{b}.year")),
            &format!("  - year: {}   # 年度", f.year),
        );
        field(
            &mut w,
            format!("{b}.budget"),
            4,
            "budget",
            vec![int(f.budget)],
            &format!("予算現額（{unit}）"),
        );
        field(
            &mut w,
            format!("{b}.settlement"),
            4,
            "settlement",
            vec![int(f.settlement)],
            &format!("決算額（{unit}）"),
        );
        field(
            &mut w,
            format!("{b}.settlement_estimated"),
            4,
            "settlement_estimated",
            vec![f.settlement_estimated.to_string()],
            "決算額は見込みか",
        );
        field(
            &mut w,
            format!("{b}.regular_staff"),
            4,
            "regular_staff",
            vec![number(f.regular_staff)],
            "正規職員（人）",
        );
        field(
            &mut w,
            format!("{b}.regular_staff_cost"),
            4,
            "regular_staff_cost",
            vec![int(f.regular_staff_cost)],
            &format!("正規職員人件費（{unit}）"),
        );
        field(
            &mut w,
            format!("{b}.part_time_staff"),
            4,
            "part_time_staff",
            vec![number(f.part_time_staff)],
            "その他職員 従事割合 非常勤特別職（人）",
        );
        field(
            &mut w,
            format!("{b}.temporary_staff"),
            4,
            "temporary_staff",
            vec![number(f.temporary_staff)],
            "その他職員 従事割合 臨時職員（人）",
        );
        if f.activities.is_empty() {
            w.line(
                Some(format!("{b}.activities")),
                "    activities: []   # 活動実績",
            );
        } else {
            w.line(
                Some(format!("{b}.activities")),
                "    activities:   # 活動実績",
            );
        }
        for (j, a) in f.activities.iter().enumerate() {
            let c = format!("{b}.activities.{j}");
            let mut v = scalar(&a.item, 10).into_iter();
            w.line(
                Some(format!("{c}.item")),
                &format!("      - item: {}   # 項目名", v.next().unwrap_or_default()),
            );
            for l in v {
                w.line(Some(format!("{c}.item")), &l);
            }
            field(
                &mut w,
                format!("{c}.result"),
                8,
                "result",
                opt(a.result.as_deref(), 10),
                "実績",
            );
        }
    }
    if doc.indicators.is_empty() {
        w.line(Some(p("indicators")), "indicators: []   # 成果指標");
    } else {
        w.line(Some(p("indicators")), "indicators:   # 成果指標");
    }
    for (i, ind) in doc.indicators.iter().enumerate() {
        let b = format!("indicators.{i}");
        let mut v = scalar(&ind.name, 6).into_iter();
        w.line(
            Some(format!("{b}.name")),
            &format!("  - name: {}   # 指標名", v.next().unwrap_or_default()),
        );
        for l in v {
            w.line(Some(format!("{b}.name")), &l);
        }
        field(
            &mut w,
            format!("{b}.rationale"),
            4,
            "rationale",
            opt(ind.rationale.as_deref(), 6),
            "目標設定の考え方・根拠",
        );
        field(
            &mut w,
            format!("{b}.unit"),
            4,
            "unit",
            opt(ind.unit.as_deref(), 6),
            "単位",
        );
        field(
            &mut w,
            format!("{b}.higher_is_better"),
            4,
            "higher_is_better",
            vec![ind.higher_is_better.to_string()],
            "値が大きいほど良いか",
        );
        if ind.values.is_empty() {
            w.line(
                Some(format!("{b}.values")),
                "    values: []   # 年度ごとの目標と実績",
            );
        } else {
            w.line(
                Some(format!("{b}.values")),
                "    values:   # 年度ごとの目標と実績",
            );
        }
        for (j, x) in ind.values.iter().enumerate() {
            let c = format!("{b}.values.{j}");
            w.line(
                Some(format!("{c}.year")),
                &format!("      - year: {}   # 年度", x.year),
            );
            field(
                &mut w,
                format!("{c}.target"),
                8,
                "target",
                vec![number(x.target)],
                "目標",
            );
            field(
                &mut w,
                format!("{c}.result"),
                8,
                "result",
                vec![number(x.result)],
                "実績",
            );
            field(
                &mut w,
                format!("{c}.remark"),
                8,
                "remark",
                opt(x.remark.as_deref(), 10),
                "備考",
            );
        }
        field(
            &mut w,
            format!("{b}.unmet_reason"),
            4,
            "unmet_reason",
            opt(ind.unmet_reason.as_deref(), 6),
            "目標値が未達成の理由・分析",
        );
    }
    if doc.evaluations.is_empty() {
        w.line(
            Some(p("evaluations")),
            "evaluations: []   # 評価（期間ごと）",
        );
    } else {
        w.line(Some(p("evaluations")), "evaluations:   # 評価（期間ごと）");
    }
    let codes = series
        .scale
        .iter()
        .map(|l| l.code.as_str())
        .collect::<Vec<_>>()
        .join(" | ");
    for (i, e) in doc.evaluations.iter().enumerate() {
        let b = format!("evaluations.{i}");
        w.line(
            Some(format!("{b}.period")),
            &format!(
                "  - period: {}   # 期間のID（_series.yaml の periods）",
                scalar(&e.period, 6).join("")
            ),
        );
        field(
            &mut w,
            format!("{b}.rating"),
            4,
            "rating",
            opt(e.rating.as_deref(), 6),
            &format!("総合評価（{codes}）"),
        );
        field(
            &mut w,
            format!("{b}.reason"),
            4,
            "reason",
            opt(e.reason.as_deref(), 6),
            "評価理由",
        );
        field(
            &mut w,
            format!("{b}.improvements"),
            4,
            "improvements",
            opt(e.improvements.as_deref(), 6),
            "改善した点",
        );
        field(
            &mut w,
            format!("{b}.challenges"),
            4,
            "challenges",
            opt(e.challenges.as_deref(), 6),
            "現状の課題",
        );
        field(
            &mut w,
            format!("{b}.next_steps"),
            4,
            "next_steps",
            opt(e.next_steps.as_deref(), 6),
            "今後の取り組み",
        );
        match &e.evaluator {
            None => w.line(
                Some(format!("{b}.evaluator")),
                "    evaluator: null   # 評価者",
            ),
            Some(x) => {
                w.line(Some(format!("{b}.evaluator")), "    evaluator:   # 評価者");
                field(
                    &mut w,
                    format!("{b}.evaluator.title"),
                    6,
                    "title",
                    opt(x.title.as_deref(), 8),
                    "役職",
                );
                field(
                    &mut w,
                    format!("{b}.evaluator.name"),
                    6,
                    "name",
                    opt(x.name.as_deref(), 8),
                    "氏名",
                );
            }
        }
        field(
            &mut w,
            format!("{b}.remark"),
            4,
            "remark",
            opt(e.remark.as_deref(), 6),
            "備考",
        );
    }
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
