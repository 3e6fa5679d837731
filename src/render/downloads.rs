//! The downloads page (`downloads.html`): the main data files, with what
//! they hold and their sizes.
//!
//! Owns: [`DownloadView`] and the page. Must not: make or measure the files
//! (the export and the pipeline do; this only shows what it is given) or
//! write anything.

use minijinja::Value;
use serde::Serialize;

use super::{Pages, RenderInput};

/// A downloadable file, for the downloads page.
#[derive(Debug, Clone, Serialize)]
pub struct DownloadView {
    /// Path relative to the site root.
    pub path: String,
    /// Title.
    pub title: String,
    /// Format (CSV, JSON…).
    pub format: String,
    /// What it holds.
    pub description: String,
    /// Size for reading (`12.3 KB`).
    pub size: String,
}

/// Renders `downloads.html`.
pub(super) fn page(r: &mut Pages, input: &RenderInput) {
    r.page(
        "downloads.html",
        "downloads.html",
        minijinja::context! {
            downloads => Value::from_serialize(&input.downloads),
            jsonld => r.dataset_ld.clone(),
        },
    );
}
