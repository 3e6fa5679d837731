//! Hostile content folders (issue 11): links out of the folder, FIFOs and
//! sockets, link loops, wrong-case extensions, control characters in
//! values, Windows device names, impossible dates, files with hundreds of
//! mistakes. Each case runs the real `hyoka check` under a deadline, so a
//! hang fails the test instead of stalling it.
#![cfg(unix)]

mod common;

use std::fs;
use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::fixture;

/// What a run of the CLI gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the real CLI in `dir`; kills it and fails when it does not finish
/// within 20 seconds (a FIFO read would block forever).
fn run(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hyoka"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hyoka");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = r.read_to_end(&mut b);
            b
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hyoka {args:?} did not finish within 20 s (blocked on a file?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = |h: std::thread::JoinHandle<Vec<u8>>| {
        String::from_utf8_lossy(&h.join().expect("reader")).into_owned()
    };
    Run {
        code: status.code(),
        stdout: text(out),
        stderr: text(err),
    }
}

const SECRET: &str = "TOPSECRET-hunter2";

/// A private file next to (outside) the content folder, whose only line is
/// a YAML string: read as departments.yaml it used to be quoted in the
/// type error ("文字列「TOPSECRET-hunter2」が書かれています").
fn private_file(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("private.txt");
    fs::write(&p, format!("{SECRET}\n")).expect("write private");
    p
}

fn assert_no_secret(r: &Run, dir: &Path) {
    for (name, s) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        assert!(!s.contains(SECRET), "{name} leaks the secret:\n{s}");
        assert!(!s.contains("private"), "{name} names the target:\n{s}");
        assert!(
            !s.contains(&dir.display().to_string()),
            "{name} shows an absolute path:\n{s}"
        );
    }
}

const OUTSIDE: &str =
    "シンボリックリンクのリンク先がコンテンツのフォルダの外にあるため、読み込みません";
const LINK_HINT: &str =
    "リンクをやめて、ファイルやフォルダそのものをコンテンツのフォルダの中に置いてください";

#[test]
fn departments_linked_outside_the_folder_is_refused_without_its_text() {
    let dir = fixture("minimal");
    let private = private_file(dir.path());
    let target = dir.path().join("content/departments.yaml");
    fs::remove_file(&target).expect("rm");
    symlink(&private, &target).expect("symlink");

    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "content/departments.yaml:1:1: error: {OUTSIDE}\n  = ヒント: {LINK_HINT}\n1 件のエラーがあります。\n"
        )
    );
    assert_no_secret(&r, dir.path());

    let r = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(
        r.stdout,
        format!("::error file=content/departments.yaml,line=1,col=1::{OUTSIDE} — {LINK_HINT}\n")
    );
    assert_no_secret(&r, dir.path());

    // A relative link that climbs out is the same.
    fs::remove_file(&target).expect("rm");
    symlink("../private.txt", &target).expect("symlink");
    let r = run(dir.path(), &["check"]);
    assert!(
        r.stderr
            .starts_with(&format!("content/departments.yaml:1:1: error: {OUTSIDE}\n")),
        "{}",
        r.stderr
    );
    assert_no_secret(&r, dir.path());
}

#[test]
fn project_page_and_series_linked_outside_are_errors() {
    let dir = fixture("minimal");
    private_file(dir.path());
    // A whole series outside, whose project would quote the secret.
    let ext = dir.path().join("outside-series");
    fs::create_dir_all(&ext).expect("mkdir");
    fs::copy(
        dir.path().join("content/sample/_series.yaml"),
        ext.join("_series.yaml"),
    )
    .expect("copy");
    fs::write(ext.join("x.yaml"), format!("{SECRET}\n")).expect("write");
    let c = dir.path().join("content");
    symlink("../outside-series", c.join("ext")).expect("symlink");
    symlink("../../private.txt", c.join("sample/leak.yaml")).expect("symlink");
    symlink("../../private.txt", c.join("pages/leak.md")).expect("symlink");
    symlink("/", c.join("sample/root")).expect("symlink");

    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let e = |p: &str| format!("{p}:1:1: error: {OUTSIDE}\n  = ヒント: {LINK_HINT}\n");
    assert_eq!(
        r.stderr,
        format!(
            "{}{}{}{}4 件のエラーがあります。\n",
            e("content/ext"),
            e("content/pages/leak.md"),
            e("content/sample/leak.yaml"),
            e("content/sample/root"),
        )
    );
    assert_no_secret(&r, dir.path());
}

#[test]
fn links_inside_the_folder_are_followed() {
    let dir = fixture("minimal");
    let c = dir.path().join("content");
    // site.yaml kept in a hidden folder, linked into place.
    fs::create_dir_all(c.join(".shared")).expect("mkdir");
    fs::rename(c.join("site.yaml"), c.join(".shared/site.yaml")).expect("mv");
    symlink(".shared/site.yaml", c.join("site.yaml")).expect("symlink");
    // A second series living in a hidden folder, linked in.
    let other = c.join(".data/other");
    fs::create_dir_all(&other).expect("mkdir");
    fs::copy(c.join("sample/_series.yaml"), other.join("_series.yaml")).expect("copy");
    fs::write(
        other.join("gamma.yaml"),
        "name: ガンマ事業\ndepartment: somu\ngroup: v1\nsource:\n  document: doc\n",
    )
    .expect("write");
    symlink(".data/other", c.join("other")).expect("symlink");
    // A project file that is a link to another file of the content.
    symlink("../.data/other/gamma.yaml", c.join("sample/delta.yaml")).expect("symlink");

    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // The fixture has no base_url and no contact: two warnings, then the
    // result.
    assert_eq!(
        r.stderr,
        format!(
            "{}\n{}\n問題はありません: 4 件の事業、2 のシリーズ、3 の課\n",
            hyoka::pipeline::NO_BASE_URL_WARNING,
            hyoka::pipeline::NO_CONTACT_WARNING
        )
    );
}

#[test]
fn link_loops_are_errors_not_hangs() {
    let dir = fixture("minimal");
    let c = dir.path().join("content");
    fs::create_dir_all(c.join("sample/sub")).expect("mkdir");
    symlink("..", c.join("sample/sub/up")).expect("symlink");
    symlink("self.yaml", c.join("sample/self.yaml")).expect("symlink");
    symlink(".", c.join("again")).expect("symlink");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let looped = "シンボリックリンクがループしています（リンク先のフォルダが、このリンクを含んでいます）\n  = ヒント: リンクを消してください\n";
    assert_eq!(
        r.stderr,
        format!(
            "content/again:1:1: error: {looped}\
             content/sample/self.yaml:1:1: error: シンボリックリンクをたどれません（リンク先がないか、リンクがループしています）\n  = ヒント: {LINK_HINT}\n\
             content/sample/sub/up:1:1: error: {looped}\
             3 件のエラーがあります。\n"
        )
    );
}

#[test]
fn fifo_socket_and_folder_are_errors_not_waits() {
    let dir = fixture("minimal");
    let c = dir.path().join("content");
    fs::remove_file(c.join("site.yaml")).expect("rm");
    for fifo in ["site.yaml", "sample/pipe.yaml"] {
        let status = Command::new("mkfifo")
            .arg(c.join(fifo))
            .status()
            .expect("mkfifo");
        assert!(status.success());
    }
    let _sock = std::os::unix::net::UnixListener::bind(c.join("pages/sock.md")).expect("bind");
    fs::remove_file(c.join("departments.yaml")).expect("rm");
    fs::create_dir(c.join("departments.yaml")).expect("mkdir");

    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let hint =
        "  = ヒント: この名前では、テキストエディタで保存した通常のファイルを置いてください\n";
    assert_eq!(
        r.stderr,
        format!(
            "content/departments.yaml:1:1: error: フォルダなので読み込めません（通常のファイルが必要です）\n{hint}\
             content/pages/sock.md:1:1: error: ソケットなので読み込めません（通常のファイルが必要です）\n{hint}\
             content/sample/pipe.yaml:1:1: error: 名前付きパイプ（FIFO）なので読み込めません（通常のファイルが必要です）\n{hint}\
             content/site.yaml:1:1: error: 名前付きパイプ（FIFO）なので読み込めません（通常のファイルが必要です）\n{hint}\
             4 件のエラーがあります。\n"
        )
    );
    // A link (inside the folder) to a FIFO is the same, named by the link.
    fs::remove_file(c.join("sample/pipe.yaml")).expect("rm");
    fs::rename(c.join("site.yaml"), c.join(".fifo")).expect("mv");
    symlink(".fifo", c.join("site.yaml")).expect("symlink");
    let r = run(dir.path(), &["check"]);
    assert!(
        r.stderr
            .contains("content/site.yaml:1:1: error: 名前付きパイプ（FIFO）なので読み込めません"),
        "{}",
        r.stderr
    );
}

#[test]
fn wrong_case_extensions_are_reported() {
    let dir = fixture("minimal");
    let c = dir.path().join("content");
    fs::rename(c.join("sample/alpha.yaml"), c.join("sample/alpha.YAML")).expect("mv");
    fs::rename(c.join("pages/about.md"), c.join("pages/about.MD")).expect("mv");
    fs::write(c.join("Extra.Yml"), "x: 1\n").expect("write");
    // A folder whose only definition file is misnamed.
    fs::create_dir(c.join("other")).expect("mkdir");
    fs::copy(c.join("sample/_series.yaml"), c.join("other/_series.YAML")).expect("copy");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let e = |p: &str, ext: &str, lower: &str| {
        format!("{p}:1:1: error: 拡張子「.{ext}」は大文字を含むため、このファイルは読み込まれません\n  = ヒント: 拡張子を小文字の「.{lower}」に変えてください\n")
    };
    assert_eq!(
        r.stderr,
        format!(
            "{}content/other:1:1: error: フォルダ「other」に _series.yaml がありません\n  = ヒント: 評価シリーズのフォルダには、シリーズを定義する _series.yaml が必要です\n{}{}{}5 件のエラーがあります。\n",
            e("content/Extra.Yml", "Yml", "yml"),
            e("content/other/_series.YAML", "YAML", "yaml"),
            e("content/pages/about.MD", "MD", "md"),
            e("content/sample/alpha.YAML", "YAML", "yaml"),
        )
    );
}

/// The lines of a human report that GitHub would read as a command.
fn command_lines(s: &str) -> Vec<&str> {
    s.lines()
        .filter(|l| l.trim_start().starts_with("::"))
        .collect()
}

#[test]
fn control_characters_never_reach_the_terminal_or_the_log_raw() {
    let dir = fixture("minimal");
    // YAML double-quoted escapes: \e is ESC, \a is BEL, \n a newline.
    fs::write(
        dir.path().join("content/sample/bad.yaml"),
        "name: x\n\
         department: \"somu\\n::warning file=x::y\"\n\
         group: v1\n\
         evaluations:\n  - period: fy2019\n    rating: \"\\e]0;pwned\\a\\u202e\"\n\
         source:\n  document: doc\n",
    )
    .expect("write");
    let r = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    for s in [&r.stdout, &r.stderr] {
        assert!(!s.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{s:?}");
    }
    assert_eq!(command_lines(&r.stderr), Vec::<&str>::new());
    assert_eq!(
        r.stderr,
        "content/sample/bad.yaml:2:13: error: 課のID「somu\\n::warning file=x::y」は departments.yaml にありません\n  = ヒント: 使えるID: somu, digital, empty\n\
         content/sample/bad.yaml:6:13: error: 評価「\\u{1b}]0;pwned\\u{7}\\u{202e}」はこのシリーズの評価の段階にありません\n  = ヒント: 評価は A・B・C のどれかです。評価されていない場合は null\n\
         2 件のエラーがあります。\n"
    );
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(
        lines.iter().all(|l| l.starts_with("::error ")),
        "{}",
        r.stdout
    );
    assert_eq!(
        lines[0],
        "::error file=content/sample/bad.yaml,line=2,col=13::課のID「somu%0A::warning file=x::y」は departments.yaml にありません — 使えるID: somu, digital, empty"
    );
}

#[test]
fn a_content_folder_named_like_a_command_does_not_start_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_dir(
        &common::repo().join("tests/fixtures/minimal/content"),
        &dir.path().join("::warning x"),
    );
    fs::write(dir.path().join("::warning x/sample/Bad.yaml"), "").expect("write");
    let r = run(dir.path(), &["check", "--content", "::warning x"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(command_lines(&r.stderr), Vec::<&str>::new());
    assert!(
        r.stderr.contains(
            "\n./::warning x/sample/Bad.yaml:1:1: error: ファイル名（事業ID）「Bad」は使えません\n"
        ) || r.stderr.starts_with(
            "./::warning x/sample/Bad.yaml:1:1: error: ファイル名（事業ID）「Bad」は使えません\n"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn long_values_are_quoted_as_120_character_excerpts() {
    let dir = fixture("minimal");
    let long = "a".repeat(5000);
    fs::write(
        dir.path().join("content/sample/bad.yaml"),
        format!("name: x\ndepartment: {long}\ngroup: v1\nsource:\n  document: doc\n"),
    )
    .expect("write");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let first = r.stderr.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "content/sample/bad.yaml:2:13: error: 課のID「{}…」は departments.yaml にありません",
            "a".repeat(120)
        )
    );
    assert!(!r.stderr.contains(&"a".repeat(121)), "{}", r.stderr);
}

#[test]
fn impossible_updated_dates_are_errors() {
    for (date, message) in [
        ("2026-13-99", "更新日「2026-13-99」という日はありません"),
        ("2023-02-29", "更新日「2023-02-29」という日はありません"),
        ("2026-04-31", "更新日「2026-04-31」という日はありません"),
    ] {
        let dir = fixture("minimal");
        let site = dir.path().join("content/site.yaml");
        let s = fs::read_to_string(&site)
            .expect("read")
            .replace("2026-01-01", date);
        fs::write(&site, s).expect("write");
        let r = run(dir.path(), &["check"]);
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert_eq!(
            r.stderr,
            format!("content/site.yaml:5:10: error: {message}\n  = ヒント: 月は 1〜12、日はその月の日数まで（うるう年の2月は29日まで）で書いてください\n1 件のエラーがあります。\n")
        );
    }
    // A leap day is a day.
    let dir = fixture("minimal");
    let site = dir.path().join("content/site.yaml");
    let s = fs::read_to_string(&site)
        .expect("read")
        .replace("2026-01-01", "2024-02-29");
    fs::write(&site, s).expect("write");
    assert_eq!(run(dir.path(), &["check"]).code, Some(0));
}

#[test]
fn an_empty_period_label_is_an_error() {
    let dir = fixture("minimal");
    let f = dir.path().join("content/sample/_series.yaml");
    let s = fs::read_to_string(&f)
        .expect("read")
        .replace("label: 総括", "label: \"  \"");
    fs::write(&f, s).expect("write");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "content/sample/_series.yaml:27:12: error: 期間「overall」の名前（label）が空です\n  = ヒント: ページに表示する名前を書いてください（例: 令和元年度）\n1 件のエラーがあります。\n"
    );
}

#[test]
fn a_file_with_300_mistakes_reports_200_and_says_there_may_be_more() {
    let dir = fixture("minimal");
    let f = dir.path().join("content/sample/alpha.yaml");
    let mut s = fs::read_to_string(&f).expect("read");
    let base = s.lines().count();
    for n in 1..=300 {
        s.push_str(&format!("zzextra{n:03}: 1\n"));
    }
    fs::write(&f, s).expect("write");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1));
    let unknown: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("という項目はありません"))
        .collect();
    assert_eq!(unknown.len(), 200);
    assert!(unknown[0].starts_with(&format!(
        "content/sample/alpha.yaml:{}:1: error: 「zzextra001」",
        base + 1
    )));
    assert!(unknown[199].starts_with(&format!(
        "content/sample/alpha.yaml:{}:1: error: 「zzextra200」",
        base + 200
    )));
    // The note stands where the first unreported mistake is.
    assert!(
        r.stderr.ends_with(&format!(
            "content/sample/alpha.yaml:{}:1: error: このファイルには、ほかにも誤りがある可能性があります（200 件で打ち切りました）\n  = ヒント: ここまでの誤りを直してから、もう一度 hyoka check で確かめてください\n201 件のエラーがあります。\n",
            base + 201
        )),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("zzextra201"));
}

#[test]
fn windows_device_names_are_refused_as_ids() {
    let dir = fixture("minimal");
    let c = dir.path().join("content");
    fs::rename(c.join("sample/alpha.yaml"), c.join("sample/con.yaml")).expect("mv");
    fs::rename(c.join("pages/about.md"), c.join("pages/prn.md")).expect("mv");
    let d = fs::read_to_string(c.join("departments.yaml"))
        .expect("read")
        .replace("id: empty", "id: nul");
    fs::write(c.join("departments.yaml"), d).expect("write");
    fs::rename(c.join("sample"), c.join("aux")).expect("mv");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let hint = "  = ヒント: con・nul・aux・prn・com1・lpt1 などは Windows の装置の名前なので、別の名前にしてください（例: con-kikaku）\n";
    for line in [
        "content/departments.yaml:16:9: error: 課のID「nul」は Windows で使えない名前です\n",
        "content/aux/_series.yaml:1:1: error: シリーズのフォルダ名「aux」は Windows で使えない名前です\n",
        "content/aux/con.yaml:1:1: error: ファイル名（事業ID）「con」は Windows で使えない名前です\n",
        "content/pages/prn.md:1:1: error: ページのファイル名「prn」は Windows で使えない名前です\n",
    ] {
        assert!(
            r.stderr.contains(&format!("{line}{hint}")),
            "missing {line}in\n{}",
            r.stderr
        );
    }

    // Ids inside _series.yaml: a period, a group and a source.
    let dir = fixture("minimal");
    let f = dir.path().join("content/sample/_series.yaml");
    let s = fs::read_to_string(&f)
        .expect("read")
        .replace("id: overall", "id: com1")
        .replace("id: v2", "id: lpt9")
        .replace("id: doc", "id: aux");
    fs::write(&f, s).expect("write");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "content/sample/_series.yaml:19:11: error: グループのID「lpt9」は Windows で使えない名前です\n{hint}\
             content/sample/_series.yaml:26:9: error: 期間のID「com1」は Windows で使えない名前です\n{hint}\
             content/sample/_series.yaml:31:9: error: 資料のID「aux」は Windows で使えない名前です\n{hint}\
             3 件のエラーがあります。\n"
        )
    );

    let dir = fixture("minimal");
    let r = run(dir.path(), &["new", "sample", "lpt1"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: 事業ID「lpt1」は Windows で使えない名前です。con・nul・aux・prn・com1・lpt1 などは避けて、別のIDにしてください\n"
    );
    assert!(!dir.path().join("content/sample/lpt1.yaml").exists());
}

#[test]
fn new_refuses_an_id_that_another_series_has() {
    let dir = fixture("minimal");
    let c = dir.path().join("content");
    fs::create_dir(c.join("other")).expect("mkdir");
    fs::copy(c.join("sample/_series.yaml"), c.join("other/_series.yaml")).expect("copy");
    let r = run(dir.path(), &["new", "other", "alpha"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: 事業ID「alpha」は content/sample/alpha.yaml ですでに使われています。事業IDはシリーズをまたいでも重複できないので、別のIDにしてください\n"
    );
    assert!(!c.join("other/alpha.yaml").exists());
    // A fresh id is still fine.
    let r = run(dir.path(), &["new", "other", "beta"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn folders_nested_too_deeply_are_an_error_not_a_crash() {
    let dir = fixture("minimal");
    let mut deep = dir.path().join("content/sample");
    for _ in 0..40 {
        deep.push("d");
    }
    fs::create_dir_all(&deep).expect("mkdir");
    let r = run(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    // The series folder and 32 levels below it are listed; the 33rd is not.
    let d33 = format!("content/sample{}", "/d".repeat(33));
    assert_eq!(
        r.stderr,
        format!("{d33}:1:1: error: フォルダの階層が深すぎます（シリーズのフォルダから 32 段まで）\n  = ヒント: 事業のファイルは、浅いフォルダに置いてください\n1 件のエラーがあります。\n")
    );
}
