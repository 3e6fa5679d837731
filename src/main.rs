//! The `hyoka` binary: see [`hyoka::cli`].

fn main() -> std::process::ExitCode {
    hyoka::cli::run()
}
