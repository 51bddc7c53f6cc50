//! Tables as CSV for spreadsheets, as the HTTP API serves them and the
//! command line writes them: UTF-8 with a BOM (so Excel reads Japanese), and
//! no cell a spreadsheet would run as a formula.

use crate::error::{AppError, AppResult};
use renkei_core::spreadsheet::spreadsheet_safe;

/// A table as CSV bytes: UTF-8 with BOM, `header` then `rows`, text cells
/// defused for spreadsheets (see [`spreadsheet_safe`]).
pub fn csv_bytes(header: &[String], rows: impl Iterator<Item = Vec<String>>) -> AppResult<Vec<u8>> {
    let failed = |error: csv::Error| AppError::Csv(error.to_string());
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(header).map_err(failed)?;
    for row in rows {
        writer
            .write_record(row.into_iter().map(spreadsheet_safe))
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|error| AppError::Csv(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_starts_with_a_bom_and_defuses_cells() {
        let bytes = csv_bytes(
            &["名称 (name)".to_owned()],
            std::iter::once(vec!["=1+1x".to_owned()]),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}名称 (name)\n'=1+1x\n"
        );
    }
}
