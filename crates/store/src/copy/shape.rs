//! The tables of a database as the copy sees them, read from the database's
//! own catalogue, and how one table is copied.

use super::value::ColumnKind;

/// One table as the database describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape {
    /// Table name.
    pub name: String,
    /// Columns written by hand (generated columns are left out: the target
    /// derives them).
    pub columns: Vec<ColumnShape>,
    /// Primary-key columns (rows are paged in their order).
    pub primary_key: Vec<String>,
    /// Tables its foreign keys reference (copied before it).
    pub references: Vec<String>,
}

/// One column of a [`TableShape`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnShape {
    /// Column name.
    pub name: String,
    /// What it holds.
    pub kind: ColumnKind,
    /// The database's type, e.g. `timestamp with time zone`.
    pub sql_type: String,
    /// PostgreSQL `GENERATED … AS IDENTITY`: written with `OVERRIDING SYSTEM VALUE`.
    pub identity: bool,
}

/// One side of a table copy: the table's columns in copy order and the key
/// its rows are paged by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSide {
    /// Table name.
    pub table: String,
    /// The columns, in the order of [`TableCopy::kinds`].
    pub columns: Vec<ColumnShape>,
    /// Columns rows are ordered by.
    pub order_by: Vec<String>,
}

/// How one table is copied: the same columns on both sides, with their kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    /// The origin's table.
    pub from: TableSide,
    /// The target's table.
    pub to: TableSide,
    /// Each column's kind, as PostgreSQL's types say when one side is PostgreSQL.
    pub kinds: Vec<ColumnKind>,
}

/// `name` quoted as an SQL identifier.
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The SELECT of `side`'s columns (each through `expression`) in its order,
/// `limit` rows from `offset`.
pub(crate) fn select_sql(
    side: &TableSide,
    expression: impl Fn(&ColumnShape) -> String,
    offset: u64,
    limit: u64,
) -> String {
    let columns: Vec<String> = side.columns.iter().map(expression).collect();
    let order: Vec<String> = side.order_by.iter().map(|c| quoted(c)).collect();
    format!(
        "SELECT {} FROM {} ORDER BY {} LIMIT {limit} OFFSET {offset}",
        columns.join(", "),
        quoted(&side.table),
        order.join(", ")
    )
}

/// The INSERT of `rows` rows into `side`, placeholders through
/// `placeholder(column, n)`, with `head_extra` after the column list
/// (PostgreSQL: `OVERRIDING SYSTEM VALUE`).
pub(crate) fn insert_sql(
    side: &TableSide,
    rows: usize,
    head_extra: &str,
    placeholder: impl Fn(&ColumnShape, usize) -> String,
) -> String {
    let names: Vec<String> = side.columns.iter().map(|c| quoted(&c.name)).collect();
    let mut n = 0;
    let tuples: Vec<String> = (0..rows)
        .map(|_| {
            let cells: Vec<String> = side
                .columns
                .iter()
                .map(|column| {
                    n += 1;
                    placeholder(column, n)
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO {} ({}){head_extra} VALUES {}",
        quoted(&side.table),
        names.join(", "),
        tuples.join(", ")
    )
}
