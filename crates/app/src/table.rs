//! Tables as CSV for spreadsheets, as the HTTP API serves them and the
//! command line writes them: UTF-8 with a BOM (so Excel reads Japanese), and
//! no cell a spreadsheet would run as a formula.

use crate::error::{AppError, AppResult};

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

/// Text that a spreadsheet would take as a formula (`=`, `+`, `-`, `@`, tab,
/// CR) gets a leading apostrophe, so opening the CSV never runs anything.
/// Plain numbers (`-12.5`) are left alone.
pub fn spreadsheet_safe(value: String) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_defused() {
        assert_eq!(
            spreadsheet_safe("=HYPERLINK(\"x\")".into()),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(spreadsheet_safe("-1+1".into()), "'-1+1");
        assert_eq!(spreadsheet_safe("-12.5".into()), "-12.5");
        assert_eq!(spreadsheet_safe("架空病院".into()), "架空病院");
    }

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
