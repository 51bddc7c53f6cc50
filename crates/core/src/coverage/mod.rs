//! Coverage and gap analysis: how far the children of each place are from
//! providers that can handle a need profile, and which places fall short.
//!
//! The pieces, in the order a caller uses them:
//!
//! 1. [`land_cells`]: the JIS X 0410 cells (3rd mesh, about 1 km, or half
//!    mesh) that intersect the municipality boundaries;
//! 2. [`spread_population`] (municipal children under 15 shared over cells or
//!    町丁目 points; see its module for the approximation) or
//!    [`mesh_population`] (an imported e-Stat mesh count);
//! 3. [`providers`]: the facilities meeting a [`NeedProfile`], confirmed only
//!    or with 要確認 included;
//! 4. [`analyse`]: per site, the distance to the nearest and to the k-th
//!    nearest provider (great circle, metres) and whether it is covered;
//! 5. [`summarise`] and [`gaps`]: indicators per municipality or 二次医療圏
//!    (secondary medical region) and the places with most children beyond
//!    the threshold.
//!
//! Distances are straight lines; [`crate::need::TravelModel`] turns them into
//! estimated minutes, and a threshold in minutes is turned into metres with
//! [`crate::need::TravelModel::reach_m`] before the analysis.

mod land;
mod population;

pub use land::{land_cells, LandCell};
pub use population::{mesh_population, spread_population, Candidate, Spread};

use crate::directory_index::unit_vector;
use crate::directory_index::DirectoryIndex;
use crate::mesh::MeshCell;
use crate::need::{NeedProfile, Tier};
use crate::region::MunicipalityArea;
use crate::{Facility, FacilityId, LonLat, MunicipalityCode, RegionCode};
use rstar::primitives::GeomWithData;
use rstar::RTree;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

/// A place children are counted at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Place {
    /// A grid cell (distances from its centre).
    Cell(MeshCell),
    /// A 町丁目 (town) by name (distances from its representative point).
    Town(String),
}

/// A place with its children.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The cell or town.
    pub place: Place,
    /// Where distances are measured from, lon/lat.
    pub position: LonLat,
    /// The municipality / ward it is in.
    pub municipality: MunicipalityCode,
    /// Children under 15 counted here (persons).
    pub children: u64,
}

/// A facility that meets the need profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// The facility.
    pub id: FacilityId,
    /// Its position, lon/lat; `None` when unknown (it then counts only by
    /// service area).
    pub position: Option<LonLat>,
    /// Confirmed or 要確認.
    pub tier: Tier,
    /// The municipality it is in, for counting providers per area.
    pub municipality: Option<MunicipalityCode>,
    /// The 二次医療圏 it is in.
    pub region: Option<RegionCode>,
    /// Areas it declares it serves (HSDS service_area); a designated city's
    /// area includes its wards.
    pub serves: Vec<MunicipalityArea>,
}

/// The facilities of `facilities` that meet `profile`: confirmed only, or with
/// the 要確認 tier as well when `include_unknown`. `service_areas` gives the
/// declared areas by facility.
pub fn providers<'a, S: BuildHasher>(
    profile: &NeedProfile,
    facilities: impl IntoIterator<Item = &'a Facility>,
    include_unknown: bool,
    service_areas: &HashMap<FacilityId, Vec<MunicipalityArea>, S>,
) -> Vec<Provider> {
    facilities
        .into_iter()
        .filter_map(|facility| {
            let tier = profile.tier(facility)?;
            let location = &facility.location;
            let municipality = location
                .municipality
                .as_ref()
                .or(location.stated_municipality.as_ref());
            (tier == Tier::Confirmed || include_unknown).then(|| {
                provider(
                    facility.id,
                    location.position,
                    tier,
                    municipality,
                    location.region.as_ref(),
                    service_areas,
                )
            })
        })
        .collect()
}

/// [`providers`] over every facility of a directory index, read from its
/// compact entries without decoding the records.
pub fn index_providers<S: BuildHasher>(
    profile: &NeedProfile,
    index: &DirectoryIndex,
    include_unknown: bool,
    service_areas: &HashMap<FacilityId, Vec<MunicipalityArea>, S>,
) -> Vec<Provider> {
    index
        .assessed(profile)
        .filter(|&(_, tier)| tier == Tier::Confirmed || include_unknown)
        .map(|(facility, tier)| {
            provider(
                facility.id(),
                facility.position(),
                tier,
                facility.municipality(),
                facility.region(),
                service_areas,
            )
        })
        .collect()
}

fn provider<S: BuildHasher>(
    id: FacilityId,
    position: Option<LonLat>,
    tier: Tier,
    municipality: Option<&MunicipalityCode>,
    region: Option<&RegionCode>,
    service_areas: &HashMap<FacilityId, Vec<MunicipalityArea>, S>,
) -> Provider {
    Provider {
        id,
        position,
        tier,
        municipality: municipality.cloned(),
        region: region.cloned(),
        serves: service_areas.get(&id).cloned().unwrap_or_default(),
    }
}

/// What makes a place covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// At least `k` providers within the distance threshold.
    Distance,
    /// At least `k` providers declare they serve the place's municipality.
    ServiceArea,
}

/// Settings of one analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoverageOptions {
    /// How many providers a place needs (k ≥ 1): a family wants a choice,
    /// and a second provider for when the first is full.
    pub k: usize,
    /// Straight-line distance threshold, metres.
    pub within_m: f64,
    /// Distance or declared service areas.
    pub basis: Basis,
}

/// The result for one site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SiteCoverage {
    /// Distance to the nearest provider with a position, metres.
    pub nearest_m: Option<f64>,
    /// Distance to the k-th nearest, metres; `None` when fewer than k have a
    /// position.
    pub kth_m: Option<f64>,
    /// Covered under the basis of the analysis.
    pub covered: bool,
}

type Entry = GeomWithData<[f64; 3], LonLat>;

/// Provider positions in an R-tree on the unit sphere (the directory index's
/// layout), for nearest-first queries in exact great-circle order.
#[derive(Debug, Clone, Default)]
pub struct ProviderIndex(RTree<Entry>);

impl ProviderIndex {
    /// Indexes the positions of `providers` (those without one are left out).
    pub fn build(providers: &[Provider]) -> Self {
        Self::from_positions(providers.iter().filter_map(|p| p.position))
    }

    /// Indexes bare positions (lon/lat).
    pub fn from_positions(positions: impl IntoIterator<Item = LonLat>) -> Self {
        Self(RTree::bulk_load(
            positions
                .into_iter()
                .map(|p| Entry::new(unit_vector(p), p))
                .collect(),
        ))
    }

    /// Great-circle distances in metres from `point` to the `k` nearest
    /// positions, nearest first (fewer when fewer are indexed).
    pub fn nearest_m(&self, point: LonLat, k: usize) -> Vec<f64> {
        self.0
            .nearest_neighbor_iter(&unit_vector(point))
            .take(k)
            .map(|entry| point.distance_m(entry.data))
            .collect()
    }
}

/// Analyses every site against `providers` (see [`CoverageOptions`]).
///
/// ```
/// use renkei_core::coverage::{analyse, Basis, CoverageOptions, Place, ProviderIndex, Site};
/// use renkei_core::LonLat;
/// // One provider at (139.40, 35.30); a site 0.01° of latitude (1,112 m) north.
/// let index = ProviderIndex::from_positions([LonLat::new(139.40, 35.30).unwrap()]);
/// let site = Site {
///     place: Place::Town("架空町".into()),
///     position: LonLat::new(139.40, 35.31).unwrap(),
///     municipality: "47201".parse().unwrap(),
///     children: 10,
/// };
/// let options = CoverageOptions { k: 1, within_m: 2_000.0, basis: Basis::Distance };
/// let result = analyse(&[site], &index, &[], options);
/// assert!(result[0].covered && (result[0].kth_m.unwrap() - 1_112.0).abs() < 1.0);
/// ```
pub fn analyse(
    sites: &[Site],
    index: &ProviderIndex,
    providers: &[Provider],
    options: CoverageOptions,
) -> Vec<SiteCoverage> {
    let k = options.k.max(1);
    let serving = (options.basis == Basis::ServiceArea).then(|| serving_counts(sites, providers));
    sites
        .iter()
        .map(|site| {
            let distances = index.nearest_m(site.position, k);
            let kth_m = (distances.len() == k).then(|| distances[k - 1]);
            let covered = match &serving {
                Some(counts) => counts.get(&site.municipality).copied().unwrap_or(0) >= k,
                None => kth_m.is_some_and(|d| d <= options.within_m),
            };
            SiteCoverage {
                nearest_m: distances.first().copied(),
                kth_m,
                covered,
            }
        })
        .collect()
}

/// The same answer as [`analyse`] with the distance basis, by scanning every
/// provider for every site: the baseline the benchmark compares against.
pub fn analyse_naive(
    sites: &[Site],
    positions: &[LonLat],
    options: CoverageOptions,
) -> Vec<SiteCoverage> {
    let k = options.k.max(1);
    sites
        .iter()
        .map(|site| {
            let mut distances: Vec<f64> = positions
                .iter()
                .map(|p| site.position.distance_m(*p))
                .collect();
            let kth_m = (distances.len() >= k).then(|| {
                distances.select_nth_unstable_by(k - 1, f64::total_cmp);
                distances[k - 1]
            });
            SiteCoverage {
                nearest_m: distances.iter().copied().min_by(f64::total_cmp),
                kth_m,
                covered: kth_m.is_some_and(|d| d <= options.within_m),
            }
        })
        .collect()
}

/// Providers declaring each site municipality (directly or by its designated city).
fn serving_counts(sites: &[Site], providers: &[Provider]) -> HashMap<MunicipalityCode, usize> {
    let mut counts: HashMap<MunicipalityCode, usize> = HashMap::new();
    for site in sites {
        if counts.contains_key(&site.municipality) {
            continue;
        }
        let n = providers
            .iter()
            .filter(|p| {
                p.serves
                    .iter()
                    .any(|area| area.contains(&site.municipality))
            })
            .count();
        counts.insert(site.municipality.clone(), n);
    }
    counts
}

/// Coverage indicators of one area (municipality or 二次医療圏).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AreaIndicators {
    /// Children under 15 counted in the area (persons).
    pub children: u64,
    /// Of them, covered (within the threshold of k providers, or served).
    pub children_within: u64,
    /// Matching providers located in the area.
    pub providers: u64,
    /// Distance to the k-th nearest provider that 90 % of the area's children
    /// are within, metres; `None` without children, or when more than 10 %
    /// have fewer than k providers at all.
    pub p90_m: Option<f64>,
}

impl AreaIndicators {
    /// Share of the children covered, 0–1; `None` without children.
    pub fn share_within(&self) -> Option<f64> {
        (self.children > 0).then(|| self.children_within as f64 / self.children as f64)
    }

    /// Children not covered.
    pub fn children_beyond(&self) -> u64 {
        self.children - self.children_within
    }

    /// Matching providers per 10,000 children; `None` without children.
    pub fn providers_per_10k_children(&self) -> Option<f64> {
        (self.children > 0).then(|| self.providers as f64 * 10_000.0 / self.children as f64)
    }
}

/// Indicators per area: `area_of` names a site's area (`None`: not counted)
/// and `provider_area` a provider's.
pub fn summarise<K: Ord + Clone>(
    sites: &[Site],
    results: &[SiteCoverage],
    area_of: impl Fn(&Site) -> Option<K>,
    providers: &[Provider],
    provider_area: impl Fn(&Provider) -> Option<K>,
) -> BTreeMap<K, AreaIndicators> {
    let mut areas: BTreeMap<K, (AreaIndicators, Vec<(f64, u64)>)> = BTreeMap::new();
    for (site, result) in sites.iter().zip(results) {
        let Some(area) = area_of(site) else {
            continue;
        };
        let (indicators, distances) = areas.entry(area).or_default();
        indicators.children += site.children;
        if result.covered {
            indicators.children_within += site.children;
        }
        distances.push((result.kth_m.unwrap_or(f64::INFINITY), site.children));
    }
    for provider in providers {
        if let Some((indicators, _)) = provider_area(provider).and_then(|a| areas.get_mut(&a)) {
            indicators.providers += 1;
        }
    }
    areas
        .into_iter()
        .map(|(area, (mut indicators, mut distances))| {
            indicators.p90_m = weighted_quantile(&mut distances, 0.9);
            (area, indicators)
        })
        .collect()
}

/// The smallest distance that at least `share` of the weight is within;
/// `None` with no weight or when it is not finite.
fn weighted_quantile(values: &mut [(f64, u64)], share: f64) -> Option<f64> {
    let total: u64 = values.iter().map(|(_, w)| w).sum();
    if total == 0 {
        return None;
    }
    values.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut seen = 0_u64;
    for (value, weight) in values.iter() {
        seen += weight;
        if seen as f64 >= share * total as f64 {
            return value.is_finite().then_some(*value);
        }
    }
    None
}

/// Indices of the uncovered sites with children, most children first (ties:
/// farther first, then place), at most `limit`.
pub fn gaps(sites: &[Site], results: &[SiteCoverage], limit: usize) -> Vec<usize> {
    let mut uncovered: Vec<usize> = (0..sites.len())
        .filter(|&i| !results[i].covered && sites[i].children > 0)
        .collect();
    uncovered.sort_by(|&a, &b| {
        sites[b]
            .children
            .cmp(&sites[a].children)
            .then_with(|| {
                let far = |i: usize| results[i].kth_m.unwrap_or(f64::INFINITY);
                far(b).total_cmp(&far(a))
            })
            .then_with(|| sites[a].place.cmp(&sites[b].place))
    });
    uncovered.truncate(limit);
    uncovered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mesh::MeshLevel;

    fn site(lon: f64, lat: f64, municipality: &str, children: u64) -> Site {
        let position = LonLat::new(lon, lat).unwrap();
        Site {
            place: Place::Cell(MeshCell::containing(position, MeshLevel::Third).unwrap()),
            position,
            municipality: municipality.parse().unwrap(),
            children,
        }
    }

    fn provider(lon: f64, lat: f64, municipality: &str, serves: &[&str]) -> Provider {
        Provider {
            id: FacilityId::from_source("test", &format!("{lon},{lat}")),
            position: Some(LonLat::new(lon, lat).unwrap()),
            tier: Tier::Confirmed,
            municipality: Some(municipality.parse().unwrap()),
            region: None,
            serves: serves
                .iter()
                .map(|c| kanagawa().area(&c.parse().unwrap()))
                .collect(),
        }
    }

    /// The designated cities of the Kanagawa region file.
    fn kanagawa() -> crate::region::DesignatedCities {
        let table = crate::region::RegionTable::from_toml(include_str!(
            "../../../../data/regions/14_kanagawa.toml"
        ))
        .unwrap();
        crate::region::DesignatedCities::from_tables([&table])
    }

    /// Sites on one meridian (lon 139.0) at 0.01° steps of latitude: 0.01° is
    /// 6,371,008.8 m × π / 180 × 0.01 = 1,111.95 m of great circle.
    #[test]
    fn a_synthetic_layout_computed_by_hand() {
        const STEP_M: f64 = 1_111.95;
        // Providers at lat 35.00 (in 47201) and 35.05 (in 47202).
        let providers = [
            provider(139.0, 35.00, "47201", &[]),
            provider(139.0, 35.05, "47202", &[]),
        ];
        // Sites at 35.01 (10 children), 35.02 (20), 35.03 (30) in 47201 and
        // 35.09 (40) in 47202.
        let sites = [
            site(139.0, 35.01, "47201", 10),
            site(139.0, 35.02, "47201", 20),
            site(139.0, 35.03, "47201", 30),
            site(139.0, 35.09, "47202", 40),
        ];
        let index = ProviderIndex::build(&providers);
        let options = CoverageOptions {
            k: 1,
            within_m: 2_500.0,
            basis: Basis::Distance,
        };
        let results = analyse(&sites, &index, &providers, options);
        // Nearest: 1, 2, 2 steps (35.03 is 3 steps from 35.00, 2 from 35.05), 4 steps.
        let nearest: Vec<f64> = results.iter().map(|r| r.kth_m.unwrap() / STEP_M).collect();
        for (found, expected) in nearest.iter().zip([1.0, 2.0, 2.0, 4.0]) {
            assert!((found - expected).abs() < 1e-3, "{nearest:?}");
        }
        // 2,500 m = 2.25 steps: the first three sites are covered, the last not.
        let covered: Vec<bool> = results.iter().map(|r| r.covered).collect();
        assert_eq!(covered, [true, true, true, false]);
        let by_municipality = summarise(
            &sites,
            &results,
            |s| Some(s.municipality.clone()),
            &providers,
            |p| p.municipality.clone(),
        );
        let north = &by_municipality[&"47201".parse().unwrap()];
        assert_eq!(
            (north.children, north.children_within, north.providers),
            (60, 60, 1)
        );
        assert_eq!(north.share_within(), Some(1.0));
        // 1 provider / 60 children × 10,000 = 166.7.
        assert!((north.providers_per_10k_children().unwrap() - 166.666).abs() < 0.01);
        // 90 % of 60 = 54 children: 10 at 1 step, 20 + 30 at 2 steps → 2 steps.
        assert!((north.p90_m.unwrap() / STEP_M - 2.0).abs() < 1e-3);
        let south = &by_municipality[&"47202".parse().unwrap()];
        assert_eq!((south.children_within, south.children_beyond()), (0, 40));
        assert_eq!(gaps(&sites, &results, 10), vec![3]);

        // k = 2: the second nearest is the other provider. Site 35.01: 1 and 4
        // steps; 35.02: 2 and 3; 35.03: 2 and 3; 35.09: 4 and 9.
        let k2 = analyse(
            &sites,
            &index,
            &providers,
            CoverageOptions {
                k: 2,
                within_m: 3.5 * STEP_M,
                ..options
            },
        );
        let second: Vec<f64> = k2.iter().map(|r| r.kth_m.unwrap() / STEP_M).collect();
        for (found, expected) in second.iter().zip([4.0, 3.0, 3.0, 9.0]) {
            assert!((found - expected).abs() < 1e-3, "{second:?}");
        }
        assert_eq!(
            k2.iter().map(|r| r.covered).collect::<Vec<_>>(),
            [false, true, true, false]
        );
        // The gap list puts the most children first: 40 at 35.09, then 10 at 35.01.
        assert_eq!(gaps(&sites, &k2, 10), vec![3, 0]);
        // The naive scan agrees.
        let positions: Vec<LonLat> = providers.iter().filter_map(|p| p.position).collect();
        assert_eq!(
            analyse_naive(
                &sites,
                &positions,
                CoverageOptions {
                    k: 2,
                    within_m: 3.5 * STEP_M,
                    ..options
                }
            ),
            k2
        );
    }

    #[test]
    fn service_areas_cover_by_declaration_and_designated_city() {
        let providers = [
            provider(139.0, 35.00, "47201", &["47202"]),
            provider(139.6, 35.40, "14101", &["14100"]),
        ];
        let sites = [
            site(139.0, 35.01, "47201", 5),
            site(139.0, 35.30, "47202", 5),
            site(139.6, 35.41, "14118", 5),
        ];
        let options = CoverageOptions {
            k: 1,
            within_m: 1.0,
            basis: Basis::ServiceArea,
        };
        let results = analyse(
            &sites,
            &ProviderIndex::build(&providers),
            &providers,
            options,
        );
        // Near but not declared; far but declared; a ward of a declared city.
        assert_eq!(
            results.iter().map(|r| r.covered).collect::<Vec<_>>(),
            [false, true, true]
        );
    }
}
