//! The authored 二次医療圏 tables (`data/regions/*.toml`), compiled into the
//! binary so `renkei import regions` and `renkei serve` need no data folder.

use crate::{IngestError, IngestResult};
use renkei_core::region::RegionTable;
use std::path::Path;

/// (file name, text) of every authored region table, one per prefecture.
/// Add a line here when a prefecture's file is added to `data/regions/`.
pub const BUILTIN_REGION_FILES: &[(&str, &str)] = &[(
    "data/regions/14_kanagawa.toml",
    include_str!("../../../data/regions/14_kanagawa.toml"),
)];

/// The built-in region tables, checked.
pub fn builtin_region_tables() -> IngestResult<Vec<RegionTable>> {
    BUILTIN_REGION_FILES
        .iter()
        .map(|(file, text)| parse_region_table(file, text))
        .collect()
}

/// Reads and checks one region table file.
pub fn read_region_table(path: &Path) -> IngestResult<RegionTable> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| IngestError::Io {
        file: file.clone(),
        source,
    })?;
    parse_region_table(&file, &text)
}

/// Parses and checks the text of one region table; `file` names it in errors.
pub fn parse_region_table(file: &str, text: &str) -> IngestResult<RegionTable> {
    RegionTable::from_toml(text).map_err(|error| IngestError::Format {
        file: file.to_owned(),
        reason: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_parse_and_every_data_file_is_built_in() {
        let tables = builtin_region_tables().unwrap();
        assert_eq!(tables[0].regions().len(), 9);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/regions");
        let on_disk = std::fs::read_dir(dir).unwrap().count();
        assert_eq!(
            on_disk,
            BUILTIN_REGION_FILES.len(),
            "add new data/regions files to BUILTIN_REGION_FILES"
        );
    }
}
