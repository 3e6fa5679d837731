//! The editor schemas (`schema/`, `hyoka schema`): every shipped file passes
//! the schema its first line names, and each mistake a clerk can make while
//! typing is flagged by the per-series schema alone (validated with the
//! `jsonschema` crate, as an editor would) — and by `hyoka check`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use common::{fixture, hyoka, text};

fn yaml(path: &Path) -> Value {
    let t = fs::read_to_string(path).expect("read");
    serde_norway::from_str(&t).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The schema a content file names on its first line, resolved from the
/// file's folder.
fn schema_of(path: &Path) -> PathBuf {
    let t = fs::read_to_string(path).expect("read");
    let first = t.lines().next().unwrap_or_default();
    let rel = first
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| panic!("{} has no schema line", path.display()));
    path.parent().expect("parent").join(rel)
}

fn validator(schema: &Path) -> jsonschema::Validator {
    let text = fs::read_to_string(schema).unwrap_or_else(|e| panic!("{}: {e}", schema.display()));
    let v: Value = serde_json::from_str(&text).expect("schema is JSON");
    assert_eq!(
        v["$schema"],
        "https://json-schema.org/draft/2020-12/schema",
        "{}: one dialect everywhere",
        schema.display()
    );
    assert!(
        jsonschema::meta::is_valid(&v),
        "{} is not a valid schema",
        schema.display()
    );
    jsonschema::validator_for(&v).unwrap_or_else(|e| panic!("{}: {e}", schema.display()))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_shipped_file_passes_the_schema_it_names() {
    let root = common::repo().join("content");
    let mut n = 0;
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.expect("walk");
        let p = entry.path();
        if p.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let schema = schema_of(p);
        let errs = errors(&validator(&schema), &yaml(p));
        assert!(errs.is_empty(), "{}: {errs:?}", p.display());
        // A project file names its own series' schema.
        let series = p.parent().expect("parent");
        if series != root && p.file_name().is_some_and(|f| f != "_series.yaml") {
            let id = series.file_name().expect("name").to_string_lossy();
            assert!(
                schema.ends_with(format!("schema/projects/{id}.schema.json")),
                "{} points at {}",
                p.display(),
                schema.display()
            );
        }
        n += 1;
    }
    assert_eq!(
        n,
        84 + 2 + 3,
        "84 projects, 2 series, site, departments and synonyms"
    );
}

/// `(what, the mistake applied to a valid project)`.
type Mistake = (&'static str, fn(&mut Value));

const JIMU_MISTAKES: &[Mistake] = &[
    ("rating AA", |p| p["evaluations"][0]["rating"] = json!("AA")),
    ("SDG goal 18", |p| p["sdgs"]["goals"] = json!([18])),
    ("SDG goal 0", |p| p["sdgs"]["goals"] = json!([0])),
    ("four SDG goals", |p| {
        p["sdgs"]["goals"] = json!([1, 2, 3, 4])
    }),
    ("a goal twice", |p| p["sdgs"]["goals"] = json!([3, 3])),
    ("a method goal twice", |p| {
        p["sdgs"]["method_goals"] = json!([5, 5])
    }),
    ("negative budget", |p| {
        p["fiscal_years"][0]["budget"] = json!(-1)
    }),
    ("budget above MAX_AMOUNT", |p| {
        p["fiscal_years"][0]["budget"] = json!(hyoka::model::MAX_AMOUNT + 1)
    }),
    ("negative settlement", |p| {
        p["fiscal_years"][0]["settlement"] = json!(-5)
    }),
    ("year after MAX_YEAR", |p| {
        p["fiscal_years"][0]["year"] = json!(hyoka::fiscal::MAX_YEAR + 1)
    }),
    ("unknown department", |p| {
        p["department"] = json!("no-such-ka")
    }),
    ("unknown period", |p| {
        p["evaluations"][0]["period"] = json!("fy2099")
    }),
    ("unknown source", |p| {
        p["source"]["document"] = json!("no-such-source")
    }),
    ("a group without grouping", |p| p["group"] = json!("v1")),
];

const ICT_MISTAKES: &[Mistake] = &[
    ("rating of the other series", |p| {
        p["evaluations"][0]["rating"] = json!("S")
    }),
    ("unknown group", |p| p["group"] = json!("no-such-vision")),
    ("no group", |p| {
        p.as_object_mut().expect("object").remove("group");
    }),
];

#[test]
fn each_mistake_is_flagged_by_the_series_schema_and_by_check() {
    let dir = fixture("shipped");
    let content = dir.path().join("content");
    let mut written = Vec::new();
    for (series, base, mistakes) in [
        ("jimu-2019", "seisaku-keisei", JIMU_MISTAKES),
        ("ict-plan-2019-2021", "e-application", ICT_MISTAKES),
    ] {
        let path = content.join(series).join(format!("{base}.yaml"));
        let schema = validator(&schema_of(
            &common::repo()
                .join("content")
                .join(series)
                .join(format!("{base}.yaml")),
        ));
        let good = yaml(&path);
        assert!(
            errors(&schema, &good).is_empty(),
            "{base} is valid to start with"
        );
        for (n, (what, apply)) in mistakes.iter().enumerate() {
            let mut bad = good.clone();
            apply(&mut bad);
            assert_ne!(bad, good, "{what} changed nothing");
            assert!(
                !schema.is_valid(&bad),
                "the {series} schema lets “{what}” through"
            );
            let id = format!("mistake-{series}-{n}");
            let body = format!(
                "{}\n{}",
                hyoka::schema::project_schema_line(series),
                serde_norway::to_string(&bad).expect("yaml")
            );
            fs::write(content.join(series).join(format!("{id}.yaml")), body).expect("write");
            written.push((id, *what));
        }
    }
    let out = hyoka(dir.path(), &["check"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for (id, what) in written {
        assert!(
            err.contains(&format!("{id}.yaml:")),
            "check lets “{what}” ({id}) through:\n{err}"
        );
    }
}

#[test]
fn hyoka_schema_writes_what_is_committed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hyoka(
        &common::repo(),
        &["schema", "--dir", dir.path().to_str().expect("utf-8 path")],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let mut written: Vec<String> = walkdir::WalkDir::new(dir.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir.path()).expect("prefix");
            let committed = common::repo().join("schema").join(rel);
            assert_eq!(
                fs::read_to_string(e.path()).expect("read"),
                fs::read_to_string(&committed).unwrap_or_default(),
                "schema/{} is out of date: run `cargo run -- schema` and commit",
                rel.display()
            );
            rel.to_string_lossy().into_owned()
        })
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "departments.schema.json",
            "project.schema.json",
            "projects/ict-plan-2019-2021.schema.json",
            "projects/jimu-2019.schema.json",
            "series.schema.json",
            "site.schema.json",
            "synonyms.schema.json"
        ]
    );
}
