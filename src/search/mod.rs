//! Site search, built into `hyoka build`: a static n-gram index under
//! `search/` and `static/search.js`, which fetches only the pieces of the
//! index a query needs.
//!
//! Matching is by substring of the normalised text ([`normalize`]: NFKC,
//! lowercase, no whitespace), so compounds (子育て支援) and long katakana
//! words (グループウェア) are found wherever they occur, which a word
//! segmenter (Pagefind's Japanese mode, say) does not promise: it may split
//! a word one way in the text and another in the query. [`index`] describes
//! the files; [`query`] runs a query on them as the script does (the tests
//! use it); [`synonyms`] is `content/synonyms.yaml`.
//!
//! The pipeline makes each project's [`Doc`] and [`Grams`] while it renders
//! the page (in parallel), hands them to the [`Indexer`] in project order
//! (the serial merge), and finishes the index once at the end. Both are
//! plain values (serde), so a cache may keep them for unchanged projects.

pub mod index;
pub mod normalize;
pub mod patch;
mod postings;
pub mod query;
pub mod synonyms;
#[cfg(test)]
mod tests;

pub use index::{Grams, Indexer, Prepared};
pub use normalize::normalize;
pub use synonyms::SynonymsDoc;

use crate::content::{Content, Project, Series};

/// Set (to anything) to build without the index: only for the benchmark
/// that measures what the index costs (`benches/search.sh`).
pub const SKIP_ENV: &str = "HYOKA_SKIP_SEARCH_INDEX";

/// Whether this build makes the index.
pub fn enabled() -> bool {
    std::env::var_os(SKIP_ENV).is_none()
}

/// One project as the search shows and finds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Doc {
    /// Page, relative to the site root.
    pub url: String,
    /// Name.
    pub name: String,
    /// Current department name.
    pub department: String,
    /// Series title.
    pub series: String,
    /// Latest rating: code, colour, label.
    pub rating: Option<(String, String, Option<String>)>,
    /// Every other searchable text, in a fixed order: former department
    /// names, summary, legal basis, activities, indicators, evaluation texts
    /// and evaluator titles, how it serves the SDGs.
    pub texts: Vec<String>,
}

impl Doc {
    /// The document of project `p` of `series`.
    pub fn of(cx: &Content, series: &Series, p: &Project) -> Doc {
        let d = &p.doc;
        let dept = cx.department(&d.department);
        let department = dept
            .map(|x| x.current_name().to_string())
            .unwrap_or_else(|| d.department.clone());
        let mut texts = Vec::new();
        let mut push = |s: Option<&String>| {
            if let Some(s) = s.filter(|s| !s.trim().is_empty()) {
                texts.push(s.clone());
            }
        };
        // Former names (the current one is `department`).
        if let Some(x) = dept {
            let mut former: Vec<&str> = x
                .names
                .iter()
                .map(|n| n.name.as_str())
                .filter(|n| *n != department)
                .collect();
            former.dedup();
            for n in former {
                push(Some(&n.to_string()));
            }
        }
        push(d.summary.as_ref());
        for b in &d.legal_basis {
            push(Some(b));
        }
        for f in &d.fiscal_years {
            for a in &f.activities {
                push(Some(&a.item));
                push(a.result.as_ref());
            }
        }
        for i in &d.indicators {
            push(Some(&i.name));
            push(i.rationale.as_ref());
            push(i.unmet_reason.as_ref());
        }
        for e in &d.evaluations {
            push(e.reason.as_ref());
            push(e.improvements.as_ref());
            push(e.challenges.as_ref());
            push(e.next_steps.as_ref());
            push(e.remark.as_ref());
            if let Some(ev) = &e.evaluator {
                push(ev.title.as_ref());
            }
        }
        if let Some(sd) = &d.sdgs {
            push(sd.how.as_ref());
        }
        let rating = d
            .evaluations
            .iter()
            .rev()
            .find_map(|e| e.rating.as_ref())
            .map(|code| {
                let level = series.doc.scale.iter().find(|l| &l.code == code);
                (
                    code.clone(),
                    level.map(|l| l.color.clone()).unwrap_or_default(),
                    level.and_then(|l| l.label.clone()),
                )
            });
        Doc {
            url: crate::content::project_page(&p.id),
            name: d.name.clone(),
            department,
            series: series.doc.title.clone(),
            rating,
            texts,
        }
    }

    /// The searchable fields, normalised, name first: name, texts,
    /// department, series title.
    pub fn normalized_fields(&self) -> Vec<String> {
        let mut v = Vec::with_capacity(self.texts.len() + 3);
        v.push(normalize(&self.name));
        v.extend(self.texts.iter().map(|t| normalize(t)));
        v.push(normalize(&self.department));
        v.push(normalize(&self.series));
        v
    }

    /// The document and what the index needs of it, as the pipeline
    /// hands them on.
    pub fn prepared(cx: &Content, series: &Series, p: &Project) -> (Doc, Prepared) {
        let doc = Doc::of(cx, series, p);
        let ready = Prepared::of(&doc);
        (doc, ready)
    }
}
