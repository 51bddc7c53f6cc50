//! Open Referral HSDS 3.0: the directory of a [`Snapshot`] as HSDS objects,
//! for the `/hsds` API profile ([`crate::hsds_api`]) and the exchange files
//! of `renkei export hsds` ([`ExportQuery`]). The mapping itself is
//! `renkei_ingest::hsds::write`; this module gives it the snapshot's public
//! facilities (never a staff-only field or record: everything goes through
//! [`PublicFacility`]) and the names and outlines of its regions.

use crate::error::{AppError, AppResult};
use crate::regions::Regions;
use crate::snapshot::Snapshot;
use renkei_core::directory_index::DirectoryQuery;
use renkei_core::region::{simplify, GeoJsonMultiPolygon};
use renkei_core::{MunicipalityCode, PublicFacility, RegionCode};
use renkei_ingest::hsds::model::Service;
use renkei_ingest::hsds::tabular;
use renkei_ingest::hsds::vocabulary::{all_terms, VOCABULARIES};
use renkei_ingest::hsds::write::{self, Places, RegionArea, View};
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// The HSDS objects (serde types), for the front doors.
pub use renkei_ingest::hsds::model;

/// HSDS version renkei speaks (3.1's `service_capacity` is added).
pub const HSDS_VERSION: &str = "3.0";

/// Ramer–Douglas–Peucker tolerance of service-area outlines, degrees (about 500 m).
pub const EXTENT_SIMPLIFY_DEG: f64 = 0.005;

/// The names and outlines of a snapshot's regions, each outline simplified
/// and written as GeoJSON once, on first use.
#[derive(Debug)]
pub struct SnapshotPlaces<'a> {
    regions: &'a Regions,
    areas: Mutex<HashMap<RegionCode, Option<RegionArea>>>,
}

impl<'a> SnapshotPlaces<'a> {
    /// The places of `regions`.
    pub fn new(regions: &'a Regions) -> Self {
        Self {
            regions,
            areas: Mutex::default(),
        }
    }
}

impl Places for SnapshotPlaces<'_> {
    fn municipality_names(&self, code: &MunicipalityCode) -> Option<(String, String)> {
        self.regions
            .catalog
            .municipality(code)
            .map(|m| (m.prefecture_name.clone(), m.full_name()))
    }

    fn region_area(&self, code: &RegionCode) -> Option<RegionArea> {
        let mut areas = self
            .areas
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        areas
            .entry(code.clone())
            .or_insert_with(|| {
                let (_, region) = self.regions.find_region(code).ok()?;
                let extent = self.regions.catalog.geometry(code).and_then(|geometry| {
                    let outline = simplify(geometry, EXTENT_SIMPLIFY_DEG);
                    serde_json::to_string(&GeoJsonMultiPolygon::from(&outline)).ok()
                });
                Some(RegionArea {
                    name_ja: region.name_ja.clone(),
                    name_en: region.name_en.clone(),
                    extent,
                })
            })
            .clone()
    }
}

/// Every public facility of `snapshot`, active and closed (HSDS `defunct`),
/// in index order.
pub fn public_facilities(snapshot: &Snapshot) -> impl Iterator<Item = PublicFacility> + '_ {
    let everything = DirectoryQuery {
        include_closed: true,
        ..DirectoryQuery::default()
    };
    snapshot
        .directory()
        .listed(&everything)
        .filter_map(|listed| PublicFacility::new(listed.facility()))
}

/// Every service of every public facility, fully nested (the exchange file's objects).
pub fn all_services(snapshot: &Snapshot) -> Vec<Service> {
    let places = SnapshotPlaces::new(snapshot.regions());
    public_facilities(snapshot)
        .flat_map(|facility| {
            (0..facility.services.len())
                .map(|i| write::service(&facility, i, View::Full, &places))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The two exchange forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeFormat {
    /// One JSON array of fully nested services (`renkei-hsds.json`).
    Json,
    /// The Tabular Data Package: `datapackage.json` and one CSV per table.
    Csv,
}

/// One file of an export: its name and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeFile {
    /// File name, without a folder.
    pub name: String,
    /// Contents (UTF-8).
    pub bytes: Vec<u8>,
}

/// `renkei export hsds`: the whole public directory as HSDS exchange files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportQuery {
    /// Which form.
    pub format: ExchangeFormat,
}

/// File name of the JSON form.
pub const JSON_FILE: &str = "renkei-hsds.json";

impl ExportQuery {
    /// The files of the export; `renkei import hsds` reads them back.
    pub fn run(&self, snapshot: &Snapshot) -> AppResult<Vec<ExchangeFile>> {
        let services = all_services(snapshot);
        let written = |e: renkei_ingest::IngestError| AppError::Csv(e.to_string());
        match self.format {
            ExchangeFormat::Json => Ok(vec![ExchangeFile {
                name: JSON_FILE.to_owned(),
                bytes: serde_json::to_vec_pretty(&services)
                    .map_err(|e| AppError::Csv(e.to_string()))?,
            }]),
            ExchangeFormat::Csv => {
                let taxonomies: Vec<_> = VOCABULARIES.iter().map(|v| v.taxonomy()).collect();
                let tables = tabular::tables(&services, &taxonomies, all_terms());
                let licences: BTreeSet<(String, String)> = public_facilities(snapshot)
                    .map(|f| {
                        (
                            f.provenance.licence.clone(),
                            f.provenance.attribution.clone(),
                        )
                    })
                    .filter(|(licence, _)| !licence.is_empty())
                    .collect();
                let licences: Vec<_> = licences.into_iter().collect();
                let descriptor = tabular::datapackage(
                    "renkei 小児在宅医療資源 / renkei pediatric home-care resources",
                    &licences,
                );
                let mut files = vec![ExchangeFile {
                    name: renkei_ingest::hsds::DATAPACKAGE.to_owned(),
                    bytes: serde_json::to_vec_pretty(&descriptor)
                        .map_err(|e| AppError::Csv(e.to_string()))?,
                }];
                for spec in &tabular::TABLES {
                    files.push(ExchangeFile {
                        name: spec.path.to_owned(),
                        bytes: tabular::csv_text(spec, &tables[spec.name]).map_err(written)?,
                    });
                }
                Ok(files)
            }
        }
    }
}
