//! Points to the nearest 町丁目 (town) representative point, for labelling a
//! map click or a "use my location" origin.

use super::{Geocoder, Town};
use crate::directory_index::unit_vector;
use crate::{LonLat, MunicipalityCode};
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::collections::HashMap;

/// How many nearest town points are looked at for one in the wanted
/// municipality before giving up: a point near a border has the other side's
/// towns first, but never more than a few dozen of them.
const SAME_MUNICIPALITY_CANDIDATES: usize = 64;

/// A unit-sphere point carrying (municipality, index in its town list).
type Entry = GeomWithData<[f64; 3], (MunicipalityCode, usize)>;

/// R-tree over every town point.
#[derive(Debug, Default)]
pub(super) struct TownTree(RTree<Entry>);

impl TownTree {
    pub(super) fn build(towns: &HashMap<MunicipalityCode, Vec<Town>>) -> Self {
        let entries = towns
            .iter()
            .flat_map(|(code, list)| {
                list.iter()
                    .enumerate()
                    .map(|(i, town)| Entry::new(unit_vector(town.position), (code.clone(), i)))
            })
            .collect();
        Self(RTree::bulk_load(entries))
    }
}

/// The town point nearest to a point.
#[derive(Debug, Clone, PartialEq)]
pub struct NearbyTown {
    /// Municipality or ward the town is in.
    pub municipality: MunicipalityCode,
    /// Town name as published, e.g. 東海岸北一丁目.
    pub name: String,
    /// The town's representative point, WGS 84 lon/lat.
    pub position: LonLat,
    /// Great-circle distance from the point asked about, metres.
    pub distance_m: f64,
}

impl Geocoder {
    /// The town point nearest to `point` (WGS 84 lon/lat); with `within`, the
    /// nearest one of that municipality, so a point just inside a border is
    /// not labelled with the neighbour's town. `None` when no town point is
    /// loaded (or none of `within` is among the nearest few dozen).
    ///
    /// ```
    /// use renkei_core::geocode::{Geocoder, MunicipalityName, TownPoint};
    /// use renkei_core::{LonLat, MunicipalityCode};
    /// let code = MunicipalityCode::new("14207").unwrap();
    /// let town = |name: &str, lon: f64| TownPoint { municipality: code.clone(), town: name.into(), position: LonLat::new(lon, 35.33).unwrap() };
    /// let geocoder = Geocoder::new(Vec::new(), vec![town("架空町一丁目", 139.40), town("架空町二丁目", 139.41)]);
    /// let near = geocoder.nearest_town(LonLat::new(139.408, 35.33).unwrap(), Some(&code)).unwrap(); // Longitude, Latitude
    /// assert_eq!(near.name, "架空町二丁目");
    /// assert!((near.distance_m - 181.7).abs() < 1.0);
    /// ```
    pub fn nearest_town(
        &self,
        point: LonLat,
        within: Option<&MunicipalityCode>,
    ) -> Option<NearbyTown> {
        let (code, index) = &self
            .town_tree
            .0
            .nearest_neighbor_iter(&unit_vector(point))
            .take(SAME_MUNICIPALITY_CANDIDATES)
            .find(|entry| within.is_none_or(|wanted| entry.data.0 == *wanted))?
            .data;
        let town = &self.towns.get(code)?[*index];
        Some(NearbyTown {
            municipality: code.clone(),
            name: town.name.clone(),
            position: town.position,
            distance_m: point.distance_m(town.position),
        })
    }
}
