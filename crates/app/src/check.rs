//! Checks of the data a snapshot holds: locations whose position lies in
//! another municipality than the one their source states — by code, or else
//! by the address it gives (mostly geocoding errors in the source) — and
//! suspect positions (more than 500 m outside every municipality).

use crate::snapshot::Snapshot;
use renkei_core::directory_index::DirectoryQuery;
use renkei_core::region::{AssignmentMethod, BoundaryIndex, DesignatedCities};
use renkei_core::{Facility, MunicipalityCode};

/// A location whose position and stated municipality disagree, or whose position is suspect.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementProblem {
    /// The facility's name.
    pub facility: String,
    /// Its source and the source's record id.
    pub source: String,
    /// The municipality its source states (code and name), by code or else
    /// by its address, when it states one.
    pub stated: Option<String>,
    /// Where its position lies (code and name), or the nearest municipality
    /// when the position is suspect.
    pub assigned: String,
    /// How the position was placed, with the distance in metres.
    pub method: AssignmentMethod,
    /// Distance from the position to the stated municipality, metres.
    pub to_stated_m: Option<f64>,
}

/// The outcome of [`check_placements`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlacementReport {
    /// Positioned locations with a stated municipality (by code or address).
    pub checked: u32,
    /// Of them, those lying in another municipality (wards of a stated designated city agree).
    pub differ: u32,
    /// Of those that differ, the ones within [`BOUNDARY_RESOLUTION_M`] of
    /// their stated municipality: at a border, where simplified boundaries
    /// cannot tell.
    pub near_stated: u32,
    /// Locations more than 500 m outside every municipality.
    pub suspect: u32,
    /// Every location that differs or is suspect.
    pub problems: Vec<PlacementProblem>,
}

impl PlacementReport {
    /// Share of checked locations lying in their stated municipality, percent.
    pub fn agree_percent(&self) -> f64 {
        if self.checked == 0 {
            100.0
        } else {
            100.0 * f64::from(self.agree()) / f64::from(self.checked)
        }
    }

    /// Checked locations lying in their stated municipality.
    pub fn agree(&self) -> u32 {
        self.checked - self.differ.min(self.checked)
    }

    /// Share of checked locations lying in their stated municipality or
    /// within [`BOUNDARY_RESOLUTION_M`] of it, percent.
    pub fn consistent_percent(&self) -> f64 {
        if self.checked == 0 {
            100.0
        } else {
            100.0 * f64::from((self.agree() + self.near_stated).min(self.checked))
                / f64::from(self.checked)
        }
    }
}

/// How far a position may lie outside its stated municipality and still be
/// consistent with it, metres: the national N03 as published simplified
/// (s0001) moves borders by up to about a kilometre.
pub const BOUNDARY_RESOLUTION_M: f64 = 1_000.0;

/// Places every location of `snapshot` (closed ones too) against its
/// boundaries and lists the disagreements; `None` when no boundary is loaded.
pub fn check_placements(snapshot: &Snapshot) -> Option<PlacementReport> {
    let catalog = &snapshot.regions().catalog;
    let index = catalog.boundaries()?;
    let all = DirectoryQuery {
        include_closed: true,
        ..DirectoryQuery::default()
    };
    let mut report = PlacementReport::default();
    for facility in snapshot.directory().page(&all, 1, u32::MAX).items {
        // A source without a municipality code states one by its address.
        let by_address = facility
            .location
            .stated_municipality
            .is_none()
            .then(|| snapshot.geocoder().geocode(&facility.location.address))
            .flatten()
            .map(|found| found.municipality);
        let stated = facility
            .location
            .stated_municipality
            .as_ref()
            .or(by_address.as_ref());
        check_one(
            &facility,
            stated,
            index,
            catalog.designated_cities(),
            &mut report,
        );
    }
    Some(report)
}

fn check_one(
    facility: &Facility,
    stated: Option<&MunicipalityCode>,
    index: &BoundaryIndex,
    cities: &DesignatedCities,
    report: &mut PlacementReport,
) {
    let Some(position) = facility.location.position else {
        return;
    };
    let Some(placed) = index.assign(position) else {
        return;
    };
    let is_suspect = matches!(placed.method, AssignmentMethod::Suspect { .. });
    let mismatch = stated.is_some_and(|stated| {
        placed
            .municipality
            .as_ref()
            .is_some_and(|assigned| !cities.contains(stated, assigned))
    });
    if stated.is_some() {
        report.checked += 1;
    }
    if !(mismatch || is_suspect) {
        return;
    }
    let to_stated_m = stated.and_then(|stated| index.distance_to_unit_m(position, stated));
    if is_suspect {
        report.suspect += 1;
    } else {
        report.differ += 1;
        if to_stated_m.is_some_and(|m| m <= BOUNDARY_RESOLUTION_M) {
            report.near_stated += 1;
        }
    }
    let name_of = |code: &MunicipalityCode| {
        index
            .municipalities()
            .binary_search_by(|u| u.code.cmp(code))
            .map_or_else(
                |_| code.to_string(),
                |i| format!("{code} {}", index.municipalities()[i].full_name()),
            )
    };
    report.problems.push(PlacementProblem {
        facility: facility.name.clone(),
        source: format!(
            "{} {}",
            facility.provenance.source, facility.provenance.source_record_id
        ),
        stated: stated.map(name_of),
        assigned: placed.municipality.as_ref().map_or_else(
            || format!("(nearest {})", name_of(&placed.nearest)),
            name_of,
        ),
        method: placed.method,
        to_stated_m,
    });
}
