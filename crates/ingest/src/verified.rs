//! Facts a consultation desk has confirmed (確認済み), kept as a spreadsheet:
//! one row per facility, service and item, e.g. 「架空ひまわり訪問看護ステーション
//! は人工呼吸器の子に対応可、2026-11-20 茅ヶ崎保健福祉事務所が確認」.
//!
//! Rows name the facility by its renkei id (施設ID, as the API and CSV export
//! give it) or by source and source id (出典, 出典ID). Imports of official
//! lists never overwrite these facts; [`conflicts`] lists where a list says
//! otherwise.

use crate::facility_ref::FacilityColumns;
use crate::table::{ColumnSpec, Row, RowError, Table};
use crate::IngestResult;
use chrono::{DateTime, NaiveDate, Utc};
use renkei_core::normalize::fold;
use renkei_core::{Answer, Facility, FacilityId, Taxonomy, Verification};
use renkei_store::{ImportConflict, VerifiedFact, VerifiedField};
use std::collections::HashMap;

const SERVICE: ColumnSpec = ColumnSpec {
    aliases: &["サービス", "service"],
    required: false,
};
const FIELD: ColumnSpec = ColumnSpec {
    aliases: &["項目", "field"],
    required: true,
};
const ANSWER: ColumnSpec = ColumnSpec {
    aliases: &["回答", "answer"],
    required: true,
};
const VERIFIED_ON: ColumnSpec = ColumnSpec {
    aliases: &["確認日", "verified_on"],
    required: true,
};
const VERIFIED_BY: ColumnSpec = ColumnSpec {
    aliases: &["確認機関", "verified_by"],
    required: true,
};
const NOTE: ColumnSpec = ColumnSpec {
    aliases: &["備考", "staff_note"],
    required: false,
};

/// Words for "accepting new clients" in the 項目 column.
const ACCEPTING_WORDS: [&str; 4] = ["accepting_new_clients", "新規受入", "受入", "新規受け入れ"];

/// Parses a verified-facts sheet against the stored `facilities`. Rows that
/// name no stored facility, an unknown service or item, or an unreadable
/// answer or date are rejected alone with the reason.
pub fn parse(
    table: &Table,
    facilities: &[Facility],
    today: NaiveDate,
) -> IngestResult<(Vec<VerifiedFact>, Vec<RowError>)> {
    let names = FacilityColumns::find(table)?;
    let [service, field, answer, on, by, note] =
        table.columns([SERVICE, FIELD, ANSWER, VERIFIED_ON, VERIFIED_BY, NOTE])?;
    let columns = Columns {
        names,
        service,
        field,
        answer,
        on,
        by,
        note,
    };
    let by_id: HashMap<FacilityId, &Facility> = facilities.iter().map(|f| (f.id, f)).collect();
    let mut facts: Vec<(u64, VerifiedFact)> = Vec::new();
    let mut errors: Vec<RowError> = table.refused().cloned().collect();
    for row in table.rows() {
        match columns.fact(&row, &by_id, today) {
            Ok(fact) => facts.push((row.line(), fact)),
            Err(error) => errors.push(error),
        }
    }
    let facts = reject_duplicates(table.file(), facts, &mut errors);
    errors.sort_by_key(|e| e.line);
    Ok((facts, errors))
}

/// Facts stated twice for one facility, service and item: neither row wins
/// silently. Both are rejected, each naming the other's line, so the desk
/// decides which answer stands.
fn reject_duplicates(
    file: &str,
    facts: Vec<(u64, VerifiedFact)>,
    errors: &mut Vec<RowError>,
) -> Vec<VerifiedFact> {
    let key = |f: &VerifiedFact| {
        (
            f.facility,
            f.service_key.clone(),
            f.field.as_str().to_owned(),
        )
    };
    let mut lines: HashMap<_, Vec<u64>> = HashMap::new();
    for (line, fact) in &facts {
        lines.entry(key(fact)).or_default().push(*line);
    }
    let mut kept = Vec::with_capacity(facts.len());
    for (line, fact) in facts {
        let same = &lines[&key(&fact)];
        if same.len() == 1 {
            kept.push(fact);
            continue;
        }
        let others: Vec<String> = same
            .iter()
            .filter(|l| **l != line)
            .map(ToString::to_string)
            .collect();
        errors.push(RowError {
            file: file.to_owned(),
            line,
            field: "項目".into(),
            value: fact.field.as_str().to_owned(),
            reason: format!(
                "the same facility, service and item are also on line {}; neither row was stored: keep one and import again",
                others.join(", ")
            ),
        });
    }
    kept
}

/// Column positions of a verified-facts sheet.
struct Columns {
    names: FacilityColumns,
    service: Option<usize>,
    field: Option<usize>,
    answer: Option<usize>,
    on: Option<usize>,
    by: Option<usize>,
    note: Option<usize>,
}

impl Columns {
    fn fact(
        &self,
        row: &Row<'_>,
        by_id: &HashMap<FacilityId, &Facility>,
        today: NaiveDate,
    ) -> Result<VerifiedFact, RowError> {
        let id = self.names.id_of(row)?;
        let facility = by_id.get(&id).ok_or_else(|| {
            self.names
                .error(row, "no facility with this id is in the directory")
        })?;
        let service_key = match row.get(self.service) {
            Some(key) if facility.services.iter().any(|s| s.key == key) => key.to_owned(),
            Some(key) => {
                return Err(row.error(
                    self.service,
                    key,
                    format!(
                        "{} has no service {key}; it has: {}",
                        facility.name,
                        service_keys(facility)
                    ),
                ))
            }
            None if facility.services.len() == 1 => facility.services[0].key.clone(),
            None => {
                return Err(row.error(
                    self.service,
                    "",
                    format!(
                        "{} has {} services: name one in サービス ({})",
                        facility.name,
                        facility.services.len(),
                        service_keys(facility)
                    ),
                ))
            }
        };
        let field_text = row.get(self.field).unwrap_or_default();
        let field = parse_field(field_text).ok_or_else(|| {
            row.error(
                self.field,
                field_text,
                "not a 医療的ケア item (e.g. 人工呼吸器 or ventilator) nor 新規受入",
            )
        })?;
        let answer_text = row.get(self.answer).unwrap_or_default();
        let answer = parse_answer(answer_text).ok_or_else(|| {
            row.error(
                self.answer,
                answer_text,
                "answer with 対応可, 対応不可 or 要確認",
            )
        })?;
        let on_text = row.get(self.on).unwrap_or_default();
        let on = parse_date(on_text).filter(|d| *d <= today).ok_or_else(|| {
            row.error(
                self.on,
                on_text,
                "a date such as 2026-11-20, not in the future",
            )
        })?;
        let organization = row.get(self.by).ok_or_else(|| {
            row.error(
                self.by,
                "",
                "name the organisation that confirmed it (never a person)",
            )
        })?;
        Ok(VerifiedFact {
            facility: facility.id,
            service_key,
            field,
            answer,
            verified: Verification {
                on,
                by_organization: organization.to_owned(),
            },
            staff_note: row.get(self.note).map(str::to_owned),
        })
    }
}

fn service_keys(facility: &Facility) -> String {
    if facility.services.is_empty() {
        return "none".into();
    }
    facility
        .services
        .iter()
        .map(|s| s.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_field(text: &str) -> Option<VerifiedField> {
    let folded = fold(text);
    if ACCEPTING_WORDS.iter().any(|word| fold(word) == folded) {
        return Some(VerifiedField::AcceptingNewClients);
    }
    Taxonomy::builtin()
        .capability_codes()
        .find(|code| {
            let term = code.term();
            code.as_str() == text || fold(&term.ja) == folded || fold(&term.en) == folded
        })
        .map(VerifiedField::Capability)
}

fn parse_answer(text: &str) -> Option<Answer> {
    match fold(text).as_str() {
        "対応可" | "可" | "○" | "〇" | "yes" | "はい" => Some(Answer::Yes),
        "対応不可" | "不可" | "×" | "no" | "いいえ" => Some(Answer::No),
        "要確認" | "不明" | "unknown" => Some(Answer::Unknown),
        other => Answer::parse(other),
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
}

/// Where `facilities` (one file's records) state an answer other than a
/// verified fact: the verified answer is kept and each difference listed.
/// An import that states nothing (unknown) never conflicts.
pub fn conflicts(
    verified: &[VerifiedFact],
    facilities: &[Facility],
    source_key: &str,
    file_name: &str,
    now: DateTime<Utc>,
) -> Vec<ImportConflict> {
    let by_id: HashMap<FacilityId, &Facility> = facilities.iter().map(|f| (f.id, f)).collect();
    verified
        .iter()
        .filter_map(|fact| {
            let facility = by_id.get(&fact.facility)?;
            let service = facility
                .services
                .iter()
                .find(|s| s.key == fact.service_key)?;
            let imported = match &fact.field {
                VerifiedField::AcceptingNewClients => service.accepting_new_clients,
                VerifiedField::Capability(code) => service.capability(code),
            };
            (imported != Answer::Unknown && imported != fact.answer).then(|| ImportConflict {
                facility: fact.facility,
                service_key: fact.service_key.clone(),
                field: fact.field.clone(),
                imported,
                verified: fact.answer,
                verified_on: fact.verified.on,
                source_key: source_key.to_owned(),
                file_name: file_name.to_owned(),
                detected_at: now,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_items_read_the_way_desks_write_them() {
        assert_eq!(parse_answer("対応可"), Some(Answer::Yes));
        assert_eq!(parse_answer("×"), Some(Answer::No));
        assert_eq!(parse_answer("要確認"), Some(Answer::Unknown));
        assert_eq!(parse_answer("たぶん"), None);
        assert_eq!(
            parse_field("人工呼吸器").map(|f| f.as_str().to_owned()),
            Some("ventilator".to_owned())
        );
        assert_eq!(
            parse_field("新規受入"),
            Some(VerifiedField::AcceptingNewClients)
        );
        assert_eq!(parse_field("空を飛ぶ"), None);
        assert_eq!(
            parse_date("2026/11/20"),
            NaiveDate::from_ymd_opt(2026, 11, 20)
        );
        assert_eq!(
            parse_date("2026年11月20日"),
            NaiveDate::from_ymd_opt(2026, 11, 20)
        );
    }
}
