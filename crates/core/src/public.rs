//! The public view of the directory: the one place where the staff-only rule
//! is applied.
//!
//! Every public output — API responses, GeoJSON and CSV exports, vector tiles,
//! printed maps, leaflets and referral sheets — is made from a
//! [`PublicFacility`]. Making one from a [`Facility`] drops what staff only may
//! see: the record's and its capabilities' staff notes and its staff-only
//! phones; a staff-only record (a provider that asked not to be published)
//! gives none. Staff views keep using [`Facility`].

use crate::directory_index::DirectoryPage;
use crate::search::{Hit, SearchPage};
use crate::{Facility, Visibility};
use std::ops::Deref;

/// A facility as anyone may see it; read it as a [`Facility`] (it derefs to
/// one) whose staff-only fields are empty.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicFacility(Facility);

impl PublicFacility {
    /// The public part of `facility`, or `None` when the whole record is staff-only.
    pub fn new(mut facility: Facility) -> Option<Self> {
        if facility.visibility != Visibility::Public {
            return None;
        }
        facility.staff_note = None;
        facility
            .phones
            .retain(|phone| phone.visibility == Visibility::Public);
        for fact in facility
            .services
            .iter_mut()
            .flat_map(|service| service.capabilities.iter_mut())
        {
            fact.staff_note = None;
        }
        Some(Self(facility))
    }

    /// This facility with its lapsed answers counted as unknown
    /// ([`crate::verification::lapse_answers`]), as printed for families.
    #[must_use]
    pub fn lapsed(mut self, cutoff: chrono::NaiveDate) -> Self {
        crate::verification::lapse_answers(&mut self.0, cutoff);
        self
    }

    /// The public facility as a plain [`Facility`], to move its strings into
    /// a response; it holds nothing staff-only.
    pub fn into_facility(self) -> Facility {
        self.0
    }
}

impl Deref for PublicFacility {
    type Target = Facility;

    fn deref(&self) -> &Facility {
        &self.0
    }
}

/// A search hit as the public sees it.
pub type PublicHit = Hit<PublicFacility>;

impl Hit {
    /// This hit with its facility made public, or `None` for a staff-only record.
    pub fn into_public(self) -> Option<PublicHit> {
        Some(Hit {
            facility: PublicFacility::new(self.facility)?,
            tier: self.tier,
            needs: self.needs,
            distance_m: self.distance_m,
            relevance: self.relevance,
        })
    }
}

impl SearchPage {
    /// Both lists with their facilities made public; a staff-only record
    /// leaves its list (the totals are the index's).
    pub fn into_public(self) -> SearchPage<PublicFacility> {
        let public = |hits: Vec<Hit>| hits.into_iter().filter_map(Hit::into_public).collect();
        SearchPage {
            confirmed: public(self.confirmed),
            unknown: public(self.unknown),
            total_confirmed: self.total_confirmed,
            total_unknown: self.total_unknown,
            next_offset: self.next_offset,
        }
    }
}

impl DirectoryPage {
    /// The page with its facilities made public; a staff-only record leaves
    /// it (the total is the index's).
    pub fn into_public(self) -> DirectoryPage<PublicFacility> {
        DirectoryPage {
            items: self
                .items
                .into_iter()
                .filter_map(PublicFacility::new)
                .collect(),
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::fictional_facility;
    use crate::{Answer, CapabilityCode, CapabilityFact, Phone, Service};

    fn phone(number: &str, visibility: Visibility) -> Phone {
        Phone {
            number: number.into(),
            label: None,
            visibility,
        }
    }

    /// A facility with every staff-only field set.
    fn with_staff_data() -> Facility {
        let mut facility = fictional_facility("1", "visiting_nurse", "架空ステーション", None);
        facility.staff_note = Some("STAFF-NOTE".into());
        facility.phones = vec![
            phone("0000-00-0001", Visibility::StaffOnly),
            phone("0000-00-0002", Visibility::Public),
            phone("0000-00-0003", Visibility::StaffOnly),
        ];
        facility.services = vec![Service {
            key: "main".into(),
            name: "訪問看護".into(),
            service_type: None,
            ages: crate::AgeRange::default(),
            accepting_new_clients: Answer::Yes,
            respite_beds: Some(2),
            verified: None,
            capabilities: vec![CapabilityFact {
                capability: CapabilityCode::new("ventilator").unwrap(),
                answer: Answer::Yes,
                verified: None,
                staff_note: Some("STAFF-CAPABILITY".into()),
            }],
            schedules: vec![],
        }];
        facility
    }

    #[test]
    fn staff_only_fields_are_dropped_and_public_ones_kept() {
        let facility = with_staff_data();
        let public = PublicFacility::new(facility.clone()).unwrap();
        assert_eq!(public.staff_note, None);
        let numbers: Vec<&str> = public.phones.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["0000-00-0002"]);
        let fact = &public.services[0].capabilities[0];
        assert_eq!(fact.staff_note, None);
        // Everything public is untouched, the capability's answer included.
        assert_eq!(fact.answer, Answer::Yes);
        assert_eq!(public.services[0].respite_beds, Some(2));
        assert_eq!(
            (&public.name, &public.location, &public.provenance),
            (&facility.name, &facility.location, &facility.provenance)
        );
        let debug = format!("{:?}", public.into_facility());
        assert!(
            !debug.contains("STAFF") && !debug.contains("0000-00-0001"),
            "{debug}"
        );
    }

    #[test]
    fn a_staff_only_record_has_no_public_view() {
        let mut facility = with_staff_data();
        facility.visibility = Visibility::StaffOnly;
        assert!(PublicFacility::new(facility.clone()).is_none());
        let hit = Hit {
            facility,
            tier: crate::need::Tier::Confirmed,
            needs: vec![],
            distance_m: Some(10.0),
            relevance: None,
        };
        assert!(hit.into_public().is_none());
    }

    #[test]
    fn a_public_hit_keeps_its_tier_and_distance() {
        let hit = Hit {
            facility: with_staff_data(),
            tier: crate::need::Tier::Unknown,
            needs: vec![],
            distance_m: Some(1_234.0),
            relevance: None,
        };
        let public = hit.into_public().unwrap();
        assert_eq!(
            (public.tier, public.distance_m),
            (crate::need::Tier::Unknown, Some(1_234.0))
        );
        assert_eq!(public.facility.phones.len(), 1);
    }
}
