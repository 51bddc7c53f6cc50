//! Test harness: fresh stores per test and fictional fixtures.

use chrono::{NaiveDate, TimeZone, Utc};
use renkei_core::{
    AgeRange, Answer, CapabilityCode, CapabilityFact, Facility, FacilityId, FacilityStatus,
    KindCode, Location, LonLat, MunicipalityCode, Organization, Phone, Provenance, RegionCode,
    Schedule, Service, Verification, Visibility,
};
use renkei_store::{DatabaseUrl, OpenOptions, PostgresStore, RunLog, SourceInfo, SqliteStore};
use renkei_testdata::postgres::{fresh_schema, TestSchema};

/// A fresh in-memory SQLite store.
pub async fn sqlite() -> SqliteStore {
    SqliteStore::open(
        &DatabaseUrl::new("sqlite::memory:"),
        &OpenOptions::default(),
    )
    .await
    .expect("open in-memory SQLite")
}

/// A PostgreSQL store in a schema of its own, dropped with the value.
pub struct PgSchema {
    /// The store, its `search_path` set to the schema.
    pub store: PostgresStore,
    schema: TestSchema,
}

impl PgSchema {
    /// Closes the store and drops the schema (also done on drop, where it cannot be awaited).
    pub async fn drop_schema(self) {
        self.store.close().await;
        self.schema.drop_now().await;
    }
}

/// A fresh PostgreSQL store in a new schema, or `None` when `DATABASE_URL` is not set.
pub async fn postgres() -> Option<PgSchema> {
    let schema = fresh_schema().await?;
    let options = OpenOptions {
        schema: Some(schema.name().to_owned()),
        max_connections: 4,
        ..OpenOptions::default()
    };
    let store = PostgresStore::open(&DatabaseUrl::new(schema.url()), &options)
        .await
        .expect("open PostgreSQL test schema");
    Some(PgSchema { store, schema })
}

/// A fictional source.
pub fn source(key: &str) -> SourceInfo {
    SourceInfo {
        key: key.to_owned(),
        name: format!("テスト用データ {key}"),
        publisher: "架空県".to_owned(),
        licence: "CC BY 4.0".to_owned(),
        attribution: "架空県 テスト用オープンデータ".to_owned(),
        url: Some("https://example.invalid/data".to_owned()),
        demo: true,
    }
}

/// The run-log row of a fictional file `file_name` of `rows_read` rows.
pub fn run_log(file_name: &str, rows_read: u64) -> RunLog {
    RunLog {
        file_name: file_name.to_owned(),
        checksum_sha256: "ab".repeat(32),
        started_at: Utc
            .with_ymd_and_hms(2026, 4, 1, 9, 0, 0)
            .single()
            .expect("time"),
        rows_read,
        rejected: 0,
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A fictional facility with one service, two phones and a few capabilities.
pub fn facility(
    source: &SourceInfo,
    record: &str,
    kind: &str,
    name: &str,
    municipality: &str,
) -> Facility {
    let verified = Verification {
        on: day(2025, 4, 1),
        by_organization: "架空保健福祉事務所".to_owned(),
    };
    Facility {
        id: FacilityId::from_source(&source.key, record),
        kind: KindCode::new(kind).expect("kind"),
        name: name.to_owned(),
        name_kana: Some("テスト".to_owned()),
        organization: Organization {
            name: format!("医療法人 架空会 ({record})"),
            url: None,
        },
        location: Location {
            address: "架空県架空市本町1-2-3".to_owned(),
            postal_code: Some("2530000".to_owned()),
            position: Some(LonLat::new(139.4, 35.33).expect("position")),
            stated_municipality: Some(MunicipalityCode::new(municipality).expect("municipality")),
            municipality: Some(MunicipalityCode::new(municipality).expect("municipality")),
            region: Some(RegionCode::new("1407").expect("region")),
            geocoded: None,
        },
        phones: vec![
            Phone {
                number: "0467-00-0000".to_owned(),
                label: Some("代表".to_owned()),
                visibility: Visibility::Public,
            },
            Phone {
                number: "0467-00-0001".to_owned(),
                label: Some("連携室直通".to_owned()),
                visibility: Visibility::StaffOnly,
            },
        ],
        url: Some("https://example.invalid/facility".to_owned()),
        services: vec![Service {
            key: "main".to_owned(),
            name: "訪問看護".to_owned(),
            service_type: None,
            ages: AgeRange {
                min_years: Some(0),
                max_years: Some(18),
            },
            accepting_new_clients: Answer::Yes,
            respite_beds: Some(2),
            verified: Some(verified.clone()),
            capabilities: vec![
                CapabilityFact {
                    capability: CapabilityCode::new("ventilator").expect("capability"),
                    answer: Answer::Yes,
                    verified: Some(verified),
                    staff_note: Some("夜間は要相談（職員のみ）".to_owned()),
                },
                CapabilityFact {
                    capability: CapabilityCode::new("dialysis").expect("capability"),
                    answer: Answer::No,
                    verified: None,
                    staff_note: None,
                },
            ],
            schedules: vec![Schedule {
                weekdays: ["MO", "TU", "WE", "TH", "FR"].map(str::to_owned).to_vec(),
                opens_at: Some("09:00".to_owned()),
                closes_at: Some("17:00".to_owned()),
                description: Some("祝日・年末年始を除く".to_owned()),
            }],
        }],
        status: FacilityStatus::Active,
        closed_on: None,
        staff_note: Some("担当者への連絡は午後が確実（職員のみ）".to_owned()),
        visibility: Visibility::Public,
        accreditations: Vec::new(),
        provenance: Provenance {
            source: source.key.clone(),
            source_record_id: record.to_owned(),
            imported_at: Utc
                .with_ymd_and_hms(2025, 5, 1, 3, 0, 0)
                .single()
                .expect("time"),
            licence: source.licence.clone(),
            attribution: source.attribution.clone(),
            demo: source.demo,
        },
    }
}

/// Many synthetic facilities for rate measurements.
pub fn synthetic(source: &SourceInfo, count: usize) -> Vec<Facility> {
    (0..count)
        .map(|i| {
            let mut f = facility(
                source,
                &format!("syn-{i:07}"),
                "visiting_nurse",
                &format!("架空訪問看護ステーション{i}"),
                "14207",
            );
            let lon = 139.0 + (i % 1000) as f64 / 1000.0;
            let lat = 35.0 + (i / 1000 % 1000) as f64 / 1000.0;
            f.location.position = Some(LonLat::new(lon, lat).expect("position"));
            f
        })
        .collect()
}
