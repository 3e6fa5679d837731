//! `hyoka build`: runs the [`crate::pipeline`] into a staging folder and
//! swaps it in; prints timings and the result.
//!
//! With the build cache ([`crate::cache`], unless `--no-cache`): the cache
//! beside the output is read first (a bad one is ignored with a warning),
//! unchanged projects are taken from the previous output, and the new cache
//! is written only once the new output is in place (a failure to write it
//! is a warning, never a failed build). When nothing changed and the output
//! is intact, nothing is written at all. `--no-cache` ignores the old cache
//! and builds everything, then writes a fresh cache.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::cache;
use crate::output::{Commit, CommitError, Refusal, Staging};
use crate::pipeline::{self, Failure, Timings};
use crate::report::{print_diags, Format, EXIT_CONTENT, EXIT_IO, EXIT_USAGE};
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
    /// Build everything, ignoring the cache (a fresh one is still written).
    pub no_cache: bool,
}

/// Why a build stopped.
#[derive(Debug)]
pub enum Stop {
    /// The pipeline failed (content problems or a write error); the
    /// previous output is unchanged.
    Failed(Failure),
    /// The output folder may not be replaced; nothing was touched.
    Refused(Refusal),
    /// The swap failed; `CommitError` says whether the previous output is
    /// still in place.
    Swap(CommitError),
}

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    /// Number of projects.
    pub projects: usize,
    /// Whether the site had a base URL.
    pub has_base_url: bool,
    /// The swap: where the output went, and any previous output left behind.
    pub commit: Commit,
    /// Leftovers of earlier, killed builds that were removed first.
    pub cleaned: Vec<PathBuf>,
    /// Whether `data/catalog.json` was written (only with a base URL).
    pub catalog: bool,
    /// Nothing had changed: the previous output was left as it was.
    pub unchanged: bool,
    /// Warnings about the cache (`warning: ` lines, without the prefix).
    pub warnings: Vec<String>,
}

/// Builds `o.content` into `o.output`. On any failure the previous output
/// is left as it was; a folder hyoka did not write is never replaced.
pub fn build(o: &Options, timings: &mut Timings) -> Result<Built, Stop> {
    let theme = Theme::load(o.theme.as_deref()).map_err(|d| Stop::Failed(Failure::Content(d)))?;
    let mut protected: Vec<(&std::path::Path, &str)> = vec![(&o.content, "コンテンツのフォルダ")];
    if let Some(t) = &o.theme {
        protected.push((t, "テーマのフォルダ"));
    }
    let mut stage = Staging::new(&o.output, &protected).map_err(Stop::Refused)?;
    let cleaned = std::mem::take(&mut stage.cleaned);
    let mut warnings = Vec::new();
    let t = Instant::now();
    let place = cache::path_for(stage.target());
    let identity = match cache::identity() {
        Ok(id) => Some(id),
        Err(e) => {
            warnings.push(format!(
                "hyoka の実行ファイルを読めないため、ビルドのキャッシュを使いません（{e}）\n  = ヒント: すべての事業を毎回作り直します。結果は変わりません"
            ));
            None
        }
    };
    let previous = match (&place, identity) {
        (Some(p), Some(id)) if !o.no_cache => match cache::read(p, id) {
            Ok(c) => c,
            Err(why) => {
                warnings.push(format!(
                    "{}\n  = ヒント: 次のビルドで新しいキャッシュを書きます。続くようなら --no-cache を付けてビルドしてください",
                    why.0
                ));
                None
            }
        },
        _ => None,
    };
    timings.phase("cache-read", t);
    let mut data = match (&place, identity) {
        (Some(p), Some(_)) => cache::DataWriter::after(p, previous.as_ref()),
        _ => cache::DataWriter::memory(),
    };
    let (made, new_cache) = pipeline::build_cached(
        &o.content,
        &theme,
        o.base_url.as_deref(),
        &stage,
        timings,
        previous.as_ref(),
        &mut data,
    )
    .map_err(Stop::Failed)?;
    if made.unchanged {
        let target = stage.target().to_path_buf();
        let catalog = target.join("data/catalog.json").is_file();
        // The empty staging folder is removed; the output stays as it is.
        drop(stage);
        return Ok(Built {
            projects: made.projects,
            has_base_url: made.has_base_url,
            commit: Commit {
                target,
                old_left: None,
            },
            cleaned,
            catalog,
            unchanged: true,
            warnings,
        });
    }
    let catalog = stage.has("data/catalog.json");
    // Sorted while the previous output is removed (below).
    let mut outputs = stage.take_written();
    let t = Instant::now();
    // The cache is written once the new output is in place, while the
    // previous output is removed.
    let write_cache = || {
        let (Some(p), Some(id), Some(mut c)) = (&place, identity, new_cache) else {
            return None;
        };
        let t = Instant::now();
        outputs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        c.outputs = outputs;
        let failed = data.finish().and_then(|d| cache::write(p, id, &c, d)).err().map(|e| {
            format!(
                "ビルドのキャッシュ {} を書けませんでした（{e}）\n  = ヒント: サイトは書き出しました。次のビルドはすべての事業を作り直します",
                p.display()
            )
        });
        Some((t.elapsed(), failed))
    };
    let (commit, cached) = stage.commit_with(write_cache).map_err(Stop::Swap)?;
    // Both at once: the swap's time includes the cache's.
    timings.phase("swap", t);
    if let Some((took, failed)) = cached {
        timings.took("cache-write", took);
        warnings.extend(failed);
    }
    Ok(Built {
        projects: made.projects,
        has_base_url: made.has_base_url,
        commit,
        cleaned,
        catalog,
        unchanged: false,
        warnings,
    })
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
        Ok(b) => {
            if !o.quiet {
                for c in &b.cleaned {
                    eprintln!(
                        "中断したビルドの作業フォルダ {} を削除しました",
                        c.display()
                    );
                }
            }
            if !o.quiet {
                for w in &b.warnings {
                    eprintln!("warning: {w}");
                }
            }
            if let Some((old, e)) = &b.commit.old_left {
                eprintln!(
                    "warning: 新しいサイトに入れ替えましたが、以前の出力 {} を削除できませんでした: {e}",
                    old.display()
                );
            }
            if !o.quiet && !b.has_base_url {
                eprintln!("{}", pipeline::NO_BASE_URL_WARNING);
            }
            if !o.quiet {
                let shown = if o.output.is_symlink() {
                    format!(
                        "{}（リンク先 {}）",
                        o.output.display(),
                        b.commit.target.display()
                    )
                } else {
                    o.output.display().to_string()
                };
                eprintln!(
                    "{} 件の事業のサイトを {shown} に書き出しました（{:.2} 秒）",
                    b.projects,
                    start.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        Err(Stop::Failed(Failure::Content(d))) => {
            print_diags(&d, Format::Human);
            stopped(o);
            ExitCode::from(EXIT_CONTENT)
        }
        Err(Stop::Failed(Failure::Io(e))) | Err(Stop::Swap(CommitError::Unchanged(e))) => {
            eprintln!("error: {}: {e}", o.output.display());
            stopped(o);
            ExitCode::from(EXIT_IO)
        }
        Err(Stop::Swap(e @ CommitError::Moved { .. })) => {
            eprintln!(
                "error: {}: 新しいサイトに入れ替えられませんでした: {e}",
                o.output.display()
            );
            ExitCode::from(EXIT_IO)
        }
        Err(Stop::Refused(r)) => {
            eprintln!("error: {r}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn stopped(o: &Options) {
    eprintln!(
        "ビルドを中止しました。{} は変更していません。",
        o.output.display()
    );
}
