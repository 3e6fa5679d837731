//! `hyoka serve`: builds into memory, serves on 127.0.0.1, watches the
//! content and theme folders, rebuilds on change and tells open pages to
//! reload (server-sent events). A broken file does not stop the server: every
//! page shows the `check` errors until the file is fixed.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::diag::Diagnostics;
use crate::output::Memory;
use crate::pipeline::Timings;
use crate::theme::Theme;

/// Path of the event stream.
pub const EVENTS: &str = "/__hyoka/events";

/// Snippet added before `</body>` of every served HTML page.
const RELOAD: &str = "<script>(function(){var s=new EventSource(\"/__hyoka/events\");s.onmessage=function(){location.reload();};})();</script>";

/// What the server currently serves.
pub struct State {
    /// Build generation, bumped on every rebuild.
    pub generation: u64,
    /// Files of the last good build.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Problems of the last build, when it failed.
    pub error: Option<Diagnostics>,
    /// Duration of the last rebuild.
    pub last_build: Duration,
}

/// Shared state and its change signal.
pub type Shared = Arc<(Mutex<State>, Condvar)>;

/// Builds once into `shared`.
pub fn rebuild(content: &Path, theme: Option<&Path>, shared: &Shared) {
    let start = Instant::now();
    let result = Theme::load(theme).and_then(|t| {
        let sink = Memory::default();
        crate::pipeline::build(content, &t, None, &sink, &mut Timings::default())
            .map(|_| sink.into_files())
            .map_err(crate::build::diagnostics)
    });
    let (lock, cvar) = &**shared;
    let mut st = match lock.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    match result {
        Ok(files) => {
            st.files = files.into_iter().map(|f| (f.path, f.bytes)).collect();
            st.error = None;
        }
        Err(d) => st.error = Some(d),
    }
    st.generation += 1;
    st.last_build = start.elapsed();
    cvar.notify_all();
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn error_page(d: &Diagnostics) -> Vec<u8> {
    format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>エラー｜hyoka serve</title>\
<style>body{{font-family:sans-serif;margin:2rem;line-height:1.6}}pre{{white-space:pre-wrap;background:#fff5f5;border:2px solid #b3261e;padding:1rem}}</style></head>\
<body><h1>コンテンツに誤りがあります</h1><p>ファイルを直して保存すると、このページは自動で更新されます。</p><pre>{}</pre>{RELOAD}</body></html>",
        escape(&d.human())
    )
    .into_bytes()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// An event stream that sends `data: reload` once the generation moves past
/// `seen`, then ends (the browser reloads the page anyway).
struct Events {
    shared: Shared,
    seen: u64,
    sent: Option<Vec<u8>>,
    pos: usize,
}

impl Read for Events {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.sent.is_none() {
            let (lock, cvar) = &*self.shared;
            let mut st = lock.lock().map_err(|_| std::io::Error::other("lock"))?;
            let deadline = Instant::now() + Duration::from_secs(30);
            while st.generation == self.seen {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    // Keep-alive comment so proxies keep the stream open.
                    self.sent = Some(b": ping\n\n".to_vec());
                    break;
                }
                st = cvar
                    .wait_timeout(st, left)
                    .map_err(|_| std::io::Error::other("lock"))?
                    .0;
            }
            if self.sent.is_none() {
                self.sent = Some(format!("data: {}\n\n", st.generation).into_bytes());
            }
        }
        let data = self.sent.as_deref().unwrap_or_default();
        if self.pos >= data.len() {
            return Ok(0);
        }
        let n = buf.len().min(data.len() - self.pos);
        buf[..n].copy_from_slice(&data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        tiny_http::Header::from_bytes(&b"X-Hyoka"[..], &b"1"[..]).expect("static header")
    })
}

fn respond(req: tiny_http::Request, shared: &Shared) {
    let url = req
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if url == EVENTS {
        let seen = shared.0.lock().map(|s| s.generation).unwrap_or(0);
        let body = Events {
            shared: shared.clone(),
            seen,
            sent: None,
            pos: 0,
        };
        let resp = tiny_http::Response::new(
            tiny_http::StatusCode(200),
            vec![
                header("Content-Type", "text/event-stream"),
                header("Cache-Control", "no-cache"),
            ],
            body,
            None,
            None,
        );
        let _ = req.respond(resp);
        return;
    }
    let mut path = url.trim_start_matches('/').to_string();
    if path.is_empty() || path.ends_with('/') {
        path.push_str("index.html");
    }
    let (status, mut body, ctype) = {
        let st = match shared.0.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if let Some(d) = &st.error {
            (500, error_page(d), "text/html; charset=utf-8")
        } else if let Some(b) = st.files.get(&path) {
            (200, b.clone(), content_type(&path))
        } else {
            (
                404,
                st.files.get("404.html").cloned().unwrap_or_default(),
                "text/html; charset=utf-8",
            )
        }
    };
    if ctype.starts_with("text/html") && !body.windows(RELOAD.len()).any(|w| w == RELOAD.as_bytes())
    {
        let text = String::from_utf8_lossy(&body).replace("</body>", &format!("{RELOAD}</body>"));
        body = text.into_bytes();
    }
    let resp = tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", ctype))
        .with_header(header("Cache-Control", "no-store"));
    let _ = req.respond(resp);
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

/// Runs the server until the process is stopped.
pub fn run(o: &Options) -> std::io::Result<()> {
    let shared: Shared = Arc::new((
        Mutex::new(State {
            generation: 0,
            files: BTreeMap::new(),
            error: None,
            last_build: Duration::ZERO,
        }),
        Condvar::new(),
    ));
    rebuild(&o.content, o.theme.as_deref(), &shared);
    let server = tiny_http::Server::http(("127.0.0.1", o.port))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let addr = server
        .server_addr()
        .to_ip()
        .map_or_else(|| format!("127.0.0.1:{}", o.port), |a| a.to_string());
    // Watch content and theme; rebuild after a short quiet period.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res {
            if !matches!(ev.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(());
            }
        }
    })
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    watcher
        .watch(&o.content, RecursiveMode::Recursive)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    if let Some(t) = &o.theme {
        watcher
            .watch(t, RecursiveMode::Recursive)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    {
        let shared = shared.clone();
        let content = o.content.clone();
        let theme = o.theme.clone();
        let quiet = o.quiet;
        std::thread::spawn(move || {
            while rx.recv().is_ok() {
                // Coalesce the burst of events an editor's save produces.
                while rx.recv_timeout(Duration::from_millis(20)).is_ok() {}
                rebuild(&content, theme.as_deref(), &shared);
                if !quiet {
                    if let Ok(st) = shared.0.lock() {
                        match &st.error {
                            Some(d) => eprint!("{}", d.human()),
                            None => eprintln!(
                                "再構築しました（{:.0} ms）",
                                st.last_build.as_secs_f64() * 1000.0
                            ),
                        }
                    }
                }
            }
        });
    }
    if !o.quiet {
        eprintln!("http://{addr}/ で表示しています（Ctrl+C で終了）");
    }
    for req in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || respond(req, &shared));
    }
    drop(watcher);
    Ok(())
}
