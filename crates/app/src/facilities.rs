//! The directory, a page at a time, and one facility, from the snapshot's
//! directory index, as the public sees them ([`PublicFacility`]: no
//! staff-only fields or records).

use crate::error::{whole_in_range, AppError, AppResult};
use crate::snapshot::Snapshot;
use renkei_core::directory_index::{DirectoryPage, DirectoryQuery};
use renkei_core::{FacilityId, PublicFacility};

/// Largest page: 10,000 facilities (a whole area exported at once).
pub const MAX_PER_PAGE: u32 = 10_000;

/// A page of the active facilities matching `filter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityListQuery {
    /// Kind, municipality (designated cities include their wards), 二次医療圏, accreditation.
    pub filter: DirectoryQuery,
    /// Page number, from 1.
    pub page: u32,
    /// Facilities per page, 1–[`MAX_PER_PAGE`].
    pub per_page: u32,
}

impl FacilityListQuery {
    /// The page; an unknown 二次医療圏 is a not-found `region`, a page or size
    /// out of range an invalid `page` / `per_page`.
    pub fn run(&self, snapshot: &Snapshot) -> AppResult<DirectoryPage<PublicFacility>> {
        whole_in_range("page", self.page, 1, u32::MAX)?;
        whole_in_range("per_page", self.per_page, 1, MAX_PER_PAGE)?;
        if let Some(region) = &self.filter.region {
            snapshot.regions().find_region(region)?;
        }
        Ok(snapshot
            .directory()
            .page(&self.filter, self.page, self.per_page)
            .into_public())
    }
}

/// One facility by id, or a not-found `facility` (a staff-only record is
/// not found either).
pub fn facility(snapshot: &Snapshot, id: FacilityId) -> AppResult<PublicFacility> {
    snapshot
        .directory()
        .get(id)
        .and_then(PublicFacility::new)
        .ok_or_else(|| AppError::NotFound {
            entity: "facility",
            id: id.to_string(),
        })
}
