//! Checks of the fixed-name files: `site.yaml` (municipality code, dates,
//! URLs), `departments.yaml` and each `_series.yaml`, plus the helpers the
//! project check shares (path segments, URL and number checks, unknown
//! references). Pure: looks only at the parsed documents.

use super::*;

pub(super) fn k(s: &str) -> Seg {
    Seg::Key(s.to_string())
}

pub(super) fn i(n: usize) -> Seg {
    Seg::Index(n)
}

/// Verifies the check digit of a 全国地方公共団体コード.
pub fn check_digit_ok(code: &str) -> Result<(), String> {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if code.chars().count() != 6 || digits.len() != 6 {
        return Err("6桁の数字で書いてください（都道府県2桁＋市区町村3桁＋検査数字1桁）".into());
    }
    let sum: u32 = digits[..5]
        .iter()
        .zip([6, 5, 4, 3, 2])
        .map(|(d, w)| d * w)
        .sum();
    let expected = (11 - sum % 11) % 10;
    if digits[5] == expected {
        Ok(())
    } else {
        Err(format!(
            "検査数字が合いません（{}{expected} が正しい値です）",
            &code[..5]
        ))
    }
}

/// Why a date is not a `YYYY-MM-DD` day of the calendar.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum DateError {
    /// Not `YYYY-MM-DD` with digits.
    Form,
    /// A month or day that does not exist (`2026-13-99`, `2023-02-29`).
    NoSuchDay,
}

/// Checks that `s` is `YYYY-MM-DD` and a real day of the (proleptic
/// Gregorian) calendar, from year 1.
pub(super) fn calendar_date(s: &str) -> Result<(), DateError> {
    let b = s.as_bytes();
    let form = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !form {
        return Err(DateError::Form);
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| DateError::Form);
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(DateError::NoSuchDay),
    };
    if year == 0 || day == 0 || day > days {
        return Err(DateError::NoSuchDay);
    }
    Ok(())
}

pub(super) fn check_site(path: &Path, site: &SiteDoc, pos: &PosMap, diags: &mut Diagnostics) {
    if let Err(why) = check_digit_ok(&site.municipality_code) {
        diags.push(
            Diagnostic::new(
                path,
                pos.value(&[k("municipality_code")]),
                format!(
                    "全国地方公共団体コード「{}」が正しくありません",
                    excerpt(&site.municipality_code)
                ),
            )
            .hint(why),
        );
    }
    if site.provenance.is_none() {
        diags.push(
            Diagnostic::new(
                path,
                Pos::START,
                "データの出どころ（provenance）が書かれていません",
            )
            .hint(PROVENANCE_HINT),
        );
    }
    if let Some(date) = &site.updated {
        let problem = match calendar_date(date) {
            Ok(()) => None,
            Err(DateError::Form) => Some((
                format!("更新日「{}」は日付として読めません", excerpt(date)),
                "2022-07-01 のように 年-月-日 で書いてください",
            )),
            Err(DateError::NoSuchDay) => Some((
                format!("更新日「{date}」という日はありません"),
                "月は 1〜12、日はその月の日数まで（うるう年の2月は29日まで）で書いてください",
            )),
        };
        if let Some((message, hint)) = problem {
            diags.push(Diagnostic::new(path, pos.value(&[k("updated")]), message).hint(hint));
        }
    }
    check_url(
        path,
        pos.value(&[k("license"), k("url")]),
        "ライセンスのURL（license.url）",
        &site.license.url,
        diags,
    );
    if let Some(contact) = &site.contact {
        if let Some(email) = &contact.email {
            if !crate::url::email_ok(email) {
                diags.push(
                    Diagnostic::new(
                        path,
                        pos.value(&[k("contact"), k("email")]),
                        format!("メールアドレス「{}」が正しくありません", excerpt(email)),
                    )
                    .hint("info@city.example のように書いてください（mailto: は付けません）。分からなければ null と書いてください"),
                );
            }
        }
        if let Some(url) = &contact.url {
            check_url(
                path,
                pos.value(&[k("contact"), k("url")]),
                "問い合わせ先のURL（contact.url）",
                url,
                diags,
            );
        }
    }
    if let Some(url) = &site.base_url {
        if let Err(why) = crate::url::base_url(url) {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[k("base_url")]),
                    "公開URL（base_url）が正しくありません",
                )
                .hint(format!("{why}。使わない場合は null と書いてください")),
            );
        }
    }
}

/// How to add the missing `provenance` to `site.yaml`.
const PROVENANCE_HINT: &str = "このサイトのデータが自治体自身の公表したものか、公表資料を第三者が転記したものかを、site.yaml に「provenance: { kind: official }」（自治体自身が公表）または「provenance: { kind: transcription }」（第三者が転記）と書いてください。すべてのページに表示する文は notice で変えられます";

/// A URL that reaches an `href`: it must pass [`crate::url::safe_url`].
pub(super) fn check_url(path: &Path, at: Pos, what: &str, url: &str, diags: &mut Diagnostics) {
    if let Err(refusal) = crate::url::safe_url(url) {
        diags.push(Diagnostic::new(path, at, format!("{what}に{refusal}")).hint(crate::url::HINT));
    }
}

/// A number that must be finite: YAML's `.nan` and `.inf` are not figures.
pub(super) fn finite(
    path: &Path,
    at: Pos,
    field: &str,
    v: Option<f64>,
    diags: &mut Diagnostics,
) -> bool {
    if v.is_some_and(|v| !v.is_finite()) {
        diags.push(
            Diagnostic::new(
                path,
                at,
                format!("「{field}」に数ではない値（.nan・.inf）は書けません"),
            )
            .hint("数字で書いてください。分からない値は null と書いてください"),
        );
        return false;
    }
    true
}

pub(super) fn check_org(path: &Path, org: &DepartmentsDoc, pos: &PosMap, diags: &mut Diagnostics) {
    let mut div_ids = BTreeSet::new();
    for (n, d) in org.divisions.iter().enumerate() {
        let at = pos.value(&[k("divisions"), i(n), k("id")]);
        if !is_slug(&d.id) {
            diags.push(slug_error(path, at, "部のID", &d.id));
        }
        if !div_ids.insert(d.id.as_str()) {
            diags.push(Diagnostic::new(
                path,
                at,
                format!("部のID「{}」が重複しています", excerpt(&d.id)),
            ));
        }
    }
    let mut ids = BTreeSet::new();
    for (n, d) in org.departments.iter().enumerate() {
        let at = pos.value(&[k("departments"), i(n), k("id")]);
        if !is_slug(&d.id) {
            diags.push(slug_error(path, at, "課のID", &d.id));
        }
        if !ids.insert(d.id.as_str()) {
            diags.push(Diagnostic::new(
                path,
                at,
                format!("課のID「{}」が重複しています", excerpt(&d.id)),
            ));
        }
        if let Some(div) = &d.division {
            if !div_ids.contains(div.as_str()) {
                let near = closest(div, div_ids.iter().copied());
                diags.push(
                    Diagnostic::new(
                        path,
                        pos.value(&[k("departments"), i(n), k("division")]),
                        format!("部のID「{}」は divisions にありません", excerpt(div)),
                    )
                    .hint(if near.is_empty() {
                        "divisions に追加するか、分からなければ null にしてください".to_string()
                    } else {
                        format!("近いID: {}", quote_list(&near))
                    }),
                );
            }
        }
        if d.names.is_empty() {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[k("departments"), i(n)]),
                    format!("課「{}」に名称がありません", excerpt(&d.id)),
                )
                .hint("names に少なくとも1つの名称を書いてください"),
            );
        }
        for (m, name) in d.names.iter().enumerate() {
            if let (Some(f), Some(u)) = (name.from, name.until) {
                if f > u {
                    diags.push(Diagnostic::new(
                        path,
                        pos.value(&[k("departments"), i(n), k("names"), i(m), k("until")]),
                        format!(
                            "名称「{}」の最後の年度 {u} が最初の年度 {f} より前です",
                            excerpt(&name.name)
                        ),
                    ));
                }
            }
        }
    }
}

pub(super) fn check_series(path: &Path, s: &SeriesDoc, pos: &PosMap, diags: &mut Diagnostics) {
    if s.scale.is_empty() {
        diags.push(Diagnostic::new(
            path,
            pos.value(&[k("scale")]),
            "評価の段階（scale）が空です",
        ));
    }
    if s.noun.as_deref().is_some_and(|n| n.trim().is_empty()) {
        diags.push(
            Diagnostic::new(path, pos.value(&[k("noun")]), "1件の呼び方（noun）が空です").hint(
                "「事業」「システム」のように書くか、行ごと消してください（省略すると「事業」）",
            ),
        );
    }
    let mut codes = BTreeSet::new();
    for (n, l) in s.scale.iter().enumerate() {
        if l.code.trim().is_empty() || !codes.insert(l.code.as_str()) {
            diags.push(Diagnostic::new(
                path,
                pos.value(&[k("scale"), i(n), k("code")]),
                format!("評価の記号「{}」が空か重複しています", excerpt(&l.code)),
            ));
        }
        let c = l.color.as_bytes();
        if !(c.len() == 7 && c[0] == b'#' && c[1..].iter().all(u8::is_ascii_hexdigit)) {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[k("scale"), i(n), k("color")]),
                    format!("色「{}」は使えません", excerpt(&l.color)),
                )
                .hint("#1a5e9a のように # と16進数6桁で書いてください"),
            );
        }
    }
    let mut ids = BTreeSet::new();
    for (n, p) in s.periods.iter().enumerate() {
        let at = pos.value(&[k("periods"), i(n), k("id")]);
        if !is_slug(&p.id) {
            diags.push(slug_error(path, at, "期間のID", &p.id));
        }
        if !ids.insert(p.id.as_str()) {
            diags.push(Diagnostic::new(
                path,
                at,
                format!("期間のID「{}」が重複しています", excerpt(&p.id)),
            ));
        }
        if p.label.trim().is_empty() {
            diags.push(
                Diagnostic::new(
                    path,
                    pos.value(&[k("periods"), i(n), k("label")]),
                    format!("期間「{}」の名前（label）が空です", excerpt(&p.id)),
                )
                .hint("ページに表示する名前を書いてください（例: 令和元年度）"),
            );
        }
        if p.from > p.until {
            diags.push(Diagnostic::new(
                path,
                pos.value(&[k("periods"), i(n), k("until")]),
                format!(
                    "期間「{}」の最後の年度が最初の年度より前です",
                    excerpt(&p.label)
                ),
            ));
        }
    }
    if s.periods.is_empty() {
        diags.push(Diagnostic::new(
            path,
            pos.value(&[k("periods")]),
            "評価の期間（periods）が空です",
        ));
    }
    if let Some(g) = &s.grouping {
        let mut ids = BTreeSet::new();
        for (n, grp) in g.groups.iter().enumerate() {
            let at = pos.value(&[k("grouping"), k("groups"), i(n), k("id")]);
            if !is_slug(&grp.id) {
                diags.push(slug_error(path, at, "グループのID", &grp.id));
            }
            if !ids.insert(grp.id.as_str()) {
                diags.push(Diagnostic::new(
                    path,
                    at,
                    format!("グループのID「{}」が重複しています", excerpt(&grp.id)),
                ));
            }
        }
    }
    let mut ids = BTreeSet::new();
    for (n, src) in s.sources.iter().enumerate() {
        let at = pos.value(&[k("sources"), i(n), k("id")]);
        if !is_slug(&src.id) {
            diags.push(slug_error(path, at, "資料のID", &src.id));
        }
        if !ids.insert(src.id.as_str()) {
            diags.push(Diagnostic::new(
                path,
                at,
                format!("資料のID「{}」が重複しています", excerpt(&src.id)),
            ));
        }
        if let Some(url) = &src.url {
            check_url(
                path,
                pos.value(&[k("sources"), i(n), k("url")]),
                "資料のURL（url）",
                url,
                diags,
            );
        }
    }
}

pub(super) fn unknown_ref(
    file: &Path,
    at: Pos,
    what: &str,
    value: &str,
    known: &[&str],
    defined_in: &str,
) -> Diagnostic {
    let near = closest(value, known.iter().copied());
    let d = Diagnostic::new(
        file,
        at,
        format!("{what}「{}」は {defined_in} にありません", excerpt(value)),
    );
    if near.is_empty() {
        d.hint(format!("使えるID: {}", excerpt(&known.join(", "))))
    } else {
        d.hint(format!("近いID: {}", quote_list(&near)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_are_real_days() {
        for ok in [
            "2026-01-01",
            "2024-02-29",
            "2000-02-29",
            "2023-12-31",
            "2023-04-30",
        ] {
            assert_eq!(calendar_date(ok), Ok(()), "{ok}");
        }
        for bad in [
            "2026-13-99",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-01-32",
            "2023-02-29",
            "1900-02-29",
            "2023-04-31",
            "0000-01-01",
        ] {
            assert_eq!(calendar_date(bad), Err(DateError::NoSuchDay), "{bad}");
        }
        for bad in [
            "2026-1-01",
            "2026/01/01",
            "20260101",
            "２０２６-01-01",
            "2026-01-01 ",
        ] {
            assert_eq!(calendar_date(bad), Err(DateError::Form), "{bad}");
        }
    }
}
