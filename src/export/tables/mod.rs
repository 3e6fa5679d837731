//! The CSV tables: their columns (Japanese headers, machine names, types)
//! and their rows, built from the content.
//!
//! One module per table family: `projects` (`projects.csv`, one row per
//! project and fiscal year), `indicators`, `ratings`, `departments`
//! (`departments.csv` and `department-names.csv`); `columns` holds the row
//! contexts and the columns they share. This module holds [`Table`], the
//! shared headers and the value conversions every table uses.
//!
//! Owns: what each CSV holds. Must not: write bytes or files (the columns
//! become CSV and Table Schema in [`super::table`]; [`super::Streams`]
//! writes them).

mod columns;
mod departments;
mod indicators;
mod projects;
mod ratings;

use std::collections::BTreeSet;

use crate::content::Content;
use crate::fiscal::FiscalYear;
use crate::model::{Account, MoneyUnit, PlanRank, ProjectKind};

use super::table::{rows, Cell, Column, Field, ForeignKey};

pub use departments::{department_names, departments, NAME_SEPARATOR};
pub use indicators::{indicators, indicators_of};
pub use projects::{projects, projects_of};
pub use ratings::{ratings, ratings_of};

/// A table ready to be written: fields, keys and rows.
pub struct Table {
    /// Resource name in the data package.
    pub name: &'static str,
    /// Columns.
    pub fields: Vec<Field>,
    /// Primary key (headers).
    pub primary_key: Vec<String>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new<C>(
        name: &'static str,
        columns: Vec<Column<C>>,
        items: &[C],
        primary_key: &[&str],
        foreign_keys: Vec<ForeignKey>,
    ) -> Table {
        let rows = rows(&columns, items);
        Table {
            name,
            fields: columns.into_iter().map(|c| c.field).collect(),
            primary_key: primary_key.iter().map(|s| s.to_string()).collect(),
            foreign_keys,
            rows,
        }
    }
}

/// Header of the department id column, the target of every foreign key.
pub const DEPARTMENT_ID: &str = "課ID";
/// Header of the project id column.
pub const PROJECT_ID: &str = "事業ID";
/// Header of the western fiscal year column.
pub const YEAR: &str = "年度（西暦）";
/// Header of the 和暦 fiscal year column.
pub const WAREKI: &str = "年度（和暦）";

pub(super) fn dept_fk() -> ForeignKey {
    ForeignKey {
        fields: vec![DEPARTMENT_ID.into()],
        resource: "departments",
        reference: vec![DEPARTMENT_ID.into()],
    }
}

/// Unit of money in every CSV: the series' common unit, or 円 when series
/// differ (converting 千円 to 円 is exact).
pub fn csv_money_unit(content: &Content) -> MoneyUnit {
    let units: BTreeSet<&str> = content
        .series
        .iter()
        .map(|s| s.doc.money_unit.label())
        .collect();
    match content.series.first() {
        Some(s) if units.len() == 1 => s.doc.money_unit,
        Some(_) => MoneyUnit::Yen,
        None => MoneyUnit::ThousandYen,
    }
}

/// `amount` in `from` units expressed in `to` units, when exact.
pub fn convert(amount: Option<i64>, from: MoneyUnit, to: MoneyUnit) -> Option<i64> {
    let yen = amount?.checked_mul(from.yen())?;
    (yen % to.yen() == 0).then(|| yen / to.yen())
}

/// Every rating code of every series' scale, in series then scale order.
pub fn rating_codes(content: &Content) -> Vec<String> {
    let mut seen = BTreeSet::new();
    content
        .series
        .iter()
        .flat_map(|s| s.doc.scale.iter())
        .filter(|l| seen.insert(l.code.clone()))
        .map(|l| l.code.clone())
        .collect()
}

pub(super) fn account_values() -> [&'static str; 2] {
    [Account::General.label(), Account::Special.label()]
}

pub(super) fn plan_rank_values() -> [&'static str; 3] {
    [
        PlanRank::Top.label(),
        PlanRank::Priority.label(),
        PlanRank::Important.label(),
    ]
}

pub(super) fn kind_values() -> [&'static str; 3] {
    [
        ProjectKind::Autonomous.label(),
        ProjectKind::Delegated.label(),
        ProjectKind::DelegatedPlus.label(),
    ]
}

pub(super) fn wareki(y: FiscalYear) -> Cell {
    Cell::Text(y.wareki())
}
