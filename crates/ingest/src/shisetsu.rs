//! 地方厚生局 施設基準の届出受理医療機関名簿: which hospitals hold accreditations
//! such as NICU, GCU, PICU and 小児入院医療管理料1–5. Rows are matched to the
//! directory's hospitals by normalised name and address; unmatched rows are
//! reported, never guessed.

use crate::hoken::HospitalIndex;
use crate::limits::Limits;
use crate::table::{ColumnSpec, RowError, Table};
use crate::IngestResult;
use chrono::NaiveDate;
use renkei_core::{AccreditationCode, Facility, FacilityId, PrefectureCode, Taxonomy};

const NOTIFICATION: ColumnSpec = ColumnSpec {
    aliases: &["受理届出名称"],
    required: true,
};
const NUMBER: ColumnSpec = ColumnSpec {
    aliases: &["医療機関番号"],
    required: true,
};
const NAME: ColumnSpec = ColumnSpec {
    aliases: &["医療機関名称"],
    required: true,
};
const ADDRESS: ColumnSpec = ColumnSpec {
    aliases: &["医療機関所在地（住所）"],
    required: true,
};
const PREFECTURE: ColumnSpec = ColumnSpec {
    aliases: &["都道府県コード"],
    required: true,
};
const SINCE: ColumnSpec = ColumnSpec {
    aliases: &["算定開始年月日"],
    required: false,
};

/// One accreditation of one institution as the list states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccreditationRow {
    /// Line of its first row in the file.
    pub line: u64,
    /// 医療機関番号 (7 digits).
    pub institution_number: String,
    /// 医療機関名称.
    pub name: String,
    /// Address with the prefecture prepended.
    pub address: String,
    /// Which accreditation.
    pub accreditation: AccreditationCode,
    /// 算定開始年月日, when stated.
    pub since: Option<NaiveDate>,
}

/// The accreditations of one file. The 備考 sub-rows that repeat an
/// institution's accreditation are folded into one; notifications renkei does
/// not list (adult-only items) are skipped.
pub fn parse(table: &Table) -> IngestResult<(Vec<AccreditationRow>, Vec<RowError>)> {
    let [notification, number, name, address, prefecture, since] =
        table.columns([NOTIFICATION, NUMBER, NAME, ADDRESS, PREFECTURE, SINCE])?;
    let mut rows: Vec<AccreditationRow> = Vec::new();
    let mut rejected: Vec<RowError> = table.refused().cloned().collect();
    for row in table.rows() {
        let Some(accreditation) = row
            .get(notification)
            .and_then(|n| Taxonomy::builtin().accreditation_by_label(n))
        else {
            continue;
        };
        let (Some(institution_number), Some(institution)) = (row.get(number), row.get(name)) else {
            rejected.push(row.error(
                number,
                row.get(number).unwrap_or_default(),
                "医療機関番号 and 医療機関名称 are needed",
            ));
            continue;
        };
        let Some(pref) = row
            .get(prefecture)
            .and_then(|p| PrefectureCode::new(format!("{p:0>2}")).ok())
        else {
            rejected.push(row.error(
                prefecture,
                row.get(prefecture).unwrap_or_default(),
                "is not a prefecture code",
            ));
            continue;
        };
        if rows
            .iter()
            .any(|r| r.institution_number == institution_number && r.accreditation == accreditation)
        {
            continue;
        }
        let raw_address = row.get(address).unwrap_or_default();
        let since_date = match row.get(since) {
            Some(text) => {
                let date = japanese_date(text);
                if date.is_none() {
                    rejected.push(row.error(
                        since,
                        text,
                        "is not a date such as 令和6年10月1日; the accreditation is stored without its start date",
                    ));
                }
                date
            }
            None => None,
        };
        rows.push(AccreditationRow {
            line: row.line(),
            institution_number: institution_number.to_owned(),
            name: institution.to_owned(),
            address: if raw_address.starts_with(pref.name()) {
                raw_address.to_owned()
            } else {
                format!("{}{raw_address}", pref.name())
            },
            accreditation,
            since: since_date,
        });
    }
    Ok((rows, rejected))
}

/// Accreditation rows matched to directory hospitals, and the rows that match none.
pub fn match_hospitals(
    rows: Vec<AccreditationRow>,
    existing: &[Facility],
) -> (Vec<(FacilityId, AccreditationRow)>, Vec<AccreditationRow>) {
    let index = HospitalIndex::new(existing);
    let mut matched = Vec::new();
    let mut unmatched = Vec::new();
    for row in rows {
        match index.find(&row.name, &row.address) {
            Some(hospital) => matched.push((hospital.id, row)),
            None => unmatched.push(row),
        }
    }
    (matched, unmatched)
}

/// Reads a Japanese-era date such as 「令和 6年10月 1日」 or 「平成30年 4月 1日」.
///
/// ```
/// use renkei_ingest::shisetsu::japanese_date;
/// assert_eq!(japanese_date("令和 6年10月 1日"), chrono::NaiveDate::from_ymd_opt(2024, 10, 1));
/// assert_eq!(japanese_date("平成元年 4月 1日"), chrono::NaiveDate::from_ymd_opt(1989, 4, 1));
/// ```
pub fn japanese_date(text: &str) -> Option<NaiveDate> {
    let folded: String = renkei_core::normalize::fold(text).replace("元年", "1年");
    let (offset, rest) = [("令和", 2018), ("平成", 1988), ("昭和", 1925)]
        .iter()
        .find_map(|(era, offset)| folded.strip_prefix(era).map(|rest| (*offset, rest)))?;
    let mut numbers = rest
        .split(['年', '月', '日'])
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().ok());
    let (year, month, day) = (numbers.next()??, numbers.next()??, numbers.next()??);
    NaiveDate::from_ymd_opt(offset + i32::try_from(year).ok()?, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_rows_fold_and_adult_items_are_skipped() {
        let text = "項番,都道府県コード,都道府県名,受理届出名称,医療機関番号,医療機関名称,医療機関所在地（住所）,算定開始年月日\n\
            1,14,神奈川県,小児入院医療管理料２,9999991,架空こども病院,茅ヶ崎市架空町１－１,令和 6年10月 1日\n\
            1,14,神奈川県,小児入院医療管理料２,9999991,架空こども病院,茅ヶ崎市架空町１－１,令和 6年10月 1日\n\
            2,14,神奈川県,救命救急入院料１,9999991,架空こども病院,茅ヶ崎市架空町１－１,令和 6年10月 1日\n";
        let (rows, rejected) = parse(&Table::parse("k.csv", text).unwrap()).unwrap();
        assert!(rejected.is_empty());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].accreditation.as_str(), "pediatric_inpatient_2");
        assert_eq!(rows[0].address, "神奈川県茅ヶ崎市架空町１－１");
        assert_eq!(rows[0].since, NaiveDate::from_ymd_opt(2024, 10, 1));
    }
}

/// Source key under which accreditation rows are stored.
pub const SOURCE_KEY: &str = "kouseikyoku-shisetsu-kijun";

/// What importing one accreditation list did.
#[derive(Debug)]
pub struct ShisetsuReport {
    /// Accreditations read (after folding 備考 sub-rows).
    pub read: usize,
    /// Accreditations stored on directory hospitals.
    pub stored: u64,
    /// Rows whose institution matches no directory hospital: reported, not guessed.
    pub unmatched: Vec<AccreditationRow>,
    /// Rows rejected (or, for an unreadable date, stored without it), with reasons.
    pub rejected: Vec<RowError>,
}

/// Reads a 届出受理医療機関名簿 file, matches its rows to the stored hospitals
/// and replaces the stored accreditations of this source in one transaction.
pub async fn import_list(
    store: &dyn renkei_store::Store,
    file: &str,
    bytes: &[u8],
) -> IngestResult<ShisetsuReport> {
    let started_at = chrono::Utc::now();
    let (mut rows, mut rejected) = (Vec::new(), Vec::new());
    for table in crate::table::read_tables(file, bytes, &[".csv"], &Limits::default())? {
        let (more, bad) = parse(&table)?;
        rows.extend(more);
        rejected.extend(bad);
    }
    let read = rows.len();
    let store_error = |source| crate::IngestError::Store {
        file: file.to_owned(),
        source,
    };
    let hospitals = store.all_facilities().await.map_err(store_error)?;
    let (matched, unmatched) = match_hospitals(rows, &hospitals);
    let records: Vec<renkei_store::AccreditationRecord> = matched
        .into_iter()
        .map(|(facility, row)| renkei_store::AccreditationRecord {
            facility,
            code: row.accreditation,
            since: row.since,
            institution_number: row.institution_number,
        })
        .collect();
    let log = renkei_store::RunLog {
        file_name: crate::run::base_name(file),
        checksum_sha256: crate::run::sha256_hex(bytes),
        started_at,
        rows_read: read as u64,
        rejected: (unmatched.len() + rejected.len()) as u64,
    };
    let stored = store
        .replace_accreditations(SOURCE_KEY, &records, Some(&log))
        .await
        .map_err(store_error)?;
    Ok(ShisetsuReport {
        read,
        stored,
        unmatched,
        rejected,
    })
}
