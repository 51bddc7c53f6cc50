//! The other CSV importers' row loops on arbitrary bytes: the first byte
//! picks 施設基準 (shisetsu-kijun), verified facts, service areas, 町丁目
//! points or e-Stat mesh population; the rest is the file, in any encoding
//! or zipped. Errors are fine; panics and hangs are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use renkei_ingest::limits::Limits;
use renkei_ingest::table::read_tables;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let limits = Limits::default();
    match selector % 5 {
        0 => {
            if let Ok(tables) = read_tables("fuzz.csv", file, &[".csv"], &limits) {
                for table in &tables {
                    let _ = renkei_ingest::shisetsu::parse(table);
                }
            }
        }
        1 => {
            let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
            if let Ok(tables) = read_tables("fuzz.csv", file, &[".csv"], &limits) {
                for table in &tables {
                    let _ = renkei_ingest::verified::parse(table, &[], today);
                }
            }
        }
        2 => {
            let _ = renkei_ingest::service_areas::parse_service_areas("fuzz.csv", file);
        }
        3 => {
            if let Ok(tables) = read_tables("fuzz.csv", file, &[".csv"], &limits) {
                for table in &tables {
                    let _ = renkei_ingest::town_points::parse(table);
                }
            }
        }
        _ => {
            let _ = renkei_ingest::mesh_population::read_mesh_population("fuzz.txt", file, 2020);
        }
    }
});
