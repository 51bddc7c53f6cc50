//! 町丁目 representative points for the offline geocoder: Geolonia 住所データ
//! (based on 国土交通省 位置参照情報), as its CSV (`latest.csv`: 市区町村コード,
//! 大字町丁目名, 緯度, 経度 …) or the flattened API form (city_code, town, lat, lng).

use crate::parse::position;
use crate::table::{ColumnSpec, RowError, Table};
use crate::IngestResult;
use renkei_core::geocode::TownPoint;
use renkei_core::MunicipalityCode;

const CITY_CODE: ColumnSpec = ColumnSpec {
    aliases: &["city_code", "市区町村コード"],
    required: true,
};
const TOWN: ColumnSpec = ColumnSpec {
    aliases: &["town", "大字町丁目名"],
    required: true,
};
const LAT: ColumnSpec = ColumnSpec {
    aliases: &["lat", "緯度"],
    required: true,
};
const LON: ColumnSpec = ColumnSpec {
    aliases: &["lng", "経度"],
    required: true,
};

/// Town points of one file; rows without coordinates are listed as rejected
/// (the geocoder falls back to the municipality for those towns).
pub fn parse(table: &Table) -> IngestResult<(Vec<TownPoint>, Vec<RowError>)> {
    let [city_code, town, lat, lon] = table.columns([CITY_CODE, TOWN, LAT, LON])?;
    let mut points = Vec::with_capacity(table.len());
    let mut rejected = Vec::new();
    for row in table.rows() {
        let code_text = row.get(city_code).unwrap_or_default();
        // Geolonia writes the 6-digit code with its check digit.
        let Ok(municipality) = MunicipalityCode::new(code_text.get(..5).unwrap_or(code_text))
        else {
            rejected.push(row.error(city_code, code_text, "is not a municipality code"));
            continue;
        };
        let Some(town_name) = row.get(town) else {
            rejected.push(row.error(town, "", "town name is empty"));
            continue;
        };
        match position(&row, lon, lat) {
            Ok(Some(position)) => points.push(TownPoint {
                municipality,
                town: town_name.to_owned(),
                position,
            }),
            Ok(None) => {
                rejected.push(row.error(lat, "", "the town has no coordinates in the source"));
            }
            Err(error) => rejected.push(error),
        }
    }
    Ok((points, rejected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_header_forms() {
        let flat = Table::parse("t.csv", "pref,city,city_code,town,koaza,lat,lng\n神奈川県,茅ヶ崎市,14207,架空町一丁目,,35.33,139.40\n神奈川県,茅ヶ崎市,14207,架空町二丁目,,,\n").unwrap();
        let (points, rejected) = parse(&flat).unwrap();
        assert_eq!((points.len(), rejected.len()), (1, 1));
        let official = Table::parse(
            "latest.csv",
            "市区町村コード,大字町丁目名,緯度,経度\n142077,架空町一丁目,35.33,139.40\n",
        )
        .unwrap();
        assert_eq!(
            parse(&official).unwrap().0[0].municipality.as_str(),
            "14207"
        );
    }
}
