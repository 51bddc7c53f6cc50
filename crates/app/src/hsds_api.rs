//! The queries of the `/hsds` API profile (Open Referral HSDS 3.0): pages of
//! services, service_at_locations, organizations, taxonomies and taxonomy
//! terms in HSDS's `Page` envelope, and one object by id, answered from a
//! [`Snapshot`]'s active public facilities.
//!
//! Filters are HSDS's (`search`, `taxonomy_term_id`, `taxonomy_id`,
//! `organization_id`, `modified_after`, `postcode`, `proximity`) plus
//! renkei's extension: `lon`/`lat`/`radius_m` (a circle, WGS 84 degrees and
//! metres) and `region` (a 二次医療圏 code). HSDS defines `proximity` as
//! metres around the centroid of `postcode`; renkei has no postcode
//! gazetteer, so the centroid is that of the directory's locations with that
//! postcode.

use crate::error::{whole_in_range, AppError, AppResult};
use crate::hsds::SnapshotPlaces;
use crate::snapshot::Snapshot;
use chrono::{DateTime, Utc};
use renkei_core::directory_index::{DirectoryIndex, DirectoryQuery};
use renkei_core::normalize::fold;
use renkei_core::{Answer, FacilityId, LonLat, PublicFacility, RegionCode};
use renkei_ingest::hsds::model::{
    Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm,
};
use renkei_ingest::hsds::vocabulary::{all_terms, lookup, Vocabulary, VOCABULARIES};
use renkei_ingest::hsds::write::{self, Ids, View};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// Default page size.
pub const DEFAULT_PER_PAGE: u32 = 50;
/// Largest page size.
pub const MAX_PER_PAGE: u32 = 1_000;
/// Largest `radius_m` / `proximity`, metres.
pub const MAX_RADIUS_M: f64 = 100_000.0;

/// HSDS's page envelope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// Items over all pages.
    pub total_items: usize,
    /// Pages (0 when there are no items).
    pub total_pages: usize,
    /// This page's number, from 1.
    pub page_number: u32,
    /// Items on this page.
    pub size: usize,
    /// Whether this is page 1.
    pub first_page: bool,
    /// Whether no page follows.
    pub last_page: bool,
    /// Whether there are no items at all.
    pub empty: bool,
    /// The items.
    pub contents: Vec<T>,
}

/// Which page, and how big.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Page number, from 1.
    pub page: u32,
    /// Items per page, 1–[`MAX_PER_PAGE`].
    pub per_page: u32,
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl Paging {
    fn check(self) -> AppResult<Self> {
        whole_in_range("page", self.page, 1, u32::MAX)?;
        whole_in_range("per_page", self.per_page, 1, MAX_PER_PAGE)?;
        Ok(self)
    }

    /// Page `self` of `items`, made with `make` (only the page's items are made).
    fn page<I, T>(self, items: &[I], make: impl Fn(&I) -> T) -> Page<T> {
        let per_page = self.per_page as usize;
        let total_pages = items.len().div_ceil(per_page);
        let start = (self.page as usize - 1).saturating_mul(per_page);
        let contents: Vec<T> = items.iter().skip(start).take(per_page).map(make).collect();
        Page {
            total_items: items.len(),
            total_pages,
            page_number: self.page,
            size: contents.len(),
            first_page: self.page == 1,
            last_page: self.page as usize >= total_pages,
            empty: items.is_empty(),
            contents,
        }
    }
}

/// The filters of the service lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceFilter {
    /// Words in the service, facility or organisation name (folded: full-width, kana, case).
    pub search: Option<String>,
    /// A term (Japanese or English) the service has: its kind, service type,
    /// a capability answered yes, or an accreditation of its location.
    pub taxonomy_term_id: Option<String>,
    /// Any term of this taxonomy, as `taxonomy_term_id`.
    pub taxonomy_id: Option<String>,
    /// The providing organisation.
    pub organization_id: Option<String>,
    /// Records written on or after this time.
    pub modified_after: Option<DateTime<Utc>>,
    /// The location's postal code (7 digits, hyphen optional).
    pub postcode: Option<String>,
    /// HSDS `proximity`: metres around the centroid of `postcode`.
    pub proximity_m: Option<f64>,
    /// renkei extension: a circle (centre, metres).
    pub near: Option<(LonLat, f64)>,
    /// renkei extension: only this 二次医療圏.
    pub region: Option<RegionCode>,
}

/// One service of an active public facility, with what the filters read.
#[derive(Debug)]
struct Entry {
    facility: FacilityId,
    service: usize,
    organization: String,
    position: Option<LonLat>,
    postcode: Option<String>,
    modified: DateTime<Utc>,
    region: Option<RegionCode>,
    text: String,
    terms: Vec<(Vocabulary, String)>,
}

/// The services of one directory in index order, with ids to find them by.
#[derive(Debug, Default)]
struct HsdsIndex {
    entries: Vec<Entry>,
    by_service: HashMap<String, usize>,
    by_link: HashMap<String, usize>,
    /// (organisation id, facility), one per facility with services.
    organizations: Vec<(String, FacilityId, String)>,
    by_organization: HashMap<String, usize>,
}

impl HsdsIndex {
    fn build(directory: &DirectoryIndex) -> Self {
        let mut index = Self::default();
        for listed in directory.listed(&DirectoryQuery::default()) {
            let Some(facility) = PublicFacility::new(listed.facility()) else {
                continue;
            };
            if facility.services.is_empty() {
                continue;
            }
            let organization = Ids::organization(facility.id.0).to_string();
            let org_text = fold(&format!("{} {}", facility.organization.name, facility.name));
            index
                .by_organization
                .insert(organization.clone(), index.organizations.len());
            index
                .organizations
                .push((organization.clone(), facility.id, org_text.clone()));
            for (i, service) in facility.services.iter().enumerate() {
                let mut terms = vec![(Vocabulary::Kind, facility.kind.as_str().to_owned())];
                terms.extend(
                    service
                        .service_type
                        .iter()
                        .map(|t| (Vocabulary::ServiceType, t.as_str().to_owned())),
                );
                terms.extend(
                    service
                        .capabilities
                        .iter()
                        .filter(|f| f.answer == Answer::Yes)
                        .map(|f| (Vocabulary::Capability, f.capability.as_str().to_owned())),
                );
                terms.extend(
                    facility
                        .accreditations
                        .iter()
                        .map(|a| (Vocabulary::Accreditation, a.code.as_str().to_owned())),
                );
                let at = index.entries.len();
                index
                    .by_service
                    .insert(Ids::service(facility.id.0, &service.key).to_string(), at);
                index.by_link.insert(
                    Ids::service_at_location(facility.id.0, &service.key).to_string(),
                    at,
                );
                index.entries.push(Entry {
                    facility: facility.id,
                    service: i,
                    organization: organization.clone(),
                    position: facility.location.position,
                    postcode: facility.location.postal_code.clone(),
                    modified: facility.provenance.imported_at,
                    region: facility.location.region.clone(),
                    text: format!("{org_text} {}", fold(&service.name)),
                    terms,
                });
            }
        }
        index
    }

    /// The index of `snapshot`'s directory, built once per directory.
    fn of(snapshot: &Snapshot) -> Arc<Self> {
        type Cached = Option<(Weak<DirectoryIndex>, Arc<HsdsIndex>)>;
        static CACHE: Mutex<Cached> = Mutex::new(None);
        let directory = snapshot.directory();
        let mut cache = CACHE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((of, index)) = cache.as_ref() {
            if of.upgrade().is_some_and(|d| Arc::ptr_eq(&d, directory)) {
                return Arc::clone(index);
            }
        }
        let index = Arc::new(Self::build(directory));
        *cache = Some((Arc::downgrade(directory), Arc::clone(&index)));
        index
    }

    fn matching(&self, filter: &ServiceFilter) -> AppResult<Vec<&Entry>> {
        let term = filter
            .taxonomy_term_id
            .as_deref()
            .map(|id| {
                lookup(id).ok_or_else(|| AppError::NotFound {
                    entity: "taxonomy_term",
                    id: id.to_owned(),
                })
            })
            .transpose()?;
        let taxonomy = filter
            .taxonomy_id
            .as_deref()
            .map(|id| {
                VOCABULARIES
                    .iter()
                    .copied()
                    .find(|v| v.id().to_string() == id)
                    .ok_or_else(|| AppError::NotFound {
                        entity: "taxonomy",
                        id: id.to_owned(),
                    })
            })
            .transpose()?;
        let words: Vec<String> = filter
            .search
            .as_deref()
            .map(|s| s.split_whitespace().map(fold).collect())
            .unwrap_or_default();
        let postcode = filter.postcode.as_deref().map(|p| p.replace('-', ""));
        let mut circle = filter.near;
        if let Some(metres) = filter.proximity_m {
            let Some(code) = &postcode else {
                return Err(AppError::invalid(
                    "proximity",
                    "proximity は postcode と一緒に指定してください（座標からの距離は lon, lat, radius_m）",
                    "proximity needs a postcode (for a distance from a point give lon, lat and radius_m)",
                ));
            };
            let centre = self
                .postcode_centroid(code)
                .ok_or_else(|| AppError::NotFound {
                    entity: "postcode",
                    id: code.clone(),
                })?;
            circle = Some((centre, metres));
        }
        Ok(self
            .entries
            .iter()
            .filter(|e| words.iter().all(|w| e.text.contains(w.as_str())))
            .filter(|e| {
                term.is_none_or(|(v, code)| e.terms.iter().any(|(tv, tc)| *tv == v && tc == code))
            })
            .filter(|e| taxonomy.is_none_or(|v| e.terms.iter().any(|(tv, _)| *tv == v)))
            .filter(|e| {
                filter
                    .organization_id
                    .as_ref()
                    .is_none_or(|o| *o == e.organization)
            })
            .filter(|e| filter.modified_after.is_none_or(|t| e.modified >= t))
            .filter(|e| {
                filter
                    .region
                    .as_ref()
                    .is_none_or(|r| e.region.as_ref() == Some(r))
            })
            .filter(|e| match (&postcode, filter.proximity_m) {
                (Some(code), None) => e.postcode.as_deref() == Some(code.as_str()),
                _ => true,
            })
            .filter(|e| {
                circle.is_none_or(|(centre, metres)| {
                    e.position.is_some_and(|p| p.distance_m(centre) <= metres)
                })
            })
            .collect())
    }

    /// The mean position of the located services with `postcode`.
    fn postcode_centroid(&self, postcode: &str) -> Option<LonLat> {
        let (mut lon, mut lat, mut n) = (0.0, 0.0, 0.0);
        for p in self
            .entries
            .iter()
            .filter(|e| e.postcode.as_deref() == Some(postcode))
            .filter_map(|e| e.position)
        {
            lon += p.lon();
            lat += p.lat();
            n += 1.0;
        }
        (n > 0.0)
            .then(|| LonLat::new(lon / n, lat / n).ok())
            .flatten()
    }
}

/// The facility of `entry`, public (it was public when indexed).
fn facility_of(snapshot: &Snapshot, id: FacilityId) -> PublicFacility {
    snapshot
        .directory()
        .get(id)
        .and_then(PublicFacility::new)
        .expect("the index lists the snapshot's public facilities")
}

/// Makes one object per entry of a page, decoding each facility once.
fn make<T>(
    snapshot: &Snapshot,
    paging: Paging,
    entries: &[&Entry],
    one: impl Fn(&PublicFacility, usize, &SnapshotPlaces<'_>) -> T,
) -> Page<T> {
    let places = SnapshotPlaces::new(snapshot.regions());
    paging.page(entries, |e| {
        one(&facility_of(snapshot, e.facility), e.service, &places)
    })
}

/// The view a list shows: HSDS's list view, or fully nested with `full`.
fn list_view(full: bool) -> View {
    if full {
        View::Full
    } else {
        View::Brief
    }
}

/// The index of `snapshot` and the entries matching `filter`; an unknown
/// 二次医療圏 is a not-found `region`.
fn matching<'a>(
    snapshot: &Snapshot,
    index: &'a HsdsIndex,
    filter: &ServiceFilter,
) -> AppResult<Vec<&'a Entry>> {
    if let Some(region) = &filter.region {
        snapshot.regions().find_region(region)?;
    }
    index.matching(filter)
}

/// `GET /services`: a page of services (HSDS `service_list` view; `full`: nested).
pub fn services(
    snapshot: &Snapshot,
    filter: &ServiceFilter,
    paging: Paging,
    full: bool,
) -> AppResult<Page<Service>> {
    let paging = paging.check()?;
    let index = HsdsIndex::of(snapshot);
    let entries = matching(snapshot, &index, filter)?;
    Ok(make(snapshot, paging, &entries, |f, i, places| {
        write::service(f, i, list_view(full), places)
    }))
}

/// `GET /service_at_locations`: a page of service_at_locations with their
/// service and location (HSDS `service_at_location_list` view; `full`: nested).
pub fn service_at_locations(
    snapshot: &Snapshot,
    filter: &ServiceFilter,
    paging: Paging,
    full: bool,
) -> AppResult<Page<ServiceAtLocation>> {
    let paging = paging.check()?;
    let index = HsdsIndex::of(snapshot);
    let entries = matching(snapshot, &index, filter)?;
    Ok(make(snapshot, paging, &entries, |f, i, places| {
        write::service_at_location_with_service(f, i, list_view(full), places)
    }))
}

/// The object `make` makes, fully nested, of the entry `id` names in the
/// id map `ids` picks, or a not-found `entity`.
fn by_id<T>(
    snapshot: &Snapshot,
    id: &str,
    entity: &'static str,
    ids: impl Fn(&HsdsIndex) -> &HashMap<String, usize>,
    make: impl Fn(&PublicFacility, usize, View, &SnapshotPlaces<'_>) -> T,
) -> AppResult<T> {
    let index = HsdsIndex::of(snapshot);
    let entry = ids(&index)
        .get(id)
        .map(|&at| &index.entries[at])
        .ok_or_else(|| not_found(entity, id))?;
    let places = SnapshotPlaces::new(snapshot.regions());
    Ok(make(
        &facility_of(snapshot, entry.facility),
        entry.service,
        View::Full,
        &places,
    ))
}

/// `GET /services/{id}`: one service, fully nested.
pub fn service(snapshot: &Snapshot, id: &str) -> AppResult<Service> {
    by_id(
        snapshot,
        id,
        "service",
        |i| &i.by_service,
        |f, i, view, places| write::service(f, i, view, places),
    )
}

/// `GET /service_at_locations/{id}`: one, with its service and location fully nested.
pub fn service_at_location(snapshot: &Snapshot, id: &str) -> AppResult<ServiceAtLocation> {
    by_id(
        snapshot,
        id,
        "service_at_location",
        |i| &i.by_link,
        |f, i, view, places| write::service_at_location_with_service(f, i, view, places),
    )
}

/// `GET /organizations`: a page of organisations (one per facility),
/// `search` on their names; `full` lists each one's services.
pub fn organizations(
    snapshot: &Snapshot,
    search: Option<&str>,
    paging: Paging,
    full: bool,
) -> AppResult<Page<Organization>> {
    let paging = paging.check()?;
    let index = HsdsIndex::of(snapshot);
    let words: Vec<String> = search
        .map(|s| s.split_whitespace().map(fold).collect())
        .unwrap_or_default();
    let matching: Vec<_> = index
        .organizations
        .iter()
        .filter(|(_, _, text)| words.iter().all(|w| text.contains(w.as_str())))
        .collect();
    Ok(paging.page(&matching, |(_, facility, _)| {
        write::organization(&facility_of(snapshot, *facility), list_view(full))
    }))
}

/// `GET /organizations/{id}`: one organisation with its services.
pub fn organization(snapshot: &Snapshot, id: &str) -> AppResult<Organization> {
    let index = HsdsIndex::of(snapshot);
    let (_, facility, _) = index
        .by_organization
        .get(id)
        .map(|&at| &index.organizations[at])
        .ok_or_else(|| not_found("organization", id))?;
    Ok(write::organization(
        &facility_of(snapshot, *facility),
        View::Full,
    ))
}

/// `GET /taxonomies`: renkei's taxonomies.
pub fn taxonomies(paging: Paging) -> AppResult<Page<Taxonomy>> {
    let paging = paging.check()?;
    Ok(paging.page(&VOCABULARIES, |v| v.taxonomy()))
}

/// `GET /taxonomy_terms`: every term, Japanese and English, optionally of one taxonomy.
pub fn taxonomy_terms(taxonomy_id: Option<&str>, paging: Paging) -> AppResult<Page<TaxonomyTerm>> {
    let paging = paging.check()?;
    let terms: Vec<&TaxonomyTerm> = all_terms()
        .iter()
        .filter(|t| taxonomy_id.is_none_or(|id| t.taxonomy_id.as_deref() == Some(id)))
        .collect();
    Ok(paging.page(&terms, |t| (*t).clone()))
}

/// `GET /taxonomies/{id}`: one taxonomy.
pub fn taxonomy(id: &str) -> AppResult<Taxonomy> {
    VOCABULARIES
        .iter()
        .map(|v| v.taxonomy())
        .find(|t| t.id == id)
        .ok_or_else(|| not_found("taxonomy", id))
}

/// `GET /taxonomy_terms/{id}`: one term (Japanese or English).
pub fn taxonomy_term(id: &str) -> AppResult<TaxonomyTerm> {
    all_terms()
        .iter()
        .find(|t| t.id == id)
        .cloned()
        .ok_or_else(|| not_found("taxonomy_term", id))
}

fn not_found(entity: &'static str, id: &str) -> AppError {
    AppError::NotFound {
        entity,
        id: id.to_owned(),
    }
}
