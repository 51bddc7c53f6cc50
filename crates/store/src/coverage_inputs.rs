//! Inputs of the coverage analysis: children per mesh cell (e-Stat 地域メッシュ
//! 統計) and the municipalities providers declare they serve (HSDS
//! service_area).

use renkei_core::mesh::MeshCell;
use renkei_core::{FacilityId, MunicipalityCode};

/// Population of one mesh cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeshPopulationRecord {
    /// 3rd mesh (about 1 km) or half mesh (about 500 m).
    pub mesh: MeshCell,
    /// Total population (persons).
    pub total: u64,
    /// Children aged 0–14 (persons).
    pub under_15: u64,
    /// Census year, e.g. 2020.
    pub year: i32,
    /// Dataset, e.g. `国勢調査 2020 地域メッシュ統計 T001100`.
    pub source: String,
}

/// One municipality a provider declares it serves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServiceAreaRecord {
    /// The provider (location).
    pub facility: FacilityId,
    /// A municipality / ward, or a designated city (covering its wards).
    pub municipality: MunicipalityCode,
}

/// Deletes the cells of one 1st mesh (`$1`, four digits): e-Stat publishes one
/// file per 1st mesh, so a file replaces what it covers.
pub(crate) const DELETE_MESH: &str =
    "DELETE FROM mesh_populations WHERE substr(mesh_code, 1, 4) = $1";
/// Inserts one cell.
pub(crate) const INSERT_MESH: &str = "INSERT INTO mesh_populations \
     (mesh_code, total, under_15, year, source, source_file) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (mesh_code) DO UPDATE SET total = excluded.total, under_15 = excluded.under_15, \
     year = excluded.year, source = excluded.source, source_file = excluded.source_file";
/// Every cell.
pub(crate) const SELECT_MESH: &str =
    "SELECT mesh_code, total, under_15, year, source FROM mesh_populations ORDER BY mesh_code";
/// Whether a location (`$1`) is stored.
pub(crate) const LOCATION_EXISTS: &str = "SELECT 1 FROM locations WHERE id = $1";
/// Deletes the declarations of one location (`$1`).
pub(crate) const DELETE_AREAS: &str = "DELETE FROM service_areas WHERE location_id = $1";
/// Inserts one declaration.
pub(crate) const INSERT_AREA: &str =
    "INSERT INTO service_areas (location_id, municipality_code, source_file) \
     VALUES ($1, $2, $3) ON CONFLICT (location_id, municipality_code) DO NOTHING";
/// Every declaration.
pub(crate) const SELECT_AREAS: &str =
    "SELECT location_id, municipality_code FROM service_areas ORDER BY location_id, municipality_code";

/// Builds a mesh record from a stored row.
pub(crate) fn mesh_from_row(
    (code, total, under_15, year, source): (String, i64, i64, i32, String),
) -> crate::StoreResult<MeshPopulationRecord> {
    let corrupt = |reason: String| crate::StoreError::Corrupt {
        entity: "mesh_population",
        key: code.clone(),
        reason,
    };
    Ok(MeshPopulationRecord {
        mesh: code
            .parse()
            .map_err(|e: renkei_core::mesh::MeshError| corrupt(e.to_string()))?,
        total: u64::try_from(total).map_err(|e| corrupt(e.to_string()))?,
        under_15: u64::try_from(under_15).map_err(|e| corrupt(e.to_string()))?,
        year,
        source,
    })
}

/// Builds a declaration from a stored row.
pub(crate) fn area_from_row(
    facility: FacilityId,
    code: String,
) -> crate::StoreResult<ServiceAreaRecord> {
    let municipality = MunicipalityCode::new(code).map_err(|e| crate::StoreError::Corrupt {
        entity: "service_area",
        key: facility.to_string(),
        reason: e.to_string(),
    })?;
    Ok(ServiceAreaRecord {
        facility,
        municipality,
    })
}

/// Counts as stored: SQLite and PostgreSQL both keep BIGINT-range integers.
pub(crate) fn stored_count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
