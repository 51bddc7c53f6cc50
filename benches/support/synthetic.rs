//! Synthetic directories for the scale benchmarks: the real positions of the
//! national visiting-nurse (訪問看護) and short-stay (短期入所) files in
//! `../shared/data/national/`, each copied many times with a deterministic
//! jitter, as fictional facilities (架空施設…). Shared by `store_scale` and
//! `search_scale` through `#[path]`.

use chrono::{TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use renkei_core::{
    Facility, FacilityId, FacilityStatus, KindCode, Location, LonLat, Organization, Provenance,
    Visibility,
};
use std::path::Path;

/// Source key of the synthetic facilities.
pub const SOURCE: &str = "bench-synthetic";
/// Jitter around each real position, degrees (about 2 km).
pub const JITTER_DEG: f64 = 0.02;

/// A real position and the kind of facility found there (0: 訪問看護, 1: 短期入所).
#[derive(Clone, Copy)]
pub struct Seed {
    pub position: LonLat,
    pub kind: usize,
}

/// Locations to generate: `RENKEI_BENCH_N`, else `default`.
pub fn bench_n(default: usize) -> usize {
    std::env::var("RENKEI_BENCH_N")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Positions of the visiting-nurse and short-stay national files; `None`
/// (after a `SKIPPED:` line) when they are missing.
pub fn read_seeds() -> Option<Vec<Seed>> {
    let nurses = renkei_testdata::shared_file("national/visiting_nursing_national.csv")?;
    let short_stay =
        renkei_testdata::shared_file("national/wamnet_short_stay_national_202403.csv")?;
    let mut seeds = read_positions(&nurses, "緯度", "経度", 0);
    seeds.extend(read_positions(&short_stay, "事業所緯度", "事業所経度", 1));
    Some(seeds)
}

fn read_positions(path: &Path, lat_column: &str, lon_column: &str, kind: usize) -> Vec<Seed> {
    let mut reader = csv::Reader::from_path(path).expect("readable CSV");
    let headers = reader.headers().expect("header row").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .unwrap_or_else(|| panic!("{} has no column {name}", path.display()))
    };
    let (lat, lon) = (column(lat_column), column(lon_column));
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|record| {
            let lat: f64 = record.get(lat)?.trim().parse().ok()?;
            let lon: f64 = record.get(lon)?.trim().parse().ok()?;
            let position = LonLat::new(lon, lat).ok()?;
            // Japan only: drops zeros and swapped columns.
            ((122.0..154.0).contains(&lon) && (20.0..46.0).contains(&lat))
                .then_some(Seed { position, kind })
        })
        .collect()
}

/// `n` fictional facilities at jittered real positions (deterministic), the
/// kind of each chosen by `kind_of(index, seed kind)` from `kinds`.
pub fn generate(
    n: usize,
    seeds: &[Seed],
    kinds: &[&str],
    kind_of: impl Fn(usize, usize) -> usize,
) -> Vec<Facility> {
    generate_lazily(n, seeds, kinds, kind_of).collect()
}

/// The facilities of [`generate`], made one at a time as they are read.
pub fn generate_lazily<'a>(
    n: usize,
    seeds: &'a [Seed],
    kinds: &[&str],
    kind_of: impl Fn(usize, usize) -> usize + 'a,
) -> impl ExactSizeIterator<Item = Facility> + 'a {
    let mut rng = StdRng::seed_from_u64(10);
    let kinds: Vec<KindCode> = kinds
        .iter()
        .map(|k| KindCode::new(k).expect("kind"))
        .collect();
    let imported_at = Utc
        .with_ymd_and_hms(2025, 4, 1, 0, 0, 0)
        .single()
        .expect("time");
    (0..n).map(move |i| {
        let seed = seeds[i % seeds.len()];
        let record = format!("b{i:08}");
        Facility {
            id: FacilityId::from_source(SOURCE, &record),
            kind: kinds[kind_of(i, seed.kind)].clone(),
            name: format!("架空施設{i}"),
            name_kana: None,
            organization: Organization {
                name: format!("架空法人{i}"),
                url: None,
            },
            location: Location {
                address: format!("架空県架空市本町{i}"),
                postal_code: None,
                position: Some(jitter(&mut rng, seed.position)),
                stated_municipality: None,
                municipality: None,
                region: None,
                geocoded: None,
            },
            phones: vec![],
            url: None,
            services: vec![],
            status: FacilityStatus::Active,
            closed_on: None,
            staff_note: None,
            visibility: Visibility::Public,
            accreditations: Vec::new(),
            provenance: Provenance {
                source: SOURCE.to_owned(),
                source_record_id: record,
                imported_at,
                licence: "CC0 1.0".to_owned(),
                attribution: "架空データ".to_owned(),
                demo: true,
            },
        }
    })
}

/// `position` moved by up to ±[`JITTER_DEG`] in each direction.
pub fn jitter(rng: &mut StdRng, position: LonLat) -> LonLat {
    LonLat::new(
        (position.lon() + rng.gen_range(-JITTER_DEG..JITTER_DEG)).clamp(-180.0, 180.0),
        (position.lat() + rng.gen_range(-JITTER_DEG..JITTER_DEG)).clamp(-90.0, 90.0),
    )
    .expect("jittered position")
}
