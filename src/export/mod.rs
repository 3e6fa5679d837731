//! Open-data export: every file under `data/`, built in memory.
//!
//! - `data/projects.json` (+ `data/projects.schema.json`) and
//!   `data/projects/<id>.json`: every project as a nested record (the YAML
//!   model plus resolved names, labels and achievement).
//! - `data/projects.csv`, `indicators.csv`, `ratings.csv`,
//!   `departments.csv`, `department-names.csv`: flat tables following
//!   総務省「機械判読可能なデータの表記方法の統一ルール」 (one value per cell,
//!   plain numbers with the unit in the header, 西暦 with 和暦 beside it,
//!   全国地方公共団体コード first), UTF-8 with BOM and CRLF for Excel.
//! - `data/projects/<id>.csv` and `data/departments/<id>.csv`: the rows of
//!   `projects.csv` of one project / one department (same columns).
//! - `data/datapackage.json`: Frictionless Data Package v1 describing the
//!   five main CSVs (the per-project and per-department CSVs are subsets of
//!   `projects.csv` with the same schema and are not listed as resources).
//! - `data/catalog.json`: DCAT-US 1.1 catalogue for CKAN harvesters, and
//!   `data/catalog.jsonld`, the same in W3C DCAT (JSON-LD), both only
//!   with a base URL.
//!
//! Projects are exported one at a time ([`Exporter::project`]) and appended
//! to the combined files in order ([`Streams`]), so a build never holds the
//! whole export in memory. Nothing here writes to disk itself: files go to
//! a [`crate::output::Sink`].
//!
//! Modules: `files` (the main files, their paths and the downloads list),
//! [`record`] (the JSON records and their schema), [`table`] (typed columns:
//! CSV and Table Schema from one definition), [`tables`] (each CSV's columns
//! and rows), `package` (the data package and the catalogue). This module
//! streams them: [`Exporter`], [`ProjectData`], [`Streams`], and [`export`]
//! for everything at once in memory.

mod files;
mod package;
pub mod record;
pub mod table;
pub mod tables;
pub mod workbook;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::content::{Content, Project, Series};
use crate::output::{Memory, OutFile, PreviousFile, Sink, Stream, Window};

pub use files::{department_files, downloads, guide, project_files, Audience, Download, Guide};

use files::{data_path, department_csv, meta};
pub use package::license_uri;
use package::{catalog, catalog_jsonld, datapackage, resource, url};
use table::{csv_header, csv_rows, write_csv};
use tables::Table;

/// Version of the layout of the exported files (columns, keys). Bump the
/// major part when a column is removed or renamed.
pub const FORMAT_VERSION: &str = "1.0.0";

/// Folder of every data file, relative to the site root.
pub const DIR: &str = "data";

/// Every data file under `data/`, in memory. `created` (an ISO 8601 date or
/// date-time) becomes the data package's `created` and the catalogue's
/// `modified`.
pub fn export(content: &Content, created: &str) -> Vec<OutFile> {
    export_sized(content, created).0
}

/// [`export`], with the sizes the streams reported for the main files.
pub fn export_sized(content: &Content, created: &str) -> (Vec<OutFile>, BTreeMap<String, u64>) {
    let sink = Memory::default();
    let result = (|| {
        let ex = Exporter::new(content, created);
        let mut streams = Streams::open(content, &ex, &sink, None, None)?;
        for (s, p) in content.projects() {
            let data = ex.project(content, s, p);
            data.put(&sink)?;
            streams.append(&data, None)?;
        }
        streams.finish(content).map(|(sizes, _)| sizes)
    })();
    // Memory sinks fail only on unsafe paths, which ids exclude.
    match result {
        Ok(sizes) => (sink.into_files(), sizes),
        Err(e) => panic!("in-memory export failed: {e}"),
    }
}

/// The header of a table streamed project by project.
struct Head {
    table: Table,
    csv: Vec<u8>,
}

impl Head {
    fn new(table: Table) -> Self {
        Head {
            csv: csv_header(&table.fields),
            table,
        }
    }
}

/// What does not change from project to project: the tables' columns.
pub struct Exporter {
    created: String,
    projects: Head,
    indicators: Head,
    ratings: Head,
}

/// Bytes of a project's data: its own, or where they are (offset, length)
/// in the previous build's combined file that [`Streams`] appends them to.
#[derive(Debug, Clone)]
enum Chunk {
    Own(Vec<u8>),
    Previous(u64, u64),
}

/// The data of one project, ready to be written alone and appended to the
/// combined files.
pub struct ProjectData {
    id: String,
    department: String,
    /// Its own files' bytes: the record as pretty JSON without the final
    /// newline, and `data/projects/<id>.csv` (`None` when taken from the
    /// previous build's combined files, whose files are reused).
    own: Option<(String, Vec<u8>)>,
    /// The record as it sits in `projects.json`: indented, without the
    /// separator before it.
    indented: Chunk,
    projects_rows: Chunk,
    indicator_rows: Chunk,
    rating_rows: Chunk,
    /// The rows of `data/projects.xlsx` (shared with the workbook's thread).
    sheet_rows: Arc<workbook::Sheets>,
}

/// The part of a project's data found in none of the combined text files
/// (the build cache keeps it; the rest is taken from the previous build's
/// files, see [`Exporter::spliced`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Extra {
    sheet_rows: workbook::Packed,
}

/// Where a project's bytes are in the combined files (offset, length):
/// its record in `projects.json`, its rows in `projects.csv`,
/// `indicators.csv` and `ratings.csv`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Spans(pub [(u64, u64); 4]);

/// The previous build's combined files, to take unchanged projects' bytes
/// from ([`Spans`]): `projects.json`, `projects.csv`, `indicators.csv`,
/// `ratings.csv`.
pub struct Combined(pub [PreviousFile; 4]);

impl Combined {
    /// The files' lengths.
    pub fn lens(&self) -> [u64; 4] {
        self.0.each_ref().map(PreviousFile::len)
    }
}

/// The combined files under `data/` that [`Streams`] appends projects to
/// and [`Spans`] point into, in that order.
const COMBINED: [&str; 4] = [
    "projects.json",
    "projects.csv",
    "indicators.csv",
    "ratings.csv",
];

/// The combined files [`Spans`] point into, by path.
pub fn combined_files() -> [String; 4] {
    COMBINED.map(data_path)
}

impl ProjectData {
    /// What [`Exporter::spliced`] needs besides the combined files
    /// (`None` if the rows do not encode).
    pub fn extra(&self) -> Option<Extra> {
        Some(Extra {
            sheet_rows: self.sheet_rows.pack()?,
        })
    }

    /// Writes `data/projects/<id>.json` and `.csv`.
    pub fn put(&self, sink: &dyn Sink) -> io::Result<()> {
        self.put_stamped(sink).map(|_| ())
    }

    /// [`ProjectData::put`], returning each file's path and stamp.
    pub fn put_stamped(
        &self,
        sink: &dyn Sink,
    ) -> io::Result<Vec<(String, Option<crate::output::Stamp>)>> {
        let Some((json, csv)) = &self.own else {
            return Err(io::Error::other(
                "a project taken from the previous build has no files to write (hyoka bug)",
            ));
        };
        let mut out = Vec::with_capacity(2);
        for path in project_files(&self.id) {
            let stamp = if path.ends_with(".csv") {
                sink.put_stamped(&path, csv)?
            } else {
                let mut j = Vec::with_capacity(json.len() + 1);
                j.extend_from_slice(json.as_bytes());
                j.push(b'\n');
                sink.put_stamped(&path, &j)?
            };
            out.push((path, stamp));
        }
        Ok(out)
    }
}

/// `json` with every line indented by four spaces (records sit two levels
/// deep in `projects.json`; a JSON string never holds a raw line break, so
/// indenting every line is exact).
fn indent(json: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + json.len() / 4);
    for line in json.split_inclusive('\n') {
        out.extend_from_slice(b"    ");
        out.extend_from_slice(line.as_bytes());
    }
    out
}

impl Exporter {
    /// Columns of the tables of `content`'s site (projects are not read).
    pub fn new(content: &Content, created: &str) -> Self {
        Exporter {
            created: created.to_string(),
            projects: Head::new(tables::projects_of(content, &[])),
            indicators: Head::new(tables::indicators_of(content, &[])),
            ratings: Head::new(tables::ratings_of(content, &[])),
        }
    }

    /// The data of project `id` of `department` again, from where
    /// [`Streams::append`] put it in the previous build's combined files
    /// (`spans`, in files of `lens` bytes; [`Streams::take_from`]) and its
    /// [`Extra`]; `None` when a span is not in them.
    pub fn spliced(
        id: &str,
        department: &str,
        lens: &[u64; 4],
        spans: &Spans,
        extra: Extra,
    ) -> Option<ProjectData> {
        let mut chunks = lens.iter().zip(&spans.0).map(|(&n, &(at, len))| {
            (at.checked_add(len)? <= n).then_some(Chunk::Previous(at, len))
        });
        let mut next = || chunks.next().flatten();
        let (indented, projects_rows, indicator_rows, rating_rows) =
            (next()?, next()?, next()?, next()?);
        Some(ProjectData {
            id: id.to_string(),
            department: department.to_string(),
            own: None,
            indented,
            projects_rows,
            indicator_rows,
            rating_rows,
            sheet_rows: Arc::new(workbook::Sheets::Packed(extra.sheet_rows)),
        })
    }

    /// The data of one project.
    pub fn project(&self, content: &Content, series: &Series, p: &Project) -> ProjectData {
        let record = record::project_record(content, series, p);
        let one = [(series, p)];
        let projects_rows = csv_rows(&tables::projects_of(content, &one).rows);
        let mut csv = Vec::with_capacity(self.projects.csv.len() + projects_rows.len());
        csv.extend_from_slice(&self.projects.csv);
        csv.extend_from_slice(&projects_rows);
        let json = pretty(&record);
        ProjectData {
            id: p.id.clone(),
            department: p.doc.department.clone(),
            indented: Chunk::Own(indent(&json)),
            own: Some((json, csv)),
            indicator_rows: Chunk::Own(csv_rows(&tables::indicators_of(content, &one).rows)),
            rating_rows: Chunk::Own(csv_rows(&tables::ratings_of(content, &one).rows)),
            projects_rows: Chunk::Own(projects_rows),
            sheet_rows: Arc::new(workbook::Sheets::Made(workbook::rows(content, series, p))),
        }
    }
}

/// The combined files, appended to project by project in site order.
pub struct Streams<'a> {
    ex: &'a Exporter,
    sink: &'a dyn Sink,
    json: Box<dyn Stream + 'a>,
    count: usize,
    projects: Box<dyn Stream + 'a>,
    indicators: Box<dyn Stream + 'a>,
    ratings: Box<dyn Stream + 'a>,
    departments: BTreeMap<String, Box<dyn Stream + 'a>>,
    book: workbook::Writer,
    /// Bytes written so far to `projects.json` and the three CSVs.
    at: [u64; 4],
    /// The previous build's same four files, for projects taken from them.
    previous: Option<[Window; 4]>,
}

impl<'a> Streams<'a> {
    /// Opens `projects.json`, `projects.csv`, `indicators.csv` and
    /// `ratings.csv` and writes their heads; `deps` and `previous` are for
    /// the workbook (see [`workbook::Writer::open`]).
    pub fn open(
        content: &Content,
        ex: &'a Exporter,
        sink: &'a dyn Sink,
        deps: Option<u128>,
        previous: Option<workbook::Previous>,
    ) -> io::Result<Self> {
        let start = |name: &str, head: &[u8]| -> io::Result<Box<dyn Stream + 'a>> {
            let mut s = sink.open(&data_path(name))?;
            s.write_all(head)?;
            Ok(s)
        };
        // `projects.json`: serde_json's own output for the file with an
        // empty list of projects, opened up so records can follow.
        let empty = pretty(&record::ProjectsFile {
            title: content.site.title.clone(),
            municipality: content.site.municipality.clone(),
            municipality_code: content.site.municipality_code.clone(),
            license: content.site.license.clone(),
            created: ex.created.clone(),
            format_version: FORMAT_VERSION.to_string(),
            projects: Vec::new(),
        });
        let head = empty
            .strip_suffix("[]\n}")
            .ok_or_else(|| io::Error::other("projects.json: unexpected layout"))?;
        let at = [
            head.len(),
            ex.projects.csv.len(),
            ex.indicators.csv.len(),
            ex.ratings.csv.len(),
        ]
        .map(|n| n as u64);
        Ok(Streams {
            at,
            previous: None,
            ex,
            sink,
            json: start(COMBINED[0], head.as_bytes())?,
            count: 0,
            projects: start(COMBINED[1], &ex.projects.csv)?,
            indicators: start(COMBINED[2], &ex.indicators.csv)?,
            ratings: start(COMBINED[3], &ex.ratings.csv)?,
            departments: BTreeMap::new(),
            book: workbook::Writer::open(content, deps, previous)?,
        })
    }

    /// Takes the projects made by [`Exporter::spliced`] from `files`.
    pub fn take_from(&mut self, files: Combined) {
        self.previous = Some(files.0.map(Window::new));
    }

    /// Appends one project (call in site order: series, then id); `key`
    /// is the hash of its file, when known (see [`workbook::Writer`]).
    /// Returns where its bytes went in the combined files.
    pub fn append(&mut self, d: &ProjectData, key: Option<u128>) -> io::Result<Spans> {
        let sep: &[u8] = if self.count == 0 { b"[\n" } else { b",\n" };
        self.json.write_all(sep)?;
        self.at[0] += sep.len() as u64;
        self.count += 1;
        let mut spans = Spans::default();
        let streams: [&mut Box<dyn Stream + 'a>; 4] = [
            &mut self.json,
            &mut self.projects,
            &mut self.indicators,
            &mut self.ratings,
        ];
        let parts = [
            &d.indented,
            &d.projects_rows,
            &d.indicator_rows,
            &d.rating_rows,
        ];
        // A department's table repeats the rows of projects.csv.
        let mut rows = Vec::new();
        for (i, (s, part)) in streams.into_iter().zip(parts).enumerate() {
            let b: &[u8] =
                match part {
                    Chunk::Own(b) => b,
                    Chunk::Previous(at, len) => match self.previous.as_mut() {
                        Some(w) => w[i].get(*at, *len)?,
                        None => return Err(io::Error::other(
                            "combined files: a project's previous bytes are missing (hyoka bug)",
                        )),
                    },
                };
            s.write_all(b)?;
            if i == 1 {
                rows.extend_from_slice(b);
            }
            spans.0[i] = (self.at[i], b.len() as u64);
            self.at[i] += b.len() as u64;
        }
        let dept = match self.departments.get_mut(&d.department) {
            Some(s) => s,
            None => {
                let mut s = self.sink.open(&department_csv(&d.department))?;
                s.write_all(&self.ex.projects.csv)?;
                self.departments.entry(d.department.clone()).or_insert(s)
            }
        };
        dept.write_all(&rows)?;
        self.book.append(Arc::clone(&d.sheet_rows), key)?;
        Ok(spans)
    }

    /// Closes the combined files and writes the rest of `data/`: the
    /// department tables, the JSON Schema, the data package and the
    /// catalogue. `content` needs only slim projects. Returns the size of
    /// every main file, by path, and the workbook's layout.
    pub fn finish(
        self,
        content: &Content,
    ) -> io::Result<(BTreeMap<String, u64>, workbook::Layout)> {
        let Streams {
            ex,
            sink,
            mut json,
            count,
            projects,
            indicators,
            ratings,
            mut departments,
            book,
            ..
        } = self;
        json.write_all(if count == 0 {
            b"[]\n}\n"
        } else {
            b"\n  ]\n}\n"
        })?;
        let mut sizes = BTreeMap::new();
        sizes.insert(data_path("projects.json"), json.finish()?);
        let mut resources = Vec::new();
        for (head, stream) in [
            (&ex.projects, projects),
            (&ex.indicators, indicators),
            (&ex.ratings, ratings),
        ] {
            let bytes = stream.finish()?;
            if let Some(m) = meta(head.table.name) {
                resources.push(resource(&head.table, m, bytes));
                sizes.insert(data_path(m.file), bytes);
            }
        }
        for d in &content.org.departments {
            match departments.remove(&d.id) {
                Some(s) => {
                    s.finish()?;
                }
                None => sink.put(&department_csv(&d.id), &ex.projects.csv)?,
            }
        }
        // Projects whose department is unknown cannot pass `check`; close
        // their files all the same.
        for (_, s) in departments {
            s.finish()?;
        }
        for t in [
            tables::departments(content),
            tables::department_names(content),
        ] {
            let bytes = write_csv(&t.fields, &t.rows);
            if let Some(m) = meta(t.name) {
                resources.push(resource(&t, m, bytes.len() as u64));
                sink.put(&data_path(m.file), &bytes)?;
                sizes.insert(data_path(m.file), bytes.len() as u64);
            }
        }
        let xlsx = book.finish()?;
        let mut layout = workbook::Layout::default();
        if let Some(m) = meta("projects-xlsx") {
            // Written as it is assembled, not held whole in memory.
            let mut stream = sink.open(&data_path(m.file))?;
            let (bytes, l) = xlsx.write_to(&mut stream)?;
            stream.finish()?;
            layout = l;
            resources.push(serde_json::json!({
                "name": m.name,
                "path": m.file,
                "title": m.title,
                "description": m.description,
                "format": "xlsx",
                "mediatype": m.mediatype,
                "bytes": bytes,
            }));
            sizes.insert(data_path(m.file), bytes);
        }
        drop(xlsx);
        let put_json = |sizes: &mut BTreeMap<String, u64>, file: &str, v: &Value| {
            let text = to_json(v);
            sizes.insert(data_path(file), text.len() as u64);
            sink.put(&data_path(file), text.as_bytes())
        };
        put_json(
            &mut sizes,
            "projects.schema.json",
            &record::projects_schema(&url(content, "projects.schema.json")),
        )?;
        put_json(
            &mut sizes,
            "datapackage.json",
            &datapackage(content, &ex.created, resources),
        )?;
        // Only with a base URL: a catalogue's URLs must be absolute.
        if let Some(catalog) = catalog(content, &ex.created, &sizes) {
            let jsonld = catalog_jsonld(content, &catalog, &sizes);
            put_json(&mut sizes, "catalog.json", &catalog)?;
            put_json(&mut sizes, "catalog.jsonld", &jsonld)?;
        }
        Ok((sizes, layout))
    }
}

/// Non-finite numbers (YAML `.nan`, `.inf`) are not data: drop them (the
/// JSON records and the CSV tables alike).
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// Pretty JSON without a final newline.
fn pretty<T: Serialize>(v: &T) -> String {
    // Every exported type serializes to JSON (string keys only).
    serde_json::to_string_pretty(v).expect("export records serialize to JSON")
}

/// Pretty JSON with a final newline.
fn to_json<T: Serialize>(v: &T) -> String {
    let mut s = pretty(v);
    s.push('\n');
    s
}
