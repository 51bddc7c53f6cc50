//! Marking records closed when a newer complete file of their source no longer
//! lists them. Closed records are kept (with the date), never deleted.

/// Closes the active locations of source `$1` that are not in the id list `$2`,
/// as of date `$3`. The content hash is cleared so that a record which comes
/// back in a later file counts as updated and is opened again.
macro_rules! closing_for {
    ($pool:ty, $not_in:literal, $ids:expr) => {
        use crate::StoreResult;
        use chrono::NaiveDate;
        use renkei_core::FacilityId;

        /// Closes what `present` does not list; returns how many were closed and,
        /// when any were, the new data version.
        pub(crate) async fn close_missing(
            pool: &$pool,
            source_key: &str,
            present: &[FacilityId],
            on: NaiveDate,
        ) -> StoreResult<(u64, Option<i64>)> {
            let to_ids = $ids;
            let mut tx = pool.begin().await?;
            let closed = sqlx::query(concat!(
                "UPDATE locations SET status = 'closed', closed_on = $3, content_hash = '' \
                 WHERE source_key = $1 AND status = 'active' AND ",
                $not_in
            ))
            .bind(source_key)
            .bind(to_ids(present))
            .bind(on)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let version = if closed > 0 {
                Some(super::bump_data_version(&mut tx).await?)
            } else {
                None
            };
            tx.commit().await?;
            Ok((closed, version))
        }
    };
}

pub(crate) use closing_for;
