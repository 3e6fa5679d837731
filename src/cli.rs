//! Command-line interface: parses arguments and runs one pipeline command.
//! `main.rs` only calls [`run`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::report::{print_diags, Format, EXIT_CONTENT, EXIT_IO, EXIT_USAGE};

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
        /// 出力先のフォルダ（hyoka が書き出したフォルダか空のフォルダだけを置き換えます。失敗した場合は元のまま残ります）
        #[arg(long, default_value = "output")]
        output: PathBuf,
        /// テーマのフォルダ（一部のテンプレートだけを上書きできます）
        #[arg(long)]
        theme: Option<PathBuf>,
        /// 公開URL（sitemap.xml、canonical・OGP、データカタログ catalog.json に使います）
        #[arg(long)]
        base_url: Option<String>,
        /// ビルドのキャッシュ（出力先の隣の .hyoka-cache フォルダ）を使わず、すべての事業を作り直します（新しいキャッシュは書きます）
        #[arg(long)]
        no_cache: bool,
    },
    /// 手元でサイトを表示し、ファイルを保存するたびに自動で更新します
    ///
    /// 例: hyoka serve --port 8000   （ブラウザで http://127.0.0.1:8000/ を開く）
    Serve {
        /// コンテンツのフォルダ
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// テーマのフォルダ
        #[arg(long)]
        theme: Option<PathBuf>,
        /// ポート番号（127.0.0.1 で待ち受けます）
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// 新しい事業のファイルを、すべての項目と説明つきで作ります（上書きはしません）
    ///
    /// 例: hyoka new jimu-2019 kodomo-shokudo --department kodomo-seisaku --name こども食堂支援事業
    New {
        /// シリーズ（content/ の下のフォルダ名）
        series: String,
        /// 事業ID（ファイル名になります。半角英小文字・数字・ハイフン）
        id: String,
        /// 担当課のID
        #[arg(long)]
        department: Option<String>,
        /// 事業名
        #[arg(long)]
        name: Option<String>,
        /// コンテンツのフォルダ
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
    /// Excel のブック（data/projects.xlsx）や評価シートのフォームを事業ファイルに読み込みます
    ///
    /// 例: hyoka import output/data/projects.xlsx --dry-run
    Import(crate::import::Options),
    /// JSON Schema を schema/ に書き出します（シリーズごとの事業のスキーマを含む。開発者向け）
    #[command(hide = true)]
    Schema {
        /// 書き出し先
        #[arg(long, default_value = "schema")]
        dir: PathBuf,
        /// コンテンツのフォルダ（シリーズごとのスキーマは、その課・評価の記号・期間・資料から作ります）
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
}

/// Runs the CLI and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    // `--base-url` is checked like site.yaml's base_url, before anything is touched.
    if let Command::Build {
        base_url: Some(url),
        ..
    } = &cli.command
    {
        if let Err(why) = crate::url::base_url(url) {
            eprintln!(
                "error: --base-url に指定したURL「{}」は使えません\n  = ヒント: {why}",
                url.escape_debug()
            );
            return ExitCode::from(EXIT_USAGE);
        }
    }
    match cli.command {
        Command::Check { content, format } => match crate::pipeline::check(&content) {
            Ok(c) => {
                // Warnings never change the exit code.
                let warnings = crate::load::lint::folder(&content);
                if !warnings.is_empty() {
                    print_diags(&warnings, format);
                }
                if !cli.quiet && !c.has_base_url {
                    eprintln!("{}", crate::pipeline::NO_BASE_URL_WARNING);
                }
                if !cli.quiet && !c.has_contact {
                    eprintln!("{}", crate::pipeline::NO_CONTACT_WARNING);
                }
                if !cli.quiet {
                    eprintln!(
                        "問題はありません: {} 件の事業、{} のシリーズ、{} の課",
                        c.projects, c.series, c.departments
                    );
                }
                ExitCode::SUCCESS
            }
            Err(mut diags) => {
                diags.0.extend(crate::load::lint::folder(&content).0);
                print_diags(&diags.sorted(), format);
                ExitCode::from(EXIT_CONTENT)
            }
        },
        Command::Build {
            content,
            output,
            theme,
            base_url,
            no_cache,
        } => crate::build::run(&crate::build::Options {
            content,
            output,
            theme,
            base_url,
            quiet: cli.quiet,
            verbose: cli.verbose,
            no_cache,
        }),
        Command::Serve {
            content,
            theme,
            port,
        } => {
            match crate::serve::run(&crate::serve::Options {
                content,
                theme,
                port,
                quiet: cli.quiet,
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(EXIT_IO)
                }
            }
        }
        Command::New {
            series,
            id,
            department,
            name,
            content,
        } => new_project(
            &content,
            &series,
            &id,
            department.as_deref(),
            name.as_deref(),
            cli.quiet,
        ),
        Command::Import(mut options) => {
            options.quiet = cli.quiet;
            crate::import::run(&options)
        }
        Command::Schema { dir, content } => write_schemas(&dir, &content),
    }
}

/// `hyoka schema`: the generic schemas and one project schema per series
/// of `content` (whose site, departments and series must load cleanly).
fn write_schemas(dir: &std::path::Path, content_dir: &std::path::Path) -> ExitCode {
    let mut diags = crate::diag::Diagnostics::default();
    let skeleton = crate::load::skeleton(content_dir, &mut diags);
    let content = match skeleton.content() {
        Some(c) if diags.is_empty() => c,
        _ => {
            print_diags(&diags, Format::Human);
            return ExitCode::from(EXIT_CONTENT);
        }
    };
    let result = std::fs::create_dir_all(dir.join(crate::schema::SERIES_DIR)).and_then(|_| {
        for (name, text) in crate::schema::all_for(&content) {
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

fn new_project(
    content_dir: &std::path::Path,
    series: &str,
    id: &str,
    department: Option<&str>,
    name: Option<&str>,
    quiet: bool,
) -> ExitCode {
    use crate::scaffold::{project_text, target, unique_id, NewError};
    let content = match crate::pipeline::load(content_dir) {
        Ok(c) => c,
        Err(d) => {
            print_diags(&d, Format::Human);
            return ExitCode::from(EXIT_CONTENT);
        }
    };
    let result = target(content_dir, series, id)
        .and_then(|path| unique_id(&content, content_dir, id).map(|()| path))
        .and_then(|path| Ok((path, project_text(&content, series, department, name)?)));
    match result {
        Ok((path, text)) => match crate::output::create_new_file(&path, &text) {
            Ok(()) => {
                if !quiet {
                    eprintln!(
                        "{} を作りました。値を書き込んだら hyoka check で確かめてください。",
                        path.display()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                eprintln!(
                    "error: {} はすでにあります。上書きはしません。",
                    path.display()
                );
                ExitCode::from(EXIT_IO)
            }
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                ExitCode::from(EXIT_IO)
            }
        },
        Err(NewError::Exists(p)) => {
            eprintln!(
                "error: {} はすでにあります。上書きはしません。",
                p.display()
            );
            ExitCode::from(EXIT_USAGE)
        }
        Err(NewError::Usage(m)) => {
            eprintln!("error: {}", crate::diag::escape_controls(&m));
            ExitCode::from(EXIT_USAGE)
        }
    }
}
