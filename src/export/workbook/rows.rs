//! One project's values for every sheet of the workbook, in the columns'
//! order of [`super::sheets`]. It must not format or write cells (that is
//! `book`).

use crate::aggregate::achievement;
use crate::cache::Bytes;
use crate::content::{Content, Project, Series};

use crate::export::finite;
use crate::export::tables::{convert, csv_money_unit};

/// A cell value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// Blank.
    Empty,
    /// Text.
    Text(String),
    /// Number.
    Number(f64),
    /// TRUE / FALSE.
    Bool(bool),
}

pub(super) fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub(super) fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Empty, text)
}

fn num(v: Option<f64>) -> Value {
    finite(v).map_or(Value::Empty, Value::Number)
}

fn int<T: Into<f64>>(v: Option<T>) -> Value {
    v.map_or(Value::Empty, |x| Value::Number(x.into()))
}

fn money(v: Option<i64>) -> Value {
    // Amounts are at most 10^12 (checked), exact as floats.
    v.map_or(Value::Empty, |x| Value::Number(x as f64))
}

fn goals(g: &[u8]) -> Value {
    if g.is_empty() {
        return Value::Empty;
    }
    Value::Text(g.iter().map(u8::to_string).collect::<Vec<_>>().join(", "))
}

/// The rows of one project, per sheet of [`sheets`].
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rows(pub(super) Vec<Vec<Vec<Value>>>);

/// The rows of `p` in every project sheet (money in the workbook's unit).
pub fn rows(content: &Content, series: &Series, p: &Project) -> Rows {
    let unit = csv_money_unit(content);
    let from = series.doc.money_unit;
    let d = &p.doc;
    let code = || text(&content.site.municipality_code);
    let id = || text(&p.id);
    let dept = content.department(&d.department);
    let mut out = vec![Vec::new(); 7];
    out[0].push(vec![
        code(),
        id(),
        text(&series.id),
        text(&series.doc.title),
        text(&d.name),
        text(&d.department),
        opt_text(dept.map(|x| x.current_name())),
        opt_text(d.group.as_deref()),
        opt_text(d.summary.as_deref()),
        opt_text(d.account.map(|a| a.label())),
        opt_text(d.plan_rank.map(|a| a.label())),
        opt_text(d.kind.map(|a| a.label())),
        Value::Bool(d.period.is_some()),
        int(d.period.as_ref().and_then(|x| x.start).map(|y| y.0)),
        int(d.period.as_ref().and_then(|x| x.end).map(|y| y.0)),
        if d.legal_basis.is_empty() {
            Value::Empty
        } else {
            Value::Text(d.legal_basis.join("\n"))
        },
        Value::Bool(d.general_plan.is_some()),
        opt_text(d.general_plan.as_ref().and_then(|g| g.chapter.as_deref())),
        opt_text(d.general_plan.as_ref().and_then(|g| g.section.as_deref())),
        Value::Bool(d.sdgs.is_some()),
        d.sdgs.as_ref().map_or(Value::Empty, |s| goals(&s.goals)),
        d.sdgs
            .as_ref()
            .map_or(Value::Empty, |s| goals(&s.method_goals)),
        opt_text(d.sdgs.as_ref().and_then(|s| s.how.as_deref())),
        text(&d.source.document),
        int(d.source.page),
        int(d.source.position),
    ]);
    for fy in &d.fiscal_years {
        let m = |v: Option<i64>| money(convert(v, from, unit));
        out[1].push(vec![
            code(),
            id(),
            Value::Number(fy.year.0.into()),
            text(&fy.year.wareki()),
            m(fy.budget),
            m(fy.settlement),
            Value::Bool(fy.settlement_estimated),
            num(fy.regular_staff),
            m(fy.regular_staff_cost),
            num(fy.part_time_staff),
            num(fy.temporary_staff),
        ]);
        for (i, a) in fy.activities.iter().enumerate() {
            out[2].push(vec![
                code(),
                id(),
                Value::Number(fy.year.0.into()),
                Value::Number((i + 1) as f64),
                text(&a.item),
                opt_text(a.result.as_deref()),
            ]);
        }
    }
    for (i, ind) in d.indicators.iter().enumerate() {
        let n = Value::Number((i + 1) as f64);
        out[3].push(vec![
            code(),
            id(),
            n.clone(),
            text(&ind.name),
            opt_text(ind.rationale.as_deref()),
            opt_text(ind.unit.as_deref()),
            Value::Bool(ind.higher_is_better),
            opt_text(ind.unmet_reason.as_deref()),
        ]);
        for v in &ind.values {
            out[4].push(vec![
                code(),
                id(),
                n.clone(),
                text(&ind.name),
                Value::Number(v.year.0.into()),
                text(&v.year.wareki()),
                num(v.target),
                num(v.result),
                opt_text(ind.unit.as_deref()),
                num(achievement(
                    finite(v.target),
                    finite(v.result),
                    ind.higher_is_better,
                )),
                opt_text(v.remark.as_deref()),
            ]);
        }
    }
    for e in &d.evaluations {
        let period = series.doc.periods.iter().find(|x| x.id == e.period);
        let level = e.rating.as_deref().and_then(|r| series.doc.level(r));
        out[5].push(vec![
            code(),
            id(),
            text(&e.period),
            opt_text(period.map(|x| x.label.as_str())),
            opt_text(e.rating.as_deref()),
            opt_text(level.and_then(|l| l.label.as_deref())),
            opt_text(e.reason.as_deref()),
            opt_text(e.improvements.as_deref()),
            opt_text(e.challenges.as_deref()),
            opt_text(e.next_steps.as_deref()),
            Value::Bool(e.evaluator.is_some()),
            opt_text(e.evaluator.as_ref().and_then(|x| x.title.as_deref())),
            opt_text(e.evaluator.as_ref().and_then(|x| x.name.as_deref())),
            opt_text(e.remark.as_deref()),
        ]);
    }
    for (i, n) in d.notes.iter().enumerate() {
        out[6].push(vec![code(), id(), Value::Number((i + 1) as f64), text(n)]);
    }
    Rows(out)
}

/// A project's rows as the workbook takes them: made now, or as the build
/// cache keeps them ([`Packed`]) until a piece of the workbook needs them
/// again (most rebuilds copy the pieces and never decode them).
#[derive(Debug, Clone)]
pub enum Sheets {
    Made(Rows),
    Packed(Packed),
}

/// [`Rows`] encoded, with their number per sheet.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Packed {
    counts: Vec<u32>,
    bytes: Bytes,
}

impl Sheets {
    /// How many rows the project has in sheet `s`.
    pub fn count(&self, s: usize) -> usize {
        match self {
            Sheets::Made(r) => r.0.get(s).map_or(0, Vec::len),
            Sheets::Packed(p) => p.counts.get(s).map_or(0, |&n| n as usize),
        }
    }

    /// The rows (decoded when packed); `None` when the bytes do not decode
    /// to rows of the counts given.
    pub fn rows(&self) -> Option<std::borrow::Cow<'_, Rows>> {
        match self {
            Sheets::Made(r) => Some(std::borrow::Cow::Borrowed(r)),
            Sheets::Packed(p) => {
                let r: Rows = postcard::from_bytes(&p.bytes.0).ok()?;
                let counts: Vec<u32> = r.0.iter().map(|s| s.len() as u32).collect();
                (counts == p.counts).then_some(std::borrow::Cow::Owned(r))
            }
        }
    }

    /// The rows packed for the build cache.
    pub fn pack(&self) -> Option<Packed> {
        match self {
            Sheets::Made(r) => Some(Packed {
                counts: r.0.iter().map(|s| s.len() as u32).collect(),
                bytes: Bytes(postcard::to_stdvec(r).ok()?),
            }),
            Sheets::Packed(p) => Some(p.clone()),
        }
    }
}
