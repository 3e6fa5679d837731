//! The workbook `hyoka build` writes (`data/projects.xlsx`, or its sheets
//! saved as CSV) read back into project documents, each value remembering
//! the cell it came from.
//!
//! `reader` reads single sheets by header; this module assembles the
//! projects from the rows of all seven sheets and must not parse cells
//! itself.

mod reader;

use std::collections::{BTreeMap, HashMap};

use crate::content::Content;
use crate::diag::{closest, excerpt, quote_list, Diagnostics};
use crate::export::workbook::{self, PROJECT_ID, YEAR};
use crate::model::{
    Account, Activity, Evaluation, Evaluator, FiscalYearRecord, GeneralPlan, Indicator,
    IndicatorValue, MoneyUnit, Period, PlanRank, ProjectDoc, ProjectKind, Sdgs, SourceRef,
};

use super::sheet::Grid;
use super::{Imported, Origins};

use reader::Reader;

/// One project being assembled.
struct Draft {
    series: String,
    row: usize,
    doc: ProjectDoc,
    origins: Origins,
}

/// Reads the project sheets of one workbook (or set of CSVs).
pub(super) fn read(grids: &[Grid], content: &Content, diags: &mut Diagnostics) -> Vec<Imported> {
    let defs = workbook::sheets(MoneyUnit::ThousandYen);
    let readers: Vec<Option<Reader>> = defs.iter().map(|s| Reader::open(grids, s, diags)).collect();
    let [Some(pr), Some(fr), Some(ar), Some(ir), Some(vr), Some(er), Some(nr)] =
        <[Option<Reader>; 7]>::try_from(readers).unwrap_or_else(|_| Default::default())
    else {
        return Vec::new();
    };
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for row in pr.rows() {
        let Some(id) = pr.text(row, PROJECT_ID) else {
            diags.push(
                pr.grid
                    .diag(row, pr.col(PROJECT_ID), "事業IDが空欄です")
                    .hint("事業ID（ファイル名になる半角英小文字・数字・ハイフン）を入れてください"),
            );
            continue;
        };
        if drafts.contains_key(&id) {
            diags.push(
                pr.grid
                    .diag(
                        row,
                        pr.col(PROJECT_ID),
                        format!("事業ID「{}」が重複しています", excerpt(&id)),
                    )
                    .hint("事業シートには1つの事業を1行だけ書いてください"),
            );
            continue;
        }
        let series_id = pr.text(row, "シリーズID").unwrap_or_default();
        let Some(series) = content.series.iter().find(|s| s.id == series_id) else {
            let ids: Vec<&str> = content.series.iter().map(|s| s.id.as_str()).collect();
            let near = closest(&series_id, ids.iter().copied());
            diags.push(
                pr.grid
                    .diag(
                        row,
                        pr.col("シリーズID"),
                        format!("シリーズ「{}」はありません", excerpt(&series_id)),
                    )
                    .hint(if near.is_empty() {
                        format!("使えるシリーズ: {}", quote_list(&ids))
                    } else {
                        format!("{} の間違いではありませんか", quote_list(&near))
                    }),
            );
            continue;
        };
        let mut o = Origins::default();
        for (path, header) in [
            ("name", "事務事業名称"),
            ("department", "課ID"),
            ("group", "グループID"),
            ("summary", "事業の目的及び具体的な内容"),
            ("account", "会計"),
            ("plan_rank", "実施計画ランク"),
            ("kind", "事業の種別"),
            ("period", "期間の記載"),
            ("period.start", "期間 開始年度（西暦）"),
            ("period.end", "期間 終了年度（西暦）"),
            ("legal_basis", "根拠法令"),
            ("general_plan", "総合計画の記載"),
            ("general_plan.chapter", "総合計画 章"),
            ("general_plan.section", "総合計画 節"),
            ("sdgs", "SDGsの記載"),
            ("sdgs.goals", "SDGs 事業自体が貢献する項目"),
            (
                "sdgs.method_goals",
                "SDGs 実施手法等の工夫により貢献できた項目",
            ),
            ("sdgs.how", "SDGs どのように貢献したか"),
            ("source", "出典 資料ID"),
            ("source.document", "出典 資料ID"),
            ("source.page", "出典 ページ"),
            ("source.position", "出典 ページ内の位置"),
            ("", PROJECT_ID),
        ] {
            o.insert(path.to_string(), pr.at(row, header));
        }
        let d = &mut *diags;
        let start = pr.year(row, "期間 開始年度（西暦）", d);
        let end = pr.year(row, "期間 終了年度（西暦）", d);
        let period =
            (start.is_some() || end.is_some() || pr.boolean(row, "期間の記載", d) == Some(true))
                .then_some(Period { start, end });
        let chapter = pr.text(row, "総合計画 章");
        let section = pr.text(row, "総合計画 節");
        let general_plan = (chapter.is_some()
            || section.is_some()
            || pr.boolean(row, "総合計画の記載", d) == Some(true))
        .then_some(GeneralPlan { chapter, section });
        let goals = pr.goals(row, "SDGs 事業自体が貢献する項目", d);
        let method_goals = pr.goals(row, "SDGs 実施手法等の工夫により貢献できた項目", d);
        let how = pr.text(row, "SDGs どのように貢献したか");
        let sdgs = (!goals.is_empty()
            || !method_goals.is_empty()
            || how.is_some()
            || pr.boolean(row, "SDGsの記載", d) == Some(true))
        .then_some(Sdgs {
            goals,
            method_goals,
            how,
        });
        let doc = ProjectDoc {
            name: pr.text(row, "事務事業名称").unwrap_or_default(),
            department: pr.text(row, "課ID").unwrap_or_default(),
            group: pr.text(row, "グループID"),
            summary: pr.text(row, "事業の目的及び具体的な内容"),
            account: pr.choice(
                row,
                "会計",
                &[
                    (Account::General.label(), Account::General),
                    (Account::Special.label(), Account::Special),
                ],
                d,
            ),
            plan_rank: pr.choice(
                row,
                "実施計画ランク",
                &[
                    (PlanRank::Top.label(), PlanRank::Top),
                    (PlanRank::Priority.label(), PlanRank::Priority),
                    (PlanRank::Important.label(), PlanRank::Important),
                ],
                d,
            ),
            kind: pr.choice(
                row,
                "事業の種別",
                &[
                    (ProjectKind::Autonomous.label(), ProjectKind::Autonomous),
                    (ProjectKind::Delegated.label(), ProjectKind::Delegated),
                    (
                        ProjectKind::DelegatedPlus.label(),
                        ProjectKind::DelegatedPlus,
                    ),
                ],
                d,
            ),
            period,
            legal_basis: pr
                .text(row, "根拠法令")
                .map(|t| t.split('\n').map(str::to_string).collect())
                .unwrap_or_default(),
            general_plan,
            fiscal_years: Vec::new(),
            indicators: Vec::new(),
            evaluations: Vec::new(),
            sdgs,
            source: SourceRef {
                document: pr.text(row, "出典 資料ID").unwrap_or_default(),
                page: pr.small(row, "出典 ページ", d),
                position: pr.small(row, "出典 ページ内の位置", d),
            },
            notes: Vec::new(),
        };
        order.push(id.clone());
        drafts.insert(
            id,
            Draft {
                series: series.id.clone(),
                row,
                doc,
                origins: o,
            },
        );
    }
    let unit_of = |s: &str| {
        content
            .series
            .iter()
            .find(|x| x.id == s)
            .map_or(MoneyUnit::ThousandYen, |x| x.doc.money_unit)
    };
    // Finds the draft a row of another sheet belongs to.
    let owner = |r: &Reader,
                 row: usize,
                 drafts: &mut BTreeMap<String, Draft>,
                 d: &mut Diagnostics|
     -> Option<String> {
        let id = r.text(row, PROJECT_ID).unwrap_or_default();
        if drafts.contains_key(&id) {
            return Some(id);
        }
        d.push(
            r.grid
                .diag(
                    row,
                    r.col(PROJECT_ID),
                    format!("事業ID「{}」は事業シートにありません", excerpt(&id)),
                )
                .hint("事業シートにこの事業の行を加えるか、事業IDを直してください"),
        );
        None
    };
    for row in fr.rows() {
        let Some(id) = owner(&fr, row, &mut drafts, diags) else {
            continue;
        };
        let Some(dr) = drafts.get_mut(&id) else {
            continue;
        };
        let unit = unit_of(&dr.series);
        let Some(year) = fr.year(row, YEAR, diags) else {
            if fr.text(row, YEAR).is_none() {
                diags.push(
                    fr.grid
                        .diag(row, fr.col(YEAR), "年度が空欄です")
                        .hint("年度（西暦）を入れてください"),
                );
            }
            continue;
        };
        let i = dr.doc.fiscal_years.len();
        for (f, h) in [
            ("", YEAR),
            ("year", YEAR),
            ("budget", "予算現額"),
            ("settlement", "決算額"),
            ("settlement_estimated", "決算額は見込みか"),
            ("regular_staff", "正規職員（人）"),
            ("regular_staff_cost", "正規職員人件費"),
            ("part_time_staff", "その他職員 非常勤特別職（人）"),
            ("temporary_staff", "その他職員 臨時職員（人）"),
        ] {
            let h = match fr.money_col(&format!("{h}（")) {
                Some((c, _)) if !fr.cols.contains_key(h) => fr.grid.cell_ref(row, c),
                _ => fr.at(row, h),
            };
            let path = if f.is_empty() {
                format!("fiscal_years.{i}")
            } else {
                format!("fiscal_years.{i}.{f}")
            };
            dr.origins.insert(path, h);
        }
        let d = &mut *diags;
        dr.doc.fiscal_years.push(FiscalYearRecord {
            year,
            budget: fr.money(row, "予算現額（", unit, d),
            settlement: fr.money(row, "決算額（", unit, d),
            settlement_estimated: fr.boolean(row, "決算額は見込みか", d).unwrap_or(false),
            regular_staff: fr.number(row, "正規職員（人）", d),
            regular_staff_cost: fr.money(row, "正規職員人件費（", unit, d),
            part_time_staff: fr.number(row, "その他職員 非常勤特別職（人）", d),
            temporary_staff: fr.number(row, "その他職員 臨時職員（人）", d),
            activities: Vec::new(),
        });
    }
    for row in ar.rows() {
        let Some(id) = owner(&ar, row, &mut drafts, diags) else {
            continue;
        };
        let Some(dr) = drafts.get_mut(&id) else {
            continue;
        };
        let Some(year) = ar.year(row, YEAR, diags) else {
            continue;
        };
        let Some(fi) = dr.doc.fiscal_years.iter().position(|f| f.year == year) else {
            diags.push(
                ar.grid
                    .diag(
                        row,
                        ar.col(YEAR),
                        format!(
                            "年度 {year} は「{}」シートのこの事業にありません",
                            workbook::FISCAL
                        ),
                    )
                    .hint("先に年度別の経費と人員シートにその年度の行を加えてください"),
            );
            continue;
        };
        let ai = dr.doc.fiscal_years[fi].activities.len();
        let p = format!("fiscal_years.{fi}.activities.{ai}");
        dr.origins.insert(p.clone(), ar.at(row, "項目名"));
        dr.origins.insert(format!("{p}.item"), ar.at(row, "項目名"));
        dr.origins.insert(format!("{p}.result"), ar.at(row, "実績"));
        dr.doc.fiscal_years[fi].activities.push(Activity {
            item: ar.text(row, "項目名").unwrap_or_default(),
            result: ar.text(row, "実績"),
        });
    }
    let mut numbers: HashMap<(String, i64), usize> = HashMap::new();
    for row in ir.rows() {
        let Some(id) = owner(&ir, row, &mut drafts, diags) else {
            continue;
        };
        let Some(dr) = drafts.get_mut(&id) else {
            continue;
        };
        let n = ir
            .whole(row, "指標番号", diags)
            .unwrap_or(dr.doc.indicators.len() as i64 + 1);
        let i = dr.doc.indicators.len();
        if numbers.insert((id.clone(), n), i).is_some() {
            diags.push(
                ir.grid
                    .diag(
                        row,
                        ir.col("指標番号"),
                        format!("指標番号 {n} がこの事業で重複しています"),
                    )
                    .hint("事業ごとに 1, 2, 3… と番号を振ってください"),
            );
        }
        let p = format!("indicators.{i}");
        for (f, h) in [
            ("", "指標名"),
            (".name", "指標名"),
            (".rationale", "目標設定の考え方・根拠"),
            (".unit", "単位"),
            (".higher_is_better", "値が大きいほど良いか"),
            (".unmet_reason", "目標値が未達成の理由・分析"),
        ] {
            dr.origins.insert(format!("{p}{f}"), ir.at(row, h));
        }
        let d = &mut *diags;
        dr.doc.indicators.push(Indicator {
            name: ir.text(row, "指標名").unwrap_or_default(),
            rationale: ir.text(row, "目標設定の考え方・根拠"),
            unit: ir.text(row, "単位"),
            higher_is_better: ir.boolean(row, "値が大きいほど良いか", d).unwrap_or(true),
            values: Vec::new(),
            unmet_reason: ir.text(row, "目標値が未達成の理由・分析"),
        });
    }
    for row in vr.rows() {
        let Some(id) = owner(&vr, row, &mut drafts, diags) else {
            continue;
        };
        let Some(dr) = drafts.get_mut(&id) else {
            continue;
        };
        let Some(n) = vr.whole(row, "指標番号", diags) else {
            continue;
        };
        let Some(&i) = numbers.get(&(id.clone(), n)) else {
            diags.push(
                vr.grid
                    .diag(
                        row,
                        vr.col("指標番号"),
                        format!(
                            "指標番号 {n} は「{}」シートのこの事業にありません",
                            workbook::INDICATORS
                        ),
                    )
                    .hint("成果指標シートの指標番号と同じ番号にしてください"),
            );
            continue;
        };
        let Some(year) = vr.year(row, YEAR, diags) else {
            continue;
        };
        let vi = dr.doc.indicators[i].values.len();
        let p = format!("indicators.{i}.values.{vi}");
        for (f, h) in [
            ("", YEAR),
            (".year", YEAR),
            (".target", "目標"),
            (".result", "実績"),
            (".remark", "備考"),
        ] {
            dr.origins.insert(format!("{p}{f}"), vr.at(row, h));
        }
        let d = &mut *diags;
        let v = IndicatorValue {
            year,
            target: vr.number(row, "目標", d),
            result: vr.number(row, "実績", d),
            remark: vr.text(row, "備考"),
        };
        dr.doc.indicators[i].values.push(v);
    }
    for row in er.rows() {
        let Some(id) = owner(&er, row, &mut drafts, diags) else {
            continue;
        };
        let Some(dr) = drafts.get_mut(&id) else {
            continue;
        };
        let i = dr.doc.evaluations.len();
        let p = format!("evaluations.{i}");
        for (f, h) in [
            ("", "期間ID"),
            (".period", "期間ID"),
            (".rating", "総合評価"),
            (".reason", "評価理由"),
            (".improvements", "この年度に改善した点"),
            (".challenges", "現状の課題"),
            (".next_steps", "今後の取り組み"),
            (".evaluator", "評価者の記載"),
            (".evaluator.title", "評価者 役職"),
            (".evaluator.name", "評価者 氏名"),
            (".remark", "備考"),
        ] {
            dr.origins.insert(format!("{p}{f}"), er.at(row, h));
        }
        let d = &mut *diags;
        let title = er.text(row, "評価者 役職");
        let name = er.text(row, "評価者 氏名");
        let evaluator =
            (title.is_some() || name.is_some() || er.boolean(row, "評価者の記載", d) == Some(true))
                .then_some(Evaluator { title, name });
        dr.doc.evaluations.push(Evaluation {
            period: er.text(row, "期間ID").unwrap_or_default(),
            rating: er.text(row, "総合評価"),
            reason: er.text(row, "評価理由"),
            improvements: er.text(row, "この年度に改善した点"),
            challenges: er.text(row, "現状の課題"),
            next_steps: er.text(row, "今後の取り組み"),
            evaluator,
            remark: er.text(row, "備考"),
        });
    }
    for row in nr.rows() {
        let Some(id) = owner(&nr, row, &mut drafts, diags) else {
            continue;
        };
        let Some(dr) = drafts.get_mut(&id) else {
            continue;
        };
        let i = dr.doc.notes.len();
        dr.origins
            .insert(format!("notes.{i}"), nr.at(row, "転記メモ"));
        dr.doc
            .notes
            .push(nr.text(row, "転記メモ").unwrap_or_default());
    }
    order
        .into_iter()
        .filter_map(|id| {
            let dr = drafts.remove(&id)?;
            let _ = dr.row;
            Some(Imported {
                id,
                series: dr.series,
                doc: dr.doc,
                origins: dr.origins,
                fallback: pr.at(dr.row, PROJECT_ID),
                file: pr.grid.file.clone(),
            })
        })
        .collect()
}
