//! Table rows that a rebuild copies from the previous build's page instead
//! of rendering them again.
//!
//! A page's table gets its rows as a [`RowSet`]: a sequence (a theme may
//! loop over it as over any list) that also knows, for each row, a key
//! made from the row's data. The theme's `render_rows` filter
//! (`{{ rows|render_rows("macros.html", "project_row", root, …) }}`)
//! renders every row with the named macro, called with the filter's other
//! arguments and then the row; a row whose key (with the macro and those
//! arguments) is found in the previous build's page, at bytes that still
//! hash as recorded, is copied from there instead. The page, once made,
//! tells where its rows landed ([`PageRows::spans`]) for the next build's
//! cache: each table's rows are found by their own bytes, and a table that
//! is not found whole and in order (a template that changed the filter's
//! text) records nothing, so nothing is ever copied on a guess.
//!
//! Owns: row keys, the filter, and finding rows in a page. Must not: read
//! files other than the previous page handed in, or write anything.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use minijinja::value::{Enumerator, Object, ObjectRepr, Rest, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State, Value};
use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use crate::cache::{hash64, Hash, RowSpan};
use crate::output::{PreviousFile, Window};

/// Rows rendered fresh in one piece of work; more than this many at once
/// are rendered in parallel.
const CHUNK: usize = 128;
/// Rows handled at once (copied or rendered, then appended): what is held
/// besides the page's text.
const BLOCK: usize = 1024;

/// The key of `row` of a table of rows of one type (`kind` names it, so
/// two types' rows never share a key).
pub(super) fn key<T: Serialize>(kind: &str, row: &T) -> Hash {
    hash_after(&[kind.as_bytes(), &[0]], row)
}

/// `base` (a [`key`]) with `more` of the row added.
pub(super) fn key_with<T: Serialize>(base: Hash, more: &T) -> Hash {
    if base == 0 {
        return 0;
    }
    hash_after(&[&base.to_le_bytes()], more)
}

/// xxh3-128 of `prefix`, then of `v` as postcard; 0 (a key no row has)
/// when `v` cannot be encoded, which never happens for the views here.
/// postcard is not self-describing, but within one type its encoding is
/// one-to-one: equal bytes, equal rows.
fn hash_after<T: Serialize>(prefix: &[&[u8]], v: &T) -> Hash {
    let Ok(b) = postcard::to_stdvec(v) else {
        return 0;
    };
    let mut h = Xxh3::new();
    for p in prefix {
        h.update(p);
    }
    h.update(&b);
    h.digest128()
}

/// What a page's tables can take from the previous build's page.
struct Previous {
    window: Window,
    spans: HashMap<Hash, (u64, u32, u64)>,
}

/// The rows of one table as rendered: where [`PageRows::spans`] looks for
/// them.
struct Made {
    first: String,
    rows: Vec<(Hash, u32, u64)>,
}

/// The row tables of one page being made: the previous build's page to
/// copy rows from, and the rows rendered, in order.
pub(super) struct PageRows {
    previous: Mutex<Option<Previous>>,
    made: Mutex<Vec<Made>>,
    /// Rows copied from the previous page, rows in all.
    copied: AtomicUsize,
    total: AtomicUsize,
}

impl std::fmt::Debug for PageRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageRows")
    }
}

impl PageRows {
    /// A page with nothing to copy from, or with the previous build's
    /// page and where its rows are.
    pub(super) fn new(previous: Option<(PreviousFile, &[RowSpan])>) -> Arc<PageRows> {
        let previous = previous.map(|(file, spans)| Previous {
            window: Window::new(file),
            spans: spans
                .iter()
                .map(|s| (s.key, (s.at, s.len, s.check)))
                .collect(),
        });
        Arc::new(PageRows {
            previous: Mutex::new(previous),
            made: Mutex::new(Vec::new()),
            copied: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
        })
    }

    /// The previous page's length (0 without one): about this page's.
    pub(super) fn size_hint(&self) -> usize {
        let prev = self.previous.lock().unwrap_or_else(PoisonError::into_inner);
        prev.as_ref()
            .map_or(0, |p| usize::try_from(p.window.file_len()).unwrap_or(0))
    }

    /// Rows copied from the previous page so far, and rows in all.
    pub(super) fn counts(&self) -> (usize, usize) {
        (
            self.copied.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Where the rows rendered for this page are in `page` (the page as
    /// made). Each table's rows are looked for by their first row's bytes,
    /// after the previous table's, then anywhere; a table is recorded only
    /// when all its rows follow one another there with the bytes rendered.
    pub(super) fn spans(&self, page: &[u8]) -> Vec<RowSpan> {
        let made = std::mem::take(&mut *self.made.lock().unwrap_or_else(PoisonError::into_inner));
        let mut out = Vec::new();
        let mut from = 0;
        for m in &made {
            let fits = |at: usize| -> bool {
                let mut p = at;
                m.rows.iter().all(|&(_, len, check)| {
                    let end = p + len as usize;
                    let ok = page.get(p..end).is_some_and(|b| hash64(b) == check);
                    p = end;
                    ok
                })
            };
            let needle = m.first.as_bytes();
            let after = memchr::memmem::find_iter(&page[from..], needle).map(|i| i + from);
            let before = memchr::memmem::find_iter(&page[..from], needle);
            let Some(at) = after.chain(before).find(|&at| fits(at)) else {
                continue;
            };
            let mut p = at as u64;
            for &(key, len, check) in &m.rows {
                out.push(RowSpan {
                    key,
                    at: p,
                    len,
                    check,
                });
                p += u64::from(len);
            }
            from = p as usize;
        }
        out
    }

    /// Appends the previous page's bytes at `(at, len)` to `out` when
    /// they are there and still hash as recorded (`check`).
    fn copy_into(prev: &mut Previous, (at, len, check): (u64, u32, u64), out: &mut String) -> bool {
        let Ok(bytes) = prev.window.get(at, u64::from(len)) else {
            return false;
        };
        if hash64(bytes) != check {
            return false;
        }
        match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => {
                out.push_str(text);
                true
            }
            Err(_) => false,
        }
    }
}

/// A table's rows for the templates: a sequence whose items are made when
/// read (a page of 10,000 rows does not hold 10,000 rows of template
/// values at once), with a key per row for `render_rows`.
pub(super) struct RowSet {
    value: Box<dyn Fn(usize) -> Option<Value> + Send + Sync>,
    keys: Vec<Hash>,
    page: Arc<PageRows>,
}

impl std::fmt::Debug for RowSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RowSet({})", self.keys.len())
    }
}

impl Object for RowSet {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        (self.value)(key.as_usize()?)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.keys.len())
    }
}

impl RowSet {
    /// Rows of a table of `page` with their keys, the row `i` made by
    /// `row(i)` only when it is rendered (a row copied from the previous
    /// page is never made).
    pub(super) fn lazy(
        page: &Arc<PageRows>,
        keys: Vec<Hash>,
        row: impl Fn(usize) -> Option<Value> + Send + Sync + 'static,
    ) -> Value {
        Value::from_object(RowSet {
            value: Box::new(row),
            keys,
            page: Arc::clone(page),
        })
    }

    /// The rows `rows` of a table of `page`, each keyed by [`key`].
    #[cfg(test)]
    fn keyed<T: Serialize + Send + Sync + 'static>(
        page: &Arc<PageRows>,
        kind: &str,
        rows: Vec<T>,
    ) -> Value {
        let keys = rows.iter().map(|r| key(kind, r)).collect();
        RowSet::lazy(page, keys, move |i| rows.get(i).map(Value::from_serialize))
    }
}

/// The rows of one kind, one per project, made once without what each
/// table adds to them (its cost cell), each with its [`key`]. A table's row
/// is made from one of them only when it is rendered ([`BaseRows::table`]).
pub(super) struct BaseRows<T> {
    rows: Arc<Vec<T>>,
    keys: Vec<Hash>,
}

impl<T: Serialize + Send + Sync + 'static> BaseRows<T> {
    /// `rows`, keyed as rows of `kind`.
    pub(super) fn new(kind: &str, rows: Vec<T>) -> BaseRows<T> {
        let keys = rows.par_iter().map(|r| key(kind, r)).collect();
        BaseRows {
            rows: Arc::new(rows),
            keys,
        }
    }

    /// Row `i`.
    pub(super) fn get(&self, i: usize) -> Option<&T> {
        self.rows.get(i)
    }

    /// Every row, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.rows.iter()
    }

    /// A table of `page` of the rows `picked` (each a row's place and what
    /// the table adds to it), the row made by `make` only when rendered.
    pub(super) fn table<M: Serialize + Send + Sync + 'static>(
        &self,
        page: &Arc<PageRows>,
        picked: Vec<(usize, M)>,
        make: fn(&T, &M) -> T,
    ) -> Value {
        let keys = picked
            .iter()
            .map(|(i, more)| self.keys.get(*i).map_or(0, |&k| key_with(k, more)))
            .collect();
        let all = Arc::clone(&self.rows);
        RowSet::lazy(page, keys, move |i| {
            let (at, more) = picked.get(i)?;
            Some(Value::from_serialize(make(all.get(*at)?, more)))
        })
    }
}

/// Feeds `v` to `h`, told apart from every other value: its kind, then
/// its content (a string's safety too, as it changes what is printed).
fn feed(h: &mut Xxh3, v: &Value) {
    let tag = |h: &mut Xxh3, t: u8, bytes: &[u8]| {
        h.update(&[t]);
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    match v.kind() {
        ValueKind::Undefined => tag(h, 0, b""),
        ValueKind::None => tag(h, 1, b""),
        ValueKind::Bool => tag(h, 2, &[u8::from(v.is_true())]),
        ValueKind::Number => tag(h, 3, v.to_string().as_bytes()),
        ValueKind::String => {
            let t = if v.is_safe() { 5 } else { 4 };
            tag(h, t, v.as_str().unwrap_or_default().as_bytes())
        }
        ValueKind::Bytes => tag(h, 6, v.as_bytes().unwrap_or_default()),
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<Value> = v.try_iter().map(|i| i.collect()).unwrap_or_default();
            tag(h, 7, &(items.len() as u64).to_le_bytes());
            for i in &items {
                feed(h, i);
            }
        }
        ValueKind::Map => {
            let keys: Vec<Value> = v.try_iter().map(|i| i.collect()).unwrap_or_default();
            tag(h, 8, &(keys.len() as u64).to_le_bytes());
            for k in &keys {
                feed(h, k);
                feed(h, &v.get_item(k).unwrap_or_default());
            }
        }
        // Anything else is told by what it prints.
        _ => tag(h, 9, v.to_string().as_bytes()),
    }
}

/// Renders rows `rows` with macro `name` of `template`, each called with
/// `args` and then the row.
fn fresh(
    env: &Environment,
    template: &str,
    name: &str,
    args: &[Value],
    rows: impl Iterator<Item = Value>,
) -> Result<Vec<String>, Error> {
    let t = env.get_template(template)?;
    let captured = t.render_captured(minijinja::context! {})?;
    let st = captured.state();
    let mut a = args.to_vec();
    a.push(Value::UNDEFINED);
    let last = a.len() - 1;
    rows.map(|r| {
        a[last] = r;
        st.call_macro(name, &a)
    })
    .collect()
}

/// What [`render_rows`] gives: the rows' HTML, already escaped, which the
/// page's formatter prints as it is. A safe string would copy the rows
/// (megabytes on a list page) once more into a shared string of its own;
/// anything else that reads it as text (`|safe`, `~`) gets the same bytes.
#[derive(Debug)]
pub(super) struct RowsHtml(String);

impl Object for RowsHtml {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !self.0.is_empty()
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl RowsHtml {
    /// The HTML of `v`, when `v` is what [`render_rows`] gave.
    pub(super) fn of(v: &Value) -> Option<&str> {
        v.downcast_object_ref::<RowsHtml>().map(|r| r.0.as_str())
    }
}

/// The `render_rows` filter: every row of `rows`, rendered by macro `name`
/// of `template` with `args` and the row (or copied from the previous
/// build's page), one after another.
pub(super) fn render_rows(
    state: &State,
    rows: Value,
    template: &str,
    name: &str,
    args: Rest<Value>,
) -> Result<Value, Error> {
    let set = rows.downcast_object_ref::<RowSet>();
    // The rows, made into template values only when rendered.
    let plain: Vec<Value> = match set {
        Some(_) => Vec::new(),
        None => rows
            .try_iter()
            .map_err(|_| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    "render_rows には表の行の並びを渡してください",
                )
            })?
            .collect(),
    };
    let n = set.map_or(plain.len(), |s| s.keys.len());
    let item = |i: usize| match set {
        Some(s) => (s.value)(i).unwrap_or_default(),
        None => plain[i].clone(),
    };
    // The rows' keys, salted with the macro and its other arguments.
    let keys: Option<Vec<Hash>> = set.map(|s| {
        let mut h = Xxh3::new();
        feed(&mut h, &Value::from(template));
        feed(&mut h, &Value::from(name));
        for a in args.iter() {
            feed(&mut h, a);
        }
        let salt = h.digest128();
        s.keys
            .iter()
            .map(|&k| {
                if k == 0 {
                    return 0;
                }
                let mut h = Xxh3::new();
                h.update(&k.to_le_bytes());
                h.update(&salt.to_le_bytes());
                h.digest128()
            })
            .collect()
    });
    let env = state.env();
    let render = |rows: &[usize], base: usize| -> Result<Vec<String>, Error> {
        let values = |c: &[usize]| c.iter().map(|&i| item(base + i)).collect::<Vec<_>>();
        if rows.len() > CHUNK {
            Ok(rows
                .par_chunks(CHUNK)
                .map(|c| fresh(env, template, name, &args, values(c).into_iter()))
                .collect::<Result<Vec<_>, Error>>()?
                .into_iter()
                .flatten()
                .collect())
        } else {
            fresh(env, template, name, &args, values(rows).into_iter())
        }
    };
    let mut previous = set.map(|s| {
        s.page
            .previous
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    });
    // Where the previous page has each row, and so about how long the
    // rows are (the text is made at once, not grown).
    let places: Vec<Option<(u64, u32, u64)>> = match (previous.as_deref(), &keys) {
        (Some(Some(p)), Some(keys)) => keys
            .iter()
            .map(|k| (*k != 0).then(|| p.spans.get(k).copied()).flatten())
            .collect(),
        _ => vec![None; n],
    };
    let known: usize = places.iter().flatten().map(|p| p.1 as usize).sum();
    let fresh_rows = places.iter().filter(|p| p.is_none()).count();
    let mut out = String::with_capacity(known + fresh_rows * 1024);
    let mut record: Vec<(Hash, u32, u64)> = Vec::with_capacity(keys.as_ref().map_or(0, Vec::len));
    let mut first_len = 0;
    let mut copied = 0;
    let mut whole = true;
    // A block at a time: the rows that the previous page has are copied
    // from it, the others rendered (in parallel when many), in order.
    for block in (0..n).step_by(BLOCK) {
        let end = (block + BLOCK).min(n);
        let places = &places[block..end];
        let todo: Vec<usize> = (0..end - block).filter(|&i| places[i].is_none()).collect();
        let mut made = render(&todo, block)?.into_iter();
        for (i, &place) in places.iter().enumerate() {
            let start = out.len();
            let from_previous = match (place, previous.as_deref_mut()) {
                (Some(at), Some(Some(p))) => PageRows::copy_into(p, at, &mut out),
                _ => false,
            };
            let check = if from_previous {
                copied += 1;
                place.map_or(0, |p| p.2)
            } else {
                let html = match place {
                    None => made.next(),
                    // Not as recorded after all: rendered now.
                    Some(_) => render(&[i], block)?.pop(),
                }
                .unwrap_or_default();
                out.push_str(&html);
                hash64(html.as_bytes())
            };
            let len = out.len() - start;
            if block == 0 && i == 0 {
                first_len = len;
            }
            if let Some(keys) = &keys {
                match u32::try_from(len) {
                    Ok(len) => record.push((keys[block + i], len, check)),
                    Err(_) => whole = false,
                }
            }
        }
    }
    drop(previous);
    if let Some(s) = set {
        s.page.copied.fetch_add(copied, Ordering::Relaxed);
        s.page.total.fetch_add(n, Ordering::Relaxed);
    }
    let first = (n > 0).then(|| out[..first_len].to_string());
    if let (Some(s), Some(first), true) = (set, first, whole) {
        if !first.is_empty() {
            s.page
                .made
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(Made {
                    first,
                    rows: record,
                });
        }
    }
    Ok(Value::from_object(RowsHtml(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct R {
        name: String,
    }

    fn env() -> Environment<'static> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        // The pages' own formatter, which prints the rows as they are.
        env.set_formatter(super::super::template::format_value);
        env.add_filter("render_rows", render_rows);
        let m = "{% macro row(x, r) -%}<li>{{ x }}:{{ r.name }}</li>\n{% endmacro %}";
        env.add_template("m.html", m).expect("m");
        for (name, arg, after) in [
            ("a.html", "a", ""),
            ("b.html", "b", ""),
            ("u.html", "a", "|safe|upper"),
        ] {
            let src = format!(
                "<ul>\n{{{{ rows|render_rows(\"m.html\", \"row\", \"{arg}\"){after} }}}}</ul>"
            );
            env.add_template_owned(name.to_string(), src).expect("page");
        }
        env
    }

    fn render(env: &Environment, template: &str, page: &Arc<PageRows>, names: &[&str]) -> String {
        let rows: Vec<R> = names
            .iter()
            .map(|n| R {
                name: n.to_string(),
            })
            .collect();
        let rows = RowSet::keyed(page, "r", rows);
        env.get_template(template)
            .expect("template")
            .render(minijinja::context! { rows })
            .expect("render")
    }

    #[test]
    fn rows_are_copied_from_the_previous_page_only_as_recorded() {
        let env = env();
        let page = PageRows::new(None);
        let html = render(&env, "a.html", &page, &["x", "y<"]);
        assert_eq!(html, "<ul>\n<li>a:x</li>\n<li>a:y&lt;</li>\n</ul>");
        assert_eq!(page.counts(), (0, 2));
        let spans = page.spans(html.as_bytes());
        let at: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| (s.at as usize, s.len as usize))
            .collect();
        assert_eq!(at, [(5, 13), (18, 17)]);
        assert_eq!(&html[18..35], "<li>a:y&lt;</li>\n");

        // A previous page whose second row reads otherwise, recorded so:
        // that row is copied, not rendered.
        let fake = html.replace("a:y&lt;", "a:Y&lt;");
        let mut recorded = spans.clone();
        recorded[1].check = hash64(&fake.as_bytes()[18..35]);
        let page = PageRows::new(Some((
            PreviousFile::Bytes(fake.clone().into_bytes()),
            &recorded,
        )));
        let out = render(&env, "a.html", &page, &["x", "y<"]);
        assert_eq!(out, fake);
        assert_eq!(page.counts(), (2, 2));

        // The same bytes against the check of what was rendered: the
        // changed row is rendered again.
        let page = PageRows::new(Some((
            PreviousFile::Bytes(fake.clone().into_bytes()),
            &spans,
        )));
        assert_eq!(render(&env, "a.html", &page, &["x", "y<"]), html);
        assert_eq!(page.counts(), (1, 2));

        // A row whose data changed, or rows of a macro called with other
        // arguments, are rendered.
        let page = PageRows::new(Some((
            PreviousFile::Bytes(html.clone().into_bytes()),
            &spans,
        )));
        let out = render(&env, "a.html", &page, &["x", "z"]);
        assert_eq!(out, "<ul>\n<li>a:x</li>\n<li>a:z</li>\n</ul>");
        assert_eq!(page.counts(), (1, 2));
        let page = PageRows::new(Some((
            PreviousFile::Bytes(html.clone().into_bytes()),
            &spans,
        )));
        let out = render(&env, "b.html", &page, &["x", "y<"]);
        assert_eq!(out, "<ul>\n<li>b:x</li>\n<li>b:y&lt;</li>\n</ul>");
        assert_eq!(page.counts(), (0, 2));

        // A recorded place past the end of the previous page is no row.
        let mut past = spans.clone();
        past[1].at = 1 << 20;
        let page = PageRows::new(Some((
            PreviousFile::Bytes(html.clone().into_bytes()),
            &past,
        )));
        assert_eq!(render(&env, "a.html", &page, &["x", "y<"]), html);
        assert_eq!(page.counts(), (1, 2));
    }

    #[test]
    fn rows_changed_after_the_filter_are_not_recorded() {
        let env = env();
        let page = PageRows::new(None);
        let html = render(&env, "u.html", &page, &["x", "y"]);
        assert_eq!(html, "<ul>\n<LI>A:X</LI>\n<LI>A:Y</LI>\n</ul>");
        assert!(page.spans(html.as_bytes()).is_empty());
    }

    #[test]
    fn a_table_is_found_after_the_one_before_it_and_only_whole() {
        let page = PageRows::new(None);
        let row = |s: &str| (1, s.len() as u32, hash64(s.as_bytes()));
        page.made.lock().expect("lock").extend([
            Made {
                first: "<a>".into(),
                rows: vec![row("<a>"), row("<b>")],
            },
            Made {
                first: "<a>".into(),
                rows: vec![row("<a>")],
            },
            Made {
                first: "<c>".into(),
                rows: vec![row("<c>"), row("<d>")],
            },
        ]);
        // The first table's first row also stands alone before it.
        let spans = page.spans(b"<a>..<a><b>..<a>..<c><e>");
        let at: Vec<u64> = spans.iter().map(|s| s.at).collect();
        assert_eq!(at, [5, 8, 13], "the third table is not whole: {spans:?}");
    }

    #[test]
    fn plain_lists_are_rendered_row_by_row() {
        let env = env();
        let t = env
            .template_from_str("{{ [{'name': 1}, {'name': 2}]|render_rows('m.html', 'row', 0) }}")
            .expect("template");
        assert_eq!(
            t.render(()).expect("render"),
            "<li>0:1</li>\n<li>0:2</li>\n"
        );
        let t = env
            .template_from_str("{{ 3|render_rows('m.html', 'row', 0) }}")
            .expect("template");
        assert!(t.render(()).is_err());
    }

    #[test]
    fn argument_keys_tell_kinds_and_safety_apart() {
        let k = |v: Value| {
            let mut h = Xxh3::new();
            feed(&mut h, &Value::from(vec![v, Value::from(false)]));
            h.digest128()
        };
        let keys = [
            k(Value::from(())),
            k(Value::UNDEFINED),
            k(Value::from(false)),
            k(Value::from(0)),
            k(Value::from("0")),
            k(Value::from_safe_string("0".into())),
            k(Value::from(Vec::<Value>::new())),
        ];
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len());
    }
}
