//! The 二次医療圏 tables: the authored ones (`data/regions/*.toml`, one per
//! prefecture, compiled into the binary so `renkei import regions` and
//! `renkei serve` need no data folder) and the files `renkei import regions
//! FILE` reads — an authored table (TOML) or the official 国土数値情報 医療圏データ
//! A38 ([`a38`]).

mod a38;

use crate::{IngestError, IngestResult};
use renkei_core::region::RegionTable;
use renkei_core::PrefectureCode;
use std::collections::BTreeSet;
use std::path::Path;

/// `(file name, text)` of one authored table in `data/regions/`.
macro_rules! builtin {
    ($name:literal) => {
        (
            concat!("data/regions/", $name),
            include_str!(concat!("../../../data/regions/", $name)),
        )
    };
}

/// (file name, text) of every authored region table, one per prefecture, in
/// code order. Add a line here when a prefecture's file is added to
/// `data/regions/` (a test checks that every file is listed).
pub const BUILTIN_REGION_FILES: &[(&str, &str)] = &[
    builtin!("01_hokkaido.toml"),
    builtin!("02_aomori.toml"),
    builtin!("03_iwate.toml"),
    builtin!("04_miyagi.toml"),
    builtin!("05_akita.toml"),
    builtin!("06_yamagata.toml"),
    builtin!("07_fukushima.toml"),
    builtin!("08_ibaraki.toml"),
    builtin!("09_tochigi.toml"),
    builtin!("10_gunma.toml"),
    builtin!("11_saitama.toml"),
    builtin!("12_chiba.toml"),
    builtin!("13_tokyo.toml"),
    builtin!("14_kanagawa.toml"),
    builtin!("15_niigata.toml"),
    builtin!("16_toyama.toml"),
    builtin!("17_ishikawa.toml"),
    builtin!("18_fukui.toml"),
    builtin!("19_yamanashi.toml"),
    builtin!("20_nagano.toml"),
    builtin!("21_gifu.toml"),
    builtin!("22_shizuoka.toml"),
    builtin!("23_aichi.toml"),
    builtin!("24_mie.toml"),
    builtin!("25_shiga.toml"),
    builtin!("26_kyoto.toml"),
    builtin!("27_osaka.toml"),
    builtin!("28_hyogo.toml"),
    builtin!("29_nara.toml"),
    builtin!("30_wakayama.toml"),
    builtin!("31_tottori.toml"),
    builtin!("32_shimane.toml"),
    builtin!("33_okayama.toml"),
    builtin!("34_hiroshima.toml"),
    builtin!("35_yamaguchi.toml"),
    builtin!("36_tokushima.toml"),
    builtin!("37_kagawa.toml"),
    builtin!("38_ehime.toml"),
    builtin!("39_kochi.toml"),
    builtin!("40_fukuoka.toml"),
    builtin!("41_saga.toml"),
    builtin!("42_nagasaki.toml"),
    builtin!("43_kumamoto.toml"),
    builtin!("44_oita.toml"),
    builtin!("45_miyazaki.toml"),
    builtin!("46_kagoshima.toml"),
    builtin!("47_okinawa.toml"),
];

/// The built-in region tables, checked.
pub fn builtin_region_tables() -> IngestResult<Vec<RegionTable>> {
    BUILTIN_REGION_FILES
        .iter()
        .map(|(file, text)| parse_region_table(file, text))
        .collect()
}

/// The built-in tables of `prefectures` (those renkei has a table for), in code order.
pub fn builtin_region_tables_of(
    prefectures: &BTreeSet<PrefectureCode>,
) -> IngestResult<Vec<RegionTable>> {
    Ok(builtin_region_tables()?
        .into_iter()
        .filter(|table| prefectures.contains(&table.prefecture().code))
        .collect())
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

/// The tables in a file `renkei import regions FILE` reads: an authored
/// table (TOML, one prefecture) or 国土数値情報 医療圏データ A38 (the official
/// zip, or its 一次医療圏 `…_1.geojson` or 二次医療圏 `…_2.geojson` layer; one
/// table per prefecture it covers, see [`a38`]).
pub fn parse_region_file(file: &str, bytes: &[u8]) -> IngestResult<Vec<RegionTable>> {
    if let Some(tables) = a38::read(file, bytes)? {
        return Ok(tables);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| IngestError::Format {
        file: file.to_owned(),
        reason: format!("neither a region table (UTF-8 TOML) nor an A38 file: {e}"),
    })?;
    Ok(vec![parse_region_table(
        file,
        text.trim_start_matches('\u{feff}'),
    )?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_parse_and_every_data_file_is_built_in() {
        let tables = builtin_region_tables().unwrap();
        assert_eq!(tables.len(), 47);
        let kanagawa = tables
            .iter()
            .find(|t| t.prefecture().code.as_str() == "14")
            .unwrap();
        assert_eq!(kanagawa.regions().len(), 9);
        assert_eq!(
            tables.iter().map(|t| t.regions().len()).sum::<usize>(),
            330,
            "the 第8次医療計画 has 330 二次医療圏"
        );
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/regions");
        let on_disk = std::fs::read_dir(dir).unwrap().count();
        assert_eq!(
            on_disk,
            BUILTIN_REGION_FILES.len(),
            "add new data/regions files to BUILTIN_REGION_FILES"
        );
    }

    #[test]
    fn builtin_tables_of_some_prefectures() {
        let wanted: BTreeSet<PrefectureCode> =
            ["13", "27"].iter().map(|c| c.parse().unwrap()).collect();
        let tables = builtin_region_tables_of(&wanted).unwrap();
        assert_eq!(
            tables
                .iter()
                .map(|t| t.prefecture().name_ja.as_str())
                .collect::<Vec<_>>(),
            ["東京都", "大阪府"]
        );
    }
}
