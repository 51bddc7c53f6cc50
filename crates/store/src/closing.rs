//! Marking records closed when a newer complete file of their source no longer
//! lists them. Closed records are kept (with the date), never deleted.
//!
//! A file speaks only for what it covers. Official lists are published per
//! prefecture (or nationally) and per kind of list (hospitals, clinics, one
//! welfare service per WAM NET file), so a record is closed only when the
//! files cover its [`ListPart`] — its prefecture, kind and service type — and
//! do not list it. Importing Kanagawa's visiting-nurse list after the national
//! one therefore closes nothing outside Kanagawa, and a 短期入所 file closes no
//! 児童発達支援 office of the same source.

use crate::dialect::Dialect;
use crate::params::{StoredId, StoredIds};
use crate::StoreResult;
use chrono::NaiveDate;
use renkei_core::{Facility, FacilityId, MunicipalityCode, PrefectureCode, ServiceTypeCode};
use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

/// The slice of a source's records one kind of list covers in one prefecture.
/// A record with several services belongs to one part per service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListPart {
    /// Two-digit prefecture code (JIS X 0401).
    pub prefecture: String,
    /// Facility kind code (taxonomy `kinds`).
    pub kind: String,
    /// Welfare service type code, when the source states one.
    pub service_type: Option<String>,
}

/// The record ids a set of complete files of one source lists, and the parts
/// of the directory those files cover. What [`crate::Store::close_missing`]
/// closes is every active record of the source in a covered part that the
/// listing does not name.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    listed: HashSet<FacilityId>,
    covered: BTreeSet<ListPart>,
}

impl Listing {
    /// Adds a record a file lists with valid data: it is listed, and the file
    /// covers its parts.
    pub fn add_record(&mut self, facility: &Facility) {
        self.listed.insert(facility.id);
        let services = facility
            .services
            .iter()
            .map(|s| s.service_type.as_ref().map(ServiceTypeCode::as_str));
        let parts = record_parts(
            facility.kind.as_str(),
            facility
                .location
                .stated_municipality
                .as_ref()
                .map(MunicipalityCode::as_str),
            facility
                .location
                .municipality
                .as_ref()
                .map(MunicipalityCode::as_str),
            &facility.location.address,
            services,
        );
        self.covered.extend(parts);
    }

    /// Adds a record a file lists on a row that was rejected (bad coordinates,
    /// empty name …): the publisher still lists it, so it keeps its state, but
    /// the row says nothing reliable about what the file covers.
    pub fn add_listed_id(&mut self, id: FacilityId) {
        self.listed.insert(id);
    }

    /// Adds everything `other` lists and covers (several files of one source).
    pub fn extend(&mut self, other: &Listing) {
        self.listed.extend(other.listed.iter().copied());
        self.covered.extend(other.covered.iter().cloned());
    }

    /// Keeps only the parts in `prefecture`: `renkei fetch --prefecture 14`
    /// speaks for Kanagawa even when the publisher's file is national.
    pub fn restrict_to(&mut self, prefecture: &PrefectureCode) {
        self.covered.retain(|p| p.prefecture == prefecture.as_str());
    }

    /// Whether the files list the record `id`.
    pub fn lists(&self, id: FacilityId) -> bool {
        self.listed.contains(&id)
    }

    /// Records listed (valid and rejected rows).
    pub fn listed_count(&self) -> usize {
        self.listed.len()
    }

    /// The prefectures the files cover, ordered by code.
    pub fn prefectures(&self) -> Vec<String> {
        let mut codes: Vec<String> = self.covered.iter().map(|p| p.prefecture.clone()).collect();
        codes.dedup();
        codes
    }

    /// True when the files cover nothing (no valid record with a known
    /// prefecture): closing then closes nothing.
    pub fn covers_nothing(&self) -> bool {
        self.covered.is_empty()
    }

    /// Whether a stored record belonging to `parts` may be closed by these
    /// files: every part it belongs to must be covered. A record whose
    /// prefecture cannot be told belongs to no part and is never closed.
    pub fn covers(&self, parts: &[ListPart]) -> bool {
        !parts.is_empty() && parts.iter().all(|p| self.covered.contains(p))
    }
}

/// The parts a record belongs to: its prefecture (the municipality code its
/// source states, else the prefecture its address starts with, else where its
/// position was placed), its kind, and each of its services' types. Empty when
/// the prefecture cannot be told.
pub fn record_parts<'a>(
    kind: &str,
    stated_municipality: Option<&str>,
    placed_municipality: Option<&str>,
    address: &str,
    service_types: impl IntoIterator<Item = Option<&'a str>>,
) -> Vec<ListPart> {
    let Some(prefecture) = record_prefecture(stated_municipality, placed_municipality, address)
    else {
        return Vec::new();
    };
    let part = |service_type: Option<&str>| ListPart {
        prefecture: prefecture.to_owned(),
        kind: kind.to_owned(),
        service_type: service_type.map(str::to_owned),
    };
    let mut parts: Vec<ListPart> = service_types.into_iter().map(part).collect();
    if parts.is_empty() {
        parts.push(part(None));
    }
    parts.sort();
    parts.dedup();
    parts
}

/// The prefecture a record belongs to: that of the municipality code its
/// source states, else the prefecture its address starts with, else that of
/// the municipality its position was placed in. `None` when none tells.
pub fn record_prefecture<'a>(
    stated_municipality: Option<&'a str>,
    placed_municipality: Option<&'a str>,
    address: &str,
) -> Option<&'a str> {
    stated_municipality
        .and_then(|m| m.get(..2))
        .or_else(|| prefecture_of_address(address))
        .or_else(|| placed_municipality.and_then(|m| m.get(..2)))
}

/// [`record_prefecture`] of a facility record.
pub fn facility_prefecture(facility: &Facility) -> Option<PrefectureCode> {
    stated_prefecture(facility)
        .or_else(|| {
            let placed = facility.location.municipality.as_ref()?;
            placed.as_str().get(..2)
        })
        .and_then(|code| PrefectureCode::new(code).ok())
}

/// The prefecture a facility record's source states: that of its
/// municipality code, else the one its address starts with (its position
/// left out).
pub fn stated_prefecture(facility: &Facility) -> Option<&str> {
    let location = &facility.location;
    record_prefecture(
        location
            .stated_municipality
            .as_ref()
            .map(MunicipalityCode::as_str),
        None,
        &location.address,
    )
}

/// The code of the prefecture `address` starts with (e.g. `14` for
/// 神奈川県茅ヶ崎市…), as publishers write full addresses.
fn prefecture_of_address(address: &str) -> Option<&'static str> {
    static PREFECTURES: OnceLock<Vec<PrefectureCode>> = OnceLock::new();
    PREFECTURES
        .get_or_init(|| {
            (1..=47_u8)
                .map(|n| {
                    PrefectureCode::new(format!("{n:02}")).expect("01-47 are prefecture codes")
                })
                .collect()
        })
        .iter()
        .find(|code| address.starts_with(code.name()))
        .map(PrefectureCode::as_str)
}

/// The active locations of source `$1`, one row per service (a location
/// without services once), with what tells their list parts.
const SELECT_CANDIDATES: &str =
    "SELECT l.id, l.kind, l.stated_municipality_code, l.municipality_code, l.address, s.service_type \
     FROM locations l LEFT JOIN services s ON s.location_id = l.id \
     WHERE l.source_key = $1 AND l.status = 'active'";

/// Closes the active locations in the id list bound as `$1` (followed by the
/// dialect's `IN` test), as of date `$2`. The content hash is cleared so that a
/// record which comes back in a later file counts as updated and is opened
/// again.
const CLOSE_HEAD: &str =
    "UPDATE locations SET status = 'closed', closed_on = $2, content_hash = '' \
     WHERE status = 'active' AND id ";

/// A row of [`SELECT_CANDIDATES`]: id, kind, stated municipality, placed
/// municipality, address, service type.
type CandidateRow = (
    StoredId,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// What [`crate::Store::close_missing_within`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Closing {
    /// Records marked closed.
    pub closed: u64,
    /// Records the listing would close (equal to `closed` unless refused).
    pub would_close: u64,
    /// Active records of the source in the parts the listing covers: what
    /// the share is taken of.
    pub open: u64,
}

impl Closing {
    /// True when nothing was closed because too large a share would have been.
    pub fn refused(&self) -> bool {
        self.would_close > self.closed
    }
}

/// The ids among `rows` (of [`SELECT_CANDIDATES`]) that `listing` covers but
/// does not list, ordered, and how many active records it covers in all.
fn to_close(rows: Vec<CandidateRow>, listing: &Listing) -> (Vec<uuid::Uuid>, u64) {
    /// One location with what tells its list parts.
    struct Candidate {
        kind: String,
        stated: Option<String>,
        placed: Option<String>,
        address: String,
        service_types: Vec<Option<String>>,
    }
    let mut candidates: std::collections::BTreeMap<uuid::Uuid, Candidate> =
        std::collections::BTreeMap::new();
    let mut listed = 0_u64;
    let mut seen_listed = HashSet::new();
    for (StoredId(id), kind, stated, placed, address, service_type) in rows {
        if listing.lists(FacilityId(id)) {
            // A listed record is covered: the file names it.
            listed += u64::from(seen_listed.insert(id));
            continue;
        }
        candidates
            .entry(id)
            .or_insert_with(|| Candidate {
                kind,
                stated,
                placed,
                address,
                service_types: Vec::new(),
            })
            .service_types
            .push(service_type);
    }
    let ids: Vec<uuid::Uuid> = candidates
        .into_iter()
        .filter(|(_, c)| {
            listing.covers(&record_parts(
                &c.kind,
                c.stated.as_deref(),
                c.placed.as_deref(),
                &c.address,
                c.service_types.iter().map(Option::as_deref),
            ))
        })
        .map(|(id, _)| id)
        .collect();
    let open = listed + ids.len() as u64;
    (ids, open)
}

/// Closes, as of `on`, what `listing` covers of `source_key` and does not
/// list, inside the transaction `conn` — unless that is more than
/// `max_share` (0–1) of the source's active records in the covered parts,
/// when nothing is closed. Read and update happen in the caller's one
/// transaction, so an import committing in between cannot have a record it
/// just wrote closed, and the share is of what the closing would see.
pub(crate) async fn close<D: Dialect>(
    conn: &mut D::Connection,
    source_key: &str,
    listing: &Listing,
    on: NaiveDate,
    max_share: Option<f64>,
) -> StoreResult<Closing> {
    let rows: Vec<CandidateRow> = D::fetch(conn, SELECT_CANDIDATES, &[&source_key]).await?;
    let (to_close, open) = to_close(rows, listing);
    let would_close = to_close.len() as u64;
    let mut closing = Closing {
        closed: 0,
        would_close,
        open,
    };
    let too_many = max_share.is_some_and(|share| would_close as f64 > share * open as f64);
    if to_close.is_empty() || too_many {
        return Ok(closing);
    }
    let sql = format!("{CLOSE_HEAD}{}", D::IN_IDS.trim_start());
    closing.closed = D::execute(conn, &sql, &[&StoredIds(to_close), &on]).await?;
    Ok(closing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefecture_comes_from_the_stated_code_then_the_address_then_the_position() {
        let of = |stated, placed, address| {
            record_parts("clinic", stated, placed, address, [None])
                .first()
                .map(|p| p.prefecture.clone())
        };
        assert_eq!(
            of(Some("14207"), Some("13101"), "東京都千代田区").as_deref(),
            Some("14")
        );
        // A station geocoded in 石川県 whose address is in 神奈川県 stays in 14.
        assert_eq!(
            of(None, Some("17201"), "神奈川県海老名市架空1").as_deref(),
            Some("14")
        );
        assert_eq!(of(None, Some("14207"), "架空町1-1").as_deref(), Some("14"));
        assert_eq!(of(None, None, "架空町1-1"), None);
        assert_eq!(of(None, None, "北海道札幌市").as_deref(), Some("01"));
        assert_eq!(of(None, None, "沖縄県那覇市").as_deref(), Some("47"));
    }

    #[test]
    fn a_record_is_covered_only_when_every_part_of_it_is() {
        let part = |service_type: &str| ListPart {
            prefecture: "14".into(),
            kind: "welfare_provider".into(),
            service_type: Some(service_type.into()),
        };
        let mut listing = Listing::default();
        listing.covered.insert(part("short_stay"));
        assert!(listing.covers(&[part("short_stay")]));
        assert!(!listing.covers(&[part("short_stay"), part("home_visit_support")]));
        assert!(!listing.covers(&[]), "no prefecture: never closed");
        let mut national = listing.clone();
        national.covered.insert(ListPart {
            prefecture: "13".into(),
            ..part("short_stay")
        });
        national.restrict_to(&PrefectureCode::new("14").unwrap());
        assert_eq!(national.prefectures(), ["14"]);
    }
}
