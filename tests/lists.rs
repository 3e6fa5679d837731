//! The list pages (`projects.html`, `lists/…`): their tables, checked
//! against the `minimal` fixture worked out by hand, their links, and that
//! each is at most two clicks from `index.html`.
//!
//! `minimal` (tests/fixtures/minimal): series `sample` (scale A 適切,
//! B おおむね適切, C; periods 令和元年度 `fy2019` and 総括 `overall`);
//! `alpha` (総務課; fy2019 A, overall B; SDG goal 16; 一般会計; 決算額
//! H30 508, R1 6,030 見込み) and `script-name` (デジタル戦略課, formerly
//! ＩＴ推進課; fy2019 not rated, overall A; no SDGs, no 会計, no costs).

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use common::{fixture, hrefs, hyoka, main_of, read, snapshot, text};

fn build(dir: &Path) -> PathBuf {
    let out = hyoka(dir, &["build"]);
    assert!(out.status.success(), "{:?}", text(&out));
    dir.join("output")
}

/// The `<tbody>` rows of the list table of a page.
fn rows(html: &str) -> Vec<&str> {
    let Some(start) = html.find("<table class=\"list\"") else {
        return Vec::new();
    };
    let table = &html[start..];
    let body =
        &table[table.find("<tbody>").expect("tbody")..table.find("</tbody>").expect("/tbody")];
    body.split("<tr ").skip(1).collect()
}

/// The project ids linked from the first cell of each row.
fn row_ids(html: &str) -> Vec<String> {
    rows(html)
        .iter()
        .map(|r| {
            let a = r.find("projects/").expect("project link") + "projects/".len();
            r[a..r[a..].find(".html").expect(".html") + a].to_string()
        })
        .collect()
}

/// Every page reachable from `index.html`, with its distance in clicks.
fn distances(root: &Path) -> BTreeMap<PathBuf, usize> {
    let mut seen = BTreeMap::new();
    let mut queue = VecDeque::from([(root.join("index.html"), 0)]);
    while let Some((p, d)) = queue.pop_front() {
        let Ok(canon) = p.canonicalize() else {
            continue;
        };
        if seen.contains_key(&canon) {
            continue;
        }
        seen.insert(canon.clone(), d);
        if canon.extension().is_none_or(|e| e != "html") {
            continue;
        }
        for h in hrefs(&read(&canon)) {
            if h.contains("://") || h.starts_with('#') {
                continue;
            }
            let file = h.split(['#', '?']).next().unwrap_or("");
            queue.push_back((canon.parent().expect("parent").join(file), d + 1));
        }
    }
    seen
}

/// Every list page of the output (`projects.html` and `lists/**`).
fn list_pages(out: &Path) -> BTreeSet<PathBuf> {
    let mut v: BTreeSet<PathBuf> = walkdir::WalkDir::new(out.join("lists"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().canonicalize().expect("canon"))
        .collect();
    v.insert(out.join("projects.html").canonicalize().expect("canon"));
    v
}

#[test]
fn minimal_projects_table() {
    let dir = fixture("minimal");
    let out = build(dir.path());
    let html = read(&out.join("projects.html"));
    let main = main_of(&html);
    assert_eq!(row_ids(main), ["alpha", "script-name"]);
    let r = rows(main);
    // alpha: series, department, both periods' ratings linked to their
    // pages, the R1 settlement marked 見込み, goal 16, 一般会計.
    let alpha = r[0];
    assert!(alpha.starts_with("data-series=\"sample\" data-dept=\"somu\" data-rating=\"sample/fy2019/a sample/overall/b\" data-sdg=\"16\" data-account=\"general\">"), "{alpha}");
    for part in [
        "<td><a href=\"series/sample.html\">見本の評価</a></td>",
        "<td class=\"dept\"><a href=\"departments/somu.html\">総務課</a></td>",
        "<li><small>令和元年度</small> <a class=\"rating\" style=\"--c: #2e7d32\" href=\"lists/rating/sample/fy2019/a.html\"><span class=\"code\">A</span><span class=\"label\">適切</span>",
        "<li><small>総括</small> <a class=\"rating\" style=\"--c: #1a5e9a\" href=\"lists/rating/sample/overall/b.html\"><span class=\"code\">B</span>",
        "<td class=\"num\" data-key=\"6030000\"><data value=\"6030\" title=\"6,030,000円\">6,030千円</data><br><small>（見込み）</small></td>",
        "<a href=\"lists/sdg/16.html\" title=\"平和と公正をすべての人に\">ゴール16</a>",
        "<td><a href=\"lists/account/general.html\">一般</a></td>",
    ] {
        assert!(alpha.contains(part), "alpha row lacks {part}:\n{alpha}");
    }
    // script-name: current department name with the former one in small
    // type, no rating in fy2019, no settlement, goals or account; its
    // name escaped.
    let s = r[1];
    assert!(s.starts_with("data-series=\"sample\" data-dept=\"digital\" data-rating=\"sample/overall/a\" data-sdg=\"\" data-account=\"\">"), "{s}");
    for part in [
        "&lt;script&gt;alert(1)&lt;/script&gt;事業",
        "<a href=\"departments/digital.html\">デジタル戦略課</a><br><small>旧：ＩＴ推進課</small>",
        "<li><small>令和元年度</small> <span class=\"none\" title=\"評価なし\">—</span></li>",
        "<td class=\"num\" data-key=\"\"><span class=\"none\">—</span></td>",
    ] {
        assert!(s.contains(part), "script-name row lacks {part}:\n{s}");
    }
    // One cost column: the latest year with a 決算額 (R1), its kind and
    // unit in the header.
    assert!(main.contains(
        "<th scope=\"col\" data-sort=\"number\">決算額<br><small>（令和元年度、千円）</small></th>"
    ));
    // The table scrolls in a named, focusable region; the script is loaded
    // relative to the page.
    assert!(main.contains(
        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"すべての事業の表\">"
    ));
    assert!(main.contains("<script src=\"static/lists.js\" defer></script>"));
    assert!(out.join("static/lists.js").is_file());
    snapshot("minimal-projects.html", main);
}

#[test]
fn minimal_filters_are_links_to_static_pages() {
    let dir = fixture("minimal");
    let out = build(dir.path());
    let html = read(&out.join("projects.html"));
    let nav = &html[html.find("<nav class=\"filters\"").expect("filters")..];
    let nav = &nav[..nav.find("</nav>").expect("/nav")];
    // Each filter value: (data-filter section, link, value), by hand.
    let mut links: Vec<(String, String)> = Vec::new();
    for a in nav.split("<a href=\"").skip(1) {
        let href = a.split('"').next().expect("href").to_string();
        let value = a
            .split("data-value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .expect("data-value")
            .to_string();
        links.push((href, value));
    }
    let expect = [
        ("series/sample.html", "sample"),
        ("departments/somu.html", "somu"),
        ("departments/digital.html", "digital"),
        // fy2019: only A has a project; 総括: A and B.
        ("lists/rating/sample/fy2019/a.html", "sample/fy2019/a"),
        ("lists/rating/sample/overall/a.html", "sample/overall/a"),
        ("lists/rating/sample/overall/b.html", "sample/overall/b"),
        ("lists/sdg/16.html", "16"),
        ("lists/account/general.html", "general"),
    ];
    let got: Vec<(&str, &str)> = links
        .iter()
        .map(|(h, v)| (h.as_str(), v.as_str()))
        .collect();
    assert_eq!(got, expect);
    for (href, _) in &links {
        assert!(out.join(href).is_file(), "{href}");
    }
}

#[test]
fn minimal_list_pages_list_the_right_projects() {
    let dir = fixture("minimal");
    let out = build(dir.path());
    let pages: BTreeSet<String> = list_pages(&out)
        .iter()
        .map(|p| {
            p.strip_prefix(out.canonicalize().expect("canon"))
                .expect("inside")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let expected: BTreeMap<&str, Vec<&str>> = [
        ("lists/account/general.html", vec!["alpha"]),
        ("lists/rating/sample/fy2019/a.html", vec!["alpha"]),
        ("lists/rating/sample/fy2019/b.html", vec![]),
        ("lists/rating/sample/fy2019/c.html", vec![]),
        ("lists/rating/sample/overall/a.html", vec!["script-name"]),
        ("lists/rating/sample/overall/b.html", vec!["alpha"]),
        ("lists/rating/sample/overall/c.html", vec![]),
        ("lists/sdg/16.html", vec!["alpha"]),
        ("projects.html", vec!["alpha", "script-name"]),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        pages,
        expected
            .keys()
            .map(|k| k.to_string())
            .collect::<BTreeSet<_>>()
    );
    for (page, ids) in &expected {
        let html = read(&out.join(page));
        assert_eq!(row_ids(main_of(&html)), *ids, "{page}");
        if ids.is_empty() {
            assert!(html.contains("該当する事業はありません。"), "{page}");
        }
    }
    let a = read(&out.join("lists/rating/sample/overall/a.html"));
    assert!(a.contains("<h1>見本の評価：総括にA（適切）と評価された事業</h1>"));
    assert!(a.contains(
        "<title>見本の評価：総括にA（適切）と評価された事業｜見本市 事務事業評価</title>"
    ));
    assert!(a.contains("A：計画通り"));
    let sdg = read(&out.join("lists/sdg/16.html"));
    assert!(sdg.contains("<h1>SDGsのゴール16「平和と公正をすべての人に」に貢献する事業</h1>"));
    assert!(read(&out.join("lists/account/general.html")).contains("<h1>一般会計の事業</h1>"));
    snapshot(
        "minimal-list-overall-a.html",
        main_of(&read(&out.join("lists/rating/sample/overall/a.html"))),
    );
}

#[test]
fn project_page_badges_and_goals_link_to_their_lists() {
    let dir = fixture("minimal");
    let out = build(dir.path());
    let html = read(&out.join("projects/alpha.html"));
    let links = hrefs(main_of(&html));
    for l in [
        "../lists/rating/sample/fy2019/a.html",
        "../lists/rating/sample/overall/b.html",
        "../lists/sdg/16.html",
        "../lists/account/general.html",
    ] {
        assert!(links.iter().any(|h| h == l), "alpha lacks {l}: {links:?}");
    }
}

#[test]
fn home_and_series_pages_link_every_rating_list() {
    let dir = fixture("minimal");
    let out = build(dir.path());
    let home = hrefs(&read(&out.join("index.html")));
    let series = hrefs(&read(&out.join("series/sample.html")));
    for period in ["fy2019", "overall"] {
        for level in ["a", "b", "c"] {
            let p = format!("lists/rating/sample/{period}/{level}.html");
            assert!(home.contains(&p), "home lacks {p}");
            assert!(series.contains(&format!("../{p}")), "series lacks {p}");
        }
    }
    assert!(home.contains(&"projects.html".to_string()));
}

/// Every list page is at most two clicks from the home page, in the
/// minimal fixture and in the shipped content.
#[test]
fn every_list_page_is_two_clicks_from_home() {
    for name in ["minimal", "shipped"] {
        let dir = fixture(name);
        let out = build(dir.path());
        let d = distances(&out);
        let pages = list_pages(&out);
        assert!(pages.len() > 2, "{name}: {pages:?}");
        for p in &pages {
            match d.get(p) {
                Some(&n) if n <= 2 => {}
                other => panic!("{name}: {} is {other:?} clicks from home", p.display()),
            }
        }
    }
}

/// In the shipped content: all 84 projects in one table, and every rating
/// badge of every project page links to a list that lists that project.
#[test]
fn shipped_lists_agree_with_project_pages() {
    let dir = fixture("shipped");
    let out = build(dir.path());
    let all = row_ids(main_of(&read(&out.join("projects.html"))));
    assert_eq!(all.len(), 84);
    let mut checked = 0;
    for id in &all {
        let page = read(&out.join(format!("projects/{id}.html")));
        for h in hrefs(main_of(&page)) {
            let Some(rest) = h.strip_prefix("../lists/") else {
                continue;
            };
            let list = read(&out.join("lists").join(rest));
            assert!(
                row_ids(main_of(&list)).contains(id),
                "{id} links to {h}, which does not list it"
            );
            checked += 1;
        }
    }
    // Every project has at least one rating badge or SDG goal linked.
    assert!(checked >= 84, "{checked}");
}
