//! The audit log: one row per write, written inside the write's own
//! transaction, so a write and its audit row are committed together or not
//! at all.

use crate::dialect::Dialect;
use crate::params::Param;
use crate::StoreResult;
use chrono::{DateTime, Utc};
use renkei_core::AccountId;

/// One write as the audit log keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// When the write happened (UTC).
    pub at: DateTime<Utc>,
    /// The account that wrote; `None` for the command line's own writes.
    pub account: Option<AccountId>,
    /// The writer's organisation (or the command-line label).
    pub organisation: String,
    /// What was done, e.g. `account.add`.
    pub action: String,
    /// Kind of record written, e.g. `account`, `facility`.
    pub record_kind: String,
    /// Id of the record written.
    pub record_id: String,
    /// 二次医療圏 code of the record, for the per-region export.
    pub region: Option<String>,
    /// The record before the write, as JSON; `None` when it is new.
    pub before: Option<serde_json::Value>,
    /// The record after the write, as JSON; `None` when it was removed.
    pub after: Option<serde_json::Value>,
}

/// A stored [`AuditEntry`] with its id.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// Row id, growing with time.
    pub id: i64,
    /// The entry.
    pub entry: AuditEntry,
}

/// Which audit rows to read; every set filter must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only rows about this record kind …
    pub record_kind: Option<String>,
    /// … and this record id.
    pub record_id: Option<String>,
    /// Only rows of these 二次医療圏 codes (empty: every region and none).
    pub regions: Vec<String>,
    /// Only rows at or after this time (UTC).
    pub from: Option<DateTime<Utc>>,
    /// Only rows before this time (UTC).
    pub until: Option<DateTime<Utc>>,
}

/// Writes `entry` inside the transaction `conn`.
pub(crate) async fn write<D: Dialect>(
    conn: &mut D::Connection,
    entry: &AuditEntry,
) -> StoreResult<()> {
    let sql = "INSERT INTO audit_log (at, account_id, organisation, action, record_kind, \
        record_id, region_code, before_json, after_json) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    let account = entry.account.map(|id| id.0);
    let before = entry.before.as_ref().map(serde_json::Value::to_string);
    let after = entry.after.as_ref().map(serde_json::Value::to_string);
    let args: [&dyn Param; 9] = [
        &entry.at,
        &account,
        &entry.organisation.as_str(),
        &entry.action.as_str(),
        &entry.record_kind.as_str(),
        &entry.record_id.as_str(),
        &entry.region.as_deref(),
        &before.as_deref(),
        &after.as_deref(),
    ];
    D::execute(conn, sql, &args).await?;
    Ok(())
}

/// The columns of an audit row, in [`read`]'s order.
type AuditRow = (
    i64,
    DateTime<Utc>,
    Option<i64>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The rows `filter` selects, oldest first.
pub(crate) async fn read<D: Dialect>(
    conn: &mut D::Connection,
    filter: &AuditFilter,
) -> StoreResult<Vec<AuditRecord>> {
    // Unset filters bind NULL, so the statement is one text for every filter.
    let sql = "SELECT id, at, account_id, organisation, action, record_kind, record_id, \
        region_code, before_json, after_json FROM audit_log \
        WHERE ($1 IS NULL OR record_kind = $1) AND ($2 IS NULL OR record_id = $2) \
        AND ($3 IS NULL OR at >= $3) AND ($4 IS NULL OR at < $4) ORDER BY id";
    let args: [&dyn Param; 4] = [
        &filter.record_kind.as_deref(),
        &filter.record_id.as_deref(),
        &filter.from,
        &filter.until,
    ];
    let rows: Vec<AuditRow> = D::fetch(conn, sql, &args).await?;
    // Few rows per period: the region filter is applied here, once for both databases.
    let in_regions = |region: &Option<String>| {
        filter.regions.is_empty() || region.as_ref().is_some_and(|r| filter.regions.contains(r))
    };
    Ok(rows
        .into_iter()
        .filter(|row| in_regions(&row.7))
        .map(|row| {
            let (id, at, account, organisation, action, kind, record_id, region, before, after) =
                row;
            let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
            AuditRecord {
                id,
                entry: AuditEntry {
                    at,
                    account: account.map(AccountId),
                    organisation,
                    action,
                    record_kind: kind,
                    record_id,
                    region,
                    before: json(before),
                    after: json(after),
                },
            }
        })
        .collect())
}
