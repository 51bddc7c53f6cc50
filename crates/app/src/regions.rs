//! 二次医療圏 (secondary medical regions) and municipalities: the catalogue a
//! [`Snapshot`] holds ([`Regions`]) and the region queries answered from it —
//! the list with population and facility counts, one area's boundary, and
//! which municipality and region a point is in.

use crate::error::{AppError, AppResult};
use crate::snapshot::Snapshot;
use geo::MultiPolygon;
use renkei_core::region::{
    simplify, AssignmentMethod, Municipality, MunicipalityArea, Prefecture, RegionCatalog,
    RegionTable, SecondaryMedicalRegion,
};
use renkei_core::search::Area;
use renkei_core::{KindCode, LonLat, MunicipalityCode, RegionCode};
use renkei_store::PopulationRecord;
use std::collections::BTreeMap;

/// Largest `simplify` tolerance accepted, in degrees (about 11 km north–south).
pub const MAX_SIMPLIFY_DEG: f64 = 0.1;

/// The regions the service answers from: the catalogue (tables, boundaries,
/// dissolved region geometry, population) and where the population comes from.
#[derive(Debug, Default)]
pub struct Regions {
    /// Tables, boundaries, geometry, population.
    pub catalog: RegionCatalog,
    /// Reference year of the population counts, when imported.
    pub population_year: Option<i32>,
    /// Dataset of the population counts, when imported.
    pub population_source: Option<String>,
}

impl Regions {
    /// Builds the in-memory catalogue (dissolving each region's boundary) from
    /// region tables, municipal boundaries and municipal populations.
    pub fn build(
        tables: Vec<RegionTable>,
        units: Vec<Municipality>,
        populations: Vec<PopulationRecord>,
    ) -> Self {
        let first = populations.first();
        let (population_year, population_source) =
            (first.map(|p| p.year), first.map(|p| p.source.clone()));
        let rows: Vec<_> = populations.into_iter().map(|p| p.population).collect();
        Self {
            catalog: RegionCatalog::build(tables, units, &rows),
            population_year,
            population_source,
        }
    }

    /// The region of `code` with its prefecture, or a not-found `region`.
    pub fn find_region(
        &self,
        code: &RegionCode,
    ) -> AppResult<(&Prefecture, &SecondaryMedicalRegion)> {
        self.catalog.region(code).ok_or_else(|| AppError::NotFound {
            entity: "region",
            id: code.to_string(),
        })
    }

    /// The area municipality `code` names: itself, and for a designated city
    /// its wards, as the region tables list them.
    pub fn municipality_area(&self, code: &MunicipalityCode) -> MunicipalityArea {
        self.catalog.designated_cities().area(code)
    }

    /// A municipality's code with its full name, when its boundary is loaded.
    pub fn municipality_ref(&self, code: &MunicipalityCode) -> MunicipalityRef {
        MunicipalityRef {
            code: code.clone(),
            name: self.catalog.municipality(code).map(Municipality::full_name),
        }
    }

    /// The population of region `code`, with the dataset, or why it is unknown.
    pub fn population(&self, code: &RegionCode) -> PopulationSummary {
        match self.catalog.population(code) {
            Some(found) => PopulationSummary {
                total: found.total,
                under_15: found.under_15,
                year: found.total.and(self.population_year),
                source: found.total.and(self.population_source.clone()),
                unknown_reason: found.unknown_reason.clone(),
            },
            None => PopulationSummary {
                total: None,
                under_15: None,
                year: None,
                source: None,
                unknown_reason: Some(
                    "人口データが取り込まれていません (renkei import population) / no population has been imported"
                        .to_owned(),
                ),
            },
        }
    }
}

/// An area code as a query field gives it: a 二次医療圏 (4 digits, e.g.
/// `1407`) or a municipality / ward (5 digits, e.g. `14207`; a designated
/// city includes the wards `regions` give it); anything else is an invalid
/// `field`.
pub fn parse_area(field: &'static str, text: &str, regions: &Regions) -> AppResult<Area> {
    let bad = || not_an_area(field, text);
    match text.len() {
        4 => RegionCode::new(text)
            .map(Area::Region)
            .map_err(|_| unknown_code("region", text).unwrap_or_else(bad)),
        5 => MunicipalityCode::new(text)
            .map(|code| Area::Municipality(regions.municipality_area(&code)))
            .map_err(|_| unknown_code("municipality", text).unwrap_or_else(bad)),
        _ => Err(bad()),
    }
}

/// A code of the right length and digits only that no prefecture can have
/// (e.g. `9999`) is well-formed: it names no area, so it is not found (404),
/// as the API documents, rather than malformed.
fn unknown_code(entity: &'static str, text: &str) -> Option<AppError> {
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| AppError::NotFound {
            entity,
            id: text.to_owned(),
        })
}

/// A 二次医療圏 code (4 digits, e.g. `1407`); a 4-digit code no prefecture
/// has is not found; anything else is an invalid `field`.
pub fn parse_region(field: &'static str, text: &str) -> AppResult<RegionCode> {
    let bad = || {
        AppError::invalid(
            field,
            format!("{text:?} は二次医療圏コード (4桁, 例: 1407) ではありません"),
            format!("{text:?} is not a region code (4 digits, e.g. 1407)"),
        )
    };
    match text.len() {
        4 => RegionCode::new(text).map_err(|_| unknown_code("region", text).unwrap_or_else(bad)),
        _ => Err(bad()),
    }
}

/// `text` in `field` is neither a 二次医療圏 nor a municipality code.
pub fn not_an_area(field: &'static str, text: &str) -> AppError {
    AppError::invalid(
        field,
        format!("{text:?} は二次医療圏コード (4桁, 例: 1407) でも市区町村コード (5桁, 例: 14207) でもありません"),
        format!("{text:?} is neither a region code (4 digits, e.g. 1407) nor a municipality code (5 digits, e.g. 14207)"),
    )
}

/// A municipality's code and, when its boundary is loaded, its full name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MunicipalityRef {
    /// Municipality or ward code.
    pub code: MunicipalityCode,
    /// Name as written after the prefecture (横浜市鶴見区).
    pub name: Option<String>,
}

/// A region's population, or why it is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationSummary {
    /// Total (persons).
    pub total: Option<u64>,
    /// Children under 15 (persons).
    pub under_15: Option<u64>,
    /// Reference year of the counts.
    pub year: Option<i32>,
    /// Dataset of the counts.
    pub source: Option<String>,
    /// Why the population is unknown (Japanese, then English).
    pub unknown_reason: Option<String>,
}

/// One 二次医療圏 of the list.
#[derive(Debug)]
pub struct RegionSummary<'a> {
    /// Its prefecture.
    pub prefecture: &'a Prefecture,
    /// The region, with its member codes and core hospitals.
    pub region: &'a SecondaryMedicalRegion,
    /// Its municipalities, in the table's order, with names.
    pub municipalities: Vec<MunicipalityRef>,
    /// Its population.
    pub population: PopulationSummary,
    /// Active facilities placed in it, by kind.
    pub facilities_by_kind: BTreeMap<KindCode, u64>,
    /// Its extent `[west, south, east, north]`, WGS 84 degrees, when its
    /// boundaries are loaded (a client frames a prefecture's regions with it).
    pub bbox: Option<[f64; 4]>,
}

/// Every 二次医療圏 loaded, with how many municipal boundaries are loaded.
#[derive(Debug)]
pub struct RegionList<'a> {
    /// Regions, prefecture by prefecture in table order.
    pub items: Vec<RegionSummary<'a>>,
    /// Municipal boundaries loaded.
    pub boundaries_loaded: usize,
}

/// Every region of `snapshot` with members, population and facility counts.
pub fn list_regions(snapshot: &Snapshot) -> RegionList<'_> {
    let regions = snapshot.regions();
    let mut counts = snapshot.directory().count_by_region_and_kind();
    let catalog = &regions.catalog;
    let items = catalog
        .regions()
        .map(|(prefecture, region)| RegionSummary {
            prefecture,
            region,
            municipalities: region
                .municipalities
                .iter()
                .map(|code| regions.municipality_ref(code))
                .collect(),
            population: regions.population(&region.code),
            facilities_by_kind: counts.remove(&region.code).unwrap_or_default(),
            bbox: catalog
                .geometry(&region.code)
                .and_then(geo::BoundingRect::bounding_rect)
                .map(|rect| [rect.min().x, rect.min().y, rect.max().x, rect.max().y]),
        })
        .collect();
    RegionList {
        items,
        boundaries_loaded: catalog
            .boundaries()
            .map_or(0, |index| index.municipalities().len()),
    }
}

/// One region's or municipality's boundary, simplified for drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaQuery {
    /// The region or municipality.
    pub area: Area,
    /// Ramer–Douglas–Peucker tolerance in **degrees**, 0–[`MAX_SIMPLIFY_DEG`]; 0 keeps the boundary as stored.
    pub simplify_deg: f64,
}

/// Which kind of area an [`AreaOutline`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaLevel {
    /// A 二次医療圏.
    Region,
    /// A municipality or ward.
    Municipality,
}

/// A region's or municipality's boundary with its names.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaOutline {
    /// Region or municipality.
    pub level: AreaLevel,
    /// Its code (4 or 5 digits).
    pub code: String,
    /// Japanese name (for a municipality, the full name after the prefecture).
    pub name_ja: String,
    /// English name, when the table gives one.
    pub name_en: Option<String>,
    /// Prefecture name.
    pub prefecture: String,
    /// For a municipality, its 二次医療圏.
    pub region_code: Option<RegionCode>,
    /// For a region, its municipalities.
    pub municipalities: Vec<MunicipalityCode>,
    /// The (dissolved, simplified) boundary, lon/lat WGS 84; `None` when none is loaded.
    pub geometry: Option<MultiPolygon<f64>>,
    /// The tolerance used, degrees.
    pub simplify_deg: f64,
}

impl AreaQuery {
    /// The query, with the tolerance checked (field `simplify`).
    pub fn new(area: Area, simplify_deg: f64) -> AppResult<Self> {
        if !(0.0..=MAX_SIMPLIFY_DEG).contains(&simplify_deg) {
            return Err(not_a_tolerance(&simplify_deg.to_string()));
        }
        Ok(Self { area, simplify_deg })
    }

    /// The area's outline; an unknown code is a not-found `region` or `municipality`.
    pub fn run(&self, snapshot: &Snapshot) -> AppResult<AreaOutline> {
        let regions = snapshot.regions();
        let catalog = &regions.catalog;
        let shape = |geometry: &MultiPolygon<f64>| simplify(geometry, self.simplify_deg);
        Ok(match &self.area {
            Area::Region(code) => {
                let (prefecture, region) = regions.find_region(code)?;
                AreaOutline {
                    level: AreaLevel::Region,
                    code: code.to_string(),
                    name_ja: region.name_ja.clone(),
                    name_en: region.name_en.clone(),
                    prefecture: prefecture.name_ja.clone(),
                    region_code: None,
                    municipalities: region.municipalities.clone(),
                    geometry: catalog.geometry(code).map(shape),
                    simplify_deg: self.simplify_deg,
                }
            }
            Area::Municipality(area) => {
                let code = area.code();
                let unit = catalog
                    .municipality(code)
                    .ok_or_else(|| AppError::NotFound {
                        entity: "municipality",
                        id: code.to_string(),
                    })?;
                AreaOutline {
                    level: AreaLevel::Municipality,
                    code: code.to_string(),
                    name_ja: unit.full_name(),
                    name_en: None,
                    prefecture: unit.prefecture_name.clone(),
                    region_code: catalog.region_of(code).cloned(),
                    municipalities: Vec::new(),
                    geometry: Some(shape(&unit.geometry)),
                    simplify_deg: self.simplify_deg,
                }
            }
        })
    }
}

/// The invalid `simplify` tolerance `text`.
pub fn not_a_tolerance(text: &str) -> AppError {
    AppError::invalid(
        "simplify",
        format!("{text:?} ではなく 0〜{MAX_SIMPLIFY_DEG} の数 (度) を指定してください (例: 0.001)"),
        format!(
            "give a tolerance in degrees from 0 to {MAX_SIMPLIFY_DEG} (e.g. 0.001), not {text:?}"
        ),
    )
}

/// Where a point is: its municipality and 二次医療圏 by point in polygon.
#[derive(Debug, Clone, PartialEq)]
pub struct PointPlacement<'a> {
    /// The point asked about.
    pub point: LonLat,
    /// The municipality it is in (or nearest to, within 500 m).
    pub municipality: MunicipalityRef,
    /// Its 二次医療圏, when a table lists the municipality.
    pub region: Option<&'a SecondaryMedicalRegion>,
    /// Inside, or nearest with the distance.
    pub method: AssignmentMethod,
}

/// The municipality and region of `point`; outside every loaded municipality
/// (more than 500 m away) it is [`AppError::OutsideRegions`].
pub fn region_at(snapshot: &Snapshot, point: LonLat) -> AppResult<PointPlacement<'_>> {
    let regions = snapshot.regions();
    let catalog = &regions.catalog;
    let outside = || AppError::OutsideRegions {
        lon: point.lon(),
        lat: point.lat(),
    };
    let placed = catalog
        .boundaries()
        .and_then(|index| index.assign(point))
        .ok_or_else(outside)?;
    let (Some(code), method) = (placed.municipality, placed.method) else {
        return Err(outside());
    };
    Ok(PointPlacement {
        point,
        municipality: regions.municipality_ref(&code),
        region: placed
            .region
            .as_ref()
            .and_then(|code| catalog.region(code))
            .map(|(_, region)| region),
        method,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_codes_and_tolerances_are_checked_and_name_the_field() {
        let regions = Regions::default();
        assert!(matches!(
            parse_area("code", "1407", &regions),
            Ok(Area::Region(_))
        ));
        assert!(matches!(
            parse_area("code", "14207", &regions),
            Ok(Area::Municipality(_))
        ));
        for bad in ["abc", "140", "1407x", ""] {
            assert!(
                matches!(
                    parse_area("code", bad, &regions),
                    Err(AppError::Invalid { field: "code", .. })
                ),
                "{bad}"
            );
        }
        let area = Area::Region(RegionCode::new("1407").unwrap());
        assert!(AreaQuery::new(area.clone(), 0.01).is_ok());
        for bad in [-0.1, 0.2, f64::NAN] {
            assert!(
                matches!(
                    AreaQuery::new(area.clone(), bad),
                    Err(AppError::Invalid {
                        field: "simplify",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }
}
