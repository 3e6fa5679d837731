//! Command-line interface: parses arguments and runs one pipeline command.
//! `main.rs` only calls [`run`].

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::load;

/// Exit code: content errors.
pub const EXIT_CONTENT: u8 = 1;
/// Exit code: usage errors (clap's own).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: I/O errors.
pub const EXIT_IO: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "hyoka",
    version,
    about = "事務事業評価のYAMLから、誰でも読めて再利用できる静的サイトとオープンデータを作ります",
    long_about = None,
    after_help = "終了コード: 0 成功 / 1 コンテンツの誤り / 2 使い方の誤り / 3 読み書きの失敗\n\n例:\n  hyoka check\n  hyoka build --base-url https://city.example/hyoka/\n  hyoka serve"
)]
pub struct Cli {
    /// 出力を減らす（エラーだけ表示）
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// 詳しく表示する
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of diagnostics.
#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// `path:line:col: error: message` と ヒント
    Human,
    /// GitHub Actions の注釈（::error file=…）
    Github,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// コンテンツを検査し、すべての誤りを「ファイル:行:列」で表示します
    ///
    /// 例: hyoka check --content content --format github
    Check {
        /// コンテンツのフォルダ
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// 表示形式
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// サイトとオープンデータを出力フォルダに書き出します
    ///
    /// 例: hyoka build --output output --base-url https://city.example/hyoka/
    Build {
        /// コンテンツのフォルダ
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// 出力先のフォルダ（失敗した場合は元のまま残ります）
        #[arg(long, default_value = "output")]
        output: PathBuf,
        /// テーマのフォルダ（一部のテンプレートだけを上書きできます）
        #[arg(long)]
        theme: Option<PathBuf>,
        /// 公開URL（sitemap.xml と canonical にだけ使います）
        #[arg(long)]
        base_url: Option<String>,
    },
    /// JSON Schema を schema/ に書き出します（開発者向け）
    #[command(hide = true)]
    Schema {
        /// 書き出し先
        #[arg(long, default_value = "schema")]
        dir: PathBuf,
    },
}

/// Runs the CLI and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { content, format } => match load::load(&content) {
            Ok(c) => {
                if !cli.quiet {
                    eprintln!(
                        "問題はありません: {} 件の事業、{} のシリーズ、{} の課",
                        c.project_count(),
                        c.series.len(),
                        c.org.departments.len()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(diags) => {
                print_diags(&diags, format);
                ExitCode::from(EXIT_CONTENT)
            }
        },
        Command::Build {
            content,
            output,
            theme,
            base_url,
        } => crate::build::run(&crate::build::Options {
            content,
            output,
            theme,
            base_url,
            quiet: cli.quiet,
            verbose: cli.verbose,
        }),
        Command::Schema { dir } => {
            let result = std::fs::create_dir_all(&dir).and_then(|_| {
                for (name, text) in crate::schema::all() {
                    std::fs::write(dir.join(name), text)?;
                }
                Ok(())
            });
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {}: {e}", dir.display());
                    ExitCode::from(EXIT_IO)
                }
            }
        }
    }
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
