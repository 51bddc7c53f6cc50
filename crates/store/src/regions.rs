//! Regions in the store: the 二次医療圏 tables, N03 boundaries, municipal
//! population and the placement of locations (issue 4).
//!
//! Written once for both backends; how a boundary is written
//! and read is the dialect's (SQLite: `GeoJSON` text; PostgreSQL:
//! `geometry(MultiPolygon, 4326)`), as is the batch update of placements.

use crate::dialect::Dialect;
use crate::params::Param;
use crate::{StoreError, StoreResult};
use chrono::Utc;
use renkei_core::region::{
    AssignmentMethod, DesignatedCity, GeoJsonMultiPolygon, MunicipalPopulation, Municipality,
    Prefecture, RegionTable, SecondaryMedicalRegion,
};
use renkei_core::{FacilityId, MunicipalityCode, PrefectureCode, RegionCode};
use std::collections::{BTreeMap, BTreeSet};

/// What [`crate::Store::replace_boundaries`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoundarySummary {
    /// Prefectures whose units were replaced, ordered by code.
    pub prefectures: Vec<PrefectureCode>,
    /// Units of those prefectures stored before the import (now removed).
    pub removed: u64,
    /// Units written.
    pub written: u64,
}

/// One municipality's population with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationRecord {
    /// Code, name, total and under-15 counts (persons).
    pub population: MunicipalPopulation,
    /// Reference year of the count, e.g. 2020 for the 2020 国勢調査.
    pub year: i32,
    /// Dataset, e.g. `SSDSE-A-2026 (国勢調査 2020)`.
    pub source: String,
}

/// Where a location's position was placed; written by
/// [`crate::Store::set_location_assignments`].
#[derive(Debug, Clone, PartialEq)]
pub struct LocationAssignment {
    /// The location (facility).
    pub id: FacilityId,
    /// Municipality it was assigned to; `None` when suspect or not placed.
    pub municipality: Option<MunicipalityCode>,
    /// 二次医療圏 it was assigned to; `None` when suspect, not placed, or the
    /// municipality is in no region table.
    pub region: Option<RegionCode>,
    /// How it was placed, with the distance in metres; `None` clears the flag
    /// (no position, or no boundaries).
    pub method: Option<AssignmentMethod>,
}

impl LocationAssignment {
    /// (`municipality_code`, `region_code`, `assignment_method`,
    /// `assignment_distance_m`) as stored.
    pub(crate) fn columns(&self) -> (Option<String>, Option<String>, Option<String>, Option<f64>) {
        (
            self.municipality.as_ref().map(|c| c.as_str().to_owned()),
            self.region.as_ref().map(|c| c.as_str().to_owned()),
            self.method.map(|m| m.as_str().to_owned()),
            self.method.map(AssignmentMethod::distance_m),
        )
    }
}

/// A stored value that cannot be read back as what it should be.
pub(crate) fn corrupt(entity: &'static str, key: &str, reason: &impl ToString) -> StoreError {
    StoreError::Corrupt {
        entity,
        key: key.to_owned(),
        reason: reason.to_string(),
    }
}

fn code<T: std::str::FromStr>(entity: &'static str, text: &str) -> StoreResult<T>
where
    T::Err: ToString,
{
    text.parse().map_err(|e: T::Err| corrupt(entity, text, &e))
}

fn position(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

/// A stored boundary row: code, prefecture name, 支庁, 郡・政令市, name, `GeoJSON`.
type MunicipalityRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

/// A population row: code, name, total, under 15, year, source.
type PopulationRow = (String, String, i64, i64, i32, String);

/// Replaces the rows of `table`'s prefecture (deleting it cascades to its
/// regions, memberships and designated cities) with `table`, inside the
/// transaction `conn`.
pub(crate) async fn write_table<D: Dialect>(
    conn: &mut D::Connection,
    table: &RegionTable,
) -> StoreResult<()> {
    let prefecture = table.prefecture();
    let pref = prefecture.code.as_str();
    D::execute(conn, "DELETE FROM prefectures WHERE code = $1", &[&pref]).await?;
    let args: [&dyn Param; 3] = [&pref, &prefecture.name_ja, &prefecture.name_en];
    D::execute(
        conn,
        include_str!("sql/regions/insert_prefecture.sql"),
        &args,
    )
    .await?;
    for (i, region) in table.regions().iter().enumerate() {
        let code = region.code.as_str();
        let args: [&dyn Param; 6] = [
            &code,
            &pref,
            &position(i),
            &region.name_ja,
            &region.name_en,
            &region.code_verified,
        ];
        D::execute(conn, include_str!("sql/regions/insert_region.sql"), &args).await?;
        for (j, name) in region.core_hospitals.iter().enumerate() {
            let args: [&dyn Param; 3] = [&code, &position(j), name];
            D::execute(
                conn,
                include_str!("sql/regions/insert_core_hospital.sql"),
                &args,
            )
            .await?;
        }
        for (j, unit) in region.municipalities.iter().enumerate() {
            let args: [&dyn Param; 3] = [&unit.as_str(), &code, &position(j)];
            D::execute(
                conn,
                include_str!("sql/regions/insert_membership.sql"),
                &args,
            )
            .await?;
        }
    }
    for (i, city) in table.designated_cities().iter().enumerate() {
        let code = city.code.as_str();
        let args: [&dyn Param; 4] = [&code, &pref, &position(i), &city.name_ja];
        D::execute(
            conn,
            include_str!("sql/regions/insert_designated_city.sql"),
            &args,
        )
        .await?;
        for (j, ward) in city.wards.iter().enumerate() {
            let args: [&dyn Param; 3] = [&ward.as_str(), &code, &position(j)];
            D::execute(conn, include_str!("sql/regions/insert_ward.sql"), &args).await?;
        }
    }
    Ok(())
}

/// Every stored region table, ordered by prefecture code.
pub(crate) async fn read_tables<D: Dialect>(
    conn: &mut D::Connection,
) -> StoreResult<Vec<RegionTable>> {
    let prefectures: Vec<(String, String, Option<String>)> = D::fetch(
        conn,
        "SELECT code, name_ja, name_en FROM prefectures ORDER BY code",
        &[],
    )
    .await?;
    let regions: Vec<(String, String, String, Option<String>, bool)> = D::fetch(
        conn,
        "SELECT code, prefecture_code, name_ja, name_en, code_verified \
         FROM secondary_medical_regions ORDER BY prefecture_code, position, code",
        &[],
    )
    .await?;
    let hospitals = grouped::<D>(
        conn,
        "SELECT region_code, name FROM region_core_hospitals ORDER BY region_code, position",
    )
    .await?;
    let members = grouped::<D>(
        conn,
        "SELECT region_code, municipality_code FROM region_municipalities \
         ORDER BY region_code, position, municipality_code",
    )
    .await?;
    let wards = grouped::<D>(
        conn,
        "SELECT city_code, ward_code FROM designated_city_wards ORDER BY city_code, position, ward_code",
    )
    .await?;
    let cities: Vec<(String, String, String)> = D::fetch(
        conn,
        "SELECT code, prefecture_code, name_ja FROM designated_cities ORDER BY prefecture_code, position, code",
        &[],
    )
    .await?;
    let codes = |entity: &'static str, list: Option<&Vec<String>>| {
        list.into_iter()
            .flatten()
            .map(|c| code::<MunicipalityCode>(entity, c))
            .collect::<StoreResult<Vec<_>>>()
    };
    let mut tables = Vec::with_capacity(prefectures.len());
    for (pref, name_ja, name_en) in prefectures {
        let prefecture = Prefecture {
            code: code("prefecture", &pref)?,
            name_ja,
            name_en,
        };
        let designated = cities
            .iter()
            .filter(|(_, p, _)| *p == pref)
            .map(|(city, _, name_ja)| {
                Ok(DesignatedCity {
                    code: code("designated_city", city)?,
                    name_ja: name_ja.clone(),
                    wards: codes("designated_city_ward", wards.get(city))?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let own = regions
            .iter()
            .filter(|(_, p, ..)| *p == pref)
            .map(|(region, _, name_ja, name_en, verified)| {
                Ok(SecondaryMedicalRegion {
                    code: code("secondary_medical_region", region)?,
                    name_ja: name_ja.clone(),
                    name_en: name_en.clone(),
                    code_verified: *verified,
                    municipalities: codes("region_municipality", members.get(region))?,
                    core_hospitals: hospitals.get(region).cloned().unwrap_or_default(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let table = RegionTable::new(prefecture, designated, own)
            .map_err(|e| corrupt("prefecture", &pref, &e))?;
        tables.push(table);
    }
    Ok(tables)
}

/// `(key, value)` rows grouped by key, values in row order.
async fn grouped<D: Dialect>(
    conn: &mut D::Connection,
    sql: &'static str,
) -> StoreResult<BTreeMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = D::fetch(conn, sql, &[]).await?;
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, value) in rows {
        map.entry(key).or_default().push(value);
    }
    Ok(map)
}

/// Deletes the stored units of every prefecture in `units` and writes
/// `units`, inside the transaction `conn`.
pub(crate) async fn write_boundaries<D: Dialect>(
    conn: &mut D::Connection,
    source_file: &str,
    units: &[Municipality],
) -> StoreResult<BoundarySummary> {
    let prefectures: BTreeSet<PrefectureCode> = units.iter().map(|u| u.code.prefecture()).collect();
    let mut summary = BoundarySummary::default();
    for prefecture in &prefectures {
        let pref = prefecture.as_str();
        summary.removed += D::execute(
            conn,
            "DELETE FROM municipalities WHERE prefecture_code = $1",
            &[&pref],
        )
        .await?;
    }
    let now = Utc::now();
    for unit in units {
        let prefecture = unit.code.prefecture();
        let args: [&dyn Param; 9] = [
            &unit.code.as_str(),
            &prefecture.as_str(),
            &unit.prefecture_name,
            &unit.subprefecture_name,
            &unit.county_or_city,
            &unit.name,
            &GeoJsonMultiPolygon::from(&unit.geometry).to_json(),
            &source_file,
            &now,
        ];
        D::execute(conn, D::INSERT_MUNICIPALITY_SQL, &args).await?;
        summary.written += 1;
    }
    summary.prefectures = prefectures.into_iter().collect();
    Ok(summary)
}

/// Every stored unit, ordered by code.
pub(crate) async fn read_boundaries<D: Dialect>(
    conn: &mut D::Connection,
) -> StoreResult<Vec<Municipality>> {
    let rows: Vec<MunicipalityRow> = D::fetch(conn, D::SELECT_MUNICIPALITIES_SQL, &[]).await?;
    rows.into_iter()
        .map(
            |(code_text, prefecture_name, subprefecture_name, county_or_city, name, json)| {
                Ok(Municipality {
                    geometry: GeoJsonMultiPolygon::parse(&json)
                        .map_err(|e| corrupt("municipality", &code_text, &e))?,
                    code: code("municipality", &code_text)?,
                    prefecture_name,
                    subprefecture_name,
                    county_or_city,
                    name,
                })
            },
        )
        .collect()
}

/// Inserts or replaces population rows by code, inside the transaction `conn`.
pub(crate) async fn write_populations<D: Dialect>(
    conn: &mut D::Connection,
    rows: &[PopulationRecord],
) -> StoreResult<u64> {
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    for row in rows {
        let p = &row.population;
        let args: [&dyn Param; 6] = [
            &p.code.as_str(),
            &p.name,
            &count(p.total),
            &count(p.under_15),
            &row.year,
            &row.source,
        ];
        D::execute(
            conn,
            include_str!("sql/regions/upsert_population.sql"),
            &args,
        )
        .await?;
    }
    Ok(rows.len() as u64)
}

/// Every stored population row, ordered by code.
pub(crate) async fn read_populations<D: Dialect>(
    conn: &mut D::Connection,
) -> StoreResult<Vec<PopulationRecord>> {
    let rows: Vec<PopulationRow> = D::fetch(
        conn,
        "SELECT code, name, total, under_15, year, source FROM municipal_populations ORDER BY code",
        &[],
    )
    .await?;
    rows.into_iter()
        .map(|(code_text, name, total, under_15, year, source)| {
            let count = |n: i64| {
                u64::try_from(n).map_err(|e| corrupt("municipal_population", &code_text, &e))
            };
            Ok(PopulationRecord {
                population: MunicipalPopulation {
                    code: code("municipal_population", &code_text)?,
                    name,
                    total: count(total)?,
                    under_15: count(under_15)?,
                },
                year,
                source,
            })
        })
        .collect()
}
