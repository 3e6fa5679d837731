//! Hostile content (issue 11): URLs that would run script and numbers that
//! would print as "NaN%" or wrap around. Each case mutates one file of the
//! minimal fixture and runs the real CLI: `check` and `build` fail with the
//! exact `file:line:col: error: …` line and `output/` is neither created nor
//! changed; markdown links are built, but no script URL reaches the page.

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, hyoka, text, tree};

/// Replaces the one occurrence of `from` in `rel` (under the fixture root).
fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let path = dir.join(rel);
    let s = fs::read_to_string(&path).expect("read");
    assert_eq!(s.matches(from).count(), 1, "{from:?} in {rel}");
    fs::write(&path, s.replacen(from, to, 1)).expect("write");
}

/// `hyoka <args>` exits with `code` and prints exactly the line `line` on
/// stderr; without an `output/` none is created, and an existing one is
/// left byte for byte as it was.
fn refused_by(dir: &Path, args: &[&str], code: i32, line: &str) {
    let output = dir.join("output");
    assert!(!output.exists());
    let out = hyoka(dir, args);
    let err = text(&out).1;
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert!(
        err.lines().any(|l| l == line),
        "{args:?}: want {line:?} in\n{err}"
    );
    assert!(!output.exists(), "{args:?} created output/");

    fs::create_dir_all(output.join("projects")).expect("mkdir");
    // A previous output of hyoka carries its marker.
    fs::write(output.join(".hyoka-output"), "hyoka-output 1\n").expect("write");
    fs::write(output.join("index.html"), "previous").expect("write");
    fs::write(output.join("projects/alpha.html"), "previous alpha").expect("write");
    let before = tree(&output);
    let out = hyoka(dir, args);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {:?}", text(&out));
    assert_eq!(tree(&output), before, "{args:?} changed output/");
    fs::remove_dir_all(&output).expect("rm");
}

/// Both `check` and `build` refuse the content with exactly `line`.
fn refused(dir: &Path, line: &str) {
    refused_by(dir, &["check"], 1, line);
    refused_by(dir, &["build"], 1, line);
}

const GATE_HINT: &str = "  = ヒント: http:// か https:// で始まるURL、mailto:、または相対パス（例: ../x.html、#見出し）で書いてください";

// ---- URLs in YAML ---------------------------------------------------------

/// Appends a licence with `url` to the minimal site.yaml (7 lines): the
/// `url:` value starts at line 11, column 8.
fn with_license_url(url: &str) -> tempfile::TempDir {
    let dir = fixture("minimal");
    let site = dir.path().join("content/site.yaml");
    let mut s = fs::read_to_string(&site).expect("read");
    s.push_str(&format!(
        "license:\n  id: CC-BY-4.0\n  name: 表示\n  url: \"{url}\"\n  attribution: 出典\n"
    ));
    fs::write(&site, s).expect("write");
    dir
}

#[test]
fn license_url_javascript_is_an_error() {
    let dir = with_license_url("javascript:alert(1)");
    refused(
        dir.path(),
        "content/site.yaml:11:8: error: ライセンスのURL（license.url）に「javascript:」で始まるURLは使えません",
    );
    let err = text(&hyoka(dir.path(), &["check"])).1;
    assert!(err.lines().any(|l| l == GATE_HINT), "{err}");
}

#[test]
fn license_url_entity_encoded_javascript_is_an_error() {
    let dir = with_license_url("&#x6A;ava&Tab;script&colon;alert(1)");
    refused(
        dir.path(),
        "content/site.yaml:11:8: error: ライセンスのURL（license.url）に「javascript:」で始まるURLは使えません",
    );
}

#[test]
fn license_url_https_and_relative_build() {
    for url in [
        "https://creativecommons.org/licenses/by/4.0/",
        "pages/license.html",
    ] {
        let dir = with_license_url(url);
        let out = hyoka(dir.path(), &["build"]);
        assert!(out.status.success(), "{url}: {:?}", text(&out));
        let index = fs::read_to_string(dir.path().join("output/index.html")).expect("index");
        assert!(
            index.contains(&format!("<a href=\"{url}\">表示</a>")),
            "{url}"
        );
    }
}

#[test]
fn source_url_vbscript_is_an_error() {
    let dir = fixture("minimal");
    // The minimal _series.yaml ends with the source `doc` at line 31–33.
    let series = dir.path().join("content/sample/_series.yaml");
    let mut s = fs::read_to_string(&series).expect("read");
    s.push_str("    url: \"VBScript:msgbox(1)\"\n");
    fs::write(&series, s).expect("write");
    refused(
        dir.path(),
        "content/sample/_series.yaml:34:10: error: 資料のURL（url）に「vbscript:」で始まるURLは使えません",
    );
}

#[test]
fn source_url_data_is_an_error() {
    let dir = fixture("minimal");
    let series = dir.path().join("content/sample/_series.yaml");
    let mut s = fs::read_to_string(&series).expect("read");
    s.push_str("    url: data:text/html,hi\n");
    fs::write(&series, s).expect("write");
    refused(
        dir.path(),
        "content/sample/_series.yaml:34:10: error: 資料のURL（url）に「data:」で始まるURLは使えません",
    );
}

#[test]
fn base_url_javascript_is_an_error() {
    let dir = fixture("minimal");
    edit(
        dir.path(),
        "content/site.yaml",
        "base_url: null",
        "base_url: \"javascript:alert(1)\"",
    );
    refused(
        dir.path(),
        "content/site.yaml:6:11: error: 公開URL（base_url）が正しくありません",
    );
    let err = text(&hyoka(dir.path(), &["check"])).1;
    assert!(
        err.contains("  = ヒント: http:// か https:// で始まり、ホスト名のあるURLで書いてください（例: https://city.example/hyoka/）。使わない場合は null と書いてください"),
        "{err}"
    );
}

#[test]
fn base_url_without_host_is_an_error() {
    let dir = fixture("minimal");
    edit(
        dir.path(),
        "content/site.yaml",
        "base_url: null",
        "base_url: https:///hyoka/",
    );
    refused(
        dir.path(),
        "content/site.yaml:6:11: error: 公開URL（base_url）が正しくありません",
    );
}

#[test]
fn base_url_with_host_and_no_trailing_slash_builds() {
    let dir = fixture("minimal");
    edit(
        dir.path(),
        "content/site.yaml",
        "base_url: null",
        "base_url: https://city.example/hyoka",
    );
    let out = hyoka(dir.path(), &["build"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let html = fs::read_to_string(dir.path().join("output/404.html")).expect("404");
    assert!(
        html.contains("href=\"https://city.example/hyoka/index.html\""),
        "{html}"
    );
}

#[test]
fn base_url_option_javascript_is_refused_with_exit_2() {
    let dir = fixture("minimal");
    refused_by(
        dir.path(),
        &["build", "--base-url", "javascript:alert(1)"],
        2,
        "error: --base-url に指定したURL「javascript:alert(1)」は使えません",
    );
    refused_by(
        dir.path(),
        &["build", "--base-url", "city.example/hyoka/"],
        2,
        "error: --base-url に指定したURL「city.example/hyoka/」は使えません",
    );
}

// ---- Numbers --------------------------------------------------------------

#[test]
fn nan_target_is_an_error() {
    let dir = fixture("minimal");
    edit(
        dir.path(),
        "content/sample/alpha.yaml",
        "        target: 90\n        result: 85.3",
        "        target: .nan\n        result: 85.3",
    );
    refused(
        dir.path(),
        "content/sample/alpha.yaml:33:17: error: 「target」に数ではない値（.nan・.inf）は書けません",
    );
}

#[test]
fn infinite_result_is_an_error() {
    let dir = fixture("minimal");
    edit(
        dir.path(),
        "content/sample/alpha.yaml",
        "result: 82.9",
        "result: .inf",
    );
    refused(
        dir.path(),
        "content/sample/alpha.yaml:37:17: error: 「result」に数ではない値（.nan・.inf）は書けません",
    );
}

#[test]
fn nan_or_negative_infinite_staff_is_an_error() {
    let dir = fixture("minimal");
    edit(
        dir.path(),
        "content/sample/alpha.yaml",
        "regular_staff: 2.5",
        "regular_staff: .NaN",
    );
    edit(
        dir.path(),
        "content/sample/alpha.yaml",
        "regular_staff: 0.15",
        "regular_staff: -.inf",
    );
    refused(
        dir.path(),
        "content/sample/alpha.yaml:23:20: error: 「regular_staff」に数ではない値（.nan・.inf）は書けません",
    );
    refused(
        dir.path(),
        "content/sample/alpha.yaml:17:20: error: 「regular_staff」に数ではない値（.nan・.inf）は書けません",
    );
}

#[test]
fn two_budgets_of_i64_max_are_errors() {
    let dir = fixture("minimal");
    // Both fiscal years of alpha, and R1 of the second project: three
    // amounts that would wrap the R1 total.
    edit(
        dir.path(),
        "content/sample/alpha.yaml",
        "budget: 653",
        "budget: 9223372036854775807",
    );
    edit(
        dir.path(),
        "content/sample/alpha.yaml",
        "budget: 6262",
        "budget: 9223372036854775807",
    );
    let too_big = "error: 「budget」の金額が大きすぎます（上限は 1,000,000,000,000千円）";
    refused(
        dir.path(),
        &format!("content/sample/alpha.yaml:15:13: {too_big}"),
    );
    refused(
        dir.path(),
        &format!("content/sample/alpha.yaml:20:13: {too_big}"),
    );
    let err = text(&hyoka(dir.path(), &["check"])).1;
    assert!(
        err.contains("  = ヒント: 金額の単位は千円です。桁を確かめてください"),
        "{err}"
    );
}

#[test]
fn amounts_up_to_the_bound_build_and_one_more_is_an_error() {
    let dir = fixture("minimal");
    edit(
        dir.path(),
        "content/sample/alpha.yaml",
        "settlement: 6030",
        "settlement: 1000000000000",
    );
    let out = hyoka(dir.path(), &["build"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let series = fs::read_to_string(dir.path().join("output/series/sample.html")).expect("series");
    assert!(series.contains("1,000,000,000,000千円"), "{series}");
    fs::remove_dir_all(dir.path().join("output")).expect("rm");
    edit(
        dir.path(),
        "content/sample/alpha.yaml",
        "settlement: 1000000000000",
        "settlement: 1000000000001",
    );
    refused(
        dir.path(),
        "content/sample/alpha.yaml:21:17: error: 「settlement」の金額が大きすぎます（上限は 1,000,000,000,000千円）",
    );
}

#[test]
fn an_overflowing_total_fails_the_build_instead_of_wrapping() {
    // Content that bypasses `check` (built from memory): the totals are
    // still checked, and the page that would show them is an error.
    let mut content = hyoka::pipeline::load(&common::repo().join("tests/fixtures/minimal/content"))
        .unwrap_or_else(|d| panic!("{}", d.human()));
    let projects = &mut content.series[0].projects;
    assert_eq!(projects[0].id, "alpha");
    projects[0].doc.fiscal_years[1].budget = Some(i64::MAX / 1000);
    let mut second = projects[0].doc.fiscal_years[1].clone();
    second.budget = Some(1);
    projects[1].doc.fiscal_years.push(second);
    let theme = hyoka::theme::Theme::load(None).expect("theme");
    let err =
        match hyoka::pipeline::generate(&content, &theme, &mut hyoka::pipeline::Timings::default())
        {
            Err(hyoka::pipeline::Failure::Content(d)) => d.human(),
            Err(hyoka::pipeline::Failure::Io(e)) => panic!("{e}"),
            Ok(files) => {
                let index = files
                    .iter()
                    .find(|f| f.path == "index.html")
                    .expect("index");
                panic!("built: {}", String::from_utf8_lossy(&index.bytes));
            }
        };
    assert!(
        err.contains("sample/script-name.yaml:1:1: error: 令和元年度（2019年度）の予算現額の合計が大きすぎて計算できません"),
        "{err}"
    );
}

// ---- Markdown -------------------------------------------------------------

/// Every `href`/`src` value of every HTML page under `output`, decoded the
/// way a browser reads an attribute (the character references the site's
/// escaping produces), with the page it is on.
fn link_targets(output: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (page, bytes) in tree(output) {
        if !page.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        for attr in ["href=\"", "src=\""] {
            for value in html.split(attr).skip(1).filter_map(|s| s.split('"').next()) {
                let decoded = value
                    .replace("&#x2f;", "/")
                    .replace("&#x27;", "'")
                    .replace("&#39;", "'")
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&");
                found.push((page.clone(), decoded));
            }
        }
    }
    found
}

/// No `href`/`src` on any page starts with a script or data scheme (read as
/// a browser does: leading whitespace and controls, tab and newline ignored,
/// any case).
fn assert_no_script_urls(output: &Path) {
    let targets = link_targets(output);
    assert!(targets.len() > 10, "too few links found: {targets:?}");
    for (page, url) in targets {
        let read: String = url
            .chars()
            .filter(|c| !c.is_control() && *c != ' ')
            .collect::<String>()
            .to_ascii_lowercase();
        for bad in ["javascript:", "vbscript:", "data:"] {
            assert!(!read.starts_with(bad), "{page}: href/src {url:?}");
        }
    }
}

/// Builds the minimal fixture with `markdown` as alpha's summary; returns
/// the summary block of the project page and checks every page.
fn summary_built(markdown: &str) -> String {
    let dir = fixture("minimal");
    let indented: String = markdown.lines().map(|l| format!("  {l}\n")).collect();
    edit(
        dir.path(),
        "content/sample/alpha.yaml",
        "  目的の説明。<b>太字</b>は**マークダウン**で書きます。\n",
        &indented,
    );
    let out = hyoka(dir.path(), &["build"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let output = dir.path().join("output");
    assert_no_script_urls(&output);
    let html = fs::read_to_string(output.join("projects/alpha.html")).expect("page");
    let start = html.find("<div class=\"prose\">").expect("summary");
    let end = start + html[start..].find("</div>").expect("end of summary");
    html[start..end].to_string()
}

#[test]
fn markdown_link_javascript_any_case_is_text_only() {
    let s = summary_built("前 [押して](JavaScript:alert(1)) 後 [ok](https://a.example/)");
    assert_eq!(
        s,
        "<div class=\"prose\"><p>前 押して 後 <a href=\"https://a.example/\">ok</a></p>\n"
    );
}

#[test]
fn markdown_autolink_javascript_is_text_only() {
    let s = summary_built("<JavaScript:alert(1)> と <a@b.example>");
    assert_eq!(
        s,
        "<div class=\"prose\"><p>JavaScript:alert(1) と <a href=\"mailto:a@b.example\">a@b.example</a></p>\n"
    );
}

#[test]
fn markdown_link_entity_encoded_javascript_is_text_only() {
    let s = summary_built("[一](&#74;avascript:alert(1)) [二](javascript&colon;alert(1)) [三](&#x6A;avascript:alert(1))");
    assert_eq!(s, "<div class=\"prose\"><p>一 二 三</p>\n");
}

#[test]
fn markdown_reference_definition_javascript_is_text_only() {
    let s = summary_built("[参照][r] と [r]\n\n[r]: javascript:alert(1)");
    assert_eq!(s, "<div class=\"prose\"><p>参照 と r</p>\n");
}

#[test]
fn markdown_link_vbscript_is_text_only() {
    let s = summary_built("[v](vbscript:msgbox(1))");
    assert_eq!(s, "<div class=\"prose\"><p>v</p>\n");
}

#[test]
fn markdown_link_data_html_is_text_only() {
    let s = summary_built("[d](data:text/html,<script>alert(1)</script>)");
    assert_eq!(s, "<div class=\"prose\"><p>d</p>\n");
}

#[test]
fn markdown_image_javascript_is_its_alt_text() {
    let s = summary_built("![図の説明](javascript:alert(1)) ![図](img/x.png)");
    assert_eq!(
        s,
        "<div class=\"prose\"><p>図の説明 <img src=\"img/x.png\" alt=\"図\" /></p>\n"
    );
}

#[test]
fn markdown_in_a_free_page_and_the_site_description_is_gated_too() {
    let dir = fixture("minimal");
    fs::write(
        dir.path().join("content/pages/about.md"),
        "# このサイトについて\n\n[a](javascript:alert(1)) ![b](data:image/png;base64,AAAA)\n",
    )
    .expect("write");
    edit(
        dir.path(),
        "content/site.yaml",
        "description: テスト用の小さなサイトです。",
        "description: \"[c](vbscript:x)\"",
    );
    let out = hyoka(dir.path(), &["build"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let output = dir.path().join("output");
    assert_no_script_urls(&output);
    let page = fs::read_to_string(output.join("pages/about.html")).expect("page");
    assert!(page.contains("<p>a b</p>"), "{page}");
}
