//! Reading whole tables from SQLite as one JSON array each.
//!
//! sqlx hands every SQLite row from the connection's thread to the caller
//! through a channel, with a thread wake-up per row. Reading the directory
//! back (`all_facilities`: when `renkei serve` starts and at every index
//! refresh) cost about 10 µs per row that way:
//! 50,000 fictional facilities of 7 rows each took 3.1–4.6 s. Aggregated with
//! `json_group_array` inside SQLite, a table crosses as one text value and
//! the same read takes 1.5–1.9 s (`cargo bench -p renkei-store --bench
//! write_rates`). The rows are decoded here with the row readers both
//! backends share ([`crate::row_readers`]).

use super::parse_uuid;
use crate::params::{sqlite_arguments, Param};
use crate::row_readers::{Column, Columns, FromColumns};
use crate::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::value::RawValue;
use sqlx::{Column as _, SqliteConnection, Statement};
use std::collections::HashMap;
use uuid::Uuid;

/// One row of a table read as JSON: its values in the order of `columns`.
struct JsonRow<'a> {
    columns: &'a HashMap<String, usize>,
    values: Vec<&'a RawValue>,
}

impl<'a> JsonRow<'a> {
    fn value(&self, column: &'static str, entity: &'static str) -> StoreResult<&'a RawValue> {
        self.columns
            .get(column)
            .and_then(|&index| self.values.get(index).copied())
            .ok_or_else(|| StoreError::Corrupt {
                entity,
                key: format!("column {column}"),
                reason: "no such column in the row".to_owned(),
            })
    }
}

/// A Rust value read from one column of a [`JsonRow`].
pub(crate) trait FromJsonColumn: Sized {
    /// Reads the value from its JSON text; the error is a short reason.
    fn from_json(raw: &RawValue) -> Result<Self, String>;
}

fn parse<'a, T: serde::Deserialize<'a>>(raw: &'a RawValue) -> Result<T, String> {
    serde_json::from_str(raw.get()).map_err(|e| e.to_string())
}

/// Columns whose JSON form is their serde form: numbers, and text (dates as
/// ISO 8601, times as RFC 3339).
trait SerdeColumn: serde::de::DeserializeOwned {}

impl SerdeColumn for String {}
impl SerdeColumn for i16 {}
impl SerdeColumn for i32 {}
impl SerdeColumn for i64 {}
impl SerdeColumn for NaiveDate {}
impl SerdeColumn for DateTime<Utc> {}

impl<T: SerdeColumn> FromJsonColumn for T {
    fn from_json(raw: &RawValue) -> Result<Self, String> {
        parse(raw)
    }
}

impl FromJsonColumn for bool {
    /// SQLite has no boolean type: flags are stored as 0 and 1.
    fn from_json(raw: &RawValue) -> Result<Self, String> {
        match parse::<i64>(raw)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(format!("{other} is not a flag (0 or 1)")),
        }
    }
}

impl FromJsonColumn for f64 {
    /// Reals arrive as text with 17 significant digits (see [`select_json`])
    /// and are parsed by Rust's correctly rounded parser, so every stored bit
    /// comes back; integers arrive as numbers.
    fn from_json(raw: &RawValue) -> Result<Self, String> {
        match parse::<&str>(raw) {
            Ok(text) => text.parse().map_err(|e| format!("{text:?}: {e}")),
            Err(_) => parse::<i64>(raw).map(|n| n as f64),
        }
    }
}

impl<T: FromJsonColumn> FromJsonColumn for Option<T> {
    fn from_json(raw: &RawValue) -> Result<Self, String> {
        if raw.get() == "null" {
            Ok(None)
        } else {
            T::from_json(raw).map(Some)
        }
    }
}

impl Columns for JsonRow<'_> {
    fn get<T: Column>(&self, column: &'static str, entity: &'static str) -> StoreResult<T> {
        T::from_json(self.value(column, entity)?).map_err(|reason| StoreError::Corrupt {
            entity,
            key: format!("column {column}"),
            reason,
        })
    }

    fn uuid(&self, column: &'static str, entity: &'static str) -> StoreResult<Uuid> {
        parse_uuid(&self.get::<String>(column, entity)?, entity)
    }
}

/// The rows of `query` (with `args` bound to its `$1…`), read as `T`, in the
/// query's order.
pub(super) async fn select_json<T: FromColumns>(
    conn: &mut SqliteConnection,
    query: &str,
    args: &[&dyn Param],
) -> StoreResult<Vec<T>> {
    // The column names, from the prepared statement (cached by sqlx).
    let names: Vec<String> = sqlx::Executor::prepare(&mut *conn, query)
        .await?
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    // A REAL as JSON would keep 15 significant digits; 17 keep every bit.
    let values = names
        .iter()
        .map(|name| {
            let column = format!("\"{}\"", name.replace('"', "\"\""));
            format!("CASE WHEN typeof({column}) = 'real' THEN printf('%!.17g', {column}) ELSE {column} END")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("SELECT json_group_array(json_array({values})) FROM ({query})");
    let text: String = sqlx::query_scalar_with(&sql, sqlite_arguments(args)?)
        .fetch_one(&mut *conn)
        .await?;
    let rows: Vec<Vec<&RawValue>> =
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            entity: "table",
            key: "rows read as JSON".to_owned(),
            reason: e.to_string(),
        })?;
    let columns: HashMap<String, usize> = names
        .into_iter()
        .enumerate()
        .map(|(index, name)| (name, index))
        .collect();
    rows.into_iter()
        .map(|values| {
            T::read(&JsonRow {
                columns: &columns,
                values,
            })
        })
        .collect()
}
