//! `hyoka new`: writes a new project file with every field present, each
//! commented with the label the evaluation sheet uses.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::content::Content;
use crate::diag::excerpt;
use crate::load::{is_slug, windows_reserved};

/// What went wrong creating a project file.
#[derive(Debug)]
pub enum NewError {
    /// Bad arguments (unknown series, bad id…), with a message.
    Usage(String),
    /// The file exists already.
    Exists(PathBuf),
}

/// Quotes a string for YAML.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The text of a new project file for `series` in `content`.
pub fn project_text(
    content: &Content,
    series_id: &str,
    department: Option<&str>,
    name: Option<&str>,
) -> Result<String, NewError> {
    let series = content
        .series
        .iter()
        .find(|s| s.id == series_id)
        .ok_or_else(|| {
            NewError::Usage(format!(
                "シリーズ「{}」はありません。使えるシリーズ: {}",
                excerpt(series_id),
                excerpt(
                    &content
                        .series
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            ))
        })?;
    let dept = match department {
        Some(d) => content.department(d).map(|x| x.id.clone()).ok_or_else(|| {
            NewError::Usage(format!(
                "課のID「{}」は departments.yaml にありません",
                excerpt(d)
            ))
        })?,
        None => content
            .org
            .departments
            .first()
            .map(|d| d.id.clone())
            .ok_or_else(|| NewError::Usage("departments.yaml に課がありません".into()))?,
    };
    let period = series
        .doc
        .periods
        .last()
        .map(|p| p.id.clone())
        .unwrap_or_default();
    let year = series.doc.periods.last().map(|p| p.until.0).unwrap_or(2019);
    let source = series
        .doc
        .sources
        .first()
        .map(|s| s.id.clone())
        .unwrap_or_default();
    let unit = series.doc.money_unit.label();
    let mut t = String::new();
    let _ = writeln!(t, "{}", crate::schema::project_schema_line(&series.id));
    let _ = writeln!(t, "# 新しい事業のファイルです。分からない値は null のままにし、notes に理由を書いてください。");
    let _ = writeln!(
        t,
        "name: {}   # 事務事業名称",
        q(name.unwrap_or("（事業名を書いてください）"))
    );
    let _ = writeln!(
        t,
        "department: {dept}   # 担当課（content/departments.yaml の id）"
    );
    match &series.doc.grouping {
        Some(g) => {
            let ids: Vec<&str> = g.groups.iter().map(|x| x.id.as_str()).collect();
            let _ = writeln!(
                t,
                "group: {}   # {}: {}",
                ids.first().copied().unwrap_or(""),
                g.name,
                ids.join(" | ")
            );
        }
        None => {
            let _ = writeln!(
                t,
                "group: null   # このシリーズにはグループ分けがありません"
            );
        }
    }
    let _ = write!(
        t,
        "summary: null   # 事業の目的及び具体的な内容（Markdown。複数行は「|」の次の行から字下げして書く）
account: null   # 会計: 一般 | 特別
plan_rank: null   # 実施計画ランク: 最優先 | 優先 | 重要
kind: null   # 事業の種別: 自治事務 | 法定受託事務 | 法定受託＋附加
period:   # 期間
  start: null   # 開始年度（例: H27、R1、2019）
  end: null   # 終了年度（定めがなければ null）
legal_basis: []   # 根拠法令（例: [地方自治法]）
general_plan:   # 総合計画での位置付け
  chapter: null   # 章
  section: null   # 節
fiscal_years:   # 年度ごとの経費・人員（毎年度1つ追加）
  - year: {year}   # 年度
    budget: null   # 予算現額（{unit}）
    settlement: null   # 決算額（{unit}）
    settlement_estimated: false   # 決算額は見込みか
    regular_staff: null   # 正規職員（人）
    regular_staff_cost: null   # 正規職員人件費（{unit}）
    part_time_staff: null   # その他職員 従事割合 非常勤特別職（人）
    temporary_staff: null   # その他職員 従事割合 臨時職員（人）
    activities: []   # 活動実績（例: - item: 会議の開催 / result: 5回）
indicators: []   # 成果指標（name, rationale, unit, values: [year, target, result], unmet_reason）
evaluations:   # 評価（期間ごと）
  - period: {period}   # 期間のID（_series.yaml の periods）
    rating: null   # 総合評価（{codes}）
    reason: null   # 評価理由
    improvements: null   # 改善した点
    challenges: null   # 現状の課題
    next_steps: null   # 今後の取り組み
    evaluator:   # 評価者
      title: null   # 役職
      name: null   # 氏名
    remark: null   # 備考
sdgs:   # SDGsへの貢献
  goals: []   # 事業自体が貢献する項目（ゴール番号 1〜17、最大3つ）
  method_goals: []   # 実施手法等の工夫により貢献できた項目（任意）
  how: null   # どのように貢献したか
source:   # 出典
  document: {source}   # 資料のID（_series.yaml の sources）
  page: null   # ページ
  position: null   # ページ内の位置
notes: []   # 転記メモ（読めなかった値とその理由）
",
        codes = series.doc.scale.iter().map(|l| l.code.as_str()).collect::<Vec<_>>().join(" | "),
    );
    Ok(t)
}

/// Refuses an id that a project of another series has already (ids are
/// unique across series; the same series is [`target`]'s `Exists`).
pub fn unique_id(content: &Content, content_dir: &Path, id: &str) -> Result<(), NewError> {
    match content
        .series
        .iter()
        .flat_map(|s| &s.projects)
        .find(|p| p.id == id)
    {
        Some(p) => Err(NewError::Usage(format!(
            "事業ID「{}」は {} ですでに使われています。事業IDはシリーズをまたいでも重複できないので、別のIDにしてください",
            excerpt(id),
            content_dir.join(&p.file).display()
        ))),
        None => Ok(()),
    }
}

/// Where the new file goes; refuses an unsafe id or an existing file.
pub fn target(content_dir: &Path, series_id: &str, id: &str) -> Result<PathBuf, NewError> {
    if windows_reserved(id) {
        return Err(NewError::Usage(format!(
            "事業ID「{id}」は Windows で使えない名前です。con・nul・aux・prn・com1・lpt1 などは避けて、別のIDにしてください"
        )));
    }
    if !is_slug(id) {
        return Err(NewError::Usage(format!(
            "事業ID「{}」は使えません。半角の英小文字・数字・ハイフン（-）だけで書いてください",
            excerpt(id)
        )));
    }
    let path = content_dir.join(series_id).join(format!("{id}.yaml"));
    if path.exists()
        || content_dir
            .join(series_id)
            .join(format!("{id}.yml"))
            .exists()
    {
        return Err(NewError::Exists(path));
    }
    Ok(path)
}
