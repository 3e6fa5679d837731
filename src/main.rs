//! The `hyoka` binary: see [`hyoka::cli`].

// mimalloc: the build allocates many short-lived strings on two threads;
// glibc malloc spent ~15 % of a 10,000-project build in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tune_allocator();
    hyoka::cli::run()
}

// mimalloc's C API (`mimalloc.h` of the v3 sources that libmimalloc-sys
// builds); its option numbers are part of its ABI (retired options keep
// their place as `deprecated_*`).
extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay`: milliseconds before freed memory goes back to
/// the system.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Gives freed memory back after 10 ms instead of mimalloc's 1 s: a build
/// frees most of what each chunk of projects took before the next takes
/// as much again, and holding it raised the peak RSS of 10,000 sheets from
/// about 160 to 235 MB, for no measurable time (benches/README.md).
fn tune_allocator() {
    // SAFETY: a plain setter of mimalloc's, called before other threads
    // start; the option is read again on each purge.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 10) }
}
