//! The list pages: `projects.html` (every project in one table, with the
//! filters as links to static pages, which `static/lists.js` turns into a
//! form) and one static page per series × period × rating, per SDG goal
//! and per 会計 under `lists/`.
//!
//! URLs (paths from the site root):
//!
//! - `projects.html`;
//! - `lists/rating/<series-id>/<period-id>/<level>.html`, one per level
//!   of the scale (empty levels too, so that the URL of a level never
//!   depends on the data); `<level>` is
//!   [`crate::aggregate::lists::level_slug`];
//! - `lists/sdg/<n>.html` for each goal at least one project contributes to;
//! - `lists/account/general.html`, `lists/account/special.html` (一般会計,
//!   特別会計) when a project states it.
//!
//! Owns: the rows of these tables, the pages' paths and their rendering;
//! the selection itself is [`crate::aggregate::lists`]. Must not: write
//! files (pages go to the caller's [`super::Put`]) or read a project's
//! full sheet (made from slim projects).

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::Value;
use rayon::prelude::*;
use serde::Serialize;

use crate::aggregate::{self, lists as sel};
use crate::content::{Content, Project, Series};
use crate::model::{Account, Section};

use super::rows::{BaseRows, PageRows};
use super::view::{cost_cells, level_view, rating_view, CostCell, CostHead, RatingView};
use super::Pages;

/// Path of the list page of rating `code` of `series` in `period`; `None`
/// for a code not in the scale.
pub(super) fn rating_page(series: &Series, period: &str, code: &str) -> Option<String> {
    sel::level_slug(series, code).map(|l| format!("lists/rating/{}/{period}/{l}.html", series.id))
}

/// Path of the list page of SDG goal `n`.
pub(super) fn sdg_page(n: u8) -> String {
    format!("lists/sdg/{n}.html")
}

fn account_slug(a: Account) -> &'static str {
    match a {
        Account::General => "general",
        Account::Special => "special",
    }
}

/// Path of the list page of 会計 `a`.
pub(super) fn account_page(a: Account) -> String {
    format!("lists/account/{}.html", account_slug(a))
}

/// A department as the list shows it: current name, former names.
#[derive(Serialize, Clone)]
struct DeptCell {
    id: String,
    name: String,
    former: Vec<String>,
}

/// A project's rating in one period of its series.
#[derive(Serialize, Clone)]
struct PeriodRating {
    period: String,
    rating: Option<RatingView>,
}

#[derive(Serialize, Clone)]
struct GoalCell {
    n: u8,
    list: String,
    /// Contributes through 実施手法等の工夫 only.
    method: bool,
}

#[derive(Serialize, Clone)]
struct AccountCell {
    id: &'static str,
    label: &'static str,
    list: String,
}

/// One row of a list table.
#[derive(Serialize, Clone)]
struct ListRow {
    id: String,
    name: String,
    series_id: String,
    series_title: String,
    department: DeptCell,
    ratings: Vec<PeriodRating>,
    /// Filter values of the ratings (`<series>/<period>/<level>`), space
    /// separated.
    rating_keys: String,
    /// Sort key: the scale position of the rating of the series' first
    /// period (none when not rated then).
    rating_rank: Option<usize>,
    /// The row's cell of its table's cost column (set per table).
    cost: Option<CostCell>,
    goals: Vec<GoalCell>,
    /// Filter values of the goals, space separated.
    goal_keys: String,
    account: Option<AccountCell>,
}

/// A list table: its rows and the columns that some row fills (a column
/// empty in every row is left out).
#[derive(Serialize)]
struct ListTable {
    /// The rows, as a sequence whose rows become template values one at a
    /// time as the template reaches them ([`RowSet`]), not all at once.
    rows: minijinja::Value,
    /// The cost column's header ([`cost_cells`]); none: no cost column.
    cost: Option<CostHead>,
    /// Some row has an SDG goal.
    sdgs: bool,
    /// Some row states its 会計.
    account: bool,
}

/// One project of a list table: its series, itself, and the place of its
/// row (made once per project, without a cost) in the [`BaseRows`].
type Item<'c> = (&'c Series, &'c Project, usize);

/// The table of `items` on the page of `page`: one cost column over
/// exactly these rows. A row is made (from its base row and its cost)
/// only when it is rendered.
fn table(page: &Arc<PageRows>, base: &BaseRows<ListRow>, items: &[Item]) -> ListTable {
    let pairs: Vec<(&Series, &Project)> = items.iter().map(|(s, p, _)| (*s, *p)).collect();
    let (cost, cells) = cost_cells(&pairs);
    let picked: Vec<(usize, Option<CostCell>)> = items.iter().map(|it| it.2).zip(cells).collect();
    let any = |f: fn(&ListRow) -> bool| picked.iter().any(|(i, _)| base.get(*i).is_some_and(f));
    ListTable {
        cost,
        sdgs: any(|r| !r.goals.is_empty()),
        account: any(|r| r.account.is_some()),
        rows: base.table(page, picked, |r, cost| ListRow {
            cost: cost.clone(),
            ..r.clone()
        }),
    }
}

fn row(content: &Content, series: &Series, p: &Project) -> ListRow {
    let dept = content.department(&p.doc.department);
    let mut keys = Vec::new();
    let mut rank: Option<Option<usize>> = None;
    let ratings = series
        .doc
        .periods
        .iter()
        .map(|per| {
            let code = aggregate::rating(p, &per.id);
            if let Some(c) = code {
                if let Some(l) = sel::level_slug(series, c) {
                    keys.push(format!("{}/{}/{l}", series.id, per.id));
                }
            }
            if rank.is_none() {
                rank = Some(code.and_then(|c| series.doc.scale.iter().position(|l| l.code == c)));
            }
            PeriodRating {
                period: per.label.clone(),
                rating: rating_view(series, &per.id, code),
            }
        })
        .collect();
    let mut goals: Vec<GoalCell> = Vec::new();
    if let Some(s) = p
        .doc
        .sdgs
        .as_ref()
        .filter(|_| series.doc.has(Section::Sdgs))
    {
        for (&n, method) in s
            .goals
            .iter()
            .map(|g| (g, false))
            .chain(s.method_goals.iter().map(|g| (g, true)))
        {
            if !goals.iter().any(|g| g.n == n) {
                goals.push(GoalCell {
                    n,
                    list: sdg_page(n),
                    method,
                });
            }
        }
    }
    ListRow {
        id: p.id.clone(),
        name: p.doc.name.clone(),
        series_id: series.id.clone(),
        series_title: series.doc.title.clone(),
        department: DeptCell {
            id: p.doc.department.clone(),
            name: dept.map_or_else(|| p.doc.department.clone(), |d| d.current_name().into()),
            former: dept
                .map(|d| d.former_names().into_iter().map(str::to_string).collect())
                .unwrap_or_default(),
        },
        ratings,
        rating_keys: keys.join(" "),
        rating_rank: rank.flatten(),
        cost: None,
        goal_keys: goals
            .iter()
            .map(|g| g.n.to_string())
            .collect::<Vec<_>>()
            .join(" "),
        goals,
        account: p
            .doc
            .account
            .filter(|_| series.doc.has(Section::Account))
            .map(|a| AccountCell {
                id: account_slug(a),
                label: a.label(),
                list: account_page(a),
            }),
    }
}

/// One link to a list page: for the home page, the series pages and the
/// filters of `projects.html`.
#[derive(Serialize, Clone)]
pub(super) struct ListLink {
    /// The filter value.
    value: String,
    /// Path from the site root.
    href: String,
    count: usize,
}

#[derive(Serialize, Clone)]
struct LevelLink {
    rating: RatingView,
    link: ListLink,
}

#[derive(Serialize, Clone)]
pub(super) struct PeriodLinks {
    id: String,
    label: String,
    levels: Vec<LevelLink>,
}

#[derive(Serialize, Clone)]
struct SeriesLinks {
    id: String,
    title: String,
    count: usize,
    periods: Vec<PeriodLinks>,
}

#[derive(Serialize, Clone)]
struct GoalLink {
    n: u8,
    link: ListLink,
}

#[derive(Serialize, Clone)]
struct AccountLink {
    label: &'static str,
    link: ListLink,
}

#[derive(Serialize, Clone)]
struct DeptLink {
    id: String,
    name: String,
    count: usize,
}

/// Every list page, grouped as the home page and the filters show them.
#[derive(Serialize, Clone)]
pub(super) struct ListIndex {
    series: Vec<SeriesLinks>,
    departments: Vec<DeptLink>,
    sdgs: Vec<GoalLink>,
    accounts: Vec<AccountLink>,
}

/// The links to the rating pages of each period of `series`, with counts
/// (the series page shows them beside its scale).
pub(super) fn period_links(series: &Series) -> Vec<PeriodLinks> {
    series
        .doc
        .periods
        .iter()
        .map(|per| PeriodLinks {
            id: per.id.clone(),
            label: per.label.clone(),
            levels: sel::by_rating(series, &per.id)
                .into_iter()
                .filter_map(|l| {
                    let href = rating_page(series, &per.id, &l.level.code)?;
                    let slug = sel::level_slug(series, &l.level.code)?;
                    Some(LevelLink {
                        rating: level_view(l.level),
                        link: ListLink {
                            value: format!("{}/{}/{slug}", series.id, per.id),
                            href,
                            count: l.projects.len(),
                        },
                    })
                })
                .collect(),
        })
        .collect()
}

/// What one list page says it lists.
#[derive(Serialize)]
struct ListPage {
    /// `rating`, `sdg` or `account`.
    kind: &'static str,
    series_id: Option<String>,
    series_title: Option<String>,
    period: Option<String>,
    rating: Option<RatingView>,
    goal: Option<u8>,
    account: Option<&'static str>,
    /// What the listed items are called (the series' noun; 事業 across
    /// series).
    noun: String,
    table: ListTable,
}

/// A list page to make: its path, what it says it lists (its table still
/// empty) and the projects of its table.
struct Job<'c> {
    path: String,
    view: ListPage,
    projects: Vec<&'c Project>,
}

/// A list page's table before it is filled.
fn empty_table() -> ListTable {
    ListTable {
        rows: minijinja::Value::from(Vec::<minijinja::Value>::new()),
        cost: None,
        sdgs: false,
        account: false,
    }
}

/// `projects.html` and every list page, made in parallel; returns the
/// index of the list pages for the home page.
pub(super) fn pages(r: &mut Pages, content: &Content) -> ListIndex {
    let pairs: Vec<(&Series, &Project)> = content.projects().collect();
    let rows: Vec<ListRow> = pairs.par_iter().map(|&(s, p)| row(content, s, p)).collect();
    let base = BaseRows::new("list_row", rows);
    let items: Vec<Item> = pairs
        .iter()
        .enumerate()
        .map(|(i, &(s, p))| (s, p, i))
        .collect();
    let by_id: BTreeMap<&str, Item> = items.iter().map(|i| (i.1.id.as_str(), *i)).collect();
    let pick = |page: &Arc<PageRows>, ps: &[&Project]| -> ListTable {
        let picked: Vec<Item> = ps
            .iter()
            .filter_map(|p| by_id.get(p.id.as_str()).copied())
            .collect();
        table(page, &base, &picked)
    };

    let mut jobs: Vec<Job> = Vec::new();
    let mut series_links = Vec::new();
    for series in &content.series {
        for per in &series.doc.periods {
            for l in sel::by_rating(series, &per.id) {
                let Some(path) = rating_page(series, &per.id, &l.level.code) else {
                    continue;
                };
                let view = ListPage {
                    kind: "rating",
                    series_id: Some(series.id.clone()),
                    series_title: Some(series.doc.title.clone()),
                    period: Some(per.label.clone()),
                    rating: Some(level_view(l.level)),
                    goal: None,
                    account: None,
                    noun: series.doc.noun().to_string(),
                    table: empty_table(),
                };
                jobs.push(Job {
                    path,
                    view,
                    projects: l.projects,
                });
            }
        }
        series_links.push(SeriesLinks {
            id: series.id.clone(),
            title: series.doc.title.clone(),
            count: series.projects.len(),
            periods: period_links(series),
        });
    }

    let mut sdgs = Vec::new();
    for (n, hits) in sel::by_goal(content) {
        let path = sdg_page(n);
        let view = ListPage {
            kind: "sdg",
            series_id: None,
            series_title: None,
            period: None,
            rating: None,
            goal: Some(n),
            account: None,
            noun: "事業".into(),
            table: empty_table(),
        };
        sdgs.push(GoalLink {
            n,
            link: ListLink {
                value: n.to_string(),
                href: path.clone(),
                count: hits.len(),
            },
        });
        jobs.push(Job {
            path,
            view,
            projects: hits.iter().map(|h| h.project).collect(),
        });
    }

    let mut accounts = Vec::new();
    for (a, ps) in sel::by_account(content) {
        let path = account_page(a);
        let view = ListPage {
            kind: "account",
            series_id: None,
            series_title: None,
            period: None,
            rating: None,
            goal: None,
            account: Some(a.label()),
            noun: "事業".into(),
            table: empty_table(),
        };
        accounts.push(AccountLink {
            label: a.label(),
            link: ListLink {
                value: account_slug(a).to_string(),
                href: path.clone(),
                count: ps.len(),
            },
        });
        jobs.push(Job {
            path,
            view,
            projects: ps.iter().map(|(_, p)| *p).collect(),
        });
    }

    let mut dept_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for row in base.iter() {
        *dept_counts.entry(row.department.id.as_str()).or_default() += 1;
    }
    let departments = content
        .org
        .departments
        .iter()
        .filter_map(|d| {
            dept_counts.get(d.id.as_str()).map(|&count| DeptLink {
                id: d.id.clone(),
                name: d.current_name().to_string(),
                count,
            })
        })
        .collect();

    let index = ListIndex {
        series: series_links,
        departments,
        sdgs,
        accounts,
    };
    r.join(
        |r| {
            r.each(jobs, |r, mut job| {
                let page = r.rows(&job.path);
                job.view.table = pick(&page, &job.projects);
                let html = r.r.page_bytes(
                    &job.path,
                    "list.html",
                    minijinja::context! { list => Value::from_serialize(&job.view) },
                    page.size_hint(),
                );
                r.push_rows(job.path, html, &page);
            })
        },
        |r| {
            let path = "projects.html";
            let page = r.rows(path);
            let html = r.r.page_bytes(
                path,
                "projects.html",
                minijinja::context! {
                    table => Value::from_serialize(table(&page, &base, &items)),
                    lists => Value::from_serialize(&index),
                },
                page.size_hint(),
            );
            r.push_rows(path.to_string(), html, &page);
        },
    );
    index
}
