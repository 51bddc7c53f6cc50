//! The copy on PostgreSQL: tables of the current schema from the catalogue
//! (extension tables such as PostGIS's `spatial_ref_sys` left out), each
//! cell read as text (boundaries as GeoJSON, times in UTC) and written back
//! through a cast to its column's type.

use super::shape::{insert_sql, quoted, select_sql, ColumnShape, TableShape, TableSide};
use super::value::{ColumnKind, Value};
use super::{CopyDialect, NOT_COPIED, PARAMS_PER_INSERT};
use crate::params::{postgres_arguments, Param};
use crate::StoreResult;
use sqlx::{PgConnection, Postgres, Row};

/// Tables of the current schema that no extension owns.
const TABLES: &str = "SELECT c.relname::text FROM pg_class c \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() \
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') \
     ORDER BY 1";
/// Columns written by hand: name, type, type name, identity.
const COLUMNS: &str =
    "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), t.typname::text, \
     a.attidentity <> '' FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
     WHERE a.attrelid = CAST($1 AS regclass) AND a.attnum > 0 AND NOT a.attisdropped \
     AND a.attgenerated = '' ORDER BY a.attnum";
/// Primary-key columns in key order.
const PRIMARY_KEY: &str = "SELECT a.attname::text FROM pg_index i \
     CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) \
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
     WHERE i.indrelid = CAST($1 AS regclass) AND i.indisprimary ORDER BY k.position";
/// Referenced tables.
const REFERENCES: &str = "SELECT DISTINCT c.relname::text FROM pg_constraint f \
     JOIN pg_class c ON c.oid = f.confrelid \
     WHERE f.conrelid = CAST($1 AS regclass) AND f.contype = 'f'";

fn kind(type_name: &str, sql_type: &str) -> ColumnKind {
    match type_name {
        "bool" => ColumnKind::Boolean,
        "int2" | "int4" | "int8" => ColumnKind::Integer,
        "float4" | "float8" | "numeric" => ColumnKind::Real,
        "timestamptz" | "timestamp" => ColumnKind::Timestamp,
        "geometry" => ColumnKind::Geometry {
            multi: sql_type.to_ascii_lowercase().contains("multi"),
        },
        "bytea" => ColumnKind::Bytes,
        _ => ColumnKind::Text,
    }
}

/// How a column is selected: as text PostgreSQL and SQLite both read alike.
fn select_expression(column: &ColumnShape) -> String {
    let name = quoted(&column.name);
    match column.kind {
        ColumnKind::Geometry { .. } => format!("public.ST_AsGeoJSON({name}, 15)"),
        ColumnKind::Timestamp => {
            format!("to_char({name} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')")
        }
        _ => format!("CAST({name} AS text)"),
    }
}

/// How a value bound as text is written into a column.
fn placeholder(column: &ColumnShape, n: usize) -> String {
    match column.kind {
        ColumnKind::Geometry { multi: true } => {
            format!("public.ST_Multi(public.ST_SetSRID(public.ST_GeomFromGeoJSON(${n}), 4326))")
        }
        ColumnKind::Geometry { multi: false } => {
            format!("public.ST_SetSRID(public.ST_GeomFromGeoJSON(${n}), 4326)")
        }
        _ => format!("CAST(${n} AS {})", column.sql_type),
    }
}

impl CopyDialect for Postgres {
    async fn tables(conn: &mut PgConnection) -> StoreResult<Vec<TableShape>> {
        let names: Vec<(String,)> = sqlx::query_as(TABLES).fetch_all(&mut *conn).await?;
        let mut shapes = Vec::new();
        for (name,) in names {
            if NOT_COPIED.contains(&name.as_str()) {
                continue;
            }
            let columns: Vec<(String, String, String, bool)> = sqlx::query_as(COLUMNS)
                .bind(quoted(&name))
                .fetch_all(&mut *conn)
                .await?;
            let primary_key: Vec<(String,)> = sqlx::query_as(PRIMARY_KEY)
                .bind(quoted(&name))
                .fetch_all(&mut *conn)
                .await?;
            let references: Vec<(String,)> = sqlx::query_as(REFERENCES)
                .bind(quoted(&name))
                .fetch_all(&mut *conn)
                .await?;
            shapes.push(TableShape {
                columns: columns
                    .into_iter()
                    .map(|(column, sql_type, type_name, identity)| ColumnShape {
                        kind: kind(&type_name, &sql_type),
                        name: column,
                        sql_type,
                        identity,
                    })
                    .collect(),
                primary_key: primary_key.into_iter().map(|(c,)| c).collect(),
                references: references.into_iter().map(|(t,)| t).collect(),
                name,
            });
        }
        Ok(shapes)
    }

    async fn read_rows(
        conn: &mut PgConnection,
        side: &TableSide,
        kinds: &[ColumnKind],
        offset: u64,
        limit: u64,
    ) -> StoreResult<Vec<Vec<Value>>> {
        let sql = select_sql(side, select_expression, offset, limit);
        let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
        let mut values = Vec::with_capacity(rows.len());
        for row in rows {
            let mut cells = Vec::with_capacity(kinds.len());
            for (index, kind) in kinds.iter().enumerate() {
                let text: Option<String> = row.try_get(index)?;
                cells.push(text.map_or(Value::Null, |t| Value::Text(t).into_kind(*kind)));
            }
            values.push(cells);
        }
        Ok(values)
    }

    async fn write_rows(
        conn: &mut PgConnection,
        side: &TableSide,
        rows: &[Vec<Value>],
    ) -> StoreResult<()> {
        let overriding = if side.columns.iter().any(|c| c.identity) {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        let per_insert = (PARAMS_PER_INSERT / side.columns.len().max(1)).max(1);
        for batch in rows.chunks(per_insert) {
            let sql = insert_sql(side, batch.len(), overriding, placeholder);
            let params: Vec<&dyn Param> = batch.iter().flatten().map(|v| v as &dyn Param).collect();
            sqlx::query_with(&sql, postgres_arguments(&params)?)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    async fn begin_replace(_: &mut PgConnection) -> StoreResult<()> {
        Ok(())
    }

    async fn end_table(conn: &mut PgConnection, side: &TableSide) -> StoreResult<()> {
        // Identity columns continue after the copied rows.
        for column in side.columns.iter().filter(|c| c.identity) {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max({name}), 0) + 1, false) FROM {table}",
                name = quoted(&column.name),
                table = quoted(&side.table)
            );
            sqlx::query(&sql)
                .bind(quoted(&side.table))
                .bind(&column.name)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}
