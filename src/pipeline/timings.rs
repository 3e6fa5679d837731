//! Time per stage of a build, for `hyoka -v build` and the benchmarks:
//! wall time per phase, and per-project stages summed over threads. Only
//! records durations; never prints or writes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Time per stage. Per-project stages run on several threads at once, so
/// they are summed over threads ("cpu"); the phases are wall time, each
/// its own: `data-files`, `search-index` and `aggregate-pages` run at
/// once, and `tail` is the wall time of the whole of them and
/// `sized-pages` (the two pages that wait for the data files).
#[derive(Debug, Default)]
pub struct Timings {
    /// (phase, wall time), in order.
    pub phases: Vec<(&'static str, Duration)>,
    pub(super) load: AtomicU64,
    pub(super) render: AtomicU64,
    pub(super) charts: AtomicU64,
    pub(super) export: AtomicU64,
    pub(super) write: AtomicU64,
    pub(super) search: AtomicU64,
    /// The serial part of the search index (adding each document).
    pub(super) search_merge: AtomicU64,
    pub(super) reuse: AtomicU64,
    /// Rows of the pages' tables copied from the previous build, and rows
    /// in all (see `render::rest`).
    pub rows: (usize, usize),
    /// Project files read to hash them, and project files in all (a file
    /// whose status is as the cache recorded is not read).
    pub files: (usize, usize),
}

impl Timings {
    pub(super) fn add(counter: &AtomicU64, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        counter.fetch_add(ns, Ordering::Relaxed);
    }

    /// Records a phase that started at `since`.
    pub fn phase(&mut self, name: &'static str, since: Instant) {
        self.phases.push((name, since.elapsed()));
    }

    /// Records a phase that took `d` (one of several run at once).
    pub fn took(&mut self, name: &'static str, d: Duration) {
        self.phases.push((name, d));
    }

    /// Per-project stages, summed over threads.
    pub fn per_project(&self) -> [(&'static str, Duration); 8] {
        let d = |c: &AtomicU64| Duration::from_nanos(c.load(Ordering::Relaxed));
        [
            ("load", d(&self.load)),
            ("render", d(&self.render)),
            ("charts", d(&self.charts)),
            ("export", d(&self.export)),
            ("write", d(&self.write)),
            ("search", d(&self.search)),
            ("search-merge", d(&self.search_merge)),
            ("reuse", d(&self.reuse)),
        ]
    }

    /// The report of `-v`: one line per phase (`wall`, elapsed time) and
    /// per per-project stage (`cpu`, summed over threads).
    pub fn report(&self) -> String {
        let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
        let mut s = String::new();
        for (name, d) in &self.phases {
            s.push_str(&format!("  wall {name:<16} {:>9.1} ms\n", ms(d)));
        }
        for (name, d) in self.per_project() {
            s.push_str(&format!("  cpu  {name:<16} {:>9.1} ms\n", ms(&d)));
        }
        if self.files.1 > 0 {
            s.push_str(&format!(
                "  content files read {} of {}\n",
                self.files.0, self.files.1
            ));
        }
        if self.rows.1 > 0 {
            s.push_str(&format!(
                "  rows copied {} of {}\n",
                self.rows.0, self.rows.1
            ));
        }
        s
    }
}
