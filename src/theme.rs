//! Themes: the default theme is embedded in the binary; a user theme folder
//! overrides any single template (`templates/NAME.html`) or static file
//! (`static/…`) and may add new ones.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics, Pos};

macro_rules! embed {
    ($kind:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../themes/default/", $kind, "/", $name)) as &[u8])),*]
    };
}

/// Templates of the default theme.
pub const DEFAULT_TEMPLATES: &[(&str, &[u8])] = embed!("templates":
    "base.html", "macros.html", "index.html", "project.html", "department.html",
    "departments.html", "series.html", "page.html", "downloads.html", "404.html",
    "sitemap.xml", "projects.html", "list.html", "list-macros.html", "search.html",
    "list-table.html", "project-table.html",
);

/// Static files of the default theme.
pub const DEFAULT_STATIC: &[(&str, &[u8])] =
    embed!("static": "style.css", "lists.js", "print.css", "og.png", "search.js", "search.css");

/// A resolved theme: every template and static file by name.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Template name → source.
    pub templates: BTreeMap<String, String>,
    /// Static path (relative to `static/`) → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// The default theme overlaid with `user`, if any.
    pub fn load(user: Option<&Path>) -> Result<Theme, Diagnostics> {
        let mut t = Theme {
            templates: DEFAULT_TEMPLATES
                .iter()
                .map(|(n, b)| (n.to_string(), String::from_utf8_lossy(b).into_owned()))
                .collect(),
            statics: DEFAULT_STATIC
                .iter()
                .map(|(n, b)| (n.to_string(), b.to_vec()))
                .collect(),
        };
        let Some(dir) = user else { return Ok(t) };
        let mut diags = Diagnostics::default();
        if !dir.is_dir() {
            diags.push(Diagnostic::new(
                dir,
                Pos::START,
                "テーマのフォルダが見つかりません",
            ));
            return Err(diags);
        }
        for (sub, is_template) in [("templates", true), ("static", false)] {
            let base = dir.join(sub);
            if !base.is_dir() {
                continue;
            }
            let mut files: Vec<_> = WalkDir::new(&base)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .collect();
            files.sort();
            for f in files {
                let rel = f
                    .strip_prefix(&base)
                    .unwrap_or(&f)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                match fs::read(&f) {
                    Ok(bytes) if is_template => match String::from_utf8(bytes) {
                        Ok(s) => {
                            t.templates.insert(rel, s);
                        }
                        Err(_) => diags.push(Diagnostic::new(
                            &f,
                            Pos::START,
                            "テンプレートが UTF-8 ではありません",
                        )),
                    },
                    Ok(bytes) => {
                        t.statics.insert(rel, bytes);
                    }
                    Err(e) => diags.push(Diagnostic::new(
                        &f,
                        Pos::START,
                        format!("ファイルを読めません: {e}"),
                    )),
                }
            }
        }
        if diags.is_empty() {
            Ok(t)
        } else {
            Err(diags)
        }
    }
}
