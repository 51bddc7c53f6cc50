//! `renkei fetch`: download every source of a prefecture from its publisher
//! (or take already-downloaded files from a folder), record checksums, and
//! import them in order — boundaries, population, facility lists. The
//! prefecture's built-in 二次医療圏 table is stored first, so every facility is
//! placed in its municipality and 二次医療圏 in the same write that stores it.
//!
//! A download that fails, stalls or arrives truncated is an error for that file
//! alone: nothing from it is imported, the other files still are, and running
//! the fetch again retries it (imports are idempotent). The lists are the
//! publishers' complete ones, so once every file of a source is imported, that
//! source's records in the prefecture which the files no longer list are
//! marked closed ([`crate::closing`]); a source with a failed file closes
//! nothing.

use crate::closing::{close_missing, ClosingReport};
use crate::import::{Format, Importer};
use crate::mapping::Mapping;
use crate::run::{FileReport, ImportSession};
use crate::{assign, n03, population, IngestError, IngestResult};
use renkei_core::PrefectureCode;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// Plans compiled in from `data/fetch/*.toml`, by prefecture code.
const BUILTIN_PLANS: &[(&str, &str)] =
    &[("14", include_str!("../../../data/fetch/14_kanagawa.toml"))];

/// Mappings compiled in from `data/mappings/`, by name.
const BUILTIN_MAPPINGS: &[(&str, &str)] = &[(
    "p29-special-needs-schools",
    include_str!("../../../data/mappings/p29-special-needs-schools.toml"),
)];

/// The files to fetch for one prefecture, in import order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchPlan {
    /// Two-digit prefecture code.
    pub prefecture: String,
    /// Files in import order.
    pub files: Vec<PlannedFile>,
}

/// One file of a plan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedFile {
    /// Short name, used by `--url KEY=URL`.
    pub key: String,
    /// Which importer reads it: `n03`, `population`, `town-points`, an official list
    /// (`mhlw-facilities`, `kaigo`, `wamnet`) or `mapping:<name>`.
    pub importer: String,
    /// What it is, for messages.
    pub description: String,
    /// Where the publisher serves it.
    pub url: String,
    /// Its path inside a `--source-dir` folder.
    pub local: Option<String>,
}

impl FetchPlan {
    /// The compiled-in plan for `prefecture` (two digits).
    pub fn builtin(prefecture: &str) -> IngestResult<Self> {
        let (_, text) = BUILTIN_PLANS
            .iter()
            .find(|(code, _)| *code == prefecture)
            .ok_or_else(|| IngestError::Format {
                file: "data/fetch".into(),
                reason: format!(
                    "no fetch plan for prefecture {prefecture}; plans exist for: {}",
                    BUILTIN_PLANS
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        Self::parse(&format!("data/fetch/{prefecture}"), text)
    }

    /// Parses a plan file and checks every importer name.
    pub fn parse(file: &str, text: &str) -> IngestResult<Self> {
        let plan: Self = toml::from_str(text).map_err(|e| IngestError::Format {
            file: file.into(),
            reason: e.to_string(),
        })?;
        for planned in &plan.files {
            planned_reader(planned).map_err(|reason| IngestError::Format {
                file: file.into(),
                reason,
            })?;
        }
        Ok(plan)
    }
}

/// How a planned file is read.
enum Reader {
    Boundaries,
    Population,
    TownPoints,
    Facilities(Format),
}

fn planned_reader(planned: &PlannedFile) -> Result<Reader, String> {
    match planned.importer.as_str() {
        "n03" => Ok(Reader::Boundaries),
        "population" => Ok(Reader::Population),
        "town-points" => Ok(Reader::TownPoints),
        name => {
            if let Some(mapping) = name.strip_prefix("mapping:") {
                let (_, text) = BUILTIN_MAPPINGS
                    .iter()
                    .find(|(n, _)| *n == mapping)
                    .ok_or_else(|| format!("{}: unknown mapping {mapping}", planned.key))?;
                let mapping = Mapping::parse(mapping, text).map_err(|e| e.to_string())?;
                return Ok(Reader::Facilities(Format::Mapped(Box::new(mapping))));
            }
            Importer::from_name(name)
                .map(|i| Reader::Facilities(Format::Official(i)))
                .ok_or_else(|| format!("{}: unknown importer {name}", planned.key))
        }
    }
}

/// Where the files come from and how patient to be.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Take files from this folder (e.g. a mirror) instead of downloading;
    /// files missing there are downloaded.
    pub source_dir: Option<PathBuf>,
    /// URL per planned key, replacing the plan's.
    pub url_overrides: HashMap<String, String>,
    /// Folder where downloads are kept (with their checksums in the import log).
    pub download_dir: PathBuf,
    /// Attempts per download (at least 1).
    pub attempts: u32,
    /// Longest wait for the connection or for the next bytes of a response.
    pub stall_timeout: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            source_dir: None,
            url_overrides: HashMap::new(),
            download_dir: PathBuf::from("downloads"),
            attempts: 3,
            stall_timeout: Duration::from_secs(30),
        }
    }
}

/// What happened to one planned file.
#[derive(Debug)]
pub enum FileOutcome {
    /// Facility lists: the usual import report(s).
    Facilities(Vec<FileReport>),
    /// Boundaries: units stored.
    Boundaries {
        /// N03 units stored.
        units: usize,
    },
    /// Town points: 町丁目 points stored.
    TownPoints {
        /// Points stored.
        points: u64,
    },
    /// Population: municipalities stored.
    Population {
        /// Rows stored.
        rows: u64,
    },
    /// The file could not be fetched or imported; nothing from it was stored.
    Failed(String),
}

/// What happened to the prefecture's built-in 二次医療圏 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionTableOutcome {
    /// Stored from `data/regions/` (number of regions).
    Loaded(usize),
    /// The database already had a table for the prefecture (built-in or a
    /// desk's own, from `renkei import regions FILE`); kept as it is.
    Kept(usize),
    /// renkei has no built-in table for the prefecture: facilities are placed
    /// in their municipality only.
    NoneBuiltIn,
}

/// What closing one source's missing records did after the fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClosingOutcome {
    /// Every file of the source was imported; records it no longer lists in
    /// the prefecture were closed.
    Done(ClosingReport),
    /// A file of the source could not be fetched or imported, so its list is
    /// incomplete and nothing was closed.
    Skipped {
        /// Source key.
        source: String,
        /// Why, in plain words.
        reason: String,
    },
}

/// The outcome of a whole fetch.
#[derive(Debug)]
pub struct FetchReport {
    /// Per planned file, in plan order: key, where it came from, SHA-256, outcome.
    pub files: Vec<(String, String, Option<String>, FileOutcome)>,
    /// The prefecture's 二次医療圏 table, stored before any facility.
    pub regions: RegionTableOutcome,
    /// Facilities placed in their municipality and 二次医療圏 as they were
    /// imported, summed over the facility files.
    pub placement: assign::AssignSummary,
    /// Per facility source, in plan order: records closed or why none were.
    pub closing: Vec<ClosingOutcome>,
    /// Every stored location placed again afterwards, for records no fetched
    /// file wrote (other sources, failed files) when boundaries changed; its
    /// `changed` is what the imports left to do (0 on a fresh database).
    pub assignment: Option<assign::AssignSummary>,
}

impl FetchReport {
    /// True when every planned file was imported.
    pub fn complete(&self) -> bool {
        !self
            .files
            .iter()
            .any(|(_, _, _, outcome)| matches!(outcome, FileOutcome::Failed(_)))
    }
}

/// Fetches and imports every file of `plan` into `store`; `progress` hears
/// about each file as it starts.
pub async fn fetch_and_import(
    store: &dyn renkei_store::Store,
    plan: &FetchPlan,
    options: &FetchOptions,
    mut progress: impl FnMut(&PlannedFile),
) -> IngestResult<FetchReport> {
    let client = reqwest::Client::builder()
        .connect_timeout(options.stall_timeout)
        .read_timeout(options.stall_timeout)
        .user_agent(concat!(
            "renkei/",
            env!("CARGO_PKG_VERSION"),
            " (open-data importer)"
        ))
        .build()
        .map_err(|e| IngestError::Format {
            file: "HTTP client".into(),
            reason: e.to_string(),
        })?;
    std::fs::create_dir_all(&options.download_dir).map_err(|source| IngestError::Io {
        file: options.download_dir.display().to_string(),
        source,
    })?;
    let prefecture =
        PrefectureCode::new(plan.prefecture.as_str()).map_err(|e| IngestError::Format {
            file: "fetch plan".into(),
            reason: e.to_string(),
        })?;
    let regions = load_region_table(store, &prefecture).await?;
    let started = chrono::Utc::now();
    // Opened at the first facility file, after boundaries and town points are
    // stored, and again after any of those is replaced.
    let mut session: Option<ImportSession<'_>> = None;
    let mut files = Vec::with_capacity(plan.files.len());
    for planned in &plan.files {
        progress(planned);
        let (origin, bytes) = match obtain(&client, planned, options).await {
            Ok(found) => found,
            Err(reason) => {
                files.push((
                    planned.key.clone(),
                    String::new(),
                    None,
                    FileOutcome::Failed(reason),
                ));
                continue;
            }
        };
        let checksum = crate::run::sha256_hex(&bytes);
        let outcome = import_one(store, &mut session, planned, &origin, &bytes)
            .await
            .unwrap_or_else(|e| FileOutcome::Failed(e.to_string()));
        files.push((planned.key.clone(), origin, Some(checksum), outcome));
    }
    drop(session);
    let mut placement = assign::AssignSummary::default();
    for (_, _, _, outcome) in &files {
        if let FileOutcome::Facilities(reports) = outcome {
            for report in reports {
                placement += report.placement;
            }
        }
    }
    let closing = close_unlisted(store, plan, &files, &prefecture, started).await;
    let assignment =
        assign::assign_locations(store)
            .await
            .map_err(|source| IngestError::Store {
                file: "location assignment".into(),
                source,
            })?;
    Ok(FetchReport {
        files,
        regions,
        placement,
        closing,
        assignment: Some(assignment),
    })
}

/// Stores the built-in 二次医療圏 table of `prefecture` unless the database
/// already has one for it (which may be a desk's own and is kept).
async fn load_region_table(
    store: &dyn renkei_store::Store,
    prefecture: &PrefectureCode,
) -> IngestResult<RegionTableOutcome> {
    let store_error = |source| IngestError::Store {
        file: "二次医療圏 table".into(),
        source,
    };
    let stored = store.region_tables().await.map_err(store_error)?;
    if let Some(table) = stored.iter().find(|t| t.prefecture().code == *prefecture) {
        return Ok(RegionTableOutcome::Kept(table.regions().len()));
    }
    let Some(table) = crate::regions::builtin_region_tables()?
        .into_iter()
        .find(|t| t.prefecture().code == *prefecture)
    else {
        return Ok(RegionTableOutcome::NoneBuiltIn);
    };
    store
        .upsert_region_table(&table)
        .await
        .map_err(store_error)?;
    Ok(RegionTableOutcome::Loaded(table.regions().len()))
}

/// For each facility source of `plan`, in plan order: closes what its files no
/// longer list in `prefecture` when every one of them was imported.
async fn close_unlisted(
    store: &dyn renkei_store::Store,
    plan: &FetchPlan,
    files: &[(String, String, Option<String>, FileOutcome)],
    prefecture: &PrefectureCode,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<ClosingOutcome> {
    // Several files may share a source (WAM NET publishes one per service):
    // a source is complete only when all of its files were imported.
    let mut sources: Vec<(String, Option<String>)> = Vec::new();
    let mut reports: Vec<FileReport> = Vec::new();
    for (planned, (_, _, _, outcome)) in plan.files.iter().zip(files) {
        let Ok(Reader::Facilities(format)) = planned_reader(planned) else {
            continue;
        };
        let key = format.source().key;
        let failure = match outcome {
            FileOutcome::Facilities(imported) => {
                reports.extend(imported.iter().cloned());
                None
            }
            _ => Some(format!(
                "{} was not imported, so the list is incomplete and nothing was closed",
                planned.key
            )),
        };
        match sources.iter_mut().find(|(source, _)| *source == key) {
            Some((_, first_failure)) => {
                if first_failure.is_none() {
                    *first_failure = failure;
                }
            }
            None => sources.push((key, failure)),
        }
    }
    let mut outcomes = Vec::with_capacity(sources.len());
    for (source, failure) in sources {
        let outcome = match failure {
            Some(reason) => ClosingOutcome::Skipped { source, reason },
            None => match close_missing(store, &source, &reports, Some(prefecture), now).await {
                Ok(report) => ClosingOutcome::Done(report),
                Err(error) => ClosingOutcome::Skipped {
                    source,
                    reason: format!("closing failed, nothing was closed: {error}"),
                },
            },
        };
        outcomes.push(outcome);
    }
    outcomes
}

/// Imports one planned file. Facility lists go through the fetch's `session`
/// (opened on first use); storing boundaries or town points closes it, so the
/// next list is placed and geocoded against what was just stored.
async fn import_one<'a>(
    store: &'a dyn renkei_store::Store,
    session: &mut Option<ImportSession<'a>>,
    planned: &PlannedFile,
    origin: &str,
    bytes: &[u8],
) -> IngestResult<FileOutcome> {
    let store_error = |source| IngestError::Store {
        file: origin.to_owned(),
        source,
    };
    let reader = planned_reader(planned).map_err(|reason| IngestError::Format {
        file: origin.into(),
        reason,
    })?;
    if !matches!(reader, Reader::Facilities(_)) {
        *session = None;
    }
    match reader {
        Reader::Boundaries => {
            let parsed = n03::parse_n03(origin, bytes)?;
            store
                .replace_boundaries(origin, &parsed.municipalities)
                .await
                .map_err(store_error)?;
            Ok(FileOutcome::Boundaries {
                units: parsed.municipalities.len(),
            })
        }
        Reader::Population => {
            let (text, _) = crate::text::decode(origin, bytes)?;
            let rows = population::parse_ssdse_a(origin, &text, population::SSDSE_A_CENSUS_YEAR)?;
            let written = store.set_population(&rows).await.map_err(store_error)?;
            Ok(FileOutcome::Population { rows: written })
        }
        Reader::TownPoints => {
            let (text, _) = crate::text::decode(origin, bytes)?;
            let (points, _without_coordinates) =
                crate::town_points::parse(&crate::table::Table::parse(origin, &text)?)?;
            let stored = store
                .replace_town_points(origin, &points)
                .await
                .map_err(store_error)?;
            Ok(FileOutcome::TownPoints { points: stored })
        }
        Reader::Facilities(format) => {
            let session = match session {
                Some(open) => open,
                None => session.insert(ImportSession::new(store)),
            };
            Ok(FileOutcome::Facilities(
                session.import_bytes(&format, origin, bytes).await?,
            ))
        }
    }
}

/// The file's bytes, from the source folder when it has it, else downloaded.
async fn obtain(
    client: &reqwest::Client,
    planned: &PlannedFile,
    options: &FetchOptions,
) -> Result<(String, Vec<u8>), String> {
    if let (Some(dir), Some(local)) = (&options.source_dir, &planned.local) {
        let path = dir.join(local);
        if path.is_file() {
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            return Ok((path.display().to_string(), bytes));
        }
    }
    let url = options
        .url_overrides
        .get(&planned.key)
        .unwrap_or(&planned.url);
    let bytes = download(client, url, options.attempts.max(1)).await?;
    let name = url
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(&planned.key);
    let path = options.download_dir.join(sanitize(name));
    std::fs::write(&path, &bytes)
        .map_err(|e| format!("cannot save the download to {}: {e}", path.display()))?;
    Ok((path.display().to_string(), bytes))
}

/// GET `url` with retries; a server error, a stall or a body shorter than its
/// Content-Length is a failed attempt.
async fn download(client: &reqwest::Client, url: &str, attempts: u32) -> Result<Vec<u8>, String> {
    let mut last_error = String::new();
    for attempt in 1..=attempts {
        match download_once(client, url).await {
            Ok(bytes) => return Ok(bytes),
            Err(error) => {
                tracing::warn!(url, attempt, attempts, %error, "download failed");
                last_error = error;
            }
        }
        if attempt < attempts {
            tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
        }
    }
    Err(format!(
        "download of {url} failed after {attempts} attempts: {last_error}"
    ))
}

async fn download_once(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, String> {
    let response = client.get(url).send().await.map_err(|e| describe(&e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the server answered {status}"));
    }
    let expected = response.content_length();
    let bytes = response.bytes().await.map_err(|e| describe(&e))?;
    match expected {
        Some(length) if length != bytes.len() as u64 => Err(format!(
            "the download is truncated: {} of {length} bytes arrived",
            bytes.len()
        )),
        _ => Ok(bytes.to_vec()),
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the server stopped sending data (timed out)".into()
    } else if error.is_connect() {
        "cannot connect to the server".into()
    } else if error.is_body() || error.is_decode() {
        "the connection broke while the file was downloading (truncated)".into()
    } else {
        error.to_string()
    }
}

/// A file name safe to write: no folders, no odd characters.
fn sanitize(name: &str) -> String {
    let cleaned: String = name
        .split(['?', '#'])
        .next()
        .unwrap_or(name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.trim_matches('.').is_empty() {
        "download".into()
    } else {
        cleaned
    }
}

/// Reads `--url KEY=URL` pairs; the keys must be in `plan`.
pub fn parse_url_overrides(
    plan: &FetchPlan,
    pairs: &[String],
) -> Result<HashMap<String, String>, String> {
    pairs
        .iter()
        .map(|pair| {
            let (key, url) = pair
                .split_once('=')
                .ok_or_else(|| format!("--url {pair}: write KEY=URL"))?;
            if !plan.files.iter().any(|f| f.key == key) {
                return Err(format!(
                    "--url {key}: no such file in the plan; keys are {}",
                    plan.files
                        .iter()
                        .map(|f| f.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            Ok((key.to_owned(), url.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_plan_parses_and_unknown_prefecture_says_which_exist() {
        let plan = FetchPlan::builtin("14").unwrap();
        assert_eq!(plan.files[0].importer, "n03", "boundaries come first");
        assert!(FetchPlan::builtin("13")
            .unwrap_err()
            .to_string()
            .contains("14"));
    }

    #[test]
    fn url_overrides_name_known_keys() {
        let plan = FetchPlan::builtin("14").unwrap();
        assert!(parse_url_overrides(&plan, &["hospitals=http://127.0.0.1:1/x.csv".into()]).is_ok());
        assert!(parse_url_overrides(&plan, &["castle=http://x".into()])
            .unwrap_err()
            .contains("hospitals"));
        assert!(parse_url_overrides(&plan, &["hospitals".into()]).is_err());
    }

    #[test]
    fn download_names_are_sanitized() {
        assert_eq!(sanitize("jigyosho_130.csv?x=1"), "jigyosho_130.csv");
        assert_eq!(sanitize(".."), "download");
        assert_eq!(sanitize("a b/c"), "a_b_c");
    }
}
