//! The `hyoka` binary: see [`hyoka::cli`].

// mimalloc: the build allocates many short-lived strings on two threads;
// glibc malloc spent ~15 % of a 10,000-project build in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    hyoka::cli::run()
}
