//! Rendering: typed views of the content, fed to minijinja templates of the
//! theme, producing every HTML page (and the sitemap) as [`OutFile`]s.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use minijinja::{Environment, UndefinedBehavior, Value};
use rayon::prelude::*;
use serde::Serialize;

use crate::aggregate::{self, Distribution, YearCost};
use crate::content::{Content, Project, Series};
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::fiscal::FiscalYear;
use crate::format;
use crate::model::MoneyUnit;
use crate::output::OutFile;
use crate::theme::Theme;

/// Extra inputs of a render.
#[derive(Debug, Clone, Default)]
pub struct RenderInput {
    /// Downloads for the downloads page.
    pub downloads: Vec<DownloadView>,
}

/// A downloadable file, for the downloads page.
#[derive(Debug, Clone, Serialize)]
pub struct DownloadView {
    /// Path relative to the site root.
    pub path: String,
    /// Title.
    pub title: String,
    /// Format (CSV, JSON…).
    pub format: String,
    /// What it holds.
    pub description: String,
    /// Size for reading (`12.3 KB`).
    pub size: String,
}

#[derive(Serialize)]
struct SiteView {
    title: String,
    municipality: String,
    municipality_code: String,
    description_html: Option<String>,
    license_name: String,
    license_url: String,
    attribution: String,
    language: String,
    pages: Vec<PageLink>,
}

#[derive(Serialize, Clone)]
struct PageLink {
    slug: String,
    title: String,
}

/// An amount: the exact figure and its reading form.
#[derive(Serialize, Clone)]
struct Amount {
    value: Option<i64>,
    text: String,
    yen: Option<String>,
}

fn amount(v: Option<i64>, unit: MoneyUnit) -> Amount {
    Amount {
        value: v,
        text: v.map_or_else(
            || "—".to_string(),
            |n| format!("{}{}", format::thousands(n), unit.label()),
        ),
        yen: v.map(|n| format!("{}円", format::thousands(n.saturating_mul(unit.yen())))),
    }
}

fn opt_staff(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |x| format!("{}人", format::staff(x)))
}

fn md(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(format::markdown)
}

#[derive(Serialize, Clone)]
struct RatingView {
    code: String,
    label: Option<String>,
    color: String,
    definition: Option<String>,
}

fn rating_view(series: &Series, code: Option<&str>) -> Option<RatingView> {
    let code = code?;
    let level = series.doc.level(code);
    Some(RatingView {
        code: code.to_string(),
        label: level.and_then(|l| l.label.clone()),
        color: level.map_or_else(|| "#57606a".into(), |l| l.color.clone()),
        definition: level.and_then(|l| l.definition.clone()),
    })
}

#[derive(Serialize, Clone)]
struct DeptRef {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct YearView {
    label: String,
    short: String,
    budget: Amount,
    settlement: Amount,
    estimated: bool,
    regular_staff: String,
    regular_staff_cost: Amount,
    part_time_staff: String,
    temporary_staff: String,
    activities: Vec<(String, String)>,
}

#[derive(Serialize)]
struct IndicatorRow {
    year: String,
    target: String,
    result: String,
    achievement: String,
    remark: Option<String>,
}

#[derive(Serialize)]
struct IndicatorView {
    name: String,
    rationale: Option<String>,
    unit: Option<String>,
    rows: Vec<IndicatorRow>,
    unmet_reason: Option<String>,
    chart: Option<String>,
}

#[derive(Serialize)]
struct EvaluationView {
    period: String,
    rating: Option<RatingView>,
    reason_html: Option<String>,
    improvements_html: Option<String>,
    challenges_html: Option<String>,
    next_steps_html: Option<String>,
    evaluator: Option<String>,
    remark: Option<String>,
}

#[derive(Serialize)]
struct SourceView {
    title: String,
    publisher: String,
    published: Option<String>,
    url: Option<String>,
    note: Option<String>,
    page: Option<u32>,
    position: Option<u32>,
}

#[derive(Serialize)]
struct ProjectView {
    id: String,
    name: String,
    file: String,
    series_id: String,
    series_title: String,
    department: DeptRef,
    department_name_then: Option<String>,
    group_name: Option<String>,
    group_label: Option<String>,
    summary_html: Option<String>,
    account: Option<&'static str>,
    plan_rank: Option<&'static str>,
    kind: Option<&'static str>,
    period: Option<String>,
    legal_basis: Vec<String>,
    general_plan: Option<(String, String)>,
    money_unit: &'static str,
    years: Vec<YearView>,
    indicators: Vec<IndicatorView>,
    evaluations: Vec<EvaluationView>,
    sdgs: Option<SdgsView>,
    source: Option<SourceView>,
    notes: Vec<String>,
    downloads: Vec<String>,
    cost_chart: Option<String>,
}

#[derive(Serialize)]
struct SdgsView {
    goals: Vec<u8>,
    method_goals: Vec<u8>,
    how: Option<String>,
}

/// One row of a project table (series, department and home pages).
#[derive(Serialize, Clone)]
struct ProjectRow {
    id: String,
    name: String,
    series_id: String,
    series_title: String,
    department: DeptRef,
    ratings: Vec<Option<RatingView>>,
    cost: Amount,
    cost_year: Option<String>,
}

#[derive(Serialize)]
struct PeriodHead {
    id: String,
    label: String,
}

#[derive(Serialize)]
struct SummaryRow {
    label: String,
    dist: Distribution,
    chart: String,
}

#[derive(Serialize)]
struct SummaryTable {
    period: String,
    caption: String,
    rows: Vec<SummaryRow>,
    total: Distribution,
    chart: Option<String>,
}

#[derive(Serialize)]
struct GroupView {
    id: String,
    label: String,
    rows: Vec<ProjectRow>,
}

#[derive(Serialize)]
struct SeriesView {
    id: String,
    title: String,
    description_html: Option<String>,
    grouping_name: String,
    scale: Vec<RatingView>,
    summary_label: Option<String>,
    periods: Vec<PeriodHead>,
    groups: Vec<GroupView>,
    summaries: Vec<SummaryTable>,
    costs: Vec<YearCostView>,
    money_unit: &'static str,
    count: usize,
    sources: Vec<SourceView>,
}

#[derive(Serialize)]
struct YearCostView {
    label: String,
    budget: Amount,
    settlement: Amount,
    staff_cost: Amount,
    includes_estimates: bool,
    projects_with_settlement: usize,
}

/// Cost totals of `projects` for a page. A total that does not fit
/// ([`aggregate::Overflow`]) becomes the page's error in `err`, never a figure.
fn costs<'a>(
    projects: impl IntoIterator<Item = &'a Project>,
    unit: MoneyUnit,
    err: &mut Option<Diagnostic>,
) -> Vec<YearCostView> {
    match aggregate::cost_by_year(projects, unit) {
        Ok(c) => cost_views(&c, unit),
        Err(o) => {
            err.get_or_insert_with(|| {
                Diagnostic::new(std::path::Path::new(&o.file), Pos::START, o.to_string()).hint(
                    format!(
                        "1件の金額の上限は {}{} です。金額の単位と桁を確かめてください",
                        format::thousands(crate::model::MAX_AMOUNT),
                        unit.label()
                    ),
                )
            });
            Vec::new()
        }
    }
}

fn cost_views(costs: &[YearCost], unit: MoneyUnit) -> Vec<YearCostView> {
    costs
        .iter()
        .map(|c| YearCostView {
            label: FiscalYear(c.year).display_ja(),
            budget: amount(Some(c.budget), unit),
            settlement: amount(Some(c.settlement), unit),
            staff_cost: amount(Some(c.staff_cost), unit),
            includes_estimates: c.includes_estimates,
            projects_with_settlement: c.projects_with_settlement,
        })
        .collect()
}

#[derive(Serialize)]
struct DeptSeriesView {
    id: String,
    title: String,
    periods: Vec<PeriodHead>,
    rows: Vec<ProjectRow>,
    summaries: Vec<SummaryTable>,
    costs: Vec<YearCostView>,
}

#[derive(Serialize)]
struct DepartmentView {
    id: String,
    name: String,
    former_names: Vec<NameView>,
    division: Option<String>,
    notes: Vec<String>,
    series: Vec<DeptSeriesView>,
    count: usize,
    downloads: Vec<String>,
}

#[derive(Serialize)]
struct NameView {
    name: String,
    years: String,
}

#[derive(Serialize)]
struct DeptListRow {
    id: String,
    name: String,
    former_names: Vec<String>,
    division: Option<String>,
    count: usize,
}

#[derive(Serialize)]
struct HomeSeries {
    id: String,
    title: String,
    count: usize,
    summaries: Vec<SummaryTable>,
}

/// The theme's templates, ready to render pages of one site.
pub struct Renderer {
    env: Environment<'static>,
    site: Value,
    base_url: Option<String>,
}

impl Renderer {
    /// Parses the templates of `theme` once, for the site of `content`.
    pub fn new(content: &Content, theme: &Theme) -> Result<Self, Diagnostics> {
        let env = environment(theme)?;
        // Only sitemap, canonical and OGP use it; `--base-url` is already
        // in `content.site` (the build sets it there so the export sees it).
        let base_url =
            content
                .site
                .base_url
                .clone()
                .map(|b| if b.ends_with('/') { b } else { format!("{b}/") });
        let site = SiteView {
            title: content.site.title.clone(),
            municipality: content.site.municipality.clone(),
            municipality_code: content.site.municipality_code.clone(),
            description_html: md(&content.site.description),
            license_name: content.site.license.name.clone(),
            license_url: content.site.license.url.clone(),
            attribution: content.site.license.attribution.clone(),
            language: content.site.language.clone(),
            pages: content
                .pages
                .iter()
                .map(|p| PageLink {
                    slug: p.slug.clone(),
                    title: p.title.clone(),
                })
                .collect(),
        };
        Ok(Renderer {
            env,
            site: Value::from_serialize(&site),
            base_url,
        })
    }

    /// Renders one page; `path` decides the relative way back to the root.
    fn page(&self, path: &str, template: &str, ctx: Value) -> Result<String, Diagnostic> {
        let depth = path.matches('/').count();
        self.page_at("../".repeat(depth), path, template, ctx)
    }

    /// Renders one page with `root` as the way back to the site root.
    fn page_at(
        &self,
        root: String,
        path: &str,
        template: &str,
        ctx: Value,
    ) -> Result<String, Diagnostic> {
        let canonical = self.base_url.as_ref().map(|b| format!("{b}{path}"));
        let full = minijinja::context! { site => self.site.clone(), root => root, path => path, canonical => canonical, ..ctx };
        self.env
            .get_template(template)
            .and_then(|t| t.render(full))
            .map_err(|e| template_error(&e))
    }

    /// The page of one project: `(path, html)`. The time spent drawing its
    /// charts is added to `chart_time`.
    pub fn project(
        &self,
        content: &Content,
        series: &Series,
        p: &Project,
        chart_time: &mut Duration,
    ) -> Result<(String, String), Diagnostic> {
        let view = project_view(
            content,
            series,
            p,
            crate::export::project_files(&p.id),
            chart_time,
        );
        let path = project_page(&p.id);
        let html = self.page(
            &path,
            "project.html",
            minijinja::context! { project => Value::from_serialize(&view) },
        )?;
        Ok((path, html))
    }
}

/// URLs per sitemap file (the protocol's limit).
pub const SITEMAP_MAX: usize = 50_000;

/// `sitemap.xml` over `locs`; above `max` URLs (the protocol allows 50,000
/// per file) numbered sitemaps, with `sitemap.xml` as their index.
fn sitemaps(
    env: &Environment<'_>,
    base: &str,
    locs: &[String],
    max: usize,
) -> Result<Vec<OutFile>, Diagnostic> {
    let render = |locs: &[String]| {
        env.get_template("sitemap.xml")
            .and_then(|t| t.render(minijinja::context! { locs => locs }))
            .map_err(|e| template_error(&e))
    };
    if locs.len() <= max {
        return Ok(vec![OutFile::text("sitemap.xml", render(locs)?)]);
    }
    let mut files = Vec::new();
    let mut parts = Vec::new();
    for (n, chunk) in locs.chunks(max.max(1)).enumerate() {
        let path = format!("sitemap-{}.xml", n + 1);
        files.push(OutFile::text(&path, render(chunk)?));
        parts.push(format!("{base}{path}"));
    }
    files.push(OutFile::text("sitemap.xml", sitemap_index(&parts)));
    Ok(files)
}

/// A sitemap index listing `locs` (absolute or relative sitemap URLs).
fn sitemap_index(locs: &[String]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for loc in locs {
        x.push_str("<sitemap><loc>");
        x.push_str(&format::escape_html(loc));
        x.push_str("</loc></sitemap>\n");
    }
    x.push_str("</sitemapindex>\n");
    x
}

/// Path of a project's page.
pub fn project_page(id: &str) -> String {
    format!("projects/{id}.html")
}

/// Collects the pages of [`rest`] and their problems.
struct Pages<'a> {
    r: &'a Renderer,
    diags: Diagnostics,
    files: Vec<OutFile>,
}

impl Pages<'_> {
    fn page(&mut self, path: &str, template: &str, ctx: Value) {
        let html = self.r.page(path, template, ctx);
        self.push(path.to_string(), html);
    }

    fn push(&mut self, path: String, html: Result<String, Diagnostic>) {
        match html {
            Ok(html) => self.files.push(OutFile::text(path, html)),
            Err(d) => self.diags.push(d),
        }
    }
}

fn template_error(e: &minijinja::Error) -> Diagnostic {
    let name = e.name().unwrap_or("(テンプレート)").to_string();
    let mut msg = format!("テンプレートの誤り: {}", e.kind());
    if let Some(d) = e.detail() {
        msg.push_str(&format!("（{d}）"));
    }
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(&format!(" / {s}"));
        src = s.source();
    }
    Diagnostic::new(
        std::path::Path::new(&format!("templates/{name}")),
        Pos {
            line: e.line().unwrap_or(1),
            col: 1,
        },
        msg,
    )
}

/// Builds the template environment of `theme`: strict undefined, HTML
/// auto-escaping, and the `markdown` filter.
pub fn environment(theme: &Theme) -> Result<Environment<'static>, Diagnostics> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".xml") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    // Escape & < > " ' only: minijinja's HTML escaper also turns `/` into
    // `&#x2f;`, which is valid but makes every URL unreadable in the source.
    env.set_formatter(|out, state, value| {
        let escaping = !matches!(state.auto_escape(), minijinja::AutoEscape::None);
        match value.as_str() {
            Some(s) if escaping && !value.is_safe() => write_escaped(out, s).map_err(|e| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
            }),
            _ => minijinja::escape_formatter(out, state, value),
        }
    });
    env.add_filter("markdown", |s: String| {
        Value::from_safe_string(format::markdown(&s))
    });
    env.add_filter("thousands", |n: i64| format::thousands(n));
    env.add_filter("wareki", |y: u16| FiscalYear(y).display_ja());
    let mut diags = Diagnostics::default();
    for (name, src) in &theme.templates {
        if let Err(e) = env.add_template_owned(name.clone(), src.clone()) {
            diags.push(template_error(&e));
        }
    }
    if diags.is_empty() {
        Ok(env)
    } else {
        Err(diags)
    }
}

/// Writes `s` with & < > " ' escaped, copying the runs between them whole.
fn write_escaped(out: &mut minijinja::Output, s: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[start..i])?;
        out.write_str(rep)?;
        start = i + 1;
    }
    out.write_str(&s[start..])
}

fn dept_ref(content: &Content, id: &str) -> DeptRef {
    DeptRef {
        id: id.to_string(),
        name: content
            .department(id)
            .map_or_else(|| id.to_string(), |d| d.current_name().to_string()),
    }
}

fn latest_cost(p: &Project, unit: MoneyUnit) -> (Amount, Option<String>) {
    let fy = p
        .doc
        .fiscal_years
        .iter()
        .filter(|f| f.settlement.is_some() || f.budget.is_some())
        .max_by_key(|f| f.year);
    match fy {
        Some(f) => {
            let (v, est) = match f.settlement {
                Some(s) => (Some(s), f.settlement_estimated),
                None => (f.budget, false),
            };
            let mut label = format!(
                "{}{}",
                f.year.short(),
                if f.settlement.is_some() {
                    "決算"
                } else {
                    "予算"
                }
            );
            if est {
                label.push_str("見込み");
            }
            (amount(v, unit), Some(label))
        }
        None => (amount(None, unit), None),
    }
}

fn project_row(content: &Content, series: &Series, p: &Project) -> ProjectRow {
    let (cost, cost_year) = latest_cost(p, series.doc.money_unit);
    ProjectRow {
        id: p.id.clone(),
        name: p.doc.name.clone(),
        series_id: series.id.clone(),
        series_title: series.doc.title.clone(),
        department: dept_ref(content, &p.doc.department),
        ratings: series
            .doc
            .periods
            .iter()
            .map(|per| rating_view(series, aggregate::rating(p, &per.id)))
            .collect(),
        cost,
        cost_year,
    }
}

fn period_heads(series: &Series) -> Vec<PeriodHead> {
    series
        .doc
        .periods
        .iter()
        .map(|p| PeriodHead {
            id: p.id.clone(),
            label: p.label.clone(),
        })
        .collect()
}

fn summary_tables<'a>(
    series: &Series,
    groups: &[(String, Vec<&'a Project>)],
    all: &[&'a Project],
    chart_title: &str,
) -> Vec<SummaryTable> {
    series
        .doc
        .periods
        .iter()
        .map(|per| {
            let total = aggregate::distribution(series, &per.id, all.iter().copied());
            let caption = format!("{}の評価結果（{}）", per.label, chart_title);
            SummaryTable {
                period: per.label.clone(),
                chart: Some(crate::charts::rating_chart(&caption, &total)),
                caption,
                rows: groups
                    .iter()
                    .map(|(label, ps)| {
                        let dist = aggregate::distribution(series, &per.id, ps.iter().copied());
                        SummaryRow {
                            chart: crate::charts::rating_chart(
                                &format!("{}の評価結果（{label}）", per.label),
                                &dist,
                            ),
                            label: label.clone(),
                            dist,
                        }
                    })
                    .collect(),
                total,
            }
        })
        .collect()
}

fn source_view(
    series: &Series,
    id: &str,
    page: Option<u32>,
    position: Option<u32>,
) -> Option<SourceView> {
    series
        .doc
        .sources
        .iter()
        .find(|s| s.id == id)
        .map(|s| SourceView {
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            published: s.published.clone(),
            url: s.url.clone(),
            note: s.note.clone(),
            page,
            position,
        })
}

/// Runs `f`, adding its duration to `acc`.
fn timed<T>(acc: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let v = f();
    *acc += start.elapsed();
    v
}

/// The view of one project's page; time spent drawing charts goes to
/// `chart_time`.
fn project_view(
    content: &Content,
    series: &Series,
    p: &Project,
    downloads: Vec<String>,
    chart_time: &mut Duration,
) -> ProjectView {
    let unit = series.doc.money_unit;
    let d = &p.doc;
    let first_eval_year = series
        .doc
        .periods
        .iter()
        .find(|per| d.evaluations.iter().any(|e| e.period == per.id))
        .map(|per| per.until);
    let dept = content.department(&d.department);
    let name_then = match (dept, first_eval_year) {
        (Some(dep), Some(y)) => dep
            .name_in(y)
            .filter(|n| *n != dep.current_name())
            .map(str::to_string),
        _ => None,
    };
    let group_label = d.group.as_ref().and_then(|g| {
        series
            .doc
            .grouping
            .as_ref()
            .and_then(|gr| gr.groups.iter().find(|x| &x.id == g))
            .map(|x| x.label.clone())
    });
    let years: Vec<YearView> = d
        .fiscal_years
        .iter()
        .map(|f| YearView {
            label: f.year.display_ja(),
            short: f.year.short(),
            budget: amount(f.budget, unit),
            settlement: amount(f.settlement, unit),
            estimated: f.settlement_estimated,
            regular_staff: opt_staff(f.regular_staff),
            regular_staff_cost: amount(f.regular_staff_cost, unit),
            part_time_staff: opt_staff(f.part_time_staff),
            temporary_staff: opt_staff(f.temporary_staff),
            activities: f
                .activities
                .iter()
                .map(|a| {
                    (
                        a.item.clone(),
                        a.result.clone().unwrap_or_else(|| "—".into()),
                    )
                })
                .collect(),
        })
        .collect();
    let cost_points: Vec<crate::charts::CostPoint> = d
        .fiscal_years
        .iter()
        .map(|f| crate::charts::CostPoint {
            label: f.year.short(),
            budget: f.budget,
            settlement: f.settlement,
            settlement_estimated: f.settlement_estimated,
            staff_cost: f.regular_staff_cost,
        })
        .collect();
    let indicators = d
        .indicators
        .iter()
        .map(|ind| {
            let unit_s = ind.unit.clone().unwrap_or_default();
            let fmt = |v: Option<f64>| match v {
                Some(x) => format!("{}{}", format::number(x), unit_s),
                None => "—".to_string(),
            };
            let points: Vec<crate::charts::IndicatorPoint> = ind
                .values
                .iter()
                .map(|v| crate::charts::IndicatorPoint {
                    label: v.year.short(),
                    target: v.target,
                    result: v.result,
                    achievement: aggregate::achievement(v.target, v.result, ind.higher_is_better),
                })
                .collect();
            IndicatorView {
                name: ind.name.clone(),
                rationale: ind.rationale.clone(),
                unit: ind.unit.clone(),
                rows: ind
                    .values
                    .iter()
                    .map(|v| IndicatorRow {
                        year: v.year.display_ja(),
                        target: fmt(v.target),
                        result: fmt(v.result),
                        achievement: aggregate::achievement(
                            v.target,
                            v.result,
                            ind.higher_is_better,
                        )
                        .map_or_else(|| "—".into(), |a| format!("{}%", format::number(a))),
                        remark: v.remark.clone(),
                    })
                    .collect(),
                unmet_reason: ind.unmet_reason.clone(),
                chart: timed(chart_time, || {
                    crate::charts::indicator_chart(
                        &format!("成果指標「{}」の目標と実績", ind.name),
                        ind.unit.as_deref(),
                        &points,
                    )
                }),
            }
        })
        .collect();
    let cost_chart = timed(chart_time, || {
        crate::charts::cost_chart(
            &format!("{}の経費の推移", d.name),
            unit.label(),
            &cost_points,
        )
    });
    let evaluations = series
        .doc
        .periods
        .iter()
        .filter_map(|per| {
            d.evaluations
                .iter()
                .find(|e| e.period == per.id)
                .map(|e| (per, e))
        })
        .map(|(per, e)| EvaluationView {
            period: per.label.clone(),
            rating: rating_view(series, e.rating.as_deref()),
            reason_html: md(&e.reason),
            improvements_html: md(&e.improvements),
            challenges_html: md(&e.challenges),
            next_steps_html: md(&e.next_steps),
            evaluator: e.evaluator.as_ref().map(|ev| {
                [ev.title.as_deref(), ev.name.as_deref()]
                    .into_iter()
                    .map(|x| x.unwrap_or("—"))
                    .collect::<Vec<_>>()
                    .join("　")
            }),
            remark: e.remark.clone(),
        })
        .collect();
    ProjectView {
        id: p.id.clone(),
        name: d.name.clone(),
        file: p.file.clone(),
        series_id: series.id.clone(),
        series_title: series.doc.title.clone(),
        department: dept_ref(content, &d.department),
        department_name_then: name_then,
        group_name: series.doc.grouping.as_ref().map(|g| g.name.clone()),
        group_label,
        summary_html: md(&d.summary),
        account: d.account.map(|a| a.label()),
        plan_rank: d.plan_rank.map(|a| a.label()),
        kind: d.kind.map(|a| a.label()),
        period: d.period.as_ref().map(|per| {
            let s = per
                .start
                .map_or_else(|| "—".to_string(), |y| y.display_ja());
            match per.end {
                Some(e) => format!("{s}〜{}", e.display_ja()),
                None => format!("{s}〜"),
            }
        }),
        legal_basis: d.legal_basis.clone(),
        general_plan: d.general_plan.as_ref().map(|g| {
            (
                g.chapter.clone().unwrap_or_else(|| "—".into()),
                g.section.clone().unwrap_or_else(|| "—".into()),
            )
        }),
        money_unit: unit.label(),
        years,
        indicators,
        evaluations,
        sdgs: d.sdgs.as_ref().map(|s| SdgsView {
            goals: s.goals.clone(),
            method_goals: s.method_goals.clone(),
            how: s.how.clone(),
        }),
        source: source_view(series, &d.source.document, d.source.page, d.source.position),
        notes: d.notes.clone(),
        downloads,
        cost_chart,
    }
}

fn years_text(from: Option<FiscalYear>, until: Option<FiscalYear>) -> String {
    match (from, until) {
        (None, None) => "年度不明".into(),
        (Some(f), None) => format!("{}〜", f.wareki()),
        (None, Some(u)) => format!("〜{}", u.wareki()),
        (Some(f), Some(u)) if f == u => f.wareki(),
        (Some(f), Some(u)) => format!("{}〜{}", f.wareki(), u.wareki()),
    }
}

/// Every page but the project pages: series, departments, home, free
/// pages, downloads, 404, the sitemap, and the theme's static files.
///
/// `content` needs only the fields of its projects that lists and totals
/// use (see [`crate::model::ProjectDoc::slim`]); the project pages are made
/// one by one with [`Renderer::project`].
pub fn rest(
    r: &Renderer,
    content: &Content,
    theme: &Theme,
    input: &RenderInput,
) -> Result<Vec<OutFile>, Diagnostics> {
    let mut r = Pages {
        r,
        diags: Diagnostics::default(),
        files: Vec::new(),
    };

    // Series, in parallel (each lists every one of its projects).
    let renderer = r.r;
    let series_out: Vec<(HomeSeries, String, Result<String, Diagnostic>)> = content
        .series
        .par_iter()
        .map(|series| {
            let groups = aggregate::groups(content, series);
            let group_lists: Vec<(String, Vec<&Project>)> = groups
                .iter()
                .map(|g| (g.label.clone(), g.projects.clone()))
                .collect();
            let all: Vec<&Project> = series.projects.iter().collect();
            let summaries = summary_tables(series, &group_lists, &all, &series.doc.title);
            let mut overflow = None;
            let view = SeriesView {
                id: series.id.clone(),
                title: series.doc.title.clone(),
                description_html: md(&series.doc.description),
                grouping_name: series
                    .doc
                    .grouping
                    .as_ref()
                    .map_or_else(|| "部".to_string(), |g| g.name.clone()),
                scale: series
                    .doc
                    .scale
                    .iter()
                    .map(|l| RatingView {
                        code: l.code.clone(),
                        label: l.label.clone(),
                        color: l.color.clone(),
                        definition: l.definition.clone(),
                    })
                    .collect(),
                summary_label: (!series.doc.summary_codes.is_empty())
                    .then(|| format!("{}評価の割合", series.doc.summary_codes.join("または"))),
                periods: period_heads(series),
                groups: groups
                    .iter()
                    .map(|g| GroupView {
                        id: g.id.clone(),
                        label: g.label.clone(),
                        rows: g
                            .projects
                            .iter()
                            .map(|p| project_row(content, series, p))
                            .collect(),
                    })
                    .collect(),
                costs: costs(all.iter().copied(), series.doc.money_unit, &mut overflow),
                summaries,
                money_unit: series.doc.money_unit.label(),
                count: series.projects.len(),
                sources: series
                    .doc
                    .sources
                    .iter()
                    .filter_map(|s| source_view(series, &s.id, None, None))
                    .collect(),
            };
            let home = HomeSeries {
                id: series.id.clone(),
                title: series.doc.title.clone(),
                count: series.projects.len(),
                summaries: summary_tables(series, &[], &all, &series.doc.title),
            };
            let path = format!("series/{}.html", series.id);
            let html = renderer.page(
                &path,
                "series.html",
                minijinja::context! { series => Value::from_serialize(&view) },
            );
            let html = overflow.map_or(html, Err);
            (home, path, html)
        })
        .collect();
    let mut home_series = Vec::new();
    for (home, path, html) in series_out {
        home_series.push(home);
        r.push(path, html);
    }

    // Departments.
    let mut by_dept: BTreeMap<&str, Vec<(&Series, &Project)>> = BTreeMap::new();
    for (s, p) in content.projects() {
        by_dept
            .entry(p.doc.department.as_str())
            .or_default()
            .push((s, p));
    }
    let dept_out: Vec<(DeptListRow, String, Result<String, Diagnostic>)> = content
        .org
        .departments
        .par_iter()
        .map(|dept| {
            let items = by_dept.get(dept.id.as_str()).cloned().unwrap_or_default();
            let division = dept
                .division
                .as_deref()
                .and_then(|d| content.division(d))
                .map(|d| d.name.clone());
            let mut series_views = Vec::new();
            let mut overflow = None;
            for series in &content.series {
                let ps: Vec<&Project> = items
                    .iter()
                    .filter(|(s, _)| s.id == series.id)
                    .map(|(_, p)| *p)
                    .collect();
                if ps.is_empty() {
                    continue;
                }
                series_views.push(DeptSeriesView {
                    id: series.id.clone(),
                    title: series.doc.title.clone(),
                    periods: period_heads(series),
                    rows: ps.iter().map(|p| project_row(content, series, p)).collect(),
                    summaries: summary_tables(
                        series,
                        &[],
                        &ps,
                        &format!("{}・{}", dept.current_name(), series.doc.title),
                    ),
                    costs: costs(ps.iter().copied(), series.doc.money_unit, &mut overflow),
                });
            }
            let view = DepartmentView {
                id: dept.id.clone(),
                name: dept.current_name().to_string(),
                former_names: dept
                    .names
                    .iter()
                    .take(dept.names.len().saturating_sub(1))
                    .map(|n| NameView {
                        name: n.name.clone(),
                        years: years_text(n.from, n.until),
                    })
                    .collect(),
                division: division.clone(),
                notes: dept.notes.clone(),
                count: items.len(),
                series: series_views,
                downloads: crate::export::department_files(&dept.id),
            };
            let row = DeptListRow {
                id: dept.id.clone(),
                name: dept.current_name().to_string(),
                former_names: dept
                    .former_names()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                division,
                count: items.len(),
            };
            let path = format!("departments/{}.html", dept.id);
            let html = renderer.page(
                &path,
                "department.html",
                minijinja::context! { department => Value::from_serialize(&view) },
            );
            let html = overflow.map_or(html, Err);
            (row, path, html)
        })
        .collect();
    let mut dept_rows = Vec::new();
    for (row, path, html) in dept_out {
        dept_rows.push(row);
        r.push(path, html);
    }
    r.page(
        "departments.html",
        "departments.html",
        minijinja::context! { departments => Value::from_serialize(&dept_rows) },
    );

    // Home.
    let mut all_costs: Vec<(String, Vec<YearCostView>)> = Vec::new();
    let mut overflow = None;
    for s in &content.series {
        all_costs.push((
            s.doc.title.clone(),
            costs(s.projects.iter(), s.doc.money_unit, &mut overflow),
        ));
    }
    r.diags.0.extend(overflow);
    r.page(
        "index.html",
        "index.html",
        minijinja::context! {
            series => Value::from_serialize(&home_series),
            costs => Value::from_serialize(&all_costs),
            departments => Value::from_serialize(&dept_rows),
            project_count => content.project_count(),
        },
    );

    // Free pages, downloads, 404.
    for page in &content.pages {
        r.page(
            &format!("pages/{}.html", page.slug),
            "page.html",
            minijinja::context! { page_title => page.title.clone(), body => Value::from_safe_string(format::markdown(&page.markdown)) },
        );
    }
    r.page(
        "downloads.html",
        "downloads.html",
        minijinja::context! { downloads => Value::from_serialize(&input.downloads) },
    );
    // A server shows 404.html at whatever path was asked for, where relative
    // links do not resolve: with a base URL, its links are absolute.
    let root_404 = r.r.base_url.clone().unwrap_or_default();
    let html =
        r.r.page_at(root_404, "404.html", "404.html", minijinja::context! {});
    r.push("404.html".to_string(), html);

    // Sitemap of every HTML page but 404.
    let base = r.r.base_url.clone().unwrap_or_default();
    let mut locs: Vec<String> = r
        .files
        .iter()
        .map(|f| f.path.clone())
        .filter(|p| p.ends_with(".html") && p != "404.html")
        .chain(content.projects().map(|(_, p)| project_page(&p.id)))
        .map(|p| format!("{base}{p}"))
        .collect();
    locs.sort();
    match sitemaps(&r.r.env, &base, &locs, SITEMAP_MAX) {
        Ok(files) => r.files.extend(files),
        Err(d) => r.diags.push(d),
    }
    for (name, bytes) in &theme.statics {
        r.files.push(OutFile {
            path: format!("static/{name}"),
            bytes: bytes.clone(),
        });
    }
    if r.diags.is_empty() {
        Ok(r.files)
    } else {
        Err(r.diags.sorted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_sitemaps_are_split_with_an_index() {
        let env = environment(&Theme::load(None).expect("default theme")).expect("templates");
        let locs: Vec<String> = (1..=5).map(|i| format!("p{i}.html")).collect();
        let one = sitemaps(&env, "https://x.example/", &locs, 5).expect("renders");
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].path, "sitemap.xml");
        let many = sitemaps(&env, "https://x.example/", &locs, 2).expect("renders");
        let paths: Vec<&str> = many.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let text = |f: &OutFile| String::from_utf8(f.bytes.clone()).expect("utf-8");
        assert_eq!(text(&many[2]).matches("<url>").count(), 1);
        let index = text(&many[3]);
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(
            index.contains("<loc>https://x.example/sitemap-3.xml</loc>"),
            "{index}"
        );
        // Every URL is in exactly one part.
        for loc in &locs {
            let n = many[..3]
                .iter()
                .filter(|f| text(f).contains(&format!("<loc>{loc}</loc>")))
                .count();
            assert_eq!(n, 1, "{loc}");
        }
    }
}
