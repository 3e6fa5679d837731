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
//! Paths are percent-decoded and then rejected (400) if they hold `.` or
//! `..` segments, backslashes or control characters; only the in-memory map
//! of built files is ever looked up.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{self, IoSlice, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use notify::{RecursiveMode, Watcher};

use crate::diag::Diagnostics;
use crate::output::Memory;
use crate::pipeline::Timings;
use crate::theme::Theme;

/// Path of the event stream.
pub const EVENTS: &str = "/__hyoka/events";

/// Open connections at most (live-reload streams included).
pub const MAX_CONNS: usize = 128;
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
}

type Shared = Arc<Mutex<State>>;

fn lock(shared: &Mutex<State>) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Builds once into `shared`; returns the build time or its problems.
fn rebuild(
    content: &Path,
    theme: Option<&Path>,
    shared: &Mutex<State>,
) -> Result<Duration, Diagnostics> {
    let start = Instant::now();
    // Only this function changes the generation, and it runs on one thread
    // at a time (first the main thread, then the rebuild thread).
    let generation = lock(shared).generation + 1;
    let snippet = reload_snippet(generation);
    let result = Theme::load(theme).and_then(|t| {
        let sink = Memory::default();
        crate::pipeline::build(content, &t, None, &sink, &mut Timings::default())
            .map(|_| sink.into_files())
            .map_err(crate::pipeline::Failure::into_diagnostics)
    });
    match result {
        Ok(files) => {
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
                std::mem::replace(&mut st.files, files)
            };
            // The old files are freed outside the lock (responses still
            // being written keep theirs alive).
            drop(old);
            Ok(start.elapsed())
        }
        Err(d) => {
            let page = error_page(&d, &snippet);
            let mut st = lock(shared);
            st.error = Some(page);
            st.generation = generation;
            Err(d)
        }
    }
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

/// The `Content-Type` of a served file, from its extension; text types say
/// they are UTF-8 (as every file hyoka writes is).
fn content_type(path: &str) -> Cow<'static, str> {
    let raw = mime_guess::from_path(path)
        .first_raw()
        .unwrap_or("application/octet-stream");
    if raw.starts_with("text/") || raw == "application/javascript" {
        Cow::Owned(format!("{raw}; charset=utf-8"))
    } else {
        Cow::Borrowed(raw)
    }
}

/// The request path of `target` (up to `?` or `#`), percent-decoded; `None`
/// when it is not valid UTF-8 or could name anything outside the site: `.`
/// or `..` segments, backslashes, NUL or other control characters.
fn decode_path(target: &[u8]) -> Option<String> {
    let end = target
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .unwrap_or(target.len());
    let raw = &target[..end];
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(out).ok()?;
    let safe = path.starts_with('/')
        && !path.chars().any(|c| c == '\\' || c.is_control())
        && !path.split('/').any(|seg| seg == "." || seg == "..");
    safe.then_some(path)
}

/// The `since` query parameter of `target`.
fn since(target: &[u8]) -> Option<u64> {
    let target = std::str::from_utf8(target).ok()?;
    let (_, query) = target.split_once('?')?;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse().ok())
}

/// A parsed request head.
struct Request<'a> {
    head_only: bool,
    target: &'a [u8],
    keep_alive: bool,
    http10: bool,
}

/// A response that ends the connection: status, message and hint.
type Refusal = (u16, &'static str, &'static str);

const BAD_REQUEST: Refusal = (
    400,
    "リクエストの形が正しくありません",
    "ブラウザでページを開き直してください",
);
const BAD_PATH: Refusal = (
    400,
    "パスに使えない文字（.. や . の区切り、\\、制御文字）が含まれています",
    "サイトのページはリンクをたどって開いてください",
);
const NOT_ALLOWED: Refusal = (
    405,
    "hyoka serve は GET と HEAD のリクエストだけを受け付けます",
    "ページはブラウザで開いてください",
);
const TIMEOUT: Refusal = (
    408,
    "リクエストが時間内に届かなかったため、接続を切りました",
    "ページを開き直してください",
);
const WITH_BODY: Refusal = (
    413,
    "本文のあるリクエストは受け付けません",
    "GET か HEAD で、本文なしで送ってください",
);
const HEAD_TOO_LARGE: Refusal = (
    431,
    "リクエストのヘッダーが大きすぎます（16 KiB まで）",
    "127.0.0.1 の Cookie を削除してから開き直してください",
);
const BUSY: Refusal = (
    503,
    "同時に開いている接続が多すぎます（128 まで）",
    "しばらく待ってから開き直してください",
);
const STREAMS_BUSY: Refusal = (
    503,
    "自動更新の接続が多すぎます（64 まで）",
    "開いているタブを減らしてから開き直してください",
);
const VERSION: Refusal = (
    505,
    "HTTP/1.0 と HTTP/1.1 だけに対応しています",
    "ブラウザでページを開いてください",
);

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn trim(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

/// Parses a request head (request line and headers, without the blank line).
fn parse(head: &[u8]) -> Result<Request<'_>, Refusal> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let line = lines.next().unwrap_or_default();
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BAD_REQUEST);
    };
    let http10 = match version {
        b"HTTP/1.1" => false,
        b"HTTP/1.0" => true,
        v if v.starts_with(b"HTTP/") => return Err(VERSION),
        _ => return Err(BAD_REQUEST),
    };
    let head_only = match method {
        b"GET" => false,
        b"HEAD" => true,
        m if is_token(m) => return Err(NOT_ALLOWED),
        _ => return Err(BAD_REQUEST),
    };
    if !target.starts_with(b"/") {
        return Err(BAD_REQUEST);
    }
    let mut keep_alive = !http10;
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let colon = line.iter().position(|&b| b == b':').ok_or(BAD_REQUEST)?;
        let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
        // Also refuses obsolete line folding (a line starting with a space).
        if !is_token(name) {
            return Err(BAD_REQUEST);
        }
        if name.eq_ignore_ascii_case(b"connection") {
            for opt in value.split(|&b| b == b',').map(trim) {
                if opt.eq_ignore_ascii_case(b"close") {
                    keep_alive = false;
                } else if opt.eq_ignore_ascii_case(b"keep-alive") && http10 {
                    keep_alive = true;
                }
            }
        } else if (name.eq_ignore_ascii_case(b"content-length") && value != b"0")
            || name.eq_ignore_ascii_case(b"transfer-encoding")
        {
            return Err(WITH_BODY);
        }
    }
    Ok(Request {
        head_only,
        target,
        keep_alive,
        http10,
    })
}

/// Length of the request head at the start of `input` (through its blank
/// line), when it is complete.
fn head_len(input: &[u8]) -> Option<usize> {
    input.iter().enumerate().find_map(|(i, &b)| {
        if b != b'\n' {
            return None;
        }
        match input.get(i + 1..) {
            Some([b'\n', ..]) => Some(i + 2),
            Some([b'\r', b'\n', ..]) => Some(i + 3),
            _ => None,
        }
    })
}

/// Response head (status line and headers).
fn response_head(
    status: u16,
    ctype: &str,
    len: usize,
    close: bool,
    http10: bool,
    extra: &str,
) -> Vec<u8> {
    let connection = if close {
        "Connection: close\r\n"
    } else if http10 {
        "Connection: keep-alive\r\n"
    } else {
        ""
    };
    format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {len}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n{connection}{extra}\r\n",
        reason(status)
    )
    .into_bytes()
}

fn refusal_body((_, message, hint): Refusal) -> String {
    format!("{message}\n  = ヒント: {hint}\n")
}

/// A whole 503 response for a connection over [`MAX_CONNS`].
fn busy_response() -> Vec<u8> {
    let body = refusal_body(BUSY);
    let mut out = response_head(
        BUSY.0,
        "text/plain; charset=utf-8",
        body.len(),
        true,
        false,
        "Retry-After: 1\r\n",
    );
    out.extend_from_slice(body.as_bytes());
    out
}

/// Bytes waiting to be written.
enum Chunk {
    Own(Vec<u8>),
    Shared(Arc<[u8]>),
}

impl Chunk {
    fn bytes(&self) -> &[u8] {
        match self {
            Chunk::Own(v) => v,
            Chunk::Shared(a) => a,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for (the rest of) a request head.
    Read,
    /// Writing a response; then closing, or reading the next request.
    Write { close: bool },
    /// A live-reload stream.
    Stream,
    /// Output shut down; dropping input until the client closes.
    Linger,
}

struct Conn {
    sock: TcpStream,
    /// Unread input, at most [`MAX_HEAD`] bytes.
    input: Vec<u8>,
    output: VecDeque<Chunk>,
    /// Bytes of `output.front()` already written.
    written: usize,
    phase: Phase,
    /// Requests handled.
    served: u32,
    /// When the connection is dropped (or answered 408) if still in this phase.
    deadline: Option<Instant>,
    /// Input dropped while lingering or streaming.
    dropped: usize,
    /// Generation last announced on this stream.
    seen: u64,
    /// No byte of the next request yet (the deadline is the idle one).
    idle: bool,
    /// Waiting in [`Server::again`].
    queued: bool,
}

/// What a connection waits for after [`Server::drive`].
enum Next {
    /// The socket (or a deadline).
    Wait,
    /// Its next turn: it used up its [`BUDGET`].
    Again,
    /// Nothing: it is finished.
    Done,
}

enum Filled {
    More,
    Blocked,
    Closed,
}

impl Conn {
    fn pending(&self) -> usize {
        self.output.iter().map(|c| c.bytes().len()).sum::<usize>() - self.written
    }

    /// Writes as much output as the socket takes; `Ok(true)` when all is out.
    fn flush(&mut self) -> io::Result<bool> {
        loop {
            // Written (or empty) chunks go first, so a write is never empty.
            while self
                .output
                .front()
                .is_some_and(|c| c.bytes().len() <= self.written)
            {
                self.output.pop_front();
                self.written = 0;
            }
            if self.output.is_empty() {
                return Ok(true);
            }
            let mut slices = [IoSlice::new(&[]); 4];
            for (i, (slot, chunk)) in slices.iter_mut().zip(&self.output).enumerate() {
                let bytes = chunk.bytes();
                *slot = IoSlice::new(if i == 0 {
                    &bytes[self.written..]
                } else {
                    bytes
                });
            }
            match self.sock.write_vectored(&slices) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(mut n) => {
                    while n > 0 {
                        let Some(front) = self.output.front() else {
                            break;
                        };
                        let left = front.bytes().len() - self.written;
                        if n >= left {
                            n -= left;
                            self.output.pop_front();
                            self.written = 0;
                        } else {
                            self.written += n;
                            n = 0;
                        }
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads into `input` up to [`MAX_HEAD`] bytes.
    fn fill(&mut self) -> io::Result<Filled> {
        let mut buf = [0u8; 4096];
        let room = MAX_HEAD.saturating_sub(self.input.len()).min(buf.len());
        loop {
            match self.sock.read(&mut buf[..room]) {
                Ok(0) => return Ok(Filled::Closed),
                Ok(n) => {
                    self.input.extend_from_slice(&buf[..n]);
                    return Ok(Filled::More);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Filled::Blocked),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads and drops input; `false` once the client closed or sent more
    /// than [`LINGER_BYTES`].
    fn drain(&mut self) -> bool {
        let mut buf = [0u8; 4096];
        loop {
            match self.sock.read(&mut buf) {
                Ok(0) => return false,
                Ok(n) => {
                    self.dropped += n;
                    if self.dropped > LINGER_BYTES {
                        return false;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }

    fn respond(&mut self, head: Vec<u8>, body: Option<Arc<[u8]>>, close: bool, now: Instant) {
        self.output.push_back(Chunk::Own(head));
        if let Some(body) = body {
            self.output.push_back(Chunk::Shared(body));
        }
        self.phase = Phase::Write { close };
        self.deadline = Some(now + WRITE_TIMEOUT);
    }

    /// Answers with `r` and closes.
    fn refuse(&mut self, r: Refusal, head_only: bool, now: Instant) {
        let body = refusal_body(r);
        let extra = if r.0 == 405 {
            "Allow: GET, HEAD\r\n"
        } else {
            ""
        };
        let head = response_head(
            r.0,
            "text/plain; charset=utf-8",
            body.len(),
            true,
            false,
            extra,
        );
        let body = (!head_only).then(|| Arc::from(body.into_bytes()));
        self.respond(head, body, true, now);
    }
}

/// The event loop and everything it owns.
struct Server {
    poll: Poll,
    listener: TcpListener,
    conns: HashMap<Token, Conn>,
    next_token: usize,
    streams: usize,
    shared: Shared,
    /// Generation last announced to the streams.
    announced: u64,
    /// Connections to move on without waiting for the socket.
    again: Vec<Token>,
}

impl Server {
    fn accept(&mut self, now: Instant) {
        loop {
            match self.listener.accept() {
                Ok((mut sock, _)) => {
                    if self.conns.len() >= MAX_CONNS {
                        reject(sock);
                        continue;
                    }
                    let _ = sock.set_nodelay(true);
                    let token = Token(self.next_token);
                    self.next_token += 1;
                    if self
                        .poll
                        .registry()
                        .register(&mut sock, token, Interest::READABLE | Interest::WRITABLE)
                        .is_err()
                    {
                        continue;
                    }
                    let conn = Conn {
                        sock,
                        input: Vec::new(),
                        output: VecDeque::new(),
                        written: 0,
                        phase: Phase::Read,
                        served: 0,
                        deadline: Some(now + IDLE_TIMEOUT),
                        dropped: 0,
                        seen: 0,
                        idle: true,
                        queued: false,
                    };
                    self.conns.insert(token, conn);
                    self.ready(token, now);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // E.g. out of file descriptors: the connection waits in the
                // kernel and the next tick tries again.
                Err(_) => return,
            }
        }
    }

    /// Moves the connection `token` on as far as it goes without blocking.
    fn ready(&mut self, token: Token, now: Instant) {
        let Some(mut conn) = self.conns.remove(&token) else {
            return;
        };
        let next = self.drive(&mut conn, now);
        self.settle(token, conn, next);
    }

    /// Puts a connection back after [`Server::drive`].
    fn settle(&mut self, token: Token, mut conn: Conn, next: Next) {
        match next {
            Next::Wait => {}
            Next::Again => {
                if !conn.queued {
                    conn.queued = true;
                    self.again.push(token);
                }
            }
            Next::Done => return self.close(conn),
        }
        self.conns.insert(token, conn);
    }

    fn close(&mut self, mut conn: Conn) {
        if conn.phase == Phase::Stream {
            self.streams -= 1;
        }
        let _ = self.poll.registry().deregister(&mut conn.sock);
    }

    /// Moves a connection on by at most [`BUDGET`] steps.
    fn drive(&mut self, c: &mut Conn, now: Instant) -> Next {
        for _ in 0..BUDGET {
            match c.flush() {
                Ok(true) => {}
                Ok(false) => return Next::Wait,
                Err(_) => return Next::Done,
            }
            match c.phase {
                Phase::Write { close: true } => {
                    let _ = c.sock.shutdown(Shutdown::Write);
                    c.phase = Phase::Linger;
                    c.deadline = Some(now + LINGER_TIMEOUT);
                }
                Phase::Write { close: false } => {
                    c.phase = Phase::Read;
                    c.idle = c.input.is_empty();
                    c.deadline = Some(
                        now + if c.input.is_empty() {
                            IDLE_TIMEOUT
                        } else {
                            HEAD_TIMEOUT
                        },
                    );
                }
                Phase::Stream | Phase::Linger => {
                    return if c.drain() { Next::Wait } else { Next::Done };
                }
                Phase::Read => {
                    // Blank lines before a request line are ignored.
                    let blank = c
                        .input
                        .iter()
                        .take_while(|&&b| b == b'\r' || b == b'\n')
                        .count();
                    c.input.drain(..blank);
                    if let Some(len) = head_len(&c.input) {
                        let head: Vec<u8> = c.input.drain(..len).collect();
                        self.handle(c, &head, now);
                        continue;
                    }
                    if c.input.len() >= MAX_HEAD {
                        c.refuse(HEAD_TOO_LARGE, false, now);
                        continue;
                    }
                    match c.fill() {
                        Ok(Filled::More) => {
                            if c.idle {
                                c.idle = false;
                                c.deadline = Some(now + HEAD_TIMEOUT);
                            }
                        }
                        Ok(Filled::Blocked) => return Next::Wait,
                        Ok(Filled::Closed) | Err(_) => return Next::Done,
                    }
                }
            }
        }
        Next::Again
    }

    /// Answers one request head.
    fn handle(&mut self, c: &mut Conn, head: &[u8], now: Instant) {
        c.served += 1;
        let req = match parse(head) {
            Ok(r) => r,
            Err(r) => return c.refuse(r, false, now),
        };
        let Some(path) = decode_path(req.target) else {
            return c.refuse(BAD_PATH, req.head_only, now);
        };
        let close = !req.keep_alive || c.served >= MAX_REQUESTS;
        if path == EVENTS {
            if req.head_only {
                let head = response_head(200, "text/event-stream", 0, true, false, "");
                return c.respond(head, None, true, now);
            }
            if self.streams >= MAX_STREAMS {
                return c.refuse(STREAMS_BUSY, false, now);
            }
            let current = lock(&self.shared).generation;
            let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\nretry: 1000\n\n".to_vec();
            if since(req.target).is_some_and(|s| s != current) {
                out.extend_from_slice(format!("data: {current}\n\n").as_bytes());
            }
            c.output.push_back(Chunk::Own(out));
            c.phase = Phase::Stream;
            c.deadline = None;
            c.seen = current;
            c.input = Vec::new();
            self.streams += 1;
            return;
        }
        let mut key = path[1..].to_string();
        if key.is_empty() || key.ends_with('/') {
            key.push_str("index.html");
        }
        let html = Cow::Borrowed("text/html; charset=utf-8");
        let (status, body, ctype) = {
            let st = lock(&self.shared);
            if let Some(page) = &st.error {
                (500, page.clone(), html)
            } else if let Some(file) = st.files.get(&key) {
                (200, file.clone(), content_type(&key))
            } else if let Some(page) = st.files.get("404.html") {
                (404, page.clone(), html)
            } else {
                let body =
                    refusal_body((404, "ページが見つかりません", "アドレスを確かめてください"));
                (
                    404,
                    Arc::from(body.into_bytes()),
                    Cow::Borrowed("text/plain; charset=utf-8"),
                )
            }
        };
        let head = response_head(status, &ctype, body.len(), close, req.http10, "");
        c.respond(head, (!req.head_only).then_some(body), close, now);
    }

    /// Sends `data: <generation>` to the streams that have not seen it.
    fn announce(&mut self, now: Instant) {
        let current = lock(&self.shared).generation;
        if current == self.announced {
            return;
        }
        self.announced = current;
        let message = format!("data: {current}\n\n").into_bytes();
        self.broadcast(&message, Some(current), now);
    }

    fn broadcast(&mut self, message: &[u8], generation: Option<u64>, now: Instant) {
        let tokens: Vec<Token> = self
            .conns
            .iter()
            .filter(|(_, c)| c.phase == Phase::Stream && generation.is_none_or(|g| c.seen < g))
            .map(|(t, _)| *t)
            .collect();
        for token in tokens {
            let Some(mut conn) = self.conns.remove(&token) else {
                continue;
            };
            if let Some(g) = generation {
                conn.seen = g;
            }
            conn.output.push_back(Chunk::Own(message.to_vec()));
            if conn.pending() > STREAM_BACKLOG {
                self.close(conn);
                continue;
            }
            let next = self.drive(&mut conn, now);
            self.settle(token, conn, next);
        }
    }

    /// Enforces deadlines.
    fn tick(&mut self, now: Instant) {
        let expired: Vec<Token> = self
            .conns
            .iter()
            .filter(|(_, c)| c.deadline.is_some_and(|d| d <= now))
            .map(|(t, _)| *t)
            .collect();
        for token in expired {
            let Some(mut conn) = self.conns.remove(&token) else {
                continue;
            };
            if conn.phase == Phase::Read && !conn.input.is_empty() {
                conn.input.clear();
                conn.refuse(TIMEOUT, false, now);
                conn.deadline = Some(now + LINGER_TIMEOUT);
                let next = self.drive(&mut conn, now);
                self.settle(token, conn, next);
            } else {
                self.close(conn);
            }
        }
    }

    fn run(&mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(256);
        let mut next_tick = Instant::now() + TICK;
        let mut next_ping = Instant::now() + PING_EVERY;
        loop {
            let timeout = if self.again.is_empty() {
                TICK
            } else {
                Duration::ZERO
            };
            match self.poll.poll(&mut events, Some(timeout)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            let now = Instant::now();
            for ev in events.iter() {
                match ev.token() {
                    LISTENER => self.accept(now),
                    WAKER => self.announce(now),
                    token => self.ready(token, now),
                }
            }
            for token in std::mem::take(&mut self.again) {
                if let Some(conn) = self.conns.get_mut(&token) {
                    conn.queued = false;
                    self.ready(token, now);
                }
            }
            if now >= next_tick {
                next_tick = now + TICK;
                self.tick(now);
                self.accept(now);
            }
            if now >= next_ping {
                next_ping = now + PING_EVERY;
                self.broadcast(b": ping\n\n", None, now);
            }
        }
    }
}

/// Answers a connection over [`MAX_CONNS`] with 503 without keeping it.
fn reject(mut sock: TcpStream) {
    // Reading the request first (if it is there yet) lets the close send the
    // answer and a FIN instead of a reset.
    let mut buf = [0u8; 4096];
    let _ = sock.read(&mut buf);
    let _ = sock.write(&busy_response());
    let _ = sock.shutdown(Shutdown::Both);
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
    let _ = rebuild(&o.content, o.theme.as_deref(), &shared);
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
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res {
            if !matches!(ev.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(());
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
            while rx.recv().is_ok() {
                // Coalesce the burst of events an editor's save produces.
                while rx.recv_timeout(Duration::from_millis(20)).is_ok() {}
                let result = rebuild(&content, theme.as_deref(), &shared);
                let _ = waker.wake();
                if !quiet {
                    match result {
                        Err(d) => eprint!("{}", d.human()),
                        Ok(took) => {
                            eprintln!("再構築しました（{:.0} ms）", took.as_secs_f64() * 1000.0)
                        }
                    }
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
    use super::*;

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
