//! What pages say about themselves in `<head>`: OGP and Twitter card tags on
//! every page, schema.org JSON-LD (a `Dataset` on the home and downloads
//! pages, the project on its page) that a JSON parser reads, and a 404 page
//! that asks not to be indexed and names no canonical URL.

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;

use common::{fixture, hyoka, text};

const BASE: &str = "https://city.example/hyoka/";

fn build(args: &[&str]) -> tempfile::TempDir {
    let dir = fixture("shipped");
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let out = hyoka(dir.path(), &all);
    assert!(out.status.success(), "{:?}", text(&out));
    dir
}

fn head(html: &str) -> &str {
    let end = html.find("</head>").expect("page has </head>");
    &html[..end]
}

/// The `content` of `<meta property|name="key" content="…">`.
fn meta<'a>(head: &'a str, key: &str) -> Option<&'a str> {
    ["property", "name"].iter().find_map(|attr| {
        let open = format!("<meta {attr}=\"{key}\" content=\"");
        let start = head.find(&open)? + open.len();
        let len = head[start..].find('"')?;
        Some(&head[start..start + len])
    })
}

/// Every JSON-LD block of the page, parsed.
fn json_ld(html: &str) -> Vec<Value> {
    let open = "<script type=\"application/ld+json\">";
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        let body = &rest[i + open.len()..];
        let end = body.find("</script>").expect("closed script");
        out.push(serde_json::from_str(&body[..end]).expect("JSON-LD parses as JSON"));
        rest = &body[end..];
    }
    out
}

fn pages(out: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

#[test]
fn every_page_has_ogp_and_twitter_card_tags() {
    let dir = build(&["--base-url", BASE]);
    let out = dir.path().join("output");
    let all = pages(&out);
    assert!(all.len() > 84, "{} pages", all.len());
    for p in all {
        let html = fs::read_to_string(&p).expect("read");
        let h = head(&html);
        let name = p.display();
        for key in ["og:title", "og:description", "og:type", "og:site_name"] {
            assert!(meta(h, key).is_some_and(|v| !v.is_empty()), "{name}: {key}");
        }
        assert_eq!(
            meta(h, "og:image"),
            Some("https://city.example/hyoka/static/og.png"),
            "{name}"
        );
        assert_eq!(
            meta(h, "twitter:card"),
            Some("summary_large_image"),
            "{name}"
        );
        let description = meta(h, "og:description").unwrap_or_default();
        assert!(description.chars().count() <= 120, "{name}: {description}");
        assert_eq!(meta(h, "description"), Some(description), "{name}");
    }
    // The image is the theme's 1200×630 PNG.
    let png = fs::read(out.join("static/og.png")).expect("og.png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
        1200
    );
    assert_eq!(
        u32::from_be_bytes([png[20], png[21], png[22], png[23]]),
        630
    );
}

#[test]
fn project_description_is_its_summary_as_plain_text() {
    let dir = fixture("shipped");
    // A line break inside the Japanese summary, and markup.
    let file = dir.path().join("content/jimu-2019/seisaku-keisei.yaml");
    let t = fs::read_to_string(&file).expect("read");
    let t = t
        .replace("目的とす る。", "目的とす\n  る。")
        .replace("有識者や専門家", "**有識者**や専門家");
    fs::write(&file, t).expect("write");
    let out = hyoka(dir.path(), &["build"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let html =
        fs::read_to_string(dir.path().join("output/projects/seisaku-keisei.html")).expect("page");
    let d = meta(head(&html), "og:description").expect("og:description");
    // The summary's first words, its line break joined without a space.
    assert!(
        d.starts_with("有識者や専門家からアドバイスをいただくとともに、"),
        "{d}"
    );
    assert!(d.contains("目的とする。"), "{d}");
    // Without a base URL the image is relative and resolves from the page.
    assert_eq!(meta(head(&html), "og:image"), Some("../static/og.png"));
    let ld = json_ld(&html);
    assert_eq!(ld.len(), 1);
    assert_eq!(ld[0]["@context"], "https://schema.org");
    assert_eq!(ld[0]["about"]["@type"], "GovernmentService");
    assert_eq!(
        ld[0]["about"]["name"],
        "「未来（あす）を見つめ、今を動く」政策形成事業"
    );
    assert_eq!(
        ld[0]["about"]["provider"]["@type"],
        "GovernmentOrganization"
    );
}

#[test]
fn home_and_downloads_carry_a_dataset_that_parses() {
    let dir = build(&["--base-url", BASE]);
    let out = dir.path().join("output");
    for page in ["index.html", "downloads.html"] {
        let html = fs::read_to_string(out.join(page)).expect("page");
        let ld = json_ld(head(&html));
        assert_eq!(ld.len(), 1, "{page}");
        let d = &ld[0];
        assert_eq!(d["@context"], "https://schema.org", "{page}");
        assert_eq!(d["@type"], "Dataset", "{page}");
        assert_eq!(d["name"], "所沢市 事務事業評価オープンデータ", "{page}");
        assert_eq!(d["license"], "https://creativecommons.org/licenses/by/4.0/");
        let dist = d["distribution"].as_array().expect("distribution");
        let urls: Vec<&str> = dist
            .iter()
            .map(|x| {
                assert_eq!(x["@type"], "DataDownload");
                assert!(x["encodingFormat"]
                    .as_str()
                    .is_some_and(|m| m.contains('/')));
                x["contentUrl"].as_str().expect("contentUrl")
            })
            .collect();
        assert!(
            urls.contains(&"https://city.example/hyoka/data/projects.csv"),
            "{urls:?}"
        );
        assert!(
            urls.contains(&"https://city.example/hyoka/data/catalog.jsonld"),
            "{urls:?}"
        );
        for u in urls {
            let rel = u.strip_prefix(BASE).expect("absolute");
            assert!(out.join(rel).is_file(), "{u}");
        }
    }
}

#[test]
fn json_ld_cannot_be_closed_by_content() {
    let dir = fixture("shipped");
    let site = dir.path().join("content/site.yaml");
    let t = fs::read_to_string(&site).expect("site.yaml");
    let t = t.replace(
        "title: 所沢市 事務事業評価オープンデータ",
        "title: \"x</script><script>alert(1)</script><!--\"",
    );
    fs::write(&site, t).expect("write");
    let out = hyoka(dir.path(), &["build"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let html = fs::read_to_string(dir.path().join("output/index.html")).expect("index");
    assert!(!html.contains("<script>alert"), "raw script in the page");
    let ld = json_ld(&html);
    assert_eq!(ld[0]["name"], "x</script><script>alert(1)</script><!--");
}

#[test]
fn not_found_page_is_noindex_without_canonical() {
    let dir = build(&["--base-url", BASE]);
    let html = fs::read_to_string(dir.path().join("output/404.html")).expect("404");
    let h = head(&html);
    assert_eq!(meta(h, "robots"), Some("noindex"));
    assert!(!h.contains("rel=\"canonical\""), "{h}");
    assert!(meta(h, "og:url").is_none(), "{h}");
    // Other pages keep theirs.
    let home = fs::read_to_string(dir.path().join("output/index.html")).expect("index");
    assert!(
        home.contains("<link rel=\"canonical\" href=\"https://city.example/hyoka/index.html\">")
    );
    assert!(meta(head(&home), "robots").is_none());
}
