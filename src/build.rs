//! `hyoka build`: load → aggregate → render (with charts) → export → output.
//! Every stage returns data; only [`crate::output`] writes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::cli::{print_diags, Format, EXIT_CONTENT, EXIT_IO};
use crate::content::Content;
use crate::diag::Diagnostics;
use crate::output::{self, OutFile};
use crate::render::{self, DownloadView, RenderInput};
use crate::theme::Theme;

/// Options of a build.
#[derive(Debug, Clone)]
pub struct Options {
    /// Content folder.
    pub content: PathBuf,
    /// Output folder.
    pub output: PathBuf,
    /// User theme folder.
    pub theme: Option<PathBuf>,
    /// Base URL override.
    pub base_url: Option<String>,
    /// Errors only.
    pub quiet: bool,
    /// Per-stage timings.
    pub verbose: bool,
}

/// Time spent in each stage.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    /// (stage, duration), in order.
    pub stages: Vec<(&'static str, Duration)>,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// Problems in content or theme.
    Content(Diagnostics),
    /// Writing failed.
    Io(std::io::Error),
}

/// Everything a build produces, in memory.
pub fn generate(
    content: &Content,
    theme: &Theme,
    timings: &mut Timings,
) -> Result<Vec<OutFile>, Diagnostics> {
    let t = Instant::now();
    let created = content.site.updated.clone().unwrap_or_default();
    let mut data = crate::export::export(content, &created);
    timings.stages.push(("export", t.elapsed()));
    let downloads = crate::export::downloads(&data)
        .into_iter()
        .map(|d| DownloadView {
            path: d.path,
            title: d.title,
            format: d.format,
            description: d.description,
            size: human_size(d.bytes),
        })
        .collect();
    let t = Instant::now();
    let mut files = render::render(content, theme, &RenderInput { downloads })?;
    timings.stages.push(("render+charts", t.elapsed()));
    files.append(&mut data);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
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

/// Loads, generates and writes; returns the number of files written.
pub fn build(o: &Options, timings: &mut Timings) -> Result<usize, BuildError> {
    let t = Instant::now();
    let mut content = crate::load::load(&o.content).map_err(BuildError::Content)?;
    if let Some(b) = &o.base_url {
        content.site.base_url = Some(b.clone());
    }
    timings.stages.push(("load", t.elapsed()));
    let theme = Theme::load(o.theme.as_deref()).map_err(BuildError::Content)?;
    progress(
        o,
        t,
        &format!(
            "{} 件の事業からページとデータを作成中",
            content.project_count()
        ),
    );
    let files = generate(&content, &theme, timings).map_err(BuildError::Content)?;
    progress(o, t, &format!("{} 件のファイルを書き込み中", files.len()));
    let t2 = Instant::now();
    output::write_site(&o.output, &files).map_err(BuildError::Io)?;
    let t = t2;
    timings.stages.push(("write", t.elapsed()));
    Ok(files.len())
}

/// Shows progress on a terminal, only once a build has taken a while.
fn progress(o: &Options, start: Instant, msg: &str) {
    use std::io::IsTerminal;
    if !o.quiet && start.elapsed() > Duration::from_millis(500) && std::io::stderr().is_terminal() {
        eprint!("\r{msg}…\x1b[K");
    }
}

/// Runs a build from the CLI.
pub fn run(o: &Options) -> ExitCode {
    let start = Instant::now();
    let mut timings = Timings::default();
    match build(o, &mut timings) {
        Ok(n) => {
            if o.verbose {
                for (stage, d) in &timings.stages {
                    eprintln!("  {stage:<14} {:>8.1} ms", d.as_secs_f64() * 1000.0);
                }
            }
            if !o.quiet {
                eprintln!(
                    "{} 件のファイルを {} に書き出しました（{:.2} 秒）",
                    n,
                    o.output.display(),
                    start.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(d)) => {
            print_diags(&d, Format::Human);
            eprintln!(
                "ビルドを中止しました。{} は変更していません。",
                o.output.display()
            );
            ExitCode::from(EXIT_CONTENT)
        }
        Err(BuildError::Io(e)) => {
            eprintln!("error: {}: {e}", o.output.display());
            eprintln!(
                "ビルドを中止しました。{} は変更していません。",
                o.output.display()
            );
            ExitCode::from(EXIT_IO)
        }
    }
}
