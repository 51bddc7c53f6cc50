//! 地方厚生局 保険医療機関・保険薬局の指定一覧 (医科): every insurance-designated
//! hospital and clinic with its 医療機関番号 and address, but no coordinates.
//!
//! Rows that are hospitals already in the directory (from 医療情報ネット) are
//! linked to them by normalised name and address rather than stored twice; the
//! rest are placed with the offline geocoder (町丁目 or municipality precision).

use crate::draft::{FacilityDraft, ServiceDraft};
use crate::parse::ParsedRows;
use crate::table::{ColumnSpec, Table};
use crate::IngestResult;
use renkei_core::normalize::{fold, fold_address};
use renkei_core::{Facility, FacilityId, KindCode, PrefectureCode};

const CODE: ColumnSpec = ColumnSpec {
    aliases: &["医療機関コード(都道府県+医療機関番号)", "医療機関コード"],
    required: false,
};
const NUMBER: ColumnSpec = ColumnSpec {
    aliases: &["医療機関番号"],
    required: true,
};
const NAME: ColumnSpec = ColumnSpec {
    aliases: &["医療機関名称"],
    required: true,
};
const POSTAL: ColumnSpec = ColumnSpec {
    aliases: &["郵便番号", "医療機関所在地（郵便番号）"],
    required: false,
};
const ADDRESS: ColumnSpec = ColumnSpec {
    aliases: &["医療機関所在地", "医療機関所在地（住所）"],
    required: true,
};
const PHONE: ColumnSpec = ColumnSpec {
    aliases: &["電話番号"],
    required: false,
};
const PREFECTURE: ColumnSpec = ColumnSpec {
    aliases: &["都道府県コード"],
    required: false,
};

/// Rows of one bureau list as drafts without positions. `prefecture` is used
/// when the file has neither a 9-digit code nor a 都道府県コード column.
pub fn parse(table: &Table, prefecture: Option<&PrefectureCode>) -> IngestResult<ParsedRows> {
    let [code, number, name, postal, address, phone, prefecture_column] =
        table.columns([CODE, NUMBER, NAME, POSTAL, ADDRESS, PHONE, PREFECTURE])?;
    let mut parsed = ParsedRows::default();
    for row in table.rows() {
        let number_text = row.get(number).unwrap_or_default();
        let prefecture_text = row
            .get(code)
            .and_then(|c| c.get(..2))
            .or_else(|| row.get(prefecture_column))
            .or(prefecture.map(PrefectureCode::as_str));
        let Some(pref) = prefecture_text.and_then(|p| PrefectureCode::new(format!("{p:0>2}")).ok())
        else {
            parsed.rejected.push(row.error(
                code,
                row.get(code).unwrap_or_default(),
                "the prefecture cannot be told; pass it with --prefecture",
            ));
            continue;
        };
        if number_text.len() != 7 || !number_text.bytes().all(|b| b.is_ascii_digit()) {
            parsed
                .rejected
                .push(row.error(number, number_text, "医療機関番号 must be 7 digits"));
            continue;
        }
        let record_id = format!("{}{number_text}", pref.as_str());
        // Read after the id, so that a listed row with a blank name still
        // keeps its record from being closed as no longer listed.
        let Some(facility_name) = row.get(name) else {
            parsed.reject_listed(&record_id, row.error(name, "", "医療機関名称 is empty"));
            continue;
        };
        let raw_address = row.get(address).unwrap_or_default();
        let full_address = if raw_address.starts_with(pref.name()) {
            raw_address.to_owned()
        } else {
            format!("{}{raw_address}", pref.name())
        };
        let is_hospital = facility_name.contains("病院") || facility_name.contains("ホスピタル");
        let kind = if is_hospital { "hospital" } else { "clinic" };
        parsed.drafts.push(FacilityDraft {
            source_line: row.line(),
            record_id,
            kind: KindCode::new(kind).expect("hospital and clinic are in the taxonomy"),
            name: facility_name.to_owned(),
            name_kana: None,
            organization: None,
            organization_url: None,
            address: full_address,
            postal_code: row
                .get(postal)
                .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
                .filter(|p| p.len() == 7),
            municipality: None,
            position: None,
            phones: row
                .get(phone)
                .map(|p| (p.to_owned(), Some("代表".to_owned())))
                .into_iter()
                .collect(),
            url: None,
            services: vec![ServiceDraft {
                key: "main".to_owned(),
                name: if is_hospital { "病院" } else { "診療所" }.to_owned(),
                service_type: None,
                respite_beds: None,
                schedules: Vec::new(),
            }],
        });
    }
    Ok(parsed)
}

/// Splits `facilities` into those that are not yet in `existing` and links
/// (bureau record id → existing hospital id) for those that are: hospitals
/// from 医療情報ネット are not stored twice.
pub fn link(
    facilities: Vec<Facility>,
    existing: &[Facility],
) -> (Vec<Facility>, Vec<(String, FacilityId)>) {
    let hospitals = HospitalIndex::new(existing);
    let mut kept = Vec::with_capacity(facilities.len());
    let mut linked = Vec::new();
    for facility in facilities {
        match hospitals.find(&facility.name, &facility.location.address) {
            Some(hospital) if hospital.provenance.source != facility.provenance.source => {
                linked.push((facility.provenance.source_record_id.clone(), hospital.id));
            }
            _ => kept.push(facility),
        }
    }
    (kept, linked)
}

/// The hospitals of a directory, keyed for matching rows of other lists to them.
pub struct HospitalIndex<'a> {
    hospitals: Vec<(String, String, &'a Facility)>,
}

impl<'a> HospitalIndex<'a> {
    /// Indexes the hospitals (and core hospitals) among `existing`.
    pub fn new(existing: &'a [Facility]) -> Self {
        Self {
            hospitals: existing
                .iter()
                .filter(|f| matches!(f.kind.as_str(), "hospital" | "core_hospital"))
                .map(|f| (fold(&f.name), fold_address(&f.location.address), f))
                .collect(),
        }
    }

    /// The hospital a row with this name and address (prefecture first) denotes, if any:
    /// the same address with names ending alike, or else — for a hospital whose
    /// street address is written differently (字 names, a move) — one name ending
    /// with the whole other name within the same municipality.
    pub fn find(&self, name: &str, address: &str) -> Option<&'a Facility> {
        let (name_key, address_key) = (fold(name), fold_address(address));
        let same_address = self.hospitals.iter().find(|(name, address, _)| {
            (address.starts_with(&address_key) || address_key.starts_with(address.as_str()))
                && common_tail(name, &name_key)
                    >= SAME_NAME_TAIL
                        .min(name.chars().count())
                        .min(name_key.chars().count())
        });
        let same_town = || {
            let municipality = municipality_part(&address_key);
            self.hospitals.iter().find(|(name, address, _)| {
                let shorter = name.chars().count().min(name_key.chars().count());
                shorter >= SAME_NAME_TAIL
                    && common_tail(name, &name_key) == shorter
                    && municipality_part(address) == municipality
            })
        };
        same_address
            .or_else(same_town)
            .map(|(_, _, facility)| *facility)
    }
}

/// Characters two names must share at their end to be one hospital.
pub const SAME_NAME_TAIL: usize = 4;

/// The prefecture and municipality at the start of a folded address, up to the
/// first 市, 町 or 村 (and a following ward ending in 区): 神奈川県三浦郡葉山町,
/// 神奈川県横浜市鶴見区.
fn municipality_part(address_key: &str) -> &str {
    let Some(end) = address_key
        .char_indices()
        .find(|(_, c)| matches!(c, '市' | '町' | '村'))
        .map(|(i, c)| i + c.len_utf8())
    else {
        return address_key;
    };
    let ward = address_key[end..]
        .char_indices()
        .take(5)
        .find(|(_, c)| *c == '区')
        .map(|(i, c)| end + i + c.len_utf8());
    &address_key[..ward.unwrap_or(end)]
}

/// Number of characters `a` and `b` share at their end.
fn common_tail(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_get_prefecture_kind_and_postal_code() {
        let text = "医療機関コード(都道府県+医療機関番号),医療機関番号,医療機関名称,郵便番号,医療機関所在地\n\
            149999991,9999991,架空こどもクリニック,2530000,茅ヶ崎市架空町１－１\n\
            149999992,9999992,架空記念病院,253-0001,茅ヶ崎市架空町２－２\n\
            149999993,99,架空医院,,茅ヶ崎市架空町３\n\
            149999994,9999994,,,茅ヶ崎市架空町４\n";
        let parsed = parse(&Table::parse("bureau.csv", text).unwrap(), None).unwrap();
        assert_eq!(parsed.drafts.len(), 2);
        assert_eq!(parsed.drafts[0].address, "神奈川県茅ヶ崎市架空町１－１");
        assert_eq!(parsed.drafts[0].kind.as_str(), "clinic");
        assert_eq!(parsed.drafts[1].kind.as_str(), "hospital");
        assert_eq!(parsed.drafts[1].postal_code.as_deref(), Some("2530001"));
        assert_eq!(parsed.rejected[0].field, "医療機関番号");
        // A blank name is rejected, but the row is still listed: its record
        // must not be closed as missing.
        assert_eq!(parsed.rejected[1].field, "医療機関名称");
        assert_eq!(parsed.rejected_ids, ["149999994"]);
    }
}
