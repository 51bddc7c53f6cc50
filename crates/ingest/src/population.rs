//! Municipal population from 統計センター SSDSE-A (教育用標準データセット), as
//! published (Shift_JIS) or re-saved as UTF-8.
//!
//! The file has two header rows: item codes (`SSDSE-A-2026, Prefecture,
//! Municipality, A1101, …`) then Japanese labels (`地域コード, 都道府県, 市区町村,
//! 総人口, …`). Columns are found by item code: `A1101` 総人口 and `A1301`
//! 15歳未満人口. 地域コード is the municipality code with an `R` prefix
//! (`R14100`); designated cities (政令指定都市) are whole cities, not wards.

use crate::text::decode;
use crate::{IngestError, IngestResult};
use renkei_core::region::MunicipalPopulation;
use renkei_core::MunicipalityCode;
use renkei_store::PopulationRecord;
use std::path::Path;

/// Reference year of SSDSE-A's population items: the 2020 国勢調査 (census).
pub const SSDSE_A_CENSUS_YEAR: i32 = 2020;

/// Item code of 総人口 (total population).
const TOTAL: &str = "A1101";
/// Item code of 15歳未満人口 (children under 15).
const UNDER_15: &str = "A1301";

/// Reads an SSDSE-A file; rows become [`PopulationRecord`]s of census `year`.
pub fn read_ssdse_a_file(path: &Path, year: i32) -> IngestResult<Vec<PopulationRecord>> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        file: file.clone(),
        source,
    })?;
    let (text, _) = decode(&file, &bytes)?;
    parse_ssdse_a(&file, &text, year)
}

/// Parses SSDSE-A text (see the module docs).
pub fn parse_ssdse_a(file: &str, text: &str, year: i32) -> IngestResult<Vec<PopulationRecord>> {
    let format = |reason: String| IngestError::Format {
        file: file.to_owned(),
        reason,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let codes = records
        .next()
        .transpose()
        .map_err(|e| format(e.to_string()))?
        .ok_or_else(|| format("the file is empty".to_owned()))?;
    let edition = codes
        .get(0)
        .unwrap_or_default()
        .trim_start_matches('\u{feff}')
        .trim();
    if !edition.starts_with("SSDSE-A") {
        return Err(format(format!(
            "the first cell is {edition:?}, not SSDSE-A-…; this is not an SSDSE-A file"
        )));
    }
    let column = |code: &str| {
        codes.iter().position(|c| c.trim() == code).ok_or_else(|| {
            format(format!(
                "no column {code} in the first header row; is this SSDSE-A?"
            ))
        })
    };
    let (total_at, under_15_at) = (column(TOTAL)?, column(UNDER_15)?);
    let source = format!("{edition} (国勢調査 {year})");
    let mut rows = Vec::new();
    // Row 2 is the Japanese header; data starts at row 3.
    for (index, record) in records.enumerate().skip(1) {
        let row = index + 2;
        let record = record.map_err(|e| format(format!("row {row}: {e}")))?;
        let field = |at: usize, name: &str| -> IngestResult<&str> {
            record
                .get(at)
                .map(str::trim)
                .ok_or_else(|| IngestError::Field {
                    file: file.to_owned(),
                    record: row.to_string(),
                    field: name.to_owned(),
                    value: String::new(),
                    reason: "missing".to_owned(),
                })
        };
        let bad = |name: &str, value: &str, reason: String| IngestError::Field {
            file: file.to_owned(),
            record: row.to_string(),
            field: name.to_owned(),
            value: value.to_owned(),
            reason,
        };
        let code_text = field(0, "地域コード")?;
        if code_text.is_empty() {
            continue;
        }
        let code = MunicipalityCode::new(code_text.trim_start_matches('R')).map_err(|e| {
            bad(
                "地域コード",
                code_text,
                format!("{e}; expected R and five digits, e.g. R14207"),
            )
        })?;
        let count = |at: usize, name: &str| -> IngestResult<u64> {
            let value = field(at, name)?;
            value
                .replace(',', "")
                .parse()
                .map_err(|_| bad(name, value, "is not a whole number of persons".to_owned()))
        };
        let total = count(total_at, "総人口 (A1101)")?;
        let under_15 = count(under_15_at, "15歳未満人口 (A1301)")?;
        if under_15 > total {
            return Err(bad(
                "15歳未満人口 (A1301)",
                &under_15.to_string(),
                format!("is larger than 総人口 {total}"),
            ));
        }
        rows.push(PopulationRecord {
            population: MunicipalPopulation {
                code,
                name: field(2, "市区町村")?.to_owned(),
                total,
                under_15,
            },
            year,
            source: source.clone(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "SSDSE-A-2099,Prefecture,Municipality,A1101,A110101,A1301\n\
        地域コード,都道府県,市区町村,総人口,総人口（男）,15歳未満人口\n\
        R47100,架空県,架空市,1000,500,120\n\
        R47201,架空県,架空町,200,100,30\n";

    #[test]
    fn reads_codes_without_r_and_counts_by_item_code() {
        let rows = parse_ssdse_a("sample.csv", SAMPLE, 2020).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].population.code.as_str(), "47100");
        assert_eq!(
            (rows[0].population.total, rows[0].population.under_15),
            (1000, 120)
        );
        assert_eq!(rows[1].population.name, "架空町");
        assert_eq!(rows[0].source, "SSDSE-A-2099 (国勢調査 2020)");
    }

    #[test]
    fn bad_numbers_name_the_row_and_column() {
        let text = SAMPLE.replace("200,100,30", "2x0,100,30");
        let error = parse_ssdse_a("sample.csv", &text, 2020)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("record 4") && error.contains("A1101") && error.contains("2x0"),
            "{error}"
        );
        assert!(parse_ssdse_a("x.csv", "a,b\n", 2020).is_err());
    }
}
