//! Text bound for a spreadsheet: every CSV renkei writes (the API's exports,
//! the import error reports) passes its cells through [`spreadsheet_safe`].

/// Text that a spreadsheet would take as a formula (`=`, `+`, `-`, `@`, tab,
/// CR) gets a leading apostrophe, so opening the CSV never runs anything.
/// Plain numbers (`-12.5`) are left alone.
///
/// ```
/// use renkei_core::spreadsheet::spreadsheet_safe;
/// assert_eq!(spreadsheet_safe("=cmd|' /C calc'!A0".into()), "'=cmd|' /C calc'!A0");
/// assert_eq!(spreadsheet_safe("-12.5".into()), "-12.5");
/// ```
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
        assert_eq!(spreadsheet_safe("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("\tx".into()), "'\tx");
        assert_eq!(spreadsheet_safe("-12.5".into()), "-12.5");
        assert_eq!(spreadsheet_safe("架空病院".into()), "架空病院");
    }
}
