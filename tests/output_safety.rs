//! `hyoka build --output`: hyoka replaces only folders it wrote itself, never
//! deletes through a link, swaps without a gap and cleans up after killed
//! builds. Each case runs the real CLI on a copy of the `minimal` fixture and
//! checks the exit code, the message, and that every byte that must survive
//! did.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{fixture, hyoka, text};

/// Every file under `root` (links not followed) with its bytes, and every
/// link with its target.
fn tree(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let rel = e.path().strip_prefix(root).expect("rel").to_path_buf();
            let ft = e.file_type();
            let bytes = if ft.is_symlink() {
                let t = fs::read_link(e.path()).expect("readlink");
                format!("-> {}", t.display()).into_bytes()
            } else if ft.is_file() {
                fs::read(e.path()).expect("read")
            } else {
                b"<dir>".to_vec()
            };
            (rel, bytes)
        })
        .collect();
    v.sort();
    v
}

fn build(dir: &Path, output: &str) -> (Option<i32>, String) {
    let o = hyoka(dir, &["build", "--output", output]);
    (o.status.code(), text(&o).1)
}

/// Names of entries of `dir` that start with `prefix`.
fn named(dir: &Path, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    v.sort();
    v
}

#[test]
fn refuses_a_folder_hyoka_did_not_write() {
    let dir = fixture("minimal");
    let home = dir.path().join("home");
    fs::create_dir_all(home.join(".ssh")).expect("mkdir");
    fs::write(home.join(".ssh/id_ed25519"), "PRIVATE KEY").expect("write");
    fs::write(home.join("notes.txt"), "mine").expect("write");
    let before = tree(&home);
    let (code, err) = build(dir.path(), "home");
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        err.lines().next().unwrap_or(""),
        "error: 出力先 home は hyoka が書き出したフォルダではありません（目印のファイル .hyoka-output がありません）。中のファイルを消さないよう、何も変更せずに中止しました"
    );
    assert!(err.contains("= ヒント: 空のフォルダか"), "{err}");
    assert_eq!(tree(&home), before);
    assert!(named(dir.path(), ".home").is_empty(), "nothing staged");
}

#[test]
fn refuses_the_content_folder_a_folder_inside_it_and_its_parent() {
    let dir = fixture("minimal");
    let content = dir.path().join("content");
    let before = tree(&content);
    for (output, expected) in [
        ("content", "と同じフォルダです"),
        ("content/sample", "の中です"),
        ("content/new-folder", "の中です"),
        (".", "を含むフォルダです"),
    ] {
        let (code, err) = build(dir.path(), output);
        assert_eq!(code, Some(2), "{output}: {err}");
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.starts_with(&format!("error: 出力先 {output} はコンテンツのフォルダ ")),
            "{output}: {err}"
        );
        assert!(first.contains(expected), "{output}: {err}");
        assert!(first.ends_with("出力先には何も書き込んでいません"), "{err}");
        assert_eq!(tree(&content), before, "{output}");
    }
    assert!(!dir.path().join("output").exists());
}

#[test]
fn refuses_the_theme_folder() {
    let dir = fixture("minimal");
    let theme = dir.path().join("mytheme/templates");
    fs::create_dir_all(&theme).expect("mkdir");
    let o = hyoka(
        dir.path(),
        &["build", "--theme", "mytheme", "--output", "mytheme/site"],
    );
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    assert!(text(&o).1.contains("はテーマのフォルダ "), "{:?}", text(&o));
    assert!(!dir.path().join("mytheme/site").exists());
}

#[test]
fn refuses_a_file() {
    let dir = fixture("minimal");
    fs::write(dir.path().join("site.txt"), "keep me").expect("write");
    let (code, err) = build(dir.path(), "site.txt");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with(
            "error: 出力先 site.txt はフォルダではなくファイルです。何も変更していません"
        ),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("site.txt")).expect("read"),
        "keep me"
    );
}

#[test]
fn builds_into_an_empty_folder_and_then_replaces_its_own_output() {
    let dir = fixture("minimal");
    fs::create_dir(dir.path().join("output")).expect("mkdir");
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    let marker = fs::read_to_string(dir.path().join("output/.hyoka-output")).expect("marker");
    assert_eq!(marker, "hyoka-output 1\n");
    fs::write(dir.path().join("output/stale.html"), "old").expect("write");
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    assert!(!dir.path().join("output/stale.html").exists());
    assert!(dir.path().join("output/index.html").is_file());
    assert!(named(dir.path(), ".output").is_empty());
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_is_built_at_its_target_and_the_link_kept() {
    let dir = fixture("minimal");
    let (code, err) = build(dir.path(), "www/real");
    assert_eq!(code, Some(0), "{err}");
    std::os::unix::fs::symlink("www/real", dir.path().join("public")).expect("symlink");
    let (code, err) = build(dir.path(), "public");
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("public（リンク先 "), "{err}");
    let link = fs::symlink_metadata(dir.path().join("public")).expect("link");
    assert!(link.file_type().is_symlink(), "the link itself is kept");
    assert!(dir.path().join("www/real/index.html").is_file());
    assert!(named(&dir.path().join("www"), ".real").is_empty());
}

#[cfg(unix)]
#[test]
fn nothing_is_deleted_through_a_link() {
    let dir = fixture("minimal");
    let precious = dir.path().join("precious");
    fs::create_dir(&precious).expect("mkdir");
    fs::write(precious.join("photo.jpg"), "JPEG").expect("write");
    let before = tree(&precious);
    // A link to a foreign folder as the output: refused, the folder intact.
    std::os::unix::fs::symlink("precious", dir.path().join("output")).expect("symlink");
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("hyoka が書き出したフォルダではありません"),
        "{err}"
    );
    assert_eq!(tree(&precious), before);
    fs::remove_file(dir.path().join("output")).expect("unlink");
    // A link inside a previous output: the link goes, its target stays.
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    std::os::unix::fs::symlink("../precious", dir.path().join("output/trap")).expect("symlink");
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    assert!(fs::symlink_metadata(dir.path().join("output/trap")).is_err());
    assert_eq!(tree(&precious), before);
}

#[test]
fn leftovers_of_a_killed_build_are_removed_and_reported() {
    let dir = fixture("minimal");
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    // What a build killed with SIGKILL leaves: its staging folder, marked,
    // with nobody holding the marker's lock.
    let dead = dir.path().join(".output.staging-999999999");
    fs::create_dir_all(dead.join("projects")).expect("mkdir");
    fs::write(dead.join(".hyoka-output"), "hyoka-output 1\n").expect("marker");
    fs::write(dead.join("projects/half.html"), "<p>half").expect("write");
    // A folder with a similar name that hyoka did not write stays.
    let foreign = dir.path().join(".output.staging-12");
    fs::create_dir(&foreign).expect("mkdir");
    fs::write(foreign.join("keep.txt"), "keep").expect("write");
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    assert!(!dead.exists());
    assert!(
        err.contains("中断したビルドの作業フォルダ ")
            && err.contains(".output.staging-999999999 を削除しました"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(foreign.join("keep.txt")).expect("kept"),
        "keep"
    );
}

#[cfg(unix)]
#[test]
fn a_real_sigkill_leaves_nothing_the_next_build_does_not_clean() {
    let dir = fixture("shipped");
    let bin = env!("CARGO_BIN_EXE_hyoka");
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    for delay_ms in [5u64, 40, 120] {
        let mut child = Command::new(bin)
            .args(["build", "-q"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Whatever the kill left, the output is whole: the old or the new site.
        assert!(dir.path().join("output/index.html").is_file());
        assert!(dir.path().join("output/.hyoka-output").is_file());
    }
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    assert!(named(dir.path(), ".output").is_empty(), "{err}");
}

#[test]
fn readers_never_see_the_output_missing_during_rebuilds() {
    let dir = fixture("minimal");
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    let stop = Arc::new(AtomicBool::new(false));
    let index = dir.path().join("output/index.html");
    let reader = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let (mut reads, mut missing) = (0u64, 0u64);
            let deadline = Instant::now() + Duration::from_secs(60);
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                match fs::read(&index) {
                    Ok(b) if !b.is_empty() => {}
                    _ => missing += 1,
                }
                reads += 1;
            }
            (reads, missing)
        })
    };
    for _ in 0..8 {
        let (code, err) = build(dir.path(), "output");
        assert_eq!(code, Some(0), "{err}");
    }
    stop.store(true, Ordering::Relaxed);
    let (reads, missing) = reader.join().expect("reader");
    assert!(reads > 100, "the reader ran ({reads} reads)");
    assert_eq!(missing, 0, "{missing} of {reads} reads found no index.html");
}

/// Runs `chattr` on `path`; false where the file system or user can't.
#[cfg(target_os = "linux")]
fn chattr(flag: &str, path: &Path) -> bool {
    Command::new("chattr")
        .arg(flag)
        .arg(path)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(target_os = "linux")]
#[test]
fn a_previous_output_that_cannot_be_removed_is_reported_truthfully() {
    let dir = fixture("minimal");
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    let stuck = dir.path().join("output/index.html");
    if !chattr("+i", &stuck) {
        eprintln!("skipped: chattr +i is not available here");
        return;
    }
    // Nothing changed, so only --no-cache makes this build swap (without
    // it the intact output is left alone; see tests/cache.rs).
    let o = hyoka(dir.path(), &["build", "--output", "output", "--no-cache"]);
    let (code, err) = (o.status.code(), text(&o).1);
    // The new site is in place even though the old one could not go.
    let leftovers = named(dir.path(), ".output.staging-");
    for l in &leftovers {
        chattr("-i", &dir.path().join(l).join("index.html"));
    }
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: 新しいサイトに入れ替えましたが、以前の出力 ")
            && err.contains("を削除できませんでした"),
        "{err}"
    );
    assert!(!err.contains("変更していません"), "no false claim: {err}");
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    assert!(dir.path().join("output/index.html").is_file());
    // Once it can go, the next build removes it and says so.
    let (code, err) = build(dir.path(), "output");
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("を削除しました"), "{err}");
    assert!(named(dir.path(), ".output").is_empty(), "{err}");
}
