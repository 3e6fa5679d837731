//! JSON Schemas for the content files, generated from the model types.
//! `hyoka schema --write` refreshes `schema/`; a test fails when the
//! committed files drift from the types.

use schemars::{generate::SchemaSettings, JsonSchema};

use crate::model::{DepartmentsDoc, ProjectDoc, SeriesDoc, SiteDoc};
use crate::search::SynonymsDoc;

fn schema_of<T: JsonSchema>(id: &str) -> String {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert("$id".into(), serde_json::Value::String(id.to_string()));
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// `(file name, contents)` of every schema, in a fixed order.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        ("site.schema.json", schema_of::<SiteDoc>("site.schema.json")),
        (
            "departments.schema.json",
            schema_of::<DepartmentsDoc>("departments.schema.json"),
        ),
        (
            "series.schema.json",
            schema_of::<SeriesDoc>("series.schema.json"),
        ),
        (
            "project.schema.json",
            schema_of::<ProjectDoc>("project.schema.json"),
        ),
        (
            "synonyms.schema.json",
            schema_of::<SynonymsDoc>("synonyms.schema.json"),
        ),
    ]
}
