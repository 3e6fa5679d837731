//! `hyoka serve`: answers on loopback, shows an edited page after a file
//! change, shows errors on the page while a file is broken, keeps running —
//! and stays bounded (threads, memory, connections, streams, time) whatever
//! a local client sends. Every request here goes to 127.0.0.1 only, and every
//! loop is bounded in count and time.

mod common;

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Connection limit of the server (`hyoka::serve::MAX_CONNS`).
const MAX_CONNS: usize = 128;
/// Live-reload stream limit of the server (`hyoka::serve::MAX_STREAMS`).
const MAX_STREAMS: usize = 64;

/// A running `hyoka serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
    /// Its stderr lines after the first, as they come.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `hyoka serve --port 0 ARGS` in `dir`; the port comes from its
    /// first stderr line.
    fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hyoka"))
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(dir)
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let first = lines.next().expect("a line").expect("utf-8");
        let port: u16 = first
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Ok(mut l) = keep.lock() {
                    l.push(line);
                }
            }
        });
        Server { child, port, log }
    }

    /// A number (in kB for sizes) from `/proc/<pid>/status`.
    fn status(&self, key: &str) -> u64 {
        let text = fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc status");
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in /proc status"))
    }

    fn threads(&self) -> u64 {
        self.status("Threads")
    }

    fn rss_kib(&self) -> u64 {
        self.status("VmRSS")
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        s.set_write_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        s
    }

    /// Sends `raw` on a new connection and reads one response.
    fn raw(&self, raw: &[u8]) -> Response {
        let mut s = self.connect();
        s.write_all(raw).expect("send");
        let mut r = BufReader::new(s);
        let head_only = raw.starts_with(b"HEAD ");
        read_response(&mut r, head_only)
            .expect("read response")
            .expect("a response")
    }

    /// `GET path` on a new connection.
    fn get(&self, path: &str) -> Response {
        self.raw(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one response (its body by `Content-Length`); `None` at end of stream.
fn read_response(r: &mut impl BufRead, head_only: bool) -> io::Result<Option<Response>> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| io::Error::other(format!("bad status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (n, v) = l
            .split_once(':')
            .ok_or_else(|| io::Error::other(format!("bad header {l:?}")))?;
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let mut resp = Response {
        status,
        headers,
        body: Vec::new(),
    };
    if !head_only {
        let len: usize = resp
            .header("Content-Length")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| io::Error::other("no Content-Length"))?;
        resp.body = vec![0; len];
        r.read_exact(&mut resp.body)?;
    }
    Ok(Some(resp))
}

/// Polls `path` until `pred` holds; bounded to 10 s.
fn wait_for(server: &Server, path: &str, pred: impl Fn(u16, &str) -> bool) -> Duration {
    let start = Instant::now();
    loop {
        let r = server.get(path);
        if pred(r.status, &r.text()) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {path}: {}",
            r.status
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn serve_rebuilds_on_change_and_survives_broken_files() {
    let dir = common::fixture("minimal");
    let server = Server::start(dir.path(), &[]);

    let r = server.get("/projects/alpha.html");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("アルファ事業"));
    assert!(
        r.text().contains("/__hyoka/events"),
        "live-reload script injected"
    );
    assert_eq!(r.header("Cache-Control"), Some("no-store"));

    let file = dir.path().join("content/sample/alpha.yaml");
    let original = fs::read_to_string(&file).expect("read");
    fs::write(
        &file,
        original.replace("name: アルファ事業", "name: ベータ事業"),
    )
    .expect("edit");
    let took = wait_for(&server, "/projects/alpha.html", |s, b| {
        s == 200 && b.contains("ベータ事業")
    });
    eprintln!("edit visible after {} ms", took.as_millis());
    // The page came first, alone; the rebuild brings the lists up to date.
    wait_for(&server, "/projects.html", |s, b| {
        s == 200 && b.contains("ベータ事業")
    });
    // The log line comes just after the lists are served: wait for it.
    let start = Instant::now();
    let log = loop {
        let log = server.log.lock().expect("log").join("\n");
        if log.contains("再構築しました") || start.elapsed() > Duration::from_secs(10) {
            break log;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let quick = log
        .find("変更した事業のページを表示しました")
        .unwrap_or_else(|| panic!("the edited page was shown first:\n{log}"));
    assert!(log[quick..].contains("再構築しました"), "{log}");

    // Two saves in a row, the second while the rebuild of the first may be
    // running: the second wins everywhere.
    fs::write(
        &file,
        original.replace("name: アルファ事業", "name: ガンマ事業"),
    )
    .expect("edit");
    wait_for(&server, "/projects/alpha.html", |s, b| {
        s == 200 && b.contains("ガンマ事業")
    });
    fs::write(
        &file,
        original.replace("name: アルファ事業", "name: デルタ事業"),
    )
    .expect("edit");
    wait_for(&server, "/projects/alpha.html", |s, b| {
        s == 200 && b.contains("デルタ事業")
    });
    wait_for(&server, "/projects.html", |s, b| {
        s == 200 && b.contains("デルタ事業") && !b.contains("ガンマ事業")
    });

    fs::write(&file, "name: [\n").expect("break");
    wait_for(&server, "/projects/alpha.html", |s, b| {
        s == 500 && b.contains("content/sample/alpha.yaml:")
    });
    // The error page reloads itself too.
    assert!(server.get("/").text().contains("/__hyoka/events"));

    fs::write(&file, &original).expect("fix");
    wait_for(&server, "/projects/alpha.html", |s, b| {
        s == 200 && b.contains("アルファ事業")
    });
    let r = server.get("/nope.html");
    assert_eq!(r.status, 404);
    assert!(
        r.text().contains("ページが見つかりません"),
        "404.html served"
    );
}

#[test]
// Threads and memory are read from /proc.
#[cfg_attr(not(target_os = "linux"), ignore)]
fn one_socket_pipelining_1000_requests_keeps_threads_and_memory_bounded() {
    let dir = common::fixture("shipped");
    let built = common::hyoka(dir.path(), &["build", "-q"]);
    assert!(built.status.success(), "{:?}", common::text(&built));
    let files = [
        "data/projects.json",
        "data/projects.csv",
        "data/ratings.csv",
    ];
    let expected: Vec<Vec<u8>> = files
        .iter()
        .map(|f| fs::read(dir.path().join("output").join(f)).expect("built file"))
        .collect();
    assert!(expected[0].len() > 100_000, "a sizeable file to copy");
    let server = Server::start(dir.path(), &[]);
    let threads_before = server.threads();
    let rss_before = server.rss_kib();

    let sock = server.connect();
    let mut writer = sock.try_clone().expect("clone");
    let sender = std::thread::spawn(move || {
        let mut all = Vec::new();
        for i in 0..1000 {
            write!(
                all,
                "GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                files[i % files.len()]
            )
            .expect("format");
        }
        // The server may close at its per-connection cap before reading all.
        let _ = writer.write_all(&all);
    });
    let mut reader = BufReader::new(sock);
    let (mut n, mut closed_at_cap) = (0, false);
    let (mut max_threads, mut max_rss) = (threads_before, rss_before);
    let start = Instant::now();
    while n < 1000 && start.elapsed() < Duration::from_secs(30) {
        let Some(r) = read_response(&mut reader, false).expect("read") else {
            break;
        };
        assert_eq!(r.status, 200, "response {n}");
        assert!(
            r.body == expected[n % files.len()],
            "response {n} is {} (in order)",
            files[n % files.len()]
        );
        n += 1;
        if n % 10 == 0 {
            max_threads = max_threads.max(server.threads());
            max_rss = max_rss.max(server.rss_kib());
        }
        if r.header("Connection") == Some("close") {
            closed_at_cap = true;
            break;
        }
    }
    if closed_at_cap {
        let mut rest = Vec::new();
        let _ = reader.read_to_end(&mut rest);
        assert!(rest.is_empty(), "nothing after Connection: close");
    }
    assert!(
        n == 1000 || closed_at_cap,
        "{n} responses, connection not closed at a cap"
    );
    assert!(n >= 50, "only {n} responses before the cap");
    sender.join().expect("sender");
    max_threads = max_threads.max(server.threads());
    max_rss = max_rss.max(server.rss_kib());
    eprintln!(
        "{n} responses; threads {threads_before} → max {max_threads}; VmRSS {rss_before} → max {max_rss} kB"
    );
    // The server starts no thread per request or connection.
    assert!(max_threads <= threads_before + 1, "{max_threads} threads");
    // Bodies are shared, not copied per request: {n} copies of projects.json
    // alone would be tens of megabytes.
    assert!(
        max_rss - rss_before < 16 * 1024,
        "VmRSS grew from {rss_before} to {max_rss} kB"
    );
    // And it still answers.
    assert_eq!(server.get("/data/projects.json").status, 200);
}

/// Opens a live-reload stream; returns the reader after the response head,
/// or the status when it is not 200.
fn open_stream(server: &Server, query: &str) -> Result<BufReader<TcpStream>, Option<u16>> {
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).map_err(|_| None)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|_| None)?;
    s.write_all(
        format!("GET /__hyoka/events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes(),
    )
    .map_err(|_| None)?;
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).map_err(|_| None)?;
    let status: Option<u16> = line.split(' ').nth(1).and_then(|c| c.parse().ok());
    if status != Some(200) {
        return Err(status);
    }
    let mut event_stream = false;
    loop {
        line.clear();
        r.read_line(&mut line).map_err(|_| None)?;
        if line.trim_end().is_empty() {
            break;
        }
        event_stream |= line
            .to_ascii_lowercase()
            .starts_with("content-type: text/event-stream");
    }
    assert!(event_stream, "stream is text/event-stream");
    Ok(r)
}

/// The next `data:` value on a stream, skipping comments and `retry:`.
fn next_data(r: &mut BufReader<TcpStream>) -> io::Result<u64> {
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        if let Some(v) = line.strip_prefix("data: ") {
            return v.trim().parse().map_err(io::Error::other);
        }
    }
}

#[test]
// Threads and memory are read from /proc.
#[cfg_attr(not(target_os = "linux"), ignore)]
fn live_reload_streams_are_capped_share_one_thread_and_get_rebuilds() {
    let dir = common::fixture("minimal");
    let server = Server::start(dir.path(), &[]);
    let page = server.get("/projects/alpha.html").text();
    let snippet_start = page
        .find("<script>(function(){var s=new EventSource(\"/__hyoka/events?since=")
        .expect("reload snippet");
    let snippet = &page[snippet_start..];
    assert!(
        snippet.contains("s.onmessage=function(){location.reload();}"),
        "the page reloads on a message"
    );
    let generation: u64 = snippet
        ["<script>(function(){var s=new EventSource(\"/__hyoka/events?since=".len()..]
        .split('"')
        .next()
        .and_then(|g| g.parse().ok())
        .expect("generation in the snippet");

    // A page of an older build is told at once.
    {
        let mut old = open_stream(&server, "?since=0").expect("stream");
        assert_eq!(next_data(&mut old).expect("data"), generation);
    }
    std::thread::sleep(Duration::from_millis(200));

    // A page of the current build is not.
    let mut first = open_stream(&server, &format!("?since={generation}")).expect("stream");
    first
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    assert!(
        next_data(&mut first).is_err(),
        "no message before a rebuild"
    );
    first
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");

    let threads_before = server.threads();
    let mut open = Vec::new();
    let (mut refused_503, mut refused_other) = (0, 0);
    for _ in 0..300 {
        match open_stream(&server, "") {
            Ok(r) => open.push(r),
            Err(Some(503)) => refused_503 += 1,
            Err(_) => refused_other += 1,
        }
    }
    let threads = server.threads();
    eprintln!(
        "{} streams open, {refused_503} refused with 503, {refused_other} otherwise; threads {threads_before} → {threads}",
        open.len() + 1
    );
    assert!(threads <= threads_before + 1, "{threads} threads");
    assert!(
        (MAX_STREAMS - 4..MAX_STREAMS).contains(&open.len()),
        "{} more streams opened",
        open.len()
    );
    assert!(refused_503 > 0, "the extra streams get 503");
    assert_eq!(open.len() + refused_503 + refused_other, 300);

    let file = dir.path().join("content/sample/alpha.yaml");
    let original = fs::read_to_string(&file).expect("read");
    fs::write(
        &file,
        original.replace("name: アルファ事業", "name: ベータ事業"),
    )
    .expect("edit");
    let start = Instant::now();
    let next = next_data(&mut first).expect("rebuild announced");
    assert!(next > generation, "{next} after {generation}");
    eprintln!("rebuild announced after {} ms", start.elapsed().as_millis());
    let last = open.last_mut().expect("an open stream");
    assert_eq!(next_data(last).expect("rebuild announced"), next);
    assert!(server
        .get("/projects/alpha.html")
        .text()
        .contains("ベータ事業"));
}

#[test]
// Threads and memory are read from /proc.
#[cfg_attr(not(target_os = "linux"), ignore)]
fn connections_beyond_the_limit_get_503_and_are_not_kept() {
    let dir = common::fixture("minimal");
    let server = Server::start(dir.path(), &[]);
    let threads_before = server.threads();
    let idle: Vec<TcpStream> = (0..MAX_CONNS).map(|_| server.connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    let r = server.get("/index.html");
    assert_eq!(r.status, 503);
    assert!(r.text().contains("接続が多すぎます"), "{}", r.text());
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(server.threads() <= threads_before + 1);
    drop(idle);
    // Freed connections are served again.
    wait_for(&server, "/index.html", |s, _| s == 200);
}

/// Sends `prefix` and then `filler` over and over (at most `count` times,
/// `pause` apart) from another thread; returns the status of the answer (if
/// any), the time it took, and whether the server then closed the connection.
fn flood(
    server: &Server,
    prefix: &str,
    filler: &str,
    count: usize,
    pause: Duration,
) -> (Option<u16>, Duration, bool) {
    let sock = server.connect();
    let mut writer = sock.try_clone().expect("clone");
    writer
        .set_write_timeout(Some(Duration::from_secs(2)))
        .expect("timeout");
    let (prefix, filler) = (prefix.to_string(), filler.to_string());
    let sender = std::thread::spawn(move || {
        if writer.write_all(prefix.as_bytes()).is_err() {
            return;
        }
        for _ in 0..count {
            if writer.write_all(filler.as_bytes()).is_err() {
                return;
            }
            std::thread::sleep(pause);
        }
    });
    let start = Instant::now();
    let mut reader = BufReader::new(sock);
    let status = read_response(&mut reader, false)
        .ok()
        .flatten()
        .map(|r| r.status);
    let took = start.elapsed();
    // After the answer the server closes: end of stream or a reset.
    let mut rest = [0u8; 4096];
    let closed = loop {
        match reader.read(&mut rest) {
            Ok(0) => break true,
            Ok(_) => {}
            Err(e) => {
                break e.kind() != io::ErrorKind::WouldBlock && e.kind() != io::ErrorKind::TimedOut
            }
        }
    };
    drop(reader);
    sender.join().expect("sender");
    (status, took, closed)
}

#[test]
fn clients_that_never_finish_a_request_are_cut_off() {
    let dir = common::fixture("minimal");
    let server = Server::start(dir.path(), &[]);

    // Endless headers, fast: refused at the header cap.
    let (status, took, closed) = flood(
        &server,
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        20_000,
        Duration::from_micros(50),
    );
    assert_eq!(status, Some(431));
    assert!(closed, "connection closed after 431");
    assert!(took < Duration::from_secs(3), "{took:?}");

    // One byte at a time, or blank lines forever: cut off at the head
    // deadline (5 s). Both at once, to keep the test short.
    std::thread::scope(|scope| {
        let slow = scope.spawn(|| {
            flood(
                &server,
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
                "a",
                150,
                Duration::from_millis(100),
            )
        });
        let blank = scope.spawn(|| flood(&server, "", "\r\n", 2_000_000, Duration::from_micros(5)));
        for (what, case) in [("slow header", slow), ("blank lines", blank)] {
            let (status, took, closed) = case.join().expect(what);
            assert!(matches!(status, Some(408) | None), "{what}: {status:?}");
            assert!(closed, "{what}: connection closed after the deadline");
            assert!(took < Duration::from_secs(8), "{what}: {took:?}");
            eprintln!("{what} cut off after {} ms", took.as_millis());
        }
    });

    // An endless body: not read at all.
    let (status, took, closed) = flood(
        &server,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n",
        &"b".repeat(1024),
        10_000,
        Duration::from_micros(100),
    );
    assert_eq!(status, Some(405));
    assert!(closed, "connection closed after 405");
    assert!(took < Duration::from_secs(3), "{took:?}");
    let (status, _, closed) = flood(
        &server,
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n",
        &"b".repeat(1024),
        10_000,
        Duration::from_micros(100),
    );
    assert_eq!(status, Some(413));
    assert!(closed, "connection closed after 413");

    // The server is still there.
    assert_eq!(server.get("/index.html").status, 200);
}

#[test]
fn methods_other_than_get_and_head_get_405() {
    let dir = common::fixture("minimal");
    let server = Server::start(dir.path(), &[]);
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        let r = server
            .raw(format!("{method} /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes());
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"), "{method}");
        assert!(!r.text().contains("<html"), "{method} got no page");
    }
    let get = server.get("/index.html");
    let head =
        server.raw(b"HEAD /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("Content-Length")
            .and_then(|v| v.parse::<usize>().ok()),
        Some(get.body.len())
    );
    assert_eq!(head.header("Content-Type"), get.header("Content-Type"));

    // HTTP/1.0 without keep-alive: one answer, then the server closes.
    let mut s = server.connect();
    s.write_all(b"GET /index.html HTTP/1.0\r\n\r\n")
        .expect("send");
    let mut all = Vec::new();
    s.read_to_end(&mut all).expect("closed by the server");
    assert!(all.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(all.ends_with(&get.body), "whole page, then close");
}

#[test]
fn pages_are_served_only_under_local_host_names() {
    // A page on another site whose name was re-pointed at 127.0.0.1 (DNS
    // rebinding) sends its own name as Host: it must not read the preview.
    let dir = common::fixture("minimal");
    let server = Server::start(dir.path(), &[]);
    for host in ["rebind.evil.example:8000", "127.0.0.1.evil.example"] {
        let r = server.raw(
            format!("GET /index.html HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert_eq!(r.status, 403, "{host}");
        assert!(!r.text().contains("<main"), "{host} got no page");
    }
    for host in ["localhost:8000", "127.0.0.1"] {
        let r = server.raw(
            format!("GET /index.html HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert_eq!(r.status, 200, "{host}");
    }
}

#[test]
fn percent_decoded_paths_serve_files_and_never_escape_the_site() {
    let dir = common::fixture("minimal");
    let secret = "TOP-SECRET-9f2c";
    fs::write(dir.path().join("secret.txt"), secret).expect("secret");
    let server = Server::start(dir.path(), &[]);

    for path in [
        "/%70rojects/alpha.html",
        "/projects/%61lpha.html",
        "/projects/alpha%2Ehtml",
        "/projects/alpha.html?x=%2e%2e",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.text().contains("アルファ事業"), "{path}");
    }
    let r = server.get("/%E3%81%82.html");
    assert_eq!(r.status, 404, "valid UTF-8, no such page");

    let site_yaml = fs::read_to_string(dir.path().join("content/site.yaml")).expect("site.yaml");
    let cases: &[(&str, u16)] = &[
        ("/../secret.txt", 400),
        ("/..%2fsecret.txt", 400),
        ("/%2e%2e/secret.txt", 400),
        ("/%2E%2E%2Fsecret.txt", 400),
        ("/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 400),
        ("/projects/..%2f..%2fsecret.txt", 400),
        ("/projects/%2e%2e/%2e%2e/content/site.yaml", 400),
        ("/%2e%2e%5csecret.txt", 400),
        ("/..\\secret.txt", 400),
        ("/%2e/index.html", 400),
        ("/./index.html", 400),
        ("/index.html%00", 400),
        ("/%00/../secret.txt", 400),
        ("/%0d%0aSet-Cookie:%20x=1", 400),
        ("/%c0%ae%c0%ae/secret.txt", 400),
        ("/%zz", 400),
        ("/%2", 400),
        ("//secret.txt", 404),
        ("/secret.txt", 404),
        ("/content/site.yaml", 404),
        ("/etc/passwd", 404),
    ];
    for (path, want) in cases {
        let r = server.get(path);
        assert_eq!(r.status, *want, "{path}");
        let text = r.text();
        assert!(!text.contains(secret), "{path} leaked secret.txt");
        assert!(
            !text.contains("municipality_code"),
            "{path} leaked site.yaml"
        );
        assert!(!text.contains(site_yaml.trim()), "{path} leaked site.yaml");
        assert!(!text.contains("root:"), "{path} leaked /etc/passwd");
        assert!(r.header("Set-Cookie").is_none(), "{path} injected a header");
    }
}

#[test]
fn content_types_come_from_the_file_extension() {
    let dir = common::fixture("minimal");
    let png: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let static_dir = dir.path().join("theme/static");
    fs::create_dir_all(&static_dir).expect("mkdir");
    fs::write(static_dir.join("icon.png"), png).expect("png");
    fs::write(
        static_dir.join("app.js"),
        "console.log('読み込みました');\n",
    )
    .expect("js");
    fs::write(
        static_dir.join("site.webmanifest"),
        "{\"name\":\"見本市\"}\n",
    )
    .expect("manifest");
    fs::write(
        static_dir.join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>\n",
    )
    .expect("svg");
    fs::write(static_dir.join("font.woff2"), b"wOF2\0\x01\0\0").expect("woff2");
    fs::write(static_dir.join("empty.txt"), "").expect("empty");
    let server = Server::start(dir.path(), &["--theme", "theme"]);

    for (path, ctype) in [
        ("/static/icon.png", "image/png"),
        ("/static/app.js", "text/javascript; charset=utf-8"),
        ("/static/site.webmanifest", "application/manifest+json"),
        ("/static/logo.svg", "image/svg+xml"),
        ("/static/font.woff2", "font/woff2"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
        ("/data/projects.json", "application/json"),
        ("/data/projects.csv", "text/csv; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some(ctype), "{path}");
        assert_eq!(r.header("Cache-Control"), Some("no-store"), "{path}");
    }
    assert_eq!(
        server.get("/static/icon.png").body,
        png,
        "binary served as is"
    );
    // An empty file, and the connection stays usable after it.
    let mut s = server.connect();
    s.write_all(b"GET /static/empty.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /static/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("send");
    let mut r = BufReader::new(s);
    let empty = read_response(&mut r, false)
        .expect("read")
        .expect("a response");
    assert_eq!(
        (empty.status, empty.header("Content-Length")),
        (200, Some("0"))
    );
    let next = read_response(&mut r, false)
        .expect("read")
        .expect("a response");
    assert_eq!(next.status, 200);
    assert!(next.text().contains("読み込みました"));
}
