//! `hyoka build`: fixture sites built by the real CLI into a temp dir.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

use common::{fixture, hrefs, hyoka, main_of, read, snapshot, text};

fn build(dir: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let out = hyoka(dir, &args);
    assert!(out.status.success(), "{:?}", text(&out));
    dir.join("output")
}

#[test]
fn minimal_site_pages_and_snapshots() {
    let dir = fixture("minimal");
    let out = build(dir.path(), &[]);
    for page in [
        "index.html",
        "404.html",
        "departments.html",
        "downloads.html",
        "static/style.css",
        "static/print.css",
        "projects/alpha.html",
        "projects/script-name.html",
        "departments/somu.html",
        "departments/digital.html",
        "departments/empty.html",
        "series/sample.html",
        "pages/about.html",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    snapshot(
        "minimal-project-alpha.html",
        main_of(&read(&out.join("projects/alpha.html"))),
    );
    snapshot(
        "minimal-series.html",
        main_of(&read(&out.join("series/sample.html"))),
    );
    snapshot(
        "minimal-department-digital.html",
        main_of(&read(&out.join("departments/digital.html"))),
    );
}

#[test]
fn project_page_reads_like_the_sheet() {
    let dir = fixture("minimal");
    let out = build(dir.path(), &[]);
    let html = read(&out.join("projects/alpha.html"));
    // Amounts for reading with the exact figure kept.
    assert!(
        html.contains("<data value=\"6262\" title=\"6,262,000円\">6,262千円</data>"),
        "{html}"
    );
    // Fiscal years in 和暦 with the western year.
    assert!(html.contains("令和元年度（2019年度）"));
    assert!(html.contains("平成30年度（2018年度）"));
    // Rating with its scale label.
    assert!(html.contains("<span class=\"code\">A</span><span class=\"label\">適切</span>"));
    // Order: what → cost → achieved → rated → next.
    let order: Vec<usize> = [
        "h-what", "h-cost", "h-result", "h-eval", "h-next", "h-source",
    ]
    .iter()
    .map(|id| {
        html.find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // Nulls show as —.
    let script = read(&out.join("projects/script-name.html"));
    assert!(script.contains("<dt>会計</dt><dd>—</dd>"));
    // Department renamed: the page names the name at evaluation time.
    assert!(script.contains("評価当時の名称：ＩＴ推進課"), "{script}");
}

#[test]
fn everything_from_yaml_is_escaped() {
    let dir = fixture("minimal");
    let out = build(dir.path(), &[]);
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.expect("walk");
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = read(entry.path());
            assert!(
                !html.contains("<script>"),
                "{} has a raw <script>",
                entry.path().display()
            );
            assert!(
                !html.contains("<b>太字</b>"),
                "raw HTML in markdown passed through"
            );
        }
    }
    let html = read(&out.join("projects/script-name.html"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;事業"),
        "{}",
        main_of(&html)
    );
}

#[test]
fn links_are_relative_and_resolve() {
    let dir = fixture("minimal");
    let out = build(dir.path(), &["--base-url", "https://city.example/hyoka/"]);
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.expect("walk");
        let p = entry.path();
        if p.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = read(p);
        for h in hrefs(&html) {
            if h.starts_with("https://") || h.starts_with("http://") || h.starts_with('#') {
                continue;
            }
            assert!(!h.starts_with('/'), "{}: absolute link {h}", p.display());
            if p.ends_with("404.html") {
                // Shown at any path: its site links must be absolute.
                panic!("{}: relative link {h} in 404.html", p.display());
            }
            let target = p
                .parent()
                .expect("parent")
                .join(h.split('#').next().unwrap_or(""));
            assert!(target.exists(), "{}: broken link {h}", p.display());
        }
    }
    let not_found = read(&out.join("404.html"));
    // Styled at any depth: its CSS is inline, no stylesheet to find.
    assert!(not_found.contains("<style>"), "{not_found}");
    assert!(!not_found.contains("rel=\"stylesheet\""), "{not_found}");
    assert!(not_found.contains("href=\"https://city.example/hyoka/index.html\""));
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://city.example/hyoka/projects/alpha.html</loc>"));
    // Every <loc> is absolute (the sitemap protocol allows no other).
    for loc in sitemap.split("<loc>").skip(1) {
        assert!(loc.starts_with("https://city.example/hyoka/"), "{loc}");
    }
    assert!(read(&out.join("index.html"))
        .contains("<link rel=\"canonical\" href=\"https://city.example/hyoka/index.html\">"));
}

/// Issue 14: without a base URL there is no sitemap (its URLs must be
/// absolute), 404.html links only to the server's top page and says why,
/// and `build` and `check` warn once on stderr without failing.
#[test]
fn without_base_url_no_sitemap_and_a_self_contained_404() {
    let dir = fixture("minimal");
    let out = dir.path().join("out-nobase");
    let run = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_hyoka"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("runs hyoka");
        assert!(o.status.success(), "{o:?}");
        String::from_utf8(o.stderr).expect("utf-8")
    };
    let out_s = out.to_str().expect("utf-8 path");
    for stderr in [run(&["build", "--output", out_s]), run(&["check"])] {
        assert_eq!(
            stderr
                .matches("公開URL（base_url）が設定されていません")
                .count(),
            1,
            "{stderr}"
        );
        assert!(
            stderr.contains("sitemap.xml とデータカタログ（data/catalog.json、data/catalog.jsonld）を書き出さず"),
            "{stderr}"
        );
    }
    assert!(!out.join("sitemap.xml").exists());
    let not_found = read(&out.join("404.html"));
    assert!(not_found.contains("<style>"), "{not_found}");
    let links = hrefs(&not_found);
    assert_eq!(links, ["/"], "{not_found}");
    assert!(not_found.contains("サーバーのトップページ"), "{not_found}");
    // With a base URL: no warning.
    let stderr = run(&[
        "build",
        "--output",
        out_s,
        "--base-url",
        "https://city.example/hyoka/",
    ]);
    assert!(!stderr.contains("base_url"), "{stderr}");
    assert!(out.join("sitemap.xml").exists());
}

#[test]
fn rebuild_is_byte_identical() {
    let dir = fixture("minimal");
    let out = build(dir.path(), &[]);
    let snapshot_of = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(root).expect("rel").to_path_buf(),
                    fs::read(e.path()).expect("read"),
                )
            })
            .collect();
        v.sort();
        v
    };
    let first = snapshot_of(&out);
    let out2 = build(dir.path(), &[]);
    assert_eq!(first, snapshot_of(&out2));
}

#[test]
fn failed_build_leaves_previous_output_intact() {
    let dir = fixture("minimal");
    let out = build(dir.path(), &[]);
    let before = read(&out.join("projects/alpha.html"));
    fs::write(dir.path().join("content/sample/alpha.yaml"), "name: [\n").expect("break");
    let res = hyoka(dir.path(), &["build"]);
    assert_eq!(res.status.code(), Some(1));
    assert!(text(&res).1.contains("content/sample/alpha.yaml:"));
    assert_eq!(read(&out.join("projects/alpha.html")), before);
    // No staging folder is left behind.
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".output"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn template_typo_fails_naming_template_and_line() {
    let dir = fixture("minimal");
    let theme = dir.path().join("mytheme/templates");
    fs::create_dir_all(&theme).expect("mkdir");
    fs::write(
        theme.join("404.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ site.titel }}</p>\n{% endblock %}\n",
    )
    .expect("write");
    let res = hyoka(dir.path(), &["build", "--theme", "mytheme"]);
    assert_eq!(res.status.code(), Some(1));
    let err = text(&res).1;
    assert!(
        err.contains("templates/404.html:3:1: error: テンプレートの誤り"),
        "{err}"
    );
}

#[test]
fn user_theme_overrides_a_single_template() {
    let dir = fixture("minimal");
    let theme = dir.path().join("mytheme/templates");
    fs::create_dir_all(&theme).expect("mkdir");
    fs::write(
        theme.join("404.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>見つかりません（独自テーマ）</h1>{% endblock %}",
    )
    .expect("write");
    let out = build(dir.path(), &["--theme", "mytheme"]);
    assert!(read(&out.join("404.html")).contains("見つかりません（独自テーマ）"));
    // Other templates still come from the default theme.
    assert!(read(&out.join("index.html")).contains("評価の種類"));
}

/// Follows links from index.html and returns every page reached.
fn crawl(root: &Path) -> BTreeSet<PathBuf> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([root.join("index.html")]);
    while let Some(p) = queue.pop_front() {
        let Ok(canon) = p.canonicalize() else {
            continue;
        };
        if !seen.insert(canon.clone()) || canon.extension().is_none_or(|e| e != "html") {
            continue;
        }
        for h in hrefs(&read(&canon)) {
            if h.contains("://") || h.starts_with('#') {
                continue;
            }
            queue.push_back(
                canon
                    .parent()
                    .expect("parent")
                    .join(h.split('#').next().unwrap_or("")),
            );
        }
    }
    seen
}

#[test]
fn shipped_site_reaches_all_84_projects_by_links() {
    let dir = fixture("shipped");
    let out = build(dir.path(), &[]);
    let reached = crawl(&out);
    let projects: Vec<_> = reached
        .iter()
        .filter(|p| {
            p.parent()
                .and_then(|d| d.file_name())
                .is_some_and(|n| n == "projects")
        })
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert_eq!(projects.len(), 84);
}

/// 表3-1 and 表3-2 of the ICT report, computed from the YAML.
#[test]
fn ict_series_reproduces_tables_3_1_and_3_2() {
    let dir = fixture("shipped");
    let out = build(dir.path(), &[]);
    let html = read(&out.join("series/ict-plan-2019-2021.html"));
    let main = main_of(&html);
    let row = |vision: &str, cells: &str| format!("<tr><th scope=\"row\">{vision}</th>{cells}");
    let v1 = "1. 市民本位なサービスの提供とそれによる価値創出";
    let v2 = "2. 効率的で効果的な行政経営を支える情報化の推進";
    let v3 = "3. 情報セキュリティレベルの維持・向上による信頼性の確保";
    let c = |a: &str, b: &str| {
        format!(
            "<td class=\"num\" data-label=\"A評価\">{a}</td><td class=\"num\" data-label=\"B評価\">{b}</td><td class=\"num\" data-label=\"C評価\">0件 (0%)</td><td class=\"num\" data-label=\"D評価\">0件 (0%)</td><td class=\"num\" data-label=\"AまたはB評価の割合\">100%</td>"
        )
    };
    let (t31, t32) = main.split_at(main.find("総括の評価結果").expect("総括 table"));
    // 表3-1 (令和3年度)
    assert!(
        t31.contains(&row(v1, &c("16件 (84%)", "3件 (16%)"))),
        "{t31}"
    );
    assert!(t31.contains(&row(v2, &c("32件 (91%)", "3件 (9%)"))));
    assert!(t31.contains(&row(v3, &c("2件 (67%)", "1件 (33%)"))));
    // 図3-1: 50 A + 7 B = 57, the electronic blackboards not rated.
    assert!(t31.contains("<tr class=\"total\"><th scope=\"row\">合計</th><td class=\"num\" data-label=\"A評価\">50件 (88%)</td><td class=\"num\" data-label=\"B評価\">7件 (12%)</td>"));
    // 表3-2 (総括)
    assert!(
        t32.contains(&row(v1, &c("18件 (90%)", "2件 (10%)"))),
        "{t32}"
    );
    assert!(t32.contains(&row(v2, &c("31件 (89%)", "4件 (11%)"))));
    assert!(t32.contains(&row(v3, &c("2件 (67%)", "1件 (33%)"))));
    assert!(t32.contains("<tr class=\"total\"><th scope=\"row\">合計</th><td class=\"num\" data-label=\"A評価\">51件 (88%)</td><td class=\"num\" data-label=\"B評価\">7件 (12%)</td>"));
}
