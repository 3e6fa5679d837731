//! The workbook on a thread of its own: the caller sends each project's
//! rows over a bounded channel (at most [`BOUND`] projects wait in memory)
//! and the thread appends them and, at the end, zips the file.
//! Writing the cells and compressing them (the largest part of the
//! workbook's cost) thus leave the serial merger of the build. It must not
//! decide what goes in a cell (that is `rows`) nor how it is written (that
//! is `book`).

use std::io;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use crate::content::Content;
use crate::export::tables::csv_money_unit;

use super::book::{check, Book, Finished, Previous};
use super::rows::Sheets;
use super::sheets::{sheets, Sheet};

/// Projects waiting for the thread at most. The build merges its projects
/// a chunk of 256 at a time (`CHUNK` in `crate::pipeline`): with room for a
/// chunk the merger hands its rows over without waiting and the thread
/// catches up while the next chunk renders. With room for 16, the merger
/// waited 1.1 to 1.3 s in all for the thread on 10,000 real sheets, with
/// 256 under 0.2 s. A project's rows take about as much memory as their
/// 13 KB of sheet XML, so a full channel holds about 3 to 4 MB.
const BOUND: usize = 256;

/// Projects sent to the thread at once: one message (and one wake-up of
/// the thread) per project cost the serial merger about 35 ms of a
/// one-file rebuild of 10,000 sheets.
const BATCH: usize = 32;

/// Projects' rows with what they were made from (see [`Book::append`]).
type Batch = Vec<(Arc<Sheets>, Option<u128>)>;

enum Msg {
    /// Projects' rows, in site order.
    Rows(Batch),
    /// No more projects: save.
    Finish,
}

/// The workbook, ready to write.
type Saved = Finished;

/// `data/projects.xlsx` being written on its own thread.
pub struct Writer {
    /// The project sheets, to refuse a too-long cell in the caller's thread
    /// (at the project that has it, as when the workbook was written there).
    sheets: Vec<Sheet>,
    tx: SyncSender<Msg>,
    /// Projects not sent yet, fewer than `batch`.
    pending: Batch,
    batch: usize,
    /// `None` once joined (after it stopped early).
    thread: Option<JoinHandle<io::Result<Saved>>>,
}

fn run(mut book: Book, rx: Receiver<Msg>) -> io::Result<Saved> {
    for msg in rx {
        match msg {
            Msg::Rows(batch) => {
                for (rows, key) in batch {
                    book.append(rows, key)?;
                }
            }
            Msg::Finish => return book.finish(),
        }
    }
    // The caller went away without finishing (its build failed): nothing
    // to save, and nobody reads this.
    Err(io::Error::other(
        "projects.xlsx: 書き出しが途中で打ち切られました",
    ))
}

impl Writer {
    /// Opens the workbook (headers, formats) and starts its thread; see
    /// [`Book::open`] for `deps` and `previous`.
    pub fn open(
        content: &Content,
        deps: Option<u128>,
        previous: Option<Previous>,
    ) -> io::Result<Writer> {
        Writer::open_bounded(content, deps, previous, BOUND)
    }

    fn open_bounded(
        content: &Content,
        deps: Option<u128>,
        previous: Option<Previous>,
        bound: usize,
    ) -> io::Result<Writer> {
        let book = Book::open(content, deps, previous)?;
        // `bound` projects wait at most, in whole batches.
        let batch = BATCH.min(bound).max(1);
        let (tx, rx) = sync_channel((bound / batch).max(1));
        let thread = thread::Builder::new()
            .name("hyoka-xlsx".into())
            .spawn(move || run(book, rx))?;
        Ok(Writer {
            sheets: sheets(csv_money_unit(content)),
            tx,
            pending: Vec::with_capacity(batch),
            batch,
            thread: Some(thread),
        })
    }

    /// Queues one project's rows (call in site order). Fails at once on a
    /// cell too long for Excel, and with the thread's own error when the
    /// thread has stopped.
    pub fn append(&mut self, rows: Arc<Sheets>, key: Option<u128>) -> io::Result<()> {
        // Packed rows come from the build cache: they passed when made.
        if let Sheets::Made(r) = &*rows {
            check(&self.sheets, r)?;
        }
        self.pending.push((rows, key));
        if self.pending.len() < self.batch {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.pending, Vec::with_capacity(self.batch));
        match self.tx.send(Msg::Rows(batch)) {
            Ok(()) => Ok(()),
            // The thread has ended before the end, so it failed.
            Err(_) => Err(join(self.thread.take()).err().unwrap_or_else(stopped)),
        }
    }

    /// Ends the workbook: ready to write ([`Finished::write_to`]).
    pub fn finish(self) -> io::Result<Finished> {
        let Writer {
            tx,
            thread,
            pending,
            ..
        } = self;
        // A failed send means the thread has already ended; joining it
        // gives its error.
        if !pending.is_empty() {
            let _ = tx.send(Msg::Rows(pending));
        }
        let _ = tx.send(Msg::Finish);
        drop(tx);
        join(thread)
    }
}

fn stopped() -> io::Error {
    io::Error::other(
        "projects.xlsx を作れませんでした: 書き出すスレッドが異常終了しました（hyoka の不具合です）",
    )
}

/// The thread's result; a panic becomes an error, never the caller's panic.
fn join(thread: Option<JoinHandle<io::Result<Saved>>>) -> io::Result<Saved> {
    match thread.map(JoinHandle::join) {
        Some(Ok(result)) => result,
        Some(Err(_)) | None => Err(stopped()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::export::workbook::{rows, Rows, Value};
    use crate::model::MoneyUnit;

    /// A writer whose thread runs `body` instead of a workbook.
    fn fake(body: impl FnOnce(Receiver<Msg>) -> io::Result<Saved> + Send + 'static) -> Writer {
        let (tx, rx) = sync_channel(BOUND / BATCH);
        Writer {
            sheets: sheets(MoneyUnit::ThousandYen),
            tx,
            pending: Vec::new(),
            batch: BATCH,
            thread: Some(thread::spawn(move || body(rx))),
        }
    }

    /// Appends empty projects until one fails (the channel holds `BOUND`
    /// projects in batches of `BATCH`, so a stopped thread shows within
    /// `BOUND + 2 × BATCH` calls).
    fn append_until_error(w: &mut Writer) -> io::Error {
        for _ in 0..=BOUND + 2 * BATCH {
            if let Err(e) = w.append(Arc::new(Sheets::Made(Rows::default())), None) {
                return e;
            }
        }
        panic!("a stopped thread went unnoticed");
    }

    #[test]
    fn the_thread_writes_the_same_bytes_as_the_book_alone() {
        let content = crate::pipeline::load(Path::new("content")).expect("shipped content");
        let mut book = Book::open(&content, None, None).unwrap();
        // A channel smaller than the content, so that appending waits for
        // the thread, in batches of `bound` (5: the last batch is partial
        // and sent by `finish`).
        let bound = 5;
        let mut writer = Writer::open_bounded(&content, None, None, bound).unwrap();
        let mut n = 0;
        for (s, p) in content.projects() {
            let r = rows(&content, s, p);
            let r = Arc::new(Sheets::Made(r));
            book.append(Arc::clone(&r), None).unwrap();
            writer.append(r, None).unwrap();
            n += 1;
        }
        // More projects than the channel holds: the bound was hit.
        assert!(n > bound, "{n} projects");
        assert_ne!(n % bound, 0, "a partial last batch");
        let alone = book.finish().unwrap().bytes().unwrap().0;
        let threaded = writer.finish().unwrap().bytes().unwrap().0;
        assert!(alone.starts_with(b"PK"), "a zip file");
        assert!(alone == threaded, "the thread changed the bytes");
    }

    const MAX: usize = super::super::sheets::MAX_CELL_CHARS;

    /// A thread that answers (as its error) how many projects reached it.
    fn counting(rx: Receiver<Msg>) -> io::Result<Saved> {
        let mut n = 0;
        for msg in rx {
            match msg {
                Msg::Rows(batch) => n += batch.len(),
                Msg::Finish => return Err(io::Error::other(format!("{n} projects"))),
            }
        }
        Err(io::Error::other("no finish"))
    }

    /// Rows with one text cell of `len` characters in sheet `sheet`, in
    /// the project id's column.
    fn with_text(sheet: usize, len: usize) -> Rows {
        let mut r = Rows(vec![Vec::new(); 7]);
        r.0[sheet].push(vec![
            Value::Text("112089".into()),
            Value::Text("too-long".into()),
            Value::Empty,
            Value::Text("あ".repeat(len)),
        ]);
        r
    }

    #[test]
    fn a_too_long_cell_fails_at_its_project_naming_it_and_its_sheet() {
        let mut w = fake(counting);
        w.append(Arc::new(Sheets::Made(with_text(0, MAX))), None)
            .unwrap();
        let e = w
            .append(Arc::new(Sheets::Made(with_text(5, MAX + 1))), None)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "projects.xlsx: 事業「too-long」のシート「評価」に 32767 文字を超える文があり、Excel のセルに入りません。文を短くするか分けてください"
        );
        // The cell of exactly the limit went through, the long one did not.
        assert_eq!(
            w.finish().err().map(|e| e.to_string()).as_deref(),
            Some("1 projects")
        );
    }

    #[test]
    fn an_error_of_the_thread_fails_the_next_append_with_it() {
        let mut w = fake(|rx| {
            let _ = rx.recv();
            Err(io::Error::other("壊れた行"))
        });
        assert_eq!(append_until_error(&mut w).to_string(), "壊れた行");
    }

    #[test]
    fn a_panicking_thread_fails_append_and_finish_without_panicking() {
        let mut w = fake(|rx| {
            let _ = rx.recv();
            panic!("test: the workbook thread panics");
        });
        assert_eq!(
            append_until_error(&mut w).to_string(),
            stopped().to_string()
        );
        let w = fake(|_| panic!("test: the workbook thread panics"));
        assert_eq!(
            w.finish().err().map(|e| e.to_string()),
            Some(stopped().to_string())
        );
    }
}
