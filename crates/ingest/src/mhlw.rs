//! 厚生労働省 医療情報ネット（ナビイ） open data facility files
//! (`01-1_hospital_facility_info_YYYYMMDD.csv`, `02-1_clinic_facility_info_…`).
//! 機関区分 1 is a hospital, 2 a clinic; dental clinics, midwives and pharmacies
//! (3–5) are out of renkei's scope and skipped. The weekly closed days
//! (毎週決まった曜日に休診（月）…（日）, 祝日に休診) become the days the service is
//! open: their flags mean 1 open, 0 closed, the opposite of their names.

use crate::draft::{FacilityDraft, ServiceDraft};
use crate::parse::{position, ParsedRows};
use crate::table::{ColumnSpec, Row, Table};
use crate::IngestResult;
use renkei_core::{KindCode, MunicipalityCode, Schedule};

const ID: ColumnSpec = ColumnSpec {
    aliases: &["ID"],
    required: true,
};
const NAME: ColumnSpec = ColumnSpec {
    aliases: &["正式名称"],
    required: true,
};
const KANA: ColumnSpec = ColumnSpec {
    aliases: &["正式名称（フリガナ）"],
    required: false,
};
const CATEGORY: ColumnSpec = ColumnSpec {
    aliases: &["機関区分"],
    required: true,
};
const PREFECTURE: ColumnSpec = ColumnSpec {
    aliases: &["都道府県コード"],
    required: true,
};
const CITY: ColumnSpec = ColumnSpec {
    aliases: &["市区町村コード"],
    required: true,
};
const ADDRESS: ColumnSpec = ColumnSpec {
    aliases: &["所在地"],
    required: true,
};
const LAT: ColumnSpec = ColumnSpec {
    aliases: &["所在地座標（緯度）"],
    required: true,
};
const LON: ColumnSpec = ColumnSpec {
    aliases: &["所在地座標（経度）"],
    required: true,
};
const URL: ColumnSpec = ColumnSpec {
    aliases: &["案内用ホームページアドレス"],
    required: false,
};

/// The weekdays of the closed-day columns 毎週決まった曜日に休診（X）, with their
/// iCalendar BYDAY codes.
const WEEKDAYS: [(&str, &str); 7] = [
    ("月", "MO"),
    ("火", "TU"),
    ("水", "WE"),
    ("木", "TH"),
    ("金", "FR"),
    ("土", "SA"),
    ("日", "SU"),
];

/// Facilities of one 医療情報ネット facility file.
pub fn parse(table: &Table) -> IngestResult<ParsedRows> {
    let [id, name, kana, category, prefecture, city, address, lat, lon, url] = table.columns([
        ID, NAME, KANA, CATEGORY, PREFECTURE, CITY, ADDRESS, LAT, LON, URL,
    ])?;
    let weekly: Vec<Option<usize>> = WEEKDAYS
        .iter()
        .map(|(day, _)| table.column_named(&format!("毎週決まった曜日に休診（{day}）"), false))
        .collect::<IngestResult<_>>()?;
    let holiday = table.column_named("祝日に休診", false)?;
    let mut parsed = ParsedRows::default();
    for row in table.rows() {
        let (Some(record_id), Some(facility_name)) = (row.get(id), row.get(name)) else {
            match row.get(id) {
                Some(record_id) => parsed.reject_listed(record_id, row.error(name, "", "is empty")),
                None => parsed.rejected.push(row.error(id, "", "is empty")),
            }
            continue;
        };
        let kind = match row.get(category) {
            Some("1") => "hospital",
            Some("2") => "clinic",
            // Dental clinics, midwives and pharmacies are not part of the directory.
            Some("3" | "4" | "5") => continue,
            other => {
                parsed.reject_listed(
                    record_id,
                    row.error(
                        category,
                        other.unwrap_or_default(),
                        "機関区分 must be 1 (病院) or 2 (診療所)",
                    ),
                );
                continue;
            }
        };
        let position = match position(&row, lon, lat) {
            Ok(position) => position,
            Err(error) => {
                parsed.reject_listed(record_id, error);
                continue;
            }
        };
        let municipality_text = format!(
            "{:0>2}{:0>3}",
            row.get(prefecture).unwrap_or_default(),
            row.get(city).unwrap_or_default()
        );
        let municipality = match MunicipalityCode::new(municipality_text.clone()) {
            Ok(code) => code,
            Err(error) => {
                parsed.reject_listed(
                    record_id,
                    row.error(city, &municipality_text, error.to_string()),
                );
                continue;
            }
        };
        parsed.drafts.push(FacilityDraft {
            source_line: row.line(),
            record_id: record_id.to_owned(),
            kind: KindCode::new(kind).expect("hospital and clinic are in the taxonomy"),
            name: facility_name.to_owned(),
            name_kana: row.get(kana).map(str::to_owned),
            organization: None,
            organization_url: None,
            address: row.get(address).unwrap_or_default().to_owned(),
            postal_code: None,
            municipality: Some(municipality),
            position,
            phones: Vec::new(),
            url: row.get(url).map(str::to_owned),
            services: vec![ServiceDraft {
                key: "main".to_owned(),
                name: if kind == "hospital" {
                    "病院"
                } else {
                    "診療所"
                }
                .to_owned(),
                service_type: None,
                respite_beds: None,
                schedules: open_days(&row, &weekly, holiday).into_iter().collect(),
            }],
        });
    }
    Ok(parsed)
}

/// The days a facility sees patients, from the closed-day columns. Against
/// their names (毎週決まった曜日に休診, 祝日に休診), the published flags are 1 for
/// open and 0 for closed (the format column of the publisher's item
/// definitions); a blank flag says nothing. `None` when the row has no flags.
fn open_days(row: &Row<'_>, weekly: &[Option<usize>], holiday: Option<usize>) -> Option<Schedule> {
    let flag = |column: Option<usize>| match row.get(column) {
        Some("1") => Some(true),
        Some("0") => Some(false),
        _ => None,
    };
    let mut open = Vec::new();
    let mut closed = Vec::new();
    for ((day, code), column) in WEEKDAYS.iter().zip(weekly) {
        match flag(*column) {
            Some(true) => open.push((*code).to_owned()),
            Some(false) => closed.push(format!("{day}曜")),
            None => {}
        }
    }
    match flag(holiday) {
        Some(true) => open.push("PH".to_owned()),
        Some(false) => closed.push("祝日".to_owned()),
        None => {}
    }
    if open.is_empty() && closed.is_empty() {
        return None;
    }
    Some(Schedule {
        weekdays: open,
        opens_at: None,
        closes_at: None,
        description: (!closed.is_empty()).then(|| format!("休診: {}", closed.join("・"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hospitals_with_missing_coordinates_are_kept_for_geocoding() {
        let text = "ID,正式名称,正式名称（フリガナ）,略称,英語表記（ローマ字表記）,機関区分,都道府県コード,市区町村コード,所在地,所在地座標（緯度）,所在地座標（経度）,案内用ホームページアドレス\n\
            1400000000001,架空記念病院,カクウキネンビョウイン,,,1,14,207,神奈川県茅ヶ崎市架空町1,35.33,139.41,\n\
            1400000000002,架空第二病院,,,,1,14,207,神奈川県茅ヶ崎市架空町2,0.0,0.0,\n\
            1400000000003,架空歯科,,,,3,14,207,神奈川県茅ヶ崎市架空町3,35.33,139.41,\n\
            1400000000004,架空第三病院,,,,1,14,2x7,神奈川県茅ヶ崎市架空町4,35.33,139.41,\n";
        let parsed =
            parse(&Table::parse("01-1_hospital_facility_info.csv", text).unwrap()).unwrap();
        assert_eq!(parsed.drafts.len(), 2);
        assert_eq!(
            parsed.drafts[0].municipality.as_ref().unwrap().as_str(),
            "14207"
        );
        assert!(parsed.drafts[1].position.is_none());
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].field, "市区町村コード");
    }

    #[test]
    fn issue_22_navii_closed_day_flags_are_1_open_and_0_closed() {
        let days = "毎週決まった曜日に休診（月）,毎週決まった曜日に休診（火）,毎週決まった曜日に休診（水）,毎週決まった曜日に休診（木）,毎週決まった曜日に休診（金）,毎週決まった曜日に休診（土）,毎週決まった曜日に休診（日）,祝日に休診";
        let text = format!(
            "ID,正式名称,機関区分,都道府県コード,市区町村コード,所在地,所在地座標（緯度）,所在地座標（経度）,{days}\n\
             1300000000001,架空内科クリニック,2,13,101,東京都千代田区架空町1,35.69,139.75,1,1,0,1,1,1,0,0\n\
             1300000000002,架空小児科医院,2,13,101,東京都千代田区架空町2,35.69,139.75,,,,,,,,\n"
        );
        let parsed = parse(&Table::parse("02-1_clinic_facility_info.csv", &text).unwrap()).unwrap();
        let schedules = &parsed.drafts[0].services[0].schedules;
        assert_eq!(schedules.len(), 1);
        // 1 = 診療あり (open), 0 = 休診 (closed), whatever the column names say.
        assert_eq!(schedules[0].weekdays, ["MO", "TU", "TH", "FR", "SA"]);
        assert_eq!(
            schedules[0].description.as_deref(),
            Some("休診: 水曜・日曜・祝日")
        );
        assert!(
            parsed.drafts[1].services[0].schedules.is_empty(),
            "blank flags state nothing"
        );
    }
}
