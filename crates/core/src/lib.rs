//! Domain model of renkei (連携), the resource map and referral directory for
//! pediatric home medical care (小児在宅医療).
//!
//! This crate holds the types every other crate shares — facilities aligned with
//! Open Referral HSDS 3.0, the care-capability taxonomy (the 14 items of the
//! 医療的ケア判定スコア), municipality and region codes, positions — and has no I/O.
//!
//! Coordinates are always WGS 84 degrees in **longitude, latitude** order
//! ([`LonLat`]); distances are metres; dates are ISO 8601 in Asia/Tokyo.

pub mod account;
pub mod basemap;
pub mod codes;
pub mod coverage;
pub mod desks;
pub mod directory_index;
pub mod era;
pub mod facility;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod geocode;
pub mod mesh;
pub mod need;
pub mod normalize;
pub mod position;
pub mod public;
pub mod publisher;
pub mod region;
pub mod relevance;
pub mod rollout;
pub mod search;
pub mod source_text;
pub mod spreadsheet;
pub mod taxonomy;
pub mod verification;

pub use account::{AccountId, Role, Scope};
pub use codes::{CodeError, MunicipalityCode, PrefectureCode, RegionCode};
pub use facility::{
    Accreditation, AgeRange, Answer, CapabilityFact, Facility, FacilityId, FacilityStatus,
    Location, Organization, Phone, Provenance, Schedule, Service, Verification, Visibility,
};
pub use position::{LonLat, PositionError};
pub use public::{PublicFacility, PublicHit};
pub use taxonomy::{
    AccreditationCode, CapabilityCode, KindCode, ServiceTypeCode, Taxonomy, TaxonomyError,
};
