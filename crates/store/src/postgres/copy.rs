//! Bulk loads through `COPY … FROM STDIN` (text format): the rows of new
//! records, table by table, streamed to the server in one command per table
//! instead of bound as arrays, so the server parses plain text rather than
//! unpacking parameters.

use crate::rows::{Batch, CapabilityRow, LocationRow, ServiceRow};
use crate::{LocationAssignment, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use std::collections::HashMap;
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

/// Loads the rows of new records (`batch`) with `COPY`, each location with
/// its placement (taken out of `placements`); returns how many placements
/// that set, counted as the update would count them against rows stored
/// without one.
pub(super) async fn copy_new(
    conn: &mut PgConnection,
    batch: &Batch,
    placements: &mut HashMap<Uuid, &LocationAssignment>,
) -> StoreResult<u64> {
    let mut organizations = CopyRows::new();
    for row in &batch.organizations {
        organizations
            .field(&row.id)
            .field(&row.name)
            .field(&row.url);
        organizations.end_row();
    }
    organizations
        .send(conn, "COPY organizations (id, name, url) FROM STDIN")
        .await?;
    let (locations, placed) = location_rows(&batch.locations, placements);
    locations
        .send(conn, include_str!("copy_locations.sql"))
        .await?;
    let (services, links) = service_rows(&batch.services);
    services
        .send(
            conn,
            "COPY services (id, organization_id, location_id, position, key, name, service_type, \
             age_min_years, age_max_years, accepting_new_clients, respite_beds, verified_on, verified_by) FROM STDIN",
        )
        .await?;
    links
        .send(
            conn,
            "COPY service_at_location (service_id, location_id) FROM STDIN",
        )
        .await?;
    let mut phones = CopyRows::new();
    for row in &batch.phones {
        phones
            .field(&row.location_id)
            .field(&row.position)
            .field(&row.number)
            .field(&row.label)
            .field(&row.visibility);
        phones.end_row();
    }
    phones
        .send(
            conn,
            "COPY phones (location_id, position, number, label, visibility) FROM STDIN",
        )
        .await?;
    let mut schedules = CopyRows::new();
    for row in &batch.schedules {
        schedules
            .field(&row.service_id)
            .field(&row.position)
            .field(&row.byday)
            .field(&row.opens_at)
            .field(&row.closes_at)
            .field(&row.description);
        schedules.end_row();
    }
    schedules
        .send(
            conn,
            "COPY schedules (service_id, position, byday, opens_at, closes_at, description) FROM STDIN",
        )
        .await?;
    capability_rows(&batch.capabilities)
        .send(
            conn,
            "COPY service_capabilities (service_id, position, capability, answer, verified_on, \
             verified_by, staff_note) FROM STDIN",
        )
        .await?;
    Ok(placed)
}

/// The `locations` rows, each with its placement from `placements` (taken
/// out), and how many placements they set.
fn location_rows(
    rows: &[LocationRow],
    placements: &mut HashMap<Uuid, &LocationAssignment>,
) -> (CopyRows, u64) {
    let mut placed = 0;
    let mut locations = CopyRows::new();
    for row in rows {
        let (municipality, region, method, distance_m) = match placements.remove(&row.id) {
            Some(assignment) => {
                let columns = assignment.columns();
                if columns.0 != row.municipality_code
                    || columns.1 != row.region_code
                    || columns.2.is_some()
                {
                    placed += 1;
                }
                columns
            }
            None => (
                row.municipality_code.clone(),
                row.region_code.clone(),
                None,
                None,
            ),
        };
        locations
            .field(&row.id)
            .field(&row.organization_id)
            .field(&row.kind)
            .field(&row.name)
            .field(&row.name_kana)
            .field(&row.address)
            .field(&row.postal_code)
            .field(&row.lon)
            .field(&row.lat)
            .field(&row.stated_municipality_code)
            .field(&municipality)
            .field(&region)
            .field(&row.url)
            .field(&row.status)
            .field(&row.closed_on)
            .field(&row.staff_note)
            .field(&row.source_key)
            .field(&row.source_record_id)
            .field(&row.imported_at)
            .field(&row.content_hash)
            .field(&method)
            .field(&distance_m);
        locations.end_row();
    }
    (locations, placed)
}

/// The `services` rows and their `service_at_location` links.
fn service_rows(rows: &[ServiceRow]) -> (CopyRows, CopyRows) {
    let mut services = CopyRows::new();
    let mut links = CopyRows::new();
    for row in rows {
        services
            .field(&row.id)
            .field(&row.organization_id)
            .field(&row.location_id)
            .field(&row.position)
            .field(&row.key)
            .field(&row.name)
            .field(&row.service_type)
            .field(&row.age_min_years)
            .field(&row.age_max_years)
            .field(&row.accepting_new_clients)
            .field(&row.respite_beds)
            .field(&row.verified_on)
            .field(&row.verified_by);
        services.end_row();
        links.field(&row.id).field(&row.location_id);
        links.end_row();
    }
    (services, links)
}

/// The `service_capabilities` rows.
fn capability_rows(rows: &[CapabilityRow]) -> CopyRows {
    let mut capabilities = CopyRows::new();
    for row in rows {
        capabilities
            .field(&row.service_id)
            .field(&row.position)
            .field(&row.capability)
            .field(&row.answer)
            .field(&row.verified_on)
            .field(&row.verified_by)
            .field(&row.staff_note);
        capabilities.end_row();
    }
    capabilities
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
