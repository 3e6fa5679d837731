//! Tests of the streaming pipeline (`hyoka::pipeline`): the build from disk
//! and the build from content in memory agree, the combined files written
//! piece by piece are exactly what serializing them whole gives, and
//! problems are found across chunk boundaries.

mod common;

use std::collections::BTreeMap;
use std::fs;

use common::{fixture, hyoka, repo, text, tree};
use hyoka::export::record::ProjectsFile;
use hyoka::output::Memory;
use hyoka::pipeline::{self, Timings};
use hyoka::theme::Theme;

#[test]
fn disk_and_memory_sources_build_the_same_site() {
    let root = repo().join("content");
    let theme = Theme::load(None).expect("theme");
    let sink = Memory::default();
    let n = pipeline::build(&root, &theme, None, &sink, &mut Timings::default())
        .unwrap_or_else(|_| panic!("shipped content builds"));
    assert_eq!(n.projects, 84);
    let from_disk: BTreeMap<String, Vec<u8>> = sink
        .into_files()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    let content = hyoka::pipeline::load(&root).expect("loads");
    let from_memory: BTreeMap<String, Vec<u8>> =
        pipeline::generate(&content, &theme, &mut Timings::default())
            .unwrap_or_else(|_| panic!("generates"))
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect();
    assert_eq!(
        from_disk.keys().collect::<Vec<_>>(),
        from_memory.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &from_disk {
        assert!(from_memory[path] == *bytes, "{path} differs");
    }
    // Every project has its page and data files.
    for (_, p) in content.projects() {
        for f in [
            format!("projects/{}.html", p.id),
            format!("data/projects/{}.json", p.id),
            format!("data/projects/{}.csv", p.id),
        ] {
            assert!(from_disk.contains_key(&f), "{f}");
        }
    }
}

#[test]
fn streamed_projects_json_is_serde_json_pretty_output() {
    let content = hyoka::pipeline::load(&repo().join("content")).expect("loads");
    let files = hyoka::export::export(&content, "2026-11-22");
    let streamed = &files
        .iter()
        .find(|f| f.path == "data/projects.json")
        .expect("projects.json")
        .bytes;
    let parsed: ProjectsFile = serde_json::from_slice(streamed).expect("valid JSON");
    assert_eq!(parsed.projects.len(), 84);
    let mut whole = serde_json::to_string_pretty(&parsed).expect("serializes");
    whole.push('\n');
    assert!(
        whole.as_bytes() == streamed.as_slice(),
        "streamed projects.json differs from serde_json's own layout"
    );
    // Each record is also the per-project file, byte for byte.
    for r in &parsed.projects {
        let own = &files
            .iter()
            .find(|f| f.path == format!("data/projects/{}.json", r.id))
            .expect("per-project JSON")
            .bytes;
        let mut one = serde_json::to_string_pretty(r).expect("serializes");
        one.push('\n');
        assert!(one.as_bytes() == own.as_slice(), "{}", r.id);
    }
}

#[test]
fn empty_series_gives_valid_combined_files() {
    let dir = fixture("minimal");
    for f in ["alpha.yaml", "script-name.yaml"] {
        fs::remove_file(dir.path().join("content/sample").join(f)).expect("rm");
    }
    let res = hyoka(dir.path(), &["build"]);
    assert_eq!(res.status.code(), Some(0), "{}", text(&res).1);
    let json = fs::read(dir.path().join("output/data/projects.json")).expect("json");
    let parsed: ProjectsFile = serde_json::from_slice(&json).expect("valid JSON");
    assert!(parsed.projects.is_empty());
    let csv = fs::read_to_string(dir.path().join("output/data/projects.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 1, "header only: {csv}");
}

/// A copy of the minimal fixture with `n` more projects (copies of alpha).
fn many_projects(n: usize) -> tempfile::TempDir {
    let dir = fixture("minimal");
    let sample = dir.path().join("content/sample");
    let alpha = fs::read_to_string(sample.join("alpha.yaml")).expect("alpha");
    for i in 0..n {
        fs::write(
            sample.join(format!("p{i:04}.yaml")),
            alpha.replace("アルファ事業", &format!("事業{i}")),
        )
        .expect("write");
    }
    dir
}

#[test]
fn problems_are_found_in_every_chunk() {
    // More files than one parallel chunk holds: errors near the start, in
    // the middle and at the end are all reported, and the build stops.
    let dir = many_projects(600);
    let sample = dir.path().join("content/sample");
    for i in [3, 300, 599] {
        let p = sample.join(format!("p{i:04}.yaml"));
        let t = fs::read_to_string(&p).expect("read");
        fs::write(&p, t.replace("department: somu", "department: nowhere")).expect("break");
    }
    let res = hyoka(dir.path(), &["check"]);
    assert_eq!(res.status.code(), Some(1));
    let err = text(&res).1;
    for i in [3, 300, 599] {
        assert!(
            err.contains(&format!("p{i:04}.yaml:")),
            "p{i:04} missing:\n{err}"
        );
    }
    assert!(err.contains("3 件のエラー"), "{err}");
    let res = hyoka(dir.path(), &["build"]);
    assert_eq!(res.status.code(), Some(1));
    assert!(!dir.path().join("output").exists());
}

#[test]
fn many_projects_build_with_every_page_and_row() {
    let dir = many_projects(600);
    let res = hyoka(dir.path(), &["build"]);
    assert_eq!(res.status.code(), Some(0), "{}", text(&res).1);
    let out = dir.path().join("output");
    let files = tree(&out);
    let pages = files
        .keys()
        .filter(|k| k.starts_with("projects/") && k.ends_with(".html"))
        .count();
    assert_eq!(pages, 602);
    let json: ProjectsFile =
        serde_json::from_slice(&files["data/projects.json"]).expect("valid JSON");
    let ids: Vec<&str> = json.projects.iter().map(|p| p.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "records in id order");
    assert_eq!(ids.len(), 602);
    // The department CSV holds the rows of every project of the department
    // in projects.csv, in the same order.
    let all = String::from_utf8(files["data/projects.csv"].clone()).expect("utf-8");
    let dept = String::from_utf8(files["data/departments/somu.csv"].clone()).expect("utf-8");
    let somu: Vec<&str> = all
        .lines()
        .skip(1)
        .filter(|l| l.contains(",somu,"))
        .collect();
    assert!(!somu.is_empty());
    assert_eq!(dept.lines().skip(1).collect::<Vec<_>>(), somu);
}

#[test]
fn duplicate_ids_across_series_are_reported() {
    let dir = fixture("minimal");
    let c = dir.path().join("content");
    let other = c.join("other");
    fs::create_dir_all(&other).expect("mkdir");
    fs::copy(c.join("sample/_series.yaml"), other.join("_series.yaml")).expect("series");
    fs::copy(c.join("sample/alpha.yaml"), other.join("alpha.yaml")).expect("dup");
    let res = hyoka(dir.path(), &["check"]);
    assert_eq!(res.status.code(), Some(1));
    let err = text(&res).1;
    assert!(err.contains("事業ID「alpha」が重複しています"), "{err}");
}

/// `serve` shows an edit with [`pipeline::own_files`] before the full
/// rebuild: for an edited project it must give exactly the files the full
/// build writes for it (the page, its JSON and CSV), byte for byte.
#[test]
fn own_files_of_edited_projects_are_those_of_the_full_build() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("content");
    common::copy_dir(&repo().join("content"), &root);
    let theme = Theme::load(None).expect("theme");
    // One project of each shipped series, edited on disk.
    let mut edited = Vec::new();
    for series in ["jimu-2019", "ict-plan-2019-2021"] {
        let mut files: Vec<_> = fs::read_dir(root.join(series))
            .expect("series folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.file_name().is_some_and(|n| n != "_series.yaml"))
            .collect();
        files.sort();
        let file = files[3].clone();
        let text = fs::read_to_string(&file).expect("read");
        let (head, rest) = text.split_once("\nname: ").expect("a name line");
        let line_end = rest.find('\n').expect("line end");
        fs::write(
            &file,
            format!("{head}\nname: 変更後の名前{}", &rest[line_end..]),
        )
        .expect("edit");
        edited.push(file);
    }
    let sink = Memory::default();
    pipeline::build(&root, &theme, None, &sink, &mut Timings::default())
        .unwrap_or_else(|_| panic!("edited content builds"));
    let full: BTreeMap<String, Vec<u8>> = sink
        .into_files()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    // An editor's temporary file beside them is passed over.
    let swap = root.join("jimu-2019/.edit.yaml.swp");
    fs::write(&swap, "x").expect("swap file");
    let mut changed = edited.clone();
    changed.push(swap);
    let own = pipeline::own_files(&root, &theme, &changed).expect("own files");
    let mut want: Vec<String> = edited
        .iter()
        .flat_map(|f| {
            let id = f.file_stem().expect("stem").to_string_lossy().into_owned();
            [
                format!("projects/{id}.html"),
                format!("data/projects/{id}.json"),
                format!("data/projects/{id}.csv"),
            ]
        })
        .collect();
    want.sort();
    let mut got: Vec<String> = own.iter().map(|f| f.path.clone()).collect();
    got.sort();
    assert_eq!(got, want);
    for f in &own {
        assert!(
            full[&f.path] == f.bytes,
            "{} differs from the full build",
            f.path
        );
        if f.path.ends_with(".html") {
            assert!(String::from_utf8_lossy(&f.bytes).contains("変更後の名前"));
        }
    }
}

/// Whatever is not an edit of existing, good project files is left to the
/// full rebuild.
#[test]
fn own_files_decline_everything_but_good_project_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("content");
    common::copy_dir(&repo().join("content"), &root);
    let theme = Theme::load(None).expect("theme");
    let project = root.join("jimu-2019/gyosei-johoka-suishin.yaml");
    assert!(pipeline::own_files(&root, &theme, std::slice::from_ref(&project)).is_some());
    let none = |paths: &[std::path::PathBuf], why: &str| {
        assert!(pipeline::own_files(&root, &theme, paths).is_none(), "{why}");
    };
    none(&[], "nothing changed");
    none(&[root.join("jimu-2019/.x.swp")], "only a temporary file");
    for f in [
        "site.yaml",
        "departments.yaml",
        "jimu-2019/_series.yaml",
        "pages/about.md",
    ] {
        none(&[project.clone(), root.join(f)], f);
    }
    // A new project file has its own files; a removed one is the rebuild's.
    let new = root.join("jimu-2019/brand-new.yaml");
    fs::copy(&project, &new).expect("copy");
    let own = pipeline::own_files(&root, &theme, std::slice::from_ref(&new)).expect("new file");
    assert!(own.iter().any(|f| f.path == "projects/brand-new.html"));
    fs::remove_file(&new).expect("remove");
    none(&[new], "a removed file");
    let text = fs::read_to_string(&project).expect("read");
    fs::write(&project, text.replacen("\nname: ", "\nname: [\n", 1)).expect("break");
    none(std::slice::from_ref(&project), "a file that does not load");
    fs::write(&project, &text).expect("restore");
    fs::write(root.join("site.yaml"), "title: [\n").expect("break site");
    none(&[project], "the site's files have a problem");
}

/// `serve` stops a rebuild when a newer change comes in: a build whose
/// sink is cancelled fails with the cancel error (and so leaves what is
/// served as it was), and the same build not cancelled succeeds.
#[test]
fn a_cancelled_build_stops_with_the_cancel_error() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let root = repo().join("content");
    let theme = Theme::load(None).expect("theme");
    let flag = Arc::new(AtomicBool::new(true));
    let build = |flag: Arc<AtomicBool>| {
        let sink = Memory::default().cancelled_by(flag);
        let mut data = hyoka::cache::DataWriter::memory();
        pipeline::build_cached(
            &root,
            &theme,
            None,
            &sink,
            &mut Timings::default(),
            None,
            &mut data,
        )
    };
    match build(flag.clone()) {
        Err(pipeline::Failure::Io(e)) if hyoka::output::is_cancelled(&e) => {}
        Err(pipeline::Failure::Io(e)) => panic!("another error: {e}"),
        Err(pipeline::Failure::Content(d)) => panic!("content errors: {d:?}"),
        Ok(_) => panic!("a cancelled build went through"),
    }
    flag.store(false, Ordering::Relaxed);
    let made = build(flag).unwrap_or_else(|_| panic!("builds"));
    assert_eq!(made.0.projects, 84);
}
