//! Writing hospital accreditations: each list replaces its own rows.
//! The SQL is the same on both backends; [`accreditations_for!`] expands it.

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

/// Expands `replace_accreditations` for a backend: `$pool` pool type, `$id`
/// turns a [`FacilityId`] into the value bound for a location id.
macro_rules! accreditations_for {
    ($pool:ty, $id:expr) => {
        use crate::accreditations::{AccreditationRecord, DELETE_SOURCE, INSERT};

        /// Replaces the rows of `source_key` with `records` in one transaction;
        /// returns how many were stored and the new data version.
        pub(crate) async fn replace_accreditations(
            pool: &$pool,
            source_key: &str,
            records: &[AccreditationRecord],
        ) -> crate::StoreResult<(u64, i64)> {
            let to_id = $id;
            let mut tx = pool.begin().await?;
            sqlx::query(DELETE_SOURCE)
                .bind(source_key)
                .execute(&mut *tx)
                .await?;
            let mut stored = 0;
            for record in records {
                stored += sqlx::query(INSERT)
                    .bind(to_id(record.facility))
                    .bind(record.code.as_str())
                    .bind(record.since)
                    .bind(source_key)
                    .bind(&record.institution_number)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            let version = super::bump_data_version(&mut tx).await?;
            tx.commit().await?;
            Ok((stored, version))
        }
    };
}

pub(crate) use accreditations_for;
