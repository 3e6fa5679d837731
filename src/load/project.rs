//! The check of one project file against the departments and its series:
//! references, years, amounts and staff within bounds, finite numbers,
//! ratings in the scale, SDG goals. Pure: looks only at the parsed document.

use super::*;

pub(super) fn check_project(
    file: &Path,
    p: &ProjectDoc,
    pos: &PosMap,
    series: &SeriesDoc,
    org: Option<&DepartmentsDoc>,
    diags: &mut Diagnostics,
) {
    if p.name.trim().is_empty() {
        diags.push(Diagnostic::new(
            file,
            pos.value(&[k("name")]),
            "事業名（name）が空です",
        ));
    }
    if let Some(org) = org {
        if !org.departments.iter().any(|d| d.id == p.department) {
            let known: Vec<&str> = org.departments.iter().map(|d| d.id.as_str()).collect();
            diags.push(unknown_ref(
                file,
                pos.value(&[k("department")]),
                "課のID",
                &p.department,
                &known,
                "departments.yaml",
            ));
        }
    }
    match (&series.grouping, &p.group) {
        (Some(g), Some(grp)) if !g.groups.iter().any(|x| &x.id == grp) => {
            let known: Vec<&str> = g.groups.iter().map(|x| x.id.as_str()).collect();
            diags.push(unknown_ref(
                file,
                pos.value(&[k("group")]),
                "グループのID",
                grp,
                &known,
                "_series.yaml の grouping",
            ));
        }
        (Some(g), None) => diags.push(
            Diagnostic::new(
                file,
                Pos::START,
                format!("{}（group）が書かれていません", excerpt(&g.name)),
            )
            .hint(format!(
                "group: に次のどれかを書いてください: {}",
                excerpt(
                    &g.groups
                        .iter()
                        .map(|x| x.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            )),
        ),
        (None, Some(_)) => diags.push(
            Diagnostic::new(
                file,
                pos.key(&[k("group")]),
                "このシリーズにはグループ分けがありません",
            )
            .hint("group の行を消すか、_series.yaml に grouping を定義してください"),
        ),
        _ => {}
    }
    if let Some(period) = &p.period {
        if let (Some(s), Some(e)) = (period.start, period.end) {
            if s > e {
                diags.push(Diagnostic::new(
                    file,
                    pos.value(&[k("period"), k("end")]),
                    format!(
                        "終了年度 {} が開始年度 {} より前です",
                        e.wareki(),
                        s.wareki()
                    ),
                ));
            }
        }
    }
    let mut years = BTreeMap::new();
    for (n, fy) in p.fiscal_years.iter().enumerate() {
        if years.insert(fy.year, n).is_some() {
            diags.push(Diagnostic::new(
                file,
                pos.value(&[k("fiscal_years"), i(n), k("year")]),
                format!("年度 {} が fiscal_years に2回あります", fy.year.wareki()),
            ));
        }
        for (field, v) in [
            ("budget", fy.budget),
            ("settlement", fy.settlement),
            ("regular_staff_cost", fy.regular_staff_cost),
        ] {
            let at = pos.value(&[k("fiscal_years"), i(n), k(field)]);
            if v.is_some_and(|v| v < 0) {
                diags.push(Diagnostic::new(
                    file,
                    at,
                    format!("「{field}」に負の金額は書けません"),
                ));
            } else if v.is_some_and(|v| v > MAX_AMOUNT) {
                let unit = series.money_unit.label();
                diags.push(
                    Diagnostic::new(
                        file,
                        at,
                        format!(
                            "「{field}」の金額が大きすぎます（上限は {}{unit}）",
                            crate::format::thousands(MAX_AMOUNT)
                        ),
                    )
                    .hint(format!("金額の単位は{unit}です。桁を確かめてください")),
                );
            }
        }
        for (field, v) in [
            ("regular_staff", fy.regular_staff),
            ("part_time_staff", fy.part_time_staff),
            ("temporary_staff", fy.temporary_staff),
        ] {
            let at = pos.value(&[k("fiscal_years"), i(n), k(field)]);
            if finite(file, at, field, v, diags)
                && v.is_some_and(|v| !(0.0..=MAX_STAFF).contains(&v))
            {
                diags.push(Diagnostic::new(
                    file,
                    at,
                    format!("「{field}」の人数が範囲外です"),
                ));
            }
        }
    }
    for (n, ind) in p.indicators.iter().enumerate() {
        let mut seen = BTreeSet::new();
        for (m, v) in ind.values.iter().enumerate() {
            for (field, x) in [("target", v.target), ("result", v.result)] {
                let at = pos.value(&[k("indicators"), i(n), k("values"), i(m), k(field)]);
                finite(file, at, field, x, diags);
            }
            if !seen.insert(v.year) {
                diags.push(Diagnostic::new(
                    file,
                    pos.value(&[k("indicators"), i(n), k("values"), i(m), k("year")]),
                    format!(
                        "成果指標「{}」に年度 {} が2回あります",
                        excerpt(&ind.name),
                        v.year.wareki()
                    ),
                ));
            }
        }
    }
    let period_ids: Vec<&str> = series.periods.iter().map(|x| x.id.as_str()).collect();
    let codes: Vec<&str> = series.scale.iter().map(|x| x.code.as_str()).collect();
    let mut seen = BTreeSet::new();
    for (n, ev) in p.evaluations.iter().enumerate() {
        let at = pos.value(&[k("evaluations"), i(n), k("period")]);
        if !period_ids.contains(&ev.period.as_str()) {
            diags.push(unknown_ref(
                file,
                at,
                "期間のID",
                &ev.period,
                &period_ids,
                "_series.yaml の periods",
            ));
        } else if !seen.insert(ev.period.as_str()) {
            diags.push(Diagnostic::new(
                file,
                at,
                format!("期間「{}」の評価が2回あります", excerpt(&ev.period)),
            ));
        }
        if let Some(r) = &ev.rating {
            if !codes.contains(&r.as_str()) {
                let normalized = crate::fiscal::to_halfwidth(r);
                let hint = if codes.contains(&normalized.as_str()) {
                    format!("半角の「{}」で書いてください", excerpt(&normalized))
                } else {
                    format!(
                        "評価は {} のどれかです。評価されていない場合は null",
                        excerpt(&codes.join("・"))
                    )
                };
                diags.push(
                    Diagnostic::new(
                        file,
                        pos.value(&[k("evaluations"), i(n), k("rating")]),
                        format!(
                            "評価「{}」はこのシリーズの評価の段階にありません",
                            excerpt(r)
                        ),
                    )
                    .hint(hint),
                );
            }
        }
    }
    if let Some(sdgs) = &p.sdgs {
        for (field, goals) in [("goals", &sdgs.goals), ("method_goals", &sdgs.method_goals)] {
            for (n, g) in goals.iter().enumerate() {
                if goals[..n].contains(g) {
                    diags.push(
                        Diagnostic::new(
                            file,
                            pos.value(&[k("sdgs"), k(field), i(n)]),
                            format!("SDGs のゴール番号 {g} が2回書かれています"),
                        )
                        .hint("同じゴールは1回だけ書いてください"),
                    );
                }
                if !(1..=SDG_GOAL_MAX).contains(g) {
                    diags.push(
                        Diagnostic::new(
                            file,
                            pos.value(&[k("sdgs"), k(field), i(n)]),
                            format!("SDGs のゴール番号 {g} はありません"),
                        )
                        .hint("ゴールは 1〜17 の番号で書いてください"),
                    );
                }
            }
        }
        if sdgs.goals.len() > MAX_SDG_GOALS {
            diags.push(
                Diagnostic::new(
                    file,
                    pos.value(&[k("sdgs"), k("goals"), i(MAX_SDG_GOALS)]),
                    format!(
                        "SDGs の貢献する項目が {} 個あります（最大3つ）",
                        sdgs.goals.len()
                    ),
                )
                .hint("シートの「SDGsへの貢献（最大3つ）」のとおり、3つまでにしてください"),
            );
        }
    }
    if !series.sources.iter().any(|s| s.id == p.source.document) {
        let known: Vec<&str> = series.sources.iter().map(|s| s.id.as_str()).collect();
        diags.push(unknown_ref(
            file,
            pos.value(&[k("source"), k("document")]),
            "資料のID",
            &p.source.document,
            &known,
            "_series.yaml の sources",
        ));
    }
}
