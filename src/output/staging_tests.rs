//! Unit tests of [`super`]: ownership, links, sweeping and swapping on a
//! temporary folder.

use super::*;

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).expect("rel").to_path_buf();
            (rel, fs::read(e.path()).expect("read"))
        })
        .collect();
    v.sort();
    v
}

fn build_into(target: &Path, body: &str) -> Result<Commit, String> {
    let s = Staging::new(target, &[]).map_err(|r| r.to_string())?;
    s.put("index.html", body.as_bytes())
        .map_err(|e| e.to_string())?;
    s.commit().map_err(|e| e.to_string())
}

#[test]
fn writes_marker_and_replaces_own_output() {
    let d = tmp();
    let out = d.path().join("out");
    build_into(&out, "one").expect("first");
    assert_eq!(
        fs::read(out.join(MARKER)).expect("marker"),
        MARKER_TEXT.as_bytes()
    );
    build_into(&out, "two").expect("second");
    assert_eq!(
        fs::read_to_string(out.join("index.html")).expect("read"),
        "two"
    );
    // Nothing but the output is left beside it.
    let names: Vec<_> = fs::read_dir(d.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("out")]);
}

#[test]
fn refuses_foreign_folder_and_file_touching_nothing() {
    let d = tmp();
    let home = d.path().join("home");
    fs::create_dir_all(home.join(".ssh")).expect("mkdir");
    fs::write(home.join(".ssh/id_ed25519"), "secret").expect("write");
    let before = files(&home);
    let err = build_into(&home, "x").expect_err("refused");
    assert!(
        err.contains("hyoka が書き出したフォルダではありません"),
        "{err}"
    );
    assert_eq!(files(&home), before);
    let file = d.path().join("notes.txt");
    fs::write(&file, "keep").expect("write");
    let err = build_into(&file, "x").expect_err("refused");
    assert!(err.contains("ファイルです"), "{err}");
    assert_eq!(fs::read_to_string(&file).expect("read"), "keep");
    // Nothing was staged beside them.
    assert_eq!(fs::read_dir(d.path()).expect("ls").count(), 2);
}

#[test]
fn empty_folder_is_accepted() {
    let d = tmp();
    let out = d.path().join("empty");
    fs::create_dir(&out).expect("mkdir");
    build_into(&out, "x").expect("empty folder is fine");
    assert!(out.join(MARKER).is_file());
}

#[test]
fn refuses_protected_overlap() {
    let d = tmp();
    let content = d.path().join("content");
    fs::create_dir_all(content.join("series")).expect("mkdir");
    for (target, what) in [
        (content.clone(), "と同じフォルダ"),
        (content.join("series"), "の中"),
        (content.join("new"), "の中"),
        (d.path().to_path_buf(), "を含むフォルダ"),
    ] {
        let err = Staging::new(&target, &[(&content, "コンテンツのフォルダ")])
            .expect_err("refused")
            .to_string();
        assert!(err.contains(what), "{target:?}: {err}");
        assert!(!content.join("new").exists());
    }
}

#[cfg(unix)]
#[test]
fn symlinked_output_swaps_at_its_target_and_keeps_the_link() {
    let d = tmp();
    let real = d.path().join("real");
    build_into(&real, "one").expect("first");
    let link = d.path().join("link");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let c = build_into(&link, "two").expect("through link");
    assert!(fs::symlink_metadata(&link)
        .expect("link")
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_to_string(real.join("index.html")).expect("read"),
        "two"
    );
    assert_eq!(c.target, fs::canonicalize(&real).expect("canon"));
    // A link to a folder hyoka did not write is refused.
    let foreign = d.path().join("foreign");
    fs::create_dir(&foreign).expect("mkdir");
    fs::write(foreign.join("keep"), "k").expect("write");
    let link2 = d.path().join("link2");
    std::os::unix::fs::symlink(&foreign, &link2).expect("symlink");
    assert!(build_into(&link2, "x").is_err());
    assert_eq!(fs::read_to_string(foreign.join("keep")).expect("read"), "k");
    // A dangling link is refused.
    let link3 = d.path().join("link3");
    std::os::unix::fs::symlink(d.path().join("nowhere"), &link3).expect("symlink");
    assert!(build_into(&link3, "x")
        .expect_err("dangling")
        .contains("リンク先がありません"));
}

#[cfg(unix)]
#[test]
fn removal_never_follows_links() {
    let d = tmp();
    let precious = d.path().join("precious");
    fs::create_dir(&precious).expect("mkdir");
    fs::write(precious.join("a"), "a").expect("write");
    let out = d.path().join("out");
    build_into(&out, "one").expect("first");
    std::os::unix::fs::symlink(&precious, out.join("trap")).expect("symlink");
    build_into(&out, "two").expect("second");
    assert_eq!(fs::read_to_string(precious.join("a")).expect("kept"), "a");
}

#[test]
fn leftovers_of_dead_builds_are_swept_live_ones_kept() {
    let d = tmp();
    let out = d.path().join("out");
    // A dead build: marker present, nobody holds its lock.
    let dead = d.path().join(".out.staging-999999999");
    fs::create_dir(&dead).expect("mkdir");
    fs::write(dead.join(MARKER), MARKER_TEXT).expect("marker");
    fs::write(dead.join("page.html"), "x").expect("write");
    // What a removal killed half way leaves: the marker (removed last)
    // and empty folders.
    let half = d.path().join(".out.staging-999999997");
    fs::create_dir_all(half.join("projects/empty")).expect("mkdir");
    fs::write(half.join(MARKER), MARKER_TEXT).expect("marker");
    // Killed between creating its marker and writing it.
    let unwritten = d.path().join(".out.staging-999999996");
    fs::create_dir(&unwritten).expect("mkdir");
    fs::write(unwritten.join(MARKER), "").expect("empty marker");
    // An old folder of a process that is gone.
    let old = d.path().join(".out.old-999999998");
    fs::create_dir(&old).expect("mkdir");
    fs::write(old.join(MARKER), MARKER_TEXT).expect("marker");
    // A live build: its marker is locked.
    let live = d.path().join(".out.staging-1");
    fs::create_dir(&live).expect("mkdir");
    fs::write(live.join(MARKER), MARKER_TEXT).expect("marker");
    let held = fs::File::open(live.join(MARKER)).expect("open");
    held.try_lock().expect("lock");
    // A foreign folder with a similar name but no marker.
    let foreign = d.path().join(".out.staging-7");
    fs::create_dir(&foreign).expect("mkdir");
    fs::write(foreign.join("keep"), "k").expect("write");
    let s = Staging::new(&out, &[]).expect("stage");
    let mut cleaned = s.cleaned.clone();
    cleaned.sort();
    let canon = |p: &Path| {
        fs::canonicalize(d.path())
            .expect("canon")
            .join(p.file_name().expect("name"))
    };
    assert_eq!(
        cleaned,
        vec![canon(&old), canon(&unwritten), canon(&half), canon(&dead)]
    );
    assert!(live.join(MARKER).exists());
    assert!(foreign.join("keep").exists());
    drop(s);
    drop(held);
}

#[test]
fn failed_build_removes_its_staging_folder() {
    let d = tmp();
    let out = d.path().join("out");
    build_into(&out, "one").expect("first");
    {
        let s = Staging::new(&out, &[]).expect("stage");
        s.put("index.html", b"half").expect("put");
    }
    assert_eq!(
        fs::read_to_string(out.join("index.html")).expect("read"),
        "one"
    );
    assert_eq!(fs::read_dir(d.path()).expect("ls").count(), 1);
}

#[cfg(unix)]
#[test]
fn removal_takes_every_folder_and_only_what_is_inside() {
    let d = tmp();
    let outside = d.path().join("outside");
    fs::create_dir(&outside).expect("mkdir");
    fs::write(outside.join("keep"), "k").expect("write");
    let root = d.path().join("tree");
    // Folders of different sizes (shared out among the threads), nested,
    // empty ones, and a marker-named file below the root.
    for (dir, n) in [
        ("", 3),
        ("a", 40),
        ("a/b", 7),
        ("a/b/c", 1),
        ("d", 25),
        ("e", 0),
    ] {
        let p = root.join(dir);
        fs::create_dir_all(&p).expect("mkdir");
        for i in 0..n {
            fs::write(p.join(format!("f{i}")), "x").expect("write");
        }
    }
    fs::write(root.join(MARKER), MARKER_TEXT).expect("marker");
    fs::write(root.join("a/b").join(MARKER), "x").expect("inner marker");
    std::os::unix::fs::symlink(&outside, root.join("d/to-folder")).expect("symlink");
    std::os::unix::fs::symlink(outside.join("keep"), root.join("a/to-file")).expect("symlink");
    remove_tree(&root).expect("removed");
    assert!(!root.exists(), "the tree is gone");
    assert_eq!(fs::read_to_string(outside.join("keep")).expect("kept"), "k");
    // A link is refused as a root.
    let link = d.path().join("link");
    std::os::unix::fs::symlink(&outside, &link).expect("symlink");
    assert!(remove_tree(&link).is_err());
    assert!(outside.join("keep").exists());
}
