//! The template environment of a theme: strict undefined values, HTML
//! auto-escaping (readable: `/` is left alone), the filters the templates
//! use (`markdown`, `thousands`, `wareki`), and template errors as
//! diagnostics.
//!
//! Owns: minijinja's set-up and its errors. Must not: know any page or view
//! (the page modules do) or write anything.

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::fiscal::FiscalYear;
use crate::format;
use crate::theme::Theme;

pub(super) fn template_error(e: &minijinja::Error) -> Diagnostic {
    let name = e.name().unwrap_or("(テンプレート)").to_string();
    let mut msg = format!("テンプレートの誤り: {}", e.kind());
    if let Some(d) = e.detail() {
        msg.push_str(&format!("（{d}）"));
    }
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(&format!(" / {s}"));
        src = s.source();
    }
    Diagnostic::new(
        std::path::Path::new(&format!("templates/{name}")),
        Pos {
            line: e.line().unwrap_or(1),
            col: 1,
        },
        msg,
    )
}

/// Builds the template environment of `theme`: strict undefined, HTML
/// auto-escaping, and the `markdown` filter.
pub fn environment(theme: &Theme) -> Result<Environment<'static>, Diagnostics> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".xml") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    env.set_formatter(format_value);
    env.add_filter("markdown", |s: String| {
        Value::from_safe_string(format::markdown(&s))
    });
    env.add_filter("render_rows", super::rows::render_rows);
    env.add_filter("thousands", |n: i64| format::thousands(n));
    env.add_filter("wareki", |y: u16| FiscalYear(y).display_ja());
    let mut diags = Diagnostics::default();
    for (name, src) in &theme.templates {
        if let Err(e) = env.add_template_owned(name.clone(), src.clone()) {
            diags.push(template_error(&e));
        }
    }
    if diags.is_empty() {
        Ok(env)
    } else {
        Err(diags)
    }
}

/// How a page prints a value: the rows of [`super::rows::render_rows`] and
/// safe strings as they are, other text escaped (& < > " ' only:
/// minijinja's HTML escaper also turns `/` into `&#x2f;`, which is valid
/// but makes every URL unreadable in the source) with the spaces YAML's
/// folded scalars put between Japanese sentences taken out (the data files
/// keep them).
pub(super) fn format_value(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let failed = |e: std::fmt::Error| {
        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
    };
    if let Some(html) = super::rows::RowsHtml::of(value) {
        return out.write_str(html).map_err(failed);
    }
    let escaping = !matches!(state.auto_escape(), minijinja::AutoEscape::None);
    match value.as_str() {
        Some(s) if escaping && !value.is_safe() => {
            write_escaped(out, &format::tidy_spaces(s)).map_err(failed)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Writes `s` with & < > " ' escaped, copying the runs between them whole.
fn write_escaped(out: &mut minijinja::Output, s: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[start..i])?;
        out.write_str(rep)?;
        start = i + 1;
    }
    out.write_str(&s[start..])
}
