//! `hyoka serve`: builds into memory, serves on 127.0.0.1, watches the
//! content and theme folders, rebuilds on change and tells open pages to
//! reload (server-sent events). A broken file does not stop the server: every
//! page shows the `check` errors until the file is fixed.
//!
//! The HTTP/1.1 server is hand-written on one [`mio`] event loop (mio comes
//! with `notify` anyway) on the main thread; besides it only the watcher,
//! the rebuild thread and rayon's build pool run, whatever local clients do,
//! and the memory they can make it hold is bounded:
//! - at most [`MAX_CONNS`] open connections; one more is answered 503 and
//!   closed at once;
//! - a connection's requests are handled one at a time and at most
//!   [`MAX_HEAD`] bytes of unread input are buffered (the rest waits in the
//!   kernel); a bigger request head gets 431, a head not complete within
//!   [`HEAD_TIMEOUT`] gets 408, an idle keep-alive connection is closed after
//!   [`IDLE_TIMEOUT`], and a connection serves at most [`MAX_REQUESTS`];
//! - only GET and HEAD without a body are served (others 405/413);
//! - file bodies are `Arc<[u8]>` shared by every response (the live-reload
//!   snippet is put into the HTML at rebuild time), written straight from
//!   the build to the socket;
//! - live-reload streams live on the same loop, at most [`MAX_STREAMS`]
//!   (then 503); each gets `data: <generation>` on rebuild and `: ping`
//!   every [`PING_EVERY`]; a stream whose client stops reading is dropped.
//!   A page asks for `?since=<its generation>`, so a rebuild that happened
//!   while it was loading is announced at once;
//! - a response takes at most [`WRITE_TIMEOUT`], so the files of older
//!   builds that slow readers still hold are soon freed.
//!
//! A request whose `Host` is not 127.0.0.1, [::1] or localhost gets 403, so
//! a page of another site re-pointed at this machine (DNS rebinding) cannot
//! read the preview. Paths are percent-decoded and then rejected (400) if they hold `.` or
//! `..` segments, backslashes or control characters; only the in-memory map
//! of built files is ever looked up.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use mio::net::TcpListener;
use mio::{Interest, Poll, Token, Waker};
use notify::{RecursiveMode, Watcher};

mod http;
mod server;

use server::Server;

use crate::diag::Diagnostics;
use crate::output::Memory;
use crate::pipeline::Timings;
use crate::theme::Theme;

/// Path of the event stream.
pub const EVENTS: &str = "/__hyoka/events";

/// Open connections at most (live-reload streams included).
pub const MAX_CONNS: usize = 128;
/// Rebuilds stopped in a row by newer changes at most; the next one runs
/// to the end whatever comes in.
const MAX_RESTARTS: u32 = 3;
/// Open live-reload streams at most.
pub const MAX_STREAMS: usize = 64;
/// Bytes of a request line and headers at most; also the most unread input
/// buffered for a connection.
pub const MAX_HEAD: usize = 16 * 1024;
/// Requests served on one connection at most; the last says `Connection: close`.
pub const MAX_REQUESTS: u32 = 100;
/// Time to send a whole request head, from its first byte.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// Time a kept-alive connection may wait for its next request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5);
/// Time to take one response.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Comment sent on every live-reload stream this often.
pub const PING_EVERY: Duration = Duration::from_secs(15);
/// After the last response, input is read and dropped for this long (so the
/// client gets that response rather than a reset) …
const LINGER_TIMEOUT: Duration = Duration::from_secs(1);
/// … or up to this many bytes (also the most a stream's client may send).
const LINGER_BYTES: usize = 256 * 1024;
/// Unsent bytes of a live-reload stream at most before it is dropped.
const STREAM_BACKLOG: usize = 4096;
/// How often deadlines are checked.
const TICK: Duration = Duration::from_millis(250);
/// Steps (a read, a request, a write) one connection may take before the
/// others get their turn.
const BUDGET: usize = 16;

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);

/// The live-reload snippet put before `</body>` of every HTML page of the
/// build `generation`: the stream answers at once when the server has moved
/// past it, so an edit saved while the page loads is not missed.
fn reload_snippet(generation: u64) -> String {
    format!(
        "<script>(function(){{var s=new EventSource(\"{EVENTS}?since={generation}\");s.onmessage=function(){{location.reload();}};}})();</script>"
    )
}

/// What the server currently serves.
#[derive(Default)]
struct State {
    /// Build generation, bumped on every rebuild.
    generation: u64,
    /// Files of the last good build (HTML with the reload snippet).
    files: BTreeMap<String, Arc<[u8]>>,
    /// Error page of the last build, when it failed.
    error: Option<Arc<[u8]>>,
    /// Generation of `files` (the last good build).
    built: u64,
    /// The build cache of the last good build (`files` are its output).
    cache: Option<crate::cache::Cache>,
}

type Shared = Arc<Mutex<State>>;

fn lock(shared: &Mutex<State>) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Builds once into `shared`; returns the build time or its problems, or
/// `Ok(None)` when `cancel` was set during the build (a newer change came
/// in): what is served is then left as it was.
fn rebuild(
    content: &Path,
    theme: Option<&Path>,
    shared: &Mutex<State>,
    cancel: &Arc<AtomicBool>,
) -> Result<Option<Duration>, Diagnostics> {
    let start = Instant::now();
    // Only this function changes the generation, and it runs on one thread
    // at a time (first the main thread, then the rebuild thread).
    let (generation, previous, cache) = {
        let mut st = lock(shared);
        // The last good build's files (bodies shared, not copied) and its
        // cache: unchanged projects are taken from them, not rendered.
        let files = st.files.clone();
        let snippet = reload_snippet(st.built);
        let previous: crate::output::Previous = Box::new(move |path: &str| {
            let body = files.get(path)?;
            if is_html(path) {
                strip(body, snippet.as_bytes())
            } else {
                Some(body.to_vec())
            }
        });
        (st.generation + 1, previous, st.cache.take())
    };
    let snippet = reload_snippet(generation);
    let result = Theme::load(theme).and_then(|t| {
        let sink = Memory::with_previous(previous).cancelled_by(cancel.clone());
        let mut data = crate::cache::DataWriter::memory();
        crate::pipeline::build_cached(
            content,
            &t,
            None,
            &sink,
            &mut Timings::default(),
            cache.as_ref(),
            &mut data,
        )
        .map(|(_, new)| {
            let new = match (new, data.finish()) {
                (Some(c), Ok(crate::cache::Written::Memory(m))) => Some(c.with_data(m)),
                _ => None,
            };
            Some((sink.into_files(), new))
        })
        .or_else(|f| match f {
            crate::pipeline::Failure::Io(e) if crate::output::is_cancelled(&e) => Ok(None),
            f => Err(f.into_diagnostics()),
        })
    });
    match result {
        Ok(None) => {
            lock(shared).cache = cache;
            Ok(None)
        }
        Ok(Some((files, new_cache))) => {
            let files: BTreeMap<String, Arc<[u8]>> = files
                .into_iter()
                .map(|f| {
                    let body = if is_html(&f.path) {
                        inject(&f.bytes, snippet.as_bytes())
                    } else {
                        Arc::from(f.bytes)
                    };
                    (f.path, body)
                })
                .collect();
            let old = {
                let mut st = lock(shared);
                st.error = None;
                st.generation = generation;
                st.built = generation;
                st.cache = new_cache;
                std::mem::replace(&mut st.files, files)
            };
            // The old files are freed outside the lock (responses still
            // being written keep theirs alive).
            drop(old);
            Ok(Some(start.elapsed()))
        }
        Err(d) => {
            let page = error_page(&d, &snippet);
            let mut st = lock(shared);
            st.error = Some(page);
            st.generation = generation;
            // The last good build's files and cache stay together.
            st.cache = cache;
            Err(d)
        }
    }
}

/// Shows an edit of project files at once: when every path of `changed`
/// is a project file that loads without a problem and the last build was
/// good, its own files (page, JSON, CSV; see [`crate::pipeline::own_files`])
/// replace theirs in what is served and open pages are told to reload. The
/// full rebuild that follows brings the pages listing the projects up to
/// date. Returns the time taken, or `None` when nothing was done.
fn show_own_files(
    content: &Path,
    theme: Option<&Path>,
    shared: &Mutex<State>,
    changed: &[PathBuf],
) -> Option<Duration> {
    let start = Instant::now();
    if lock(shared).error.is_some() {
        return None;
    }
    let theme = Theme::load(theme).ok()?;
    let files = crate::pipeline::own_files(content, &theme, changed)?;
    let mut st = lock(shared);
    if st.error.is_some() {
        return None;
    }
    let generation = st.generation + 1;
    let snippet = reload_snippet(generation);
    let mut old = Vec::with_capacity(files.len());
    for f in files {
        let body = if is_html(&f.path) {
            inject(&f.bytes, snippet.as_bytes())
        } else {
            Arc::from(f.bytes)
        };
        old.extend(st.files.insert(f.path, body));
    }
    // `built` stays: the other pages still carry its snippet, which the
    // rebuild strips to reuse them.
    st.generation = generation;
    drop(st);
    drop(old);
    Some(start.elapsed())
}

fn is_html(path: &str) -> bool {
    mime_guess::from_path(path).first_raw() == Some("text/html")
}

/// `html` with `snippet` before its last `</body>` (or at the end).
fn inject(html: &[u8], snippet: &[u8]) -> Arc<[u8]> {
    const END: &[u8] = b"</body>";
    let at = html
        .windows(END.len())
        .rposition(|w| w == END)
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet);
    out.extend_from_slice(&html[at..]);
    Arc::from(out)
}

/// The page [`inject`] made `served` from with `snippet`, when it was.
fn strip(served: &[u8], snippet: &[u8]) -> Option<Vec<u8>> {
    const END: &[u8] = b"</body>";
    let at = served
        .windows(END.len())
        .rposition(|w| w == END)
        .unwrap_or(served.len());
    let start = at.checked_sub(snippet.len())?;
    if &served[start..at] != snippet {
        return None;
    }
    let mut out = Vec::with_capacity(served.len() - snippet.len());
    out.extend_from_slice(&served[..start]);
    out.extend_from_slice(&served[at..]);
    Some(out)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn error_page(d: &Diagnostics, snippet: &str) -> Arc<[u8]> {
    Arc::from(format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>エラー｜hyoka serve</title>\
<style>body{{font-family:sans-serif;margin:2rem;line-height:1.6}}pre{{white-space:pre-wrap;background:#fff5f5;border:2px solid #b3261e;padding:1rem}}</style></head>\
<body><h1>コンテンツに誤りがあります</h1><p>ファイルを直して保存すると、このページは自動で更新されます。</p><pre>{}</pre>{snippet}</body></html>",
        escape(&d.human())
    ).into_bytes())
}

/// Options of `serve`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Content folder.
    pub content: PathBuf,
    /// Theme folder.
    pub theme: Option<PathBuf>,
    /// Port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Errors only.
    pub quiet: bool,
}

fn watch_error(e: notify::Error) -> io::Error {
    io::Error::other(format!("フォルダの変更を監視できません: {e}"))
}

/// Runs the server until the process is stopped.
pub fn run(o: &Options) -> io::Result<()> {
    let shared: Shared = Arc::default();
    // Set by the watcher on every change; a rebuild in progress then stops
    // and starts again with the newer change.
    let pending = Arc::new(AtomicBool::new(false));
    let _ = rebuild(&o.content, o.theme.as_deref(), &shared, &pending);
    let mut listener =
        TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], o.port))).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "127.0.0.1:{} で待ち受けられません（{e}）。--port で別の番号を指定してください",
                    o.port
                ),
            )
        })?;
    let addr = listener.local_addr()?;
    let poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
    // Watch content and theme; rebuild after a short quiet period.
    let (tx, rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let flag = pending.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res {
            if !matches!(ev.kind, notify::EventKind::Access(_)) {
                flag.store(true, Ordering::Relaxed);
                let _ = tx.send(ev.paths);
            }
        }
    })
    .map_err(watch_error)?;
    watcher
        .watch(&o.content, RecursiveMode::Recursive)
        .map_err(watch_error)?;
    if let Some(t) = &o.theme {
        watcher
            .watch(t, RecursiveMode::Recursive)
            .map_err(watch_error)?;
    }
    {
        let shared = shared.clone();
        let content = o.content.clone();
        let theme = o.theme.clone();
        let quiet = o.quiet;
        std::thread::spawn(move || {
            // Changes that never stop (a program writing into the content
            // folder) must not starve the rebuild: after a few restarts in a
            // row it runs to the end.
            let never = Arc::new(AtomicBool::new(false));
            while let Ok(first) = rx.recv() {
                let mut changed = first;
                let mut restarts = 0;
                loop {
                    // Coalesce the burst of events an editor's save produces.
                    while let Ok(more) = rx.recv_timeout(Duration::from_millis(20)) {
                        changed.extend(more);
                    }
                    pending.store(false, Ordering::Relaxed);
                    while let Ok(more) = rx.try_recv() {
                        changed.extend(more);
                    }
                    changed.sort();
                    changed.dedup();
                    if let Some(took) =
                        show_own_files(&content, theme.as_deref(), &shared, &changed)
                    {
                        let _ = waker.wake();
                        if !quiet {
                            eprintln!(
                                "変更した事業のページを表示しました（{:.0} ms）。一覧のページを作り直しています",
                                took.as_secs_f64() * 1000.0
                            );
                        }
                    }
                    changed.clear();
                    let cancel = if restarts < MAX_RESTARTS {
                        &pending
                    } else {
                        &never
                    };
                    let result = rebuild(&content, theme.as_deref(), &shared, cancel);
                    let _ = waker.wake();
                    match result {
                        // A newer change came in: show it and build again.
                        Ok(None) => {
                            if !quiet {
                                eprintln!("新しい変更があったため、作り直しを始め直します");
                            }
                            restarts += 1;
                            continue;
                        }
                        Err(d) if !quiet => eprint!("{}", d.human()),
                        Ok(Some(took)) if !quiet => {
                            eprintln!("再構築しました（{:.0} ms）", took.as_secs_f64() * 1000.0)
                        }
                        _ => {}
                    }
                    break;
                }
            }
        });
    }
    if !o.quiet {
        eprintln!("http://{addr}/ で表示しています（Ctrl+C で終了）");
    }
    let announced = lock(&shared).generation;
    let mut server = Server {
        poll,
        listener,
        conns: HashMap::new(),
        next_token: 2,
        streams: 0,
        shared,
        announced,
        again: Vec::new(),
    };
    let result = server.run();
    drop(watcher);
    result
}

#[cfg(test)]
mod tests {
    use super::http::*;
    use super::*;

    #[test]
    fn strip_undoes_inject_exactly() {
        let snip = reload_snippet(3);
        for page in [
            &b"<html><body>a</body></html>"[..],
            b"<p>no body end",
            b"x</body>y</body>z",
            b"",
        ] {
            let served = inject(page, snip.as_bytes());
            assert_eq!(strip(&served, snip.as_bytes()).as_deref(), Some(page));
        }
        // Another generation's snippet is not there: nothing to reuse.
        let served = inject(b"<body></body>", snip.as_bytes());
        assert_eq!(strip(&served, reload_snippet(4).as_bytes()), None);
    }

    #[test]
    fn paths_are_decoded_and_checked() {
        assert_eq!(
            decode_path(b"/%70rojects/a.html?x#y").as_deref(),
            Some("/projects/a.html")
        );
        assert_eq!(decode_path(b"/%E3%81%82").as_deref(), Some("/あ"));
        assert_eq!(decode_path(b"/a..b/.c").as_deref(), Some("/a..b/.c"));
        for bad in [
            &b"/../x"[..],
            b"/a/..",
            b"/%2e%2E/x",
            b"/..%2fx",
            b"/.",
            b"/a%5cb",
            b"/a%00",
            b"/a%7f",
            b"/a%c2%85",
            b"/%zz",
            b"/%4",
            b"/%+4",
            b"/%ff",
            b"a.html",
        ] {
            assert_eq!(decode_path(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn only_local_host_names_are_served() {
        for ok in [
            &b"127.0.0.1:8000"[..],
            b"127.0.0.1",
            b"localhost:8000",
            b"LocalHost",
            b"[::1]:8000",
        ] {
            assert!(local_host(ok), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [
            &b"evil.example:8000"[..],
            b"127.0.0.1.evil.example",
            b"localhost.evil.example:8000",
            b"127.0.0.1:80x",
            b"[::1",
            b"",
            b"127.0.0.1:",
        ] {
            assert!(!local_host(bad), "{}", String::from_utf8_lossy(bad));
        }
        let head = b"GET / HTTP/1.1\r\nHost: rebind.evil.example:8000";
        assert_eq!(parse(head).err().map(|r| r.0), Some(403));
        assert!(parse(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8000").is_ok());
    }

    #[test]
    fn heads_end_at_a_blank_line() {
        assert_eq!(head_len(b"GET / HTTP/1.1\r\nA: b\r\n\r\nGET"), Some(24));
        assert_eq!(head_len(b"GET / HTTP/1.1\n\nx"), Some(16));
        assert_eq!(head_len(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
    }

    #[test]
    fn the_snippet_goes_before_the_last_body_end() {
        let page = inject(b"<body><p>\"</body>\"</p></body></html>", b"<s>");
        assert_eq!(&*page, b"<body><p>\"</body>\"</p><s></body></html>");
        assert_eq!(&*inject(b"<p>x</p>", b"<s>"), b"<p>x</p><s>");
    }
}
