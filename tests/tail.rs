//! The tail of `hyoka build`: the pages made while the data files are
//! written, and the two made after them (home, downloads), as the real CLI
//! makes them.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{fixture, hyoka, text, tree};

const BASE: &str = "https://city.example/hyoka/";

/// Every HTML page of the output `out` but 404.html, as its path.
fn html_pages(out: &Path) -> BTreeSet<String> {
    tree(out)
        .into_keys()
        .filter(|p| p.ends_with(".html") && p != "404.html")
        .collect()
}

/// The sitemap is made before the home and downloads pages; it lists
/// them all the same, and lists exactly the HTML pages written.
#[test]
fn sitemap_lists_every_page_written_but_404() {
    let dir = fixture("shipped");
    let out = dir.path().join("out");
    let res = hyoka(
        dir.path(),
        &["build", "--no-cache", "--output", "out", "--base-url", BASE],
    );
    assert!(res.status.success(), "{:?}", text(&res));
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).expect("sitemap.xml");
    let locs: BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|l| {
            let l = l.split("</loc>").next().expect("closed");
            l.strip_prefix(BASE).expect("absolute").to_string()
        })
        .collect();
    assert!(locs.contains("index.html"), "{sitemap}");
    assert!(locs.contains("downloads.html"), "{sitemap}");
    assert_eq!(locs, html_pages(&out));
}

/// With one thread, the pages made in parallel are made one after the
/// other: the output must not depend on it.
#[test]
fn output_does_not_depend_on_the_number_of_threads() {
    let dir = fixture("shipped");
    let build = |threads: &str, out: &str| {
        let res = std::process::Command::new(env!("CARGO_BIN_EXE_hyoka"))
            .args(["build", "--no-cache", "--output", out, "--base-url", BASE])
            .env("RAYON_NUM_THREADS", threads)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .current_dir(dir.path())
            .output()
            .expect("run hyoka");
        assert!(res.status.success(), "{:?}", text(&res));
        let mut t = tree(&dir.path().join(out));
        // The marker names the build, not the site.
        t.retain(|p, _| !p.starts_with(".hyoka-output"));
        t
    };
    let one = build("1", "out-1");
    let four = build("4", "out-4");
    assert!(one.len() > 100, "{} files", one.len());
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        four.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &one {
        assert!(four[path] == *bytes, "{path} differs");
    }
}

/// A template error in a page made while the data files are written and
/// one in a page made after them are both reported, and the previous
/// output stays as it was.
#[test]
fn template_errors_before_and_after_the_data_files_are_all_reported() {
    let dir = fixture("minimal");
    let good = hyoka(dir.path(), &["build"]);
    assert!(good.status.success(), "{:?}", text(&good));
    let before = tree(&dir.path().join("output"));
    let theme = dir.path().join("mytheme/templates");
    fs::create_dir_all(&theme).expect("mkdir");
    let broken =
        "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ site.titel }}</p>\n{% endblock %}\n";
    for t in ["series.html", "list.html", "downloads.html", "index.html"] {
        fs::write(theme.join(t), broken).expect("write");
    }
    let res = hyoka(dir.path(), &["build", "--theme", "mytheme"]);
    assert_eq!(res.status.code(), Some(1), "{:?}", text(&res));
    let err = text(&res).1;
    for t in ["series.html", "list.html", "downloads.html", "index.html"] {
        assert!(
            err.contains(&format!("templates/{t}:3:1: error: テンプレートの誤り")),
            "{t}: {err}"
        );
    }
    assert!(tree(&dir.path().join("output")) == before);
}
