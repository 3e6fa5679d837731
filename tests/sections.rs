//! Series decide their sections and noun; the transcription record is
//! folded; one cost figure per list column; the scale table drops empty
//! columns; `check` warns on YAML keys in notes (issue 15). Fixture
//! `sections`: a series of systems with no sheet sections (`systems`) and a
//! series of sheets with every section (`sheets`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{fixture, hyoka, main_of, read, snapshot, text};

fn build(dir: &Path) -> PathBuf {
    let out = hyoka(dir, &["build"]);
    assert!(out.status.success(), "{:?}", text(&out));
    dir.join("output")
}

/// `html` without its `<details>…</details>` parts.
fn outside_details(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<details") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</details>")
            .map_or(rest.len(), |e| start + e + "</details>".len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The text of every `<details>…</details>` of `html`.
fn inside_details(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<details") {
        let end = rest[start..]
            .find("</details>")
            .map_or(rest.len(), |e| start + e);
        out.push_str(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

/// `—` that is not the "not rated" badge.
fn dashes(html: &str) -> usize {
    html.replace("<span class=\"none\" title=\"評価なし\">—</span>", "")
        .matches('—')
        .count()
}

#[test]
fn a_series_without_sheet_sections_shows_none_of_them() {
    let dir = fixture("sections");
    let out = build(dir.path());
    let page = read(&out.join("projects/mail.html"));
    let main = main_of(&page);
    for absent in [
        "いくらかかったか",
        "経費と人員",
        "何を達成したか",
        "成果指標",
        "これからどうするか",
        "どんな事業か",
        "どんなシステムか",
        "資料にありません",
        "載せていません",
        "事務事業名称",
        "会計",
        "SDGs",
    ] {
        assert!(!main.contains(absent), "system page shows {absent}");
    }
    assert_eq!(dashes(&outside_details(main)), 0, "{main}");
    // The noun is the series' own.
    assert!(main.contains("このシステムのデータ："), "{main}");
    assert!(main.contains("（令和3年度にAと評価されたシステムの一覧）"));
    assert!(!main.contains("この事業のデータ"));

    // Its series page: no cost column, no cost totals, systems.
    let series = read(&out.join("series/systems.html"));
    let main = main_of(&series);
    assert!(
        main.contains("<h2 id=\"h-list\">システムの一覧</h2>"),
        "{main}"
    );
    assert!(main.contains("<th scope=\"col\">システム名</th>"));
    for absent in ["決算額", "経費", "予算"] {
        assert!(!main.contains(absent), "systems series page shows {absent}");
    }
    // Its departments' tables have no cost column either.
    let dept = read(&out.join("departments/digital.html"));
    let systems = &dept[dept.find("<h2 id=\"h-systems\"").expect("systems part")..];
    assert!(!systems.contains("決算額"));
    // The home page gives no cost totals for it.
    let home = read(&out.join("index.html"));
    assert!(!home.contains("見本のシステム評価の経費の合計"));
    assert!(!home.contains("見本のシステム評価：経費のデータはありません"));
}

#[test]
fn a_sheet_page_keeps_every_section() {
    let dir = fixture("sections");
    let out = build(dir.path());
    let main = main_of(&read(&out.join("projects/estimated.html"))).to_string();
    for present in [
        "どんな事業か",
        "いくらかかったか",
        "何を達成したか",
        "これからどうするか",
        "この事業のデータ：",
    ] {
        assert!(main.contains(present), "sheet page lacks {present}");
    }
}

#[test]
fn the_transcription_record_is_folded_after_the_sheet() {
    let dir = fixture("sections");
    let out = build(dir.path());
    for (page, note) in [
        (
            "projects/estimated.html",
            "目標値が未達成の理由・分析は空欄。",
        ),
        ("projects/mail.html", "報告書の P.33 の行から転記した。"),
        // The source's note on how it was transcribed goes there too.
        ("projects/mail.html", "報告書の一覧表から転記しました。"),
    ] {
        let main = main_of(&read(&out.join(page))).to_string();
        assert!(
            inside_details(&main).contains(note),
            "{page}: {note} not folded"
        );
        assert!(
            !outside_details(&main).contains(note),
            "{page}: {note} outside <details>"
        );
        let record = main
            .find("<h2 id=\"h-record\">このデータの転記について</h2>\n<details>")
            .expect("record heading");
        // After the sheet and its source.
        assert!(main.find("<h2 id=\"h-source\">").expect("source") < record);
        assert!(!main.contains("転記メモ"));
    }
    // A project without notes still gets its series' source note, folded.
    let gis = main_of(&read(&out.join("projects/gis.html"))).to_string();
    assert!(inside_details(&gis).contains("報告書の一覧表から転記しました。"));
}

#[test]
fn one_cost_figure_per_column_with_its_year_and_kind() {
    let dir = fixture("sections");
    let out = build(dir.path());
    // Worked out by hand from the fixture: R1 is the latest year with a
    // 決算額 (見込みの事業's 1,711 見込み); 予算だけの事業 has no R1 決算額,
    // so its R1 予算 900 marked 予算 (not its H30 決算 800); 前の年度だけの
    // 事業 has nothing for R1.
    let head = "決算額<br><small>（令和元年度、千円）</small>";
    let estimated =
        "<data value=\"1711\" title=\"1,711,000円\">1,711千円</data><br><small>（見込み）</small>";
    let budget =
        "<data value=\"900\" title=\"900,000円\">900千円</data><br><small>（予算）</small>";
    let series = read(&out.join("series/sheets.html"));
    let main = main_of(&series);
    assert!(
        main.contains(&format!("<th scope=\"col\">{head}</th>")),
        "{main}"
    );
    let row = |id: &str| -> String {
        let at = main
            .find(&format!("projects/{id}.html"))
            .unwrap_or_else(|| panic!("row {id}"));
        main[at..at + main[at..].find("</tr>").expect("</tr>")].to_string()
    };
    assert!(row("estimated").contains(estimated), "{}", row("estimated"));
    assert!(
        row("budget-only").contains(budget),
        "{}",
        row("budget-only")
    );
    assert!(!row("budget-only").contains("800"));
    assert!(row("old-only").contains("<span class=\"none\">—</span>"));
    assert!(!row("old-only").contains("<data"));
    // The same column in the list of every project, where the system rows
    // (no costs) have no figure, and the empty SDGs and 会計 columns go.
    let all = read(&out.join("projects.html"));
    let main = main_of(&all);
    assert!(main.contains(&format!(
        "<th scope=\"col\" data-sort=\"number\">{head}</th>"
    )));
    assert!(main.contains(&format!(
        "<td class=\"num\" data-key=\"1711000\">{estimated}</td>"
    )));
    assert!(main.contains(&format!(
        "<td class=\"num\" data-key=\"900000\">{budget}</td>"
    )));
    assert!(!main.contains(">SDGs</th>"));
    assert!(!main.contains(">会計</th>"));
    // A list page of systems only has no cost column.
    let list = read(&out.join("lists/rating/systems/fy2021/a.html"));
    assert!(!main_of(&list).contains("決算額"));
    assert!(main_of(&list).contains("令和3年度にAと評価されたシステム"));
}

#[test]
fn the_scale_table_drops_empty_columns_and_says_so_once() {
    let dir = fixture("sections");
    let out = build(dir.path());
    // systems: labels, no definitions.
    let systems = read(&out.join("series/systems.html"));
    let scale = &systems[systems.find("<h2 id=\"h-scale\">").expect("scale")..];
    let scale = &scale[..scale.find("</section>").expect("/section")];
    assert!(scale.contains("<th scope=\"col\">名前</th>"));
    assert!(!scale.contains("基準</th>"));
    assert!(!scale.contains("data-label=\"基準\""));
    assert_eq!(
        scale
            .matches("資料には、評価の段階の基準（どうなればその評価か）の記載がありません。")
            .count(),
        1
    );
    assert_eq!(dashes(scale), 0, "{scale}");
    // sheets: neither labels nor definitions.
    let sheets = read(&out.join("series/sheets.html"));
    let scale = &sheets[sheets.find("<h2 id=\"h-scale\">").expect("scale")..];
    let scale = &scale[..scale.find("</section>").expect("/section")];
    assert!(!scale.contains("名前</th>") && !scale.contains("基準</th>"));
    assert!(scale.contains("資料には、評価の段階の名前と基準の記載がありません。"));
    assert_eq!(dashes(scale), 0, "{scale}");
}

fn append(path: &Path, text: &str) {
    let mut s = read(path);
    s.push_str(text);
    fs::write(path, s).expect("write");
}

#[test]
fn check_warns_on_a_yaml_key_in_a_note_but_not_on_an_english_word() {
    let dir = fixture("sections");
    let c = dir.path().join("content");
    // Line 21 of estimated.yaml; the note's text starts in column 5.
    append(
        &c.join("sheets/estimated.yaml"),
        "  - unmet_reason は null のまま。\n",
    );
    append(
        &c.join("sheets/budget-only.yaml"),
        "notes:\n  - the reason is not printed, so no reasons are given (an unmet_reasons list, my_rationale).\n",
    );
    let out = hyoka(dir.path(), &["check", "-q"]);
    let (stdout, stderr) = text(&out);
    // A warning never fails the check.
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(!stderr.contains("budget-only"), "{stderr}");
    snapshot("sections-check-warning.txt", &stderr);
    assert!(stderr.starts_with(
        "content/sheets/estimated.yaml:21:5: warning: 転記メモに YAML のキー「unmet_reason」が書かれています。シートの欄の名前「目標値が未達成の理由・分析」で書いてください\n"
    ), "{stderr}");
    assert!(stderr.ends_with("1 件の警告があります。\n"), "{stderr}");

    let out = hyoka(dir.path(), &["check", "-q", "--format", "github"]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert!(
        stdout.starts_with("::warning file=content/sheets/estimated.yaml,line=21,col=5::転記メモに YAML のキー「unmet_reason」"),
        "{stdout}"
    );
}

#[test]
fn check_warns_when_a_project_fills_a_section_its_series_lacks() {
    let dir = fixture("sections");
    let c = dir.path().join("content");
    // Line 12 of mail.yaml, the key in column 1.
    append(&c.join("systems/mail.yaml"), "summary: 見えない説明\n");
    let out = hyoka(dir.path(), &["check", "-q"]);
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr,
        "content/systems/mail.yaml:12:1: warning: このシリーズの sections に「summary」（事業の目的及び具体的な内容）がないため、この値はページに出ません\n  = ヒント: _series.yaml の sections に summary を加えるか、この値を消してください\n1 件の警告があります。\n"
    );
}

#[test]
fn check_refuses_an_unknown_section_name() {
    let dir = fixture("sections");
    let s = dir.path().join("content/systems/_series.yaml");
    let yaml = read(&s).replace("sections: []", "sections: [costs, cost]");
    fs::write(&s, yaml).expect("write");
    let out = hyoka(dir.path(), &["check", "-q"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // Line 3, the second item in column 19; one error, with the fix.
    assert!(
        stderr.starts_with("content/systems/_series.yaml:3:19: error: 「sections[1]」に「cost」は使えません。選べる値: 「summary」、"),
        "{stderr}"
    );
    assert!(stderr.contains("もしかして「costs」ですか？"), "{stderr}");
    assert!(stderr.ends_with("\n1 件のエラーがあります。\n"), "{stderr}");
}

/// The shipped site: nothing of the transcription's own vocabulary outside
/// the folded record, and the ICT plan's pages show none of the sheet's
/// sections.
#[test]
fn shipped_pages_speak_to_citizens() {
    let dir = fixture("shipped");
    let out = build(dir.path());
    let words = [
        "null",
        "unmet_reason",
        "rationale",
        "source.position",
        "higher_is_better",
        "000_bdff7e9c3ffec749",
        "行番号",
        // A part left null may be unreadable rather than absent: the pages
        // must not claim the source lacks it.
        "資料にありません",
    ];
    let mut pages = 0;
    for e in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
    {
        pages += 1;
        let html = outside_details(&read(e.path()));
        for w in words {
            assert!(
                !html.contains(w),
                "{} shows {w} outside <details>",
                e.path().display()
            );
        }
    }
    assert!(pages > 100, "{pages}");
    // Its 課題 and 今後の取り組み are null (unreadable): said as such.
    let zeikei = read(&out.join("projects/zeikei-system-kaishu-online-shikaku-kakunin.html"));
    assert!(
        zeikei.contains("現状の課題と今後の取り組みは、元の資料から読み取れないか記載がないため、載せていません。"),
        "the null parts are explained"
    );
    let ict: Vec<String> = fs::read_dir(dir.path().join("content/ict-plan-2019-2021"))
        .expect("ict")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_string))
        .filter(|n| n != "_series")
        .collect();
    assert_eq!(ict.len(), 58);
    for id in &ict {
        let html = read(&out.join(format!("projects/{id}.html")));
        let main = outside_details(main_of(&html));
        for absent in [
            "いくらかかったか",
            "成果指標",
            "どんな事業か",
            "資料にありません",
            "載せていません",
            "事業のデータ",
        ] {
            assert!(!main.contains(absent), "{id} shows {absent}");
        }
        assert_eq!(dashes(&main), 0, "{id}");
        assert!(main.contains("このシステムのデータ："), "{id}");
    }
    // The 事務事業 list's cost column: one year and kind.
    let series = read(&out.join("series/jimu-2019.html"));
    assert!(series.contains("<th scope=\"col\">決算額<br><small>（令和元年度、千円）</small></th>"));
}

#[test]
fn a_new_file_in_a_series_without_sections_gives_no_warning() {
    let dir = fixture("sections");
    let out = hyoka(
        dir.path(),
        &["new", "systems", "new-system", "--department", "somu", "-q"],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    // `hyoka new` writes every field, empty: nothing is hidden, no warning.
    let out = hyoka(dir.path(), &["check", "-q"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(stderr, "");
}
