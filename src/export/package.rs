//! The package and the catalogue: `data/datapackage.json` (Frictionless
//! Data Package v1: every main CSV as a tabular resource with its Table
//! Schema, licence and sources) and `data/catalog.json` (DCAT-US 1.1, for
//! CKAN harvesters), and the URLs both use.
//!
//! Owns: the metadata about the data. Must not: make the tables or write
//! anything ([`super::Streams::finish`] puts what this returns).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::content::Content;

use super::files::{data_path, meta, Meta, CSV, JSON};
use super::table::table_schema;
use super::tables::Table;
use super::{DIR, FORMAT_VERSION};

/// The public base URL, ending in `/`.
fn base_url(content: &Content) -> Option<String> {
    content
        .site
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|u| format!("{}/", u.trim_end_matches('/')))
}

/// URL of a file in `data/`: absolute with a base URL, else relative to
/// `data/` (where the data package and catalogue live).
pub(super) fn url(content: &Content, file: &str) -> String {
    match base_url(content) {
        Some(b) => format!("{b}{DIR}/{file}"),
        None => file.to_string(),
    }
}

/// `created` as a date-time (a bare date is midnight UTC).
fn created_datetime(created: &str) -> String {
    let c = created.trim();
    let is_date = c.len() == 10
        && c.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if is_date {
        format!("{c}T00:00:00Z")
    } else {
        c.to_string()
    }
}

fn dialect() -> Value {
    json!({
        "csvddfVersion": 1.2,
        "delimiter": ",",
        "lineTerminator": "\r\n",
        "quoteChar": "\"",
        "doubleQuote": true,
        "skipInitialSpace": false,
        "header": true
    })
}

pub(super) fn resource(t: &Table, m: &Meta, bytes: u64) -> Value {
    json!({
        "profile": "tabular-data-resource",
        "name": t.name,
        "path": m.file,
        "title": m.title,
        "description": m.description,
        "format": "csv",
        "mediatype": m.mediatype,
        "encoding": "utf-8-sig",
        "bytes": bytes,
        "dialect": dialect(),
        "schema": table_schema(&t.fields, &t.primary_key, &t.foreign_keys),
    })
}

fn license_title(content: &Content) -> String {
    let l = &content.site.license;
    format!("{}（{}）", l.name, l.attribution)
}

fn package_name(content: &Content) -> String {
    let code: String = content
        .site
        .municipality_code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    format!("hyoka-{code}")
}

fn keywords(content: &Content) -> Vec<String> {
    let mut k = vec![
        "事務事業評価".to_string(),
        "行政評価".to_string(),
        content.site.municipality.clone(),
    ];
    for s in &content.series {
        if !k.contains(&s.doc.title) {
            k.push(s.doc.title.clone());
        }
    }
    k
}

fn description(content: &Content) -> String {
    let mut d = content
        .site
        .description
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_string();
    if !d.is_empty() {
        d.push_str("\n\n");
    }
    d.push_str(&format!(
        "ライセンス: {}（{}）。利用の際は次のとおり出典を表示してください: {}",
        content.site.license.name, content.site.license.id, content.site.license.attribution
    ));
    d
}

pub(super) fn datapackage(content: &Content, created: &str, resources: Vec<Value>) -> Value {
    let site = &content.site;
    let mut p = Map::new();
    // Not "tabular-data-package": `data/projects.xlsx` is a resource too,
    // and that profile requires every resource to be a tabular CSV.
    p.insert("profile".into(), json!("data-package"));
    p.insert("name".into(), json!(package_name(content)));
    p.insert("title".into(), json!(site.title));
    p.insert("description".into(), json!(description(content)));
    p.insert("version".into(), json!(FORMAT_VERSION));
    if !created.trim().is_empty() {
        p.insert("created".into(), json!(created_datetime(created)));
    }
    p.insert("keywords".into(), json!(keywords(content)));
    if let Some(b) = base_url(content) {
        p.insert("homepage".into(), json!(b));
    }
    p.insert(
        "licenses".into(),
        json!([{
            "name": site.license.id,
            "path": site.license.url,
            "title": license_title(content),
        }]),
    );
    p.insert(
        "contributors".into(),
        json!([{ "title": site.municipality, "role": "publisher" }]),
    );
    let sources: Vec<Value> = content
        .series
        .iter()
        .flat_map(|s| s.doc.sources.iter())
        .map(|src| {
            let mut o = Map::new();
            o.insert("title".into(), json!(src.title));
            if let Some(u) = &src.url {
                o.insert("path".into(), json!(u));
            }
            o.insert("publisher".into(), json!(src.publisher));
            if let Some(d) = &src.published {
                o.insert("published".into(), json!(d));
            }
            Value::Object(o)
        })
        .collect();
    p.insert("sources".into(), Value::Array(sources));
    p.insert("resources".into(), Value::Array(resources));
    Value::Object(p)
}

/// Fiscal years the data covers, as an ISO 8601 interval (April to March).
fn temporal(content: &Content) -> Option<String> {
    let years = content.projects().flat_map(|(s, p)| {
        let d = &p.doc;
        d.fiscal_years
            .iter()
            .map(|f| f.year)
            .chain(
                d.indicators
                    .iter()
                    .flat_map(|i| i.values.iter().map(|v| v.year)),
            )
            .chain(s.doc.periods.iter().flat_map(|x| [x.from, x.until]))
    });
    let (min, max) = years.fold(None, |acc: Option<(u16, u16)>, y| {
        Some(acc.map_or((y.0, y.0), |(a, b)| (a.min(y.0), b.max(y.0))))
    })?;
    Some(format!("{min}-04-01/{}-03-31", max + 1))
}

pub(super) fn catalog(content: &Content, created: &str, sizes: &BTreeMap<String, u64>) -> Value {
    let site = &content.site;
    // DCAT-US `modified` is an ISO 8601 date; keep the date part.
    let modified: String = created.trim().chars().take(10).collect();
    let groups: [(&str, &[&str]); 4] = [
        ("projects", &["projects", "projects-json"]),
        ("indicators", &["indicators"]),
        ("ratings", &["ratings"]),
        ("departments", &["departments", "department-names"]),
    ];
    let package_url = url(content, "datapackage.json");
    let datasets: Vec<Value> = groups
        .iter()
        .filter_map(|(name, members)| {
            let head = meta(name)?;
            let distribution: Vec<Value> = members
                .iter()
                .filter_map(|m| meta(m))
                .filter(|m| sizes.contains_key(&data_path(m.file)))
                .map(|m| {
                    let (described, described_type) = if m.mediatype == CSV {
                        (package_url.clone(), JSON)
                    } else {
                        (
                            url(content, "projects.schema.json"),
                            "application/schema+json",
                        )
                    };
                    json!({
                        "@type": "dcat:Distribution",
                        "title": m.title,
                        "description": m.description,
                        "downloadURL": url(content, m.file),
                        "mediaType": m.mediatype,
                        "format": m.format,
                        "describedBy": described,
                        "describedByType": described_type,
                    })
                })
                .collect();
            let mut d = Map::new();
            d.insert("@type".into(), json!("dcat:Dataset"));
            d.insert(
                "title".into(),
                json!(format!("{} {}", site.municipality, head.title)),
            );
            d.insert(
                "description".into(),
                json!(format!(
                    "{}\n\n出典の表示: {}",
                    head.description, site.license.attribution
                )),
            );
            d.insert("keyword".into(), json!(keywords(content)));
            if !modified.is_empty() {
                d.insert("modified".into(), json!(modified));
            }
            d.insert(
                "publisher".into(),
                json!({ "@type": "org:Organization", "name": site.municipality }),
            );
            d.insert(
                "contactPoint".into(),
                json!({ "@type": "vcard:Contact", "fn": site.municipality }),
            );
            d.insert(
                "identifier".into(),
                json!(format!("{}-{name}", package_name(content))),
            );
            d.insert("accessLevel".into(), json!("public"));
            d.insert("license".into(), json!(site.license.url));
            d.insert("spatial".into(), json!(site.municipality));
            if let Some(t) = temporal(content) {
                d.insert("temporal".into(), json!(t));
            }
            d.insert("language".into(), json!([site.language]));
            if let Some(b) = base_url(content) {
                d.insert("landingPage".into(), json!(b));
            }
            d.insert("distribution".into(), Value::Array(distribution));
            Some(Value::Object(d))
        })
        .collect();
    let mut c = Map::new();
    c.insert(
        "@context".into(),
        json!("https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"),
    );
    c.insert("@type".into(), json!("dcat:Catalog"));
    if base_url(content).is_some() {
        c.insert("@id".into(), json!(url(content, "catalog.json")));
    }
    c.insert(
        "conformsTo".into(),
        json!("https://project-open-data.cio.gov/v1.1/schema"),
    );
    c.insert(
        "describedBy".into(),
        json!("https://project-open-data.cio.gov/v1.1/schema/catalog.json"),
    );
    c.insert("dataset".into(), Value::Array(datasets));
    Value::Object(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_dates_become_datetimes() {
        assert_eq!(created_datetime("2024-05-01"), "2024-05-01T00:00:00Z");
        assert_eq!(
            created_datetime("2024-05-01T09:00:00+09:00"),
            "2024-05-01T09:00:00+09:00"
        );
    }
}
