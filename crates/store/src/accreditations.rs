//! Hospital accreditations: each list replaces its own rows.

use crate::dialect::Dialect;
use crate::params::StoredId;
use crate::StoreResult;
use chrono::NaiveDate;
use renkei_core::{AccreditationCode, FacilityId};

/// One accreditation of one directory hospital, as matched from a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccreditationRecord {
    /// The hospital (location) it belongs to.
    pub facility: FacilityId,
    /// Which accreditation.
    pub code: AccreditationCode,
    /// 算定開始年月日, when stated.
    pub since: Option<NaiveDate>,
    /// 医療機関番号 as the list gives it.
    pub institution_number: String,
}

/// Deletes the rows of one source (`$1`).
pub(crate) const DELETE_SOURCE: &str = "DELETE FROM hospital_accreditations WHERE source_key = $1";
/// Inserts one row; a second list naming the same accreditation keeps the first.
pub(crate) const INSERT: &str = "INSERT INTO hospital_accreditations \
     (location_id, accreditation, since, source_key, institution_number) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (location_id, accreditation) DO NOTHING";

/// Replaces the rows of `source_key` with `records` inside the transaction
/// `conn`; returns how many were stored.
pub(crate) async fn replace<D: Dialect>(
    conn: &mut D::Connection,
    source_key: &str,
    records: &[AccreditationRecord],
) -> StoreResult<u64> {
    D::execute(conn, DELETE_SOURCE, &[&source_key]).await?;
    let mut stored = 0;
    for record in records {
        let args: [&dyn crate::params::Param; 5] = [
            &StoredId(record.facility.0),
            &record.code.as_str(),
            &record.since,
            &source_key,
            &record.institution_number,
        ];
        stored += D::execute(conn, INSERT, &args).await?;
    }
    Ok(stored)
}
