//! `departments.csv` (one row per department: current name, 部, former
//! names, number of projects) and `department-names.csv` (one row per name
//! a department has had, oldest first).
//!
//! Owns: the two department tables. Must not: write anything.

use std::collections::BTreeMap;

use crate::content::Content;
use crate::model::{Department, DepartmentName};

use super::super::table::{Cell, Column, Field, Kind};
use super::columns::{municipality_columns, Site};
use super::{dept_fk, wareki, Table, DEPARTMENT_ID};

/// One department.
struct DeptRow<'a> {
    content: &'a Content,
    dept: &'a Department,
    projects: usize,
}

impl Site for DeptRow<'_> {
    fn content(&self) -> &Content {
        self.content
    }
}

/// Separator of former names in one cell of `departments.csv`.
pub const NAME_SEPARATOR: &str = "、";

/// `departments.csv`.
pub fn departments(content: &Content) -> Table {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, p) in content.projects() {
        *counts.entry(p.doc.department.as_str()).or_default() += 1;
    }
    let items: Vec<DeptRow> = content
        .org
        .departments
        .iter()
        .map(|dept| DeptRow {
            content,
            dept,
            projects: counts.get(dept.id.as_str()).copied().unwrap_or(0),
        })
        .collect();
    let mut columns = municipality_columns::<DeptRow>();
    columns.extend([
        Column::new(
            Field::new(
                DEPARTMENT_ID,
                "department_id",
                Kind::String,
                "課の識別子（半角）。名称が変わっても変わりません。",
            )
            .required(),
            |c: &DeptRow| Cell::Text(c.dept.id.clone()),
        ),
        Column::new(
            Field::new("課名", "department_name", Kind::String, "課・室・所の現在の名称。")
                .required(),
            |c: &DeptRow| Cell::Text(c.dept.current_name().to_string()),
        ),
        Column::new(
            Field::new("部ID", "division_id", Kind::String, "属する部の識別子（不明なら空欄）。"),
            |c: &DeptRow| Cell::opt_text(c.dept.division.as_deref()),
        ),
        Column::new(
            Field::new("部名", "division_name", Kind::String, "属する部の名前（不明なら空欄）。"),
            |c: &DeptRow| {
                Cell::opt_text(
                    c.dept
                        .division
                        .as_deref()
                        .and_then(|id| c.content.division(id))
                        .map(|d| d.name.as_str()),
                )
            },
        ),
        Column::new(
            Field::new(
                "旧名称",
                "former_names",
                Kind::String,
                "現在より前の名称（古い順に「、」で区切る。1つずつの行と年度は department-names.csv）。",
            ),
            |c: &DeptRow| {
                let former = c.dept.former_names();
                if former.is_empty() {
                    Cell::Null
                } else {
                    Cell::Text(former.join(NAME_SEPARATOR))
                }
            },
        ),
        Column::new(
            Field::new(
                "事業数",
                "project_count",
                Kind::Integer,
                "この課が担当する事業の数（すべてのシリーズの合計）。",
            )
            .unit("件")
            .required()
            .minimum(0),
            |c: &DeptRow| Cell::count(c.projects),
        ),
    ]);
    Table::new("departments", columns, &items, &[DEPARTMENT_ID], vec![])
}

/// One name of a department (`number`: its place, oldest first, from 1).
struct NameRow<'a> {
    content: &'a Content,
    dept: &'a Department,
    number: usize,
    name: &'a DepartmentName,
}

impl Site for NameRow<'_> {
    fn content(&self) -> &Content {
        self.content
    }
}

/// `department-names.csv`: every name of every department, oldest first.
pub fn department_names(content: &Content) -> Table {
    let items: Vec<NameRow> = content
        .org
        .departments
        .iter()
        .flat_map(|dept| {
            dept.names.iter().enumerate().map(move |(n, name)| NameRow {
                content,
                dept,
                number: n + 1,
                name,
            })
        })
        .collect();
    let mut columns = municipality_columns::<NameRow>();
    columns.extend([
        Column::new(
            Field::new(
                DEPARTMENT_ID,
                "department_id",
                Kind::String,
                "課の識別子（departments.csv の課ID）。",
            )
            .required(),
            |c: &NameRow| Cell::Text(c.dept.id.clone()),
        ),
        Column::new(
            Field::new(
                "名称の順番",
                "name_number",
                Kind::Integer,
                "古い順の番号（1から）。最後が現在の名称。",
            )
            .required()
            .minimum(1),
            |c: &NameRow| Cell::count(c.number),
        ),
        Column::new(
            Field::new("名称", "name", Kind::String, "課・室・所の名称。").required(),
            |c: &NameRow| Cell::Text(c.name.name.clone()),
        ),
        Column::new(
            Field::new(
                "現在の名称",
                "is_current",
                Kind::Boolean,
                "現在の名称なら TRUE。",
            )
            .required(),
            |c: &NameRow| Cell::Bool(c.number == c.dept.names.len()),
        ),
        Column::new(
            Field::new(
                "最初の年度（西暦）",
                "from_year",
                Kind::Year,
                "この名称が使われた最初の年度（不明なら空欄）。",
            ),
            |c: &NameRow| c.name.from.map_or(Cell::Null, |y| Cell::Year(y.0)),
        ),
        Column::new(
            Field::new(
                "最初の年度（和暦）",
                "from_year_wareki",
                Kind::String,
                "最初の年度の和暦表記。",
            ),
            |c: &NameRow| c.name.from.map_or(Cell::Null, wareki),
        ),
        Column::new(
            Field::new(
                "最後の年度（西暦）",
                "until_year",
                Kind::Year,
                "この名称が使われた最後の年度（現在も使用中・不明なら空欄）。",
            ),
            |c: &NameRow| c.name.until.map_or(Cell::Null, |y| Cell::Year(y.0)),
        ),
        Column::new(
            Field::new(
                "最後の年度（和暦）",
                "until_year_wareki",
                Kind::String,
                "最後の年度の和暦表記。",
            ),
            |c: &NameRow| c.name.until.map_or(Cell::Null, wareki),
        ),
    ]);
    Table::new(
        "department-names",
        columns,
        &items,
        &[DEPARTMENT_ID, "名称の順番"],
        vec![dept_fk()],
    )
}
