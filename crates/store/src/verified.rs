//! Facts a consultation desk has confirmed, and the imports that disagreed.
//!
//! Verified facts live in their own table and are laid over the imported
//! service facts when facilities are read ([`crate::rows::assemble`]), so an
//! import cannot overwrite them; an import that states something else is
//! logged as an [`ImportConflict`]. The SQL is the same on both backends;
//! [`verified_for!`] expands it.

use chrono::{DateTime, NaiveDate, Utc};
use renkei_core::{Answer, CapabilityCode, FacilityId, Verification};

/// Which fact of a service was verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VerifiedField {
    /// Whether new clients are accepted.
    AcceptingNewClients,
    /// One 医療的ケア item.
    Capability(CapabilityCode),
}

impl VerifiedField {
    /// Stored text: `accepting_new_clients` or the capability code.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AcceptingNewClients => "accepting_new_clients",
            Self::Capability(code) => code.as_str(),
        }
    }

    /// Parses the stored text; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        if text == "accepting_new_clients" {
            return Some(Self::AcceptingNewClients);
        }
        CapabilityCode::new(text).ok().map(Self::Capability)
    }
}

/// One confirmed fact about one service of one facility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedFact {
    /// The facility (location).
    pub facility: FacilityId,
    /// Key of the service inside the facility (e.g. `main`).
    pub service_key: String,
    /// Which fact.
    pub field: VerifiedField,
    /// What the desk confirmed.
    pub answer: Answer,
    /// When and by which organisation.
    pub verified: Verification,
    /// Staff-only remark; never public.
    pub staff_note: Option<String>,
}

/// An import stated `imported` where a desk had verified `verified`; the
/// verified answer was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportConflict {
    /// The facility (location).
    pub facility: FacilityId,
    /// Key of the service inside the facility.
    pub service_key: String,
    /// Which fact.
    pub field: VerifiedField,
    /// What the import stated.
    pub imported: Answer,
    /// What the desk verified (and the directory keeps).
    pub verified: Answer,
    /// When the desk verified it.
    pub verified_on: NaiveDate,
    /// Source of the import.
    pub source_key: String,
    /// File of the import.
    pub file_name: String,
    /// When the import found the difference (UTC).
    pub detected_at: DateTime<Utc>,
}

/// Inserts or replaces one verified fact.
pub(crate) const UPSERT_FACT: &str = "INSERT INTO verified_facts \
    (location_id, service_key, field, answer, verified_on, verified_by, staff_note) \
    VALUES ($1, $2, $3, $4, $5, $6, $7) \
    ON CONFLICT (location_id, service_key, field) DO UPDATE SET answer = excluded.answer, \
    verified_on = excluded.verified_on, verified_by = excluded.verified_by, staff_note = excluded.staff_note";
/// Every verified fact, in a stable order.
pub(crate) const SELECT_FACTS: &str =
    "SELECT location_id, service_key, field, answer, verified_on, \
    verified_by, staff_note FROM verified_facts ORDER BY location_id, service_key, field";
/// Logs one conflict.
pub(crate) const INSERT_CONFLICT: &str = "INSERT INTO import_conflicts \
    (location_id, service_key, field, imported_answer, verified_answer, verified_on, source_key, file_name, detected_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
/// The newest conflicts first.
pub(crate) const SELECT_CONFLICTS: &str =
    "SELECT location_id, service_key, field, imported_answer, \
    verified_answer, verified_on, source_key, file_name, detected_at FROM import_conflicts \
    ORDER BY detected_at DESC, id DESC LIMIT $1";

/// Parses a stored answer.
pub(crate) fn answer(text: &str, entity: &'static str, key: &str) -> crate::StoreResult<Answer> {
    Answer::parse(text).ok_or_else(|| crate::StoreError::Corrupt {
        entity,
        key: key.to_owned(),
        reason: format!("answer {text:?}"),
    })
}

/// Parses a stored field.
pub(crate) fn field(
    text: &str,
    entity: &'static str,
    key: &str,
) -> crate::StoreResult<VerifiedField> {
    VerifiedField::parse(text).ok_or_else(|| crate::StoreError::Corrupt {
        entity,
        key: key.to_owned(),
        reason: format!("field {text:?}"),
    })
}

/// Expands the verified-fact functions for a backend: `$pool` pool type,
/// `$row` row type, `$id` turns a [`FacilityId`] into the value bound for a
/// location id; `get` and `get_uuid` for `$row` must be in scope.
macro_rules! verified_for {
    ($pool:ty, $row:ty, $id:expr) => {
        use crate::verified::{
            ImportConflict, VerifiedFact, INSERT_CONFLICT, SELECT_CONFLICTS, SELECT_FACTS,
            UPSERT_FACT,
        };
        use renkei_core::{FacilityId, Verification};

        /// Stores `facts` (replacing earlier answers for the same service and
        /// field) in one transaction; returns how many and the new data version.
        pub(crate) async fn set_verified_facts(
            pool: &$pool,
            facts: &[VerifiedFact],
        ) -> crate::StoreResult<(u64, i64)> {
            let to_id = $id;
            let mut tx = pool.begin().await?;
            let mut stored = 0;
            for fact in facts {
                stored += sqlx::query(UPSERT_FACT)
                    .bind(to_id(fact.facility))
                    .bind(&fact.service_key)
                    .bind(fact.field.as_str())
                    .bind(fact.answer.as_str())
                    .bind(fact.verified.on)
                    .bind(&fact.verified.by_organization)
                    .bind(&fact.staff_note)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            let version = super::bump_data_version(&mut tx).await?;
            tx.commit().await?;
            Ok((stored, version))
        }

        /// Every verified fact.
        pub(crate) async fn verified_facts(pool: &$pool) -> crate::StoreResult<Vec<VerifiedFact>> {
            const E: &str = "verified_fact";
            let rows = sqlx::query(SELECT_FACTS).fetch_all(pool).await?;
            rows.iter()
                .map(|row: &$row| {
                    let id = get_uuid(row, "location_id", E)?;
                    let key = id.to_string();
                    let answer: String = get(row, "answer", E)?;
                    let field: String = get(row, "field", E)?;
                    Ok(VerifiedFact {
                        facility: FacilityId(id),
                        service_key: get(row, "service_key", E)?,
                        field: crate::verified::field(&field, E, &key)?,
                        answer: crate::verified::answer(&answer, E, &key)?,
                        verified: Verification {
                            on: get(row, "verified_on", E)?,
                            by_organization: get(row, "verified_by", E)?,
                        },
                        staff_note: get(row, "staff_note", E)?,
                    })
                })
                .collect()
        }

        /// Logs `conflicts` in one transaction.
        pub(crate) async fn record_import_conflicts(
            pool: &$pool,
            conflicts: &[ImportConflict],
        ) -> crate::StoreResult<()> {
            if conflicts.is_empty() {
                return Ok(());
            }
            let to_id = $id;
            let mut tx = pool.begin().await?;
            for conflict in conflicts {
                sqlx::query(INSERT_CONFLICT)
                    .bind(to_id(conflict.facility))
                    .bind(&conflict.service_key)
                    .bind(conflict.field.as_str())
                    .bind(conflict.imported.as_str())
                    .bind(conflict.verified.as_str())
                    .bind(conflict.verified_on)
                    .bind(&conflict.source_key)
                    .bind(&conflict.file_name)
                    .bind(conflict.detected_at)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        }

        /// The `limit` newest conflicts.
        pub(crate) async fn import_conflicts(
            pool: &$pool,
            limit: u32,
        ) -> crate::StoreResult<Vec<ImportConflict>> {
            const E: &str = "import_conflict";
            let rows = sqlx::query(SELECT_CONFLICTS)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row: &$row| {
                    let id = get_uuid(row, "location_id", E)?;
                    let key = id.to_string();
                    let field: String = get(row, "field", E)?;
                    let imported: String = get(row, "imported_answer", E)?;
                    let verified: String = get(row, "verified_answer", E)?;
                    Ok(ImportConflict {
                        facility: FacilityId(id),
                        service_key: get(row, "service_key", E)?,
                        field: crate::verified::field(&field, E, &key)?,
                        imported: crate::verified::answer(&imported, E, &key)?,
                        verified: crate::verified::answer(&verified, E, &key)?,
                        verified_on: get(row, "verified_on", E)?,
                        source_key: get(row, "source_key", E)?,
                        file_name: get(row, "file_name", E)?,
                        detected_at: get(row, "detected_at", E)?,
                    })
                })
                .collect()
        }
    };
}

pub(crate) use verified_for;
