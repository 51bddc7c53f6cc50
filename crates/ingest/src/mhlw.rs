//! 厚生労働省 医療情報ネット（ナビイ） open data facility files
//! (`01-1_hospital_facility_info_YYYYMMDD.csv`, `02-1_clinic_facility_info_…`).
//! 機関区分 1 is a hospital, 2 a clinic; dental clinics, midwives and pharmacies
//! (3–5) are out of renkei's scope and skipped.

use crate::draft::{FacilityDraft, ServiceDraft};
use crate::parse::{position, ParsedRows};
use crate::table::{ColumnSpec, Table};
use crate::IngestResult;
use renkei_core::{KindCode, MunicipalityCode};

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

/// Facilities of one 医療情報ネット facility file.
pub fn parse(table: &Table) -> IngestResult<ParsedRows> {
    let [id, name, kana, category, prefecture, city, address, lat, lon, url] = table.columns([
        ID, NAME, KANA, CATEGORY, PREFECTURE, CITY, ADDRESS, LAT, LON, URL,
    ])?;
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
                schedules: Vec::new(),
            }],
        });
    }
    Ok(parsed)
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
}
