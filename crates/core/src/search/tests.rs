//! Search equals a brute-force scan (haversine distance, the same filters
//! written out plainly) on random datasets and random queries.

use super::*;
use crate::fixtures::fictional_facility;
use crate::normalize::{fold_address, fold_search};
use crate::region::{DesignatedCities, RegionTable};
use crate::{AgeRange, Answer, CapabilityCode, CapabilityFact, FacilityStatus, KindCode, Service};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const KINDS: [&str; 4] = ["visiting_nurse", "hospital", "clinic", "welfare_provider"];
const NEEDS: [&str; 4] = ["ventilator", "suctioning", "tube_feeding", "oxygen_therapy"];
const REGIONS: [&str; 3] = ["1407", "1412", "1408"];
const MUNICIPALITIES: [&str; 5] = ["14101", "14110", "14131", "14207", "14205"];
/// Name parts; random names repeat words so text queries find several.
const SYLLABLES: [&str; 9] = [
    "架空",
    "さくら",
    "ステーション",
    "ｸﾘﾆｯｸ",
    "髙橋",
    "茅ヶ崎",
    "こども",
    "訪問看護",
    "眼科",
];

fn answer(rng: &mut StdRng) -> Answer {
    *[Answer::Yes, Answer::No, Answer::Unknown]
        .choose(rng)
        .unwrap()
}

fn random_facility(rng: &mut StdRng, i: usize) -> Facility {
    let name: String = (0..rng.gen_range(1..4))
        .map(|_| *SYLLABLES.choose(rng).unwrap())
        .collect();
    let position = rng
        .gen_bool(0.9)
        .then(|| LonLat::new(rng.gen_range(139.0..139.8), rng.gen_range(35.1..35.7)).unwrap());
    let mut f = fictional_facility(&i.to_string(), KINDS.choose(rng).unwrap(), &name, position);
    if rng.gen_bool(0.1) {
        f.status = FacilityStatus::Closed;
    }
    f.name_kana = rng.gen_bool(0.5).then(|| "カクウシセツ".to_owned());
    f.location.address = format!(
        "神奈川県架空市{}丁目{}番",
        rng.gen_range(1..5),
        rng.gen_range(1..30)
    );
    f.location.region = rng
        .gen_bool(0.8)
        .then(|| REGIONS.choose(rng).unwrap().parse().unwrap());
    f.location.municipality = rng
        .gen_bool(0.7)
        .then(|| MUNICIPALITIES.choose(rng).unwrap().parse().unwrap());
    f.location.stated_municipality = rng
        .gen_bool(0.3)
        .then(|| MUNICIPALITIES.choose(rng).unwrap().parse().unwrap());
    f.services = (0..rng.gen_range(0..3))
        .map(|s| Service {
            key: format!("s{s}"),
            name: "架空サービス".into(),
            service_type: rng.gen_bool(0.2).then(|| {
                let types = ["medical_child_development_support", "short_stay"];
                crate::ServiceTypeCode::new(types.choose(rng).unwrap()).unwrap()
            }),
            ages: AgeRange {
                min_years: rng.gen_bool(0.3).then(|| rng.gen_range(0..6)),
                max_years: rng.gen_bool(0.3).then(|| rng.gen_range(6..20)),
            },
            accepting_new_clients: answer(rng),
            respite_beds: None,
            verified: None,
            capabilities: {
                let mut facts = Vec::new();
                for code in NEEDS {
                    if rng.gen_bool(0.6) {
                        facts.push(CapabilityFact {
                            capability: CapabilityCode::new(code).unwrap(),
                            answer: answer(rng),
                            // Some answers dated around the lapse cut-offs
                            // the queries draw, so lapsing is compared too.
                            verified: rng.gen_bool(0.5).then(|| crate::Verification {
                                on: chrono::NaiveDate::from_ymd_opt(2025, 1, rng.gen_range(1..29))
                                    .unwrap(),
                                by_organization: "架空相談窓口".into(),
                            }),
                            staff_note: None,
                        });
                    }
                }
                facts
            },
            schedules: Vec::new(),
        })
        .collect();
    if rng.gen_bool(0.15) {
        f.accreditations = vec![crate::Accreditation {
            code: crate::AccreditationCode::new(["picu", "hcu_1"].choose(rng).unwrap()).unwrap(),
            since: None,
        }];
    }
    f
}

fn random_query(rng: &mut StdRng) -> (SearchQuery, Option<String>) {
    let pick = |rng: &mut StdRng, list: &[&str], most: usize| -> Vec<String> {
        let n = rng.gen_range(0..=most);
        list.choose_multiple(rng, n)
            .map(|s| (*s).to_owned())
            .collect()
    };
    let text = rng
        .gen_bool(0.3)
        .then(|| pick(rng, &SYLLABLES, 2).join(" "))
        .filter(|t| !t.is_empty());
    let area = match rng.gen_range(0..4) {
        0 => Some(Area::Region(REGIONS.choose(rng).unwrap().parse().unwrap())),
        1 => Some(Area::Municipality(
            kanagawa().area(
                &["14100", "14130", "14207"]
                    .choose(rng)
                    .unwrap()
                    .parse()
                    .unwrap(),
            ),
        )),
        _ => None,
    };
    let query = SearchQuery {
        origin: rng
            .gen_bool(0.8)
            .then(|| LonLat::new(rng.gen_range(138.9..139.9), rng.gen_range(35.0..35.8)).unwrap()),
        radius_m: rng.gen_range(1_000.0..80_000.0),
        profile: NeedProfile {
            kinds: pick(rng, &KINDS, 2)
                .iter()
                .map(|k| KindCode::new(k).unwrap())
                .collect(),
            needs: pick(rng, &NEEDS, 2)
                .iter()
                .map(|c| CapabilityCode::new(c).unwrap())
                .collect(),
            age_years: rng.gen_bool(0.3).then(|| rng.gen_range(0..20)),
            accepting_only: rng.gen_bool(0.3),
            lapsed_before: rng
                .gen_bool(0.4)
                .then(|| chrono::NaiveDate::from_ymd_opt(2025, 1, rng.gen_range(1..29)).unwrap()),
        },
        area,
        text: text.as_deref().and_then(TextQuery::parse),
        include_unknown: rng.gen_bool(0.5),
        offset: if rng.gen_bool(0.7) {
            0
        } else {
            rng.gen_range(0..15)
        },
        limit: rng.gen_range(1..30),
        count_totals: rng.gen_bool(0.8),
    };
    (query, text)
}

/// The designated cities of the Kanagawa region file.
fn kanagawa() -> &'static DesignatedCities {
    static CITIES: std::sync::OnceLock<DesignatedCities> = std::sync::OnceLock::new();
    CITIES.get_or_init(|| {
        let table =
            RegionTable::from_toml(include_str!("../../../../data/regions/14_kanagawa.toml"))
                .unwrap();
        DesignatedCities::from_tables([&table])
    })
}

/// The plain reading of every filter, written without the index.
fn brute_matches(query: &SearchQuery, text: Option<&str>, f: &Facility) -> Option<TextRank> {
    if let Some(area) = &query.area {
        let inside = match area {
            Area::Region(code) => f.location.region.as_ref() == Some(code),
            Area::Municipality(area) => [&f.location.municipality, &f.location.stated_municipality]
                .into_iter()
                .flatten()
                .any(|m| kanagawa().contains(area.code(), m)),
        };
        if !inside {
            return None;
        }
    }
    let Some(text) = text else {
        // Without text every facility ranks the same.
        return Some(TextRank::NamePrefix);
    };
    let name = fold_search(&f.name);
    let other = format!(
        "{}\u{1F}{}",
        fold_search(f.name_kana.as_deref().unwrap_or_default()),
        fold_search(&f.organization.name)
    );
    let address = fold_address(&f.location.address);
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined: String = words.iter().map(|w| fold_search(w)).collect();
    if name.starts_with(&joined) {
        return Some(TextRank::NamePrefix);
    }
    let mut rank = TextRank::Name;
    for word in words {
        if name.contains(&fold_search(word)) {
        } else if other.contains(&fold_search(word)) {
            rank = rank.max(TextRank::OtherNames);
        } else if address.contains(&fold_address(word)) {
            rank = TextRank::Address;
        } else {
            return None;
        }
    }
    Some(rank)
}

#[test]
fn search_equals_a_brute_force_scan_on_random_data() {
    let mut rng = StdRng::seed_from_u64(6);
    for dataset in 0..4 {
        let facilities: Vec<Facility> = (0..400).map(|i| random_facility(&mut rng, i)).collect();
        let index = DirectoryIndex::build(facilities.clone(), 1);
        for round in 0..150 {
            let (query, text) = random_query(&mut rng);
            let found = index.search(&query);
            // Brute force: every facility, filters spelled out, sorted plainly.
            let mut expected: Vec<(Tier, Option<f64>, TextRank, &Facility)> = facilities
                .iter()
                .filter_map(|f| {
                    let rank = brute_matches(&query, text.as_deref(), f)?;
                    let distance = match query.origin {
                        Some(origin) => {
                            let d = origin.distance_m(f.location.position?);
                            (d <= query.radius_m).then_some(Some(d))?
                        }
                        None => None,
                    };
                    let tier = query.profile.assess(f)?.tier;
                    (tier == Tier::Confirmed || query.include_unknown)
                        .then_some((tier, distance, rank, f))
                })
                .collect();
            // From a place with needs, the 要確認 list goes by evidence first.
            let ranked = query.origin.is_some() && !query.profile.needs.is_empty();
            let evidence = |tier: Tier, f: &Facility| {
                (ranked && tier == Tier::Unknown).then(|| {
                    std::cmp::Reverse(
                        crate::relevance::explain(f, &query.profile.needs)
                            .unwrap()
                            .evidence,
                    )
                })
            };
            expected.sort_by(|a, b| {
                evidence(a.0, a.3)
                    .cmp(&evidence(b.0, b.3))
                    .then(a.1.unwrap_or_default().total_cmp(&b.1.unwrap_or_default()))
                    .then(a.2.cmp(&b.2))
                    .then((a.3.name.as_str(), a.3.id).cmp(&(b.3.name.as_str(), b.3.id)))
            });
            let context = format!("dataset {dataset} round {round}: {query:?}");
            for (tier, page) in [
                (Tier::Confirmed, &found.confirmed),
                (Tier::Unknown, &found.unknown),
            ] {
                let all: Vec<_> = expected.iter().filter(|e| e.0 == tier).collect();
                let window: Vec<_> = all.iter().skip(query.offset).take(query.limit).collect();
                assert_eq!(page.len(), window.len(), "{tier:?} {context}");
                for (hit, want) in page.iter().zip(&window) {
                    assert_eq!(hit.tier, tier);
                    match (hit.distance_m, want.1) {
                        // Nearest first: the same distances (ties aside, the same facilities).
                        (Some(got), Some(want_m)) => {
                            assert!((got - want_m).abs() < 1e-6, "{got} vs {want_m} {context}");
                        }
                        (None, None) => assert_eq!(hit.facility.id, want.3.id, "{context}"),
                        other => panic!("distance {other:?} {context}"),
                    }
                    assert_eq!(
                        hit.needs,
                        query.profile.assess(&hit.facility).unwrap().needs
                    );
                    // Every 要確認 hit of a search with needs says why it is listed.
                    let why = (tier == Tier::Unknown)
                        .then(|| crate::relevance::explain(&hit.facility, &query.profile.needs))
                        .flatten();
                    assert_eq!(hit.relevance, why, "{context}");
                    assert_eq!(
                        hit.relevance.as_ref().map(|r| r.evidence),
                        (tier == Tier::Unknown)
                            .then(|| crate::relevance::explain(want.3, &query.profile.needs))
                            .flatten()
                            .map(|r| r.evidence),
                        "{context}"
                    );
                }
                if query.count_totals {
                    let total = if tier == Tier::Confirmed {
                        found.total_confirmed
                    } else {
                        found.total_unknown
                    };
                    assert_eq!(total, Some(all.len()), "{tier:?} total {context}");
                }
            }
            let more = expected.iter().filter(|e| e.0 == Tier::Confirmed).count()
                > query.offset + query.limit
                || expected.iter().filter(|e| e.0 == Tier::Unknown).count()
                    > query.offset + query.limit;
            assert_eq!(found.next_offset.is_some(), more, "{context}");
        }
    }
}
