//! The SVG charts: well-formed, accessible, faithful to the numbers,
//! deterministic.

use hyoka::aggregate::{Distribution, LevelCount};
use hyoka::charts::{cost_chart, indicator_chart, rating_chart, CostPoint, IndicatorPoint};

fn level(code: &str, label: Option<&str>, color: &str, count: usize, rated: usize) -> LevelCount {
    LevelCount::new(code, label, color, count, rated)
}

/// The ICT plan's 令和3年度 result: 50 A, 7 B, no C or D, one system unrated.
fn ict_distribution() -> Distribution {
    let rated = 57;
    Distribution {
        levels: vec![
            level("A", Some("適切"), "#2e7d32", 50, rated),
            level("B", Some("おおむね適切"), "#1a5e9a", 7, rated),
            level("C", Some("改善の余地あり"), "#9a6700", 0, rated),
            level("D", Some("見直しの是非を検討"), "#b3261e", 0, rated),
        ],
        rated,
        unrated: 1,
        summary_percent: Some(100),
        summary_count: 57,
    }
}

fn cost(
    label: &str,
    budget: Option<i64>,
    settlement: Option<i64>,
    staff: Option<i64>,
) -> CostPoint {
    CostPoint {
        label: label.to_string(),
        budget,
        settlement,
        settlement_estimated: false,
        staff_cost: staff,
    }
}

fn costs() -> Vec<CostPoint> {
    vec![
        cost("H29", Some(12_500), Some(11_980), Some(8_100)),
        cost("H30", None, None, None),
        CostPoint {
            settlement_estimated: true,
            ..cost("R1", Some(14_200), Some(13_050), Some(8_300))
        },
    ]
}

fn indicator(
    label: &str,
    target: Option<f64>,
    result: Option<f64>,
    achievement: Option<f64>,
) -> IndicatorPoint {
    IndicatorPoint {
        label: label.to_string(),
        target,
        result,
        achievement,
    }
}

fn indicators() -> Vec<IndicatorPoint> {
    vec![
        indicator("H30", Some(85.0), Some(90.2), Some(106.1)),
        indicator("R1", Some(90.0), Some(82.9), Some(92.1)),
        indicator("R2", Some(95.0), None, None),
    ]
}

/// Every chart the tests look at.
fn all_charts(title: &str) -> Vec<String> {
    vec![
        rating_chart(title, &ict_distribution()),
        cost_chart(title, "千円", &costs()).expect("cost chart"),
        indicator_chart(title, Some("%"), &indicators()).expect("indicator chart"),
    ]
}

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"))
}

/// The text content of every `<text>`, in document order.
fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

fn num_attr(n: &roxmltree::Node, name: &str) -> f64 {
    n.attribute(name)
        .unwrap_or_else(|| panic!("{n:?} has no {name}"))
        .parse()
        .unwrap()
}

/// An attribute of the `<text>` whose content is `content`.
fn text_attr(doc: &roxmltree::Document, content: &str, name: &str) -> f64 {
    let n = doc
        .descendants()
        .find(|n| n.has_tag_name("text") && n.text() == Some(content))
        .unwrap_or_else(|| panic!("no text {content:?}"));
    num_attr(&n, name)
}

fn child_text<'a>(doc: &'a roxmltree::Document, tag: &str) -> Option<(&'a str, String)> {
    let n = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name(tag))?;
    Some((n.attribute("id")?, n.text()?.to_string()))
}

#[test]
fn every_chart_is_well_formed_accessible_and_scalable() {
    for svg in all_charts("評価結果") {
        let doc = parse(&svg);
        let root = doc.root_element();
        assert!(root.has_tag_name("svg"));
        assert_eq!(root.attribute("role"), Some("img"));

        let (title_id, title) = child_text(&doc, "title").expect("<title> with an id");
        let (desc_id, desc) = child_text(&doc, "desc").expect("<desc> with an id");
        assert_eq!(title, "評価結果");
        assert!(!desc.is_empty());
        let labelled_by: Vec<&str> = root
            .attribute("aria-labelledby")
            .expect("aria-labelledby")
            .split_whitespace()
            .collect();
        assert_eq!(labelled_by, vec![title_id, desc_id]);

        // Sized by the viewBox alone, so it scales to the page.
        let view_box: Vec<f64> = root
            .attribute("viewBox")
            .expect("viewBox")
            .split_whitespace()
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(view_box.len(), 4);
        assert!(view_box[2] > 0.0 && view_box[3] > 0.0);
        assert_eq!(root.attribute("width"), None);
        assert_eq!(root.attribute("height"), None);

        // One Japanese font stack for all text, no per-text override.
        assert!(root
            .attribute("font-family")
            .unwrap()
            .contains("Noto Sans CJK JP"));
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            assert_eq!(t.attribute("font-family"), None);
            let fill = t.attribute("fill").unwrap();
            assert!(
                fill == "#1F2328" || fill == "#59636E",
                "text colour {fill} is not one of the two checked for contrast"
            );
        }

        // Nothing is drawn outside the viewBox.
        for r in doc.descendants().filter(|n| n.has_tag_name("rect")) {
            let num = |a: &str| r.attribute(a).unwrap().parse::<f64>().unwrap();
            assert!(num("x") >= 0.0 && num("y") >= 0.0, "{:?}", r);
            assert!(num("x") + num("width") <= view_box[2], "{:?}", r);
            assert!(num("y") + num("height") <= view_box[3], "{:?}", r);
        }
    }
}

#[test]
fn rating_bars_are_proportional_to_counts_and_labelled() {
    let dist = Distribution {
        levels: vec![
            level("S", Some("目的・目標を上回っている"), "#1a5e9a", 2, 26),
            level("A", Some("目的・目標に達している"), "#2e7d32", 17, 26),
            level("B", None, "#9a6700", 5, 26),
            level("C", None, "#c2410c", 0, 26),
            level("D", None, "#b3261e", 2, 26),
        ],
        rated: 26,
        unrated: 0,
        summary_percent: Some(73),
        summary_count: 19,
    };
    let svg = rating_chart("事務事業評価（令和元年度）", &dist);
    let doc = parse(&svg);

    // The bar of each level is the rect in the level's colour.
    let width_of = |color: &str| -> f64 {
        let bars: Vec<f64> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .filter(|n| {
                n.attribute("fill")
                    .is_some_and(|f| f.eq_ignore_ascii_case(color))
            })
            .map(|n| n.attribute("width").unwrap().parse().unwrap())
            .collect();
        assert_eq!(bars.len(), 1, "one bar in {color}");
        bars[0]
    };
    let widths: Vec<f64> = dist.levels.iter().map(|l| width_of(&l.color)).collect();
    let px_per_count = widths[1] / 17.0;
    assert!(px_per_count > 5.0, "the largest bar has a real length");
    for (l, w) in dist.levels.iter().zip(&widths) {
        let expected = l.count as f64 * px_per_count;
        assert!(
            (w - expected).abs() <= 1.0,
            "{}: width {w}, expected {expected}",
            l.code
        );
    }
    assert_eq!(widths[3], 0.0, "a zero count has a bar of length 0");
    // Bars are in scale order, top to bottom.
    let y_of = |color: &str| -> f64 {
        doc.descendants()
            .find(|n| {
                n.has_tag_name("rect")
                    && n.attribute("fill")
                        .is_some_and(|f| f.eq_ignore_ascii_case(color))
            })
            .unwrap()
            .attribute("y")
            .unwrap()
            .parse()
            .unwrap()
    };
    let ys: Vec<f64> = dist.levels.iter().map(|l| y_of(&l.color)).collect();
    assert!(ys.windows(2).all(|w| w[0] < w[1]), "{ys:?}");

    // Every level is written out, zero counts included.
    let t = texts(&doc);
    for want in [
        "S 目的・目標を上回っている",
        "2件 (8%)",
        "A 目的・目標に達している",
        "17件 (65%)",
        "B",
        "5件 (19%)",
        "C",
        "0件 (0%)",
        "D",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }
}

#[test]
fn rating_desc_states_every_number() {
    let svg = rating_chart("令和3年度の進捗状況評価", &ict_distribution());
    let doc = parse(&svg);
    let (_, desc) = child_text(&doc, "desc").unwrap();
    for want in [
        "A 適切: 50件（88%）",
        "B おおむね適切: 7件（12%）",
        "C 改善の余地あり: 0件（0%）",
        "D 見直しの是非を検討: 0件（0%）",
        "57件",
        "評価なし1件",
    ] {
        assert!(desc.contains(want), "desc lacks {want:?}: {desc}");
    }
}

#[test]
fn rating_chart_without_any_rating_still_lists_levels() {
    let dist = Distribution {
        levels: vec![
            level("A", None, "#2e7d32", 0, 0),
            level("B", None, "#1a5e9a", 0, 0),
        ],
        rated: 0,
        unrated: 3,
        summary_percent: None,
        summary_count: 0,
    };
    let svg = rating_chart("未評価", &dist);
    let doc = parse(&svg);
    let t = texts(&doc);
    assert_eq!(t.iter().filter(|x| *x == "0件 (0%)").count(), 2);
}

#[test]
fn output_is_deterministic_and_ids_differ_between_charts() {
    assert_eq!(all_charts("同じ入力"), all_charts("同じ入力"));

    // Several charts on one page: ids derived from the content never clash.
    let mut ids = Vec::new();
    for title in ["グラフ1", "グラフ2"] {
        for svg in all_charts(title) {
            let doc = parse(&svg);
            for n in doc.descendants() {
                if let Some(id) = n.attribute("id") {
                    ids.push(id.to_string());
                }
            }
        }
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert_eq!(ids.len(), 12, "a title and a desc id per chart");

    // Same title, different numbers: different ids too.
    let a = cost_chart("経費", "千円", &costs()).unwrap();
    let mut other = costs();
    other[0].budget = Some(1);
    let b = cost_chart("経費", "千円", &other).unwrap();
    let id = |s: &str| {
        parse(s)
            .root_element()
            .attribute("aria-labelledby")
            .unwrap()
            .to_string()
    };
    assert_ne!(id(&a), id(&b));
}

#[test]
fn all_missing_cost_or_indicator_data_gives_no_chart() {
    assert_eq!(cost_chart("経費", "千円", &[]), None);
    assert_eq!(
        cost_chart(
            "経費",
            "千円",
            &[cost("H30", None, None, None), cost("R1", None, None, None)]
        ),
        None
    );
    assert_eq!(indicator_chart("指標", Some("%"), &[]), None);
    assert_eq!(
        indicator_chart(
            "指標",
            None,
            &[
                indicator("R1", None, None, None),
                indicator("R2", None, None, Some(50.0))
            ]
        ),
        None
    );
    // One figure is enough.
    assert!(cost_chart("経費", "千円", &[cost("R1", None, None, Some(10))]).is_some());
    assert!(indicator_chart("指標", None, &[indicator("R1", Some(3.0), None, None)]).is_some());
}

#[test]
fn cost_chart_marks_a_missing_middle_year() {
    let svg = cost_chart("経費の推移", "千円", &costs()).unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    assert!(t.iter().any(|x| x == "データなし"), "{t:?}");
    for want in [
        "H29",
        "H30",
        "R1",
        "予算現額",
        "決算額",
        "決算額（見込み）",
        "人件費",
        "単位：千円",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }

    let (_, desc) = child_text(&doc, "desc").unwrap();
    for want in [
        "H29: 予算現額 12,500千円、決算額 11,980千円、人件費 8,100千円",
        "H30: データなし",
        "R1: 予算現額 14,200千円、決算額 13,050千円（見込み）、人件費 8,300千円",
    ] {
        assert!(desc.contains(want), "desc lacks {want:?}: {desc}");
    }

    // The missing year has no bar: every bar lies over H29's or R1's label.
    let label_x = |label: &str| text_attr(&doc, label, "x");
    let (h29, h30, r1) = (label_x("H29"), label_x("H30"), label_x("R1"));
    let half_group = (h30 - h29) / 2.0;
    let bar_fills = ["#1A5E9A", "#9A6700"];
    // Below the unit caption: not the legend swatches.
    let plot_top = text_attr(&doc, "単位：千円", "y");
    let bars: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| n.attribute("fill").is_some_and(|f| bar_fills.contains(&f)))
        .filter(|n| num_attr(n, "y") > plot_top)
        .map(|n| (num_attr(&n, "x"), num_attr(&n, "x") + num_attr(&n, "width")))
        .collect();
    assert!(bars.len() >= 6, "{bars:?}");
    for (x0, x1) in bars {
        let in_group = |c: f64| x0 >= c - half_group && x1 <= c + half_group;
        assert!(
            in_group(h29) || in_group(r1),
            "bar {x0}..{x1} outside H29 and R1"
        );
    }
}

#[test]
fn cost_chart_leaves_out_staff_cost_when_never_known() {
    let points = vec![
        cost("R1", Some(100), Some(90), None),
        cost("R2", Some(120), None, None),
    ];
    let svg = cost_chart("経費", "円", &points).unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    assert!(!t.iter().any(|x| x == "人件費"));
    assert!(
        t.iter().any(|x| x == "－"),
        "the missing settlement of R2 is marked: {t:?}"
    );
    let (_, desc) = child_text(&doc, "desc").unwrap();
    assert!(
        desc.contains("R2: 予算現額 120円、決算額 データなし"),
        "{desc}"
    );
    assert!(!desc.contains("人件費"));
}

#[test]
fn indicator_chart_writes_achievement_above_results() {
    let svg = indicator_chart("市民満足度", Some("%"), &indicators()).unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    for want in ["106.1%", "92.1%", "目標", "実績", "単位：%"] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }
    // The achievement sits between the legend and the result bars.
    let plot_top = text_attr(&doc, "単位：%", "y");
    let top_bar = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#1A5E9A"))
        .map(|n| num_attr(&n, "y"))
        .filter(|y| *y > plot_top)
        .fold(f64::INFINITY, f64::min);
    let label_y = text_attr(&doc, "106.1%", "y");
    assert!(
        plot_top < label_y && label_y < top_bar,
        "{plot_top} {label_y} {top_bar}"
    );

    let (_, desc) = child_text(&doc, "desc").unwrap();
    for want in [
        "H30: 目標 85%、実績 90.2%、達成率 106.1%",
        "R1: 目標 90%、実績 82.9%、達成率 92.1%",
        "R2: 目標 95%、実績 データなし",
    ] {
        assert!(desc.contains(want), "desc lacks {want:?}: {desc}");
    }
}

#[test]
fn titles_and_labels_are_escaped() {
    let evil = "<script>alert(\"x\")</script> & 'more'";
    let mut dist = ict_distribution();
    dist.levels[0].label = Some("<b>&".to_string());
    let svgs = vec![
        rating_chart(evil, &dist),
        cost_chart(evil, "<千円>", &costs()).unwrap(),
        indicator_chart(evil, Some("&"), &indicators()).unwrap(),
    ];
    for svg in svgs {
        assert!(!svg.contains("<script"), "{svg}");
        assert!(!svg.contains("<b>"), "{svg}");
        let doc = parse(&svg);
        let (_, title) = child_text(&doc, "title").unwrap();
        assert_eq!(title, evil);
        // No title is drawn: the page shows it once, as the figure caption.
        let visible: String = texts(&doc).concat();
        assert!(!visible.contains("<script>"), "{visible}");
        assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
    }
}

/// Issue 14: a chart is shown at most 400 px wide (its viewBox width, never
/// stretched) and at least 358 px on a 390 px phone, so every text of
/// 14-16 units renders at 12.5-16 px; no chart draws its title, which
/// would say again what the page's figure caption says.
#[test]
fn chart_text_is_14_to_16_units_and_no_title_is_drawn() {
    let title = "グラフの題名";
    let mut charts = all_charts(title);
    // Years without data and a missing middle figure: the small marks.
    let mut sparse = costs();
    sparse[1].settlement = None;
    sparse.push(cost("R2", None, None, None));
    charts.push(cost_chart(title, "千円", &sparse).expect("cost chart"));
    for svg in charts {
        let doc = parse(&svg);
        let root = doc.root_element();
        assert!(
            root.attribute("viewBox")
                .is_some_and(|v| v.starts_with("0 0 400 ")),
            "{svg}"
        );
        for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let size = num_attr(&n, "font-size");
            assert!((14.0..=16.0).contains(&size), "{size}: {n:?}");
            assert_ne!(n.text(), Some(title), "title drawn: {svg}");
        }
    }
}

/// Snapshot of one small chart, checked by eye when written: any change to
/// the drawing shows up here. To accept a deliberate change, run with
/// `UPDATE_SNAPSHOTS=1` and look at the new file before committing it.
#[test]
fn snapshot_small_rating_chart() {
    let rated = 3;
    let dist = Distribution {
        levels: vec![
            level("A", Some("適切"), "#2e7d32", 2, rated),
            level("B", Some("おおむね適切"), "#1a5e9a", 1, rated),
            level("C", None, "#9a6700", 0, rated),
        ],
        rated,
        unrated: 0,
        summary_percent: Some(100),
        summary_count: 3,
    };
    let svg = rating_chart("スナップショット用の評価", &dist);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/rating_chart_small.svg");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &svg).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_SNAPSHOTS=1 to create it)",
            path.display()
        )
    });
    assert_eq!(svg, expected, "the chart differs from {}", path.display());
}
