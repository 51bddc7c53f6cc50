//! Every facility-list importer's row loop on arbitrary bytes: the first
//! byte picks the format (医療情報ネット, 介護サービス情報公表, WAM NET,
//! 保険医療機関一覧, a mapped CSV); the rest is the file, in any encoding or
//! zipped. It must return records or an error, never panic or hang, and the
//! records it returns must respect the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use renkei_ingest::import::{parse_file, Format, Importer};
use renkei_ingest::limits::Limits;
use renkei_ingest::mapping::Mapping;
use std::sync::OnceLock;

fn formats() -> &'static [Format] {
    static FORMATS: OnceLock<Vec<Format>> = OnceLock::new();
    FORMATS.get_or_init(|| {
        let mut formats: Vec<Format> = Importer::ALL.into_iter().map(Format::Official).collect();
        formats.push(Format::Mapped(Box::new(
            Mapping::builtin("p29-special-needs-schools").expect("built-in mapping"),
        )));
        formats
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let format = &formats()[usize::from(selector) % formats().len()];
    if let Ok(parsed) = parse_file(format, "fuzz.csv", file, chrono::Utc::now()) {
        let limits = Limits::default();
        for member in parsed {
            assert!(member.rows_read <= limits.max_rows);
            for facility in &member.facilities {
                assert!(facility.name.chars().count() <= limits.max_field_chars);
            }
        }
    }
});
