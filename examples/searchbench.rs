//! Times the search index alone, on one thread: the documents
//! (`Doc::of`), their preparation (`Prepared::of`: normalising, grams,
//! chunk entry) and the index (`Indexer::add` + `finish` into memory).
//! Thread CPU time, so other jobs on the machine matter less.
//!
//! `cargo run --release --example searchbench -- CONTENT_DIR`

use std::time::Duration;

use hyoka::output::Memory;
use hyoka::search::{Doc, Indexer, Prepared};

fn cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: searchbench CONTENT_DIR");
        std::process::exit(2);
    };
    let cx = match hyoka::pipeline::load(std::path::Path::new(&root)) {
        Ok(c) => c,
        Err(d) => {
            eprintln!("{} problems in the content", d.0.len());
            std::process::exit(1);
        }
    };
    let t0 = cpu();
    let cx = &cx;
    let docs: Vec<Doc> = cx
        .series
        .iter()
        .flat_map(|s| s.projects.iter().map(move |p| Doc::of(cx, s, p)))
        .collect();
    let t1 = cpu();
    let ready: Vec<Prepared> = docs.iter().map(Prepared::of).collect();
    let t2 = cpu();
    let sink = Memory::default();
    let mut ix = Indexer::new(&sink);
    for r in &ready {
        ix.add(r).expect("add");
    }
    let t3 = cpu();
    ix.finish(&cx.synonyms.normalized()).expect("finish");
    let t4 = cpu();
    let files = sink.into_files();
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} docs: Doc::of {:.0} ms, Prepared::of {:.0} ms, add {:.0} ms, finish {:.0} ms; {} files, {} bytes",
        docs.len(),
        ms(t1 - t0),
        ms(t2 - t1),
        ms(t3 - t2),
        ms(t4 - t3),
        files.len(),
        bytes
    );
}
