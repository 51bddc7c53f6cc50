//! Inputs of the coverage analysis: children per mesh cell (e-Stat 地域メッシュ
//! 統計) and the municipalities providers declare they serve (HSDS
//! service_area).

use crate::dialect::Dialect;
use crate::params::{Param, StoredId};
use crate::{StoreError, StoreResult};
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
const DELETE_MESH: &str = "DELETE FROM mesh_populations WHERE substr(mesh_code, 1, 4) = $1";
/// Inserts one cell.
const INSERT_MESH: &str = "INSERT INTO mesh_populations \
     (mesh_code, total, under_15, year, source, source_file) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (mesh_code) DO UPDATE SET total = excluded.total, under_15 = excluded.under_15, \
     year = excluded.year, source = excluded.source, source_file = excluded.source_file";
/// Every cell.
const SELECT_MESH: &str =
    "SELECT mesh_code, total, under_15, year, source FROM mesh_populations ORDER BY mesh_code";
/// Whether a location (`$1`) is stored.
const LOCATION_EXISTS: &str = "SELECT 1 FROM locations WHERE id = $1";
/// Deletes the declarations of one location (`$1`).
const DELETE_AREAS: &str = "DELETE FROM service_areas WHERE location_id = $1";
/// Inserts one declaration.
const INSERT_AREA: &str =
    "INSERT INTO service_areas (location_id, municipality_code, source_file) \
     VALUES ($1, $2, $3) ON CONFLICT (location_id, municipality_code) DO NOTHING";
/// Every declaration.
const SELECT_AREAS: &str =
    "SELECT location_id, municipality_code FROM service_areas ORDER BY location_id, municipality_code";

/// Builds a mesh record from a stored row.
fn mesh_from_row(
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
fn area_from_row((facility, code): (StoredId, String)) -> crate::StoreResult<ServiceAreaRecord> {
    let facility = FacilityId(facility.0);
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
fn stored_count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Replaces the cells of every 1st mesh in `rows` inside the transaction
/// `conn`; returns how many were written.
pub(crate) async fn replace_mesh<D: Dialect>(
    conn: &mut D::Connection,
    source_file: &str,
    rows: &[MeshPopulationRecord],
) -> StoreResult<u64> {
    let mut first_meshes: Vec<String> =
        rows.iter().map(|r| r.mesh.code()[..4].to_owned()).collect();
    first_meshes.sort();
    first_meshes.dedup();
    for first in &first_meshes {
        D::execute(conn, DELETE_MESH, &[first]).await?;
    }
    for row in rows {
        let args: [&dyn Param; 6] = [
            &row.mesh.code(),
            &stored_count(row.total),
            &stored_count(row.under_15),
            &row.year,
            &row.source,
            &source_file,
        ];
        D::execute(conn, INSERT_MESH, &args).await?;
    }
    Ok(rows.len() as u64)
}

/// Every stored cell, ordered by code.
pub(crate) async fn mesh<D: Dialect>(
    conn: &mut D::Connection,
) -> StoreResult<Vec<MeshPopulationRecord>> {
    let rows: Vec<(String, i64, i64, i32, String)> = D::fetch(conn, SELECT_MESH, &[]).await?;
    rows.into_iter().map(mesh_from_row).collect()
}

/// Replaces the declared service areas of every facility in `records` inside
/// the transaction `conn`; returns how many were stored. A facility that is
/// not stored is [`StoreError::NotFound`].
pub(crate) async fn replace_areas<D: Dialect>(
    conn: &mut D::Connection,
    source_file: &str,
    records: &[ServiceAreaRecord],
) -> StoreResult<u64> {
    let mut facilities: Vec<FacilityId> = records.iter().map(|r| r.facility).collect();
    facilities.sort_by_key(|id| id.0);
    facilities.dedup();
    for facility in facilities {
        let id = StoredId(facility.0);
        // Checked here rather than left to the foreign key, whose violation
        // SQLite reports without the constraint's name.
        let known: Vec<(i32,)> = D::fetch(conn, LOCATION_EXISTS, &[&id]).await?;
        if known.is_empty() {
            return Err(StoreError::NotFound {
                entity: "facility",
                key: facility.to_string(),
            });
        }
        D::execute(conn, DELETE_AREAS, &[&id]).await?;
    }
    let mut stored = 0;
    for record in records {
        let args: [&dyn Param; 3] = [
            &StoredId(record.facility.0),
            &record.municipality.as_str(),
            &source_file,
        ];
        stored += D::execute(conn, INSERT_AREA, &args).await?;
    }
    Ok(stored)
}

/// Every declaration, ordered by location and municipality.
pub(crate) async fn areas<D: Dialect>(
    conn: &mut D::Connection,
) -> StoreResult<Vec<ServiceAreaRecord>> {
    let rows: Vec<(StoredId, String)> = D::fetch(conn, SELECT_AREAS, &[]).await?;
    rows.into_iter().map(area_from_row).collect()
}
