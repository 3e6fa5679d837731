//! Shared test harness in the style of mdBook's: fixture folders are copied
//! to a temporary directory and the real `hyoka` binary is run on them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies `src` into `dst` recursively.
pub fn copy_dir(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(src).expect("prefix");
        let target = dst.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A temp dir holding a copy of `tests/fixtures/<name>` (or of the shipped
/// `content/` when name is `"shipped"`, placed at `content/`).
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    if name == "shipped" {
        copy_dir(&repo().join("content"), &dir.path().join("content"));
    } else {
        copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    }
    dir
}

/// Runs the real CLI in `dir`.
pub fn hyoka(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hyoka"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run hyoka")
}

/// stdout + stderr as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The `<main …>…</main>` part of an HTML page.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>") + "</main>".len();
    &html[start..end]
}

/// Compares `actual` with `tests/snapshots/<name>`; with `UPDATE_SNAPSHOTS=1`
/// rewrites the snapshot instead (review the diff before committing).
pub fn snapshot(name: &str, actual: &str) {
    let path = repo().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected != actual {
        let mut report = String::new();
        for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
            if e != a {
                report = format!("first difference at line {}:\n- {e}\n+ {a}", i + 1);
                break;
            }
        }
        panic!(
            "snapshot {name} differs ({} vs {} lines). {report}\nRun with UPDATE_SNAPSHOTS=1 to accept.",
            expected.lines().count(),
            actual.lines().count()
        );
    }
}

/// A file's text; the test fails naming the file when it can't be read.
pub fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every `href="…"` of a page, with `&#x2f;` and `&amp;` decoded.
pub fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&#x2f;", "/").replace("&amp;", "&"))
        .collect()
}

/// Every file under `root` with its bytes, by `/`-separated relative path.
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).expect("under root");
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}
