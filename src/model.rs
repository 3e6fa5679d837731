//! The content model: the Rust types that every YAML file deserializes into.
//!
//! These types are the single source of truth for the file format: `hyoka check`
//! validates against them, the JSON Schemas under `schema/` are generated from
//! them, and every later stage (aggregate, render, export) reads them.
//! Field names are ASCII; categorical values use the words printed on the
//! evaluation sheet (一般, 最優先, 自治事務…) so a clerk recognises them.
//!
//! This file is longer than the others on purpose: it is the whole file
//! format in one place, in the order of the printed sheet, and each field's
//! doc comment is the label an editor shows (through the generated schema).
//! It holds types and their small accessors only, no logic.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::fiscal::FiscalYear;

/// Largest amount of money one field may hold (予算現額, 決算額, 正規職員人件費),
/// in the series' money unit: 10^12, i.e. 1,000,000,000,000 千円 (1,000兆円)
/// with the sheets' 千円. `hyoka check` enforces it and the schema states it.
/// It keeps every figure exact as a float (below 2^53) and in yen, and
/// leaves room for the sum of about nine thousand such maxima in yen before
/// i64 runs out; the sums are checked anyway ([`crate::aggregate`]).
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// Largest staff number (正規職員 and その他職員, 人) `hyoka check` accepts.
pub const MAX_STAFF: f64 = 10_000.0;

/// SDG goal numbers run from 1 to this (17 goals). `hyoka check` enforces
/// it and the schema states it.
pub const SDG_GOAL_MAX: u8 = 17;

/// At most this many goals in `sdgs.goals` (the sheet's 「最大3つ」).
pub const MAX_SDG_GOALS: usize = 3;

/// `content/site.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "サイト設定（site.yaml）")]
pub struct SiteDoc {
    /// Municipality name.
    #[schemars(title = "自治体名", example = &"所沢市")]
    pub municipality: String,
    /// 全国地方公共団体コード, six digits including the check digit.
    #[schemars(
        title = "全国地方公共団体コード（6桁、検査数字を含む）",
        example = &"112089"
    )]
    pub municipality_code: String,
    /// Site title.
    #[schemars(title = "サイトの名前")]
    pub title: String,
    /// One-paragraph description shown on the home page (markdown).
    #[serde(default)]
    #[schemars(title = "サイトの説明（Markdown）")]
    pub description: Option<String>,
    /// Data licence.
    #[serde(default)]
    #[schemars(title = "ライセンス")]
    pub license: License,
    /// Public base URL, used only for sitemap, canonical and OGP tags.
    #[serde(default)]
    #[schemars(title = "公開URL（例: https://city.example/hyoka/）")]
    pub base_url: Option<String>,
    /// Date the data was last updated (YYYY-MM-DD); used as the data
    /// package's `created` and the catalogue's `modified`, so builds stay
    /// reproducible.
    #[serde(default)]
    #[schemars(
        title = "データの更新日（YYYY-MM-DD）",
        regex(pattern = r"^\d{4}-\d{2}-\d{2}$")
    )]
    pub updated: Option<String>,
    /// What the data is: the municipality's own publication or someone
    /// else's transcription of it, with the notice every page shows.
    /// Required: `check` reports a site.yaml without it (no default could
    /// be true for every site). No `serde(default)`: a missing Option is
    /// None all the same, and the schema marks the field required.
    #[schemars(
        required,
        title = "データの出どころ（自治体自身の公表か、第三者の転記か）"
    )]
    pub provenance: Option<Provenance>,
    /// Language tag of the site.
    #[serde(default = "default_language")]
    #[schemars(title = "言語")]
    pub language: String,
    /// Who answers questions about the data (the catalogue's
    /// `contactPoint`).
    #[serde(default)]
    #[schemars(title = "問い合わせ先（不明なら null）")]
    pub contact: Option<Contact>,
}

/// Where the data comes from (`site.yaml`'s `provenance`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// Whether the municipality publishes this data itself.
    #[schemars(
        title = "種類: official（自治体自身が公表）| transcription（公表資料を第三者が転記）"
    )]
    pub kind: ProvenanceKind,
    /// The sentence every page shows; null gives a default sentence for
    /// the kind ([`Provenance::notice_for`]).
    #[serde(default)]
    #[schemars(
        title = "すべてのページに表示するお知らせの文（null なら種類に応じた定型文）",
        example = &"このサイトのデータは、所沢市が公表した PDF を第三者が転記したものです。正式な内容は元の資料をご確認ください。"
    )]
    pub notice: Option<String>,
}

/// Who made the data of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProvenanceKind {
    /// The municipality's own publication.
    #[schemars(title = "自治体自身が公表したデータ")]
    Official,
    /// A transcription of the municipality's publications by someone else.
    #[schemars(title = "自治体の公表資料を第三者が転記したデータ")]
    Transcription,
}

impl Provenance {
    /// The notice to show: `notice` when given, else a sentence for the
    /// kind naming `municipality`.
    pub fn notice_for(&self, municipality: &str) -> String {
        match self.notice.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => match self.kind {
                ProvenanceKind::Official => {
                    format!("このサイトのデータは、{municipality}が公表したものです。")
                }
                ProvenanceKind::Transcription => format!(
                    "このサイトのデータは、{municipality}が公表した資料を第三者が転記したものです。正式な内容は元の資料をご確認ください。"
                ),
            },
        }
    }
}

/// The office that answers questions about the data. Fill in only what the
/// publication states; leave the rest null.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Office (課) name.
    #[serde(default)]
    #[schemars(title = "担当課の名前", example = &"経営企画課")]
    pub office: Option<String>,
    /// E-mail address (without `mailto:`).
    #[serde(default)]
    #[schemars(
        title = "メールアドレス",
        regex(pattern = r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    )]
    pub email: Option<String>,
    /// Page with the office's contact details.
    #[serde(default)]
    #[schemars(title = "問い合わせ先のページのURL")]
    pub url: Option<String>,
}

impl SiteDoc {
    /// The provenance notice every page shows (none only when
    /// `provenance` is missing, which `check` refuses).
    pub fn notice(&self) -> Option<String> {
        self.provenance
            .as_ref()
            .map(|p| p.notice_for(&self.municipality))
    }

    /// Whether `contact` gives any way to reach someone.
    pub fn has_contact(&self) -> bool {
        self.contact.as_ref().is_some_and(|c| {
            [&c.office, &c.email, &c.url]
                .iter()
                .any(|v| v.as_deref().is_some_and(|s| !s.trim().is_empty()))
        })
    }
}

fn default_language() -> String {
    "ja".to_string()
}

/// Licence of the published data.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// SPDX-like identifier.
    #[schemars(title = "ライセンスの識別子", example = &"CC-BY-4.0")]
    pub id: String,
    /// Human-readable name.
    #[schemars(title = "ライセンス名")]
    pub name: String,
    /// Licence URL.
    #[schemars(title = "ライセンスのURL")]
    pub url: String,
    /// Attribution (出典) text users must show.
    #[schemars(title = "出典の表記")]
    pub attribution: String,
}

impl Default for License {
    fn default() -> Self {
        License {
            id: "CC-BY-4.0".into(),
            name: "クリエイティブ・コモンズ 表示 4.0 国際".into(),
            url: "https://creativecommons.org/licenses/by/4.0/deed.ja".into(),
            attribution: "出典：事務事業評価オープンデータ".into(),
        }
    }
}

/// `content/departments.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "組織（departments.yaml）")]
pub struct DepartmentsDoc {
    /// 部 (divisions) that departments belong to.
    #[serde(default)]
    #[schemars(title = "部の一覧")]
    pub divisions: Vec<Division>,
    /// 課・室・所 (departments).
    #[schemars(title = "課の一覧")]
    pub departments: Vec<Department>,
}

/// A 部.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Division {
    /// Stable ASCII id.
    #[schemars(title = "部のID（半角英小文字・数字・ハイフン）")]
    pub id: String,
    /// Name.
    #[schemars(title = "部の名前")]
    pub name: String,
}

/// A department (課). Its id never changes, its name may.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// Stable ASCII id used in URLs and project files.
    #[schemars(title = "課のID（半角英小文字・数字・ハイフン。変えないこと）")]
    pub id: String,
    /// The 部 it belongs to, when known.
    #[serde(default)]
    #[schemars(title = "所属する部のID（不明なら null）")]
    pub division: Option<String>,
    /// Names over time, oldest first; the last one is the current name.
    #[schemars(title = "名称（古い順。最後が現在の名称）")]
    pub names: Vec<DepartmentName>,
    /// Notes (e.g. where the name history comes from).
    #[serde(default)]
    #[schemars(title = "備考")]
    pub notes: Vec<String>,
}

/// One name of a department and the fiscal years it is known to apply to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentName {
    /// The name.
    #[schemars(title = "名称")]
    pub name: String,
    /// First fiscal year the name applies to (null: unknown / from the start).
    #[serde(default)]
    #[schemars(title = "この名称の最初の年度（不明なら null）")]
    pub from: Option<FiscalYear>,
    /// Last fiscal year the name applies to (null: unknown / still in use).
    #[serde(default)]
    #[schemars(title = "この名称の最後の年度（現在も使用中・不明なら null）")]
    pub until: Option<FiscalYear>,
}

/// `_series.yaml` in a series folder.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "評価シリーズ（_series.yaml）")]
pub struct SeriesDoc {
    /// Title.
    #[schemars(title = "シリーズ名", example = &"事務事業評価")]
    pub title: String,
    /// What the series is (markdown).
    #[serde(default)]
    #[schemars(title = "説明（Markdown）")]
    pub description: Option<String>,
    /// Unit of every amount of money in this series.
    #[serde(default)]
    #[schemars(title = "金額の単位")]
    pub money_unit: MoneyUnit,
    /// The rating scale, best first.
    #[schemars(title = "評価の段階（良い順）")]
    pub scale: Vec<ScaleLevel>,
    /// Codes whose combined share is shown in summary tables (the ICT plan's
    /// 「AまたはB 評価の割合」). Empty: no such column.
    #[serde(default)]
    #[schemars(title = "合計の割合を示す評価（例: A と B →「AまたはB評価の割合」）")]
    pub summary_codes: Vec<String>,
    /// Grouping dimension (e.g. the ICT plan's visions). When absent, projects
    /// are grouped by the 部 of their department.
    #[serde(default)]
    #[schemars(title = "グループ分け（例: ビジョン）")]
    pub grouping: Option<Grouping>,
    /// Evaluation periods, in order.
    #[schemars(title = "評価の期間（年度・総括など）")]
    pub periods: Vec<PeriodDef>,
    /// Source documents.
    #[schemars(title = "出典資料")]
    pub sources: Vec<SourceDoc>,
    /// The parts of the sheet this series' projects have; pages show only
    /// these. Absent: every part (the 事務事業評価シート).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "このシリーズの事業にある欄（省略するとすべての欄。書かない欄はページに出ません）",
        extend("uniqueItems" = true)
    )]
    pub sections: Option<Vec<Section>>,
    /// What one project of the series is called on its pages (事業,
    /// システム). Absent: 事業.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "1件の呼び方（省略すると「事業」）", example = &"システム")]
    pub noun: Option<String>,
    /// Order on the home page (smaller first).
    #[serde(default)]
    #[schemars(title = "表示順")]
    pub order: i32,
}

/// A part of the evaluation sheet that a series may declare in
/// `sections` (the name, the department, the group, the ratings and the
/// source are always there). The titles are the sheet's labels, which the
/// project page also uses ([`Section::label`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// `summary`.
    #[schemars(title = "事業の目的及び具体的な内容")]
    Summary,
    /// `account`.
    #[schemars(title = "会計")]
    Account,
    /// `plan_rank`.
    #[schemars(title = "実施計画ランク")]
    PlanRank,
    /// `kind`.
    #[schemars(title = "事業の種別")]
    Kind,
    /// `period`.
    #[schemars(title = "期間")]
    Period,
    /// `legal_basis`.
    #[schemars(title = "根拠法令")]
    LegalBasis,
    /// `general_plan`.
    #[schemars(title = "総合計画での位置付け")]
    GeneralPlan,
    /// `fiscal_years[].budget`, `settlement`, `settlement_estimated`.
    #[schemars(title = "経費（予算現額・決算額）")]
    Costs,
    /// `fiscal_years[]` staff numbers and 正規職員人件費.
    #[schemars(title = "人員（正規職員・その他職員・正規職員人件費）")]
    Staff,
    /// `fiscal_years[].activities`.
    #[schemars(title = "活動実績")]
    Activities,
    /// `indicators`.
    #[schemars(title = "成果指標")]
    Indicators,
    /// `evaluations[].reason`.
    #[schemars(title = "評価理由")]
    Reason,
    /// `evaluations[].improvements`.
    #[schemars(title = "改善した点")]
    Improvements,
    /// `evaluations[].challenges`.
    #[schemars(title = "現状の課題")]
    Challenges,
    /// `evaluations[].next_steps`.
    #[schemars(title = "今後の取り組み")]
    NextSteps,
    /// `evaluations[].evaluator`.
    #[schemars(title = "評価者")]
    Evaluator,
    /// `sdgs`.
    #[schemars(title = "SDGsへの貢献")]
    Sdgs,
}

impl Section {
    /// Every section, in the order of the sheet.
    pub const ALL: [Section; 17] = [
        Section::Summary,
        Section::Account,
        Section::PlanRank,
        Section::Kind,
        Section::Period,
        Section::LegalBasis,
        Section::GeneralPlan,
        Section::Costs,
        Section::Staff,
        Section::Activities,
        Section::Indicators,
        Section::Reason,
        Section::Improvements,
        Section::Challenges,
        Section::NextSteps,
        Section::Evaluator,
        Section::Sdgs,
    ];

    /// The name written in `sections` (and the template's flag).
    pub fn id(self) -> &'static str {
        match self {
            Section::Summary => "summary",
            Section::Account => "account",
            Section::PlanRank => "plan_rank",
            Section::Kind => "kind",
            Section::Period => "period",
            Section::LegalBasis => "legal_basis",
            Section::GeneralPlan => "general_plan",
            Section::Costs => "costs",
            Section::Staff => "staff",
            Section::Activities => "activities",
            Section::Indicators => "indicators",
            Section::Reason => "reason",
            Section::Improvements => "improvements",
            Section::Challenges => "challenges",
            Section::NextSteps => "next_steps",
            Section::Evaluator => "evaluator",
            Section::Sdgs => "sdgs",
        }
    }

    /// The sheet's label of the section.
    pub fn label(self) -> &'static str {
        match self {
            Section::Summary => "事業の目的及び具体的な内容",
            Section::Account => "会計",
            Section::PlanRank => "実施計画ランク",
            Section::Kind => "事業の種別",
            Section::Period => "期間",
            Section::LegalBasis => "根拠法令",
            Section::GeneralPlan => "総合計画での位置付け",
            Section::Costs => "経費（予算現額・決算額）",
            Section::Staff => "人員と正規職員人件費",
            Section::Activities => "活動実績",
            Section::Indicators => "成果指標",
            Section::Reason => "評価理由",
            Section::Improvements => "改善した点",
            Section::Challenges => "現状の課題",
            Section::NextSteps => "今後の取り組み",
            Section::Evaluator => "評価者",
            Section::Sdgs => "SDGsへの貢献",
        }
    }
}

/// Unit of money amounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum MoneyUnit {
    /// Yen.
    #[serde(rename = "円")]
    Yen,
    /// Thousands of yen, as the sheets print.
    #[default]
    #[serde(rename = "千円")]
    ThousandYen,
}

impl MoneyUnit {
    /// The label as printed.
    pub fn label(self) -> &'static str {
        match self {
            MoneyUnit::Yen => "円",
            MoneyUnit::ThousandYen => "千円",
        }
    }
    /// Yen per unit.
    pub fn yen(self) -> i64 {
        match self {
            MoneyUnit::Yen => 1,
            MoneyUnit::ThousandYen => 1000,
        }
    }
}

/// One level of a rating scale.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleLevel {
    /// Code printed on the sheet.
    #[schemars(title = "評価の記号", example = &"A")]
    pub code: String,
    /// Short label (null when the source does not give one).
    #[serde(default)]
    #[schemars(title = "評価の名前（資料に無ければ null）")]
    pub label: Option<String>,
    /// Definition (null when the source does not give one).
    #[serde(default)]
    #[schemars(title = "評価の基準（資料に無ければ null）")]
    pub definition: Option<String>,
    /// Chart colour, `#rrggbb`.
    #[schemars(title = "グラフの色（#rrggbb）")]
    pub color: String,
}

/// A grouping dimension and its values.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grouping {
    /// Name of the dimension.
    #[schemars(title = "グループ分けの名前", example = &"ビジョン")]
    pub name: String,
    /// The groups, in order.
    #[schemars(title = "グループ")]
    pub groups: Vec<GroupDef>,
}

/// A group.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    /// Id used in project files.
    #[schemars(title = "グループのID")]
    pub id: String,
    /// Label.
    #[schemars(title = "グループの名前")]
    pub label: String,
}

/// An evaluation period: a fiscal year or a summary over several.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodDef {
    /// Id used in project files, e.g. `fy2021`, `overall`.
    #[schemars(title = "期間のID", example = &"fy2021")]
    pub id: String,
    /// Label, e.g. `令和3年度`, `総括`.
    #[schemars(title = "期間の名前", example = &"総括")]
    pub label: String,
    /// First fiscal year covered.
    #[schemars(title = "最初の年度")]
    pub from: FiscalYear,
    /// Last fiscal year covered (same as `from` for a single year).
    #[schemars(title = "最後の年度")]
    pub until: FiscalYear,
}

/// A source document.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceDoc {
    /// Id used in project files.
    #[schemars(title = "資料のID")]
    pub id: String,
    /// Title.
    #[schemars(title = "資料名")]
    pub title: String,
    /// Publisher.
    #[schemars(title = "発行者")]
    pub publisher: String,
    /// Publication date as printed (free text).
    #[serde(default)]
    #[schemars(title = "発行日（資料の表記どおり）")]
    pub published: Option<String>,
    /// Where the original can be found.
    #[serde(default)]
    #[schemars(title = "原本のURL")]
    pub url: Option<String>,
    /// How the text was obtained.
    #[serde(default)]
    #[schemars(title = "入手・転記の方法")]
    pub note: Option<String>,
}

/// One project (事務事業) or system: one YAML file in a series folder, named
/// after the project id.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "事業（1事業1ファイル）")]
pub struct ProjectDoc {
    /// 事務事業名称 / システム名.
    #[schemars(title = "事務事業名称・システム名")]
    pub name: String,
    /// 所属 (担当課 / 主担当課) as a department id from departments.yaml.
    #[schemars(title = "担当課のID（departments.yaml）")]
    pub department: String,
    /// Group id from the series' grouping (e.g. the vision).
    #[serde(default)]
    #[schemars(title = "グループのID（例: ビジョン）")]
    pub group: Option<String>,
    /// 事業概要（全体）/ 事業の目的及び具体的な内容, markdown.
    #[serde(default)]
    #[schemars(title = "事業の目的及び具体的な内容（Markdown）")]
    pub summary: Option<String>,
    /// 会計.
    #[serde(default)]
    #[schemars(title = "会計（一般・特別）")]
    pub account: Option<Account>,
    /// 実施計画ランク.
    #[serde(default)]
    #[schemars(title = "実施計画ランク（最優先・優先・重要）")]
    pub plan_rank: Option<PlanRank>,
    /// 事業の種別.
    #[serde(default)]
    #[schemars(title = "事業の種別（自治事務・法定受託事務・法定受託＋附加）")]
    pub kind: Option<ProjectKind>,
    /// 期間.
    #[serde(default)]
    #[schemars(title = "期間")]
    pub period: Option<Period>,
    /// 根拠法令.
    #[serde(default)]
    #[schemars(title = "根拠法令")]
    pub legal_basis: Vec<String>,
    /// Position in the general plan (総合計画).
    #[serde(default)]
    #[schemars(title = "総合計画での位置付け")]
    pub general_plan: Option<GeneralPlan>,
    /// Per fiscal year: cost, staff and activities. Add a new entry each year.
    #[serde(default)]
    #[schemars(title = "年度ごとの経費・人員・活動実績（毎年1つ追加）")]
    pub fiscal_years: Vec<FiscalYearRecord>,
    /// 成果指標.
    #[serde(default)]
    #[schemars(title = "成果指標")]
    pub indicators: Vec<Indicator>,
    /// 評価: one entry per evaluation period of the series.
    #[serde(default)]
    #[schemars(title = "評価（期間ごと）")]
    pub evaluations: Vec<Evaluation>,
    /// SDGsへの貢献.
    #[serde(default)]
    #[schemars(title = "SDGsへの貢献")]
    pub sdgs: Option<Sdgs>,
    /// Where the data comes from.
    #[schemars(title = "出典")]
    pub source: SourceRef,
    /// Transcription notes: what was unclear and why a value is null.
    #[serde(default)]
    #[schemars(title = "転記メモ（読めなかった値・判断の理由）")]
    pub notes: Vec<String>,
}

impl ProjectDoc {
    /// The project without its free text: what lists, totals and charts
    /// over many projects read (name, department, group, costs per year,
    /// ratings, indicator years, SDG goals, account). The build keeps only this much of each
    /// project once its own page and data files are written.
    pub fn slim(self) -> ProjectDoc {
        ProjectDoc {
            summary: None,
            legal_basis: Vec::new(),
            general_plan: None,
            fiscal_years: self
                .fiscal_years
                .into_iter()
                .map(|f| FiscalYearRecord {
                    activities: Vec::new(),
                    ..f
                })
                .collect(),
            indicators: self
                .indicators
                .into_iter()
                .map(|i| Indicator {
                    name: String::new(),
                    rationale: None,
                    unmet_reason: None,
                    unit: None,
                    values: i
                        .values
                        .into_iter()
                        .map(|v| IndicatorValue { remark: None, ..v })
                        .collect(),
                    ..i
                })
                .collect(),
            evaluations: self
                .evaluations
                .into_iter()
                .map(|e| Evaluation {
                    period: e.period,
                    rating: e.rating,
                    reason: None,
                    improvements: None,
                    challenges: None,
                    next_steps: None,
                    evaluator: None,
                    remark: None,
                })
                .collect(),
            // The goals stay for the list pages; only the text goes.
            sdgs: self.sdgs.map(|s| Sdgs { how: None, ..s }),
            notes: Vec::new(),
            ..self
        }
    }
}

/// 会計.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Account {
    /// 一般会計.
    #[serde(rename = "一般")]
    General,
    /// 特別会計.
    #[serde(rename = "特別")]
    Special,
}

/// 実施計画ランク.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PlanRank {
    /// 最優先.
    #[serde(rename = "最優先")]
    Top,
    /// 優先.
    #[serde(rename = "優先")]
    Priority,
    /// 重要.
    #[serde(rename = "重要")]
    Important,
}

/// 事業の種別.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ProjectKind {
    /// 自治事務.
    #[serde(rename = "自治事務")]
    Autonomous,
    /// 法定受託事務.
    #[serde(rename = "法定受託事務")]
    Delegated,
    /// 法定受託＋附加.
    #[serde(rename = "法定受託＋附加")]
    DelegatedPlus,
}

macro_rules! label_impl {
    ($t:ty { $($v:ident => $s:expr),* $(,)? }) => {
        impl $t {
            /// The word printed on the sheet.
            pub fn label(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
        }
    };
}
label_impl!(Account { General => "一般", Special => "特別" });
label_impl!(PlanRank { Top => "最優先", Priority => "優先", Important => "重要" });
label_impl!(ProjectKind {
    Autonomous => "自治事務",
    Delegated => "法定受託事務",
    DelegatedPlus => "法定受託＋附加",
});

/// 期間.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First fiscal year (null when the sheet does not say).
    #[serde(default)]
    #[schemars(title = "開始年度")]
    pub start: Option<FiscalYear>,
    /// Last fiscal year; null when open-ended.
    #[serde(default)]
    #[schemars(title = "終了年度（定めがなければ null）")]
    pub end: Option<FiscalYear>,
}

/// Position in the general plan.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GeneralPlan {
    /// 章.
    #[serde(default)]
    #[schemars(title = "章", example = &"第７章 未来（あす）を見つめたまちづくり")]
    pub chapter: Option<String>,
    /// 節.
    #[serde(default)]
    #[schemars(title = "節", example = &"第４節 行政経営")]
    pub section: Option<String>,
}

/// Cost, staff and activities of one fiscal year. Amounts are in the series'
/// money unit (千円 on the sheets).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FiscalYearRecord {
    /// The fiscal year.
    #[schemars(title = "年度")]
    pub year: FiscalYear,
    /// 予算現額.
    #[serde(default)]
    #[schemars(title = "予算現額（千円）", range(min = 0, max = MAX_AMOUNT))]
    pub budget: Option<i64>,
    /// 決算額.
    #[serde(default)]
    #[schemars(title = "決算額（千円）", range(min = 0, max = MAX_AMOUNT))]
    pub settlement: Option<i64>,
    /// The settlement is an estimate (決算額（見込み）).
    #[serde(default)]
    #[schemars(title = "決算額は見込みか")]
    pub settlement_estimated: bool,
    /// 正規職員 (FTE, 人).
    #[serde(default)]
    #[schemars(title = "正規職員（人）", range(min = 0, max = MAX_STAFF))]
    pub regular_staff: Option<f64>,
    /// 正規職員人件費.
    #[serde(default)]
    #[schemars(title = "正規職員人件費（千円）", range(min = 0, max = MAX_AMOUNT))]
    pub regular_staff_cost: Option<i64>,
    /// その他職員 従事割合: 非常勤特別職 (人).
    #[serde(default)]
    #[schemars(title = "その他職員 非常勤特別職（人）", range(min = 0, max = MAX_STAFF))]
    pub part_time_staff: Option<f64>,
    /// その他職員 従事割合: 臨時職員 (人).
    #[serde(default)]
    #[schemars(title = "その他職員 臨時職員（人）", range(min = 0, max = MAX_STAFF))]
    pub temporary_staff: Option<f64>,
    /// 活動実績.
    #[serde(default)]
    #[schemars(title = "活動実績")]
    pub activities: Vec<Activity>,
}

/// One line of 活動実績.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// 項目名.
    #[schemars(title = "項目名")]
    pub item: String,
    /// 実績.
    #[serde(default)]
    #[schemars(title = "実績")]
    pub result: Option<String>,
}

/// 成果指標.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// 指標名.
    #[schemars(title = "指標名")]
    pub name: String,
    /// 目標設定の考え方・根拠.
    #[serde(default)]
    #[schemars(title = "目標設定の考え方・根拠")]
    pub rationale: Option<String>,
    /// Unit of targets and results (e.g. `%`, `件`, `回`).
    #[serde(default)]
    #[schemars(title = "単位", example = &"%")]
    pub unit: Option<String>,
    /// Whether a higher result is better (default true).
    #[serde(default = "default_true")]
    #[schemars(title = "値が大きいほど良いか")]
    pub higher_is_better: bool,
    /// Target and result per fiscal year.
    #[serde(default)]
    #[schemars(title = "年度ごとの目標と実績")]
    pub values: Vec<IndicatorValue>,
    /// 目標値が未達成の理由・分析.
    #[serde(default)]
    #[schemars(title = "目標値が未達成の理由・分析")]
    pub unmet_reason: Option<String>,
}

fn default_true() -> bool {
    true
}

/// Target and result of one indicator in one fiscal year.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorValue {
    /// The fiscal year.
    #[schemars(title = "年度")]
    pub year: FiscalYear,
    /// 目標.
    #[serde(default)]
    #[schemars(title = "目標")]
    pub target: Option<f64>,
    /// 実績.
    #[serde(default)]
    #[schemars(title = "実績")]
    pub result: Option<f64>,
    /// Text printed instead of, or beside, a number (e.g. `中止`, `目標達成済`).
    #[serde(default)]
    #[schemars(title = "備考（数値で書けない記載）")]
    pub remark: Option<String>,
}

/// The evaluation of one period.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// Period id from the series.
    #[schemars(title = "期間のID（_series.yaml の periods）")]
    pub period: String,
    /// 総合評価: a code of the series' scale; null when not rated.
    #[serde(default)]
    #[schemars(title = "総合評価（評価の記号。評価対象外は null）")]
    pub rating: Option<String>,
    /// 評価理由.
    #[serde(default)]
    #[schemars(title = "評価理由")]
    pub reason: Option<String>,
    /// 改善した点 (during the period).
    #[serde(default)]
    #[schemars(title = "この年度に改善した点")]
    pub improvements: Option<String>,
    /// 現状の課題.
    #[serde(default)]
    #[schemars(title = "現状の課題")]
    pub challenges: Option<String>,
    /// 今後の取り組み (事業達成に向けての課題解決に向けた取り組み).
    #[serde(default)]
    #[schemars(title = "今後の取り組み")]
    pub next_steps: Option<String>,
    /// 評価者.
    #[serde(default)]
    #[schemars(title = "評価者")]
    pub evaluator: Option<Evaluator>,
    /// Text such as `評価対象外`.
    #[serde(default)]
    #[schemars(title = "備考")]
    pub remark: Option<String>,
}

/// 評価者.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluator {
    /// 役職.
    #[serde(default)]
    #[schemars(title = "役職", example = &"こども政策課長")]
    pub title: Option<String>,
    /// 氏名.
    #[serde(default)]
    #[schemars(title = "氏名")]
    pub name: Option<String>,
}

/// SDGsへの貢献.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sdgs {
    /// 事業自体が貢献する項目 (goal numbers 1–17, at most 3).
    #[serde(default)]
    #[schemars(
        title = "事業自体が貢献する項目（ゴール番号 1〜17、最大3つ）",
        length(max = MAX_SDG_GOALS),
        inner(range(min = 1, max = SDG_GOAL_MAX)),
        extend("uniqueItems" = true)
    )]
    pub goals: Vec<u8>,
    /// 実施手法等の工夫により貢献できた項目 (optional).
    #[serde(default)]
    #[schemars(
        title = "実施手法等の工夫により貢献できた項目（任意）",
        inner(range(min = 1, max = SDG_GOAL_MAX)),
        extend("uniqueItems" = true)
    )]
    pub method_goals: Vec<u8>,
    /// どのように貢献したか.
    #[serde(default)]
    #[schemars(title = "どのように貢献したか")]
    pub how: Option<String>,
}

/// Where a project's data comes from.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// Source id from the series.
    #[schemars(title = "資料のID（_series.yaml の sources）")]
    pub document: String,
    /// Page in the source document.
    #[serde(default)]
    #[schemars(title = "ページ")]
    pub page: Option<u32>,
    /// Position on the page (e.g. sheet 2 of 4).
    #[serde(default)]
    #[schemars(title = "ページ内の位置（例: 4枚中2枚目）")]
    pub position: Option<u32>,
}

/// `content/synonyms.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "検索の同義語（synonyms.yaml）")]
pub struct SynonymsDoc {
    /// 同義語のグループ。一つのグループの語は検索で同じものとして扱われます（例: [マイナンバー, 個人番号]）。
    #[serde(default)]
    pub groups: Vec<Vec<String>>,
}
