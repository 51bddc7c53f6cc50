//! Inputs of the coverage analysis: children per mesh cell (e-Stat 地域メッシュ
//! 統計) and the municipalities providers declare they serve (HSDS
//! service_area). The SQL is the same on both backends; [`coverage_inputs_for!`]
//! expands it for one.

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

/// Expands the backend functions: `$pool` pool type, `$id_ty` the stored type
/// of a location id, `$to_id` / `$from_id` convert a [`FacilityId`] to and
/// from it.
macro_rules! coverage_inputs_for {
    ($pool:ty, $id_ty:ty, $to_id:expr, $from_id:expr) => {
        use crate::coverage_inputs::{
            area_from_row, mesh_from_row, stored_count, MeshPopulationRecord, ServiceAreaRecord,
            DELETE_AREAS, DELETE_MESH, INSERT_AREA, INSERT_MESH, LOCATION_EXISTS, SELECT_AREAS,
            SELECT_MESH,
        };
        use crate::StoreResult;

        /// Replaces the cells of every 1st mesh in `rows`; returns how many
        /// were written and the new data version.
        pub(crate) async fn replace_mesh_population(
            pool: &$pool,
            source_file: &str,
            rows: &[MeshPopulationRecord],
        ) -> StoreResult<(u64, i64)> {
            let mut first_meshes: Vec<String> =
                rows.iter().map(|r| r.mesh.code()[..4].to_owned()).collect();
            first_meshes.sort();
            first_meshes.dedup();
            let mut tx = pool.begin().await?;
            for first in &first_meshes {
                sqlx::query(DELETE_MESH)
                    .bind(first)
                    .execute(&mut *tx)
                    .await?;
            }
            for row in rows {
                sqlx::query(INSERT_MESH)
                    .bind(row.mesh.code())
                    .bind(stored_count(row.total))
                    .bind(stored_count(row.under_15))
                    .bind(row.year)
                    .bind(&row.source)
                    .bind(source_file)
                    .execute(&mut *tx)
                    .await?;
            }
            let version = super::bump_data_version(&mut tx).await?;
            tx.commit().await?;
            Ok((rows.len() as u64, version))
        }

        /// Every stored cell, ordered by code.
        pub(crate) async fn mesh_populations(
            pool: &$pool,
        ) -> StoreResult<Vec<MeshPopulationRecord>> {
            let rows: Vec<(String, i64, i64, i32, String)> =
                sqlx::query_as(SELECT_MESH).fetch_all(pool).await?;
            rows.into_iter().map(mesh_from_row).collect()
        }

        /// Replaces the declarations of every location in `records`; returns
        /// how many were written and the new data version.
        pub(crate) async fn replace_service_areas(
            pool: &$pool,
            source_file: &str,
            records: &[ServiceAreaRecord],
        ) -> StoreResult<(u64, i64)> {
            let to_id = $to_id;
            let mut facilities: Vec<renkei_core::FacilityId> =
                records.iter().map(|r| r.facility).collect();
            facilities.sort_by_key(|id| id.0);
            facilities.dedup();
            let mut tx = pool.begin().await?;
            for facility in facilities {
                // Checked here rather than left to the foreign key, whose
                // violation SQLite reports without the constraint's name.
                let known: Option<i32> = sqlx::query_scalar(LOCATION_EXISTS)
                    .bind(to_id(facility))
                    .fetch_optional(&mut *tx)
                    .await?;
                if known.is_none() {
                    return Err(crate::StoreError::NotFound {
                        entity: "facility",
                        key: facility.to_string(),
                    });
                }
                sqlx::query(DELETE_AREAS)
                    .bind(to_id(facility))
                    .execute(&mut *tx)
                    .await?;
            }
            let mut stored = 0;
            for record in records {
                stored += sqlx::query(INSERT_AREA)
                    .bind(to_id(record.facility))
                    .bind(record.municipality.as_str())
                    .bind(source_file)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            let version = super::bump_data_version(&mut tx).await?;
            tx.commit().await?;
            Ok((stored, version))
        }

        /// Every declaration, ordered by location and municipality.
        pub(crate) async fn service_areas(pool: &$pool) -> StoreResult<Vec<ServiceAreaRecord>> {
            let from_id = $from_id;
            let rows: Vec<($id_ty, String)> = sqlx::query_as(SELECT_AREAS).fetch_all(pool).await?;
            rows.into_iter()
                .map(|(id, code)| area_from_row(from_id(id)?, code))
                .collect()
        }
    };
}

pub(crate) use coverage_inputs_for;
