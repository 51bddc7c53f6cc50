//! The offline geocoder's queries: text to candidate places ([`Suggest`]) and
//! a point to its municipality, 二次医療圏 and nearest 町丁目 ([`Place::of`]).
//! Municipality boundaries and town points in memory, no network calls.

use crate::error::{whole_in_range, AppError, AppResult};
use crate::snapshot::Snapshot;
use renkei_core::geocode::{NearbyTown, Suggestion, DEFAULT_SUGGESTIONS};
use renkei_core::region::Municipality;
use renkei_core::{LonLat, MunicipalityCode, RegionCode};

/// Most suggestions one query may ask for.
pub const MAX_SUGGESTIONS: u32 = 50;

/// Candidate places for an address or place name, whole or as typed so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggest {
    /// The text (「茅ヶ崎市東海」, 「ちがさき」); width, kana and ケ/ヶ/が forms do not matter.
    pub text: String,
    /// Most candidates, 1–[`MAX_SUGGESTIONS`].
    pub limit: usize,
}

impl Suggest {
    /// The query; blank text is an invalid `q`, a limit out of range an invalid `limit`.
    pub fn new(text: &str, limit: Option<usize>) -> AppResult<Self> {
        let text = text.trim();
        if text.is_empty() {
            return Err(AppError::invalid(
                "q",
                "住所や地名を q に指定してください (例: 茅ヶ崎市東海岸北)",
                "give an address or place name in q (e.g. 茅ヶ崎市東海岸北)",
            ));
        }
        let limit = match limit {
            Some(limit) => whole_in_range("limit", limit, 1, MAX_SUGGESTIONS)?,
            None => DEFAULT_SUGGESTIONS,
        };
        Ok(Self {
            text: text.to_owned(),
            limit,
        })
    }

    /// The candidates, best first: the full address when it geocodes, then partial matches.
    pub fn run(&self, snapshot: &Snapshot) -> Vec<Suggestion> {
        snapshot.geocoder().suggest(&self.text, self.limit)
    }
}

/// The municipality, region and nearest town of a point.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The municipality found by point in polygon.
    pub municipality: MunicipalityCode,
    /// Its name as written after the prefecture (the code when no name is loaded).
    pub municipality_name: String,
    /// Its 二次医療圏 code and name, when a table lists the municipality.
    pub region: Option<(RegionCode, String)>,
    /// The nearest town point of the municipality.
    pub town: Option<NearbyTown>,
}

impl Place {
    /// Where `point` is; `None` when it is outside every loaded municipality.
    pub fn of(snapshot: &Snapshot, point: LonLat) -> Option<Self> {
        let catalog = &snapshot.regions().catalog;
        let code = catalog.boundaries()?.assign(point)?.municipality?;
        let municipality_name = catalog
            .municipality(&code)
            .map_or_else(|| code.to_string(), Municipality::full_name);
        let region = catalog
            .region_of(&code)
            .and_then(|region| catalog.region(region))
            .map(|(_, region)| (region.code.clone(), region.name_ja.clone()));
        let town = snapshot.geocoder().nearest_town(point, Some(&code));
        Some(Self {
            municipality: code,
            municipality_name,
            region,
            town,
        })
    }

    /// Where `point` is, or [`AppError::OutsideRegions`].
    pub fn find(snapshot: &Snapshot, point: LonLat) -> AppResult<Self> {
        Self::of(snapshot, point).ok_or(AppError::OutsideRegions {
            lon: point.lon(),
            lat: point.lat(),
        })
    }

    /// 茅ヶ崎市東海岸北一丁目, or only the municipality when no town is known.
    pub fn label(&self) -> String {
        let town = self
            .town
            .as_ref()
            .map(|t| t.name.as_str())
            .unwrap_or_default();
        format!("{}{town}", self.municipality_name)
    }
}
