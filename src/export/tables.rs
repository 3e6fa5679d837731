//! The CSV tables: their columns (Japanese headers, machine names, types)
//! and their rows, built from the content.

use std::collections::{BTreeMap, BTreeSet};

use crate::aggregate::achievement;
use crate::content::{Content, Project, Series};
use crate::fiscal::FiscalYear;
use crate::model::{
    Account, Department, DepartmentName, Evaluation, FiscalYearRecord, Indicator, IndicatorValue,
    MoneyUnit, PeriodDef, PlanRank, ProjectKind,
};

use super::table::{rows, Cell, Column, Field, ForeignKey, Kind};

/// A table ready to be written: fields, keys and rows.
pub struct Table {
    /// Resource name in the data package.
    pub name: &'static str,
    /// Columns.
    pub fields: Vec<Field>,
    /// Primary key (headers).
    pub primary_key: Vec<String>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new<C>(
        name: &'static str,
        columns: Vec<Column<C>>,
        items: &[C],
        primary_key: &[&str],
        foreign_keys: Vec<ForeignKey>,
    ) -> Table {
        let rows = rows(&columns, items);
        Table {
            name,
            fields: columns.into_iter().map(|c| c.field).collect(),
            primary_key: primary_key.iter().map(|s| s.to_string()).collect(),
            foreign_keys,
            rows,
        }
    }
}

/// Header of the department id column, the target of every foreign key.
pub const DEPARTMENT_ID: &str = "課ID";
/// Header of the project id column.
pub const PROJECT_ID: &str = "事業ID";
/// Header of the western fiscal year column.
pub const YEAR: &str = "年度（西暦）";
/// Header of the 和暦 fiscal year column.
pub const WAREKI: &str = "年度（和暦）";

fn dept_fk() -> ForeignKey {
    ForeignKey {
        fields: vec![DEPARTMENT_ID.into()],
        resource: "departments",
        reference: vec![DEPARTMENT_ID.into()],
    }
}

/// Unit of money in every CSV: the series' common unit, or 円 when series
/// differ (converting 千円 to 円 is exact).
pub fn csv_money_unit(content: &Content) -> MoneyUnit {
    let units: BTreeSet<&str> = content
        .series
        .iter()
        .map(|s| s.doc.money_unit.label())
        .collect();
    match content.series.first() {
        Some(s) if units.len() == 1 => s.doc.money_unit,
        Some(_) => MoneyUnit::Yen,
        None => MoneyUnit::ThousandYen,
    }
}

/// `amount` in `from` units expressed in `to` units, when exact.
pub fn convert(amount: Option<i64>, from: MoneyUnit, to: MoneyUnit) -> Option<i64> {
    let yen = amount?.checked_mul(from.yen())?;
    (yen % to.yen() == 0).then(|| yen / to.yen())
}

/// Every rating code of every series' scale, in series then scale order.
pub fn rating_codes(content: &Content) -> Vec<String> {
    let mut seen = BTreeSet::new();
    content
        .series
        .iter()
        .flat_map(|s| s.doc.scale.iter())
        .filter(|l| seen.insert(l.code.clone()))
        .map(|l| l.code.clone())
        .collect()
}

fn account_values() -> [&'static str; 2] {
    [Account::General.label(), Account::Special.label()]
}

fn plan_rank_values() -> [&'static str; 3] {
    [
        PlanRank::Top.label(),
        PlanRank::Priority.label(),
        PlanRank::Important.label(),
    ]
}

fn kind_values() -> [&'static str; 3] {
    [
        ProjectKind::Autonomous.label(),
        ProjectKind::Delegated.label(),
        ProjectKind::DelegatedPlus.label(),
    ]
}

fn wareki(y: FiscalYear) -> Cell {
    Cell::Text(y.wareki())
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

// ------------------------------------------------------------ contexts

/// Anything that knows the content (for the municipality columns).
trait Site {
    fn content(&self) -> &Content;
}

/// What every project-based row knows about its project.
#[derive(Clone, Copy)]
struct Base<'a> {
    content: &'a Content,
    series: &'a Series,
    project: &'a Project,
    dept: Option<&'a Department>,
    /// Unit of money in the CSV.
    unit: MoneyUnit,
}

impl<'a> Base<'a> {
    fn new(content: &'a Content, series: &'a Series, project: &'a Project) -> Self {
        Base {
            content,
            series,
            project,
            dept: content.department(&project.doc.department),
            unit: csv_money_unit(content),
        }
    }

    fn money(&self, v: Option<i64>) -> Cell {
        Cell::opt_int(convert(v, self.series.doc.money_unit, self.unit))
    }

    fn rating_label(&self, e: Option<&Evaluation>) -> Cell {
        Cell::opt_text(
            e.and_then(|e| e.rating.as_deref())
                .and_then(|r| self.series.doc.level(r))
                .and_then(|l| l.label.as_deref()),
        )
    }
}

/// Rows about a project.
trait ProjectRow: Site {
    fn base(&self) -> &Base<'_>;
}

macro_rules! project_row {
    ($t:ident) => {
        impl Site for $t<'_> {
            fn content(&self) -> &Content {
                self.base.content
            }
        }
        impl ProjectRow for $t<'_> {
            fn base(&self) -> &Base<'_> {
                &self.base
            }
        }
    };
}

fn municipality_columns<C: Site>() -> Vec<Column<C>> {
    vec![
        Column::new(
            Field::new(
                "全国地方公共団体コード",
                "municipality_code",
                Kind::String,
                "総務省の全国地方公共団体コード（6桁、検査数字を含む）。",
            )
            .required()
            .pattern("[0-9]{6}"),
            |c: &C| Cell::Text(c.content().site.municipality_code.clone()),
        ),
        Column::new(
            Field::new(
                "地方公共団体名",
                "municipality_name",
                Kind::String,
                "地方公共団体の名前。",
            )
            .required(),
            |c: &C| Cell::Text(c.content().site.municipality.clone()),
        ),
    ]
}

/// Columns naming the series, the project and its department.
fn project_columns<C: ProjectRow>(with_division: bool) -> Vec<Column<C>> {
    let mut v = municipality_columns::<C>();
    v.extend([
        Column::new(
            Field::new(
                "シリーズID",
                "series_id",
                Kind::String,
                "評価シリーズの識別子（半角）。",
            )
            .required(),
            |c: &C| Cell::Text(c.base().series.id.clone()),
        ),
        Column::new(
            Field::new(
                "シリーズ名",
                "series_title",
                Kind::String,
                "評価シリーズの名前。",
            )
            .required(),
            |c: &C| Cell::Text(c.base().series.doc.title.clone()),
        ),
        Column::new(
            Field::new(
                PROJECT_ID,
                "project_id",
                Kind::String,
                "事業の識別子（半角）。全項目は data/projects/<事業ID>.json にあります。",
            )
            .required(),
            |c: &C| Cell::Text(c.base().project.id.clone()),
        ),
        Column::new(
            Field::new(
                "事務事業名称",
                "project_name",
                Kind::String,
                "事務事業名称またはシステム名。",
            )
            .required(),
            |c: &C| Cell::Text(c.base().project.doc.name.clone()),
        ),
        Column::new(
            Field::new(
                DEPARTMENT_ID,
                "department_id",
                Kind::String,
                "担当課の識別子（departments.csv の課ID）。名称が変わっても変わりません。",
            )
            .required(),
            |c: &C| Cell::Text(c.base().project.doc.department.clone()),
        ),
        Column::new(
            Field::new(
                "担当課名",
                "department_name",
                Kind::String,
                "担当課の現在の名称。",
            )
            .required(),
            |c: &C| {
                let b = c.base();
                Cell::Text(
                    b.dept
                        .map_or(b.project.doc.department.as_str(), |d| d.current_name())
                        .to_string(),
                )
            },
        ),
    ]);
    if with_division {
        v.extend([
            Column::new(
                Field::new(
                    "部名",
                    "division_name",
                    Kind::String,
                    "担当課が属する部（資料に無ければ空欄）。",
                ),
                |c: &C| {
                    let b = c.base();
                    Cell::opt_text(
                        b.dept
                            .and_then(|d| d.division.as_deref())
                            .and_then(|id| b.content.division(id))
                            .map(|d| d.name.as_str()),
                    )
                },
            ),
            Column::new(
                Field::new(
                    "グループ名",
                    "group_label",
                    Kind::String,
                    "シリーズのグループ分け（例: ICT推進アクションプランのビジョン）。無ければ空欄。",
                ),
                |c: &C| {
                    let b = c.base();
                    Cell::opt_text(
                        super::record::group_label(b.series, b.project.doc.group.as_deref())
                            .as_deref(),
                    )
                },
            ),
        ]);
    }
    v
}

// ------------------------------------------------------------ projects.csv

/// One project in one fiscal year.
/// Rows that carry one evaluation of their project.
trait Rated: ProjectRow {
    fn evaluation(&self) -> Option<&Evaluation>;
}

/// The rating code and its label, for rows with an evaluation.
fn rating_columns<C: Rated>(content: &Content, description: &str) -> [Column<C>; 2] {
    [
        Column::new(
            Field::new("総合評価", "rating", Kind::String, description)
                .allowed(rating_codes(content)),
            |c: &C| Cell::opt_text(c.evaluation().and_then(|e| e.rating.as_deref())),
        ),
        Column::new(
            Field::new(
                "総合評価の名前",
                "rating_label",
                Kind::String,
                "総合評価の記号の意味（資料に無ければ空欄）。",
            ),
            |c: &C| c.base().rating_label(c.evaluation()),
        ),
    ]
}

struct ProjectYear<'a> {
    base: Base<'a>,
    year: FiscalYear,
    record: Option<&'a FiscalYearRecord>,
    evaluation: Option<&'a Evaluation>,
}
project_row!(ProjectYear);

impl Rated for ProjectYear<'_> {
    fn evaluation(&self) -> Option<&Evaluation> {
        self.evaluation
    }
}

/// The rows of one project: every year with a fiscal-year record, plus every
/// single-year evaluation period the project has an evaluation for.
fn project_years<'a>(
    content: &'a Content,
    series: &'a Series,
    project: &'a Project,
) -> Vec<ProjectYear<'a>> {
    let base = Base::new(content, series, project);
    let mut years: BTreeMap<FiscalYear, Option<&FiscalYearRecord>> = BTreeMap::new();
    for fy in &project.doc.fiscal_years {
        years.insert(fy.year, Some(fy));
    }
    let single_year = |e: &Evaluation| {
        series
            .doc
            .periods
            .iter()
            .find(|p| p.id == e.period && p.from == p.until)
            .map(|p| p.from)
    };
    for e in &project.doc.evaluations {
        if let Some(y) = single_year(e) {
            years.entry(y).or_insert(None);
        }
    }
    years
        .into_iter()
        .map(|(year, record)| ProjectYear {
            base,
            year,
            record,
            evaluation: project
                .doc
                .evaluations
                .iter()
                .find(|e| single_year(e) == Some(year)),
        })
        .collect()
}

fn projects_columns<'a>(content: &Content) -> Vec<Column<ProjectYear<'a>>> {
    let unit = csv_money_unit(content).label();
    let money = |h: &str| format!("{h}（{unit}）");
    let mut v = project_columns::<ProjectYear>(true);
    v.extend([
        Column::new(
            Field::new("会計", "account", Kind::String, "一般会計または特別会計。")
                .allowed(account_values()),
            |c: &ProjectYear| Cell::opt_text(c.base.project.doc.account.map(|a| a.label())),
        ),
        Column::new(
            Field::new(
                "実施計画ランク",
                "plan_rank",
                Kind::String,
                "実施計画ランク。",
            )
            .allowed(plan_rank_values()),
            |c: &ProjectYear| Cell::opt_text(c.base.project.doc.plan_rank.map(|a| a.label())),
        ),
        Column::new(
            Field::new("事業の種別", "project_kind", Kind::String, "事業の種別。")
                .allowed(kind_values()),
            |c: &ProjectYear| Cell::opt_text(c.base.project.doc.kind.map(|a| a.label())),
        ),
        Column::new(
            Field::new(
                YEAR,
                "fiscal_year",
                Kind::Year,
                "年度（4月始まり）を西暦で。",
            )
            .required(),
            |c: &ProjectYear| Cell::Year(c.year.0),
        ),
        Column::new(
            Field::new(
                WAREKI,
                "fiscal_year_wareki",
                Kind::String,
                "同じ年度の和暦表記。",
            )
            .required(),
            |c: &ProjectYear| wareki(c.year),
        ),
        Column::new(
            Field::new(
                "当該年度の担当課名",
                "department_name_in_year",
                Kind::String,
                "その年度の担当課の名称（名称の履歴から分かる場合のみ）。",
            ),
            |c: &ProjectYear| Cell::opt_text(c.base.dept.and_then(|d| d.name_in(c.year))),
        ),
        Column::new(
            Field::new(money("予算現額"), "budget", Kind::Integer, "予算現額。")
                .unit(unit)
                .minimum(0),
            |c: &ProjectYear| c.base.money(c.record.and_then(|r| r.budget)),
        ),
        Column::new(
            Field::new(
                money("決算額"),
                "settlement",
                Kind::Integer,
                "決算額（見込みを含む）。",
            )
            .unit(unit)
            .minimum(0),
            |c: &ProjectYear| c.base.money(c.record.and_then(|r| r.settlement)),
        ),
        Column::new(
            Field::new(
                "決算額は見込み",
                "settlement_estimated",
                Kind::Boolean,
                "決算額が見込み額なら TRUE、確定額なら FALSE。年度の経費の記載が無い行は空欄。",
            ),
            |c: &ProjectYear| {
                c.record
                    .map_or(Cell::Null, |r| Cell::Bool(r.settlement_estimated))
            },
        ),
        Column::new(
            Field::new(
                "正規職員（人）",
                "regular_staff",
                Kind::Number,
                "正規職員の従事人数（年換算）。",
            )
            .unit("人")
            .minimum(0),
            |c: &ProjectYear| Cell::opt_num(finite(c.record.and_then(|r| r.regular_staff))),
        ),
        Column::new(
            Field::new(
                money("正規職員人件費"),
                "regular_staff_cost",
                Kind::Integer,
                "正規職員の人件費。",
            )
            .unit(unit)
            .minimum(0),
            |c: &ProjectYear| c.base.money(c.record.and_then(|r| r.regular_staff_cost)),
        ),
        Column::new(
            Field::new(
                "非常勤特別職（人）",
                "part_time_staff",
                Kind::Number,
                "その他職員のうち非常勤特別職の従事割合。",
            )
            .unit("人")
            .minimum(0),
            |c: &ProjectYear| Cell::opt_num(finite(c.record.and_then(|r| r.part_time_staff))),
        ),
        Column::new(
            Field::new(
                "臨時職員（人）",
                "temporary_staff",
                Kind::Number,
                "その他職員のうち臨時職員の従事割合。",
            )
            .unit("人")
            .minimum(0),
            |c: &ProjectYear| Cell::opt_num(finite(c.record.and_then(|r| r.temporary_staff))),
        ),
    ]);
    v.extend(rating_columns::<ProjectYear>(
        content,
        "その年度を評価期間とする総合評価の記号（評価が無い・評価対象外なら空欄）。",
    ));
    v
}

/// `projects.csv` restricted to the projects `keep` accepts.
pub fn projects(content: &Content, keep: impl Fn(&Project) -> bool) -> Table {
    let chosen: Vec<(&Series, &Project)> = content.projects().filter(|(_, p)| keep(p)).collect();
    projects_of(content, &chosen)
}

/// `projects.csv` rows of the given projects, in the given order.
pub fn projects_of(content: &Content, chosen: &[(&Series, &Project)]) -> Table {
    let items: Vec<ProjectYear> = chosen
        .iter()
        .flat_map(|(s, p)| project_years(content, s, p))
        .collect();
    Table::new(
        "projects",
        projects_columns(content),
        &items,
        &[PROJECT_ID, YEAR],
        vec![dept_fk()],
    )
}

// ------------------------------------------------------------ indicators.csv

struct IndicatorRow<'a> {
    base: Base<'a>,
    number: usize,
    indicator: &'a Indicator,
    value: &'a IndicatorValue,
}
project_row!(IndicatorRow);

/// `indicators.csv`.
pub fn indicators(content: &Content) -> Table {
    let all: Vec<(&Series, &Project)> = content.projects().collect();
    indicators_of(content, &all)
}

/// `indicators.csv` rows of the given projects, in the given order.
pub fn indicators_of(content: &Content, chosen: &[(&Series, &Project)]) -> Table {
    let mut items = Vec::new();
    for &(s, p) in chosen {
        let base = Base::new(content, s, p);
        for (n, ind) in p.doc.indicators.iter().enumerate() {
            let mut values: Vec<&IndicatorValue> = ind.values.iter().collect();
            values.sort_by_key(|v| v.year);
            for value in values {
                items.push(IndicatorRow {
                    base,
                    number: n + 1,
                    indicator: ind,
                    value,
                });
            }
        }
    }
    let mut columns = project_columns::<IndicatorRow>(false);
    columns.extend([
        Column::new(
            Field::new(
                "指標番号",
                "indicator_number",
                Kind::Integer,
                "事業の中での成果指標の番号（1から）。",
            )
            .required()
            .minimum(1),
            |c: &IndicatorRow| Cell::Int(i64::try_from(c.number).unwrap_or(i64::MAX)),
        ),
        Column::new(
            Field::new("指標名", "indicator_name", Kind::String, "成果指標の名前。").required(),
            |c: &IndicatorRow| Cell::Text(c.indicator.name.clone()),
        ),
        Column::new(
            Field::new("単位", "unit", Kind::String, "目標と実績の単位（例: %、件、回）。"),
            |c: &IndicatorRow| Cell::opt_text(c.indicator.unit.as_deref()),
        ),
        Column::new(
            Field::new(
                "値が大きいほど良い",
                "higher_is_better",
                Kind::Boolean,
                "実績が大きいほど良い指標なら TRUE、小さいほど良い指標なら FALSE。",
            )
            .required(),
            |c: &IndicatorRow| Cell::Bool(c.indicator.higher_is_better),
        ),
        Column::new(
            Field::new(YEAR, "fiscal_year", Kind::Year, "年度（4月始まり）を西暦で。").required(),
            |c: &IndicatorRow| Cell::Year(c.value.year.0),
        ),
        Column::new(
            Field::new(WAREKI, "fiscal_year_wareki", Kind::String, "同じ年度の和暦表記。")
                .required(),
            |c: &IndicatorRow| wareki(c.value.year),
        ),
        Column::new(
            Field::new("目標", "target", Kind::Number, "目標値（単位は「単位」列）。"),
            |c: &IndicatorRow| Cell::opt_num(finite(c.value.target)),
        ),
        Column::new(
            Field::new("実績", "result", Kind::Number, "実績値（単位は「単位」列）。"),
            |c: &IndicatorRow| Cell::opt_num(finite(c.value.result)),
        ),
        Column::new(
            Field::new(
                "達成率（％）",
                "achievement_percent",
                Kind::Number,
                "実績÷目標（小さいほど良い指標は目標÷実績）を百分率で、小数第1位に丸めた値。目標か実績が無い、または割る数が0なら空欄。",
            )
            .unit("％"),
            |c: &IndicatorRow| {
                Cell::opt_num(finite(achievement(
                    finite(c.value.target),
                    finite(c.value.result),
                    c.indicator.higher_is_better,
                )))
            },
        ),
        Column::new(
            Field::new(
                "備考",
                "remark",
                Kind::String,
                "数値の代わり、または数値と並べて書かれた記載（例: 中止）。",
            ),
            |c: &IndicatorRow| Cell::opt_text(c.value.remark.as_deref()),
        ),
    ]);
    Table::new(
        "indicators",
        columns,
        &items,
        &[PROJECT_ID, "指標番号", YEAR],
        vec![dept_fk()],
    )
}

// ------------------------------------------------------------ ratings.csv

struct RatingRow<'a> {
    base: Base<'a>,
    period: &'a PeriodDef,
    evaluation: Option<&'a Evaluation>,
}
project_row!(RatingRow);

impl Rated for RatingRow<'_> {
    fn evaluation(&self) -> Option<&Evaluation> {
        self.evaluation
    }
}

/// `ratings.csv`: every project in every evaluation period of its series
/// (a period without an evaluation entry gives a row with an empty rating).
pub fn ratings(content: &Content) -> Table {
    let all: Vec<(&Series, &Project)> = content.projects().collect();
    ratings_of(content, &all)
}

/// `ratings.csv` rows of the given projects, in the given order.
pub fn ratings_of(content: &Content, chosen: &[(&Series, &Project)]) -> Table {
    let mut items = Vec::new();
    for &(s, p) in chosen {
        let base = Base::new(content, s, p);
        for period in &s.doc.periods {
            items.push(RatingRow {
                base,
                period,
                evaluation: p.doc.evaluations.iter().find(|e| e.period == period.id),
            });
        }
    }
    let mut columns = project_columns::<RatingRow>(true);
    columns.extend([
        Column::new(
            Field::new(
                "評価期間ID",
                "period_id",
                Kind::String,
                "評価期間の識別子（例: fy2021、総括は overall）。",
            )
            .required(),
            |c: &RatingRow| Cell::Text(c.period.id.clone()),
        ),
        Column::new(
            Field::new(
                "評価期間",
                "period_label",
                Kind::String,
                "評価期間の名前（例: 令和3年度、総括）。",
            )
            .required(),
            |c: &RatingRow| Cell::Text(c.period.label.clone()),
        ),
        Column::new(
            Field::new(
                "評価期間の最初の年度（西暦）",
                "period_from",
                Kind::Year,
                "評価期間の最初の年度を西暦で。",
            )
            .required(),
            |c: &RatingRow| Cell::Year(c.period.from.0),
        ),
        Column::new(
            Field::new(
                "評価期間の最初の年度（和暦）",
                "period_from_wareki",
                Kind::String,
                "評価期間の最初の年度の和暦表記。",
            )
            .required(),
            |c: &RatingRow| wareki(c.period.from),
        ),
        Column::new(
            Field::new(
                "評価期間の最後の年度（西暦）",
                "period_until",
                Kind::Year,
                "評価期間の最後の年度を西暦で（1年度だけの期間は最初の年度と同じ）。",
            )
            .required(),
            |c: &RatingRow| Cell::Year(c.period.until.0),
        ),
        Column::new(
            Field::new(
                "評価期間の最後の年度（和暦）",
                "period_until_wareki",
                Kind::String,
                "評価期間の最後の年度の和暦表記。",
            )
            .required(),
            |c: &RatingRow| wareki(c.period.until),
        ),
    ]);
    columns.extend(rating_columns::<RatingRow>(
        content,
        "総合評価の記号。評価されていない場合は空欄（理由は「備考」）。",
    ));
    columns.extend([Column::new(
        Field::new(
            "備考",
            "remark",
            Kind::String,
            "評価に添えられた記載（例: 評価対象外）。",
        ),
        |c: &RatingRow| Cell::opt_text(c.evaluation.and_then(|e| e.remark.as_deref())),
    )]);
    Table::new(
        "ratings",
        columns,
        &items,
        &[PROJECT_ID, "評価期間ID"],
        vec![dept_fk()],
    )
}

// ------------------------------------------------------------ departments

struct DeptRow<'a> {
    content: &'a Content,
    dept: &'a Department,
    projects: usize,
}

impl Site for DeptRow<'_> {
    fn content(&self) -> &Content {
        self.content
    }
}

/// Separator of former names in one cell of `departments.csv`.
pub const NAME_SEPARATOR: &str = "、";

/// `departments.csv`.
pub fn departments(content: &Content) -> Table {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, p) in content.projects() {
        *counts.entry(p.doc.department.as_str()).or_default() += 1;
    }
    let items: Vec<DeptRow> = content
        .org
        .departments
        .iter()
        .map(|dept| DeptRow {
            content,
            dept,
            projects: counts.get(dept.id.as_str()).copied().unwrap_or(0),
        })
        .collect();
    let mut columns = municipality_columns::<DeptRow>();
    columns.extend([
        Column::new(
            Field::new(
                DEPARTMENT_ID,
                "department_id",
                Kind::String,
                "課の識別子（半角）。名称が変わっても変わりません。",
            )
            .required(),
            |c: &DeptRow| Cell::Text(c.dept.id.clone()),
        ),
        Column::new(
            Field::new("課名", "department_name", Kind::String, "課・室・所の現在の名称。")
                .required(),
            |c: &DeptRow| Cell::Text(c.dept.current_name().to_string()),
        ),
        Column::new(
            Field::new("部ID", "division_id", Kind::String, "属する部の識別子（不明なら空欄）。"),
            |c: &DeptRow| Cell::opt_text(c.dept.division.as_deref()),
        ),
        Column::new(
            Field::new("部名", "division_name", Kind::String, "属する部の名前（不明なら空欄）。"),
            |c: &DeptRow| {
                Cell::opt_text(
                    c.dept
                        .division
                        .as_deref()
                        .and_then(|id| c.content.division(id))
                        .map(|d| d.name.as_str()),
                )
            },
        ),
        Column::new(
            Field::new(
                "旧名称",
                "former_names",
                Kind::String,
                "現在より前の名称（古い順に「、」で区切る。1つずつの行と年度は department-names.csv）。",
            ),
            |c: &DeptRow| {
                let former = c.dept.former_names();
                if former.is_empty() {
                    Cell::Null
                } else {
                    Cell::Text(former.join(NAME_SEPARATOR))
                }
            },
        ),
        Column::new(
            Field::new(
                "事業数",
                "project_count",
                Kind::Integer,
                "この課が担当する事業の数（すべてのシリーズの合計）。",
            )
            .unit("件")
            .required()
            .minimum(0),
            |c: &DeptRow| Cell::Int(i64::try_from(c.projects).unwrap_or(i64::MAX)),
        ),
    ]);
    Table::new("departments", columns, &items, &[DEPARTMENT_ID], vec![])
}

struct NameRow<'a> {
    content: &'a Content,
    dept: &'a Department,
    number: usize,
    name: &'a DepartmentName,
}

impl Site for NameRow<'_> {
    fn content(&self) -> &Content {
        self.content
    }
}

/// `department-names.csv`: every name of every department, oldest first.
pub fn department_names(content: &Content) -> Table {
    let items: Vec<NameRow> = content
        .org
        .departments
        .iter()
        .flat_map(|dept| {
            dept.names.iter().enumerate().map(move |(n, name)| NameRow {
                content,
                dept,
                number: n + 1,
                name,
            })
        })
        .collect();
    let mut columns = municipality_columns::<NameRow>();
    columns.extend([
        Column::new(
            Field::new(
                DEPARTMENT_ID,
                "department_id",
                Kind::String,
                "課の識別子（departments.csv の課ID）。",
            )
            .required(),
            |c: &NameRow| Cell::Text(c.dept.id.clone()),
        ),
        Column::new(
            Field::new(
                "名称の順番",
                "name_number",
                Kind::Integer,
                "古い順の番号（1から）。最後が現在の名称。",
            )
            .required()
            .minimum(1),
            |c: &NameRow| Cell::Int(i64::try_from(c.number).unwrap_or(i64::MAX)),
        ),
        Column::new(
            Field::new("名称", "name", Kind::String, "課・室・所の名称。").required(),
            |c: &NameRow| Cell::Text(c.name.name.clone()),
        ),
        Column::new(
            Field::new(
                "現在の名称",
                "is_current",
                Kind::Boolean,
                "現在の名称なら TRUE。",
            )
            .required(),
            |c: &NameRow| Cell::Bool(c.number == c.dept.names.len()),
        ),
        Column::new(
            Field::new(
                "最初の年度（西暦）",
                "from_year",
                Kind::Year,
                "この名称が使われた最初の年度（不明なら空欄）。",
            ),
            |c: &NameRow| c.name.from.map_or(Cell::Null, |y| Cell::Year(y.0)),
        ),
        Column::new(
            Field::new(
                "最初の年度（和暦）",
                "from_year_wareki",
                Kind::String,
                "最初の年度の和暦表記。",
            ),
            |c: &NameRow| c.name.from.map_or(Cell::Null, wareki),
        ),
        Column::new(
            Field::new(
                "最後の年度（西暦）",
                "until_year",
                Kind::Year,
                "この名称が使われた最後の年度（現在も使用中・不明なら空欄）。",
            ),
            |c: &NameRow| c.name.until.map_or(Cell::Null, |y| Cell::Year(y.0)),
        ),
        Column::new(
            Field::new(
                "最後の年度（和暦）",
                "until_year_wareki",
                Kind::String,
                "最後の年度の和暦表記。",
            ),
            |c: &NameRow| c.name.until.map_or(Cell::Null, wareki),
        ),
    ]);
    Table::new(
        "department-names",
        columns,
        &items,
        &[DEPARTMENT_ID, "名称の順番"],
        vec![dept_fk()],
    )
}
