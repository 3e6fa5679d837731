//! A project drawn as a filled-in form through a map's labels and cells
//! (the sample of `examples/form-import/` and the tests' round trip). It
//! must not be used by import itself.

use rust_xlsxwriter::{Format, FormatBorder, Workbook};

use crate::content::{Content, Project};

use crate::import::sheet::{a1, parse_a1, Cell};

use super::map::{column, row_range, Map};

/// A filled-in form for `project` (one worksheet named after its id), drawn
/// from the map's labels and cells: the sample of `examples/form-import/`.
pub fn render(map: &Map, content: &Content, project: &Project) -> Result<Vec<u8>, String> {
    let e = |x: rust_xlsxwriter::XlsxError| x.to_string();
    let mut wb = Workbook::new();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2020, 1, 1).map_err(e)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&date));
    let ws = wb.add_worksheet();
    ws.set_name(&project.id).map_err(e)?;
    let label = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#EEEEEE");
    let value = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let money = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0");
    for c in 0..12u16 {
        ws.set_column_width(c, if c == 0 { 24.0 } else { 16.0 })
            .map_err(e)?;
    }
    for (c, t) in &map.labels {
        if let Some((r, k)) = parse_a1(c) {
            ws.write_string_with_format(r as u32, k as u16, t, &label)
                .map_err(e)?;
        }
    }
    let d = &project.doc;
    let mut put = |rc: Option<(usize, usize)>, v: Cell, f: &Format| -> Result<(), String> {
        let Some((r, c)) = rc else { return Ok(()) };
        let (r, c) = (r as u32, c as u16);
        match v {
            Cell::Empty => ws.write_blank(r, c, f).map(|_| ()),
            Cell::Text(t) => ws.write_string_with_format(r, c, &t, f).map(|_| ()),
            Cell::Number(n) => ws.write_number_with_format(r, c, n, f).map(|_| ()),
            Cell::Bool(b) => ws.write_boolean_with_format(r, c, b, f).map(|_| ()),
        }
        .map_err(e)
    };
    let t = |s: Option<&str>| s.map_or(Cell::Empty, |x| Cell::Text(x.to_string()));
    let n = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Number);
    let dept = content
        .department(&d.department)
        .map(|x| x.current_name().to_string());
    let goals = |g: &[u8]| {
        if g.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(g.iter().map(u8::to_string).collect::<Vec<_>>().join(", "))
        }
    };
    put(parse_a1(&map.id), Cell::Text(project.id.clone()), &value)?;
    for (k, c) in &map.fields {
        let v = match k.as_str() {
            "name" => Cell::Text(d.name.clone()),
            "department" => t(dept.as_deref().or(Some(&d.department))),
            "group" => t(d.group.as_deref()),
            "summary" => t(d.summary.as_deref()),
            "account" => t(d.account.map(|a| a.label())),
            "plan_rank" => t(d.plan_rank.map(|a| a.label())),
            "kind" => t(d.kind.map(|a| a.label())),
            "period.start" => t(d
                .period
                .as_ref()
                .and_then(|p| p.start)
                .map(|y| y.wareki())
                .as_deref()),
            "period.end" => t(d
                .period
                .as_ref()
                .and_then(|p| p.end)
                .map(|y| y.wareki())
                .as_deref()),
            "legal_basis" => {
                if d.legal_basis.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(d.legal_basis.join("\n"))
                }
            }
            "general_plan.chapter" => t(d.general_plan.as_ref().and_then(|g| g.chapter.as_deref())),
            "general_plan.section" => t(d.general_plan.as_ref().and_then(|g| g.section.as_deref())),
            "sdgs.goals" => d.sdgs.as_ref().map_or(Cell::Empty, |s| goals(&s.goals)),
            "sdgs.method_goals" => d
                .sdgs
                .as_ref()
                .map_or(Cell::Empty, |s| goals(&s.method_goals)),
            "sdgs.how" => t(d.sdgs.as_ref().and_then(|s| s.how.as_deref())),
            "source.document" => Cell::Text(d.source.document.clone()),
            "source.page" => n(d.source.page.map(f64::from)),
            "source.position" => n(d.source.position.map(f64::from)),
            _ => Cell::Empty,
        };
        put(parse_a1(c), v, &value)?;
    }
    for y in &map.years {
        let Some(c) = column(&y.column) else { continue };
        let f = d.fiscal_years.iter().find(|f| f.year == y.year);
        for (k, r) in &map.year_rows {
            let v = f.map_or(Cell::Empty, |f| match k.as_str() {
                "budget" => n(f.budget.map(|x| x as f64)),
                "settlement" => n(f.settlement.map(|x| x as f64)),
                "regular_staff" => n(f.regular_staff),
                "regular_staff_cost" => n(f.regular_staff_cost.map(|x| x as f64)),
                "part_time_staff" => n(f.part_time_staff),
                "temporary_staff" => n(f.temporary_staff),
                _ => Cell::Empty,
            });
            let fmt = if k.ends_with("staff") { &value } else { &money };
            put(Some(((*r as usize).saturating_sub(1), c)), v, fmt)?;
        }
    }
    if let Some(a) = &map.activities {
        if let (Some((r0, _)), Some(ci), Some(cr)) =
            (row_range(&a.rows), column(&a.item), column(&a.result))
        {
            let acts = d
                .fiscal_years
                .iter()
                .find(|f| f.year == a.year)
                .map(|f| f.activities.as_slice())
                .unwrap_or(&[]);
            for (j, x) in acts.iter().enumerate() {
                put(Some((r0 + j, ci)), Cell::Text(x.item.clone()), &value)?;
                put(Some((r0 + j, cr)), t(x.result.as_deref()), &value)?;
            }
        }
    }
    if let Some(ind) = &map.indicators {
        if let Some((r0, _)) = row_range(&ind.rows) {
            for (j, x) in d.indicators.iter().enumerate() {
                let r = r0 + j;
                let col = |c: &Option<String>| c.as_deref().and_then(column).map(|c| (r, c));
                put(
                    column(&ind.name).map(|c| (r, c)),
                    Cell::Text(x.name.clone()),
                    &value,
                )?;
                put(col(&ind.rationale), t(x.rationale.as_deref()), &value)?;
                put(col(&ind.unit), t(x.unit.as_deref()), &value)?;
                put(col(&ind.unmet_reason), t(x.unmet_reason.as_deref()), &value)?;
                for v in &ind.values {
                    let found = x.values.iter().find(|y| y.year == v.year);
                    put(col(&v.target), n(found.and_then(|y| y.target)), &value)?;
                    put(col(&v.result), n(found.and_then(|y| y.result)), &value)?;
                }
            }
        }
    }
    for ec in &map.evaluations {
        let ev = d.evaluations.iter().find(|x| x.period == ec.period);
        for (k, c) in &ec.cells {
            let v = ev.map_or(Cell::Empty, |x| match k.as_str() {
                "rating" => t(x.rating.as_deref()),
                "reason" => t(x.reason.as_deref()),
                "improvements" => t(x.improvements.as_deref()),
                "challenges" => t(x.challenges.as_deref()),
                "next_steps" => t(x.next_steps.as_deref()),
                "evaluator.title" => t(x.evaluator.as_ref().and_then(|e| e.title.as_deref())),
                "evaluator.name" => t(x.evaluator.as_ref().and_then(|e| e.name.as_deref())),
                "remark" => t(x.remark.as_deref()),
                _ => Cell::Empty,
            });
            put(parse_a1(c), v, &value)?;
        }
    }
    let _ = a1;
    wb.save_to_buffer().map_err(e)
}
