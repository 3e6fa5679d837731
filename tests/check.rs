//! `hyoka check`: the shipped content is clean, and each kind of mistake is
//! reported with its exact message, file, line and column.

mod common;

use std::fs;

use common::{fixture, hyoka, text};

#[test]
fn shipped_content_checks_clean_with_84_projects() {
    let content = hyoka::pipeline::load(&common::repo().join("content"))
        .unwrap_or_else(|d| panic!("{}", d.human()));
    let counts: Vec<(String, usize)> = content
        .series
        .iter()
        .map(|s| (s.id.clone(), s.projects.len()))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("jimu-2019".to_string(), 26),
            ("ict-plan-2019-2021".to_string(), 58)
        ]
    );
    let out = hyoka(&common::repo(), &["check"]);
    assert!(out.status.success(), "{:?}", text(&out));
}

#[test]
fn every_shipped_file_starts_with_a_schema_line() {
    for entry in walkdir::WalkDir::new(common::repo().join("content")) {
        let entry = entry.expect("walk");
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "yaml") {
            let text = fs::read_to_string(p).expect("read");
            assert!(
                text.starts_with("# yaml-language-server: $schema="),
                "{} lacks the schema line",
                p.display()
            );
        }
    }
}

/// Appending an unknown field to any project file fails, naming that file,
/// the appended line and column 1.
#[test]
fn unknown_field_appended_to_any_project_is_reported() {
    let dir = fixture("shipped");
    let root = dir.path().join("content");
    let mut files: Vec<_> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml") && p.parent() != Some(root.as_path())
        })
        .filter(|p| p.file_name().is_some_and(|n| n != "_series.yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 84);
    for f in &files {
        let original = fs::read_to_string(f).expect("read");
        let line = original.lines().count() + 1;
        let mut changed = original.clone();
        if !changed.ends_with('\n') {
            changed.push('\n');
        }
        changed.push_str("budjet: 1\n");
        fs::write(f, &changed).expect("write");
        let diags = hyoka::pipeline::load(&root).expect_err("must fail");
        assert_eq!(diags.0.len(), 1, "{}", diags.human());
        let d = &diags.0[0];
        assert_eq!(d.file, *f);
        assert_eq!((d.line, d.col), (line, 1), "{}", diags.human());
        assert_eq!(d.message, "「budjet」という項目はありません");
        fs::write(f, &original).expect("restore");
    }
    // And through the real CLI, with the exit code.
    let f = &files[0];
    let mut s = fs::read_to_string(f).expect("read");
    let line = s.lines().count() + 1;
    s.push_str("nmae: x\n");
    fs::write(f, s).expect("write");
    let out = hyoka(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = text(&out);
    let rel = f
        .strip_prefix(dir.path())
        .expect("rel")
        .display()
        .to_string();
    assert!(
        err.contains(&format!("{rel}:{line}:1: error: 「nmae」という項目はありません\n  = ヒント: もしかして「name」ですか？")),
        "{err}"
    );
}

/// Writes `body` as project `sample/bad.yaml` of the minimal fixture and
/// returns check's stderr.
fn check_project(body: &str) -> String {
    let dir = fixture("minimal");
    fs::write(dir.path().join("content/sample/bad.yaml"), body).expect("write");
    let out = hyoka(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    text(&out).1
}

const OK_TAIL: &str = "source:\n  document: doc\n";

#[test]
fn error_yaml_syntax() {
    let err = check_project("name: x\n  department: [\n");
    assert!(
        err.starts_with("content/sample/bad.yaml:2:13: error: YAML の書き方に誤りがあります"),
        "{err}"
    );
}

#[test]
fn error_duplicate_key_at_the_duplicate() {
    let err = check_project(&format!(
        "name: x\ndepartment: somu\ngroup: v1\nname: y\n{OK_TAIL}"
    ));
    assert_eq!(
        err,
        "content/sample/bad.yaml:4:1: error: 「name」が同じ階層に2回書かれています（最初は 1 行目）\n  = ヒント: どちらか一方を消して、1つにまとめてください\n1 件のエラーがあります。\n"
    );
    // Nested, and the same key in another mapping is no duplicate.
    let err = check_project(
        "name: x\ndepartment: somu\ngroup: v1\nsource:\n  document: doc\n  page: 1\n  document: doc\n",
    );
    assert!(
        err.starts_with("content/sample/bad.yaml:7:3: error: 「document」が同じ階層に2回書かれています（最初は 5 行目）"),
        "{err}"
    );
}

#[test]
fn error_unknown_field_with_suggestion() {
    let err = check_project(&format!(
        "name: x\ndepartment: somu\ngroup: v1\nsumary: y\n{OK_TAIL}"
    ));
    assert_eq!(
        err,
        "content/sample/bad.yaml:4:1: error: 「sumary」という項目はありません\n  = ヒント: もしかして「summary」ですか？\n1 件のエラーがあります。\n"
    );
}

#[test]
fn error_missing_required_field() {
    let err = check_project(&format!("department: somu\ngroup: v1\n{OK_TAIL}"));
    assert_eq!(
        err,
        "content/sample/bad.yaml:1:1: error: 必須の項目「name」がありません（ファイルの最上位）\n  = ヒント: 「name: 値」を追加してください。値が分からない場合も項目は省略できません\n1 件のエラーがあります。\n"
    );
}

#[test]
fn error_wrong_type() {
    let err = check_project(&format!(
        "name: x\ndepartment: somu\ngroup: v1\nfiscal_years:\n  - year: R1\n    budget: 六千円\n{OK_TAIL}"
    ));
    assert_eq!(
        err,
        "content/sample/bad.yaml:6:13: error: 「fiscal_years[0].budget」の値の型が違います: 整数が必要ですが、文字列「六千円」が書かれています\n  = ヒント: 分からない値は null と書いてください\n1 件のエラーがあります。\n"
    );
}

#[test]
fn error_unknown_department_names_closest() {
    let err = check_project(&format!(
        "name: x\ndepartment: digitl\ngroup: v1\n{OK_TAIL}"
    ));
    assert_eq!(
        err,
        "content/sample/bad.yaml:2:13: error: 課のID「digitl」は departments.yaml にありません\n  = ヒント: 近いID: 「digital」\n1 件のエラーがあります。\n"
    );
}

#[test]
fn error_rating_not_in_scale() {
    let err = check_project(&format!(
        "name: x\ndepartment: somu\ngroup: v1\nevaluations:\n  - period: fy2019\n    rating: S\n{OK_TAIL}"
    ));
    assert_eq!(
        err,
        "content/sample/bad.yaml:6:13: error: 評価「S」はこのシリーズの評価の段階にありません\n  = ヒント: 評価は A・B・C のどれかです。評価されていない場合は null\n1 件のエラーがあります。\n"
    );
    let err = check_project(&format!(
        "name: x\ndepartment: somu\ngroup: v1\nevaluations:\n  - period: fy2019\n    rating: Ａ\n{OK_TAIL}"
    ));
    assert!(
        err.contains("= ヒント: 半角の「A」で書いてください"),
        "{err}"
    );
}

#[test]
fn error_duplicate_project_id() {
    let dir = fixture("minimal");
    let series2 = dir.path().join("content/other");
    fs::create_dir_all(&series2).expect("mkdir");
    fs::copy(
        dir.path().join("content/sample/_series.yaml"),
        series2.join("_series.yaml"),
    )
    .expect("copy");
    fs::copy(
        dir.path().join("content/sample/alpha.yaml"),
        series2.join("alpha.yaml"),
    )
    .expect("copy");
    let out = hyoka(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out).1,
        "content/sample/alpha.yaml:1:1: error: 事業ID「alpha」が重複しています\n  = ヒント: content/other/alpha.yaml と同じIDです。ファイル名（=ID）を変えてください\n1 件のエラーがあります。\n"
    );
}

#[test]
fn error_fiscal_year_out_of_range_or_malformed() {
    let err = check_project(&format!(
        "name: x\ndepartment: somu\ngroup: v1\nperiod:\n  start: H32\n  end: 1900\nfiscal_years:\n  - year: 来年\n{OK_TAIL}"
    ));
    assert_eq!(
        err,
        "content/sample/bad.yaml:5:10: error: 「period.start」: 「H32」という年は存在しません（元号の範囲を超えています）\n\
content/sample/bad.yaml:6:8: error: 「period.end」: 年度 1900 は範囲外です（1947〜2100 の間で書いてください）\n\
content/sample/bad.yaml:8:11: error: 「fiscal_years[0].year」: 「来年」は年度として読めません（2019、R1、令和元年度、H31 のように書いてください）\n\
3 件のエラーがあります。\n"
    );
}

#[test]
fn error_sdg_goals() {
    let err = check_project(&format!(
        "name: x\ndepartment: somu\ngroup: v1\nsdgs:\n  goals: [3, 18, 4, 5]\n{OK_TAIL}"
    ));
    assert_eq!(
        err,
        "content/sample/bad.yaml:5:14: error: SDGs のゴール番号 18 はありません\n  = ヒント: ゴールは 1〜17 の番号で書いてください\n\
content/sample/bad.yaml:5:21: error: SDGs の貢献する項目が 4 個あります（最大3つ）\n  = ヒント: シートの「SDGsへの貢献（最大3つ）」のとおり、3つまでにしてください\n\
2 件のエラーがあります。\n"
    );
}

#[test]
fn error_not_utf8() {
    let dir = fixture("minimal");
    // 「事業」 in Shift_JIS.
    fs::write(
        dir.path().join("content/sample/bad.yaml"),
        b"name: \x8e\x96\x8b\xc6\n",
    )
    .expect("write");
    let out = hyoka(dir.path(), &["check"]);
    assert_eq!(
        text(&out).1,
        "content/sample/bad.yaml:1:7: error: ファイルが UTF-8 ではありません（Shift_JIS などで保存されている可能性があります）\n  = ヒント: エディタで文字コードを「UTF-8」にして保存し直してください\n1 件のエラーがあります。\n"
    );
}

#[test]
fn error_unsafe_id() {
    let dir = fixture("minimal");
    fs::copy(
        dir.path().join("content/sample/alpha.yaml"),
        dir.path().join("content/sample/Alpha Copy.yaml"),
    )
    .expect("copy");
    let out = hyoka(dir.path(), &["check"]);
    assert_eq!(
        text(&out).1,
        "content/sample/Alpha Copy.yaml:1:1: error: ファイル名（事業ID）「Alpha Copy」は使えません\n  = ヒント: 半角の英小文字・数字・ハイフン（-）だけで書いてください（例: kodomo-seisaku）\n1 件のエラーがあります。\n"
    );
}

#[test]
fn error_wrong_check_digit() {
    let dir = fixture("minimal");
    let site = dir.path().join("content/site.yaml");
    let s = fs::read_to_string(&site)
        .expect("read")
        .replace("\"112089\"", "\"112081\"");
    fs::write(&site, s).expect("write");
    let out = hyoka(dir.path(), &["check"]);
    assert_eq!(
        text(&out).1,
        "content/site.yaml:2:20: error: 全国地方公共団体コード「112081」が正しくありません\n  = ヒント: 検査数字が合いません（112089 が正しい値です）\n1 件のエラーがあります。\n"
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let dir = fixture("minimal");
    fs::write(
        dir.path().join("content/sample/bad.yaml"),
        format!("name: x\ndepartment: nobody\ngroup: v1\nfoo: 1\nbar: 2\n{OK_TAIL}"),
    )
    .expect("write");
    fs::write(dir.path().join("content/sample/worse.yaml"), "name: [\n").expect("write");
    let out = hyoka(dir.path(), &["check"]);
    let err = text(&out).1;
    assert!(
        err.contains("bad.yaml:2:13: error: 課のID「nobody」"),
        "{err}"
    );
    assert!(
        err.contains("bad.yaml:4:1: error: 「foo」という項目はありません"),
        "{err}"
    );
    assert!(
        err.contains("bad.yaml:5:1: error: 「bar」という項目はありません"),
        "{err}"
    );
    assert!(err.contains("worse.yaml:"), "{err}");
    assert!(err.ends_with("4 件のエラーがあります。\n"), "{err}");
}

#[test]
fn github_format_annotates_lines() {
    let dir = fixture("minimal");
    fs::write(
        dir.path().join("content/sample/bad.yaml"),
        format!("name: x\ndepartment: somu\ngroup: v1\nsumary: y\n{OK_TAIL}"),
    )
    .expect("write");
    let out = hyoka(dir.path(), &["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out).0,
        "::error file=content/sample/bad.yaml,line=4,col=1::「sumary」という項目はありません — もしかして「summary」ですか？\n"
    );
}

#[test]
fn committed_schemas_match_the_types() {
    let content = hyoka::pipeline::load(&common::repo().join("content"))
        .unwrap_or_else(|d| panic!("{}", d.human()));
    for (name, generated) in hyoka::schema::all_for(&content) {
        let path = common::repo().join("schema").join(&name);
        let committed = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "schema/{name} is out of date: run `cargo run -- schema` and commit"
        );
    }
}
