//! The build cache (issue 17): a rebuild after any change is byte for
//! byte the same as a clean `--no-cache` build into another folder; what
//! did not change is taken from the previous output (the same file, hard
//! linked) rather than rendered again; a broken cache is ignored with a
//! warning; a failed build keeps the previous output and cache.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use common::{fixture, hyoka, text, tree};

/// Runs `hyoka build` with `args` in `dir`; panics unless it succeeded.
/// Returns stderr.
fn build(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let o = hyoka(dir, &all);
    let (_, err) = text(&o);
    assert!(o.status.success(), "build {args:?} failed: {err}");
    err
}

/// Builds `out` with the cache, then `clean` without it, and asserts that
/// both hold the same files with the same bytes. Returns the cached
/// build's stderr.
fn rebuild_equals_clean(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["--output", "out"];
    args.extend_from_slice(extra);
    let err = build(dir, &args);
    let _ = fs::remove_dir_all(dir.join("clean"));
    let mut args = vec!["--output", "clean", "--no-cache"];
    args.extend_from_slice(extra);
    build(dir, &args);
    let (a, b) = (tree(&dir.join("out")), tree(&dir.join("clean")));
    let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "same files");
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs from a clean build");
    }
    err
}

fn ino(p: &Path) -> u64 {
    fs::metadata(p).expect("stat").ino()
}

/// Replaces the first `from` in the file `p` by `to`.
fn edit(p: &Path, from: &str, to: &str) {
    let s = fs::read_to_string(p).expect("read");
    assert!(s.contains(from), "{} has no {from:?}", p.display());
    fs::write(p, s.replacen(from, to, 1)).expect("write");
}

/// Writes `bytes` to `p`, then sets its modification time back to `mtime`.
fn write_keeping_time(p: &Path, bytes: &[u8], mtime: std::time::SystemTime) {
    fs::write(p, bytes).expect("write");
    fs::File::options()
        .write(true)
        .open(p)
        .and_then(|f| f.set_modified(mtime))
        .expect("set time");
}

/// The `N of M` after `what` in a `-v` build's report.
fn counted(err: &str, what: &str) -> (usize, usize) {
    let line = err
        .lines()
        .find_map(|l| l.trim().strip_prefix(what))
        .unwrap_or_else(|| panic!("no {what:?} line: {err}"));
    let (n, m) = line.split_once(" of ").expect("N of M");
    (n.parse().expect("N"), m.parse().expect("M"))
}

/// The `rows copied N of M` of a `-v` build's report.
fn rows_copied(err: &str) -> (usize, usize) {
    counted(err, "rows copied ")
}

const A: &str = "out/projects/address-register.html";
const B: &str = "out/projects/e-application.html";

#[test]
fn every_kind_of_change_rebuilds_as_a_clean_build_would() {
    let dir = fixture("shipped");
    let d = dir.path();
    // A user theme overriding one template, so that a theme change can be
    // made below.
    fs::create_dir_all(d.join("mytheme/templates")).expect("mkdir");
    fs::copy(
        common::repo().join("themes/default/templates/404.html"),
        d.join("mytheme/templates/404.html"),
    )
    .expect("copy");
    let theme = ["--theme", "mytheme"];
    let err = rebuild_equals_clean(d, &theme);
    assert!(!err.contains("warning: ビルドのキャッシュ"), "{err}");
    assert!(d.join(".hyoka-cache/out.cache").is_file());
    assert!(
        !d.join("out/.hyoka-cache").exists(),
        "never inside the output"
    );

    // One project changed: only its files are new; the others are the
    // previous output's files, linked, not rendered again.
    let (a0, b0) = (ino(&d.join(A)), ino(&d.join(B)));
    let chunks = |d: &Path| -> BTreeMap<String, u64> {
        fs::read_dir(d.join("out/search/c"))
            .expect("chunks")
            .map(|e| e.expect("entry").path())
            .map(|p| {
                (
                    p.file_name().expect("name").to_string_lossy().into_owned(),
                    ino(&p),
                )
            })
            .collect()
    };
    let c0 = chunks(d);
    edit(
        &d.join("content/ict-plan-2019-2021/address-register.yaml"),
        "name: \"住居表示台帳管理システム\"",
        "name: \"住居表示台帳管理システム（改）\"",
    );
    let err = rebuild_equals_clean(d, &["--theme", "mytheme", "-v"]);
    assert!(
        err.contains("wall search-patch"),
        "the search index was patched: {err}"
    );
    assert_ne!(ino(&d.join(A)), a0, "the changed project was rendered");
    // The list pages' rows of the other projects were copied from the
    // previous pages; the changed project's were rendered.
    let (copied, total) = rows_copied(&err);
    assert!(copied > 0 && copied < total, "{err}");
    // Of the search results' chunks only the changed project's is new.
    let c1 = chunks(d);
    assert_eq!(c0.keys().collect::<Vec<_>>(), c1.keys().collect::<Vec<_>>());
    let new: Vec<&String> = c1.keys().filter(|k| c0[*k] != c1[*k]).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    let text = fs::read_to_string(d.join("out/search/c").join(new[0])).expect("chunk");
    assert!(text.contains("住居表示台帳管理システム（改）"), "{text}");
    assert_eq!(ino(&d.join(B)), b0, "an unchanged project was reused");
    let html = fs::read_to_string(d.join(A)).expect("page");
    assert!(html.contains("住居表示台帳管理システム（改）"));

    // A department renamed: every page may show it, so nothing is reused.
    edit(
        &d.join("content/departments.yaml"),
        "- name: 経営企画課",
        "- name: 経営戦略課",
    );
    let err = rebuild_equals_clean(d, &["--theme", "mytheme", "-v"]);
    assert!(!err.contains("search-patch"), "nothing is patched: {err}");
    assert_ne!(ino(&d.join(B)), b0);
    let b1 = ino(&d.join(B));

    // A template of the user theme changed.
    let t404 = d.join("mytheme/templates/404.html");
    let mut t = fs::read_to_string(&t404).expect("read");
    t.push_str("\n{# changed #}\n");
    fs::write(&t404, t).expect("write");
    rebuild_equals_clean(d, &theme);
    assert_ne!(ino(&d.join(B)), b1, "a theme change renders everything");
    let b2 = ino(&d.join(B));

    // A project deleted, then one added (a copy under a new id).
    fs::remove_file(d.join("content/ict-plan-2019-2021/address-register.yaml")).expect("rm");
    rebuild_equals_clean(d, &theme);
    assert!(!d.join(A).exists());
    assert_eq!(ino(&d.join(B)), b2);
    fs::copy(
        d.join("content/ict-plan-2019-2021/e-application.yaml"),
        d.join("content/ict-plan-2019-2021/e-application-2.yaml"),
    )
    .expect("copy");
    rebuild_equals_clean(d, &theme);
    assert!(d.join("out/projects/e-application-2.html").is_file());
    assert_eq!(ino(&d.join(B)), b2);

    // Nothing changed: the output is left exactly as it was (not even
    // swapped), and stays equal to a clean build.
    let root = ino(&d.join("out"));
    rebuild_equals_clean(d, &theme);
    assert_eq!(ino(&d.join("out")), root, "nothing was swapped in");

    // --no-cache renders everything again.
    build(d, &["--output", "out", "--no-cache", "--theme", "mytheme"]);
    assert_ne!(ino(&d.join(B)), b2);
}

#[test]
fn a_broken_or_foreign_cache_is_ignored_with_a_warning() {
    let dir = fixture("minimal");
    let d = dir.path();
    build(d, &["--output", "out"]);
    let cache = d.join(".hyoka-cache/out.cache");
    let good = fs::read(&cache).expect("cache");
    let page = d.join("out/projects/alpha.html");
    let bad: [(&str, Vec<u8>); 3] = [
        ("truncated", good[..good.len() / 2].to_vec()),
        ("garbled", {
            let mut g = good.clone();
            let at = g.len() - 10;
            g[at] ^= 0xff;
            g
        }),
        ("foreign", {
            // Another binary's identity (bytes 16..32).
            let mut g = good.clone();
            g[20] ^= 1;
            g
        }),
    ];
    for (what, bytes) in bad {
        let before = ino(&page);
        fs::write(&cache, &bytes).expect("write");
        let err = rebuild_equals_clean(d, &[]);
        assert!(
            err.contains("warning: ビルドのキャッシュ") && err.contains("使いません"),
            "{what}: {err}"
        );
        assert_ne!(ino(&page), before, "{what}: nothing reused");
        // A fresh cache was written, and is used by the next build.
        let before = ino(&page);
        edit(
            &d.join("content/sample/script-name.yaml"),
            "name: ",
            "name: 新",
        );
        let err = rebuild_equals_clean(d, &[]);
        assert!(
            !err.contains("warning: ビルドのキャッシュ"),
            "{what}: {err}"
        );
        assert_eq!(ino(&page), before, "{what}: the fresh cache is used");
    }
}

#[test]
fn a_failed_build_keeps_the_output_and_the_cache() {
    let dir = fixture("minimal");
    let d = dir.path();
    build(d, &["--output", "out"]);
    let cache = d.join(".hyoka-cache/out.cache");
    let (bytes, page) = (
        fs::read(&cache).expect("cache"),
        d.join("out/projects/alpha.html"),
    );
    let before = ino(&page);
    let other = d.join("content/sample/script-name.yaml");
    let good = fs::read(&other).expect("read");
    fs::write(&other, "name: [\n").expect("break");
    let data = d.join(".hyoka-cache/out.data");
    let data_bytes = fs::read(&data).expect("data");
    let o = hyoka(d, &["build", "--output", "out"]);
    assert!(!o.status.success());
    assert_eq!(fs::read(&cache).expect("cache"), bytes, "cache untouched");
    assert!(
        fs::read(&data).expect("data") == data_bytes,
        "payloads untouched"
    );
    assert_eq!(ino(&page), before, "output untouched");
    fs::write(&other, good).expect("fix");
    rebuild_equals_clean(d, &[]);
    assert_eq!(ino(&page), before, "the kept cache is used");
}

#[test]
fn a_changed_output_file_is_rendered_again() {
    let dir = fixture("minimal");
    let d = dir.path();
    build(d, &["--output", "out"]);
    let page = d.join("out/projects/alpha.html");
    // Same size, other bytes: the time and hash give it away.
    let mut b = fs::read(&page).expect("read");
    let at = b.len() / 2;
    b[at] = if b[at] == b'x' { b'y' } else { b'x' };
    fs::write(&page, &b).expect("write");
    // Touch a project so that the build is not a no-op either way.
    edit(
        &d.join("content/sample/script-name.yaml"),
        "name: ",
        "name: 新",
    );
    rebuild_equals_clean(d, &[]);
    // And an extra file in the output is not kept by a no-op build.
    fs::write(d.join("out/extra.txt"), "x").expect("write");
    rebuild_equals_clean(d, &[]);
}

#[test]
fn a_cache_that_cannot_be_written_is_a_warning_not_a_failure() {
    let dir = fixture("minimal");
    let d = dir.path();
    // A file where the cache folder would be.
    fs::write(d.join(".hyoka-cache"), "not a folder").expect("write");
    let err = rebuild_equals_clean(d, &[]);
    assert!(err.contains("warning: ビルドのキャッシュ"), "{err}");
    assert!(err.contains("を書けませんでした"), "{err}");
    assert!(d.join("out/index.html").is_file());
}

/// The build date of the free pages comes from SOURCE_DATE_EPOCH when it
/// is set: a cached rebuild with another epoch must not keep the old page.
#[test]
fn a_new_source_date_epoch_is_a_change() {
    let dir = fixture("shipped");
    let d = dir.path();
    let run = |epoch: &str, out: &str, extra: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_hyoka"));
        c.current_dir(d)
            .args(["build", "--output", out])
            .args(extra)
            .env("SOURCE_DATE_EPOCH", epoch);
        let o = c.output().expect("run hyoka");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run("0", "out", &[]);
    let page = "pages/accessibility.html";
    let first = fs::read_to_string(d.join("out").join(page)).expect("page");
    assert!(first.contains("1970年1月1日"), "epoch 0 is 1970-01-01");
    // 2001-09-09 01:46:40 UTC.
    run("1000000000", "out", &[]);
    run("1000000000", "clean", &["--no-cache"]);
    let (a, b) = (tree(&d.join("out")), tree(&d.join("clean")));
    assert_eq!(a, b, "cached rebuild equals a clean build");
    let second = fs::read_to_string(d.join("out").join(page)).expect("page");
    assert!(second.contains("2001年9月9日"), "the new date is shown");
}

/// The previous search index is patched only when its files are still as
/// the previous build wrote them: a shard changed behind its back (same
/// size, other bytes) means a fresh index, still equal to a clean build.
#[test]
fn a_changed_search_shard_is_not_patched() {
    let dir = fixture("shipped");
    let d = dir.path();
    build(d, &["--output", "out"]);
    let shard = d.join("out/search/g/0.bin");
    let mut b = fs::read(&shard).expect("read");
    let at = b.len() / 2;
    b[at] ^= 0x55;
    fs::write(&shard, &b).expect("write");
    edit(
        &d.join("content/ict-plan-2019-2021/address-register.yaml"),
        "name: \"住居表示台帳管理システム\"",
        "name: \"住居表示台帳管理システム（改）\"",
    );
    let err = rebuild_equals_clean(d, &["-v"]);
    assert!(!err.contains("search-patch"), "not patched: {err}");
    // With the shard intact again, the next edit is patched.
    edit(
        &d.join("content/ict-plan-2019-2021/address-register.yaml"),
        "（改）",
        "（再）",
    );
    let err = rebuild_equals_clean(d, &["-v"]);
    assert!(err.contains("wall search-patch"), "patched: {err}");
}

/// Appends a YAML comment to every project file: each is a change (its
/// bytes differ), none changes the site (the series files, `_series.yaml`,
/// are left alone).
fn touch_all(d: &Path) {
    let projects = walkdir::WalkDir::new(d.join("content"))
        .min_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .filter(|p| {
            p.extension().is_some_and(|x| x == "yaml")
                && p.file_name()
                    .is_some_and(|n| !n.to_string_lossy().starts_with('_'))
        });
    let mut n = 0;
    for p in projects {
        let mut s = fs::read_to_string(&p).expect("read");
        s.push_str("\n# touched\n");
        fs::write(&p, s).expect("write");
        n += 1;
    }
    assert!(n > 50, "{n} project files touched");
}

#[test]
fn the_payloads_file_grows_by_what_changed_and_is_rewritten_once_mostly_stale() {
    let dir = fixture("shipped");
    let d = dir.path();
    let data = d.join(".hyoka-cache/out.data");
    build(d, &["--output", "out"]);
    let first = fs::read(&data).expect("data");
    // One project changed: its payload is appended, the others stay where
    // they were.
    edit(
        &d.join("content/ict-plan-2019-2021/address-register.yaml"),
        "name: \"住居表示台帳管理システム\"",
        "name: \"住居表示台帳管理システム（改）\"",
    );
    rebuild_equals_clean(d, &[]);
    let second = fs::read(&data).expect("data");
    assert!(second.len() > first.len(), "a payload was added");
    assert!(
        second.len() < first.len() + first.len() / 10,
        "{} -> {} bytes: only the changed project's payload",
        first.len(),
        second.len()
    );
    assert!(second[..first.len()] == first[..], "earlier payloads kept");
    // Every project changed: the file doubles, its older half stale.
    touch_all(d);
    rebuild_equals_clean(d, &[]);
    let third = fs::read(&data).expect("data").len();
    assert!(third > second.len() * 3 / 2, "{third}");
    // The next build writes a file of the live payloads only.
    edit(
        &d.join("content/ict-plan-2019-2021/address-register.yaml"),
        "（改）",
        "（改2）",
    );
    rebuild_equals_clean(d, &[]);
    let fourth = fs::read(&data).expect("data").len();
    assert!(
        fourth < third * 2 / 3 && fourth > first.len() / 2,
        "{third} -> {fourth}"
    );
    // Other inputs (a department renamed): nothing is reused, and the
    // file is written anew rather than appended to.
    edit(
        &d.join("content/departments.yaml"),
        "- name: 経営企画課",
        "- name: 経営戦略課",
    );
    rebuild_equals_clean(d, &[]);
    let fifth = fs::read(&data).expect("data").len();
    assert!(fifth < fourth * 3 / 2, "{fourth} -> {fifth}");
}

#[test]
fn a_row_of_a_list_page_changed_in_the_output_is_rendered_again() {
    let dir = fixture("shipped");
    let d = dir.path();
    build(d, &["--output", "out"]);
    // One byte of e-application's row in projects.html, changed in place
    // with the file's size and time kept: the page is still "as stamped",
    // only the row's own hash tells.
    let page = d.join("out/projects.html");
    let mtime = fs::metadata(&page)
        .expect("stat")
        .modified()
        .expect("mtime");
    let mut html = fs::read(&page).expect("read");
    let needle = b"projects/e-application.html";
    let at = html
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the row")
        + "projects/".len();
    html[at] = b'x';
    write_keeping_time(&page, &html, mtime);
    edit(
        &d.join("content/ict-plan-2019-2021/address-register.yaml"),
        "name: \"住居表示台帳管理システム\"",
        "name: \"住居表示台帳管理システム（改）\"",
    );
    let err = rebuild_equals_clean(d, &["-v"]);
    let (copied, total) = rows_copied(&err);
    assert!(copied > 0 && copied < total, "{err}");
    let html = fs::read_to_string(d.join("out/projects.html")).expect("read");
    assert!(!html.contains("projects/x-application.html"));
}

#[test]
fn a_theme_that_loops_over_the_rows_itself_makes_the_same_pages() {
    let dir = fixture("shipped");
    let d = dir.path();
    // The list and project tables as a theme written before render_rows
    // would have them: a loop calling the row macro.
    fs::create_dir_all(d.join("looped/templates")).expect("mkdir");
    let templates = common::repo().join("themes/default/templates");
    for (file, call, row) in [
        (
            "list-table.html",
            "{{ t.rows|render_rows(\"list-macros.html\", \"list_row\", root, {\"cost\": t.cost, \"sdgs\": t.sdgs, \"account\": t.account}) }}",
            "{% from \"list-macros.html\" import list_row %}{% for r in t.rows %}{{ list_row(root, {\"cost\": t.cost, \"sdgs\": t.sdgs, \"account\": t.account}, r) }}{% endfor %}",
        ),
        (
            "project-table.html",
            "{{ rows|render_rows(\"macros.html\", \"project_row\", root, periods, show_dept, cost) }}",
            "{% from \"macros.html\" import project_row %}{% for r in rows %}{{ project_row(root, periods, show_dept, cost, r) }}{% endfor %}",
        ),
    ] {
        let src = fs::read_to_string(templates.join(file)).expect("template");
        assert!(src.contains(call), "{file}");
        fs::write(d.join("looped/templates").join(file), src.replace(call, row)).expect("write");
    }
    build(d, &["--output", "default", "--no-cache"]);
    let err = build(d, &["--output", "out-looped", "--theme", "looped", "-v"]);
    assert!(!err.contains("rows copied"), "{err}");
    let (a, b) = (tree(&d.join("default")), tree(&d.join("out-looped")));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs");
    }
    // And its rebuilds are clean builds too.
    edit(
        &d.join("content/departments.yaml"),
        "- name: 経営企画課",
        "- name: 経営戦略課",
    );
    rebuild_equals_clean(d, &["--theme", "looped"]);
}

/// The `content files read N of M` of a `-v` build's report.
fn files_read(err: &str) -> (usize, usize) {
    counted(err, "content files read ")
}

#[test]
fn a_settled_file_is_not_read_again_but_any_write_to_it_is_seen() {
    let dir = fixture("shipped");
    let d = dir.path();
    let a = d.join("content/ict-plan-2019-2021/address-register.yaml");
    let b = d.join("content/ict-plan-2019-2021/e-application.yaml");
    let err = build(d, &["-v", "--output", "out"]);
    let (read, all) = files_read(&err);
    // Fresh files (the fixture was just copied) are read and their status
    // is not trusted.
    assert_eq!(read, all);
    assert!(all > 50, "{all} project files");
    // Old enough to be settled (see cache::SETTLED).
    std::thread::sleep(std::time::Duration::from_millis(2100));
    edit(
        &a,
        "住居表示台帳管理システム",
        "住居表示台帳管理システム（改）",
    );
    let err = build(d, &["-v", "--output", "out"]);
    // No status was recorded yet: every file is read once more, and the
    // settled ones now have theirs.
    assert_eq!(files_read(&err), (all, all));
    // A change of the same length with the file's time put back: only the
    // change time, which no program can set, tells.
    let before = fs::metadata(&b).expect("stat").modified().expect("mtime");
    let text = fs::read_to_string(&b).expect("read");
    assert!(text.contains("電子申請"), "{}", b.display());
    let changed = text.replacen("電子申請", "電子届出", 1);
    assert_eq!(changed.len(), text.len());
    write_keeping_time(&b, changed.as_bytes(), before);
    assert_eq!(
        fs::metadata(&b).expect("stat").modified().expect("mtime"),
        before
    );
    let err = rebuild_equals_clean(d, &["-v"]);
    // `a` (changed too recently to be settled) and `b` are read; nothing
    // else is.
    assert_eq!(files_read(&err), (2, all));
    let page = fs::read_to_string(d.join(B)).expect("page");
    assert!(
        page.contains("電子届出"),
        "the write to {} was missed",
        b.display()
    );
}
