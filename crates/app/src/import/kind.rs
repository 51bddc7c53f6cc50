//! Every kind of file renkei imports, described once: what it reads, the
//! ingest function that parses it and the store write that applies it
//! ([`Importer::import_bytes`]).

use super::ImportError;
use renkei_core::region::RegionTable;
use renkei_core::{MunicipalityCode, PrefectureCode};
use renkei_ingest::import::{Format, Importer as OfficialList};
use renkei_ingest::limits::Limits;
use renkei_ingest::mapping::Mapping;
use renkei_ingest::n03::{N03Import, UncodedFeature};
use renkei_ingest::rollout::RolloutReport;
use renkei_ingest::run::{FileReport, ImportSession, VerifiedReport};
use renkei_ingest::service_areas::ServiceAreaReport;
use renkei_ingest::shisetsu::ShisetsuReport;
use renkei_ingest::table::{read_tables, RowError};
use renkei_ingest::{FeatureProblem, IngestError, IngestResult};
use renkei_store::{BoundarySummary, Store};

/// Census year of e-Stat mesh population files when none is given: the 2020 国勢調査.
pub const DEFAULT_MESH_CENSUS_YEAR: i32 = 2020;

/// What a file holds, and so how it is imported. The names are those of
/// `renkei import KIND` and of the `importer` of a fetch plan
/// ([`ImportKind::from_name`]).
#[derive(Debug, Clone)]
pub enum ImportKind {
    /// A facility list: an official one (`mhlw-facilities`, `kaigo`, `wamnet`,
    /// `hoken-iryokikan`) or any CSV read through a column mapping (`csv
    /// --mapping`, `mapping:<name>` in a plan). Parsed by
    /// `renkei_ingest::import::parse_file` (`hsds`: an Open Referral HSDS
    /// exchange file, one part per source it names); an `ImportSession` places and
    /// geocodes the records and writes them with their conflicts and import
    /// log, one transaction per file (per zip member).
    Facilities(Format),
    /// `town-points`: 町丁目 representative points (Geolonia CSV) for the
    /// offline geocoder. `town_points::parse` → `Store::replace_town_points`.
    TownPoints,
    /// `shisetsu-kijun`: 施設基準の届出受理医療機関名簿. `shisetsu::import_list`
    /// matches the rows to stored hospitals → `Store::replace_accreditations`,
    /// then its import log (a second transaction).
    Accreditations,
    /// `verified`: facts a desk confirmed. `run::import_verified` parses the
    /// sheet against the stored facilities → `Store::set_verified_facts`.
    Verified,
    /// `n03`: 行政区域 boundaries (GeoJSON or the official zip). `n03::read_n03`
    /// → `Store::replace_boundaries`; every location is placed again after the run.
    Boundaries,
    /// `regions`: 二次医療圏 tables, authored (TOML) or 国土数値情報 A38.
    /// `regions::parse_region_file` → `Store::upsert_region_tables`; every
    /// location is placed again after the run.
    RegionTable,
    /// `population`: SSDSE-A municipal population. `population::parse_ssdse_a`
    /// → `Store::set_population`.
    Population {
        /// Census year of the counts.
        year: i32,
    },
    /// `mesh-population`: e-Stat 地域メッシュ統計, one file per 1st mesh.
    /// `mesh_population::read_mesh_population` → `Store::replace_mesh_population`.
    MeshPopulation {
        /// Census year of the counts.
        year: i32,
    },
    /// `service-areas`: municipalities each provider serves (CSV).
    /// `service_areas::import_service_areas` → `Store::replace_service_areas`.
    ServiceAreas,
    /// `stations`: 国土数値情報 鉄道データ N02 `Station` (GeoJSON or zip).
    /// `basemap::read_stations` → `Store::replace_stations`, with its run log.
    Stations,
    /// `rail-lines`: N02 `RailroadSection` or `station_database` polylines
    /// (GeoJSON or zip). `basemap::read_rail_lines` → `Store::replace_rail_lines`.
    RailLines,
    /// `postcodes`: one point per postcode (CSV). `basemap::parse_postcodes`
    /// → `Store::replace_postcodes`, replacing the prefectures the file holds.
    Postcodes,
    /// `rollout`: a prefecture's regional rollout (全県展開, TOML).
    /// `rollout::import` → `Store::replace_rollout`, with its run log.
    Rollout,
}

impl ImportKind {
    /// The kind called `name` (see the variants), with the default census year
    /// for population files; `mapping:<name>` takes a built-in mapping.
    pub fn from_name(name: &str) -> Result<Self, ImportError> {
        if let Some(mapping) = name.strip_prefix("mapping:") {
            return Ok(Self::Facilities(Format::Mapped(Box::new(
                Mapping::builtin(mapping)?,
            ))));
        }
        if let Some(list) = OfficialList::from_name(name) {
            return Ok(Self::Facilities(Format::Official(list)));
        }
        Ok(match name {
            "hsds" => Self::Facilities(Format::Hsds),
            "town-points" => Self::TownPoints,
            "shisetsu-kijun" => Self::Accreditations,
            "verified" => Self::Verified,
            "n03" => Self::Boundaries,
            "regions" => Self::RegionTable,
            "population" => Self::Population {
                year: renkei_ingest::population::SSDSE_A_CENSUS_YEAR,
            },
            "mesh-population" => Self::MeshPopulation {
                year: DEFAULT_MESH_CENSUS_YEAR,
            },
            "service-areas" => Self::ServiceAreas,
            "stations" => Self::Stations,
            "rail-lines" => Self::RailLines,
            "postcodes" => Self::Postcodes,
            "rollout" => Self::Rollout,
            _ => return Err(ImportError::UnknownKind(name.to_owned())),
        })
    }

    /// Whether every location is placed again after a run of this kind
    /// (the boundaries or 二次医療圏 changed).
    pub(crate) fn places_again(&self) -> bool {
        matches!(self, Self::Boundaries | Self::RegionTable)
    }

    /// Whether a failed write of this kind may have stored part of a file:
    /// each member of a zip of facility lists, and each source an HSDS file
    /// names, is its own transaction.
    pub(crate) fn may_store_part(&self, zip: bool) -> bool {
        matches!(self, Self::Facilities(Format::Hsds))
            || (matches!(self, Self::Facilities(_)) && zip)
    }
}

/// What importing one file did, by kind.
#[derive(Debug)]
pub enum FileOutcome {
    /// A facility list: one report per file (per zip member).
    Facilities(Vec<FileReport>),
    /// 町丁目 points.
    TownPoints {
        /// Points stored.
        stored: u64,
        /// Rows without coordinates, skipped.
        without_coordinates: usize,
        /// Rows refused (wrong number of fields, control characters).
        rejected: Vec<RowError>,
    },
    /// Accreditations.
    Accreditations(ShisetsuReport),
    /// Verified facts.
    Verified(VerifiedReport),
    /// N03 boundaries.
    Boundaries(BoundariesReport),
    /// 二次医療圏 tables.
    RegionTable {
        /// The prefecture's name (Japanese) and code, or how many prefectures.
        prefecture: String,
        /// 二次医療圏 in the table.
        regions: usize,
        /// Municipalities they group.
        municipalities: usize,
    },
    /// Municipal population.
    Population {
        /// Municipalities stored.
        stored: u64,
        /// The dataset, e.g. `SSDSE-A-2026 (国勢調査 2020)`.
        source: String,
    },
    /// Mesh population.
    MeshPopulation {
        /// Mesh cells stored.
        cells: u64,
        /// Children aged 0–14 in them (persons).
        children: u64,
    },
    /// Service areas.
    ServiceAreas(ServiceAreaReport),
    /// Stations, rail lines or postcode points of the base map and geocoder.
    BaseMap {
        /// What the rows are (`stations`, `rail lines`, `postcodes`).
        what: &'static str,
        /// Rows stored.
        stored: u64,
        /// Features or rows rejected.
        rejected: usize,
    },
    /// A rollout file.
    Rollout(RolloutReport),
    /// Byte for byte the file an earlier entry of the same fetch imported
    /// with the same importer (e.g. one local WAM NET file standing in for
    /// each per-service download); not imported a second time.
    SameAsEarlier {
        /// The plan key of the entry that imported it.
        key: String,
    },
}

/// What storing one N03 file did (its geometry is not kept here).
#[derive(Debug)]
pub struct BoundariesReport {
    /// Features in the file.
    pub features: usize,
    /// Units stored (features with one code merged).
    pub units: usize,
    /// Features whose geometry was repaired.
    pub repairs: Vec<FeatureProblem>,
    /// Features without a code, not imported.
    pub without_code: Vec<UncodedFeature>,
    /// What the store replaced.
    pub written: BoundarySummary,
}

impl FileOutcome {
    /// One line saying what the file did, for tables.
    pub fn summary(&self) -> String {
        match self {
            Self::Facilities(reports) => reports
                .iter()
                .map(|r| {
                    format!(
                        "{} read, {} new, {} updated, {} unchanged, {} rejected",
                        r.rows_read,
                        r.written.inserted,
                        r.written.updated,
                        r.written.unchanged,
                        r.rejected.len()
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            Self::TownPoints {
                stored,
                without_coordinates,
                rejected,
            } => format!("{stored} town points stored; {without_coordinates} rows without coordinates skipped; {} rows rejected", rejected.len()),
            Self::Accreditations(r) => format!(
                "{} accreditations read, {} stored on hospitals, {} rows match no hospital in the directory, {} rows rejected",
                r.read,
                r.stored,
                r.unmatched.len(),
                r.rejected.len()
            ),
            Self::Verified(r) => format!(
                "{} rows read, {} verified facts stored, {} rows rejected",
                r.rows_read,
                r.stored,
                r.rejected.len()
            ),
            Self::Boundaries(r) => format!("{} municipalities / wards", r.units),
            Self::RegionTable {
                prefecture,
                regions,
                municipalities,
            } => format!(
                "{prefecture}: 二次医療圏 {regions} 件, 市区町村 {municipalities} 件 / {regions} regions, {municipalities} municipalities"
            ),
            Self::Population { stored, source } => format!(
                "人口 {stored} 件 / the population of {stored} municipalities ({source})"
            ),
            Self::MeshPopulation { cells, children } => {
                format!("{cells} mesh cells stored, {children} children aged 0–14")
            }
            Self::ServiceAreas(r) => format!(
                "{} service areas of {} providers stored; {} rows rejected",
                r.stored,
                r.providers,
                r.rejected.len()
            ),
            Self::BaseMap {
                what,
                stored,
                rejected,
            } => format!("{stored} {what} stored; {rejected} rejected"),
            Self::Rollout(r) => format!(
                "全県展開 {}: 地域 {} 件, 段階 {} 件, 課題 {} 件, 取組 {} 件 / {} areas, {} stage transitions, {} problems, {} actions",
                r.prefecture,
                r.written.areas,
                r.written.transitions,
                r.written.issues,
                r.written.actions,
                r.written.areas,
                r.written.transitions,
                r.written.issues,
                r.written.actions
            ),
            Self::SameAsEarlier { key } => {
                format!("{key} と同じファイルのため取り込み済み / the same file as {key}, imported once")
            }
        }
    }
}

/// Imports files one after another on one store. Facility lists share one
/// `ImportSession` (boundaries and geocoder loaded once); a file that
/// changes what the session placed against (boundaries, 二次医療圏, town
/// points) closes it, so the next list is placed against what was stored.
#[derive(Debug)]
pub struct Importer<'a> {
    store: &'a dyn Store,
    session: Option<ImportSession<'a>>,
    within: Option<PrefectureCode>,
    limits: Limits,
}

impl<'a> Importer<'a> {
    /// An importer writing to `store`.
    pub fn new(store: &'a dyn Store) -> Self {
        Self {
            store,
            session: None,
            within: None,
            limits: Limits::default(),
        }
    }

    /// An importer writing only what lies in `prefecture` (a publisher's
    /// national file imported for one prefecture): facility records of the
    /// prefecture (`ImportSession::restrict_to`), and the N03 units,
    /// population rows and town points whose code is in it.
    pub fn within(store: &'a dyn Store, prefecture: PrefectureCode) -> Self {
        Self {
            within: Some(prefecture),
            ..Self::new(store)
        }
    }

    /// The same importer reading each file within `limits`.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits each file is read within.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The session for facility lists, opened on first use.
    pub(crate) fn session(&mut self) -> &mut ImportSession<'a> {
        let (store, within, limits) = (self.store, &self.within, self.limits);
        self.session.get_or_insert_with(|| {
            let mut session = ImportSession::new(store).with_limits(limits);
            if let Some(prefecture) = within {
                session.restrict_to(prefecture.clone());
            }
            session
        })
    }

    /// Whether a row coded `code` is kept ([`Self::within`]).
    fn keeps(&self, code: &MunicipalityCode) -> bool {
        self.within
            .as_ref()
            .is_none_or(|prefecture| code.prefecture() == *prefecture)
    }

    /// Imports the bytes of `file` as `kind`. On error nothing from the file
    /// was written, except as [`ImportKind`] says for accreditations and zips.
    pub async fn import_bytes(
        &mut self,
        kind: &ImportKind,
        file: &str,
        bytes: &[u8],
    ) -> IngestResult<FileOutcome> {
        let store = self.store;
        let stored = |source| IngestError::Store {
            file: file.to_owned(),
            source,
        };
        if bytes.len() as u64 > self.limits.max_file_bytes {
            return Err(too_large(file, bytes.len() as u64, &self.limits));
        }
        let outcome = match kind {
            ImportKind::Facilities(format) => {
                FileOutcome::Facilities(self.session().import_bytes(format, file, bytes).await?)
            }
            ImportKind::TownPoints => self.town_points(file, bytes).await?,
            ImportKind::Accreditations => FileOutcome::Accreditations(
                renkei_ingest::shisetsu::import_list(store, file, bytes).await?,
            ),
            ImportKind::Verified => FileOutcome::Verified(
                renkei_ingest::run::import_verified_with(
                    store,
                    file,
                    bytes,
                    chrono::Utc::now(),
                    &self.limits,
                )
                .await?,
            ),
            ImportKind::Boundaries => {
                let N03Import {
                    mut municipalities,
                    features,
                    without_code,
                    repairs,
                } = renkei_ingest::n03::read_n03(file, bytes)?;
                municipalities.retain(|unit| self.keeps(&unit.code));
                let written = store
                    .replace_boundaries(file, &municipalities)
                    .await
                    .map_err(stored)?;
                FileOutcome::Boundaries(BoundariesReport {
                    features,
                    units: municipalities.len(),
                    repairs,
                    without_code,
                    written,
                })
            }
            ImportKind::RegionTable => {
                let tables = renkei_ingest::regions::parse_region_file(file, bytes)?;
                store.upsert_region_tables(&tables).await.map_err(stored)?;
                region_table_outcome(&tables)
            }
            ImportKind::Population { year } => {
                let (text, _) = renkei_ingest::text::decode(file, bytes)?;
                let mut rows = renkei_ingest::population::parse_ssdse_a(file, &text, *year)?;
                rows.retain(|row| self.keeps(&row.population.code));
                FileOutcome::Population {
                    stored: store.set_population(&rows).await.map_err(stored)?,
                    source: rows.first().map(|r| r.source.clone()).unwrap_or_default(),
                }
            }
            ImportKind::MeshPopulation { year } => {
                let rows =
                    renkei_ingest::mesh_population::read_mesh_population(file, bytes, *year)?;
                FileOutcome::MeshPopulation {
                    cells: store
                        .replace_mesh_population(file, &rows)
                        .await
                        .map_err(stored)?,
                    children: rows.iter().map(|r| r.under_15).sum(),
                }
            }
            ImportKind::ServiceAreas => FileOutcome::ServiceAreas(
                renkei_ingest::service_areas::import_service_areas(store, file, bytes).await?,
            ),
            ImportKind::Stations | ImportKind::RailLines | ImportKind::Postcodes => {
                import_base_map(store, kind, file, bytes).await?
            }
            ImportKind::Rollout => {
                FileOutcome::Rollout(renkei_ingest::rollout::import(store, file, bytes).await?)
            }
        };
        if matches!(
            kind,
            ImportKind::Boundaries | ImportKind::RegionTable | ImportKind::TownPoints
        ) {
            self.session = None;
        }
        Ok(outcome)
    }
}

/// The refusal of a file of `size` bytes over [`Limits::max_file_bytes`].
pub(crate) fn too_large(file: &str, size: u64, limits: &Limits) -> IngestError {
    IngestError::Format {
        file: file.to_owned(),
        reason: format!(
            "the file has {size} bytes, more than the {} an import reads; if it is right, raise the limit with --max-file-mb",
            limits.max_file_bytes
        ),
    }
}

impl Importer<'_> {
    /// A 町丁目 points file (or zip): its points replace those of the
    /// prefectures it holds.
    async fn town_points(&self, file: &str, bytes: &[u8]) -> IngestResult<FileOutcome> {
        let (mut points, mut without, mut rejected) = (Vec::new(), 0, Vec::new());
        for table in read_tables(file, bytes, &[".csv"], &self.limits)? {
            let (more, skipped) = renkei_ingest::town_points::parse(&table)?;
            points.extend(
                more.into_iter()
                    .filter(|point| self.keeps(&point.municipality)),
            );
            without += skipped.len();
            rejected.extend(table.refused().cloned());
        }
        let stored = self
            .store
            .replace_town_points(file, &points)
            .await
            .map_err(|source| IngestError::Store {
                file: file.to_owned(),
                source,
            })?;
        Ok(FileOutcome::TownPoints {
            stored,
            without_coordinates: without,
            rejected,
        })
    }
}

/// Reads a station, rail line or postcode file and replaces its rows, with
/// its import-run row, in one store transaction.
async fn import_base_map(
    store: &dyn Store,
    kind: &ImportKind,
    file: &str,
    bytes: &[u8],
) -> IngestResult<FileOutcome> {
    use renkei_ingest::basemap;
    let started_at = chrono::Utc::now();
    let log = |rows_read: usize, rejected: usize| renkei_store::RunLog {
        file_name: renkei_ingest::run::base_name(file),
        checksum_sha256: renkei_ingest::run::sha256_hex(bytes),
        started_at,
        rows_read: rows_read as u64,
        rejected: rejected as u64,
    };
    let stored = |source| IngestError::Store {
        file: file.to_owned(),
        source,
    };
    let (what, written, rejected) = match kind {
        ImportKind::Stations => {
            let (stations, rejected) = basemap::read_stations(file, bytes)?;
            let log = log(stations.len() + rejected, rejected);
            let written = store.replace_stations(basemap::STATIONS_SOURCE, &stations, &log);
            ("stations", written.await.map_err(stored)?, rejected)
        }
        ImportKind::RailLines => {
            let (lines, rejected) = basemap::read_rail_lines(file, bytes)?;
            let log = log(lines.len() + rejected, rejected);
            let written = store.replace_rail_lines(basemap::RAIL_LINES_SOURCE, &lines, &log);
            ("rail lines", written.await.map_err(stored)?, rejected)
        }
        _ => {
            let (text, _) = renkei_ingest::text::decode(file, bytes)?;
            let table = renkei_ingest::table::Table::parse(file, &text)?;
            let (points, rejected) = basemap::parse_postcodes(&table)?;
            let log = log(table.len(), rejected.len());
            let written = store.replace_postcodes(basemap::POSTCODES_SOURCE, &points, &log);
            ("postcodes", written.await.map_err(stored)?, rejected.len())
        }
    };
    Ok(FileOutcome::BaseMap {
        what,
        stored: written,
        rejected,
    })
}

pub(super) fn region_table_outcome(tables: &[RegionTable]) -> FileOutcome {
    let prefecture = match tables {
        [table] => format!(
            "{} ({})",
            table.prefecture().name_ja,
            table.prefecture().code
        ),
        _ => format!("{} 都道府県 / prefectures", tables.len()),
    };
    FileOutcome::RegionTable {
        prefecture,
        regions: tables.iter().map(|t| t.regions().len()).sum(),
        municipalities: tables
            .iter()
            .flat_map(RegionTable::regions)
            .map(|r| r.municipalities.len())
            .sum(),
    }
}
