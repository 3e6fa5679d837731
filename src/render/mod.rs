//! Rendering: typed views of the content, fed to minijinja templates of the
//! theme, producing every HTML page (and the sitemap) as [`OutFile`]s.
//!
//! This module holds the [`Renderer`] (the parsed templates of one site)
//! and the public API: [`Renderer::project`] for the project pages, made
//! one by one as the pipeline streams them, and [`rest`] for every other
//! page. Each page kind has its own module:
//!
//! - `template`: the minijinja environment, escaping, filters, errors;
//! - `view`: the view types several pages share;
//! - `project`, `series`, `departments`, `home`, `pages` (free pages),
//!   `downloads`, `sitemap` (the sitemap and 404), `lists` (`projects.html`
//!   and the list pages per rating, SDG goal and 会計): one page kind each.
//!
//! Renders only: nothing here writes to disk (files go back as
//! [`OutFile`]s; only [`crate::output`] writes).

mod departments;
mod downloads;
mod home;
mod lists;
mod meta;
mod pages;
mod project;
mod series;
mod sitemap;
mod template;
mod view;

use std::time::Duration;

use minijinja::{Environment, Value};
use serde::Serialize;

use crate::content::{Content, Project, Series};
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::OutFile;
use crate::theme::Theme;

pub use downloads::DownloadView;
pub use sitemap::SITEMAP_MAX;
pub use template::environment;

use template::template_error;
use view::md;

/// Extra inputs of a render.
#[derive(Debug, Clone, Default)]
pub struct RenderInput {
    /// Downloads for the downloads page.
    pub downloads: Vec<DownloadView>,
}

/// What every page knows of the site (`site` in the templates).
#[derive(Serialize)]
struct SiteView {
    title: String,
    municipality: String,
    municipality_code: String,
    description_html: Option<String>,
    license_name: String,
    license_url: String,
    attribution: String,
    language: String,
    pages: Vec<PageLink>,
}

/// A free page, for the navigation.
#[derive(Serialize, Clone)]
struct PageLink {
    slug: String,
    title: String,
}

/// The theme's templates, ready to render pages of one site.
pub struct Renderer {
    env: Environment<'static>,
    site: Value,
    base_url: Option<crate::url::BaseUrl>,
}

impl Renderer {
    /// Parses the templates of `theme` once, for the site of `content`.
    pub fn new(content: &Content, theme: &Theme) -> Result<Self, Diagnostics> {
        let env = environment(theme)?;
        // Only sitemap, canonical and OGP use it; `--base-url` is already
        // in `content.site` (the build sets it there so the export sees it).
        // `check` has refused a base URL that does not parse.
        let base_url = content
            .site
            .base_url
            .as_deref()
            .and_then(|b| crate::url::base_url(b).ok());
        let site = SiteView {
            title: content.site.title.clone(),
            municipality: content.site.municipality.clone(),
            municipality_code: content.site.municipality_code.clone(),
            description_html: md(&content.site.description),
            license_name: content.site.license.name.clone(),
            license_url: content.site.license.url.clone(),
            attribution: content.site.license.attribution.clone(),
            language: content.site.language.clone(),
            pages: content
                .pages
                .iter()
                .map(|p| PageLink {
                    slug: p.slug.clone(),
                    title: p.title.clone(),
                })
                .collect(),
        };
        Ok(Renderer {
            env,
            site: Value::from_serialize(&site),
            base_url,
        })
    }

    /// Renders one page; `path` decides the relative way back to the root.
    fn page(&self, path: &str, template: &str, ctx: Value) -> Result<String, Diagnostic> {
        let depth = path.matches('/').count();
        self.page_at("../".repeat(depth), path, template, ctx)
    }

    /// Renders one page with `root` as the way back to the site root.
    fn page_at(
        &self,
        root: String,
        path: &str,
        template: &str,
        ctx: Value,
    ) -> Result<String, Diagnostic> {
        let canonical = self.base_url.as_ref().map(|b| b.join(path));
        // OGP wants an absolute image URL; without a base URL the relative
        // one still works for previews of a page on disk.
        let og_image = match &self.base_url {
            Some(b) => b.join(meta::OG_IMAGE),
            None => format!("{root}{}", meta::OG_IMAGE),
        };
        let full = minijinja::context! { site => self.site.clone(), root => root, path => path, canonical => canonical, og_image => og_image, ..ctx };
        self.env
            .get_template(template)
            .and_then(|t| t.render(full))
            .map_err(|e| template_error(&e))
    }

    /// The page of one project: `(path, html)`. The time spent drawing its
    /// charts is added to `chart_time`.
    pub fn project(
        &self,
        content: &Content,
        series: &Series,
        p: &Project,
        chart_time: &mut Duration,
    ) -> Result<(String, String), Diagnostic> {
        let view = project::view(
            content,
            series,
            p,
            crate::export::project_files(&p.id),
            chart_time,
        );
        let path = project_page(&p.id);
        let html = self.page(
            &path,
            "project.html",
            minijinja::context! {
                project => Value::from_serialize(&view),
                description => meta::project_description(content, series, p),
                jsonld => meta::project(self, content, series, p, &path),
            },
        )?;
        Ok((path, html))
    }
}

pub use crate::content::project_page;

/// Collects the pages of [`rest`] and their problems.
struct Pages<'a> {
    r: &'a Renderer,
    diags: Diagnostics,
    files: Vec<OutFile>,
    /// The site's schema.org `Dataset` (home and downloads pages).
    dataset_ld: String,
}

impl Pages<'_> {
    fn page(&mut self, path: &str, template: &str, ctx: Value) {
        let html = self.r.page(path, template, ctx);
        self.push(path.to_string(), html);
    }

    fn push(&mut self, path: String, html: Result<String, Diagnostic>) {
        match html {
            Ok(html) => self.files.push(OutFile::text(path, html)),
            Err(d) => self.diags.push(d),
        }
    }

    /// Keeps the pages of `out` (made in parallel, in order) and returns
    /// what came with each.
    fn push_all<T>(&mut self, out: Vec<(T, String, Result<String, Diagnostic>)>) -> Vec<T> {
        let mut kept = Vec::with_capacity(out.len());
        for (item, path, html) in out {
            kept.push(item);
            self.push(path, html);
        }
        kept
    }
}

/// Every page but the project pages: series, departments, lists, home,
/// free pages, downloads, 404, the sitemap, and the theme's static files.
///
/// `content` needs only the fields of its projects that lists and totals
/// use (see [`crate::model::ProjectDoc::slim`]); the project pages are made
/// one by one with [`Renderer::project`].
pub fn rest(
    r: &Renderer,
    content: &Content,
    theme: &Theme,
    input: &RenderInput,
) -> Result<Vec<OutFile>, Diagnostics> {
    let mut r = Pages {
        r,
        diags: Diagnostics::default(),
        files: Vec::new(),
        dataset_ld: meta::dataset(r, content, &input.downloads),
    };
    let home_series = series::pages(&mut r, content);
    let dept_rows = departments::pages(&mut r, content);
    let list_index = lists::pages(&mut r, content);
    home::page(&mut r, content, &home_series, &dept_rows, &list_index);
    pages::pages(&mut r, content);
    downloads::page(&mut r, input);
    // The search page: its results are made by static/search.js.
    r.page("search.html", "search.html", minijinja::context! {});
    sitemap::not_found(&mut r);
    sitemap::sitemap(&mut r, content);
    for (name, bytes) in &theme.statics {
        r.files.push(OutFile {
            path: format!("static/{name}"),
            bytes: bytes.clone(),
        });
    }
    if r.diags.is_empty() {
        Ok(r.files)
    } else {
        Err(r.diags.sorted())
    }
}
