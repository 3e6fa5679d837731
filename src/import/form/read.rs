//! Form import proper: the cells a [`Map`] names, read from each
//! worksheet into a project document, every value remembering its cell.
//! It must not check the map itself (that is `map`) nor write files.

use crate::content::Content;
use crate::diag::{excerpt, Diagnostic, Diagnostics};
use crate::fiscal::FiscalYear;
use crate::model::{
    Account, Activity, Evaluation, Evaluator, FiscalYearRecord, GeneralPlan, Indicator,
    IndicatorValue, Period, PlanRank, ProjectDoc, ProjectKind, Sdgs, SourceRef,
};

use crate::import::sheet::{parse_a1, Cell, Grid};
use crate::import::{Imported, Origins};

use super::map::{column, row_range, Map};

/// The fix offered for text where a number belongs.
const NUMBER_HINT: &str = "数字だけを入れてください（単位や「約」などは付けない）";

/// Typed reads of single cells, each problem reported at its cell.
struct At<'g> {
    g: &'g Grid,
    o: Origins,
}

impl At<'_> {
    fn text(&mut self, path: &str, rc: (usize, usize)) -> Option<String> {
        self.o.insert(path.to_string(), self.g.cell_ref(rc.0, rc.1));
        match self.g.get(rc.0, rc.1) {
            Cell::Empty => None,
            Cell::Text(t) if t.trim().is_empty() => None,
            Cell::Text(t) => Some(t.clone()),
            Cell::Number(n) => Some(n.to_string()),
            Cell::Bool(b) => Some(b.to_string()),
        }
    }

    fn number(&mut self, path: &str, rc: (usize, usize), d: &mut Diagnostics) -> Option<f64> {
        self.o.insert(path.to_string(), self.g.cell_ref(rc.0, rc.1));
        self.g.number(rc.0, rc.1, NUMBER_HINT, d)
    }

    fn whole(&mut self, path: &str, rc: (usize, usize), d: &mut Diagnostics) -> Option<i64> {
        self.o.insert(path.to_string(), self.g.cell_ref(rc.0, rc.1));
        self.g.whole(rc.0, rc.1, NUMBER_HINT, d)
    }

    fn year(&mut self, path: &str, rc: (usize, usize), d: &mut Diagnostics) -> Option<FiscalYear> {
        let t = self.text(path, rc)?;
        match FiscalYear::parse(t.trim_end_matches(".0")) {
            Ok(y) => Some(y),
            Err(e) => {
                d.push(
                    self.g
                        .diag(rc.0, rc.1, e.to_string())
                        .hint("西暦（2019）か和暦（R1、令和元年度）で書いてください"),
                );
                None
            }
        }
    }
}

fn cell(map: &Map, path: &str) -> Option<(usize, usize)> {
    map.fields.get(path).and_then(|c| parse_a1(c))
}

fn choice<T: Copy>(
    at: &mut At,
    map: &Map,
    path: &str,
    label: &str,
    options: &[(&str, T)],
    d: &mut Diagnostics,
) -> Option<T> {
    let rc = cell(map, path)?;
    let t = at.text(path, rc)?;
    at.g.choice(rc, &t, label, options, d)
}

/// Reads one project from each worksheet of `grids` that the map names.
pub fn read(
    map: &Map,
    grids: &[Grid],
    content: &Content,
    diags: &mut Diagnostics,
) -> Vec<Imported> {
    let mut out = Vec::new();
    for g in grids {
        if !map.sheets.is_empty() && !map.sheets.contains(&g.name) {
            continue;
        }
        if let Some(p) = read_one(map, g, content, diags) {
            out.push(p);
        }
    }
    if !map.sheets.is_empty() {
        for s in &map.sheets {
            if !grids.iter().any(|g| &g.name == s) {
                let file = grids.first().map(|g| g.file.clone()).unwrap_or_default();
                diags.push(
                    Diagnostic::at_cell(
                        &file,
                        s.clone(),
                        format!("シート「{}」がありません", excerpt(s)),
                    )
                    .hint("対応表の sheets に書いたシート名を確かめてください"),
                );
            }
        }
    }
    out
}

fn read_one(map: &Map, g: &Grid, content: &Content, d: &mut Diagnostics) -> Option<Imported> {
    let mut at = At {
        g,
        o: Origins::default(),
    };
    let id_rc = parse_a1(&map.id)?;
    let fallback = g.cell_ref(id_rc.0, id_rc.1);
    let Some(id) = at.text("", id_rc) else {
        d.push(
            g.diag(id_rc.0, id_rc.1, "事業IDが空欄です")
                .hint("事業ID（ファイル名になる半角英小文字・数字・ハイフン）を入れてください"),
        );
        return None;
    };
    let Some(series) = content.series.iter().find(|s| s.id == map.series) else {
        d.push(
            Diagnostic::at_cell(
                &g.file,
                fallback,
                format!("対応表のシリーズ「{}」はありません", excerpt(&map.series)),
            )
            .hint("対応表の series を content/ の下のフォルダ名にしてください"),
        );
        return None;
    };
    let text = |at: &mut At, p: &str| cell(map, p).and_then(|rc| at.text(p, rc));
    // 担当課: an id, or any of a department's names.
    let department = text(&mut at, "department")
        .map(|t| {
            let t = t.trim().to_string();
            content
                .org
                .departments
                .iter()
                .find(|x| x.id == t || x.names.iter().any(|n| n.name == t))
                .map_or(t, |x| x.id.clone())
        })
        .unwrap_or_default();
    let start = cell(map, "period.start").and_then(|rc| at.year("period.start", rc, d));
    let end = cell(map, "period.end").and_then(|rc| at.year("period.end", rc, d));
    let chapter = text(&mut at, "general_plan.chapter");
    let section = text(&mut at, "general_plan.section");
    let goals = |at: &mut At, p: &str, d: &mut Diagnostics| -> Vec<u8> {
        let Some(rc) = cell(map, p) else {
            return Vec::new();
        };
        let Some(raw) = at.text(p, rc) else {
            return Vec::new();
        };
        let mut v = Vec::new();
        for part in raw
            .split([',', '、', '，', ' ', '\n'])
            .filter(|x| !x.trim().is_empty())
        {
            match crate::fiscal::to_halfwidth(part.trim())
                .trim_end_matches(".0")
                .parse::<u8>()
            {
                Ok(n) => v.push(n),
                Err(_) => d.push(
                    g.diag(
                        rc.0,
                        rc.1,
                        format!("「{}」はSDGsのゴール番号ではありません", excerpt(part)),
                    )
                    .hint("1〜17 の番号をカンマ区切りで書いてください（例: 8, 11）"),
                ),
            }
        }
        v
    };
    let sdgs_goals = goals(&mut at, "sdgs.goals", d);
    let method_goals = goals(&mut at, "sdgs.method_goals", d);
    let how = text(&mut at, "sdgs.how");
    let mut doc = ProjectDoc {
        name: text(&mut at, "name").unwrap_or_default(),
        department,
        group: text(&mut at, "group"),
        summary: text(&mut at, "summary"),
        account: choice(
            &mut at,
            map,
            "account",
            "会計",
            &[("一般", Account::General), ("特別", Account::Special)],
            d,
        ),
        plan_rank: choice(
            &mut at,
            map,
            "plan_rank",
            "実施計画ランク",
            &[
                ("最優先", PlanRank::Top),
                ("優先", PlanRank::Priority),
                ("重要", PlanRank::Important),
            ],
            d,
        ),
        kind: choice(
            &mut at,
            map,
            "kind",
            "事業の種別",
            &[
                ("自治事務", ProjectKind::Autonomous),
                ("法定受託事務", ProjectKind::Delegated),
                ("法定受託＋附加", ProjectKind::DelegatedPlus),
            ],
            d,
        ),
        period: (start.is_some() || end.is_some()).then_some(Period { start, end }),
        legal_basis: text(&mut at, "legal_basis")
            .map(|t| t.split('\n').map(str::to_string).collect())
            .unwrap_or_default(),
        general_plan: (chapter.is_some() || section.is_some())
            .then_some(GeneralPlan { chapter, section }),
        fiscal_years: Vec::new(),
        indicators: Vec::new(),
        evaluations: Vec::new(),
        sdgs: (!sdgs_goals.is_empty() || !method_goals.is_empty() || how.is_some()).then_some(
            Sdgs {
                goals: sdgs_goals,
                method_goals,
                how,
            },
        ),
        source: SourceRef {
            document: text(&mut at, "source.document")
                .or_else(|| map.source_document.clone())
                .unwrap_or_default(),
            page: cell(map, "source.page")
                .and_then(|rc| at.whole("source.page", rc, d))
                .and_then(|n| u32::try_from(n).ok()),
            position: cell(map, "source.position")
                .and_then(|rc| at.whole("source.position", rc, d))
                .and_then(|n| u32::try_from(n).ok()),
        },
        notes: Vec::new(),
    };
    for (i, y) in map.years.iter().enumerate() {
        let Some(c) = column(&y.column) else { continue };
        let b = format!("fiscal_years.{i}");
        let row = |f: &str| {
            map.year_rows
                .get(f)
                .map(|r| (*r as usize).saturating_sub(1))
        };
        let money = |at: &mut At, f: &str, d: &mut Diagnostics| {
            row(f).and_then(|r| at.whole(&format!("{b}.{f}"), (r, c), d))
        };
        let budget = money(&mut at, "budget", d);
        let settlement = money(&mut at, "settlement", d);
        let regular_staff_cost = money(&mut at, "regular_staff_cost", d);
        let num = |at: &mut At, f: &str, d: &mut Diagnostics| {
            row(f).and_then(|r| at.number(&format!("{b}.{f}"), (r, c), d))
        };
        let regular_staff = num(&mut at, "regular_staff", d);
        let part_time_staff = num(&mut at, "part_time_staff", d);
        let temporary_staff = num(&mut at, "temporary_staff", d);
        doc.fiscal_years.push(FiscalYearRecord {
            year: y.year,
            budget,
            settlement,
            settlement_estimated: y.estimated,
            regular_staff,
            regular_staff_cost,
            part_time_staff,
            temporary_staff,
            activities: Vec::new(),
        });
    }
    if let Some(a) = &map.activities {
        let fi = doc.fiscal_years.iter().position(|f| f.year == a.year);
        if let (Some(fi), Some((r0, r1)), Some(ci), Some(cr)) =
            (fi, row_range(&a.rows), column(&a.item), column(&a.result))
        {
            for r in r0..=r1 {
                let j = doc.fiscal_years[fi].activities.len();
                let p = format!("fiscal_years.{fi}.activities.{j}");
                let item = at.text(&format!("{p}.item"), (r, ci));
                let result = at.text(&format!("{p}.result"), (r, cr));
                if let Some(item) = item {
                    doc.fiscal_years[fi]
                        .activities
                        .push(Activity { item, result });
                } else if result.is_some() {
                    d.push(
                        g.diag(r, ci, "活動実績の項目名が空欄です")
                            .hint("実績を書いた行には項目名も書いてください"),
                    );
                }
            }
        }
    }
    if let Some(ind) = &map.indicators {
        if let (Some((r0, r1)), Some(cn)) = (row_range(&ind.rows), column(&ind.name)) {
            for r in r0..=r1 {
                let i = doc.indicators.len();
                let p = format!("indicators.{i}");
                let Some(name) = at.text(&format!("{p}.name"), (r, cn)) else {
                    continue;
                };
                let opt = |at: &mut At, f: &str, c: &Option<String>| {
                    c.as_deref()
                        .and_then(column)
                        .and_then(|c| at.text(&format!("{p}.{f}"), (r, c)))
                };
                let rationale = opt(&mut at, "rationale", &ind.rationale);
                let unit = opt(&mut at, "unit", &ind.unit);
                let unmet_reason = opt(&mut at, "unmet_reason", &ind.unmet_reason);
                let mut values = Vec::new();
                for (j, v) in ind.values.iter().enumerate() {
                    let q = format!("{p}.values.{j}");
                    let n = |at: &mut At, f: &str, c: &Option<String>, d: &mut Diagnostics| {
                        c.as_deref()
                            .and_then(column)
                            .and_then(|c| at.number(&format!("{q}.{f}"), (r, c), d))
                    };
                    let target = n(&mut at, "target", &v.target, d);
                    let result = n(&mut at, "result", &v.result, d);
                    values.push(IndicatorValue {
                        year: v.year,
                        target,
                        result,
                        remark: None,
                    });
                }
                doc.indicators.push(Indicator {
                    name,
                    rationale,
                    unit,
                    higher_is_better: true,
                    values,
                    unmet_reason,
                });
            }
        }
    }
    for (i, e) in map.evaluations.iter().enumerate() {
        let b = format!("evaluations.{i}");
        let mut t = |f: &str| {
            e.cells
                .get(f)
                .and_then(|c| parse_a1(c))
                .and_then(|rc| at.text(&format!("{b}.{f}"), rc))
        };
        let title = t("evaluator.title");
        let name = t("evaluator.name");
        let has_evaluator =
            e.cells.contains_key("evaluator.title") || e.cells.contains_key("evaluator.name");
        doc.evaluations.push(Evaluation {
            period: e.period.clone(),
            rating: t("rating").map(|r| crate::fiscal::to_halfwidth(r.trim())),
            reason: t("reason"),
            improvements: t("improvements"),
            challenges: t("challenges"),
            next_steps: t("next_steps"),
            evaluator: has_evaluator.then_some(Evaluator { title, name }),
            remark: t("remark"),
        });
    }
    Some(Imported {
        id,
        series: series.id.clone(),
        doc,
        origins: at.o,
        fallback,
        file: g.file.clone(),
    })
}
