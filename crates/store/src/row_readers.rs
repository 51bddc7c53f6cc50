//! Row → struct readers of the directory's tables, written once for every
//! kind of row the backends hand over: a PostgreSQL row, and a SQLite row read
//! as JSON ([`crate::sqlite`]'s `json_rows`). Each kind of row implements
//! [`Columns`]; each table's row struct implements [`FromColumns`].

use crate::rows::{
    AccreditationRow, CapabilityRow, LocationRow, OrganizationRow, PhoneRow, ScheduleRow,
    ServiceRow, StoredLocation, VerifiedRow,
};
use crate::sqlite::FromJsonColumn;
use crate::{SourceInfo, StoreResult};
use sqlx::{Decode, Postgres, Type};
use uuid::Uuid;

/// A value the readers take from a column, whichever kind of row holds it.
pub(crate) trait Column:
    FromJsonColumn + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}

impl<T: FromJsonColumn + for<'r> Decode<'r, Postgres> + Type<Postgres>> Column for T {}

/// A row being read. Errors are [`crate::StoreError::Corrupt`], naming the
/// column and `entity` (the table).
pub(crate) trait Columns {
    /// The value of `column`.
    fn get<T: Column>(&self, column: &'static str, entity: &'static str) -> StoreResult<T>;
    /// The UUID in `column` (text on SQLite, `uuid` on PostgreSQL).
    fn uuid(&self, column: &'static str, entity: &'static str) -> StoreResult<Uuid>;
}

/// A table row struct read from a row of its query.
pub(crate) trait FromColumns: Sized {
    /// Reads one row.
    fn read(row: &impl Columns) -> StoreResult<Self>;
}

impl FromColumns for StoredLocation {
    fn read(row: &impl Columns) -> StoreResult<Self> {
        const E: &str = "location";
        let organization_id = row.uuid("organization_id", E)?;
        Ok(StoredLocation {
            location: LocationRow {
                id: row.uuid("id", E)?,
                organization_id,
                kind: row.get("kind", E)?,
                name: row.get("name", E)?,
                name_kana: row.get("name_kana", E)?,
                address: row.get("address", E)?,
                postal_code: row.get("postal_code", E)?,
                lon: row.get("lon", E)?,
                lat: row.get("lat", E)?,
                stated_municipality_code: row.get("stated_municipality_code", E)?,
                municipality_code: row.get("municipality_code", E)?,
                region_code: row.get("region_code", E)?,
                url: row.get("url", E)?,
                status: row.get("status", E)?,
                closed_on: row.get("closed_on", E)?,
                staff_note: row.get("staff_note", E)?,
                source_key: row.get("source_key", E)?,
                source_record_id: row.get("source_record_id", E)?,
                imported_at: row.get("imported_at", E)?,
                content_hash: row.get("content_hash", E)?,
            },
            organization: OrganizationRow {
                id: organization_id,
                name: row.get("organization_name", "organization")?,
                url: row.get("organization_url", "organization")?,
            },
            licence: row.get("licence", "source")?,
            attribution: row.get("attribution", "source")?,
            demo: row.get("demo", "source")?,
            geocoded: row.get("geocoded_precision", "location_geocode")?,
        })
    }
}

impl FromColumns for ServiceRow {
    fn read(row: &impl Columns) -> StoreResult<Self> {
        const E: &str = "service";
        Ok(ServiceRow {
            id: row.uuid("id", E)?,
            organization_id: row.uuid("organization_id", E)?,
            location_id: row.uuid("location_id", E)?,
            position: row.get("position", E)?,
            key: row.get("key", E)?,
            name: row.get("name", E)?,
            service_type: row.get("service_type", E)?,
            age_min_years: row.get("age_min_years", E)?,
            age_max_years: row.get("age_max_years", E)?,
            accepting_new_clients: row.get("accepting_new_clients", E)?,
            respite_beds: row.get("respite_beds", E)?,
            verified_on: row.get("verified_on", E)?,
            verified_by: row.get("verified_by", E)?,
        })
    }
}

impl FromColumns for PhoneRow {
    fn read(row: &impl Columns) -> StoreResult<Self> {
        const E: &str = "phone";
        Ok(PhoneRow {
            location_id: row.uuid("location_id", E)?,
            position: row.get("position", E)?,
            number: row.get("number", E)?,
            label: row.get("label", E)?,
            visibility: row.get("visibility", E)?,
        })
    }
}

impl FromColumns for ScheduleRow {
    fn read(row: &impl Columns) -> StoreResult<Self> {
        const E: &str = "schedule";
        Ok(ScheduleRow {
            service_id: row.uuid("service_id", E)?,
            position: row.get("position", E)?,
            byday: row.get("byday", E)?,
            opens_at: row.get("opens_at", E)?,
            closes_at: row.get("closes_at", E)?,
            description: row.get("description", E)?,
        })
    }
}

impl FromColumns for CapabilityRow {
    fn read(row: &impl Columns) -> StoreResult<Self> {
        const E: &str = "service_capability";
        Ok(CapabilityRow {
            service_id: row.uuid("service_id", E)?,
            position: row.get("position", E)?,
            capability: row.get("capability", E)?,
            answer: row.get("answer", E)?,
            verified_on: row.get("verified_on", E)?,
            verified_by: row.get("verified_by", E)?,
            staff_note: row.get("staff_note", E)?,
        })
    }
}

impl FromColumns for SourceInfo {
    fn read(row: &impl Columns) -> StoreResult<Self> {
        const E: &str = "source";
        Ok(SourceInfo {
            key: row.get("key", E)?,
            name: row.get("name", E)?,
            publisher: row.get("publisher", E)?,
            licence: row.get("licence", E)?,
            attribution: row.get("attribution", E)?,
            url: row.get("url", E)?,
            demo: row.get("demo", E)?,
        })
    }
}

impl FromColumns for VerifiedRow {
    fn read(row: &impl Columns) -> StoreResult<Self> {
        const E: &str = "verified_fact";
        Ok(VerifiedRow {
            location_id: row.uuid("location_id", E)?,
            service_key: row.get("service_key", E)?,
            field: row.get("field", E)?,
            answer: row.get("answer", E)?,
            verified_on: row.get("verified_on", E)?,
            verified_by: row.get("verified_by", E)?,
            staff_note: row.get("staff_note", E)?,
        })
    }
}

impl FromColumns for AccreditationRow {
    fn read(row: &impl Columns) -> StoreResult<Self> {
        const E: &str = "hospital_accreditation";
        Ok(AccreditationRow {
            location_id: row.uuid("location_id", E)?,
            accreditation: row.get("accreditation", E)?,
            since: row.get("since", E)?,
        })
    }
}
