//! One cell of any table on its way between the two databases, with the
//! logical kind of its column, and the order-independent checksum of a table.

use crate::params::Param;
use chrono::{DateTime, NaiveDateTime, SecondsFormat, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use sqlx::error::BoxDynError;
use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteArguments;
use sqlx::Arguments;

/// What a column holds, as far as copying it needs to know. PostgreSQL's
/// types say it; SQLite's declared types say less (a boolean is an INTEGER,
/// a time TEXT), so a copy takes each column's kind from PostgreSQL when one
/// side is PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Whole numbers (and booleans, as 0 / 1).
    Integer,
    /// Floating-point numbers.
    Real,
    /// A boolean: 0 / 1 on SQLite, `boolean` on PostgreSQL.
    Boolean,
    /// A point in time (UTC): RFC 3339 text on SQLite, `timestamptz` on PostgreSQL.
    Timestamp,
    /// A boundary: GeoJSON text on SQLite, a PostGIS geometry (EPSG:4326) on PostgreSQL.
    Geometry {
        /// PostGIS column type is a Multi… geometry (written with `ST_Multi`).
        multi: bool,
    },
    /// Raw bytes.
    Bytes,
    /// Anything else, carried as text (text, dates, uuids, JSON).
    Text,
}

/// A cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A whole number (booleans as 0 / 1).
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// Text (dates, uuids and GeoJSON too).
    Text(String),
    /// A point in time.
    Timestamp(DateTime<Utc>),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

impl Value {
    /// `self` read as a cell of a `kind` column: text times become
    /// timestamps, whole numbers in a real column become reals, PostgreSQL's
    /// boolean text becomes 0 / 1.
    pub(crate) fn into_kind(self, kind: ColumnKind) -> Self {
        match (kind, self) {
            (ColumnKind::Timestamp, Value::Text(text)) => match parse_time(&text) {
                Some(time) => Value::Timestamp(time),
                None => Value::Text(text),
            },
            (ColumnKind::Real, Value::Integer(n)) => Value::Real(n as f64),
            (ColumnKind::Integer | ColumnKind::Boolean, Value::Text(text)) => match text.as_str() {
                "true" | "t" => Value::Integer(1),
                "false" | "f" => Value::Integer(0),
                _ => text.parse().map_or(Value::Text(text), Value::Integer),
            },
            (ColumnKind::Real, Value::Text(text)) => {
                text.parse().map_or(Value::Text(text), Value::Real)
            }
            (_, value) => value,
        }
    }

    /// The value as PostgreSQL text input, for `CAST($n AS type)`.
    fn postgres_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Integer(n) => Some(n.to_string()),
            // Rust prints the shortest text that reads back as the same f64.
            Value::Real(x) => Some(x.to_string()),
            Value::Text(text) => Some(text.clone()),
            // PostgreSQL keeps microseconds (and would round a finer time).
            Value::Timestamp(time) => Some(
                time.trunc_subsecs(6)
                    .to_rfc3339_opts(SecondsFormat::AutoSi, false),
            ),
            Value::Bytes(bytes) => Some(bytes.iter().fold(String::from("\\x"), |mut hex, b| {
                use std::fmt::Write as _;
                let _ = write!(hex, "{b:02x}");
                hex
            })),
        }
    }

    /// Bytes that are equal for equal values whichever database they came
    /// from, for checksums.
    fn canonical(&self, kind: ColumnKind, out: &mut Vec<u8>) {
        match self {
            Value::Null => out.push(b'n'),
            Value::Integer(n) => {
                out.push(b'i');
                out.extend_from_slice(&n.to_le_bytes());
            }
            Value::Real(x) => {
                out.push(b'r');
                // 0.0 and -0.0 are one value in SQL.
                let x = if *x == 0.0 { 0.0 } else { *x };
                out.extend_from_slice(&x.to_bits().to_le_bytes());
            }
            Value::Timestamp(time) => {
                out.push(b't');
                out.extend_from_slice(&time.timestamp_micros().to_le_bytes());
            }
            Value::Text(text) if matches!(kind, ColumnKind::Geometry { .. }) => {
                out.push(b'g');
                canonical_geometry(text, out);
            }
            Value::Text(text) => {
                out.push(b's');
                out.extend_from_slice(&(text.len() as u64).to_le_bytes());
                out.extend_from_slice(text.as_bytes());
            }
            Value::Bytes(bytes) => {
                out.push(b'b');
                out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
                out.extend_from_slice(bytes);
            }
        }
    }
}

/// A time as SQLite keeps it (sqlx writes RFC 3339) or PostgreSQL prints it.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z")
                .map(|t| t.with_timezone(&Utc))
                .ok()
        })
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .map(|t| t.and_utc())
                .ok()
        })
}

/// A GeoJSON geometry as its type and coordinates (each f64 exactly), so
/// that PostGIS's text and the stored text compare equal.
fn canonical_geometry(text: &str, out: &mut Vec<u8>) {
    fn numbers(value: &serde_json::Value, out: &mut Vec<u8>) {
        match value {
            serde_json::Value::Array(items) => {
                out.push(b'[');
                for item in items {
                    numbers(item, out);
                }
                out.push(b']');
            }
            serde_json::Value::Number(n) => {
                out.extend_from_slice(&n.as_f64().unwrap_or(f64::NAN).to_bits().to_le_bytes());
            }
            other => out.extend_from_slice(other.to_string().as_bytes()),
        }
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(geometry) => {
            out.extend_from_slice(geometry["type"].as_str().unwrap_or_default().as_bytes());
            numbers(&geometry["coordinates"], out);
        }
        Err(_) => out.extend_from_slice(text.as_bytes()),
    }
}

impl Param for Value {
    fn add_to_sqlite<'q>(&'q self, arguments: &mut SqliteArguments<'q>) -> Result<(), BoxDynError> {
        match self {
            Value::Null => arguments.add(None::<String>),
            Value::Integer(n) => arguments.add(*n),
            Value::Real(x) => arguments.add(*x),
            Value::Text(text) => arguments.add(text.as_str()),
            Value::Timestamp(time) => arguments.add(*time),
            Value::Bytes(bytes) => arguments.add(bytes.as_slice()),
        }
    }

    fn add_to_postgres(&self, arguments: &mut PgArguments) -> Result<(), BoxDynError> {
        arguments.add(self.postgres_text())
    }
}

/// Rows and an order-independent digest of a table's contents: equal for
/// equal multisets of rows, whichever database and order they came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableChecksum {
    /// Rows.
    pub rows: u64,
    /// Sum (mod 2^128) of the first 16 bytes of each row's SHA-256.
    pub digest: u128,
}

impl TableChecksum {
    /// Adds one row whose columns have `kinds`.
    pub(crate) fn add(&mut self, row: &[Value], kinds: &[ColumnKind]) {
        let mut bytes = Vec::with_capacity(64);
        for (value, kind) in row.iter().zip(kinds) {
            value.canonical(*kind, &mut bytes);
        }
        let hash = Sha256::digest(&bytes);
        let mut first = [0_u8; 16];
        first.copy_from_slice(&hash[..16]);
        self.rows += 1;
        self.digest = self.digest.wrapping_add(u128::from_le_bytes(first));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_from_either_database_checksum_alike() {
        let kinds = [
            ColumnKind::Boolean,
            ColumnKind::Timestamp,
            ColumnKind::Real,
            ColumnKind::Geometry { multi: true },
        ];
        let sqlite = [
            Value::Integer(1),
            Value::Text("2026-12-04T23:00:00.123456+00:00".into()),
            Value::Integer(3),
            Value::Text(r#"{"type":"MultiPolygon","coordinates":[[[[139.1,35.2],[139.2,35.2],[139.1,35.2]]]]}"#.into()),
        ];
        let postgres = [
            Value::Text("true".into()),
            Value::Text("2026-12-04 23:00:00.123456+00".into()),
            Value::Text("3".into()),
            Value::Text(r#"{"coordinates":[[[[139.1,35.2],[139.2,35.2],[139.1,35.2]]]],"type":"MultiPolygon"}"#.into()),
        ];
        let (mut a, mut b) = (TableChecksum::default(), TableChecksum::default());
        let convert = |row: &[Value]| -> Vec<Value> {
            row.iter()
                .cloned()
                .zip(kinds)
                .map(|(v, k)| v.into_kind(k))
                .collect()
        };
        a.add(&convert(&sqlite), &kinds);
        b.add(&convert(&postgres), &kinds);
        assert_eq!(a, b);
        let mut c = TableChecksum::default();
        let mut other = convert(&sqlite);
        other[2] = Value::Real(3.5);
        c.add(&other, &kinds);
        assert_ne!(a, c);
    }
}
