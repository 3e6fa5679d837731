//! `hyoka new`: a new project file passes `check`, and existing files are
//! never overwritten.

mod common;

use std::fs;

use common::{fixture, hyoka, text};

#[test]
fn new_then_check_passes() {
    let dir = fixture("minimal");
    let out = hyoka(
        dir.path(),
        &[
            "new",
            "sample",
            "kodomo-shokudo",
            "--department",
            "somu",
            "--name",
            "こども食堂支援事業",
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let file = dir.path().join("content/sample/kodomo-shokudo.yaml");
    let body = fs::read_to_string(&file).expect("created");
    assert!(body.starts_with("# yaml-language-server: $schema="));
    assert!(body.contains("name: \"こども食堂支援事業\""));
    assert!(body.contains("# 予算現額（千円）"));
    let check = hyoka(dir.path(), &["check"]);
    assert!(check.status.success(), "{:?}", text(&check));
    // Every top-level field of the model is present.
    let doc: serde_json::Value = serde_json::to_value(
        serde_norway::from_str::<hyoka::model::ProjectDoc>(&body).expect("parses"),
    )
    .expect("json");
    for field in [
        "summary",
        "account",
        "plan_rank",
        "kind",
        "period",
        "legal_basis",
        "general_plan",
        "fiscal_years",
        "indicators",
        "evaluations",
        "sdgs",
        "source",
        "notes",
    ] {
        assert!(body.contains(&format!("\n{field}:")), "missing {field}");
        assert!(doc.get(field).is_some());
    }
}

#[test]
fn new_refuses_to_overwrite() {
    let dir = fixture("minimal");
    let file = dir.path().join("content/sample/alpha.yaml");
    let before = fs::read_to_string(&file).expect("read");
    let out = hyoka(dir.path(), &["new", "sample", "alpha"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("すでにあります"));
    assert_eq!(fs::read_to_string(&file).expect("read"), before);
}

#[test]
fn new_rejects_unknown_series_and_bad_ids() {
    let dir = fixture("minimal");
    let out = hyoka(dir.path(), &["new", "nope", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("シリーズ「nope」はありません"));
    let out = hyoka(dir.path(), &["new", "sample", "../escape"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("content/escape.yaml").exists());
}
