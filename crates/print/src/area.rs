//! From the region catalog and the directory to what a document shows: the
//! area of a 二次医療圏 or municipality code with its boundaries, the
//! facilities in it, and a region's leaflet. The CLI and the HTTP API both
//! gather their inputs here.

use crate::leaflet::Leaflet;
use crate::links::WebClient;
use crate::map::{AreaLevel, MapArea, MapUnit};
use crate::{PrintError, PrintResult};
use renkei_core::directory_index::{DirectoryIndex, DirectoryQuery};
use renkei_core::region::{dissolve, Municipality, RegionCatalog};
use renkei_core::{MunicipalityCode, PublicFacility, RegionCode};

/// The area of `code`: a 二次医療圏 (4 digits, e.g. `1407`) with its
/// municipalities, or a municipality / ward (5 digits, e.g. `14207`; a
/// designated-city code such as `14100` 横浜市 gives the city with its wards).
pub fn map_area(catalog: &RegionCatalog, code: &str) -> PrintResult<MapArea> {
    let malformed = || PrintError::BadAreaCode {
        code: code.to_owned(),
    };
    let unknown = || PrintError::UnknownArea {
        code: code.to_owned(),
    };
    let no_geometry = || PrintError::NoGeometry {
        area: code.to_owned(),
    };
    let unit = |m: &Municipality| MapUnit {
        name_ja: m.name.clone(),
        geometry: m.geometry.clone(),
    };
    match code.len() {
        4 => {
            let region_code = RegionCode::new(code).map_err(|_| malformed())?;
            let (prefecture, region) = catalog.region(&region_code).ok_or_else(unknown)?;
            Ok(MapArea {
                code: code.to_owned(),
                level: AreaLevel::SecondaryMedicalRegion,
                name_ja: region.name_ja.clone(),
                prefecture_ja: prefecture.name_ja.clone(),
                outline: catalog
                    .geometry(&region_code)
                    .ok_or_else(no_geometry)?
                    .clone(),
                units: catalog.municipalities_of(region).map(unit).collect(),
            })
        }
        5 => {
            let wanted = MunicipalityCode::new(code).map_err(|_| malformed())?;
            let units: Vec<&Municipality> = catalog
                .boundaries()
                .ok_or_else(no_geometry)?
                .municipalities()
                .iter()
                .filter(|m| catalog.designated_cities().contains(&wanted, &m.code))
                .collect();
            let first = units.first().ok_or_else(unknown)?;
            let name_ja = if units.len() == 1 {
                first.full_name()
            } else {
                // A designated city: its wards carry the city's name.
                first
                    .county_or_city
                    .clone()
                    .unwrap_or_else(|| first.name.clone())
            };
            Ok(MapArea {
                code: code.to_owned(),
                level: AreaLevel::Municipality,
                name_ja,
                prefecture_ja: first.prefecture_name.clone(),
                outline: dissolve(units.iter().map(|m| &m.geometry)),
                units: units.into_iter().map(unit).collect(),
            })
        }
        _ => Err(malformed()),
    }
}

/// The active public facilities of `area`: placed in the 二次医療圏, or in
/// the municipality (by position or as stated, with the wards `catalog` gives
/// a designated city).
pub fn area_facilities(
    index: &DirectoryIndex,
    catalog: &RegionCatalog,
    area: &MapArea,
) -> Vec<PublicFacility> {
    let query = match area.level {
        AreaLevel::SecondaryMedicalRegion => DirectoryQuery {
            region: RegionCode::new(&area.code).ok(),
            ..DirectoryQuery::default()
        },
        AreaLevel::Municipality => DirectoryQuery {
            municipality: MunicipalityCode::new(&area.code)
                .ok()
                .map(|code| catalog.designated_cities().area(&code)),
            ..DirectoryQuery::default()
        },
    };
    index.page(&query, 1, u32::MAX).into_public().items
}

/// The active public facilities of 二次医療圏 `code` in `index`, decoded, for
/// [`region_leaflet`].
pub fn region_facilities(index: &DirectoryIndex, code: &str) -> PrintResult<Vec<PublicFacility>> {
    let query = DirectoryQuery {
        region: Some(region_code(code)?),
        ..DirectoryQuery::default()
    };
    Ok(index.page(&query, 1, u32::MAX).into_public().items)
}

fn region_code(code: &str) -> PrintResult<RegionCode> {
    RegionCode::new(code).map_err(|_| PrintError::BadAreaCode {
        code: code.to_owned(),
    })
}

/// The leaflet of 二次医療圏 `code`: its desks and core hospitals from
/// `facilities`, those of the region ([`region_facilities`]).
pub fn region_leaflet<'a>(
    catalog: &RegionCatalog,
    facilities: &'a [PublicFacility],
    code: &str,
    web: WebClient,
) -> PrintResult<Leaflet<'a>> {
    let (prefecture, region) =
        catalog
            .region(&region_code(code)?)
            .ok_or_else(|| PrintError::UnknownArea {
                code: code.to_owned(),
            })?;
    let facilities: Vec<&PublicFacility> = facilities.iter().collect();
    let mut leaflet = Leaflet::for_region(
        code,
        &region.name_ja,
        &prefecture.name_ja,
        &region.core_hospitals,
        &facilities,
        web,
    );
    leaflet.centre = renkei_core::desks::prefectural_centre(&prefecture.code);
    leaflet.designated_cities_ja = catalog
        .tables()
        .iter()
        .filter(|table| table.prefecture().code == prefecture.code)
        .flat_map(renkei_core::region::RegionTable::designated_cities)
        .filter(|city| {
            city.wards
                .iter()
                .any(|ward| region.municipalities.contains(ward))
        })
        .map(|city| city.name_ja.clone())
        .collect();
    Ok(leaflet)
}
