//! What the data is and who to tell (issue 15): the provenance notice of
//! `site.yaml` on every page (404 included) and in the data package and
//! the catalogues, `check` refusing a site.yaml without it, the contact on
//! the accessibility page and in the metadata, the downloads page in plain
//! words above its 技術情報, and Japanese spacing tidied for display only.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

use common::{fixture, hyoka, main_of, read, text};

/// The minimal fixture's default notice: `provenance: { kind:
/// transcription }` with no `notice`, for 見本市.
const MINIMAL_NOTICE: &str = "このサイトのデータは、見本市が公表した資料を第三者が転記したものです。正式な内容は元の資料をご確認ください。";

/// The shipped site.yaml's contact (all null).
const SHIPPED_CONTACT: &str = "contact:\n  office: null\n  email: null\n  url: null\n";

/// Rewrites `content/site.yaml` of `dir` with `edit`.
fn edit_site(dir: &Path, edit: impl FnOnce(String) -> String) {
    let site = dir.join("content/site.yaml");
    let t = read(&site);
    fs::write(&site, edit(t)).expect("write site.yaml");
}

/// Runs `hyoka build` in `dir` without SOURCE_DATE_EPOCH, or with it set
/// to `epoch`.
fn build(dir: &Path, epoch: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hyoka"));
    c.arg("build").args(args).current_dir(dir);
    match epoch {
        Some(e) => c.env("SOURCE_DATE_EPOCH", e),
        None => c.env_remove("SOURCE_DATE_EPOCH"),
    };
    let out = c.output().expect("run hyoka");
    assert!(out.status.success(), "{}", text(&out).1);
    out
}

fn json_file(p: &Path) -> Value {
    serde_json::from_str(&read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every `.html` file under `dir`, relative to it.
fn html_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_notice_is_on_every_page_with_a_link_to_the_about_page() {
    let dir = fixture("minimal");
    build(dir.path(), None, &[]);
    let out = dir.path().join("output");
    let pages = html_files(&out);
    assert!(pages.len() > 10, "{pages:?}");
    assert!(pages.iter().any(|p| p == "404.html"));
    for p in &pages {
        let html = read(&out.join(p));
        let depth = p.matches('/').count();
        let notice = if p == "404.html" {
            // No base URL: the 404 page cannot link anywhere in the site.
            format!("<div class=\"provenance\" role=\"note\"><p class=\"wrap\">{MINIMAL_NOTICE}</p></div>")
        } else {
            format!(
                "<div class=\"provenance\" role=\"note\"><p class=\"wrap\">{MINIMAL_NOTICE}<a href=\"{}pages/about.html\">このサイトについて</a></p></div>",
                "../".repeat(depth)
            )
        };
        assert_eq!(html.matches(&notice).count(), 1, "{p}:\n{html}");
        // Outside <main>: the page's own content is unchanged.
        assert!(!main_of(&html).contains(MINIMAL_NOTICE), "{p}");
    }
}

#[test]
fn a_notice_of_the_site_is_escaped_and_the_404_page_links_with_a_base_url() {
    let dir = fixture("minimal");
    edit_site(dir.path(), |t| {
        t.replace(
            "provenance: { kind: transcription }",
            "provenance:\n  kind: official\n  notice: 見本市の<b>公式</b>データです。",
        )
    });
    build(
        dir.path(),
        None,
        &["--base-url", "https://city.example/mihon/"],
    );
    let out = dir.path().join("output");
    let escaped = "見本市の&lt;b&gt;公式&lt;/b&gt;データです。";
    for p in ["index.html", "projects/alpha.html", "downloads.html"] {
        let html = read(&out.join(p));
        assert!(html.contains(escaped), "{p}");
        assert!(!html.contains("<b>公式"), "{p}");
    }
    // The schema.org Dataset of the home page says it too.
    let home = read(&out.join("index.html"));
    // (In the script, < and > are \u003c and \u003e.)
    assert!(
        home.contains("\"description\":\"見本市の\\u003cb\\u003e公式\\u003c/b\\u003eデータです。"),
        "{home}"
    );
    let html = read(&out.join("404.html"));
    assert!(
        html.contains(&format!("{escaped}<a href=\"https://city.example/mihon/pages/about.html\">このサイトについて</a>")),
        "{html}"
    );
    let pkg = json_file(&out.join("data/datapackage.json"));
    assert_eq!(
        pkg["provenance"],
        json!({ "kind": "official", "notice": "見本市の<b>公式</b>データです。" })
    );
    // The municipality publishes its own data.
    assert_eq!(pkg["contributors"][0]["roles"], json!(["publisher"]));
}

#[test]
fn a_site_without_provenance_is_refused_with_a_hint() {
    let dir = fixture("minimal");
    edit_site(dir.path(), |t| {
        t.replace("provenance: { kind: transcription }\n", "")
    });
    let out = hyoka(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out).1,
        "content/site.yaml:1:1: error: データの出どころ（provenance）が書かれていません\n  = ヒント: このサイトのデータが自治体自身の公表したものか、公表資料を第三者が転記したものかを、site.yaml に「provenance: { kind: official }」（自治体自身が公表）または「provenance: { kind: transcription }」（第三者が転記）と書いてください。すべてのページに表示する文は notice で変えられます\n1 件のエラーがあります。\n"
    );
    // A kind that is neither is refused by name.
    edit_site(dir.path(), |t| format!("{t}provenance: {{ kind: copy }}\n"));
    let err = text(&hyoka(dir.path(), &["check"])).1;
    assert!(
        err.contains("content/site.yaml:7:21: error: 「provenance.kind」に「copy」は使えません。選べる値: 「official」、「transcription」"),
        "{err}"
    );
}

#[test]
fn check_warns_when_the_contact_is_all_null_and_not_when_one_is_given() {
    let dir = fixture("minimal");
    edit_site(dir.path(), |t| format!("{t}{SHIPPED_CONTACT}"));
    let err = text(&hyoka(dir.path(), &["check"])).1;
    assert!(
        err.contains(
            "warning: 問い合わせ先（site.yaml の contact）が設定されていません\n  = ヒント: "
        ),
        "{err}"
    );
    edit_site(dir.path(), |t| {
        t.replace(SHIPPED_CONTACT, "contact:\n  office: 総務課\n")
    });
    let out = hyoka(dir.path(), &["check"]);
    assert!(out.status.success());
    assert!(!text(&out).1.contains("問い合わせ先"), "{}", text(&out).1);
}

#[test]
fn datapackage_and_catalogues_carry_the_provenance_and_the_contact() {
    let dir = fixture("minimal");
    edit_site(dir.path(), |t| {
        format!("{t}contact:\n  office: 総務課\n  email: soumu@city.example\n  url: https://city.example/soumu/\n")
    });
    build(
        dir.path(),
        None,
        &["--base-url", "https://city.example/mihon/"],
    );
    let data = dir.path().join("output/data");
    let pkg = json_file(&data.join("datapackage.json"));
    assert_eq!(
        pkg["provenance"],
        json!({ "kind": "transcription", "notice": MINIMAL_NOTICE })
    );
    assert!(
        pkg["description"]
            .as_str()
            .is_some_and(|d| d.starts_with(&format!("{MINIMAL_NOTICE}\n\n"))),
        "{}",
        pkg["description"]
    );
    // A transcription: the municipality made the data, it did not publish
    // this package; the contact is its own contributor.
    assert_eq!(
        pkg["contributors"],
        json!([
            { "title": "見本市", "roles": ["creator"] },
            {
                "title": "見本市 総務課",
                "email": "soumu@city.example",
                "path": "https://city.example/soumu/",
                "roles": ["contact"]
            }
        ])
    );
    let cat = json_file(&data.join("catalog.json"));
    let datasets = cat["dataset"].as_array().expect("datasets");
    assert!(!datasets.is_empty());
    for d in datasets {
        assert_eq!(
            d["contactPoint"],
            json!({ "@type": "vcard:Contact", "fn": "見本市 総務課", "hasEmail": "mailto:soumu@city.example" })
        );
        assert!(
            d["description"]
                .as_str()
                .is_some_and(|t| t.starts_with(&format!("{MINIMAL_NOTICE}\n\n"))),
            "{}",
            d["description"]
        );
    }
    let ld = json_file(&data.join("catalog.jsonld"));
    for d in ld["dcat:dataset"].as_array().expect("datasets") {
        assert_eq!(
            d["dct:provenance"],
            json!({ "@type": "dct:ProvenanceStatement", "rdfs:label": MINIMAL_NOTICE })
        );
    }
    assert_eq!(
        ld["@context"]["rdfs"],
        "http://www.w3.org/2000/01/rdf-schema#"
    );
}

#[test]
fn a_package_without_contact_has_no_contact_contributor() {
    let dir = fixture("minimal");
    build(dir.path(), None, &[]);
    let pkg = json_file(&dir.path().join("output/data/datapackage.json"));
    assert_eq!(
        pkg["contributors"],
        json!([{ "title": "見本市", "roles": ["creator"] }])
    );
}

/// The `<main>` of downloads.html, cut at its 技術情報 heading.
fn downloads_parts(out: &Path) -> (String, String) {
    let html = read(&out.join("downloads.html"));
    let main = main_of(&html).to_string();
    let at = main
        .find("<h2 id=\"tech\">技術情報</h2>")
        .expect("a 技術情報 section");
    (main[..at].to_string(), main[at..].to_string())
}

#[test]
fn downloads_speak_plainly_above_the_technical_section() {
    let dir = fixture("minimal");
    build(
        dir.path(),
        None,
        &["--base-url", "https://city.example/mihon/"],
    );
    let out = dir.path().join("output");
    let (plain, tech) = downloads_parts(&out);
    for jargon in [
        "BOM",
        "CRLF",
        "UTF-8",
        "JSON Schema",
        "2020-12",
        "DCAT",
        "CKAN",
        "Frictionless",
        "JSON-LD",
        "base_url",
        "hyoka import",
    ] {
        assert!(!plain.contains(jargon), "{jargon} above 技術情報:\n{plain}");
    }
    for words in [
        "<h2 id=\"dl-excel\">Excel で開く</h2>",
        "<h2 id=\"dl-program\">プログラムで使う</h2>",
        "<h2 id=\"dl-catalog\">データカタログ（ポータル）向け</h2>",
        "<dt>CSV</dt>",
        "<dt>JSON</dt>",
    ] {
        assert!(plain.contains(words), "{words}:\n{plain}");
    }
    // Each file once above, with its kind and size, the Excel ones in their
    // section; the sizes are the files' own.
    let excel =
        &plain[plain.find("dl-excel").expect("excel")..plain.find("dl-program").expect("program")];
    for (file, kind) in [("projects.csv", "CSV"), ("projects.xlsx", "Excel")] {
        let bytes = fs::metadata(out.join("data").join(file))
            .expect("file")
            .len() as f64;
        let size = format!("{:.1} KB", bytes / 1024.0);
        assert!(
            excel.contains(&format!("（{kind}、{size}）")),
            "{file} {size}:\n{excel}"
        );
        assert!(
            excel.contains(&format!("<a href=\"data/{file}\">")),
            "{file}"
        );
    }
    assert!(!excel.contains("projects.json\""), "{excel}");
    for term in ["BOM", "CRLF", "JSON Schema 2020-12", "DCAT-US 1.1", "CKAN"] {
        assert!(tech.contains(term), "{term} in 技術情報");
    }
    // Without a base URL there is no catalogue, and no section for it.
    let dir = fixture("minimal");
    build(dir.path(), None, &[]);
    let (plain, _) = downloads_parts(&dir.path().join("output"));
    assert!(!plain.contains("dl-catalog"), "{plain}");
}

#[test]
fn accessibility_page_states_target_checks_date_and_contact() {
    let dir = fixture("shipped");
    edit_site(dir.path(), |t| {
        t.replace(
            SHIPPED_CONTACT,
            "contact:\n  office: 経営企画課\n  email: keiei@city.example\n  url: https://city.example/contact/?a=1&b=2\n",
        )
    });
    build(dir.path(), None, &[]);
    let page = read(&dir.path().join("output/pages/accessibility.html"));
    let main = main_of(&page);
    for words in [
        "JIS X 8341-3:2016",
        "適合レベル AA",
        "このサイトのすべてのページが対象です。ダウンロードできるファイル（CSV、JSON、Excel）はデータとして提供しているもので、対象に含みません。",
        "Nu HTML Checker",
        "axe-core",
        "画面の幅 390 px（スマートフォン）と 1280 px（パソコン）",
        // site.yaml's updated: "2026-11-22".
        "このサイトの今の版は2026年11月22日に作成しました。",
        "<p>所沢市 経営企画課、メール <a href=\"mailto:keiei@city.example\">keiei@city.example</a>、<a href=\"https://city.example/contact/?a=1&amp;b=2\">問い合わせのページ</a></p>",
    ] {
        assert!(main.contains(words), "{words}:\n{main}");
    }
    assert!(!main.contains("{{"), "{main}");
}

#[test]
fn placeholders_take_source_date_epoch_and_say_when_no_contact_is_set() {
    let dir = fixture("minimal");
    fs::write(
        dir.path().join("content/pages/help.md"),
        "# 連絡\n\n作成日: {{build_date}}\n\n連絡先: {{contact}}\n\n`{{contact}}` と {{other}} はそのまま。\n",
    )
    .expect("write page");
    // 1700000000 s after 1970 is 2023-11-14T22:13:20Z (`date -u -d @1700000000`).
    build(dir.path(), Some("1700000000"), &[]);
    let page = read(&dir.path().join("output/pages/help.html"));
    let main = main_of(&page);
    assert!(main.contains("<p>作成日: 2023年11月14日</p>"), "{main}");
    assert!(
        main.contains("<p>連絡先: このサイトには、まだ問い合わせ先が設定されていません（サイトの運営者の方へ：site.yaml の contact に"),
        "{main}"
    );
    assert!(
        main.contains("<p><code>{{contact}}</code> と {{other}} はそのまま。</p>"),
        "{main}"
    );
    // Byte-identical when built again with the same inputs.
    let again = fixture("minimal");
    fs::copy(
        dir.path().join("content/pages/help.md"),
        again.path().join("content/pages/help.md"),
    )
    .expect("copy page");
    build(again.path(), Some("1700000000"), &[]);
    assert_eq!(read(&again.path().join("output/pages/help.html")), page);
}

#[test]
fn pages_tidy_folded_japanese_text_but_the_data_keeps_it() {
    let dir = fixture("minimal");
    edit_site(dir.path(), |t| {
        t.replace(
            "description: テスト用の小さなサイトです。",
            "description: >-\n  テスト用の小さなサイトです。\n  各事業の評価を、\n  誰でも ICT で\n  見られます。",
        )
    });
    build(dir.path(), None, &[]);
    let out = dir.path().join("output");
    let home = read(&out.join("index.html"));
    assert!(
        home.contains("<div class=\"lead\"><p>テスト用の小さなサイトです。各事業の評価を、誰でも ICT で 見られます。</p>"),
        "{}",
        main_of(&home)
    );
    // The data package says what site.yaml says.
    let pkg = json_file(&out.join("data/datapackage.json"));
    assert!(
        pkg["description"].as_str().is_some_and(|d| d
            .contains("テスト用の小さなサイトです。 各事業の評価を、 誰でも ICT で 見られます。")),
        "{}",
        pkg["description"]
    );
}
