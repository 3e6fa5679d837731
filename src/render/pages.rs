//! The free pages (`pages/<slug>.html`): markdown files of the content
//! folder, shown as they are.
//!
//! Owns: rendering them. Must not: read the files (the loader has) or
//! write anything.

use minijinja::Value;

use crate::content::Content;
use crate::format;

use super::Pages;

/// Renders every free page.
pub(super) fn pages(r: &mut Pages, content: &Content) {
    for page in &content.pages {
        r.page(
            &format!("pages/{}.html", page.slug),
            "page.html",
            minijinja::context! { page_title => page.title.clone(), body => Value::from_safe_string(format::markdown(&page.markdown)) },
        );
    }
}
