//! The workbook's sheets and their columns (name, kind, whether import
//! reads it, description), shared by the writer and `hyoka import`. It
//! must not hold any project's values nor write anything.

use crate::model::MoneyUnit;

/// The 事業 sheet.
pub const PROJECTS: &str = "事業";
/// The 年度別の経費と人員 sheet.
pub const FISCAL: &str = "年度別の経費と人員";
/// The 活動実績 sheet.
pub const ACTIVITIES: &str = "活動実績";
/// The 成果指標 sheet.
pub const INDICATORS: &str = "成果指標";
/// The 成果指標の目標と実績 sheet.
pub const VALUES: &str = "成果指標の目標と実績";
/// The 評価 sheet.
pub const EVALUATIONS: &str = "評価";
/// The 転記メモ sheet.
pub const NOTES: &str = "転記メモ";
/// The 担当課 sheet.
pub const DEPARTMENTS: &str = "担当課";
/// The 項目の説明 sheet.
pub const FIELDS: &str = "項目の説明";

/// Largest number of characters Excel keeps in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    Text,
    /// Whole number (page, position, numbering).
    Int,
    /// Amount of money (whole number, thousands separators).
    Money,
    /// Staff in 人 (two decimals).
    Staff,
    /// Any number.
    Number,
    /// TRUE / FALSE.
    Bool,
    /// Western fiscal year.
    Year,
}

impl Kind {
    pub(super) fn label(self) -> &'static str {
        match self {
            Kind::Text => "文字列",
            Kind::Int => "整数",
            Kind::Money => "整数（金額）",
            Kind::Staff => "数値（人）",
            Kind::Number => "数値",
            Kind::Bool => "TRUE または FALSE",
            Kind::Year => "西暦の年度（4桁）",
        }
    }
}

/// One column of a sheet.
#[derive(Debug, Clone)]
pub struct Col {
    /// Header (row 1).
    pub header: String,
    /// Type.
    pub kind: Kind,
    /// Read back by `hyoka import` (else written only, for reading).
    pub input: bool,
    /// What it holds.
    pub description: &'static str,
    /// Unit, when the values have one.
    pub unit: Option<String>,
}

pub(super) fn col(header: &str, kind: Kind, input: bool, description: &'static str) -> Col {
    Col {
        header: header.to_string(),
        kind,
        input,
        description,
        unit: None,
    }
}

pub(super) fn with_unit(mut c: Col, unit: &str) -> Col {
    c.unit = Some(unit.to_string());
    c
}

/// One sheet: its name and columns.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Worksheet name.
    pub name: &'static str,
    /// Columns, in order.
    pub cols: Vec<Col>,
}

impl Sheet {
    /// Index of the column with `header`.
    pub fn index(&self, header: &str) -> Option<usize> {
        self.cols.iter().position(|c| c.header == header)
    }
}

/// Header of the 全国地方公共団体コード column that opens every sheet.
pub const CODE: &str = "全国地方公共団体コード";
/// Header of the project id column.
pub const PROJECT_ID: &str = "事業ID";
/// Header of the western fiscal year column.
pub const YEAR: &str = "年度（西暦）";

/// Money headers: `予算現額（千円）`, in the unit of `unit`.
pub fn money_header(base: &str, unit: MoneyUnit) -> String {
    format!("{base}（{}）", unit.label())
}

/// The project sheets (every sheet that import reads) with money in `unit`.
pub fn sheets(unit: MoneyUnit) -> Vec<Sheet> {
    use Kind::*;
    let head = || {
        vec![
            col(CODE, Text, false, "総務省の全国地方公共団体コード（6桁）。"),
            col(
                PROJECT_ID,
                Text,
                true,
                "事業のID（ファイル名。半角英小文字・数字・ハイフン）。",
            ),
        ]
    };
    let money = |base: &str, d: &'static str| {
        with_unit(col(&money_header(base, unit), Money, true, d), unit.label())
    };
    let staff = |h: &str, d: &'static str| with_unit(col(h, Staff, true, d), "人");
    let mut projects = head();
    projects.extend([
        col(
            "シリーズID",
            Text,
            true,
            "評価シリーズ（content/ の下のフォルダ名）。",
        ),
        col("シリーズ名", Text, false, "評価シリーズの名前。"),
        col("事務事業名称", Text, true, "事務事業名称・システム名。"),
        col("課ID", Text, true, "担当課のID（departments.yaml）。"),
        col("担当課名", Text, false, "担当課の現在の名称。"),
        col("グループID", Text, true, "グループのID（例: ビジョン）。"),
        col(
            "事業の目的及び具体的な内容",
            Text,
            true,
            "事業概要（Markdown）。",
        ),
        col("会計", Text, true, "一般 または 特別。"),
        col("実施計画ランク", Text, true, "最優先・優先・重要。"),
        col(
            "事業の種別",
            Text,
            true,
            "自治事務・法定受託事務・法定受託＋附加。",
        ),
        col(
            "期間の記載",
            Bool,
            true,
            "期間の欄があるか（開始・終了が空でも TRUE なら欄あり）。",
        ),
        col("期間 開始年度（西暦）", Year, true, "期間の開始年度。"),
        col(
            "期間 終了年度（西暦）",
            Year,
            true,
            "期間の終了年度（定めがなければ空欄）。",
        ),
        col("根拠法令", Text, true, "根拠法令。1行に1つ。"),
        col(
            "総合計画の記載",
            Bool,
            true,
            "総合計画での位置付けの欄があるか。",
        ),
        col("総合計画 章", Text, true, "総合計画での位置付け（章）。"),
        col("総合計画 節", Text, true, "総合計画での位置付け（節）。"),
        col("SDGsの記載", Bool, true, "SDGsへの貢献の欄があるか。"),
        col(
            "SDGs 事業自体が貢献する項目",
            Text,
            true,
            "ゴール番号（1〜17）をカンマ区切りで。",
        ),
        col(
            "SDGs 実施手法等の工夫により貢献できた項目",
            Text,
            true,
            "ゴール番号（1〜17）をカンマ区切りで。",
        ),
        col(
            "SDGs どのように貢献したか",
            Text,
            true,
            "どのように貢献したか。",
        ),
        col(
            "出典 資料ID",
            Text,
            true,
            "出典資料のID（_series.yaml の sources）。",
        ),
        col("出典 ページ", Int, true, "出典資料のページ。"),
        col(
            "出典 ページ内の位置",
            Int,
            true,
            "ページ内の位置（例: 4枚中2枚目なら 2）。",
        ),
    ]);
    let mut fiscal = head();
    fiscal.extend([
        col(YEAR, Year, true, "年度（西暦）。"),
        col("年度（和暦）", Text, false, "年度（和暦）。"),
        money("予算現額", "予算現額。"),
        money("決算額", "決算額。"),
        col("決算額は見込みか", Bool, true, "決算額が見込みなら TRUE。"),
        staff("正規職員（人）", "正規職員の従事人数。"),
        money("正規職員人件費", "正規職員人件費。"),
        staff(
            "その他職員 非常勤特別職（人）",
            "その他職員の従事割合（非常勤特別職）。",
        ),
        staff(
            "その他職員 臨時職員（人）",
            "その他職員の従事割合（臨時職員）。",
        ),
    ]);
    let mut activities = head();
    activities.extend([
        col(
            YEAR,
            Year,
            true,
            "活動実績の年度（年度別の経費と人員にある年度）。",
        ),
        col("番号", Int, false, "その年度の中の順番。"),
        col("項目名", Text, true, "活動実績の項目名。"),
        col("実績", Text, true, "活動実績の実績。"),
    ]);
    let mut indicators = head();
    indicators.extend([
        col(
            "指標番号",
            Int,
            true,
            "その事業の中の成果指標の番号（1から）。",
        ),
        col("指標名", Text, true, "指標名。"),
        col(
            "目標設定の考え方・根拠",
            Text,
            true,
            "目標設定の考え方・根拠。",
        ),
        col("単位", Text, true, "目標と実績の単位（例: %、件）。"),
        col(
            "値が大きいほど良いか",
            Bool,
            true,
            "大きいほど良いなら TRUE（空欄も TRUE）。",
        ),
        col(
            "目標値が未達成の理由・分析",
            Text,
            true,
            "目標値が未達成の理由・分析。",
        ),
    ]);
    let mut values = head();
    values.extend([
        col("指標番号", Int, true, "成果指標シートの指標番号。"),
        col("指標名", Text, false, "指標名。"),
        col(YEAR, Year, true, "年度（西暦）。"),
        col("年度（和暦）", Text, false, "年度（和暦）。"),
        col("目標", Number, true, "目標。"),
        col("実績", Number, true, "実績。"),
        col("単位", Text, false, "単位。"),
        with_unit(
            col(
                "達成率（％）",
                Number,
                false,
                "実績÷目標（小さいほど良い指標は目標÷実績）。",
            ),
            "%",
        ),
        col(
            "備考",
            Text,
            true,
            "数値で書けない記載（例: 中止、目標達成済）。",
        ),
    ]);
    let mut evaluations = head();
    evaluations.extend([
        col(
            "期間ID",
            Text,
            true,
            "評価期間のID（_series.yaml の periods）。",
        ),
        col("期間の名前", Text, false, "評価期間の名前。"),
        col("総合評価", Text, true, "評価の記号（評価対象外は空欄）。"),
        col("総合評価の名前", Text, false, "評価の名前。"),
        col("評価理由", Text, true, "評価理由。"),
        col("この年度に改善した点", Text, true, "改善した点。"),
        col("現状の課題", Text, true, "現状の課題。"),
        col("今後の取り組み", Text, true, "今後の取り組み。"),
        col("評価者の記載", Bool, true, "評価者の欄があるか。"),
        col("評価者 役職", Text, true, "評価者の役職。"),
        col("評価者 氏名", Text, true, "評価者の氏名。"),
        col("備考", Text, true, "備考（例: 評価対象外）。"),
    ]);
    let mut notes = head();
    notes.extend([
        col("番号", Int, false, "その事業の中の順番。"),
        col("転記メモ", Text, true, "読めなかった値・判断の理由。"),
    ]);
    vec![
        Sheet {
            name: PROJECTS,
            cols: projects,
        },
        Sheet {
            name: FISCAL,
            cols: fiscal,
        },
        Sheet {
            name: ACTIVITIES,
            cols: activities,
        },
        Sheet {
            name: INDICATORS,
            cols: indicators,
        },
        Sheet {
            name: VALUES,
            cols: values,
        },
        Sheet {
            name: EVALUATIONS,
            cols: evaluations,
        },
        Sheet {
            name: NOTES,
            cols: notes,
        },
    ]
}

pub(super) fn department_sheet() -> Sheet {
    use Kind::*;
    Sheet {
        name: DEPARTMENTS,
        cols: vec![
            col(CODE, Text, false, "総務省の全国地方公共団体コード（6桁）。"),
            col("課ID", Text, false, "課のID（departments.yaml）。"),
            col("現在の名称", Text, false, "課の現在の名称。"),
            col("部ID", Text, false, "所属する部のID。"),
            col("部名", Text, false, "所属する部の名前。"),
            col("旧名称", Text, false, "以前の名称（古い順、「|」区切り）。"),
        ],
    }
}
