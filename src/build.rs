//! `hyoka build`: load → aggregate → render → charts → export → output.

use std::path::PathBuf;
use std::process::ExitCode;

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
    /// More output.
    pub verbose: bool,
}

/// Runs a build.
pub fn run(_o: &Options) -> ExitCode {
    ExitCode::FAILURE
}
