//! JSON Schemas for the content files, generated from the model types
//! (JSON Schema 2020-12, the dialect of `data/projects.schema.json` too).
//!
//! Two kinds: the generic schemas of `site.yaml`, `departments.yaml`,
//! `_series.yaml` and project files ([`all`]), from the types alone; and one
//! project schema per series ([`for_series`]), the generic one narrowed by
//! that series' `_series.yaml` and the site's `departments.yaml` (enums of
//! department ids, group ids, period ids, rating codes and source ids), so
//! an editor flags a wrong code while it is typed. The ranges (SDG goals,
//! amounts, staff, years) come from the same constants `hyoka check` uses
//! ([`crate::model`], [`crate::fiscal`]). `hyoka schema` writes both; a test
//! fails when the committed files drift.

use schemars::{generate::SchemaSettings, JsonSchema};
use serde_json::{json, Value};

use crate::content::Content;
use crate::model::{DepartmentsDoc, ProjectDoc, SeriesDoc, SiteDoc, SynonymsDoc};

/// Folder (below `schema/`) of the per-series project schemas.
pub const SERIES_DIR: &str = "projects";

fn schema_value<T: JsonSchema>(id: &str) -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert("$id".into(), Value::String(id.to_string()));
    schema.to_value()
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// `(file name, contents)` of every generic schema, in a fixed order.
pub fn all() -> Vec<(String, String)> {
    vec![
        (
            "site.schema.json".into(),
            pretty(&schema_value::<SiteDoc>("site.schema.json")),
        ),
        (
            "departments.schema.json".into(),
            pretty(&schema_value::<DepartmentsDoc>("departments.schema.json")),
        ),
        (
            "series.schema.json".into(),
            pretty(&schema_value::<SeriesDoc>("series.schema.json")),
        ),
        (
            "project.schema.json".into(),
            pretty(&schema_value::<ProjectDoc>("project.schema.json")),
        ),
        (
            "synonyms.schema.json".into(),
            pretty(&schema_value::<SynonymsDoc>("synonyms.schema.json")),
        ),
    ]
}

/// Path below `schema/` of the project schema of series `id`.
pub fn series_file(id: &str) -> String {
    format!("{SERIES_DIR}/{id}.schema.json")
}

/// The schema line a project file of series `id` starts with (project
/// files live in `content/<series>/`, the schemas in `schema/`).
pub fn project_schema_line(id: &str) -> String {
    format!(
        "# yaml-language-server: $schema=../../schema/{}",
        series_file(id)
    )
}

/// Every schema of `content`: the generic ones, then one project schema per
/// series, as `(path below schema/, contents)`.
pub fn all_for(content: &Content) -> Vec<(String, String)> {
    let mut v = all();
    for s in &content.series {
        v.push((series_file(&s.id), for_series(&content.org, &s.id, &s.doc)));
    }
    v
}

/// Narrows the property at JSON pointer `at` of `schema` to `values`
/// (`null` allowed when `nullable`): its `type` is replaced by an `enum`;
/// title and description stay.
fn restrict(schema: &mut Value, at: &str, values: Vec<Value>, nullable: bool) {
    if let Some(Value::Object(p)) = schema.pointer_mut(at) {
        p.remove("type");
        p.remove("format");
        let mut values = values;
        if nullable {
            values.push(Value::Null);
        }
        p.insert("enum".into(), Value::Array(values));
    }
}

fn strings<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<Value> {
    ids.into_iter().map(|s| json!(s)).collect()
}

/// The project schema of series `id`: the generic project schema with the
/// series' and the site's codes as enums.
pub fn for_series(org: &DepartmentsDoc, id: &str, doc: &SeriesDoc) -> String {
    let mut s = schema_value::<ProjectDoc>(&series_file(id));
    if let Value::Object(root) = &mut s {
        root.insert(
            "title".into(),
            json!(format!("事業（{}、1事業1ファイル）", doc.title)),
        );
    }
    restrict(
        &mut s,
        "/properties/department",
        strings(org.departments.iter().map(|d| d.id.as_str())),
        false,
    );
    match &doc.grouping {
        Some(g) => {
            restrict(
                &mut s,
                "/properties/group",
                strings(g.groups.iter().map(|x| x.id.as_str())),
                false,
            );
            if let Some(Value::Object(p)) = s.pointer_mut("/properties/group") {
                p.remove("default");
            }
            if let Some(Value::Array(req)) = s.pointer_mut("/required") {
                req.push(json!("group"));
            }
        }
        None => restrict(&mut s, "/properties/group", Vec::new(), true),
    }
    restrict(
        &mut s,
        "/$defs/Evaluation/properties/period",
        strings(doc.periods.iter().map(|p| p.id.as_str())),
        false,
    );
    restrict(
        &mut s,
        "/$defs/Evaluation/properties/rating",
        strings(doc.scale.iter().map(|l| l.code.as_str())),
        true,
    );
    restrict(
        &mut s,
        "/$defs/SourceRef/properties/document",
        strings(doc.sources.iter().map(|x| x.id.as_str())),
        false,
    );
    // Amounts are in the series' unit, which need not be the sheets' 千円.
    let unit = doc.money_unit.label();
    for field in ["budget", "settlement", "regular_staff_cost"] {
        let at = format!("/$defs/FiscalYearRecord/properties/{field}/title");
        if let Some(Value::String(t)) = s.pointer_mut(&at) {
            *t = t.replace("（千円）", &format!("（{unit}）"));
        }
    }
    pretty(&s)
}
