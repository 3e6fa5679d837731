//! Tests of the open-data export (`hyoka::export`), on the real content and
//! on a small fixture with hostile values (formula injection, negative
//! numbers, mixed money units).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use hyoka::aggregate::achievement;
use hyoka::content::Content;
use hyoka::export::{self, table::inert};
use hyoka::model::{MoneyUnit, ProjectDoc};
use hyoka::output::OutFile;
use serde_json::{json, Value};

const CREATED: &str = "2024-05-01";

// ------------------------------------------------------------------ fixtures

fn load(dir: &Path) -> Content {
    hyoka::pipeline::load(dir).unwrap_or_else(|d| panic!("content does not load:\n{}", d.human()))
}

fn real() -> Content {
    load(Path::new("content"))
}

const SITE: &str = r#"
municipality: テスト市
municipality_code: "112089"
title: テスト市 事務事業評価オープンデータ
description: テスト用のデータです。
base_url: https://city.example/hyoka
provenance: { kind: official }
"#;

const DEPARTMENTS: &str = r#"
divisions:
  - id: somu-bu
    name: "+総務部"
departments:
  - id: at-ka
    division: somu-bu
    names:
      - name: "@旧名課"
        from: 2017
        until: 2018
      - name: "@危険課"
        from: 2019
  - id: plus-ka
    names:
      - name: "+プラス課"
  - id: minus-ka
    names:
      - name: "-マイナス課"
  - id: empty-ka
    names:
      - name: 事業の無い課
"#;

const ALPHA: &str = r##"
title: テスト評価
money_unit: 千円
scale:
  - code: A
    label: 良い
    color: "#000000"
  - code: "-"
    label: 記号がハイフン
    color: "#111111"
periods:
  - id: fy2019
    label: 令和元年度
    from: 2019
    until: 2019
  - id: overall
    label: 総括
    from: 2018
    until: 2019
sources:
  - id: src
    title: テスト資料
    publisher: テスト市
    url: https://city.example/src.pdf
"##;

const INJECTION: &str = r#"
name: '=HYPERLINK("http://x.invalid")'
department: at-ka
account: 特別
plan_rank: 最優先
kind: 自治事務
fiscal_years:
  - year: H30
    budget: 1200
    settlement: 1100
    settlement_estimated: false
    regular_staff: 0.5
    regular_staff_cost: 4000
    part_time_staff: 0
    temporary_staff: 0.25
  - year: R1
    budget: 0
    settlement: 987654321
    settlement_estimated: true
    regular_staff: 1.25
indicators:
  - name: "-削減率"
    unit: "%"
    higher_is_better: false
    values:
      - year: 2018
        target: -5
        result: -2.5
      - year: 2019
        target: 0
        result: 3
        remark: "+0.5ポイント"
      - year: 2020
        target: 10
        remark: "\tタブで始まる"
  - name: 値の無い指標
evaluations:
  - period: fy2019
    rating: "-"
    reason: "=1+1"
  - period: overall
    rating: null
    remark: "@評価対象外"
source:
  document: src
  page: 3
"#;

const PLAIN: &str = r#"
name: 評価だけの事業
department: plus-ka
evaluations:
  - period: fy2019
    rating: A
source:
  document: src
"#;

const BETA: &str = r##"
title: 円で書くシリーズ
order: 5
money_unit: 円
scale:
  - code: A
    label: 同じ記号
    color: "#222222"
  - code: Z
    color: "#333333"
grouping:
  name: ビジョン
  groups:
    - id: g1
      label: "=グループ"
periods:
  - id: fy2020
    label: 令和2年度
    from: 2020
    until: 2020
sources:
  - id: b
    title: 円の資料
    publisher: テスト市
"##;

const YEN: &str = r#"
name: 円の事業
department: minus-ka
group: g1
fiscal_years:
  - year: 2020
    budget: 1500
    settlement: 1499
evaluations:
  - period: fy2020
    rating: Z
    remark: "\r先頭がCR"
source:
  document: b
"#;

/// A small content folder with hostile values.
fn fixture() -> (tempfile::TempDir, Content) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(p, text.trim_start()).expect("write fixture");
    };
    write("site.yaml", SITE);
    write("departments.yaml", DEPARTMENTS);
    write("alpha/_series.yaml", ALPHA);
    write("alpha/injection.yaml", INJECTION);
    write("alpha/plain.yaml", PLAIN);
    write("beta/_series.yaml", BETA);
    write("beta/yen.yaml", YEN);
    let content = load(root);
    (dir, content)
}

/// Both contents, with a name for messages.
fn contents() -> Vec<(&'static str, Content, Option<tempfile::TempDir>)> {
    let (dir, fx) = fixture();
    vec![("content", real(), None), ("fixture", fx, Some(dir))]
}

// ------------------------------------------------------------------ helpers

fn file<'a>(files: &'a [OutFile], path: &str) -> &'a OutFile {
    files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is not exported"))
}

fn json(files: &[OutFile], path: &str) -> Value {
    serde_json::from_slice(&file(files, path).bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A parsed CSV: header and rows as text.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn parse(bytes: &[u8]) -> Csv {
        let body = bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .expect("CSV starts with a BOM");
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(body);
        let header = r
            .headers()
            .expect("header")
            .iter()
            .map(str::to_string)
            .collect();
        let rows = r
            .records()
            .map(|rec| rec.expect("record").iter().map(str::to_string).collect())
            .collect();
        Csv { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    fn col_starting(&self, prefix: &str) -> usize {
        self.header
            .iter()
            .position(|h| h.starts_with(prefix))
            .unwrap_or_else(|| panic!("no column {prefix}… in {:?}", self.header))
    }
}

fn csv_of(files: &[OutFile], path: &str) -> Csv {
    Csv::parse(&file(files, path).bytes)
}

/// The tabular (CSV) resources of the data package.
fn resources(files: &[OutFile]) -> Vec<Value> {
    json(files, "data/datapackage.json")["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| r["format"] == "csv")
        .cloned()
        .collect()
}

fn resource(files: &[OutFile], name: &str) -> Value {
    resources(files)
        .into_iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no resource {name}"))
}

fn field_names(resource: &Value) -> Vec<String> {
    resource["schema"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_string())
        .collect()
}

fn opt_f64(cell: &str) -> Option<f64> {
    (!cell.is_empty()).then(|| cell.parse().unwrap_or_else(|e| panic!("{cell:?}: {e}")))
}

fn opt_i64(cell: &str) -> Option<i64> {
    (!cell.is_empty()).then(|| cell.parse().unwrap_or_else(|e| panic!("{cell:?}: {e}")))
}

fn unit_of(header: &str) -> MoneyUnit {
    if header.ends_with("（千円）") {
        MoneyUnit::ThousandYen
    } else if header.ends_with("（円）") {
        MoneyUnit::Yen
    } else {
        panic!("no money unit in {header}")
    }
}

/// `v` (in `from`) expressed in `to`.
fn in_unit(v: Option<i64>, from: MoneyUnit, to: MoneyUnit) -> Option<i64> {
    v.map(|v| v * from.yen() / to.yen())
}

// ------------------------------------------------------------------ JSON

/// Removes the keys the export adds, leaving the keys of the YAML model.
fn strip_added(mut v: Value) -> Value {
    let drop = |v: &mut Value, keys: &[&str]| {
        if let Some(o) = v.as_object_mut() {
            for k in keys {
                assert!(o.remove(*k).is_some(), "record has no {k}");
            }
        }
    };
    drop(
        &mut v,
        &[
            "id",
            "series_id",
            "series_title",
            "money_unit",
            "department_name",
            "department_names",
            "division",
            "group_label",
        ],
    );
    for fy in v["fiscal_years"].as_array_mut().into_iter().flatten() {
        drop(fy, &["wareki", "department_name"]);
    }
    for ind in v["indicators"].as_array_mut().into_iter().flatten() {
        for val in ind["values"].as_array_mut().into_iter().flatten() {
            drop(val, &["wareki", "achievement"]);
        }
    }
    for e in v["evaluations"].as_array_mut().into_iter().flatten() {
        drop(
            e,
            &[
                "period_label",
                "period_from",
                "period_until",
                "rating_label",
            ],
        );
    }
    drop(&mut v["source"], &["title", "publisher", "url"]);
    v
}

#[test]
fn projects_json_is_the_model_plus_resolved_values() {
    for (what, c, _dir) in contents() {
        let files = export::export(&c, CREATED);
        let all = json(&files, "data/projects.json");
        assert_eq!(all["municipality_code"], c.site.municipality_code.as_str());
        assert_eq!(all["created"], CREATED);
        assert_eq!(
            all["license"]["attribution"],
            c.site.license.attribution.as_str()
        );
        let records = all["projects"].as_array().expect("projects");
        assert_eq!(records.len(), c.project_count(), "{what}");
        for ((series, project), rec) in c.projects().zip(records) {
            let id = &project.id;
            assert_eq!(rec["id"], id.as_str());
            // The record minus the added keys is exactly the YAML model.
            let doc: ProjectDoc = serde_json::from_value(strip_added(rec.clone()))
                .unwrap_or_else(|e| panic!("{what}/{id}: {e}"));
            assert_eq!(
                serde_json::to_value(&doc).expect("doc"),
                serde_json::to_value(&project.doc).expect("doc"),
                "{what}/{id}"
            );
            // Resolved values.
            let dept = c.department(&project.doc.department).expect("department");
            assert_eq!(rec["series_id"], series.id.as_str());
            assert_eq!(rec["series_title"], series.doc.title.as_str());
            assert_eq!(rec["money_unit"], series.doc.money_unit.label());
            assert_eq!(rec["department_name"], dept.current_name());
            assert_eq!(
                rec["department_names"].as_array().map(Vec::len),
                Some(dept.names.len())
            );
            match dept.division.as_deref().and_then(|d| c.division(d)) {
                Some(div) => assert_eq!(rec["division"]["name"], div.name.as_str()),
                None => assert!(rec["division"].is_null()),
            }
            for (fy, out) in project
                .doc
                .fiscal_years
                .iter()
                .zip(rec["fiscal_years"].as_array().into_iter().flatten())
            {
                assert_eq!(out["wareki"], fy.year.wareki());
            }
            for (ind, out) in project
                .doc
                .indicators
                .iter()
                .zip(rec["indicators"].as_array().into_iter().flatten())
            {
                for (v, o) in ind
                    .values
                    .iter()
                    .zip(out["values"].as_array().into_iter().flatten())
                {
                    assert_eq!(
                        o["achievement"].as_f64(),
                        achievement(v.target, v.result, ind.higher_is_better),
                        "{what}/{id}"
                    );
                }
            }
            for (e, out) in project
                .doc
                .evaluations
                .iter()
                .zip(rec["evaluations"].as_array().into_iter().flatten())
            {
                let label = e
                    .rating
                    .as_deref()
                    .and_then(|r| series.doc.level(r))
                    .and_then(|l| l.label.as_deref());
                assert_eq!(out["rating_label"].as_str(), label, "{what}/{id}");
                let period = series
                    .doc
                    .periods
                    .iter()
                    .find(|p| p.id == e.period)
                    .expect("period");
                assert_eq!(out["period_label"], period.label.as_str());
            }
            // The per-project file is the same record.
            assert_eq!(
                &json(&files, &format!("data/projects/{id}.json")),
                rec,
                "{what}/{id}"
            );
        }
    }
}

#[test]
fn projects_json_deserializes_into_the_export_types() {
    let files = export::export(&real(), CREATED);
    let parsed: export::record::ProjectsFile =
        serde_json::from_slice(&file(&files, "data/projects.json").bytes).expect("projects.json");
    assert!(!parsed.projects.is_empty());
    let schema = json(&files, "data/projects.schema.json");
    let props = schema["$defs"]["ProjectRecord"]["properties"]
        .as_object()
        .expect("properties");
    let first = json(&files, "data/projects.json")["projects"][0].clone();
    let keys: BTreeSet<&String> = first.as_object().expect("record").keys().collect();
    assert_eq!(keys, props.keys().collect(), "schema and record keys agree");
}

// ------------------------------------------------------------------ CSV shape

fn csv_paths(files: &[OutFile]) -> Vec<&str> {
    files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| p.ends_with(".csv"))
        .collect()
}

#[test]
fn every_csv_header_equals_its_table_schema_field_names() {
    for (what, c, _dir) in contents() {
        let files = export::export(&c, CREATED);
        let res = resources(&files);
        let names: Vec<&str> = res.iter().filter_map(|r| r["name"].as_str()).collect();
        assert_eq!(
            names,
            [
                "projects",
                "indicators",
                "ratings",
                "departments",
                "department-names"
            ]
        );
        for r in &res {
            let path = format!("data/{}", r["path"].as_str().expect("path"));
            let csv = csv_of(&files, &path);
            assert_eq!(csv.header, field_names(r), "{what}: {path}");
            assert_eq!(
                r["bytes"].as_u64(),
                Some(file(&files, &path).bytes.len() as u64)
            );
            for f in r["schema"]["fields"].as_array().into_iter().flatten() {
                let machine = f["machineName"].as_str().expect("machineName");
                assert!(
                    machine.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                    "{machine}"
                );
                assert!(f["description"]
                    .as_str()
                    .is_some_and(|d| d.contains(machine)));
                assert_eq!(f["title"], f["name"]);
            }
        }
        // Per-project and per-department CSVs: the projects.csv columns and a
        // subset of its rows, together all of them.
        let main = csv_of(&files, "data/projects.csv");
        let all_rows: BTreeSet<&Vec<String>> = main.rows.iter().collect();
        let pid = main.col("事業ID");
        for (_, p) in c.projects() {
            let paths = export::project_files(&p.id);
            assert!(
                paths.iter().all(|x| files.iter().any(|f| &f.path == x)),
                "{paths:?}"
            );
            let sub = csv_of(&files, &format!("data/projects/{}.csv", p.id));
            assert_eq!(sub.header, main.header);
            let expect: Vec<&Vec<String>> = main.rows.iter().filter(|r| r[pid] == p.id).collect();
            assert_eq!(
                sub.rows.iter().collect::<Vec<_>>(),
                expect,
                "{what}: {}",
                p.id
            );
        }
        let mut covered = 0;
        for d in &c.org.departments {
            let paths = export::department_files(&d.id);
            assert_eq!(paths.len(), 1);
            let sub = csv_of(&files, &paths[0]);
            assert_eq!(sub.header, main.header);
            assert!(sub
                .rows
                .iter()
                .all(|r| all_rows.contains(r) && r[main.col("課ID")] == d.id));
            covered += sub.rows.len();
        }
        assert_eq!(
            covered,
            main.rows.len(),
            "{what}: every row in one department file"
        );
    }
}

/// Checks every cell against its Table Schema field, and the keys, without
/// frictionless (which CI runs as well).
#[test]
fn every_cell_fits_its_table_schema() {
    for (what, c, _dir) in contents() {
        let files = export::export(&c, CREATED);
        let res = resources(&files);
        let mut keys: BTreeMap<(String, Vec<String>), BTreeSet<Vec<String>>> = BTreeMap::new();
        for r in &res {
            let name = r["name"].as_str().expect("name").to_string();
            let csv = csv_of(
                &files,
                &format!("data/{}", r["path"].as_str().expect("path")),
            );
            let fields = r["schema"]["fields"].as_array().expect("fields");
            for (n, row) in csv.rows.iter().enumerate() {
                assert_eq!(row.len(), fields.len());
                for (cell, f) in row.iter().zip(fields) {
                    let at = format!("{what}: {name} row {} {}: {cell:?}", n + 2, f["name"]);
                    let cons = &f["constraints"];
                    if cell.is_empty() {
                        assert_ne!(cons["required"], true, "{at} is required");
                        continue;
                    }
                    match f["type"].as_str().expect("type") {
                        "string" => {}
                        "integer" => {
                            let v: i64 = cell.parse().unwrap_or_else(|_| panic!("{at}"));
                            if let Some(m) = cons["minimum"].as_i64() {
                                assert!(v >= m, "{at}");
                            }
                        }
                        "number" => {
                            let v: f64 = cell.parse().unwrap_or_else(|_| panic!("{at}"));
                            assert!(v.is_finite(), "{at}");
                            if let Some(m) = cons["minimum"].as_f64() {
                                assert!(v >= m, "{at}");
                            }
                        }
                        "boolean" => assert!(cell == "TRUE" || cell == "FALSE", "{at}"),
                        "year" => {
                            assert!(
                                cell.len() == 4 && cell.bytes().all(|b| b.is_ascii_digit()),
                                "{at}"
                            )
                        }
                        t => panic!("unexpected type {t}"),
                    }
                    if let Some(allowed) = cons["enum"].as_array() {
                        assert!(
                            allowed.iter().any(|a| a == cell.as_str()),
                            "{at} not in {allowed:?}"
                        );
                    }
                    if cons["pattern"] == "[0-9]{6}" {
                        assert!(
                            cell.len() == 6 && cell.bytes().all(|b| b.is_ascii_digit()),
                            "{at}"
                        );
                    }
                }
            }
            // Primary key: unique and complete.
            let pk: Vec<String> = r["schema"]["primaryKey"]
                .as_array()
                .expect("primaryKey")
                .iter()
                .map(|k| k.as_str().expect("key").to_string())
                .collect();
            let idx: Vec<usize> = pk.iter().map(|k| csv.col(k)).collect();
            let mut seen = BTreeSet::new();
            for row in &csv.rows {
                let key: Vec<String> = idx.iter().map(|&i| row[i].clone()).collect();
                assert!(
                    key.iter().all(|k| !k.is_empty()),
                    "{what}: {name} empty key"
                );
                assert!(
                    seen.insert(key.clone()),
                    "{what}: {name} duplicate key {key:?}"
                );
            }
            keys.insert((name.clone(), pk), seen);
        }
        // Foreign keys point at existing rows.
        for r in &res {
            let csv = csv_of(
                &files,
                &format!("data/{}", r["path"].as_str().expect("path")),
            );
            for fk in r["schema"]["foreignKeys"].as_array().into_iter().flatten() {
                let local: Vec<usize> = fk["fields"]
                    .as_array()
                    .expect("fields")
                    .iter()
                    .map(|f| csv.col(f.as_str().expect("field")))
                    .collect();
                let target = fk["reference"]["resource"].as_str().expect("resource");
                let target_fields: Vec<String> = fk["reference"]["fields"]
                    .as_array()
                    .expect("fields")
                    .iter()
                    .map(|f| f.as_str().expect("field").to_string())
                    .collect();
                let existing = &keys[&(target.to_string(), target_fields)];
                for row in &csv.rows {
                    let key: Vec<String> = local.iter().map(|&i| row[i].clone()).collect();
                    assert!(existing.contains(&key), "{what}: {key:?} not in {target}");
                }
            }
        }
    }
}

#[test]
fn csv_files_are_utf8_with_bom_and_crlf() {
    for (what, c, _dir) in contents() {
        let files = export::export(&c, CREATED);
        let paths = csv_paths(&files);
        assert!(paths.len() > 5);
        for path in paths {
            let b = &file(&files, path).bytes;
            assert!(b.starts_with(b"\xEF\xBB\xBF"), "{what}: {path} has no BOM");
            assert!(std::str::from_utf8(b).is_ok(), "{path} is not UTF-8");
            assert!(b.ends_with(b"\r\n"), "{path} does not end with CRLF");
            // Outside quotes, every line break is CRLF.
            let mut quoted = false;
            for (i, &x) in b.iter().enumerate() {
                match x {
                    b'"' => quoted = !quoted,
                    b'\n' if !quoted => {
                        assert!(i > 0 && b[i - 1] == b'\r', "{path}: bare LF at {i}")
                    }
                    b'\r' if !quoted => {
                        assert_eq!(b.get(i + 1), Some(&b'\n'), "{path}: bare CR at {i}")
                    }
                    _ => {}
                }
            }
            assert!(!quoted, "{path}: unbalanced quotes");
        }
    }
}

// ------------------------------------------------------------------ CSV values

#[test]
fn projects_csv_numbers_equal_the_yaml() {
    for (what, c, _dir) in contents() {
        let files = export::export(&c, CREATED);
        let csv = csv_of(&files, "data/projects.csv");
        let unit = unit_of(&csv.header[csv.col_starting("予算現額（")]);
        let (pid, year) = (csv.col("事業ID"), csv.col("年度（西暦）"));
        let row = |id: &str, y: u16| {
            csv.rows
                .iter()
                .find(|r| r[pid] == id && r[year] == y.to_string())
                .unwrap_or_else(|| panic!("{what}: no row {id} {y}"))
        };
        let mut expected_rows = 0;
        for (s, p) in c.projects() {
            let from = s.doc.money_unit;
            let mut years = BTreeSet::new();
            for fy in &p.doc.fiscal_years {
                years.insert(fy.year.0);
                let r = row(&p.id, fy.year.0);
                let at = format!("{what}: {} {}", p.id, fy.year);
                assert_eq!(r[csv.col("年度（和暦）")], fy.year.wareki(), "{at}");
                assert_eq!(
                    opt_i64(&r[csv.col_starting("予算現額（")]),
                    in_unit(fy.budget, from, unit),
                    "{at}"
                );
                assert_eq!(
                    opt_i64(&r[csv.col_starting("決算額（")]),
                    in_unit(fy.settlement, from, unit),
                    "{at}"
                );
                assert_eq!(
                    opt_i64(&r[csv.col_starting("正規職員人件費（")]),
                    in_unit(fy.regular_staff_cost, from, unit),
                    "{at}"
                );
                assert_eq!(
                    opt_f64(&r[csv.col("正規職員（人）")]),
                    fy.regular_staff,
                    "{at}"
                );
                assert_eq!(
                    opt_f64(&r[csv.col("非常勤特別職（人）")]),
                    fy.part_time_staff,
                    "{at}"
                );
                assert_eq!(
                    opt_f64(&r[csv.col("臨時職員（人）")]),
                    fy.temporary_staff,
                    "{at}"
                );
                let flag = if fy.settlement_estimated {
                    "TRUE"
                } else {
                    "FALSE"
                };
                assert_eq!(r[csv.col("決算額は見込み")], flag, "{at}");
            }
            // Single-year evaluation periods: the rating is on that year's row.
            for e in &p.doc.evaluations {
                let Some(period) = s
                    .doc
                    .periods
                    .iter()
                    .find(|x| x.id == e.period && x.from == x.until)
                else {
                    continue;
                };
                years.insert(period.from.0);
                let r = row(&p.id, period.from.0);
                assert_eq!(
                    r[csv.col("総合評価")],
                    e.rating.as_deref().map(inert).unwrap_or_default()
                );
                let label = e
                    .rating
                    .as_deref()
                    .and_then(|x| s.doc.level(x))
                    .and_then(|l| l.label.as_deref());
                assert_eq!(
                    r[csv.col("総合評価の名前")],
                    label.map(inert).unwrap_or_default()
                );
                if !p.doc.fiscal_years.iter().any(|f| f.year == period.from) {
                    assert_eq!(r[csv.col_starting("予算現額（")], "");
                    assert_eq!(r[csv.col("決算額は見込み")], "");
                }
            }
            expected_rows += years.len();
        }
        assert_eq!(csv.rows.len(), expected_rows, "{what}");
    }
}

#[test]
fn indicators_csv_numbers_equal_the_yaml() {
    for (what, c, _dir) in contents() {
        let files = export::export(&c, CREATED);
        let csv = csv_of(&files, "data/indicators.csv");
        let mut n = 0;
        for (_, p) in c.projects() {
            for (i, ind) in p.doc.indicators.iter().enumerate() {
                for v in &ind.values {
                    n += 1;
                    let r = csv
                        .rows
                        .iter()
                        .find(|r| {
                            r[csv.col("事業ID")] == p.id
                                && r[csv.col("指標番号")] == (i + 1).to_string()
                                && r[csv.col("年度（西暦）")] == v.year.0.to_string()
                        })
                        .unwrap_or_else(|| panic!("{what}: {} indicator {i} {}", p.id, v.year));
                    assert_eq!(r[csv.col("指標名")], inert(&ind.name));
                    assert_eq!(opt_f64(&r[csv.col("目標")]), v.target);
                    assert_eq!(opt_f64(&r[csv.col("実績")]), v.result);
                    assert_eq!(
                        opt_f64(&r[csv.col("達成率（％）")]),
                        achievement(v.target, v.result, ind.higher_is_better)
                    );
                    assert_eq!(
                        r[csv.col("単位")],
                        ind.unit.as_deref().map(inert).unwrap_or_default()
                    );
                    assert_eq!(
                        r[csv.col("備考")],
                        v.remark.as_deref().map(inert).unwrap_or_default()
                    );
                    assert_eq!(r[csv.col("年度（和暦）")], v.year.wareki());
                }
            }
        }
        assert_eq!(csv.rows.len(), n, "{what}");
    }
}

#[test]
fn ratings_csv_has_every_project_and_period_including_overall() {
    for (what, c, _dir) in contents() {
        let files = export::export(&c, CREATED);
        let csv = csv_of(&files, "data/ratings.csv");
        let expected: usize = c
            .series
            .iter()
            .map(|s| s.projects.len() * s.doc.periods.len())
            .sum();
        assert_eq!(csv.rows.len(), expected, "{what}");
        for (s, p) in c.projects() {
            for period in &s.doc.periods {
                let r = csv
                    .rows
                    .iter()
                    .find(|r| r[csv.col("事業ID")] == p.id && r[csv.col("評価期間ID")] == period.id)
                    .unwrap_or_else(|| panic!("{what}: {} {}", p.id, period.id));
                let e = p.doc.evaluations.iter().find(|e| e.period == period.id);
                let rating = e.and_then(|e| e.rating.as_deref());
                assert_eq!(
                    r[csv.col("総合評価")],
                    rating.map(inert).unwrap_or_default()
                );
                assert_eq!(r[csv.col("評価期間")], inert(&period.label));
                assert_eq!(
                    r[csv.col("評価期間の最初の年度（西暦）")],
                    period.from.0.to_string()
                );
                assert_eq!(
                    r[csv.col("評価期間の最後の年度（和暦）")],
                    period.until.wareki()
                );
                let remark = e.and_then(|e| e.remark.as_deref());
                assert_eq!(r[csv.col("備考")], remark.map(inert).unwrap_or_default());
            }
        }
    }
    // The ICT plan's 総括 is there.
    let files = export::export(&real(), CREATED);
    let csv = csv_of(&files, "data/ratings.csv");
    assert!(csv
        .rows
        .iter()
        .any(|r| r[csv.col("評価期間ID")] == "overall" && r[csv.col("評価期間")] == "総括"));
}

#[test]
fn departments_csv_lists_current_and_former_names() {
    let c = real();
    let files = export::export(&c, CREATED);
    let csv = csv_of(&files, "data/departments.csv");
    assert_eq!(csv.rows.len(), c.org.departments.len());
    let ds = csv
        .rows
        .iter()
        .find(|r| r[csv.col("課ID")] == "digital-senryaku")
        .expect("digital-senryaku");
    assert_eq!(ds[csv.col("課名")], "デジタル戦略課");
    assert_eq!(ds[csv.col("旧名称")], "ＩＴ推進課");
    assert_eq!(ds[csv.col("部名")], "経営企画部");
    let names = csv_of(&files, "data/department-names.csv");
    let total: usize = c.org.departments.iter().map(|d| d.names.len()).sum();
    assert_eq!(names.rows.len(), total);
}

#[test]
fn money_is_converted_to_yen_when_series_units_differ() {
    let (_dir, c) = fixture();
    let files = export::export(&c, CREATED);
    let csv = csv_of(&files, "data/projects.csv");
    assert!(csv.header.contains(&"予算現額（円）".to_string()));
    let r = csv
        .rows
        .iter()
        .find(|r| r[csv.col("事業ID")] == "injection" && r[csv.col("年度（西暦）")] == "2018")
        .expect("row");
    assert_eq!(r[csv.col("予算現額（円）")], "1200000");
    let r = csv
        .rows
        .iter()
        .find(|r| r[csv.col("事業ID")] == "yen")
        .expect("row");
    assert_eq!(r[csv.col("予算現額（円）")], "1500");
    assert_eq!(r[csv.col("グループ名")], "'=グループ");
    // The real content is all in 千円.
    let files = export::export(&real(), CREATED);
    assert!(csv_of(&files, "data/projects.csv")
        .header
        .contains(&"予算現額（千円）".to_string()));
}

// ------------------------------------------------------------------ injection

#[test]
fn formula_like_text_is_inert_and_numbers_stay_numbers() {
    let (_dir, c) = fixture();
    let files = export::export(&c, CREATED);
    let projects = file(&files, "data/projects.csv");
    let text = std::str::from_utf8(&projects.bytes).expect("utf-8");
    // RFC 4180 quoting of the prefixed name.
    assert!(
        text.contains(r#","'=HYPERLINK(""http://x.invalid"")","#),
        "{text}"
    );

    let csv = csv_of(&files, "data/projects.csv");
    let r = csv
        .rows
        .iter()
        .find(|r| r[csv.col("事業ID")] == "injection")
        .expect("row");
    assert_eq!(
        r[csv.col("事務事業名称")],
        r#"'=HYPERLINK("http://x.invalid")"#
    );
    assert_eq!(r[csv.col("担当課名")], "'@危険課");
    assert_eq!(r[csv.col("当該年度の担当課名")], "'@旧名課");
    assert_eq!(r[csv.col("部名")], "'+総務部");
    let names: BTreeSet<&str> = csv
        .rows
        .iter()
        .map(|r| r[csv.col("担当課名")].as_str())
        .collect();
    assert!(
        names.contains("'+プラス課") && names.contains("'-マイナス課"),
        "{names:?}"
    );

    // Negative numbers are numbers, not text.
    let ind = csv_of(&files, "data/indicators.csv");
    let r = ind
        .rows
        .iter()
        .find(|r| r[ind.col("年度（西暦）")] == "2018")
        .expect("row");
    assert_eq!(r[ind.col("目標")], "-5");
    assert_eq!(r[ind.col("実績")], "-2.5");
    assert_eq!(r[ind.col("指標名")], "'-削減率");
    let tab = ind
        .rows
        .iter()
        .find(|r| r[ind.col("年度（西暦）")] == "2020")
        .expect("row");
    assert_eq!(tab[ind.col("備考")], "'\tタブで始まる");

    let ratings = csv_of(&files, "data/ratings.csv");
    let overall = ratings
        .rows
        .iter()
        .find(|r| {
            r[ratings.col("事業ID")] == "injection" && r[ratings.col("評価期間ID")] == "overall"
        })
        .expect("row");
    assert_eq!(overall[ratings.col("総合評価")], "", "unrated");
    assert_eq!(overall[ratings.col("備考")], "'@評価対象外");
    let cr = ratings
        .rows
        .iter()
        .find(|r| r[ratings.col("事業ID")] == "yen")
        .expect("row");
    assert_eq!(cr[ratings.col("備考")], "'\r先頭がCR");
    // The rating code "-" is written inert, and so is its enum constraint.
    let fy = ratings
        .rows
        .iter()
        .find(|r| {
            r[ratings.col("事業ID")] == "injection" && r[ratings.col("評価期間ID")] == "fy2019"
        })
        .expect("row");
    assert_eq!(fy[ratings.col("総合評価")], "'-");

    // No text cell of any CSV starts a formula; numeric cells are plain numbers.
    for path in csv_paths(&files) {
        let csv = csv_of(&files, path);
        let res = resources(&files);
        let schema = res
            .iter()
            .find(|r| format!("data/{}", r["path"].as_str().unwrap_or_default()) == path)
            .or_else(|| res.iter().find(|r| r["name"] == "projects"))
            .expect("schema");
        let types: Vec<&str> = schema["schema"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| f["type"].as_str().expect("type"))
            .collect();
        for row in &csv.rows {
            for (cell, ty) in row.iter().zip(&types) {
                let first = cell.chars().next();
                if *ty == "string" {
                    assert!(
                        !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                        "{path}: {cell:?}"
                    );
                } else if !cell.is_empty() {
                    assert!(
                        cell.parse::<f64>().is_ok() || cell == "TRUE" || cell == "FALSE",
                        "{path}: {cell:?}"
                    );
                }
            }
        }
    }

    // JSON keeps the original text.
    let all = json(&files, "data/projects.json");
    let rec = all["projects"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["id"] == "injection")
        .expect("record");
    assert_eq!(rec["name"], r#"=HYPERLINK("http://x.invalid")"#);
    assert_eq!(rec["department_name"], "@危険課");
}

// ------------------------------------------------------------------ metadata

#[test]
fn datapackage_describes_licence_sources_and_keys() {
    for (what, c, _dir) in contents() {
        let files = export::export(&c, CREATED);
        let p = json(&files, "data/datapackage.json");
        assert_eq!(
            p["$schema"],
            "https://datapackage.org/profiles/2.0/datapackage.json"
        );
        assert!(p.get("profile").is_none(), "no v1 profile");
        // The municipality publishes its own data; a transcription's
        // package names it as the data's creator only.
        let kind = c.site.provenance.as_ref().map(|p| p.kind);
        let (kind_name, role) = match what {
            "content" => ("transcription", "creator"),
            _ => ("official", "publisher"),
        };
        assert_eq!(json!(kind), json!(kind_name), "{what}");
        assert_eq!(p["contributors"][0]["roles"], json!([role]), "{what}");
        assert_eq!(p["provenance"]["kind"], kind_name, "{what}");
        assert_eq!(p["created"], "2024-05-01T00:00:00Z");
        assert_eq!(p["version"], export::FORMAT_VERSION);
        let name = p["name"].as_str().expect("name");
        assert!(name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        let lic = &p["licenses"][0];
        assert_eq!(lic["name"], c.site.license.id.as_str());
        assert_eq!(lic["path"], export::license_uri(&c.site.license.url));
        assert!(lic["title"]
            .as_str()
            .is_some_and(|t| t.contains(&c.site.license.attribution)));
        assert!(p["description"]
            .as_str()
            .is_some_and(|t| t.contains(&c.site.license.attribution)));
        let sources = p["sources"].as_array().expect("sources");
        for src in c.series.iter().flat_map(|s| &s.doc.sources) {
            let found = sources
                .iter()
                .find(|x| x["title"] == src.title.as_str())
                .expect("source");
            assert_eq!(found["path"].as_str(), src.url.as_deref(), "{what}");
        }
        let codes: Vec<String> = {
            let mut seen = BTreeSet::new();
            c.series
                .iter()
                .flat_map(|s| &s.doc.scale)
                .filter(|l| seen.insert(l.code.clone()))
                .map(|l| inert(&l.code))
                .collect()
        };
        for name in ["projects", "ratings"] {
            let r = resource(&files, name);
            let f = r["schema"]["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|f| f["machineName"] == "rating")
                .expect("rating field");
            let allowed: Vec<String> = f["constraints"]["enum"]
                .as_array()
                .expect("enum")
                .iter()
                .map(|v| v.as_str().expect("code").to_string())
                .collect();
            assert_eq!(allowed, codes, "{what}: {name}");
        }
        for r in resources(&files) {
            assert_eq!(
                r["$schema"],
                "https://datapackage.org/profiles/2.0/dataresource.json"
            );
            assert_eq!(r["type"], "table");
            assert!(r.get("profile").is_none(), "no v1 profile");
            assert_eq!(r["encoding"], "UTF-8");
            assert!(r["dialect"].get("csvddfVersion").is_none());
            let code = r["schema"]["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|f| f["name"] == "全国地方公共団体コード")
                .expect("団体コード field");
            assert_eq!(code["type"], "string");
            assert_eq!(code["constraints"]["pattern"], "[0-9]{6}");
            assert_eq!(r["dialect"]["lineTerminator"], "\r\n");
            let names = field_names(&r);
            for k in r["schema"]["primaryKey"].as_array().expect("primaryKey") {
                assert!(names.iter().any(|n| n == k.as_str().unwrap_or_default()));
            }
            if r["name"] != "departments" {
                let fk = &r["schema"]["foreignKeys"][0];
                assert_eq!(fk["reference"]["resource"], "departments");
                assert_eq!(fk["fields"][0], "課ID");
            }
        }
    }
}

#[test]
fn catalog_points_at_every_main_file() {
    for (what, c, _dir) in contents() {
        let files = export::export(&c, CREATED);
        if c.site.base_url.is_none() {
            // No absolute URLs, no catalogue (tests/catalog.rs).
            assert!(files.iter().all(|f| !f.path.starts_with("data/catalog")));
            continue;
        }
        let cat = json(&files, "data/catalog.json");
        assert_eq!(
            cat["conformsTo"],
            "https://project-open-data.cio.gov/v1.1/schema"
        );
        let datasets = cat["dataset"].as_array().expect("dataset");
        assert_eq!(datasets.len(), 4);
        let mut urls = BTreeSet::new();
        for d in datasets {
            assert_eq!(d["accessLevel"], "public");
            assert_eq!(d["license"], export::license_uri(&c.site.license.url));
            assert_eq!(d["modified"], CREATED);
            assert_eq!(d["publisher"]["name"], c.site.municipality.as_str());
            for key in ["title", "description", "identifier"] {
                assert!(d[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
            }
            for dist in d["distribution"].as_array().expect("distribution") {
                let url = dist["downloadURL"].as_str().expect("downloadURL");
                let rel = match &c.site.base_url {
                    Some(_) => url
                        .strip_prefix("https://city.example/hyoka/")
                        .unwrap_or_else(|| panic!("{what}: {url} is not absolute"))
                        .to_string(),
                    None => format!("data/{url}"),
                };
                file(&files, &rel);
                assert!(dist["mediaType"].as_str().is_some());
                urls.insert(rel);
            }
        }
        for m in [
            "projects.csv",
            "indicators.csv",
            "ratings.csv",
            "departments.csv",
            "department-names.csv",
            "projects.json",
        ] {
            assert!(urls.contains(&format!("data/{m}")), "{what}: {m}");
        }
    }
}

#[test]
fn downloads_describe_the_main_files_with_sizes() {
    let (files, sizes) = export::export_sized(&real(), CREATED);
    // The sizes the streams counted are those of the files written.
    for (path, n) in &sizes {
        assert_eq!(*n as usize, file(&files, path).bytes.len(), "{path}");
    }
    let d = export::downloads(&sizes);
    let paths: Vec<&str> = d.iter().map(|x| x.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "data/projects.csv",
            "data/indicators.csv",
            "data/ratings.csv",
            "data/departments.csv",
            "data/department-names.csv",
            "data/projects.json",
            "data/projects.xlsx",
            "data/projects.schema.json",
            "data/datapackage.json",
        ]
    );
    for x in &d {
        assert_eq!(x.bytes, file(&files, &x.path).bytes.len());
        assert!(!x.title.is_empty() && !x.description.is_empty() && !x.format.is_empty());
    }
    // Files that are not exported are skipped.
    let one: std::collections::BTreeMap<String, u64> = sizes
        .into_iter()
        .filter(|(p, _)| p == "data/ratings.csv")
        .collect();
    assert_eq!(export::downloads(&one).len(), 1);
}

#[test]
fn export_is_deterministic_and_stays_in_data() {
    for (what, c, _dir) in contents() {
        let a = export::export(&c, CREATED);
        let b = export::export(&c, CREATED);
        assert_eq!(a, b, "{what}");
        let mut seen = BTreeSet::new();
        for f in &a {
            assert!(f.path.starts_with("data/"), "{}", f.path);
            assert!(hyoka::output::safe_relative(&f.path).is_ok());
            assert!(seen.insert(&f.path), "duplicate {}", f.path);
        }
    }
}

// ------------------------------------------------------------------ frictionless

/// Writes the export of the real content (to `$HYOKA_EXPORT_DIR/content`) and
/// of the fixture (to `…/fixture`) for `frictionless validate`. Run with
/// `cargo test --test export -- --ignored --nocapture`.
#[test]
#[ignore = "writes files for the frictionless check"]
fn write_exports_for_frictionless() {
    let root = std::env::var_os("HYOKA_EXPORT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("export"));
    for (what, c, _dir) in contents() {
        let target = root.join(what);
        hyoka::output::write_site(&target, &export::export(&c, CREATED)).expect("write export");
        println!("{}", target.join("data/datapackage.json").display());
    }
}
