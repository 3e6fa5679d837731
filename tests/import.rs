//! `hyoka import`: the workbook round trip (build → import into a content
//! folder with only site, departments and series → build gives the same
//! `data/projects.json`), `--update` / `--dry-run`, the form import, and
//! the exact messages for broken workbooks.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_dir, hyoka, repo, text};
use hyoka::import::sheet::{read_workbook, Cell};

/// A content folder with the shipped site, departments and series files
/// and no project.
fn skeleton(dst: &Path) {
    let src = repo().join("content");
    fs::create_dir_all(dst).unwrap();
    for f in ["site.yaml", "departments.yaml"] {
        fs::copy(src.join(f), dst.join(f)).unwrap();
    }
    copy_dir(&src.join("pages"), &dst.join("pages"));
    for e in fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        if p.join("_series.yaml").exists() {
            let d = dst.join(p.file_name().unwrap());
            fs::create_dir_all(&d).unwrap();
            fs::copy(p.join("_series.yaml"), d.join("_series.yaml")).unwrap();
        }
    }
}

fn build(dir: &Path, content: &Path, out: &str) -> PathBuf {
    let o = hyoka(
        dir,
        &[
            "build",
            "-q",
            "--content",
            content.to_str().unwrap(),
            "--output",
            out,
        ],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    dir.join(out)
}

fn project_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .filter(|p| !p.ends_with("_series.yaml") && p.parent() != Some(dir))
        .collect();
    v.sort();
    v
}

/// Build, import the workbook into an empty skeleton, build again: the
/// same `data/projects.json`, byte for byte.
fn round_trip(content: &Path, dir: &Path) {
    let first = build(dir, content, "out1");
    let empty = dir.join("empty");
    fs::create_dir_all(&empty).unwrap();
    for f in ["site.yaml", "departments.yaml"] {
        fs::copy(content.join(f), empty.join(f)).unwrap();
    }
    for e in fs::read_dir(content).unwrap() {
        let p = e.unwrap().path();
        if p.join("_series.yaml").exists() {
            let d = empty.join(p.file_name().unwrap());
            fs::create_dir_all(&d).unwrap();
            fs::copy(p.join("_series.yaml"), d.join("_series.yaml")).unwrap();
        }
    }
    let o = hyoka(
        dir,
        &[
            "import",
            "-q",
            "--content",
            "empty",
            first.join("data/projects.xlsx").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(
        project_files(&empty).len(),
        project_files(content).len(),
        "one file per project"
    );
    let second = build(dir, &empty, "out2");
    let a = fs::read(first.join("data/projects.json")).unwrap();
    let b = fs::read(second.join("data/projects.json")).unwrap();
    assert!(a == b, "data/projects.json differs after the round trip");
    // The workbook of the imported content is the same file too.
    assert_eq!(
        fs::read(first.join("data/projects.xlsx")).unwrap(),
        fs::read(second.join("data/projects.xlsx")).unwrap()
    );
}

#[test]
fn round_trip_of_the_shipped_content_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    round_trip(&repo().join("content"), dir.path());
    // New files carry the schema line and the sheet's labels.
    let f = dir
        .path()
        .join("empty/jimu-2019/chiho-sogo-senryaku-suishin.yaml");
    let t = fs::read_to_string(f).unwrap();
    assert!(t.starts_with("# yaml-language-server: $schema=../../schema/project.schema.json\n"));
    assert!(
        t.contains("name: 地方版総合戦略推進事業   # 事務事業名称")
            || t.contains("name: \"地方版総合戦略推進事業\"   # 事務事業名称"),
        "{t}"
    );
    assert!(t.contains("    budget: 75   # 予算現額（千円）"), "{t}");
}

#[test]
fn round_trip_of_a_1000_project_corpus_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let o = std::process::Command::new("python3")
        .arg(repo().join("benches/gen_corpus.py"))
        .arg("1000")
        .arg(&corpus)
        .output()
        .expect("python3");
    assert!(o.status.success(), "{:?}", o);
    round_trip(&corpus, dir.path());
}

/// Rewrites a workbook with `edit` applied to its cells (sheet, 0-based
/// row and column), leaving out the sheet `drop`.
fn rewrite(src: &Path, dst: &Path, edits: &[(&str, usize, usize, Cell)], drop: Option<&str>) {
    let grids = read_workbook(src).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    for mut g in grids {
        if Some(g.name.as_str()) == drop {
            continue;
        }
        for (s, r, c, v) in edits {
            if *s == g.name {
                while g.rows.len() <= *r {
                    g.rows.push(Vec::new());
                }
                while g.rows[*r].len() <= *c {
                    g.rows[*r].push(Cell::Empty);
                }
                g.rows[*r][*c] = v.clone();
            }
        }
        let ws = wb.add_worksheet();
        ws.set_name(&g.name).unwrap();
        for (r, row) in g.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        ws.write_string(r, c, t).unwrap();
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b).unwrap();
                    }
                }
            }
        }
    }
    wb.save(dst).unwrap();
}

/// The shipped site built once, and a skeleton content folder beside it.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = build(dir.path(), &repo().join("content"), "out");
    skeleton(&dir.path().join("c"));
    (dir, out.join("data/projects.xlsx"))
}

fn import(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let mut a = vec!["import", "--content", "c"];
    a.extend_from_slice(args);
    let o = hyoka(dir, &a);
    let (out, err) = text(&o);
    (o.status.success(), out, err)
}

/// Row (0-based) of `id` in the 事業 sheet, and the column of `header`.
fn locate(xlsx: &Path, sheet: &str, id: &str, header: &str) -> (usize, usize) {
    let grids = read_workbook(xlsx).unwrap();
    let g = grids.iter().find(|g| g.name == sheet).unwrap();
    let col = g.rows[0]
        .iter()
        .position(|c| c == &Cell::Text(header.into()))
        .unwrap();
    let row = g
        .rows
        .iter()
        .position(|r| r.get(1) == Some(&Cell::Text(id.into())))
        .unwrap();
    (row, col)
}

#[test]
fn a_broken_workbook_reports_every_problem_at_its_cell_and_writes_nothing() {
    let (dir, xlsx) = setup();
    let d = dir.path();
    let id = "chiho-sogo-senryaku-suishin";
    let (r1, c1) = locate(&xlsx, "年度別の経費と人員", id, "予算現額（千円）");
    let (r2, c2) = locate(&xlsx, "事業", id, "課ID");
    assert_eq!(
        (r1, c1, c2),
        (r1, 4, 5),
        "columns as the workbook lays them out"
    );
    let broken = d.join("broken.xlsx");
    rewrite(
        &xlsx,
        &broken,
        &[
            ("年度別の経費と人員", r1, c1, Cell::Text("約100".into())),
            ("事業", r2, c2, Cell::Text("keiei-kikakuu".into())),
        ],
        None,
    );
    let (ok, _, err) = import(d, &["broken.xlsx"]);
    assert!(!ok);
    let budget = format!(
        "broken.xlsx:年度別の経費と人員!E{}: error: 「約100」は数値ではありません\n  = ヒント: 数字だけを入れてください（単位や「約」などは付けず、数値で書けない記載は備考の列へ）\n",
        r1 + 1
    );
    assert!(err.contains(&budget), "{err}");
    let dept = format!(
        "broken.xlsx:事業!F{}: error: 課のID「keiei-kikakuu」は departments.yaml にありません\n  = ヒント: 近いID: 「keiei-kikaku」、「toshi-keikaku」",
        r2 + 1
    );
    assert!(err.contains(&dept), "{err}");
    assert!(err.contains("何も書き込んでいません。"), "{err}");
    assert!(project_files(&d.join("c")).is_empty(), "nothing written");

    // GitHub annotations name the workbook and put the cell in the message.
    let (_, out, _) = import(d, &["--format", "github", "broken.xlsx"]);
    assert!(
        out.contains(&format!(
            "::error file=broken.xlsx::年度別の経費と人員!E{}: 「約100」は数値ではありません — ",
            r1 + 1
        )),
        "{out}"
    );

    // A missing sheet.
    let missing = d.join("missing.xlsx");
    rewrite(&xlsx, &missing, &[], Some("成果指標"));
    let (ok, _, err) = import(d, &["missing.xlsx"]);
    assert!(!ok);
    assert!(
        err.starts_with("missing.xlsx:成果指標: error: シート「成果指標」がありません\n  = ヒント: hyoka build が書き出す data/projects.xlsx と同じシートが要ります（事業・年度別の経費と人員・活動実績・成果指標・成果指標の目標と実績・評価・転記メモ）\n"),
        "{err}"
    );
    assert!(project_files(&d.join("c")).is_empty());
}

#[test]
fn existing_files_change_only_with_update_after_a_diff() {
    let (dir, xlsx) = setup();
    let d = dir.path();
    let (ok, _, err) = import(d, &["-q", xlsx.to_str().unwrap()]);
    assert!(ok, "{err}");
    let file = d.join("c/jimu-2019/chiho-sogo-senryaku-suishin.yaml");
    let before = fs::read_to_string(&file).unwrap();
    let id = "chiho-sogo-senryaku-suishin";
    let (r, c) = locate(&xlsx, "年度別の経費と人員", id, "予算現額（千円）");
    let changed = d.join("changed.xlsx");
    rewrite(
        &xlsx,
        &changed,
        &[("年度別の経費と人員", r, c, Cell::Number(80.0))],
        None,
    );

    let (ok, _, err) = import(d, &["changed.xlsx"]);
    assert!(ok, "{err}");
    assert!(err.contains("fiscal_years.0.budget: 75 → 80"), "{err}");
    assert!(err.contains("--update を付けてください"), "{err}");
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        before,
        "not without --update"
    );

    let (ok, _, err) = import(d, &["--update", "--dry-run", "changed.xlsx"]);
    assert!(
        ok && err.contains("fiscal_years.0.budget: 75 → 80"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        before,
        "not with --dry-run"
    );

    let (ok, _, err) = import(d, &["--update", "changed.xlsx"]);
    assert!(ok, "{err}");
    let after = fs::read_to_string(&file).unwrap();
    assert!(
        after.contains("    budget: 80   # 予算現額（千円）"),
        "{after}"
    );
    assert!(err.contains("1 件の事業ファイルを書き込みました"), "{err}");
    // Only that project changed.
    let (ok, _, err) = import(d, &["changed.xlsx"]);
    assert!(
        ok && !err.contains("変更: ") && err.contains("0 件"),
        "{err}"
    );
}

#[test]
fn the_example_form_imports_into_the_same_project() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    skeleton(&d.join("c"));
    let ex = repo().join("examples/form-import");
    // The shipped sample is what the map draws from the shipped project.
    let content = hyoka::pipeline::load(&repo().join("content")).unwrap();
    let map = hyoka::import::form::Map::load(&ex.join("map.yaml")).unwrap();
    let (_, original) = content
        .projects()
        .find(|(_, p)| p.id == "chiho-sogo-senryaku-suishin")
        .unwrap();
    let drawn = hyoka::import::form::render(&map, &content, original).unwrap();
    assert!(
        drawn == fs::read(ex.join("sample.xlsx")).unwrap(),
        "examples/form-import/sample.xlsx is stale: cargo run --example form-import"
    );
    let o = hyoka(
        d,
        &[
            "import",
            "-q",
            "--content",
            "c",
            "--form",
            ex.join("map.yaml").to_str().unwrap(),
            ex.join("sample.xlsx").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let imported = hyoka::pipeline::load(&d.join("c")).unwrap();
    let (_, back) = imported.projects().next().unwrap();
    assert_eq!(back.id, original.id);
    // Everything but the transcription notes (not part of the sheet).
    let mut want = original.doc.clone();
    want.notes.clear();
    assert_eq!(
        serde_json::to_value(&back.doc).unwrap(),
        serde_json::to_value(&want).unwrap()
    );

    // A wrong cell is reported with its sheet and cell.
    let grids = read_workbook(&ex.join("sample.xlsx")).unwrap();
    assert_eq!(grids[0].name, "chiho-sogo-senryaku-suishin");
    let wrong = d.join("wrong.xlsx");
    rewrite(
        &ex.join("sample.xlsx"),
        &wrong,
        &[(
            "chiho-sogo-senryaku-suishin",
            11,
            1,
            Cell::Text("七十五".into()),
        )],
        None,
    );
    fs::remove_file(d.join("c/jimu-2019/chiho-sogo-senryaku-suishin.yaml")).unwrap();
    let o = hyoka(
        d,
        &[
            "import",
            "--content",
            "c",
            "--form",
            ex.join("map.yaml").to_str().unwrap(),
            "wrong.xlsx",
        ],
    );
    let (_, err) = text(&o);
    assert!(!o.status.success());
    assert!(
        err.starts_with(
            "wrong.xlsx:chiho-sogo-senryaku-suishin!B12: error: 「七十五」は数値ではありません\n"
        ),
        "{err}"
    );
    assert!(project_files(&d.join("c")).is_empty());
}
