//! Bulk loads through `COPY … FROM STDIN` (text format): the rows of new
//! records, table by table, streamed to the server in one command per table
//! instead of bound as arrays, so the server parses plain text rather than
//! unpacking parameters.

use crate::StoreResult;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use std::fmt::Write as _;
use uuid::Uuid;

/// Bytes of rows sent to the server per message.
const SEND_BYTES: usize = 1 << 20;

/// Rows in PostgreSQL's COPY text format: fields separated by tabs, rows
/// ended by a newline, `\N` for NULL, backslash escapes in text.
#[derive(Debug)]
pub(super) struct CopyRows {
    text: String,
    /// Whether the next field starts a row.
    row_start: bool,
}

/// A value that can be written as one COPY field.
pub(super) trait CopyField {
    /// Appends the field's text (escaped) to `out`.
    fn write(&self, out: &mut String);
}

impl CopyRows {
    /// No rows yet.
    pub(super) fn new() -> Self {
        Self {
            text: String::new(),
            row_start: true,
        }
    }

    /// Adds one field to the current row.
    pub(super) fn field(&mut self, value: &dyn CopyField) -> &mut Self {
        if !self.row_start {
            self.text.push('\t');
        }
        self.row_start = false;
        value.write(&mut self.text);
        self
    }

    /// Ends the current row.
    pub(super) fn end_row(&mut self) {
        self.text.push('\n');
        self.row_start = true;
    }

    /// Runs `copy` (a `COPY table (columns) FROM STDIN`) with these rows on
    /// `conn`; a failure aborts the command, leaving the transaction to the
    /// caller's error handling.
    pub(super) async fn send(self, conn: &mut PgConnection, copy: &str) -> StoreResult<()> {
        if self.text.is_empty() {
            return Ok(());
        }
        let mut stream = conn.copy_in_raw(copy).await?;
        for part in self.text.as_bytes().chunks(SEND_BYTES) {
            if let Err(error) = stream.send(part).await {
                // The server answers an abort with an error; the send's error is the one to report.
                let _ = stream.abort("renkei: sending the rows failed").await;
                return Err(error.into());
            }
        }
        stream.finish().await?;
        Ok(())
    }
}

/// NULL.
const NULL: &str = "\\N";

fn escaped(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

impl CopyField for str {
    fn write(&self, out: &mut String) {
        escaped(self, out);
    }
}

impl CopyField for String {
    fn write(&self, out: &mut String) {
        escaped(self, out);
    }
}

impl CopyField for Uuid {
    fn write(&self, out: &mut String) {
        out.push_str(self.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
    }
}

impl CopyField for f64 {
    fn write(&self, out: &mut String) {
        // Rust prints the shortest text that reads back as the same double.
        let _ = write!(out, "{self}");
    }
}

impl CopyField for i64 {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl CopyField for i32 {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl CopyField for i16 {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl CopyField for NaiveDate {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{}", self.format("%Y-%m-%d"));
    }
}

impl CopyField for DateTime<Utc> {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{}", self.format("%Y-%m-%d %H:%M:%S%.6f+00"));
    }
}

impl<T: CopyField + ?Sized> CopyField for &T {
    fn write(&self, out: &mut String) {
        (**self).write(out);
    }
}

impl<T: CopyField> CopyField for Option<T> {
    fn write(&self, out: &mut String) {
        match self {
            Some(value) => value.write(out),
            None => out.push_str(NULL),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_escaped_and_nulls_marked() {
        let mut rows = CopyRows::new();
        rows.field(&"a\tb\\c\nd".to_owned())
            .field(&None::<String>)
            .field(&1.5_f64)
            .field(&NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
        rows.end_row();
        rows.field(&Uuid::nil()).field(&Some(7_i32));
        rows.end_row();
        assert_eq!(
            rows.text,
            "a\\tb\\\\c\\nd\t\\N\t1.5\t2024-01-02\n00000000-0000-0000-0000-000000000000\t7\n"
        );
    }
}
