//! Reporting to the terminal and CI: exit codes and the printing of
//! diagnostics, shared by the commands ([`crate::cli`], [`crate::build`]).
//! It formats nothing itself: the text comes from [`crate::diag`].

use std::io::Write;

use clap::ValueEnum;

/// Exit code: content errors.
pub const EXIT_CONTENT: u8 = 1;
/// Exit code: usage errors (clap's own).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: I/O errors.
pub const EXIT_IO: u8 = 3;

/// Output format of diagnostics.
#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// `path:line:col: error: message` と ヒント
    Human,
    /// GitHub Actions の注釈（::error file=…）
    Github,
}

/// Prints diagnostics to stdout (github) or stderr (human).
pub fn print_diags(diags: &crate::diag::Diagnostics, format: Format) {
    match format {
        Format::Human => {
            let _ = std::io::stderr().write_all(diags.human().as_bytes());
        }
        Format::Github => {
            let _ = std::io::stdout().write_all(diags.github().as_bytes());
            let _ = std::io::stderr().write_all(diags.human().as_bytes());
        }
    }
}
