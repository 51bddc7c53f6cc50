//! 介護サービス情報公表システム open data (`jigyosho_<service code>.csv`), e.g.
//! service 130 訪問看護 (visiting-nurse stations).
//!
//! Reads the published format (24 columns: 都道府県コード又は市町村コード, No,
//! 都道府県名, 市区町村名, 事業所名, …, 緯度, 経度, 電話番号, …, 事業所番号, …) and the
//! reduced 5-column extract (事業所番号, 事業所名, 住所, 緯度, 経度). Any other
//! service file in the same format imports the same way.

use crate::draft::{FacilityDraft, ServiceDraft};
use crate::parse::{position, ParsedRows};
use crate::table::{ColumnSpec, Table};
use crate::IngestResult;
use renkei_core::{KindCode, MunicipalityCode};

const OFFICE_NUMBER: ColumnSpec = ColumnSpec {
    aliases: &["事業所番号"],
    required: true,
};
const NAME: ColumnSpec = ColumnSpec {
    aliases: &["事業所名"],
    required: true,
};
const ADDRESS: ColumnSpec = ColumnSpec {
    aliases: &["住所"],
    required: true,
};
const LAT: ColumnSpec = ColumnSpec {
    aliases: &["緯度"],
    required: true,
};
const LON: ColumnSpec = ColumnSpec {
    aliases: &["経度"],
    required: true,
};
const BUILDING: ColumnSpec = ColumnSpec {
    aliases: &["方書（ビル名等）", "方書"],
    required: false,
};
const KANA: ColumnSpec = ColumnSpec {
    aliases: &["事業所名カナ"],
    required: false,
};
const SERVICE: ColumnSpec = ColumnSpec {
    aliases: &["サービスの種類"],
    required: false,
};
const PHONE: ColumnSpec = ColumnSpec {
    aliases: &["電話番号"],
    required: false,
};
const CORPORATION: ColumnSpec = ColumnSpec {
    aliases: &["法人の名称"],
    required: false,
};
const URL: ColumnSpec = ColumnSpec {
    aliases: &["URL"],
    required: false,
};
const AREA_CODE: ColumnSpec = ColumnSpec {
    aliases: &["都道府県コード又は市町村コード"],
    required: false,
};

/// Facilities of one 介護サービス情報公表 service file.
pub fn parse(table: &Table) -> IngestResult<ParsedRows> {
    let [number, name, address, lat, lon, building, kana, service, phone, corporation, url, area] =
        table.columns([
            OFFICE_NUMBER,
            NAME,
            ADDRESS,
            LAT,
            LON,
            BUILDING,
            KANA,
            SERVICE,
            PHONE,
            CORPORATION,
            URL,
            AREA_CODE,
        ])?;
    let mut parsed = ParsedRows::default();
    for row in table.rows() {
        let Some(record_id) = row.get(number) else {
            parsed
                .rejected
                .push(row.error(number, "", "事業所番号 is empty"));
            continue;
        };
        let Some(facility_name) = row.get(name) else {
            parsed.reject_listed(record_id, row.error(name, "", "事業所名 is empty"));
            continue;
        };
        let position = match position(&row, lon, lat) {
            Ok(position) => position,
            Err(error) => {
                parsed.reject_listed(record_id, error);
                continue;
            }
        };
        let service_name = row.get(service).unwrap_or("訪問看護");
        let kind = if service_name.contains("訪問看護") {
            "visiting_nurse"
        } else {
            "welfare_provider"
        };
        // The published code is the 6-digit 全国地方公共団体コード with its check digit.
        let municipality = row
            .get(area)
            .and_then(|code| MunicipalityCode::new(code.get(..5)?).ok());
        let mut full_address = row.get(address).unwrap_or_default().to_owned();
        if let Some(building) = row.get(building).filter(|b| !full_address.contains(b)) {
            full_address.push_str(building);
        }
        parsed.drafts.push(FacilityDraft {
            source_line: row.line(),
            record_id: record_id.to_owned(),
            kind: KindCode::new(kind).expect("kinds used by importers are in the taxonomy"),
            name: facility_name.to_owned(),
            name_kana: row.get(kana).map(str::to_owned),
            organization: row.get(corporation).map(str::to_owned),
            organization_url: None,
            address: full_address,
            postal_code: None,
            municipality: municipality.filter(|m| m.as_str() != "00000"),
            position,
            phones: row
                .get(phone)
                .map(|p| (p.to_owned(), Some("代表".to_owned())))
                .into_iter()
                .collect(),
            url: row.get(url).map(str::to_owned),
            services: vec![ServiceDraft {
                key: "main".to_owned(),
                name: service_name.to_owned(),
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

    const OFFICIAL_HEADER: &str = "都道府県コード又は市町村コード,No,都道府県名,市区町村名,事業所名,事業所名カナ,サービスの種類,住所,方書（ビル名等）,緯度,経度,電話番号,FAX番号,法人番号,法人の名称,事業所番号,利用可能曜日,利用可能曜日特記事項,定員,URL,高齢者の方と障害者の方が同時一体的に利用できるサービス,介護保険の通常の指定基準を満たしている,障害福祉の通常の指定基準を満たしている,備考";

    #[test]
    fn reads_the_published_format() {
        let text = format!(
            "{OFFICIAL_HEADER}\n142077,1,神奈川県,茅ヶ崎市,架空訪問看護ステーションさくら,カクウホウモンカンゴステーションサクラ,訪問看護,神奈川県茅ヶ崎市架空町1-2-3,さくらビル2階,35.33,139.40,0467-00-0000,,,架空合同会社,1499999999,,,,https://example.invalid/,,,,\n"
        );
        let parsed = parse(&Table::parse("jigyosho_130.csv", &text).unwrap()).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        let draft = &parsed.drafts[0];
        assert_eq!(draft.record_id, "1499999999");
        assert_eq!(draft.kind.as_str(), "visiting_nurse");
        assert_eq!(draft.address, "神奈川県茅ヶ崎市架空町1-2-3さくらビル2階");
        assert_eq!(draft.municipality.as_ref().unwrap().as_str(), "14207");
        assert_eq!(draft.organization.as_deref(), Some("架空合同会社"));
        let position = draft.position.unwrap();
        assert_eq!((position.lon(), position.lat()), (139.40, 35.33));
    }

    #[test]
    fn reads_the_extract_and_rejects_bad_rows_alone() {
        let text = "事業所番号,事業所名,住所,緯度,経度\n1400000001,架空ステーションA,神奈川県どこか1,35.1,139.1\n1400000002,架空ステーションB,神奈川県どこか2,35..1,139.1\n1400000003,,神奈川県どこか3,35.1,139.1\n";
        let parsed = parse(&Table::parse("extract.csv", text).unwrap()).unwrap();
        assert_eq!(parsed.drafts.len(), 1);
        assert_eq!(parsed.rejected.len(), 2);
        assert_eq!(
            (parsed.rejected[0].line, parsed.rejected[0].field.as_str()),
            (3, "緯度")
        );
        assert_eq!(parsed.rejected[1].field, "事業所名");
    }
}
