//! The verification queue (#16): per 二次医療圏, the facilities with 医療的ケア
//! items a desk should confirm — never confirmed, due (要再確認), overdue or
//! lapsed — for staff, so staff-only records are included.

use crate::error::AppResult;
use crate::snapshot::Snapshot;
use chrono::NaiveDate;
use renkei_core::directory_index::DirectoryQuery;
use renkei_core::verification::{AgeingPolicy, QueueItem};
use renkei_core::{FacilityId, KindCode, MunicipalityCode, RegionCode};

/// Which facilities to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    /// The 二次医療圏 (facilities placed in it by position).
    pub region: RegionCode,
    /// Only this kind, e.g. `visiting_nurse`.
    pub kind: Option<KindCode>,
    /// When answers fall due and lapse.
    pub ageing: AgeingPolicy,
}

/// One facility of the queue with the items to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// The facility.
    pub facility: FacilityId,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: KindCode,
    /// Municipality it is listed under.
    pub municipality: Option<MunicipalityCode>,
    /// False for a staff-only record (never shown to the public).
    pub public: bool,
    /// The items to confirm, in the taxonomy's order; never empty.
    pub items: Vec<QueueItem>,
}

impl QueueQuery {
    /// The active facilities of the region with something to confirm on
    /// `today` (Asia/Tokyo), in listing order (kind, name); an unknown region
    /// is a not-found `region`.
    pub fn run(&self, snapshot: &Snapshot, today: NaiveDate) -> AppResult<Vec<QueueEntry>> {
        snapshot.regions().find_region(&self.region)?;
        let query = DirectoryQuery {
            kind: self.kind.clone(),
            region: Some(self.region.clone()),
            ..DirectoryQuery::default()
        };
        Ok(snapshot
            .directory()
            .listed(&query)
            .filter_map(|listed| {
                let facility = listed.facility();
                let items = self.ageing.queue_items(&facility, today);
                (!items.is_empty()).then(|| QueueEntry {
                    facility: facility.id,
                    municipality: listed.municipality().cloned(),
                    public: listed.is_public(),
                    name: facility.name,
                    kind: facility.kind,
                    items,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Regions;
    use chrono::Duration;
    use renkei_core::directory_index::DirectoryIndex;
    use renkei_core::fixtures::fictional_facility;
    use renkei_core::geocode::Geocoder;
    use renkei_core::region::RegionTable;
    use renkei_core::{
        AgeRange, Answer, CapabilityCode, CapabilityFact, Service, Taxonomy, Verification,
        Visibility,
    };

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    /// A station in region 4701 whose every item was confirmed `age_days` ago.
    fn station(record: &str, age_days: i64) -> renkei_core::Facility {
        let mut facility = fictional_facility(record, "visiting_nurse", record, None);
        facility.location.region = Some(RegionCode::new("4701").unwrap());
        facility.services = vec![Service {
            key: "main".into(),
            name: "小児訪問看護".into(),
            service_type: None,
            ages: AgeRange::default(),
            accepting_new_clients: Answer::Unknown,
            respite_beds: None,
            verified: None,
            capabilities: Taxonomy::builtin()
                .capability_codes()
                .map(|capability: CapabilityCode| CapabilityFact {
                    capability,
                    answer: Answer::No,
                    verified: Some(Verification {
                        on: today() - Duration::days(age_days),
                        by_organization: "架空相談窓口".into(),
                    }),
                    staff_note: None,
                })
                .collect(),
            schedules: Vec::new(),
        }];
        facility
    }

    fn snapshot() -> Snapshot {
        let table = RegionTable::from_toml(
            r#"
            [prefecture]
            code = "47"
            name_ja = "架空県"
            [[regions]]
            code = "4701"
            name_ja = "架空圏"
            municipalities = ["47201"]
            "#,
        )
        .unwrap();
        let mut hidden = station("架空ステーション非公表", 500);
        hidden.visibility = Visibility::StaffOnly;
        let mut desk =
            fictional_facility("架空相談窓口", "consultation_desk", "架空相談窓口", None);
        desk.location.region = Some(RegionCode::new("4701").unwrap());
        let facilities = vec![
            station("架空ステーション最新", 10),
            station("架空ステーション要再確認", 400),
            hidden,
            desk,
        ];
        Snapshot::new(
            DirectoryIndex::build(facilities, 1),
            Regions::build(vec![table], Vec::new(), Vec::new()),
            Geocoder::default(),
        )
    }

    #[test]
    fn issue_16_queue_lists_what_a_region_needs_confirming_staff_only_included() {
        let query = QueueQuery {
            region: RegionCode::new("4701").unwrap(),
            kind: Some(KindCode::new("visiting_nurse").unwrap()),
            ageing: AgeingPolicy::default(),
        };
        let entries = query.run(&snapshot(), today()).unwrap();
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["架空ステーション要再確認", "架空ステーション非公表"]
        );
        assert!(entries[0].public && !entries[1].public);
        assert_eq!(entries[0].items.len(), 14);
        assert!(entries[0].items.iter().all(|i| i.reason_ja() == "要再確認"));
        assert!(entries[1].items.iter().all(|i| i.reason_ja() == "要確認"));

        let all_kinds = QueueQuery {
            kind: None,
            ..query
        };
        let entries = all_kinds.run(&snapshot(), today()).unwrap();
        let desk = entries.iter().find(|e| e.name == "架空相談窓口").unwrap();
        assert!(desk.items.iter().all(|i| i.reason_ja() == "未確認"));
    }

    #[test]
    fn issue_16_queue_of_an_unknown_region_is_not_found() {
        let query = QueueQuery {
            region: RegionCode::new("4799").unwrap(),
            kind: None,
            ageing: AgeingPolicy::default(),
        };
        assert!(matches!(
            query.run(&snapshot(), today()),
            Err(crate::AppError::NotFound {
                entity: "region",
                ..
            })
        ));
    }
}
