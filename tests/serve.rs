//! `hyoka serve`: answers on loopback, shows an edited page after a file
//! change, shows errors on the page while a file is broken, keeps running.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Polls `path` until `pred` holds; bounded to 10 s.
fn wait_for(port: u16, path: &str, pred: impl Fn(u16, &str) -> bool) -> Duration {
    let start = Instant::now();
    loop {
        let (status, body) = get(port, path);
        if pred(status, &body) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {path}: {status}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn serve_rebuilds_on_change_and_survives_broken_files() {
    let dir = common::fixture("minimal");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hyoka"))
        .args(["serve", "--port", "0"])
        .current_dir(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let _server = Server(child);
    let mut lines = BufReader::new(stderr).lines();
    let first = lines.next().expect("a line").expect("utf-8");
    let port: u16 = first
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    std::thread::spawn(move || for _ in lines {});

    let (status, body) = get(port, "/projects/alpha.html");
    assert_eq!(status, 200);
    assert!(body.contains("アルファ事業"));
    assert!(
        body.contains("/__hyoka/events"),
        "live-reload script injected"
    );

    let file = dir.path().join("content/sample/alpha.yaml");
    let original = fs::read_to_string(&file).expect("read");
    fs::write(
        &file,
        original.replace("name: アルファ事業", "name: ベータ事業"),
    )
    .expect("edit");
    let took = wait_for(port, "/projects/alpha.html", |s, b| {
        s == 200 && b.contains("ベータ事業")
    });
    eprintln!("edit visible after {} ms", took.as_millis());

    fs::write(&file, "name: [\n").expect("break");
    wait_for(port, "/projects/alpha.html", |s, b| {
        s == 500 && b.contains("content/sample/alpha.yaml:")
    });

    fs::write(&file, &original).expect("fix");
    wait_for(port, "/projects/alpha.html", |s, b| {
        s == 200 && b.contains("アルファ事業")
    });
    assert_eq!(get(port, "/nope.html").0, 404);
}
