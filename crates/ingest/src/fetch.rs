//! What `renkei fetch` needs from the outside world: the plans (which files
//! of a prefecture, or of Japan, to fetch, in import order, from
//! `data/fetch/*.toml`: [`FetchPlan`]) and the download itself — from the
//! publisher (directly, or the newest file its listing page names:
//! [`newest_listed`]), or from a folder of files already downloaded — with
//! retries, stall timeouts, truncation checks and a SHA-256 per file.
//!
//! A download that fails, stalls or arrives truncated is an error for that file
//! alone. Importing what was obtained, in plan order, is the application's
//! job (`renkei_app::import::fetch`).

mod listing;
mod plan;

pub use listing::newest_listed;
pub use plan::{FetchPlan, PlannedFile, PREFECTURE_PLACEHOLDER};

use crate::{IngestError, IngestResult};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

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
    /// Take files from `source_dir` only, never download: files missing there
    /// are skipped ([`ObtainError::Skipped`]).
    pub offline: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            source_dir: None,
            url_overrides: HashMap::new(),
            download_dir: PathBuf::from("downloads"),
            attempts: 3,
            stall_timeout: Duration::from_secs(30),
            offline: false,
        }
    }
}

/// A file as obtained: where it came from, its bytes and their SHA-256.
#[derive(Debug, Clone)]
pub struct Obtained {
    /// The path it was read from or saved to after downloading.
    pub origin: String,
    /// The whole file.
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`, 64 lower-case hex digits.
    pub checksum_sha256: String,
}

/// Obtains the files of a plan: from the source folder when it has them,
/// else downloaded (and kept in the download folder).
#[derive(Debug)]
pub struct Downloader {
    client: reqwest::Client,
    options: FetchOptions,
}

impl Downloader {
    /// A downloader with `options`; creates the download folder.
    pub fn new(options: FetchOptions) -> IngestResult<Self> {
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
        Ok(Self { client, options })
    }

    /// The bytes of `planned`, or why they could not be had, in plain words.
    pub async fn obtain(&self, planned: &PlannedFile) -> Result<Obtained, ObtainError> {
        let (origin, bytes) = obtain(&self.client, planned, &self.options).await?;
        Ok(Obtained {
            origin,
            checksum_sha256: crate::run::sha256_hex(&bytes),
            bytes,
        })
    }
}

/// Why a planned file was not obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObtainError {
    /// Offline, and the source folder does not have it.
    #[error("not in the source folder, and --offline forbids downloading it")]
    Skipped,
    /// Reading or downloading it failed, in plain words.
    #[error("{0}")]
    Failed(String),
}

/// The file's bytes, from the source folder when it has it, else downloaded
/// (from the plan's URL, the override, or the newest file its listing names).
async fn obtain(
    client: &reqwest::Client,
    planned: &PlannedFile,
    options: &FetchOptions,
) -> Result<(String, Vec<u8>), ObtainError> {
    if let Some(dir) = &options.source_dir {
        if let Some(path) = planned
            .local
            .iter()
            .map(|local| dir.join(local))
            .find(|path| path.is_file())
        {
            let bytes = std::fs::read(&path)
                .map_err(|e| ObtainError::Failed(format!("cannot read {}: {e}", path.display())))?;
            return Ok((path.display().to_string(), bytes));
        }
    }
    if options.offline {
        return Err(ObtainError::Skipped);
    }
    let attempts = options.attempts.max(1);
    let url = match (options.url_overrides.get(&planned.key), &planned.url) {
        (Some(url), _) | (None, Some(url)) => url.clone(),
        (None, None) => {
            let (Some(page), Some(pattern)) = (&planned.listing, &planned.pattern) else {
                return Err(ObtainError::Failed(format!(
                    "the plan gives no address for {}",
                    planned.key
                )));
            };
            let html = download(client, page, attempts)
                .await
                .map_err(ObtainError::Failed)?;
            newest_listed(page, &String::from_utf8_lossy(&html), pattern)
                .map_err(ObtainError::Failed)?
        }
    };
    let bytes = download(client, &url, attempts)
        .await
        .map_err(ObtainError::Failed)?;
    let name = url
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(&planned.key);
    let path = options.download_dir.join(sanitize(name));
    std::fs::write(&path, &bytes).map_err(|e| {
        ObtainError::Failed(format!(
            "cannot save the download to {}: {e}",
            path.display()
        ))
    })?;
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
