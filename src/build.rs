//! `hyoka build`: runs the [`crate::pipeline`] into a staging folder and
//! swaps it in; prints timings and the result.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::{print_diags, Format, EXIT_CONTENT, EXIT_IO};
use crate::diag::Diagnostics;
use crate::output::Staging;
use crate::pipeline::{self, Failure, Timings};
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

/// Builds `o.content` into `o.output`; returns the number of projects.
/// On any failure the previous output is left as it was.
pub fn build(o: &Options, timings: &mut Timings) -> Result<usize, Failure> {
    let theme = Theme::load(o.theme.as_deref()).map_err(Failure::Content)?;
    let stage = Staging::new(&o.output)?;
    let n = pipeline::build(&o.content, &theme, o.base_url.as_deref(), &stage, timings)?;
    let t = Instant::now();
    stage.commit()?;
    timings.phase("swap", t);
    Ok(n)
}

/// Runs a build from the CLI.
pub fn run(o: &Options) -> ExitCode {
    let start = Instant::now();
    let mut timings = Timings::default();
    let result = build(o, &mut timings);
    if o.verbose {
        eprint!("{}", timings.report());
    }
    match result {
        Ok(n) => {
            if !o.quiet {
                eprintln!(
                    "{n} 件の事業のサイトを {} に書き出しました（{:.2} 秒）",
                    o.output.display(),
                    start.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Content(d)) => {
            print_diags(&d, Format::Human);
            stopped(o);
            ExitCode::from(EXIT_CONTENT)
        }
        Err(Failure::Io(e)) => {
            eprintln!("error: {}: {e}", o.output.display());
            stopped(o);
            ExitCode::from(EXIT_IO)
        }
    }
}

fn stopped(o: &Options) {
    eprintln!(
        "ビルドを中止しました。{} は変更していません。",
        o.output.display()
    );
}

/// Problems of a build, for callers that only report them.
pub fn diagnostics(f: Failure) -> Diagnostics {
    match f {
        Failure::Content(d) => d,
        Failure::Io(e) => {
            let mut d = Diagnostics::default();
            d.push(crate::diag::Diagnostic::new(
                std::path::Path::new("output"),
                crate::diag::Pos::START,
                format!("書き込みに失敗しました: {e}"),
            ));
            d
        }
    }
}
