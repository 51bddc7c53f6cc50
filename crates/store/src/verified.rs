//! Facts a consultation desk has confirmed, and the imports that disagreed.
//!
//! Verified facts live in their own table and are laid over the imported
//! service facts when facilities are read ([`crate::rows::assemble`]), so an
//! import cannot overwrite them; an import that states something else is
//! logged as an [`ImportConflict`].

use crate::dialect::Dialect;
use crate::params::{Param, StoredId};
use crate::rows::VerifiedRow;
use crate::StoreResult;
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
const UPSERT_FACT: &str = "INSERT INTO verified_facts \
    (location_id, service_key, field, answer, verified_on, verified_by, staff_note) \
    VALUES ($1, $2, $3, $4, $5, $6, $7) \
    ON CONFLICT (location_id, service_key, field) DO UPDATE SET answer = excluded.answer, \
    verified_on = excluded.verified_on, verified_by = excluded.verified_by, staff_note = excluded.staff_note";
/// Every verified fact, in a stable order.
const SELECT_FACTS: &str = concat!(
    include_str!("sql/select_verified_facts.sql"),
    " ORDER BY location_id, service_key, field"
);
/// Logs one conflict.
const INSERT_CONFLICT: &str = "INSERT INTO import_conflicts \
    (location_id, service_key, field, imported_answer, verified_answer, verified_on, source_key, file_name, detected_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
/// The newest conflicts first.
const SELECT_CONFLICTS: &str = "SELECT location_id, service_key, field, imported_answer, \
    verified_answer, verified_on, source_key, file_name, detected_at FROM import_conflicts \
    ORDER BY detected_at DESC, id DESC LIMIT $1";

/// A row of [`SELECT_CONFLICTS`]: location id, service key, field, imported
/// answer, verified answer, verified on, source key, file name, detected at.
type ConflictRow = (
    StoredId,
    String,
    String,
    String,
    String,
    NaiveDate,
    String,
    String,
    DateTime<Utc>,
);

/// A verified fact from its stored row.
fn fact_from_row(row: VerifiedRow) -> crate::StoreResult<VerifiedFact> {
    const E: &str = "verified_fact";
    let key = row.location_id.to_string();
    Ok(VerifiedFact {
        facility: FacilityId(row.location_id),
        field: field(&row.field, E, &key)?,
        answer: answer(&row.answer, E, &key)?,
        service_key: row.service_key,
        verified: Verification {
            on: row.verified_on,
            by_organization: row.verified_by,
        },
        staff_note: row.staff_note,
    })
}

/// An import conflict from its stored row.
fn conflict_from_row(row: ConflictRow) -> crate::StoreResult<ImportConflict> {
    const E: &str = "import_conflict";
    let (
        id,
        service_key,
        field_text,
        imported,
        verified,
        verified_on,
        source_key,
        file_name,
        detected_at,
    ) = row;
    let facility = FacilityId(id.0);
    let key = facility.to_string();
    Ok(ImportConflict {
        facility,
        service_key,
        field: field(&field_text, E, &key)?,
        imported: answer(&imported, E, &key)?,
        verified: answer(&verified, E, &key)?,
        verified_on,
        source_key,
        file_name,
        detected_at,
    })
}

/// Parses a stored answer.
fn answer(text: &str, entity: &'static str, key: &str) -> crate::StoreResult<Answer> {
    Answer::parse(text).ok_or_else(|| crate::StoreError::Corrupt {
        entity,
        key: key.to_owned(),
        reason: format!("answer {text:?}"),
    })
}

/// Parses a stored field.
fn field(text: &str, entity: &'static str, key: &str) -> crate::StoreResult<VerifiedField> {
    VerifiedField::parse(text).ok_or_else(|| crate::StoreError::Corrupt {
        entity,
        key: key.to_owned(),
        reason: format!("field {text:?}"),
    })
}

/// Stores `facts` inside the transaction `conn`, replacing earlier answers
/// for the same service and field; returns how many were stored.
pub(crate) async fn upsert_facts<D: Dialect>(
    conn: &mut D::Connection,
    facts: &[VerifiedFact],
) -> StoreResult<u64> {
    let mut stored = 0;
    for fact in facts {
        let args: [&dyn Param; 7] = [
            &StoredId(fact.facility.0),
            &fact.service_key,
            &fact.field.as_str(),
            &fact.answer.as_str(),
            &fact.verified.on,
            &fact.verified.by_organization,
            &fact.staff_note,
        ];
        stored += D::execute(conn, UPSERT_FACT, &args).await?;
    }
    Ok(stored)
}

/// Every verified fact.
pub(crate) async fn facts<D: Dialect>(conn: &mut D::Connection) -> StoreResult<Vec<VerifiedFact>> {
    let rows: Vec<VerifiedRow> = D::select(conn, SELECT_FACTS, &[]).await?;
    rows.into_iter().map(fact_from_row).collect()
}

/// Logs `conflicts` inside the transaction `conn`.
pub(crate) async fn log_conflicts<D: Dialect>(
    conn: &mut D::Connection,
    conflicts: &[ImportConflict],
) -> StoreResult<()> {
    for conflict in conflicts {
        let args: [&dyn Param; 9] = [
            &StoredId(conflict.facility.0),
            &conflict.service_key,
            &conflict.field.as_str(),
            &conflict.imported.as_str(),
            &conflict.verified.as_str(),
            &conflict.verified_on,
            &conflict.source_key,
            &conflict.file_name,
            &conflict.detected_at,
        ];
        D::execute(conn, INSERT_CONFLICT, &args).await?;
    }
    Ok(())
}

/// The `limit` newest import conflicts.
pub(crate) async fn conflicts<D: Dialect>(
    conn: &mut D::Connection,
    limit: u32,
) -> StoreResult<Vec<ImportConflict>> {
    let rows: Vec<ConflictRow> = D::fetch(conn, SELECT_CONFLICTS, &[&i64::from(limit)]).await?;
    rows.into_iter().map(conflict_from_row).collect()
}
