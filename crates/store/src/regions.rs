//! Regions in the store: the 二次医療圏 tables, N03 boundaries, municipal
//! population and the placement of locations (issue 4).
//!
//! Written once for both backends ([`RegionSql`]); how a boundary is written
//! and read is the dialect's (SQLite: `GeoJSON` text; PostgreSQL:
//! `geometry(MultiPolygon, 4326)`), as is the batch update of placements.

use crate::dialect::Dialect;
use crate::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use renkei_core::region::{
    AssignmentMethod, DesignatedCity, GeoJsonMultiPolygon, MunicipalPopulation, Municipality,
    Prefecture, RegionTable, SecondaryMedicalRegion,
};
use renkei_core::{FacilityId, MunicipalityCode, PrefectureCode, RegionCode};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

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

fn corrupt(entity: &'static str, key: &str, reason: &impl ToString) -> StoreError {
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

/// The region steps for database `D`.
pub(crate) struct RegionSql<D>(PhantomData<D>);

impl<D> RegionSql<D>
where
    D: Dialect,
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    for<'q> D::Arguments<'q>: IntoArguments<'q, D>,
    usize: ColumnIndex<D::Row>,
    for<'q> String: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> Option<String>: Encode<'q, D>,
    for<'q> &'q str: Encode<'q, D> + Type<D>,
    for<'q> i32: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> i64: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> f64: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> bool: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> NaiveDate: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> Option<NaiveDate>: Encode<'q, D>,
    for<'q> DateTime<Utc>: Encode<'q, D> + Decode<'q, D> + Type<D>,
{
    /// Replaces the rows of `table`'s prefecture (deleting it cascades to its
    /// regions, memberships and designated cities) with `table`.
    pub(crate) async fn write_table(
        conn: &mut D::Connection,
        table: &RegionTable,
    ) -> StoreResult<()> {
        let prefecture = table.prefecture();
        let pref = prefecture.code.as_str().to_owned();
        sqlx::query::<D>("DELETE FROM prefectures WHERE code = $1")
            .bind(&pref)
            .execute(&mut *conn)
            .await?;
        sqlx::query::<D>(include_str!("sql/regions/insert_prefecture.sql"))
            .bind(&pref)
            .bind(&prefecture.name_ja)
            .bind(&prefecture.name_en)
            .execute(&mut *conn)
            .await?;
        for (i, region) in table.regions().iter().enumerate() {
            let code = region.code.as_str().to_owned();
            sqlx::query::<D>(include_str!("sql/regions/insert_region.sql"))
                .bind(&code)
                .bind(&pref)
                .bind(position(i))
                .bind(&region.name_ja)
                .bind(&region.name_en)
                .bind(region.code_verified)
                .execute(&mut *conn)
                .await?;
            for (j, name) in region.core_hospitals.iter().enumerate() {
                sqlx::query::<D>(include_str!("sql/regions/insert_core_hospital.sql"))
                    .bind(&code)
                    .bind(position(j))
                    .bind(name)
                    .execute(&mut *conn)
                    .await?;
            }
            for (j, unit) in region.municipalities.iter().enumerate() {
                sqlx::query::<D>(include_str!("sql/regions/insert_membership.sql"))
                    .bind(unit.as_str())
                    .bind(&code)
                    .bind(position(j))
                    .execute(&mut *conn)
                    .await?;
            }
        }
        for (i, city) in table.designated_cities().iter().enumerate() {
            let code = city.code.as_str().to_owned();
            sqlx::query::<D>(include_str!("sql/regions/insert_designated_city.sql"))
                .bind(&code)
                .bind(&pref)
                .bind(position(i))
                .bind(&city.name_ja)
                .execute(&mut *conn)
                .await?;
            for (j, ward) in city.wards.iter().enumerate() {
                sqlx::query::<D>(include_str!("sql/regions/insert_ward.sql"))
                    .bind(ward.as_str())
                    .bind(&code)
                    .bind(position(j))
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// Every stored region table, ordered by prefecture code.
    pub(crate) async fn read_tables(conn: &mut D::Connection) -> StoreResult<Vec<RegionTable>> {
        let prefectures: Vec<(String, String, Option<String>)> =
            sqlx::query_as("SELECT code, name_ja, name_en FROM prefectures ORDER BY code")
                .fetch_all(&mut *conn)
                .await?;
        let regions: Vec<(String, String, String, Option<String>, bool)> = sqlx::query_as(
            "SELECT code, prefecture_code, name_ja, name_en, code_verified \
             FROM secondary_medical_regions ORDER BY prefecture_code, position, code",
        )
        .fetch_all(&mut *conn)
        .await?;
        let hospitals = Self::grouped(
            conn,
            "SELECT region_code, name FROM region_core_hospitals ORDER BY region_code, position",
        )
        .await?;
        let members = Self::grouped(
            conn,
            "SELECT region_code, municipality_code FROM region_municipalities \
             ORDER BY region_code, position, municipality_code",
        )
        .await?;
        let wards = Self::grouped(
            conn,
            "SELECT city_code, ward_code FROM designated_city_wards ORDER BY city_code, position, ward_code",
        )
        .await?;
        let cities: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT code, prefecture_code, name_ja FROM designated_cities ORDER BY prefecture_code, position, code",
        )
        .fetch_all(&mut *conn)
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
    async fn grouped(
        conn: &mut D::Connection,
        sql: &'static str,
    ) -> StoreResult<BTreeMap<String, Vec<String>>> {
        let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (key, value) in rows {
            map.entry(key).or_default().push(value);
        }
        Ok(map)
    }

    /// Deletes the stored units of every prefecture in `units` and writes `units`.
    pub(crate) async fn write_boundaries(
        conn: &mut D::Connection,
        source_file: &str,
        units: &[Municipality],
    ) -> StoreResult<BoundarySummary> {
        let prefectures: BTreeSet<PrefectureCode> =
            units.iter().map(|u| u.code.prefecture()).collect();
        let mut summary = BoundarySummary::default();
        for prefecture in &prefectures {
            let (stored,): (i64,) =
                sqlx::query_as("SELECT count(*) FROM municipalities WHERE prefecture_code = $1")
                    .bind(prefecture.as_str())
                    .fetch_one(&mut *conn)
                    .await?;
            sqlx::query::<D>("DELETE FROM municipalities WHERE prefecture_code = $1")
                .bind(prefecture.as_str())
                .execute(&mut *conn)
                .await?;
            summary.removed += u64::try_from(stored).unwrap_or(0);
        }
        let now = Utc::now();
        for unit in units {
            sqlx::query::<D>(D::INSERT_MUNICIPALITY_SQL)
                .bind(unit.code.as_str())
                .bind(unit.code.prefecture().as_str())
                .bind(&unit.prefecture_name)
                .bind(&unit.subprefecture_name)
                .bind(&unit.county_or_city)
                .bind(&unit.name)
                .bind(GeoJsonMultiPolygon::from(&unit.geometry).to_json())
                .bind(source_file)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            summary.written += 1;
        }
        summary.prefectures = prefectures.into_iter().collect();
        Ok(summary)
    }

    /// Every stored unit, ordered by code.
    pub(crate) async fn read_boundaries(
        conn: &mut D::Connection,
    ) -> StoreResult<Vec<Municipality>> {
        let rows: Vec<MunicipalityRow> = sqlx::query_as(D::SELECT_MUNICIPALITIES_SQL)
            .fetch_all(&mut *conn)
            .await?;
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

    /// Inserts or replaces population rows by code.
    pub(crate) async fn write_populations(
        conn: &mut D::Connection,
        rows: &[PopulationRecord],
    ) -> StoreResult<u64> {
        for row in rows {
            let p = &row.population;
            let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            sqlx::query::<D>(include_str!("sql/regions/upsert_population.sql"))
                .bind(p.code.as_str())
                .bind(&p.name)
                .bind(count(p.total))
                .bind(count(p.under_15))
                .bind(row.year)
                .bind(&row.source)
                .execute(&mut *conn)
                .await?;
        }
        Ok(rows.len() as u64)
    }

    /// Every stored population row, ordered by code.
    pub(crate) async fn read_populations(
        conn: &mut D::Connection,
    ) -> StoreResult<Vec<PopulationRecord>> {
        let rows: Vec<PopulationRow> = sqlx::query_as(
            "SELECT code, name, total, under_15, year, source FROM municipal_populations ORDER BY code",
        )
        .fetch_all(&mut *conn)
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
}
