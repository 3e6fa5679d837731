//! Selections for the list pages: which projects have a rating in a period,
//! contribute to an SDG goal, belong to an account (the cost column is
//! [`super::cost`]). Pure functions over (slim) content, in a stable order:
//! series in content order, projects in file order.

use std::collections::BTreeMap;

use crate::content::{Content, Project, Series};
use crate::model::{Account, ScaleLevel};

/// The projects of one scale level in one period of a series.
#[derive(Debug, Clone)]
pub struct LevelProjects<'a> {
    /// The level (code, label, colour) from the scale.
    pub level: &'a ScaleLevel,
    /// Its position in the scale, best first (0-based).
    pub rank: usize,
    /// Projects rated at this level in the period, in file order.
    pub projects: Vec<&'a Project>,
}

/// Projects of `series` per level of its scale in `period`, in scale order
/// (every level, empty ones included). Unrated projects are in none.
pub fn by_rating<'a>(series: &'a Series, period: &str) -> Vec<LevelProjects<'a>> {
    series
        .doc
        .scale
        .iter()
        .enumerate()
        .map(|(rank, level)| LevelProjects {
            level,
            rank,
            projects: series
                .projects
                .iter()
                .filter(|p| super::rating(p, period) == Some(level.code.as_str()))
                .collect(),
        })
        .collect()
}

/// How a project contributes to an SDG goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Contribution {
    /// 事業自体が貢献する項目 (`sdgs.goals`).
    Own,
    /// 実施手法等の工夫により貢献できた項目 (`sdgs.method_goals`).
    Method,
}

/// One project contributing to a goal.
#[derive(Debug, Clone)]
pub struct GoalProject<'a> {
    /// Its series.
    pub series: &'a Series,
    /// The project.
    pub project: &'a Project,
    /// How it contributes (`Own` when listed in both).
    pub how: Contribution,
}

/// Projects per SDG goal (1–17), goals without a project left out; within
/// a goal, series in content order and projects in file order.
pub fn by_goal(content: &Content) -> BTreeMap<u8, Vec<GoalProject<'_>>> {
    let mut m: BTreeMap<u8, Vec<GoalProject<'_>>> = BTreeMap::new();
    for (series, project) in content.projects() {
        let Some(s) = &project.doc.sdgs else { continue };
        let mut goals: BTreeMap<u8, Contribution> = BTreeMap::new();
        for &g in &s.method_goals {
            goals.insert(g, Contribution::Method);
        }
        for &g in &s.goals {
            goals.insert(g, Contribution::Own);
        }
        for (g, how) in goals {
            if (1..=17).contains(&g) {
                m.entry(g).or_default().push(GoalProject {
                    series,
                    project,
                    how,
                });
            }
        }
    }
    m
}

/// Projects per 会計 (一般 before 特別), accounts without a project left
/// out; projects that state none are in neither.
pub fn by_account(content: &Content) -> Vec<(Account, Vec<(&Series, &Project)>)> {
    [Account::General, Account::Special]
        .into_iter()
        .map(|a| {
            (
                a,
                content
                    .projects()
                    .filter(|(_, p)| p.doc.account == Some(a))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The file name (without `.html`) of the list page of `code` in `series`:
/// the code in lowercase when it is ASCII letters and digits and no other
/// code of the scale lowercases the same (so names never differ only by
/// case), otherwise `level-N` by its position in the scale. `None` for a
/// code not in the scale.
pub fn level_slug(series: &Series, code: &str) -> Option<String> {
    let scale = &series.doc.scale;
    let i = scale.iter().position(|l| l.code == code)?;
    let lower = code.to_ascii_lowercase();
    let plain = !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric());
    let unique = scale
        .iter()
        .filter(|l| l.code.to_ascii_lowercase() == lower)
        .count()
        == 1;
    // `level-N` names are taken by position; a plain code cannot be one.
    Some(if plain && unique {
        lower
    } else {
        format!("level-{}", i + 1)
    })
}

#[cfg(test)]
mod tests {
    //! Answers worked out by hand from `tests/fixtures/minimal`: series
    //! `sample` (scale A, B, C; periods fy2019, overall) with `alpha`
    //! (fy2019 A, overall B, SDG goal 16, 一般会計, 決算額 H30 508 and R1
    //! 6,030 見込み) and `script-name` (fy2019 not rated, overall A, no
    //! SDGs, no account, no fiscal years).

    use std::path::Path;

    use super::*;

    fn minimal() -> Content {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal/content");
        match crate::pipeline::load(&root) {
            Ok(c) => c,
            Err(d) => panic!("minimal fixture does not load: {d:?}"),
        }
    }

    fn ids<'a>(ps: impl IntoIterator<Item = &'a Project>) -> Vec<&'a str> {
        ps.into_iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn projects_per_rating_and_period() {
        let c = minimal();
        let s = &c.series[0];
        let fy = by_rating(s, "fy2019");
        let codes: Vec<&str> = fy.iter().map(|l| l.level.code.as_str()).collect();
        assert_eq!(codes, ["A", "B", "C"]);
        assert_eq!(fy.iter().map(|l| l.rank).collect::<Vec<_>>(), [0, 1, 2]);
        // fy2019: alpha is A; script-name has an entry without a rating.
        assert_eq!(ids(fy[0].projects.iter().copied()), ["alpha"]);
        assert!(fy[1].projects.is_empty() && fy[2].projects.is_empty());
        // overall: script-name A, alpha B.
        let all = by_rating(s, "overall");
        assert_eq!(ids(all[0].projects.iter().copied()), ["script-name"]);
        assert_eq!(ids(all[1].projects.iter().copied()), ["alpha"]);
        assert!(all[2].projects.is_empty());
        // A period nobody has: every level empty.
        assert!(by_rating(s, "fy2030").iter().all(|l| l.projects.is_empty()));
    }

    #[test]
    fn projects_per_goal() {
        let c = minimal();
        let g = by_goal(&c);
        assert_eq!(g.keys().copied().collect::<Vec<_>>(), [16]);
        let hits = &g[&16];
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].project.id, "alpha");
        assert_eq!(hits[0].series.id, "sample");
        assert_eq!(hits[0].how, Contribution::Own);
    }

    #[test]
    fn goals_listed_twice_count_once_as_own_and_method_goals_are_kept() {
        let mut c = minimal();
        let s = c.series[0].projects[0]
            .doc
            .sdgs
            .as_mut()
            .expect("alpha sdgs");
        s.goals = vec![3, 16];
        s.method_goals = vec![16, 9];
        let g = by_goal(&c);
        assert_eq!(g.keys().copied().collect::<Vec<_>>(), [3, 9, 16]);
        assert_eq!(g[&9][0].how, Contribution::Method);
        assert_eq!(g[&16].len(), 1);
        assert_eq!(g[&16][0].how, Contribution::Own);
    }

    #[test]
    fn projects_per_account() {
        let c = minimal();
        let a = by_account(&c);
        // Only alpha states 会計 (一般); script-name has none; no 特別.
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].0, Account::General);
        assert_eq!(ids(a[0].1.iter().map(|(_, p)| *p)), ["alpha"]);
    }

    #[test]
    fn level_slugs_never_collide() {
        let mut c = minimal();
        let s = &mut c.series[0];
        assert_eq!(level_slug(s, "A").as_deref(), Some("a"));
        assert_eq!(level_slug(s, "Z"), None);
        s.doc.scale[1].code = "a".into(); // A and a: both by position
        s.doc.scale[2].code = "◎".into();
        assert_eq!(level_slug(s, "A").as_deref(), Some("level-1"));
        assert_eq!(level_slug(s, "a").as_deref(), Some("level-2"));
        assert_eq!(level_slug(s, "◎").as_deref(), Some("level-3"));
    }
}
