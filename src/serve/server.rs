//! The event loop of `hyoka serve`: one mio loop on the main thread holds
//! every connection and live-reload stream, within the limits documented in
//! [`super`]. It reads only the in-memory files of the last build.
//!
//! Longer than most files (about 520 lines): the connection state machine
//! and the loop that drives it are one unit; split, each half would only
//! make sense with the other open beside it.

use std::collections::{HashMap, VecDeque};
use std::io::{self, IoSlice, Read, Write};
use std::net::Shutdown;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

use super::http::*;
use super::*;

/// Bytes waiting to be written.
pub(super) enum Chunk {
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
pub(super) enum Phase {
    /// Waiting for (the rest of) a request head.
    Read,
    /// Writing a response; then closing, or reading the next request.
    Write { close: bool },
    /// A live-reload stream.
    Stream,
    /// Output shut down; dropping input until the client closes.
    Linger,
}

pub(super) struct Conn {
    pub(super) sock: TcpStream,
    /// Unread input, at most [`MAX_HEAD`] bytes.
    pub(super) input: Vec<u8>,
    pub(super) output: VecDeque<Chunk>,
    /// Bytes of `output.front()` already written.
    pub(super) written: usize,
    pub(super) phase: Phase,
    /// Requests handled.
    pub(super) served: u32,
    /// When the connection is dropped (or answered 408) if still in this phase.
    pub(super) deadline: Option<Instant>,
    /// Input dropped while lingering or streaming.
    pub(super) dropped: usize,
    /// Generation last announced on this stream.
    pub(super) seen: u64,
    /// No byte of the next request yet (the deadline is the idle one).
    pub(super) idle: bool,
    /// Waiting in [`Server::again`].
    pub(super) queued: bool,
}

/// What a connection waits for after [`Server::drive`].
pub(super) enum Next {
    /// The socket (or a deadline).
    Wait,
    /// Its next turn: it used up its [`BUDGET`].
    Again,
    /// Nothing: it is finished.
    Done,
}

pub(super) enum Filled {
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
pub(super) struct Server {
    pub(super) poll: Poll,
    pub(super) listener: TcpListener,
    pub(super) conns: HashMap<Token, Conn>,
    pub(super) next_token: usize,
    pub(super) streams: usize,
    pub(super) shared: Shared,
    /// Generation last announced to the streams.
    pub(super) announced: u64,
    /// Connections to move on without waiting for the socket.
    pub(super) again: Vec<Token>,
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

    pub(super) fn run(&mut self) -> io::Result<()> {
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
pub(super) fn reject(mut sock: TcpStream) {
    // Reading the request first (if it is there yet) lets the close send the
    // answer and a FIN instead of a reset.
    let mut buf = [0u8; 4096];
    let _ = sock.read(&mut buf);
    let _ = sock.write(&busy_response());
    let _ = sock.shutdown(Shutdown::Both);
}
