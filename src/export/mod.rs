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
//! - `data/catalog.json`: DCAT-US 1.1 catalogue for CKAN harvesters.
//!
//! Projects are exported one at a time ([`Exporter::project`]) and appended
//! to the combined files in order ([`Streams`]), so a build never holds the
//! whole export in memory. Nothing here writes to disk itself: files go to
//! a [`crate::output::Sink`].

pub mod record;
pub mod table;
pub mod tables;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::content::{Content, Project, Series};
use crate::output::{Memory, OutFile, Sink, Stream};

use table::{csv_header, csv_rows, table_schema, write_csv};
use tables::Table;

/// Version of the layout of the exported files (columns, keys). Bump the
/// major part when a column is removed or renamed.
pub const FORMAT_VERSION: &str = "1.0.0";

/// Folder of every data file, relative to the site root.
pub const DIR: &str = "data";

/// Description of a main file.
struct Meta {
    /// File name inside `data/`.
    file: &'static str,
    /// Resource / dataset name (ASCII).
    name: &'static str,
    title: &'static str,
    format: &'static str,
    mediatype: &'static str,
    description: &'static str,
}

const CSV: &str = "text/csv";
const JSON: &str = "application/json";

/// The main files, in the order the downloads page lists them.
const FILES: &[Meta] = &[
    Meta {
        file: "projects.csv",
        name: "projects",
        title: "事業別・年度別の経費・人員・評価",
        format: "CSV",
        mediatype: CSV,
        description: "事業ごと・年度ごとに1行。予算現額、決算額（見込みかどうか）、正規職員数と人件費、その他職員数、その年度を評価期間とする総合評価。経費の記載が無く評価だけがある年度も1行になります。",
    },
    Meta {
        file: "indicators.csv",
        name: "indicators",
        title: "成果指標の目標と実績",
        format: "CSV",
        mediatype: CSV,
        description: "成果指標ごと・年度ごとに1行。目標、実績、単位、達成率（％）、備考。",
    },
    Meta {
        file: "ratings.csv",
        name: "ratings",
        title: "評価期間ごとの総合評価",
        format: "CSV",
        mediatype: CSV,
        description: "事業ごと・評価期間ごとに1行（年度の評価と、計画期間を通じた総括）。評価の記号と名前。評価されていない行は評価が空欄で、理由があれば備考に記載。",
    },
    Meta {
        file: "departments.csv",
        name: "departments",
        title: "課の一覧",
        format: "CSV",
        mediatype: CSV,
        description: "課・室・所ごとに1行。現在の名称、部、旧名称、担当する事業の数。",
    },
    Meta {
        file: "department-names.csv",
        name: "department-names",
        title: "課の名称の履歴",
        format: "CSV",
        mediatype: CSV,
        description: "課・室・所の名称ごとに1行（古い順）。その名称が使われた年度（分かる場合）。",
    },
    Meta {
        file: "projects.json",
        name: "projects-json",
        title: "全事業の全項目",
        format: "JSON",
        mediatype: JSON,
        description: "すべての事業の全項目（事業概要、経費、活動実績、成果指標と達成率、評価と評価理由、SDGs、出典）を入れ子の形で。担当課と部の名称、評価の名前を解決済み。",
    },
    Meta {
        file: "projects.schema.json",
        name: "projects-schema",
        title: "全事業のJSONの構造",
        format: "JSON Schema",
        mediatype: "application/schema+json",
        description: "projects.json と data/projects/<事業ID>.json の構造と各項目の意味（JSON Schema 2020-12）。",
    },
    Meta {
        file: "datapackage.json",
        name: "datapackage",
        title: "データパッケージ",
        format: "JSON（Frictionless Data Package）",
        mediatype: JSON,
        description: "各CSVの列の型・単位・制約・キー、ライセンス、出典を機械可読な形で記述したもの（Frictionless Data Package v1）。frictionless validate で検証できます。",
    },
    Meta {
        file: "catalog.json",
        name: "catalog",
        title: "データカタログ",
        format: "JSON（DCAT-US 1.1）",
        mediatype: JSON,
        description: "CKAN などのデータカタログサイトが取り込むためのメタデータ（DCAT-US 1.1 の data.json 形式）。",
    },
];

fn meta(name: &str) -> Option<&'static Meta> {
    FILES.iter().find(|m| m.name == name)
}

fn data_path(file: &str) -> String {
    format!("{DIR}/{file}")
}

/// Relative paths of the per-project downloads.
pub fn project_files(project_id: &str) -> Vec<String> {
    vec![
        data_path(&format!("projects/{project_id}.json")),
        data_path(&format!("projects/{project_id}.csv")),
    ]
}

/// Relative paths of the per-department downloads.
pub fn department_files(dept_id: &str) -> Vec<String> {
    vec![department_csv(dept_id)]
}

/// One downloadable file, for the downloads page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Download {
    /// Path relative to the site root, e.g. `data/projects.csv`.
    pub path: String,
    /// Title in Japanese.
    pub title: String,
    /// Format, e.g. `CSV`.
    pub format: String,
    /// What it holds.
    pub description: String,
    /// Size in bytes.
    pub bytes: usize,
}

/// The main data files that exist, in display order, with their sizes
/// (`sizes`: path → bytes). Per-project and per-department files are left
/// to their own pages ([`project_files`], [`department_files`]).
pub fn downloads(sizes: &BTreeMap<String, u64>) -> Vec<Download> {
    FILES
        .iter()
        .filter_map(|m| {
            let path = data_path(m.file);
            let bytes = *sizes.get(&path)?;
            Some(Download {
                path,
                title: m.title.to_string(),
                format: m.format.to_string(),
                description: m.description.to_string(),
                bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
            })
        })
        .collect()
}

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
        let mut streams = Streams::open(content, &ex, &sink)?;
        for (s, p) in content.projects() {
            let data = ex.project(content, s, p);
            data.put(&sink)?;
            streams.append(&data)?;
        }
        streams.finish(content)
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

/// The data of one project, ready to be written alone and appended to the
/// combined files.
pub struct ProjectData {
    id: String,
    department: String,
    /// The record as pretty JSON, without the final newline.
    json: String,
    projects_rows: Vec<u8>,
    indicator_rows: Vec<u8>,
    rating_rows: Vec<u8>,
    /// `data/projects/<id>.csv`.
    csv: Vec<u8>,
}

impl ProjectData {
    /// Writes `data/projects/<id>.json` and `.csv`.
    pub fn put(&self, sink: &dyn Sink) -> io::Result<()> {
        for path in project_files(&self.id) {
            if path.ends_with(".csv") {
                sink.put(&path, &self.csv)?;
            } else {
                let mut j = Vec::with_capacity(self.json.len() + 1);
                j.extend_from_slice(self.json.as_bytes());
                j.push(b'\n');
                sink.put(&path, &j)?;
            }
        }
        Ok(())
    }
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

    /// The data of one project.
    pub fn project(&self, content: &Content, series: &Series, p: &Project) -> ProjectData {
        let record = record::project_record(content, series, p);
        let one = [(series, p)];
        let projects_rows = csv_rows(&tables::projects_of(content, &one).rows);
        let mut csv = Vec::with_capacity(self.projects.csv.len() + projects_rows.len());
        csv.extend_from_slice(&self.projects.csv);
        csv.extend_from_slice(&projects_rows);
        ProjectData {
            id: p.id.clone(),
            department: p.doc.department.clone(),
            json: pretty(&record),
            indicator_rows: csv_rows(&tables::indicators_of(content, &one).rows),
            rating_rows: csv_rows(&tables::ratings_of(content, &one).rows),
            projects_rows,
            csv,
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
}

impl<'a> Streams<'a> {
    /// Opens `projects.json`, `projects.csv`, `indicators.csv` and
    /// `ratings.csv` and writes their heads.
    pub fn open(content: &Content, ex: &'a Exporter, sink: &'a dyn Sink) -> io::Result<Self> {
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
        Ok(Streams {
            ex,
            sink,
            json: start("projects.json", head.as_bytes())?,
            count: 0,
            projects: start("projects.csv", &ex.projects.csv)?,
            indicators: start("indicators.csv", &ex.indicators.csv)?,
            ratings: start("ratings.csv", &ex.ratings.csv)?,
            departments: BTreeMap::new(),
        })
    }

    /// Appends one project (call in site order: series, then id).
    pub fn append(&mut self, d: &ProjectData) -> io::Result<()> {
        self.json
            .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        // Records sit two levels deep; a JSON string never holds a raw
        // line break, so indenting every line is exact.
        for line in d.json.split_inclusive('\n') {
            self.json.write_all(b"    ")?;
            self.json.write_all(line.as_bytes())?;
        }
        self.count += 1;
        self.projects.write_all(&d.projects_rows)?;
        self.indicators.write_all(&d.indicator_rows)?;
        self.ratings.write_all(&d.rating_rows)?;
        let dept = match self.departments.get_mut(&d.department) {
            Some(s) => s,
            None => {
                let mut s = self.sink.open(&department_csv(&d.department))?;
                s.write_all(&self.ex.projects.csv)?;
                self.departments.entry(d.department.clone()).or_insert(s)
            }
        };
        dept.write_all(&d.projects_rows)?;
        Ok(())
    }

    /// Closes the combined files and writes the rest of `data/`: the
    /// department tables, the JSON Schema, the data package and the
    /// catalogue. `content` needs only slim projects. Returns the size of
    /// every main file, by path.
    pub fn finish(self, content: &Content) -> io::Result<BTreeMap<String, u64>> {
        let Streams {
            ex,
            sink,
            mut json,
            count,
            projects,
            indicators,
            ratings,
            mut departments,
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
        let catalog = catalog(content, &ex.created, &sizes);
        put_json(&mut sizes, "catalog.json", &catalog)?;
        Ok(sizes)
    }
}

fn department_csv(dept_id: &str) -> String {
    data_path(&format!("departments/{dept_id}.csv"))
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
fn url(content: &Content, file: &str) -> String {
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

fn resource(t: &Table, m: &Meta, bytes: u64) -> Value {
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

fn datapackage(content: &Content, created: &str, resources: Vec<Value>) -> Value {
    let site = &content.site;
    let mut p = Map::new();
    p.insert("profile".into(), json!("tabular-data-package"));
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

fn catalog(content: &Content, created: &str, sizes: &BTreeMap<String, u64>) -> Value {
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

    #[test]
    fn paths() {
        assert_eq!(
            project_files("a"),
            vec!["data/projects/a.json", "data/projects/a.csv"]
        );
        assert_eq!(department_files("b"), vec!["data/departments/b.csv"]);
    }
}
