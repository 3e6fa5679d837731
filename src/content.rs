//! The loaded, checked content: what every later stage reads.

use std::path::PathBuf;

use crate::fiscal::FiscalYear;
use crate::model::{
    Department, DepartmentsDoc, Division, ProjectDoc, ScaleLevel, SeriesDoc, SiteDoc,
};

/// Everything under the content folder.
#[derive(Debug, Clone)]
pub struct Content {
    /// Site settings.
    pub site: SiteDoc,
    /// 部 and 課.
    pub org: DepartmentsDoc,
    /// Series, in display order (`order`, then id).
    pub series: Vec<Series>,
    /// Free pages from `pages/*.md`, by slug.
    pub pages: Vec<Page>,
    /// `synonyms.yaml` (empty without one).
    pub synonyms: crate::model::SynonymsDoc,
}

/// One evaluation series and its projects.
#[derive(Debug, Clone)]
pub struct Series {
    /// Folder name.
    pub id: String,
    /// `_series.yaml`.
    pub doc: SeriesDoc,
    /// Projects sorted by id.
    pub projects: Vec<Project>,
}

/// One project file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Project {
    /// File stem: unique across the site.
    pub id: String,
    /// Series id.
    pub series: String,
    /// File path relative to the content folder, with `/` separators.
    pub file: String,
    /// The file's content.
    pub doc: ProjectDoc,
}

/// A free page written in markdown.
#[derive(Debug, Clone)]
pub struct Page {
    /// File stem.
    pub slug: String,
    /// First `# ` heading.
    pub title: String,
    /// Markdown body.
    pub markdown: String,
    /// Source path, for messages.
    pub path: PathBuf,
}

impl Content {
    /// Looks up a department.
    pub fn department(&self, id: &str) -> Option<&Department> {
        self.org.departments.iter().find(|d| d.id == id)
    }

    /// Looks up a division.
    pub fn division(&self, id: &str) -> Option<&Division> {
        self.org.divisions.iter().find(|d| d.id == id)
    }

    /// Every project of every series.
    pub fn projects(&self) -> impl Iterator<Item = (&Series, &Project)> {
        self.series
            .iter()
            .flat_map(|s| s.projects.iter().map(move |p| (s, p)))
    }

    /// A copy with every series' project list empty.
    pub fn without_projects(&self) -> Content {
        Content::skeleton(
            &self.site,
            &self.org,
            self.series.iter().map(|s| (s.id.as_str(), &s.doc)),
            &self.pages,
            &self.synonyms,
        )
    }

    /// Content without projects, from its parts (cloned).
    pub fn skeleton<'a>(
        site: &SiteDoc,
        org: &DepartmentsDoc,
        series: impl IntoIterator<Item = (&'a str, &'a SeriesDoc)>,
        pages: &[Page],
        synonyms: &crate::model::SynonymsDoc,
    ) -> Content {
        Content {
            site: site.clone(),
            org: org.clone(),
            series: series
                .into_iter()
                .map(|(id, doc)| Series::empty(id, doc))
                .collect(),
            pages: pages.to_vec(),
            synonyms: synonyms.clone(),
        }
    }

    /// Number of projects.
    pub fn project_count(&self) -> usize {
        self.series.iter().map(|s| s.projects.len()).sum()
    }
}

impl Series {
    /// A series without projects.
    pub fn empty(id: &str, doc: &SeriesDoc) -> Series {
        Series {
            id: id.to_string(),
            doc: doc.clone(),
            projects: Vec::new(),
        }
    }
}

impl Department {
    /// The current (last) name.
    pub fn current_name(&self) -> &str {
        self.names
            .last()
            .map(|n| n.name.as_str())
            .unwrap_or(&self.id)
    }

    /// The name in force in `year`, when known from the name history.
    pub fn name_in(&self, year: FiscalYear) -> Option<&str> {
        self.names
            .iter()
            .find(|n| n.from.is_none_or(|f| f <= year) && n.until.is_none_or(|u| year <= u))
            .map(|n| n.name.as_str())
    }

    /// Names other than the current one.
    pub fn former_names(&self) -> Vec<&str> {
        let n = self.names.len();
        self.names
            .iter()
            .take(n.saturating_sub(1))
            .map(|x| x.name.as_str())
            .collect()
    }
}

impl SeriesDoc {
    /// A scale level by code.
    pub fn level(&self, code: &str) -> Option<&ScaleLevel> {
        self.scale.iter().find(|l| l.code == code)
    }

    /// Whether the series' projects have `section` (every section when
    /// `sections` is absent).
    pub fn has(&self, section: crate::model::Section) -> bool {
        self.sections.as_ref().is_none_or(|s| s.contains(&section))
    }

    /// What one project of the series is called (事業 when not declared).
    pub fn noun(&self) -> &str {
        self.noun.as_deref().unwrap_or("事業")
    }

    /// The label of a group of the series' grouping, by id.
    pub fn group_label(&self, id: &str) -> Option<&str> {
        self.grouping
            .as_ref()?
            .groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.label.as_str())
    }
}

/// Path of a project's page (part of the URL layout, a public contract).
pub fn project_page(id: &str) -> String {
    format!("projects/{id}.html")
}
