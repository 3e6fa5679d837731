//! Rendering: typed views of the content, fed to minijinja templates of the
//! theme, producing every HTML page (and the sitemap).
//!
//! This module holds the [`Renderer`] (the parsed templates of one site)
//! and the public API: [`Renderer::project`] for the project pages, made
//! one by one as the pipeline streams them, and [`rest`] for every other
//! page (with [`Rest::finish`] for the two pages that wait for the data
//! files' sizes). Each page kind has its own module:
//!
//! - `template`: the minijinja environment, escaping, filters, errors;
//! - `view`: the view types several pages share;
//! - `project`, `series`, `departments`, `home`, `pages` (free pages),
//!   `downloads`, `sitemap` (the sitemap and 404), `lists` (`projects.html`
//!   and the list pages per rating, SDG goal and 会計): one page kind each.
//!
//! Renders only: nothing here writes to disk (a project page goes back as
//! text; the other pages go to the caller's [`Put`] as soon as each is
//! made, and only [`crate::output`] writes).

mod departments;
mod downloads;
mod home;
mod lists;
mod meta;
mod pages;
mod project;
mod rows;
mod series;
mod sitemap;
mod template;
mod view;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use minijinja::{Environment, Value};
use rayon::prelude::*;
use serde::Serialize;

use crate::cache::RowSpan;
use crate::content::{Content, Project, Series};
use crate::diag::{Diagnostic, Diagnostics};
use crate::theme::Theme;

pub use downloads::DownloadView;
pub use sitemap::SITEMAP_MAX;
pub use template::environment;

use template::template_error;
use view::md;

/// The previous build's pages with table rows, for [`rest`]: where each
/// page's rows are (from the cache), and a way to open that page as the
/// previous build left it (`None` when it is not as stamped).
pub struct PreviousRows<'a> {
    pub spans: HashMap<&'a str, &'a [RowSpan]>,
    pub open: &'a (dyn Fn(&str) -> Option<crate::output::PreviousFile> + Sync),
}

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
    /// What the data is (`provenance`), shown on every page.
    notice: Option<String>,
    /// The free page `about`, which the notice links to, when there is one.
    about: Option<PageLink>,
}

/// The slug of the free page that says what the site and its data are
/// (`content/pages/about.md`): the provenance notice links to it.
const ABOUT_PAGE: &str = "about";

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
            notice: content.site.notice(),
            about: content
                .pages
                .iter()
                .find(|p| p.slug == ABOUT_PAGE)
                .map(|p| PageLink {
                    slug: p.slug.clone(),
                    title: p.title.clone(),
                }),
        };
        Ok(Renderer {
            env,
            site: Value::from_serialize(&site),
            base_url,
        })
    }

    /// Renders one page; `path` decides the relative way back to the root.
    fn page(&self, path: &str, template: &str, ctx: Value) -> Result<String, Diagnostic> {
        self.page_at(root_of(path), path, template, ctx)
    }

    /// [`Renderer::page`], written to `w` as it is made.
    fn page_to(
        &self,
        path: &str,
        template: &str,
        ctx: Value,
        w: &mut dyn std::io::Write,
    ) -> Result<(), Diagnostic> {
        let full = self.full_context(root_of(path), path, ctx);
        let t = self
            .env
            .get_template(template)
            .map_err(|e| template_error(&e))?;
        t.render_captured_to(full, w)
            .map(|_| ())
            .map_err(|e| template_error(&e))
    }

    /// What every page's template gets besides `ctx`.
    fn full_context(&self, root: String, path: &str, ctx: Value) -> Value {
        let canonical = self.base_url.as_ref().map(|b| b.join(path));
        // OGP wants an absolute image URL; without a base URL the relative
        // one still works for previews of a page on disk.
        let og_image = match &self.base_url {
            Some(b) => b.join(meta::OG_IMAGE),
            None => format!("{root}{}", meta::OG_IMAGE),
        };
        minijinja::context! { site => self.site.clone(), root => root, path => path, canonical => canonical, og_image => og_image, ..ctx }
    }

    /// [`Renderer::page`] as bytes, in a buffer of `hint` bytes to start
    /// with (a page of 10,000 rows is not grown and copied piece by piece).
    fn page_bytes(
        &self,
        path: &str,
        template: &str,
        ctx: Value,
        hint: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut buf = spare_buffer(hint);
        self.page_to(path, template, ctx, &mut buf)?;
        Ok(buf)
    }

    /// Renders one page with `root` as the way back to the site root.
    fn page_at(
        &self,
        root: String,
        path: &str,
        template: &str,
        ctx: Value,
    ) -> Result<String, Diagnostic> {
        let full = self.full_context(root, path, ctx);
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

/// The way from page `path` back to the site root (`../` per folder).
fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Where [`rest`] and [`Rest::finish`] hand every file as soon as it is
/// made (from any thread), by its `/`-separated path.
pub type Put<'a> = &'a dyn Output;

/// Where pages go: whole ([`Output::put`]), or written as they are made
/// ([`Output::stream`]; a page listing 10,000 projects is 9 MB). A closure
/// `Fn(&str, &[u8])` is an output that takes every page whole.
pub trait Output: Sync {
    /// Takes the file `path`.
    fn put(&self, path: &str, bytes: &[u8]);
    /// Takes the file `path` as `write` writes it; by default made whole,
    /// then [`Output::put`].
    fn stream(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let mut buf = Vec::new();
        write(&mut buf)?;
        self.put(path, &buf);
        Ok(())
    }
}

impl<F: Fn(&str, &[u8]) + Sync> Output for F {
    fn put(&self, path: &str, bytes: &[u8]) {
        self(path, bytes)
    }
}

/// Hands the pages of [`rest`] to `put` and collects their problems and
/// paths. Pages made in parallel each get their own, merged in order
/// ([`Pages::each`], [`Pages::join`]), so the result does not depend on
/// which thread made what.
struct Pages<'a> {
    r: &'a Renderer,
    put: Put<'a>,
    previous: Option<&'a PreviousRows<'a>>,
    diags: Diagnostics,
    /// The path of every page handed to `put`, in order (the sitemap
    /// lists them).
    made: Vec<String>,
    /// Where the rows of the pages' tables are, per page made.
    spans: Vec<(String, Vec<RowSpan>)>,
    /// Rows of those tables copied from the previous build, rows in all.
    rows: (usize, usize),
}

impl<'a> Pages<'a> {
    fn new(r: &'a Renderer, put: Put<'a>, previous: Option<&'a PreviousRows<'a>>) -> Self {
        Pages {
            r,
            put,
            previous,
            diags: Diagnostics::default(),
            made: Vec::new(),
            spans: Vec::new(),
            rows: (0, 0),
        }
    }

    /// The row tables of page `path`: with the previous build's page when
    /// the cache says where its rows are.
    fn rows(&self, path: &str) -> Arc<rows::PageRows> {
        let previous = self.previous.and_then(|p| {
            let spans = p.spans.get(path)?;
            Some(((p.open)(path)?, *spans))
        });
        rows::PageRows::new(previous)
    }

    /// [`Pages::push`] of a page with row tables `rows`, keeping where
    /// its rows are.
    fn push_rows(
        &mut self,
        path: String,
        html: Result<Vec<u8>, Diagnostic>,
        rows: &rows::PageRows,
    ) {
        let (copied, total) = rows.counts();
        self.rows.0 += copied;
        self.rows.1 += total;
        match html {
            Ok(h) => {
                let spans = rows.spans(&h);
                if !spans.is_empty() {
                    self.spans.push((path.clone(), spans));
                }
                self.put.put(&path, &h);
                self.made.push(path);
                keep_buffer(h);
            }
            Err(d) => self.diags.push(d),
        }
    }

    fn page(&mut self, path: &str, template: &str, ctx: Value) {
        let r = self.r;
        let mut ctx = Some(ctx);
        let done = self.put.stream(path, &mut |w| {
            let ctx = ctx.take().unwrap_or_default();
            r.page_to(path, template, ctx, w)
        });
        match done {
            Ok(()) => self.made.push(path.to_string()),
            Err(d) => self.diags.push(d),
        }
    }

    fn push(&mut self, path: String, html: Result<impl AsRef<[u8]>, Diagnostic>) {
        match html {
            Ok(html) => {
                self.put.put(&path, html.as_ref());
                self.made.push(path);
            }
            Err(d) => self.diags.push(d),
        }
    }

    /// Takes in what `other` made, after what this one made.
    fn absorb(&mut self, other: Pages) {
        self.diags.0.extend(other.diags.0);
        self.made.extend(other.made);
        self.spans.extend(other.spans);
        self.rows.0 += other.rows.0;
        self.rows.1 += other.rows.1;
    }

    /// `f` over every item in parallel, each call with pages of its own;
    /// what the calls made is merged in the order of `items`, and so are
    /// their results.
    fn each<I: IntoParallelIterator, U: Send>(
        &mut self,
        items: I,
        f: impl Fn(&mut Pages<'a>, I::Item) -> U + Sync,
    ) -> Vec<U> {
        let (r, put, prev) = (self.r, self.put, self.previous);
        let out: Vec<(Pages<'a>, U)> = items
            .into_par_iter()
            .map(|item| {
                let mut p = Pages::new(r, put, prev);
                let u = f(&mut p, item);
                (p, u)
            })
            .collect();
        out.into_iter()
            .map(|(p, u)| {
                self.absorb(p);
                u
            })
            .collect()
    }

    /// `a` and `b` at once, each with pages of its own; what `a` made
    /// comes first.
    fn join<A: Send, B: Send>(
        &mut self,
        a: impl FnOnce(&mut Pages<'a>) -> A + Send,
        b: impl FnOnce(&mut Pages<'a>) -> B + Send,
    ) -> (A, B) {
        let (r, put, prev) = (self.r, self.put, self.previous);
        let ((pa, ra), (pb, rb)) = rayon::join(
            || {
                let mut p = Pages::new(r, put, prev);
                let ra = a(&mut p);
                (p, ra)
            },
            || {
                let mut p = Pages::new(r, put, prev);
                let rb = b(&mut p);
                (p, rb)
            },
        );
        self.absorb(pa);
        self.absorb(pb);
        (ra, rb)
    }
}

/// The pages [`Rest::finish`] makes: the two that show the data files'
/// sizes (in the downloads and the site's `Dataset` JSON-LD). [`rest`]'s
/// sitemap lists them beforehand.
const SIZED_PAGES: [&str; 2] = ["index.html", "downloads.html"];

/// What [`rest`] made that the home page needs, and the problems so far.
pub struct Rest {
    home_series: Vec<home::HomeSeries>,
    dept_rows: Vec<departments::DeptListRow>,
    lists: lists::ListIndex,
    costs: home::Costs,
    diags: Diagnostics,
    spans: Vec<(String, Vec<RowSpan>)>,
    rows: (usize, usize),
}

/// Every page but the project pages and [`SIZED_PAGES`]: series,
/// departments, lists, free pages, search, 404, the sitemap, and the
/// theme's static files, made in parallel and handed to `put` as they are
/// made. [`Rest::finish`] makes the home and downloads pages once the data
/// files' sizes are known, so this can run while the data files are
/// written.
///
/// `content` needs only the fields of its projects that lists and totals
/// use (see [`crate::model::ProjectDoc::slim`]); the project pages are made
/// one by one with [`Renderer::project`].
///
/// `previous` is where the previous build's pages had their table rows
/// (see [`rows`]); [`Rest::take_spans`] tells where this build's are.
pub fn rest<'a>(
    r: &'a Renderer,
    content: &Content,
    theme: &Theme,
    put: Put<'a>,
    previous: Option<&'a PreviousRows<'a>>,
) -> Rest {
    let mut p = Pages::new(r, put, previous);
    let ((home_series, dept_rows), (lists, costs)) = p.join(
        |p| {
            // The rows of every project, for the series and department pages.
            let rows = view::ProjectRows::new(content);
            p.join(
                |p| series::pages(p, content, &rows),
                |p| departments::pages(p, content, &rows),
            )
        },
        |p| {
            p.join(
                |p| lists::pages(p, content),
                |p| {
                    pages::pages(p, content);
                    // The search page: its results are made by static/search.js.
                    p.page("search.html", "search.html", minijinja::context! {});
                    sitemap::not_found(p);
                    home::costs(p, content)
                },
            )
        },
    );
    sitemap::sitemap(&mut p, content, &SIZED_PAGES);
    for (name, bytes) in &theme.statics {
        put.put(&format!("static/{name}"), bytes);
    }
    Rest {
        home_series,
        dept_rows,
        lists,
        costs,
        diags: p.diags,
        spans: p.spans,
        rows: p.rows,
    }
}

impl Rest {
    /// Where the rows of the tables of the pages made so far are, by page
    /// path (for the build cache), taken out.
    pub fn take_spans(&mut self) -> Vec<(String, Vec<RowSpan>)> {
        std::mem::take(&mut self.spans)
    }

    /// Rows of the pages' tables copied from the previous build, and rows
    /// in all.
    pub fn rows_copied(&self) -> (usize, usize) {
        self.rows
    }

    /// Makes [`SIZED_PAGES`] (the home and downloads pages), handed to
    /// `put`; fails with every problem of [`rest`] and of these.
    pub fn finish(
        self,
        r: &Renderer,
        content: &Content,
        input: &RenderInput,
        put: Put,
    ) -> Result<(), Diagnostics> {
        let mut p = Pages::new(r, put, None);
        p.diags = self.diags;
        let dataset_ld = meta::dataset(r, content, &input.downloads);
        home::page(
            &mut p,
            content,
            &self.home_series,
            &self.dept_rows,
            &self.lists,
            &self.costs,
            &dataset_ld,
        );
        downloads::page(&mut p, input, &dataset_ld);
        if p.diags.is_empty() {
            Ok(())
        } else {
            Err(p.diags.sorted())
        }
    }
}

/// The largest page buffer a thread keeps for its next page (a page of
/// 10,000 rows is about 9 MB).
const SPARE_MAX: usize = 32 << 20;

thread_local! {
    /// The buffer of this thread's last long page, kept for the next: a
    /// fresh buffer of megabytes is new memory, and its every page is
    /// faulted in by the kernel again.
    static SPARE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An empty buffer for a page of about `hint` bytes: this thread's spare
/// one when it has one.
fn spare_buffer(hint: usize) -> Vec<u8> {
    let mut buf = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
    buf.clear();
    buf.reserve(hint);
    buf
}

/// Keeps `buf` as this thread's spare page buffer, unless it is too large
/// or the spare one is larger.
fn keep_buffer(buf: Vec<u8>) {
    if buf.capacity() > SPARE_MAX {
        return;
    }
    SPARE.with(|s| {
        let mut s = s.borrow_mut();
        if s.capacity() < buf.capacity() {
            *s = buf;
        }
    });
}
