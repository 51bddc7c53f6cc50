//! The copy on SQLite: tables from `sqlite_master`, columns from
//! `pragma_table_xinfo`, cells read as whatever storage class they have.

use super::shape::{insert_sql, quoted, select_sql, ColumnShape, TableShape, TableSide};
use super::value::{ColumnKind, Value};
use super::{CopyDialect, NOT_COPIED, PARAMS_PER_INSERT};
use crate::params::{sqlite_arguments, Param};
use crate::StoreResult;
use sqlx::{Column, Row, Sqlite, SqliteConnection, TypeInfo, ValueRef};

/// Tables, without SQLite's own.
const TABLES: &str = "SELECT name FROM sqlite_master WHERE type = 'table' \
     AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
/// Columns (generated ones have `hidden` 2 or 3).
const COLUMNS: &str =
    "SELECT name, type, pk FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid";
/// Referenced tables.
const REFERENCES: &str = "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)";

/// A column's kind from its declared type (a boundary is GeoJSON text in `geometry`).
fn kind(name: &str, declared: &str) -> ColumnKind {
    match declared.to_ascii_uppercase().as_str() {
        _ if name == "geometry" => ColumnKind::Geometry { multi: true },
        "INTEGER" | "INT" | "BIGINT" => ColumnKind::Integer,
        "REAL" | "DOUBLE" | "FLOAT" => ColumnKind::Real,
        "BLOB" => ColumnKind::Bytes,
        _ => ColumnKind::Text,
    }
}

impl CopyDialect for Sqlite {
    async fn tables(conn: &mut SqliteConnection) -> StoreResult<Vec<TableShape>> {
        let names: Vec<(String,)> = sqlx::query_as(TABLES).fetch_all(&mut *conn).await?;
        let mut shapes = Vec::new();
        for (name,) in names {
            if NOT_COPIED.contains(&name.as_str()) {
                continue;
            }
            let columns: Vec<(String, String, i64)> = sqlx::query_as(COLUMNS)
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?;
            let references: Vec<(String,)> = sqlx::query_as(REFERENCES)
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?;
            let mut keyed: Vec<(i64, String)> = columns
                .iter()
                .filter(|(_, _, pk)| *pk > 0)
                .map(|(n, _, pk)| (*pk, n.clone()))
                .collect();
            keyed.sort();
            shapes.push(TableShape {
                columns: columns
                    .iter()
                    .map(|(column, declared, _)| ColumnShape {
                        kind: kind(column, declared),
                        name: column.clone(),
                        sql_type: declared.clone(),
                        identity: false,
                    })
                    .collect(),
                primary_key: keyed.into_iter().map(|(_, n)| n).collect(),
                references: references.into_iter().map(|(t,)| t).collect(),
                name,
            });
        }
        Ok(shapes)
    }

    async fn read_rows(
        conn: &mut SqliteConnection,
        side: &TableSide,
        kinds: &[ColumnKind],
        offset: u64,
        limit: u64,
    ) -> StoreResult<Vec<Vec<Value>>> {
        let sql = select_sql(side, |c| quoted(&c.name), offset, limit);
        let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
        let mut values = Vec::with_capacity(rows.len());
        for row in rows {
            let mut cells = Vec::with_capacity(row.columns().len());
            for (column, kind) in row.columns().iter().zip(kinds) {
                let raw = row.try_get_raw(column.ordinal())?;
                let value = if raw.is_null() {
                    Value::Null
                } else {
                    match raw.type_info().name() {
                        "INTEGER" => Value::Integer(row.try_get(column.ordinal())?),
                        "REAL" => Value::Real(row.try_get(column.ordinal())?),
                        "BLOB" => Value::Bytes(row.try_get(column.ordinal())?),
                        _ => Value::Text(row.try_get(column.ordinal())?),
                    }
                };
                cells.push(value.into_kind(*kind));
            }
            values.push(cells);
        }
        Ok(values)
    }

    async fn write_rows(
        conn: &mut SqliteConnection,
        side: &TableSide,
        rows: &[Vec<Value>],
    ) -> StoreResult<()> {
        let per_insert = (PARAMS_PER_INSERT / side.columns.len().max(1)).max(1);
        for batch in rows.chunks(per_insert) {
            let sql = insert_sql(side, batch.len(), "", |_, n| format!("${n}"));
            let params: Vec<&dyn Param> = batch.iter().flatten().map(|v| v as &dyn Param).collect();
            sqlx::query_with(&sql, sqlite_arguments(&params)?)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    async fn begin_replace(conn: &mut SqliteConnection) -> StoreResult<()> {
        // Foreign keys are checked at commit, when every table is complete.
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn end_table(_: &mut SqliteConnection, _: &TableSide) -> StoreResult<()> {
        Ok(())
    }
}
