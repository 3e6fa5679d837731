//! `data/projects.json`: every project as a nested record. The keys of the
//! YAML model are kept as they are (so a record minus the added keys is the
//! project file), and resolved names, labels and computed values are added
//! beside them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::aggregate::achievement;
use crate::content::{Content, Project, Series};
use crate::fiscal::FiscalYear;
use crate::model::{
    Account, Activity, DepartmentName, Evaluation, Evaluator, FiscalYearRecord, GeneralPlan,
    Indicator, IndicatorValue, License, MoneyUnit, Period, PlanRank, ProjectKind, Sdgs,
};

use super::finite;

/// `data/projects.json`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "事務事業評価オープンデータ（全事業）")]
pub struct ProjectsFile {
    /// Site title.
    #[schemars(title = "データセットの名前")]
    pub title: String,
    /// Municipality.
    #[schemars(title = "地方公共団体名")]
    pub municipality: String,
    /// 全国地方公共団体コード.
    #[schemars(title = "全国地方公共団体コード")]
    pub municipality_code: String,
    /// Licence and attribution.
    #[schemars(title = "ライセンスと出典の表記")]
    pub license: License,
    /// When the export was made.
    #[schemars(title = "作成日")]
    pub created: String,
    /// Version of the layout of the exported files.
    #[schemars(title = "データ形式の版")]
    pub format_version: String,
    /// Every project, series by series, by id.
    #[schemars(title = "事業")]
    pub projects: Vec<ProjectRecord>,
}

/// One project with resolved names and computed values. Also written alone
/// as `data/projects/<id>.json`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "事業")]
pub struct ProjectRecord {
    /// Project id (file name).
    #[schemars(title = "事業ID")]
    pub id: String,
    /// Series id (folder name).
    #[schemars(title = "シリーズID")]
    pub series_id: String,
    /// Series title.
    #[schemars(title = "シリーズ名")]
    pub series_title: String,
    /// Unit of every amount of money in this record.
    #[schemars(title = "金額の単位")]
    pub money_unit: MoneyUnit,
    /// 事務事業名称 / システム名.
    #[schemars(title = "事務事業名称・システム名")]
    pub name: String,
    /// Department id.
    #[schemars(title = "担当課のID")]
    pub department: String,
    /// Current name of the department.
    #[schemars(title = "担当課の現在の名称")]
    pub department_name: String,
    /// Every name of the department, oldest first.
    #[schemars(title = "担当課の名称の履歴（古い順）")]
    pub department_names: Vec<DepartmentName>,
    /// The 部 of the department, when known.
    #[schemars(title = "部（不明なら null）")]
    pub division: Option<DivisionRef>,
    /// Group id.
    #[schemars(title = "グループのID")]
    pub group: Option<String>,
    /// Group label.
    #[schemars(title = "グループの名前")]
    pub group_label: Option<String>,
    /// Summary (markdown).
    #[schemars(title = "事業の目的及び具体的な内容（Markdown）")]
    pub summary: Option<String>,
    /// 会計.
    #[schemars(title = "会計")]
    pub account: Option<Account>,
    /// 実施計画ランク.
    #[schemars(title = "実施計画ランク")]
    pub plan_rank: Option<PlanRank>,
    /// 事業の種別.
    #[schemars(title = "事業の種別")]
    pub kind: Option<ProjectKind>,
    /// 期間.
    #[schemars(title = "期間")]
    pub period: Option<Period>,
    /// 根拠法令.
    #[schemars(title = "根拠法令")]
    pub legal_basis: Vec<String>,
    /// 総合計画での位置付け.
    #[schemars(title = "総合計画での位置付け")]
    pub general_plan: Option<GeneralPlan>,
    /// Cost, staff and activities per fiscal year (as in the file).
    #[schemars(title = "年度ごとの経費・人員・活動実績")]
    pub fiscal_years: Vec<FiscalYearOut>,
    /// 成果指標.
    #[schemars(title = "成果指標")]
    pub indicators: Vec<IndicatorOut>,
    /// 評価.
    #[schemars(title = "評価（期間ごと）")]
    pub evaluations: Vec<EvaluationOut>,
    /// SDGsへの貢献.
    #[schemars(title = "SDGsへの貢献")]
    pub sdgs: Option<Sdgs>,
    /// 出典.
    #[schemars(title = "出典")]
    pub source: SourceOut,
    /// Transcription notes.
    #[schemars(title = "転記メモ")]
    pub notes: Vec<String>,
}

/// A 部.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DivisionRef {
    /// Id.
    #[schemars(title = "部のID")]
    pub id: String,
    /// Name.
    #[schemars(title = "部の名前")]
    pub name: String,
}

/// One fiscal year of cost and staff.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FiscalYearOut {
    /// Fiscal year (western).
    #[schemars(title = "年度（西暦）")]
    pub year: FiscalYear,
    /// Fiscal year in 和暦.
    #[schemars(title = "年度（和暦）", example = &"令和元年度")]
    pub wareki: String,
    /// Name of the department in that year, when known from its history.
    #[schemars(title = "その年度の担当課の名称（不明なら null）")]
    pub department_name: Option<String>,
    /// 予算現額 (money_unit).
    #[schemars(title = "予算現額（money_unit の単位）")]
    pub budget: Option<i64>,
    /// 決算額 (money_unit).
    #[schemars(title = "決算額（money_unit の単位）")]
    pub settlement: Option<i64>,
    /// The settlement is an estimate.
    #[schemars(title = "決算額は見込みか")]
    pub settlement_estimated: bool,
    /// 正規職員 (人).
    #[schemars(title = "正規職員（人）")]
    pub regular_staff: Option<f64>,
    /// 正規職員人件費 (money_unit).
    #[schemars(title = "正規職員人件費（money_unit の単位）")]
    pub regular_staff_cost: Option<i64>,
    /// 非常勤特別職 (人).
    #[schemars(title = "その他職員 非常勤特別職（人）")]
    pub part_time_staff: Option<f64>,
    /// 臨時職員 (人).
    #[schemars(title = "その他職員 臨時職員（人）")]
    pub temporary_staff: Option<f64>,
    /// 活動実績.
    #[schemars(title = "活動実績")]
    pub activities: Vec<Activity>,
}

/// 成果指標.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorOut {
    /// 指標名.
    #[schemars(title = "指標名")]
    pub name: String,
    /// 目標設定の考え方・根拠.
    #[schemars(title = "目標設定の考え方・根拠")]
    pub rationale: Option<String>,
    /// Unit.
    #[schemars(title = "単位")]
    pub unit: Option<String>,
    /// Whether a higher result is better.
    #[schemars(title = "値が大きいほど良いか")]
    pub higher_is_better: bool,
    /// Target and result per year.
    #[schemars(title = "年度ごとの目標と実績")]
    pub values: Vec<IndicatorValueOut>,
    /// 目標値が未達成の理由・分析.
    #[schemars(title = "目標値が未達成の理由・分析")]
    pub unmet_reason: Option<String>,
}

/// Target, result and achievement of one year.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorValueOut {
    /// Fiscal year (western).
    #[schemars(title = "年度（西暦）")]
    pub year: FiscalYear,
    /// Fiscal year in 和暦.
    #[schemars(title = "年度（和暦）")]
    pub wareki: String,
    /// 目標.
    #[schemars(title = "目標")]
    pub target: Option<f64>,
    /// 実績.
    #[schemars(title = "実績")]
    pub result: Option<f64>,
    /// Text printed instead of, or beside, a number.
    #[schemars(title = "備考")]
    pub remark: Option<String>,
    /// Achievement in percent: result ÷ target (target ÷ result when lower
    /// is better), rounded to one decimal; null when not computable.
    #[schemars(title = "達成率（％、小数第1位）")]
    pub achievement: Option<f64>,
}

/// The evaluation of one period.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct EvaluationOut {
    /// Period id.
    #[schemars(title = "評価期間のID")]
    pub period: String,
    /// Period label.
    #[schemars(title = "評価期間の名前")]
    pub period_label: String,
    /// First fiscal year of the period.
    #[schemars(title = "評価期間の最初の年度（西暦）")]
    pub period_from: FiscalYear,
    /// Last fiscal year of the period.
    #[schemars(title = "評価期間の最後の年度（西暦）")]
    pub period_until: FiscalYear,
    /// Rating code; null when not rated.
    #[schemars(title = "総合評価（記号。評価対象外は null）")]
    pub rating: Option<String>,
    /// Label of the rating on the series' scale.
    #[schemars(title = "総合評価の名前（資料に無ければ null）")]
    pub rating_label: Option<String>,
    /// 評価理由.
    #[schemars(title = "評価理由")]
    pub reason: Option<String>,
    /// 改善した点.
    #[schemars(title = "改善した点")]
    pub improvements: Option<String>,
    /// 現状の課題.
    #[schemars(title = "現状の課題")]
    pub challenges: Option<String>,
    /// 今後の取り組み.
    #[schemars(title = "今後の取り組み")]
    pub next_steps: Option<String>,
    /// 評価者.
    #[schemars(title = "評価者")]
    pub evaluator: Option<Evaluator>,
    /// Remark such as 評価対象外.
    #[schemars(title = "備考")]
    pub remark: Option<String>,
}

/// The source document of a project.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SourceOut {
    /// Source id.
    #[schemars(title = "資料のID")]
    pub document: String,
    /// Title.
    #[schemars(title = "資料名")]
    pub title: Option<String>,
    /// Publisher.
    #[schemars(title = "発行者")]
    pub publisher: Option<String>,
    /// URL of the original.
    #[schemars(title = "原本のURL")]
    pub url: Option<String>,
    /// Page.
    #[schemars(title = "ページ")]
    pub page: Option<u32>,
    /// Position on the page.
    #[schemars(title = "ページ内の位置")]
    pub position: Option<u32>,
}

fn fiscal_year(content: &Content, dept: &str, fy: &FiscalYearRecord) -> FiscalYearOut {
    FiscalYearOut {
        year: fy.year,
        wareki: fy.year.wareki(),
        department_name: content
            .department(dept)
            .and_then(|d| d.name_in(fy.year))
            .map(str::to_string),
        budget: fy.budget,
        settlement: fy.settlement,
        settlement_estimated: fy.settlement_estimated,
        regular_staff: finite(fy.regular_staff),
        regular_staff_cost: fy.regular_staff_cost,
        part_time_staff: finite(fy.part_time_staff),
        temporary_staff: finite(fy.temporary_staff),
        activities: fy.activities.clone(),
    }
}

fn indicator_value(ind: &Indicator, v: &IndicatorValue) -> IndicatorValueOut {
    let (target, result) = (finite(v.target), finite(v.result));
    IndicatorValueOut {
        year: v.year,
        wareki: v.year.wareki(),
        target,
        result,
        remark: v.remark.clone(),
        achievement: finite(achievement(target, result, ind.higher_is_better)),
    }
}

fn indicator(ind: &Indicator) -> IndicatorOut {
    IndicatorOut {
        name: ind.name.clone(),
        rationale: ind.rationale.clone(),
        unit: ind.unit.clone(),
        higher_is_better: ind.higher_is_better,
        values: ind.values.iter().map(|v| indicator_value(ind, v)).collect(),
        unmet_reason: ind.unmet_reason.clone(),
    }
}

fn evaluation(series: &Series, e: &Evaluation) -> EvaluationOut {
    // The loader guarantees the period exists; fall back to the id anyway.
    let def = series.doc.periods.iter().find(|p| p.id == e.period);
    let first = series
        .doc
        .periods
        .first()
        .map_or(FiscalYear(crate::fiscal::MIN_YEAR), |p| p.from);
    EvaluationOut {
        period: e.period.clone(),
        period_label: def.map_or_else(|| e.period.clone(), |p| p.label.clone()),
        period_from: def.map_or(first, |p| p.from),
        period_until: def.map_or(first, |p| p.until),
        rating: e.rating.clone(),
        rating_label: e
            .rating
            .as_deref()
            .and_then(|r| series.doc.level(r))
            .and_then(|l| l.label.clone()),
        reason: e.reason.clone(),
        improvements: e.improvements.clone(),
        challenges: e.challenges.clone(),
        next_steps: e.next_steps.clone(),
        evaluator: e.evaluator.clone(),
        remark: e.remark.clone(),
    }
}

/// The record of one project.
pub fn project_record(content: &Content, series: &Series, project: &Project) -> ProjectRecord {
    let d = &project.doc;
    let dept = content.department(&d.department);
    let src = series
        .doc
        .sources
        .iter()
        .find(|s| s.id == d.source.document);
    ProjectRecord {
        id: project.id.clone(),
        series_id: series.id.clone(),
        series_title: series.doc.title.clone(),
        money_unit: series.doc.money_unit,
        name: d.name.clone(),
        department: d.department.clone(),
        department_name: dept
            .map_or_else(|| d.department.clone(), |x| x.current_name().to_string()),
        department_names: dept.map(|x| x.names.clone()).unwrap_or_default(),
        division: dept
            .and_then(|x| x.division.as_deref())
            .and_then(|id| content.division(id))
            .map(|v| DivisionRef {
                id: v.id.clone(),
                name: v.name.clone(),
            }),
        group: d.group.clone(),
        group_label: group_label(series, d.group.as_deref()),
        summary: d.summary.clone(),
        account: d.account,
        plan_rank: d.plan_rank,
        kind: d.kind,
        period: d.period.clone(),
        legal_basis: d.legal_basis.clone(),
        general_plan: d.general_plan.clone(),
        fiscal_years: d
            .fiscal_years
            .iter()
            .map(|fy| fiscal_year(content, &d.department, fy))
            .collect(),
        indicators: d.indicators.iter().map(indicator).collect(),
        evaluations: d
            .evaluations
            .iter()
            .map(|e| evaluation(series, e))
            .collect(),
        sdgs: d.sdgs.clone(),
        source: SourceOut {
            document: d.source.document.clone(),
            title: src.map(|s| s.title.clone()),
            publisher: src.map(|s| s.publisher.clone()),
            url: src.and_then(|s| s.url.clone()),
            page: d.source.page,
            position: d.source.position,
        },
        notes: d.notes.clone(),
    }
}

/// Label of a group of `series`.
pub fn group_label(series: &Series, group: Option<&str>) -> Option<String> {
    series.doc.group_label(group?).map(str::to_string)
}

/// The JSON Schema of `data/projects.json` (draft 2020-12).
pub fn projects_schema(id: &str) -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<ProjectsFile>();
    schema.insert("$id".into(), serde_json::Value::String(id.to_string()));
    schema.to_value()
}
