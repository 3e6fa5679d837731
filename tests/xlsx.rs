//! `data/projects.xlsx`: the same content builds the same bytes, every
//! project is in it with its Japanese text and its numbers as numbers,
//! and the downloads page and the data package list it.

mod common;

use std::fs;

use common::{fixture, hyoka, text};
use hyoka::import::sheet::{read_workbook, Cell};

#[test]
fn the_workbook_is_deterministic_and_holds_every_project() {
    let dir = fixture("shipped");
    let d = dir.path();
    for out in ["a", "b"] {
        let o = hyoka(d, &["build", "-q", "--output", out]);
        assert!(o.status.success(), "{:?}", text(&o));
    }
    let a = fs::read(d.join("a/data/projects.xlsx")).unwrap();
    assert!(
        a == fs::read(d.join("b/data/projects.xlsx")).unwrap(),
        "two builds, two files"
    );

    let grids = read_workbook(&d.join("a/data/projects.xlsx")).unwrap();
    let names: Vec<&str> = grids.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "事業",
            "年度別の経費と人員",
            "活動実績",
            "成果指標",
            "成果指標の目標と実績",
            "評価",
            "転記メモ",
            "担当課",
            "項目の説明"
        ]
    );
    let projects = &grids[0];
    // 26 事務事業 + 58 systems, one row each after the header.
    assert_eq!(projects.rows.len(), 1 + 84);
    let row = projects
        .rows
        .iter()
        .find(|r| r.get(1) == Some(&Cell::Text("chiho-sogo-senryaku-suishin".into())))
        .expect("project row");
    assert_eq!(row[0], Cell::Text("112089".into()));
    assert_eq!(row[4], Cell::Text("地方版総合戦略推進事業".into()));
    let fiscal = &grids[1];
    assert_eq!(fiscal.rows[0][4], Cell::Text("予算現額（千円）".into()));
    let h30 = fiscal
        .rows
        .iter()
        .find(|r| r.get(1) == Some(&Cell::Text("chiho-sogo-senryaku-suishin".into())))
        .unwrap();
    assert_eq!(h30[2], Cell::Number(2018.0));
    assert_eq!(h30[4], Cell::Number(75.0), "a number, not text");
    assert_eq!(h30[7], Cell::Number(0.42));
    // 項目の説明 lists every column of every sheet.
    let cols: usize = hyoka::export::workbook::sheets(hyoka::model::MoneyUnit::ThousandYen)
        .iter()
        .map(|s| s.cols.len())
        .sum();
    assert_eq!(grids[8].rows.len(), 1 + cols + 6);

    let downloads = fs::read_to_string(d.join("a/downloads.html")).unwrap();
    assert!(
        downloads.contains("data/projects.xlsx"),
        "linked from the downloads page"
    );
    let pkg: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("a/data/datapackage.json")).unwrap())
            .unwrap();
    let r = pkg["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "projects.xlsx")
        .expect("datapackage resource");
    assert_eq!(r["format"], "xlsx");
    assert_eq!(r["bytes"], a.len());
}

#[test]
fn a_text_too_long_for_an_excel_cell_fails_the_build_naming_project_and_sheet() {
    let dir = fixture("minimal");
    let d = dir.path();
    let file = d.join("content/sample/alpha.yaml");
    let yaml = fs::read_to_string(&file).unwrap();
    // One character over Excel's 32,767 per cell, in 事業's 概要 column.
    let long = format!("summary: {}\n", "あ".repeat(32_768));
    let at = yaml.find("summary: |").expect("alpha has a summary");
    let end = yaml[at..].find("\naccount:").expect("account follows") + at + 1;
    fs::write(&file, format!("{}{long}{}", &yaml[..at], &yaml[end..])).unwrap();
    let o = hyoka(d, &["check", "-q"]);
    assert!(o.status.success(), "check accepts it: {:?}", text(&o));
    let o = hyoka(d, &["build", "-q", "--output", "out"]);
    let (_, err) = text(&o);
    assert!(!o.status.success(), "{err}");
    assert!(
        err.contains("projects.xlsx: 事業「alpha」のシート「事業」に 32767 文字を超える文があり、Excel のセルに入りません。文を短くするか分けてください"),
        "{err}"
    );
    assert!(!d.join("out").exists(), "no output from a failed build");
}
