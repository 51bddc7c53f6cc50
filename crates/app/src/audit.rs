//! The audit log of writes: [`record`] makes the one [`AuditEntry`] a write
//! command hands to the store, which writes it inside the command's own
//! transaction; [`history`] and [`csv_export`] read it back.

use crate::actor::Actor;
use crate::{AppError, AppResult};
use chrono::{DateTime, Utc};
use renkei_core::spreadsheet::spreadsheet_safe;
use renkei_store::{AuditEntry, AuditFilter, AuditRecord, Store};
use serde::Serialize;

/// The record a write changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    /// Kind of record, e.g. `account`, `facility`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// Its 二次医療圏 code, when it has one (for the per-region export).
    pub region: Option<String>,
}

/// The audit entry of one write by `actor`: `action` (e.g. `account.add`)
/// on `record`, with the record before and after as JSON (`None` when it is
/// new or removed). Staff-only facts may be in `before`/`after`: the audit
/// log is read by staff only.
pub fn record<T: Serialize>(
    actor: &Actor,
    action: &str,
    record: RecordRef,
    before: Option<&T>,
    after: Option<&T>,
) -> AuditEntry {
    let json = |value: Option<&T>| value.and_then(|v| serde_json::to_value(v).ok());
    AuditEntry {
        at: Utc::now(),
        account: actor.stored_account(),
        organisation: actor.organisation.clone(),
        action: action.to_owned(),
        record_kind: record.kind.to_owned(),
        record_id: record.id,
        region: record.region,
        before: json(before),
        after: json(after),
    }
}

/// Every audit row of one record, oldest first.
pub async fn history(store: &dyn Store, kind: &str, id: &str) -> AppResult<Vec<AuditRecord>> {
    let filter = AuditFilter {
        record_kind: Some(kind.to_owned()),
        record_id: Some(id.to_owned()),
        ..AuditFilter::default()
    };
    Ok(store.audit_log(&filter).await?)
}

/// An audit export: the rows of some 二次医療圏 in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditExport {
    /// 二次医療圏 codes; empty for every region (admins only).
    pub regions: Vec<String>,
    /// From this time (UTC), inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Until this time (UTC), exclusive.
    pub until: Option<DateTime<Utc>>,
}

/// Header of the audit CSV.
const CSV_HEADER: [&str; 10] = [
    "id",
    "日時 (UTC)",
    "アカウント",
    "組織",
    "操作",
    "種別",
    "レコード",
    "二次医療圏",
    "変更前",
    "変更後",
];

/// The rows `export` selects as CSV: UTF-8 with a BOM (so spreadsheets read
/// it as UTF-8), every cell through [`spreadsheet_safe`].
pub async fn csv_export(store: &dyn Store, export: &AuditExport) -> AppResult<Vec<u8>> {
    let filter = AuditFilter {
        regions: export.regions.clone(),
        from: export.from,
        until: export.until,
        ..AuditFilter::default()
    };
    let rows = store.audit_log(&filter).await?;
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let csv_error = |e: csv::Error| AppError::Csv(e.to_string());
        writer.write_record(CSV_HEADER).map_err(csv_error)?;
        for row in rows {
            let e = row.entry;
            let json =
                |value: Option<serde_json::Value>| value.map(|v| v.to_string()).unwrap_or_default();
            let cells = [
                row.id.to_string(),
                e.at.to_rfc3339(),
                e.account.map(|a| a.to_string()).unwrap_or_default(),
                e.organisation,
                e.action,
                e.record_kind,
                e.record_id,
                e.region.unwrap_or_default(),
                json(e.before),
                json(e.after),
            ];
            writer
                .write_record(cells.map(spreadsheet_safe))
                .map_err(csv_error)?;
        }
        writer.flush().map_err(|e| AppError::Csv(e.to_string()))?;
    }
    Ok(out)
}
