//! The package and the catalogue: `data/datapackage.json` (Frictionless
//! Data Package v2: every main CSV as a table resource with its Table
//! Schema, licence and sources) and `data/catalog.json` (DCAT-US 1.1, for
//! CKAN harvesters), and the URLs both use.
//!
//! Owns: the metadata about the data. Must not: make the tables or write
//! anything ([`super::Streams::finish`] puts what this returns).
//!
//! Longer than most files (about 520 lines) because the package and both
//! catalogues share one resource list, licence and contact: kept together
//! so the three descriptions of the same files cannot drift apart.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::content::Content;
use crate::model::ProvenanceKind;

use super::files::{data_path, meta, Meta, CSV, JSON};
use super::table::table_schema;
use super::tables::Table;
use super::{DIR, FORMAT_VERSION};

/// The public base URL (`check` has refused one that does not parse).
fn base_url(content: &Content) -> Option<crate::url::BaseUrl> {
    content
        .site
        .base_url
        .as_deref()
        .and_then(|u| crate::url::base_url(u).ok())
}

/// URL of a file in `data/`: absolute with a base URL, else relative to
/// `data/` (where the data package and catalogue live).
pub(super) fn url(content: &Content, file: &str) -> String {
    match base_url(content) {
        Some(b) => b.join(&format!("{DIR}/{file}")),
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

/// Profiles (JSON Schemas) of Data Package v2.
const PACKAGE_PROFILE: &str = "https://datapackage.org/profiles/2.0/datapackage.json";
const RESOURCE_PROFILE: &str = "https://datapackage.org/profiles/2.0/dataresource.json";
const DIALECT_PROFILE: &str = "https://datapackage.org/profiles/2.0/tabledialect.json";
const TABLE_SCHEMA_PROFILE: &str = "https://datapackage.org/profiles/2.0/tableschema.json";

/// The CSVs' encoding, by its IANA name. The files start with a BOM (for
/// Excel); a UTF-8 reader skips it (WHATWG Encoding Standard, Python's
/// `utf-8-sig`, frictionless).
pub(super) const ENCODING: &str = "UTF-8";

fn dialect() -> Value {
    json!({
        "$schema": DIALECT_PROFILE,
        "delimiter": ",",
        "lineTerminator": "\r\n",
        "quoteChar": "\"",
        "doubleQuote": true,
        "skipInitialSpace": false,
        "header": true
    })
}

pub(super) fn resource(t: &Table, m: &Meta, bytes: u64) -> Value {
    let mut schema = table_schema(&t.fields, &t.primary_key, &t.foreign_keys);
    if let Value::Object(o) = &mut schema {
        o.insert("$schema".into(), json!(TABLE_SCHEMA_PROFILE));
    }
    json!({
        "$schema": RESOURCE_PROFILE,
        "name": t.name,
        "type": "table",
        "path": m.file,
        "title": m.title,
        "description": m.description,
        "format": "csv",
        "mediatype": m.mediatype,
        "encoding": ENCODING,
        "bytes": bytes,
        "dialect": dialect(),
        "schema": schema,
    })
}

/// The licence's canonical URI, for machines: a Creative Commons URL loses
/// its human-readable `deed.xx` or `legalcode.xx` page
/// (`https://creativecommons.org/licenses/by/4.0/deed.ja` →
/// `https://creativecommons.org/licenses/by/4.0/`); other URLs stay as
/// written. The pages keep linking the URL of `site.yaml`.
pub fn license_uri(url: &str) -> String {
    let u = url.trim();
    let rest = u
        .strip_prefix("https://creativecommons.org/")
        .or_else(|| u.strip_prefix("http://creativecommons.org/"));
    let Some(rest) = rest else {
        return u.to_string();
    };
    let kept: Vec<&str> = rest
        .split('/')
        .filter(|seg| !seg.is_empty() && !seg.starts_with("deed") && !seg.starts_with("legalcode"))
        .collect();
    format!("https://creativecommons.org/{}/", kept.join("/"))
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

/// The provenance notice as the first paragraph of a description.
fn with_notice(content: &Content, text: &str) -> String {
    match content.site.notice() {
        Some(n) => format!("{n}\n\n{text}"),
        None => text.to_string(),
    }
}

fn description(content: &Content) -> String {
    let mut d = content
        .site
        .description
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_string();
    if let Some(n) = content.site.notice() {
        d = if d.is_empty() {
            n
        } else {
            format!("{n}\n\n{d}")
        };
    }
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
    p.insert("$schema".into(), json!(PACKAGE_PROFILE));
    p.insert("name".into(), json!(package_name(content)));
    p.insert("title".into(), json!(site.title));
    p.insert("description".into(), json!(description(content)));
    p.insert("version".into(), json!(FORMAT_VERSION));
    if !created.trim().is_empty() {
        p.insert("created".into(), json!(created_datetime(created)));
    }
    p.insert("keywords".into(), json!(keywords(content)));
    if let Some(b) = base_url(content) {
        p.insert("homepage".into(), json!(b.as_str()));
    }
    p.insert(
        "licenses".into(),
        json!([{
            "name": site.license.id,
            "path": license_uri(&site.license.url),
            "title": license_title(content),
        }]),
    );
    // A transcription is not the municipality's publication: it made the
    // data (creator), someone else published this package.
    let transcribed = site
        .provenance
        .as_ref()
        .is_some_and(|p| p.kind == ProvenanceKind::Transcription);
    let mut contributors = vec![json!({
        "title": site.municipality,
        "roles": [if transcribed { "creator" } else { "publisher" }],
    })];
    if let Some(c) = package_contact(content) {
        contributors.push(c);
    }
    p.insert("contributors".into(), Value::Array(contributors));
    if let Some(prov) = &site.provenance {
        p.insert(
            "provenance".into(),
            json!({ "kind": prov.kind, "notice": prov.notice_for(&site.municipality) }),
        );
    }
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

/// The catalogue's `contactPoint`: the office of `site.yaml`'s `contact`
/// (else the municipality) and its e-mail address, when given.
fn contact_point(content: &Content) -> Value {
    let site = &content.site;
    let contact = site.contact.clone().unwrap_or_default();
    let mut c = Map::new();
    c.insert("@type".into(), json!("vcard:Contact"));
    let name = match contact.office.as_deref().map(str::trim) {
        Some(office) if !office.is_empty() => format!("{} {office}", site.municipality),
        _ => site.municipality.clone(),
    };
    c.insert("fn".into(), json!(name));
    if let Some(email) = contact.email.as_deref().map(str::trim) {
        if crate::url::email_ok(email) {
            c.insert("hasEmail".into(), json!(format!("mailto:{email}")));
        }
    }
    Value::Object(c)
}

/// The data package's contributor with the role `contact`: `site.yaml`'s
/// `contact`, when it gives any way to reach someone.
fn package_contact(content: &Content) -> Option<Value> {
    let site = &content.site;
    if !site.has_contact() {
        return None;
    }
    let contact = site.contact.clone().unwrap_or_default();
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut c = Map::new();
    let title = match given(&contact.office) {
        Some(office) => format!("{} {office}", site.municipality),
        None => site.municipality.clone(),
    };
    c.insert("title".into(), json!(title));
    if let Some(email) = given(&contact.email).filter(|e| crate::url::email_ok(e)) {
        c.insert("email".into(), json!(email));
    }
    if let Some(url) = given(&contact.url) {
        c.insert("path".into(), json!(url));
    }
    c.insert("roles".into(), json!(["contact"]));
    Some(Value::Object(c))
}

/// `data/catalog.json` (DCAT-US 1.1), or `None` without a base URL: the
/// schema and the harvesters accept absolute URLs only.
pub(super) fn catalog(
    content: &Content,
    created: &str,
    sizes: &BTreeMap<String, u64>,
) -> Option<Value> {
    let base = base_url(content)?;
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
                json!(with_notice(
                    content,
                    &format!(
                        "{}\n\n出典の表示: {}",
                        head.description, site.license.attribution
                    )
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
            d.insert("contactPoint".into(), contact_point(content));
            d.insert(
                "identifier".into(),
                json!(format!("{}-{name}", package_name(content))),
            );
            d.insert("accessLevel".into(), json!("public"));
            d.insert("license".into(), json!(license_uri(&site.license.url)));
            d.insert("spatial".into(), json!(site.municipality));
            if let Some(t) = temporal(content) {
                d.insert("temporal".into(), json!(t));
            }
            d.insert("language".into(), json!([site.language]));
            d.insert("landingPage".into(), json!(base.as_str()));
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
    c.insert("@id".into(), json!(url(content, "catalog.json")));
    c.insert(
        "conformsTo".into(),
        json!("https://project-open-data.cio.gov/v1.1/schema"),
    );
    c.insert(
        "describedBy".into(),
        json!("https://project-open-data.cio.gov/v1.1/schema/catalog.json"),
    );
    c.insert("dataset".into(), Value::Array(datasets));
    Some(Value::Object(c))
}

/// `{"@id": uri}`: a link, not a string, in JSON-LD.
fn node(uri: &Value) -> Value {
    json!({ "@id": uri })
}

/// `data/catalog.jsonld`: the DCAT-US catalogue `us` said again in W3C
/// DCAT (dcat:, dct:, foaf:, vcard: terms), as JSON-LD that RDF tools such
/// as ckanext-dcat read. Its URLs are the catalogue's (absolute); each
/// dataset gets the IRI `catalog.jsonld#<identifier>`.
pub(super) fn catalog_jsonld(
    content: &Content,
    us: &Value,
    sizes: &BTreeMap<String, u64>,
) -> Value {
    let site = &content.site;
    let me = url(content, "catalog.jsonld");
    let size_of = |download: &str| {
        sizes
            .iter()
            .find(|(path, _)| download.ends_with(&format!("/{path}")))
            .map(|(_, n)| *n)
    };
    let datasets: Vec<Value> = us["dataset"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let distributions: Vec<Value> = d["distribution"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|x| {
                    let download = x["downloadURL"].as_str().unwrap_or_default();
                    let mut o = Map::new();
                    o.insert("@type".into(), json!("dcat:Distribution"));
                    o.insert("dct:title".into(), x["title"].clone());
                    o.insert("dct:description".into(), x["description"].clone());
                    o.insert("dcat:accessURL".into(), node(&x["downloadURL"]));
                    o.insert("dcat:downloadURL".into(), node(&x["downloadURL"]));
                    o.insert(
                        "dcat:mediaType".into(),
                        json!({ "@id": format!(
                            "https://www.iana.org/assignments/media-types/{}",
                            x["mediaType"].as_str().unwrap_or_default()
                        ) }),
                    );
                    o.insert("dct:format".into(), x["format"].clone());
                    o.insert("dct:conformsTo".into(), node(&x["describedBy"]));
                    o.insert("dct:license".into(), node(&d["license"]));
                    if let Some(n) = size_of(download) {
                        o.insert(
                            "dcat:byteSize".into(),
                            json!({ "@value": n.to_string(), "@type": "xsd:nonNegativeInteger" }),
                        );
                    }
                    Value::Object(o)
                })
                .collect();
            let contact = &d["contactPoint"];
            let mut c = Map::new();
            c.insert("@type".into(), json!("vcard:Organization"));
            c.insert("vcard:fn".into(), contact["fn"].clone());
            if contact.get("hasEmail").is_some() {
                c.insert("vcard:hasEmail".into(), node(&contact["hasEmail"]));
            }
            let mut o = Map::new();
            let id = d["identifier"].as_str().unwrap_or_default();
            o.insert("@id".into(), json!(format!("{me}#{id}")));
            o.insert("@type".into(), json!("dcat:Dataset"));
            o.insert("dct:identifier".into(), json!(id));
            o.insert("dct:title".into(), d["title"].clone());
            o.insert("dct:description".into(), d["description"].clone());
            o.insert("dcat:keyword".into(), d["keyword"].clone());
            if let Some(m) = d.get("modified") {
                o.insert(
                    "dct:modified".into(),
                    json!({ "@value": m, "@type": "xsd:date" }),
                );
            }
            o.insert(
                "dct:publisher".into(),
                json!({ "@type": "foaf:Organization", "foaf:name": site.municipality }),
            );
            o.insert("dcat:contactPoint".into(), Value::Object(c));
            o.insert("dct:license".into(), node(&d["license"]));
            o.insert("dct:accessRights".into(), json!("public"));
            o.insert("dct:language".into(), d["language"].clone());
            o.insert("dct:spatial".into(), d["spatial"].clone());
            if let Some((start, end)) = d["temporal"].as_str().and_then(|t| t.split_once('/')) {
                o.insert(
                    "dct:temporal".into(),
                    json!({
                        "@type": "dct:PeriodOfTime",
                        "dcat:startDate": { "@value": start, "@type": "xsd:date" },
                        "dcat:endDate": { "@value": end, "@type": "xsd:date" },
                    }),
                );
            }
            if let Some(n) = site.notice() {
                o.insert(
                    "dct:provenance".into(),
                    json!({ "@type": "dct:ProvenanceStatement", "rdfs:label": n }),
                );
            }
            o.insert("dcat:landingPage".into(), node(&d["landingPage"]));
            o.insert("dcat:distribution".into(), Value::Array(distributions));
            Value::Object(o)
        })
        .collect();
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "@language": site.language,
        },
        "@id": me,
        "@type": "dcat:Catalog",
        "dct:title": site.title,
        "dct:description": description(content),
        "dct:publisher": { "@type": "foaf:Organization", "foaf:name": site.municipality },
        "dct:license": { "@id": license_uri(&site.license.url) },
        "dcat:dataset": datasets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creative_commons_deeds_become_licence_uris() {
        for (page, uri) in [
            (
                "https://creativecommons.org/licenses/by/4.0/deed.ja",
                "https://creativecommons.org/licenses/by/4.0/",
            ),
            (
                "http://creativecommons.org/licenses/by-sa/4.0/legalcode.ja",
                "https://creativecommons.org/licenses/by-sa/4.0/",
            ),
            (
                "https://creativecommons.org/licenses/by/4.0/",
                "https://creativecommons.org/licenses/by/4.0/",
            ),
            (
                "https://creativecommons.org/publicdomain/zero/1.0/deed.en",
                "https://creativecommons.org/publicdomain/zero/1.0/",
            ),
            (
                "https://www.digital.go.jp/resources/open_data/",
                "https://www.digital.go.jp/resources/open_data/",
            ),
        ] {
            assert_eq!(license_uri(page), uri, "{page}");
        }
    }

    #[test]
    fn created_dates_become_datetimes() {
        assert_eq!(created_datetime("2024-05-01"), "2024-05-01T00:00:00Z");
        assert_eq!(
            created_datetime("2024-05-01T09:00:00+09:00"),
            "2024-05-01T09:00:00+09:00"
        );
    }
}
