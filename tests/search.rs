//! The search index (`hyoka::search`): queries run on the built index files
//! exactly as `static/search.js` runs them, with answers worked out by hand
//! on `tests/fixtures/search` (five projects, three synonym groups) and on
//! the shipped content; `synonyms.yaml` checked with file:line:col.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{fixture, hyoka, repo, text};
use hyoka::output::Memory;
use hyoka::pipeline::{self, Timings};
use hyoka::search::query::{page_of, search};
use hyoka::theme::Theme;

fn site(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let theme = Theme::load(None).expect("theme");
    let sink = Memory::default();
    pipeline::build(root, &theme, None, &sink, &mut Timings::default())
        .unwrap_or_else(|_| panic!("{} builds", root.display()));
    sink.into_files()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

/// The project ids `q` finds, in rank order.
fn ids(files: &BTreeMap<String, Vec<u8>>, q: &str) -> Vec<String> {
    let get = |p: &str| files.get(p).cloned();
    search(&get, q)
        .expect("index")
        .into_iter()
        .map(|h| {
            page_of(&get, h.doc)
                .expect("chunk")
                .trim_start_matches("projects/")
                .trim_end_matches(".html")
                .to_string()
        })
        .collect()
}

fn fixture_site() -> BTreeMap<String, Vec<u8>> {
    site(&repo().join("tests/fixtures/search/content"))
}

#[test]
fn substring_matches_with_normalisation_and_synonyms() {
    let f = fixture_site();
    // a1 has it in its name; a2 and a4 in their texts (a4 also as
    // 子ども・子育て, the synonym), in project order.
    assert_eq!(ids(&f, "子育て"), ["a1", "a2", "a4"]);
    // Full-width, lowercase and half-width forms are one query; GIS is
    // also 地理情報システム: a2 (name), then a4 and a5 once each.
    for q in ["ＧＩＳ", "gis", "ｇｉｓ", "G I S"] {
        assert_eq!(ids(&f, q), ["a2", "a4", "a5"], "{q}");
    }
    // Half-width katakana: a1 (summary) and a3 (evaluation reason, written
    // half-width there).
    assert_eq!(ids(&f, "ｸﾞﾙｰﾌﾟｳｪｱ"), ["a1", "a3"]);
    assert_eq!(ids(&f, "グループウェア"), ["a1", "a3"]);
    // マイナンバー is 個人番号: a3's name and summary either way.
    assert_eq!(ids(&f, "マイナンバー"), ["a3"]);
    assert_eq!(ids(&f, "個人番号カード"), ["a3"]);
    // Spaces are ignored: 子育て支援 in a1's name, a2's summary, a4's legal
    // basis (also as 子ども・子育て支援).
    assert_eq!(ids(&f, "子育て　支援"), ["a1", "a2", "a4"]);
}

#[test]
fn fields_department_names_evaluator_and_series() {
    let f = fixture_site();
    // A former department name (ＩＴ推進課, now デジタル戦略課) finds a2.
    assert_eq!(ids(&f, "ＩＴ推進課"), ["a2"]);
    assert_eq!(ids(&f, "デジタル戦略"), ["a2"]);
    // The evaluator's title, an activity, an indicator name.
    assert_eq!(ids(&f, "資源循環"), ["a5"]);
    assert_eq!(ids(&f, "講習会"), ["a5"]);
    assert_eq!(ids(&f, "利用件数"), ["a4"]);
    // The series title is in every project.
    assert_eq!(ids(&f, "見本の評価"), ["a1", "a2", "a3", "a4", "a5"]);
}

#[test]
fn a_match_never_spans_two_fields() {
    let f = fixture_site();
    // a1's name ends in 事業 and its summary starts with 地域.
    assert_eq!(ids(&f, "事業地域"), Vec::<String>::new());
    assert_eq!(ids(&f, "存在しない語"), Vec::<String>::new());
    assert_eq!(ids(&f, "   "), Vec::<String>::new());
}

#[test]
fn one_character_queries() {
    let f = fixture_site();
    assert_eq!(ids(&f, "ご"), ["a5"]);
    // 育: a1's name first; then a2 and a4, in project order.
    assert_eq!(ids(&f, "育"), ["a1", "a2", "a4"]);
    assert_eq!(ids(&f, "Ｇ"), ["a2", "a5"]);
}

#[test]
fn name_matches_rank_first() {
    let f = fixture_site();
    // 個人番号カード (7 characters, checked against the text) is a3's name.
    // 地理情報システム is in a4's indicator; its synonym GIS is in a2's name,
    // which comes first although the query is the long word, and in a5's
    // activity.
    assert_eq!(ids(&f, "個人番号カード"), ["a3"]);
    assert_eq!(ids(&f, "地理情報システム"), ["a2", "a4", "a5"]);
    // 事業 is in every name (once each), and nowhere else.
    assert_eq!(ids(&f, "事業"), ["a1", "a2", "a3", "a4", "a5"]);
    // 交付 is in a3's name and summary.
    assert_eq!(ids(&f, "交付"), ["a3"]);
    // カード: a3 only (name). 地図: a2 only (summary).
    assert_eq!(ids(&f, "地図"), ["a2"]);
}

#[test]
fn the_shipped_site_finds_the_words_of_the_issue() {
    let f = site(&repo().join("content"));
    // マイナンバー is written only in the bodies of two projects; the
    // synonym 個人番号 brings the one whose name says 個人番号カード, first.
    let mynumber = [
        "kojin-bango-card-kofu-suishin",
        "zeikei-system-kaishu-online-shikaku-kakunin",
    ];
    assert_eq!(ids(&f, "マイナンバー"), mynumber);
    assert_eq!(ids(&f, "個人番号"), mynumber);
    assert_eq!(ids(&f, "ｸﾞﾙｰﾌﾟｳｪｱ"), ["gikai-ict-suishin-groupware"]);
    // GIS is in public-gis's name; both 地理空間情報システム are GIS by
    // the synonyms (public-gis has both, so it ranks first).
    assert_eq!(ids(&f, "ＧＩＳ"), ["public-gis", "road-boundary-gis"]);
    // dai3ji-chiiki-fukushi-keikaku-sakutei has 子育て only in its notes
    // (転記メモ), which are not searched.
    assert_eq!(ids(&f, "子育て"), ["kodomo-kosodate-shien-keikaku-suishin"]);
}

#[test]
fn the_index_is_deterministic_and_in_its_folder() {
    let a = fixture_site();
    let b = fixture_site();
    let pick = |m: &BTreeMap<String, Vec<u8>>| -> Vec<(String, Vec<u8>)> {
        m.iter()
            .filter(|(p, _)| p.starts_with("search/"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    assert!(a.contains_key("search/index.json"));
    assert!(a.contains_key("search/c/0.json"));
    assert!(a.contains_key("search.html"));
    assert!(a.contains_key("static/search.js"));
    assert_eq!(pick(&a), pick(&b));
}

#[test]
fn every_page_has_the_search_box_leading_to_projects_without_js() {
    let f = fixture_site();
    for page in ["index.html", "projects/a1.html", "departments/somu.html"] {
        let html = String::from_utf8_lossy(&f[page]);
        let root = "../".repeat(page.matches('/').count());
        assert!(
            html.contains(&format!(
                r#"<form class="site-search" role="search" action="{root}projects.html" method="get">"#
            )),
            "{page}"
        );
        assert!(html.contains(r#"name="q""#), "{page}");
        assert!(
            html.contains(&format!(r#"<script src="{root}static/search.js" defer>"#)),
            "{page}"
        );
    }
    let s = String::from_utf8_lossy(&f["search.html"]);
    assert!(s.contains(r#"aria-live="polite""#));
}

#[test]
fn synonyms_yaml_problems_are_reported_with_positions() {
    let dir = fixture("search");
    fs::write(
        dir.path().join("content/synonyms.yaml"),
        "groups:\n  - [ＧＩＳ]\n  - [gis, 地図]\n  - [地図, \"　\"]\nother: 1\n",
    )
    .expect("write");
    let out = hyoka(dir.path(), &["check"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for want in [
        "content/synonyms.yaml:2:5: error: 同義語のグループ 1 に語が 1 つしかありません",
        "content/synonyms.yaml:3:6: error: 同義語「gis」がグループ 1 とグループ 2 の両方にあります",
        "content/synonyms.yaml:4:6: error: 同義語「地図」がグループ 2 とグループ 3 の両方にあります",
        "content/synonyms.yaml:4:10: error: 同義語が空です",
        "content/synonyms.yaml:5:1: error: 「other」という項目はありません",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
}

#[test]
fn without_synonyms_yaml_there_is_no_expansion() {
    let dir = fixture("search");
    fs::remove_file(dir.path().join("content/synonyms.yaml")).expect("rm");
    let f = site(&dir.path().join("content"));
    assert_eq!(ids(&f, "マイナンバー"), ["a3"]);
    assert_eq!(ids(&f, "子育て"), ["a1", "a2", "a4"]);
    assert_eq!(ids(&f, "地理情報システム"), ["a4"]);
}
