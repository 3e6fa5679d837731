//! The data catalogues: `data/catalog.json` passes the official DCAT-US 1.1
//! (non-federal) JSON Schema, carries the contact of `site.yaml` and the
//! licence's URI; `data/catalog.jsonld` says the same in W3C DCAT; without
//! a base URL neither is written and `build` says why, once.

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;

use common::{fixture, hyoka, text};

/// The shipped site.yaml's contact (all null), replaced by the tests'.
const SHIPPED_CONTACT: &str = "contact:\n  office: null\n  email: null\n  url: null\n";

const POD: &str = "https://project-open-data.cio.gov/v1.1/schema/";

fn read_json(path: &Path) -> Value {
    let t = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&t).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The DCAT-US 1.1 non-federal catalogue schema, with its dataset schema
/// registered under the URI its `$ref` resolves to.
fn dcat_us() -> jsonschema::Validator {
    let dir = common::repo().join("tests/schemas/dcat-us-1.1");
    let catalog = read_json(&dir.join("catalog.json"));
    let dataset = read_json(&dir.join("dataset-non-federal.json"));
    let registry = jsonschema::Registry::new()
        .add(format!("{POD}dataset-non-federal.json"), dataset)
        .expect("dataset schema")
        .prepare()
        .expect("registry");
    jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&catalog)
        .expect("catalog schema")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Builds the shipped content with `site_extra` appended to site.yaml.
fn build_shipped(site_extra: &str, args: &[&str]) -> (tempfile::TempDir, String) {
    let dir = fixture("shipped");
    if !site_extra.is_empty() {
        let site = dir.path().join("content/site.yaml");
        let t = fs::read_to_string(&site).expect("site.yaml");
        let t = t
            .replace("base_url: null\n", "")
            .replace(SHIPPED_CONTACT, "");
        fs::write(&site, format!("{t}{site_extra}")).expect("write");
    }
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let out = hyoka(dir.path(), &all);
    let (_, err) = text(&out);
    assert!(out.status.success(), "{err}");
    (dir, err)
}

#[test]
fn catalog_passes_dcat_us_and_names_contact_and_licence_uri() {
    let (dir, err) = build_shipped(
        "base_url: https://city.example/hyoka\ncontact:\n  office: 経営企画課\n  email: keiei@city.example\n  url: https://city.example/contact/\n",
        &[],
    );
    assert!(!err.contains("catalog"), "{err}");
    let cat = read_json(&dir.path().join("output/data/catalog.json"));
    let v = dcat_us();
    let errs = errors(&v, &cat);
    assert!(errs.is_empty(), "{errs:#?}");
    let datasets = cat["dataset"].as_array().expect("dataset");
    assert_eq!(datasets.len(), 4);
    for d in datasets {
        assert_eq!(d["contactPoint"]["fn"], "所沢市 経営企画課");
        assert_eq!(d["contactPoint"]["hasEmail"], "mailto:keiei@city.example");
        assert_eq!(d["license"], "https://creativecommons.org/licenses/by/4.0/");
        assert_eq!(d["landingPage"], "https://city.example/hyoka/");
        for x in d["distribution"].as_array().expect("distribution") {
            for key in ["downloadURL", "describedBy"] {
                let u = x[key].as_str().expect(key);
                assert!(
                    u.starts_with("https://city.example/hyoka/data/"),
                    "{key}: {u}"
                );
                let rel = u.trim_start_matches("https://city.example/hyoka/");
                assert!(dir.path().join("output").join(rel).is_file(), "{u}");
            }
        }
    }
    // The schema is strict enough to refuse what the issue found: a
    // relative URL and a malformed e-mail.
    let mut bad = cat.clone();
    bad["dataset"][0]["distribution"][0]["downloadURL"] = "projects.csv".into();
    assert!(!v.is_valid(&bad), "a relative downloadURL passes");
    let mut bad = cat.clone();
    bad["dataset"][0]["contactPoint"]["hasEmail"] = "keiei@city.example".into();
    assert!(!v.is_valid(&bad), "hasEmail without mailto: passes");
    // The data package names the licence by its URI too.
    let pkg = read_json(&dir.path().join("output/data/datapackage.json"));
    assert_eq!(
        pkg["licenses"][0]["path"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    // The pages keep linking the Japanese deed for people.
    let home = fs::read_to_string(dir.path().join("output/index.html")).expect("index");
    assert!(home.contains("https://creativecommons.org/licenses/by/4.0/deed.ja"));
}

#[test]
fn catalog_without_contact_passes_with_the_municipality_as_contact() {
    let (dir, _) = build_shipped("", &["--base-url", "https://city.example/hyoka/"]);
    let cat = read_json(&dir.path().join("output/data/catalog.json"));
    let errs = errors(&dcat_us(), &cat);
    assert!(errs.is_empty(), "{errs:#?}");
    assert_eq!(cat["dataset"][0]["contactPoint"]["fn"], "所沢市");
    assert!(cat["dataset"][0]["contactPoint"].get("hasEmail").is_none());
}

#[test]
fn dcat_jsonld_has_the_datasets_and_their_distributions() {
    let (dir, _) = build_shipped(
        "base_url: https://city.example/hyoka/\ncontact:\n  office: null\n  email: keiei@city.example\n  url: null\n",
        &[],
    );
    let ld = read_json(&dir.path().join("output/data/catalog.jsonld"));
    assert_eq!(ld["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    assert_eq!(ld["@context"]["dct"], "http://purl.org/dc/terms/");
    assert_eq!(ld["@type"], "dcat:Catalog");
    assert_eq!(ld["@id"], "https://city.example/hyoka/data/catalog.jsonld");
    let datasets = ld["dcat:dataset"].as_array().expect("datasets");
    assert_eq!(datasets.len(), 4);
    let mut ids = std::collections::BTreeSet::new();
    for d in datasets {
        assert_eq!(d["@type"], "dcat:Dataset");
        assert!(ids.insert(d["@id"].as_str().expect("@id").to_string()));
        assert_eq!(
            d["dct:license"]["@id"],
            "https://creativecommons.org/licenses/by/4.0/"
        );
        assert_eq!(
            d["dcat:contactPoint"]["vcard:hasEmail"]["@id"],
            "mailto:keiei@city.example"
        );
        for x in d["dcat:distribution"].as_array().expect("distributions") {
            assert_eq!(x["@type"], "dcat:Distribution");
            let u = x["dcat:downloadURL"]["@id"].as_str().expect("downloadURL");
            let rel = u
                .strip_prefix("https://city.example/hyoka/")
                .unwrap_or_else(|| panic!("{u} is not absolute"));
            let bytes = fs::metadata(dir.path().join("output").join(rel))
                .expect("file exists")
                .len();
            assert_eq!(x["dcat:byteSize"]["@value"], bytes.to_string(), "{u}");
        }
    }
}

#[test]
fn without_a_base_url_no_catalogue_is_written_and_build_says_so_once() {
    let (dir, err) = build_shipped("", &[]);
    let data = dir.path().join("output/data");
    assert!(data.join("datapackage.json").is_file());
    assert!(!data.join("catalog.json").exists());
    assert!(!data.join("catalog.jsonld").exists());
    // One warning about the missing base URL, naming the catalogues.
    assert_eq!(
        err.matches("base_url）が設定されていません").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("データカタログ（data/catalog.json、data/catalog.jsonld）を書き出さず"),
        "{err}"
    );
    assert!(err.contains("base_url"), "{err}");
    let downloads = fs::read_to_string(dir.path().join("output/downloads.html")).expect("page");
    assert!(
        !downloads.contains("catalog.json"),
        "no link to a missing file"
    );
}

#[test]
fn a_malformed_contact_email_is_an_error() {
    let dir = fixture("shipped");
    let site = dir.path().join("content/site.yaml");
    let t = fs::read_to_string(&site)
        .expect("site.yaml")
        .replace(SHIPPED_CONTACT, "");
    fs::write(
        &site,
        format!("{t}contact:\n  office: 経営企画課\n  email: keiei at city.example\n  url: null\n"),
    )
    .expect("write");
    let out = hyoka(dir.path(), &["check"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let line = t.lines().count() + 3;
    assert!(
        err.contains(&format!(
            "content/site.yaml:{line}:10: error: メールアドレス「keiei at city.example」が正しくありません"
        )),
        "{err}"
    );
}
