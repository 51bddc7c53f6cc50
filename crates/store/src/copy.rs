//! Copying a whole database between stores (SQLite ⇄ PostgreSQL), every
//! table of it: the tables are read from each database's own catalogue, not
//! listed here, so a table a later migration adds is copied too.
//!
//! The target's copied tables are emptied and filled in one transaction
//! (foreign keys first), so the target ends as a copy of the origin or as it
//! was. Then every table is compared on both sides, row count and an
//! order-independent checksum of its rows ([`TableChecksum`]); a difference
//! is an error, never a success. Left out, with reason: [`NOT_COPIED`].

mod postgres;
mod shape;
mod sqlite;
mod value;

pub use shape::{ColumnShape, TableCopy, TableShape, TableSide};
pub use value::{ColumnKind, TableChecksum, Value};

use crate::{Backend, Store, StoreError, StoreResult};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

/// Tables a copy leaves alone: each database's own migration log
/// (`_sqlx_migrations`), and `store_state`, whose data version only grows in
/// each database (the copy bumps the target's instead, so its replicas reload).
pub const NOT_COPIED: [&str; 3] = ["_sqlx_migrations", "store_state", "staff_sessions"];

/// Rows read from the origin at a time.
const PAGE_ROWS: u64 = 1_000;
/// Most bound parameters in one INSERT (SQLite allows 32,766, PostgreSQL 65,535).
pub(crate) const PARAMS_PER_INSERT: usize = 8_000;

/// The part of a database the copy needs, implemented by each backend.
pub(crate) trait CopyDialect: sqlx::Database + Sized {
    /// Every table the copy carries, with its columns, key and references.
    fn tables(
        conn: &mut Self::Connection,
    ) -> impl Future<Output = StoreResult<Vec<TableShape>>> + Send;

    /// `limit` rows of `side` from `offset`, in its order, as `kinds`.
    fn read_rows<'a>(
        conn: &'a mut Self::Connection,
        side: &'a TableSide,
        kinds: &'a [ColumnKind],
        offset: u64,
        limit: u64,
    ) -> impl Future<Output = StoreResult<Vec<Vec<Value>>>> + Send + 'a;

    /// Inserts `rows` into `side`.
    fn write_rows<'a>(
        conn: &'a mut Self::Connection,
        side: &'a TableSide,
        rows: &'a [Vec<Value>],
    ) -> impl Future<Output = StoreResult<()>> + Send + 'a;

    /// Prepares the replacing transaction `conn`.
    fn begin_replace(conn: &mut Self::Connection) -> impl Future<Output = StoreResult<()>> + Send;

    /// Finishes a table once its rows are in (identity sequences).
    fn end_table<'a>(
        conn: &'a mut Self::Connection,
        side: &'a TableSide,
    ) -> impl Future<Output = StoreResult<()>> + Send + 'a;
}

/// What [`copy_store`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopySummary {
    /// Sources copied.
    pub sources: u64,
    /// Facilities (locations) copied.
    pub facilities: u64,
    /// Every table copied with its rows, in copy order.
    pub tables: Vec<(String, u64)>,
}

/// Copies every table of `from` into `to` (see the module docs), replacing
/// what `to` held, then checks that each table holds the same rows on both
/// sides.
pub async fn copy_store(from: &dyn Store, to: &dyn Store) -> StoreResult<CopySummary> {
    let copies = plan(from, to).await?;
    to.replace_copied_tables(&copies, from).await?;
    let mut summary = CopySummary::default();
    for copy in &copies {
        let expected = checksum(from, &copy.from, &copy.kinds).await?;
        let found = checksum(to, &copy.to, &copy.kinds).await?;
        if expected != found {
            return Err(StoreError::CopyMismatch {
                table: copy.to.table.clone(),
                expected: expected.rows,
                found: found.rows,
                checksums_differ: expected.digest != found.digest,
            });
        }
        match copy.to.table.as_str() {
            "sources" => summary.sources = found.rows,
            "locations" => summary.facilities = found.rows,
            _ => {}
        }
        tracing::info!(table = %copy.to.table, rows = found.rows, "copied table");
        summary.tables.push((copy.to.table.clone(), found.rows));
    }
    Ok(summary)
}

/// The rows and checksum of `side` of `store`.
pub async fn checksum(
    store: &dyn Store,
    side: &TableSide,
    kinds: &[ColumnKind],
) -> StoreResult<TableChecksum> {
    let mut sum = TableChecksum::default();
    let mut offset = 0;
    loop {
        let rows = store.read_copy_rows(side, kinds, offset, PAGE_ROWS).await?;
        for row in &rows {
            sum.add(row, kinds);
        }
        if (rows.len() as u64) < PAGE_ROWS {
            return Ok(sum);
        }
        offset += PAGE_ROWS;
    }
}

/// How each table of `to` is filled from `from`, in an order where every
/// table comes after those it references. The two must have the same tables
/// and columns (the same renkei version, migrated).
pub async fn plan(from: &dyn Store, to: &dyn Store) -> StoreResult<Vec<TableCopy>> {
    let origin: BTreeMap<String, TableShape> = from
        .copy_tables()
        .await?
        .into_iter()
        .map(|t| (t.name.clone(), t))
        .collect();
    let target: BTreeMap<String, TableShape> = to
        .copy_tables()
        .await?
        .into_iter()
        .map(|t| (t.name.clone(), t))
        .collect();
    let only = |a: &BTreeMap<String, TableShape>, b: &BTreeMap<String, TableShape>| {
        a.keys()
            .filter(|k| !b.contains_key(*k))
            .cloned()
            .collect::<Vec<_>>()
    };
    let (only_origin, only_target) = (only(&origin, &target), only(&target, &origin));
    if !only_origin.is_empty() || !only_target.is_empty() {
        return Err(StoreError::CopySchema {
            reason: format!(
                "tables only in the origin: [{}]; only in the target: [{}]. Open both with the same renkei version (it migrates them) and copy again",
                only_origin.join(", "),
                only_target.join(", ")
            ),
        });
    }
    let kinds_from_origin =
        from.backend() == Backend::Postgres || to.backend() != Backend::Postgres;
    let mut copies = Vec::new();
    for name in dependency_order(&target) {
        let (a, b) = (&origin[&name], &target[&name]);
        let (from_columns, to_columns) = pair_columns(a, b)?;
        let kinds = if kinds_from_origin {
            &from_columns
        } else {
            &to_columns
        }
        .iter()
        .map(|c| c.kind)
        .collect();
        copies.push(TableCopy {
            from: side(a, from_columns),
            to: side(b, to_columns),
            kinds,
        });
    }
    Ok(copies)
}

/// The columns of `a` and `b` paired by name; a boundary column may be
/// named differently (SQLite `geometry`, PostGIS `geom`).
fn pair_columns(
    a: &TableShape,
    b: &TableShape,
) -> StoreResult<(Vec<ColumnShape>, Vec<ColumnShape>)> {
    let geometry = |t: &TableShape| {
        let found: Vec<&ColumnShape> = t
            .columns
            .iter()
            .filter(|c| matches!(c.kind, ColumnKind::Geometry { .. }))
            .collect();
        (found.len() == 1).then(|| found[0].name.clone())
    };
    let (geometry_a, geometry_b) = (geometry(a), geometry(b));
    let mut from_columns = Vec::new();
    let mut to_columns = Vec::new();
    let mut unmatched = Vec::new();
    for column in &b.columns {
        let wanted = if Some(&column.name) == geometry_b.as_ref() {
            geometry_a.clone().unwrap_or_else(|| column.name.clone())
        } else {
            column.name.clone()
        };
        match a.columns.iter().find(|c| c.name == wanted) {
            Some(origin) => {
                from_columns.push(origin.clone());
                to_columns.push(column.clone());
            }
            None => unmatched.push(format!("{} (target)", column.name)),
        }
    }
    for column in &a.columns {
        if !from_columns.iter().any(|c| c.name == column.name) {
            unmatched.push(format!("{} (origin)", column.name));
        }
    }
    if unmatched.is_empty() {
        Ok((from_columns, to_columns))
    } else {
        Err(StoreError::CopySchema {
            reason: format!(
                "table {} has columns on one side only: {}. Open both with the same renkei version and copy again",
                b.name,
                unmatched.join(", ")
            ),
        })
    }
}

/// One side of a copy: `columns` of `shape`, paged by its key (or by every
/// column but boundaries when it has none).
fn side(shape: &TableShape, columns: Vec<ColumnShape>) -> TableSide {
    let order_by = if shape.primary_key.is_empty() {
        columns
            .iter()
            .filter(|c| !matches!(c.kind, ColumnKind::Geometry { .. }))
            .map(|c| c.name.clone())
            .collect()
    } else {
        shape.primary_key.clone()
    };
    TableSide {
        table: shape.name.clone(),
        columns,
        order_by,
    }
}

/// Table names so that each comes after the tables it references
/// (alphabetical among equals, so the order is stable).
fn dependency_order(tables: &BTreeMap<String, TableShape>) -> Vec<String> {
    let mut placed: Vec<String> = Vec::new();
    let mut left: BTreeSet<&String> = tables.keys().collect();
    while !left.is_empty() {
        let ready: Vec<&String> = left
            .iter()
            .copied()
            .filter(|name| {
                tables[*name]
                    .references
                    .iter()
                    .all(|r| r == *name || placed.contains(r) || !tables.contains_key(r))
            })
            .collect();
        // A reference cycle cannot be ordered: take the rest as they are.
        let next: Vec<&String> = if ready.is_empty() {
            left.iter().copied().collect()
        } else {
            ready
        };
        for name in next {
            left.remove(name);
            placed.push(name.clone());
        }
    }
    placed
}

/// Replaces, inside the transaction `tx`, every table of `copies` (their
/// `to` side) with the rows `from` holds.
pub(crate) async fn replace<D: crate::dialect::Dialect>(
    tx: &mut D::Connection,
    copies: &[TableCopy],
    from: &dyn Store,
) -> StoreResult<()> {
    D::begin_replace(tx).await?;
    for copy in copies.iter().rev() {
        let sql = format!("DELETE FROM {}", shape::quoted(&copy.to.table));
        D::execute(tx, &sql, &[]).await?;
    }
    for copy in copies {
        let mut offset = 0;
        loop {
            let rows = from
                .read_copy_rows(&copy.from, &copy.kinds, offset, PAGE_ROWS)
                .await?;
            if !rows.is_empty() {
                D::write_rows(tx, &copy.to, &rows).await?;
            }
            if (rows.len() as u64) < PAGE_ROWS {
                break;
            }
            offset += PAGE_ROWS;
        }
        D::end_table(tx, &copy.to).await?;
    }
    Ok(())
}
