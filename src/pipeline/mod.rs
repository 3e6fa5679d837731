//! The build pipeline shared by `build`, `check`, `serve` and the tests.
//!
//! Projects stream through it: each project file is read, checked, turned
//! into its page and data files (handed straight to the [`Sink`]) and
//! appended to the combined data files, chunk by chunk in parallel, and only
//! a slim copy of it (names, costs, ratings; see
//! [`crate::model::ProjectDoc::slim`]) is kept for the pages that list many
//! projects. Memory therefore grows with the slim copies, not with the text
//! of the site, and no rendered page is held longer than it takes to write.
//!
//! Stages per project: load (read, parse, check) → render (page and charts)
//! → export (JSON record, CSV rows) → write; then, once and at the same
//! time: the rest of `data/`, the search index, and the aggregate pages
//! (series, departments, lists, sitemap); last the two pages that show the
//! data files' sizes (home, downloads).
//!
//! With the build cache ([`crate::cache`], [`build_cached`]), a project
//! file whose bytes and inputs are unchanged is not loaded or rendered: its
//! files are taken from the previous output and its cached slim copy, rows
//! and search document go on as a fresh project's would (see `reuse`).
//!
//! Longer than most files (about 700 lines): the pass, its modes, the
//! cached path and the ordered merger are one streaming algorithm
//! (`timings` is apart).

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::cache::{self, Cache, Hash};
use crate::content::{Content, Project, Series};
use crate::diag::Diagnostics;
use crate::export::{self, Exporter, ProjectData, Streams};
use crate::load::{self, Ids};
use crate::output::{Memory, OutFile, Sink, Stamp};
use crate::render::{self, DownloadView, RenderInput, Renderer};
use crate::search;
use crate::theme::Theme;

/// Projects handled per parallel chunk: enough to keep both cores busy,
/// few enough that a chunk's pages and rows stay small in memory.
const CHUNK: usize = 256;

mod timings;

/// Why a build failed.
#[derive(Debug)]
pub enum Failure {
    /// Problems in content or theme.
    Content(Diagnostics),
    /// Writing failed.
    Io(io::Error),
}

impl Failure {
    /// The problems, for callers that only report them (`serve`): a write
    /// error becomes one diagnostic on the output.
    pub fn into_diagnostics(self) -> Diagnostics {
        match self {
            Failure::Content(d) => d,
            Failure::Io(e) => Diagnostics(vec![crate::diag::Diagnostic::new(
                Path::new("output"),
                crate::diag::Pos::START,
                format!("書き込みに失敗しました: {e}"),
            )]),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

pub use timings::Timings;

/// What a pass does with each loaded project.
enum Mode<'a> {
    /// Only check (`hyoka check`), keeping slim copies.
    Check,
    /// Check and keep every project whole ([`load()`]).
    Load,
    /// Render and export into the sink.
    Build(Emit<'a>),
}

/// Everything needed to turn one project into its files.
struct Emit<'a> {
    cx: &'a Content,
    renderer: &'a Renderer,
    exporter: &'a Exporter,
    sink: &'a dyn Sink,
    /// Whether to make each project's search document.
    search: bool,
    /// The build cache, when one is kept.
    caching: Option<&'a Caching<'a>>,
    /// When the previous search index is patched: the grams each changed
    /// project file (by path relative to the content folder) had in it.
    /// Any other project is the previous build's document.
    patching: Option<HashMap<String, search::Grams>>,
    /// The previous build's combined files, when unchanged projects can be
    /// taken from them.
    combined: Option<[u64; 4]>,
}

/// The build cache as one build uses it.
struct Caching<'a> {
    /// Hash of the inputs besides the project files.
    deps: Hash,
    /// The previous build's cache, when its inputs were the same.
    previous: Option<&'a Cache>,
    /// Its entries by file.
    index: HashMap<&'a str, &'a cache::Entry>,
    /// Per series, per project file: its path relative to the content
    /// folder and the hash of its bytes (`None` when unreadable).
    files: Vec<Vec<(String, Option<Hash>)>>,
    /// The status of each file that can vouch for its hash, by path.
    stats: HashMap<String, cache::FileStat>,
    /// Whether the previous payloads stay where they are (see
    /// [`cache::DataWriter::keeps`]): a reused project keeps its entry's.
    keeps: bool,
}

impl Caching<'_> {
    /// The same project files with the same bytes as the previous build.
    fn same_files(&self, previous: &Cache) -> bool {
        let n: usize = self.files.iter().map(Vec::len).sum();
        n == previous.entries.len()
            && self.files.iter().flatten().all(|(rel, h)| {
                h.is_some_and(|h| self.index.get(rel.as_str()).is_some_and(|e| e.hash == h))
            })
    }
}

/// What a project gives the serial merge: its data files, its search
/// document when indexing, and for the cache its files' stamps and the
/// hash of its source.
struct Emitted {
    data: ProjectData,
    search: Option<search::Prepared>,
    /// The search document, for the cache's payload (made and dropped in
    /// the parallel half).
    doc: Option<search::Doc>,
    files: Option<Vec<(String, Stamp)>>,
    hash: Option<Hash>,
    /// The cached payload's bytes, when reused.
    blob: Option<Vec<u8>>,
    /// Where the payload already is (offset, length, hash), when reused
    /// and the data file keeps its payloads.
    kept: Option<(u64, u64, u64)>,
}

impl Emit<'_> {
    /// The previous build's files and cached data of project `i` of series
    /// `s`, when its bytes are as cached and its files still as stamped;
    /// `None` (nothing left behind) otherwise.
    fn reuse(&self, s: usize, i: usize, t: &Timings) -> Option<(Project, Emitted)> {
        let start = Instant::now();
        let c = self.caching?;
        let (rel, hash) = c.files.get(s)?.get(i)?;
        let hash = (*hash)?;
        let entry = c.index.get(rel.as_str()).filter(|e| e.hash == hash)?;
        let (payload, blob) = c.previous?.payload(entry)?;
        if payload.search.is_some() != self.search {
            return None;
        }
        let mut done: Vec<(String, Stamp)> = Vec::with_capacity(entry.files.len());
        let give_up = |done: &[(String, Stamp)]| {
            for (path, _) in done {
                let _ = self.sink.discard(path);
            }
        };
        for (path, stamp) in &entry.files {
            match self.sink.reuse(path, stamp) {
                Ok(Some(now)) => done.push((path.clone(), now)),
                _ => {
                    give_up(&done);
                    return None;
                }
            }
        }
        let cache::Payload {
            project: p,
            extra,
            search: doc,
        } = payload;
        let data = match (&self.combined, &entry.spans) {
            (Some(lens), Some(spans)) => {
                Exporter::spliced(&p.id, &p.doc.department, lens, spans, extra)
            }
            _ => None,
        };
        let Some(data) = data else {
            give_up(&done);
            return None;
        };
        Timings::add(&t.reuse, start.elapsed());
        let start = Instant::now();
        let search = match (doc, &self.patching) {
            (Some(d), Some(_)) => Some(search::Prepared::unchanged(move || d.decode())),
            (Some(d), None) => match d.decode() {
                Some(d) => Some(search::Prepared::of(&d)),
                None => {
                    give_up(&done);
                    return None;
                }
            },
            (None, _) => None,
        };
        Timings::add(&t.search, start.elapsed());
        Some((
            p,
            Emitted {
                data,
                search,
                doc: None,
                files: Some(done),
                hash: Some(hash),
                blob: (!c.keeps).then_some(blob),
                kept: c.keeps.then_some((entry.at, entry.len, entry.check)),
            },
        ))
    }

    /// Page, JSON and CSV of one project, written; the rows to append.
    fn project(
        &self,
        s: usize,
        i: usize,
        series: &Series,
        p: &Project,
        t: &Timings,
    ) -> Result<Emitted, Failure> {
        let start = Instant::now();
        let mut chart_time = Duration::ZERO;
        let (path, html) = self
            .renderer
            .project(self.cx, series, p, &mut chart_time)
            .map_err(|d| Failure::Content(Diagnostics(vec![d])))?;
        Timings::add(&t.charts, chart_time);
        Timings::add(&t.render, start.elapsed().saturating_sub(chart_time));
        let start = Instant::now();
        let data = self.exporter.project(self.cx, series, p);
        Timings::add(&t.export, start.elapsed());
        let start = Instant::now();
        let page = self.sink.put_stamped(&path, html.as_bytes())?;
        let mut files = vec![(path, page)];
        files.extend(data.put_stamped(self.sink)?);
        Timings::add(&t.write, start.elapsed());
        let start = Instant::now();
        let (doc, ready) = match (self.search, &self.patching) {
            (true, None) => {
                let (d, r) = search::Doc::prepared(self.cx, series, p);
                (Some(d), Some(r))
            }
            (true, Some(old)) => {
                let d = search::Doc::of(self.cx, series, p);
                let rel = self
                    .caching
                    .and_then(|c| Some(c.files.get(s)?.get(i)?.0.as_str()));
                let r = match rel.and_then(|r| old.get(r)) {
                    Some(g) => search::Prepared::changed(&d, g.clone()),
                    // Its file is as before (its output was not).
                    None => search::Prepared::chunk_only(&d),
                };
                (Some(d), Some(r))
            }
            (false, _) => (None, None),
        };
        Timings::add(&t.search, start.elapsed());
        let hash = self.caching.and_then(|c| c.files.get(s)?.get(i)?.1);
        Ok(Emitted {
            data,
            search: ready,
            doc,
            files: files
                .into_iter()
                .map(|(p, st)| st.map(|st| (p, st)))
                .collect(),
            hash,
            blob: None,
            kept: None,
        })
    }
}

/// Where the projects come from.
enum Source<'a> {
    /// Files on disk, listed by [`load::skeleton`].
    Disk {
        root: &'a Path,
        skeleton: &'a load::Skeleton,
    },
    /// Content already in memory (the tests).
    Memory(&'a Content),
}

impl Source<'_> {
    fn series_count(&self) -> usize {
        match self {
            Source::Disk { skeleton, .. } => skeleton.series.len(),
            Source::Memory(c) => c.series.len(),
        }
    }

    fn len(&self, s: usize) -> usize {
        match self {
            Source::Disk { skeleton, .. } => skeleton.series[s].files.len(),
            Source::Memory(c) => c.series[s].projects.len(),
        }
    }

    /// Project `i` of series `s`: loaded (and checked) from disk, or cloned.
    fn get(&self, s: usize, i: usize, diags: &mut Diagnostics) -> Option<Project> {
        match self {
            Source::Disk { root, skeleton } => {
                let series = &skeleton.series[s];
                load::load_project(
                    root,
                    &series.files[i],
                    &series.id,
                    &series.doc,
                    skeleton.org.as_ref(),
                    diags,
                )
            }
            Source::Memory(c) => c.series[s].projects.get(i).cloned(),
        }
    }
}

/// What the parallel part of the pass gives for one file: its problems, the
/// project, and (when building) its data or why it failed.
type Loaded = (
    Diagnostics,
    Option<Project>,
    Option<Result<Emitted, Failure>>,
);

/// The result of the project pass: the projects per series (slim unless
/// the mode is [`Mode::Load`]), and beside each what the cache keeps of it.
struct Pass {
    projects: Vec<Vec<Project>>,
    records: Vec<Vec<Option<Record>>>,
    diags: Diagnostics,
}

/// What the cache's index keeps of a built project (its payload is in the
/// data file at `at`, `len` bytes hashing to `check`).
struct Record {
    hash: Hash,
    files: Vec<(String, Stamp)>,
    at: u64,
    len: u64,
    check: u64,
    spans: Option<export::Spans>,
}

/// Loads every project, chunk by chunk in parallel; in `Build` mode also
/// writes each project's files and appends it to `streams`. While one chunk
/// is processed, the previous one is merged (ids checked, rows appended in
/// order), so the serial part overlaps the parallel one.
fn project_pass<'a>(
    source: &Source,
    mode: &Mode,
    streams: Option<&mut Streams<'a>>,
    index: Option<&mut search::Indexer<'a>>,
    data: Option<&mut cache::DataWriter>,
    t: &Timings,
) -> Result<Pass, Failure> {
    let failed = AtomicBool::new(false);
    let mut merger = Merger {
        source,
        streams,
        index,
        data,
        ids: Ids::default(),
        failed: &failed,
        t,
        pass: Pass {
            projects: (0..source.series_count())
                .map(|s| Vec::with_capacity(source.len(s)))
                .collect(),
            records: (0..source.series_count()).map(|_| Vec::new()).collect(),
            diags: Diagnostics::default(),
        },
    };
    let mut pending: Option<(usize, Vec<Loaded>)> = None;
    for s in 0..source.series_count() {
        let indices: Vec<usize> = (0..source.len(s)).collect();
        for chunk in indices.chunks(CHUNK) {
            if let Mode::Build(e) = mode {
                if e.sink.cancelled() {
                    return Err(Failure::Io(crate::output::cancelled()));
                }
            }
            let previous = pending.take();
            let (merged, done) = rayon::join(
                || match previous {
                    Some((ps, d)) => merger.merge(ps, d),
                    None => Ok(()),
                },
                || {
                    chunk
                        .par_iter()
                        .map(|&i| load_and_emit(source, mode, s, i, &failed, t))
                        .collect::<Vec<Loaded>>()
                },
            );
            merged?;
            pending = Some((s, done));
        }
    }
    if let Some((ps, d)) = pending {
        merger.merge(ps, d)?;
    }
    Ok(merger.pass)
}

/// Loads project `i` of series `s` and, when building and nothing has
/// failed yet, writes its files.
fn load_and_emit(
    source: &Source,
    mode: &Mode,
    s: usize,
    i: usize,
    failed: &AtomicBool,
    t: &Timings,
) -> Loaded {
    if let Mode::Build(e) = mode {
        if !failed.load(Ordering::Relaxed) {
            if let Some((p, out)) = e.reuse(s, i, t) {
                return (Diagnostics::default(), Some(p), Some(Ok(out)));
            }
        }
    }
    let mut d = Diagnostics::default();
    let start = Instant::now();
    let p = source.get(s, i, &mut d);
    Timings::add(&t.load, start.elapsed());
    if p.is_none() || !d.is_empty() {
        failed.store(true, Ordering::Relaxed);
    }
    let out = match (&p, mode) {
        (Some(p), Mode::Build(e)) if !failed.load(Ordering::Relaxed) => {
            let r = e.project(s, i, &e.cx.series[s], p, t);
            if r.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            Some(r)
        }
        _ => None,
    };
    // Unless the whole project is wanted, only the slim copy travels on;
    // the text is dropped here, in parallel.
    let p = match mode {
        Mode::Load => p,
        Mode::Check | Mode::Build(_) => p.map(|p| Project {
            doc: p.doc.slim(),
            ..p
        }),
    };
    // The cache's payload of a fresh project is made here, in parallel.
    let mut out = out;
    if let (
        Mode::Build(Emit {
            caching: Some(_), ..
        }),
        Some(p),
        Some(Ok(em)),
    ) = (mode, &p, out.as_mut())
    {
        if em.blob.is_none() && em.hash.is_some() {
            em.blob = em.data.extra().and_then(|extra| {
                postcard::to_stdvec(&cache::PayloadRef {
                    project: p,
                    extra: &extra,
                    search: em.doc.as_ref(),
                })
                .ok()
            });
        }
    }
    if let Some(Ok(em)) = out.as_mut() {
        em.doc = None;
    }
    (d, p, out)
}

/// The serial half of the pass: ids, combined files, slim projects, in order.
struct Merger<'s, 'a> {
    source: &'s Source<'s>,
    streams: Option<&'s mut Streams<'a>>,
    index: Option<&'s mut search::Indexer<'a>>,
    data: Option<&'s mut cache::DataWriter>,
    ids: Ids,
    failed: &'s AtomicBool,
    t: &'s Timings,
    pass: Pass,
}

impl Merger<'_, '_> {
    fn merge(&mut self, s: usize, done: Vec<Loaded>) -> Result<(), Failure> {
        for (d, p, out) in done {
            self.pass.diags.0.extend(d.0);
            let Some(p) = p else { continue };
            let file = source_path(self.source, &p);
            if !self.ids.admit(&p.id, &file, &mut self.pass.diags) {
                self.failed.store(true, Ordering::Relaxed);
                continue;
            }
            let mut record = None;
            let mut spans = None;
            match out {
                Some(Ok(em)) => {
                    if let Some(st) = self.streams.as_deref_mut() {
                        if self.pass.diags.is_empty() {
                            let start = Instant::now();
                            spans = Some(st.append(&em.data, em.hash)?);
                            Timings::add(&self.t.write, start.elapsed());
                        }
                    }
                    if let (Some(ix), Some(ready)) = (self.index.as_deref_mut(), em.search) {
                        if self.pass.diags.is_empty() {
                            let start = Instant::now();
                            ix.add(&ready)?;
                            Timings::add(&self.t.search_merge, start.elapsed());
                        }
                    }
                    if let (Some(hash), Some(files), Some(w)) =
                        (em.hash, em.files, self.data.as_deref_mut())
                    {
                        let place = match (em.kept, em.blob) {
                            (Some(k), _) => Some(k),
                            (None, Some(blob)) => Some(w.append(&blob)),
                            (None, None) => None,
                        };
                        if let Some((at, len, check)) = place {
                            record = Some(Record {
                                hash,
                                files,
                                at,
                                len,
                                check,
                                spans,
                            });
                        }
                    }
                }
                Some(Err(Failure::Content(d))) => self.pass.diags.0.extend(d.0),
                Some(Err(Failure::Io(e))) => return Err(Failure::Io(e)),
                None => {}
            }
            self.pass.projects[s].push(p);
            self.pass.records[s].push(record);
        }
        Ok(())
    }
}

fn source_path(source: &Source, p: &Project) -> std::path::PathBuf {
    match source {
        Source::Disk { root, .. } => root.join(&p.file),
        Source::Memory(_) => Path::new(&p.file).to_path_buf(),
    }
}

/// Runs the whole pipeline over `source` into `sink`; returns how many
/// projects it built, and the new cache when `caching`.
fn run(
    source: &Source,
    cx: Option<Content>,
    mut diags: Diagnostics,
    theme: &Theme,
    sink: &dyn Sink,
    cached: Option<(&Caching, &mut cache::DataWriter, Prefetched)>,
    t: &mut Timings,
) -> Result<(usize, Option<Cache>), Failure> {
    let (caching, data, prefetched) = match cached {
        Some((c, d, p)) => (Some(c), Some(d), p),
        None => (None, None, Prefetched::default()),
    };
    let Prefetched {
        workbook,
        search: search_base,
        combined,
    } = prefetched;
    let start = Instant::now();
    let renderer = match &cx {
        Some(cx) => match Renderer::new(cx, theme) {
            Ok(r) => Some(r),
            Err(d) => {
                diags.0.extend(d.0);
                None
            }
        },
        None => None,
    };
    let created = cx
        .as_ref()
        .and_then(|c| c.site.updated.clone())
        .unwrap_or_default();
    let exporter = cx.as_ref().map(|c| Exporter::new(c, &created));
    let mut streams = match (&cx, &exporter) {
        (Some(c), Some(ex)) if diags.is_empty() => {
            let book = caching.and(workbook);
            Some(Streams::open(c, ex, sink, caching.map(|c| c.deps), book)?)
        }
        _ => None,
    };
    let searching = search::enabled();
    let t0 = Instant::now();
    let (base, patching) = match caching.filter(|_| searching && streams.is_some()) {
        Some(c) => patch_base(c, search_base).unzip(),
        None => (None, None),
    };
    if base.is_some() {
        // Finding what the changed projects had in the previous index, to
        // patch it (named for the tests).
        t.phase("search-patch", t0);
    }
    // The previous combined files, opened, to take unchanged projects from.
    let combined = match (caching, streams.as_mut(), combined) {
        (Some(_), Some(st), Some(files)) => Some({
            let lens = files.lens();
            st.take_from(files);
            lens
        }),
        _ => None,
    };
    let mode = match (&cx, &renderer, &exporter, &streams) {
        (Some(cx), Some(renderer), Some(exporter), Some(_)) => Mode::Build(Emit {
            cx,
            renderer,
            exporter,
            sink,
            search: searching,
            caching,
            patching,
            combined,
        }),
        _ => Mode::Check,
    };
    let mut index = match (&mode, base) {
        (Mode::Build(e), Some((base, chunks))) if e.search => {
            Some(search::Indexer::patching(sink, base, chunks))
        }
        (Mode::Build(e), None) if e.search => Some(search::Indexer::new(sink)),
        _ => None,
    };
    let Pass {
        projects,
        records,
        diags: found,
    } = project_pass(source, &mode, streams.as_mut(), index.as_mut(), data, t)?;
    t.phase("projects", start);
    diags.0.extend(found.0);
    let (Some(mut cx), Some(renderer), Some(streams), true) =
        (cx, renderer, streams, diags.is_empty())
    else {
        return Err(Failure::Content(diags.sorted()));
    };
    if sink.cancelled() {
        return Err(Failure::Io(crate::output::cancelled()));
    }
    let start = Instant::now();
    let count = projects.iter().map(Vec::len).sum();
    for (series, slim) in cx.series.iter_mut().zip(projects) {
        series.projects = slim;
    }
    let cx = &cx;
    // The tail: the data files (the workbook's compression is serial and
    // the longest), the search index with the cache, and every page but
    // the two that show the data files' sizes, at once; pages are written
    // by whichever thread made them.
    let put_failed: Mutex<Option<io::Error>> = Mutex::new(None);
    let put = Pages {
        sink,
        failed: &put_failed,
    };
    // Where the previous build's pages had their table rows, to copy the
    // unchanged ones.
    let open_previous = |path: &str| {
        let previous = caching?.previous?;
        sink.previous_file(path, previous_stamp(previous, path))
    };
    let previous_rows = caching
        .and_then(|c| c.previous)
        .map(|p| render::PreviousRows {
            spans: p
                .rows
                .iter()
                .map(|(path, spans)| (path.as_str(), spans.as_slice()))
                .collect(),
            open: &open_previous,
        });
    let ((sizes, data_time), ((indexed, cache, search_time), (rest, pages_time))) = rayon::join(
        || {
            let start = Instant::now();
            (streams.finish(cx), start.elapsed())
        },
        || {
            rayon::join(
                || {
                    let start = Instant::now();
                    let indexed = index.map(|ix| ix.finish(&cx.synonyms.normalized()));
                    let took = start.elapsed();
                    let cache = caching.and_then(|c| new_cache(c.deps, &c.stats, cx, records));
                    (indexed, cache, took)
                },
                || {
                    let start = Instant::now();
                    let rest = render::rest(&renderer, cx, theme, &put, previous_rows.as_ref());
                    (rest, start.elapsed())
                },
            )
        },
    );
    t.took("data-files", data_time);
    if indexed.is_some() {
        t.took("search-index", search_time);
    }
    t.took("aggregate-pages", pages_time);
    let (sizes, layout) = sizes?;
    let mut rest = rest;
    let spans = rest.take_spans();
    t.rows = rest.rows_copied();
    let cache = cache.map(|mut c| {
        c.workbook = Some(layout);
        c.rows = spans;
        c
    });
    indexed.transpose()?;
    let sized = Instant::now();
    let downloads = export::downloads(&sizes)
        .into_iter()
        .map(|d| DownloadView {
            path: d.path,
            title: d.title,
            format: d.format,
            description: d.description,
            size: human_size(d.bytes),
        })
        .collect();
    let made = rest.finish(&renderer, cx, &RenderInput { downloads }, &put);
    t.phase("sized-pages", sized);
    if let Some(e) = put_failed
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
    {
        return Err(Failure::Io(e));
    }
    made.map_err(Failure::Content)?;
    t.phase("tail", start);
    Ok((count, cache))
}

/// The sink as the renderer's output: pages are streamed into it, and the
/// first write error is kept for the end of the build.
struct Pages<'s> {
    sink: &'s dyn Sink,
    failed: &'s Mutex<Option<io::Error>>,
}

impl Pages<'_> {
    fn fail(&self, e: io::Error) {
        let mut first = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
        first.get_or_insert(e);
    }
}

impl render::Output for Pages<'_> {
    fn put(&self, path: &str, bytes: &[u8]) {
        if let Err(e) = self.sink.put(path, bytes) {
            self.fail(e);
        }
    }

    fn stream(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> Result<(), crate::diag::Diagnostic>,
    ) -> Result<(), crate::diag::Diagnostic> {
        let mut s = match self.sink.open(path) {
            Ok(s) => s,
            Err(e) => {
                self.fail(e);
                return Ok(());
            }
        };
        // A write error is the sink's, not the template's: kept as such.
        // Buffered: a template writes many small pieces.
        let mut w = Failing {
            w: &mut s,
            error: None,
        };
        let mut buf = io::BufWriter::with_capacity(64 * 1024, &mut w);
        let made = write(&mut buf);
        let flushed = io::Write::flush(&mut buf);
        drop(buf);
        if let Some(e) = w.error.take() {
            self.fail(e);
            return Ok(());
        }
        made?;
        if let Err(e) = flushed {
            self.fail(e);
            return Ok(());
        }
        if let Err(e) = s.finish() {
            self.fail(e);
        }
        Ok(())
    }
}

/// A writer that remembers its first error.
struct Failing<'w> {
    w: &'w mut dyn io::Write,
    error: Option<io::Error>,
}

impl io::Write for Failing<'_> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.w.write(b).inspect_err(|e| {
            self.error
                .get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
        })
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// Changed project files at most, per 1 000, for the previous search index
/// to be patched rather than made again.
const PATCH_PER_MILLE: usize = 100;

/// The previous build's search index and the grams each changed project
/// file had in it, when the index can be patched: the previous build had
/// the same inputs but the project files, the same project files in the
/// same order, few of them changed, their previous documents are in the
/// cache, and its index files are in the output as it wrote them.
fn patch_base(c: &Caching, base: Option<Patch>) -> Option<(Patch, HashMap<String, search::Grams>)> {
    let previous = c.previous?;
    let base = base?;
    let files: Vec<&(String, Option<Hash>)> = c.files.iter().flatten().collect();
    let n = files.len();
    if n == 0 || n != previous.entries.len() {
        return None;
    }
    let mut changed = Vec::new();
    for ((rel, hash), e) in files.iter().map(|f| (&f.0, f.1)).zip(&previous.entries) {
        if *rel != e.file {
            return None;
        }
        if hash != Some(e.hash) {
            changed.push(e);
        }
    }
    if changed.len() * 1000 > n * PATCH_PER_MILLE {
        return None;
    }
    let mut old = HashMap::with_capacity(changed.len());
    for e in changed {
        let doc = previous.payload(e)?.0.search?.decode()?;
        old.insert(e.file.clone(), search::Grams::of(&doc.normalized_fields()));
    }
    Some((base, old))
}

/// What a rebuild takes from the previous output before its projects:
/// the workbook, the search index to patch and the combined data files.
/// They are read while the content files are hashed, which they do not
/// depend on; whether they are used depends on what the hashes found.
#[derive(Default)]
struct Prefetched {
    workbook: Option<export::workbook::Previous>,
    search: Option<Patch>,
    combined: Option<export::Combined>,
}

impl Prefetched {
    /// The three from the output of the build `previous` describes (the
    /// search index only when `search`), read at once.
    fn read(previous: &Cache, sink: &dyn Sink, search: bool) -> Prefetched {
        let ((workbook, combined), search) = rayon::join(
            || {
                rayon::join(
                    || previous_workbook(previous, sink),
                    || previous_combined(previous, sink),
                )
            },
            || search.then(|| search_base(previous, sink)).flatten(),
        );
        Prefetched {
            workbook,
            search,
            combined,
        }
    }
}

/// The previous build's search index, with the stamps of its result
/// chunks, when it indexed as many documents as `previous` has entries.
fn search_base(previous: &Cache, sink: &dyn Sink) -> Option<Patch> {
    let n = previous.entries.len();
    if n == 0 {
        return None;
    }
    let stamp = |path: &str| previous_stamp(previous, path);
    let get = |path: &str| sink.previous(path, stamp(path));
    let base = search::patch::Base::read(&get, u32::try_from(n).ok()?)?;
    let chunks = (0..n.div_ceil(search::index::CHUNK_DOCS))
        .map(|k| stamp(&format!("search/c/{k}.json")).copied())
        .collect();
    Some((base, chunks))
}

/// The stamp the previous build's cache has for output file `path`.
fn previous_stamp<'c>(previous: &'c Cache, path: &str) -> Option<&'c Stamp> {
    previous
        .outputs
        .binary_search_by(|(p, _)| p.as_str().cmp(path))
        .ok()
        .map(|i| &previous.outputs[i].1)
}

/// The previous build's combined files, when the previous build had the
/// same inputs but the project files and they are in the output as it
/// wrote them.
fn previous_combined(previous: &Cache, sink: &dyn Sink) -> Option<export::Combined> {
    let [a, b, c, d] = export::combined_files();
    let get = |path: &str| sink.previous_file(path, previous_stamp(previous, path));
    Some(export::Combined([get(&a)?, get(&b)?, get(&c)?, get(&d)?]))
}

/// The previous build's workbook and where its pieces are, when the
/// previous build had the same inputs but the project files and its
/// workbook is in the output as it wrote it.
fn previous_workbook(previous: &Cache, sink: &dyn Sink) -> Option<export::workbook::Previous> {
    let layout = previous.workbook.clone()?;
    let path = "data/projects.xlsx";
    let bytes = sink.previous(path, previous_stamp(previous, path))?;
    export::workbook::Previous::new(layout, bytes)
}

/// The previous index to patch, and the stamps of its result chunks.
type Patch = (search::patch::Base, Vec<Option<Stamp>>);

/// The cache of a build of `cx` (slim projects) whose projects left
/// `records`; `None` when one of them left none.
fn new_cache(
    deps: Hash,
    stats: &HashMap<String, cache::FileStat>,
    cx: &Content,
    records: Vec<Vec<Option<Record>>>,
) -> Option<Cache> {
    let mut entries = Vec::with_capacity(cx.project_count());
    for (series, recs) in cx.series.iter().zip(records) {
        if series.projects.len() != recs.len() {
            return None;
        }
        for (p, r) in series.projects.iter().zip(recs) {
            let r = r?;
            entries.push(cache::Entry {
                stat: stats.get(&p.file).copied(),
                file: p.file.clone(),
                hash: r.hash,
                files: r.files,
                at: r.at,
                len: r.len,
                check: r.check,
                spans: r.spans,
            });
        }
    }
    let mut c = Cache::default();
    c.deps = deps;
    c.entries = entries;
    Some(c)
}

/// Hash of everything the pages depend on besides the project files (see
/// [`crate::cache`]); `None` when a part does not serialize.
fn deps_hash(cx: &Content, theme: &Theme) -> Option<Hash> {
    let mut h = cache::Hasher::default();
    h.add(&cx.site).add(&cx.org).add(&cx.synonyms);
    for s in &cx.series {
        h.add(&s.id).add(&s.doc);
    }
    for p in &cx.pages {
        h.add(&p.slug).add(&p.title).add(&p.markdown);
    }
    h.add(&theme.templates)
        .add(&theme.statics)
        .add(&search::enabled())
        // Free pages print the build date from it (render::pages).
        .add(&std::env::var("SOURCE_DATE_EPOCH").ok());
    h.finish()
}

/// The project files of a build: per series, each file's path relative to
/// the content folder and the hash of its bytes; and the status of each
/// file that vouches for its hash (see [`cache::FileStat`]).
type Hashed = (
    Vec<Vec<(String, Option<Hash>)>>,
    HashMap<String, cache::FileStat>,
);

/// Every project file of `skeleton`: its path relative to `root` (as in
/// [`Project::file`]) and the hash of its bytes, read in parallel. A file
/// whose status is the one `previous` recorded with its hash is not read
/// again; `read` counts the files that were.
fn hash_files(
    root: &Path,
    skeleton: &load::Skeleton,
    previous: Option<&Cache>,
    read: &AtomicUsize,
) -> Hashed {
    // Taken before any file's status: a file changed after this moment
    // has a later change time than any status found settled.
    let now = std::time::SystemTime::now();
    let known: HashMap<&str, (Hash, cache::FileStat)> = previous
        .map(|p| {
            p.entries
                .iter()
                .filter_map(|e| Some((e.file.as_str(), (e.hash, e.stat?))))
                .collect()
        })
        .unwrap_or_default();
    let mut stats = HashMap::new();
    let files = skeleton
        .series
        .iter()
        .map(|s| {
            let hashed: Vec<(String, Option<Hash>, Option<cache::FileStat>)> = s
                .files
                .par_iter()
                .map(|f| {
                    let rel = f
                        .strip_prefix(root)
                        .unwrap_or(f)
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/");
                    // The status before the bytes: a change between the
                    // two leaves a status that the next build will not
                    // find again.
                    let stat = std::fs::symlink_metadata(f)
                        .ok()
                        .and_then(|m| cache::FileStat::of(&m))
                        .filter(|st| st.settled(now));
                    if let (Some(st), Some((hash, was))) = (stat, known.get(rel.as_str())) {
                        if st == *was {
                            return (rel, Some(*hash), stat);
                        }
                    }
                    read.fetch_add(1, Ordering::Relaxed);
                    let hash = load::project_bytes(root, f).map(|b| cache::hash(&b));
                    (rel, hash, stat.filter(|_| hash.is_some()))
                })
                .collect();
            hashed
                .into_iter()
                .map(|(rel, hash, stat)| {
                    if let Some(st) = stat {
                        stats.insert(rel.clone(), st);
                    }
                    (rel, hash)
                })
                .collect()
        })
        .collect();
    (files, stats)
}

/// What a build made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Made {
    /// Number of projects.
    pub projects: usize,
    /// Whether the site had a base URL (`site.yaml` or `--base-url`):
    /// without one there is no sitemap, no canonical URL, and 404.html
    /// cannot link to the site's top page.
    pub has_base_url: bool,
    /// Nothing was written: the inputs are those of the previous build and
    /// its output is intact ([`build_cached`] only).
    pub unchanged: bool,
}

/// Builds the content folder `root` into `sink`. `base_url` overrides
/// `site.yaml`'s.
pub fn build(
    root: &Path,
    theme: &Theme,
    base_url: Option<&str>,
    sink: &dyn Sink,
    t: &mut Timings,
) -> Result<Made, Failure> {
    build_with(root, theme, base_url, sink, t, None, None).map(|(m, _)| m)
}

/// [`build`] with the build cache: `previous` is the cache of the build
/// whose output `sink` can reuse files of, if any. When the inputs are
/// that build's and `sink` finds its output intact, nothing is written
/// ([`Made::unchanged`]) and no new cache is returned; otherwise the new
/// cache describes what was written (its `outputs` left for the caller),
/// its payloads having gone to `data`.
pub fn build_cached(
    root: &Path,
    theme: &Theme,
    base_url: Option<&str>,
    sink: &dyn Sink,
    t: &mut Timings,
    previous: Option<&Cache>,
    data: &mut cache::DataWriter,
) -> Result<(Made, Option<Cache>), Failure> {
    build_with(root, theme, base_url, sink, t, Some(previous), Some(data))
}

fn build_with(
    root: &Path,
    theme: &Theme,
    base_url: Option<&str>,
    sink: &dyn Sink,
    t: &mut Timings,
    previous: Option<Option<&Cache>>,
    data: Option<&mut cache::DataWriter>,
) -> Result<(Made, Option<Cache>), Failure> {
    let start = Instant::now();
    let mut diags = Diagnostics::default();
    let skeleton = load::skeleton(root, &mut diags);
    let mut cx = skeleton.content();
    if let (Some(c), Some(b)) = (cx.as_mut(), base_url) {
        c.site.base_url = Some(b.to_string());
    }
    let has_base_url = cx.as_ref().is_some_and(|c| c.site.base_url.is_some());
    t.phase("site-files", start);
    let start = Instant::now();
    let deps = match (&cx, previous) {
        (Some(c), Some(_)) if diags.is_empty() => deps_hash(c, theme),
        _ => None,
    };
    let previous = previous.flatten();
    let mut data = data;
    if let Some(d) = data.as_deref_mut() {
        // Payloads of other inputs will not be read again: no reason to
        // keep them.
        let same_inputs = matches!((deps, previous), (Some(h), Some(p)) if p.deps == h);
        if !same_inputs {
            d.restart();
        }
    }
    let keeps = data.as_deref().is_some_and(cache::DataWriter::keeps);
    let mut prefetched = Prefetched::default();
    let caching = deps.map(|deps| {
        let read = AtomicUsize::new(0);
        let same_deps = previous.filter(|p| p.deps == deps);
        let ((files, stats), fetched) = rayon::join(
            || hash_files(root, &skeleton, previous, &read),
            || same_deps.map(|p| Prefetched::read(p, sink, search::enabled())),
        );
        prefetched = fetched.unwrap_or_default();
        t.files = (read.into_inner(), files.iter().map(Vec::len).sum());
        Caching {
            deps,
            previous: previous.filter(|p| p.deps == deps),
            index: previous
                .filter(|p| p.deps == deps)
                .map(Cache::index)
                .unwrap_or_default(),
            files,
            stats,
            keeps,
        }
    });
    if let (Some(c), Some(prev)) = (&caching, previous) {
        t.phase("cache-check", start);
        if prev.deps == c.deps && c.same_files(prev) && sink.unchanged(&prev.outputs) {
            return Ok((
                Made {
                    projects: prev.entries.len(),
                    has_base_url,
                    unchanged: true,
                },
                None,
            ));
        }
    }
    let (projects, cache) = run(
        &Source::Disk {
            root,
            skeleton: &skeleton,
        },
        cx,
        diags,
        theme,
        sink,
        caching.as_ref().zip(data).map(|(c, d)| (c, d, prefetched)),
        t,
    )?;
    Ok((
        Made {
            projects,
            has_base_url,
            unchanged: false,
        },
        cache,
    ))
}

/// The warning `build` and `check` print once when the site has no base
/// URL (it is not an error: a site without one works, minus these).
pub const NO_BASE_URL_WARNING: &str = "warning: 公開URL（base_url）が設定されていません\n  = ヒント: このままでは sitemap.xml とデータカタログ（data/catalog.json、data/catalog.jsonld）を書き出さず、canonical と OGP の URL も入りません。404.html からはサイトのトップページへリンクできず、サーバーのトップページ（/）へのリンクだけになります。公開する前に site.yaml の base_url か build の --base-url に公開URL（例: https://city.example/hyoka/）を書いてください";

/// The warning `check` prints when `site.yaml`'s `contact` is all null.
pub const NO_CONTACT_WARNING: &str = "warning: 問い合わせ先（site.yaml の contact）が設定されていません\n  = ヒント: アクセシビリティのページに問題の連絡先を示せず、データカタログの contactPoint も自治体名だけになります。公表資料などで確かめられる担当課（office）、メールアドレス（email）、問い合わせ先のページのURL（url）のどれかを書いてください";

/// What `check` found in a good content folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// Project files.
    pub projects: usize,
    /// Series.
    pub series: usize,
    /// Departments (課).
    pub departments: usize,
    /// Whether `site.yaml` sets a base URL.
    pub has_base_url: bool,
    /// Whether `site.yaml`'s `contact` gives any way to reach someone.
    pub has_contact: bool,
}

/// Checks the content folder `root` without building: every problem of
/// every file, keeping only slim projects in memory.
pub fn check(root: &Path) -> Result<Checked, Diagnostics> {
    let (content, pass) = check_folder(root, &Mode::Check)?;
    Ok(Checked {
        projects: pass.projects.iter().map(Vec::len).sum(),
        series: content.series.len(),
        departments: content.org.departments.len(),
        has_base_url: content.site.base_url.is_some(),
        has_contact: content.site.has_contact(),
    })
}

/// Loads and checks the whole content folder into memory, every project
/// whole (the tests and `hyoka new` use this; `build` and `check` stream).
pub fn load(root: &Path) -> Result<Content, Diagnostics> {
    let (mut content, pass) = check_folder(root, &Mode::Load)?;
    for (series, projects) in content.series.iter_mut().zip(pass.projects) {
        series.projects = projects;
    }
    Ok(content)
}

/// Runs the project pass over the folder `root` without building; fails
/// with every problem found unless the folder is entirely good. Returns the
/// content without projects, and the projects.
fn check_folder(root: &Path, mode: &Mode) -> Result<(Content, Pass), Diagnostics> {
    let mut diags = Diagnostics::default();
    let skeleton = load::skeleton(root, &mut diags);
    let source = Source::Disk {
        root,
        skeleton: &skeleton,
    };
    let mut pass = match project_pass(&source, mode, None, None, None, &Timings::default()) {
        Ok(p) => p,
        Err(Failure::Content(d)) => return Err(d.sorted()),
        Err(Failure::Io(e)) => {
            diags.push(crate::diag::Diagnostic::new(
                root,
                crate::diag::Pos::START,
                format!("読み込みに失敗しました: {e}"),
            ));
            return Err(diags);
        }
    };
    diags.0.append(&mut pass.diags.0);
    match skeleton.content() {
        Some(content) if diags.is_empty() => Ok((content, pass)),
        _ => Err(diags.sorted()),
    }
}

/// Every file of the site of `content`, in memory, by path.
pub fn generate(
    content: &Content,
    theme: &Theme,
    t: &mut Timings,
) -> Result<Vec<OutFile>, Failure> {
    let cx = content.without_projects();
    let sink = Memory::default();
    run(
        &Source::Memory(content),
        Some(cx),
        Diagnostics::default(),
        theme,
        &sink,
        None,
        t,
    )?;
    Ok(sink.into_files())
}

/// `12.3 KB`.
pub fn human_size(n: usize) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MB", n as f64 / 1024.0 / 1024.0)
    }
}

/// The own files (page, JSON, CSV) of the project files among `changed`
/// in the content folder `root`, each rendered alone as the full build
/// renders it (a project's own files depend on no other project): `serve`
/// shows an edit with them at once, before the rebuild that brings the
/// pages listing the project up to date. Paths that are no content file
/// (`.yaml`, `.yml`, `.md`: an editor's temporary files, the theme) are
/// passed over. `None` when no project file is among them, when the site's
/// files have a problem, or when a content file among them is not a project
/// file of the folder (a series or site file, a free page, a removed or
/// renamed file) or does not load without a problem: the full rebuild then
/// does and reports everything as usual. (A new project file has its own
/// files at once, like an edited one.)
pub fn own_files(
    root: &Path,
    theme: &Theme,
    changed: &[std::path::PathBuf],
) -> Option<Vec<OutFile>> {
    let content_file = |p: &Path| {
        p.extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| matches!(x.to_ascii_lowercase().as_str(), "yaml" | "yml" | "md"))
    };
    let changed: Vec<&std::path::PathBuf> = changed.iter().filter(|p| content_file(p)).collect();
    if changed.is_empty() {
        return None;
    }
    let mut diags = Diagnostics::default();
    let skeleton = load::skeleton(root, &mut diags);
    let cx = skeleton.content().filter(|_| diags.is_empty())?;
    // The listed files as canonical paths, without a system call each (a
    // linked project file does not match: the full rebuild handles it).
    let croot = std::fs::canonicalize(root).ok()?;
    let listed = |f: &Path| f.strip_prefix(root).ok().map(|rel| croot.join(rel));
    let mut wanted: Vec<(usize, std::path::PathBuf)> = Vec::new();
    for path in changed {
        let c = std::fs::canonicalize(path).ok()?;
        let found = skeleton.series.iter().enumerate().find_map(|(s, sf)| {
            sf.files
                .iter()
                .find(|f| listed(f).as_deref() == Some(c.as_path()))
                .map(|f| (s, f.clone()))
        })?;
        if !wanted.contains(&found) {
            wanted.push(found);
        }
    }
    let renderer = Renderer::new(&cx, theme).ok()?;
    let created = cx.site.updated.clone().unwrap_or_default();
    let exporter = Exporter::new(&cx, &created);
    let sink = Memory::default();
    for (s, file) in wanted {
        let sf = &skeleton.series[s];
        let p = load::load_project(
            root,
            &file,
            &sf.id,
            &sf.doc,
            skeleton.org.as_ref(),
            &mut diags,
        )?;
        if !diags.is_empty() {
            return None;
        }
        let series = &cx.series[s];
        let mut charts = Duration::ZERO;
        let (path, html) = renderer.project(&cx, series, &p, &mut charts).ok()?;
        sink.put(&path, html.as_bytes()).ok()?;
        exporter.project(&cx, series, &p).put(&sink).ok()?;
    }
    Some(sink.into_files())
}
