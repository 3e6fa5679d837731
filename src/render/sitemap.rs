//! The pages a server and a crawler look for rather than a reader: the
//! 404 page and the sitemap (`sitemap.xml`, split into numbered sitemaps
//! with an index above [`SITEMAP_MAX`] URLs; written only with a base URL,
//! as the protocol wants absolute URLs).
//!
//! Owns: the 404 page and the sitemap files. Must not: write anything
//! (files go to the caller's [`super::Put`]) or list a page that is not made.

use minijinja::Environment;

use crate::content::Content;
use crate::diag::Diagnostic;
use crate::format;
use crate::output::OutFile;

use super::template::template_error;
use super::{project_page, Pages};

/// URLs per sitemap file (the protocol's limit).
pub const SITEMAP_MAX: usize = 50_000;

/// `sitemap.xml` over `locs`; above `max` URLs (the protocol allows 50,000
/// per file) numbered sitemaps, with `sitemap.xml` as their index.
fn sitemaps(
    env: &Environment<'_>,
    base: &str,
    locs: &[String],
    max: usize,
) -> Result<Vec<OutFile>, Diagnostic> {
    let render = |locs: &[String]| {
        env.get_template("sitemap.xml")
            .and_then(|t| t.render(minijinja::context! { locs => locs }))
            .map_err(|e| template_error(&e))
    };
    if locs.len() <= max {
        return Ok(vec![OutFile::text("sitemap.xml", render(locs)?)]);
    }
    let mut files = Vec::new();
    let mut parts = Vec::new();
    for (n, chunk) in locs.chunks(max.max(1)).enumerate() {
        let path = format!("sitemap-{}.xml", n + 1);
        files.push(OutFile::text(&path, render(chunk)?));
        parts.push(format!("{base}{path}"));
    }
    files.push(OutFile::text("sitemap.xml", sitemap_index(&parts)));
    Ok(files)
}

/// A sitemap index listing `locs` (absolute sitemap URLs).
fn sitemap_index(locs: &[String]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for loc in locs {
        x.push_str("<sitemap><loc>");
        x.push_str(&format::escape_html(loc));
        x.push_str("</loc></sitemap>\n");
    }
    x.push_str("</sitemapindex>\n");
    x
}

/// Renders `404.html`.
pub(super) fn not_found(r: &mut Pages) {
    // A server shows 404.html at whatever path was asked for, where relative
    // links do not resolve: the page carries its CSS inline, and its links
    // are absolute (`base`, the base URL); without a base URL it has none
    // but one to the server's top page ("/"), and says why.
    let base = r.r.base_url.as_ref().map(|b| b.to_string());
    let root_404 = base.clone().unwrap_or_default();
    let html = r.r.page_at(
        root_404,
        "404.html",
        "404.html",
        minijinja::context! { base => base },
    );
    r.push("404.html".to_string(), html);
}

/// The sitemap of every HTML page made so far but 404, of `later` (the
/// pages made after it), and of every project page, with absolute URLs;
/// none without a base URL (the sitemap protocol allows only absolute
/// `<loc>`s).
pub(super) fn sitemap(r: &mut Pages, content: &Content, later: &[&str]) {
    let Some(base) = r.r.base_url.as_ref().map(|b| b.to_string()) else {
        return;
    };
    let mut locs: Vec<String> = r
        .made
        .iter()
        .map(String::as_str)
        .chain(later.iter().copied())
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .map(str::to_string)
        .chain(content.projects().map(|(_, p)| project_page(&p.id)))
        .map(|p| match &r.r.base_url {
            Some(b) => b.join(&p),
            None => p,
        })
        .collect();
    locs.sort();
    match sitemaps(&r.r.env, &base, &locs, SITEMAP_MAX) {
        Ok(files) => {
            for f in files {
                r.put.put(&f.path, &f.bytes);
            }
        }
        Err(d) => r.diags.push(d),
    }
}

#[cfg(test)]
mod tests {
    use super::super::template::environment;
    use super::*;
    use crate::theme::Theme;

    #[test]
    fn large_sitemaps_are_split_with_an_index() {
        let env = environment(&Theme::load(None).expect("default theme")).expect("templates");
        let locs: Vec<String> = (1..=5).map(|i| format!("p{i}.html")).collect();
        let one = sitemaps(&env, "https://x.example/", &locs, 5).expect("renders");
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].path, "sitemap.xml");
        let many = sitemaps(&env, "https://x.example/", &locs, 2).expect("renders");
        let paths: Vec<&str> = many.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let text = |f: &OutFile| String::from_utf8(f.bytes.clone()).expect("utf-8");
        assert_eq!(text(&many[2]).matches("<url>").count(), 1);
        let index = text(&many[3]);
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(
            index.contains("<loc>https://x.example/sitemap-3.xml</loc>"),
            "{index}"
        );
        // Every URL is in exactly one part.
        for loc in &locs {
            let n = many[..3]
                .iter()
                .filter(|f| text(f).contains(&format!("<loc>{loc}</loc>")))
                .count();
            assert_eq!(n, 1, "{loc}");
        }
    }
}
