//! The list fields of a project file (fiscal years, indicators,
//! evaluations), written line by line with their field paths through the
//! parent's writer. It must not write the scalar fields or decide the
//! file's layout around these lists (that is the parent module).

use crate::model::{ProjectDoc, SeriesDoc};

use super::*;

/// `fiscal_years:` and each year's costs and staff, money in `unit`.
pub(super) fn fiscal_years(w: &mut W, doc: &ProjectDoc, unit: &str) {
    let p = |s: &str| s.to_string();
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
            w,
            format!("{b}.budget"),
            4,
            "budget",
            vec![int(f.budget)],
            &format!("予算現額（{unit}）"),
        );
        field(
            w,
            format!("{b}.settlement"),
            4,
            "settlement",
            vec![int(f.settlement)],
            &format!("決算額（{unit}）"),
        );
        field(
            w,
            format!("{b}.settlement_estimated"),
            4,
            "settlement_estimated",
            vec![f.settlement_estimated.to_string()],
            "決算額は見込みか",
        );
        field(
            w,
            format!("{b}.regular_staff"),
            4,
            "regular_staff",
            vec![number(f.regular_staff)],
            "正規職員（人）",
        );
        field(
            w,
            format!("{b}.regular_staff_cost"),
            4,
            "regular_staff_cost",
            vec![int(f.regular_staff_cost)],
            &format!("正規職員人件費（{unit}）"),
        );
        field(
            w,
            format!("{b}.part_time_staff"),
            4,
            "part_time_staff",
            vec![number(f.part_time_staff)],
            "その他職員 従事割合 非常勤特別職（人）",
        );
        field(
            w,
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
                w,
                format!("{c}.result"),
                8,
                "result",
                opt(a.result.as_deref(), 10),
                "実績",
            );
        }
    }
}

/// `indicators:` and each indicator with its targets and results.
pub(super) fn indicators(w: &mut W, doc: &ProjectDoc) {
    let p = |s: &str| s.to_string();
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
            w,
            format!("{b}.rationale"),
            4,
            "rationale",
            opt(ind.rationale.as_deref(), 6),
            "目標設定の考え方・根拠",
        );
        field(
            w,
            format!("{b}.unit"),
            4,
            "unit",
            opt(ind.unit.as_deref(), 6),
            "単位",
        );
        field(
            w,
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
                w,
                format!("{c}.target"),
                8,
                "target",
                vec![number(x.target)],
                "目標",
            );
            field(
                w,
                format!("{c}.result"),
                8,
                "result",
                vec![number(x.result)],
                "実績",
            );
            field(
                w,
                format!("{c}.remark"),
                8,
                "remark",
                opt(x.remark.as_deref(), 10),
                "備考",
            );
        }
        field(
            w,
            format!("{b}.unmet_reason"),
            4,
            "unmet_reason",
            opt(ind.unmet_reason.as_deref(), 6),
            "目標値が未達成の理由・分析",
        );
    }
}

/// `evaluations:` with the series' rating codes in the comments.
pub(super) fn evaluations(w: &mut W, doc: &ProjectDoc, series: &SeriesDoc) {
    let p = |s: &str| s.to_string();
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
            w,
            format!("{b}.rating"),
            4,
            "rating",
            opt(e.rating.as_deref(), 6),
            &format!("総合評価（{codes}）"),
        );
        field(
            w,
            format!("{b}.reason"),
            4,
            "reason",
            opt(e.reason.as_deref(), 6),
            "評価理由",
        );
        field(
            w,
            format!("{b}.improvements"),
            4,
            "improvements",
            opt(e.improvements.as_deref(), 6),
            "改善した点",
        );
        field(
            w,
            format!("{b}.challenges"),
            4,
            "challenges",
            opt(e.challenges.as_deref(), 6),
            "現状の課題",
        );
        field(
            w,
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
                    w,
                    format!("{b}.evaluator.title"),
                    6,
                    "title",
                    opt(x.title.as_deref(), 8),
                    "役職",
                );
                field(
                    w,
                    format!("{b}.evaluator.name"),
                    6,
                    "name",
                    opt(x.name.as_deref(), 8),
                    "氏名",
                );
            }
        }
        field(
            w,
            format!("{b}.remark"),
            4,
            "remark",
            opt(e.remark.as_deref(), 6),
            "備考",
        );
    }
}
