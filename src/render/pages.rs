//! The free pages (`pages/<slug>.html`): markdown files of the content
//! folder, shown as they are, with two placeholders filled from the site's
//! data: `{{contact}}` (who to tell about a problem, from `site.yaml`'s
//! `contact`) and `{{build_date}}` (the date of this build of the site).
//!
//! Owns: rendering them and what the placeholders say. Must not: read the
//! files (the loader has) or write anything, nor read the clock: the build
//! date comes from `SOURCE_DATE_EPOCH` or `site.yaml`'s `updated`, so the
//! same content builds the same pages.

use minijinja::Value;

use crate::content::Content;
use crate::format::{self, escape_html};
use crate::model::SiteDoc;

use super::Pages;

/// Renders every free page.
pub(super) fn pages(r: &mut Pages, content: &Content) {
    let build_date = build_date(
        std::env::var("SOURCE_DATE_EPOCH").ok().as_deref(),
        content.site.updated.as_deref(),
    );
    let contact = contact_html(&content.site);
    let fill = |name: &str| match name {
        "contact" => Some(contact.clone()),
        "build_date" => Some(escape_html(&build_date)),
        _ => None,
    };
    for page in &content.pages {
        r.page(
            &format!("pages/{}.html", page.slug),
            "page.html",
            minijinja::context! { page_title => page.title.clone(), body => Value::from_safe_string(format::markdown_with(&page.markdown, &fill)) },
        );
    }
}

/// The date of the build, in Japanese (`2026年11月22日`):
/// `SOURCE_DATE_EPOCH` (seconds since 1970, UTC; the reproducible-builds
/// convention) when set and valid, else `updated` (YYYY-MM-DD, checked by
/// `check`), else a sentence saying it is not recorded.
fn build_date(source_date_epoch: Option<&str>, updated: Option<&str>) -> String {
    let from_epoch = source_date_epoch
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|&secs| secs >= 0)
        .map(|secs| civil_from_days(secs.div_euclid(86_400)));
    let from_updated = || {
        let u = updated?.trim();
        let num = |r: std::ops::Range<usize>| u.get(r)?.parse::<i64>().ok();
        Some((num(0..4)?, num(5..7)?, num(8..10)?))
    };
    match from_epoch.or_else(from_updated) {
        Some((y, m, d)) => format!("{y}年{m}月{d}日"),
        None => "（作成日は記録されていません）".to_string(),
    }
}

/// (year, month, day) of the day `days` after 1970-01-01 (proleptic
/// Gregorian; H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Who to tell about a problem, as inline HTML (every value escaped): the
/// office, e-mail address and page of `site.yaml`'s `contact`; without any,
/// a sentence saying none is set and how the site's operator sets one.
fn contact_html(site: &SiteDoc) -> String {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let contact = site.contact.clone().unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(office) = given(&contact.office) {
        parts.push(escape_html(&format!("{} {office}", site.municipality)));
    }
    if let Some(email) = given(&contact.email).filter(|e| crate::url::email_ok(e)) {
        let e = escape_html(&email);
        parts.push(format!("メール <a href=\"mailto:{e}\">{e}</a>"));
    }
    if let Some(url) = given(&contact.url).filter(|u| crate::url::safe_url(u).is_ok()) {
        parts.push(format!(
            "<a href=\"{}\">問い合わせのページ</a>",
            escape_html(&url)
        ));
    }
    if parts.is_empty() {
        return "このサイトには、まだ問い合わせ先が設定されていません（サイトの運営者の方へ：site.yaml の contact に担当課、メールアドレス、問い合わせのページのどれかを書くと、ここに表示されます）。".to_string();
    }
    parts.join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_date_comes_from_source_date_epoch_else_updated() {
        // 1700000000 s = 2023-11-14T22:13:20Z (checked with `date -u -d @1700000000`).
        assert_eq!(
            build_date(Some("1700000000"), Some("2026-11-22")),
            "2023年11月14日"
        );
        assert_eq!(build_date(Some("0"), None), "1970年1月1日");
        // 2024-02-29 is day 19782 since 1970 (a leap day).
        assert_eq!(build_date(Some("1709164800"), None), "2024年2月29日");
        assert_eq!(build_date(None, Some("2026-11-22")), "2026年11月22日");
        assert_eq!(build_date(Some("soon"), Some("2026-01-05")), "2026年1月5日");
        assert_eq!(build_date(None, None), "（作成日は記録されていません）");
    }
}
