//! Every region fact the service answers from memory: the 二次医療圏 tables,
//! the municipality boundaries indexed for point assignment, each region's
//! dissolved boundary and its population.

use super::{
    dissolve, region_populations, BoundaryIndex, DesignatedCities, MunicipalPopulation,
    Municipality, Prefecture, RegionPopulation, RegionTable, SecondaryMedicalRegion,
};
use crate::{MunicipalityCode, RegionCode};
use geo::MultiPolygon;
use std::collections::HashMap;

/// Regions with their geometry and population, built once per data version.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use renkei_core::region::{Municipality, RegionCatalog, RegionTable};
/// use renkei_core::LonLat;
/// let table = RegionTable::from_toml(r#"
///     [prefecture]
///     code = "47"
///     name_ja = "架空県"
///     [[regions]]
///     code = "4701"
///     name_ja = "架空北部"
///     municipalities = ["47201", "47202"]
/// "#).unwrap();
/// let unit = |code: &str, west: f64| Municipality {
///     code: code.parse().unwrap(),
///     prefecture_name: "架空県".into(),
///     subprefecture_name: None,
///     county_or_city: None,
///     name: format!("架空{code}市"),
///     // longitude, latitude
///     geometry: MultiPolygon::new(vec![polygon![(x: west, y: 26.0), (x: west + 0.1, y: 26.0), (x: west + 0.1, y: 26.1), (x: west, y: 26.1)]]),
/// };
/// let catalog = RegionCatalog::build(vec![table], vec![unit("47201", 127.0), unit("47202", 127.1)], &[]);
/// let north = "4701".parse().unwrap();
/// assert_eq!(catalog.geometry(&north).unwrap().0.len(), 1); // two squares dissolve into one
/// let placed = catalog.boundaries().unwrap().assign(LonLat::new(127.15, 26.05).unwrap()).unwrap();
/// assert_eq!(placed.region, Some(north));
/// ```
#[derive(Debug, Default)]
pub struct RegionCatalog {
    tables: Vec<RegionTable>,
    designated: DesignatedCities,
    boundaries: Option<BoundaryIndex>,
    geometry: HashMap<RegionCode, MultiPolygon<f64>>,
    populations: HashMap<RegionCode, RegionPopulation>,
}

impl RegionCatalog {
    /// Builds the catalog. A region's geometry is the union of those of its
    /// units that have a boundary; a region with none has no geometry. Region
    /// populations are derived only when `populations` is not empty.
    pub fn build(
        tables: Vec<RegionTable>,
        units: Vec<Municipality>,
        populations: &[MunicipalPopulation],
    ) -> Self {
        let by_code: HashMap<&MunicipalityCode, &Municipality> =
            units.iter().map(|unit| (&unit.code, unit)).collect();
        let mut geometry = HashMap::new();
        for table in &tables {
            for region in table.regions() {
                let parts: Vec<&MultiPolygon<f64>> = region
                    .municipalities
                    .iter()
                    .filter_map(|code| by_code.get(code).map(|unit| &unit.geometry))
                    .collect();
                if !parts.is_empty() {
                    geometry.insert(region.code.clone(), dissolve(parts));
                }
            }
        }
        let populations = if populations.is_empty() {
            HashMap::new()
        } else {
            tables
                .iter()
                .flat_map(|table| region_populations(table, populations))
                .map(|population| (population.region.clone(), population))
                .collect()
        };
        let boundaries = (!units.is_empty()).then(|| BoundaryIndex::new(units, &tables));
        Self {
            designated: DesignatedCities::from_tables(&tables),
            tables,
            boundaries,
            geometry,
            populations,
        }
    }

    /// The 二次医療圏 tables, one per prefecture.
    pub fn tables(&self) -> &[RegionTable] {
        &self.tables
    }

    /// The designated cities (政令指定都市) of the tables, with their wards.
    pub fn designated_cities(&self) -> &DesignatedCities {
        &self.designated
    }

    /// Every region with its prefecture, prefecture by prefecture in table order.
    pub fn regions(&self) -> impl Iterator<Item = (&Prefecture, &SecondaryMedicalRegion)> {
        self.tables
            .iter()
            .flat_map(|table| table.regions().iter().map(|r| (table.prefecture(), r)))
    }

    /// One region with its prefecture.
    pub fn region(&self, code: &RegionCode) -> Option<(&Prefecture, &SecondaryMedicalRegion)> {
        self.tables
            .iter()
            .find_map(|table| table.region(code).map(|r| (table.prefecture(), r)))
    }

    /// The 二次医療圏 an N03 unit belongs to, by the tables.
    pub fn region_of(&self, code: &MunicipalityCode) -> Option<&RegionCode> {
        self.tables.iter().find_map(|table| table.region_of(code))
    }

    /// The dissolved boundary of a region (WGS 84, lon/lat), when any of its
    /// units has a boundary loaded.
    pub fn geometry(&self, code: &RegionCode) -> Option<&MultiPolygon<f64>> {
        self.geometry.get(code)
    }

    /// The population of a region, or why it is unknown; `None` when no
    /// population has been imported at all.
    pub fn population(&self, code: &RegionCode) -> Option<&RegionPopulation> {
        self.populations.get(code)
    }

    /// Boundaries indexed for point assignment; `None` when none are loaded.
    pub fn boundaries(&self) -> Option<&BoundaryIndex> {
        self.boundaries.as_ref()
    }

    /// One N03 unit with its boundary.
    pub fn municipality(&self, code: &MunicipalityCode) -> Option<&Municipality> {
        let units = self.boundaries.as_ref()?.municipalities();
        units
            .binary_search_by(|unit| unit.code.cmp(code))
            .ok()
            .map(|index| &units[index])
    }

    /// The loaded units of a region, in the table's order (units whose
    /// boundary is not loaded are left out).
    pub fn municipalities_of<'a>(
        &'a self,
        region: &'a SecondaryMedicalRegion,
    ) -> impl Iterator<Item = &'a Municipality> + 'a {
        region
            .municipalities
            .iter()
            .filter_map(|code| self.municipality(code))
    }
}
