//! `hyoka import`: spreadsheets back into project files.
//!
//! Reads the workbook `hyoka build` writes (`data/projects.xlsx`, or its
//! sheets saved as CSV named after the sheets) or, with `--form MAP.yaml`,
//! one evaluation sheet per worksheet laid out as a fixed form ([`form`]).
//! Each project becomes the text of its YAML file ([`yaml`]) and goes
//! through the same checks as `hyoka check` ([`crate::load::project_from_text`])
//! before anything is written; every problem is reported at the cell its
//! value came from (`FILE.xlsx:シート名!C12: error: …`), and nothing is
//! written when there is any. A new id writes a new file; an existing file
//! changes only with `--update`, after a per-field diff; `--dry-run` only
//! prints.
//!
//! Owns: reading spreadsheets and writing project files. Must not: touch
//! anything but the project files it names.

pub mod form;
pub mod sheet;
mod table;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use crate::content::Content;
use crate::diag::{excerpt, Diagnostic, Diagnostics};
use crate::model::ProjectDoc;
use crate::report::{print_diags, Format, EXIT_CONTENT, EXIT_IO, EXIT_USAGE};

/// Field path (`fiscal_years.0.budget`) → cell (`年度別の経費と人員!E3`).
pub type Origins = HashMap<String, String>;

/// One project read from a spreadsheet.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Project id.
    pub id: String,
    /// Series id.
    pub series: String,
    /// The document.
    pub doc: ProjectDoc,
    /// Where each value came from.
    pub origins: Origins,
    /// The cell to report a problem at when its field has no cell.
    pub fallback: String,
    /// The spreadsheet file.
    pub file: PathBuf,
}

/// What `hyoka import` was asked to do: its command-line arguments (the
/// field docs are its `--help`), and `quiet` from the global flag.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// 読み込むファイル（.xlsx・.xls・.ods、またはシート名.csv）
    pub files: Vec<PathBuf>,
    /// コンテンツのフォルダ
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// すでにある事業ファイルも、違いを表示してから書き換える
    #[arg(long)]
    pub update: bool,
    /// 表示だけして何も書き込まない
    #[arg(long)]
    pub dry_run: bool,
    /// 評価シートのフォームとして読む（セルの対応表 MAP.yaml）
    #[arg(long, value_name = "MAP.yaml")]
    pub form: Option<PathBuf>,
    /// 表示形式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print less (the global `--quiet`, set by the CLI after parsing).
    #[arg(skip)]
    pub quiet: bool,
}

/// What will happen to one project file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A new file.
    Create,
    /// An existing file with these differences (`path: old → new`).
    Update(Vec<String>),
    /// The file holds the same data already.
    Same,
}

/// A project ready to be written.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Where it goes.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// What changes.
    pub action: Action,
}

/// Reads the spreadsheets into projects (every problem in `diags`).
pub fn read(
    files: &[PathBuf],
    form_map: Option<&Path>,
    content: &Content,
    diags: &mut Diagnostics,
) -> Vec<Imported> {
    let map = match form_map {
        Some(m) => match form::Map::load(m) {
            Ok(map) => Some(map),
            Err(d) => {
                diags.push(d);
                return Vec::new();
            }
        },
        None => None,
    };
    let mut out = Vec::new();
    let mut csvs = Vec::new();
    for f in files {
        let ext = f
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if ext == "csv" {
            match sheet::read_csv(f) {
                Ok(g) => csvs.push(g),
                Err(d) => diags.push(d),
            }
            continue;
        }
        let grids = match sheet::read_workbook(f) {
            Ok(g) => g,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        match &map {
            Some(m) => out.extend(form::read(m, &grids, content, diags)),
            None => out.extend(table::read(&grids, content, diags)),
        }
    }
    if !csvs.is_empty() {
        match &map {
            Some(m) => out.extend(form::read(m, &csvs, content, diags)),
            None => out.extend(table::read(&csvs, content, diags)),
        }
    }
    out
}

/// The cell for a problem `check` reported on `line` (1-based) of the text.
fn cell_of(imp: &Imported, text: &yaml::Text, line: usize) -> String {
    let mut path = text
        .paths
        .get(line.saturating_sub(1))
        .cloned()
        .flatten()
        .unwrap_or_default();
    loop {
        if let Some(c) = imp.origins.get(&path) {
            return c.clone();
        }
        match path.rfind('.') {
            Some(i) => path.truncate(i),
            None => return imp.fallback.clone(),
        }
    }
}

/// Checks every imported project as `check` would and plans its file;
/// problems go to `diags` at their cells.
pub fn plan(
    imported: &[Imported],
    content: &Content,
    content_dir: &Path,
    diags: &mut Diagnostics,
) -> Vec<Planned> {
    let existing: HashMap<&str, &crate::content::Project> = content
        .series
        .iter()
        .flat_map(|s| &s.projects)
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mut seen: HashMap<&str, &Imported> = HashMap::new();
    let mut out = Vec::new();
    for imp in imported {
        if let Some(first) = seen.insert(imp.id.as_str(), imp) {
            diags.push(
                Diagnostic::at_cell(
                    &imp.file,
                    imp.fallback.clone(),
                    format!("事業ID「{}」が重複しています", excerpt(&imp.id)),
                )
                .hint(format!(
                    "{}:{} と同じIDです",
                    first.file.display(),
                    first.fallback
                )),
            );
            continue;
        }
        let Some(series) = content.series.iter().find(|s| s.id == imp.series) else {
            continue;
        };
        if let Err(crate::scaffold::NewError::Usage(m)) =
            crate::scaffold::target(Path::new(""), &imp.series, &imp.id)
        {
            diags.push(
                Diagnostic::at_cell(&imp.file, imp.fallback.clone(), m)
                    .hint("事業IDを直してください"),
            );
            continue;
        }
        let old = existing.get(imp.id.as_str());
        if let Some(p) = old {
            if p.series != imp.series {
                diags.push(
                    Diagnostic::at_cell(
                        &imp.file,
                        imp.fallback.clone(),
                        format!(
                            "事業ID「{}」はシリーズ「{}」の {} ですでに使われています",
                            excerpt(&imp.id),
                            p.series,
                            content_dir.join(&p.file).display()
                        ),
                    )
                    .hint("事業IDはシリーズをまたいでも重複できません。シリーズIDか事業IDを直してください"),
                );
                continue;
            }
        }
        let path = match old {
            Some(p) => content_dir.join(&p.file),
            None => content_dir
                .join(&imp.series)
                .join(format!("{}.yaml", imp.id)),
        };
        let text = yaml::project_text(&imp.doc, &series.doc);
        let mut found = Diagnostics::default();
        let checked = crate::load::project_from_text(
            &path,
            &text.text,
            &series.doc,
            Some(&content.org),
            &mut found,
        );
        for d in found.0 {
            let cell = cell_of(imp, &text, d.line);
            diags.push(Diagnostic {
                file: imp.file.clone(),
                cell: Some(cell),
                ..d
            });
        }
        let Some(doc) = checked else { continue };
        let action = match old {
            None => Action::Create,
            Some(p) => {
                let changes = diff(&p.doc, &doc);
                if changes.is_empty() {
                    Action::Same
                } else {
                    Action::Update(changes)
                }
            }
        };
        out.push(Planned {
            path,
            text: text.text,
            action,
        });
    }
    out
}

/// Per-field differences `path: old → new` between two documents.
pub fn diff(old: &ProjectDoc, new: &ProjectDoc) -> Vec<String> {
    let a = serde_json::to_value(old).unwrap_or(Value::Null);
    let b = serde_json::to_value(new).unwrap_or(Value::Null);
    let mut out = Vec::new();
    walk("", &a, &b, &mut out);
    out
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                walk(&join(k), v, y.get(k).unwrap_or(&Value::Null), out);
            }
            for (k, v) in y {
                if !x.contains_key(k) {
                    walk(&join(k), &Value::Null, v, out);
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                walk(
                    &join(&i.to_string()),
                    x.get(i).unwrap_or(&Value::Null),
                    y.get(i).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (x, y) if x == y => {}
        (x, y) => out.push(format!(
            "{path}: {} → {}",
            excerpt(&x.to_string()),
            excerpt(&y.to_string())
        )),
    }
}

/// Runs `hyoka import`.
pub fn run(o: &Options) -> ExitCode {
    if o.files.is_empty() {
        eprintln!("error: 読み込むファイルを指定してください\n  = ヒント: 例: hyoka import output/data/projects.xlsx");
        return ExitCode::from(EXIT_USAGE);
    }
    let content = match crate::pipeline::load(&o.content) {
        Ok(c) => c,
        Err(d) => {
            print_diags(&d, o.format);
            return ExitCode::from(EXIT_CONTENT);
        }
    };
    let mut diags = Diagnostics::default();
    let imported = read(&o.files, o.form.as_deref(), &content, &mut diags);
    let planned = plan(&imported, &content, &o.content, &mut diags);
    if !diags.is_empty() {
        print_diags(&diags, o.format);
        eprintln!("何も書き込んでいません。");
        return ExitCode::from(EXIT_CONTENT);
    }
    let mut written = 0;
    for p in &planned {
        let shown = crate::diag::escape_controls(&p.path.display().to_string());
        match &p.action {
            Action::Same => {
                if !o.quiet {
                    eprintln!("変更なし: {shown}");
                }
                continue;
            }
            Action::Create => {
                if !o.quiet {
                    eprintln!("新規: {shown}");
                }
            }
            Action::Update(changes) => {
                eprintln!("変更: {shown}");
                for c in changes {
                    eprintln!("  {}", crate::diag::escape_controls(c));
                }
                if !o.update {
                    eprintln!("  （上書きするには --update を付けてください）");
                    continue;
                }
            }
        }
        if o.dry_run {
            continue;
        }
        let result = match &p.action {
            Action::Create => p
                .path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| crate::output::create_new_file(&p.path, &p.text)),
            _ => std::fs::write(&p.path, &p.text),
        };
        if let Err(e) = result {
            eprintln!("error: {shown}: {e}");
            return ExitCode::from(EXIT_IO);
        }
        written += 1;
    }
    if !o.quiet {
        if o.dry_run {
            eprintln!(
                "--dry-run のため何も書き込んでいません（{} 件の事業を読みました）。",
                planned.len()
            );
        } else {
            eprintln!(
                "{written} 件の事業ファイルを書き込みました（{} 件の事業を読みました）。",
                planned.len()
            );
        }
    }
    ExitCode::SUCCESS
}
