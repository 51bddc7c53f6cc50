//! The offline geocoder's query parsing on arbitrary text, against a small
//! fictional gazetteer: geocoding, suggestions and resolving never panic,
//! and every suggestion respects the limit asked for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use renkei_core::geocode::{Geocoder, MunicipalityName, TownPoint};
use renkei_core::{LonLat, MunicipalityCode};
use std::sync::OnceLock;

fn geocoder() -> &'static Geocoder {
    static GEOCODER: OnceLock<Geocoder> = OnceLock::new();
    GEOCODER.get_or_init(|| {
        let code = |c: &str| MunicipalityCode::new(c).expect("a code");
        let point = |lon, lat| LonLat::new(lon, lat).expect("a position");
        let municipality = |c: &str, county: Option<&str>, name: &str| MunicipalityName {
            code: code(c),
            prefecture: "神奈川県".into(),
            county_or_city: county.map(str::to_owned),
            name: name.into(),
            representative: Some(point(139.4, 35.33)),
        };
        let towns = ["本村五丁目", "東海岸北一丁目", "架空町二丁目", "ノ口"]
            .iter()
            .enumerate()
            .map(|(i, town)| TownPoint {
                municipality: code("14207"),
                town: (*town).into(),
                position: point(139.40 + i as f64 * 0.001, 35.33),
            })
            .collect();
        Geocoder::new(
            vec![
                municipality("14207", None, "茅ヶ崎市"),
                municipality("14101", Some("横浜市"), "鶴見区"),
                municipality("14384", Some("足柄下郡"), "箱根町"),
            ],
            towns,
        )
    })
}

fuzz_target!(|text: &str| {
    let geocoder = geocoder();
    let _ = geocoder.geocode(text);
    let _ = geocoder.resolve(text);
    assert!(geocoder.suggest(text, 5).len() <= 5);
});
