//! Coverage: how many children live within reach of providers that can
//! handle a need profile, per 二次医療圏 (secondary medical region) and
//! municipality, with the places that fall short — the report of
//! `GET /api/v1/coverage` and `renkei coverage`, and the banded cells of a
//! printed map's coverage layer.
//!
//! Computed from a [`Snapshot`]: its directory, its regions and the inputs it
//! prepares on first use ([`inputs`]); the analysis itself is
//! [`renkei_core::coverage`].

mod analysis;
pub mod inputs;
pub mod report;

pub use analysis::Analysis;
pub use inputs::{CellPopulation, CoverageInputs};

use crate::error::{positive_up_to, whole_in_range, AppError, AppResult};
use crate::search::{check_profile, Reach};
use crate::snapshot::Snapshot;
use renkei_core::coverage::{Basis, CoverageOptions};
use renkei_core::need::{NeedProfile, TravelModel};
use renkei_core::{MunicipalityCode, PrefectureCode, RegionCode};

/// Default distance threshold: 10 km (straight line).
pub const DEFAULT_WITHIN_M: f64 = 10_000.0;
/// Largest distance threshold: 200 km.
pub const MAX_WITHIN_M: f64 = 200_000.0;
/// Largest threshold in minutes.
pub const MAX_WITHIN_MINUTES: f64 = 600.0;
/// Largest k.
pub const MAX_K: u32 = 10;
/// Default length of the gap list.
pub const DEFAULT_GAPS: u32 = 20;
/// Largest gap list.
pub const MAX_GAPS: u32 = 1_000;

/// Which places children are counted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    /// 3rd-mesh land cells.
    Mesh,
    /// 町丁目 points.
    Town,
}

/// The area analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoverageArea {
    /// Everything loaded.
    All,
    /// One prefecture.
    Prefecture(PrefectureCode),
    /// One 二次医療圏.
    Region(RegionCode),
    /// One municipality (a designated city includes its wards).
    Municipality(MunicipalityCode),
}

impl CoverageArea {
    /// An area code as a query field gives it: prefecture (2 digits),
    /// 二次医療圏 (4) or municipality (5); anything else is an invalid `region`.
    pub fn parse(text: &str) -> AppResult<Self> {
        let bad = || {
            AppError::invalid(
                "region",
                format!("{text:?} は都道府県 (2桁)・二次医療圏 (4桁)・市区町村 (5桁) のコードではありません"),
                format!("{text:?} is not a prefecture (2 digits), region (4 digits) or municipality (5 digits) code"),
            )
        };
        Ok(match text.len() {
            2 => Self::Prefecture(PrefectureCode::new(text).map_err(|_| bad())?),
            4 => Self::Region(RegionCode::new(text).map_err(|_| bad())?),
            5 => Self::Municipality(MunicipalityCode::new(text).map_err(|_| bad())?),
            _ => return Err(bad()),
        })
    }

    /// The code as given (`None` for everything).
    pub fn code(&self) -> Option<String> {
        match self {
            Self::All => None,
            Self::Prefecture(code) => Some(code.to_string()),
            Self::Region(code) => Some(code.to_string()),
            Self::Municipality(code) => Some(code.to_string()),
        }
    }
}

/// A coverage analysis as a front door asks it.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageQuery {
    /// Who the providers must serve (age 0–[`MAX_AGE_YEARS`](renkei_core::need::MAX_AGE_YEARS)).
    pub profile: NeedProfile,
    /// The gap list and map count the 要確認 tier too (the table always shows both).
    pub include_unknown: bool,
    /// The area; providers outside it still count.
    pub area: CoverageArea,
    /// The threshold: metres up to [`MAX_WITHIN_M`] or minutes up to
    /// [`MAX_WITHIN_MINUTES`]; default [`DEFAULT_WITHIN_M`].
    pub within: Option<Reach>,
    /// Providers a place needs within the threshold, 1–[`MAX_K`].
    pub k: usize,
    /// Distance, or declared service areas.
    pub basis: Basis,
    /// Cells or towns.
    pub sites: SiteKind,
    /// Length of the gap list, 0–[`MAX_GAPS`].
    pub gaps: usize,
}

impl Default for CoverageQuery {
    fn default() -> Self {
        Self {
            profile: NeedProfile::default(),
            include_unknown: false,
            area: CoverageArea::All,
            within: None,
            k: 1,
            basis: Basis::Distance,
            sites: SiteKind::Mesh,
            gaps: DEFAULT_GAPS as usize,
        }
    }
}

impl CoverageQuery {
    /// Distance → minutes.
    pub fn travel(&self) -> TravelModel {
        TravelModel::DEFAULT
    }

    /// Checks every field (a bad one is an [`AppError::Invalid`] naming it; an
    /// unknown 二次医療圏 is a not-found `region`) and gives the analysis options.
    pub fn check(&self, snapshot: &Snapshot) -> AppResult<CoverageOptions> {
        let within_m = match self.within {
            None => DEFAULT_WITHIN_M,
            Some(Reach::Metres(metres)) => positive_up_to("within_m", metres, MAX_WITHIN_M)?,
            Some(Reach::Minutes(minutes)) => self.travel().reach_m(positive_up_to(
                "within_minutes",
                minutes,
                MAX_WITHIN_MINUTES,
            )?),
        };
        let k = whole_in_range("k", self.k, 1, MAX_K)?;
        whole_in_range("gaps", self.gaps, 0, MAX_GAPS)?;
        check_profile(&self.profile)?;
        if let CoverageArea::Region(code) = &self.area {
            snapshot.regions().find_region(code)?;
        }
        Ok(CoverageOptions {
            k,
            within_m,
            basis: self.basis,
        })
    }

    /// Checks the query and analyses it on `snapshot`, with the coverage
    /// inputs the snapshot prepares on first use.
    pub async fn run<'a>(&'a self, snapshot: &'a Snapshot) -> AppResult<Analysis<'a>> {
        let options = self.check(snapshot)?;
        let inputs = snapshot.coverage_inputs().await;
        Ok(Analysis::run(self, options, snapshot, inputs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::one_region as snapshot;

    #[test]
    fn options_are_checked_and_an_unknown_region_is_not_found() {
        let snapshot = snapshot();
        let options = CoverageQuery {
            within: Some(Reach::Minutes(20.0)),
            ..CoverageQuery::default()
        }
        .check(&snapshot)
        .unwrap();
        assert!((options.within_m - TravelModel::DEFAULT.reach_m(20.0)).abs() < 1e-9);
        let invalid = |query: CoverageQuery| match query.check(&snapshot) {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("not an invalid field: {other:?}"),
        };
        assert_eq!(
            invalid(CoverageQuery {
                k: 0,
                ..CoverageQuery::default()
            }),
            "k"
        );
        assert_eq!(
            invalid(CoverageQuery {
                within: Some(Reach::Minutes(MAX_WITHIN_MINUTES + 1.0)),
                ..CoverageQuery::default()
            }),
            "within_minutes"
        );
        assert_eq!(
            invalid(CoverageQuery {
                gaps: 1_001,
                ..CoverageQuery::default()
            }),
            "gaps"
        );
        let unknown = CoverageQuery {
            area: CoverageArea::parse("4799").unwrap(),
            ..CoverageQuery::default()
        };
        assert!(matches!(
            unknown.check(&snapshot),
            Err(AppError::NotFound {
                entity: "region",
                ..
            })
        ));
        assert!(CoverageArea::parse("147").is_err());
        assert_eq!(
            CoverageArea::parse("14207").unwrap().code().as_deref(),
            Some("14207")
        );
    }
}
