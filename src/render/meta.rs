//! What a page says about itself to machines: the description and image of
//! its OGP / Twitter card tags, and schema.org JSON-LD (a `Dataset` on the
//! home and downloads pages, the project as a `GovernmentService` on its
//! page), for data portals' crawlers and dataset search.
//!
//! Owns: these values and their escaping for a `<script>` element. Must
//! not: render templates or write files.

use serde_json::{json, Map, Value};

use crate::content::{Content, Project, Series};
use crate::format::plain_text;

use super::downloads::DownloadView;
use super::Renderer;

/// Longest description, in characters (search engines show about this
/// many Japanese characters).
pub(super) const DESCRIPTION_MAX: usize = 120;

/// The theme's share image (`static/og.png`, 1200×630).
pub(super) const OG_IMAGE: &str = "static/og.png";

/// JSON for a `<script type="application/ld+json">` element: `<`, `>` and
/// `&` are written `\u003c`, `\u003e`, `\u0026`, so no value can close the
/// element (`</script>`) or open a comment; JSON parsers read the same
/// text.
pub(super) fn script_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A URL of the site for machines: absolute with a base URL, else
/// relative to the site root (as the page at the root reads it).
fn site_url(r: &Renderer, path: &str) -> String {
    match &r.base_url {
        Some(b) => b.join(path),
        None => path.to_string(),
    }
}

/// The site's description as plain text (the home page's description).
pub(super) fn site_description(content: &Content) -> String {
    let d = content.site.description.as_deref().unwrap_or_default();
    let text = plain_text(d, DESCRIPTION_MAX);
    if text.is_empty() {
        format!(
            "{}の事務事業評価をオープンデータとして公開しています。",
            content.site.municipality
        )
    } else {
        text
    }
}

/// schema.org `Dataset` of the whole site's data, with every download as a
/// `DataDownload`.
pub(super) fn dataset(r: &Renderer, content: &Content, downloads: &[DownloadView]) -> String {
    let site = &content.site;
    let organization = json!({ "@type": "GovernmentOrganization", "name": site.municipality });
    let distribution: Vec<Value> = downloads
        .iter()
        .map(|d| {
            let mime = mime_guess::from_path(&d.path)
                .first_raw()
                .unwrap_or("application/octet-stream");
            let mime = if d.path.ends_with(".jsonld") {
                "application/ld+json"
            } else {
                mime
            };
            json!({
                "@type": "DataDownload",
                "name": d.title,
                "description": d.description,
                "encodingFormat": mime,
                "contentUrl": site_url(r, &d.path),
            })
        })
        .collect();
    let mut keywords = vec!["事務事業評価".to_string(), "行政評価".to_string()];
    keywords.extend(content.series.iter().map(|s| s.doc.title.clone()));
    let mut o = Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!("Dataset"));
    o.insert("name".into(), json!(site.title));
    o.insert(
        "description".into(),
        json!(plain_text(
            &format!(
                "{}\n\n{}\n\n{}",
                site.notice().unwrap_or_default(),
                site.description.as_deref().unwrap_or_default(),
                site.license.attribution
            ),
            5000
        )),
    );
    o.insert("url".into(), json!(site_url(r, "index.html")));
    o.insert("inLanguage".into(), json!(site.language));
    o.insert("keywords".into(), json!(keywords));
    o.insert(
        "license".into(),
        json!(crate::export::license_uri(&site.license.url)),
    );
    o.insert("isAccessibleForFree".into(), json!(true));
    o.insert("creator".into(), organization.clone());
    o.insert("publisher".into(), organization);
    o.insert(
        "spatialCoverage".into(),
        json!({ "@type": "Place", "name": site.municipality }),
    );
    if let Some(d) = &site.updated {
        o.insert("dateModified".into(), json!(d));
    }
    o.insert("distribution".into(), Value::Array(distribution));
    script_json(&Value::Object(o))
}

/// The project's description: its summary as plain text, else its name
/// and department.
pub(super) fn project_description(content: &Content, series: &Series, p: &Project) -> String {
    let text = plain_text(
        p.doc.summary.as_deref().unwrap_or_default(),
        DESCRIPTION_MAX,
    );
    if !text.is_empty() {
        return text;
    }
    let dept = content
        .department(&p.doc.department)
        .map(|d| d.current_name().to_string())
        .unwrap_or_default();
    plain_text(
        &format!("{}（{dept}）の{}", p.doc.name, series.doc.title),
        DESCRIPTION_MAX,
    )
}

/// The project page as a schema.org `WebPage` about a `GovernmentService`
/// (the 事務事業) that the department provides.
pub(super) fn project(
    r: &Renderer,
    content: &Content,
    series: &Series,
    p: &Project,
    path: &str,
) -> String {
    let site = &content.site;
    let dept = content
        .department(&p.doc.department)
        .map(|d| format!("{} {}", site.municipality, d.current_name()))
        .unwrap_or_else(|| site.municipality.clone());
    let description = project_description(content, series, p);
    let v = json!({
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": p.doc.name,
        "url": site_url(r, path),
        "inLanguage": site.language,
        "isPartOf": { "@type": "WebSite", "name": site.title, "url": site_url(r, "index.html") },
        "about": {
            "@type": "GovernmentService",
            "name": p.doc.name,
            "description": description,
            "provider": { "@type": "GovernmentOrganization", "name": dept },
            "areaServed": { "@type": "AdministrativeArea", "name": site.municipality },
        },
    });
    script_json(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = json!({ "name": "</script><script>alert(1)</script> & <!--" });
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).expect("still JSON");
        assert_eq!(back, v);
    }
}
